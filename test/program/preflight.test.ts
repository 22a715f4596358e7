/**
 * Preflight against the stack files as they are (templates with sample
 * values and no secrets) and against a completed copy, plus each check on
 * its own from a completed config with one value changed.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fakeSshKeyReason, preflight } from "../../tools/preflight";
import { requireBinary } from "../support/real-servers";

const root = join(__dirname, "..", "..");
const prodText = readFileSync(join(root, "Pulumi.prod.yaml"), "utf8");

/** One SSH wire-format field: its length, then its bytes. */
function sshField(bytes: Buffer): Buffer {
  const out = Buffer.alloc(4 + bytes.length);
  out.writeUInt32BE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
}

/** A generated ed25519 public key line (OpenSSH format). */
function realPublicKey(): string {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  const blob = Buffer.concat([sshField(Buffer.from("ssh-ed25519")), sshField(der.subarray(der.length - 32))]);
  return `ssh-ed25519 ${blob.toString("base64")} ops@contact-centre`;
}

const SECURE = (tag: string) => `\n  genesys:${tag}:\n    secure: v1:c2VjcmV0LXZhbHVlLWVuY3J5cHRlZA==`;

/** An operator's own CA certificate, PEM, made by openssl. */
function ownCa(): string {
  const dir = mkdtempSync(join(tmpdir(), "genesys-preflight-ca-"));
  dirs.push(dir);
  const result = spawnSync(
    requireBinary("openssl", "openssl"),
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"].concat([
      "-subj",
      "/O=Acme Retail/CN=Acme Recording Servers CA",
      "-keyout",
      join(dir, "ca.key"),
    ]),
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`openssl could not make a CA: ${result.stderr}`);
  return result.stdout;
}

/** Pulumi.prod.yaml as an operator completes it: own domain, zone, account, key and CA, and the secrets set. */
function completedProd(): string {
  const ca = ownCa()
    .trim()
    .split("\n")
    .map((line) => `        ${line}`)
    .join("\n");
  const text = prodText
    .replace(/caBundle: \|\n(?: {8}.*\n)+/, `caBundle: |\n${ca}\n`)
    .replace(/example\.com/g, "contact.acme-retail.co.uk")
    .replace("Z0123456789ABCDEFGHIJ", "Z06143982KQ2V9SAMW3RP")
    .replace(/111122223333/g, "492837461029")
    .replace(/sshPublicKey: .*/, `sshPublicKey: ${realPublicKey()}`)
    .replace("adminCidr: 10.0.0.0/8", "adminCidr: 81.2.69.0/28");
  return text.replace(
    /^config:/m,
    `config:${SECURE("httpdHaPairSshPrivateKey")}${SECURE("httpdTlsPrivateKey")}${SECURE("httpdTlsCertificate")}${SECURE("httpdHaPairCorosyncAuthkey")}${SECURE("configurationDatabasePassword")}`,
  );
}

const configOf = (text: string) => (parse(text) as { config: Record<string, unknown> }).config;
const keysOf = (report: ReturnType<typeof preflight>) => report.problems.map((p) => p.key);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function runCli(args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(
    process.execPath,
    [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "scripts/preflight.ts"), ...args],
    { encoding: "utf8", timeout: 60_000 },
  );
  return { status: result.status, stdout: result.stdout + result.stderr };
}

describe("npm run preflight -- --stack prod", () => {
  it("fails on the repository's template, listing the missing secrets and every sample value, with the commands to set the secrets", () => {
    const { status, stdout } = runCli(["--stack", "prod"]);
    expect(status).toBe(1);
    for (const key of [
      "genesys:httpdHaPairSshPrivateKey",
      "genesys:httpdTlsPrivateKey",
      "genesys:httpdTlsCertificate",
    ]) {
      expect(stdout).toContain(`  - ${key}: is not set as a secret (secure:)`);
    }
    expect(stdout).toContain(
      "cat ~/.ssh/genesys-ha | pulumi config set --stack prod --secret genesys:httpdHaPairSshPrivateKey",
    );
    expect(stdout).toMatch(/genesys:site\.hostedZoneId: "Z0123456789ABCDEFGHIJ" is a sample hosted zone id/);
    expect(stdout).toMatch(/genesys:tls\.certificateArn: .* names AWS's documentation account 111122223333/);
    expect(stdout).toMatch(/genesys:httpdHaPair\.sshPublicKey: is not a well-formed OpenSSH public key/);
    expect(stdout).toContain("genesys:recording.backendTls.caBundle: holds the stack file's sample certificate");
    for (const key of [
      "site.domain",
      "webEngagement81.frontend.hostname",
      "webEngagement81.backend.hostname",
      "webEngagement85.hostname",
      "cobrowse.hostname",
      "recording.hostname",
    ]) {
      expect(stdout).toMatch(
        new RegExp(
          `genesys:${key.replace(/\./g, "\\.")}: .* is under example\\.com, a domain reserved for documentation`,
        ),
      );
    }
  });

  it("passes on a completed copy written to a temporary directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "genesys-preflight-"));
    dirs.push(dir);
    writeFileSync(join(dir, "Pulumi.prod.yaml"), completedProd());
    const { status, stdout } = runCli(["--stack", "prod", "--dir", dir]);
    expect(stdout).toBe("Stack prod is ready for pulumi up: every required secret is set, no sample values remain.\n");
    expect(status).toBe(0);
  });
});

