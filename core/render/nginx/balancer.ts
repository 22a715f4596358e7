/**
 * What every system renderer shares: the listen address, the failover timers,
 * the node addresses, and the upstream groups of a (sticky) balancer.
 */
import type { SoftwareMember } from "../../plan/software-balancer";
import { nodeAddress, type NodeAddresses } from "./addresses";
import { directive, type Line } from "./conf-text";
import { bareWord, nginxLiteral } from "./quote";
import { pinnedServers, pinnedUpstreamNames, upstreamBlock, type UpstreamTimers } from "./upstreams";

export interface SiteContext {
  /** `ip:port` every server block listens on. */
  readonly listen: string;
  readonly timers: UpstreamTimers;
  /** Plan node id -> address. */
  readonly addresses: NodeAddresses;
  /** Clients reach the site over https: cookies nginx makes are marked Secure. */
  readonly secureCookies: boolean;
  /** The recording servers' CA bundle, relative to nginx.conf; absent: https nodes are not verified. */
  readonly backendCaFile?: string;
}

export function serverIdentity(ctx: SiteContext, hostname: string): Line[] {
  return [directive("listen", bareWord(ctx.listen)), directive("server_name", nginxLiteral(hostname))];
}

export interface Balancer {
  /** Round-robin group over every node (standby nodes as `backup`). */
  readonly cluster: string;
  readonly upstreams: Line[][];
}

export interface StickyBalancer extends Balancer {
  /** Node key -> group pinned to that node. */
  readonly pinned: ReadonlyMap<string, string>;
}

export function plainBalancer(
  name: string,
  nodes: readonly SoftwareMember[],
  ctx: SiteContext,
  timers: UpstreamTimers = ctx.timers,
): Balancer {
  const servers = nodes.map((n) => ({ address: nodeAddress(ctx.addresses, n, name), backup: n.hotStandby === true }));
  return { cluster: name, upstreams: [upstreamBlock(name, servers, timers)] };
}

export function stickyBalancer(
  name: string,
  nodes: readonly SoftwareMember[],
  ctx: SiteContext,
  timers: UpstreamTimers = ctx.timers,
): StickyBalancer {
  const addresses = nodes.map((n) => nodeAddress(ctx.addresses, n, name));
  const pinned = pinnedUpstreamNames(
    name,
    nodes.map((n) => n.key),
  );
  return {
    cluster: name,
    pinned,
    upstreams: [
      upstreamBlock(
        name,
        addresses.map((address) => ({ address, backup: false })),
        timers,
      ),
      ...nodes.map((n, i) => upstreamBlock(pinned.get(n.key)!, pinnedServers(addresses, i), timers)),
    ],
  };
}

/** The route a sticky balancer's member is named by; the plan gives one to every member of such a balancer. */
export function routeOf(member: SoftwareMember, balancer: string): string {
  if (member.route === undefined) throw new Error(`${balancer}: the plan gives node ${member.node} no route`);
  return member.route;
}
