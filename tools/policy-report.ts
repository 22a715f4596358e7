/**
 * Runs the policy pack offline against a mocked run: each registered resource
 * becomes what the engine hands a policy (type, name, URN, props, parent,
 * property dependencies), the stack context comes from the providers' tags
 * and the pack config, and every violation is reported at the level the pack
 * would report it. Synth writes out/<stack>/policy-report.json and fails on
 * a mandatory violation.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AWS_PROVIDER } from "../policies/aws-types";
import { POLICIES } from "../policies/catalog";
import { POLICY_CONFIG_SCHEMA, policyContext, violationLevel, type PolicyConfig } from "../policies/context";
import { evaluateResourcePolicy, evaluateStackPolicy, type PolicyOutcome } from "../policies/evaluate";
import {
  notEvaluatedMessage,
  type EnforcementLevel,
  type GenesysPolicy,
  type PolicyContext,
  type PolicyResource,
  type StackKind,
} from "../policies/policy";
import type { MockRun } from "./mock-run";
import type { RegisteredResource } from "./mocks";
import type { SynthStep } from "./synth-steps";

export const PROJECT = "genesys";
/** Files the synth step writes into out/<stack>/; CI passes the pack config to `pulumi preview/up`. */
export const POLICY_REPORT_FILE = "policy-report.json";
export const PACK_CONFIG_FILE = "policy-pack-config.json";

/** `--policy-pack-config` content: per policy, its config properties and optional enforcementLevel. */
export type PackConfig = Readonly<Record<string, PolicyConfig & { readonly enforcementLevel?: EnforcementLevel }>>;

interface MutableResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  parent?: MutableResource;
  propertyDependencies: Record<string, PolicyResource[]>;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Values by which other resources' inputs refer to a resource: its id, ARN and DNS name. */
function referenceValues(r: RegisteredResource): string[] {
  return [r.id, r.state.arn, r.state.dnsName].filter((v): v is string => typeof v === "string" && v.length > 0);
}

/** What a policy meets when it touches a value a preview does not know, as the SDK's proxies throw it. */
export class UnknownValueError extends Error {
  readonly unknownTypeSentinel = "unknown";
  constructor(path: readonly PropertyKey[]) {
    super(`value at .${path.map(String).join(".")} can't be known during preview`);
    this.name = "UnknownValueError";
  }
}

/**
 * Inputs as a policy sees them in a preview: touching an unknown value (what
 * the SDK registered as unknown) throws, as @pulumi/policy's unknown-checking
 * proxy does; known values read as usual.
 */
export function previewProps<T>(value: T, path: readonly PropertyKey[] = []): T {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value as object, {
    get(target, key) {
      const field = (target as Record<PropertyKey, unknown>)[key];
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (descriptor && "value" in descriptor && descriptor.configurable === false && descriptor.writable === false)
        return field;
      if (pulumi.isUnknown(field)) throw new UnknownValueError([...path, key]);
      return typeof key === "symbol" ? field : previewProps(field, [...path, key]);
    },
  }) as T;
}

/**
 * Resources as the engine hands them to a policy. Links are the property
 * dependencies the SDK sent the engine when the run recorded them (always in
 * a preview, where ids and ARNs are unknown); otherwise an input that carries
 * another resource's id, ARN or DNS name is a dependency on it, as the SDK
 * records for the Output it came from.
 */
export function policyResources(run: MockRun, stack: string): PolicyResource[] {
  const byKey = new Map<string, RegisteredResource>();
  for (const r of run.resources) byKey.set(`${r.type}::${r.name}`, r);
  const typeChain = (r: RegisteredResource): string => {
    const parent = r.parent ? byKey.get(r.parent) : undefined;
    return parent && parent.type !== "pulumi:pulumi:Stack" ? `${typeChain(parent)}$${r.type}` : r.type;
  };
  const views = new Map<RegisteredResource, MutableResource>();
  for (const r of run.resources) {
    const props = run.preview ? previewProps(r.inputs) : r.inputs;
    views.set(r, {
      type: r.type,
      name: r.name,
      urn: `urn:pulumi:${stack}::${PROJECT}::${typeChain(r)}::${r.name}`,
      props,
      propertyDependencies: {},
    });
  }
  const referents = new Map<string, MutableResource[]>();
  for (const r of run.resources) {
    for (const value of referenceValues(r)) referents.set(value, [...(referents.get(value) ?? []), views.get(r)!]);
  }
  for (const r of run.resources) {
    const view = views.get(r)!;
    const parent = r.parent ? byKey.get(r.parent) : undefined;
    if (parent) view.parent = views.get(parent);
    const recorded = run.preview ? run.dependencies?.get(`${r.type}::${r.name}`) : undefined;
    if (recorded) {
      for (const [key, keys] of Object.entries(recorded)) {
        const deps = [
          ...new Set(keys.map((k) => byKey.get(k)).filter((d): d is RegisteredResource => d !== undefined && d !== r)),
        ].map((d) => views.get(d)!);
        if (deps.length > 0) view.propertyDependencies[key] = deps;
      }
      continue;
    }
    for (const [key, value] of Object.entries(r.inputs)) {
      const deps = new Set(stringsIn(value).flatMap((s) => referents.get(s) ?? []));
      deps.delete(view);
      if (deps.size > 0) view.propertyDependencies[key] = [...deps];
    }
  }
  return [...views.values()];
}

