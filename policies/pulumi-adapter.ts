/**
 * Turns the pure policies into the objects @pulumi/policy serves. Typed
 * structurally (no import of the SDK), so tests can drive the same wrappers
 * the pack runs. Each wrapper works out the stack context from the policy
 * config and the AWS providers' default tags, runs the check, and reports
 * every message: at the policy's configured level in production, advisory
 * elsewhere.
 */
import { AWS_PROVIDER } from "./aws-types";
import { POLICY_CONFIG_SCHEMA, policyContext, type PolicyConfig } from "./context";
import { evaluateResourcePolicy, evaluateStackPolicy } from "./evaluate";
import {
  notEvaluatedMessage,
  type EnforcementLevel,
  type GenesysPolicy,
  type NotEvaluated,
  type PolicyContext,
  type PolicyResource,
} from "./policy";

/** What the SDK passes a resource validation (the fields used here). */
export interface SdkResourceArgs {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  readonly provider?: { readonly props: Record<string, unknown> };
  getConfig<T extends object>(): T;
}

/** What the SDK passes a stack validation (the fields used here). */
export interface SdkStackArgs {
  readonly resources: readonly (PolicyResource & { readonly provider?: { readonly props: Record<string, unknown> } })[];
  getConfig<T extends object>(): T;
}

export type ReportViolation = (message: string, urn?: string) => void;

/**
 * The @pulumi/policy 1.21 server also takes a PolicyInfo object, whose
 * enforcementLevel overrides the policy's for that one diagnostic; the engine
 * fails a preview only on mandatory diagnostics.
 */
type ReportViolationInfo = (info: { message: string; urn?: string; enforcementLevel: EnforcementLevel }) => void;

function report(reportViolation: ReportViolation, context: PolicyContext, message: string, urn?: string): void {
  if (context.kind === "production") {
    reportViolation(message, urn);
  } else {
    (reportViolation as unknown as ReportViolationInfo)({ message, urn, enforcementLevel: "advisory" });
  }
}

/**
 * A policy that could not decide is said so, at advisory level as the SDK
 * reports a policy that met an unknown value: the preview goes on, `pulumi up`
 * evaluates it again on the real values, and nobody mistakes it for a pass.
 */
function reportNotEvaluated(reportViolation: ReportViolation, finding: NotEvaluated, urn?: string): void {
  (reportViolation as unknown as ReportViolationInfo)({
    message: notEvaluatedMessage(finding),
    urn,
    enforcementLevel: "advisory",
  });
}

interface PackPolicyBase {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly configSchema: typeof POLICY_CONFIG_SCHEMA;
}

export interface PackResourcePolicy extends PackPolicyBase {
  readonly validateResource: (args: SdkResourceArgs, reportViolation: ReportViolation) => void;
}

export interface PackStackPolicy extends PackPolicyBase {
  readonly validateStack: (args: SdkStackArgs, reportViolation: ReportViolation) => void;
}

export function toPackPolicy(policy: GenesysPolicy): PackResourcePolicy | PackStackPolicy {
  const base = {
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel,
    configSchema: POLICY_CONFIG_SCHEMA,
  };
  if (policy.kind === "resource") {
    return {
      ...base,
      validateResource: (args, reportViolation) => {
        if (!policy.resourceTypes.includes(args.type)) return;
        const context = policyContext(args.getConfig<PolicyConfig>(), args.provider ? [args.provider.props] : []);
        const resource: PolicyResource = {
          type: args.type,
          name: args.name,
          urn: args.urn,
          props: args.props,
          propertyDependencies: {},
        };
        const found = evaluateResourcePolicy(policy, resource, context);
        for (const v of found.violations) report(reportViolation, context, v.message, args.urn);
        for (const n of found.notEvaluated) reportNotEvaluated(reportViolation, n, args.urn);
      },
    };
  }
  return {
    ...base,
    validateStack: (args, reportViolation) => {
      const providers = args.resources.filter((r) => r.type === AWS_PROVIDER).map((r) => r.props);
      const context = policyContext(args.getConfig<PolicyConfig>(), providers);
      const found = evaluateStackPolicy(policy, args.resources, context);
      for (const v of found.violations) report(reportViolation, context, v.message, v.resource?.urn);
      for (const n of found.notEvaluated) reportNotEvaluated(reportViolation, n, n.resource?.urn);
    },
  };
}

export function toPackPolicies(policies: readonly GenesysPolicy[]): (PackResourcePolicy | PackStackPolicy)[] {
  return policies.map(toPackPolicy);
}
