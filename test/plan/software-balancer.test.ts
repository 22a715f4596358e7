/**
 * The software-balancer section of the plans: balancer names are unique in
 * the stack (the guides' samples reuse one balancer name across tenants, and
 * httpd then merges their members), members are keyed by plan node id, and
 * the section says what both the httpd and nginx renderers serve.
 */
import { describe, expect, it } from "vitest";
import type { Environment } from "../../core/model/environment";
import { loadEnvironment } from "../../core/model/load";
import { formatProblem } from "../../core/model/problems";
import { planSystems } from "../../core/plan/registry";
import { balancerNameProblems, type SoftwareBalancing } from "../../core/plan/software-balancer";
import { readStackFile } from "../../tools/stack-file";

const prod = loadEnvironment(readStackFile("prod").config).environment as Environment;
const sections = () => planSystems(prod).flatMap((p) => p.softwareBalancer ?? []);

describe("balancer names in the software-balancer sections", () => {
  it("are unique across the production stack", () => {
    expect(balancerNameProblems(sections())).toEqual([]);
  });

  it("refuse a balancer name reused by another tenant as a plan problem naming both key paths", () => {
    const planted = sections().map((s): SoftwareBalancing => {
      if (s.kind !== "recording") return s;
      return {
        ...s,
        tenants: s.tenants.map((t) =>
          t.key !== "t2"
            ? t
            : { ...t, balancers: t.balancers.map((b) => (b.name === "t2-rws" ? { ...b, name: "t1-rws" } : b)) },
        ),
      };
    });
    expect(balancerNameProblems(planted).map(formatProblem)).toEqual([
      'genesys:recording.tenants.t2.rws: "t1-rws" is also the balancer name of genesys:recording.tenants.t1.rws; each balancer of the stack needs a name of its own (httpd compares them without case): rename one of the nodes or tenants',
    ]);
  });

  it("compare names without case, as httpd does", () => {
    const planted = sections().map((s): SoftwareBalancing =>
      s.kind === "webEngagement85" ? { ...s, balancer: { ...s.balancer, name: "Cobrowse" } } : s,
    );
    expect(balancerNameProblems(planted).map((p) => [p.path.join("."), p.value])).toEqual([["cobrowse", "cobrowse"]]);
  });
});

describe("members", () => {
  it("are keyed by plan node id, with the DNS name an https member's certificate is checked against", () => {
    const rec = sections().find((s) => s.kind === "recording");
    if (rec?.kind !== "recording") throw new Error("prod has recording");
    const rws = rec.tenants[0].balancers.find((b) => b.name === "t1-rws")!;
    expect(rws.members.map((m) => m.node)).toEqual(rws.members.map((m) => `recording/t1/rws/${m.key}`));
    expect(rws.members.some((m) => m.scheme === "https")).toBe(true);
    for (const m of rws.members) {
      if (m.scheme === "https") expect(m.tlsName).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i);
      else expect(m.tlsName).toBeUndefined();
    }
    expect(rws.stickiness).toEqual([
      { carrier: "cookie", name: "ROUTEID", match: "afterFirstDot", balancerMade: { path: "/t1" } },
    ]);
    const gwe = sections().find((s) => s.kind === "webEngagement85");
    if (gwe?.kind !== "webEngagement85") throw new Error("prod has Web Engagement 8.5");
    expect(gwe.balancer.members.map((m) => m.node)).toEqual(
      prod.webEngagement85!.nodes.map((n) => `webEngagement85/-/-/${n.key}`),
    );
  });

  it("exist only for systems behind a balancer: none in development without one", () => {
    const dev = loadEnvironment(readStackFile("dev").config).environment as Environment;
    const devSystems = planSystems(dev).map((p) => [p.system, p.balancerKind, p.softwareBalancer !== undefined]);
    for (const [system, kind, has] of devSystems) expect(has, String(system)).toBe(kind !== "none");
  });
});
