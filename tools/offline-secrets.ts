/**
 * Stand-ins for secret config that offline synth cannot decrypt or that a stack
 * file leaves to `pulumi config set --secret`. They are shaped like the real
 * values (PEM text, a base64 corosync key) so validation runs, and are marked
 * secret like the real ones. `pulumi up` never sees them.
 */
import { CONFIG_NAMESPACE } from "../core/model/problems";
import { SECRET_CONFIG_KEYS } from "../core/model/schema";

const PLACEHOLDERS: Record<keyof typeof SECRET_CONFIG_KEYS, string> = {
  httpdHaPairSshPrivateKey:
    "-----BEGIN OPENSSH PRIVATE KEY-----\noffline-placeholder\n-----END OPENSSH PRIVATE KEY-----",
  httpdHaPairBastionSshPrivateKey:
    "-----BEGIN OPENSSH PRIVATE KEY-----\noffline-placeholder-bastion\n-----END OPENSSH PRIVATE KEY-----",
  httpdTlsPrivateKey: "-----BEGIN PRIVATE KEY-----\noffline-placeholder\n-----END PRIVATE KEY-----",
  httpdTlsCertificate: "-----BEGIN CERTIFICATE-----\noffline-placeholder\n-----END CERTIFICATE-----",
  httpdHaPairCorosyncAuthkey: Buffer.alloc(128, 7).toString("base64"),
  // RDS master passwords: 8 to 41 printable characters without '/', '"', '@' or spaces.
  configurationDatabasePassword: "offline-placeholder-0000",
};

/** Full config keys (`genesys:...`) with their offline stand-ins. */
export const OFFLINE_SECRETS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SECRET_CONFIG_KEYS).map(([id, key]) => [
    `${CONFIG_NAMESPACE}:${key}`,
    PLACEHOLDERS[id as keyof typeof SECRET_CONFIG_KEYS],
  ]),
);

/** Adds a stand-in for every secret key the stack file does not set; returns the keys it added. */
export function withOfflineSecrets(config: Record<string, string>): {
  config: Record<string, string>;
  added: string[];
} {
  const added = Object.keys(OFFLINE_SECRETS).filter((key) => !(key in config));
  return { config: { ...config, ...Object.fromEntries(added.map((key) => [key, OFFLINE_SECRETS[key]])) }, added };
}
