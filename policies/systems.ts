/**
 * Which Genesys system a resource belongs to, read from the component that
 * owns it (`genesys:<module>:<Type>`), and which of them the vendor guides put
 * behind a balancer. The httpd HA pair is a balancer itself.
 */
import { RECORDING_SERVICE_FACTS } from "../core/model/genesys-facts";
import { RECORDING_SERVICES, type RecordingService } from "../core/model/recording-services";
import { INSTANCE, isOneOf, NETWORK_INTERFACE } from "./aws-types";
import type { PolicyResource } from "./policy";
import { lineage, tagsOf } from "./props";
import type { Topology } from "./topology";

export type SystemKind = "webEngagement85" | "webEngagement81" | "cobrowse" | "recording";

export interface SystemFacts {
  readonly kind: SystemKind;
  readonly label: string;
  readonly component: RegExp;
}

/** The systems whose guides require a balancer in production. */
export const BALANCED_SYSTEMS: readonly SystemFacts[] = [
  { kind: "webEngagement85", label: "Web Engagement 8.5", component: /^genesys:webengagement:WebEngagement85/ },
  { kind: "webEngagement81", label: "Web Engagement 8.1", component: /^genesys:webengagement:WebEngagement81/ },
  { kind: "cobrowse", label: "Co-browse", component: /^genesys:cobrowse:/ },
  { kind: "recording", label: "Interaction Recording", component: /^genesys:recording:/ },
];

export const HTTPD_PAIR_COMPONENT = /^genesys:httpd:HttpdHaPair$/;

export interface SystemInstance {
  readonly facts: SystemFacts;
  readonly component: PolicyResource;
}

/** The nearest owning component that is a balanced system, if any. */
export function systemOf(resource: PolicyResource): SystemInstance | undefined {
  for (const r of lineage(resource)) {
    const facts = BALANCED_SYSTEMS.find((s) => s.component.test(r.type));
    if (facts) return { facts, component: r };
    if (HTTPD_PAIR_COMPONENT.test(r.type)) return undefined;
  }
  return undefined;
}

export function isUnder(resource: PolicyResource, ancestor: PolicyResource): boolean {
  return lineage(resource).some((r) => r.urn === ancestor.urn);
}

/** Every balanced-system component in the stack (outermost per system). */
export function systemsIn(resources: readonly PolicyResource[]): SystemInstance[] {
  const found: SystemInstance[] = [];
  for (const r of resources) {
    const facts = BALANCED_SYSTEMS.find((s) => s.component.test(r.type));
    if (!facts) continue;
    const outer = lineage(r)
      .slice(1)
      .some((a) => facts.component.test(a.type));
    if (!outer) found.push({ facts, component: r });
  }
  return found;
}

/** Genesys server nodes (instances) of a system, excluding the httpd pair. */
export function nodesOf(system: SystemInstance, topology: Topology): PolicyResource[] {
  return topology.instances.filter((i) => systemOf(i)?.component.urn === system.component.urn);
}

export function httpdPairs(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => HTTPD_PAIR_COMPONENT.test(r.type));
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

/** A node's tier within its system (Web Engagement 8.1 frontend/backend), from tags or its name. */
export function tierOf(node: PolicyResource): string | undefined {
  const tags = tagsOf(node);
  const tagged = tags["genesys:tier"] ?? tags.tier ?? tags["genesys:role"];
  if (tagged) return tagged;
  return /frontend/i.test(node.name) ? "frontend" : /backend/i.test(node.name) ? "backend" : undefined;
}

const SERVICE_BY_SHORT = new Map(RECORDING_SERVICES.map((s) => [RECORDING_SERVICE_FACTS[s].short, s] as const));
const TENANT_SERVICE_NAME = new RegExp(
  `(?:^|-)([a-z][a-z0-9]{0,11})-(${[...SERVICE_BY_SHORT.keys()].join("|")})(?:-|$)`,
);

/** Tenant and service of a recording resource, from its `genesys:tenant`/`genesys:service` tags or its `<tenant>-<service>` name. */
export function recordingIdentity(resource: PolicyResource): { tenant?: string; service?: RecordingService } {
  const tags = tagsOf(resource);
  const match = TENANT_SERVICE_NAME.exec(resource.name);
  const taggedService = tags["genesys:service"];
  const service = (RECORDING_SERVICES as readonly string[]).includes(taggedService ?? "")
    ? (taggedService as RecordingService)
    : SERVICE_BY_SHORT.get(taggedService ?? match?.[2] ?? "");
  return { tenant: tags["genesys:tenant"] ?? match?.[1], service };
}
