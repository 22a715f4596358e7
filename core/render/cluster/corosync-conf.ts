/**
 * /etc/corosync/corosync.conf for the RHEL 8 pair (corosync 3). RHEL 6 has no
 * such file: cman builds corosync's configuration from cluster.conf (see
 * cman-commands.ts).
 */
import type { HttpdHaPair } from "../../model/environment";
import { usesPcs } from "../../model/ha-os";
import { addressedNodes, CLUSTER_NAME, type PairHosts } from "./pair-hosts";

export const COROSYNC_CONF_PATH = "/etc/corosync/corosync.conf";
/** Shared secret of knet's encryption; the same file on both nodes, mode 0400. */
export const COROSYNC_AUTHKEY_PATH = "/etc/corosync/authkey";

export type Rhel8Transport = "knet" | "udpu";

/** knet is corosync 3's (and `pcs cluster setup`'s) default on RHEL 8. */
export function rhel8Transport(pair: HttpdHaPair): Rhel8Transport {
  const transport = pair.corosync.transport ?? "knet";
  if (transport !== "knet" && transport !== "udpu") {
    throw new Error(
      `httpdHaPair.corosync.transport: ${JSON.stringify(transport)} is not available on ${pair.os} (allowed: knet, udpu)`,
    );
  }
  return transport;
}

/** knet encrypts and authenticates cluster traffic with the shared authkey; corosync 3 allows crypto on knet only. */
export function needsAuthkey(pair: HttpdHaPair): boolean {
  return usesPcs(pair.os) && rhel8Transport(pair) === "knet";
}

/** corosync's consensus timeout: at least 1.2 x token (corosync.conf(5)), and the shortest is the quickest detection. */
export function consensusMs(tokenMs: number): number {
  return Math.ceil(tokenMs * 1.2);
}

/** How long corosync takes to declare a silent node lost: the token timeout, then the consensus. */
export function detectionMs(tokenMs: number): number {
  return tokenMs + consensusMs(tokenMs);
}

export function renderCorosyncConf(pair: HttpdHaPair, addresses: Readonly<Record<string, string>>): string {
  if (!usesPcs(pair.os))
    throw new Error(
      `httpdHaPair.os: ${JSON.stringify(pair.os)} clusters take their corosync settings from cman's cluster.conf; corosync.conf is rendered for rhel8 and rhel9 only`,
    );
  const transport = rhel8Transport(pair);
  const tokenMs = pair.corosync.tokenMs;
  if (!Number.isInteger(tokenMs) || tokenMs < 500 || tokenMs > 60000) {
    throw new Error(
      `httpdHaPair.corosync.tokenMs: ${JSON.stringify(tokenMs)} must be a whole number of milliseconds from 500 to 60000`,
    );
  }
  const nodes = addressedNodes(pair, { addresses } satisfies PairHosts, "corosync.conf");
  const crypto = transport === "knet" ? ["    crypto_cipher: aes256", "    crypto_hash: sha256"] : [];
  return [
    "# corosync 3 configuration of the httpd HA pair. Same file on both nodes.",
    "totem {",
    "    version: 2",
    `    cluster_name: ${CLUSTER_NAME}`,
    `    transport: ${transport}`,
    // Failure detection takes the token timeout plus the consensus, so these set most of the failover time.
    // The token comes from the model (Red Hat's cloud guidance, 15000-30000 ms); consensus is corosync's minimum, 1.2 x token.
    `    token: ${tokenMs}`,
    `    consensus: ${consensusMs(tokenMs)}`,
    ...crypto,
    "}",
    "",
    "nodelist {",
    ...nodes.flatMap((node) => [
      "    node {",
      `        ring0_addr: ${node.address}`,
      `        name: ${node.name}`,
      `        nodeid: ${node.nodeId}`,
      "    }",
    ]),
    "}",
    "",
    "quorum {",
    "    provider: corosync_votequorum",
    // A surviving node of two keeps quorum; fencing (not quorum) settles a partition.
    "    two_node: 1",
    // two_node implies it; written out because it is what keeps a node that boots alone (after being fenced) from starting the service.
    "    wait_for_all: 1",
    "}",
    "",
    "logging {",
    "    to_logfile: yes",
    "    logfile: /var/log/cluster/corosync.log",
    "    to_syslog: yes",
    "    timestamp: on",
    "}",
    "",
  ].join("\n");
}
