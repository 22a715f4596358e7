/**
 * Apache httpd 2.4.37, the release RHEL 8 ships, built from Apache's source
 * for the real-server tests: built once, cached outside the repository under
 * a key derived from the source's hash, and shared by every test file.
 *
 * - Source: `HTTPD_2_4_37_SOURCE` (a tarball or an unpacked tree with
 *   `configure`), else `../shared/vendor/httpd-2.4.37.tar.gz` beside the
 *   checkout. A checkout without it has no source: `httpd2437Source()` says
 *   so, and the tests skip explicitly with that reason in their name.
 * - Cache: `GENESYS_BUILD_CACHE`, else `/var/cache/genesys-lb-stack` as root,
 *   else `$XDG_CACHE_HOME/genesys-lb-stack` or `~/.cache/genesys-lb-stack`;
 *   one directory per source hash. The build's compiled-in DocumentRoot lies
 *   under it, and httpd's workers (nobody) must be able to search that path
 *   (as they can /var/www/html on RHEL), or every request that is not
 *   proxied, /server-status included, is refused with 403: hence not /root.
 * - Concurrency: test files run in parallel workers, so the build holds a
 *   lock directory (pid inside; a dead builder's lock is taken over) and the
 *   others wait for the completion marker.
 * - Without SSL: mod_ssl 2.4.37 does not load against Debian's OpenSSL 3
 *   (`undefined symbol: ERR_GET_FUNC`), so TLS is tested on Debian's httpd.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { HttpdRelease } from "../../core/render/httpd/modules";
import { isRoot, REAL_SERVERS_OPTED_OUT } from "./real-servers";

export const HTTPD_2_4_37: HttpdRelease = "2.4.37";

/** Hook timeout for a file that may have to build httpd first (≈45 s on 2 idle cores; more under load). */
export const HTTPD_BUILD_TIMEOUT_MS = 15 * 60_000;

/** An httpd the harness (apache.ts) can run a rendered config on. */
export interface HttpdServer {
  /** For test names: `httpd 2.4.37 (source build)`, `Debian httpd 2.4.71`. */
  readonly label: string;
  readonly binary: string;
  /** Absolute directory of the module files, for the rendered LoadModule lines. */
  readonly modulesDir: string;
  readonly release: HttpdRelease;
  /** mod_ssl can be loaded. */
  readonly ssl: boolean;
}

export type SourceLookup =
  { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

const DEFAULT_SOURCE = resolve(__dirname, "../../../shared/vendor/httpd-2.4.37.tar.gz");
const BUILD_DEPENDENCIES = ["libapr1-dev", "libaprutil1-dev", "libpcre3-dev", "libexpat1-dev", "build-essential"];

/** Where the 2.4.37 source is, or why there is none. Synchronous, so tests can decide to skip while being collected. */
export function httpd2437Source(): SourceLookup {
  const configured = process.env.HTTPD_2_4_37_SOURCE;
  const path = configured && configured.length > 0 ? resolve(configured) : DEFAULT_SOURCE;
  if (existsSync(path)) return { found: true, path };
  return {
    found: false,
    reason: configured
      ? `HTTPD_2_4_37_SOURCE=${configured} does not exist`
      : `no httpd 2.4.37 source at ${DEFAULT_SOURCE}; set HTTPD_2_4_37_SOURCE to a copy of httpd-2.4.37.tar.gz (or its unpacked tree) to run these tests`,
  };
}

/**
 * Why the 2.4.37 tests of this run do not run, or undefined when they do.
 * Test files put it in the name of an explicit skip.
 */
export function httpd2437SkipReason(): string | undefined {
  if (REAL_SERVERS_OPTED_OUT) return "GENESYS_SKIP_REAL_SERVERS=1";
  const source = httpd2437Source();
  return source.found ? undefined : source.reason;
}

function cacheRoot(): string {
  const explicit = process.env.GENESYS_BUILD_CACHE;
  if (explicit) return resolve(explicit);
  if (isRoot()) return "/var/cache/genesys-lb-stack";
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), ".cache"), "genesys-lb-stack");
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  if (statSync(path).isDirectory()) {
    // An unpacked tree: its file list and configure script identify it well enough for a cache key.
    hash.update(readdirSync(path).sort().join("\n"));
    hash.update(readFileSync(join(path, "configure")));
    return hash.digest("hex");
  }
  await new Promise<void>((done, fail) => {
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", done)
      .on("error", fail);
  });
  return hash.digest("hex");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function step(command: string, args: readonly string[], cwd: string, log: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) => {
      log.push(`$ ${command} ${args.join(" ")}\n${output.slice(-4000)}`);
      if (code === 0) done();
      else fail(new Error(`${command} ${args.join(" ")} failed (exit ${code}) in ${cwd}:\n${output.slice(-4000)}`));
    });
  });
}

