/**
 * What the cluster renderers know only at deploy time (the hosts' private
 * addresses, the route tables), checked before any of it reaches a config file
 * or a command: each value is re-validated here because renderers are called
 * with deploy outputs, not only with the validated model.
 */
import type { HttpdHaPair } from "../../model/environment";
import { KEY_PATTERN } from "../../model/names";
import { REGION_PATTERN } from "../../model/schema";
import { parseIpv4 } from "../../model/network-math";

/** Cluster name of the vendor guide (`ccs --createcluster webcluster`). */
export const CLUSTER_NAME = "webcluster";

/** httpd's main config on RHEL 6 and RHEL 8 alike. */
export const RHEL_HTTPD_CONFIG = "/etc/httpd/conf/httpd.conf";

export interface PairHosts {
  /** Private IPv4 per cluster node name; overrides the model's `privateIp`. Needed by corosync.conf and RHEL 6's /etc/hosts. */
  readonly addresses?: Readonly<Record<string, string>>;
  /** Route tables (`rtb-…`) in which aws-vpc-move-ip points the overlay VIP at the active node. Required for that agent. */
  readonly routeTableIds?: readonly string[];
  /** httpd main config the `webserver` resource starts. @default /etc/httpd/conf/httpd.conf */
  readonly httpdConfigFile?: string;
  /** EC2 instance id per cluster node name: what fence_aws stops. Required with fencing fence_aws. */
  readonly instanceIds?: Readonly<Record<string, string>>;
  /** AWS region of the hosts, where fence_aws calls the EC2 API. Required with fencing fence_aws. */
  readonly region?: string;
}

export interface ClusterNode {
  /** Cluster node name: the model's node key. */
  readonly name: string;
  /** corosync node id, 1-based in the model's node order. */
  readonly nodeId: number;
  readonly address?: string;
}

const INSTANCE_ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const NIC_PATTERN = /^[a-z][a-z0-9]{0,14}$/;
const ROUTE_TABLE_PATTERN = /^rtb-[0-9a-f]{8,17}$/;
/** Absolute path of plain segments: no `..`, no spaces or shell/config metacharacters. */
const ABSOLUTE_PATH_PATTERN = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/;

function reject(where: string, value: unknown, allowed: string): never {
  throw new Error(`${where}: ${JSON.stringify(value)} ${allowed}`);
}

/** The pair's two nodes in model order, with addresses from `hosts` or the model. */
export function clusterNodes(pair: HttpdHaPair, hosts: PairHosts = {}): ClusterNode[] {
  if (pair.nodes.length !== 2)
    reject(
      "httpdHaPair.nodes",
      pair.nodes.map((n) => n.key),
      "must be exactly 2 hosts; the pair is primary/backup",
    );
  const given = hosts.addresses ?? {};
  for (const name of Object.keys(given)) {
    if (!pair.nodes.some((n) => n.key === name))
      reject(
        `hosts.addresses.${name}`,
        given[name],
        `names no node of the pair (nodes: ${pair.nodes.map((n) => n.key).join(", ")})`,
      );
  }
  const nodes = pair.nodes.map((node, i): ClusterNode => {
    if (!KEY_PATTERN.test(node.key))
      reject(
        "httpdHaPair.nodes",
        node.key,
        "must be a node name of letters, digits, '_' or '-' starting with a letter",
      );
    const address = Object.hasOwn(given, node.key) ? given[node.key] : node.privateIp;
    if (address !== undefined && parseIpv4(address) === undefined)
      reject(`hosts.addresses.${node.key}`, address, "must be an IPv4 address");
    return { name: node.key, nodeId: i + 1, address };
  });
  const [a, b] = nodes;
  if (a.address !== undefined && a.address === b.address)
    reject(`hosts.addresses.${b.name}`, b.address, `is also ${a.name}'s address; each node needs its own`);
  return nodes;
}

/** Like `clusterNodes`, for renderers that cannot do without the addresses. */
export function addressedNodes(
  pair: HttpdHaPair,
  hosts: PairHosts,
  needer: string,
): (ClusterNode & { readonly address: string })[] {
  return clusterNodes(pair, hosts).map((node) => {
    if (node.address === undefined)
      reject(`hosts.addresses.${node.name}`, undefined, `is required: ${needer} names every node's private address`);
    return { ...node, address: node.address };
  });
}

export function virtualIpNic(pair: HttpdHaPair): string {
  const nic = pair.virtualIp.nic;
  return NIC_PATTERN.test(nic)
    ? nic
    : reject("httpdHaPair.virtualIp.nic", nic, "must be a network interface name such as eth0");
}

export function virtualIpAddress(pair: HttpdHaPair): string {
  const address = pair.virtualIp.address;
  return parseIpv4(address) !== undefined
    ? address
    : reject("httpdHaPair.virtualIp.address", address, "must be an IPv4 address");
}

export function virtualIpNetmask(pair: HttpdHaPair): number {
  const bits = pair.virtualIp.cidrNetmask;
  return Number.isInteger(bits) && bits >= 8 && bits <= 32
    ? bits
    : reject("httpdHaPair.virtualIp.cidrNetmask", bits, "must be a whole number of bits from 8 to 32");
}

export function httpdConfigFile(hosts: PairHosts): string {
  const path = hosts.httpdConfigFile ?? RHEL_HTTPD_CONFIG;
  return ABSOLUTE_PATH_PATTERN.test(path)
    ? path
    : reject("hosts.httpdConfigFile", path, "must be an absolute path of letters, digits, '.', '_' or '-' segments");
}

export function routeTableIds(hosts: PairHosts): string[] {
  const ids = hosts.routeTableIds ?? [];
  if (ids.length === 0)
    reject("hosts.routeTableIds", ids, "must list the route tables aws-vpc-move-ip updates (at least one rtb-… id)");
  ids.forEach((id, i) => {
    if (!ROUTE_TABLE_PATTERN.test(id))
      reject(`hosts.routeTableIds[${i}]`, id, "must be a route table id such as rtb-0123456789abcdef0");
  });
  return [...ids];
}

/** `ip1:i-…;ip2:i-…`: fence_aws's port (the instance id) for each cluster node name, as pcmk_host_map takes it. */
export function fenceHostMap(pair: HttpdHaPair, hosts: PairHosts): string {
  const given = hosts.instanceIds ?? {};
  for (const name of Object.keys(given)) {
    if (!pair.nodes.some((n) => n.key === name))
      reject(
        `hosts.instanceIds.${name}`,
        given[name],
        `names no node of the pair (nodes: ${pair.nodes.map((n) => n.key).join(", ")})`,
      );
  }
  return clusterNodes(pair, hosts)
    .map((node) => {
      const id = Object.hasOwn(given, node.name) ? given[node.name] : undefined;
      if (id === undefined)
        reject(
          `hosts.instanceIds.${node.name}`,
          id,
          "is required: fence_aws stops the lost node by its EC2 instance id",
        );
      if (!INSTANCE_ID_PATTERN.test(id))
        reject(`hosts.instanceIds.${node.name}`, id, "must be an EC2 instance id such as i-0123456789abcdef0");
      return `${node.name}:${id}`;
    })
    .join(";");
}

export function fenceRegion(hosts: PairHosts): string {
  const region = hosts.region;
  return region !== undefined && REGION_PATTERN.test(region)
    ? region
    : reject(
        "hosts.region",
        region,
        "must be the hosts' AWS region (e.g. eu-west-1): fence_aws calls the EC2 API there",
      );
}
