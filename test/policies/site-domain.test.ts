import { describe, expect, it } from "vitest";
import { runPolicies, policyResources } from "../../tools/policy-report";
import { editInputs, messagesOf, productionFixture, TYPES } from "./fixture";

const base = productionFixture();
const policy = "balancer-under-site-domain";

describe(policy, () => {
  it("passes records at or under the site domain, with or without the trailing dot", () => {
    expect(messagesOf(base, policy)).toEqual([]);
    expect(
      messagesOf(
        editInputs(base, TYPES.record, "we85", (i) => (i.name = "Example.com.")),
        policy,
      ),
    ).toEqual([]);
  });

  it.each(["gwe.example.net", "gwe.notexample.com", "example.com.evil.org"])(
    "rejects %s, outside the site domain",
    (name) => {
      expect(
        messagesOf(
          editInputs(base, TYPES.record, "we85", (i) => (i.name = name)),
          policy,
        ),
      ).toEqual([
        `A production balancer hostname must be under the website's domain "example.com" so Safari keeps its stickiness cookies first-party ("${name}" is not).`,
      ]);
    },
  );

  it("fails closed in production when the pack config names no site domain", () => {
    const result = runPolicies("prod", policyResources(base, "prod"), {});
    const messages = result.violations.filter((v) => v.policy === policy);
    expect(messages).toHaveLength(5);
    expect(messages[0]).toMatchObject({
      level: "mandatory",
      message: expect.stringContaining("must name its website's domain in the policy config (siteDomain)"),
    });
  });
});
