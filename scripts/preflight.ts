/**
 * Before `pulumi up`: checks what only a real deployment needs (secrets set,
 * no sample values, certificate region, zone ids) on Pulumi.<stack>.yaml.
 * Exits 1 with every problem and the commands that set the missing secrets.
 *
 *   npm run preflight -- --stack prod [--dir DIR]
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { formatReport, preflight } from "../tools/preflight";

const USAGE = "usage: npm run preflight -- --stack <name> [--dir DIR]";

function parseArgs(argv: readonly string[]): { stack: string; dir: string } {
  let stack: string | undefined;
  let dir = resolve(__dirname, "..");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--stack") stack = argv[++i];
    else if (argv[i].startsWith("--stack=")) stack = argv[i].slice("--stack=".length);
    else if (argv[i] === "--dir") dir = resolve(argv[++i] ?? "");
    else throw new Error(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
  }
  if (!stack || !/^[A-Za-z0-9_.-]+$/.test(stack)) throw new Error(USAGE);
  return { stack, dir };
}

try {
  const { stack, dir } = parseArgs(process.argv.slice(2));
  const doc = parse(readFileSync(join(dir, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  } | null;
  const report = preflight(stack, doc?.config ?? {});
  console.log(formatReport(report));
  process.exit(report.problems.length === 0 ? 0 : 1);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
