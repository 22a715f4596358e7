/**
 * Stack config -> validated Environment. Pure: takes the raw `genesys:*`
 * config strings and returns the model or every problem at once, including
 * what the systems' balancing plans (core/plan) cannot build.
 */
import { z } from "zod";
import { planProblems } from "../plan/registry";
import { resolveEnvironment, type Environment } from "./environment";
import { CONFIG_NAMESPACE, type ConfigProblem, type PathSegment } from "./problems";
import { configWarnings, RULES } from "./rules";
import { SECRET_CONFIG_KEYS, stackConfigSchema, type StackConfig } from "./schema";

const SECRET_KEYS = new Set<string>(Object.values(SECRET_CONFIG_KEYS));

interface LoadResult {
  readonly environment?: Environment;
  readonly problems: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

/** Pulumi hands structured config as JSON text and scalars as plain text. */
function decodeValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Keeps the plain `genesys:` keys of a Pulumi config map, decoded; secrets stay with Pulumi. */
export function namespaceValues(raw: Readonly<Record<string, string>>): Record<string, unknown> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (SECRET_KEYS.has(key)) continue;
    values[key] = decodeValue(text);
  }
  return values;
}

type AnySchema = z.core.$ZodType;

/** The schema that validates the value at `path`, unwrapped from optional/default wrappers. */
function schemaAt(schema: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  let rest = [...path];
  for (let guard = 0; current && guard < 64; guard++) {
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
        current = def.innerType as AnySchema;
        continue;
      case "pipe":
        current = def.in as AnySchema;
        continue;
      case "object": {
        if (rest.length === 0) return current;
        const shape = def.shape as Record<string, AnySchema>;
        const [head, ...tail] = rest;
        current = shape[String(head)];
        rest = tail;
        continue;
      }
      case "record":
      case "array": {
        if (rest.length === 0) return current;
        current = (def.type === "record" ? def.valueType : def.element) as AnySchema;
        rest = rest.slice(1);
        continue;
      }
      default:
        return rest.length === 0 ? current : undefined;
    }
  }
  return undefined;
}

function objectShape(schema: AnySchema | undefined): Record<string, AnySchema> | undefined {
  const def = schema?._zod.def as unknown as { type: string; shape?: Record<string, AnySchema> } | undefined;
  return def?.type === "object" ? def.shape : undefined;
}

/** The object keys a schema accepts at `path`, for "allowed:" hints on unknown keys. */
function allowedKeysAt(schema: AnySchema, path: readonly PathSegment[]): string[] | undefined {
  const shape = objectShape(schemaAt(schema, path));
  return shape ? Object.keys(shape) : undefined;
}

/** A schema's own description, without its `@default` note. */
function descriptionOf(schema: AnySchema | undefined): string | undefined {
  let current = schema;
  for (let guard = 0; current && guard < 8; guard++) {
    const text = (current as { description?: string }).description;
    if (text) return text.replace(/\s*@default .*$/, "").replace(/\.$/, "");
    const def = current._zod.def as unknown as { innerType?: AnySchema; in?: AnySchema };
    current = def.innerType ?? def.in;
  }
  return undefined;
}

const A_TYPE: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "a map",
};

/** "is required …" for a missing key: what it is and what to set, in the operator's words. */
function requiredMessage(path: readonly PathSegment[], expected: string): string {
  const schema = schemaAt(stackConfigSchema, path);
  const described = descriptionOf(schema);
  const about = described ? ` (${described})` : "";
  const shape = objectShape(schema);
  const dotted = path.filter((s): s is string => typeof s === "string").join(".");
  if (shape) {
    const keys = Object.entries(shape);
    // optin is set ("optional", "defaulted") on keys that may be left out.
    const required = keys.filter(([, s]) => s._zod.optin === undefined).map(([k]) => `${dotted}.${k}`);
    const optional = keys.filter(([, s]) => s._zod.optin !== undefined).map(([k]) => `${dotted}.${k}`);
    const what =
      required.length > 0
        ? `set ${required.join(", ")}${optional.length > 0 ? `, and optionally ${optional.join(", ")}` : ""}`
        : `set any of ${optional.join(", ")}`;
    return `is required${about}: ${what}; see docs/CONFIG.md`;
  }
  return `is required${about}: set it to ${A_TYPE[expected] ?? expected}; see docs/CONFIG.md`;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function zodProblems(error: z.ZodError, input: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeysAt(stackConfigSchema, path);
      for (const unknownKey of issue.keys) {
        problems.push({
          path: [...path, unknownKey],
          value: valueAt(input, [...path, unknownKey]),
          message: `is not a known key${allowed ? `; allowed: ${allowed.join(", ")}` : ""}`,
        });
      }
      continue;
    }
    const value = issue.code === "custom" && "input" in issue ? issue.input : valueAt(input, path);
    if (issue.code === "invalid_key") {
      const badKey = path[path.length - 1];
      problems.push({
        path,
        value: badKey,
        message: `is not an allowed name: ${issue.issues.map((i) => i.message).join("; ")}`,
      });
      continue;
    }
    let message = issue.message;
    if (value === undefined && issue.code === "invalid_type") message = requiredMessage(path, issue.expected);
    else if (issue.code === "invalid_type") message = `has the wrong type: expected ${issue.expected}`;
    else if (issue.code === "invalid_value") {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(", ");
      message =
        value === undefined ? requiredMessage(path, `one of ${allowed}`) : `is not allowed; allowed: ${allowed}`;
    } else if (issue.code === "too_small" && issue.origin === "array" && message.startsWith("Too small"))
      message = `must list at least ${String(issue.minimum)} item${issue.minimum === 1 ? "" : "s"}`;
    else if (issue.code === "too_big" && issue.origin === "array" && message.startsWith("Too big"))
      message = `must list at most ${String(issue.maximum)} item${issue.maximum === 1 ? "" : "s"}`;
    problems.push({ path, value, message });
  }
  return problems;
}

/** Validates and resolves; never throws for bad input. */
export function loadEnvironment(raw: Readonly<Record<string, string>>): LoadResult {
  const input = namespaceValues(raw);
  const reserved = reservedKeys(input, []);
  if (reserved.length > 0) return { problems: reserved, warnings: [] };
  const parsed = stackConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { problems: zodProblems(parsed.error, input), warnings: [] };
  const config: StackConfig = parsed.data;
  const problems = RULES.flatMap((rule) => rule(config));
  if (problems.length > 0) return { problems, warnings: [] };
  const environment = resolveEnvironment(config);
  // What a balancer cannot route as configured (ALB quotas, values equal without case) is a config error too.
  const planned = planProblems(environment);
  if (planned.length > 0) return { problems: planned, warnings: [] };
  return { environment, problems: [], warnings: configWarnings(config) };
}

/**
 * Keys no stack config may use: the schema's records would drop them without
 * a word (an object's `__proto__` is its prototype, not an entry), so a
 * tenant or node named so would vanish from the stack.
 */
const RESERVED_KEYS = new Set(["__proto__"]);

function reservedKeys(value: unknown, path: readonly PathSegment[]): ConfigProblem[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => reservedKeys(item, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return Object.keys(value).flatMap((key) =>
    RESERVED_KEYS.has(key)
      ? [
          {
            path: [...path, key],
            value: key,
            message: `${JSON.stringify(key)} cannot be a key here; use letters, digits, '_' or '-' as this section's keys allow`,
          },
        ]
      : reservedKeys((value as Record<string, unknown>)[key], [...path, key]),
  );
}
