/**
 * Application load balancers serve HTTPS only: every listener terminates TLS
 * with a TLS 1.2+ (or 1.3) security policy and a certificate, or is a plain
 * HTTP listener whose only job is a redirect to HTTPS.
 */
import { LISTENER, LISTENER_RULE, isOneOf } from "../aws-types";
import type { PolicyResource, StackPolicy, Violation } from "../policy";
import { label, read, readArray, readString, UNKNOWN } from "../props";
import { Topology } from "../topology";

/** ELB policies whose minimum protocol is TLS 1.2 or 1.3. */
export const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/;

function isRedirectToHttps(action: unknown): boolean {
  return read(action, "type") === "redirect" && read(action, "redirect", "protocol") === "HTTPS";
}

function listenerProblems(listener: PolicyResource, rulesOnIt: readonly PolicyResource[]): string[] {
  const protocol = read(listener.props, "protocol");
  const port = read(listener.props, "port");
  if (protocol === "HTTPS") {
    const problems: string[] = [];
    const policy = read(listener.props, "sslPolicy");
    if (policy !== UNKNOWN && !(typeof policy === "string" && MODERN_TLS_POLICY.test(policy))) {
      problems.push(
        `A production HTTPS listener must use a TLS 1.2+ security policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (${label(listener)} has ${policy === undefined ? "none" : `"${String(policy)}"`}).`,
      );
    }
    if (read(listener.props, "certificateArn") === undefined) {
      problems.push(`A production HTTPS listener must name its certificate (certificateArn) (${label(listener)}).`);
    }
    return problems;
  }
  if (protocol === "HTTP") {
    const actions = readArray(listener.props, "defaultActions");
    const redirects = actions.length > 0 && actions.every(isRedirectToHttps);
    const forwardingRules = rulesOnIt.filter((r) =>
      readArray(r.props, "actions").some((a) => read(a, "type") === "forward"),
    );
    if (redirects && forwardingRules.length === 0) return [];
    const detail = redirects
      ? `rules ${forwardingRules.map((r) => `"${r.name}"`).join(", ")} serve plain HTTP`
      : "its default action does not redirect to HTTPS";
    return [
      `A production balancer must serve HTTPS only: an HTTP listener may only redirect to HTTPS (${label(listener)} on port ${String(port)}: ${detail}).`,
    ];
  }
  return [
    `A production application load balancer must listen with HTTPS (${label(listener)} uses ${protocol === undefined ? "no protocol" : String(protocol)}).`,
  ];
}

export const httpsOnlyListeners: StackPolicy = {
  name: "https-only-listeners",
  description:
    "Checks that application load balancer listeners serve HTTPS with a TLS 1.2+ security policy, and that plain HTTP listeners only redirect to HTTPS.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const violations: Violation[] = [];
    for (const listener of resources.filter((r) => isOneOf(r.type, LISTENER))) {
      const lb = topology.balancerOfListener(listener);
      const type = lb ? (readString(lb.props, "loadBalancerType") ?? "application") : "application";
      if (type !== "application") continue;
      const rulesOnIt = resources.filter(
        (r) => isOneOf(r.type, LISTENER_RULE) && topology.listenerOfRule(r)?.urn === listener.urn,
      );
      for (const message of listenerProblems(listener, rulesOnIt)) violations.push({ resource: listener, message });
    }
    return violations;
  },
};
