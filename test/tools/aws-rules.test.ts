/**
 * The rules table on its own: the provider's auto-naming, and what AWS accepts
 * at each documented boundary (32 vs 33 characters, 128 vs 129, 5 vs 6
 * evaluations), with the violation naming the input path, the value and the
 * rule's source.
 */
import { describe, expect, it } from "vitest";
import {
  autoName,
  checkInputs,
  formatViolation,
  INPUT_RULES,
  unsupportedRegexFeature,
  type InputViolation,
} from "../../tools/aws-rules";
import { fittedName } from "../../core/model/names";

const TG = "aws:lb/targetGroup:TargetGroup";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const RULE = "aws:lb/listenerRule:ListenerRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const BUCKET = "aws:s3/bucket:Bucket";
const ROLE = "aws:iam/role:Role";

const check = (type: string, inputs: Record<string, unknown>, ledger = new Map<string, string>()) =>
  checkInputs(type, "r", inputs, ledger, { region: "eu-west-1", partition: "aws" });
const paths = (violations: InputViolation[]) => violations.map((v) => v.path);

describe("autoName (pulumi-aws)", () => {
  it("appends '-' and 7 lowercase hex characters, the same for the same seed", () => {
    const a = autoName(TG, "gwe85-cluster", {}, "seed");
    expect(a).toEqual({ property: "name", value: expect.stringMatching(/^gwe85-cluster-[0-9a-f]{7}$/) });
    expect(autoName(TG, "gwe85-cluster", {}, "seed")).toEqual(a);
    expect(autoName(TG, "gwe85-cluster", {}, "other")).not.toEqual(a);
  });

  it("fails a target group whose name plus 8 characters passes 32: 24 fits, 25 does not", () => {
    expect(autoName(TG, "a".repeat(24), {}, "s")).toMatchObject({ value: expect.any(String) });
    const failed = autoName(TG, "gwe81-frontend-node-GWE-FE-1", {}, "s");
    expect(failed && "error" in failed && failed.error).toMatchObject({
      type: TG,
      name: "gwe81-frontend-node-GWE-FE-1",
      path: "name",
      source: expect.stringContaining("aws_lb_target_group"),
    });
  });

  it("leaves explicit names and name prefixes alone; lower-cases bucket names; 64 for IAM roles", () => {
    expect(autoName(TG, "x", { name: "given" }, "s")).toBeUndefined();
    expect(autoName(TG, "x", { namePrefix: "gw" }, "s")).toBeUndefined();
    expect(autoName(BUCKET, "Genesys-Logs", {}, "s")).toMatchObject({
      property: "bucket",
      value: expect.stringMatching(/^genesys-logs-[0-9a-f]{7}$/),
    });
    expect(autoName(ROLE, "r".repeat(57), {}, "s")).toMatchObject({ error: expect.anything() });
    expect(autoName(ROLE, "r".repeat(56), {}, "s")).toMatchObject({ value: expect.any(String) });
    expect(autoName("aws:ec2/vpc:Vpc", "vpc", {}, "s")).toBeUndefined();
  });
});

describe("fittedName", () => {
  it("is needed only past the limit, and then fits it with a stable hash", () => {
    expect(fittedName("a".repeat(24), 32)).toBeUndefined();
    const name = fittedName("gwe81-frontend-node-GWE-FE-1", 32) as string;
    expect(name).toMatch(/^gwe81-frontend-node-GWE-[0-9a-f]{7}$/);
    expect(name.length).toBeLessThanOrEqual(32);
    expect(fittedName("gwe81-frontend-node-GWE-FE-1", 32)).toBe(name);
    expect(fittedName("gwe81-frontend-node-GWE-FE-2", 32)).not.toBe(name);
    expect(check(TG, { name })).toEqual([]);
    // A cut that ends on hyphens drops them, so the name never shows "--" before its hash.
    expect(fittedName(`${"a".repeat(23)}-----b`, 32)).toMatch(/^a{23}-[0-9a-f]{7}$/);
  });
});

