/**
 * Interaction Recording rules from the multi-tenant balancer guide: the
 * Recording Processor balancer has no warm or hot standby member; each tenant
 * is served only under its own prefix (/t1/...), by its own balancers; and the
 * RWS balancer has room for one persistent connection per logged-in
 * screen-recording agent.
 */
import { tenantPrefix } from "../../core/model/genesys-facts";
import type { PolicyResource, StackPolicy, Violation } from "../policy";
import { label, lineage, read, readArray, readStrings, tagsOf } from "../props";
import { renderedConfigs } from "../rendered-configs";
import { TAG } from "../../core/plan/identity";
import { isHttpdPair, recordingIdentity, systemOf, untaggedMembers } from "../systems";
import { Topology } from "../topology";

/** `<Proxy balancer://NAME>` blocks of a rendered httpd config: name -> member lines. */
export function httpdBalancers(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const block = /<Proxy\s+"?balancer:\/\/([^">\s]+)"?\s*>([\s\S]*?)<\/Proxy>/gi;
  for (let m = block.exec(text); m !== null; m = block.exec(text)) {
    found.set(m[1], [...(found.get(m[1]) ?? []), ...m[2].split("\n").filter((l) => /^\s*BalancerMember\b/i.test(l))]);
  }
  return found;
}

/** `ProxyPass /t1/api balancer://t1-rws/api` -> [["/t1/api", "t1-rws"]]. */
export function httpdProxyPasses(text: string): [string, string][] {
  return [...text.matchAll(/^\s*ProxyPass\s+"?(\/[^\s"]*)"?\s+"?balancer:\/\/([^/"\s]+)/gim)].map((m) => [m[1], m[2]]);
}

const STANDBY_MEMBER = /\bstatus="?[^\s"]*\bH|\bstatus="?\+?[A-Za-z]*H|\blbset="?[1-9]/i;

function isRecordingProcessorGroup(tg: PolicyResource): boolean {
  return systemOf(tg)?.facts.kind === "recording" && recordingIdentity(tg).service === "rp";
}

export const recordingProcessorNoStandby: StackPolicy = {
  name: "recording-processor-no-standby",
  description:
    "Checks that Recording Processor balancers have no warm or hot standby member: no zero-weight RP target group, no status=+H or lbset member in a rendered RP balancer.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const violations: Violation[] = [];
    for (const route of [...topology.listeners, ...topology.rules]) {
      const groups = topology.forwardedTargetGroups(route);
      if (!groups.some(isRecordingProcessorGroup)) continue;
      const actions = readArray(route.props, topology.listeners.includes(route) ? "defaultActions" : "actions");
      const weights = actions.flatMap((a) => readArray(a, "forward", "targetGroups").map((t) => read(t, "weight")));
      if (weights.some((w) => w === 0)) {
        violations.push({
          resource: route,
          message: `A Recording Processor balancer must not keep a standby target group (weight 0): warm standby must be disabled for RP (${label(route)}).`,
        });
      }
    }
    const rendered = renderedConfigs(resources);
    for (const { resource, text } of rendered.texts) {
      for (const [name, members] of httpdBalancers(text)) {
        if (!/-rp$/.test(name)) continue;
        const standby = members.filter((m) => STANDBY_MEMBER.test(m));
        if (standby.length > 0) {
          violations.push({
            resource,
            message: `A Recording Processor balancer must not have a standby member: warm standby must be disabled for RP (balancer://${name} in ${label(resource)}: ${standby.map((m) => m.trim()).join("; ")}).`,
          });
        }
      }
    }
    return [...violations, ...rendered.unknown, ...untaggedMembers(topology.targetGroups, ["recording"])];
  },
};

function pathPatterns(rule: PolicyResource): string[] {
  return readArray(rule.props, "conditions").flatMap((c) => readStrings(c, "pathPattern", "values"));
}

function underTenant(path: string, tenant: string): boolean {
  const prefix = tenantPrefix(tenant);
  return path === prefix || path.startsWith(`${prefix}/`);
}

