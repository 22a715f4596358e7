/**
 * Reads a mocked run the way AWS would wire it: listeners to balancers,
 * rules to listeners, actions to target groups, attachments to instances,
 * security-group rules to groups, all by the ids and ARNs the mocks returned.
 */
import type { RuleCondition } from "../../../core/plan/alb-conditions";
import type { MockRun } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import type { MatchableRule } from "./alb-match";
import { AWS_TYPE } from "../../../policies/aws-types";

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

const arnOf = (r: RegisteredResource) => String(r.state.arn);

export function byArn(run: MockRun, type: string, arn: unknown): RegisteredResource {
  const found = all(run, type).find((r) => arnOf(r) === arn);
  if (!found) throw new Error(`no ${type} with ARN ${String(arn)}`);
  return found;
}

export function listenersOf(run: MockRun, lbName: string): RegisteredResource[] {
  const lb = one(run, T.lb, lbName);
  return all(run, T.listener).filter((l) => l.inputs.loadBalancerArn === arnOf(lb));
}

interface ActionInput {
  readonly type: string;
  readonly targetGroupArn?: string;
  readonly fixedResponse?: { statusCode: string };
  readonly redirect?: { protocol: string; port: string };
}

/** The target group name an action forwards to, or `fixed-<status>` / `redirect`. */
function actionTarget(run: MockRun, action: ActionInput): string {
  if (action.type === "forward") return byArn(run, T.tg, action.targetGroupArn).name;
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
  const ruleResources = all(run, T.rule).filter((r) => r.inputs.listenerArn === arnOf(listener));
  return {
    listener,
    ruleResources,
    rules: ruleResources.map((r) => ({
      priority: Number(r.inputs.priority),
      conditions: r.inputs.conditions as RuleCondition[],
      action: actionTarget(run, (r.inputs.actions as ActionInput[])[0]),
    })),
    defaultAction: actionTarget(run, (listener.inputs.defaultActions as ActionInput[])[0]),
  };
}

/** Instance names registered in a target group. */
export function targetsOf(run: MockRun, tgName: string): string[] {
  const tg = one(run, T.tg, tgName);
  const instances = all(run, T.instance);
  return all(run, T.attachment)
    .filter((a) => a.inputs.targetGroupArn === arnOf(tg))
    .map((a) => instances.find((i) => i.id === a.inputs.targetId)?.name ?? `?${String(a.inputs.targetId)}`)
    .sort();
}

/** Ingress rules of a security group: `[port, source]` where source is a group name or a CIDR. */
export function ingressOf(run: MockRun, sgName: string): [number, string][] {
  const sg = one(run, T.sg, sgName);
  const groups = all(run, T.sg);
  return all(run, T.ingress)
    .filter((r) => r.inputs.securityGroupId === sg.id)
    .map((r): [number, string] => [
      Number(r.inputs.fromPort),
      r.inputs.cidrIpv4 !== undefined
        ? String(r.inputs.cidrIpv4)
        : (groups.find((g) => g.id === r.inputs.referencedSecurityGroupId)?.name ?? "?"),
    ])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

/** Security group names of an instance or balancer. */
export function groupsOf(run: MockRun, resource: RegisteredResource): string[] {
  const ids = (resource.inputs.vpcSecurityGroupIds ?? resource.inputs.securityGroups ?? []) as string[];
  return all(run, T.sg)
    .filter((g) => ids.includes(g.id))
    .map((g) => g.name);
}

const SYSTEMS = ["webEngagement81", "webEngagement85", "cobrowse", "recording", "httpdHaPair", "framework"] as const;

/** A stack-file edit that keeps only the named systems (network, site, TLS and hardening stay). */
export function only(...keep: (typeof SYSTEMS)[number][]): (values: Record<string, unknown>) => void {
  return (values) => {
    for (const system of SYSTEMS) if (!keep.includes(system)) delete values[system];
  };
}
