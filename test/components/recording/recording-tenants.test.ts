import { beforeAll, describe, expect, it } from "vitest";
import { generatedTenants } from "../../../bench/generated-tenants";
import { COOKIES, recordingTenantUrls } from "../../../core/model/genesys-facts";
import type { MockRun } from "../../../tools/mock-run";
import { runStack } from "../../support/program";
import type { RuleCondition } from "../../../core/plan/alb-conditions";
import { conditionMatches } from "../support/alb-match";
import {
  all,
  forwardedTo,
  clientListener,
  ingressOf,
  listenersOf,
  one,
  only,
  T,
  targetsOf,
  under,
} from "../support/registered";

const COMPONENT = "genesys:recording:RecordingTenants";

let dev: MockRun;
let prodAlb: MockRun;
let prodPair: MockRun;
let twoAlbs: MockRun;
beforeAll(async () => {
  dev = await runStack("dev", only("recording"));
  prodAlb = await runStack("prod", (v) => {
    only("recording")(v);
    (v.recording as Record<string, unknown>).balancer = "alb";
  });
  prodPair = await runStack("prod", only("recording", "httpdHaPair"));
  twoAlbs = await runStack("dev", (v) => {
    only("recording")(v);
    const recording = v.recording as { tenants: Record<string, unknown> };
    recording.tenants = { ...recording.tenants, ...generatedTenants(3) };
    (recording.tenants.t2 as Record<string, unknown>).alb = 2;
  });
});

interface RuleInputs {
  readonly priority: number;
  readonly conditions: RuleCondition[];
  readonly transforms?: { urlRewriteConfig: { rewrite: { regex: string; replace: string } } }[];
}

/** What the ALB sends upstream for `path`: the first matching rule's target group and rewritten path, else the default. */
function upstream(run: MockRun, lb: string, path: string): [string, string] {
  const listener = clientListener(run, lb);
  const rules = [...listener.ruleResources].sort(
    (a, b) => (a.inputs as unknown as RuleInputs).priority - (b.inputs as unknown as RuleInputs).priority,
  );
  const rule = rules.find((r) =>
    (r.inputs as unknown as RuleInputs).conditions.every((c) => conditionMatches(c, { path })),
  );
  if (!rule) return [listener.defaultAction, path];
  const rewrite = (rule.inputs as unknown as RuleInputs).transforms?.[0].urlRewriteConfig.rewrite;
  return [forwardedTo(run, rule)[0], rewrite ? path.replace(new RegExp(rewrite.regex), rewrite.replace) : path];
}

describe("recording tenants on an ALB (development stack)", () => {
  it("publishes each service under /t1 and strips the tenant prefix like ProxyPass", () => {
    expect(upstream(dev, "recording-alb1", "/t1/api/v2/me")).toEqual(["recording-t1-rws", "/api/v2/me"]);
    expect(upstream(dev, "recording-alb1", "/t1/internal-api/x")).toEqual(["recording-t1-rws", "/internal-api/x"]);
    expect(upstream(dev, "recording-alb1", "/t1/rp/api/jobs")).toEqual(["recording-t1-rp", "/api/jobs"]);
    expect(upstream(dev, "recording-alb1", "/t1/rcs/keys")).toEqual(["recording-t1-rcs", "/rcs/keys"]);
    expect(upstream(dev, "recording-alb1", "/t1/interactionreceiver/u")).toEqual([
      "recording-t1-ir",
      "/interactionreceiver/u",
    ]);
    expect(upstream(dev, "recording-alb1", "/t1/recordings/a.wav")).toEqual([
      "recording-t1-webdav",
      "/recordings/a.wav",
    ]);
    expect(upstream(dev, "recording-alb1", "/t2/api")).toEqual(["fixed-404", "/t2/api"]);
  });

  it("sticks RWS with the balancer's cookie, RCS on JSESSIONID, and nothing else", () => {
    const stickiness = (tg: string) => one(dev, T.tg, tg).inputs.stickiness as Record<string, unknown>;
    expect(stickiness("recording-t1-rws")).toMatchObject({ enabled: true, type: "lb_cookie" });
    expect(stickiness("recording-t1-rcs")).toMatchObject({
      enabled: true,
      type: "app_cookie",
      cookieName: COOKIES.recordingRcs,
    });
    for (const s of ["rp", "ir", "webdav"]) expect(stickiness(`recording-t1-${s}`)).toMatchObject({ enabled: false });
  });

  it("tags every tenant resource with its tenant and service and keeps it under the component", () => {
    for (const r of all(dev, T.tg).concat(all(dev, T.rule))) {
      expect(r.parent).toBe(`${COMPONENT}::recording`);
      expect(r.inputs.tags).toMatchObject({ "genesys:tenant": "t1", "genesys:service": r.name.split("-")[2] });
    }
  });

  it("applies the development stack's relaxed hardening explicitly and keeps the secure defaults it does not relax", () => {
    const lb = one(dev, T.lb, "recording-alb1");
    expect(lb.inputs).toMatchObject({
      enableDeletionProtection: false,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
    });
    expect(lb.inputs.accessLogs).toBeUndefined();
    expect(all(dev, "aws:s3/bucket:Bucket")).toEqual([]);
    expect(all(dev, T.record)).toEqual([]);
  });

  it("outputs the URLs the administrator enters per tenant", () => {
    expect((dev.outputs.recording as { tenants: unknown }).tenants).toEqual({
      t1: { ...recordingTenantUrls("https://recording.dev.example.com", "t1"), alb: 1 },
    });
  });
});

