/**
 * Multi-tenant Genesys Interaction Recording (Interaction Recording
 * multi-tenant load-balancer guide): per tenant, the RWS, RP, RCS, Interaction
 * Receiver and WebDAV servers, published under `/<tenant>/...` like the
 * guide's Apache balancer.
 *
 * With `balancer: alb` each tenant service is a target group behind a listener
 * rule on its public path prefix, with a URL rewrite that strips the tenant's
 * part (Apache's ProxyPass). Tenants are packed whole onto as few ALBs as the
 * quotas allow (core/model/alb-packing.ts), each ALB with its own hostname.
 * With `httpdHaPair` the plan holds only the nodes; the pair serves them. With
 * `none` (development) clients reach the nodes directly.
 */
import { albHostname, packTenants, type TenantPacking } from "../model/alb-packing";
import type { Environment, Recording, RecordingServiceModel, RecordingTenant } from "../model/environment";
import { RECORDING_SERVICE_FACTS, recordingTenantUrls, type Stickiness } from "../model/genesys-facts";
import type { ConfigProblem } from "../model/problems";
import { priorityBands, stablePriorities } from "./alb-conditions";
import { albInFrontOf, directFromVpc, nodeGroup, targetGroupOver } from "./cluster-parts";
import {
  emptyPlan,
  planNodes,
  TAG,
  type AlbStickiness,
  type BalancingPlan,
  type NodeGroupPlan,
  type PlanNode,
  type PlanValue,
  type RulePlan,
  type TargetGroupPlan,
} from "./plan";
import { SYSTEM_IDENTITY } from "./identity";
import { overlappingRoutes, planTenantRules } from "./recording-rules";
import type { SoftwareBalancing, SoftwareTenant, StickyKey } from "./software-balancer";

const COMPONENT_TYPE = SYSTEM_IDENTITY.recording.componentType;
const NAME = "recording";

/** Any HTTP answer means the server is up: the guide names no health URL for these services. */
const HEALTH = { path: "/", codes: "200-499" } as const;

/** ALB stickiness for the guide's: a balancer-made cookie is the ALB's own lb_cookie; a server's cookie is app_cookie. */
export function albStickiness(stickiness: Stickiness): AlbStickiness | undefined {
  if (stickiness.kind === "none") return undefined;
  return stickiness.origin === "balancer"
    ? { type: "lb_cookie" }
    : { type: "app_cookie", cookieName: stickiness.cookie };
}

/** The scheme the httpd pair serves clients with; it depends on secrets the model does not hold. */
export interface RecordingPlanContext {
  readonly pairScheme: "http" | "https";
}

/** Where the tenants go on ALBs, or every reason they cannot be placed. */
export function recordingPacking(recording: Recording): {
  readonly packing?: TenantPacking;
  readonly problems: readonly ConfigProblem[];
} {
  const overlaps = recording.tenants.flatMap(overlappingRoutes);
  if (overlaps.length > 0) return { problems: overlaps };
  return packTenants(
    recording.tenants.map((t) => ({
      key: t.key,
      rules: planTenantRules(t).length,
      targetGroups: t.services.length,
      pinnedAlb: t.alb,
    })),
  );
}

function serviceNodes(tenant: RecordingTenant, service: RecordingServiceModel, batch?: string): PlanNode[] {
  return planNodes(
    "recording",
    `${NAME}-${service.balancerName}`,
    service.members,
    { tenant: tenant.key, service: RECORDING_SERVICE_FACTS[service.service].short },
    batch,
  );
}

/** The tenant's URLs behind `baseUrl`, for the services it has. */
function urlsOf(tenant: RecordingTenant, baseUrl: string): Record<string, string> {
  const all = recordingTenantUrls(baseUrl, tenant.key);
  const has = (s: RecordingServiceModel["service"]) => tenant.services.some((x) => x.service === s);
  return {
    ...(has("rp") ? { rpsUrl: all.rpsUrl } : {}),
    ...(has("rws") ? { htccBaseUrl: all.htccBaseUrl } : {}),
    ...(has("rcs") ? { rcsBaseUri: all.rcsBaseUri } : {}),
  };
}

