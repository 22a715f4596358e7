/**
 * The pack judges a stack by reference values reviewed with the pack
 * (policies/config/<stack>.json), never by values the stack sets itself: a
 * stack that widens its own admin CIDR, lowers its own agent count, moves its
 * own site domain or tags itself development is still held to the reviewed
 * values.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/catalog";
import type { MockRun } from "../../tools/mock-run";
import {
  loadPackConfig,
  mandatoryViolations,
  policyResources,
  runPolicies,
  type PackConfig,
} from "../../tools/policy-report";
import { runStack } from "../support/program";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- stack values are free-form YAML

const judge = (run: MockRun, config: PackConfig = loadPackConfig("prod")) =>
  mandatoryViolations(runPolicies("prod", policyResources(run, "prod"), config));
const policiesOf = (run: MockRun, config?: PackConfig) => [...new Set(judge(run, config).map((v) => v.policy))].sort();

describe("reference values come from the reviewed pack config, not the judged stack", () => {
  it("every stack's file names every policy, the stack kind, and the values the policies need", () => {
    for (const [stack, kind] of [
      ["prod", "production"],
      ["dev", "development"],
    ] as const) {
      const config = loadPackConfig(stack);
      expect(Object.keys(config)).toEqual(POLICIES.map((p) => p.name));
      for (const entry of Object.values(config)) expect(entry.environment).toBe(kind);
      expect(config["balancer-under-site-domain"].siteDomain).toMatch(/example\.com$/);
      expect(config["recording-capacity"].screenRecordingAgents).toBeGreaterThan(0);
    }
    expect(loadPackConfig("prod")["ssh-only-from-admin-cidr"].adminCidr).toBe("10.0.0.0/8");
  });

  it("a stack that opens SSH to a public range of its own choosing fails ssh-only-from-admin-cidr", async () => {
    const run = await runStack("prod", (v: Values) => (v.httpdHaPair.adminCidr = "198.51.100.0/24"));
    const found = judge(run).filter((v) => v.policy === "ssh-only-from-admin-cidr");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toContain(
      "A production stack must allow SSH only from the administration CIDR 10.0.0.0/8",
    );
    expect(found[0].message).toContain("allows 198.51.100.0/24");
  }, 120_000);

  it("a stack that sets adminCidr 0.0.0.0/1 is rejected before any resource, naming the key", async () => {
    await expect(runStack("prod", (v: Values) => (v.httpdHaPair.adminCidr = "0.0.0.0/1"))).rejects.toThrow(
      /genesys:httpdHaPair\.adminCidr: "0\.0\.0\.0\/1" must not open SSH to the world/,
    );
  }, 120_000);

  it("a stack that lowers its own screen-recording agents fails recording-capacity against the reviewed 550", async () => {
    const run = await runStack("prod", (v: Values) => {
      for (const tenant of Object.values(v.recording.tenants as Record<string, Values>))
        tenant.screenRecordingAgents = 10;
    });
    const found = judge(run).filter((v) => v.policy === "recording-capacity");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toMatch(/550 agents need at least 550 httpd workers .* renders MaxRequestWorkers \d+/);
  }, 120_000);

  it("a stack that moves its own site domain fails balancer-under-site-domain", async () => {
    const run = await runStack("prod", (v: Values) => {
      const text = JSON.stringify(v).replaceAll("example.com", "example.net");
      Object.assign(v, JSON.parse(text));
    });
    expect(policiesOf(run)).toContain("balancer-under-site-domain");
  }, 120_000);

  it("a reviewed adminCidr that itself reaches the world is a violation, not a licence", async () => {
    const run = await runStack("prod");
    const weakened = {
      ...loadPackConfig("prod"),
      "ssh-only-from-admin-cidr": { environment: "production" as const, adminCidr: "0.0.0.0/1" },
    };
    const found = judge(run, weakened).filter((v) => v.policy === "ssh-only-from-admin-cidr");
    expect(found.map((v) => v.message)).toContainEqual(
      expect.stringContaining("administration CIDR must not reach the world"),
    );
  }, 120_000);
});

describe("loadPackConfig", () => {
  const root = mkdtempSync(join(tmpdir(), "genesys-pack-config-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (stack: string, config: unknown) => {
    mkdirSync(join(root, "policies/config"), { recursive: true });
    writeFileSync(join(root, `policies/config/${stack}.json`), JSON.stringify(config));
  };

  it("refuses a stack without a reviewed file, naming the file to write", () => {
    expect(() => loadPackConfig("staging", root)).toThrow(
      'no reviewed policy pack config for stack "staging": write policies/config/staging.json',
    );
  });

  it("refuses unknown policies, unknown properties and wrong types, so a typo cannot switch a check off", () => {
    write("typo", {
      "ssh-only-from-admin-cidrs": { adminCidr: "10.0.0.0/8" },
      "recording-capacity": { screenRecordingAgent: 5, environment: "staging" },
      "balancer-access-logs": { enforcementLevel: "off" },
    });
    let message = "";
    try {
      loadPackConfig("typo", root);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "policies/config/typo.json has 4 problem(s):",
      expect.stringMatching(/^ {2}- ssh-only-from-admin-cidrs: no such policy/),
      expect.stringMatching(
        /^ {2}- recording-capacity\.screenRecordingAgent: 5 is not allowed \(allowed: a config property/,
      ),
      '  - recording-capacity.environment: "staging" is not allowed (allowed: one of production, development)',
      '  - balancer-access-logs.enforcementLevel: "off" is not allowed (allowed: one of advisory, mandatory, disabled)',
    ]);
  });
});
