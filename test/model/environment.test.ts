import { describe, expect, it } from "vitest";
import {
  COOKIES,
  cobrowseServerUrl,
  recordingRoutes,
  recordingTenantUrls,
  routeName,
} from "../../core/model/genesys-facts";
import { loadEnvironment } from "../../core/model/load";
import { readStackFile } from "../../tools/stack-file";

function env(stack: string) {
  const result = loadEnvironment(readStackFile(stack).config);
  expect(result.problems).toEqual([]);
  return result.environment!;
}

describe("derived Genesys facts", () => {
  it("turns application names into routes the way the recording guide asks", () => {
    expect(routeName("RCS 1")).toBe("RCS_1");
    expect(routeName("RCS  two words")).toBe("RCS__two_words");
    expect(routeName("GWE_Node_1")).toBe("GWE_Node_1");
  });

  it("strips the tenant prefix on the backend side only", () => {
    expect(recordingRoutes("t1", "rws")).toEqual([
      { publicPath: "/t1/api", backendPath: "/api" },
      { publicPath: "/t1/internal-api", backendPath: "/internal-api" },
    ]);
    expect(recordingRoutes("t7", "rp")).toEqual([{ publicPath: "/t7/rp/api", backendPath: "/api" }]);
    expect(recordingRoutes("t1", "webdav", ["recordings", "dest2"]).map((r) => r.publicPath)).toEqual([
      "/t1/recordings",
      "/t1/dest2",
    ]);
  });

  it("gives the URLs an administrator types into Genesys", () => {
    expect(recordingTenantUrls("https://recording.example.com", "t1")).toEqual({
      rpsUrl: "https://recording.example.com/t1/rp/api",
      htccBaseUrl: "https://recording.example.com/t1",
      rcsBaseUri: "https://recording.example.com/t1/rcs",
    });
    expect(cobrowseServerUrl("https://cobrowse.example.com", "2")).toBe(
      "https://cobrowse.example.com/cobrowse?co-browse-node-id=2",
    );
  });
});

describe("resolved prod environment", () => {
  const prod = env("prod");

  it("uses one cookie definition per product", () => {
    expect(prod.webEngagement85!.cookie).toBe(COOKIES.webEngagement85);
    expect(prod.cobrowse!.cookie).toBe("gcbSessionServer");
    const t1 = prod.recording!.tenants.find((t) => t.key === "t1")!;
    const byService = Object.fromEntries(t1.services.map((s) => [s.service, s]));
    expect(byService.rws.stickiness).toEqual({ kind: "cookie", cookie: "ROUTEID", origin: "balancer" });
    expect(byService.rcs.stickiness).toEqual({ kind: "cookie", cookie: "JSESSIONID", origin: "server" });
    expect(byService.rp.stickiness).toEqual({ kind: "none" });
  });

  it("names every tenant balancer uniquely (the guide reused one name)", () => {
    const names = prod.recording!.tenants.flatMap((t) => t.services.map((s) => s.balancerName));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("t1-rcs");
    expect(names).toContain("t2-rws");
  });

  it("marks only the configured WebDAV member as hot standby and never an RP member", () => {
    const members = prod.recording!.tenants.flatMap((t) =>
      t.services.flatMap((s) => s.members.map((m) => ({ s: s.service, k: m.key, h: m.hotStandby }))),
    );
    expect(members.filter((m) => m.h)).toEqual([
      { s: "webdav", k: "t1webdav2", h: true },
      { s: "webdav", k: "t2webdav2", h: true },
    ]);
  });

  it("rewrites the RCS cookie path into the tenant's space", () => {
    const rcs = prod.recording!.tenants[0].services.find((s) => s.service === "rcs")!;
    expect(rcs.cookiePathRewrite).toEqual({ from: "/rcs", to: "/t1/rcs" });
    expect(rcs.members.map((m) => m.route)).toEqual(["RCS_1", "RCS_2"]);
  });

  it("spreads unpinned nodes over the zones in natural key order", () => {
    expect(prod.webEngagement85!.nodes.map((n) => [n.key, n.availabilityZone])).toEqual([
      ["GWE_Node_1", "eu-west-1a"],
      ["GWE_Node_2", "eu-west-1b"],
      ["GWE_Node_3", "eu-west-1c"],
    ]);
  });

  it("keeps hardening at its secure defaults in production and relaxes dev only where its stack file says", () => {
    expect(prod.hardening).toEqual({
      deletionProtection: true,
      accessLogs: true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
    });
    expect(env("dev").hardening).toEqual({
      deletionProtection: false,
      accessLogs: false,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
    });
  });
});
