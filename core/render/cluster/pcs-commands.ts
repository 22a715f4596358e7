/**
 * The Pacemaker resources of the httpd HA pair as `pcs` commands, run once on
 * one node after both have joined. RHEL 6 (pcs 0.9) and RHEL 8 (pcs 0.10)
 * accept the same commands.
 *
 * The vendor guide writes `pcs constraint colocation add webserver virtual_ip
 * INFINITY`; pcs since 0.9 documents `<source> with <target>` and pcs 0.11
 * rejects the form without `with`, so the keyword is always written.
 */
import type { HttpdHaPair } from "../../model/environment";
import type { ClusterCommand } from "./cluster-command";
import { httpdConfigFile, routeTableIds, virtualIpAddress, virtualIpNetmask, virtualIpNic, type PairHosts } from "./pair-hosts";

/** Resource ids; `virtual_ip` and `webserver` are the guide's names, used by operators in `pcs resource cleanup`. */
export const CLUSTER_RESOURCES = {
  /** awsvip only: assigns the VIP to the active node's ENI as a secondary private IP (EC2 API, not the OS). */
  secondaryIp: "aws_secondary_ip",
  /** Holds the VIP on the node's interface. */
  virtualIp: "virtual_ip",
  webserver: "webserver",
} as const;

export type ClusterResource = (typeof CLUSTER_RESOURCES)[keyof typeof CLUSTER_RESOURCES];

/** The status page the apache agent polls; the httpd config must allow it from 127.0.0.1. */
export const APACHE_STATUS_URL = "http://localhost/server-status";

const MONITOR = ["op", "monitor", "interval=30s"] as const;

const pcs = (...argv: string[]): ClusterCommand => ({ argv: ["pcs", ...argv] });

/** Resources in start order: each one is colocated with and started after the one before it. */
export function resourceChain(pair: HttpdHaPair): ClusterResource[] {
  const { secondaryIp, virtualIp, webserver } = CLUSTER_RESOURCES;
  return pair.virtualIp.agent === "awsvip" ? [secondaryIp, virtualIp, webserver] : [virtualIp, webserver];
}

function ipaddr2(pair: HttpdHaPair): ClusterCommand {
  return pcs("resource", "create", CLUSTER_RESOURCES.virtualIp, "ocf:heartbeat:IPaddr2", `ip=${virtualIpAddress(pair)}`, `cidr_netmask=${virtualIpNetmask(pair)}`, `nic=${virtualIpNic(pair)}`, ...MONITOR);
}

function virtualIpResources(pair: HttpdHaPair, hosts: PairHosts): ClusterCommand[] {
  const agent = pair.virtualIp.agent;
  switch (agent) {
    case "IPaddr2":
      return [ipaddr2(pair)];
    case "awsvip":
      // awsvip only moves the address between the ENIs; the OS still has to carry it, hence IPaddr2 on top (as in Red Hat's AWS guide).
      return [pcs("resource", "create", CLUSTER_RESOURCES.secondaryIp, "ocf:heartbeat:awsvip", `secondary_private_ip=${virtualIpAddress(pair)}`, ...MONITOR), ipaddr2(pair)];
    case "aws-vpc-move-ip":
      // The agent both adds the overlay IP to the interface and rewrites the route tables.
      return [
        pcs("resource", "create", CLUSTER_RESOURCES.virtualIp, "ocf:heartbeat:aws-vpc-move-ip", `ip=${virtualIpAddress(pair)}`, `interface=${virtualIpNic(pair)}`, `routing_table=${routeTableIds(hosts).join(",")}`, ...MONITOR),
      ];
    default:
      throw new Error(`httpdHaPair.virtualIp.agent: ${JSON.stringify(agent satisfies never)} is not a supported agent (allowed: awsvip, aws-vpc-move-ip, IPaddr2)`);
  }
}

export function pcsCommands(pair: HttpdHaPair, hosts: PairHosts = {}): ClusterCommand[] {
  const { webserver } = CLUSTER_RESOURCES;
  const chain = resourceChain(pair);
  const constraints = chain.slice(1).flatMap((dependent, i) => [
    pcs("constraint", "colocation", "add", dependent, "with", chain[i], "INFINITY"),
    pcs("constraint", "order", chain[i], "then", dependent),
  ]);
  return [
    // Two nodes and no fencing device: a lone survivor must keep running the service.
    pcs("property", "set", "stonith-enabled=false"),
    pcs("property", "set", "no-quorum-policy=ignore"),
    // The `defaults update` form needs pcs >= 0.10.7; this one works on every RHEL 6 and RHEL 8 release.
    pcs("resource", "defaults", "migration-threshold=1"),
    ...virtualIpResources(pair, hosts),
    pcs("resource", "create", webserver, "ocf:heartbeat:apache", `configfile=${httpdConfigFile(hosts)}`, `statusurl=${APACHE_STATUS_URL}`, ...MONITOR),
    // httpd is restarted in place after a failure; only its 10th failure on a node moves the pair.
    pcs("resource", "meta", webserver, "migration-threshold=10"),
    ...constraints,
  ];
}