export function planRecording(
  recording: Recording,
  env: Environment,
  context: RecordingPlanContext = { pairScheme: "http" },
): BalancingPlan {
  const base = emptyPlan("recording", COMPONENT_TYPE, NAME, recording.balancer);
  if (recording.balancer !== "alb") return planWithoutAlb(recording, base, context);

  const { packing, problems } = recordingPacking(recording);
  if (!packing) return { ...base, problems };
  const tenants = new Map(recording.tenants.map((t) => [t.key, t]));
  const plan = {
    nodeGroups: [] as NodeGroupPlan[],
    targetGroups: [] as TargetGroupPlan[],
    balancers: [] as BalancingPlan["balancers"][number][],
    rules: [] as RulePlan[],
  };
  const tenantUrls: Record<string, PlanValue> = {};
  const albs: Record<string, PlanValue> = {};
  for (const packed of packing.albs) {
    const albName = `${NAME}-alb${packed.number}`;
    const hostname = albHostname(recording.hostname, env.site.domain, packed.number);
    const served = packed.tenants.map((key) => tenants.get(key) as RecordingTenant);
    const nodes = served.flatMap((t) => t.services.flatMap((s) => serviceNodes(t, s, t.key)));
    const group = nodeGroup(`${albName}-nodes`, `Interaction Recording nodes behind ${hostname}`, nodes);
    const alb = albInFrontOf({
      name: albName,
      hostname,
      tls: env.tls !== undefined,
      idleTimeoutSeconds: recording.idleTimeoutSeconds,
      defaultAction: { kind: "notFound", message: "No recording tenant is published at this path." },
      tags: { [TAG.system]: "recording" },
      group,
      nodeAccessName: `${albName}-nodes`,
    });
    plan.nodeGroups.push(group);
    plan.balancers.push(alb);
    const rulesOf = new Map(served.map((t) => [t.key, planTenantRules(t)]));
    const priorities = stablePriorities(
      served.flatMap((t) => (rulesOf.get(t.key) ?? []).map((r) => `${t.key}/${r.key}`)),
      priorityBands(1)[0],
    );
    for (const tenant of served) {
      const tags = (service: RecordingServiceModel["service"]) => ({
        [TAG.system]: "recording",
        [TAG.tenant]: tenant.key,
        [TAG.service]: RECORDING_SERVICE_FACTS[service].short,
      });
      // A hot-standby WebDAV member stays out of its target group (see limitations).
      for (const service of tenant.services) {
        const active = serviceNodes(tenant, service, tenant.key).filter(
          (n) => !service.members.some((m) => m.key === n.key && m.hotStandby),
        );
        plan.targetGroups.push(
          targetGroupOver(`${NAME}-${service.balancerName}`, active, {
            protocol: service.scheme === "https" ? "HTTPS" : "HTTP",
            healthPath: HEALTH.path,
            healthyCodes: HEALTH.codes,
            stickiness: albStickiness(service.stickiness),
            tags: tags(service.service),
            batch: tenant.key,
          }),
        );
      }
      for (const rule of rulesOf.get(tenant.key) ?? []) {
        const service = tenant.services.find((s) => s.service === rule.service) as RecordingServiceModel;
        plan.rules.push({
          name: `${NAME}-${tenant.key}-${rule.key}`,
          balancer: albName,
          priority: priorities.get(`${tenant.key}/${rule.key}`) as number,
          conditions: [rule.condition],
          rewrite: rule.rewrite,
          targetGroup: `${NAME}-${service.balancerName}`,
          tags: tags(rule.service),
          batch: tenant.key,
        });
      }
      tenantUrls[tenant.key] = { ...urlsOf(tenant, alb.baseUrl), alb: packed.number };
    }
    albs[String(packed.number)] = {
      hostname,
      dnsName: { ref: "balancerDnsName", balancer: albName },
      tenants: packed.tenants,
      rules: packed.rules,
      targetGroups: packed.targetGroups,
    };
  }
  return {
    ...base,
    ...plan,
    softwareBalancer: recordingSoftwareBalancing(recording),
    outputs: { tenants: tenantUrls, albs },
    limitations: [
      ...standbyNotes(recording),
      "ALB cannot rewrite Set-Cookie paths (Apache's ProxyPassReverseCookiePath): the Recording Crypto Server's JSESSIONID keeps its /rcs path, so a client that honours cookie paths does not send it back under /<tenant>/rcs. RCS stickiness still holds through the ALB's own AWSALBAPP cookie (path /).",
      "RWS stickiness uses the ALB's AWSALB cookie (path /) instead of a ROUTEID cookie scoped to /<tenant>: a client using the RWS of two tenants on the same ALB keeps one pin at a time.",
      "Health checks only see that each server answers HTTP (any status below 500 at /): the guide names no health URL for these services.",
    ],
    warnings: unpinnedWarning(packing),
  };
}

