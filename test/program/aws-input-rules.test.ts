/**
 * The program under mocks as strict as pulumi-aws and AWS (tools/aws-rules.ts):
 * both stack files and any config the schema accepts register nothing AWS
 * would reject, and each class of defect AWS would reject fails the run with a
 * message naming the resource, the input and the rule.
 */
import * as aws from "@pulumi/aws";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../core/model/load";
import { ConfigError } from "../../core/model/problems";
import { AwsInputRuleError } from "../../tools/aws-rules";
import { ProgramFailure, runUnderMocks } from "../../tools/mock-run";
import { ofType, rawConfig, runStack, stackValues, TEST_SECRETS } from "../support/program";

const TG = "aws:lb/targetGroup:TargetGroup";
const LB = "aws:lb/loadBalancer:LoadBalancer";

/** Runs `register` as a program and returns the rule error it fails with. */
async function ruleFailure(register: () => void): Promise<AwsInputRuleError> {
  const failure = await runUnderMocks({ stack: "dev", config: {} }, () => {
    register();
    return {};
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ProgramFailure);
  const cause = (failure as ProgramFailure).cause;
  expect(cause).toBeInstanceOf(AwsInputRuleError);
  return cause as AwsInputRuleError;
}

describe("the stack files under the strict mocks", () => {
  it.each(["dev", "prod"])(
    "%s registers nothing AWS or pulumi-aws would reject, and auto-names what sets no name",
    async (stack) => {
      const run = await runStack(stack);
      for (const r of [...ofType(run, TG), ...ofType(run, LB)]) {
        expect(String(r.inputs.name).length).toBeLessThanOrEqual(32);
        expect(r.state.name).toBe(r.inputs.name);
      }
      const [alb] = ofType(run, LB);
      // The DNS name AWS gives a balancer starts with its AWS name, the auto-name.
      expect(String(alb.state.dnsName).replace(/^internal-/, "")).toMatch(
        new RegExp(`^${String(alb.inputs.name)}-\\d+\\.`),
      );
    },
  );

  it("gives the Web Engagement 8.1 frontend node target groups explicit names that fit, and keeps every resource name", async () => {
    const run = await runStack("prod");
    const names = ofType(run, TG).map((r) => [r.name, r.inputs.name]);
    expect(names).toContainEqual([
      "gwe81-frontend-node-GWE-FE-1",
      expect.stringMatching(/^gwe81-frontend-node-GWE-[0-9a-f]{7}$/),
    ]);
    expect(names).toContainEqual(["gwe85-cluster", expect.stringMatching(/^gwe85-cluster-[0-9a-f]{7}$/)]);
  });
});

describe("planted defects fail the run, naming the resource, the input and the rule", () => {
  it("a target group auto-name longer than 32 characters", async () => {
    const error = await ruleFailure(() => {
      new aws.lb.TargetGroup("gwe81-frontend-node-GWE-FE-1", { vpcId: "vpc-0abc", port: 8081, protocol: "HTTP" });
    });
    expect(error.violations).toEqual([
      expect.objectContaining({
        type: TG,
        name: "gwe81-frontend-node-GWE-FE-1",
        path: "name",
        value: expect.stringMatching(/^gwe81-frontend-node-GWE-FE-1-[0-9a-f]{7}$/),
      }),
    ]);
    expect(error.message).toContain(
      'aws:lb/targetGroup:TargetGroup "gwe81-frontend-node-GWE-FE-1": input name = "gwe81-frontend-node-GWE-FE-1-',
    );
    expect(error.message).toContain("is 36 characters");
    expect(error.message).toContain('aws_lb_target_group "name": AutoName("name", 32, "-")');
  });

  it("';' and '=' in a listener rule's path pattern", async () => {
    const error = await ruleFailure(() => {
      new aws.lb.ListenerRule("gwe81-frontend-GWE_FE_1-path", {
        listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/x/1/2",
        priority: 100,
        conditions: [{ pathPattern: { values: ["*;gwe_route=.GWE_FE_1", "*;gwe_route=.GWE_FE_1;*"] } }],
        actions: [{ type: "forward", targetGroupArn: "arn:tg" }],
      });
    });
    expect(error.violations.map((v) => v.path)).toEqual([
      "conditions[0].pathPattern.values[0]",
      "conditions[0].pathPattern.values[1]",
    ]);
    expect(error.message).toContain(
      'aws:lb/listenerRule:ListenerRule "gwe81-frontend-GWE_FE_1-path": input conditions[0].pathPattern.values[0] = "*;gwe_route=.GWE_FE_1" contains ";"',
    );
    expect(error.message).toContain("API_RuleCondition.html");
  });

  it("'->' in a security group rule description", async () => {
    const error = await ruleFailure(() => {
      new aws.vpc.SecurityGroupIngressRule("framework-emea-cs-from-csproxy", {
        securityGroupId: "sg-0abc",
        ipProtocol: "tcp",
        fromPort: 2020,
        toPort: 2020,
        cidrIpv4: "10.60.0.0/16",
        description: "CS Proxies of emea -> master Configuration Server",
      });
    });
    expect(error.violations).toEqual([
      expect.objectContaining({
        name: "framework-emea-cs-from-csproxy",
        path: "description",
        detail: 'contains ">" (position 21)',
      }),
    ]);
    expect(error.message).toContain("API_IpRange.html");
  });

  it("more than 50 tags once the provider's default tags are added", async () => {
    const error = await ruleFailure(() => {
      const provider = new aws.Provider("tagged", {
        region: "eu-west-1",
        defaultTags: { tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`team-${i}`, "x"])) },
      });
      new aws.ec2.SecurityGroup(
        "nodes",
        { description: "nodes", tags: { Name: "nodes", a: "1", b: "2" } },
        { provider },
      );
    });
    expect(error.violations).toEqual([
      expect.objectContaining({ name: "nodes", path: "tags", detail: "has 51 tags (at most 50)" }),
    ]);
  });

  it("a resource built on a rejected one is not registered either, and the run reports the violation once", async () => {
    const error = await ruleFailure(() => {
      const group = new aws.lb.TargetGroup("a-target-group-name-of-25c", {
        vpcId: "vpc-0abc",
        port: 80,
        protocol: "HTTP",
      });
      new aws.lb.TargetGroupAttachment("a-target-group-name-of-25c-n1", {
        targetGroupArn: group.arn,
        targetId: "i-0abc",
      });
    });
    expect(error.violations).toHaveLength(1);
  });
});

const longKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{16,31}$/);
const anyKey = fc.oneof(longKey, fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/));
const appName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{30,62}[A-Za-z0-9_-]$/);
const tenantKey = fc.stringMatching(/^[a-z][a-z0-9]{8,11}$/);
const tokenName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/);

/** Renames a map's keys to `keys` (cycled), keeping the values. */
function rekey(map: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.values(map).map((v, i) => [keys[i % keys.length] + (i >= keys.length ? `-${i}` : ""), v]),
  );
}

describe("any config the schema accepts registers nothing AWS would reject", () => {
  it("long node, tenant and site keys, long application names and sticky parameters (property)", async () => {
    let built = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("dev", "prod"),
        fc.uniqueArray(anyKey, {
          minLength: 4,
          maxLength: 4,
          comparator: (a, b) => a.toLowerCase().replace(/_/g, "-") === b.toLowerCase().replace(/_/g, "-"),
        }),
        fc.array(appName, { minLength: 2, maxLength: 2 }),
        tenantKey,
        tokenName,
        fc.boolean(),
        async (stack, keys, names, tenant, parameter, balancers) => {
          const values = structuredClone(stackValues(stack)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
          const fe = values.webEngagement81.frontend;
          fe.nodes = rekey(fe.nodes, keys);
          Object.values(fe.nodes).forEach((n, i) =>
            Object.assign(n as object, { appName: names[i % names.length] + (i >= names.length ? `${i}` : "") }),
          );
          fe.stickyParameter = parameter;
          values.webEngagement81.backend.nodes = rekey(values.webEngagement81.backend.nodes, keys);
          if (stack === "dev" && balancers) values.webEngagement81.balancer = "alb";
          values.webEngagement85.nodes = rekey(values.webEngagement85.nodes, keys);
          values.cobrowse.nodes = rekey(values.cobrowse.nodes, keys);
          const tenants = values.recording.tenants;
          values.recording.tenants = {
            [tenant]: Object.values(tenants)[0],
            ...Object.fromEntries(Object.entries(tenants).slice(1)),
          };
          if (values.framework)
            values.framework.sites = rekey(
              values.framework.sites,
              keys.map((k) => k.toLowerCase()),
            );
          const loaded = loadEnvironment({ ...rawConfig(values), ...TEST_SECRETS });
          fc.pre(loaded.environment !== undefined);
          try {
            await runStack(stack, (config) => Object.assign(config, values));
            built++;
          } catch (error) {
            // A component may still refuse a value (e.g. a route too long for one ALB rule): with its key path, before AWS sees it.
            const cause = error instanceof ProgramFailure ? error.cause : error;
            if (!(cause instanceof ConfigError)) throw cause;
            expect(cause.message).toMatch(/^The stack configuration has \d+ problems?:\n {2}- genesys:/);
          }
        },
      ),
      { numRuns: 6, endOnFailure: true },
    );
    // The property means something only if accepted configs reached AWS's rules.
    expect(built).toBeGreaterThan(0);
  }, 600_000);
});
