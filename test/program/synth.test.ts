/**
 * The main job: `npm run synth -- --stack <name>` runs the real index.ts under
 * mocks for the real stack files and writes out/<stack>/plan.json.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import type { MockRun } from "../../tools/mock-run";
import type { PolicyReport } from "../../tools/policy-report";
import { stagedHostFiles } from "../support/staged-files";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const outDir = mkdtempSync(join(tmpdir(), "genesys-synth-"));
const exec = promisify(execFile);
const tsx = join(root, "node_modules/.bin/tsx");

async function synth(...args: string[]) {
  return exec(tsx, ["scripts/synth.ts", ...args], { cwd: root, timeout: 180_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    }),
  );
}

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Each stack's synth result, kept for the summary checks below. */
const results = new Map<string, { code: number; stdout: string; stderr: string }>();

describe.each(["dev", "prod"])("synth --stack %s", (stack) => {
  it("exits 0, writes plan.json with every registered resource and prints a summary", async () => {
    const result = await synth("--stack", stack, "--out", outDir);
    results.set(stack, result);
    expect(result.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^Stack ${stack} \\(Pulumi\\.${stack}\\.yaml, \\w+\\): \\d+ resources registered offline`),
    );
    expect(result.stdout).toContain("AWS resources (");
    // The outputs go to a file, not the screen.
    expect(result.stdout).toContain(`Stack outputs (`);
    expect(result.stdout).not.toContain('"clusterApplication"');
    const plan = JSON.parse(readFileSync(join(outDir, stack, "plan.json"), "utf8")) as {
      resources: { type: string; name: string; parent: string | null; inputs: object }[];
      outputs: Record<string, unknown>;
    };
    const count = Number(/^Stack \S+ \(.*?\): (\d+) resources/.exec(result.stdout)![1]);
    expect(plan.resources).toHaveLength(count);
    expect(plan.resources.map((r) => r.type)).toContain("aws:ec2/vpc:Vpc");
    for (const r of plan.resources) expect(Object.keys(r).sort()).toEqual(["inputs", "name", "parent", "type"]);
    expect(plan.outputs.environment).toBe(stack === "prod" ? "production" : "development");
    expect(JSON.parse(readFileSync(join(outDir, stack, "outputs.json"), "utf8"))).toEqual(plan.outputs);
    expect(result.stdout).toContain("Rendered balancer configs:");
    // prod serves recording from the httpd HA pair: its file is the one the pair's hosts get.
    const recordingConf = join(
      outDir,
      stack,
      stack === "prod" ? "httpd-ha-pair" : "httpd/recording",
      "etc/httpd/conf.d/loadbalancer_t1.conf",
    );
    const members = [...readFileSync(recordingConf, "utf8").matchAll(/BalancerMember https?:\/\/([\d.]+):\d+/g)].map(
      (m) => m[1],
    );
    expect(members.length).toBeGreaterThan(0);
    // The members are the recording instances' private addresses, inside the stack's VPC.
    const vpcPrefix = stack === "prod" ? "10.50." : "10.40.";
    for (const ip of members) expect(ip.startsWith(vpcPrefix)).toBe(true);
    expect(readFileSync(join(outDir, stack, "nginx/nginx.conf"), "utf8")).toMatch(/^\s*include /m);
    // A summary that fits on a screen.
    expect(result.stdout.split("\n").length).toBeLessThanOrEqual(60);
  }, 180_000);
});

describe("synth summary", () => {
  it("dev: no secrets (it has no pair), no httpd config for Web Engagement 8.1 wired directly, the subnets it lays out", () => {
    const result = results.get("dev")!;
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("Secrets");
    expect(result.stdout).not.toContain("httpd/webEngagement81");
    expect(result.stdout).toMatch(/^ {2}eu-west-1a {2}10\.40\.0\.0\/20 {3}10\.40\.128\.0\/20$/m);
  });
});

describe("synth --stack prod --preview", () => {
  it("exits 0 as the engine's first preview, and its policy report holds no policy that passed on an unknown input", async () => {
    const result = await synth("--stack", "prod", "--preview", "--out", join(outDir, "preview"));
    expect(result.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Stack prod \(.*\): \d+ resources registered offline as a first preview/);
    const report = JSON.parse(
      readFileSync(join(outDir, "preview", "prod", "policy-report.json"), "utf8"),
    ) as PolicyReport;
    expect(report.preview).toBe(true);
    expect(report.violations).toEqual([]);
    // Each policy passed on known values or says it could not tell; the pair's rendered httpd files are known.
    const results = Object.fromEntries(report.policies.map((p) => [p.name, p.result]));
    for (const name of [
      "no-admin-paths-exposed",
      "recording-processor-no-standby",
      "recording-tenant-isolation",
      "recording-capacity",
      "ssh-only-from-admin-cidr",
    ])
      expect(results[name]).toBe("passed");
    for (const result of Object.values(results)) expect(["passed", "not evaluated"]).toContain(result);
    for (const n of report.notEvaluated) expect(n.message).toMatch(/^not evaluated: .+ unknown at preview$/);
    const plan = readFileSync(join(outDir, "preview", "prod", "plan.json"), "utf8");
    expect(plan).toContain('"(known after deployment)"');
  }, 180_000);
});

describe("synth --stack prod, HA pair", () => {
  it("names the secrets the pair reads and where the pair's addresses come from", () => {
    const result = results.get("prod")!;
    expect(result.stdout).toContain(
      "Secrets this stack reads (offline placeholders here; set them with pulumi config set --secret): genesys:configurationDatabasePassword, genesys:httpdHaPairSshPrivateKey, genesys:httpdHaPairCorosyncAuthkey, genesys:httpdTlsPrivateKey, genesys:httpdTlsCertificate\n",
    );
    expect(result.stdout).toContain(
      "httpd HA pair: private subnet 10.50.128.0/20 in eu-west-1a (host addresses 10.50.128.4 to 10.50.143.254), virtual IP 10.50.140.250 (awsvip)",
    );
  });

  it("writes exactly the files provisioning stages on each host, byte for byte, secrets as a line naming them", () => {
    const plan = JSON.parse(readFileSync(join(outDir, "prod", "plan.json"), "utf8")) as MockRun;
    const pairDir = join(outDir, "prod", "httpd-ha-pair");
    const written = new Map(
      filesUnder(pairDir).map((path) => [`/${relative(pairDir, path)}`, readFileSync(path, "utf8")]),
    );
    const hosts = ["ip1", "ip2"].map((host) => stagedHostFiles(plan, host));
    expect(hosts[1]).toEqual(hosts[0]);
    const staged = hosts[0];
    expect([...written.keys()].sort()).toEqual([...staged.keys()].sort());
    const secrets = new Map([
      ["/etc/pki/tls/certs/genesys-recording.crt", "genesys:httpdTlsCertificate"],
      ["/etc/pki/tls/private/genesys-recording.key", "genesys:httpdTlsPrivateKey"],
      ["/etc/corosync/authkey", "genesys:httpdHaPairCorosyncAuthkey"],
    ]);
    for (const [path, text] of staged) {
      const secret = secrets.get(path);
      if (secret) {
        expect(written.get(path)).toContain(`holds the secret ${secret}`);
        expect(written.get(path)).not.toContain(text.trim().split("\n")[1] ?? text.trim());
      } else expect(written.get(path), path).toBe(text);
    }
    // What the issue found missing from out/: the TLS vhost, the redirect to it and Secure cookies.
    const main = written.get("/etc/httpd/conf/httpd.conf")!;
    expect(main).toMatch(/^<VirtualHost \*:443>$/m);
    expect(main).toMatch(/Redirect|RewriteRule/);
    expect(written.get("/etc/httpd/conf.d/loadbalancer_t1.conf")).toMatch(/; Secure/);
    const stdout = results.get("prod")!.stdout;
    expect(stdout).toMatch(
      /^ {2}httpd-ha-pair\/: on both hosts of the httpd HA pair \(ip1 [\d.]+, ip2 [\d.]+\), at these paths:$/m,
    );
    for (const path of staged.keys()) expect(stdout).toMatch(new RegExp(`^ {4}${path.replace(/\./g, "\\.")}\\b`, "m"));
    expect(stdout).not.toContain("httpd/recording");
  });

  it("writes the runbook with the commands for the stack's hosts", async () => {
    const runbook = readFileSync(join(outDir, "prod", "RUNBOOK.md"), "utf8");
    expect(runbook).toContain("pcs status");
    expect(runbook).toMatch(/pcs node standby ip1/);
  });
});

describe("synth with a broken stack file", () => {
  it("prints every problem with its key path, no stack trace, and exits non-zero", async () => {
    const broken = readFileSync(join(root, "Pulumi.prod.yaml"), "utf8")
      .replace("genesys:region: eu-west-1", "genesys:region: moon-1")
      .replace("balancer: httpdHaPair", "balancer: none");
    const name = `broken${process.pid}`;
    const file = join(root, `Pulumi.${name}.yaml`);
    writeFileSync(file, broken);
    try {
      const result = await synth("--stack", name, "--out", outDir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('genesys:region: "moon-1" must be an AWS region code');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("rejects a missing --stack with the usage line", async () => {
    const result = await synth();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("usage: npm run synth -- --stack <name> [--preview] [--out DIR] [--traces]");
  });
});
