/**
 * Application Load Balancer quotas the stack must fit: a per-tenant recording
 * layout multiplies rules and target groups, and AWS rejects the deployment
 * half-way when one is exceeded.
 */
import { ALB_QUOTAS } from "../../core/model/alb-packing";
import { RULE_LIMITS } from "../../core/plan/alb-conditions";
import { LISTENER_RULE, isOneOf } from "../aws-types";
import type { PolicyResource, StackPolicy, Violation } from "../policy";
import { label, read, readArray, readString } from "../props";
import { Topology } from "../topology";

/** A target group belongs to one load balancer (AWS: "Load balancers per target group"). */
const BALANCERS_PER_TARGET_GROUP = 1;

/** Match values (or regular expressions) of each condition of a rule; a query string pair is one value. */
export function conditionValueCounts(rule: PolicyResource): number[] {
  return readArray(rule.props, "conditions").map((condition) => {
    let count = readArray(condition, "queryStrings").length;
    for (const field of ["hostHeader", "pathPattern", "httpHeader", "httpRequestMethod", "sourceIp"])
      count += readArray(condition, field, "values").length + readArray(condition, field, "regexValues").length;
    return count;
  });
}

/** `*` and `?` over every match value of a rule (regular expressions have no wildcards). */
export function wildcardCount(rule: PolicyResource): number {
  const values = readArray(rule.props, "conditions").flatMap((condition) => [
    ...["hostHeader", "pathPattern", "httpHeader"].flatMap((field) => readArray(condition, field, "values")),
    ...readArray(condition, "queryStrings").flatMap((pair) => [read(pair, "key"), read(pair, "value")]),
  ]);
  return values
    .filter((v): v is string => typeof v === "string")
    .reduce((sum, v) => sum + (v.match(/[*?]/g)?.length ?? 0), 0);
}

/** Target groups of each weighted forward action of a rule or listener. */
function forwardGroupCounts(resource: PolicyResource): number[] {
  const actions = readArray(resource.props, isOneOf(resource.type, LISTENER_RULE) ? "actions" : "defaultActions");
  return actions.map((a) => readArray(a, "forward", "targetGroups").length).filter((n) => n > 0);
}

export const albQuotasRespected: StackPolicy = {
  name: "alb-quotas-respected",
  description: `Checks that every application load balancer fits the AWS quotas: ${ALB_QUOTAS.rulesPerAlb} rules, ${ALB_QUOTAS.targetGroupsPerAlb} target groups, ${ALB_QUOTAS.listenersPerAlb} listeners per balancer; ${RULE_LIMITS.valuesPerCondition} values per condition, ${RULE_LIMITS.valuesPerRule} condition values and ${RULE_LIMITS.wildcardsPerRule} wildcards per rule; ${ALB_QUOTAS.targetGroupsPerAction} target groups per forward action; one balancer per target group.`,
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const q = ALB_QUOTAS;
    const violations: Violation[] = [];
    for (const lb of topology.loadBalancers) {
      if ((readString(lb.props, "loadBalancerType") ?? "application") !== "application") continue;
      const rules = topology.rulesOf(lb);
      const listeners = topology.listenersOf(lb);
      const groups = new Set(
        [...listeners, ...rules].flatMap((r) => topology.forwardedTargetGroups(r)).map((g) => g.urn),
      );
      if (rules.length > q.rulesPerAlb)
        violations.push({
          resource: lb,
          message: `A load balancer must have at most ${q.rulesPerAlb} listener rules (${label(lb)} has ${rules.length}); split tenants over more balancers.`,
        });
      if (groups.size > q.targetGroupsPerAlb)
        violations.push({
          resource: lb,
          message: `A load balancer must route to at most ${q.targetGroupsPerAlb} target groups (${label(lb)} routes to ${groups.size}).`,
        });
      if (listeners.length > q.listenersPerAlb)
        violations.push({
          resource: lb,
          message: `A load balancer must have at most ${q.listenersPerAlb} listeners (${label(lb)} has ${listeners.length}).`,
        });
    }
    for (const rule of topology.rules) {
      const counts = conditionValueCounts(rule);
      const total = counts.reduce((a, b) => a + b, 0);
      const widest = Math.max(0, ...counts);
      const wildcards = wildcardCount(rule);
      if (widest > RULE_LIMITS.valuesPerCondition)
        violations.push({
          resource: rule,
          message: `A listener rule condition must have at most ${RULE_LIMITS.valuesPerCondition} values (${label(rule)} has one with ${widest}).`,
        });
      if (total > RULE_LIMITS.valuesPerRule)
        violations.push({
          resource: rule,
          message: `A listener rule must have at most ${RULE_LIMITS.valuesPerRule} condition values (${label(rule)} has ${total}).`,
        });
      if (wildcards > RULE_LIMITS.wildcardsPerRule)
        violations.push({
          resource: rule,
          message: `A listener rule must have at most ${RULE_LIMITS.wildcardsPerRule} wildcards (${label(rule)} has ${wildcards}).`,
        });
    }
    for (const r of [...topology.listeners, ...topology.rules]) {
      for (const n of forwardGroupCounts(r)) {
        if (n > q.targetGroupsPerAction)
          violations.push({
            resource: r,
            message: `A forward action must name at most ${q.targetGroupsPerAction} target groups (${label(r)} names ${n}).`,
          });
      }
    }
    for (const tg of topology.targetGroups) {
      const balancers = topology.balancersOfTargetGroup(tg);
      if (balancers.length > BALANCERS_PER_TARGET_GROUP)
        violations.push({
          resource: tg,
          message: `A target group must belong to one load balancer (${label(tg)} is used by ${balancers.map((b) => `"${b.name}"`).join(", ")}).`,
        });
    }
    return violations;
  },
};
