/**
 * Policies in a preview of a new stack, as the engine runs them before
 * anything exists: ids, ARNs and instance addresses are unknown, and so is
 * everything derived from them. Every policy either evaluates on known values
 * or says it could not; none passes on an unknown input.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/catalog";
import { evaluateResourcePolicy, evaluateStackPolicy } from "../../policies/evaluate";
import type { PolicyResource, StackPolicy } from "../../policies/policy";
import { sshOnlyFromAdminCidr } from "../../policies/rules/admin-surface";
import { UNKNOWN_OUTPUT, type MockRun } from "../../tools/mock-run";
import {
  loadPackConfig,
  policyResources,
  previewProps,
  runPolicies,
  type PolicyReport,
} from "../../tools/policy-report";
import { runStack } from "../support/program";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

function previewResource(type: string, name: string, inputs: Record<string, unknown>): PolicyResource {
  return {
    type,
    name,
    urn: `urn:pulumi:prod::genesys::${type}::${name}`,
    props: previewProps(inputs),
    propertyDependencies: {},
  };
}

describe("a preview of the prod stack", () => {
  let run: MockRun;
  let report: PolicyReport;
  beforeAll(async () => {
    run = await runStack("prod", undefined, { preview: true });
    report = runPolicies("prod", policyResources(run, "prod"), loadPackConfig("prod"), POLICIES, true);
  }, 180_000);

  it("registers every resource with an unknown id, and its outputs resolve to 'known after deployment' without waiting on applies", () => {
    expect(run.resources.length).toBeGreaterThan(200);
    expect(run.resources.filter((r) => r.custom && r.id !== "")).toEqual([]);
    const addressed = run.resources.filter(
      (r) => r.type === "aws:ec2/instance:Instance" && r.inputs.privateIp === undefined,
    );
    expect(addressed.length).toBeGreaterThan(10);
    expect(addressed.filter((r) => r.state.privateIp !== undefined)).toEqual([]);
    expect(JSON.stringify(run.outputs)).toContain(UNKNOWN_OUTPUT);
  });

  it("links resources by the property dependencies the SDK sends, as the engine hands them to the pack", () => {
    const resources = policyResources(run, "prod");
    const listener = resources.find((r) => r.type === "aws:lb/listener:Listener" && r.name.startsWith("gwe85"))!;
    expect(listener.propertyDependencies.loadBalancerArn?.map((d) => d.name)).toEqual(["gwe85"]);
  });

  it("has no policy that passed on an unknown input: each passed on known values, found a violation, or is reported not evaluated", () => {
    expect(report.violations).toEqual([]);
    for (const policy of report.policies) expect(["passed", "not evaluated"]).toContain(policy.result);
    const undecided = report.policies.filter((p) => p.result === "not evaluated").map((p) => p.name);
    expect(new Set(report.notEvaluated.map((n) => n.policy))).toEqual(new Set(undecided));
    for (const n of report.notEvaluated) expect(n.message).toMatch(/^not evaluated: .+ unknown at preview$/);
  });
});

describe("a policy meeting an unknown input", () => {
  const sshFromUnknown = previewResource(INGRESS, "pair-ssh", {
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv4: pulumi.unknown,
  });

  it("ssh-only-from-admin-cidr would have passed an SSH rule whose source is unknown; it is now reported not evaluated", () => {
    const context = { kind: "production" as const, adminCidr: "10.0.0.0/8" };
    expect(sshOnlyFromAdminCidr.check(sshFromUnknown, context)).toEqual([]);
    expect(evaluateResourcePolicy(sshOnlyFromAdminCidr, sshFromUnknown, context)).toEqual({
      violations: [],
      notEvaluated: [{ notEvaluated: `cidrIpv4 of ${INGRESS} "pair-ssh"`, resource: sshFromUnknown }],
    });
  });

  it("still judges a rule whose source is known, before it is created", () => {
    const open = previewResource(INGRESS, "open-ssh", {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/1",
      securityGroupId: pulumi.unknown,
    });
    const found = evaluateResourcePolicy(sshOnlyFromAdminCidr, open, { kind: "production", adminCidr: "10.0.0.0/8" });
    expect(found).toEqual({
      violations: [
        {
          message: `A production stack must allow SSH only from the administration CIDR 10.0.0.0/8 (${INGRESS} "open-ssh" allows 0.0.0.0/1).`,
          resource: open,
        },
      ],
      notEvaluated: [],
    });
  });

  it("a policy that touches an unknown value directly is not evaluated, as the SDK's proxy makes it", () => {
    const direct: StackPolicy = {
      name: "direct",
      description: "Checks that…",
      enforcementLevel: "mandatory",
      kind: "stack",
      check: (rs) => (String(rs[0].props.cidrIpv4).startsWith("0.") ? [{ message: "open" }] : []),
    };
    expect(evaluateStackPolicy(direct, [sshFromUnknown], { kind: "production" }).notEvaluated).toEqual([
      { notEvaluated: "value at .cidrIpv4 can't be known during preview", resource: undefined },
    ]);
  });
});
