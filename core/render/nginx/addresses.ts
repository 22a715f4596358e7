/**
 * Where each Genesys node listens. The model knows nodes by key and port; the
 * hosts come from the deployment (private IPs) or from a test (loopback).
 */
import type { SoftwareMember } from "../../plan/software-balancer";

/**
 * Plan node id (`system/tenant/service/node`) -> IPv4 address, optionally with a port (`10.0.1.5` or
 * `127.0.0.1:18081`). Without a port the node's configured port is used.
 * IP addresses only: nginx resolves upstream hostnames once at start-up and
 * reports the IP in `$upstream_addr`, which the RWS route cookie is built from.
 */
export type NodeAddresses = Readonly<Record<string, string>>;

const IPV4 = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}";
const ADDRESS = new RegExp(`^(${IPV4})(?::(\\d{1,5}))?$`);

/** `ip:port` of a node, or throws naming the node and what was given. */
export function nodeAddress(
  addresses: NodeAddresses,
  node: Pick<SoftwareMember, "node" | "port">,
  where: string,
): string {
  const given = Object.prototype.hasOwnProperty.call(addresses, node.node) ? addresses[node.node] : undefined;
  if (given === undefined) throw new Error(`${where}: no address for node "${node.node}"`);
  const match = ADDRESS.exec(given);
  const port = match ? Number(match[2] ?? node.port) : NaN;
  if (!match || !(port >= 1 && port <= 65535)) {
    throw new Error(
      `${where}: address ${JSON.stringify(given)} of node "${node.node}" must be an IPv4 address with an optional port from 1 to 65535, e.g. 10.0.1.5 or 10.0.1.5:9081`,
    );
  }
  return `${match[1]}:${port}`;
}
