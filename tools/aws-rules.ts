/**
 * What pulumi-aws and AWS do with the inputs this program registers, as two
 * tables the offline mocks (tools/mocks.ts) apply to every resource:
 *
 * - AUTO_NAMES: the provider's auto-naming. A resource with no explicit name
 *   gets `<resource name>-<7 random characters>`, and registration fails when
 *   that passes the type's maximum (provider/resources.go of pulumi-aws).
 * - INPUT_RULES: what the AWS APIs accept (lengths, character sets, counts,
 *   ranges, uniqueness), one row per rule with the page that documents it.
 *
 * Pulumi-free and allocation-light: regexes are compiled once, paths are
 * parsed once, and a value's path is only spelled out when it breaks a rule.
 */
import { createHash } from "node:crypto";
import { AWS_TYPE } from "../policies/aws-types";

// ---------------------------------------------------------------------------
// Auto-naming (pulumi-aws)
// ---------------------------------------------------------------------------

export interface AutoNameRule {
  /** The input the provider fills in. */
  readonly property: string;
  /** Longest name the provider generates; longer fails registration. */
  readonly maxLength: number;
  /** The provider lower-cases the resource name first (S3 buckets). */
  readonly lowercase?: boolean;
  /** An input that, when set, makes the provider leave the name to AWS (Terraform's `name_prefix`). */
  readonly prefixProperty?: string;
  readonly source: string;
}

const PULUMI_AWS = "pulumi-aws provider/resources.go";
/** Resources with a `name` input and no entry of their own get `setAutonaming(255, "-")`. */
const DEFAULT_AUTO_NAME = `${PULUMI_AWS}: setAutonaming (maxLength 255, separator "-")`;

export const AUTO_NAMES: Readonly<Record<string, AutoNameRule>> = {
  [AWS_TYPE.targetGroup]: {
    property: "name",
    maxLength: 32,
    prefixProperty: "namePrefix",
    source: `${PULUMI_AWS}: aws_lb_target_group "name": AutoName("name", 32, "-")`,
  },
  [AWS_TYPE.loadBalancer]: {
    property: "name",
    maxLength: 255,
    prefixProperty: "namePrefix",
    source: DEFAULT_AUTO_NAME,
  },
  [AWS_TYPE.securityGroup]: {
    property: "name",
    maxLength: 255,
    prefixProperty: "namePrefix",
    source: DEFAULT_AUTO_NAME,
  },
  [AWS_TYPE.iamRole]: {
    property: "name",
    maxLength: 64,
    prefixProperty: "namePrefix",
    source: `${PULUMI_AWS}: aws_iam_role "name": AutoName("name", 64, "-")`,
  },
  [AWS_TYPE.instanceProfile]: {
    property: "name",
    maxLength: 255,
    prefixProperty: "namePrefix",
    source: DEFAULT_AUTO_NAME,
  },
  [AWS_TYPE.iamPolicy]: {
    property: "name",
    maxLength: 255,
    prefixProperty: "namePrefix",
    source: DEFAULT_AUTO_NAME,
  },
  [AWS_TYPE.iamRolePolicy]: {
    property: "name",
    maxLength: 255,
    prefixProperty: "namePrefix",
    source: DEFAULT_AUTO_NAME,
  },
  [AWS_TYPE.keyPair]: {
    property: "keyName",
    maxLength: 255,
    prefixProperty: "keyNamePrefix",
    source: `${PULUMI_AWS}: aws_key_pair "key_name": AutoName("keyName", 255, "-")`,
  },
  [AWS_TYPE.bucket]: {
    property: "bucket",
    maxLength: 63,
    lowercase: true,
    prefixProperty: "bucketPrefix",
    source: `${PULUMI_AWS}: aws_s3_bucket "bucket": AutoNameTransform("bucket", 63, strings.ToLower)`,
  },
};

/** The provider's random part: 7 characters of its default charset (lowercase hex). */
export const AUTO_NAME_RANDOM_LENGTH = 7;

export type AutoNameResult =
  { readonly property: string; readonly value: string } | { readonly property: string; readonly error: InputViolation };

/**
 * The name pulumi-aws would give a resource that sets none, with "random"
 * characters taken from a hash of `seed` (the resource's URN) so plans are
 * stable; undefined when the type has no auto-name or the program set one.
 */
