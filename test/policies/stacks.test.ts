/**
 * The policies on the real program and stack files. Production passes every
 * mandatory policy. The model already refuses `balancer: none` in
 * production, so to show the pack catches what slips past the model, each
 * system's balancer is taken out of the registered resources after the run;
 * relaxed hardening, which the model only warns about, is rejected too. The
 * development stack, with Web Engagement 8.1 wired directly, gets advisories
 * only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../../tools/mock-run";
import type { RegisteredResource } from "../../tools/mocks";
import {
  loadPackConfig,
  mandatoryViolations,
  policyResources,
  runPolicies,
  type PolicyReport,
} from "../../tools/policy-report";
import { runStack } from "../support/program";

const BALANCER_TYPES: readonly string[] = [
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
];

function reportOf(stack: string, run: MockRun): PolicyReport {
  return runPolicies(stack, policyResources(run, stack), loadPackConfig(stack));
}

/** Whether `r` sits (at any depth) under a component of `type` whose name starts with `prefix`. */
function under(run: MockRun, r: RegisteredResource, type: RegExp, prefix = ""): boolean {
  const byKey = new Map(run.resources.map((x) => [`${x.type}::${x.name}`, x]));
  for (let p = r.parent ? byKey.get(r.parent) : undefined; p; p = p.parent ? byKey.get(p.parent) : undefined) {
    if (type.test(p.type) && p.name.startsWith(prefix)) return true;
  }
  return false;
}

/** The run without the ALB, listeners and rules of one balancer component. */
function withoutAlb(run: MockRun, albPrefix: string): MockRun {
  const dropped = run.resources.filter(
    (r) => BALANCER_TYPES.includes(r.type) && under(run, r, /^genesys:alb:ApplicationLoadBalancer$/, albPrefix),
  );
  expect(dropped.map((r) => r.type)).toContain(BALANCER_TYPES[0]);
  const gone = new Set(dropped);
  // Rules of the balancer's listener go with it (they are the system's, not the ALB component's).
  const listenerArns = new Set(dropped.filter((r) => r.type === BALANCER_TYPES[1]).map((r) => r.state.arn));
  return {
    ...run,
    resources: run.resources.filter(
      (r) => !gone.has(r) && !(r.type === BALANCER_TYPES[2] && listenerArns.has(r.inputs.listenerArn)),
    ),
  };
}

const messages = (report: PolicyReport, policy: string) =>
  mandatoryViolations(report)
    .filter((v) => v.policy === policy)
    .map((v) => v.message);

let prod: MockRun;
let prodAlbRecording: MockRun;
let dev: MockRun;

beforeAll(async () => {
  prod = await runStack("prod");
  prodAlbRecording = await runStack("prod", (values) => {
    (values.recording as Record<string, unknown>).balancer = "alb";
    delete values.httpdHaPair;
  });
  dev = await runStack("dev");
}, 240_000);

