/**
 * The parts every clustered system's plan is made of: a node group, the
 * development-only direct access from the VPC, one ALB in front of the group,
 * and target groups over the group's nodes.
 */
import type { AlbStickiness, BalancerPlan, DirectAccessPlan, NodeGroupPlan, PlanNode, TargetGroupPlan } from "./plan";
import { balancerAddress, portsOf } from "./plan";

export function nodeGroup(name: string, description: string, nodes: readonly PlanNode[]): NodeGroupPlan {
  return { name, description, nodes };
}

/** Development without a balancer: clients inside the VPC reach the group's nodes on their ports. */
export function directFromVpc(name: string, group: NodeGroupPlan, what = "the nodes"): DirectAccessPlan {
  return {
    kind: "cidr",
    name,
    nodeGroup: group.name,
    cidr: "vpc",
    ports: portsOf(group.nodes),
    description: `development: clients inside the VPC reach ${what} directly`,
  };
}

export interface AlbArgs {
  readonly name: string;
  readonly hostname: string;
  readonly tls: boolean;
  /** @default the scheme's port */
  readonly listenerPort?: number;
  readonly idleTimeoutSeconds: number;
  readonly exposure?: BalancerPlan["exposure"];
  readonly defaultAction: BalancerPlan["defaultAction"];
  readonly tags: Readonly<Record<string, string>>;
  readonly group: NodeGroupPlan;
  /** @default `<name>-alb-nodes` */
  readonly nodeAccessName?: string;
}

/** One ALB whose security group reaches `group` on its nodes' ports. */
export function albInFrontOf(args: AlbArgs): BalancerPlan {
  return {
    name: args.name,
    hostname: args.hostname,
    exposure: args.exposure ?? "internet",
    ...balancerAddress(args.hostname, args.tls, args.listenerPort),
    idleTimeoutSeconds: args.idleTimeoutSeconds,
    defaultAction: args.defaultAction,
    tags: args.tags,
    nodeAccess: {
      name: args.nodeAccessName ?? `${args.name}-alb-nodes`,
      nodeGroup: args.group.name,
      ports: portsOf(args.group.nodes),
    },
  };
}

export interface TargetGroupArgs {
  readonly protocol?: TargetGroupPlan["protocol"];
  readonly healthPath: string;
  readonly healthyCodes?: string;
  readonly stickiness?: AlbStickiness;
  readonly tags: Readonly<Record<string, string>>;
  readonly batch?: string;
}

/** A target group over `nodes` (at least one). */
export function targetGroupOver(name: string, nodes: readonly PlanNode[], args: TargetGroupArgs): TargetGroupPlan {
  return {
    name,
    protocol: args.protocol ?? "HTTP",
    healthPath: args.healthPath,
    ...(args.healthyCodes === undefined ? {} : { healthyCodes: args.healthyCodes }),
    ...(args.stickiness === undefined ? {} : { stickiness: args.stickiness }),
    targets: nodes.map((n) => ({ node: n.id, port: n.port })),
    tags: args.tags,
    ...(args.batch === undefined ? {} : { batch: args.batch }),
  };
}

export interface StickyClusterArgs {
  readonly name: string;
  /** The cluster target group's resource name. */
  readonly targetGroup: string;
  readonly group: NodeGroupPlan;
  readonly health: Omit<TargetGroupArgs, "stickiness">;
  readonly tls: boolean;
}

/** What a clustered system's model section says about its balancer. */
export interface ClusterBalancing {
  readonly hostname: string;
  readonly idleTimeoutSeconds: number;
  /** The cookie the nodes set: the ALB pins a client once it sees it (app_cookie). */
  readonly cookie: string;
  readonly listenerPort?: number;
}

/**
 * A target group over every node of `group`, sticky on the nodes' own cookie
 * through the ALB's app cookie, and the ALB that sends it whatever no rule
 * takes: a dead node's clients move to a healthy node, which sets its own cookie.
 */
export function stickyCluster(
  args: StickyClusterArgs,
  cluster: ClusterBalancing,
): { clusterGroup: TargetGroupPlan; alb: BalancerPlan } {
  const clusterGroup = targetGroupOver(args.targetGroup, args.group.nodes, {
    ...args.health,
    stickiness: { type: "app_cookie", cookieName: cluster.cookie },
  });
  const alb = albInFrontOf({
    name: args.name,
    hostname: cluster.hostname,
    tls: args.tls,
    listenerPort: cluster.listenerPort,
    idleTimeoutSeconds: cluster.idleTimeoutSeconds,
    tags: args.health.tags,
    defaultAction: { kind: "forward", targetGroup: clusterGroup.name },
    group: args.group,
  });
  return { clusterGroup, alb };
}
