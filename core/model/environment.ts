/**
 * The validated, resolved environment: stack config with defaults applied and
 * every derived fact (routes, cookies, URI prefixes, placement) computed once.
 * Components, renderers and policies read this, never the raw config.
 */
import { recordingNodeDnsName } from "./backend-tls";
import {
  COOKIES,
  HEALTH_PATHS,
  RECORDING_SERVICE_FACTS,
  recordingBalancerName,
  recordingRoutes,
  routeName,
  tenantPrefix,
  type ProxyRoute,
  type Stickiness,
} from "./genesys-facts";
import type {
  AlbStickinessKind,
  CobrowseConfig,
  EnvironmentKind,
  FrameworkConfig,
  HttpdHaPairConfig,
  NodeConfig,
  RecordingService,
  StackConfig,
} from "./schema";
import { RECORDING_SERVICES } from "./schema";

export interface ResolvedNode {
  /** Stable map key; resource names derive from it. */
  readonly key: string;
  /**
   * Unique within its system: the key, or `tenant/service/key` for a recording member (a node key may repeat
   * across tenants). Balancer address maps are keyed by it, so each tenant's balancers get its own nodes.
   */
  readonly id: string;
  /** Application name in Genesys Administrator. */
  readonly appName: string;
  /** Balancer route: appName with spaces replaced by '_'. */
  readonly route: string;
  readonly port: number;
  readonly instanceType: string;
  readonly availabilityZone: string;
}

export interface Hardening {
  readonly deletionProtection: boolean;
  readonly accessLogs: boolean;
  readonly dropInvalidHeaderFields: boolean;
  readonly desyncMitigationMode: "monitor" | "defensive" | "strictest";
}

export interface WebEngagement85 {
  readonly balancer: "alb" | "none";
  readonly hostname: string;
  readonly listenerPort: number;
  readonly webSockets: boolean;
  readonly idleTimeoutSeconds: number;
  readonly albStickiness: AlbStickinessKind;
  readonly cookie: typeof COOKIES.webEngagement85;
  readonly healthPath: string;
  readonly nodes: readonly ResolvedNode[];
}

export interface WebEngagement81 {
  readonly balancer: "alb" | "none";
  readonly frontend: {
    readonly hostname: string;
    readonly stickyParameter: string;
    readonly idleTimeoutSeconds: number;
    readonly healthPath: string;
    readonly nodes: readonly ResolvedNode[];
  };
  readonly backend: {
    readonly hostname: string;
    readonly cookie: string;
    readonly idleTimeoutSeconds: number;
    readonly healthPath: string;
    readonly nodes: readonly ResolvedNode[];
  };
}

export interface CobrowseNode extends ResolvedNode {
  /** The co-browse-node-id parameter of the node's serverUrl. */
  readonly nodeId: string;
  /** What the node writes into the gcbSessionServer cookie (default: nodeId). */
  readonly cookieValue: string;
}

export interface Cobrowse {
  readonly balancer: "alb" | "none";
  readonly hostname: string;
  readonly agentSide: CobrowseConfig["agentSide"];
  /** serverUrl per node: Workspace Web Edition needs it, Workspace Desktop Edition must not have it. */
  readonly urlStickiness: boolean;
  readonly idleTimeoutSeconds: number;
  readonly albStickiness: AlbStickinessKind;
  readonly cookie: typeof COOKIES.cobrowse;
  readonly healthPath: string;
  readonly nodes: readonly CobrowseNode[];
}

export interface RecordingMember extends ResolvedNode {
  /** Takes traffic only when every other member is down. */
  readonly hotStandby: boolean;
  /** The name its certificate carries and the balancer checks over https: `<key>.<recording hostname>`. */
  readonly dnsName: string;
}

export interface RecordingServiceModel {
  readonly service: RecordingService;
  readonly label: string;
  /** Unique per tenant and service: `t1-rws`. */
  readonly balancerName: string;
  readonly stickiness: Stickiness;
  /** Scheme towards the members: recording.serviceSchemes, else the service's default. */
  readonly scheme: "http" | "https";
  readonly routes: readonly ProxyRoute[];
  /** Cookie path rewrite from the backend's path to the tenant's (RCS). */
  readonly cookiePathRewrite?: { readonly from: string; readonly to: string };
  readonly members: readonly RecordingMember[];
}