describe("preflight checks, one change from a completed stack", () => {
  const base = () => configOf(completedProd());

  it("is clean on the completed stack", () => {
    expect(preflight("prod", base()).problems).toEqual([]);
  });

  it("wants a secret set in plain text moved to secure:", () => {
    const config = {
      ...base(),
      "genesys:httpdTlsPrivateKey": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
    };
    const report = preflight("prod", config);
    expect(report.problems).toEqual([
      expect.objectContaining({
        key: "genesys:httpdTlsPrivateKey",
        message: expect.stringContaining("is set in plain text"),
      }),
    ]);
    expect(report.commands).toEqual([
      expect.stringMatching(/\| pulumi config set --stack prod --secret genesys:httpdTlsPrivateKey$/),
    ]);
  });

  it("asks for the corosync key only with the knet transport", () => {
    const config = base();
    delete config["genesys:httpdHaPairCorosyncAuthkey"];
    const report = preflight("prod", config);
    expect(keysOf(report)).toEqual(["genesys:httpdHaPairCorosyncAuthkey"]);
    expect(report.commands).toEqual([
      "corosync-keygen -k authkey && base64 -w0 authkey | pulumi config set --stack prod --secret genesys:httpdHaPairCorosyncAuthkey",
    ]);
    (config["genesys:httpdHaPair"] as { corosync: Record<string, unknown> }).corosync.transport = "udpu";
    expect(preflight("prod", config).problems).toEqual([]);
  });

  it("needs no pair secrets in a stack without the pair", () => {
    const config = base();
    delete config["genesys:httpdHaPair"];
    for (const key of Object.keys(config)) if (key.startsWith("genesys:httpd")) delete config[key];
    (config["genesys:recording"] as Record<string, unknown>).balancer = "alb";
    expect(preflight("prod", config).problems).toEqual([]);
  });

  it("refuses a certificate from another region than the stack's", () => {
    const config = base();
    const tls = config["genesys:tls"] as Record<string, string>;
    tls.certificateArn = tls.certificateArn.replace(":eu-west-1:", ":us-east-1:");
    expect(preflight("prod", config).problems).toEqual([
      expect.objectContaining({
        key: "genesys:tls.certificateArn",
        message: expect.stringMatching(/is in us-east-1, but the stack's balancers are in eu-west-1/),
      }),
    ]);
  });

  it.each([
    ["an EXAMPLE zone id", "Z3M3LMPEXAMPLE", /sample hosted zone id/],
    ["the Route 53 documentation's zone id", "Z1D633PJN98FT9", /sample hosted zone id/],
    ["a lower-case zone id", "z06143982kq2v9samw3rp", /must be a Route 53 hosted zone id/],
  ])("refuses %s", (_what, zoneId, message) => {
    const config = base();
    (config["genesys:site"] as Record<string, string>).hostedZoneId = zoneId;
    expect(preflight("prod", config).problems).toEqual([
      expect.objectContaining({ key: "genesys:site.hostedZoneId", message: expect.stringMatching(message) }),
    ]);
  });

  it.each(["123456789012", "444455556666"])("refuses the documentation account %s anywhere", (account) => {
    const config = base();
    const tls = config["genesys:tls"] as Record<string, string>;
    tls.certificateArn = tls.certificateArn.replace("492837461029", account);
    expect(keysOf(preflight("prod", config))).toEqual(["genesys:tls.certificateArn"]);
  });

  it("refuses a bastion at a documentation address, and a private adminCidr for the stack's public bastion", () => {
    const config = base();
    const pair = config["genesys:httpdHaPair"] as Record<string, unknown>;
    pair.provisioning = { existingBastion: { host: "203.0.113.7" } };
    expect(preflight("prod", config).problems).toEqual([
      expect.objectContaining({
        key: "genesys:httpdHaPair.provisioning.existingBastion.host",
        message: expect.stringContaining("RFC 5737"),
      }),
    ]);
    delete pair.provisioning;
    pair.adminCidr = "172.20.0.0/16";
    expect(keysOf(preflight("prod", config))).toEqual(["genesys:httpdHaPair.adminCidr"]);
  });

  it("reports config problems with their key paths instead of checking further", () => {
    const config = base();
    (config["genesys:site"] as Record<string, string>).hostedZoneId = "not-a-zone";
    expect(preflight("prod", config).problems).toEqual([
      {
        key: "genesys:site.hostedZoneId",
        message: expect.stringMatching(/^"not-a-zone" must be a Route 53 hosted zone id/),
      },
    ]);
  });
});

describe("sample SSH public keys", () => {
  const line = (type: string, material: Buffer) =>
    `${type} ${Buffer.concat([sshField(Buffer.from(type)), sshField(material)]).toString("base64")} admin@host`;

  it("accepts a generated key", () => {
    expect(fakeSshKeyReason(realPublicKey())).toBeUndefined();
  });

  it("refuses well-formed keys whose material is typed text", () => {
    expect(fakeSshKeyReason(line("ssh-ed25519", Buffer.from("genesys-ha-pair-provisioning-key")))).toMatch(
      /is a sample: its key material is the text "genesys-ha-pair-provisioning-key"/,
    );
  });

  it.each([
    ["a truncated blob", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVuZXN5cy1oYS1wYWlyLXByb3Zpc2lvbmluZy1rZXk"],
    ["a blob of another type", line("ssh-rsa", Buffer.alloc(32, 1)).replace(/^ssh-rsa/, "ssh-ed25519")],
    ["a short ed25519 key", line("ssh-ed25519", Buffer.alloc(16, 200))],
  ])("refuses %s", (_what, text) => {
    expect(fakeSshKeyReason(text)).toMatch(/not a well-formed|not an OpenSSH/);
  });
});
