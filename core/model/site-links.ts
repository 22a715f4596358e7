/**
 * Which Framework sites connect to which (Pulumi-free). Every remote site
 * links to the master site: its CS Proxies connect to the master
 * Configuration Server. Distributed Solution Control Servers talk to each
 * other at every site, so two remote sites that both run them link directly
 * too (VPC peering is not transitive, and neither is transit gateway peering).
 */
import type { FrameworkSiteSizing } from "./framework-sizing";

export interface SiteLink {
  /** Site that requests the connection (a remote site, or the first in key order of two remote sites). */
  readonly requester: FrameworkSiteSizing;
  /** Site that accepts it (the master site, or the later remote site). */
  readonly accepter: FrameworkSiteSizing;
  /**
   * `amer.emea`: requester and accepter keys joined by '.', which keys cannot
   * contain, so two links never share a name.
   */
  readonly name: string;
}

/** Sites in the order given (natural key order from sizeFramework). */
export function siteLinks(sites: readonly FrameworkSiteSizing[]): SiteLink[] {
  const master = sites.find((s) => s.role === "master");
  const remotes = sites.filter((s) => s.role === "remote");
  const link = (requester: FrameworkSiteSizing, accepter: FrameworkSiteSizing): SiteLink => ({
    requester,
    accepter,
    name: `${requester.key}.${accepter.key}`,
  });
  const links: SiteLink[] = master ? remotes.map((r) => link(r, master)) : [];
  remotes.forEach((a, i) => {
    for (const b of remotes.slice(i + 1)) {
      if (a.distributedScs > 0 && b.distributedScs > 0) links.push(link(a, b));
    }
  });
  return links;
}

interface RegionPair {
  /** First region in alphabetical order: its transit gateway requests the peering. */
  readonly requester: string;
  readonly accepter: string;
  readonly name: string;
}

/** Distinct pairs of different regions that some site link crosses. */
export function regionPairs(links: readonly SiteLink[]): RegionPair[] {
  const pairs = new Map<string, RegionPair>();
  for (const l of links) {
    const [requester, accepter] = [l.requester.region, l.accepter.region].sort();
    if (requester === accepter) continue;
    const name = `${requester}.${accepter}`;
    pairs.set(name, { requester, accepter, name });
  }
  return [...pairs.values()];
}

interface TransitRoute {
  /** Region whose transit gateway carries the route. */
  readonly region: string;
  /** Site reached through the region-pair peering. */
  readonly site: FrameworkSiteSizing;
  readonly pair: RegionPair;
}

/**
 * Static routes each transit gateway needs towards sites in other regions
 * (peering attachments do not propagate routes). One per region and site.
 */
export function transitRoutes(links: readonly SiteLink[]): TransitRoute[] {
  const pairs = new Map(regionPairs(links).map((p) => [p.name, p]));
  const routes = new Map<string, TransitRoute>();
  for (const l of links) {
    const [first, second] = [l.requester.region, l.accepter.region].sort();
    const pair = pairs.get(`${first}.${second}`);
    if (!pair) continue;
    for (const [from, to] of [
      [l.requester, l.accepter],
      [l.accepter, l.requester],
    ] as const) {
      routes.set(`${from.region}.${to.key}`, { region: from.region, site: to, pair });
    }
  }
  return [...routes.values()];
}
