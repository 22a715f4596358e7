/**
 * Runs one policy and sorts what it found into violations and "not
 * evaluated". A check that touched an unknown input (through `read`, or by
 * touching it directly, which throws as the SDK's preview proxies do) and
 * found nothing wrong has not passed: it is reported "not evaluated", never
 * as a silent pass. The pack adapter and the offline report both use this.
 */
import {
  isNotEvaluated,
  type NotEvaluated,
  type PolicyContext,
  type PolicyResource,
  type ResourcePolicy,
  type StackPolicy,
  type Violation,
} from "./policy";
import { trackUnknownReads } from "./props";

export interface PolicyOutcome {
  readonly violations: readonly Violation[];
  readonly notEvaluated: readonly NotEvaluated[];
}

/** The SDK's UnknownValueError (and the offline stand-in) carry the kind of unknown value they met. */
function isUnknownValueError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (error.name === "UnknownValueError" ||
      error.constructor.name === "UnknownValueError" ||
      "unknownTypeSentinel" in error)
  );
}

function outcome(
  run: () => readonly (Violation | NotEvaluated)[],
  resources: readonly PolicyResource[],
  subject?: PolicyResource,
): PolicyOutcome {
  let findings: readonly (Violation | NotEvaluated)[];
  let unknownInputs: string[];
  try {
    ({ result: findings, unknownInputs } = trackUnknownReads(run, resources));
  } catch (error) {
    if (!isUnknownValueError(error)) throw error;
    return { violations: [], notEvaluated: [{ notEvaluated: error.message, resource: subject }] };
  }
  const violations = findings.filter((f): f is Violation => !isNotEvaluated(f));
  const notEvaluated = findings.filter(isNotEvaluated);
  if (violations.length === 0 && notEvaluated.length === 0 && unknownInputs.length > 0) {
    const shown =
      unknownInputs.slice(0, 3).join(", ") + (unknownInputs.length > 3 ? ` and ${unknownInputs.length - 3} more` : "");
    return { violations, notEvaluated: [{ notEvaluated: shown, resource: subject }] };
  }
  return { violations, notEvaluated };
}

export function evaluateResourcePolicy(
  policy: ResourcePolicy,
  resource: PolicyResource,
  context: PolicyContext,
): PolicyOutcome {
  return outcome(
    () =>
      policy
        .check(resource, context)
        .map((f) => (typeof f === "string" ? { message: f, resource } : { resource, ...f })),
    [resource],
    resource,
  );
}

export function evaluateStackPolicy(
  policy: StackPolicy,
  resources: readonly PolicyResource[],
  context: PolicyContext,
): PolicyOutcome {
  return outcome(() => policy.check(resources, context), resources);
}
