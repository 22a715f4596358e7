/**
 * Entry point of a root process started by callAsRoot: calls one export of a
 * test/support module with JSON arguments and prints the JSON result after a
 * marker line. Only modules under test/support may be called.
 */
import { dirname, resolve } from "node:path";
import { RESULT_MARKER } from "./privileged";

async function main(): Promise<void> {
  const [module, exportName, argsJson] = process.argv.slice(2);
  const path = resolve(module);
  if (dirname(path) !== __dirname) throw new Error(`${path} is not a test/support module`);
  const loaded = (await import(path)) as Record<string, unknown>;
  const fn = loaded[exportName];
  if (typeof fn !== "function") throw new Error(`${module} exports no function ${exportName}`);
  const result: unknown = await (fn as (...args: unknown[]) => Promise<unknown>)(
    ...(JSON.parse(argsJson) as unknown[]),
  );
  process.stdout.write(`\n${RESULT_MARKER}\n${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
