/**
 * The Pacemaker configuration of the httpd HA pair as `pcs` commands. They
 * describe the whole desired configuration and are applied to a copy of the
 * cluster's CIB (`pcs -f`), which provisioning then pushes as a diff (see
 * host-scripts.ts): re-running them converges instead of failing on "already
 * exists", and nothing running is deleted. RHEL 6 (pcs 0.9) and RHEL 8
 * (pcs 0.10) accept the same commands.
 *
 * The vendor guide writes `pcs constraint colocation add webserver virtual_ip
 * INFINITY`; pcs since 0.9 documents `<source> with <target>` and pcs 0.11
 * rejects the form without `with`, so the keyword is always written.
 *
 * The guide's `stonith-enabled=false` and `no-quorum-policy=ignore` are not
 * rendered: without fencing a partition leaves both nodes quorate (two_node)
 * and both run the VIP and httpd, and `ignore` would also let a node that
 * boots alone start them (it cancels wait_for_all).
 */
import type { HttpdHaPair } from "../../model/environment";
import type { ClusterCommand } from "./cluster-command";
import {
  fenceHostMap,
  fenceRegion,
  httpdConfigFile,
  routeTableIds,
  virtualIpAddress,
  virtualIpNetmask,
  virtualIpNic,
  type PairHosts,
} from "./pair-hosts";

/** Resource ids; `virtual_ip` and `webserver` are the guide's names, used by operators in `pcs resource cleanup`. */
export const CLUSTER_RESOURCES = {
  /** awsvip only: assigns the VIP to the active node's ENI as a secondary private IP (EC2 API, not the OS). */
  secondaryIp: "aws_secondary_ip",
  /** Holds the VIP on the node's interface. */
  virtualIp: "virtual_ip",
  webserver: "webserver",
} as const;

export type ClusterResource = (typeof CLUSTER_RESOURCES)[keyof typeof CLUSTER_RESOURCES];

/** The fencing device (fence_aws): stops the lost node's EC2 instance. */
export const FENCE_DEVICE = "aws_fence";

/** The status page the apache agent polls; the httpd config must allow it from 127.0.0.1. */
export const APACHE_STATUS_URL = "http://localhost/server-status";

/**
 * What the apache agent must find in the status URL's answer (its
 * `testregex`, an extended regular expression, case-insensitive): the
 * heading of mod_status's page, in every httpd from 2.2 on. The agent's own
 * default, `</ *html *>`, accepts any HTML page, so a 403 or 404 error page,
 * or a page proxied from a Genesys node, would count as a healthy httpd.
 */
export const APACHE_STATUS_PAGE_REGEX = "Apache Server Status for";

/**
 * How the chain's resources behave, chosen rather than defaulted:
 * - one failure of any of them moves the whole chain to the other node (a hung
 *   httpd is as bad as a lost address), and the ban that leaves on the failed
 *   node expires after `failureTimeout`, so a transient AWS API error on each
 *   node in turn cannot leave the chain stopped until someone runs cleanup;
 * - stickiness keeps the chain where it runs: a node that comes back does not
 *   pull it back (a second outage);
 * - priority makes the node running the chain the one that wins a fencing
 *   race (priority-fencing-delay).
 */
export const RESOURCE_META = { migrationThreshold: 1, failureTimeout: "5min", stickiness: 100, priority: 1 } as const;

/**
 * Monitors. httpd and the address on the host are checked locally, every
 * 10 s; the awsvip monitor calls the EC2 API (DescribeInstances), so every
 * 30 s keeps the pair well under the API's request rate limits.
 */
export const MONITORS: Readonly<Record<ClusterResource, { interval: string; timeout: string }>> = {
  aws_secondary_ip: { interval: "30s", timeout: "30s" },
  virtual_ip: { interval: "10s", timeout: "20s" },
  webserver: { interval: "10s", timeout: "20s" },
};

/**
 * Delay of the fencing of the node that runs the chain, when the two nodes
 * lose each other and both try to fence (two_node keeps both quorate). The
 * passive node's request waits; meanwhile the active node's StopInstances
 * goes out, and once the passive instance is stopping, its own fence_aws
 * sees that and skips. 15 s covers both nodes noticing the loss a token
 * round apart plus a slow EC2 API call. It also delays the takeover after
 * the active node really dies, by the same 15 s: the price of never moving
 * the service in a partition.
 */
export const PRIORITY_FENCING_DELAY = "15s";

/**
 * fence_aws settings. `off` instead of a reboot: the survivor takes over once
 * the lost instance is stopped instead of also waiting for it to boot again,
 * and an operator starts it after looking at why it was lost (RUNBOOK). The
 * timeouts leave room for a stop that takes minutes.
 */
export const FENCE_AWS_OPTIONS = {
  powerTimeoutSeconds: 240,
  operationTimeout: "300s",
  monitorInterval: "60s",
} as const;

const pcs = (...argv: string[]): ClusterCommand => ({ argv: ["pcs", ...argv] });

/** Resources in start order: each one is colocated with and started after the one before it. */
export function resourceChain(pair: HttpdHaPair): ClusterResource[] {
  const { secondaryIp, virtualIp, webserver } = CLUSTER_RESOURCES;
  return pair.virtualIp.agent === "awsvip" ? [secondaryIp, virtualIp, webserver] : [virtualIp, webserver];
}