export function autoName(
  type: string,
  name: string,
  inputs: Readonly<Record<string, unknown>>,
  seed: string,
): AutoNameResult | undefined {
  const rule = AUTO_NAMES[type];
  if (
    !rule ||
    inputs[rule.property] !== undefined ||
    (rule.prefixProperty !== undefined && inputs[rule.prefixProperty] !== undefined)
  )
    return undefined;
  const prefix = `${rule.lowercase ? name.toLowerCase() : name}-`;
  const value = prefix + createHash("sha256").update(seed).digest("hex").slice(0, AUTO_NAME_RANDOM_LENGTH);
  if (value.length <= rule.maxLength) return { property: rule.property, value };
  return {
    property: rule.property,
    error: {
      type,
      name,
      path: rule.property,
      value,
      detail: `is ${value.length} characters: the provider names a resource without an explicit ${rule.property} "${prefix}" plus ${AUTO_NAME_RANDOM_LENGTH} random characters, and fails above ${rule.maxLength}`,
      rule: `an auto-generated ${rule.property} of at most ${rule.maxLength} characters (set an explicit ${rule.property} that fits)`,
      source: rule.source,
    },
  };
}

// ---------------------------------------------------------------------------
// AWS input rules
// ---------------------------------------------------------------------------

export interface InputViolation {
  readonly type: string;
  /** The resource (URN) name. */
  readonly name: string;
  /** Input path, e.g. `conditions[0].pathPattern.values[1]`. */
  readonly path: string;
  readonly value: unknown;
  /** How the value breaks the rule. */
  readonly detail: string;
  readonly rule: string;
  readonly source: string;
}

type Check = (value: unknown, inputs: Readonly<Record<string, unknown>>) => string | undefined;

export interface InputRule {
  readonly types: readonly string[];
  /** Where the value sits in the inputs: `.`-separated keys, `[]` for every element of an array. */
  readonly path: string;
  /** What AWS allows, in its documentation's terms. */
  readonly rule: string;
  /** The API reference or guide page that documents it. */
  readonly source: string;
  /** Why the value breaks the rule, or undefined when it keeps it. Absent values are not checked. */
  readonly check: Check;
  /** When set, the value must be unique among resources of these types that share this input's value (e.g. a listener). */
  readonly uniqueWithin?: string;
}

const T = {
  lb: AWS_TYPE.loadBalancer,
  tg: AWS_TYPE.targetGroup,
  listener: AWS_TYPE.listener,
  rule: AWS_TYPE.listenerRule,
  tgAttachment: AWS_TYPE.targetGroupAttachment,
  sg: AWS_TYPE.securityGroup,
  ingress: AWS_TYPE.ingressRule,
  egress: AWS_TYPE.egressRule,
  instance: AWS_TYPE.instance,
  keyPair: AWS_TYPE.keyPair,
  bucket: AWS_TYPE.bucket,
  role: AWS_TYPE.iamRole,
  rolePolicy: AWS_TYPE.iamRolePolicy,
  policy: AWS_TYPE.iamPolicy,
  profile: AWS_TYPE.instanceProfile,
  record: AWS_TYPE.dnsRecord,
  route: AWS_TYPE.route,
} as const;

const ELB_API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference";
const ALB_GUIDE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application";
const EC2_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference";
const IAM_API = "https://docs.aws.amazon.com/IAM/latest/APIReference";

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";

/** The first character `forbidden` (a regex with one negated class) finds, described. */
function badChar(text: string, forbidden: RegExp): string | undefined {
  const m = forbidden.exec(text);
  return m ? `contains ${JSON.stringify(m[0])} (position ${m.index + 1})` : undefined;
}

function text(options: {
  min?: number;
  max: number;
  forbidden?: RegExp;
  also?: (s: string) => string | undefined;
}): Check {
  const min = options.min ?? 1;
  return (value) => {
    if (!isString(value)) return value === undefined ? undefined : `is a ${typeof value}, not text`;
    if (value.length < min) return value.length === 0 ? "is empty" : `is ${value.length} characters (at least ${min})`;
    if (value.length > options.max) return `is ${value.length} characters (at most ${options.max})`;
    return (options.forbidden ? badChar(value, options.forbidden) : undefined) ?? options.also?.(value);
  };
}

function integer(min: number, max: number): Check {
  return (value) => {
    if (value === undefined) return undefined;
    if (!isNumber(value) || !Number.isInteger(value)) return "is not a whole number";
    return value < min || value > max ? `is outside ${min}-${max}` : undefined;
  };
}

