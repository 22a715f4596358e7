/**
 * Defaults are given once, in the schema: a description may say where a default
 * comes from but never states its value, and the reference prints the value the
 * schema gives (for a `.prefault({})` object, what its fields' defaults make).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { effectiveDefault, restatedDefault, type JsonSchema } from "../../core/model/config-reference";
import { stackConfigSchema } from "../../core/model/schema";

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

/** Every node of a JSON schema with its key path. */
function nodes(schema: JsonSchema, path: string): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = [[path, schema]];
  for (const [key, child] of Object.entries(schema.properties ?? {})) found.push(...nodes(child, `${path}.${key}`));
  if (typeof schema.additionalProperties === "object")
    found.push(...nodes(schema.additionalProperties, `${path}.<key>`));
  if (schema.items) found.push(...nodes(schema.items, `${path}[]`));
  for (const alternative of [...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) found.push(...nodes(alternative, path));
  return found;
}

type AnySchema = z.core.$ZodType;

/** The fields of an object schema under its optional/default/prefault/pipe wrappers. */
function shapeOf(schema: AnySchema): Record<string, AnySchema> | undefined {
  let current: AnySchema | undefined = schema;
  for (let guard = 0; current && guard < 16; guard++) {
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "object") return def.shape as Record<string, AnySchema>;
    current = (def.innerType ?? def.in) as AnySchema | undefined;
  }
  return undefined;
}

describe("stack config defaults", () => {
  it("are stated once: no description of a key with a schema default states a value", () => {
    const restated = nodes(jsonSchema(stackConfigSchema), "genesys")
      .map(([path, node]) => [path, restatedDefault(node)])
      .filter(([, problem]) => problem !== undefined);
    expect(restated).toEqual([]);
  });

  it("a description that states a default, different from the schema's or the same, is caught", () => {
    const schema = jsonSchema(
      z.strictObject({
        differs: z.number().default(60).describe("Idle timeout, seconds. @default 61"),
        repeats: z.number().default(60).describe("Idle timeout, seconds. @default 60"),
        note: z.number().default(60).describe("Idle timeout, seconds. @default (the ALB's own default)"),
        computed: z.number().optional().describe("Port. @default the engine's own"),
      }),
    );
    const props = schema.properties as Record<string, JsonSchema>;
    expect(restatedDefault(props.differs)).toBe(
      `states "@default 61", but the schema's default is 60: give the value once, in .default(), and keep only a note in parentheses`,
    );
    expect(restatedDefault(props.repeats)).toContain(`states "@default 60"`);
    expect(restatedDefault(props.note)).toBeUndefined();
    expect(restatedDefault(props.computed)).toBeUndefined();
  });

  it("the reference's default of every key is what parsing the config without that key gives", () => {
    const compared: string[] = [];
    const check = (zod: AnySchema, json: JsonSchema, path: string) => {
      const parsed = z.safeParse(zod, undefined);
      if (parsed.success && parsed.data !== undefined) {
        expect(effectiveDefault(json), path).toEqual(parsed.data);
        compared.push(path);
      }
      const shape = shapeOf(zod);
      for (const [key, child] of Object.entries(shape ?? {})) {
        const childJson = json.properties?.[key];
        if (childJson) check(child, childJson, `${path}.${key}`);
      }
    };
    check(stackConfigSchema, jsonSchema(stackConfigSchema), "genesys");
    // The objects whose defaults come from their fields' (prefault) are among those compared.
    expect(compared).toEqual(
      expect.arrayContaining([
        "genesys.hardening",
        "genesys.instances",
        "genesys.httpdHaPair.corosync",
        "genesys.httpdHaPair.provisioning",
        "genesys.framework.capacity",
        "genesys.framework.ports",
      ]),
    );
  });
});