export const recordingTenantIsolation: StackPolicy = {
  name: "recording-tenant-isolation",
  description:
    "Checks that each recording tenant's target groups (and rendered httpd balancers) are reached only through listener rules whose paths are under that tenant's prefix /<tenant>/, and that a tenant's target groups register only that tenant's nodes.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const violations: Violation[] = [];
    for (const route of [...topology.listeners, ...topology.rules]) {
      const isRule = topology.rules.includes(route);
      for (const tg of topology.forwardedTargetGroups(route)) {
        if (systemOf(tg)?.facts.kind !== "recording") continue;
        const tenant = recordingIdentity(tg).tenant;
        if (!tenant) continue;
        const paths = isRule ? pathPatterns(route) : [];
        const foreign = paths.filter((p) => !underTenant(p, tenant));
        if (paths.length === 0 || foreign.length > 0) {
          const what = paths.length === 0 ? "without a path condition" : `for ${foreign.join(", ")}`;
          violations.push({
            resource: route,
            message: `A recording tenant's target groups must be reached only under its prefix ${tenantPrefix(tenant)}/ (${label(route)} forwards to ${label(tg)} of tenant ${tenant} ${what}).`,
          });
        }
      }
    }
    for (const tg of topology.targetGroups) {
      if (systemOf(tg)?.facts.kind !== "recording") continue;
      const tenant = recordingIdentity(tg).tenant;
      if (!tenant) continue;
      // Node keys may repeat across tenants: a node of the same key in another tenant is another tenant's server.
      for (const node of topology.nodesOfTargetGroup(tg)) {
        const nodeTenant = tagsOf(node)[TAG.tenant];
        if (nodeTenant !== undefined && nodeTenant !== tenant) {
          violations.push({
            resource: tg,
            message: `A recording tenant's target group must register only that tenant's nodes (${label(tg)} of tenant ${tenant} registers ${label(node)} of tenant ${nodeTenant}).`,
          });
        }
      }
    }
    const rendered = renderedConfigs(resources);
    for (const { resource, text } of rendered.texts) {
      for (const [path, balancer] of httpdProxyPasses(text)) {
        const tenant = /^([a-z][a-z0-9]{0,11})-/.exec(balancer)?.[1];
        if (tenant && !underTenant(path, tenant)) {
          violations.push({
            resource,
            message: `A recording tenant's balancer must be reached only under its prefix ${tenantPrefix(tenant)}/ (ProxyPass ${path} -> balancer://${balancer} in ${label(resource)}).`,
          });
        }
      }
    }
    return [...violations, ...rendered.unknown, ...untaggedMembers(topology.targetGroups, ["recording"])];
  },
};

/** MaxRequestWorkers (httpd 2.4) or MaxClients (2.2) in a rendered config; the largest wins. */
export function httpdWorkerLimit(text: string): number | undefined {
  const values = [...text.matchAll(/^\s*(?:MaxRequestWorkers|MaxClients)\s+(\d+)/gim)].map((m) => Number(m[1]));
  return values.length > 0 ? Math.max(...values) : undefined;
}

export const recordingCapacity: StackPolicy = {
  name: "recording-capacity",
  description:
    "Checks that the httpd balancer serving recording has at least one worker per logged-in screen-recording agent (each holds one persistent RWS connection).",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources, context) => {
    const agents = context.screenRecordingAgents;
    if (agents === 0) return [];
    const violations: Violation[] = [];
    const rendered = renderedConfigs(resources);
    for (const pair of resources.filter(isHttpdPair)) {
      const texts = rendered.texts
        .filter(({ resource }) => resource.urn !== pair.urn && lineage(resource).some((a) => a.urn === pair.urn))
        .map(({ resource, text }) => ({ r: resource, text }));
      if (!texts.some(({ text }) => httpdBalancers(text).size > 0)) continue;
      if (agents === undefined) {
        violations.push({
          resource: pair,
          message: `A production stack's reviewed pack config must give screenRecordingAgents, so the recording balancer's capacity can be checked (${label(pair)} serves recording).`,
        });
        continue;
      }
      const limits = texts.flatMap(({ r, text }) => {
        const limit = httpdWorkerLimit(text);
        return limit === undefined ? [] : [{ r, limit }];
      });
      const need = `${agents} agents need at least ${agents} httpd workers`;
      const rule = "A recording balancer must have room for one persistent connection per screen-recording agent";
      if (limits.length === 0)
        violations.push({ resource: pair, message: `${rule}: ${need} (${label(pair)} renders no worker limit).` });
      for (const { r, limit } of limits.filter((l) => l.limit < agents)) {
        violations.push({ resource: r, message: `${rule}: ${need} (${label(r)} renders MaxRequestWorkers ${limit}).` });
      }
    }
    return [...violations, ...rendered.unknown];
  },
};
