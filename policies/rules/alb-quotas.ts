/**
 * Application Load Balancer quotas the stack must fit: a per-tenant recording
 * layout multiplies rules and target groups, and AWS rejects the deployment
 * half-way when one is exceeded.
 */
import { LISTENER_RULE, isOneOf } from "../aws-types";
import type { PolicyResource, StackPolicy, Violation } from "../policy";
import { label, read, readArray } from "../props";
import { Topology } from "../topology";

export const ALB_QUOTAS = {
  rulesPerBalancer: 100,
  targetGroupsPerBalancer: 100,
  conditionValuesPerRule: 5,
  targetGroupsPerForwardAction: 5,
  listenersPerBalancer: 50,
  balancersPerTargetGroup: 1,
} as const;

/** Condition values AWS counts: each value of each condition; a query string pair counts once. */
export function conditionValueCount(rule: PolicyResource): number {
  let count = 0;
  for (const condition of readArray(rule.props, "conditions")) {
    for (const field of ["hostHeader", "pathPattern", "httpRequestMethod", "sourceIp"]) count += readArray(condition, field, "values").length;
    count += readArray(condition, "httpHeader", "values").length;
    count += readArray(condition, "queryStrings").length;
  }
  return count;
}

/** Target groups of each weighted forward action of a rule or listener. */
function forwardGroupCounts(resource: PolicyResource): number[] {
  const actions = readArray(resource.props, isOneOf(resource.type, LISTENER_RULE) ? "actions" : "defaultActions");
  return actions.map((a) => readArray(a, "forward", "targetGroups").length).filter((n) => n > 0);
}

export const albQuotasRespected: StackPolicy = {
  name: "alb-quotas-respected",
  description: "Checks that every application load balancer fits the AWS quotas: 100 rules, 100 target groups, 50 listeners per balancer, 5 condition values per rule, 5 target groups per forward action, 1 balancer per target group.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const q = ALB_QUOTAS;
    const violations: Violation[] = [];
    for (const lb of topology.loadBalancers) {
      if ((read(lb.props, "loadBalancerType") ?? "application") !== "application") continue;
      const rules = topology.rulesOf(lb);
      const listeners = topology.listenersOf(lb);
      const groups = new Set([...listeners, ...rules].flatMap((r) => topology.forwardedTargetGroups(r)).map((g) => g.urn));
      if (rules.length > q.rulesPerBalancer) violations.push({ resource: lb, message: `A load balancer must have at most ${q.rulesPerBalancer} listener rules (${label(lb)} has ${rules.length}); split tenants over more balancers.` });
      if (groups.size > q.targetGroupsPerBalancer) violations.push({ resource: lb, message: `A load balancer must route to at most ${q.targetGroupsPerBalancer} target groups (${label(lb)} routes to ${groups.size}).` });
      if (listeners.length > q.listenersPerBalancer) violations.push({ resource: lb, message: `A load balancer must have at most ${q.listenersPerBalancer} listeners (${label(lb)} has ${listeners.length}).` });
    }
    for (const rule of topology.rules) {
      const values = conditionValueCount(rule);
      if (values > q.conditionValuesPerRule) violations.push({ resource: rule, message: `A listener rule must have at most ${q.conditionValuesPerRule} condition values (${label(rule)} has ${values}).` });
    }
    for (const r of [...topology.listeners, ...topology.rules]) {
      for (const n of forwardGroupCounts(r)) {
        if (n > q.targetGroupsPerForwardAction) violations.push({ resource: r, message: `A forward action must name at most ${q.targetGroupsPerForwardAction} target groups (${label(r)} names ${n}).` });
      }
    }
    for (const tg of topology.targetGroups) {
      const balancers = topology.balancersOfTargetGroup(tg);
      if (balancers.length > q.balancersPerTargetGroup) violations.push({ resource: tg, message: `A target group must belong to one load balancer (${label(tg)} is used by ${balancers.map((b) => `"${b.name}"`).join(", ")}).` });
    }
    return violations;
  },
};
