/**
 * Private network labs for real-server tests: network namespaces named
 * `gnx-<random>-<role>`, a bridge in a hub namespace and veth links to it.
 * Only namespaces a lab created are touched; the host's interfaces, routes
 * and addresses never are. Every process a lab starts is tracked by its
 * handle and killed by it on dispose.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { isRoot, requireBinary, run } from "./real-servers";

export interface LabTools {
  readonly ip: string;
  readonly unshare: string;
  readonly nsenter: string;
}

/** Root and the namespace tools, or a loud error naming what is missing. */
export function requireLabTools(): LabTools {
  if (!isRoot()) {
    throw new Error(
      "network-namespace tests need root (CI runs them as root); set GENESYS_SKIP_REAL_SERVERS=1 to skip real-server tests explicitly",
    );
  }
  return {
    ip: requireBinary("ip", "iproute2"),
    unshare: requireBinary("unshare", "util-linux"),
    nsenter: requireBinary("nsenter", "util-linux"),
  };
}

const live = new Set<NamespaceLab>();

/** Disposes every lab still alive in this process (afterAll safety net when a test fails midway). */
export async function disposeAllLabs(): Promise<void> {
  for (const lab of [...live]) await lab.dispose();
}

export class NamespaceLab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private disposed = false;

  constructor(readonly tools: LabTools = requireLabTools()) {
    this.prefix = `gnx-${randomBytes(4).toString("hex")}`;
    live.add(this);
  }

  /** Creates `<prefix>-<role>` with its loopback up. */
  addNamespace(role: string): string {
    if (!/^[a-z0-9]{1,8}$/.test(role))
      throw new Error(`namespace role ${JSON.stringify(role)} must be 1-8 lowercase letters or digits`);
    const name = `${this.prefix}-${role}`;
    run(this.tools.ip, ["netns", "add", name]);
    this.namespaces.push(name);
    this.ip(name, "link", "set", "lo", "up");
    return name;
  }

  /** `ip -n <namespace> …` */
  ip(namespace: string, ...args: string[]): string {
    this.ensureOwn(namespace);
    return run(this.tools.ip, ["-n", namespace, ...args]);
  }

  /** A bridge `br0` in `hub` holding `address` (CIDR form). */
  addBridge(hub: string, address: string): void {
    this.ip(hub, "link", "add", "br0", "type", "bridge");
    this.ip(hub, "addr", "add", address, "dev", "br0");
    this.ip(hub, "link", "set", "br0", "up");
  }

  /** A veth whose end `ifname` in `namespace` holds `address` and whose peer is a port of `hub`'s br0. */
  attach(hub: string, namespace: string, address: string, ifname = "eth0"): void {
    this.ensureOwn(namespace);
    const port = `v${this.namespaces.indexOf(namespace)}`;
    this.ip(hub, "link", "add", ifname, "netns", namespace, "type", "veth", "peer", "name", port);
    this.ip(hub, "link", "set", port, "master", "br0", "up");
    this.ip(namespace, "addr", "add", address, "dev", ifname);
    this.ip(namespace, "link", "set", ifname, "up");
  }

  /** Starts `argv` inside `namespace` in its own process group; the lab kills it on dispose. */
  spawnIn(namespace: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    this.ensureOwn(namespace);
    const child = spawn(this.tools.ip, ["netns", "exec", namespace, ...argv], {
      stdio: "ignore",
      ...options,
      detached: true,
    });
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  /** Runs `argv` inside `namespace` and collects its output; never longer than `timeoutMs`. */
  execIn(
    namespace: string,
    argv: readonly string[],
    timeoutMs: number,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = this.spawnIn(namespace, argv, { stdio: ["ignore", "pipe", "pipe"] });
    return collect(child, timeoutMs);
  }

  /** Kills `child` (and its process group) by its handle and waits for it to be gone. */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const child of [...this.children]) await this.kill(child);
    const failures: string[] = [];
    for (const name of this.namespaces.reverse()) {
      try {
        run(this.tools.ip, ["netns", "del", name]);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    live.delete(this);
    if (failures.length > 0) throw new Error(`could not delete namespaces:\n${failures.join("\n")}`);
  }

  private ensureOwn(namespace: string): void {
    if (!this.namespaces.includes(namespace)) throw new Error(`${namespace} is not a namespace of lab ${this.prefix}`);
    if (this.disposed) throw new Error(`lab ${this.prefix} is disposed`);
  }
}

/** Output of a child that is killed by its handle when it outlives `timeoutMs`. */
export function collect(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
