/**
 * A real Apache httpd run from rendered config files: a fresh temp server
 * root, a free loopback port, `httpd -DFOREGROUND` as a direct child (PidFile,
 * logs and shared memory inside the temp root), stopped by its handle.
 *
 * Which httpd: Debian's apache2 (`debianHttpd()`) by default, or any
 * `HttpdServer`, e.g. the 2.4.37 source build (`httpd2437()` in
 * httpd-source.ts). Configs are rendered for the server's release unless the
 * test asks for another one (a RHEL 8 config on Debian's httpd).
 */
import { asRoot } from "./privileged";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ConfigFile } from "../../core/render/common/config-file";
import { isHttpdRelease } from "../../core/render/httpd/modules";
import type { HttpdSiteOptions } from "../../core/render/httpd/site";
import { httpdsUnderTest as httpdsFor, type HttpdServer, type HttpdUnderTest } from "./httpd-source";
import { freePort, waitFor } from "./ports";
import { requireBinary } from "./real-servers";

export { HTTPD_BUILD_TIMEOUT_MS, type HttpdServer, type HttpdUnderTest } from "./httpd-source";

export const DEBIAN_MODULES_DIR = "/usr/lib/apache2/modules";

export function apacheBinary(): string {
  return requireBinary("apache2", "apache2-bin");
}

/** The httpds suites run on: 2.4.37 (skipped, with its reason, where its source is absent) and Debian's. */
export function httpdsUnderTest(): HttpdUnderTest[] {
  return httpdsFor(debianHttpd);
}

let debian: HttpdServer | undefined;

/** Debian's httpd (apache2-bin), with the release `apache2 -v` reports. */
export function debianHttpd(): HttpdServer {
  if (debian) return debian;
  const binary = apacheBinary();
  const version = spawnSync(binary, ["-v"], { encoding: "utf8" }).stdout ?? "";
  const release = /Apache\/(\d+\.\d+\.\d+)/.exec(version)?.[1];
  if (release === undefined || !isHttpdRelease(release))
    throw new Error(`cannot read the httpd release from '${binary} -v': ${version}`);
  debian = { label: `Debian httpd ${release}`, binary, modulesDir: DEBIAN_MODULES_DIR, release, ssl: true };
  return debian;
}

export interface ApacheRoot {
  /** Temp server root; runtime files go to run/, logs to logs/. */
  readonly root: string;
  readonly port: number;
  /** Removes the temp root (after the instance has stopped). */
  remove(): void;
}

