/**
 * The balancer graph of a stack, built from property dependencies only:
 * listener -> balancer, rule -> listener, action -> target groups, attachment
 * -> target group and node, resource -> security groups, ingress -> group and
 * source. Ids and ARNs are never compared, so it holds during a preview too.
 */
import {
  INGRESS_RULE,
  INSTANCE,
  isOneOf,
  LISTENER,
  LISTENER_RULE,
  LOAD_BALANCER,
  NETWORK_INTERFACE,
  SECURITY_GROUP,
  SECURITY_GROUP_RULE,
  TARGET_GROUP,
  TARGET_GROUP_ATTACHMENT,
} from "./aws-types";
import type { PolicyResource } from "./policy";
import { dependenciesOf, read, readArray, readString, readStrings } from "./props";

/** One ingress permission, whichever resource shape carries it. */
export interface Ingress {
  /** The resource that declares it (a rule resource, or the group for inline rules). */
  readonly declaredBy: PolicyResource;
  /** The security group it opens; undefined when the group is not in this stack. */
  readonly group?: PolicyResource;
  readonly cidrs: readonly string[];
  readonly sourceGroups: readonly PolicyResource[];
  readonly fromSelf: boolean;
  /** "-1" means every protocol and port. */
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

export function coversPort(ingress: Ingress, port: number): boolean {
  if (ingress.protocol === "-1" || ingress.protocol === "all") return true;
  if (ingress.fromPort === undefined || ingress.toPort === undefined) return false;
  return ingress.fromPort <= port && port <= ingress.toPort;
}

function num(value: unknown): number | undefined {
  return typeof value === "number"
    ? value
    : typeof value === "string" && /^-?\d+$/.test(value)
      ? Number(value)
      : undefined;
}

const ofTypes = (resources: readonly PolicyResource[], types: readonly string[]) =>
  resources.filter((r) => isOneOf(r.type, types));
const first = (list: readonly PolicyResource[]) => list[0];

export class Topology {
  readonly loadBalancers: readonly PolicyResource[];
  readonly listeners: readonly PolicyResource[];
  readonly rules: readonly PolicyResource[];
  readonly targetGroups: readonly PolicyResource[];
  readonly attachments: readonly PolicyResource[];
  readonly instances: readonly PolicyResource[];
  readonly securityGroups: readonly PolicyResource[];
  private ingressCache?: readonly Ingress[];

  constructor(readonly resources: readonly PolicyResource[]) {
    this.loadBalancers = ofTypes(resources, LOAD_BALANCER);
    this.listeners = ofTypes(resources, LISTENER);
    this.rules = ofTypes(resources, LISTENER_RULE);
    this.targetGroups = ofTypes(resources, TARGET_GROUP);
    this.attachments = ofTypes(resources, TARGET_GROUP_ATTACHMENT);
    this.instances = ofTypes(resources, INSTANCE);
    this.securityGroups = ofTypes(resources, SECURITY_GROUP);
  }

  /** Every ingress permission; read only by the policies that ask, so no other policy touches (possibly unknown) sources. */
  get ingress(): readonly Ingress[] {
    this.ingressCache ??= [
      ...ofTypes(this.resources, INGRESS_RULE).map(vpcIngress),
      ...ofTypes(this.resources, SECURITY_GROUP_RULE).flatMap(ec2RuleIngress),
      ...this.securityGroups.flatMap(inlineIngress),
    ];
    return this.ingressCache;
  }

  balancerOfListener(listener: PolicyResource): PolicyResource | undefined {
    return first(dependenciesOf(listener, "loadBalancerArn").filter((d) => isOneOf(d.type, LOAD_BALANCER)));
  }

  listenerOfRule(rule: PolicyResource): PolicyResource | undefined {
    return first(dependenciesOf(rule, "listenerArn").filter((d) => isOneOf(d.type, LISTENER)));
  }

  balancerOfRule(rule: PolicyResource): PolicyResource | undefined {
    const listener = this.listenerOfRule(rule);
    return listener && this.balancerOfListener(listener);
  }

  listenersOf(balancer: PolicyResource): PolicyResource[] {
    return this.listeners.filter((l) => this.balancerOfListener(l)?.urn === balancer.urn);
  }

  rulesOf(balancer: PolicyResource): PolicyResource[] {
    return this.rules.filter((r) => this.balancerOfRule(r)?.urn === balancer.urn);
  }

  /** Target groups a listener's default actions or a rule's actions send traffic to. */
  forwardedTargetGroups(listenerOrRule: PolicyResource): PolicyResource[] {
    const property = isOneOf(listenerOrRule.type, LISTENER) ? "defaultActions" : "actions";
    return dependenciesOf(listenerOrRule, property).filter((d) => isOneOf(d.type, TARGET_GROUP));
  }

