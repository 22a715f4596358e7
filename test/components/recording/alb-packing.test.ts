import { describe, expect, it } from "vitest";
import { withGeneratedRecording } from "../../../bench/generated-tenants";
import { planTenantRules } from "../../../core/plan/recording-rules";
import {
  ALB_QUOTAS,
  albHostname,
  albLowerBound,
  packTenants,
  type TenantDemand,
  type TenantPacking,
} from "../../../core/model/alb-packing";
import type { RecordingTenant } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { encodeConfigValue, readStackFile } from "../../../tools/stack-file";

/** Structured stack config is JSON text, scalars plain text. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Tenants t1..t<count> with all five services, through the real schema and model. */
function tenants(count: number): RecordingTenant[] {
  const values = Object.fromEntries(
    Object.entries(readStackFile("dev").config).map(([k, v]) => [k.replace(/^genesys:/, ""), decode(v)]),
  );
  withGeneratedRecording(values, count);
  const loaded = loadEnvironment(
    Object.fromEntries(Object.entries(values).map(([k, v]) => [`genesys:${k}`, encodeConfigValue(v)])),
  );
  if (!loaded.environment?.recording) throw new Error(JSON.stringify(loaded.problems));
  return [...loaded.environment.recording.tenants];
}

const demandOf = (t: RecordingTenant, pinnedAlb?: number): TenantDemand => ({
  key: t.key,
  rules: planTenantRules(t).length,
  targetGroups: t.services.length,
  pinnedAlb,
});

function packed(demands: readonly TenantDemand[]): TenantPacking {
  const result = packTenants(demands);
  if (!result.packing) throw new Error(JSON.stringify(result.problems));
  return result.packing;
}

describe.each([1, 17, 100, 500])("%i tenants with 5 services each", (count) => {
  const demands = tenants(count).map((t) => demandOf(t));
  const packing = packed(demands);

  it("takes 5 rules and 5 target groups per tenant", () => {
    for (const d of demands) expect([d.rules, d.targetGroups]).toEqual([5, 5]);
  });

  it("keeps every ALB within its rule and target-group quotas, each tenant whole on one ALB", () => {
    for (const alb of packing.albs) {
      expect(alb.rules).toBeLessThanOrEqual(ALB_QUOTAS.rulesPerAlb);
      expect(alb.targetGroups).toBeLessThanOrEqual(ALB_QUOTAS.targetGroupsPerAlb);
      const sum = alb.tenants
        .map((k) => demands.find((d) => d.key === k) as TenantDemand)
        .reduce((s, d) => ({ r: s.r + d.rules, g: s.g + d.targetGroups }), { r: 0, g: 0 });
      expect([alb.rules, alb.targetGroups]).toEqual([sum.r, sum.g]);
    }
    expect(packing.albs.flatMap((a) => a.tenants).sort()).toEqual(demands.map((d) => d.key).sort());
  });

  it("uses exactly the lower bound of ALBs", () => {
    expect(packing.albs).toHaveLength(albLowerBound(demands));
    expect(albLowerBound(demands)).toBe(Math.ceil((count * 5) / ALB_QUOTAS.targetGroupsPerAlb));
  });
});

describe("stability", () => {
  const all = tenants(45);
  const first40 = all.filter((t) => t.key !== "t5" && Number(t.key.slice(1)) <= 41);

  it("never moves a pinned tenant when a tenant is added, whatever its key", () => {
    const before = packed(first40.map((t) => demandOf(t)));
    const pinned = first40.map((t) => demandOf(t, before.albOf[t.key]));
    for (const extra of all.filter((t) => !first40.includes(t))) {
      const after = packed([...pinned, demandOf(extra)]);
      for (const t of first40) expect(after.albOf[t.key]).toBe(before.albOf[t.key]);
      expect(after.unpinned).toEqual([extra.key]);
    }
  });

  it("shows why pins exist: without them a smaller key moves another tenant to a different ALB", () => {
    const before = packed(first40.map((t) => demandOf(t)));
    const after = packed([...first40, all.find((t) => t.key === "t5") as RecordingTenant].map((t) => demandOf(t)));
    const moved = first40.filter((t) => after.albOf[t.key] !== before.albOf[t.key]).map((t) => t.key);
    expect(moved.length).toBeGreaterThan(0);
  });

  it("fills the lowest ALB with room for new tenants after the pinned ones", () => {
    const demands = all.slice(0, 3).map((t, i) => demandOf(t, i === 0 ? 3 : undefined));
    const p = packed(demands);
    expect(p.albOf).toEqual({ t1: 3, t2: 1, t3: 1 });
    expect(p.albs.map((a) => a.number)).toEqual([1, 3]);
  });
});

describe("problems", () => {
  it("rejects pins that overfill an ALB, naming the tenants", () => {
    const result = packTenants(tenants(21).map((t) => demandOf(t, 1)));
    expect(result.packing).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].path).toEqual(["recording", "tenants"]);
    expect(result.problems[0].message).toMatch(/pinned to ALB 1 and need 105 rules and 105 target groups/);
  });

  it("rejects a tenant larger than one ALB: tenants are never split", () => {
    const result = packTenants([{ key: "huge", rules: 101, targetGroups: 5 }]);
    expect(result.problems.map((p) => [p.path, p.message])).toEqual([
      [["recording", "tenants", "huge"], expect.stringMatching(/never split/)],
    ]);
  });
});

describe("albHostname", () => {
  it.each([
    ["recording.example.com", "example.com", 1, "recording.example.com"],
    ["recording.example.com", "example.com", 2, "recording-2.example.com"],
    ["rec.eu.example.com", "example.com", 12, "rec-12.eu.example.com"],
    ["example.com", "example.com", 3, "alb-3.example.com"],
    [`${"a".repeat(63)}.example.com`, "example.com", 2, `${"a".repeat(61)}-2.example.com`],
  ])("%s (domain %s), ALB %i -> %s", (hostname, domain, n, expected) => {
    expect(albHostname(hostname, domain, n)).toBe(expected);
  });
});
