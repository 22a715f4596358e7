/**
 * Upstream groups. A sticky balancer is rendered as one round-robin group for
 * requests without a known route plus one "pinned" group per node, in which
 * that node is the only primary and every other node a `backup`: a sticky
 * request reaches its node while it is up and fails over without an error
 * when it is not, and keepalive connections work for every group.
 */
import { createHash } from "node:crypto";
import { bareWord } from "./quote";
import { block, directive, type Line } from "./conf-text";

/** Shared memory per upstream group: a few servers' state fits many times over. */
export const UPSTREAM_ZONE_SIZE = "64k";

export interface UpstreamTimers {
  /** Failed attempts within `failTimeoutSeconds` before a server is skipped. */
  readonly maxFails: number;
  /** How long a failed server is skipped, seconds. */
  readonly failTimeoutSeconds: number;
  /** Idle connections kept per worker; 0 closes each connection after its response. */
  readonly keepalive: number;
}

export interface UpstreamServer {
  readonly address: string;
  readonly backup: boolean;
  /** Never used: see nodeServers. */
  readonly down?: boolean;
}

export function upstreamBlock(name: string, servers: readonly UpstreamServer[], timers: UpstreamTimers): Line[] {
  const body = servers.map((s) =>
    s.down
      ? directive("server", bareWord(s.address), "down")
      : directive(
          "server",
          bareWord(s.address),
          `max_fails=${timers.maxFails}`,
          `fail_timeout=${timers.failTimeoutSeconds}s`,
          ...(s.backup ? ["backup"] : []),
        ),
  );
  if (timers.keepalive > 0) body.push(directive("keepalive", timers.keepalive));
  // Failure counts shared by every worker: without a zone each worker counts
  // on its own and keeps sending its share to a dead node until it notices.
  body.unshift(directive("zone", bareWord(name), UPSTREAM_ZONE_SIZE));
  return block(`upstream ${bareWord(name)}`, body);
}

/** Servers of the group pinned to `index`: that node first, the others as backups in order. */
export function pinnedServers(addresses: readonly string[], index: number): UpstreamServer[] {
  return [
    { address: addresses[index], backup: false },
    ...addresses.filter((_, i) => i !== index).map((address) => ({ address, backup: true })),
  ];
}

/**
 * The group of one node alone. nginx never counts failures in a group of a
 * single server (every request would try a dead node again, waiting out the
 * connect timeout where packets are dropped), so the node is listed a second
 * time as `down`: never used, it only makes the failures count, shared by the
 * workers through the group's zone.
 */
export function nodeServers(address: string): UpstreamServer[] {
  return [
    { address, backup: false },
    { address, backup: false, down: true },
  ];
}

/**
 * Names of the pinned groups, `<balancer>.<node key>`. nginx compares upstream
 * names without case, so keys that differ only in case get a suffix derived
 * from the key itself (stable when other nodes come and go).
 */
export function pinnedUpstreamNames(balancer: string, keys: readonly string[]): Map<string, string> {
  const lowered = new Map<string, number>();
  for (const key of keys) lowered.set(key.toLowerCase(), (lowered.get(key.toLowerCase()) ?? 0) + 1);
  return new Map(
    keys.map((key) => {
      const base = `${balancer}.${key}`;
      const clash = (lowered.get(key.toLowerCase()) ?? 0) > 1;
      return [key, bareWord(clash ? `${base}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}` : base)];
    }),
  );
}
