/**
 * The registry of systems is complete and the ALB realiser builds every part
 * of every plan: a system added to the stack config without a registry entry,
 * or a plan element the realiser skips, fails here instead of passing silently.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stackConfigSchema } from "../../core/model/schema";
import { loadEnvironment } from "../../core/model/load";
import { nodeId, SYSTEM_KEYS, type BalancingPlan } from "../../core/plan/plan";
import { planSystems, SYSTEMS } from "../../core/plan/registry";
import type { MockRun } from "../../tools/mock-run";
import { rawConfig, runStack, stackValues, type ConfigEdit } from "../support/program";

/** The config sections that declare a balancer kind: each is a balanced Genesys system. */
const balancedSections = Object.entries(stackConfigSchema.shape)
  .filter(([, schema]) => {
    const inner = (schema as { unwrap?: () => { shape?: Record<string, unknown> } }).unwrap?.();
    return inner?.shape !== undefined && "balancer" in inner.shape;
  })
  .map(([key]) => key);

describe("the registry of systems", () => {
  it("has an entry, with its config section, for every config section that declares a balancer", () => {
    expect([...SYSTEM_KEYS].sort()).toEqual([...balancedSections].sort());
    for (const key of SYSTEM_KEYS) expect(SYSTEMS[key].schema).toBe(stackConfigSchema.shape[key]);
  });

  it("keeps core/plan free of Pulumi", () => {
    const dir = join(__dirname, "../../core/plan");
    for (const file of readdirSync(dir))
      expect(readFileSync(join(dir, file), "utf8"), file).not.toMatch(/from "@pulumi\//);
  });

  it("gives nodes ids that stay apart where node keys repeat across tenants", () => {
    expect(nodeId("recording", "n1", { tenant: "t1", service: "rws" })).not.toBe(
      nodeId("recording", "n1", { tenant: "t2", service: "rws" }),
    );
    expect(nodeId("webEngagement81", "n1", { tier: "frontend" })).toBe("webEngagement81/frontend/-/n1");
  });
});

/** Stacks that together use every balancer kind and both ALB stickiness options. */
const VARIANTS: { name: string; stack: string; edit?: ConfigEdit }[] = [
  { name: "dev", stack: "dev" },
  { name: "prod", stack: "prod" },
  {
    name: "prod, per-node value stickiness, recording on ALBs",
    stack: "prod",
    edit: (v) => {
      (v.webEngagement85 as Record<string, unknown>).albStickiness = "perNodeValue";
      (v.cobrowse as Record<string, unknown>).albStickiness = "perNodeValue";
      (v.recording as Record<string, unknown>).balancer = "alb";
      delete v.httpdHaPair;
    },
  },
  {
    name: "dev without balancers",
    stack: "dev",
    edit: (v) => {
      for (const key of SYSTEM_KEYS) if (v[key]) (v[key] as Record<string, unknown>).balancer = "none";
    },
  },
];

describe.each(VARIANTS)("the ALB realiser, $name", ({ stack, edit }) => {
  let run: MockRun;
  let plans: BalancingPlan[];
  beforeAll(async () => {
    const values = structuredClone(stackValues(stack));
    edit?.(values);
    const loaded = loadEnvironment(rawConfig(values));
    if (!loaded.environment) throw new Error(JSON.stringify(loaded.problems));
    plans = planSystems(loaded.environment);
    run = await runStack(stack, edit);
  });

  const has = (type: string, name: string) => run.resources.some((r) => r.type === type && r.name === name);

  it("builds every node group, node, target group, balancer, rule and direct access of every plan", () => {
    expect(plans.map((p) => p.system)).toEqual(SYSTEM_KEYS.filter((k) => stackValues(stack)[k] !== undefined));
    const missing: string[] = [];
    const need = (type: string, name: string) => {
      if (!has(type, name)) missing.push(`${type}::${name}`);
    };
    for (const plan of plans) {
      need(plan.componentType, plan.name);
      for (const group of plan.nodeGroups) {
        need("aws:ec2/securityGroup:SecurityGroup", group.name);
        for (const node of group.nodes) need("aws:ec2/instance:Instance", node.resourceName);
      }
      for (const tg of plan.targetGroups) {
        need("aws:lb/targetGroup:TargetGroup", tg.name.replace(/_/g, "-"));
        for (const target of tg.targets) {
          const key = plan.nodeGroups.flatMap((g) => g.nodes).find((n) => n.id === target.node)?.key;
          need("aws:lb/targetGroupAttachment:TargetGroupAttachment", `${tg.name}-${key}`);
        }
      }
      for (const alb of plan.balancers) need("aws:lb/loadBalancer:LoadBalancer", alb.name.replace(/_/g, "-"));
      for (const rule of plan.rules) need("aws:lb/listenerRule:ListenerRule", rule.name);
      for (const access of plan.directAccess)
        for (const port of access.ports)
          need("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${access.name}-${port}`);
    }
    expect(missing).toEqual([]);
  });

  it("builds nothing a plan does not hold: every rule and target group under a system comes from its plan", () => {
    for (const plan of plans) {
      const planned = new Set([
        ...plan.rules.map((r) => `aws:lb/listenerRule:ListenerRule::${r.name}`),
        ...plan.targetGroups.map((t) => `aws:lb/targetGroup:TargetGroup::${t.name.replace(/_/g, "-")}`),
      ]);
      const built = run.resources.filter(
        (r) =>
          (r.type === "aws:lb/listenerRule:ListenerRule" || r.type === "aws:lb/targetGroup:TargetGroup") &&
          r.parent === `${plan.componentType}::${plan.name}`,
      );
      expect(built.map((r) => `${r.type}::${r.name}`).filter((n) => !planned.has(n))).toEqual([]);
      expect(built).toHaveLength(planned.size);
    }
  });

  it("gives each system its stack output, with the plan's limitations", () => {
    for (const plan of plans)
      expect((run.outputs[plan.system] as { limitations: string[] }).limitations).toEqual(plan.limitations);
  });
});
