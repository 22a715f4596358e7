/**
 * The policies tell a resource's system, tier, tenant and service only from
 * what the program writes: the system component's exact type token and the
 * genesys:* tags. A node or target group without them is reported "not
 * evaluated", never classified by its name.
 */
import { describe, expect, it } from "vitest";
import { SYSTEM_IDENTITY, SYSTEM_KEYS, TAG } from "../../core/plan/identity";
import { POLICIES } from "../../policies/catalog";
import { systemsIn } from "../../policies/systems";
import { policyResources } from "../../tools/policy-report";
import type { MockRun } from "../../tools/mock-run";
import { editInputs, fixtureConfig, productionFixture, report, TYPES } from "./fixture";

const base = productionFixture();
const config = fixtureConfig(POLICIES);

function withoutTag(run: MockRun, type: string, name: string, key: string): MockRun {
  return editInputs(run, type, name, (i) => {
    delete (i.tags as Record<string, string>)[key];
  });
}

function resultOf(run: MockRun, policy: string) {
  const r = report(run, config);
  return {
    result: r.policies.find((p) => p.name === policy)?.result,
    violations: r.violations.filter((v) => v.policy === policy).map((v) => v.message),
    notEvaluated: r.notEvaluated.filter((n) => n.policy === policy).map((n) => n.message),
  };
}

describe("systems as the program marks them", () => {
  it("leaves nothing undecided on a stack tagged as the program tags it", () => {
    expect(report(base, config).notEvaluated).toEqual([]);
  });

  it("finds each system by its component's exact type token, one per system", () => {
    const found = systemsIn(policyResources(base, "prod")).map((s) => [s.facts.kind, s.component.type]);
    expect(found.sort()).toEqual(SYSTEM_KEYS.map((k) => [k, SYSTEM_IDENTITY[k].componentType]).sort());
  });

  it("does not take a component whose type merely starts like a system's for that system", () => {
    const run: MockRun = {
      ...base,
      resources: base.resources.map((r) =>
        r.type === SYSTEM_IDENTITY.webEngagement81.componentType ? { ...r, type: `${r.type}Cluster` } : r,
      ),
    };
    expect(systemsIn(policyResources(run, "prod")).map((s) => s.facts.kind)).not.toContain("webEngagement81");
  });

  it("does not read a Web Engagement 8.1 tier from a name: a target group without genesys:tier is not evaluated", () => {
    const untagged = withoutTag(base, TYPES.tg, "we81-backend", TAG.tier);
    expect(resultOf(untagged, "sticky-cookie-matches-application")).toEqual({
      result: "not evaluated",
      violations: [],
      notEvaluated: [
        `not evaluated: aws:lb/targetGroup:TargetGroup "we81-backend" in ${SYSTEM_IDENTITY.webEngagement81.componentType} "we81" lacks the tag genesys:tier: the policies tell what a Web Engagement 8.1 resource serves only from the tags the program writes (genesys:system, genesys:tier)`,
      ],
    });
  });

  it("judges a wrong cookie on a tagged target group and still says which one it could not judge", () => {
    const wrong = editInputs(
      withoutTag(base, TYPES.tg, "we81-backend", TAG.tier),
      TYPES.tg,
      "we85-cluster",
      (i) => (i.stickiness = { enabled: true, type: "app_cookie", cookieName: "JSESSIONID" }),
    );
    const found = resultOf(wrong, "sticky-cookie-matches-application");
    expect(found.result).toBe("violated");
    expect(found.violations).toHaveLength(1);
    expect(found.notEvaluated).toHaveLength(1);
  });

  it("does not read a recording tenant and service from a name: an untagged target group is not evaluated", () => {
    const untagged = withoutTag(
      withoutTag(base, TYPES.tg, "recording-t1-rp", TAG.service),
      TYPES.tg,
      "recording-t1-rp",
      TAG.tenant,
    );
    for (const policy of ["recording-processor-no-standby", "recording-tenant-isolation"]) {
      const found = resultOf(untagged, policy);
      expect(found.result).toBe("not evaluated");
      expect(found.notEvaluated).toEqual([
        expect.stringContaining('"recording-t1-rp" in genesys:recording:RecordingTenants "recording" lacks the tags'),
      ]);
    }
  });

  it("says a service tag it does not know is not one it can judge", () => {
    const odd = editInputs(base, TYPES.tg, "recording-t1-rp", (i) => {
      (i.tags as Record<string, string>)[TAG.service] = "recordingProcessor";
    });
    expect(resultOf(odd, "recording-processor-no-standby").notEvaluated).toEqual([
      expect.stringContaining("carries genesys:service=recordingProcessor"),
    ]);
  });

  it("does not count a node without genesys:system as balanced or unbalanced: it is not evaluated", () => {
    const untagged = withoutTag(base, TYPES.instance, "we85-GWE_Node_1", TAG.system);
    const found = resultOf(untagged, "production-requires-balancers");
    expect(found).toMatchObject({ result: "not evaluated", violations: [] });
    expect(found.notEvaluated).toEqual([
      expect.stringContaining(
        'aws:ec2/instance:Instance "we85-GWE_Node_1" in genesys:webengagement:WebEngagement85Cluster',
      ),
    ]);
  });

  it("does not take a node tagged for another system as one of this system's", () => {
    const moved = editInputs(base, TYPES.instance, "cobrowse-cb1", (i) => {
      (i.tags as Record<string, string>)[TAG.system] = "webEngagement85";
    });
    expect(resultOf(moved, "production-requires-balancers").notEvaluated).toEqual([
      expect.stringContaining("carries genesys:system=webEngagement85"),
    ]);
  });
});
