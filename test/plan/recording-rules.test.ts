import { describe, expect, it } from "vitest";
import { overlappingRoutes, planTenantRules, rewriteFor, type TenantRule } from "../../core/plan/recording-rules";
import { ruleLimitProblems } from "../../core/plan/alb-conditions";
import type { RecordingTenant } from "../../core/model/environment";
import { loadEnvironment } from "../../core/model/load";
import { readStackFile } from "../../tools/stack-file";
import { conditionMatches } from "../components/support/alb-match";

const prod = loadEnvironment(readStackFile("prod").config).environment!;
const t1 = prod.recording!.tenants.find((t) => t.key === "t1")!;

/** What Apache's `ProxyPass <public> balancer://x<backend>` sends upstream for `path`. */
function proxyPass(tenant: RecordingTenant, path: string): { service: string; upstream: string } | undefined {
  for (const s of tenant.services) {
    for (const r of s.routes)
      if (path.startsWith(r.publicPath))
        return { service: s.service, upstream: r.backendPath + path.slice(r.publicPath.length) };
  }
  return undefined;
}

/** What the ALB sends upstream: the first rule whose path condition matches, with its rewrite applied. */
function alb(rules: readonly TenantRule[], path: string): { service: string; upstream: string } | undefined {
  const rule = rules.find((r) => conditionMatches(r.condition, { path }));
  return (
    rule && { service: rule.service, upstream: path.replace(new RegExp(rule.rewrite.regex), rule.rewrite.replace) }
  );
}

describe("planTenantRules", () => {
  const rules = planTenantRules(t1);

  it("has one rule per service for the guide's paths, each within the ALB's per-rule quotas", () => {
    expect(rules.map((r) => r.key)).toEqual(["rws", "rp", "rcs", "ir", "webdav"]);
    for (const r of rules) expect(ruleLimitProblems([r.condition])).toEqual([]);
    expect(rules.find((r) => r.key === "rws")?.condition.pathPattern.values).toEqual(["/t1/api*", "/t1/internal-api*"]);
    expect(rules.find((r) => r.key === "webdav")?.condition.pathPattern.values).toEqual([
      "/t1/recordings*",
      "/t1/dest2*",
    ]);
  });

  it.each([
    "/t1/api",
    "/t1/api/v2/me",
    "/t1/internal-api/x?y=1",
    "/t1/rp/api/jobs",
    "/t1/rcs/keys",
    "/t1/interactionreceiver/upload",
    "/t1/recordings/2024/a.mp3",
    "/t1/dest2/b",
    "/t1/apix",
  ])("sends %s to the same service and upstream path as the guide's ProxyPass", (path) => {
    expect(alb(rules, path)).toEqual(proxyPass(t1, path));
    expect(alb(rules, path)).toBeDefined();
  });

  it.each(["/t2/api", "/t1", "/t1/unknown", "/rp/api"])("does not publish %s for tenant t1", (path) => {
    expect(alb(rules, path)).toBeUndefined();
  });

  it("splits a service's prefixes into rules of at most three", () => {
    const many = {
      ...t1,
      services: t1.services.map((s) =>
        s.service === "webdav"
          ? { ...s, routes: ["a", "b", "c", "d"].map((p) => ({ publicPath: `/t1/${p}`, backendPath: `/${p}` })) }
          : s,
      ),
    };
    const webdav = planTenantRules(many).filter((r) => r.service === "webdav");
    expect(webdav.map((r) => [r.key, r.condition.pathPattern.values.length])).toEqual([
      ["webdav-1", 3],
      ["webdav-2", 1],
    ]);
  });
});

describe("rewriteFor", () => {
  it("strips the tenant prefix, or maps a public path onto a different backend path", () => {
    expect(rewriteFor({ publicPath: "/t1/rp/api", backendPath: "/api" })).toEqual({
      regex: "^\\/t1\\/rp(/.*)$",
      replace: "$1",
    });
    const odd = rewriteFor({ publicPath: "/t1/files", backendPath: "/webdav" });
    expect("/t1/files/x".replace(new RegExp(odd.regex), odd.replace)).toBe("/webdav/x");
  });
});

describe("overlappingRoutes", () => {
  it("rejects a WebDAV path that another service of the tenant already publishes", () => {
    const clash = {
      ...t1,
      services: t1.services.map((s) =>
        s.service === "webdav" ? { ...s, routes: [{ publicPath: "/t1/apidocs", backendPath: "/apidocs" }] } : s,
      ),
    };
    expect(overlappingRoutes(clash)).toEqual([
      {
        path: ["recording", "tenants", "t1", "webdav"],
        value: "/t1/apidocs",
        message: expect.stringMatching(/overlaps rws's \/t1\/api/),
      },
    ]);
    expect(overlappingRoutes(t1)).toEqual([]);
  });
});
