/**
 * A balancing plan: everything one Genesys system needs on AWS, as plain data
 * derived from the validated model. The ALB realiser (components/balanced-system.ts)
 * turns any plan into resources without knowing which system it serves, so a
 * system's routing, stickiness, names and limits are decided here, once, and
 * can be checked before any resource exists. Pulumi-free.
 */
import type { ResolvedNode } from "../model/environment";
import type { ConfigProblem } from "../model/problems";
import type { RuleCondition } from "./alb-conditions";
import type { SystemKey } from "./identity";
import type { SoftwareBalancing } from "./software-balancer";

export { SYSTEM_KEYS, TAG, type SystemKey } from "./identity";

/** Target group stickiness an ALB supports; the AWS API spells the types in snake case. */
export type AlbStickiness =
  /** The balancer makes its own cookie (AWSALB): the ALB form of a balancer-made ROUTEID. */
  | {
      readonly type: "lb_cookie";
      /** Cookie lifetime, seconds (1-604800). @default 86400 */ readonly durationSeconds?: number;
    }
  /** The balancer pins a client once the application sets `cookieName` (it issues AWSALBAPP; it does not read the value). */
  | {
      readonly type: "app_cookie";
      readonly cookieName: string;
      /** Seconds (1-604800). @default 86400 */ readonly durationSeconds?: number;
    };

/** Tags a node carries besides its system, key and application name. */
export interface NodeScope {
  readonly tier?: string;
  readonly tenant?: string;
  readonly service?: string;
}

export interface PlanNode {
  /** `system/tenant/service/node`, with `-` for the parts a system does not have: unique in the stack. */
  readonly id: string;
  /** The node's key in the stack config. */
  readonly key: string;
  /** The instance's resource name. */
  readonly resourceName: string;
  readonly appName: string;
  readonly port: number;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly scope: NodeScope;
  /** Nodes, target groups and rules of one batch (a recording tenant) are built together. */
  readonly batch?: string;
}

/** A security group of nodes; its egress and Local Control Agent rules are named `<name>-out`, `<name>-lca`. */
export interface NodeGroupPlan {
  readonly name: string;
  readonly description: string;
  readonly nodes: readonly PlanNode[];
}

export interface TargetGroupPlan {
  /** Resource name; the AWS name replaces '_' with '-'. Attachments are `<name>-<node key>`. */
  readonly name: string;
  readonly protocol: "HTTP" | "HTTPS";
  readonly healthPath: string;
  /** ALB matcher syntax. @default "200-399" */
  readonly healthyCodes?: string;
  readonly stickiness?: AlbStickiness;
  /** Node ids (PlanNode.id) and ports. */
  readonly targets: readonly { readonly node: string; readonly port: number }[];
  readonly tags: Readonly<Record<string, string>>;
  readonly batch?: string;
}

export type BalancerDefault =
  { readonly kind: "forward"; readonly targetGroup: string } | { readonly kind: "notFound"; readonly message: string };

export interface BalancerPlan {
  /** Resource name of the ALB component (and, '_' replaced, of the load balancer). */
  readonly name: string;
  readonly hostname: string;
  readonly exposure: "internet" | "internal";
  readonly listenerPort: number;
  /** `https://host[:port]`: what Genesys applications are given. */
  readonly baseUrl: string;
  readonly idleTimeoutSeconds: number;
  readonly defaultAction: BalancerDefault;
  readonly tags: Readonly<Record<string, string>>;
  /** The balancer's group reaches `nodeGroup` on `ports`; the rule resources are named from `name`. */
  readonly nodeAccess: { readonly name: string; readonly nodeGroup: string; readonly ports: readonly number[] };
}

export interface UrlRewrite {
  readonly regex: string;
  readonly replace: string;
}

export interface RulePlan {
  readonly name: string;
  /** BalancerPlan.name whose client listener carries the rule. */
  readonly balancer: string;
  readonly priority: number;
  readonly conditions: readonly RuleCondition[];
  readonly rewrite?: UrlRewrite;
  readonly targetGroup: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly batch?: string;
}

