/**
 * TLS from the balancer to the recording servers. A certificate can only be
 * checked against a name, so every recording node has one: `<node>.<recording
 * hostname>` (lowercase, `_` as `-`), the name its certificate must carry.
 * The stack publishes it in the pair's private zone (the VPC resolver answers
 * it to the pair's hosts), and both renderers check the node's certificate
 * against it with the chain against `recording.backendTls.caBundle`.
 */
import { z } from "zod";
import { HOSTNAME_PATTERN } from "./names";

/** The DNS name a recording node's certificate names, e.g. `t1rws1.recording.example.com`. */
export function recordingNodeDnsName(nodeKey: string, recordingHostname: string): string {
  return `${nodeKey.toLowerCase().replace(/_/g, "-")}.${recordingHostname}`;
}

export function isDnsName(name: string): boolean {
  return HOSTNAME_PATTERN.test(name);
}

const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----\\r?\\n(?:[A-Za-z0-9+/=]{1,76}\\r?\\n)+-----END CERTIFICATE-----";
/** One or more PEM certificates and nothing else (no key, no stray text). */
const PEM_BUNDLE_PATTERN = new RegExp(`^\\s*(?:${PEM_CERTIFICATE}\\s*)+$`);

export const caBundle = () =>
  z.string().regex(PEM_BUNDLE_PATTERN, {
    message:
      "must be PEM certificates only (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----, one or more), e.g. the text of ca.pem",
  });
