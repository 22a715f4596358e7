/**
 * Backend addresses: node id (ResolvedNode.id) -> `host:port`, supplied by whoever knows where
 * the nodes run (instance private IPs, or loopback ports in tests). They reach
 * BalancerMember URLs, so they are checked here as strictly as model values.
 */

/** Node id -> `host:port`, e.g. `{ GWE_Node_1: "10.50.1.10:9081", "t1/rws/t1rws1": "10.50.2.7:8080" }`. */
export type BackendAddresses = Readonly<Record<string, string>>;

const IPV4 = String.raw`(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const DNS_NAME = String.raw`(?=.{1,253}:)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*`;
const ADDRESS = new RegExp(`^(?:${IPV4}|${DNS_NAME}):(\\d{1,5})$`);

export function isBackendAddress(text: string): boolean {
  const match = ADDRESS.exec(text);
  if (!match) return false;
  const port = Number(match[1]);
  return port >= 1 && port <= 65535;
}

/** The address of one node, or an error naming the node and where it is configured. */
export function backendAddress(addresses: BackendAddresses, nodeId: string, where: string): string {
  const address = Object.prototype.hasOwnProperty.call(addresses, nodeId) ? addresses[nodeId] : undefined;
  if (address === undefined) {
    throw new Error(`no backend address for node "${nodeId}" (${where}); pass one as host:port`);
  }
  if (!isBackendAddress(address)) {
    throw new Error(
      `backend address ${JSON.stringify(address)} of node "${nodeId}" (${where}) must be host:port with an IPv4 address or DNS name and a port from 1 to 65535`,
    );
  }
  return address;
}
