/**
 * Every way `npm run synth` refuses, fed through the real entry: npm run synth
 * started from a temporary project folder (its own Pulumi.yaml and stack files),
 * as an operator with their own stacks would. Each refusal prints text for a
 * person in one form: no JavaScript object dumps, no stack frames. A failed run
 * leaves no output that looks current; a good run replaces out/<stack> whole.
 */
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

const root = resolve(__dirname, "../..");
const project = mkdtempSync(join(tmpdir(), "genesys-own-project-"));
const exec = promisify(execFile);
/**
 * Each test starts npm, tsx and (past the stack file) the Pulumi SDK: a few seconds alone,
 * measured up to 46 s at load average 20 on 2 cores. Generous, not a performance bound.
 */
const RUN_TIMEOUT = 180_000;
afterAll(() => rmSync(project, { recursive: true, force: true }));

copyFileSync(join(root, "Pulumi.yaml"), join(project, "Pulumi.yaml"));

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run synth -- <args>` of this repository, started in the temporary project. */
async function synth(...args: string[]): Promise<Result> {
  return exec("npm", ["run", "--silent", "--prefix", root, "synth", "--", ...args], {
    cwd: project,
    timeout: RUN_TIMEOUT,
    env: { ...process.env, INIT_CWD: undefined },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof e.code === "number" ? e.code : 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    }),
  );
}

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Writes Pulumi.<name>.yaml into the project: a real stack file with `edit` applied to its config. */
function stackFile(name: string, from: "dev" | "prod", edit: (config: Config) => void): string {
  const doc = parse(readFileSync(join(root, `Pulumi.${from}.yaml`), "utf8")) as { config: Config };
  edit(doc.config);
  writeFileSync(join(project, `Pulumi.${name}.yaml`), stringify(doc));
  return name;
}

/** What no refusal may print: object dumps (`{ code: …`, `[Array]`, `errno`) and stack frames. */
function expectPlainText(text: string): void {
  expect(text).not.toMatch(/\{ *\n? *[A-Za-z_]+: |\[Array\]|\[Object\]|errno|\[\w*Error[:\]]/);
  expect(text).not.toMatch(/^\s+at \S/m);
  expect(text).not.toContain("[runtime]");
}

/** Every problem line names a key path first: `  - genesys:<path>: <value> <message>` or `  - genesys:<path> <message>`. */
function problemLines(stderr: string): string[] {
  const lines = stderr.split("\n").filter((l) => l.startsWith("  - "));
  for (const line of lines) expect(line).toMatch(/^ {2}- genesys:[A-Za-z][\w.[\]-]*(: | )\S/);
  return lines;
}

const tenants = (count: number, pin: boolean) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `t${i + 1}`,
      {
        ...(pin ? { alb: 1 } : {}),
        rws: { nodes: { [`t${i + 1}rws1`]: {} } },
        rp: { nodes: { [`t${i + 1}rp1`]: {} } },
        rcs: { nodes: { [`t${i + 1}rcs1`]: {} } },
        webdav: { nodes: { [`t${i + 1}dav1`]: {} } },
      },
    ]),
  );

interface Case {
  readonly name: string;
  readonly stack: () => string;
  /** The lines stderr must contain, in the operator's words. */
  readonly says: readonly (string | RegExp)[];
  /** Problem lines expected (config problems only). */
  readonly problems?: number;
}

const CASES: Case[] = [
  {
    name: "a stack file that is not YAML: file, line, column and a caret under the spot",
    stack: () => {
      const text = readFileSync(join(root, "Pulumi.dev.yaml"), "utf8").replace(
        "    availabilityZones: [eu-west-1a, eu-west-1b]",
        "   availabilityZones: [eu-west-1a, eu-west-1b]",
      );
      writeFileSync(join(project, "Pulumi.badindent.yaml"), text);
      return "badindent";
    },
    says: [
      /^The stack file cannot be read: Pulumi\.badindent\.yaml, line 8, column \d+: .+$/m,
      /^ {2}8 \| {4}availabilityZones: \[eu-west-1a, eu-west-1b\]$/m,
      /^ {4}\| +\^$/m,
    ],
  },
  {
    name: "a duplicate key in the stack file",
    stack: () => {
      writeFileSync(
        join(project, "Pulumi.twice.yaml"),
        "config:\n  genesys:region: eu-west-1\n  genesys:region: eu-west-2\n",
      );
      return "twice";
    },
    says: [/^The stack file cannot be read: Pulumi\.twice\.yaml, line 3, column 3: Map keys must be unique$/m],
  },
  {
    name: "an unknown stack: the stacks that exist and how to make one",
    stack: () => "nosuch",
    says: [
      /There is no stack file Pulumi\.nosuch\.yaml in .+\. Stacks here: .*\bdev\b.*\./,
      "cp Pulumi.dev.yaml Pulumi.nosuch.yaml",
    ],
  },
  {
    name: "a missing section: is required, and what to set",
    stack: () => stackFile("nosite", "dev", (c) => delete c["genesys:site"]),
    says: [
      "  - genesys:site is required (The public website the Genesys systems serve): set site.domain, and optionally site.hostedZoneId; see docs/CONFIG.md",
    ],
    problems: 1,
  },
  {
    name: "a value of the wrong type",
    stack: () => stackFile("porttext", "dev", (c) => (c["genesys:webEngagement85"].nodes.GWE_Node_1.port = "9081")),
    says: ['  - genesys:webEngagement85.nodes.GWE_Node_1.port: "9081" has the wrong type: expected number'],
    problems: 1,
  },
  {
    name: "values one ALB cannot tell apart (differ only in case)",
    stack: () =>
      stackFile("caseclash", "dev", (c) => {
        c["genesys:webEngagement85"].albStickiness = "perNodeValue";
        c["genesys:webEngagement85"].nodes.GWE_Node_1.appName = "Gwe_A";
        c["genesys:webEngagement85"].nodes.GWE_Node_2.appName = "gwe_a";
      }),
    says: [
      '  - genesys:webEngagement85.nodes.GWE_Node_2.appName: "gwe_a" matches "Gwe_A" on an ALB, which compares cookie and URL values without regard to case',
    ],
    problems: 1,
  },
  {
    name: "a cluster with more rules than one ALB holds",
    stack: () =>
      stackFile("manyrules", "dev", (c) =>
        Object.assign(c["genesys:cobrowse"], {
          albStickiness: "perNodeValue",
          nodes: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`cb${i + 1}`, { nodeId: String(i + 1) }])),
        }),
      ),
    says: [
      /^ {2}- genesys:cobrowse\.nodes: \{"rules":\d+,"targetGroups":41\} need more listener rules or target groups than one ALB holds \(100 rules, 100 target groups\)/m,
    ],
    problems: 1,
  },
  {
    name: "recording tenants pinned to one ALB beyond its quota",
    stack: () => stackFile("pinned", "dev", (c) => (c["genesys:recording"].tenants = tenants(30, true))),
    says: [
      /^ {2}- genesys:recording\.tenants: .* are pinned to ALB 1 and need \d+ rules and \d+ target groups; one ALB holds 100 rules and 100 target groups/m,
    ],
    problems: 1,
  },
  {
    name: "the pair's VIP outside the pair's subnet (a rule that must hold is an error)",
    stack: () => stackFile("vipout", "prod", (c) => (c["genesys:httpdHaPair"].virtualIp.address = "10.50.10.250")),
    says: [
      '  - genesys:httpdHaPair.virtualIp.address: "10.50.10.250" must be inside the pair\'s subnet 10.50.128.0/20',
    ],
    problems: 1,
  },
];

describe("npm run synth refuses in one form", () => {
  it.each(CASES)(
    "$name",
    async (c) => {
      const stack = c.stack();
      const result = await synth("--stack", stack);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toBe("");
      expectPlainText(result.stderr);
      for (const expected of c.says) {
        if (typeof expected === "string") expect(result.stderr).toContain(expected);
        else expect(result.stderr).toMatch(expected);
      }
      const problems = problemLines(result.stderr);
      if (c.problems !== undefined) {
        expect(problems).toHaveLength(c.problems);
        expect(result.stderr).toMatch(new RegExp(`^The stack configuration has ${c.problems} problems?:$`, "m"));
      }
      expect(result.stderr).toMatch(new RegExp(`^Nothing written to out/${stack}\\.$`, "m"));
    },
    RUN_TIMEOUT,
  );

  it(
    "names a wrong command line with the usage, which allows any stack name",
    async () => {
      for (const args of [
        ["--stack", "dev", "--colour"],
        ["--stack", "../etc"],
      ]) {
        const result = await synth(...args);
        expect(result.code).toBe(1);
        expectPlainText(result.stderr);
        expect(result.stderr).toContain("usage: npm run synth -- --stack <name> [--preview] [--out DIR] [--traces]");
      }
    },
    2 * RUN_TIMEOUT,
  );
});

describe("out/<stack> after a run", () => {
  const out = join(project, "out", "mine");
  const staging = () =>
    readdirSync(join(project, "out")).filter((name) => name.includes("staging") || name.includes("replaced"));

  it(
    "is written whole by a good run, in place of the previous output",
    async () => {
      stackFile("mine", "dev", () => undefined);
      // The README's own-stack recipe: the new stack's reviewed policy reference values, from dev's.
      mkdirSync(join(project, "policies", "config"), { recursive: true });
      copyFileSync(join(root, "policies", "config", "dev.json"), join(project, "policies", "config", "mine.json"));
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "left-from-an-old-run.json"), "{}");
      const result = await synth("--stack", "mine");
      expect(result.code, result.stderr).toBe(0);
      expectPlainText(result.stdout);
      expect(result.stdout).toMatch(/^Wrote out\/mine$/m);
      expect(existsSync(join(out, "left-from-an-old-run.json"))).toBe(false);
      const outputs = JSON.parse(readFileSync(join(out, "outputs.json"), "utf8")) as Record<string, unknown>;
      expect(outputs.environment).toBe("development");
      expect(JSON.parse(readFileSync(join(out, "plan.json"), "utf8")).outputs).toEqual(outputs);
      expect(staging()).toEqual([]);
    },
    RUN_TIMEOUT,
  );

  it(
    "is removed by a failed run, which says so",
    async () => {
      expect(existsSync(join(out, "plan.json"))).toBe(true);
      stackFile("mine", "dev", (c) => (c["genesys:region"] = "moon-1"));
      const result = await synth("--stack", "mine");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('  - genesys:region: "moon-1" must be an AWS region code');
      expect(result.stderr).toMatch(
        /^Removed out\/mine from an earlier run: it would no longer match Pulumi\.mine\.yaml\.$/m,
      );
      expect(existsSync(out)).toBe(false);
      expect(staging()).toEqual([]);
    },
    RUN_TIMEOUT,
  );
});