function checkBuildDependencies(): void {
  const missing = BUILD_DEPENDENCIES.filter(
    (p) =>
      spawnSync("dpkg-query", ["-W", "-f=${Status}", p], { encoding: "utf8" }).stdout?.includes(
        "install ok installed",
      ) !== true,
  );
  if (missing.length > 0) {
    throw new Error(
      `building httpd 2.4.37 needs the Debian packages ${missing.join(", ")}: run 'sudo bash scripts/install-debian-packages.sh'`,
    );
  }
}

async function build(source: string, prefix: string, work: string): Promise<void> {
  checkBuildDependencies();
  rmSync(work, { recursive: true, force: true });
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const log: string[] = [];
  let tree = source;
  if (!statSync(source).isDirectory()) {
    await step("tar", ["-xzf", source, "-C", work], work, log);
    const top = readdirSync(work).find((d) => existsSync(join(work, d, "configure")));
    if (!top) throw new Error(`${source} holds no directory with a configure script`);
    tree = join(work, top);
  } else {
    await step("cp", ["-a", `${source}/.`, join(work, "src")], work, log);
    tree = join(work, "src");
  }
  await step(
    "./configure",
    [
      `--prefix=${prefix}`,
      "--with-apr=/usr/bin/apr-1-config",
      "--with-apr-util=/usr/bin/apu-1-config",
      "--with-pcre=/usr/bin/pcre-config",
      "--enable-mods-shared=reallyall",
      "--enable-mpms-shared=event",
      "--disable-ssl",
    ],
    tree,
    log,
  );
  await step("make", ["-j2"], tree, log);
  await step("make", ["install"], tree, log);
  rmSync(work, { recursive: true, force: true });
}

let pending: Promise<HttpdServer> | undefined;

/**
 * The built httpd 2.4.37, building it first if this source has no complete
 * build in the cache. Throws when the source is absent: callers check
 * `httpd2437SkipReason()` first.
 */
export function httpd2437(): Promise<HttpdServer> {
  pending ??= buildOnce();
  return pending;
}

async function buildOnce(): Promise<HttpdServer> {
  const source = httpd2437Source();
  if (!source.found) throw new Error(source.reason);
  const key = (await sha256(source.path)).slice(0, 16);
  const root = cacheRoot();
  const prefix = join(root, `httpd-2.4.37-${key}`);
  const marker = join(prefix, ".complete");
  const lock = `${prefix}.lock`;
  const server: HttpdServer = {
    label: "httpd 2.4.37 (RHEL 8's release, built from source)",
    binary: join(prefix, "bin", "httpd"),
    modulesDir: join(prefix, "modules"),
    release: HTTPD_2_4_37,
    ssl: false,
  };
  mkdirSync(root, { recursive: true });
  const deadline = Date.now() + HTTPD_BUILD_TIMEOUT_MS;
  while (!existsSync(marker)) {
    if (Date.now() > deadline)
      throw new Error(`httpd 2.4.37 was not built within ${HTTPD_BUILD_TIMEOUT_MS / 1000} s (lock ${lock})`);
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (mine) {
      try {
        writeFileSync(join(lock, "pid"), String(process.pid));
        if (!existsSync(marker)) {
          await build(source.path, prefix, `${prefix}.work-${process.pid}`);
          writeFileSync(marker, `${source.path}\n`);
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    const holder = Number(existsSync(join(lock, "pid")) ? readFileSync(join(lock, "pid"), "utf8") : NaN);
    if (Number.isInteger(holder) && !alive(holder)) {
      // Its builder died: the lock is stale and the half-built prefix is rebuilt by whoever takes it next.
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  if (!existsSync(server.binary))
    throw new Error(
      `${server.binary} is missing although ${marker} says the build completed; remove ${prefix} to rebuild`,
    );
  return server;
}

/** One httpd a real-server suite runs on, or why it cannot here. */
export interface HttpdUnderTest {
  readonly label: string;
  /** Set when this server is not available in this run: the suite registers an explicit skip naming it. */
  readonly skipReason?: string;
  /** Builds (2.4.37, once per cache) or finds the server; give the calling hook HTTPD_BUILD_TIMEOUT_MS. */
  readonly server: () => Promise<HttpdServer>;
}

/**
 * The httpd releases the rendered configs are proven on: 2.4.37 (RHEL 8's,
 * from source) and Debian's 2.4 (newer than 2.4.47, like RHEL 9's).
 * `debian` is passed in to keep this module free of the harness.
 */
export function httpdsUnderTest(debian: () => HttpdServer): HttpdUnderTest[] {
  return [
    { label: "httpd 2.4.37 (RHEL 8)", skipReason: httpd2437SkipReason(), server: httpd2437 },
    {
      label: "Debian's httpd",
      skipReason: REAL_SERVERS_OPTED_OUT ? "GENESYS_SKIP_REAL_SERVERS=1" : undefined,
      server: async () => debian(),
    },
  ];
}
