/**
 * Runs the policy pack offline against a mocked run: each registered resource
 * becomes what the engine hands a policy (type, name, URN, props, parent,
 * property dependencies), the stack context comes from the providers' tags
 * and the pack config, and every violation is reported at the level the pack
 * would report it. Synth writes out/<stack>/policy-report.json and fails on
 * a mandatory violation.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Environment } from "../core/model/environment";
import { AWS_PROVIDER } from "../policies/aws-types";
import { POLICIES } from "../policies/catalog";
import { policyContext, violationLevel, type PolicyConfig } from "../policies/context";
import type { EnforcementLevel, GenesysPolicy, PolicyContext, PolicyResource, StackKind } from "../policies/policy";
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

/**
 * Resources as the engine hands them to a policy. Under mocks, ids and ARNs
 * are resolved, so an input that carries another resource's id, ARN or DNS
 * name is a dependency on it, as the SDK records for the Output it came from.
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
    views.set(r, { type: r.type, name: r.name, urn: `urn:pulumi:${stack}::${PROJECT}::${typeChain(r)}::${r.name}`, props: r.inputs, propertyDependencies: {} });
  }
  const referents = new Map<string, MutableResource[]>();
  for (const r of run.resources) {
    for (const value of referenceValues(r)) referents.set(value, [...(referents.get(value) ?? []), views.get(r)!]);
  }
  for (const r of run.resources) {
    const view = views.get(r)!;
    const parent = r.parent ? byKey.get(r.parent) : undefined;
    if (parent) view.parent = views.get(parent);
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

export interface PolicyReport {
  readonly stack: string;
  /** The kind the providers' tags give; a policy's config may override it for that policy. */
  readonly kind: StackKind;
  readonly policies: readonly { readonly name: string; readonly kind: GenesysPolicy["kind"]; readonly level: EnforcementLevel; readonly violations: number }[];
  readonly violations: readonly ReportedViolation[];
}

function contextFor(policy: GenesysPolicy, config: PackConfig, providers: readonly unknown[]): PolicyContext {
  return policyContext(config[policy.name] ?? {}, providers);
}

/** Runs every policy as the pack would: resource policies per resource of their types, stack policies once. */
export function runPolicies(stack: string, resources: readonly PolicyResource[], config: PackConfig = {}, policies: readonly GenesysPolicy[] = POLICIES): PolicyReport {
  const providers = resources.filter((r) => r.type === AWS_PROVIDER).map((r) => r.props);
  const violations: ReportedViolation[] = [];
  const summary: PolicyReport["policies"][number][] = [];
  for (const policy of policies) {
    const context = contextFor(policy, config, providers);
    const level = violationLevel(config[policy.name]?.enforcementLevel ?? policy.enforcementLevel, context.kind);
    const found: { resource?: PolicyResource; message: string }[] = [];
    if (level !== "disabled") {
      if (policy.kind === "resource") {
        for (const r of resources.filter((x) => policy.resourceTypes.includes(x.type))) {
          // A resource validation sees the resource alone, as the engine sends it before creating it.
          const alone: PolicyResource = { type: r.type, name: r.name, urn: r.urn, props: r.props, propertyDependencies: {} };
          for (const message of policy.check(alone, context)) found.push({ resource: r, message });
        }
      } else {
        found.push(...policy.check(resources, context));
      }
    }
    for (const v of found) {
      violations.push({ policy: policy.name, level, message: v.message, resource: v.resource && { type: v.resource.type, name: v.resource.name, urn: v.resource.urn } });
    }
    summary.push({ name: policy.name, kind: policy.kind, level, violations: found.length });
  }
  return { stack, kind: policyContext({}, providers).kind, policies: summary, violations };
}

/** The pack config a stack's previews use: what the policies need from its stack config. */
export function packConfigFor(env: Environment, policies: readonly GenesysPolicy[] = POLICIES): PackConfig {
  const config: PolicyConfig = {
    siteDomain: env.site.domain,
    ...(env.httpdHaPair ? { adminCidr: env.httpdHaPair.adminCidr } : {}),
    ...(env.recording ? { screenRecordingAgents: env.recording.tenants.reduce((sum, t) => sum + t.screenRecordingAgents, 0) } : {}),
  };
  return Object.fromEntries(policies.map((p) => [p.name, config]));
}

export function mandatoryViolations(report: PolicyReport): ReportedViolation[] {
  return report.violations.filter((v) => v.level === "mandatory");
}

export function formatViolation(v: ReportedViolation): string {
  const where = v.resource ? `${v.resource.type} "${v.resource.name}"` : "stack";
  return `${v.level.padEnd(9)} ${v.policy}  ${where}: ${v.message}`;
}

export const writePolicyReport: SynthStep = ({ stack, dir, shownDir = dir, run, environment: env }) => {
  const config = env ? packConfigFor(env) : {};
  const report = runPolicies(stack, policyResources(run, stack), config);
  writeFileSync(join(dir, POLICY_REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, PACK_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  const mandatory = mandatoryViolations(report);
  const advisory = report.violations.length - mandatory.length;
  const summary = ["", `Policies (${report.kind} stack, ${report.policies.length} policies): ${mandatory.length} mandatory violation(s), ${advisory} advisory`];
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
  if (advisory > 0) summary.push(`  (each finding in full: ${join(shownDir, POLICY_REPORT_FILE)})`);
  if (mandatory.length > 0) summary.push(`Policy check failed: ${mandatory.length} mandatory violation(s); see ${join(shownDir, POLICY_REPORT_FILE)}`);
  return { summary, failed: mandatory.length > 0 };
};