describe("recording tenants on an ALB (production stack)", () => {
  it("leaves the WebDAV hot standby out of the target group and says so", () => {
    expect(targetsOf(prodAlb, "recording-t1-webdav")).toEqual(["recording-t1-webdav-t1webdav1"]);
    expect(one(prodAlb, T.instance, "recording-t1-webdav-t1webdav2").inputs.tags).toMatchObject({
      "genesys:tenant": "t1",
      "genesys:service": "webdav",
    });
    const limitations = (prodAlb.outputs.recording as { limitations: string[] }).limitations;
    expect(limitations.filter((l) => l.includes("hot standby"))).toEqual([
      expect.stringMatching(/^t1 WebDAV: t1webdav2/),
      expect.stringMatching(/^t2 WebDAV: t2webdav2/),
    ]);
  });

  it("keeps every RP and RWS member active (no standby for RP)", () => {
    expect(targetsOf(prodAlb, "recording-t1-rp")).toEqual(["recording-t1-rp-t1rp1", "recording-t1-rp-t1rp2"]);
    expect(targetsOf(prodAlb, "recording-t1-rws")).toEqual([
      "recording-t1-rws-t1rws1",
      "recording-t1-rws-t1rws2",
      "recording-t1-rws-t1rws3",
    ]);
  });

  it("speaks HTTPS to RWS, RP and RCS when backendScheme is https, and HTTP to Interaction Receiver and WebDAV on their port 80", () => {
    const groups = all(prodAlb, T.tg);
    expect(groups.some((tg) => /-(ir|webdav)$/.test(tg.name))).toBe(true);
    for (const tg of groups) {
      const protocol = /-(ir|webdav)$/.test(tg.name) ? "HTTP" : "HTTPS";
      expect([tg.name, tg.inputs.protocol, (tg.inputs.healthCheck as { protocol: string }).protocol]).toEqual([
        tg.name,
        protocol,
        protocol,
      ]);
    }
  });

  it("applies production hardening, HTTPS with the TLS policy and an alias record", () => {
    const lb = one(prodAlb, T.lb, "recording-alb1");
    expect(lb.inputs).toMatchObject({
      enableDeletionProtection: true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      accessLogs: { enabled: true },
    });
    expect(
      listenersOf(prodAlb, "recording-alb1")
        .map((l) => [l.inputs.protocol, l.inputs.port, l.inputs.sslPolicy ?? null])
        .sort(),
    ).toEqual([
      ["HTTP", 80, null],
      ["HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06"],
    ]);
    expect(one(prodAlb, T.record, "recording-alb1").inputs).toMatchObject({ name: "recording.example.com", type: "A" });
  });

  it("lets only the balancer reach the members, on their ports", () => {
    expect(ingressOf(prodAlb, "recording-alb1-nodes")).toEqual([
      [80, "recording-alb1-alb"],
      [8008, "recording-alb1-alb"],
      [8080, "recording-alb1-alb"],
      [8889, "recording-alb1-alb"],
    ]);
  });
});

describe("recording tenants served by the httpd HA pair", () => {
  it("builds the nodes only (no ALB, target group or rule), reached only from the pair's hosts", () => {
    const mine = under(prodPair, COMPONENT, "recording");
    expect(mine.filter((r) => [T.lb, T.tg, T.rule, T.listener].includes(r.type as never))).toEqual([]);
    expect(mine.filter((r) => r.type === T.instance)).toHaveLength(21);
    const pairGroups = under(prodPair, "genesys:httpd:HttpdHaPair", "recording-pair")
      .filter((r) => r.type === T.sg)
      .map((g) => g.name);
    const sources = ingressOf(prodPair, "recording-nodes").map(([, source]) => source);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(pairGroups).toContain(source);
  });

  it("outputs the tenant URLs on the pair's hostname, over the https the production pair serves", () => {
    expect((prodPair.outputs.recording as { tenants: Record<string, unknown> }).tenants.t2).toEqual(
      recordingTenantUrls("https://recording.example.com", "t2"),
    );
  });
});

describe("tenants on more than one ALB", () => {
  it("gives each ALB its own hostname, listener, rules and node group, and honours a pin", () => {
    const albs = (twoAlbs.outputs.recording as { albs: Record<string, { hostname: string; tenants: string[] }> }).albs;
    expect(Object.fromEntries(Object.entries(albs).map(([n, a]) => [n, [a.hostname, a.tenants]]))).toEqual({
      1: ["recording.dev.example.com", ["t1", "t3"]],
      2: ["recording-2.dev.example.com", ["t2"]],
    });
    expect(upstream(twoAlbs, "recording-alb2", "/t2/rp/api")).toEqual(["recording-t2-rp", "/api"]);
    expect(upstream(twoAlbs, "recording-alb1", "/t2/rp/api")[0]).toBe("fixed-404");
    expect(one(twoAlbs, T.instance, "recording-t2-rp-t2rp1").inputs.vpcSecurityGroupIds).toEqual([
      one(twoAlbs, T.sg, "recording-alb2-nodes").id,
    ]);
    expect(
      (twoAlbs.outputs.recording as { tenants: Record<string, { htccBaseUrl: string }> }).tenants.t2.htccBaseUrl,
    ).toBe("https://recording-2.dev.example.com/t2");
  });
});
