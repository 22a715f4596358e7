/**
 * The stack config reference, generated from the zod schema (types, defaults,
 * allowed values, patterns, descriptions), so documentation cannot drift.
 */
import { z } from "zod";
import { CONFIG_NAMESPACE } from "./problems";
import { SECRET_CONFIG_KEYS, stackConfigSchema } from "./schema";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue?: unknown;
  readonly allowed: string;
  readonly description: string;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return "string";
  if (schema.type === "array") return `${schema.items ? typeOf(schema.items) : "any"}[]`;
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object") return "map";
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return schema.type ?? (schema.anyOf ? schema.anyOf.map(typeOf).join(" | ") : "any");
}

function allowedOf(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.enum) parts.push(schema.enum.map((v) => `\`${String(v)}\``).join(", "));
  if (schema.pattern) parts.push(`pattern \`${schema.pattern}\``);
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? "…"} to ${schema.maximum ?? "…"}`);
  if (schema.minItems !== undefined || schema.maxItems !== undefined) parts.push(`${schema.minItems ?? 0} to ${schema.maxItems ?? "…"} items`);
  if (schema.type === "array" && schema.items) {
    const inner = allowedOf(schema.items);
    if (inner) parts.push(`each: ${inner}`);
  }
  if (schema.propertyNames?.pattern) parts.push(`keys: \`${schema.propertyNames.pattern}\``);
  return parts.join("; ");
}

function walk(schema: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  const isMap = schema.type === "object" && typeof schema.additionalProperties === "object";
  rows.push({
    path,
    type: typeOf(schema),
    required,
    defaultValue: schema.default,
    allowed: allowedOf(schema),
    description: (schema.description ?? "").replace(/\s*@default .*$/, ""),
  });
  if (schema.properties) {
    for (const [key, child] of Object.entries(schema.properties)) {
      walk(child, `${path}.${key}`, schema.required?.includes(key) ?? false, rows);
    }
  }
  if (isMap) walk(schema.additionalProperties as JsonSchema, `${path}.<key>`, true, rows);
  if (schema.type === "array" && schema.items?.properties) walk(schema.items, `${path}[]`, true, rows);
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderConfigReference(): string {
  const json = z.toJSONSchema(stackConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const lines = [
    "# Stack configuration reference",
    "",
    "Generated from `core/model/schema.ts` by `npm run docs:config`; a test fails when it is stale.",
    `Every key lives in the \`${CONFIG_NAMESPACE}:\` namespace of \`Pulumi.<stack>.yaml\`. Unknown keys are errors.`,
    "Cross-field rules (production needs balancers, multi-AZ and TLS; hostnames under `site.domain`;",
    "unique routes and application names; exactly one Framework master site…) live in `core/model/rules.ts`.",
    "",
    "| key | type | required | default | allowed | description |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const [key, child] of Object.entries(json.properties ?? {})) {
    const rows: Row[] = [];
    walk(child, `${CONFIG_NAMESPACE}:${key}`, json.required?.includes(key) ?? false, rows);
    for (const row of rows) {
      const def = row.defaultValue === undefined ? "" : `\`${JSON.stringify(row.defaultValue)}\``;
      lines.push(`| \`${row.path}\` | ${row.type} | ${row.required ? "yes" : ""} | ${cell(def)} | ${cell(row.allowed)} | ${cell(row.description)} |`);
    }
  }
  lines.push("", "## Secrets", "", "Set with `pulumi config set --secret genesys:<key> < file`; never part of the plain model.", "");
  for (const key of Object.values(SECRET_CONFIG_KEYS)) lines.push(`- \`${CONFIG_NAMESPACE}:${key}\``);
  return `${lines.join("\n")}\n`;
}
