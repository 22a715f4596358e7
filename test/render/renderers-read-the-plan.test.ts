/**
 * The httpd and nginx renderers render what the balancing plan's
 * software-balancer section says, not what they could work out from the
 * model: a plan altered by hand (a member removed, a cookie renamed, a path
 * moved) is followed by both servers' configs. Every registry system's
 * section is handled by both renderers; a section no renderer knows is refused.
 */
import { describe, expect, it } from "vitest";
import type { Environment } from "../../core/model/environment";
import { loadEnvironment } from "../../core/model/load";
import type { BalancingPlan } from "../../core/plan/plan";
import { SYSTEM_KEYS } from "../../core/plan/plan";
import { planSystems } from "../../core/plan/registry";
import type { SoftwareBalancer, SoftwareBalancing } from "../../core/plan/software-balancer";
import { HTTPD_SYSTEMS, renderHttpdSite } from "../../core/render/httpd";
import { renderNginxSite } from "../../core/render/nginx";
import { readStackFile } from "../../tools/stack-file";
import { planNodeIds } from "../support/plan-node-ids";

const prod = loadEnvironment(readStackFile("prod").config).environment as Environment;
/** A distinct address per plan node, so a config's members tell which nodes it names. */
const addresses = Object.fromEntries(
  planNodeIds(prod).map((n, i) => [n.id, `10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`]),
);

function httpdText(plans: readonly BalancingPlan[], env: Environment = prod): string {
  return renderHttpdSite(env, httpdAddresses(env), { plans })
    .map((f) => f.content)
    .join("\n");
}

function nginxText(plans: readonly BalancingPlan[], env: Environment = prod): string {
  return renderNginxSite(env, addresses, { plans })
    .map((f) => f.content)
    .join("\n");
}

/** httpd wants host:port; the node's own port. */
function httpdAddresses(env: Environment): Record<string, string> {
  const ports = new Map(
    planSystems(env).flatMap((p) => p.nodeGroups.flatMap((g) => g.nodes.map((n) => [n.id, n.port]))),
  );
  return Object.fromEntries(Object.entries(addresses).map(([id, ip]) => [id, `${ip}:${ports.get(id)}`]));
}

/** The plans with one system's software section changed by `edit`. */
function altered(
  kind: SoftwareBalancing["kind"],
  edit: (section: SoftwareBalancing) => SoftwareBalancing,
): BalancingPlan[] {
  return planSystems(prod).map((plan) =>
    plan.softwareBalancer?.kind === kind ? { ...plan, softwareBalancer: edit(plan.softwareBalancer) } : plan,
  );
}

function balancerOf(section: SoftwareBalancing): SoftwareBalancer {
  if (section.kind !== "webEngagement85" && section.kind !== "cobrowse") throw new Error(section.kind);
  return section.balancer;
}

