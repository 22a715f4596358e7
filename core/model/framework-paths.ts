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
import type { FrameworkRole, FrameworkSiteSizing } from "./framework-sizing";
import type { FrameworkConfig } from "./schema";
import { siteLinks } from "./site-links";

type ConfigurationRole = "csProxy" | "configServer";

/** Where a client at `site` reads configuration: the site's proxies, else the master CS. */
interface ConfigurationSource {
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

/** One rule towards an instance at another site: a /32, since security groups cannot be referenced across regions. */
interface CrossSiteRule {
  /** Resource name below the topology's: `<site>-<flow>-<peer instance>`. */
  readonly name: string;
  /** The site whose security group of `role` carries the rule. */
  readonly site: string;
  readonly role: FrameworkRole;
  readonly direction: "ingress" | "egress";
  readonly port: number;
  /** The peer instance (FrameworkInstancePlan.name) at `peerSite`. */
  readonly peerSite: string;
  readonly peer: string;
  readonly description: string;
}

interface CrossSiteFlow {
  /** The role whose group carries the rule at the own site. */
  readonly role: FrameworkRole;
  readonly direction: "ingress" | "egress";
  /** The role of the instances at the other site. */
  readonly peerRole: FrameworkRole;
  readonly port: "configServer" | "scs";
  /** Name part between the site and the peer instance. */
  readonly flow: string;
  /** Whether the flow exists from `site` towards `other`, beyond both roles being deployed. */
  readonly applies?: (
    site: FrameworkSiteSizing,
    other: FrameworkSiteSizing,
    sites: readonly FrameworkSiteSizing[],
  ) => boolean;
  readonly description: (site: string, peer: string) => string;
}

/**
 * The Framework flows between sites, from the own site's point of view: CS
 * Proxies read from the master Configuration Server; Distributed SCS read
 * configuration from it where their site runs no proxies, and talk to every
 * other site's Distributed SCS.
 */
const CROSS_SITE_FLOWS: readonly CrossSiteFlow[] = [
  {
    role: "configServer",
    direction: "ingress",
    peerRole: "csProxy",
    port: "configServer",
    flow: "cs-from",
    description: (_, peer) => `CS Proxy ${peer} to the master Configuration Server`,
  },
  {
    role: "csProxy",
    direction: "egress",
    peerRole: "configServer",
    port: "configServer",
    flow: "csproxy-to",
    description: (site, peer) => `CS Proxies of ${site} to the master Configuration Server ${peer}`,
  },
  {
    role: "configServer",
    direction: "ingress",
    peerRole: "distributedScs",
    port: "configServer",
    flow: "cs-from",
    // SCS at a site without proxies read configuration from the master CS across the site link.
    applies: (_, other, sites) => configurationSourceOf(other, sites)?.role === "configServer",
    description: (_, peer) => `Distributed SCS ${peer} to the master Configuration Server (configuration)`,
  },
  {
    role: "distributedScs",
    direction: "egress",
    peerRole: "configServer",
    port: "configServer",
    flow: "scs-to",
    applies: (site) => !deploys(site, "csProxy"),
    description: (site, peer) =>
      `Distributed SCS of ${site} to the master Configuration Server ${peer} (configuration)`,
  },
  {
    role: "distributedScs",
    direction: "ingress",
    peerRole: "distributedScs",
    port: "scs",
    flow: "scs-from",
    description: (site, peer) => `Distributed SCS ${peer} to the Distributed SCS of ${site}`,
  },
  {
    role: "distributedScs",
    direction: "egress",
    peerRole: "distributedScs",
    port: "scs",
    flow: "scs-to",
    description: (site, peer) => `Distributed SCS of ${site} to Distributed SCS ${peer}`,
  },
];

function deploys(site: FrameworkSiteSizing, role: FrameworkRole): boolean {
  return site.instances.some((i) => i.role === role);
}

/** Every cross-site rule of the Framework, site by site, other site by other site, flow by flow. */
export function crossSiteRules(
  sites: readonly FrameworkSiteSizing[],
  ports: FrameworkConfig["ports"],
): CrossSiteRule[] {
  return sites.flatMap((site) =>
    sites
      .filter((other) => other !== site)
      .flatMap((other) =>
        CROSS_SITE_FLOWS.filter(
          (f) => deploys(site, f.role) && (f.applies === undefined || f.applies(site, other, sites)),
        ).flatMap((f) =>
          other.instances
            .filter((i) => i.role === f.peerRole)
            .map((peer) => ({
              name: `${site.key}-${f.flow}-${peer.name}`,
              site: site.key,
              role: f.role,
              direction: f.direction,
              port: ports[f.port],
              peerSite: other.key,
              peer: peer.name,
              description: f.description(site.key, peer.name),
            })),
        ),
      ),
  );
}
