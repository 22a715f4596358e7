/**
 * Management Framework sizing per site (Framework Deployment Guide, "Sharing the Load Configurations"): one
 * Configuration Database with the master Configuration Server at its site,
 * Configuration Server Proxies and Distributed Solution Control Servers at
 * every site, their counts derived from the clients to serve and the hosts to
 * control.
 *
 * Master-site clients are served by CS Proxies at the master site, sized like
 * any other site's: the seed recommends "additional Configuration Server
 * Proxies ... at the same site for purposes of load distribution", which keeps
 * the master Configuration Server's own load to the proxies (and the
 * Configuration Database) however many clients the master site has.
 *
 * Capacities are the stack's planning figures (framework.capacity), not vendor
 * sizing figures; the Genesys Hardware Sizing Guide is the authority.
 */
import type { FrameworkConfig } from "./schema";

export type FrameworkRole = "configServer" | "csProxy" | "distributedScs";

/** Instance name fragments: `<site>-csproxy-2`, `<site>-scs-1`, `<site>-cs-primary`. */
export const ROLE_LABELS: Readonly<Record<FrameworkRole, string>> = {
  configServer: "cs",
  csProxy: "csproxy",
  distributedScs: "scs",
};

/**
 * A guard against typing clients or a capacity off by orders of magnitude:
 * a site needing more instances of one role than this is rejected. A project
 * limit, not a Genesys one.
 */
export const MAX_INSTANCES_PER_ROLE = 50;

/** AWS's default quota of inbound rules per security group (adjustable). */
export const DEFAULT_INBOUND_RULES_PER_SECURITY_GROUP = 60;

export interface FrameworkInstancePlan {
  /**
   * Derived from the site key, the role and a 1-based index. Counts are
   * derived, so scaling down removes the highest indexes and scaling up adds
   * new ones; existing instances keep their names and zones.
   */
  readonly name: string;
  readonly site: string;
  readonly role: FrameworkRole;
  /** 1-based; for the master Configuration Server 1 is the primary, 2 the backup. */
  readonly index: number;
  readonly availabilityZone: string;
}

export interface FrameworkSiteSizing {
  readonly key: string;
  readonly role: "master" | "remote";
  readonly region: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly clients: number;
  readonly hosts: number;
  /** Master Configuration Servers: primary (+ backup with high availability) at the master site, 0 elsewhere. */
  readonly configServers: number;
  readonly csProxies: number;
  readonly distributedScs: number;
  /** Every instance of the site, master Configuration Servers first, then proxies, then SCS. */
  readonly instances: readonly FrameworkInstancePlan[];
}

type FrameworkSiteConfig = FrameworkConfig["sites"][string];

const naturalOrder = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/**
 * Instances needed for `load` units at `perInstance` each: none without load,
 * otherwise enough for the load and at least two with high availability.
 */
export function instancesFor(load: number, perInstance: number, highAvailability: boolean): number {
  if (load <= 0) return 0;
  return Math.max(Math.ceil(load / perInstance), highAvailability ? 2 : 1);
}

/**
 * Instance `index` (1-based) of a role takes the site's zones round-robin, so
 * a pair always straddles two zones when the site has two, and adding an
 * instance never moves an existing one.
 */
export function zoneFor(zones: readonly string[], index: number): string {
  return zones[(index - 1) % zones.length];
}

export function instanceName(site: string, role: FrameworkRole, index: number): string {
  if (role === "configServer") return `${site}-${ROLE_LABELS.configServer}-${index === 1 ? "primary" : "backup"}`;
  return `${site}-${ROLE_LABELS[role]}-${index}`;
}

function plans(site: string, role: FrameworkRole, count: number, zones: readonly string[]): FrameworkInstancePlan[] {
  return Array.from({ length: count }, (_, i) => ({
    name: instanceName(site, role, i + 1),
    site,
    role,
    index: i + 1,
    availabilityZone: zoneFor(zones, i + 1),
  }));
}

export function sizeFrameworkSite(key: string, site: FrameworkSiteConfig, framework: Pick<FrameworkConfig, "capacity" | "highAvailability">): FrameworkSiteSizing {
  const ha = framework.highAvailability;
  const configServers = site.role === "master" ? (ha ? 2 : 1) : 0;
  const csProxies = instancesFor(site.clients, framework.capacity.clientsPerCsProxy, ha);
  const distributedScs = instancesFor(site.hosts, framework.capacity.hostsPerScs, ha);
  const zones = site.availabilityZones;
  return {
    key,
    role: site.role,
    region: site.region,
    vpcCidr: site.vpcCidr,
    availabilityZones: zones,
    clients: site.clients,
    hosts: site.hosts,
    configServers,
    csProxies,
    distributedScs,
    instances: [
      ...plans(key, "configServer", configServers, zones),
      ...plans(key, "csProxy", csProxies, zones),
      ...plans(key, "distributedScs", distributedScs, zones),
    ],
  };
}

/** Every site in natural key order (`site2` before `site10`). */
export function sizeFramework(framework: FrameworkConfig): FrameworkSiteSizing[] {
  return Object.keys(framework.sites)
    .sort(naturalOrder)
    .map((key) => sizeFrameworkSite(key, framework.sites[key], framework));
}

export interface InboundRuleCount {
  readonly site: string;
  readonly role: FrameworkRole;
  readonly rules: number;
}

/**
 * Inbound rules each role's security group needs. Peers at the same site are
 * one security-group reference; peers at other sites are one /32 rule each
 * (security groups cannot be referenced across regions).
 */
export function inboundRuleCounts(sites: readonly FrameworkSiteSizing[]): InboundRuleCount[] {
  const counts: InboundRuleCount[] = [];
  const totalScs = sites.reduce((n, s) => n + s.distributedScs, 0);
  const proxiesElsewhere = (site: FrameworkSiteSizing) => sites.reduce((n, s) => n + (s.key === site.key ? 0 : s.csProxies), 0);
  for (const site of sites) {
    if (site.configServers > 0) {
      counts.push({ site: site.key, role: "configServer", rules: (site.csProxies > 0 ? 1 : 0) + proxiesElsewhere(site) });
    }
    if (site.csProxies > 0) counts.push({ site: site.key, role: "csProxy", rules: 1 });
    if (site.distributedScs > 0) counts.push({ site: site.key, role: "distributedScs", rules: 1 + totalScs - site.distributedScs });
  }
  return counts;
}

export type SizingRow = Pick<FrameworkSiteSizing, "key" | "role" | "region" | "clients" | "hosts" | "configServers" | "csProxies" | "distributedScs">;

/** Fixed-width sizing table, one line per site, for synth summaries and reviews. */
export function formatSizingTable(sites: readonly SizingRow[]): string[] {
  const header = ["site", "role", "region", "clients", "hosts", "master CS", "CS Proxy", "Dist. SCS"];
  const rows = sites.map((s) => [s.key, s.role, s.region, String(s.clients), String(s.hosts), String(s.configServers), String(s.csProxies), String(s.distributedScs)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}