export interface RecordingTenant {
  readonly key: string;
  /** `/t1` */
  readonly prefix: string;
  readonly screenRecordingAgents: number;
  /** ALB number the stack config pins this tenant to (balancer alb). */
  readonly alb?: number;
  readonly services: readonly RecordingServiceModel[];
}

export interface Recording {
  readonly balancer: "alb" | "httpdHaPair" | "none";
  readonly hostname: string;
  readonly backendScheme: "http" | "https";
  readonly idleTimeoutSeconds: number;
  readonly connectionHeadroomPercent: number;
  /** PEM CA bundle the recording servers' certificates are verified against; absent: not verified. */
  readonly backendCaBundle?: string;
  readonly tenants: readonly RecordingTenant[];
}

export interface HttpdHaPair extends Omit<HttpdHaPairConfig, "nodes"> {
  readonly nodes: readonly { readonly key: string; readonly privateIp?: string }[];
}

export interface Environment {
  readonly kind: EnvironmentKind;
  readonly isProduction: boolean;
  readonly region: string;
  readonly network: StackConfig["network"];
  readonly site: StackConfig["site"];
  readonly tls?: StackConfig["tls"];
  readonly hardening: Hardening;
  readonly instances: StackConfig["instances"];
  readonly tags: Readonly<Record<string, string>>;
  readonly webEngagement81?: WebEngagement81;
  readonly webEngagement85?: WebEngagement85;
  readonly cobrowse?: Cobrowse;
  readonly recording?: Recording;
  /** The httpd HA pair, only when a system uses it (a configured section nothing uses is left out, with a warning). */
  readonly httpdHaPair?: HttpdHaPair;
  readonly framework?: FrameworkConfig;
}

/** Whether a system is served by the httpd HA pair: only recording can be (recording.balancer: httpdHaPair). */
export function usesHttpdHaPair(config: Pick<StackConfig, "recording">): boolean {
  return config.recording?.balancer === "httpdHaPair";
}

/** Provisioning goes through a bastion the stack creates (the default), rather than an existing one or directly. */
export function createsBastion(pair: Pick<HttpdHaPairConfig, "provisioning">): boolean {
  return pair.provisioning.via === "bastion" && pair.provisioning.existingBastion === undefined;
}

/** `t1/rws/`: what a recording member's id starts with (see ResolvedNode.id). */
export const recordingMemberIdPrefix = (tenant: string, service: RecordingService) => `${tenant}/${service}/`;

const naturalOrder = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/**
 * Resolves a node map in natural key order. A node without an explicit zone
 * takes the zones round-robin in that order; pin `availabilityZone` to freeze it.
 */
function resolveNodes(
  nodes: Readonly<Record<string, NodeConfig>>,
  zones: readonly string[],
  defaultType: string,
  idPrefix = "",
): ResolvedNode[] {
  return Object.keys(nodes)
    .sort(naturalOrder)
    .map((key, i) => {
      const node = nodes[key];
      const appName = node.appName ?? key;
      return {
        key,
        id: `${idPrefix}${key}`,
        appName,
        route: routeName(appName),
        port: node.port,
        instanceType: node.instanceType ?? defaultType,
        availabilityZone: node.availabilityZone ?? zones[i % zones.length],
      };
    });
}

