/**
 * The ALB realiser: one component that turns any system's balancing plan
 * (core/plan) into AWS resources: node security groups and instances, target
 * groups, Application Load Balancers with their listeners and DNS, listener
 * rules, and the development-only direct access. It knows no Genesys system;
 * names, routing and stickiness come from the plan, and so does the
 * component's type token, which keeps deployed resources' URNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../core/model/problems";
import type { BalancingPlan, PlanNode, PlanValue } from "../core/plan/plan";
import { ApplicationLoadBalancer } from "./shared/application-load-balancer";
import { createGenesysNode } from "./shared/genesys-nodes";
import type { PlatformArgs } from "./shared/platform";
import {
  allowBalancerToNodes,
  allowEgressAnywhere,
  allowFrameworkControl,
  allowFromCidr,
  allowFromGroup,
  createSecurityGroup,
} from "./shared/security-groups";
import { createTargetGroup } from "./shared/target-group";

export interface BalancedSystemArgs {
  readonly platform: PlatformArgs;
  readonly plan: BalancingPlan;
}

export class BalancedSystem extends pulumi.ComponentResource {
  readonly plan: BalancingPlan;
  /** The system's stack output: the plan's outputs with AWS's values filled in, and its limitations. */
  readonly outputs: pulumi.Output<Record<string, unknown>>;
  /** Instances by plan node id (`system/tenant/service/node`). */
  readonly instances: ReadonlyMap<string, aws.ec2.Instance>;
  readonly nodeGroups: ReadonlyMap<string, aws.ec2.SecurityGroup>;
  readonly balancers: ReadonlyMap<string, ApplicationLoadBalancer>;

  private readonly nodes = new Map<string, PlanNode>();
  private readonly instanceMap = new Map<string, aws.ec2.Instance>();
  private readonly targetGroups = new Map<string, aws.lb.TargetGroup>();

  constructor(name: string, args: BalancedSystemArgs, opts?: pulumi.ComponentResourceOptions) {
    const { plan, platform: p } = args;
    super(plan.componentType, name, {}, opts);
    // The environment loader refuses these before any resource exists; this is the second line.
    if (plan.problems.length > 0) throw new ConfigError(plan.problems);
    this.plan = plan;
    const parent = { parent: this };

    const groups = new Map<string, aws.ec2.SecurityGroup>();
    for (const group of plan.nodeGroups) {
      const sg = createSecurityGroup(group.name, { vpcId: p.vpcId, description: group.description }, parent);
      allowEgressAnywhere(`${group.name}-out`, sg.id, parent);
      allowFrameworkControl(`${group.name}-lca`, sg.id, p.frameworkControl, parent);
      groups.set(group.name, sg);
      for (const node of group.nodes) this.nodes.set(node.id, node);
    }
    this.nodeGroups = groups;
    this.instances = this.instanceMap;
    const groupOf = new Map(plan.nodeGroups.flatMap((g) => g.nodes.map((n) => [n.id, g.name] as const)));
    const groupId = (groupName: string) => (groups.get(groupName) as aws.ec2.SecurityGroup).id;

    const buildNodes = (batch?: string) => {
      for (const node of this.nodes.values()) {
        if (node.batch !== batch) continue;
        const instance = createGenesysNode(
          node,
          {
            system: plan.system,
            imageId: p.imageId,
            privateSubnetIds: p.privateSubnetIds,
            securityGroupId: groupId(groupOf.get(node.id) as string),
          },
          parent,
        );
        this.instanceMap.set(node.id, instance);
      }
    };
    const buildTargetGroups = (batch?: string) => {
      for (const tg of plan.targetGroups) {
        if (tg.batch !== batch) continue;
        const group = createTargetGroup(
          tg.name,
          {
            vpcId: p.vpcId,
            protocol: tg.protocol,
            healthPath: tg.healthPath,
            healthyCodes: tg.healthyCodes,
            stickiness: tg.stickiness,
            targets: tg.targets.map((t) => ({
              key: (this.nodes.get(t.node) as PlanNode).key,
              instanceId: this.instance(t.node).id,
              port: t.port,
            })),
            tags: tg.tags,
          },
          parent,
        );
        this.targetGroups.set(tg.name, group);
      }
    };
    const buildRules = (batch?: string) => {
      for (const rule of plan.rules) {
        if (rule.batch !== batch) continue;
        new aws.lb.ListenerRule(
          rule.name,
          {
            listenerArn: (this.balancers.get(rule.balancer) as ApplicationLoadBalancer).listener.arn,
            priority: rule.priority,
            conditions: [...rule.conditions],
            ...(rule.rewrite
              ? { transforms: [{ type: "url-rewrite", urlRewriteConfig: { rewrite: rule.rewrite } }] }
              : {}),
            actions: [{ type: "forward", targetGroupArn: this.targetGroup(rule.targetGroup).arn }],
            tags: rule.tags,
          },
          parent,
        );
      }
    };

    buildNodes();
    buildTargetGroups();
    const balancers = new Map<string, ApplicationLoadBalancer>();
    for (const b of plan.balancers) {
      const alb = new ApplicationLoadBalancer(
        b.name,
        {
          platform: p,
          hostname: b.hostname,
          exposure: b.exposure,
          listenerPort: b.listenerPort,
          idleTimeoutSeconds: b.idleTimeoutSeconds,
          defaultAction:
            b.defaultAction.kind === "forward"
              ? { kind: "forward", targetGroupArn: this.targetGroup(b.defaultAction.targetGroup).arn }
              : b.defaultAction,
          accessLogPrefix: b.name,
          tags: b.tags,
        },
        parent,
      );
      balancers.set(b.name, alb);
      allowBalancerToNodes(
        b.nodeAccess.name,
        {
          balancerGroupId: alb.securityGroupId,
          nodeGroupId: groupId(b.nodeAccess.nodeGroup),
          ports: b.nodeAccess.ports,
        },
        parent,
      );
    }
    this.balancers = balancers;
    for (const access of plan.directAccess) {
      if (access.kind === "cidr") {
        allowFromCidr(
          access.name,
          {
            groupId: groupId(access.nodeGroup),
            cidr: access.cidr === "vpc" ? p.vpcCidr : access.cidr,
            ports: access.ports,
            description: access.description,
          },
          parent,
        );
      } else {
        allowFromGroup(
          access.name,
          {
            groupId: groupId(access.nodeGroup),
            sourceGroupId: groupId(access.source),
            ports: access.ports,
            description: access.description,
          },
          parent,
        );
      }
    }
    buildRules();
    for (const warning of plan.warnings) pulumi.log.warn(warning, this);

    const batches = [
      ...new Set(
        [...plan.nodeGroups.flatMap((g) => g.nodes), ...plan.targetGroups, ...plan.rules].flatMap((x) =>
          x.batch === undefined ? [] : [x.batch],
        ),
      ),
    ];
    const built = this.buildInTurns(batches, (batch) => {
      buildNodes(batch);
      buildTargetGroups(batch);
      buildRules(batch);
    });
    this.outputs = pulumi
      .output(built.then(() => true))
      .apply(
        () =>
          this.resolve({ ...plan.outputs, limitations: [...plan.limitations] }) as pulumi.Output<
            Record<string, unknown>
          >,
      );
    this.registerOutputs({ outputs: this.outputs });
  }

  /**
   * Private IPv4 of every node by plan node id (`recording/t1/rws/t1rws1`:
   * node keys may repeat across tenants and systems), for another balancer
   * (the httpd pair) that serves these nodes.
   */
  addresses(): pulumi.Output<Record<string, string>> {
    return pulumi.all(
      Object.fromEntries([...this.instanceMap.entries()].map(([id, instance]) => [id, instance.privateIp])),
    );
  }

  /**
   * Builds one batch (a recording tenant) per turn of the event loop, so the
   * SDK sends each batch's registrations before the next exists: with hundreds
   * of tenants the registrations waiting in the program stay few (peak memory).
   * Nothing waits for the engine, so deployment order and parallelism are
   * unchanged; the outputs resolve once every batch is built.
   */
  private async buildInTurns(batches: readonly string[], build: (batch: string) => void): Promise<void> {
    for (const batch of batches) {
      build(batch);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private instance(id: string): aws.ec2.Instance {
    const found = this.instanceMap.get(id);
    if (!found) throw new Error(`node ${id} was not built before its target group`);
    return found;
  }

  private targetGroup(name: string): aws.lb.TargetGroup {
    const found = this.targetGroups.get(name);
    if (!found) throw new Error(`target group ${name} was not built before its rule or balancer`);
    return found;
  }

  private resolve(value: PlanValue): pulumi.Output<unknown> {
    if (typeof value !== "object") return pulumi.output(value);
    if (isList(value)) return pulumi.all(value.map((v) => this.resolve(v)));
    const ref = (value as { ref?: unknown }).ref;
    if (ref === "nodeAddress") {
      const v = value as Extract<PlanValue, { ref: "nodeAddress" }>;
      return pulumi.interpolate`${v.prefix ?? ""}${this.instance(v.node).privateIp}${v.suffix ?? ""}`;
    }
    if (ref === "balancerDnsName") {
      const v = value as Extract<PlanValue, { ref: "balancerDnsName" }>;
      return (this.balancers.get(v.balancer) as ApplicationLoadBalancer).dnsName;
    }
    const record = value as { readonly [key: string]: PlanValue };
    return pulumi.all(Object.fromEntries(Object.entries(record).map(([k, x]) => [k, this.resolve(x)])));
  }
}

const isList = (value: PlanValue): value is readonly PlanValue[] => Array.isArray(value);
