/**
 * The GitHub workflows run what this repository has: package.json scripts,
 * stack files, the install script, the policy pack and the pack config synth
 * writes. A renamed script, stack or file breaks these tests, not CI.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packConfigPath } from "../../tools/policy-report";
import { workflowJobScript } from "../../tools/workflow-steps";

const root = resolve(__dirname, "../..");

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly "working-directory"?: string;
}

interface Job {
  readonly needs?: string | string[];
  readonly environment?: string;
  readonly strategy?: { readonly matrix?: { readonly stack?: string[] } };
  readonly steps: Step[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const workflow = (name: string) => parse(readFileSync(join(root, ".github/workflows", name), "utf8")) as Workflow;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  engines: { node: string };
};
const usesAction = (step: Step, action: string) => step.uses?.split("@")[0] === action;

/** Node majors an engines range admits: `^20.19.0 || ^22.12.0` -> 20, 22; `>=20.19 <23` -> 20, 21, 22. */
function majorsAllowed(range: string): number[] {
  return range.split("||").flatMap((alternative) => {
    const caret = /^\s*\^(\d+)\./.exec(alternative);
    if (caret) return [Number(caret[1])];
    const span = /^\s*>=(\d+)[.\d]*\s+<(\d+)\s*$/.exec(alternative);
    if (!span) throw new Error(`unsupported engines range ${JSON.stringify(alternative)}`);
    return Array.from({ length: Number(span[2]) - Number(span[1]) }, (_, i) => Number(span[1]) + i);
  });
}

/** Every shell command of every step, one per line. */
function commands(w: Workflow): { job: string; step: Step; command: string }[] {
  return Object.entries(w.jobs).flatMap(([job, j]) =>
    j.steps.flatMap((step) =>
      (step.run ?? "")
        .split("\n")
        .map((c) => c.trim())
        .filter((c) => c && !c.startsWith("#"))
        .map((command) => ({ job, step, command })),
    ),
  );
}

/** Replaces `${{ matrix.stack }}` with each stack of the job's matrix. */
function expand(text: string, job: Job): string[] {
  const matrix = job.strategy?.matrix?.stack;
  return text.includes("${{ matrix.stack }}")
    ? (matrix ?? []).map((s) => text.replace(/\$\{\{ matrix\.stack \}\}/g, s))
    : [text];
}

describe.each(["pull-request.yml", "deploy.yml"])("%s", (file) => {
  const w = workflow(file);

  it("runs only npm scripts that package.json defines, on stacks that have a stack file", () => {
    for (const { job, command } of commands(w)) {
      const script = /^npm run ([\w:-]+)/.exec(command)?.[1];
      if (script) expect(pkg.scripts, `${file} ${job}: ${command}`).toHaveProperty(script);
      for (const expanded of expand(command, w.jobs[job])) {
        const stack = /--stack (\S+)/.exec(expanded)?.[1];
        if (stack) expect(existsSync(join(root, `Pulumi.${stack}.yaml`)), `${file}: ${expanded}`).toBe(true);
      }
      if (command.startsWith("npm "))
        expect(command, `${file}: ${command}`).toMatch(/^npm (ci|test|run [\w:-]+( -- .*)?)$/);
    }
  });

  it("sets up the Node version package.json supports", () => {
    const setups = Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => usesAction(s, "actions/setup-node")));
    expect(setups.length).toBeGreaterThan(0);
    for (const s of setups)
      expect(majorsAllowed(pkg.engines.node), `node-version ${String(s.with?.["node-version"])}`).toContain(
        Number(s.with?.["node-version"]),
      );
  });

  it("runs pulumi with the policy pack and the stack's reviewed pack config (the one synth judged it by), after installing the pack", () => {
    for (const [name, job] of Object.entries(w.jobs)) {
      job.steps.forEach((step, i) => {
        if (!usesAction(step, "pulumi/actions")) return;
        expect(step.with?.policyPacks, name).toBe("policies");
        expect(existsSync(join(root, "policies/PulumiPolicy.yaml"))).toBe(true);
        const before = job.steps.slice(0, i);
        expect(
          before.some((s) => s["working-directory"] === "policies" && s.run === "npm ci"),
          `${name}: npm ci in policies/`,
        ).toBe(true);
        expect(
          before.some((s) => usesAction(s, "aws-actions/configure-aws-credentials")),
          `${name}: AWS credentials`,
        ).toBe(true);
        expect(existsSync(join(root, "policies/package-lock.json"))).toBe(true);
        for (const stack of expand(String(step.with?.["stack-name"]), job)) {
          expect(existsSync(join(root, `Pulumi.${stack}.yaml`)), `${name}: stack ${stack}`).toBe(true);
          const config = expand(String(step.with?.policyPackConfigs), job).find((c) => c.endsWith(`/${stack}.json`));
          expect(config).toBe(packConfigPath(stack));
          expect(existsSync(join(root, packConfigPath(stack)))).toBe(true);
          const synths = before
            .flatMap((s) => expand(s.run ?? "", job))
            .map((run) => /npm run synth -- --stack (\S+)/.exec(run)?.[1]);
          expect(synths, `${name}: synth ${stack} before pulumi`).toContain(stack);
        }
      });
    }
  });
});

