/**
 * The real stack files through the whole program: what every balancer,
 * listener, rule and node security group looks like per environment, and the
 * outputs an administrator types into Genesys.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ruleLimitProblems, type RuleCondition } from "../../core/plan/alb-conditions";
import { ALB_QUOTAS } from "../../core/model/alb-packing";
import type { MockRun } from "../../tools/mock-run";
import { all, forwardedTo, groupsOf, listenersOf, rulesOf, T } from "../components/support/registered";
import { runStack } from "../support/program";

const SYSTEM_COMPONENTS = /^genesys:(webengagement|cobrowse|recording):/;
const runs: Record<string, MockRun> = {};
beforeAll(async () => {
  runs.dev = await runStack("dev");
  runs.prod = await runStack("prod");
});

/** Resources registered by the Genesys system components (not the network, framework or httpd pair). */
function systemResources(run: MockRun) {
  const byKey = new Map(run.resources.map((r) => [`${r.type}::${r.name}`, r]));
  return run.resources.filter((r) => {
    for (let p = r.parent; p; p = byKey.get(p)?.parent) if (SYSTEM_COMPONENTS.test(p.split("::")[0])) return true;
    return false;
  });
}

const SECURE = { dropInvalidHeaderFields: true, desyncMitigationMode: "defensive" };

describe.each([
  ["dev", { deletionProtection: false, accessLogs: false }],
  ["prod", { deletionProtection: true, accessLogs: true }],
])("stack %s", (stack, hardening) => {
  const run = () => runs[stack];

  it("applies the environment's hardening to every balancer", () => {
    const lbs = all(run(), T.lb);
    expect(lbs.length).toBeGreaterThan(0);
    const bucket = all(run(), "aws:s3/bucket:Bucket").find((b) => b.name === "genesys-lb-logs");
    expect(bucket !== undefined).toBe(hardening.accessLogs);
    for (const lb of lbs) {
      expect(lb.inputs).toMatchObject({ ...SECURE, enableDeletionProtection: hardening.deletionProtection });
      if (hardening.accessLogs)
        expect(lb.inputs.accessLogs).toEqual({ enabled: true, bucket: bucket?.state.bucket, prefix: lb.name });
      else expect(lb.inputs.accessLogs).toBeUndefined();
      expect((lb.inputs.subnets as string[]).length).toBe(stack === "prod" ? 3 : 2);
    }
  });

  it("serves HTTPS with the stack's TLS policy on every balancer, plain HTTP only as a redirect", () => {
    for (const lb of all(run(), T.lb)) {
      const listeners = listenersOf(run(), lb.name);
      expect(listeners.map((l) => l.inputs.protocol).sort()).toEqual(["HTTP", "HTTPS"]);
      for (const l of listeners) {
        if (l.inputs.protocol === "HTTPS") expect(l.inputs.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
        else
          expect(l.inputs.defaultActions).toEqual([
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
          ]);
      }
    }
  });

  it("opens only balancer security groups to the world, on 80 and 443", () => {
    const balancerGroups = new Set(all(run(), T.lb).flatMap((lb) => groupsOf(run(), lb)));
    const groups = all(run(), T.sg);
    for (const rule of all(run(), T.ingress).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")) {
      const group = groups.find((g) => g.id === rule.inputs.securityGroupId);
      expect(balancerGroups.has(String(group?.name))).toBe(true);
      expect([80, 443]).toContain(rule.inputs.fromPort);
    }
    for (const instance of systemResources(run()).filter((r) => r.type === T.instance)) {
      for (const name of groupsOf(run(), instance)) expect(balancerGroups.has(name)).toBe(false);
    }
  });

  it("keeps every listener within the ALB quotas, with unique rule priorities", () => {
    for (const listener of all(run(), T.listener)) {
      const rules = rulesOf(run(), listener);
      expect(rules.length).toBeLessThanOrEqual(ALB_QUOTAS.rulesPerAlb);
      expect(new Set(rules.map((r) => r.inputs.priority)).size).toBe(rules.length);
      for (const rule of rules) expect(ruleLimitProblems(rule.inputs.conditions as RuleCondition[])).toEqual([]);
    }
    for (const lb of all(run(), T.lb)) {
      const rules = listenersOf(run(), lb.name).flatMap((l) => rulesOf(run(), l));
      for (const rule of rules) expect(forwardedTo(run(), rule)).toHaveLength(1);
      const groups = new Set(rules.flatMap((r) => forwardedTo(run(), r)));
      expect(groups.size).toBeLessThanOrEqual(ALB_QUOTAS.targetGroupsPerAlb);
    }
  });

  it("registers every system resource under its component, named from the component and stable keys", () => {
    const mine = systemResources(run());
    expect(mine.length).toBeGreaterThan(0);
    for (const r of mine) expect(r.name).toMatch(/^(gwe81|gwe85|cobrowse|recording)(-|$)/);
  });
});

describe("administrator outputs", () => {
  it("give production everything typed into Genesys", () => {
    const out = runs.prod.outputs as Record<string, Record<string, unknown>>;
    expect(out.webEngagement85.clusterApplication).toEqual({ host: "gwe.example.com", port: 443 });
    expect(out.webEngagement81).toMatchObject({ frontendUrls: { balancer: "https://gwe81.example.com" } });
    expect(Object.keys(out.cobrowse.serverUrls as object)).toEqual(["cb1", "cb2"]);
    expect(Object.keys(out.recording.tenants as object)).toEqual(["t1", "t2"]);
    expect(out.accessLogBucket).toMatch(/^genesys-lb-logs/);
  });

  it("lock the production access-log bucket down: SSE-S3, no public access, ELB delivery only", () => {
    const prod = runs.prod;
    const [sse] = all(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect(sse.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    const [block] = all(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    expect(block.inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const [policy] = all(prod, "aws:s3/bucketPolicy:BucketPolicy");
    const statements = JSON.parse(String(policy.inputs.policy)).Statement as {
      Sid: string;
      Principal: unknown;
      Resource: unknown;
    }[];
    expect(statements.find((s) => s.Sid === "ElbLogDelivery")).toMatchObject({
      Principal: { AWS: "arn:aws:iam::156460612806:root" },
      Resource: expect.stringMatching(/\/\*\/AWSLogs\/111122223333\/\*$/),
    });
    expect(statements.find((s) => s.Sid === "TlsOnly")).toBeDefined();
  });
});
