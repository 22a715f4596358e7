/**
 * The provisioning scripts executed by a real /bin/sh: file contents arrive
 * byte for byte whatever they contain, paths that could escape are refused,
 * and the cluster steps run the renderer's argv in order against stand-in
 * cluster tools (the cluster itself is proven by the cluster renderer's tests).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyConfigScript,
  clusterNodeScript,
  clusterResourcesScript,
  installScript,
  pathUnderRoot,
  stageFileScript,
  stageOutsideFileScript,
} from "../../../components/httpd-ha-pair/host-scripts";
import { checkPem, decodeAuthkey } from "../../../components/httpd-ha-pair/provisioning";
import { asRoot, removeTestDir, requirePrivileges } from "../../support/privileged";
import { requireBinary } from "../../support/real-servers";
import { TEST_AUTHKEY } from "./pair-harness";

function sh(script: string, options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const result = spawnSync("/bin/sh", ["-c", script], {
    encoding: "utf8",
    env: options.env ?? process.env,
    input: options.input,
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("staging a rendered file", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "genesys-stage-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes any text byte for byte: quotes, $(...), backquotes, newlines and NUL cannot break out", () => {
    const nasty = fc.constantFrom(
      "'",
      '"',
      "$(touch pwned)",
      "`id`",
      "\\",
      "\n",
      "%s",
      "\0",
      "'\\''",
      "EOF\n",
      "</VirtualHost>",
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(nasty, fc.string({ unit: "grapheme", maxLength: 20 })), { maxLength: 12 }),
        (parts) => {
          const content = parts.join("");
          const result = sh(stageFileScript("conf.d/loadbalancer_t1.conf", content, dir));
          expect(result.status).toBe(0);
          expect(readFileSync(join(dir, "stage/conf.d/loadbalancer_t1.conf"), "utf8")).toBe(content);
        },
      ),
      { numRuns: 60 },
    );
    expect(spawnSync("ls", [dir], { encoding: "utf8" }).stdout.trim()).toBe("stage");
  });

  it.each([
    ["../etc/passwd", "escapes with .."],
    ["conf.d/../../x", "escapes midway"],
    ["conf.d/a b.conf", "has a space"],
    ["conf.d/x;reboot", "has a shell metacharacter"],
    ["/etc/httpd/conf.d/x.conf", "is absolute"],
  ])("refuses the staged path %s (%s)", (path) => {
    expect(() => stageFileScript(path, "x")).toThrow(/segments without '\.\.'/);
  });

  it("stages a TLS key from standard input byte for byte, with its mode, and never in the command text", () => {
    const key = "-----BEGIN PRIVATE KEY-----\n'$(touch pwned)`id`\n-----END PRIVATE KEY-----\n";
    const script = stageOutsideFileScript("/etc/pki/tls/private/genesys-recording.key", "0600", dir);
    expect(script).not.toContain(Buffer.from(key).toString("base64"));
    expect(sh(script, { input: Buffer.from(key).toString("base64") }).status).toBe(0);
    const staged = join(dir, "outside/etc/pki/tls/private/genesys-recording.key");
    expect(readFileSync(staged, "utf8")).toBe(key);
    expect((statSync(staged).mode & 0o777).toString(8)).toBe("600");
  });

  it.each([
    ["etc/pki/x.crt", "is relative"],
    ["/etc/pki/../shadow", "escapes with .."],
    ["/etc/pki/a b.crt", "has a space"],
  ])("refuses the outside path %s (%s)", (path) => {
    expect(() => stageOutsideFileScript(path, "0600")).toThrow(/segments without '\.\.'/);
    expect(() =>
      applyConfigScript({
        serverRoot: "/etc/httpd",
        mainConfig: "conf/httpd.conf",
        files: [{ path: "conf/httpd.conf", sha256: "0".repeat(64) }],
        outsideFiles: [{ path, sha256: "0".repeat(64) }],
        pidFile: "/run/httpd.pid",
      }),
    ).toThrow();
  });

  it("takes rendered files only from under the server root", () => {
    expect(pathUnderRoot("/etc/httpd", "/etc/httpd/conf.d/loadbalancer_t1.conf")).toBe("conf.d/loadbalancer_t1.conf");
    expect(() => pathUnderRoot("/etc/httpd", "/etc/httpd2/conf/httpd.conf")).toThrow(/outside the server root/);
    expect(() => pathUnderRoot("/etc/httpd", "/etc/httpd/../shadow")).toThrow();
  });
});

describe("installing a host", () => {
  const pair = (os: "rhel8" | "rhel6", agent: "awsvip" | "IPaddr2") => ({
    os,
    fencing: os === "rhel8" ? ("fence_aws" as const) : ("none" as const),
    virtualIp: { agent, address: "10.0.0.9", cidrNetmask: 32, nic: "eth0" },
  });

  it.each([
    ["rhel8", "awsvip"],
    ["rhel8", "IPaddr2"],
    ["rhel6", "awsvip"],
    ["rhel6", "IPaddr2"],
  ] as const)("%s with %s parses as POSIX sh and runs set -eu", (os, agent) => {
    const script = installScript(pair(os, agent), "eu-west-1", { backend: true, client: false });
    expect(script.startsWith("set -eu\n")).toBe(true);
    expect(spawnSync("/bin/sh", ["-n", "-c", script]).status).toBe(0);
  });

  it("refuses a region that is not a region code before it reaches a script", () => {
    expect(() =>
      installScript(pair("rhel8", "awsvip"), "eu-west-1; reboot", { backend: false, client: false }),
    ).toThrow(/must be an AWS region code/);
  });
});

describe("the corosync authkey secret", () => {
  it("accepts corosync-keygen's sizes and refuses anything else without echoing it", () => {
    expect(decodeAuthkey(`${TEST_AUTHKEY.slice(0, 40)}\n${TEST_AUTHKEY.slice(40)}`)).toBe(TEST_AUTHKEY);
    const short = Buffer.alloc(64, 1).toString("base64");
    expect(() => decodeAuthkey(short)).toThrow(/128 to 4096 bytes.*got 64 bytes/);
    expect(() => decodeAuthkey("not base64 at all!")).toThrow(/got 0 bytes/);
    try {
      decodeAuthkey(short);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });
});

/** A directory of stand-in cluster tools that log their argv, one word per line, `--` between calls. */
function fakeTools(dir: string, tools: Record<string, string>): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(
      join(bin, name),
      `#!/bin/sh\n{ echo ${name}; printf '%s\\n' "$@"; echo --; } >> ${join(dir, "calls.log")}\n${body}\n`,
    );
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