export interface ReportedViolation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly resource?: { readonly type: string; readonly name: string; readonly urn: string };
  readonly message: string;
}

/** A policy that could not decide because an input it needs is unknown (a preview). */
export interface ReportedNotEvaluated {
  readonly policy: string;
  readonly resource?: { readonly type: string; readonly name: string; readonly urn: string };
  /** `not evaluated: <input> unknown at preview`. */
  readonly message: string;
}

/** What became of one policy: it found violations, found none on known inputs, could not tell, or was switched off. */
export type PolicyResult = "violated" | "passed" | "not evaluated" | "disabled";

export interface PolicyReport {
  readonly stack: string;
  /** True when the resources came from a preview run (unknown ids, ARNs, addresses). */
  readonly preview: boolean;
  /** The stack kind the policies judged by (the pack config's `environment`, else the providers' tags). */
  readonly kind: StackKind;
  readonly policies: readonly {
    readonly name: string;
    readonly kind: GenesysPolicy["kind"];
    readonly level: EnforcementLevel;
    readonly result: PolicyResult;
    readonly violations: number;
  }[];
  readonly violations: readonly ReportedViolation[];
  readonly notEvaluated: readonly ReportedNotEvaluated[];
}

function contextFor(policy: GenesysPolicy, config: PackConfig, providers: readonly unknown[]): PolicyContext {
  return policyContext(config[policy.name] ?? {}, providers);
}

const where = (r?: PolicyResource) => r && { type: r.type, name: r.name, urn: r.urn };

/** Runs every policy as the pack would: resource policies per resource of their types, stack policies once. */
export function runPolicies(
  stack: string,
  resources: readonly PolicyResource[],
  config: PackConfig = {},
  policies: readonly GenesysPolicy[] = POLICIES,
  preview = false,
): PolicyReport {
  const providers = resources.filter((r) => r.type === AWS_PROVIDER).map((r) => r.props);
  const violations: ReportedViolation[] = [];
  const notEvaluated: ReportedNotEvaluated[] = [];
  const summary: PolicyReport["policies"][number][] = [];
  for (const policy of policies) {
    const context = contextFor(policy, config, providers);
    const level = violationLevel(config[policy.name]?.enforcementLevel ?? policy.enforcementLevel, context.kind);
    const outcomes: PolicyOutcome[] = [];
    if (level !== "disabled") {
      if (policy.kind === "resource") {
        for (const r of resources.filter((x) => policy.resourceTypes.includes(x.type))) {
          // A resource validation sees the resource alone, as the engine sends it before creating it.
          const alone: PolicyResource = {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.props,
            propertyDependencies: {},
          };
          const found = evaluateResourcePolicy(policy, alone, context);
          outcomes.push({
            violations: found.violations.map((v) => ({ ...v, resource: r })),
            notEvaluated: found.notEvaluated.map((n) => ({ ...n, resource: r })),
          });
        }
      } else {
        outcomes.push(evaluateStackPolicy(policy, resources, context));
      }
    }
    const found = outcomes.flatMap((o) => o.violations);
    const unknown = outcomes.flatMap((o) => o.notEvaluated);
    for (const v of found)
      violations.push({ policy: policy.name, level, message: v.message, resource: where(v.resource) });
    for (const n of unknown)
      notEvaluated.push({
        policy: policy.name,
        message: notEvaluatedMessage(n),
        resource: where(n.resource),
      });
    const result: PolicyResult =
      level === "disabled"
        ? "disabled"
        : found.length > 0
          ? "violated"
          : unknown.length > 0
            ? "not evaluated"
            : "passed";
    summary.push({ name: policy.name, kind: policy.kind, level, result, violations: found.length });
  }
  const kinds = new Set(policies.map((p) => contextFor(p, config, providers).kind));
  return {
    stack,
    preview,
    kind: kinds.has("production") ? "production" : "development",
    policies: summary,
    violations,
    notEvaluated,
  };
}

/** Where the reviewed pack config of a stack lives, relative to the repository root. */
export function packConfigPath(stack: string): string {
  return `policies/config/${stack}.json`;
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "disabled"];

