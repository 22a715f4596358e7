/**
 * How the stack kind, and with it each violation's level, is chosen: policy
 * config first, then the providers' genesys:environment default tag, else
 * production; mandatory in production, advisory elsewhere, per-policy
 * enforcementLevel from the pack config on top.
 */
import { describe, expect, it } from "vitest";
import { providerDefaultTags, stackKind, violationLevel } from "../../policies/context";
import { POLICIES } from "../../policies/catalog";
import { mandatoryViolations } from "../../tools/policy-report";
import { editInputs, fixtureConfig, FIXTURE_CONFIG_VALUES, productionFixture, report, TYPES } from "./fixture";

const tagged = (environment: string) => ({
  defaultTags: JSON.stringify({ tags: { "genesys:environment": environment } }),
});

describe("stack kind", () => {
  it.each([
    [{}, [tagged("development")], "development"],
    [{}, [tagged("production")], "production"],
    [{}, [tagged("development"), tagged("production")], "production"],
    [{}, [{ defaultTags: { tags: { "genesys:environment": "development" } } }], "development"],
    [{}, [{ region: "eu-west-1" }], "production"],
    [{}, [], "production"],
    [{ environment: "development" as const }, [tagged("production")], "development"],
    [{ environment: "production" as const }, [tagged("development")], "production"],
  ])("config %j with providers %j is %s", (config, providers, kind) => {
    expect(stackKind(config, providers)).toBe(kind);
  });

  it("reads default tags given as JSON text or as an object, and ignores malformed text", () => {
    expect(providerDefaultTags({ defaultTags: '{"tags":{"a":"b"}}' })).toEqual({ a: "b" });
    expect(providerDefaultTags({ defaultTags: { tags: { a: "b" } } })).toEqual({ a: "b" });
    expect(providerDefaultTags({ defaultTags: "{not json" })).toEqual({});
  });

  it.each([
    ["mandatory", "production", "mandatory"],
    ["advisory", "production", "advisory"],
    ["disabled", "production", "disabled"],
    ["mandatory", "development", "advisory"],
    ["disabled", "development", "disabled"],
  ] as const)("a %s policy reports at level %s in a %s stack", (configured, kind, level) => {
    expect(violationLevel(configured, kind)).toBe(level);
  });
});

describe("levels in the offline report", () => {
  const relaxed = editInputs(productionFixture(), TYPES.lb, "we85", (i) => (i.enableDeletionProtection = false));

  it("reports a production violation as mandatory", () => {
    expect(
      mandatoryViolations(report(relaxed, fixtureConfig(POLICIES))).map((v) => [v.policy, v.resource?.name]),
    ).toEqual([["balancer-deletion-protection", "we85"]]);
  });

  it("reports the same violation in a development stack as advisory", () => {
    const dev = editInputs(
      productionFixture({ environment: "development" }),
      TYPES.lb,
      "we85",
      (i) => (i.enableDeletionProtection = false),
    );
    const result = report(dev, fixtureConfig(POLICIES));
    expect(result.kind).toBe("development");
    expect(result.violations.map((v) => [v.policy, v.level])).toEqual([["balancer-deletion-protection", "advisory"]]);
  });

  it("lets the pack config lower one policy to advisory, or disable it, in production", () => {
    const config = fixtureConfig(POLICIES);
    const advisory = report(relaxed, {
      ...config,
      "balancer-deletion-protection": { ...FIXTURE_CONFIG_VALUES, enforcementLevel: "advisory" },
    });
    expect(advisory.violations.map((v) => v.level)).toEqual(["advisory"]);
    const disabled = report(relaxed, {
      ...config,
      "balancer-deletion-protection": { ...FIXTURE_CONFIG_VALUES, enforcementLevel: "disabled" },
    });
    expect(disabled.violations).toEqual([]);
    expect(disabled.policies.find((p) => p.name === "balancer-deletion-protection")?.level).toBe("disabled");
  });

  it("lets the pack config treat a development-tagged stack as production for one policy", () => {
    const dev = editInputs(
      productionFixture({ environment: "development" }),
      TYPES.lb,
      "we85",
      (i) => (i.enableDeletionProtection = false),
    );
    const result = report(dev, {
      ...fixtureConfig(POLICIES),
      "balancer-deletion-protection": { ...FIXTURE_CONFIG_VALUES, environment: "production" },
    });
    expect(mandatoryViolations(result).map((v) => v.policy)).toEqual(["balancer-deletion-protection"]);
  });
});

describe("the catalog", () => {
  it("names every policy in kebab-case once, describes it as a check and defaults to mandatory", () => {
    const names = POLICIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of POLICIES) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(p.description).toMatch(/^Checks that /);
      expect(p.enforcementLevel).toBe("mandatory");
    }
    expect(names).toEqual(
      expect.arrayContaining([
        "production-requires-balancers",
        "sticky-cookie-matches-application",
        "balancer-under-site-domain",
        "alb-quotas-respected",
      ]),
    );
  });
});
