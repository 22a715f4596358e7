/**
 * One presenter for every way synth refuses: usage, an unknown stack, a stack
 * file that is not YAML, config problems (from the model or from a component),
 * and anything unexpected. Each prints as text for a person: never an object
 * dump, never a stack trace unless --traces asks for it.
 */
import { formatProblems, type ConfigProblem } from "../core/model/problems";
import { AwsInputRuleError } from "./aws-rules";
import { StackFileError, UnknownStackError } from "./stack-file";

// Recognised by shape, not by importing the SDK, so refusals that come before the
// program (usage, stack files) print without loading Pulumi.

/** What the program threw, out of mock-run's ProgramFailure (which carries it with the resources registered). */
function unwrap(error: unknown): unknown {
  if (error instanceof Error && "resources" in error && "cause" in error) return error.cause;
  return error;
}

/** Pulumi's RunError marker: a message written for the operator, printed without a stack. */
function isRunError(error: unknown): error is Error {
  return error instanceof Error && (error as { __pulumiRunError?: unknown }).__pulumiRunError === true;
}

/** Wrong command line; its message ends with the usage line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function problemsOf(error: unknown): readonly ConfigProblem[] | undefined {
  if (error === null || typeof error !== "object" || !("problems" in error)) return undefined;
  const problems = (error as { problems: unknown }).problems;
  return Array.isArray(problems) ? (problems as ConfigProblem[]) : undefined;
}

/** The text synth prints on stderr for `error`. */
export function presentRefusal(error: unknown, options: { readonly traces?: boolean } = {}): string {
  const cause = unwrap(error);
  const problems = problemsOf(cause);
  if (problems) return formatProblems(problems);
  if (cause instanceof UsageError || cause instanceof UnknownStackError) return cause.message;
  // A resource input AWS would reject: the message names resource, input, value and rule.
  if (cause instanceof AwsInputRuleError) return cause.message;
  if (cause instanceof StackFileError) return `The stack file cannot be read: ${cause.message}`;
  // The program's own refusals (RunError) and a missing or malformed reviewed pack config are already written for the operator.
  if (isRunError(cause) || (cause instanceof Error && cause.name === "PackConfigError")) return cause.message;
  const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const stack = options.traces && cause instanceof Error && cause.stack ? `\n${cause.stack}` : "";
  return `Synth failed unexpectedly: ${message}${stack}${options.traces ? "" : "\n(run again with --traces for where it failed)"}`;
}
