/**
 * The synth step: runs every policy on the mocked run, writes
 * out/<stack>/policy-report.json and the pack config CI hands `pulumi
 * preview`, and fails synth on a mandatory violation, naming policy, resource
 * and rule.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/catalog";
import type { PolicyResource } from "../../policies/policy";
import {
  loadPackConfig,
  PACK_CONFIG_FILE,
  POLICY_REPORT_FILE,
  policyResources,
  writePolicyReport,
  type PolicyReport,
} from "../../tools/policy-report";
import { loadEnvironment } from "../../core/model/load";
import { readStackFile } from "../../tools/stack-file";
import { editInputs, productionFixture, TYPES } from "./fixture";

const dir = mkdtempSync(join(tmpdir(), "genesys-policy-report-"));
const environment = loadEnvironment(readStackFile("prod").config).environment!;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("policy report step", () => {
  it("passes the production fixture and writes the report and the reviewed pack config it used (policies/config/prod.json)", async () => {
    const result = await writePolicyReport({
      stack: "prod",
      dir,
      shownDir: dir,
      environment,
      run: productionFixture(),
    });
    expect(result.failed).toBe(false);
    expect(result.summary).toContain(
      `Policies (production stack, deployed values, reference values from policies/config/prod.json, ${POLICIES.length} policies): 0 mandatory violation(s), 0 advisory, 0 not evaluated`,
    );
    const config = JSON.parse(readFileSync(join(dir, PACK_CONFIG_FILE), "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    expect(config).toEqual(loadPackConfig("prod"));
    expect(Object.keys(config)).toEqual(POLICIES.map((p) => p.name));
    expect(config["balancer-under-site-domain"]).toEqual({ environment: "production", siteDomain: "example.com" });
    const report = JSON.parse(readFileSync(join(dir, POLICY_REPORT_FILE), "utf8")) as PolicyReport;
    expect(report.policies.map((p) => [p.name, p.level, p.result, p.violations])).toEqual(
      POLICIES.map((p) => [p.name, "mandatory", "passed", 0]),
    );
  });

  it("fails on a mandatory violation and names the policy, the resource and the rule", async () => {
    const run = editInputs(productionFixture(), TYPES.lb, "recording", (i) => (i.enableDeletionProtection = false));
    const result = await writePolicyReport({ stack: "prod", dir, shownDir: dir, run, environment });
    expect(result.failed).toBe(true);
    expect(result.summary).toContain(
      '  mandatory balancer-deletion-protection  aws:lb/loadBalancer:LoadBalancer "recording": A production load balancer must set enableDeletionProtection: true.',
    );
    expect(result.summary.at(-1)).toBe(
      `Policy check failed: 1 mandatory violation(s); see ${join(dir, POLICY_REPORT_FILE)}`,
    );
    const report = JSON.parse(readFileSync(join(dir, POLICY_REPORT_FILE), "utf8")) as PolicyReport;
    expect(report.violations).toEqual([
      {
        policy: "balancer-deletion-protection",
        level: "mandatory",
        message: "A production load balancer must set enableDeletionProtection: true.",
        resource: {
          type: TYPES.lb,
          name: "recording",
          urn: "urn:pulumi:prod::genesys::genesys:recording:RecordingTenants$aws:lb/loadBalancer:LoadBalancer::recording",
        },
      },
    ]);
  });

  it("keeps the violation mandatory when the prod stack tags itself development: the kind comes from the reviewed pack config", async () => {
    const run = editInputs(
      productionFixture({ environment: "development" }),
      TYPES.lb,
      "recording",
      (i) => (i.enableDeletionProtection = false),
    );
    const result = await writePolicyReport({ stack: "prod", dir, shownDir: dir, environment, run });
    expect(result.failed).toBe(true);
    expect(result.summary).toContain(
      '  mandatory balancer-deletion-protection  aws:lb/loadBalancer:LoadBalancer "recording": A production load balancer must set enableDeletionProtection: true.',
    );
  });

  it("reports the violation as advisory, and does not fail, under the development stack's pack config", async () => {
    const run = editInputs(
      productionFixture({ environment: "development" }),
      TYPES.lb,
      "recording",
      (i) => (i.enableDeletionProtection = false),
    );
    const result = await writePolicyReport({ stack: "dev", dir, shownDir: dir, environment, run });
    expect(result.failed).toBe(false);
    expect(result.summary.find((l) => l.startsWith("Policies ("))).toMatch(
      /^Policies \(development stack, .*: 0 mandatory violation\(s\), \d+ advisory/,
    );
  });
});

describe("policyResources", () => {
  const resources = policyResources(productionFixture(), "prod");
  const find = (type: string, name: string) =>
    resources.find((r) => r.type === type && r.name === name) as PolicyResource;

  it("gives each resource the URN the engine would: parent types joined by $", () => {
    expect(find(TYPES.rule, "we85-GWE_Node_1").urn).toBe(
      "urn:pulumi:prod::genesys::genesys:webengagement:WebEngagement85Cluster$aws:lb/listenerRule:ListenerRule::we85-GWE_Node_1",
    );
    expect(find(TYPES.rule, "we85-GWE_Node_1").parent?.type).toBe("genesys:webengagement:WebEngagement85Cluster");
  });

  it("turns ids and ARNs in inputs into property dependencies", () => {
    const rule = find(TYPES.rule, "we85-GWE_Node_1");
    expect(rule.propertyDependencies.listenerArn.map((d) => d.name)).toEqual(["we85-https"]);
    expect(rule.propertyDependencies.actions.map((d) => d.name)).toEqual(["we85-GWE_Node_1"]);
    expect(find(TYPES.lb, "we85").propertyDependencies.subnets.map((d) => d.name)).toEqual([
      "public-eu-west-1a",
      "public-eu-west-1b",
    ]);
    expect(find(TYPES.record, "we85").propertyDependencies.aliases.map((d) => d.type)).toEqual([TYPES.lb]);
    expect(rule.propertyDependencies.priority).toBeUndefined();
  });
});
