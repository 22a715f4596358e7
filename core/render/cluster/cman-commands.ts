/**
 * RHEL 6 node preparation from the vendor guide: cman (corosync inside) for
 * membership and quorum, configured with `ccs` in /etc/cluster/cluster.conf,
 * fencing redirected to Pacemaker, then cman and Pacemaker started. Run on
 * each node, as root.
 */
import type { HttpdHaPair } from "../../model/environment";
import type { ClusterCommand } from "./cluster-command";
import { addressedNodes, CLUSTER_NAME, type PairHosts } from "./pair-hosts";

export const CLUSTER_CONF_PATH = "/etc/cluster/cluster.conf";

const ccs = (...argv: string[]): ClusterCommand => ({ argv: ["ccs", "-f", CLUSTER_CONF_PATH, ...argv] });

export function cmanCommands(pair: HttpdHaPair, hosts: PairHosts): ClusterCommand[] {
  if (pair.os !== "rhel6")
    throw new Error(
      `httpdHaPair.os: ${JSON.stringify(pair.os)} has no cman; cman/ccs commands are rendered for rhel6 only`,
    );
  const transport = pair.corosync.transport ?? "udp";
  if (transport !== "udp" && transport !== "udpu") {
    throw new Error(
      `httpdHaPair.corosync.transport: ${JSON.stringify(transport)} is not available on rhel6 (allowed: udp, udpu)`,
    );
  }
  // cman names nodes, not addresses: each name must resolve on both hosts.
  const nodes = addressedNodes(pair, hosts, "/etc/hosts on RHEL 6");
  const names = nodes.map((n) => n.name);
  // --setcman replaces every cman attribute, so the unicast transport goes in the same call.
  const cman = ["two_node=1", "expected_votes=1", ...(transport === "udpu" ? ["transport=udpu"] : [])];
  return [
    // Pacemaker starts httpd; the init script must not.
    { argv: ["chkconfig", "httpd", "off"] },
    ...nodes.map((n): ClusterCommand => ({ argv: ["echo", `${n.address} ${n.name}`], appendTo: "/etc/hosts" })),
    ccs("--createcluster", CLUSTER_NAME),
    ...names.map((name) => ccs("--addnode", name)),
    ccs("--addfencedev", "pcmk", "agent=fence_pcmk"),
    ...names.map((name) => ccs("--addmethod", "pcmk-redirect", name)),
    ...names.map((name) => ccs("--addfenceinst", "pcmk", name, "pcmk-redirect", `port=${name}`)),
    ccs("--setcman", ...cman),
    // cman's init script otherwise waits for quorum; a node that boots while its peer is down must start anyway.
    { argv: ["echo", "CMAN_QUORUM_TIMEOUT=0"], appendTo: "/etc/sysconfig/cman" },
    { argv: ["service", "cman", "start"] },
    { argv: ["service", "pacemaker", "start"] },
    { argv: ["chkconfig", "--level", "345", "cman", "on"] },
    { argv: ["chkconfig", "--level", "345", "pacemaker", "on"] },
  ];
}
