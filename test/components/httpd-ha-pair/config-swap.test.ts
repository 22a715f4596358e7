/**
 * The config step against a real running httpd (Debian apache2) serving
 * rendered recording configs: a new rendering is validated as a whole in a
 * private mount namespace, swapped in and gracefully reloaded; a broken one
 * changes nothing; a removed tenant's file goes; a stopped httpd (the passive
 * node) is not started. TLS certificate and key, outside the server root, are
 * validated with the config that names them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyConfigScript,
  pathUnderRoot,
  sha256Hex,
  stageFileScript,
  stageOutsideFileScript,
  type StagedFile,
} from "../../../components/httpd-ha-pair/host-scripts";
import type { Environment } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { formatProblem } from "../../../core/model/problems";
import type { ConfigFile } from "../../../core/render/common/config-file";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import {
  apacheBinary,
  apacheRoot,
  startApache,
  testSiteOptions,
  type ApacheInstance,
  type ApacheRoot,
} from "../../support/apache";
import { freePorts, waitFor } from "../../support/ports";
import { asRoot, removeTestDir, requirePrivileges, runAsRoot } from "../../support/privileged";
import { requireBinary, run } from "../../support/real-servers";
import { startStubNode, type StubNode } from "../../support/stub-node";

const HOST = "recording.example.com";

function environment(tenants: Record<string, unknown>): Environment {
  const config = {
    environment: "development",
    region: "eu-west-1",
    network: { vpcCidr: "10.40.0.0/16", availabilityZones: ["eu-west-1a"] },
    site: { domain: "example.com" },
    recording: { balancer: "httpdHaPair", hostname: HOST, tenants },
    httpdHaPair: {
      availabilityZone: "eu-west-1a",
      nodes: { ip1: {}, ip2: {} },
      virtualIp: { address: "10.40.130.250" },
      corosync: { transport: "udpu" },
      adminCidr: "10.0.0.0/8",
    },
  };
  const result = loadEnvironment(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [`genesys:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  );
  if (!result.environment) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.environment;
}

const T1 = { webdav: { nodes: { t1webdav1: {} } } };
const T2 = { webdav: { nodes: { t2webdav1: {} } } };

function get(port: number, path: string): Promise<{ status: number; node?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host: HOST }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, node: res.headers["x-node"] as string | undefined }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("config step on a live httpd", () => {
  let root: ApacheRoot;
  let state: string;
  let apache: ApacheInstance;
  let stubs: StubNode[];
  let render: (tenants: Record<string, unknown>) => ConfigFile[];

  const relative = (file: ConfigFile) => pathUnderRoot(root.root, file.path);
  const liveText = (file: ConfigFile) => readFileSync(file.path, "utf8");
  const pidFile = () => join(root.root, "run", "httpd.pid");

  /** Stages `files` (optionally with `tamper` applied to what is written) and runs the config step. */
  function deploy(files: readonly ConfigFile[], tamper: (file: ConfigFile) => string = (f) => f.content) {
    for (const file of files) {
      const staged = spawnSync(...asRoot(["/bin/sh", "-c", stageFileScript(relative(file), tamper(file), state)]), {
        encoding: "utf8",
      });
      if (staged.status !== 0) throw new Error(staged.stderr);
    }
    const script = applyConfigScript({
      serverRoot: root.root,
      mainConfig: relative(files[0]),
      files: files.map((f) => ({ path: relative(f), sha256: sha256Hex(f.content) })),
      pidFile: pidFile(),
      httpd: apacheBinary(),
      stateDir: state,
    });
    return spawnSync(...asRoot(["/bin/sh", "-c", script]), { encoding: "utf8", timeout: 30_000 });
  }

  beforeAll(async () => {
    requirePrivileges("the config step, which validates in its own mount namespace");
    root = await apacheRoot();
    state = mkdtempSync(join(tmpdir(), "genesys-httpd-state-"));
    const [p1, p2] = await freePorts(2);
    stubs = [
      await startStubNode({ name: "t1webdav1", port: p1 }),
      await startStubNode({ name: "t2webdav1", port: p2 }),
    ];
    const addresses = {
      "recording/t1/webdav/t1webdav1": `127.0.0.1:${p1}`,
      "recording/t2/webdav/t2webdav1": `127.0.0.1:${p2}`,
    };
    render = (tenants) =>
      renderHttpdSite(environment(tenants), addresses, testSiteOptions(root, { systems: ["recording"] }));
    apache = await startApache(render({ t1: T1 }), root, { asRoot: true });
  });

  afterAll(async () => {
    await apache?.stop();
    await Promise.all((stubs ?? []).map((s) => s.close()));
    for (const dir of [root?.root, state]) if (dir) removeTestDir(dir);
  });

  it("serves tenant t1 only, before any deployment", async () => {
    expect(await get(root.port, "/t1/recordings/a")).toMatchObject({ status: 200, node: "t1webdav1" });
    // Nothing is served from the file system: an unproxied path is forbidden.
    expect(await get(root.port, "/t2/recordings/a")).toEqual({ status: 403, node: undefined });
  });

  it("adds tenant t2: validated as a whole (the live main file cannot include t2 yet), swapped in, reloaded gracefully by the same httpd", async () => {
    const pid = readFileSync(pidFile(), "utf8").trim();
    const files = render({ t1: T1, t2: T2 });
    const result = deploy(files);
    expect(result.stderr).toContain("Syntax OK");
    expect(result.status).toBe(0);
    for (const file of files) expect(liveText(file)).toBe(file.content);
    await waitFor(
      async () => (await get(root.port, "/t2/recordings/a")).node === "t2webdav1",
      10_000,
      "t2 served after the graceful reload",
    );
    expect(readFileSync(pidFile(), "utf8").trim()).toBe(pid);
    expect(apache.process.exitCode).toBeNull();
  });

  it("refuses a rendering that fails httpd -t: nothing live changes and both tenants keep being served", async () => {
    const files = render({ t1: T1, t2: T2 });
    const before = files.map(liveText);
    const broken = (f: ConfigFile) =>
      f.path.endsWith("loadbalancer_t2.conf") ? `${f.content}<Proxy balancer://unclosed>\n` : f.content;
    const brokenFiles = files.map((f) => ({ path: f.path, content: broken(f) }));
    const result = deploy(brokenFiles);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("fails httpd -t; the live configuration is unchanged");
    expect(files.map(liveText)).toEqual(before);
    expect(await get(root.port, "/t2/recordings/a")).toMatchObject({ status: 200, node: "t2webdav1" });
  });

  it("refuses staged files that are not the ones this deployment rendered", () => {
    const files = render({ t1: T1, t2: T2 });
    const result = deploy(files, (f) =>
      f.path.endsWith("loadbalancer_t1.conf") ? `${f.content}# edited on the host\n` : f.content,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("staged httpd files differ");
    expect(files.map(liveText)).toEqual(files.map((f) => f.content));
  });

  it("removes tenant t2: its file is deleted and its paths stop being served", async () => {
    const files = render({ t1: T1 });
    const t2File = render({ t1: T1, t2: T2 }).find((f) => f.path.endsWith("loadbalancer_t2.conf"))!;
    const result = deploy(files);
    expect(result.status).toBe(0);
    expect(existsSync(t2File.path)).toBe(false);
    await waitFor(
      async () => (await get(root.port, "/t2/recordings/a")).node === undefined,
      10_000,
      "t2 gone after the graceful reload",
    );
    expect(await get(root.port, "/t2/recordings/a")).toEqual({ status: 403, node: undefined });
    expect(await get(root.port, "/t1/recordings/a")).toMatchObject({ status: 200, node: "t1webdav1" });
  });

  it("on a stopped httpd (the passive node) swaps the files and starts nothing", async () => {
    await apache.stop();
    const files = render({ t1: T1, t2: T2 });
    const result = deploy(files);
    expect(result.status).toBe(0);
    for (const file of files) expect(liveText(file)).toBe(file.content);
    await new Promise((r) => setTimeout(r, 300));
    await expect(get(root.port, "/t1/recordings/a")).rejects.toThrow(/ECONNREFUSED/);
  });
});

