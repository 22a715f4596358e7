/** The Pulumi project and stack files are what `pulumi up --stack dev|prod` will read. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { renderConfigReference } from "../../core/model/config-reference";
import { loadEnvironment } from "../../core/model/load";
import { stackConfigSchema } from "../../core/model/schema";
import { readStackFile } from "../../tools/stack-file";

const root = resolve(__dirname, "../..");
const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("Pulumi.yaml", () => {
  it("is a TypeScript nodejs project named for the config namespace, with a local file backend", () => {
    expect(project.name).toBe("genesys");
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
    expect(project.backend.url).toMatch(/^file:\/\//);
    expect(project.main).toBe("index.ts");
  });

  it("declares only keys the schema knows, with types Pulumi accepts", () => {
    const schemaKeys = Object.keys(stackConfigSchema.shape);
    for (const [key, decl] of Object.entries(project.config as Record<string, { type: string; description: string }>)) {
      expect(schemaKeys).toContain(key);
      expect(["string", "integer", "boolean", "array"]).toContain(decl.type);
      expect(decl.description.length).toBeGreaterThan(10);
    }
  });
});

describe.each(["dev", "prod"])("Pulumi.%s.yaml", (stack) => {
  it("uses only genesys: keys and validates without problems", () => {
    const file = readStackFile(stack, root);
    expect(Object.keys(file.config).every((k) => k.startsWith("genesys:"))).toBe(true);
    expect(loadEnvironment(file.config).problems).toEqual([]);
  });
});

describe("docs/CONFIG.md", () => {
  it("is the reference generated from the current schema (run npm run docs:config)", () => {
    expect(readFileSync(join(root, "docs/CONFIG.md"), "utf8")).toBe(renderConfigReference());
  });
});