/** Everything provisioning manages in the CIB: the chain and, with fencing, the device. */
export function managedResources(pair: HttpdHaPair): string[] {
  return [...(pair.fencing === "fence_aws" ? [FENCE_DEVICE] : []), ...resourceChain(pair)];
}

/** Ids of the chain's constraints (explicit, so a re-run finds and replaces exactly these). */
export function constraintIds(pair: HttpdHaPair): string[] {
  const chain = resourceChain(pair);
  return chain
    .slice(1)
    .flatMap((dependent, i) => [`colocate-${dependent}-with-${chain[i]}`, `order-${chain[i]}-then-${dependent}`]);
}

function chainResource(id: ClusterResource, agent: string, params: readonly string[]): ClusterCommand {
  const { interval, timeout } = MONITORS[id];
  const m = RESOURCE_META;
  return pcs(
    "resource",
    "create",
    id,
    agent,
    ...params,
    "op",
    "monitor",
    `interval=${interval}`,
    `timeout=${timeout}`,
    "meta",
    `migration-threshold=${m.migrationThreshold}`,
    `failure-timeout=${m.failureTimeout}`,
    `resource-stickiness=${m.stickiness}`,
    `priority=${m.priority}`,
  );
}

function ipaddr2(pair: HttpdHaPair): ClusterCommand {
  return chainResource(CLUSTER_RESOURCES.virtualIp, "ocf:heartbeat:IPaddr2", [
    `ip=${virtualIpAddress(pair)}`,
    `cidr_netmask=${virtualIpNetmask(pair)}`,
    `nic=${virtualIpNic(pair)}`,
  ]);
}

function virtualIpResources(pair: HttpdHaPair, hosts: PairHosts): ClusterCommand[] {
  const agent = pair.virtualIp.agent;
  switch (agent) {
    case "IPaddr2":
      return [ipaddr2(pair)];
    case "awsvip":
      // awsvip only moves the address between the ENIs; the OS still has to carry it, hence IPaddr2 on top (as in Red Hat's AWS guide).
      return [
        chainResource(CLUSTER_RESOURCES.secondaryIp, "ocf:heartbeat:awsvip", [
          `secondary_private_ip=${virtualIpAddress(pair)}`,
        ]),
        ipaddr2(pair),
      ];
    case "aws-vpc-move-ip":
      // The agent both adds the overlay IP to the interface and rewrites the route tables.
      return [
        chainResource(CLUSTER_RESOURCES.virtualIp, "ocf:heartbeat:aws-vpc-move-ip", [
          `ip=${virtualIpAddress(pair)}`,
          `interface=${virtualIpNic(pair)}`,
          `routing_table=${routeTableIds(hosts).join(",")}`,
        ]),
      ];
    default:
      throw new Error(
        `httpdHaPair.virtualIp.agent: ${JSON.stringify(agent satisfies never)} is not a supported agent (allowed: awsvip, aws-vpc-move-ip, IPaddr2)`,
      );
  }
}

function fencing(pair: HttpdHaPair, hosts: PairHosts): ClusterCommand[] {
  switch (pair.fencing) {
    case "fence_aws": {
      const o = FENCE_AWS_OPTIONS;
      return [
        pcs("property", "set", "stonith-enabled=true"),
        pcs("property", "set", `priority-fencing-delay=${PRIORITY_FENCING_DELAY}`),
        pcs(
          "stonith",
          "create",
          FENCE_DEVICE,
          "fence_aws",
          `region=${fenceRegion(hosts)}`,
          `pcmk_host_map=${fenceHostMap(pair, hosts)}`,
          "pcmk_reboot_action=off",
          `power_timeout=${o.powerTimeoutSeconds}`,
          `pcmk_off_timeout=${o.operationTimeout}`,
          `pcmk_reboot_timeout=${o.operationTimeout}`,
          "op",
          "monitor",
          `interval=${o.monitorInterval}`,
        ),
      ];
    }
    case "none":
      // Development only (the model refuses it in production): a partition runs the service on both nodes.
      return [pcs("property", "set", "stonith-enabled=false")];
    default:
      throw new Error(
        `httpdHaPair.fencing: ${JSON.stringify(pair.fencing satisfies never)} is not supported (allowed: fence_aws, none)`,
      );
  }
}

export function pcsCommands(pair: HttpdHaPair, hosts: PairHosts = {}): ClusterCommand[] {
  const { webserver } = CLUSTER_RESOURCES;
  const chain = resourceChain(pair);
  const ids = constraintIds(pair);
  const constraints = chain
    .slice(1)
    .flatMap((dependent, i) => [
      pcs("constraint", "colocation", "add", dependent, "with", chain[i], "INFINITY", `id=${ids[2 * i]}`),
      pcs("constraint", "order", chain[i], "then", dependent, `id=${ids[2 * i + 1]}`),
    ]);
  return [
    ...fencing(pair, hosts),
    // The default, written because the guide's `ignore` may be set on a cluster this stack configured before.
    pcs("property", "set", "no-quorum-policy=stop"),
    ...virtualIpResources(pair, hosts),
    chainResource(webserver, "ocf:heartbeat:apache", [
      `configfile=${httpdConfigFile(hosts)}`,
      `statusurl=${APACHE_STATUS_URL}`,
      `testregex=${APACHE_STATUS_PAGE_REGEX}`,
    ]),
    ...constraints,
  ];
}