describe("Pulumi.prod.yaml", () => {
  it("passes every mandatory policy, with recording behind the httpd pair or behind ALBs", () => {
    for (const run of [prod, prodAlbRecording]) {
      const report = reportOf("prod", run);
      expect(report.kind).toBe("production");
      expect(mandatoryViolations(report)).toEqual([]);
    }
    expect(prod.resources.filter((r) => r.type === BALANCER_TYPES[0]).length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ["gwe85", "A production stack must put every Web Engagement 8.5 node behind a load balancer"],
    [
      "gwe81-frontend",
      "A production stack must put Web Engagement 8.1 frontend and backend servers behind their load balancers; connecting frontend servers to backend servers directly is for development only (frontend nodes without a balancer:",
    ],
    [
      "gwe81-backend",
      "A production stack must put Web Engagement 8.1 frontend and backend servers behind their load balancers; connecting frontend servers to backend servers directly is for development only (backend nodes without a balancer:",
    ],
    ["cobrowse", "A production stack must put every Co-browse node behind a load balancer"],
  ])("fails production-requires-balancers once the %s balancer is gone", (alb, message) => {
    const found = messages(reportOf("prod", withoutAlb(prod, alb)), "production-requires-balancers");
    expect(
      found.some((m) => m.startsWith(message)),
      found.join("\n"),
    ).toBe(true);
  });

  it("fails production-requires-balancers once the recording ALB is gone", () => {
    const found = messages(
      reportOf("prod", withoutAlb(prodAlbRecording, "recording-alb1")),
      "production-requires-balancers",
    );
    expect(
      found.some((m) =>
        m.startsWith("A production stack must put every Interaction Recording node behind a load balancer"),
      ),
      found.join("\n"),
    ).toBe(true);
  });

  it("fails production-requires-balancers once the httpd pair that serves recording is gone", () => {
    const pair = /^genesys:httpd:HttpdHaPair$/;
    const withoutPair = {
      ...prod,
      resources: prod.resources.filter((r) => !pair.test(r.type) && !under(prod, r, pair)),
    };
    expect(withoutPair.resources.length).toBeLessThan(prod.resources.length);
    const found = messages(reportOf("prod", withoutPair), "production-requires-balancers");
    expect(
      found.some((m) =>
        m.startsWith("A production stack must put every Interaction Recording node behind a load balancer"),
      ),
      found.join("\n"),
    ).toBe(true);
  });

  it("rejects hardening the model only warns about", async () => {
    const relaxed = await runStack("prod", (values) => {
      values.hardening = { deletionProtection: false, desyncMitigationMode: "monitor" };
    });
    const report = reportOf("prod", relaxed);
    const policies = new Set(mandatoryViolations(report).map((v) => v.policy));
    expect([...policies].sort()).toEqual(["balancer-deletion-protection", "balancer-desync-mitigation"]);
  }, 120_000);
});

describe("Pulumi.prod.yaml's httpd pair, read from its provisioning scripts", () => {
  it("has a worker per screen-recording agent, and fails once the agents outgrow the rendered MaxRequestWorkers", () => {
    const config = loadPackConfig("prod");
    const agents = config["recording-capacity"].screenRecordingAgents as number;
    expect(agents).toBe(550);
    const more = Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k, { ...v, screenRecordingAgents: 100_000 }]),
    );
    const found = mandatoryViolations(runPolicies("prod", policyResources(prod, "prod"), more)).filter(
      (v) => v.policy === "recording-capacity",
    );
    expect(found.map((v) => v.resource?.name).sort()).toEqual([
      "recording-pair-provisioning-ip1-stage-conf-httpd.conf",
      "recording-pair-provisioning-ip2-stage-conf-httpd.conf",
    ]);
    expect(found[0].message).toMatch(
      /100000 agents need at least 100000 httpd workers \(.* renders MaxRequestWorkers \d+\)/,
    );
  });

  it("fails recording-processor-no-standby once a staged RP member is made a hot standby", () => {
    const stage = "recording-pair-provisioning-ip1-stage-conf.d-loadbalancer_t1.conf";
    const edited = {
      ...prod,
      resources: prod.resources.map((r) => {
        if (r.name !== stage) return r;
        const create = String(r.inputs.create).replace(/[A-Za-z0-9+/]{40,}={0,2}/, (b64) => {
          const text = Buffer.from(b64, "base64").toString("utf8");
          const rp = /(<Proxy "?balancer:\/\/t1-rp"?>[\s\S]*?BalancerMember [^\n]*)/.exec(text);
          expect(rp).not.toBeNull();
          return Buffer.from(text.replace(rp![1], `${rp![1]} status=+H`)).toString("base64");
        });
        return { ...r, inputs: { ...r.inputs, create } };
      }),
    };
    expect(messages(reportOf("prod", prod), "recording-processor-no-standby")).toEqual([]);
    expect(messages(reportOf("prod", edited), "recording-processor-no-standby")).toEqual([
      expect.stringContaining(
        `warm standby must be disabled for RP (balancer://t1-rp in command:remote:Command "${stage}"`,
      ),
    ]);
  });
});

describe("Pulumi.dev.yaml", () => {
  it("passes with advisories only, among them Web Engagement 8.1's direct frontend-to-backend wiring", () => {
    const report = reportOf("dev", dev);
    expect(report.kind).toBe("development");
    expect(mandatoryViolations(report)).toEqual([]);
    const advisories = report.violations
      .filter((v) => v.policy === "production-requires-balancers")
      .map((v) => v.message);
    expect(
      advisories.some((m) =>
        m.startsWith(
          "A production stack must put Web Engagement 8.1 frontend and backend servers behind their load balancers",
        ),
      ),
    ).toBe(true);
    expect(
      advisories.some((m) =>
        /opens aws:ec2\/securityGroup:SecurityGroup "gwe81-backend-nodes" to aws:ec2\/securityGroup:SecurityGroup "gwe81-frontend-nodes"/.test(
          m,
        ),
      ),
    ).toBe(true);
    expect(report.violations.every((v) => v.level === "advisory")).toBe(true);
  });
});