describe.each(["pull-request.yml", "deploy.yml"])("%s pins the Pulumi CLI", (file) => {
  it("to the release of the @pulumi/pulumi SDK package.json pins, on every pulumi step", () => {
    const sdk = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }
    ).dependencies["@pulumi/pulumi"];
    expect(sdk).toMatch(/^\d+\.\d+\.\d+$/);
    const steps = Object.values(workflow(file).jobs).flatMap((j) =>
      j.steps.filter((s) => usesAction(s, "pulumi/actions")),
    );
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(step.with?.["pulumi-version"]).toBe(sdk);
  });
});

describe("scripts/workflow-steps.ts", () => {
  it("turns the pull-request test job into the same run lines, in order", () => {
    const script = workflowJobScript(readFileSync(join(root, ".github/workflows/pull-request.yml"), "utf8"), "test");
    const runs = [...script.matchAll(/^bash -euo pipefail -c '(.*)'$/gm)].map((m) => m[1]);
    expect(runs).toEqual(
      workflow("pull-request.yml")
        .jobs.test.steps.map((s) => s.run)
        .filter(Boolean),
    );
  });
});

describe("pull-request.yml", () => {
  const w = workflow("pull-request.yml");

  it("runs on pull requests: install script, npm ci, npm test, then synth of every stack", () => {
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    const runs = w.jobs.test.steps.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual([
      "sudo bash scripts/install-debian-packages.sh",
      "npm ci",
      "npm test",
      "npm run synth -- --stack dev",
      "npm run synth -- --stack prod",
    ]);
    expect(existsSync(join(root, "scripts/install-debian-packages.sh"))).toBe(true);
    const stackFiles = ["dev", "prod"].filter((s) => existsSync(join(root, `Pulumi.${s}.yaml`)));
    expect(w.jobs.preview.strategy?.matrix?.stack).toEqual(stackFiles);
  });

  it("previews every stack with a PR comment, and skips cleanly without secrets (forks)", () => {
    const preview = w.jobs.preview;
    expect(preview.needs).toBe("test");
    const check = preview.steps[0];
    expect(check.id).toBe("credentials");
    expect(check.run).toContain('echo "present=true" >> "$GITHUB_OUTPUT"');
    expect(check.run).toContain('echo "present=false" >> "$GITHUB_OUTPUT"');
    for (const secret of ["AWS_ROLE_ARN", "PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"])
      expect(check.env?.[secret]).toBe(`\${{ secrets.${secret} }}`);
    for (const step of preview.steps.slice(1))
      expect(step.if, step.name ?? step.uses ?? step.run).toBe("steps.credentials.outputs.present == 'true'");
    const pulumi = preview.steps.find((s) => usesAction(s, "pulumi/actions"))!;
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "comment-on-pr": true,
      "stack-name": "${{ matrix.stack }}",
    });
    expect(w.permissions).toMatchObject({ "pull-requests": "write", "id-token": "write" });
  });
});

describe("deploy.yml", () => {
  const w = workflow("deploy.yml");

  it("deploys dev, then prod behind the production environment's approval, on pushes to main", () => {
    expect(w.on).toEqual({ push: { branches: ["main"] } });
    const up = (job: Job) => job.steps.find((s) => usesAction(s, "pulumi/actions"))?.with;
    expect(up(w.jobs.dev)).toMatchObject({ command: "up", "stack-name": "dev" });
    expect(up(w.jobs.prod)).toMatchObject({ command: "up", "stack-name": "prod" });
    expect(w.jobs.prod.needs).toBe("dev");
    expect(w.jobs.prod.environment).toBe("production");
  });

  it("runs preflight of the same stack before pulumi up, so a template or a missing secret stops before anything is created", () => {
    for (const [name, job] of Object.entries(w.jobs)) {
      const up = job.steps.findIndex((s) => usesAction(s, "pulumi/actions"));
      const stack = String(job.steps[up].with?.["stack-name"]);
      const preflight = job.steps.findIndex((s) => s.run === `npm run preflight -- --stack ${stack}`);
      expect(preflight, `${name}: preflight`).toBeGreaterThanOrEqual(0);
      expect(preflight, name).toBeLessThan(up);
    }
  });
});