function calls(dir: string): string[][] {
  const text = readFileSync(join(dir, "calls.log"), "utf8");
  return text
    .split("--\n")
    .filter((c) => c !== "")
    .map((c) => c.split("\n").filter((l, i, all) => i < all.length - 1 || l !== ""));
}

describe("converging the cluster resources on one node", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "genesys-cluster-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives up with a message, touching nothing, when the two nodes do not come online in time", () => {
    const run = join(dir, "alone");
    const bin = fakeTools(run, {
      crm_mon: "echo 'CLUSTER WARN: offline node: ip2'",
      cibadmin: "exit 0",
      pcs: "exit 0",
    });
    const result = sh(
      clusterResourcesScript(
        [{ argv: ["pcs", "resource", "create", "virtual_ip", "ocf:heartbeat:IPaddr2", "ip=10.0.0.9"] }],
        { resources: ["virtual_ip"], constraints: [], waitSeconds: 5 },
      ),
      {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("did not both come online within 5 s");
    expect(calls(run).filter((c) => c[0] !== "crm_mon")).toEqual([]);
  });

  it("refuses ids and commands that are not what it manages", () => {
    expect(() => clusterResourcesScript([], { resources: ["x'; reboot"], constraints: [] })).toThrow(/resource id/);
    expect(() => clusterResourcesScript([{ argv: ["crm", "configure"] }], { resources: [], constraints: [] })).toThrow(
      /not a pcs command/,
    );
  });
});

