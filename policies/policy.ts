/**
 * What a policy is, independent of the Pulumi policy SDK: a name, a rule-like
 * description and a pure check over resources as the engine hands them to a
 * policy pack. The pack entry (index.ts) and the offline report both run these.
 */

export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

/** The stack kinds of the environment model (core/model/schema.ts ENVIRONMENT_KINDS). */
export type StackKind = "production" | "development";

/**
 * A resource as a policy sees it: type token, logical name, URN and the input
 * properties the SDK serialized (camelCase). Links between resources are
 * `propertyDependencies` (input property -> resources whose outputs it uses),
 * because ids and ARNs of resources not yet created are unknown in a preview.
 */
export interface PolicyResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly parent?: PolicyResource;
  readonly propertyDependencies: Readonly<Record<string, readonly PolicyResource[]>>;
}

/** Facts about the stack that resources alone do not carry; see context.ts. */
export interface PolicyContext {
  readonly kind: StackKind;
  /** The website's domain (site.domain); balancers must live under it. */
  readonly siteDomain?: string;
  /** The only CIDR allowed to reach SSH (httpdHaPair.adminCidr). */
  readonly adminCidr?: string;
  /** Screen-recording agents logged in at once, over every tenant. */
  readonly screenRecordingAgents?: number;
}

export interface Violation {
  readonly message: string;
  /** The resource that breaks the rule; absent for a stack-wide finding. */
  readonly resource?: PolicyResource;
}

/**
 * A policy could not decide: an input it needs is not known yet (in a
 * preview, what derives from resources still to be created), or a resource
 * lacks the tags that say what it serves. Reported as "not evaluated", never
 * as a pass.
 */
export interface NotEvaluated {
  /** The input, e.g. `create of command:remote:Command "pair-ip1-stage-conf-httpd.conf"`. */
  readonly notEvaluated: string;
  /** Why the input cannot be read. @default "unknown at preview" */
  readonly because?: string;
  readonly resource?: PolicyResource;
}

export function isNotEvaluated(finding: unknown): finding is NotEvaluated {
  return typeof finding === "object" && finding !== null && typeof (finding as NotEvaluated).notEvaluated === "string";
}

/** The message a not-evaluated finding carries in reports and diagnostics. */
export function notEvaluatedMessage(finding: Pick<NotEvaluated, "notEvaluated" | "because">): string {
  return `not evaluated: ${finding.notEvaluated} ${finding.because ?? "unknown at preview"}`;
}

interface PolicyBase {
  /** kebab-case, unique in the pack. */
  readonly name: string;
  /** Starts "Checks that…". */
  readonly description: string;
  /** Level in a production stack; every other stack gets advisory (enforcement.ts). */
  readonly enforcementLevel: EnforcementLevel;
}

/** Runs once per resource of the listed types, before the resource is created. */
export interface ResourcePolicy extends PolicyBase {
  readonly kind: "resource";
  readonly resourceTypes: readonly string[];
  /** Returns rule-phrased messages; empty when the resource complies. */
  readonly check: (resource: PolicyResource, context: PolicyContext) => (string | NotEvaluated)[];
}

/** Runs once over every resource of the stack. */
export interface StackPolicy extends PolicyBase {
  readonly kind: "stack";
  readonly check: (resources: readonly PolicyResource[], context: PolicyContext) => (Violation | NotEvaluated)[];
}

export type GenesysPolicy = ResourcePolicy | StackPolicy;
