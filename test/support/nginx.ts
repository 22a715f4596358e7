/**
 * A real nginx (Debian's /usr/sbin/nginx) serving rendered config text: its own
 * prefix in a fresh temp dir (pid, logs, the five temp paths), a free loopback
 * port, `daemon off` so the child handle is the master process. Stopped by that
 * handle, with its process group as the fallback so no worker outlives a test.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { freePort, waitFor } from "./ports";
import { requireBinary } from "./real-servers";

export interface ConfigFile {
  /** Relative to the prefix, where nginx.conf lives. */
  readonly path: string;
  readonly content: string;
}

export interface NginxSite {
  readonly prefix: string;
  readonly port: number;
}

export interface RunningNginx extends NginxSite {
  readonly child: ChildProcess;
  /** The instance's error log (the rendered config writes it under the prefix). */
  errorLog(): string;
  stop(): Promise<void>;
}

export const MAIN_CONFIG = "nginx.conf";

export function nginxBinary(): string {
  return requireBinary("nginx", "nginx");
}

/** A fresh prefix directory; workers (nobody, when started as root) must be able to enter it. */
export function makePrefix(): string {
  const prefix = mkdtempSync(join(tmpdir(), "genesys-nginx-"));
  chmodSync(prefix, 0o755);
  return prefix;
}

export function writeConfig(prefix: string, files: readonly ConfigFile[]): void {
  for (const file of files) {
    const target = resolve(prefix, file.path);
    if (!target.startsWith(prefix + sep)) throw new Error(`config file ${file.path} escapes the prefix`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
}

/** `nginx -t` on the config in `prefix`: ok, and everything nginx said (warnings included). */
export function checkConfig(prefix: string): { ok: boolean; output: string } {
  const result = spawnSync(nginxBinary(), ["-t", "-q", "-p", `${prefix}/`, "-c", MAIN_CONFIG], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return {
    ok: result.status === 0,
    output: `${result.stderr ?? ""}${result.stdout ?? ""}${result.error ? result.error.message : ""}`,
  };
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
    socket.once("timeout", () => {
      socket.destroy();
      done(false);
    });
    socket.connect(port, "127.0.0.1");
  });
}

async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/**
 * Renders into a fresh prefix with a free port, checks it with `nginx -t`
 * (throwing nginx's message), starts it and waits until it accepts connections.
 */
export async function startNginx(render: (site: NginxSite) => readonly ConfigFile[]): Promise<RunningNginx> {
  const binary = nginxBinary();
  const prefix = makePrefix();
  const port = await freePort();
  writeConfig(prefix, render({ prefix, port }));
  const check = checkConfig(prefix);
  if (!check.ok || check.output !== "") {
    rmSync(prefix, { recursive: true, force: true });
    throw new Error(`nginx -t ${check.ok ? "warned about" : "rejected"} the rendered config:\n${check.output}`);
  }

  const child = spawn(binary, ["-p", `${prefix}/`, "-c", MAIN_CONFIG, "-g", "daemon off;"], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const errorLog = () => {
    try {
      return readFileSync(join(prefix, "error.log"), "utf8");
    } catch {
      return "";
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill("SIGTERM");
    if (!(await exited(child, 5_000)) && child.pid !== undefined) {
      process.kill(-child.pid, "SIGKILL");
      await exited(child, 2_000);
    }
    // Workers leave when the master does; the group kill covers a master that died first.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
    rmSync(prefix, { recursive: true, force: true });
  };

  try {
    await waitFor(async () => child.exitCode !== null || (await accepts(port)), 10_000, `nginx on 127.0.0.1:${port}`);
  } catch (error) {
    const log = errorLog();
    await stop();
    throw new Error(`nginx did not start (${(error as Error).message}):\n${stderr}\n${log}`);
  }
  if (child.exitCode !== null) {
    const log = errorLog();
    await stop();
    throw new Error(`nginx exited at start with code ${child.exitCode}:\n${stderr}\n${log}`);
  }
  return { prefix, port, child, errorLog, stop };
}
