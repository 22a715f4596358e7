/**
 * Reads Pulumi.<stack>.yaml into the flat key -> string map the Pulumi engine
 * hands a program. `secure:` values cannot be decrypted offline; they are
 * replaced by placeholders and reported as secret keys. A file that is missing
 * or is not YAML is refused with where and why, like any other config problem.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseDocument, type YAMLError } from "yaml";

export interface StackFile {
  readonly stack: string;
  /** Absolute path of the stack file. */
  readonly path: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** Pulumi.<stack>.yaml is not YAML (or not a mapping): file, line, column, the reason and the lines around it. */
export class StackFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly position?: { readonly line: number; readonly column: number },
    readonly excerpt: readonly string[] = [],
  ) {
    super(
      `${file}${position ? `, line ${position.line}, column ${position.column}` : ""}: ${reason}${excerpt.length > 0 ? `\n${excerpt.join("\n")}` : ""}`,
    );
    this.name = "StackFileError";
  }
}

/** No Pulumi.<stack>.yaml in the project directory; names the stacks that do exist. */
export class UnknownStackError extends Error {
  constructor(
    readonly stack: string,
    readonly dir: string,
    readonly available: readonly string[],
  ) {
    super(
      `There is no stack file Pulumi.${stack}.yaml in ${dir}. ` +
        (available.length > 0 ? `Stacks here: ${available.join(", ")}.` : "No Pulumi.<stack>.yaml exists here.") +
        ` To make a stack of your own, copy one (cp Pulumi.dev.yaml Pulumi.${stack}.yaml) and edit it.`,
    );
    this.name = "UnknownStackError";
  }
}

/** The stack names with a Pulumi.<stack>.yaml in `dir`, sorted. */
export function stackNames(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => /^Pulumi\.(.+)\.ya?ml$/.exec(name)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** The nearest directory from `start` upwards that holds a Pulumi.yaml, as the Pulumi CLI finds its project. */
export function findProjectDir(start: string): string | undefined {
  let dir = resolve(start);
  for (let guard = 0; guard < 64; guard++) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

export function encodeConfigValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The line of the error and the one before, numbered, with a caret under the column. */
function excerptAt(text: string, line: number, column: number): string[] {
  const lines = text.split(/\r?\n/);
  const width = String(line).length;
  const shown: string[] = [];
  for (let n = Math.max(1, line - 1); n <= line && n <= lines.length; n++)
    shown.push(`  ${String(n).padStart(width)} | ${lines[n - 1]}`);
  shown.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column - 1))}^`);
  return shown;
}

function parseError(file: string, text: string, error: YAMLError): StackFileError {
  // The library's message repeats the position and its own excerpt after " at line …".
  const reason = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "");
  const start = error.linePos?.[0];
  if (!start) return new StackFileError(file, reason);
  return new StackFileError(
    file,
    reason,
    { line: start.line, column: start.col },
    excerptAt(text, start.line, start.col),
  );
}

export function readStackFile(stack: string, dir = process.cwd()): StackFile {
  const name = `Pulumi.${stack}.yaml`;
  const path = join(dir, name);
  if (!existsSync(path)) throw new UnknownStackError(stack, dir, stackNames(dir));
  const text = readFileSync(path, "utf8");
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw parseError(name, text, doc.errors[0]);
  const root = doc.toJS() as unknown;
  if (root !== null && (typeof root !== "object" || Array.isArray(root))) {
    throw new StackFileError(name, "must be a YAML mapping with a `config:` key");
  }
  const configSection = (root as { config?: unknown } | null)?.config ?? {};
  if (configSection === null || typeof configSection !== "object" || Array.isArray(configSection)) {
    throw new StackFileError(name, "`config:` must be a mapping of keys such as genesys:region");
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(configSection)) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      config[key] = `offline-placeholder-for-${key}`;
      secretKeys.push(key);
      continue;
    }
    config[key] = encodeConfigValue(value);
  }
  return { stack, path, config, secretKeys };
}
