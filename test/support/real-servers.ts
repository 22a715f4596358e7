/**
 * Real-server tests need Debian binaries. They fail loudly when one is missing;
 * only an explicit GENESYS_SKIP_REAL_SERVERS=1 turns them into skips.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const REAL_SERVERS_OPTED_OUT = process.env.GENESYS_SKIP_REAL_SERVERS === "1";

const SEARCH_PATH = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"];

/** Absolute path of `binary`, or throws naming the package and the install script. */
export function requireBinary(binary: string, debianPackage: string): string {
  for (const dir of SEARCH_PATH) {
    const candidate = `${dir}/${binary}`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${binary} is not installed (Debian package ${debianPackage}). Run 'sudo bash scripts/install-debian-packages.sh', ` +
      `or set GENESYS_SKIP_REAL_SERVERS=1 to skip real-server tests explicitly.`,
  );
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Runs a command and returns stdout; stderr is included in the thrown error. */
export function run(command: string, args: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  return execFileSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}