  /** Balancers whose listeners or rules forward to the target group. */
  balancersOfTargetGroup(targetGroup: PolicyResource): PolicyResource[] {
    const found = new Map<string, PolicyResource>();
    for (const l of this.listeners) {
      const lb = this.balancerOfListener(l);
      if (lb && this.forwardedTargetGroups(l).some((tg) => tg.urn === targetGroup.urn)) found.set(lb.urn, lb);
    }
    for (const r of this.rules) {
      const lb = this.balancerOfRule(r);
      if (lb && this.forwardedTargetGroups(r).some((tg) => tg.urn === targetGroup.urn)) found.set(lb.urn, lb);
    }
    return [...found.values()];
  }

  targetGroupsOfNode(node: PolicyResource): PolicyResource[] {
    return this.attachments
      .filter((a) => dependenciesOf(a, "targetId").some((t) => t.urn === node.urn))
      .flatMap((a) => dependenciesOf(a, "targetGroupArn").filter((d) => isOneOf(d.type, TARGET_GROUP)));
  }

  nodesOfTargetGroup(targetGroup: PolicyResource): PolicyResource[] {
    return this.attachments
      .filter((a) => dependenciesOf(a, "targetGroupArn").some((t) => t.urn === targetGroup.urn))
      .flatMap((a) =>
        dependenciesOf(a, "targetId").filter((d) => isOneOf(d.type, INSTANCE) || isOneOf(d.type, NETWORK_INTERFACE)),
      );
  }

  /** Security groups of an instance, network interface or balancer. */
  securityGroupsOf(resource: PolicyResource): PolicyResource[] {
    const property = isOneOf(resource.type, INSTANCE) ? "vpcSecurityGroupIds" : "securityGroups";
    return dependenciesOf(resource, property).filter((d) => isOneOf(d.type, SECURITY_GROUP));
  }

  ingressTo(group: PolicyResource): Ingress[] {
    return this.ingress.filter((i) => i.group?.urn === group.urn);
  }
}

/** The ingress permissions one resource declares (a rule resource, or a group's inline rules). */
export function ingressOf(resource: PolicyResource): Ingress[] {
  if (isOneOf(resource.type, INGRESS_RULE)) return [vpcIngress(resource)];
  if (isOneOf(resource.type, SECURITY_GROUP_RULE)) return ec2RuleIngress(resource);
  if (isOneOf(resource.type, SECURITY_GROUP)) return inlineIngress(resource);
  return [];
}

// Sources are getters: a policy reads (and, in a preview, may find unknown) only the sources of the rules it judges.
function vpcIngress(rule: PolicyResource): Ingress {
  const p = rule.props;
  return {
    declaredBy: rule,
    group: first(dependenciesOf(rule, "securityGroupId").filter((d) => isOneOf(d.type, SECURITY_GROUP))),
    get cidrs() {
      return [readString(p, "cidrIpv4"), readString(p, "cidrIpv6")].filter((c): c is string => c !== undefined);
    },
    sourceGroups: dependenciesOf(rule, "referencedSecurityGroupId").filter((d) => isOneOf(d.type, SECURITY_GROUP)),
    fromSelf: false,
    protocol: String(read(p, "ipProtocol") ?? "-1"),
    fromPort: num(read(p, "fromPort")),
    toPort: num(read(p, "toPort")),
  };
}

function ec2RuleIngress(rule: PolicyResource): Ingress[] {
  const p = rule.props;
  if (read(p, "type") !== "ingress") return [];
  return [
    {
      declaredBy: rule,
      group: first(dependenciesOf(rule, "securityGroupId").filter((d) => isOneOf(d.type, SECURITY_GROUP))),
      get cidrs() {
        return [...readStrings(p, "cidrBlocks"), ...readStrings(p, "ipv6CidrBlocks")];
      },
      sourceGroups: dependenciesOf(rule, "sourceSecurityGroupId").filter((d) => isOneOf(d.type, SECURITY_GROUP)),
      fromSelf: read(p, "self") === true,
      protocol: String(read(p, "protocol") ?? "-1"),
      fromPort: num(read(p, "fromPort")),
      toPort: num(read(p, "toPort")),
    },
  ];
}

/** Inline `ingress` blocks; their group references are shared by the whole property. */
function inlineIngress(group: PolicyResource): Ingress[] {
  const referenced = dependenciesOf(group, "ingress").filter((d) => isOneOf(d.type, SECURITY_GROUP));
  return readArray(group.props, "ingress").map((block) => ({
    declaredBy: group,
    group,
    get cidrs() {
      return [...readStrings(block, "cidrBlocks"), ...readStrings(block, "ipv6CidrBlocks")];
    },
    sourceGroups: readArray(block, "securityGroups").length > 0 ? referenced : [],
    fromSelf: read(block, "self") === true,
    protocol: String(read(block, "protocol") ?? "-1"),
    fromPort: num(read(block, "fromPort")),
    toPort: num(read(block, "toPort")),
  }));
}
