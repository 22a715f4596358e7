/**
 * Things kept in one place, checked over the program's source: stack config
 * (secrets included) is read only by components/stack-config.ts, AWS type
 * tokens are spelled only in policies/aws-types.ts, and the Genesys systems'
 * component type tokens and the tags the policies read only in
 * core/plan/identity.ts.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const SOURCE_DIRS = ["components", "core", "policies", "tools", "scripts", "bench"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules") return [];
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Each source file's code, comment lines left out (they may quote a token to explain it). */
const files = [join(root, "index.ts"), ...SOURCE_DIRS.flatMap((d) => sources(join(root, d)))].map((path) => ({
  path: relative(root, path),
  text: readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => !/^\s*(?:\*|\/\/|\/\*)/.test(line))
    .join("\n"),
}));

const where = (pattern: RegExp) => files.filter((f) => pattern.test(f.text)).map((f) => f.path);

describe("one place", () => {
  it("reads stack config and its secrets only in components/stack-config.ts", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(where(/new pulumi\.Config\(|runtime\.allConfig\(|\.(?:get|require)Secret\(/)).toEqual([
      "components/stack-config.ts",
    ]);
  });

  it("spells AWS resource type tokens only in policies/aws-types.ts", () => {
    expect(where(/["'`]aws:[a-z0-9]+\/[a-zA-Z0-9]+:[A-Z][A-Za-z0-9]*["'`]/)).toEqual(["policies/aws-types.ts"]);
  });

  it("spells the Genesys systems' component type tokens and the tags the policies read only in core/plan/identity.ts", () => {
    expect(
      where(
        /["'`]genesys:(?:webengagement|cobrowse|recording):[A-Z]\w*["'`]|["'`]genesys:httpd:HttpdHaPair["'`]|["'`]genesys:(?:system|tier|tenant|service)["'`]/,
      ),
    ).toEqual(["core/plan/identity.ts"]);
  });
});
