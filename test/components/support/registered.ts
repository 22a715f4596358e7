/**
 * Reads a mocked run the way AWS would wire it: listeners to balancers,
 * rules to listeners, actions to target groups, attachments to instances,
 * security-group rules to groups, all by the ids and ARNs the mocks returned,
 * through the one balancer graph the policy pack walks (policies/topology.ts).
 */
import type { RuleCondition } from "../../../core/plan/alb-conditions";
import type { MockRun } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import type { MatchableRule } from "./alb-match";
import { AWS_TYPE } from "../../../policies/aws-types";
import type { PolicyResource } from "../../../policies/policy";
import { Topology } from "../../../policies/topology";
import { policyResources } from "../../../tools/policy-report";

export const T = {
  lb: AWS_TYPE.loadBalancer,
  listener: AWS_TYPE.listener,
  rule: AWS_TYPE.listenerRule,
  tg: AWS_TYPE.targetGroup,
  attachment: AWS_TYPE.targetGroupAttachment,
  instance: AWS_TYPE.instance,
  sg: AWS_TYPE.securityGroup,
  ingress: AWS_TYPE.ingressRule,
  egress: AWS_TYPE.egressRule,
  record: AWS_TYPE.dnsRecord,
  subnet: AWS_TYPE.subnet,
} as const;

export const all = (run: MockRun, type: string) => run.resources.filter((r) => r.type === type);

export function one(run: MockRun, type: string, name: string): RegisteredResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have ${all(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}

/** Resources whose parent chain reaches the component `type::name`. */
export function under(run: MockRun, componentType: string, componentName: string): RegisteredResource[] {
  const byKey = new Map(run.resources.map((r) => [`${r.type}::${r.name}`, r]));
  const target = `${componentType}::${componentName}`;
  return run.resources.filter((r) => {
    for (let p = r.parent; p; p = byKey.get(p)?.parent) if (p === target) return true;
    return false;
  });
}

/**
 * The run as the policies see it, walked by the pack's balancer graph
 * (policies/topology.ts): in a run with known values, an input that carries
 * another resource's id or ARN depends on it, as AWS wires them.
 */
interface Graph {
  readonly topology: Topology;
  readonly view: (r: RegisteredResource) => PolicyResource;
  readonly registered: (p: PolicyResource) => RegisteredResource;
}

const graphs = new WeakMap<MockRun, Graph>();

function graphOf(run: MockRun): Graph {
  let graph = graphs.get(run);
  if (!graph) {
    const views = policyResources(run, "test");
    const byView = new Map(views.map((v, i) => [v, run.resources[i]] as const));
    const byResource = new Map(run.resources.map((r, i) => [r, views[i]] as const));
    graph = {
      topology: new Topology(views),
      view: (r) => byResource.get(r) as PolicyResource,
      registered: (p) => byView.get(p) as RegisteredResource,
    };
    graphs.set(run, graph);
  }
  return graph;
}

export function listenersOf(run: MockRun, lbName: string): RegisteredResource[] {
  const { topology, view, registered } = graphOf(run);
  return topology.listenersOf(view(one(run, T.lb, lbName))).map(registered);
}

/** The listener rules attached to a listener. */
export function rulesOf(run: MockRun, listener: RegisteredResource): RegisteredResource[] {
  const { topology, view, registered } = graphOf(run);
  const urn = view(listener).urn;
  return topology.rules.filter((r) => topology.listenerOfRule(r)?.urn === urn).map(registered);
}

/** Names of the target groups a listener's default actions or a rule's actions forward to. */
export function forwardedTo(run: MockRun, listenerOrRule: RegisteredResource): string[] {
  const { topology, view } = graphOf(run);
  return topology.forwardedTargetGroups(view(listenerOrRule)).map((tg) => tg.name);
}

interface ActionInput {
  readonly type: string;
  readonly fixedResponse?: { statusCode: string };
}

/** The target group name a listener or rule forwards to, or `fixed-<status>` / `redirect`. */
function actionTarget(run: MockRun, listenerOrRule: RegisteredResource, action: ActionInput): string {
  if (action.type === "forward") {
    const [name, ...more] = forwardedTo(run, listenerOrRule);
    if (name === undefined || more.length > 0)
      throw new Error(`${listenerOrRule.name} forwards to ${more.length > 0 ? "several" : "no"} target groups`);
    return name;
  }
  if (action.type === "fixed-response") return `fixed-${action.fixedResponse?.statusCode}`;
  return action.type;
}

export interface ListenerRoutes {
  readonly listener: RegisteredResource;
  readonly rules: MatchableRule<string>[];
  readonly defaultAction: string;
  readonly ruleResources: RegisteredResource[];
}

/** The client-facing listener of a balancer (HTTPS, else the one that does not redirect) with its rules. */
export function clientListener(run: MockRun, lbName: string): ListenerRoutes {
  const listeners = listenersOf(run, lbName);
  const listener =
    listeners.find((l) => l.inputs.protocol === "HTTPS") ??
    listeners.find((l) => (l.inputs.defaultActions as ActionInput[])[0].type !== "redirect");
  if (!listener) throw new Error(`balancer ${lbName} has no client listener`);
  const ruleResources = rulesOf(run, listener);
  return {
    listener,
    ruleResources,
    rules: ruleResources.map((r) => ({
      priority: Number(r.inputs.priority),
      conditions: r.inputs.conditions as RuleCondition[],
      action: actionTarget(run, r, (r.inputs.actions as ActionInput[])[0]),
    })),
    defaultAction: actionTarget(run, listener, (listener.inputs.defaultActions as ActionInput[])[0]),
  };
}

/** Instance names registered in a target group. */
export function targetsOf(run: MockRun, tgName: string): string[] {
  const { topology, view } = graphOf(run);
  return topology
    .nodesOfTargetGroup(view(one(run, T.tg, tgName)))
    .map((n) => n.name)
    .sort();
}

/** Ingress rules of a security group: `[port, source]` where source is a group name or a CIDR. */
export function ingressOf(run: MockRun, sgName: string): [number, string][] {
  const { topology, view } = graphOf(run);
  return topology
    .ingressTo(view(one(run, T.sg, sgName)))
    .filter((i) => i.declaredBy.type === T.ingress)
    .map((i): [number, string] => [Number(i.fromPort), i.cidrs[0] ?? i.sourceGroups[0]?.name ?? "?"])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

/** Security group names of an instance or balancer. */
export function groupsOf(run: MockRun, resource: RegisteredResource): string[] {
  const { topology, view } = graphOf(run);
  return topology.securityGroupsOf(view(resource)).map((g) => g.name);
}

const SYSTEMS = ["webEngagement81", "webEngagement85", "cobrowse", "recording", "httpdHaPair", "framework"] as const;

/** A stack-file edit that keeps only the named systems (network, site, TLS and hardening stay). */
export function only(...keep: (typeof SYSTEMS)[number][]): (values: Record<string, unknown>) => void {
  return (values) => {
    for (const system of SYSTEMS) if (!keep.includes(system)) delete values[system];
  };
}