/** What is wrong with one `--policy-pack-config` property, or undefined when it is allowed. */
function propertyProblem(key: string, value: unknown): string | undefined {
  if (key === "enforcementLevel") return LEVELS.includes(String(value)) ? undefined : `one of ${LEVELS.join(", ")}`;
  const schema = (POLICY_CONFIG_SCHEMA.properties as Record<string, { type: string; enum?: string[] } | undefined>)[
    key
  ];
  if (!schema)
    return `a config property (${[...Object.keys(POLICY_CONFIG_SCHEMA.properties), "enforcementLevel"].join(", ")})`;
  if (schema.type === "integer")
    return Number.isInteger(value) && (value as number) >= 0 ? undefined : "a whole number >= 0";
  if (typeof value !== "string") return "a string";
  return schema.enum && !schema.enum.includes(value) ? `one of ${schema.enum.join(", ")}` : undefined;
}

/**
 * The reviewed reference values the pack judges a stack by: policies/config/<stack>.json,
 * committed beside the pack and passed to `pulumi preview/up --policy-pack-config`.
 * They never come from the stack's own config, so a stack cannot weaken them.
 * Every problem (unknown policy, unknown property, wrong type) stops synth.
 */
/** A missing or malformed reviewed pack config: a refusal for the operator, printed as its message. */
export class PackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackConfigError";
  }
}

export function loadPackConfig(
  stack: string,
  root = resolve(__dirname, ".."),
  policies: readonly GenesysPolicy[] = POLICIES,
): PackConfig {
  const path = join(root, packConfigPath(stack));
  if (!existsSync(path)) {
    throw new PackConfigError(
      `no reviewed policy pack config for stack "${stack}": write ${packConfigPath(stack)} (per policy: environment, and the siteDomain, adminCidr and screenRecordingAgents the stack must meet; start from a copy of policies/config/dev.json or prod.json); see README "Policy checks in pull requests"`,
    );
  }
  const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new PackConfigError(`${packConfigPath(stack)} must be a JSON object of policy name -> config`);
  const names = new Set(policies.map((p) => p.name));
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(parsed)) {
    if (!names.has(name)) problems.push(`${name}: no such policy (policies: ${[...names].join(", ")})`);
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${name}: must be an object of config properties`);
      continue;
    }
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      const allowed = propertyProblem(key, value);
      if (allowed) problems.push(`${name}.${key}: ${JSON.stringify(value)} is not allowed (allowed: ${allowed})`);
    }
  }
  if (problems.length > 0)
    throw new PackConfigError(
      `${packConfigPath(stack)} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  return parsed as PackConfig;
}

export function mandatoryViolations(report: PolicyReport): ReportedViolation[] {
  return report.violations.filter((v) => v.level === "mandatory");
}

export function formatViolation(v: ReportedViolation): string {
  const where = v.resource ? `${v.resource.type} "${v.resource.name}"` : "stack";
  return `${v.level.padEnd(9)} ${v.policy}  ${where}: ${v.message}`;
}

export const writePolicyReport: SynthStep = ({ stack, dir, shownDir = dir, run, projectDir }) => {
  const config = loadPackConfig(stack, projectDir);
  const report = runPolicies(stack, policyResources(run, stack), config, POLICIES, run.preview === true);
  writeFileSync(join(dir, POLICY_REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, PACK_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  const mandatory = mandatoryViolations(report);
  const advisory = report.violations.length - mandatory.length;
  const undecided = new Set(report.notEvaluated.map((n) => n.policy)).size;
  const phase = report.preview ? "preview" : "deployed values";
  const summary = [
    "",
    `Policies (${report.kind} stack, ${phase}, reference values from ${packConfigPath(stack)}, ${report.policies.length} policies): ${mandatory.length} mandatory violation(s), ${advisory} advisory, ${undecided} not evaluated`,
  ];
  for (const v of mandatory) summary.push(`  ${formatViolation(v)}`);
  // Advisory findings, one line per policy: the report file has each in full.
  const advisoryByPolicy = new Map<string, string[]>();
  for (const v of report.violations.filter((v) => v.level !== "mandatory")) {
    advisoryByPolicy.set(v.policy, [...(advisoryByPolicy.get(v.policy) ?? []), v.resource?.name ?? "stack"]);
  }
  for (const [policy, names] of advisoryByPolicy) {
    const shown = names.slice(0, 4).join(", ") + (names.length > 4 ? `, … ${names.length - 4} more` : "");
    summary.push(`  advisory  ${policy} (${names.length}): ${shown}`);
  }
  for (const n of report.notEvaluated)
    summary.push(
      `  ${"-".padEnd(9)} ${n.policy}  ${n.resource ? `${n.resource.type} "${n.resource.name}"` : "stack"}: ${n.message}`,
    );
  if (advisory > 0 || report.notEvaluated.length > 0)
    summary.push(`  (each finding in full: ${join(shownDir, POLICY_REPORT_FILE)})`);
  if (mandatory.length > 0)
    summary.push(
      `Policy check failed: ${mandatory.length} mandatory violation(s); see ${join(shownDir, POLICY_REPORT_FILE)}`,
    );
  return { summary, failed: mandatory.length > 0 };
};
