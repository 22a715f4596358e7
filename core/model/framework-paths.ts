/**
 * Who reads configuration from whom and who controls whom in the Management
 * Framework (Framework Deployment Guide, "Sharing the Load Configurations"),
 * derived from the sizing (Pulumi-free). Every configuration client reads
 * from a CS Proxy at its own site, or from the master Configuration Server
 * where its site runs none; a site's Distributed SCS control the Local Control
 * Agent on every Genesys host of the site, the Framework's own hosts included.
 * The stack's Genesys nodes (Web Engagement, Co-browse, recording) are
 * clients of one Framework site in the stack's region: the application site.
 */
import type { FrameworkSiteSizing } from "./framework-sizing";
import type { FrameworkConfig } from "./schema";
import { siteLinks } from "./site-links";

export type ConfigurationRole = "csProxy" | "configServer";

/** Where a client at `site` reads configuration: the site's proxies, else the master CS. */
export interface ConfigurationSource {
  readonly site: FrameworkSiteSizing;
  readonly role: ConfigurationRole;
}

export function configurationSourceOf(
  site: FrameworkSiteSizing,
  sites: readonly FrameworkSiteSizing[],
): ConfigurationSource | undefined {
  if (site.csProxies > 0) return { site, role: "csProxy" };
  const master = sites.find((s) => s.role === "master");
  return master ? { site: master, role: "configServer" } : undefined;
}

/** The port a client of `source` connects to. */
export function configurationPort(source: ConfigurationSource, ports: FrameworkConfig["ports"]): number {
  return source.role === "csProxy" ? ports.csProxy : ports.configServer;
}

/** Whether traffic can flow between two sites: the same site, or a site link between them. */
export function sitesConnected(
  a: FrameworkSiteSizing,
  b: FrameworkSiteSizing,
  sites: readonly FrameworkSiteSizing[],
): boolean {
  if (a.key === b.key) return true;
  return siteLinks(sites).some(
    (l) =>
      (l.requester.key === a.key && l.accepter.key === b.key) ||
      (l.requester.key === b.key && l.accepter.key === a.key),
  );
}

/**
 * The Framework site the stack's VPC links to: `framework.applicationSite`,
 * else the only site in the stack's region. Undefined when neither names one.
 */
export function applicationSiteKey(framework: FrameworkConfig, stackRegion: string): string | undefined {
  if (framework.applicationSite !== undefined) return framework.applicationSite;
  const inRegion = Object.entries(framework.sites).filter(([, s]) => s.region === stackRegion);
  return inRegion.length === 1 ? inRegion[0][0] : undefined;
}

export interface ApplicationLink {
  /** The site whose VPC the stack's VPC is linked with (same region). */
  readonly site: FrameworkSiteSizing;
  /** Where the stack's Genesys nodes read configuration. */
  readonly configuration: ConfigurationSource;
  /** Whether the site's Distributed SCS control the nodes' Local Control Agents. */
  readonly controlled: boolean;
}

export function applicationLink(
  site: FrameworkSiteSizing,
  sites: readonly FrameworkSiteSizing[],
): ApplicationLink | undefined {
  const configuration = configurationSourceOf(site, sites);
  return configuration && { site, configuration, controlled: site.distributedScs > 0 };
}
