/**
 * No administrative surface reaches clients: the httpd balancer-manager and
 * server-status handlers stay local (the recording guide allows 127.0.0.1
 * only; the Web Engagement sample's `Allow from all` must not be copied), only
 * balancers take traffic from the internet, and SSH comes from the
 * administration network alone.
 */
import { cidrWithin, reachesWorld, WORLD_RULE } from "../../core/model/public-reach";
import { INGRESS_RULE, LISTENER_RULE, isOneOf, SECURITY_GROUP, SECURITY_GROUP_RULE } from "../aws-types";
import type { PolicyResource, ResourcePolicy, StackPolicy, Violation } from "../policy";
import { label, read, readArray, readStrings } from "../props";
import { renderedConfigs } from "../rendered-configs";
import { coversPort, ingressOf, Topology } from "../topology";
import { balancerSecurityGroups } from "../systems";

/** httpd handlers that expose balancer state or control. */
export const ADMIN_PATHS = ["balancer-manager", "server-status", "server-info"] as const;
const ADMIN_PATH = new RegExp(`(^|/|\\*)(${ADMIN_PATHS.join("|")})(\\b|$)`, "i");

function forwards(rule: PolicyResource): boolean {
  return readArray(rule.props, "actions").some((a) => read(a, "type") === "forward");
}

/** Path patterns of a listener rule's conditions. */
function pathPatterns(rule: PolicyResource): string[] {
  return readArray(rule.props, "conditions").flatMap((c) => readStrings(c, "pathPattern", "values"));
}

/** `<Location /server-status>` blocks in a rendered httpd config that let anyone but localhost in. */
export function openAdminLocations(text: string): string[] {
  const found: string[] = [];
  const block = /<Location\s+"?([^">\s]+)"?\s*>([\s\S]*?)<\/Location>/gi;
  for (let m = block.exec(text); m !== null; m = block.exec(text)) {
    const [, path, body] = m;
    if (!ADMIN_PATH.test(path)) continue;
    const open = /Require\s+all\s+granted|Allow\s+from\s+all/i.test(body);
    const restricted = /Require\s+(local|ip\s+127\.0\.0\.1)|Allow\s+from\s+127\.0\.0\.1/i.test(body);
    if (open || !restricted) found.push(path);
  }
  return found;
}

export const noAdminPathsExposed: StackPolicy = {
  name: "no-admin-paths-exposed",
  description:
    "Checks that no listener rule forwards balancer-manager, server-status or server-info paths, and that rendered httpd configs keep those handlers restricted to localhost.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const violations: Violation[] = [];
    for (const rule of resources.filter((r) => isOneOf(r.type, LISTENER_RULE))) {
      const exposed = pathPatterns(rule).filter((p) => ADMIN_PATH.test(p));
      if (exposed.length > 0 && forwards(rule)) {
        violations.push({
          resource: rule,
          message: `A production balancer must not forward admin paths to a backend (${label(rule)} forwards ${exposed.join(", ")}).`,
        });
      }
    }
    const rendered = renderedConfigs(resources);
    for (const resource of new Set(rendered.texts.map((t) => t.resource))) {
      const open = new Set(
        rendered.texts.filter((t) => t.resource === resource).flatMap((t) => openAdminLocations(t.text)),
      );
      if (open.size > 0) {
        violations.push({
          resource,
          message: `A production httpd balancer must restrict ${[...open].join(", ")} to localhost (Require local), as the recording guide does (${label(resource)}).`,
        });
      }
    }
    return [...violations, ...rendered.unknown];
  },
};

export const noWorldIngressOutsideBalancers: StackPolicy = {
  name: "no-world-ingress-outside-balancers",
  description:
    "Checks that only balancer security groups accept traffic from the world (any CIDR covering more than 65,536 public IPv4 addresses or more than a /48 of global IPv6, such as 0.0.0.0/0, 0.0.0.0/1 or ::/0); Genesys nodes and every other group take traffic from named sources.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const balancerGroups = new Set(balancerSecurityGroups(topology).map((g) => g.urn));
    const violations: Violation[] = [];
    for (const ingress of topology.ingress) {
      const world = ingress.cidrs.filter(reachesWorld);
      if (world.length === 0 || (ingress.group && balancerGroups.has(ingress.group.urn))) continue;
      const target = ingress.group ? label(ingress.group) : "a security group outside the stack";
      violations.push({
        resource: ingress.declaredBy,
        message: `A production stack must open world-reaching sources (${WORLD_RULE}) only to balancer security groups (${label(ingress.declaredBy)} opens ${target} to ${world.join(" and ")}).`,
      });
    }
    return violations;
  },
};

/**
 * A resource policy, so it judges each rule before the rule is created: on
 * `pulumi up` stack policies run only after every step has executed.
 */
export const sshOnlyFromAdminCidr: ResourcePolicy = {
  name: "ssh-only-from-admin-cidr",
  description:
    "Checks that SSH (port 22) is reachable only from the administration CIDR of the reviewed pack config (adminCidr), and never from the world whatever that config says; judged before each security group or rule is created.",
  enforcementLevel: "mandatory",
  kind: "resource",
  resourceTypes: [...INGRESS_RULE, ...SECURITY_GROUP_RULE, ...SECURITY_GROUP],
  check: (resource, context) => {
    const messages: string[] = [];
    for (const ingress of ingressOf(resource)) {
      if (
        ingress.protocol !== "tcp" &&
        ingress.protocol !== "6" &&
        ingress.protocol !== "-1" &&
        ingress.protocol !== "all"
      )
        continue;
      if (!coversPort(ingress, 22)) continue;
      if (context.adminCidr !== undefined && reachesWorld(context.adminCidr)) {
        messages.push(
          `A production stack's administration CIDR must not reach the world (${WORLD_RULE}): the pack config's adminCidr is ${context.adminCidr} (${label(resource)} opens SSH).`,
        );
      }
      for (const cidr of ingress.cidrs) {
        const allowed = !reachesWorld(cidr) && (context.adminCidr === undefined || cidrWithin(cidr, context.adminCidr));
        if (!allowed) {
          const rule = context.adminCidr
            ? `only from the administration CIDR ${context.adminCidr}`
            : "never from anywhere";
          messages.push(`A production stack must allow SSH ${rule} (${label(resource)} allows ${cidr}).`);
        }
      }
    }
    return messages;
  },
};