export function resolveEnvironment(config: StackConfig): Environment {
  const zones = config.network.availabilityZones;
  const type = config.instances.defaultType;
  const nodesOf = (n: Readonly<Record<string, NodeConfig>>, idPrefix?: string) =>
    resolveNodes(n, zones, type, idPrefix);

  const we85 = config.webEngagement85;
  const we81 = config.webEngagement81;
  const cob = config.cobrowse;
  const rec = config.recording;
  // Only recording can use the pair; an unused section builds nothing (configWarnings says so).
  const pair = usesHttpdHaPair(config) ? config.httpdHaPair : undefined;

  return {
    kind: config.environment,
    isProduction: config.environment === "production",
    region: config.region,
    network: config.network,
    site: config.site,
    tls: config.tls,
    hardening: config.hardening,
    instances: config.instances,
    tags: config.tags,
    webEngagement85: we85 && {
      balancer: we85.balancer,
      hostname: we85.hostname,
      listenerPort: we85.listenerPort,
      webSockets: we85.webSockets,
      idleTimeoutSeconds: we85.idleTimeoutSeconds,
      albStickiness: we85.albStickiness,
      cookie: COOKIES.webEngagement85,
      healthPath: HEALTH_PATHS.webEngagement85,
      nodes: nodesOf(we85.nodes),
    },
    webEngagement81: we81 && {
      balancer: we81.balancer,
      frontend: {
        hostname: we81.frontend.hostname,
        stickyParameter: we81.frontend.stickyParameter,
        idleTimeoutSeconds: we81.frontend.idleTimeoutSeconds,
        healthPath: HEALTH_PATHS.webEngagement81,
        nodes: nodesOf(we81.frontend.nodes),
      },
      backend: {
        hostname: we81.backend.hostname,
        cookie: we81.backend.cookie,
        idleTimeoutSeconds: we81.backend.idleTimeoutSeconds,
        healthPath: HEALTH_PATHS.webEngagement81,
        nodes: nodesOf(we81.backend.nodes),
      },
    },
    cobrowse: cob && {
      balancer: cob.balancer,
      hostname: cob.hostname,
      agentSide: cob.agentSide,
      urlStickiness: cob.urlStickiness ?? cob.agentSide === "workspaceWebEdition",
      idleTimeoutSeconds: cob.idleTimeoutSeconds,
      albStickiness: cob.albStickiness,
      cookie: COOKIES.cobrowse,
      healthPath: HEALTH_PATHS.cobrowse,
      nodes: nodesOf(cob.nodes).map((n) => ({
        ...n,
        nodeId: cob.nodes[n.key].nodeId,
        cookieValue: cob.nodes[n.key].cookieValue ?? cob.nodes[n.key].nodeId,
      })),
    },
    recording: rec && {
      balancer: rec.balancer,
      hostname: rec.hostname,
      backendScheme: rec.backendScheme,
      idleTimeoutSeconds: rec.idleTimeoutSeconds,
      connectionHeadroomPercent: rec.connectionHeadroomPercent,
      backendCaBundle: rec.backendTls.caBundle,
      tenants: Object.keys(rec.tenants)
        .sort(naturalOrder)
        .map((tenantKey) => {
          const tenant = rec.tenants[tenantKey];
          const services = RECORDING_SERVICES.flatMap((service): RecordingServiceModel[] => {
            const section = tenant[service];
            if (!section) return [];
            const facts = RECORDING_SERVICE_FACTS[service];
            const standbyKey = service === "webdav" ? tenant.webdav?.hotStandby : undefined;
            const webdavPaths = service === "webdav" ? (tenant.webdav?.paths ?? []) : [];
            return [
              {
                service,
                label: facts.label,
                balancerName: recordingBalancerName(tenantKey, service),
                stickiness: facts.stickiness,
                scheme: rec.serviceSchemes[service] ?? (facts.defaultScheme === "http" ? "http" : rec.backendScheme),
                routes: recordingRoutes(tenantKey, service, webdavPaths),
                cookiePathRewrite: facts.rewriteCookiePath
                  ? { from: `/${service}`, to: `${tenantPrefix(tenantKey)}/${service}` }
                  : undefined,
                members: nodesOf(section.nodes, recordingMemberIdPrefix(tenantKey, service)).map((n) => ({
                  ...n,
                  hotStandby: n.key === standbyKey,
                  dnsName: recordingNodeDnsName(n.key, rec.hostname),
                })),
              },
            ];
          });
          return {
            key: tenantKey,
            prefix: tenantPrefix(tenantKey),
            screenRecordingAgents: tenant.screenRecordingAgents,
            alb: tenant.alb,
            services,
          };
        }),
    },
    httpdHaPair: pair && {
      ...pair,
      nodes: Object.keys(pair.nodes)
        .sort(naturalOrder)
        .map((key) => ({ key, privateIp: pair.nodes[key].privateIp })),
    },
    framework: config.framework,
  };
}