/** Development without balancers: clients (a CIDR, or another node group) reach nodes directly. */
export type DirectAccessPlan =
  | {
      readonly kind: "cidr";
      readonly name: string;
      readonly nodeGroup: string;
      /** The VPC's range, or a literal CIDR. */
      readonly cidr: "vpc" | string;
      readonly ports: readonly number[];
      readonly description: string;
    }
  | {
      readonly kind: "nodeGroup";
      readonly name: string;
      readonly nodeGroup: string;
      readonly source: string;
      readonly ports: readonly number[];
      readonly description: string;
    };

/** A stack output value; the two references are filled in with what AWS assigns. */
export type PlanValue =
  | string
  | number
  | boolean
  | { readonly ref: "nodeAddress"; readonly node: string; readonly prefix?: string; readonly suffix?: string }
  | { readonly ref: "balancerDnsName"; readonly balancer: string }
  | readonly PlanValue[]
  | { readonly [key: string]: PlanValue };

export interface BalancingPlan {
  readonly system: SystemKey;
  /**
   * The component's type token. It is part of every child's URN, so it stays
   * what earlier releases registered and deployed resources keep their names.
   */
  readonly componentType: string;
  /** The component's resource name, and the prefix of its children's. */
  readonly name: string;
  /** How the system is balanced: an ALB, another balancer (the httpd pair), or none (development). */
  readonly balancerKind: "alb" | "httpdHaPair" | "none";
  readonly nodeGroups: readonly NodeGroupPlan[];
  readonly targetGroups: readonly TargetGroupPlan[];
  readonly balancers: readonly BalancerPlan[];
  readonly rules: readonly RulePlan[];
  readonly directAccess: readonly DirectAccessPlan[];
  /**
   * What a software balancer (the httpd pair, or a self-run httpd or nginx)
   * does for the system; absent when the system has no balancer (development).
   */
  readonly softwareBalancer?: SoftwareBalancing;
  /** The system's stack output (its `limitations` are added to it). */
  readonly outputs: Readonly<Record<string, PlanValue>>;
  /** Where this balancing falls short of the vendor guide's, in the operator's words. */
  readonly limitations: readonly string[];
  /** What the model asks that the balancer cannot do: the stack is refused before any resource exists. */
  readonly problems: readonly ConfigProblem[];
  /** What works but deserves a look, printed as a warning. */
  readonly warnings: readonly string[];
}

/** The plan id of a node: unique in the stack even where node keys repeat across tenants. */
export function nodeId(system: SystemKey, key: string, scope: NodeScope = {}): string {
  return [system, scope.tenant ?? scope.tier ?? "-", scope.service ?? "-", key].join("/");
}

const HTTPS_PORT = 443;
const HTTP_PORT = 80;

/** The client listener's port and the base URL Genesys applications are given. */
export function balancerAddress(
  hostname: string,
  tls: boolean,
  listenerPort?: number,
): { listenerPort: number; baseUrl: string } {
  const defaultPort = tls ? HTTPS_PORT : HTTP_PORT;
  const port = listenerPort ?? defaultPort;
  return {
    listenerPort: port,
    baseUrl: `${tls ? "https" : "http"}://${hostname}${port === defaultPort ? "" : `:${port}`}`,
  };
}

/** An empty plan for `system`, for the plans to fill in. */
export function emptyPlan(
  system: SystemKey,
  componentType: string,
  name: string,
  balancerKind: BalancingPlan["balancerKind"],
): BalancingPlan {
  return {
    system,
    componentType,
    name,
    balancerKind,
    nodeGroups: [],
    targetGroups: [],
    balancers: [],
    rules: [],
    directAccess: [],
    outputs: {},
    limitations: [],
    problems: [],
    warnings: [],
  };
}

/** Plan nodes for resolved model nodes, named `<prefix>-<key>`. */
export function planNodes(
  system: SystemKey,
  prefix: string,
  nodes: readonly ResolvedNode[],
  scope: NodeScope = {},
  batch?: string,
): PlanNode[] {
  return nodes.map((n) => ({
    id: nodeId(system, n.key, scope),
    key: n.key,
    resourceName: `${prefix}-${n.key}`,
    appName: n.appName,
    port: n.port,
    instanceType: n.instanceType,
    availabilityZone: n.availabilityZone,
    scope,
    ...(batch === undefined ? {} : { batch }),
  }));
}

/** The distinct ports of `nodes`, ascending. */
export function portsOf(nodes: readonly { readonly port: number }[]): number[] {
  return [...new Set(nodes.map((n) => n.port))].sort((a, b) => a - b);
}
