/**
 * Routing by a node's own value (a cookie or URL parameter naming the node):
 * a target group holding that node alone and listener rules that forward the
 * value to it. Such a target group has no other node to fail over to, which
 * each system's limitations say.
 */
import { exactCookieConditions, stablePriorities, type PriorityBand, type RuleCondition } from "./alb-conditions";
import { targetGroupOver, type TargetGroupArgs } from "./cluster-parts";
import { TAG, type PlanNode, type RulePlan, type TargetGroupPlan } from "./plan";

/** Cookie rules per node: the cookie first in the header (or alone), or after another one. */
export const COOKIE_RULE_SHAPES = ["first", "later"] as const;

export interface NodeRoute {
  readonly node: PlanNode;
  /** Rule name suffix: `<prefix>-<node key>-<suffix>`. */
  readonly suffix: string;
  readonly priority: number;
  readonly condition: RuleCondition;
}

/**
 * Each node's cookie rules (see exactCookieConditions), suffixed `cookie-first`
 * and `cookie-later`, with priorities from `band` keyed by node and shape, so
 * adding a node leaves every other rule's priority alone.
 */
export function cookieRouting(
  nodes: readonly PlanNode[],
  cookie: string,
  valueOf: (index: number) => string,
  band: PriorityBand,
): NodeRoute[] {
  const key = (node: PlanNode, shape: string) => `${node.key}/${shape}`;
  const priorities = stablePriorities(
    nodes.flatMap((n) => COOKIE_RULE_SHAPES.map((shape) => key(n, shape))),
    band,
  );
  return nodes.flatMap((node, i) =>
    exactCookieConditions(cookie, valueOf(i)).map((condition, j) => ({
      node,
      suffix: `cookie-${COOKIE_RULE_SHAPES[j]}`,
      priority: priorities.get(key(node, COOKIE_RULE_SHAPES[j])) as number,
      condition,
    })),
  );
}

/** `<prefix>-node-<key>` target groups for the routed nodes and one rule per route. */
export function perNodeRouting(
  prefix: string,
  balancer: string,
  routes: readonly NodeRoute[],
  group: TargetGroupArgs,
): { targetGroups: TargetGroupPlan[]; rules: RulePlan[] } {
  const routed = [...new Map(routes.map((r) => [r.node.id, r.node])).values()];
  const tagsOf = (node: PlanNode) => ({ ...group.tags, [TAG.node]: node.key });
  const targetGroups = routed.map((node) =>
    targetGroupOver(`${prefix}-node-${node.key}`, [node], { ...group, tags: tagsOf(node) }),
  );
  const rules = routes.map((r) => ({
    name: `${prefix}-${r.node.key}-${r.suffix}`,
    balancer,
    priority: r.priority,
    conditions: [r.condition],
    targetGroup: `${prefix}-node-${r.node.key}`,
    tags: tagsOf(r.node),
  }));
  return { targetGroups, rules };
}
