/**
 * Offline synth: runs the real program (index.ts) under the SDK's mocks with a
 * stack file's config, writes out/<stack>/ and prints a summary. No cloud
 * credentials, no Pulumi CLI.
 *
 *   npm run synth -- --stack dev
 */
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AwsInputRuleError } from "../tools/aws-rules";
import { ProgramFailure, runUnderMocks } from "../tools/mock-run";
import { withOfflineSecrets } from "../tools/offline-secrets";
import { readStackFile } from "../tools/stack-file";
import { SYNTH_STEPS } from "../tools/synth-steps";

const USAGE = "usage: npm run synth -- --stack <dev|prod> [--out DIR] [--traces]";

function parseArgs(argv: readonly string[]): { stack: string; outDir: string; traces: boolean } {
  let stack: string | undefined;
  let outDir = "out";
  let traces = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--stack") stack = argv[++i];
    else if (argv[i] === "--traces") traces = true;
    else if (argv[i].startsWith("--stack=")) stack = argv[i].slice("--stack=".length);
    else if (argv[i] === "--out") outDir = argv[++i];
    else throw new Error(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
  }
  if (!stack || !/^[A-Za-z0-9_.-]+$/.test(stack)) throw new Error(USAGE);
  return { stack, outDir, traces };
}

async function main(): Promise<number> {
  const { stack, outDir, traces } = parseArgs(process.argv.slice(2));
  if (!traces) {
    // The SDK records a source-mapped stack trace per resource and per promise: most of the time
    // and memory of a large synth. Config problems need none; --traces keeps them for debugging.
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
  const root = resolve(__dirname, "..");
  const stackFile = readStackFile(stack, root);
  const started = process.hrtime.bigint();
  const secrets = withOfflineSecrets(stackFile.config);
  const run = await runUnderMocks({ stack, config: secrets.config, secretKeys: [...stackFile.secretKeys, ...secrets.added] }, async () => (await import("../index")).default);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const dir = resolve(root, outDir, stack);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let failed = false;
  const lines: string[] = [`Stack ${stack}: ${run.resources.length} resources registered offline in ${elapsedMs.toFixed(0)} ms`];
  const placeholders = [...stackFile.secretKeys, ...secrets.added];
  if (placeholders.length > 0) lines.push(`Secrets replaced by offline placeholders: ${placeholders.join(", ")}`);
  for (const step of SYNTH_STEPS) {
    const result = await step({ stack, dir, run });
    lines.push(...result.summary);
    failed ||= result.failed === true;
  }
  lines.push(`Wrote ${dir}`);
  console.log(lines.join("\n"));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Config problems and usage errors are for people, not stack traces.
    const cause = error instanceof ProgramFailure ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    const isUserError = cause instanceof pulumi.RunError || cause instanceof AwsInputRuleError || message.startsWith("usage:") || message.startsWith("unknown argument");
    console.error(isUserError ? message : cause);
    process.exit(1);
  },
);
