/**
 * Preflight: what only a real deployment needs and offline synth cannot see,
 * checked on a stack file before `pulumi up`. Synth replaces missing secrets
 * with stand-ins and takes sample values at face value; AWS would not. Pure:
 * the stack file's parsed content in, problems and the commands that fix the
 * missing secrets out.
 */
import { X509Certificate } from "node:crypto";
import { loadEnvironment } from "../core/model/load";
import { parseCidr, parseIpv4, cidrContains } from "../core/model/network-math";
import { CONFIG_NAMESPACE, describeValue, formatKeyPath } from "../core/model/problems";
import { HOSTED_ZONE_ID_PATTERN } from "../core/model/schema";
import { secretNeeds } from "../core/model/secrets";
import { encodeConfigValue } from "./stack-file";

export interface PreflightProblem {
  /** `genesys:site.hostedZoneId`, `genesys:httpdHaPairSshPrivateKey`. */
  readonly key: string;
  readonly message: string;
}

export interface PreflightReport {
  readonly stack: string;
  readonly problems: readonly PreflightProblem[];
  /** `pulumi config set --secret` lines for every missing required secret. */
  readonly commands: readonly string[];
}

/**
 * Account ids the AWS documentation uses in examples; no real account has
 * them. (AWS General Reference and IAM User Guide examples.)
 */
export const DOCUMENTATION_ACCOUNTS = [
  "111122223333",
  "123456789012",
  "444455556666",
  "777788889999",
  "999988887777",
] as const;
/** Domains reserved for documentation and testing (RFC 2606, RFC 6761). */
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/;
/** Address blocks reserved for documentation (RFC 5737). */
const DOCUMENTATION_NETWORKS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map((c) => parseCidr(c)!);
/** Sample hosted zone ids: the AWS documentation's (Z1D633PJN98FT9, Z3M3LMPEXAMPLE) and this project's own example. */
const SAMPLE_ZONE_IDS = new Set(["Z1D633PJN98FT9", "Z0123456789ABCDEFGHIJ"]);

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;

/** Every string in a config value with its path (`site.domain`, `network.availabilityZones[0]`). */
function strings(value: unknown, path: string): { path: string; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  return [];
}

const isSecure = (value: unknown): boolean =>
  value !== null &&
  typeof value === "object" &&
  "secure" in value &&
  typeof (value as { secure: unknown }).secure === "string";

/**
 * A public key whose key material is readable text was typed, not generated:
 * an ed25519 key is 32 random bytes (all printable with odds of about 1e-14),
 * an RSA modulus hundreds. Also catches blobs that are not the SSH wire format
 * of the key type they claim.
 */
export function fakeSshKeyReason(line: string): string | undefined {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) return "is not an OpenSSH public key line";
  const bytes = Buffer.from(blob, "base64");
  const fields: Buffer[] = [];
  for (let at = 0; at + 4 <= bytes.length && fields.length < 4;) {
    const size = bytes.readUInt32BE(at);
    if (at + 4 + size > bytes.length) return "is not a well-formed OpenSSH public key (truncated)";
    fields.push(bytes.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  if (fields[0]?.toString("latin1") !== type) return `is not a well-formed ${type} key (its data names another type)`;
  const material = type === "ssh-ed25519" ? fields[1] : type === "ssh-rsa" ? fields[2] : fields[2];
  if (!material || (type === "ssh-ed25519" && material.length !== 32)) return `is not a well-formed ${type} key`;
  if ([...material].every((b) => b >= 0x20 && b < 0x7f))
    return `is a sample: its key material is the text ${JSON.stringify(material.toString("latin1"))}, not a generated key`;
  return undefined;
}

/** The subject of a PEM certificate in `text` that the stack files mark as a sample (O=... (sample)). */
function sampleCertificateSubject(text: string): string | undefined {
  for (const [pem] of text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)) {
    try {
      const subject = new X509Certificate(pem).subject;
      if (/\(sample\)/i.test(subject)) return subject.replace(/\n/g, ", ");
    } catch {
      // Not a certificate: the config schema says so with the key path.
    }
  }
  return undefined;
}