export async function apacheRoot(): Promise<ApacheRoot> {
  const root = mkdtempSync(join(tmpdir(), "genesys-httpd-"));
  mkdirSync(join(root, "run"));
  mkdirSync(join(root, "logs"));
  const port = await freePort();
  return { root, port, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Options that run a rendered site under `root` on 127.0.0.1:port with the
 * server's module files, rendered for the server's release unless `extra`
 * names another.
 */
export function testSiteOptions(
  root: ApacheRoot,
  extra: HttpdSiteOptions = {},
  server: HttpdServer = debianHttpd(),
): HttpdSiteOptions {
  return {
    release: server.release,
    serverRoot: root.root,
    modulesDir: server.modulesDir,
    listen: { address: "127.0.0.1", port: root.port },
    // Only root switches users; Debian has no "apache" account.
    runAs: { user: "nobody", group: "nogroup" },
    ...extra,
  };
}

export function writeConfigFiles(files: readonly ConfigFile[]): void {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }
}

export interface ConfigCheck {
  readonly ok: boolean;
  readonly output: string;
}

/** `httpd -t`: syntax and module check of a written config. */
export function apacheConfigTest(
  configFile: string,
  extraArgs: readonly string[] = [],
  server: HttpdServer = debianHttpd(),
): ConfigCheck {
  const result = spawnSync(server.binary, ["-t", "-f", configFile, ...extraArgs], {
    encoding: "utf8",
    timeout: 20_000,
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** Module identifiers a config loads (built-in ones included), from `apache2 -t -D DUMP_MODULES`. */
export function loadedModules(configFile: string): string[] {
  const check = apacheConfigTest(configFile, ["-D", "DUMP_MODULES"]);
  if (!check.ok) throw new Error(`apache2 -t failed:\n${check.output}`);
  return [...check.output.matchAll(/^\s+(\w+_module) \((?:static|shared)\)$/gm)].map((m) => m[1]);
}

export interface ApacheInstance {
  readonly port: number;
  readonly root: string;
  readonly configFile: string;
  readonly process: ChildProcess;
  errorLog(): string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Direct children of `pid` (Linux /proc), i.e. httpd's worker processes. */
function childPids(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks).flatMap((tid) => {
    try {
      return readFileSync(join(tasks, tid, "children"), "utf8")
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  });
}

function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Writes the files, checks them with `apache2 -t` and starts httpd in the
 * foreground. The first file is the main config.
 */
/**
 * The command that runs httpd seeing `hosts` (name -> address) as its
 * /etc/hosts, in a mount namespace of its own: member names resolve for it
 * the way the rendered config expects (on AWS, through the VPC resolver) while
 * the machine's /etc/hosts stays untouched.
 */
function withHostsFile(argv: readonly string[], root: ApacheRoot, hosts: Readonly<Record<string, string>>): string[] {
  const file = join(root.root, "hosts");
  const lines = ["127.0.0.1 localhost", ...Object.entries(hosts).map(([name, address]) => `${address} ${name}`)];
  writeFileSync(file, `${lines.join("\n")}\n`);
  const unshare = requireBinary("unshare", "util-linux");
  // unshare execs the shell and the shell execs httpd: the child's handle is httpd itself.
  return [
    unshare,
    "--mount",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    'mount --bind "$0" /etc/hosts && exec "$@"',
    file,
    ...argv,
  ];
}

export async function startApache(
  files: readonly ConfigFile[],
  root: ApacheRoot,
  options: {
    asRoot?: boolean;
    server?: HttpdServer;
    /** Name -> address httpd resolves through its own /etc/hosts (needs root: a mount namespace). */
    hosts?: Readonly<Record<string, string>>;
  } = {},
): Promise<ApacheInstance> {
  const server = options.server ?? debianHttpd();
  writeConfigFiles(files);
  const configFile = files[0].path;
  const check = apacheConfigTest(configFile, [], server);
  if (!check.ok) throw new Error(`${server.label}: httpd -t rejected ${configFile}:\n${check.output}`);
  const errorLogPath = join(root.root, "logs", "error_log");
  const errorLog = () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, "utf8") : "");
  let output = "";
  // As root, like httpd on a host (through sudo -n when the tests are not root; sudo relays SIGTERM to it).
  const httpd = [server.binary, "-f", configFile, "-DFOREGROUND"];
  const argv = options.hosts ? withHostsFile(httpd, root, options.hosts) : httpd;
  const [file, args] = options.asRoot || options.hosts ? asRoot(argv) : [argv[0], argv.slice(1)];
  const child = spawn(file, args, { detached: false, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    if (await exited(child, 1_000)) return;
    // A worker still tunnelling a half-closed WebSocket waits for its backend; httpd itself
    // would take ~10 s to give up on it. End httpd's own workers by pid, then httpd.
    for (const pid of childPids(child.pid)) killPid(pid);
    if (!(await exited(child, 5_000))) {
      child.kill("SIGKILL");
      await exited(child, 5_000);
    }
  };
  try {
    await waitFor(
      async () => child.exitCode !== null || (await accepts(root.port)),
      10_000,
      `apache2 on 127.0.0.1:${root.port}`,
    );
    if (child.exitCode !== null) throw new Error(`apache2 exited with ${child.exitCode}`);
  } catch (error) {
    await stop();
    throw new Error(`${server.label} did not start (${(error as Error).message}):\n${output}\n${errorLog()}`);
  }
  return { port: root.port, root: root.root, configFile, process: child, errorLog, stop };
}
