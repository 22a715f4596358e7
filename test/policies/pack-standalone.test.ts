/**
 * The pack on its own, as the Pulumi CLI runs it: a checkout without the
 * project's node_modules, `npm ci` in policies/ only, then the pack started
 * by the SDK's run-policy-pack (ts-node, type-checking) in policies/ and
 * asked over the analyzer protocol what it holds. Every module the pack
 * reaches outside policies/ must need nothing but other such modules.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/catalog";

const root = resolve(__dirname, "../..");
const exec = promisify(execFile);

/** Module specifiers a TypeScript file imports (static imports and re-exports). */
function importsOf(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
}

/** Files the pack's entry reaches through relative imports, and the packages each file imports. */
function packGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (graph.has(file)) continue;
    const specifiers = importsOf(file);
    graph.set(
      file,
      specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:")),
    );
    for (const s of specifiers.filter((x) => x.startsWith("."))) queue.push(resolve(dirname(file), `${s}.ts`));
  }
  return graph;
}

describe("the pack's import graph", () => {
  it("reaches outside policies/ only modules that import no package, so policies/node_modules suffices", () => {
    const outside = [...packGraph(join(root, "policies/index.ts")).entries()].filter(
      ([file]) => !file.startsWith(join(root, "policies/")),
    );
    expect(outside.length).toBeGreaterThan(3);
    expect(
      outside
        .filter(([, packages]) => packages.length > 0)
        .map(([file, packages]) => `${relative(root, file)}: ${packages.join(", ")}`),
    ).toEqual([]);
  });

  it("would see the defect of importing the model's schema (zod) from a policy", () => {
    expect(packGraph(join(root, "core/model/schema.ts")).get(join(root, "core/model/schema.ts"))).toContain("zod");
  });
});

describe("the pack installed and started on its own", () => {
  const copy = mkdtempSync(join(tmpdir(), "genesys-pack-alone-"));
  const packDir = join(copy, "policies");
  let pack: ChildProcess | undefined;
  const output: string[] = [];

  beforeAll(async () => {
    const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(listed.status).toBe(0);
    for (const file of listed.stdout
      .split("\0")
      .filter((f) => f && !f.includes("node_modules/") && existsSync(join(root, f)))) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(root, file), join(copy, file));
    }
    await exec("npm", ["ci", "--no-audit", "--no-fund"], { cwd: packDir, timeout: 240_000 });
  }, 300_000);

  afterAll(() => {
    pack?.kill("SIGTERM");
    rmSync(copy, { recursive: true, force: true });
  });

  it("has no project node_modules to lean on", () => {
    expect(existsSync(join(copy, "node_modules"))).toBe(false);
    expect(existsSync(join(packDir, "node_modules/@pulumi/policy/package.json"))).toBe(true);
  });

  it("starts as the CLI starts it and announces every policy", async () => {
    const packRequire = createRequire(join(packDir, "package.json"));
    const pulumiRequire = createRequire(packRequire.resolve("@pulumi/pulumi/package.json"));
    pack = spawn(process.execPath, [packRequire.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], {
      cwd: packDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    pack.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    pack.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const deadline = Date.now() + 150_000;
    let port: string | undefined;
    while (!port) {
      port = /^(\d+)\s*$/m.exec(output.join(""))?.[1];
      if (pack.exitCode !== null) throw new Error(`the pack exited on its own: ${output.join("")}`);
      if (!port && Date.now() > deadline) throw new Error(`the pack printed no port: ${output.join("")}`);
      if (!port) await new Promise((r) => setTimeout(r, 200));
    }
    /* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC modules are untyped */
    const grpc: any = packRequire("@grpc/grpc-js");
    const services: any = pulumiRequire("./proto/analyzer_grpc_pb");
    const Empty: any = pulumiRequire("google-protobuf/google/protobuf/empty_pb").Empty;
    const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const info: any = await new Promise((done, fail) =>
        client.getAnalyzerInfo(new Empty(), (error: Error | null, r: unknown) => (error ? fail(error) : done(r))),
      );
      expect(info.getPoliciesList().map((p: any) => p.getName())).toEqual(POLICIES.map((p) => p.name));
    } finally {
      client.close();
    }
    /* eslint-enable @typescript-eslint/no-explicit-any */
  }, 200_000);
});