function placeholderProblems(key: string, value: unknown): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  for (const { path, text } of strings(value, key)) {
    const account = DOCUMENTATION_ACCOUNTS.find((a) => text.includes(a));
    if (account)
      problems.push({
        key: path,
        message: `${JSON.stringify(text)} names AWS's documentation account ${account}; use your account's value`,
      });
    for (const host of text.toLowerCase().match(/[a-z0-9.-]+\.[a-z0-9-]+/g) ?? []) {
      const reserved = RESERVED_DOMAIN.exec(host);
      if (reserved) {
        problems.push({
          key: path,
          message: `${JSON.stringify(text)} is under ${reserved[0].replace(/^\./, "")}, a domain reserved for documentation; use your own domain`,
        });
        break;
      }
    }
    if (SAMPLE_ZONE_IDS.has(text) || (/^Z[A-Z0-9]+$/.test(text) && text.includes("EXAMPLE"))) {
      problems.push({
        key: path,
        message: `${JSON.stringify(text)} is a sample hosted zone id; use the id of your Route 53 zone (aws route53 list-hosted-zones-by-name)`,
      });
    }
    const ip = parseIpv4(text);
    const net = DOCUMENTATION_NETWORKS.find((n) => ip !== undefined && cidrContains(n, ip));
    if (net)
      problems.push({ key: path, message: `${JSON.stringify(text)} is in a documentation address block (RFC 5737)` });
    const sample = sampleCertificateSubject(text);
    if (sample)
      problems.push({
        key: path,
        message: `holds the stack file's sample certificate (${sample}); use the PEM of the CA that signs your recording servers' certificates`,
      });
    if (/^(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) /.test(text)) {
      const reason = fakeSshKeyReason(text);
      if (reason)
        problems.push({
          key: path,
          message: `${reason}; set the public half of genesys:httpdHaPairSshPrivateKey (ssh-keygen -y -f ~/.ssh/genesys-ha)`,
        });
    }
  }
  return problems;
}

const shellWord = (text: string) => (/^[A-Za-z0-9_./:-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`);

/** Checks one stack file's `config:` map (values as the YAML holds them; secrets as `{ secure: ... }`). */
export function preflight(stack: string, config: Readonly<Record<string, unknown>>): PreflightReport {
  const problems: PreflightProblem[] = [];
  const commands: string[] = [];
  const plain: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isSecure(value)) continue;
    plain[key] = encodeConfigValue(value);
    problems.push(...placeholderProblems(key, value));
  }

  const loaded = loadEnvironment(plain);
  if (!loaded.environment) {
    for (const problem of loaded.problems)
      problems.push({
        key: formatKeyPath(problem.path),
        message: `${describeValue(problem.value)} ${problem.message}`,
      });
    return { stack, problems, commands };
  }
  const env = loaded.environment;

  for (const need of secretNeeds(env)) {
    const value = config[need.key];
    if (value !== undefined && !isSecure(value)) {
      problems.push({
        key: need.key,
        message: `is set in plain text in Pulumi.${stack}.yaml; remove it and set it as a secret (${need.reason})`,
      });
    } else if (value === undefined && need.required) {
      problems.push({ key: need.key, message: `is not set as a secret (secure:); ${need.reason}` });
    } else continue;
    commands.push(`${need.source} | pulumi config set --stack ${shellWord(stack)} --secret ${need.key}`);
  }

  if (env.tls) {
    const arn = CERTIFICATE_ARN.exec(env.tls.certificateArn);
    if (arn && arn[1] !== env.region) {
      problems.push({
        key: `${CONFIG_NAMESPACE}:tls.certificateArn`,
        message: `is in ${arn[1]}, but the stack's balancers are in ${env.region}: a load balancer takes certificates from its own region only (request or import one in ${env.region})`,
      });
    }
  }
  const zones: [string, string | undefined][] = [
    ["site.hostedZoneId", env.site.hostedZoneId],
    ["httpdHaPair.privateHostedZoneId", env.httpdHaPair?.privateHostedZoneId],
  ];
  for (const [path, id] of zones) {
    if (id !== undefined && !HOSTED_ZONE_ID_PATTERN.test(id))
      problems.push({
        key: `${CONFIG_NAMESPACE}:${path}`,
        message: `${JSON.stringify(id)} is not a Route 53 hosted zone id (Z followed by upper-case letters and digits)`,
      });
  }
  const pair = env.httpdHaPair;
  if (pair && pair.provisioning.via === "bastion" && pair.provisioning.existingBastion === undefined) {
    const admin = parseCidr(pair.adminCidr);
    const privateNets = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);
    if (admin && privateNets.some((n) => n.prefix <= admin.prefix && cidrContains(n, admin.base))) {
      problems.push({
        key: `${CONFIG_NAMESPACE}:httpdHaPair.adminCidr`,
        message: `${JSON.stringify(pair.adminCidr)} is private, but the stack's bastion has a public address: set the public range \`pulumi up\` connects from (your office or VPN egress, or your self-hosted runners), or use provisioning.via: direct from inside the VPC`,
      });
    }
  }
  return { stack, problems, commands };
}

export function formatReport(report: PreflightReport): string {
  if (report.problems.length === 0)
    return `Stack ${report.stack} is ready for pulumi up: every required secret is set, no sample values remain.`;
  const lines = [
    `Stack ${report.stack} is not ready for pulumi up (${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}):`,
  ];
  for (const p of report.problems) lines.push(`  - ${p.key}: ${p.message}`);
  if (report.commands.length > 0)
    lines.push(
      "",
      "Set the missing secrets (each reads the value from standard input):",
      ...report.commands.map((c) => `  ${c}`),
    );
  return lines.join("\n");
}
