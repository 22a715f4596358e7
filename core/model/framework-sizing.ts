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
 * Capacities are the project's planning defaults (framework.capacity), not
 * vendor sizing figures; the Genesys Hardware Sizing Guide is the authority.
 * High availability adds spares, never capacity: CS Proxies run as
 * primary/backup pairs (the backup serves only when its primary fails), and a
 * site's Distributed SCS get one spare beyond what its hosts need (N+1).
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
  /**
   * With high availability: the master CS and each CS Proxy pair are
   * `primary`/`backup` (proxy pair k is indexes 2k-1 and 2k); the SCS beyond
   * what the hosts need is the `spare`. Absent without high availability.
   */
  readonly standby?: "primary" | "backup" | "spare";
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
  /** CS Proxy instances: pairs x 2 with high availability, else one per capacity unit. */
  readonly csProxies: number;
  /** Primary/backup pairs (with high availability) or single proxies: what serves clients. */
  readonly csProxyUnits: number;
  readonly distributedScs: number;
  /** Distributed SCS that carry load; distributedScs minus the spare. */
  readonly scsInService: number;
  /** Every instance of the site, master Configuration Servers first, then proxies, then SCS. */
  readonly instances: readonly FrameworkInstancePlan[];
}

type FrameworkSiteConfig = FrameworkConfig["sites"][string];

const naturalOrder = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** Instances carrying `load` units at `perInstance` each: none without load. */
export function unitsFor(load: number, perInstance: number): number {
  return load <= 0 ? 0 : Math.ceil(load / perInstance);
}

/** CS Proxies: every unit is a primary/backup pair with high availability. */
export function csProxiesFor(clients: number, perProxy: number, highAvailability: boolean): number {
  return unitsFor(clients, perProxy) * (highAvailability ? 2 : 1);
}

/** Distributed SCS: N+1 with high availability, so losing one leaves the hosts' capacity. */
export function distributedScsFor(hosts: number, perScs: number, highAvailability: boolean): number {
  const units = unitsFor(hosts, perScs);
  return units === 0 ? 0 : units + (highAvailability ? 1 : 0);
}

/**
 * Instance `index` (1-based) of a role takes the site's zones round-robin, so
 * a pair always straddles two zones when the site has two, and adding an
 * instance never moves an existing one.
 */
function zoneFor(zones: readonly string[], index: number): string {
  return zones[(index - 1) % zones.length];
}

export function instanceName(site: string, role: FrameworkRole, index: number): string {
  if (role === "configServer") return `${site}-${ROLE_LABELS.configServer}-${index === 1 ? "primary" : "backup"}`;
  return `${site}-${ROLE_LABELS[role]}-${index}`;
}

function standbyOf(role: FrameworkRole, index: number, count: number, ha: boolean): FrameworkInstancePlan["standby"] {
  if (!ha) return undefined;
  if (role === "distributedScs") return index === count ? "spare" : undefined;
  return index % 2 === 1 ? "primary" : "backup";
}

function plans(
  site: string,
  role: FrameworkRole,
  count: number,
  zones: readonly string[],
  ha: boolean,
): FrameworkInstancePlan[] {
  return Array.from({ length: count }, (_, i) => {
    const standby = standbyOf(role, i + 1, count, ha);
    return {
      name: instanceName(site, role, i + 1),
      site,
      role,
      index: i + 1,
      availabilityZone: zoneFor(zones, i + 1),
      ...(standby ? { standby } : {}),
    };
  });
}

export function sizeFrameworkSite(
  key: string,
  site: FrameworkSiteConfig,
  framework: Pick<FrameworkConfig, "capacity" | "highAvailability">,
): FrameworkSiteSizing {
  const ha = framework.highAvailability;
  const configServers = site.role === "master" ? (ha ? 2 : 1) : 0;
  const csProxies = csProxiesFor(site.clients, framework.capacity.clientsPerCsProxy, ha);
  const distributedScs = distributedScsFor(site.hosts, framework.capacity.hostsPerScs, ha);
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
    csProxyUnits: unitsFor(site.clients, framework.capacity.clientsPerCsProxy),
    distributedScs,
    scsInService: unitsFor(site.hosts, framework.capacity.hostsPerScs),
    instances: [
      ...plans(key, "configServer", configServers, zones, ha),
      ...plans(key, "csProxy", csProxies, zones, ha),
      ...plans(key, "distributedScs", distributedScs, zones, ha),
    ],
  };
}

