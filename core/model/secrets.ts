/**
 * Which secret config keys a stack needs, from its validated model: the
 * program reads them as Pulumi secrets (components/stack-config.ts) and refuses to run without one it needs,
 * and offline synth fills them with stand-ins, so only `pulumi up` would stop
 * on a missing one. Preflight reads this list to say so before.
 */
import { needsAuthkey } from "../render/cluster/corosync-conf";
import type { Environment } from "./environment";
import { CONFIG_NAMESPACE } from "./problems";
import { SECRET_CONFIG_KEYS } from "./schema";

interface SecretNeed {
  /** Full config key, `genesys:httpdHaPairSshPrivateKey`. */
  readonly key: string;
  /** Why the stack needs it. */
  readonly reason: string;
  /** The shell text that produces the value, piped into `pulumi config set --secret`. */
  readonly source: string;
  /** False for secrets with a fallback (the stack runs without them). */
  readonly required: boolean;
}

const full = (key: string) => `${CONFIG_NAMESPACE}:${key}`;

export function secretNeeds(env: Environment): SecretNeed[] {
  const database: SecretNeed[] = env.framework?.configurationDatabase?.create
    ? [
        {
          key: full(SECRET_CONFIG_KEYS.configurationDatabasePassword),
          reason: "the master password of the Configuration Database the stack creates",
          source: 'a generated password of 8 to 41 characters without /, ", @ or spaces',
          required: true,
        },
      ]
    : [];
  const pair = env.httpdHaPair;
  if (!pair) return database;
  const needs: SecretNeed[] = [
    ...database,
    {
      key: full(SECRET_CONFIG_KEYS.httpdHaPairSshPrivateKey),
      reason: "provisioning logs in to the httpd HA pair (and the bastion) with it",
      source: "cat ~/.ssh/genesys-ha",
      required: true,
    },
  ];
  if (pair.provisioning.via === "bastion" && pair.provisioning.existingBastion !== undefined) {
    needs.push({
      key: full(SECRET_CONFIG_KEYS.httpdHaPairBastionSshPrivateKey),
      reason: "the existing bastion's login key (default: the pair's key)",
      source: "cat ~/.ssh/genesys-bastion",
      required: false,
    });
  }
  if (needsAuthkey(pair)) {
    needs.push({
      key: full(SECRET_CONFIG_KEYS.httpdHaPairCorosyncAuthkey),
      reason: "the knet transport encrypts cluster traffic with it",
      source: "corosync-keygen -k authkey && base64 -w0 authkey",
      required: true,
    });
  }
  if (env.recording?.balancer === "httpdHaPair") {
    const required = env.isProduction;
    const why = required
      ? "a production pair serves recording over https only"
      : "the pair serves https when both TLS secrets are set";
    needs.push(
      {
        key: full(SECRET_CONFIG_KEYS.httpdTlsPrivateKey),
        reason: `${why} (PEM private key of ${env.recording.hostname})`,
        source: `cat ${env.recording.hostname}.key`,
        required,
      },
      {
        key: full(SECRET_CONFIG_KEYS.httpdTlsCertificate),
        reason: `${why} (PEM certificate chain of ${env.recording.hostname})`,
        source: `cat ${env.recording.hostname}.crt`,
        required,
      },
    );
  }
  return needs;
}

/** What the program says when a secret it needs is not set: the key, what needs it, the command that sets it. */
export function missingSecretMessage(key: keyof typeof SECRET_CONFIG_KEYS, neededFor: string): string {
  const full = `${CONFIG_NAMESPACE}:${SECRET_CONFIG_KEYS[key]}`;
  return `${full} is not set; ${neededFor} needs it: pulumi config set --secret ${full}`;
}