describe("INPUT_RULES", () => {
  it("gives every row a rule and a documentation source", () => {
    for (const row of INPUT_RULES) {
      expect(row.rule.length).toBeGreaterThan(5);
      expect(row.source).toMatch(/https:\/\/docs\.aws\.amazon\.com\/|pulumi-aws/);
    }
  });

  it.each([
    [TG, "a".repeat(32), true],
    [TG, "a".repeat(33), false],
    [TG, "gwe85_cluster", false],
    [TG, "-gwe85", false],
    [TG, "gwe85-", false],
    [LB, "internal-gwe", false],
    [LB, "gwe85-1a2b3c4", true],
  ])("%s name %s accepted: %s", (type, name, ok) => {
    expect(check(type, { name }).length === 0).toBe(ok);
  });

  it("rejects ';' and '=' in a path pattern, 129 characters, and names the concrete path", () => {
    const v = check(RULE, { conditions: [{ pathPattern: { values: ["/ok*", "*;gwe_route=.GWE_FE_1;*"] } }] });
    expect(paths(v)).toEqual(["conditions[0].pathPattern.values[1]"]);
    expect(v[0].detail).toBe('contains ";" (position 2)');
    expect(v[0].source).toContain("API_RuleCondition");
    expect(check(RULE, { conditions: [{ pathPattern: { values: [`/${"a".repeat(127)}`] } }] })).toEqual([]);
    expect(paths(check(RULE, { conditions: [{ pathPattern: { values: [`/${"a".repeat(128)}`] } }] }))).toEqual([
      "conditions[0].pathPattern.values[0]",
    ]);
  });

  it("accepts the path-parameter regex and rejects regex features ALB lacks", () => {
    expect(
      check(RULE, { conditions: [{ pathPattern: { regexValues: ["^.*;gwe_route=\\.GWE_FE_1([;/].*)?$"] } }] }),
    ).toEqual([]);
    expect(unsupportedRegexFeature("^/a(?=b)")).toBe("uses a lookahead");
    expect(unsupportedRegexFeature("(?<!x)y")).toBe("uses a lookbehind");
    expect(unsupportedRegexFeature("(a)\\1")).toMatch(/backreference/);
    expect(unsupportedRegexFeature("a*+")).toMatch(/possessive/);
    expect(unsupportedRegexFeature("(?>a)")).toMatch(/atomic/);
    expect(unsupportedRegexFeature("\\p{L}")).toMatch(/Unicode/);
    expect(unsupportedRegexFeature("[(?=]\\*+a+?(?:b)")).toBeUndefined();
  });

  it("counts match evaluations and wildcards per rule: 5 pass, 6 fail; values and regexValues exclude each other", () => {
    const five = [
      { pathPattern: { values: ["/a*", "/b*", "/c*"] } },
      { httpHeader: { httpHeaderName: "Cookie", values: ["x=1", "*; x=1;*"] } },
    ];
    expect(check(RULE, { conditions: five })).toEqual([]);
    const six = [...five, { queryStrings: [{ key: "k", value: "v" }] }];
    expect(check(RULE, { conditions: six })[0].detail).toBe("has 6 match evaluations (at most 5 per rule)");
    expect(check(RULE, { conditions: [{ pathPattern: { values: ["/a", "/b", "/c", "/d"] } }] })[0].detail).toMatch(
      /4 match evaluations \(at most 3\)/,
    );
    expect(check(RULE, { conditions: [{ pathPattern: { values: ["*a*", "*b*", "*c*"] } }] })[0].detail).toBe(
      "has 6 wildcards (at most 5 per rule)",
    );
    expect(check(RULE, { conditions: [{ pathPattern: { values: ["/a"], regexValues: ["^/a"] } }] })[0].detail).toMatch(
      /both values and regexValues/,
    );
  });

  it("keeps rule priorities in 1-50000 and unique per listener", () => {
    const ledger = new Map<string, string>();
    expect(checkInputs(RULE, "a", { listenerArn: "L1", priority: 7 }, ledger, {})).toEqual([]);
    expect(checkInputs(RULE, "b", { listenerArn: "L2", priority: 7 }, ledger, {})).toEqual([]);
    expect(checkInputs(RULE, "c", { listenerArn: "L1", priority: 7 }, ledger, {})[0]).toMatchObject({
      path: "priority",
      detail: "is also used by a",
    });
    expect(checkInputs(RULE, "d", { listenerArn: "L1", priority: 50001 }, ledger, {})[0].detail).toBe(
      "is outside 1-50000",
    );
  });

  it("rejects '->' and '<->' in security group rule descriptions and '<' in group descriptions", () => {
    const v = check(INGRESS, {
      description: "CS Proxies of emea -> master Configuration Server",
      ipProtocol: "tcp",
      fromPort: 8888,
      toPort: 8888,
    });
    expect(v).toHaveLength(1);
    expect(formatViolation(v[0])).toContain(
      'input description = "CS Proxies of emea -> master Configuration Server" contains ">"',
    );
    expect(check(SG, { name: "ok", description: "a <-> b" })[0].path).toBe("description");
    expect(
      check(INGRESS, {
        description: "balancer to nodes on 8080 (ok: []{}#@)",
        ipProtocol: "tcp",
        fromPort: 8080,
        toPort: 8080,
      }),
    ).toEqual([]);
  });

  it("checks tags: 50 at most, key 128, value 256, no aws: prefix", () => {
    expect(check(SG, { tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"])) })).toEqual([]);
    expect(
      check(SG, { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) })[0].detail,
    ).toMatch(/51 tags/);
    expect(check(SG, { tags: { "aws:x": "v" } })[0].detail).toMatch(/reserved prefix/);
    expect(check(TG, { tags: { k: "v".repeat(257) } })[0].detail).toMatch(/257 characters/);
    expect(check(TG, { tags: { k: "a;b" } })[0].detail).toMatch(/";"/);
  });

  it("checks bucket names, IAM names and health checks", () => {
    expect(check(BUCKET, { bucket: "genesys-lb-logs-1a2b3c4" })).toEqual([]);
    expect(check(BUCKET, { bucket: "Genesys" })[0].detail).toMatch(/"G"/);
    expect(check(BUCKET, { bucket: "192.168.1.1" })[0].detail).toMatch(/IP address/);
    expect(check(BUCKET, { bucket: "a..b" })[0].detail).toMatch(/adjacent/);
    expect(check(ROLE, { name: "r".repeat(65) })[0].detail).toMatch(/65 characters/);
    expect(check(ROLE, { name: "role name" })[0].detail).toMatch(/" "/);
    expect(
      check(TG, {
        healthCheck: {
          path: "/server/isAlive",
          port: "traffic-port",
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
          matcher: "200-399",
        },
      }),
    ).toEqual([]);
    expect(
      paths(
        check(TG, {
          healthCheck: { path: "isAlive", interval: 4, timeout: 5, healthyThreshold: 11, matcher: "100-399" },
        }),
      ),
    ).toEqual([
      "healthCheck.path",
      "healthCheck.interval",
      "healthCheck.healthyThreshold",
      "healthCheck",
      "healthCheck.matcher",
    ]);
  });

  it("skips values not known yet (preview)", () => {
    expect(check(TG, { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })).toEqual([]);
  });
});