// Character sets, each written once.
const ELB_NAME_FORBIDDEN = /[^A-Za-z0-9-]/;
/** EC2 security group names, descriptions and rule descriptions. */
const EC2_TEXT_FORBIDDEN = /[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/;
const PATH_VALUE_FORBIDDEN = /[^A-Za-z0-9_\-.$/~"'@:+&*?]/;
const HOST_VALUE_FORBIDDEN = /[^A-Za-z0-9\-.*?]/;
const QUERY_FORBIDDEN = /[^A-Za-z0-9_\-.$/~"'@:+&()!,;=*?]/;
const HEADER_NAME_FORBIDDEN = /[^A-Za-z0-9*?\-!#$%&'+.^_`|~]/;
const HEADER_VALUE_FORBIDDEN = /[^A-Za-z0-9 !"#$%&'()+,./:;<=>@[\]^_`{|}~\-*?]/;
/** Rules apply to visible ASCII only (listener rules guide). */
const NOT_VISIBLE_ASCII = /[^\x20-\x7e]/;
const NOT_ASCII = /[^\p{ASCII}]/u;
const IAM_NAME_FORBIDDEN = /[^\w+=,.@-]/;
const IAM_PATH = /^\/$|^\/[\x21-\x7e]*\/$/;
const ELB_TAG_FORBIDDEN = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/u;
const BUCKET_FORBIDDEN = /[^a-z0-9.-]/;
const IPV4_LIKE = /^\d+\.\d+\.\d+\.\d+$/;
const DNS_LABEL_TOO_LONG = /(?:^|\.)[^.]{64,}(?:\.|$)/;

const BUCKET_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
const BUCKET_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

function elbName(what: string): Check {
  return text({
    max: 32,
    forbidden: ELB_NAME_FORBIDDEN,
    also: (s) => (s.startsWith("-") || s.endsWith("-") ? `${what} begins or ends with a hyphen` : undefined),
  });
}

function bucketName(s: string): string | undefined {
  if (!/^[a-z0-9]/.test(s) || !/[a-z0-9]$/.test(s)) return "does not begin and end with a letter or digit";
  if (s.includes("..")) return "has two adjacent periods";
  if (IPV4_LIKE.test(s)) return "is formatted as an IP address";
  const prefix = BUCKET_RESERVED_PREFIXES.find((p) => s.startsWith(p));
  if (prefix) return `begins with the reserved prefix ${prefix}`;
  const suffix = BUCKET_RESERVED_SUFFIXES.find((p) => s.endsWith(p));
  return suffix ? `ends with the reserved suffix ${suffix}` : undefined;
}

/**
 * Regex features listener-rule conditions and transforms reject: lookaheads,
 * lookbehinds, backreferences, atomic groups, possessive quantifiers,
 * subroutines, recursion and Unicode classes. Character classes are skipped
 * whole (their contents are literal).
 */
export function unsupportedRegexFeature(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return `uses a backreference (\\${next})`;
      if (next === "g") return "uses a subroutine call (\\g)";
      if (next === "p" || next === "P") return `uses a Unicode character class (\\${next})`;
      i++;
    } else if (c === "[") {
      let j = i + 1;
      if (pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      i = j;
    } else if (c === "(" && pattern[i + 1] === "?") {
      const head = pattern.slice(i + 2, i + 4);
      if (head.startsWith("=") || head.startsWith("!")) return "uses a lookahead";
      if (head === "<=" || head === "<!") return "uses a lookbehind";
      if (head.startsWith(">")) return "uses an atomic group";
      if (/^[R0-9&+-]/.test(head) || head === "P>") return "uses recursion or a subroutine call";
    } else if (
      (c === "*" || c === "+" || c === "?" || c === "}") &&
      pattern[i + 1] === "+" &&
      !(c === "?" && pattern[i - 1] === "(")
    ) {
      return `uses a possessive quantifier (${c}+)`;
    }
  }
  return undefined;
}

const regexValue = text({ max: 128, forbidden: NOT_VISIBLE_ASCII, also: unsupportedRegexFeature });

/** `*` and `?` not escaped by `\`. */
export function countWildcards(pattern: string): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "*" || pattern[i] === "?") count++;
  }
  return count;
}

type Condition = Record<string, { values?: unknown[]; regexValues?: unknown[] } | undefined> & {
  queryStrings?: { key?: unknown; value?: unknown }[];
};

const CONDITION_FIELDS = ["hostHeader", "httpHeader", "httpRequestMethod", "pathPattern", "sourceIp"] as const;
const WILDCARD_FIELDS = new Set(["hostHeader", "httpHeader", "pathPattern"]);

/** Match evaluations and wildcards of a whole rule (condition basics of the listener rules guide). */
function conditionCounts(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  let evaluations = 0;
  let wildcards = 0;
  const once = new Set<string>();
  for (const condition of value as Condition[]) {
    let own = 0;
    for (const field of CONDITION_FIELDS) {
      const config = condition[field];
      if (!config) continue;
      if (field !== "httpHeader") {
        if (once.has(field)) return `has more than one ${field} condition`;
        once.add(field);
      }
      if (config.values !== undefined && config.regexValues !== undefined)
        return `sets both values and regexValues in a ${field} condition`;
      const list = (config.values ?? config.regexValues ?? []) as unknown[];
      own += list.length;
      if (WILDCARD_FIELDS.has(field) && config.values)
        for (const v of list) if (isString(v)) wildcards += countWildcards(v);
    }
    if (condition.queryStrings) {
      own += condition.queryStrings.length;
      for (const pair of condition.queryStrings)
        for (const v of [pair.key, pair.value]) if (isString(v)) wildcards += countWildcards(v);
    }
    if (own === 0) return "has a condition with no values";
    if (own > 3) return `has a condition with ${own} match evaluations (at most 3)`;
    evaluations += own;
  }
  if (evaluations > 5) return `has ${evaluations} match evaluations (at most 5 per rule)`;
  if (wildcards > 5) return `has ${wildcards} wildcards (at most 5 per rule)`;
  return undefined;
}

function tagsCheck(forbidden: RegExp | undefined): Check {
  return (value) => {
    if (value === undefined || value === null || typeof value !== "object") return undefined;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 50) return `has ${entries.length} tags (at most 50)`;
    for (const [key, tagValue] of entries) {
      if (key.length === 0 || key.length > 128)
        return `has key ${JSON.stringify(key)} of ${key.length} characters (1-128)`;
      if (key.toLowerCase().startsWith("aws:"))
        return `has key ${JSON.stringify(key)}, which uses the reserved prefix aws:`;
      if (!isString(tagValue)) continue;
      if (tagValue.length > 256) return `has value of ${key} of ${tagValue.length} characters (at most 256)`;
      const bad = forbidden && (badChar(key, forbidden) ?? badChar(tagValue, forbidden));
      if (bad) return `tag ${JSON.stringify(key)} ${bad}`;
    }
    return undefined;
  };
}

