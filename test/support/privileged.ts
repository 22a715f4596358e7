/**
 * The one place tests get root for what needs it (mount and network
 * namespaces, a cluster's daemons, files a host's root owns). As root,
 * commands run as they are; as any other user they run through `sudo -n`,
 * which is how GitHub-hosted runners grant root (passwordless sudo). Without
 * either, the test fails loudly naming what it needed; it never skips.
 */
import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { collect } from "./netns";
import { isRoot, run } from "./real-servers";

let sudoWorks: boolean | undefined;

/** Throws unless this process is root or may use sudo without a password. */
export function requirePrivileges(what: string): void {
  if (isRoot()) return;
  if (sudoWorks === undefined) {
    try {
      execFileSync("sudo", ["-n", "true"], { stdio: "pipe", timeout: 10_000 });
      sudoWorks = true;
    } catch {
      sudoWorks = false;
    }
  }
  if (!sudoWorks) {
    throw new Error(
      `${what} needs root: run the tests as root or as a user with passwordless sudo (\`sudo -n true\` failed for uid ${process.getuid?.()}); ` +
        "set GENESYS_SKIP_REAL_SERVERS=1 to skip real-server tests explicitly",
    );
  }
}

/**
 * `[file, args]` that run `argv` as root with `env` added: unchanged as root,
 * else `sudo -n -- env K=V... argv` (sudo resets the environment and PATH).
 */
export function asRoot(argv: readonly string[], env: Readonly<Record<string, string>> = {}): [string, string[]] {
  if (isRoot()) {
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    return assignments.length === 0 ? [argv[0], argv.slice(1)] : ["env", [...assignments, ...argv]];
  }
  requirePrivileges(argv.join(" "));
  return ["sudo", ["-n", "--", "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv]];
}

/** Runs `argv` as root and returns stdout (stderr in the thrown error). */
export function runAsRoot(argv: readonly string[], options: { input?: string } = {}): string {
  const [file, args] = asRoot(argv);
  return run(file, args, options);
}

/**
 * Removes a directory this test created under the temp directory, including
 * what root processes wrote into it.
 */
export function removeTestDir(path: string): void {
  const full = resolve(path);
  if (!full.startsWith(join(tmpdir(), "/")))
    throw new Error(`${full} is not under ${tmpdir()}; only a test's own temp directories are removed`);
  try {
    rmSync(full, { recursive: true, force: true });
  } catch (error) {
    if (isRoot()) throw error;
    runAsRoot(["rm", "-rf", "--", full]);
  }
}

const ROOT_CALL = resolve(__dirname, "root-call.ts");
const TSX = resolve(__dirname, "../../node_modules/tsx/dist/cli.mjs");
/** The line before the result JSON on the root process's standard output. */
export const RESULT_MARKER = "--genesys-root-call-result--";

/**
 * Calls `exportName` of a test/support module in a root process (a direct call
 * when this process is root) and returns its result. Arguments and result
 * travel as JSON; the callee's own output is passed through to `log`.
 */
export async function callAsRoot<T>(
  module: string,
  exportName: string,
  args: readonly unknown[],
  timeoutMs: number,
  log: (text: string) => void = () => undefined,
): Promise<T> {
  const path = resolve(__dirname, module);
  if (isRoot()) {
    const loaded = (await import(path)) as Record<string, (...a: unknown[]) => Promise<T>>;
    return loaded[exportName](...args);
  }
  const [file, argv] = asRoot([process.execPath, TSX, ROOT_CALL, path, exportName, JSON.stringify(args)], {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
  });
  const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const result = await collect(child, timeoutMs);
  const at = result.stdout.lastIndexOf(`${RESULT_MARKER}\n`);
  log(`${at < 0 ? result.stdout : result.stdout.slice(0, at)}${result.stderr}`);
  if (result.code !== 0 || at < 0)
    throw new Error(`${exportName} as root exited with ${result.code}:\n${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout.slice(at + RESULT_MARKER.length + 1)) as T;
}