/** What a software balancer (the httpd pair, or a self-run one) does for every tenant, as the guide's Apache balancer. */
export function recordingSoftwareBalancing(recording: Recording): SoftwareBalancing {
  const tenants: SoftwareTenant[] = recording.tenants.map((tenant) => ({
    key: tenant.key,
    prefix: tenant.prefix,
    balancers: tenant.services.map((service) => {
      const facts = RECORDING_SERVICE_FACTS[service.service];
      const sticky = service.stickiness.kind === "cookie" ? service.stickiness : undefined;
      const nodes = serviceNodes(tenant, service);
      const stickiness: StickyKey[] = sticky
        ? [
            {
              carrier: "cookie",
              name: sticky.cookie,
              match: "afterFirstDot",
              // RWS: the balancer pins clients with its own cookie, scoped to the tenant.
              ...(sticky.origin === "balancer" ? { balancerMade: { path: tenant.prefix } } : {}),
            },
          ]
        : [];
      return {
        name: service.balancerName,
        where: ["recording", "tenants", tenant.key, service.service],
        label: service.label,
        members: service.members.map((m, i) => ({
          node: nodes[i].id,
          key: m.key,
          scheme: service.scheme,
          port: m.port,
          ...(service.scheme === "https" ? { tlsName: m.dnsName } : {}),
          ...(sticky ? { route: m.route } : {}),
          hotStandby: m.hotStandby,
        })),
        stickiness,
        paths: service.routes,
        webSockets: false,
        ...(service.cookiePathRewrite ? { cookiePathRewrite: service.cookiePathRewrite } : {}),
        // The guide's RCS members: disablereuse=On connectiontimeout=10000ms.
        ...(service.service === "rcs" ? { freshConnections: { connectTimeoutSeconds: 10 } } : {}),
        // Recordings are uploaded as they are received.
        ...(service.service === "webdav" ? { streamRequestBodies: true } : {}),
        standbyAllowed: facts.standbyAllowed,
      };
    }),
  }));
  return { kind: "recording", hostname: recording.hostname, tenants };
}

function planWithoutAlb(recording: Recording, base: BalancingPlan, context: RecordingPlanContext): BalancingPlan {
  const nodes = recording.tenants.flatMap((t) => t.services.flatMap((s) => serviceNodes(t, s)));
  const group = nodeGroup(`${NAME}-nodes`, "Interaction Recording nodes", nodes);
  if (recording.balancer === "httpdHaPair") {
    return {
      ...base,
      nodeGroups: [group],
      softwareBalancer: recordingSoftwareBalancing(recording),
      outputs: {
        tenants: Object.fromEntries(
          recording.tenants.map((t) => [t.key, urlsOf(t, `${context.pairScheme}://${recording.hostname}`)]),
        ),
        albs: {},
      },
    };
  }
  // Development without a balancer: each URL points at the first member of its service, on the backend path.
  const direct = (t: RecordingTenant, service: RecordingServiceModel["service"], key: string, path: string) => {
    const s = t.services.find((x) => x.service === service);
    const node = s && serviceNodes(t, s)[0];
    return node
      ? { [key]: { ref: "nodeAddress", node: node.id, prefix: "http://", suffix: `:${node.port}${path}` } }
      : {};
  };
  return {
    ...base,
    nodeGroups: [group],
    directAccess: [directFromVpc(`${NAME}-nodes-vpc`, group)],
    outputs: {
      tenants: Object.fromEntries(
        recording.tenants.map((t) => [
          t.key,
          {
            ...direct(t, "rp", "rpsUrl", "/api"),
            ...direct(t, "rws", "htccBaseUrl", ""),
            ...direct(t, "rcs", "rcsBaseUri", "/rcs"),
          },
        ]),
      ),
      albs: {},
    },
    limitations: [
      "No balancer (development only): each tenant's URLs point at one node per service; there is no stickiness or failover.",
    ],
  };
}

function standbyNotes(recording: Recording): string[] {
  return recording.tenants.flatMap((t) =>
    t.services.flatMap((s) =>
      s.members
        .filter((m) => m.hotStandby)
        .map(
          (m) =>
            `${t.key} ${s.label}: ${m.key} is a hot standby (Apache status=+H), which an ALB cannot express; it is built but not registered in ${s.balancerName}'s target group. If the active members fail, register it (aws elbv2 register-targets), or serve recording from the httpd pair.`,
        ),
    ),
  );
}

function unpinnedWarning(packing: TenantPacking): string[] {
  if (packing.albs.length < 2 || packing.unpinned.length === 0) return [];
  const where = packing.unpinned.map((t) => `${t}: ${packing.albOf[t]}`).join(", ");
  return [
    `Recording tenants are spread over ${packing.albs.length} ALBs and ${packing.unpinned.length} are not pinned; a new tenant could move them (and their URLs). Pin each with recording.tenants.<tenant>.alb: ${where}`,
  ];
}
