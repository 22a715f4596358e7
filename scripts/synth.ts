/**
 * Offline synth: runs the real program (index.ts) under the SDK's mocks with a
 * stack file's config, writes out/<stack>/ and prints a summary. No cloud
 * credentials, no Pulumi CLI.
 *
 *   npm run synth -- --stack dev
 *   npm run synth -- --stack prod --preview   # as the engine's first preview of a new stack
 *
 * The stack file is Pulumi.<stack>.yaml of the project directory: the nearest
 * folder with a Pulumi.yaml from where the command was started, as for the
 * Pulumi CLI (this repository when there is none).
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { INPUT_RULES } from "../tools/aws-rules";
import { removeStaleOutput, stageOutput } from "../tools/output-swap";
import { presentRefusal, UsageError } from "../tools/refusal";
import { findProjectDir, readStackFile } from "../tools/stack-file";
import { collectRuntimeWarnings, formatWarningGroups, groupWarnings } from "../tools/warning-groups";

const USAGE =
  "usage: npm run synth -- --stack <name> [--preview] [--out DIR] [--traces]   (<name>: a Pulumi.<name>.yaml of the project, e.g. dev, prod)";

interface Args {
  readonly stack: string;
  readonly outDir?: string;
  readonly traces: boolean;
  /** Register as the engine's first preview of a new stack: ids, ARNs and addresses unknown. */
  readonly preview: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let stack: string | undefined;
  let outDir: string | undefined;
  let traces = false;
  let preview = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--stack") stack = argv[++i];
    else if (argv[i] === "--traces") traces = true;
    else if (argv[i] === "--preview") preview = true;
    else if (argv[i].startsWith("--stack=")) stack = argv[i].slice("--stack=".length);
    else if (argv[i] === "--out") outDir = argv[++i];
    else if (argv[i].startsWith("--out=")) outDir = argv[i].slice("--out=".length);
    else throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
  }
  if (stack === undefined) throw new UsageError(`--stack is required\n${USAGE}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack))
    throw new UsageError(
      `--stack ${JSON.stringify(stack)} is not a stack name (letters, digits, '_', '.', '-')\n${USAGE}`,
    );
  if (outDir === "") throw new UsageError(`--out needs a folder\n${USAGE}`);
  return { stack, outDir, traces, preview };
}

/** A path as the operator would type it from where they started the command. */
function shown(path: string, from: string): string {
  const rel = relative(from, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

async function synth(
  args: Args,
  projectDir: string,
  finalDir: string,
  shownDir: string,
): Promise<{ lines: string[]; failed: boolean }> {
  const stackFile = readStackFile(args.stack, projectDir);
  // The SDK and the program load only once the stack file reads: refusals before that are instant.
  const [
    { loadEnvironment },
    { secretNeeds },
    { runUnderMocks },
    { withOfflineSecrets },
    { PREVIEW_STEPS, SYNTH_STEPS },
  ] = await Promise.all([
    import("../core/model/load"),
    import("../core/model/secrets"),
    import("../tools/mock-run"),
    import("../tools/offline-secrets"),
    import("../tools/synth-steps"),
  ]);
  const started = process.hrtime.bigint();
  const secrets = withOfflineSecrets(stackFile.config);
  const warnings = collectRuntimeWarnings();
  let run;
  try {
    run = await runUnderMocks(
      {
        stack: args.stack,
        config: secrets.config,
        secretKeys: [...stackFile.secretKeys, ...secrets.added],
        preview: args.preview,
      },
      async () => (await import("../index")).default,
    );
  } finally {
    warnings.stop();
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  // The program accepted this config, so the model loads.
  const environment = loadEnvironment(stackFile.config).environment;
  if (!environment) throw new Error("the program ran but the stack config does not load");

  const lines = [
    `Stack ${args.stack} (${shown(stackFile.path, process.env.INIT_CWD ?? process.cwd())}, ${environment.isProduction ? "production" : "development"}): ${run.resources.length} resources registered offline${args.preview ? " as a first preview (ids, ARNs and addresses unknown)" : ""} in ${elapsedMs.toFixed(0)} ms`,
    `Provider auto-names applied; ${INPUT_RULES.length} AWS input rules (tools/aws-rules.ts) hold for every resource`,
  ];
  if (args.preview)
    lines.push("Preview: rendered configs need the deployed addresses; run synth without --preview for them");
  const used = secretNeeds(environment);
  if (used.length > 0) {
    const fromFile = new Set(stackFile.secretKeys);
    const names = used.map(
      (s) => `${s.key}${s.required ? "" : " (optional)"}${fromFile.has(s.key) ? " (encrypted in the stack file)" : ""}`,
    );
    lines.push(
      `Secrets this stack reads (offline placeholders here; set them with pulumi config set --secret): ${names.join(", ")}`,
    );
  }
  const staged = stageOutput(finalDir);
  let failed = false;
  try {
    for (const step of args.preview ? PREVIEW_STEPS : SYNTH_STEPS) {
      const result = await step({
        stack: args.stack,
        dir: staged.dir,
        shownDir,
        run,
        environment,
        projectDir,
        config: secrets.config,
      });
      lines.push(...result.summary);
      failed ||= result.failed === true;
    }
  } catch (error) {
    staged.discard();
    throw error;
  }
  staged.commit();
  lines.push(...formatWarningGroups(groupWarnings(warnings.stop())));
  lines.push("", `Wrote ${shownDir}${failed ? " (complete and current; the run failed on its policy report)" : ""}`);
  return { lines, failed };
}

async function main(): Promise<number> {
  const from = process.env.INIT_CWD ?? process.cwd();
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(presentRefusal(error));
    return 1;
  }
  if (!args.traces) {
    // The SDK records a source-mapped stack trace per resource and per promise: most of the time
    // and memory of a large synth. Refusals need none; --traces keeps them for debugging.
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
  const projectDir = findProjectDir(from) ?? resolve(__dirname, "..");
  const finalDir =
    args.outDir === undefined ? join(projectDir, "out", args.stack) : resolve(from, args.outDir, args.stack);
  const shownDir = shown(finalDir, from);
  try {
    const { lines, failed } = await synth(args, projectDir, finalDir, shownDir);
    console.log(lines.join("\n"));
    return failed ? 1 : 0;
  } catch (error) {
    console.error(presentRefusal(error, { traces: args.traces }));
    if (removeStaleOutput(finalDir))
      console.error(`Removed ${shownDir} from an earlier run: it would no longer match Pulumi.${args.stack}.yaml.`);
    else console.error(`Nothing written to ${shownDir}.`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(presentRefusal(error));
    process.exit(1);
  },
);