describe("both renderers follow a plan altered by hand", () => {
  const plans = planSystems(prod);
  const gwe = plans.find((p) => p.system === "webEngagement85")!.softwareBalancer!;
  const [kept, removed] = balancerOf(gwe).members;

  it("leaves out a member the plan no longer has (Web Engagement 8.5)", () => {
    const without = altered("webEngagement85", (s) => ({
      ...s,
      balancer: { ...balancerOf(s), members: balancerOf(s).members.filter((m) => m.node !== removed.node) },
    })) as BalancingPlan[];
    for (const [render, member] of [
      [httpdText, (id: string) => `BalancerMember http://${httpdAddresses(prod)[id]} `],
      [nginxText, (id: string) => `server ${addresses[id]}:`],
    ] as const) {
      expect(render(plans)).toContain(member(removed.node));
      expect(render(without)).not.toContain(member(removed.node));
      expect(render(without)).toContain(member(kept.node));
    }
  });

  it("sticks on the cookie the plan names (Web Engagement 8.5)", () => {
    const renamed = altered("webEngagement85", (s) => ({
      ...s,
      balancer: { ...balancerOf(s), stickiness: [{ carrier: "cookie", name: "PLANCOOKIE", match: "afterFirstDot" }] },
    }));
    expect(httpdText(renamed)).toContain("ProxySet stickysession=PLANCOOKIE");
    expect(httpdText(plans)).not.toContain("PLANCOOKIE");
    expect(nginxText(renamed)).toContain("map $cookie_PLANCOOKIE $gwe85_upstream");
    expect(nginxText(plans)).not.toContain("PLANCOOKIE");
  });

  it("publishes the path and health path the plan names (Web Engagement 8.5)", () => {
    const moved = altered("webEngagement85", (s) => ({
      ...(s as Extract<SoftwareBalancing, { kind: "webEngagement85" }>),
      healthPath: "/plan/alive",
      balancer: { ...balancerOf(s), paths: [{ publicPath: "/gwe", backendPath: "/gwe" }] },
    }));
    expect(httpdText(moved)).toMatch(/ProxyPass \/gwe balancer:\/\/gwe85\/gwe\n/);
    expect(httpdText(moved)).not.toMatch(/ProxyPass \/server /);
    expect(nginxText(moved)).toContain('location = "/gwe" {');
    expect(nginxText(moved)).toContain('location = "/plan/alive" {');
    expect(nginxText(moved)).not.toContain('location "/server/" {');
  });

  it("routes Co-browse by the values the plan gives each node, and by no URL parameter the plan drops", () => {
    const cob = plans.find((p) => p.system === "cobrowse")!.softwareBalancer!;
    const first = balancerOf(cob).members[0];
    const revalued = altered("cobrowse", (s) => ({
      ...s,
      balancer: {
        ...balancerOf(s),
        stickiness: [
          { carrier: "cookie", name: "planSession", match: "wholeValue", values: { [first.node]: "planvalue" } },
        ],
      },
    }));
    const httpd = httpdText(revalued);
    expect(httpd).toMatch(/RewriteCond "%\{HTTP_COOKIE\}" ".*planSession=planvalue/);
    expect(httpd).not.toContain("co-browse-node-id");
    const nginx = nginxText(revalued);
    expect(nginx).toContain('"~^planvalue$" cobrowse.');
    expect(nginx).toContain("map $cookie_planSession $cobrowse_upstream");
    expect(nginx).not.toContain("co-browse-node-id");
  });

  it("gives a recording tenant's balancer only the members and balancer-made cookie path the plan names", () => {
    const rec = plans.find((p) => p.system === "recording")!.softwareBalancer!;
    if (rec.kind !== "recording") throw new Error(rec.kind);
    const rws = rec.tenants[0].balancers.find((b) => b.name.endsWith("-rws"))!;
    const [, dropped] = rws.members;
    const edited = altered("recording", (s) => {
      if (s.kind !== "recording") return s;
      return {
        ...s,
        tenants: s.tenants.map((t, i) =>
          i !== 0
            ? t
            : {
                ...t,
                balancers: t.balancers.map((b) =>
                  b.name !== rws.name
                    ? b
                    : {
                        ...b,
                        members: b.members.filter((m) => m.node !== dropped.node),
                        stickiness: [{ ...b.stickiness[0], balancerMade: { path: "/plan-path" } }],
                      },
                ),
              },
        ),
      };
    });
    const pattern = (text: string) => text.includes(addresses[dropped.node] + ":");
    expect(pattern(nginxText(plans))).toBe(true);
    expect(pattern(nginxText(edited))).toBe(false);
    expect(nginxText(edited)).toContain("Path=/plan-path");
    // Over https httpd names the member by the DNS name the plan gives; over http by its address.
    const member = (text: string) =>
      text.includes(
        dropped.tlsName !== undefined ? `://${dropped.tlsName}:` : `://${httpdAddresses(prod)[dropped.node]} `,
      );
    expect(member(httpdText(plans))).toBe(true);
    expect(member(httpdText(edited))).toBe(false);
    expect(httpdText(edited)).toContain("path=/plan-path; HttpOnly");
  });
});

describe("extension is checked", () => {
  it("every registry system's software-balancer section is rendered by httpd, and by nginx except Web Engagement 8.1", () => {
    const dev = loadEnvironment(readStackFile("dev").config).environment as Environment;
    const sections = [...planSystems(prod), ...planSystems(dev)].flatMap((p) => p.softwareBalancer ?? []);
    expect(new Set(sections.map((s) => s.kind))).toEqual(new Set(SYSTEM_KEYS));
    expect([...HTTPD_SYSTEMS].sort()).toEqual([...SYSTEM_KEYS].sort());
    for (const kind of SYSTEM_KEYS) {
      const plans = planSystems(prod).filter((p) => p.softwareBalancer?.kind === kind);
      expect(renderHttpdSite(prod, httpdAddresses(prod), { plans }).length, kind).toBeGreaterThan(1);
      const nginxFiles = renderNginxSite(prod, addresses, { plans }).length;
      if (kind === "webEngagement81") expect(nginxFiles).toBe(1);
      else expect(nginxFiles, kind).toBeGreaterThan(1);
    }
  });

  it("refuses a section of a kind no renderer handles, in both renderers", () => {
    const plans = [
      { ...planSystems(prod)[0], softwareBalancer: { kind: "framework" } as unknown as SoftwareBalancing },
    ];
    expect(() => renderHttpdSite(prod, {}, { plans })).toThrow(
      /no renderer handles the software balancing of "framework"/,
    );
    expect(() => renderNginxSite(prod, {}, { plans })).toThrow(
      /no renderer handles the software balancing of "framework"/,
    );
  });
});