const TAGGED_ELB = [T.lb, T.tg, T.listener, T.rule];
const TAGGED_OTHER = [
  T.sg,
  T.ingress,
  T.egress,
  T.instance,
  T.keyPair,
  T.bucket,
  T.role,
  T.policy,
  T.profile,
  AWS_TYPE.vpc,
  AWS_TYPE.subnet,
  AWS_TYPE.routeTable,
  AWS_TYPE.internetGateway,
  AWS_TYPE.natGateway,
  AWS_TYPE.eip,
  AWS_TYPE.vpcPeeringConnection,
  AWS_TYPE.transitGateway,
];
const SG_RULES = [T.ingress, T.egress];
const isTcpOrUdp = (inputs: Readonly<Record<string, unknown>>) =>
  inputs.ipProtocol === "tcp" || inputs.ipProtocol === "udp" || inputs.ipProtocol === "6" || inputs.ipProtocol === "17";

/** Every AWS rule the mocks enforce, with where it is written down. */
export const INPUT_RULES: readonly InputRule[] = [
  // Elastic Load Balancing names
  {
    types: [T.lb],
    path: "name",
    rule: "1-32 characters, only alphanumerics and hyphens, not beginning or ending with a hyphen, not beginning with internal-",
    source: `${ELB_API}/API_CreateLoadBalancer.html (Name)`,
    check: (v, inputs) =>
      elbName("the name")(v, inputs) ??
      (isString(v) && v.startsWith("internal-") ? "begins with internal-" : undefined),
    uniqueWithin: "region",
  },
  {
    types: [T.tg],
    path: "name",
    rule: "1-32 characters, only alphanumerics and hyphens, not beginning or ending with a hyphen",
    source: `${ELB_API}/API_CreateTargetGroup.html (Name)`,
    check: elbName("the name"),
    uniqueWithin: "region",
  },
  // Target groups
  {
    types: [T.tg],
    path: "port",
    rule: "a port from 1 to 65535",
    source: `${ELB_API}/API_CreateTargetGroup.html (Port)`,
    check: integer(1, 65535),
  },
  {
    types: [T.tg],
    path: "healthCheck.path",
    rule: "1-1024 characters, beginning with /",
    source: `${ELB_API}/API_CreateTargetGroup.html (HealthCheckPath)`,
    check: text({ max: 1024, also: (s) => (s.startsWith("/") ? undefined : "does not begin with /") }),
  },
  {
    types: [T.tg],
    path: "healthCheck.port",
    rule: "traffic-port or a port from 1 to 65535",
    source: `${ELB_API}/API_CreateTargetGroup.html (HealthCheckPort)`,
    check: (v) =>
      v === undefined ||
      v === "traffic-port" ||
      (isString(v) && /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535)
        ? undefined
        : "is neither traffic-port nor a port number",
  },
  {
    types: [T.tg],
    path: "healthCheck.interval",
    rule: "5-300 seconds",
    source: `${ELB_API}/API_CreateTargetGroup.html (HealthCheckIntervalSeconds)`,
    check: integer(5, 300),
  },
  {
    types: [T.tg],
    path: "healthCheck.timeout",
    rule: "2-120 seconds",
    source: `${ELB_API}/API_CreateTargetGroup.html (HealthCheckTimeoutSeconds)`,
    check: integer(2, 120),
  },
  {
    types: [T.tg],
    path: "healthCheck.healthyThreshold",
    rule: "2-10 checks",
    source: `${ELB_API}/API_CreateTargetGroup.html (HealthyThresholdCount)`,
    check: integer(2, 10),
  },
  {
    types: [T.tg],
    path: "healthCheck.unhealthyThreshold",
    rule: "2-10 checks",
    source: `${ELB_API}/API_CreateTargetGroup.html (UnhealthyThresholdCount)`,
    check: integer(2, 10),
  },
  {
    types: [T.tg],
    path: "healthCheck",
    rule: "for HTTP/HTTPS health checks the timeout is shorter than the interval",
    source: `${ALB_GUIDE}/target-group-health-checks.html`,
    check: (v) => {
      const hc = v as { timeout?: unknown; interval?: unknown } | undefined;
      return hc && isNumber(hc.timeout) && isNumber(hc.interval) && hc.timeout >= hc.interval
        ? `has timeout ${hc.timeout} s, not shorter than interval ${hc.interval} s`
        : undefined;
    },
  },
  {
    types: [T.tg],
    path: "healthCheck.matcher",
    rule: "HTTP codes from 200 to 499: single values (200,202) or a range (200-299)",
    source: `${ELB_API}/API_Matcher.html (HttpCode)`,
    check: (v) => {
      if (!isString(v)) return undefined;
      const parts = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(v) ? v.split(/[,-]/).map(Number) : undefined;
      return !parts
        ? "is not a code list or range"
        : parts.some((c) => c < 200 || c > 499)
          ? "has a code outside 200-499"
          : undefined;
    },
  },
  {
    types: [T.tg],
    path: "stickiness.cookieDuration",
    rule: "1-604800 seconds",
    source: `${ALB_GUIDE}/sticky-sessions.html (stickiness.lb_cookie.duration_seconds)`,
    check: integer(1, 604800),
  },
  {
    types: [T.tg],
    path: "stickiness.cookieName",
    rule: "an application cookie name other than the reserved AWSALB, AWSALBAPP and AWSALBTG",
    source: `${ALB_GUIDE}/sticky-sessions.html (application-based cookies)`,
    check: text({
      max: 1024,
      also: (s) => (/^AWSALB(APP|TG)?$/i.test(s) ? "is a cookie name the load balancer reserves" : undefined),
    }),
  },
  // Load balancers and listeners
  {
    types: [T.lb],
    path: "idleTimeout",
    rule: "1-4000 seconds",
    source: `${ELB_API}/API_LoadBalancerAttribute.html (idle_timeout.timeout_seconds)`,
    check: integer(1, 4000),
  },
  {
    types: [T.lb],
    path: "accessLogs.prefix",
    rule: "an S3 key prefix that does not begin or end with / and does not contain AWSLogs",
    source: `${ALB_GUIDE}/enable-access-logging.html`,
    check: text({
      max: 1024,
      also: (s) =>
        s.startsWith("/") || s.endsWith("/")
          ? "begins or ends with /"
          : s.includes("AWSLogs")
            ? "contains AWSLogs"
            : undefined,
    }),
  },
  {
    types: [T.listener],
    path: "port",
    rule: "a port from 1 to 65535",
    source: `${ELB_API}/API_CreateListener.html (Port)`,
    check: integer(1, 65535),
  },
  ...(["defaultActions", "actions"] as const).flatMap((actions): InputRule[] => [
    {
      types: [actions === "actions" ? T.rule : T.listener],
      path: `${actions}[].fixedResponse.messageBody`,
      rule: "at most 1024 characters",
      source: `${ELB_API}/API_FixedResponseActionConfig.html (MessageBody)`,
      check: text({ min: 0, max: 1024 }),
    },
    {
      types: [actions === "actions" ? T.rule : T.listener],
      path: `${actions}[].fixedResponse.statusCode`,
      rule: "an HTTP 2XX, 4XX or 5XX status code",
      source: `${ELB_API}/API_FixedResponseActionConfig.html (StatusCode)`,
      check: (v) => (isString(v) && /^(2|4|5)\d\d$/.test(v) ? undefined : "is not a 2XX, 4XX or 5XX code"),
    },
  ]),
  // Listener rules
  {
    types: [T.rule],
    path: "priority",
    rule: "1-50000, unique on its listener",
    source: `${ELB_API}/API_CreateRule.html (Priority; PriorityInUse)`,
    check: integer(1, 50000),
    uniqueWithin: "listenerArn",
  },
  {
    types: [T.rule],
    path: "conditions",
    rule: "at most one host-header, http-request-method, path-pattern and source-ip condition; 1-3 match evaluations per condition, at most 5 per rule; at most 5 wildcards per rule; values or regexValues, not both",
    source: `${ALB_GUIDE}/rule-condition-types.html (Condition basics)`,
    check: conditionCounts,
  },
  {
    types: [T.rule],
    path: "conditions[].pathPattern.values[]",
    rule: "at most 128 characters of A-Z, a-z, 0-9, _ - . $ / ~ \" ' @ : + & and the wildcards * and ?",
    source: `${ELB_API}/API_RuleCondition.html (Values, path-pattern)`,
    check: text({ max: 128, forbidden: PATH_VALUE_FORBIDDEN }),
  },
  {
    types: [T.rule],
    path: "conditions[].pathPattern.regexValues[]",
    rule: "a regular expression of at most 128 visible ASCII characters without lookarounds, backreferences, atomic groups, possessive quantifiers, subroutines, recursion or Unicode classes",
    source: `${ELB_API}/API_PathPatternConditionConfig.html (RegexValues); ${ALB_GUIDE}/listener-rules.html (Rule basics)`,
    check: regexValue,
  },
  {
    types: [T.rule],
    path: "conditions[].hostHeader.values[]",
    rule: "at most 128 characters of A-Z, a-z, 0-9, - . and the wildcards * and ?, with at least one . and only letters after the last",
    source: `${ELB_API}/API_RuleCondition.html (Values, host-header)`,
    check: text({
      max: 128,
      forbidden: HOST_VALUE_FORBIDDEN,
      also: (s) => (/\.[A-Za-z*?]+$/.test(s) ? undefined : "has no . followed only by letters at its end"),
    }),
  },
  {
    types: [T.rule],
    path: "conditions[].hostHeader.regexValues[]",
    rule: "as path regexValues",
    source: `${ELB_API}/API_HostHeaderConditionConfig.html (RegexValues)`,
    check: regexValue,
  },
  {
    types: [T.rule],
    path: "conditions[].httpHeader.httpHeaderName",
    rule: "at most 40 characters of A-Z, a-z, 0-9 and * ? - ! # $ % & ' + . ^ _ ` | ~; not Host (use a host-header condition)",
    source: `${ALB_GUIDE}/add-rule.html (HTTP header name); ${ELB_API}/API_HttpHeaderConditionConfig.html`,
    check: text({
      max: 40,
      forbidden: HEADER_NAME_FORBIDDEN,
      also: (s) => (s.toLowerCase() === "host" ? "is Host" : undefined),
    }),
  },
  {
    types: [T.rule],
    path: "conditions[].httpHeader.values[]",
    rule: "at most 128 characters of A-Z, a-z, 0-9, spaces, ! \" # $ % & ' ( ) + , . / : ; < = > @ [ ] ^ _ ` { | } ~ - and the wildcards * and ?",
    source: `${ALB_GUIDE}/add-rule.html (HTTP header value)`,
    check: text({ max: 128, forbidden: HEADER_VALUE_FORBIDDEN }),
  },
  {
    types: [T.rule],
    path: "conditions[].httpHeader.regexValues[]",
    rule: "as path regexValues",
    source: `${ELB_API}/API_HttpHeaderConditionConfig.html (RegexValues)`,
    check: regexValue,
  },
  {
    types: [T.rule],
    path: "conditions[].queryStrings[].key",
    rule: "at most 128 characters of A-Z, a-z, 0-9, _ - . $ / ~ \" ' @ : + & ( ) ! , ; = and the wildcards * and ?",
    source: `${ALB_GUIDE}/add-rule.html (Query string)`,
    check: text({ max: 128, forbidden: QUERY_FORBIDDEN }),
  },
  {
    types: [T.rule],
    path: "conditions[].queryStrings[].value",
    rule: "a value, as keys",
    source: `${ALB_GUIDE}/add-rule.html (Query string); ${ELB_API}/API_QueryStringKeyValuePair.html`,
    check: text({ max: 128, forbidden: QUERY_FORBIDDEN }),
  },
  {
    types: [T.rule],
    path: "transforms",
    rule: "at most two transforms per rule",
    source: `${ELB_API}/API_CreateRule.html (Transforms)`,
    check: (v) => (Array.isArray(v) && v.length > 2 ? `has ${v.length} transforms` : undefined),
  },
  {
    types: [T.rule],
    path: "transforms[].urlRewriteConfig.rewrite.regex",
    rule: "a regular expression without the unsupported features of rule regexes",
    source: `${ALB_GUIDE}/listener-rules.html (Rule basics)`,
    check: text({ max: 1024, forbidden: NOT_VISIBLE_ASCII, also: unsupportedRegexFeature }),
  },
  // EC2 security groups
  {
    types: [T.sg],
    path: "name",
    rule: "at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*, not beginning with sg-",
    source: `${EC2_API}/API_CreateSecurityGroup.html (GroupName)`,
    check: text({
      max: 255,
      forbidden: EC2_TEXT_FORBIDDEN,
      also: (s) => (s.toLowerCase().startsWith("sg-") ? "begins with sg-" : undefined),
    }),
  },
  {
    types: [T.sg],
    path: "description",
    rule: "at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
    source: `${EC2_API}/API_CreateSecurityGroup.html (GroupDescription)`,
    check: text({ max: 255, forbidden: EC2_TEXT_FORBIDDEN }),
  },
  {
    types: SG_RULES,
    path: "description",
    rule: "at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
    source: `${EC2_API}/API_IpRange.html (Description); ${EC2_API}/API_SecurityGroupRuleRequest.html`,
    check: text({ min: 0, max: 255, forbidden: EC2_TEXT_FORBIDDEN }),
  },
  {
    types: SG_RULES,
    path: "fromPort",
    rule: "for TCP and UDP, a port from 0 to 65535 no greater than toPort",
    source: `${EC2_API}/API_IpPermission.html (FromPort, ToPort)`,
    check: (v, inputs) =>
      isTcpOrUdp(inputs)
        ? (integer(0, 65535)(v, inputs) ??
          (isNumber(v) && isNumber(inputs.toPort) && v > inputs.toPort
            ? `is greater than toPort ${inputs.toPort}`
            : undefined))
        : undefined,
  },
  {
    types: SG_RULES,
    path: "toPort",
    rule: "for TCP and UDP, a port from 0 to 65535",
    source: `${EC2_API}/API_IpPermission.html (ToPort)`,
    check: (v, inputs) => (isTcpOrUdp(inputs) ? integer(0, 65535)(v, inputs) : undefined),
  },
  // EC2 instances and key pairs
  {
    types: [T.keyPair],
    path: "keyName",
    rule: "at most 255 ASCII characters",
    source: `${EC2_API}/API_ImportKeyPair.html (KeyName)`,
    check: text({ max: 255, forbidden: NOT_ASCII }),
  },
  {
    types: [T.instance],
    path: "userData",
    rule: "at most 16 KB before base64 encoding",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
    check: (v) =>
      isString(v) && Buffer.byteLength(v) > 16384 ? `is ${Buffer.byteLength(v)} bytes (at most 16384)` : undefined,
  },
  // VPC routes
  {
    types: [T.route],
    path: "destinationCidrBlock",
    rule: "one route per destination in a route table",
    source: `${EC2_API}/API_CreateRoute.html (RouteAlreadyExists)`,
    check: () => undefined,
    uniqueWithin: "routeTableId",
  },
  // S3
  {
    types: [T.bucket],
    path: "bucket",
    rule: "3-63 characters of lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit, no adjacent dots, not an IP address, no reserved prefix or suffix",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    check: text({ min: 3, max: 63, forbidden: BUCKET_FORBIDDEN, also: bucketName }),
    uniqueWithin: "partition",
  },
  // IAM
  {
    types: [T.role],
    path: "name",
    rule: "1-64 characters of letters, digits and +=,.@_-",
    source: `${IAM_API}/API_CreateRole.html (RoleName)`,
    check: text({ max: 64, forbidden: IAM_NAME_FORBIDDEN }),
  },
  {
    types: [T.profile],
    path: "name",
    rule: "1-128 characters of letters, digits and +=,.@_-",
    source: `${IAM_API}/API_CreateInstanceProfile.html (InstanceProfileName)`,
    check: text({ max: 128, forbidden: IAM_NAME_FORBIDDEN }),
  },
  {
    types: [T.policy],
    path: "name",
    rule: "1-128 characters of letters, digits and +=,.@_-",
    source: `${IAM_API}/API_CreatePolicy.html (PolicyName)`,
    check: text({ max: 128, forbidden: IAM_NAME_FORBIDDEN }),
  },
  {
    types: [T.rolePolicy],
    path: "name",
    rule: "1-128 characters of letters, digits and +=,.@_-",
    source: `${IAM_API}/API_PutRolePolicy.html (PolicyName)`,
    check: text({ max: 128, forbidden: IAM_NAME_FORBIDDEN }),
  },
  {
    types: [T.role, T.profile, T.policy],
    path: "path",
    rule: "1-512 characters: / alone, or beginning and ending with / with printable ASCII between",
    source: `${IAM_API}/API_CreateRole.html (Path)`,
    check: text({ max: 512, also: (s) => (IAM_PATH.test(s) ? undefined : "does not begin and end with /") }),
  },
  // Route 53
  {
    types: [T.record],
    path: "name",
    rule: "a domain name of at most 255 characters, labels of at most 63",
    source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html",
    check: text({
      max: 255,
      also: (s) => (DNS_LABEL_TOO_LONG.test(s) ? "has a label longer than 63 characters" : undefined),
    }),
  },
  // Tags
  {
    types: TAGGED_ELB,
    path: "tags",
    rule: "at most 50 tags; keys 1-128 and values up to 256 characters of letters, digits, spaces and _ . : / = + - @; no aws: prefix",
    source: `${ELB_API}/API_Tag.html`,
    check: tagsCheck(ELB_TAG_FORBIDDEN),
  },
  {
    types: TAGGED_OTHER,
    path: "tags",
    rule: "at most 50 tags; keys 1-128 and values up to 256 characters; no aws: prefix",
    source: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (tag naming limits)",
    check: tagsCheck(undefined),
  },
];

