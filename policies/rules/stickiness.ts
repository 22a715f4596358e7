/**
 * Stickiness must use the cookie the Genesys product actually sets (one
 * definition: COOKIES in core/model/genesys-facts.ts): GWROUTEID for Web
 * Engagement 8.5, gcbSessionServer for Co-browse, JSESSIONID for the
 * Recording Crypto Server. Where the guide has the balancer make the cookie
 * (RWS's ROUTEID, the Web Engagement 8.1 backend) an ALB uses its own
 * lb_cookie. Cookie names are case-sensitive, so a near miss sticks nothing.
 */
import { COOKIES, RECORDING_SERVICE_FACTS } from "../../core/model/genesys-facts";
import type { PolicyResource, StackPolicy, Violation } from "../policy";
import { label, read, readArray, readStrings, UNKNOWN } from "../props";
import { recordingIdentity, systemOf, tierOf, untaggedMembers } from "../systems";
import { Topology } from "../topology";

export type Expectation =
  | { readonly kind: "server"; readonly cookie: string; readonly product: string }
  | { readonly kind: "balancer"; readonly product: string }
  | { readonly kind: "none"; readonly product: string };

/** What a target group's traffic must stick on, from the system (and service or tier) that owns it. */
export function expectationFor(resource: PolicyResource): Expectation | undefined {
  const system = systemOf(resource);
  switch (system?.facts.kind) {
    case "webEngagement85":
      return { kind: "server", cookie: COOKIES.webEngagement85, product: "the Web Engagement 8.5 server" };
    case "cobrowse":
      return { kind: "server", cookie: COOKIES.cobrowse, product: "the Co-browse node" };
    case "webEngagement81": {
      const tier = tierOf(resource);
      if (tier === "backend") return { kind: "balancer", product: "the Web Engagement 8.1 backend balancer" };
      if (tier === "frontend")
        return { kind: "none", product: "Web Engagement 8.1 frontend servers (URL parameter stickiness)" };
      return undefined;
    }
    case "recording": {
      const service = recordingIdentity(resource).service;
      if (!service) return undefined;
      const facts = RECORDING_SERVICE_FACTS[service];
      const s = facts.stickiness;
      if (s.kind === "none") return { kind: "none", product: facts.label };
      return s.origin === "server"
        ? { kind: "server", cookie: s.cookie, product: facts.label }
        : { kind: "balancer", product: `the ${facts.label} balancer (${s.cookie})` };
    }
    default:
      return undefined;
  }
}

/** Cookie names a `Cookie` header condition value matches on: `*GWROUTEID=.GWE_Node_1*` -> GWROUTEID. */
export function cookieNamesIn(pattern: string): string[] {
  return [...pattern.matchAll(/([A-Za-z0-9_-]+)=/g)].map((m) => m[1]);
}

function cookieConditions(rule: PolicyResource): string[] {
  return readArray(rule.props, "conditions")
    .filter((c) => String(read(c, "httpHeader", "httpHeaderName") ?? "").toLowerCase() === "cookie")
    .flatMap((c) => readStrings(c, "httpHeader", "values"));
}

/** A target group that sticks on a cookie its product does not set. */
function wrongCookie(tg: PolicyResource, expected: Expectation): string | undefined {
  const sticky =
    read(tg.props, "stickiness", "enabled") !== false && read(tg.props, "stickiness", "type") === "app_cookie";
  const cookieName = read(tg.props, "stickiness", "cookieName");
  if (!sticky || cookieName === UNKNOWN) return undefined;
  if (expected.kind === "server")
    return cookieName === expected.cookie
      ? undefined
      : `A target group must stick on ${expected.cookie}, the cookie ${expected.product} sets (${label(tg)} sticks on "${String(cookieName)}").`;
  if (expected.kind === "balancer")
    return `A target group of ${expected.product} must stick with a balancer-made cookie (lb_cookie): the product sets no "${String(cookieName)}" cookie (${label(tg)}).`;
  return `A target group of ${expected.product} must not stick on a cookie the product does not set (${label(tg)} sticks on "${String(cookieName)}").`;
}

/** Whether a target group sticks the way its product needs. */
function sticksRight(tg: PolicyResource, expected: Expectation, cookieRouted: ReadonlySet<string>): boolean {
  if (expected.kind === "server" && cookieRouted.has(tg.urn)) return true;
  if (read(tg.props, "stickiness", "enabled") === false) return false;
  const type = read(tg.props, "stickiness", "type");
  if (expected.kind === "balancer") return type === "lb_cookie";
  if (expected.kind === "server")
    return type === "app_cookie" && read(tg.props, "stickiness", "cookieName") === expected.cookie;
  return true;
}

function missingStickiness(expected: Expectation, groups: readonly PolicyResource[]): string {
  const names = groups.map((g) => `"${g.name}"`).join(", ");
  return expected.kind === "server"
    ? `Traffic for ${expected.product} must stick on its ${expected.cookie} cookie: a target group with app_cookie ${expected.cookie}, or listener rules that route by that cookie (none of ${names} does).`
    : `Traffic for ${expected.product} must stick with a balancer-made cookie: stickiness type lb_cookie (none of ${names} has it).`;
}

export const stickyCookieMatchesApplication: StackPolicy = {
  name: "sticky-cookie-matches-application",
  description:
    "Checks that target group stickiness and listener-rule Cookie conditions use the cookie the Genesys product sets (GWROUTEID, gcbSessionServer, JSESSIONID) or a balancer-made cookie where the guide has the balancer make it (RWS ROUTEID, Web Engagement 8.1 backend).",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const violations: Violation[] = [];
    const cookieRouted = new Set<string>();
    for (const rule of topology.rules) {
      const patterns = cookieConditions(rule);
      if (patterns.length === 0) continue;
      const groups = topology.forwardedTargetGroups(rule);
      for (const tg of groups.length > 0 ? groups : [rule]) {
        const expected = expectationFor(tg);
        if (!expected) continue;
        const names = [...new Set(patterns.flatMap(cookieNamesIn))];
        const wrong = names.filter((n) => expected.kind !== "server" || n !== expected.cookie);
        if (wrong.length === 0 && names.length > 0) {
          cookieRouted.add(tg.urn);
          continue;
        }
        const requirement =
          expected.kind === "server"
            ? `must match the ${expected.cookie} cookie that ${expected.product} sets`
            : `must not route ${expected.product} by a cookie the product does not set`;
        violations.push({
          resource: rule,
          message: `A listener rule's Cookie condition ${requirement} (${label(rule)} matches ${patterns.map((p) => `"${p}"`).join(", ")}).`,
        });
      }
    }
    const needs = new Map<string, { expected: Expectation; groups: PolicyResource[] }>();
    for (const tg of topology.targetGroups) {
      const expected = expectationFor(tg);
      if (!expected || (read(tg.props, "protocol") ?? "HTTP") === "TCP") continue;
      const wrong = wrongCookie(tg, expected);
      if (wrong) violations.push({ resource: tg, message: wrong });
      if (expected.kind === "none") continue;
      const key = `${systemOf(tg)?.component.urn}|${recordingIdentity(tg).tenant ?? ""}|${expected.product}`;
      const entry = needs.get(key) ?? { expected, groups: [] };
      entry.groups.push(tg);
      needs.set(key, entry);
    }
    for (const { expected, groups } of needs.values()) {
      if (!groups.some((g) => sticksRight(g, expected, cookieRouted)))
        violations.push({ resource: groups[0], message: missingStickiness(expected, groups) });
    }
    return [...violations, ...untaggedMembers(topology.targetGroups)];
  },
};
