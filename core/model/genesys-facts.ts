/**
 * What the vendor guides fix: cookie names, health paths, URI conventions and
 * how a route is derived from an application name. Defined once; renderers,
 * components and policies all read them from here.
 */
import type { RecordingService } from "./recording-services";

/** Cookie names, one definition each. Case matters for Apache and ALB rules. */
export const COOKIES = {
  /** Web Engagement 8.5: set by the GWE server, value "." + application name (Web Engagement 8.5 load-balancing guide). */
  webEngagement85: "GWROUTEID",
  /** Co-browse: set by the Co-browse node, value = node id (Co-browse load-balancing guide). */
  cobrowse: "gcbSessionServer",
  /** Interaction Recording Web Services: made by the balancer, path /<tenant> (Interaction Recording load-balancing guide). */
  recordingRws: "ROUTEID",
  /** Recording Crypto Server: the servlet session cookie (Interaction Recording load-balancing guide). */
  recordingRcs: "JSESSIONID",
} as const;

/** Who creates a stickiness cookie: the Genesys server, or the balancer itself. */
type CookieOrigin = "server" | "balancer";

export const COBROWSE_NODE_PARAMETER = "co-browse-node-id";
export const COBROWSE_CONTEXT_PATH = "/cobrowse";

export const HEALTH_PATHS = {
  webEngagement85: "/server/isAlive",
  webEngagement81: "/server/about",
  cobrowse: "/cobrowse/health",
} as const;

/** Web Engagement 8.5 serves everything under /server. */
export const WEB_ENGAGEMENT_CONTEXT_PATH = "/server";
/** Web Engagement 8.5's CometD (Bayeux) endpoint; clients append /handshake, /connect... to it. */
export const WEB_ENGAGEMENT_COMETD_PATH = `${WEB_ENGAGEMENT_CONTEXT_PATH}/cometd`;

/** Route name of a Genesys application: spaces become underscores ("RCS 1" -> "RCS_1"). */
export function routeName(appName: string): string {
  return appName.replace(/ /g, "_");
}

/**
 * Web Engagement 8.1: the Frontend Server writes "." + its application name
 * as configured into its URL parameter (Web Engagement 8.1 load-balancing
 * guide: "." + <CME_Application_Name>); spaces stay spaces, unlike routes.
 */
export function webEngagement81StickyValue(appName: string): string {
  return `.${appName}`;
}

/**
 * The forms a sticky value takes inside a URL query: as is, or, with spaces
 * (the only application-name character URLs must encode), percent-encoded
 * (`%20`) and form-encoded (`+`). Balancers that compare the raw query text
 * must accept each.
 */
export function queryValueForms(value: string): string[] {
  return value.includes(" ") ? [value.replace(/ /g, "%20"), value.replace(/ /g, "+")] : [value];
}

/** Sticky value a node or balancer writes: "." + route. Balancers take the text after the first dot. */
export function stickyValue(route: string): string {
  return `.${route}`;
}

export function tenantPrefix(tenant: string): string {
  return `/${tenant}`;
}

/** Balancer name for a tenant's service; unique because tenant keys contain no '-'. */
export function recordingBalancerName(tenant: string, service: RecordingService): string {
  return `${tenant}-${RECORDING_SERVICE_FACTS[service].short}`;
}

export type Stickiness =
  { readonly kind: "none" } | { readonly kind: "cookie"; readonly cookie: string; readonly origin: CookieOrigin };

export interface ProxyRoute {
  /** Path the balancer publishes, e.g. /t1/api. */
  readonly publicPath: string;
  /** Path on the backend, e.g. /api (the tenant prefix stripped). */
  readonly backendPath: string;
}

interface RecordingServiceFacts {
  readonly label: string;
  readonly short: string;
  readonly stickiness: Stickiness;
  /** Standby members allowed (WebDAV hot standby); never for RP (no warm standby). */
  readonly standbyAllowed: boolean;
  /** Rewrite the backend's cookie path into the tenant's space (RCS). */
  readonly rewriteCookiePath: boolean;
  /**
   * Scheme when recording.serviceSchemes does not set one: recording.backendScheme,
   * or http for the services whose port defaults to 80 (Interaction Receiver,
   * WebDAV), so that https never meets port 80 by default.
   */
  readonly defaultScheme: "backendScheme" | "http";
  /** Backend paths behind /<tenant>/...; WebDAV's come from its `paths`. */
  readonly paths: (extra: readonly string[]) => readonly { publicSuffix: string; backendPath: string }[];
}

export const RECORDING_SERVICE_FACTS: Record<RecordingService, RecordingServiceFacts> = {
  rws: {
    label: "Interaction Recording Web Services",
    short: "rws",
    stickiness: { kind: "cookie", cookie: COOKIES.recordingRws, origin: "balancer" },
    standbyAllowed: false,
    rewriteCookiePath: false,
    defaultScheme: "backendScheme",
    paths: () => [
      { publicSuffix: "/api", backendPath: "/api" },
      { publicSuffix: "/internal-api", backendPath: "/internal-api" },
    ],
  },
  rp: {
    label: "Recording Processor",
    short: "rp",
    stickiness: { kind: "none" },
    standbyAllowed: false,
    rewriteCookiePath: false,
    defaultScheme: "backendScheme",
    paths: () => [{ publicSuffix: "/rp/api", backendPath: "/api" }],
  },
  rcs: {
    label: "Recording Crypto Server",
    short: "rcs",
    stickiness: { kind: "cookie", cookie: COOKIES.recordingRcs, origin: "server" },
    standbyAllowed: false,
    rewriteCookiePath: true,
    defaultScheme: "backendScheme",
    paths: () => [{ publicSuffix: "/rcs", backendPath: "/rcs" }],
  },
  interactionReceiver: {
    label: "Interaction Receiver",
    short: "ir",
    stickiness: { kind: "none" },
    standbyAllowed: false,
    rewriteCookiePath: false,
    defaultScheme: "http",
    paths: () => [{ publicSuffix: "/interactionreceiver", backendPath: "/interactionreceiver" }],
  },
  webdav: {
    label: "WebDAV",
    short: "webdav",
    stickiness: { kind: "none" },
    standbyAllowed: true,
    rewriteCookiePath: false,
    defaultScheme: "http",
    paths: (extra) => extra.map((p) => ({ publicSuffix: `/${p}`, backendPath: `/${p}` })),
  },
};

/** Proxy routes of a tenant's service, with the tenant prefix on the public side only. */
export function recordingRoutes(
  tenant: string,
  service: RecordingService,
  webdavPaths: readonly string[] = [],
): ProxyRoute[] {
  return RECORDING_SERVICE_FACTS[service].paths(webdavPaths).map((p) => ({
    publicPath: `${tenantPrefix(tenant)}${p.publicSuffix}`,
    backendPath: p.backendPath,
  }));
}

/** URLs a Genesys administrator enters for a recording tenant (Interaction Recording load-balancing guide). */
export function recordingTenantUrls(baseUrl: string, tenant: string) {
  const base = `${baseUrl}${tenantPrefix(tenant)}`;
  return { rpsUrl: `${base}/rp/api`, htccBaseUrl: base, rcsBaseUri: `${base}/rcs` };
}

/** Co-browse serverUrl of one node behind the balancer (Co-browse load-balancing guide). */
export function cobrowseServerUrl(baseUrl: string, nodeId: string): string {
  return `${baseUrl}${COBROWSE_CONTEXT_PATH}?${COBROWSE_NODE_PARAMETER}=${encodeURIComponent(nodeId)}`;
}
