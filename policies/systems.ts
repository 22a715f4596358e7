/**
 * Which Genesys system a resource belongs to, read from what the program
 * writes (core/plan/identity.ts): the system component's exact type token,
 * and the `genesys:*` tags on nodes and target groups (system, tier, tenant,
 * service). Nothing is guessed from names: a node or target group inside a
 * system's component that lacks those tags is reported "not evaluated" by the
 * policies that need them. The httpd HA pair is a balancer itself.
 */
import { RECORDING_SERVICE_FACTS } from "../core/model/genesys-facts";
import { RECORDING_SERVICES, type RecordingService } from "../core/model/recording-services";
import { HTTPD_PAIR_COMPONENT_TYPE, SYSTEM_IDENTITY, SYSTEM_KEYS, TAG, type SystemKey } from "../core/plan/identity";
import { INSTANCE, isOneOf, NETWORK_INTERFACE, TARGET_GROUP } from "./aws-types";
import type { NotEvaluated, PolicyResource } from "./policy";
import { label, lineage, tagsOf } from "./props";
import type { Topology } from "./topology";

export interface SystemFacts {
  readonly kind: SystemKey;
  readonly label: string;
  readonly componentType: string;
}

/** The systems whose guides require a balancer in production. */
export const BALANCED_SYSTEMS: readonly SystemFacts[] = SYSTEM_KEYS.map((kind) => ({ kind, ...SYSTEM_IDENTITY[kind] }));

export interface SystemInstance {
  readonly facts: SystemFacts;
  readonly component: PolicyResource;
}

const factsOfComponent = (resource: PolicyResource) => BALANCED_SYSTEMS.find((s) => s.componentType === resource.type);

export function isHttpdPair(resource: PolicyResource): boolean {
  return resource.type === HTTPD_PAIR_COMPONENT_TYPE;
}

/** The nearest system component that owns the resource (none for the httpd pair's own resources). */
function owningSystem(resource: PolicyResource): SystemInstance | undefined {
  for (const r of lineage(resource)) {
    const facts = factsOfComponent(r);
    if (facts) return { facts, component: r };
    if (isHttpdPair(r)) return undefined;
  }
  return undefined;
}

/**
 * The system a node or target group serves: its `genesys:system` tag, inside
 * that system's component. Undefined when the tag is missing or names another
 * system than the component's (see untaggedMembers).
 */
export function systemOf(resource: PolicyResource): SystemInstance | undefined {
  const owner = owningSystem(resource);
  return owner && tagsOf(resource)[TAG.system] === owner.facts.kind ? owner : undefined;
}

export function isUnder(resource: PolicyResource, ancestor: PolicyResource): boolean {
  return lineage(resource).some((r) => r.urn === ancestor.urn);
}

/** Every balanced-system component in the stack (outermost per system). */
export function systemsIn(resources: readonly PolicyResource[]): SystemInstance[] {
  const found: SystemInstance[] = [];
  for (const r of resources) {
    const facts = factsOfComponent(r);
    if (!facts) continue;
    const outer = lineage(r)
      .slice(1)
      .some((a) => a.type === facts.componentType);
    if (!outer) found.push({ facts, component: r });
  }
  return found;
}

/** Genesys server nodes (instances) of a system, by their tag; the httpd pair's hosts are not among them. */
export function nodesOf(system: SystemInstance, topology: Topology): PolicyResource[] {
  return topology.instances.filter((i) => systemOf(i)?.component.urn === system.component.urn);
}

export function httpdPairs(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter(isHttpdPair);
}

/** Security groups that front clients: those of load balancers and of the httpd pair's hosts. */
export function balancerSecurityGroups(topology: Topology): PolicyResource[] {
  const groups = new Map<string, PolicyResource>();
  for (const lb of topology.loadBalancers) for (const g of topology.securityGroupsOf(lb)) groups.set(g.urn, g);
  const pairs = httpdPairs(topology.resources);
  for (const r of topology.resources) {
    if (!(isOneOf(r.type, INSTANCE) || isOneOf(r.type, NETWORK_INTERFACE))) continue;
    if (!pairs.some((p) => isUnder(r, p))) continue;
    for (const g of topology.securityGroupsOf(r)) groups.set(g.urn, g);
  }
  return [...groups.values()];
}

/** A node's or target group's tier within Web Engagement 8.1 (`frontend`, `backend`), from its `genesys:tier` tag. */
export function tierOf(resource: PolicyResource): string | undefined {
  return tagsOf(resource)[TAG.tier];
}

const SERVICE_BY_SHORT = new Map(RECORDING_SERVICES.map((s) => [RECORDING_SERVICE_FACTS[s].short, s] as const));

/** Tenant and service of a recording resource, from its `genesys:tenant` and `genesys:service` (rws, rp, rcs, ir, webdav) tags. */
export function recordingIdentity(resource: PolicyResource): { tenant?: string; service?: RecordingService } {
  const tags = tagsOf(resource);
  return { tenant: tags[TAG.tenant], service: SERVICE_BY_SHORT.get(tags[TAG.service] ?? "") };
}

/** The tags the program writes on every node and target group of a system, which the policies read. */
const REQUIRED_TAGS: { readonly [K in SystemKey]: readonly string[] } = {
  webEngagement81: [TAG.system, TAG.tier],
  webEngagement85: [TAG.system],
  cobrowse: [TAG.system],
  recording: [TAG.system, TAG.tenant, TAG.service],
};

/**
 * Nodes and target groups inside a system's component whose tags do not say
 * what they serve (missing, or naming another system or an unknown recording
 * service). A policy that needs to know cannot decide for them: it reports
 * each "not evaluated" rather than guess from names.
 */
export function untaggedMembers(
  resources: readonly PolicyResource[],
  kinds: readonly SystemKey[] = SYSTEM_KEYS,
): NotEvaluated[] {
  const found: NotEvaluated[] = [];
  for (const r of resources) {
    if (!isOneOf(r.type, INSTANCE) && !isOneOf(r.type, TARGET_GROUP)) continue;
    const owner = owningSystem(r);
    if (!owner || !kinds.includes(owner.facts.kind)) continue;
    const tags = tagsOf(r);
    const missing = REQUIRED_TAGS[owner.facts.kind].filter((key) => tags[key] === undefined);
    const wrong = [
      ...(tags[TAG.system] !== undefined && tags[TAG.system] !== owner.facts.kind
        ? [`${TAG.system}=${tags[TAG.system]}`]
        : []),
      ...(owner.facts.kind === "recording" && tags[TAG.service] !== undefined && !recordingIdentity(r).service
        ? [`${TAG.service}=${tags[TAG.service]}`]
        : []),
    ];
    if (missing.length === 0 && wrong.length === 0) continue;
    const because = [
      missing.length > 0 ? `lacks the tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` : "",
      wrong.length > 0 ? `carries ${wrong.join(", ")}` : "",
    ]
      .filter((x) => x !== "")
      .join(" and ");
    found.push({
      notEvaluated: `${label(r)} in ${label(owner.component)}`,
      because: `${because}: the policies tell what a ${owner.facts.label} resource serves only from the tags the program writes (${REQUIRED_TAGS[owner.facts.kind].join(", ")})`,
      resource: r,
    });
  }
  return found;
}
