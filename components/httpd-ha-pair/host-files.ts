/**
 * Every file provisioning leaves on each host of the pair, by its path on the
 * host, rendered by the calls provisioning makes: the httpd site
 * (renderPairSite), the client TLS certificate and key, and the cluster's files
 * (clusterFiles) with its shared secret. Synth writes these for review; a
 * secret's text is never rendered, only a line saying which secret goes there.
 */
import type { Environment } from "../../core/model/environment";
import { CONFIG_NAMESPACE } from "../../core/model/problems";
import { SECRET_CONFIG_KEYS } from "../../core/model/schema";
import { clusterFiles } from "../../core/render/cluster/cluster-setup";
import { COROSYNC_AUTHKEY_PATH, needsAuthkey } from "../../core/render/cluster/corosync-conf";
import { renderPairSite, TLS_CERTIFICATE_FILE, TLS_KEY_FILE } from "./site-files";

export interface PairHostFile {
  /** Absolute path on each host. */
  readonly path: string;
  /** The file's text; for a secret, a line naming the secret instead. */
  readonly content: string;
  /** The config key (`genesys:…`) whose secret value the host's file holds. */
  readonly secret?: string;
}

export interface PairDeployment {
  /** Recording member id (`t1/rws/t1rws1`) -> private IPv4. */
  readonly recordingIps: Readonly<Record<string, string>>;
  /** Pair node key -> private IPv4 of its host. */
  readonly hostIps: Readonly<Record<string, string>>;
  /** The pair serves clients https (pairTlsSecrets found both TLS secrets). */
  readonly clientTls: boolean;
}

function secretFile(path: string, key: string): PairHostFile {
  const secret = `${CONFIG_NAMESPACE}:${key}`;
  return {
    path,
    secret,
    content: `# Not rendered: on the host this file holds the secret ${secret} (set with pulumi config set --secret).\n`,
  };
}

/** The files on each host of the pair, in the order provisioning writes them. */
export function pairHostFiles(env: Environment, deployed: PairDeployment): PairHostFile[] {
  const pair = env.httpdHaPair;
  if (!pair) return [];
  return [
    ...renderPairSite(env, deployed.recordingIps, deployed.clientTls).map((f) => ({
      path: f.path,
      content: f.content,
    })),
    ...(deployed.clientTls
      ? [
          secretFile(TLS_CERTIFICATE_FILE, SECRET_CONFIG_KEYS.httpdTlsCertificate),
          secretFile(TLS_KEY_FILE, SECRET_CONFIG_KEYS.httpdTlsPrivateKey),
        ]
      : []),
    ...clusterFiles(pair, { addresses: deployed.hostIps }).map((f) => ({ path: f.path, content: f.content })),
    ...(needsAuthkey(pair) ? [secretFile(COROSYNC_AUTHKEY_PATH, SECRET_CONFIG_KEYS.httpdHaPairCorosyncAuthkey)] : []),
  ];
}