interface OutsideFile {
  readonly path: string;
  readonly mode: string;
  readonly content: string;
}

describe("config step turning on client TLS, certificate and key outside the server root", () => {
  let root: ApacheRoot;
  let state: string;
  let tlsDir: string;
  let apache: ApacheInstance;
  let stub: StubNode;
  let tlsPort: number;
  let render: (clientTls: boolean) => ConfigFile[];
  let outside: OutsideFile[];

  /** Stages the files (outside ones as `tamper` has them) and runs the config step with the hashes of the untampered set. */
  function deploy(
    files: readonly ConfigFile[],
    outsideFiles: readonly OutsideFile[],
    tamper: (file: OutsideFile) => string = (f) => f.content,
  ) {
    const relative = (file: ConfigFile) => pathUnderRoot(root.root, file.path);
    for (const file of files) {
      const staged = spawnSync(...asRoot(["/bin/sh", "-c", stageFileScript(relative(file), file.content, state)]), {
        encoding: "utf8",
      });
      if (staged.status !== 0) throw new Error(staged.stderr);
    }
    for (const file of outsideFiles) {
      const staged = spawnSync(...asRoot(["/bin/sh", "-c", stageOutsideFileScript(file.path, file.mode, state)]), {
        encoding: "utf8",
        input: Buffer.from(tamper(file)).toString("base64"),
      });
      if (staged.status !== 0) throw new Error(staged.stderr);
    }
    const hashes: StagedFile[] = outsideFiles.map((f) => ({ path: f.path, sha256: sha256Hex(f.content) }));
    const script = applyConfigScript({
      serverRoot: root.root,
      mainConfig: relative(files[0]),
      files: files.map((f) => ({ path: relative(f), sha256: sha256Hex(f.content) })),
      outsideFiles: hashes,
      pidFile: join(root.root, "run", "httpd.pid"),
      httpd: apacheBinary(),
      stateDir: state,
    });
    return spawnSync(...asRoot(["/bin/sh", "-c", script]), { encoding: "utf8", timeout: 30_000 });
  }

  function getTls(ca: string): Promise<{ status: number; node?: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port: tlsPort,
          path: "/t1/recordings/a",
          servername: HOST,
          ca,
          headers: { host: HOST },
          agent: false,
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, node: res.headers["x-node"] as string | undefined }),
          );
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  beforeAll(async () => {
    requirePrivileges("the config step, which validates in its own mount namespace");
    root = await apacheRoot();
    state = mkdtempSync(join(tmpdir(), "genesys-httpd-state-"));
    tlsDir = mkdtempSync(join(tmpdir(), "genesys-httpd-pki-"));
    const scratch = join(state, "openssl");
    run(requireBinary("openssl", "openssl"), [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${HOST}`,
      "-addext",
      `subjectAltName=DNS:${HOST}`,
      "-keyout",
      `${scratch}.key`,
      "-out",
      `${scratch}.crt`,
    ]);
    // Directories that do not exist yet on the live host: the first deployment creates them.
    outside = [
      {
        path: join(tlsDir, "certs", "genesys-recording.crt"),
        mode: "0644",
        content: readFileSync(`${scratch}.crt`, "utf8"),
      },
      {
        path: join(tlsDir, "private", "genesys-recording.key"),
        mode: "0600",
        content: readFileSync(`${scratch}.key`, "utf8"),
      },
    ];
    const [p1, p2] = await freePorts(2);
    tlsPort = p2;
    stub = await startStubNode({ name: "t1webdav1", port: p1 });
    const clientTls = { certificateFile: outside[0].path, keyFile: outside[1].path, port: tlsPort };
    render = (tls) =>
      renderHttpdSite(
        environment({ t1: T1 }),
        { "recording/t1/webdav/t1webdav1": `127.0.0.1:${p1}` },
        testSiteOptions(root, { systems: ["recording"], clientTls: tls ? clientTls : undefined }),
      );
    apache = await startApache(render(false), root, { asRoot: true });
  });

  afterAll(async () => {
    await apache?.stop();
    await stub?.close();
    for (const dir of [root?.root, state, tlsDir]) if (dir) removeTestDir(dir);
  });

  it("refuses a TLS config whose certificate and key are not staged with it: httpd -t fails and nothing live changes", async () => {
    const before = readFileSync(render(false)[0].path, "utf8");
    const result = deploy(render(true), []);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SSLCertificateFile.*does not exist or is empty/);
    expect(result.stderr).toContain("the live configuration is unchanged");
    expect(readFileSync(render(false)[0].path, "utf8")).toBe(before);
    expect(existsSync(outside[0].path)).toBe(false);
    expect(await get(root.port, "/t1/recordings/a")).toMatchObject({ status: 200, node: "t1webdav1" });
  });

  it("refuses a staged key that is not the one this deployment rendered", () => {
    const result = deploy(render(true), outside, (f) =>
      f.mode === "0600" ? `${f.content}# edited on the host\n` : f.content,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("staged httpd files differ");
    expect(existsSync(outside[1].path)).toBe(false);
  });

  it("turns https on: the config is validated with the staged certificate and key, all are swapped in (key 0600), and the same httpd serves https after its graceful reload", async () => {
    const pid = readFileSync(join(root.root, "run", "httpd.pid"), "utf8").trim();
    const files = render(true);
    const result = deploy(files, outside);
    expect(result.stderr).toContain("Syntax OK");
    expect(result.status).toBe(0);
    for (const file of outside) {
      // Root owns what the config step writes (the key is 0600): read it as root, as on a host.
      expect(runAsRoot(["cat", file.path])).toBe(file.content);
      expect((statSync(file.path).mode & 0o777).toString(8)).toBe(file.mode.slice(1));
    }
    await waitFor(
      async () => (await getTls(outside[0].content).catch(() => ({ status: 0 }))).status === 200,
      10_000,
      "https served after the graceful reload",
    );
    expect(await getTls(outside[0].content)).toMatchObject({ status: 200, node: "t1webdav1" });
    expect(await get(root.port, "/t1/recordings/a")).toEqual({ status: 301, node: undefined });
    expect(readFileSync(join(root.root, "run", "httpd.pid"), "utf8").trim()).toBe(pid);
  });
});