describe("joining a node (in a private mount namespace over /etc/corosync)", () => {
  let dir: string;
  beforeAll(() => {
    requirePrivileges("mounting a tmpfs in a private mount namespace");
    requireBinary("unshare", "util-linux");
    dir = mkdtempSync(join(tmpdir(), "genesys-member-"));
  });
  afterAll(() => dir && removeTestDir(dir));

  it("writes corosync.conf and the authkey from standard input (mode 0400), reloads a running corosync, then runs the node commands", () => {
    const conf = "totem {\n    cluster_name: webcluster\n}\n";
    const script = clusterNodeScript(
      [{ path: "/etc/corosync/corosync.conf", content: conf, mode: "0644" }],
      [{ argv: ["systemctl", "enable", "--now", "corosync", "pacemaker"] }],
      "/etc/corosync/authkey",
    );
    const bin = fakeTools(dir, {
      // corosync already runs: the script must ask it to re-read its configuration.
      systemctl: "exit 0",
      "corosync-cfgtool": "exit 0",
    });
    const inspect =
      "stat -c '%a %n' /etc/corosync/authkey /etc/corosync/corosync.conf; base64 -w0 /etc/corosync/authkey; echo; cat /etc/corosync/corosync.conf";
    const [file, args] = asRoot(
      [
        "unshare",
        "-m",
        "/bin/sh",
        "-c",
        'mount -t tmpfs genesys-test /etc/corosync && /bin/sh -c "$1" && /bin/sh -c "$2"',
        "member",
        script,
        inspect,
      ],
      { PATH: `${bin}:${process.env.PATH}` },
    );
    const result = spawnSync(file, args, { encoding: "utf8", input: TEST_AUTHKEY, timeout: 20_000 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const [modes1, modes2, key, ...rest] = result.stdout.split("\n");
    expect([modes1, modes2]).toEqual(["400 /etc/corosync/authkey", "644 /etc/corosync/corosync.conf"]);
    expect(key).toBe(TEST_AUTHKEY);
    expect(`${rest.join("\n")}`).toBe(`${conf}`);
    expect(calls(dir).map((c) => c.join(" "))).toEqual([
      "corosync-cfgtool -s",
      "corosync-cfgtool -R",
      "systemctl enable --now corosync pacemaker",
    ]);
  });

  it("refuses a transport change while corosync runs, before writing anything, and says how to roll it out", () => {
    const run = join(dir, "transport");
    const bin = fakeTools(run, {
      "corosync-cmapctl": "echo 'totem.transport (str) = udpu'",
      "corosync-cfgtool": "exit 0",
      systemctl: "exit 0",
    });
    const script = clusterNodeScript(
      [{ path: "/etc/corosync/corosync.conf", content: "totem {\n    transport: knet\n}\n", mode: "0644" }],
      [{ argv: ["systemctl", "enable", "--now", "corosync", "pacemaker"] }],
    );
    const [file, args] = asRoot(
      [
        "unshare",
        "-m",
        "/bin/sh",
        "-c",
        'mount -t tmpfs genesys-test /etc/corosync && echo old > /etc/corosync/corosync.conf && /bin/sh -c "$1"; rc=$?; cat /etc/corosync/corosync.conf; exit $rc',
        "member",
        script,
      ],
      { PATH: `${bin}:${process.env.PATH}` },
    );
    const result = spawnSync(file, args, { encoding: "utf8", timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "httpdHaPair.corosync.transport: corosync runs udpu and cannot switch to knet while running; nothing was changed",
    );
    expect(result.stdout).toBe("old\n");
    expect(calls(run).map((c) => c[0])).toEqual(["corosync-cmapctl"]);
  });
});

describe("TLS secrets", () => {
  it("accepts PEM certificates (chains too) and keys, ending them in a line break", () => {
    const cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    expect(checkPem(cert, "CERTIFICATE", "httpdTlsCertificate")).toBe(`${cert}\n`);
    expect(checkPem(`${cert}\n${cert}\n`, "CERTIFICATE", "httpdTlsCertificate")).toBe(`${cert}\n${cert}\n`);
    for (const label of ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]) {
      expect(
        checkPem(
          `-----BEGIN ${label}-----\nMIIE\n-----END ${label}-----\n`,
          "(?:RSA |EC )?PRIVATE KEY",
          "httpdTlsPrivateKey",
        ),
      ).toContain(label);
    }
  });

  it.each([
    [
      "a certificate where the key belongs",
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      "(?:RSA |EC )?PRIVATE KEY",
    ],
    [
      "mismatched markers",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END EC PRIVATE KEY-----",
      "(?:RSA |EC )?PRIVATE KEY",
    ],
    ["a file path", "/etc/pki/tls/private/k.key", "(?:RSA |EC )?PRIVATE KEY"],
  ])("refuses %s, naming the config key", (_what, text, label) => {
    expect(() => checkPem(text, label, "httpdTlsPrivateKey")).toThrow(/genesys:httpdTlsPrivateKey must be PEM text/);
  });
});

describe("installing a host, run by /bin/sh in a private mount namespace (package manager and services stubbed)", () => {
  let dir: string;
  beforeAll(() => {
    requirePrivileges("mounting a tmpfs over /root in a private mount namespace");
    requireBinary("unshare", "util-linux");
    dir = mkdtempSync(join(tmpdir(), "genesys-install-"));
  });
  afterAll(() => dir && removeTestDir(dir));

  // As strict as the real tools where the script depends on them: dnf and yum abort without -y when nobody can answer
  // their prompt, firewall-cmd refuses a service it does not define, and firewalld here is running.
  const STUBS = {
    dnf: 'case " $* " in *" -y "*) exit 0;; *) echo "Operation aborted." >&2; exit 1;; esac',
    yum: 'case " $* " in *" -y "*) exit 0;; *) echo "Exiting on user command" >&2; exit 1;; esac',
    systemctl: 'if [ "$1" = "-q" ] && [ "$2" = "is-active" ]; then [ "$3" = firewalld ]; exit $?; fi; exit 0',
    "firewall-cmd":
      'for a in "$@"; do case "$a" in --add-service=*) case "${a#*=}" in http|https|high-availability) ;; *) echo "Error: INVALID_SERVICE: ${a#*=}" >&2; exit 101;; esac;; esac; done; exit 0',
    selinuxenabled: "exit 0",
    setsebool: "exit 0",
  };

  function install(os: "rhel8" | "rhel9", tls: { backend: boolean; client: boolean }) {
    const run = join(dir, `${os}-${tls.client}`);
    const bin = fakeTools(run, STUBS);
    const script = installScript(
      { os, fencing: "fence_aws", virtualIp: { agent: "awsvip", address: "10.0.0.9", cidrNetmask: 32, nic: "eth0" } },
      "eu-west-1",
      tls,
    );
    const [file, args] = asRoot(
      [
        "unshare",
        "-m",
        "--propagation",
        "private",
        "/bin/sh",
        "-c",
        'mount -t tmpfs genesys-test /root && /bin/sh -c "$1" && stat -c "%a %n" /root/.aws/config && cat /root/.aws/config',
        "install",
        script,
      ],
      { PATH: `${bin}:${process.env.PATH}` },
    );
    const result = spawnSync(file, args, { encoding: "utf8", timeout: 20_000 });
    return { ...result, calls: calls(run).map((c) => c.join(" ").trim()) };
  }

  it("installs the production pair's packages, leaves httpd to Pacemaker, opens corosync and http only, and gives the AWS CLI its region", () => {
    const result = install("rhel8", { backend: true, client: false });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([
      "dnf -y install httpd mod_ssl pacemaker pcs resource-agents awscli fence-agents-aws",
      "systemctl disable --now httpd",
      "systemctl -q is-active firewalld",
      "firewall-cmd --permanent --add-port=5404-5406/udp --add-service=http",
      "firewall-cmd --reload",
      "selinuxenabled",
      "setsebool -P httpd_can_network_connect 1",
    ]);
    // Read by `aws --profile default` in awsvip, as root, with no region argument; nothing else (no keys: the role's).
    expect(result.stdout).toBe("600 /root/.aws/config\n[default]\nregion = eu-west-1\n");
  });

  it("on RHEL 9 takes the AWS agents from resource-agents-cloud and awscli2, and admits https when clients speak TLS", () => {
    const result = install("rhel9", { backend: true, client: true });
    expect(result.status).toBe(0);
    expect(result.calls[0]).toBe(
      "dnf -y install httpd mod_ssl pacemaker pcs resource-agents resource-agents-cloud awscli2 fence-agents-aws",
    );
    expect(result.calls).toContain(
      "firewall-cmd --permanent --add-port=5404-5406/udp --add-service=http --add-service=https",
    );
    expect(result.calls.join("\n")).not.toMatch(/2224|high-availability/);
  });
});
