/** Config problems: one per rejected value, each naming its key path, the value and what is allowed. */

export const CONFIG_NAMESPACE = "genesys";

export type PathSegment = string | number;

export interface ConfigProblem {
  /** Path inside the `genesys:` namespace, e.g. ["recording", "tenants", "t2", "rcs"]. */
  readonly path: readonly PathSegment[];
  /** The value received; `undefined` when the key was missing. */
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** `genesys:recording.tenants.t2.rcs.nodes.rcs1.appName`, `genesys:network.availabilityZones[1]`. */
export function formatKeyPath(path: readonly PathSegment[]): string {
  let text = `${CONFIG_NAMESPACE}:`;
  path.forEach((segment, i) => {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += i === 0 ? segment : `.${segment}`;
  });
  return text;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * One line per problem: `genesys:<path>: <value> <message>`, or `genesys:<path> <message>`
 * when the key is missing ("genesys:site.domain is required: …").
 */
export function formatProblem(problem: ConfigProblem): string {
  if (problem.value === undefined) return `${formatKeyPath(problem.path)} ${problem.message}`;
  return `${formatKeyPath(problem.path)}: ${describeValue(problem.value)} ${problem.message}`;
}

/** The report a refusal prints: a heading with the count, then one formatted problem per line. */
export function formatProblems(problems: readonly ConfigProblem[], heading = "The stack configuration"): string {
  return (
    `${heading} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
    problems.map((p) => `  - ${formatProblem(p)}`).join("\n")
  );
}

/** Thrown with every problem of a stack config; its message is the whole report, no stack needed. */
export class ConfigError extends Error {
  /**
   * Pulumi's program runner prints an error carrying this marker (its RunError's) as the
   * message alone, so a refusal thrown from a component reads the same under `pulumi up`
   * as in synth instead of ending in a stack trace. Set here because core/ never imports Pulumi.
   */
  readonly __pulumiRunError = true;

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}
