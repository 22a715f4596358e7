/**
 * Everything that turns two provisioned hosts into the httpd HA pair, per OS:
 * files and commands for every node, then the Pacemaker resources created
 * once. Provisioning runs the argv arrays; operators read the scripts.
 */
import type { HttpdHaPair } from "../../model/environment";
import { renderScript, type ClusterCommand } from "./cluster-command";
import { cmanCommands } from "./cman-commands";
import { COROSYNC_AUTHKEY_PATH, COROSYNC_CONF_PATH, needsAuthkey, renderCorosyncConf } from "./corosync-conf";
import { addressedNodes, type PairHosts } from "./pair-hosts";
import { pcsCommands } from "./pcs-commands";

export interface ClusterFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode, e.g. `0644`. */
  readonly mode: string;
}

export interface ClusterSetup {
  /** Written on both nodes before `eachNode` runs. */
  readonly files: readonly ClusterFile[];
  /** Files both nodes must share that are secrets, so not rendered: the deployment supplies them (e.g. knet's authkey from `corosync-keygen`). */
  readonly sharedSecrets: readonly string[];
  /** Run on each node, as root, in order; the cluster is up once both have run them. */
  readonly eachNode: readonly ClusterCommand[];
  /** Run on one node, as root, after both have joined. */
  readonly oneNode: readonly ClusterCommand[];
}

/** The files written on both nodes (corosync.conf; none on RHEL 6, whose cman commands write cluster.conf). */
export function clusterFiles(pair: HttpdHaPair, hosts: Pick<PairHosts, "addresses">): ClusterFile[] {
  if (pair.os === "rhel6") return [];
  const addresses = Object.fromEntries(addressedNodes(pair, hosts, "corosync.conf").map((n) => [n.name, n.address]));
  return [{ path: COROSYNC_CONF_PATH, content: renderCorosyncConf(pair, addresses), mode: "0644" }];
}

export function clusterSetup(pair: HttpdHaPair, hosts: PairHosts): ClusterSetup {
  const oneNode = pcsCommands(pair, hosts);
  if (pair.os === "rhel6") return { files: [], sharedSecrets: [], eachNode: cmanCommands(pair, hosts), oneNode };
  return {
    files: clusterFiles(pair, hosts),
    sharedSecrets: needsAuthkey(pair) ? [COROSYNC_AUTHKEY_PATH] : [],
    eachNode: [
      // Pacemaker starts httpd; systemd must not.
      { argv: ["systemctl", "disable", "--now", "httpd"] },
      { argv: ["systemctl", "enable", "--now", "corosync", "pacemaker"] },
    ],
    oneNode,
  };
}

/** The setup as two operator scripts. */
export function renderSetupScripts(setup: ClusterSetup): { eachNode: string; oneNode: string } {
  return {
    eachNode: renderScript(setup.eachNode, "Run on each node of the httpd HA pair, as root."),
    oneNode: renderScript(setup.oneNode, "Run once, on one node, after both nodes have joined the cluster."),
  };
}