// ---------------------------------------------------------------------------
// Applying the table
// ---------------------------------------------------------------------------

interface CompiledRule {
  readonly row: InputRule;
  readonly segments: readonly string[];
}

const RULES_BY_TYPE = new Map<string, CompiledRule[]>();
for (const row of INPUT_RULES) {
  const segments = row.path.split(".").flatMap((s) => (s.endsWith("[]") ? [s.slice(0, -2), "[]"] : [s]));
  for (const type of row.types) {
    const list = RULES_BY_TYPE.get(type) ?? [];
    list.push({ row, segments });
    RULES_BY_TYPE.set(type, list);
  }
}

/** The engine's placeholder for a value not known yet (preview): nothing to check. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function formatPath(trail: readonly (string | number)[]): string {
  let out = "";
  for (const step of trail) out += typeof step === "number" ? `[${step}]` : out === "" ? step : `.${step}`;
  return out;
}

/** True for a value the engine does not know yet; such values are not checked. */
export type UnknownTest = (value: unknown) => boolean;

const isUnknownSentinel: UnknownTest = (value) => value === UNKNOWN;

/** Calls `visit` with every value at `segments` under `value`; `trail` holds the concrete path meanwhile. */
function walk(
  value: unknown,
  segments: readonly string[],
  index: number,
  trail: (string | number)[],
  isUnknown: UnknownTest,
  visit: (v: unknown) => void,
): void {
  if (value === undefined || value === null || value === UNKNOWN || isUnknown(value)) return;
  if (index === segments.length) {
    visit(value);
    return;
  }
  const segment = segments[index];
  if (segment === "[]") {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) {
      trail.push(i);
      walk(value[i], segments, index + 1, trail, isUnknown, visit);
      trail.pop();
    }
    return;
  }
  if (typeof value !== "object") return;
  trail.push(segment);
  walk((value as Record<string, unknown>)[segment], segments, index + 1, trail, isUnknown, visit);
  trail.pop();
}