/** Every site in natural key order (`site2` before `site10`). */
export function sizeFramework(framework: FrameworkConfig): FrameworkSiteSizing[] {
  return Object.keys(framework.sites)
    .sort(naturalOrder)
    .map((key) => sizeFrameworkSite(key, framework.sites[key], framework));
}

interface InboundRuleCount {
  readonly site: string;
  readonly role: FrameworkRole;
  readonly rules: number;
}

/**
 * Inbound rules each role's security group needs. Peers at the same site are
 * one security-group reference; peers at other sites are one /32 rule each
 * (security groups cannot be referenced across regions). Every role at a site
 * with Distributed SCS also admits them on the LCA port; the configuration
 * source of the application VPC admits its CIDR.
 */
export function inboundRuleCounts(sites: readonly FrameworkSiteSizing[]): InboundRuleCount[] {
  const counts: InboundRuleCount[] = [];
  const totalScs = sites.reduce((n, s) => n + s.distributedScs, 0);
  const elsewhere = (site: FrameworkSiteSizing, count: (s: FrameworkSiteSizing) => number) =>
    sites.reduce((n, s) => n + (s.key === site.key ? 0 : count(s)), 0);
  // SCS at a site without proxies read configuration from the master CS.
  const scsWithoutProxies = (s: FrameworkSiteSizing) => (s.csProxies === 0 ? s.distributedScs : 0);
  for (const site of sites) {
    const lca = site.distributedScs > 0 ? 1 : 0;
    if (site.configServers > 0) {
      const local = (site.csProxies > 0 ? 1 : 0) + (scsWithoutProxies(site) > 0 ? 1 : 0);
      counts.push({
        site: site.key,
        role: "configServer",
        rules: local + elsewhere(site, (s) => s.csProxies + scsWithoutProxies(s)) + lca + 1,
      });
    }
    if (site.csProxies > 0) counts.push({ site: site.key, role: "csProxy", rules: 2 + lca });
    if (site.distributedScs > 0)
      counts.push({ site: site.key, role: "distributedScs", rules: 1 + totalScs - site.distributedScs + lca });
  }
  return counts;
}

/** framework.capacity when the stack sets none: the project's planning figures, not Genesys sizing figures. */
export const PROJECT_DEFAULT_CAPACITY = { clientsPerCsProxy: 500, hostsPerScs: 100 } as const;

export type SizingRow = Pick<
  FrameworkSiteSizing,
  | "key"
  | "role"
  | "region"
  | "clients"
  | "hosts"
  | "configServers"
  | "csProxies"
  | "csProxyUnits"
  | "distributedScs"
  | "scsInService"
>;

/**
 * Fixed-width sizing table, one line per site, then where each capacity
 * figure comes from, for synth summaries and reviews. `pairs`/`in service`
 * are what carries load; the rest of each role's instances are spares.
 */
export function formatSizingTable(
  sites: readonly SizingRow[],
  capacity: FrameworkConfig["capacity"] = PROJECT_DEFAULT_CAPACITY,
): string[] {
  const header = [
    "site",
    "role",
    "region",
    "clients",
    "hosts",
    "master CS",
    "CS Proxy",
    "serving",
    "Dist. SCS",
    "in service",
  ];
  const rows = sites.map((s) => [
    s.key,
    s.role,
    s.region,
    String(s.clients),
    String(s.hosts),
    String(s.configServers),
    String(s.csProxies),
    String(s.csProxyUnits),
    String(s.distributedScs),
    String(s.scsInService),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  const source = (value: number, projectDefault: number) =>
    value === projectDefault ? "project default" : "set in this stack";
  return [
    line(header),
    ...rows.map(line),
    `capacity: ${capacity.clientsPerCsProxy} clients per CS Proxy (${source(capacity.clientsPerCsProxy, PROJECT_DEFAULT_CAPACITY.clientsPerCsProxy)}), ${capacity.hostsPerScs} hosts per Distributed SCS (${source(capacity.hostsPerScs, PROJECT_DEFAULT_CAPACITY.hostsPerScs)}); not Genesys sizing figures, see the Genesys Hardware Sizing Guide`,
    "serving: proxies (a primary/backup pair each with high availability) that carry clients; in service: SCS that carry hosts, the rest is the spare",
  ];
}