/** Values seen so far per uniqueness scope, across resources: `rule path|scope value|value` -> resource name. */
export type UniquenessLedger = Map<string, string>;

/**
 * Every way `inputs` of resource `type` `name` break the table's rules.
 * `scope` gives the values of scopes inputs do not carry (`region`, `partition`);
 * `isUnknown` tells values a preview does not know yet (skipped).
 */
export function checkInputs(
  type: string,
  name: string,
  inputs: Readonly<Record<string, unknown>>,
  ledger: UniquenessLedger,
  scope: Readonly<Record<string, string>>,
  isUnknown: UnknownTest = isUnknownSentinel,
): InputViolation[] {
  const rules = RULES_BY_TYPE.get(type);
  if (!rules) return [];
  const violations: InputViolation[] = [];
  const trail: (string | number)[] = [];
  for (const { row, segments } of rules) {
    walk(inputs, segments, 0, trail, isUnknown, (value) => {
      const detail = row.check(value, inputs);
      if (detail !== undefined) {
        violations.push({ type, name, path: formatPath(trail), value, detail, rule: row.rule, source: row.source });
        return;
      }
      if (row.uniqueWithin === undefined) return;
      const within = inputs[row.uniqueWithin] ?? scope[row.uniqueWithin];
      if (within === undefined || within === UNKNOWN || isUnknown(within)) return;
      const key = `${type}|${row.path}|${String(within)}|${String(value)}`;
      const holder = ledger.get(key);
      if (holder === undefined) ledger.set(key, name);
      else if (holder !== name)
        violations.push({
          type,
          name,
          path: formatPath(trail),
          value,
          detail: `is also used by ${holder}`,
          rule: row.rule,
          source: row.source,
        });
    });
  }
  return violations;
}

/** `aws:lb/targetGroup:TargetGroup "gwe81-frontend-node-GWE-FE-1": input name "..." is 36 characters ...` */
export function formatViolation(v: InputViolation): string {
  let shown: string;
  try {
    shown = JSON.stringify(v.value) ?? String(v.value);
  } catch {
    shown = String(v.value);
  }
  if (shown.length > 160) shown = `${shown.slice(0, 157)}...`;
  return `${v.type} "${v.name}": input ${v.path} = ${shown} ${v.detail}; allowed: ${v.rule} (${v.source})`;
}

/** Words every rule violation's message carries, so a failure caused by one can be told apart. */
export const RULE_ERROR_MARKER = "would be rejected by AWS or pulumi-aws";

/** Thrown when registered inputs break AWS's or the provider's rules; the message lists every violation. */
export class AwsInputRuleError extends Error {
  constructor(readonly violations: readonly InputViolation[]) {
    super(
      `${violations.length} resource input${violations.length === 1 ? "" : "s"} ${RULE_ERROR_MARKER}:\n${violations.map((v) => `  - ${formatViolation(v)}`).join("\n")}`,
    );
    this.name = "AwsInputRuleError";
  }
}
