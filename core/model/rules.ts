/**
 * Cross-field rules over a schema-valid stack config. Each rule is a pure
 * function returning problems (hard errors) or warnings, with key paths.
 */
import { isDnsName, recordingNodeDnsName } from "./backend-tls";
import { applicationSiteKey, configurationSourceOf, sitesConnected } from "./framework-paths";
import {
  DEFAULT_INBOUND_RULES_PER_SECURITY_GROUP,
  inboundRuleCounts,
  MAX_INSTANCES_PER_ROLE,
  sizeFramework,
  type FrameworkSiteSizing,
} from "./framework-sizing";
import { COOKIES, RECORDING_SERVICE_FACTS, routeName } from "./genesys-facts";
import { isUnderDomain } from "./names";
import { cidrContains, cidrsOverlap, parseCidr, parseIpv4 } from "./network-math";
import type { ConfigProblem, PathSegment } from "./problems";
import { createsBastion, usesHttpdHaPair } from "./environment";
import { HA_OS_FACTS } from "./ha-os";
import { reachesWorld, WORLD_RULE } from "./public-reach";
import { HA_OS, RECORDING_SERVICES, type NodeConfig, type StackConfig } from "./schema";

export type Rule = (config: StackConfig) => ConfigProblem[];

interface NodeSet {
  readonly path: PathSegment[];
  readonly nodes: Readonly<Record<string, NodeConfig>>;
}

/** Every balanced node set with its key path. */
function nodeSets(config: StackConfig): NodeSet[] {
  const sets: NodeSet[] = [];
  if (config.webEngagement85) sets.push({ path: ["webEngagement85", "nodes"], nodes: config.webEngagement85.nodes });
  if (config.webEngagement81) {
    sets.push({ path: ["webEngagement81", "frontend", "nodes"], nodes: config.webEngagement81.frontend.nodes });
    sets.push({ path: ["webEngagement81", "backend", "nodes"], nodes: config.webEngagement81.backend.nodes });
  }
  if (config.cobrowse) sets.push({ path: ["cobrowse", "nodes"], nodes: config.cobrowse.nodes });
  for (const [tenant, t] of Object.entries(config.recording?.tenants ?? {})) {
    for (const service of RECORDING_SERVICES) {
      const section = t[service];
      if (section) sets.push({ path: ["recording", "tenants", tenant, service, "nodes"], nodes: section.nodes });
    }
  }
  return sets;
}

/** What adds routes to the private route tables of the stack's VPC, in the operator's words (none: no tables needed). */
function existingVpcRouteUsers(config: StackConfig): string[] {
  const users: string[] = [];
  const hasNodes = [config.webEngagement81, config.webEngagement85, config.cobrowse, config.recording].some(
    (s) => s !== undefined,
  );
  if (config.framework && hasNodes) users.push("the Framework sites linked to the Genesys nodes");
  if (config.httpdHaPair?.virtualIp.agent === "aws-vpc-move-ip") users.push("the httpd pair's aws-vpc-move-ip agent");
  return users;
}

/** Every hostname clients use, with its key path; absent systems give undefined. */
function clientHostnames(config: StackConfig): [PathSegment[], string | undefined][] {
  return [
    [["webEngagement85", "hostname"], config.webEngagement85?.hostname],
    [["webEngagement81", "frontend", "hostname"], config.webEngagement81?.frontend.hostname],
    [["webEngagement81", "backend", "hostname"], config.webEngagement81?.backend.hostname],
    [["cobrowse", "hostname"], config.cobrowse?.hostname],
    [["recording", "hostname"], config.recording?.hostname],
  ];
}

/** Hostnames that clients use must be the website's domain or under it (Safari third-party cookies). */
const hostnamesUnderSiteDomain: Rule = (config) => {
  const domain = config.site.domain;
  const hosts = clientHostnames(config);
  return hosts
    .filter(([, host]) => host !== undefined && !isUnderDomain(host, domain))
    .map(([path, host]) => ({
      path,
      value: host,
      message: `is not under the website's domain "${domain}" (site.domain); balancers must be hosted under it so stickiness cookies stay first-party in Safari`,
    }));
};

/** Balancers tell systems apart by the Host header: each hostname can name one system only. */
const distinctHostnames: Rule = (config) => {
  const hosts = clientHostnames(config);
  const first = new Map<string, PathSegment[]>();
  const problems: ConfigProblem[] = [];
  for (const [path, host] of hosts) {
    if (host === undefined) continue;
    const taken = first.get(host);
    if (taken)
      problems.push({
        path,
        value: host,
        message: `is already the hostname at ${taken.join(".")}; each system needs its own hostname`,
      });
    else first.set(host, path);
  }
  return problems;
};

/** Production puts every Genesys system behind its balancer (Web Engagement 8.1 load-balancing guide: direct wiring is development only). */
export const productionRequiresBalancers: Rule = (config) => {
  if (config.environment !== "production") return [];
  const problems: ConfigProblem[] = [];
  const sections = ["webEngagement81", "webEngagement85", "cobrowse", "recording"] as const;
  for (const section of sections) {
    const value = config[section];
    if (value && value.balancer === "none") {
      problems.push({
        path: [section, "balancer"],
        value: value.balancer,
        message:
          section === "webEngagement81"
            ? "is not allowed in production: frontend and backend balancers are mandatory; connecting frontend servers to backend servers directly is for development only (allowed: alb)"
            : "is not allowed in production: a production system must sit behind a balancer (allowed: alb" +
              (section === "recording" ? ", httpdHaPair)" : ")"),
      });
    }
  }
  return problems;
};

const recordingPairExists: Rule = (config) =>
  config.recording?.balancer === "httpdHaPair" && !config.httpdHaPair
    ? [
        {
          path: ["recording", "balancer"],
          value: "httpdHaPair",
          message: "needs the httpdHaPair section to define the pair that serves it",
        },
      ]
    : [];

/**
 * The bastion the stack creates for provisioning lives in the public subnet of the pair's zone:
 * an existing VPC must give one there, or provisioning must go another way.
 */
const pairBastionHasPublicSubnet: Rule = (config) => {
  const pair = config.httpdHaPair;
  const existing = config.network.existingVpc;
  if (!pair || !existing || !usesHttpdHaPair(config) || !createsBastion(pair)) return [];
  if (pair.availabilityZone in existing.publicSubnetIds) return [];
  return [
    {
      path: ["httpdHaPair", "provisioning", "via"],
      value: pair.provisioning.via,
      message: `needs a public subnet for the bastion the stack creates in ${pair.availabilityZone}, and network.existingVpc.publicSubnetIds has none there; add one, set provisioning.existingBastion, or choose via: direct`,
    },
  ];
};

const productionIsMultiAz: Rule = (config) =>
  config.environment === "production" && config.network.availabilityZones.length < 2
    ? [
        {
          path: ["network", "availabilityZones"],
          value: config.network.availabilityZones,
          message: "must list at least 2 availability zones in production (allowed: 2 to 6 zones of the region)",
        },
      ]
    : [];

const productionNeedsTls: Rule = (config) => {
  const usesAlb = [config.webEngagement81, config.webEngagement85, config.cobrowse, config.recording].some(
    (s) => s?.balancer === "alb",
  );
  return config.environment === "production" && usesAlb && !config.tls
    ? [
        {
          path: ["tls"],
          value: undefined,
          message: "is required in production: balancers serve HTTPS only (set tls.certificateArn)",
        },
      ]
    : [];
};

/** Zones must belong to the stack's region and, for nodes, be one of the network's zones. */
const zonesInRegion: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  config.network.availabilityZones.forEach((az, i) => {
    if (!az.startsWith(config.region)) {
      problems.push({
        path: ["network", "availabilityZones", i],
        value: az,
        message: `is not in region "${config.region}" (genesys:region)`,
      });
    }
  });
  const zones = new Set(config.network.availabilityZones);
  for (const set of nodeSets(config)) {
    for (const [key, node] of Object.entries(set.nodes)) {
      if (node.availabilityZone !== undefined && !zones.has(node.availabilityZone)) {
        problems.push({
          path: [...set.path, key, "availabilityZone"],
          value: node.availabilityZone,
          message: `is not one of network.availabilityZones (${[...zones].join(", ")})`,
        });
      }
    }
  }
  const pairZone = config.httpdHaPair?.availabilityZone;
  if (pairZone !== undefined && !zones.has(pairZone)) {
    problems.push({
      path: ["httpdHaPair", "availabilityZone"],
      value: pairZone,
      message: `is not one of network.availabilityZones (${[...zones].join(", ")})`,
    });
  }
  const existing = config.network.existingVpc;
  if (existing) {
    for (const kind of ["publicSubnetIds", "privateSubnetIds"] as const) {
      for (const az of zones) {
        if (!(az in existing[kind])) {
          problems.push({
            path: ["network", "existingVpc", kind],
            value: existing[kind],
            message: `has no subnet for availability zone ${az}; give one per zone in network.availabilityZones`,
          });
        }
      }
    }
    const routed = existingVpcRouteUsers(config);
    if (routed.length > 0) {
      const tables = existing.privateRouteTableIds ?? {};
      for (const az of zones) {
        if (!(az in tables)) {
          problems.push({
            path: ["network", "existingVpc", "privateRouteTableIds"],
            value: existing.privateRouteTableIds,
            message: `has no route table for availability zone ${az}, and ${routed.join(" and ")} add routes to the private route tables; give the route table id of each zone's private subnet (zones may share one)`,
          });
        }
      }
    }
  }
  return problems;
};

/**
 * Routes must be unique within a balancer (the balancer routes on them), and an
 * application name set explicitly must be unique across the stack (Genesys
 * application names are unique in the Configuration Database).
 */
const uniqueApplicationNames: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  const explicit = new Map<string, PathSegment[]>();
  for (const set of nodeSets(config)) {
    const routes = new Map<string, string>();
    for (const [key, node] of Object.entries(set.nodes)) {
      const appName = node.appName ?? key;
      const route = routeName(appName);
      const path = [...set.path, key, "appName"];
      const clash = routes.get(route);
      if (clash !== undefined) {
        problems.push({
          path,
          value: appName,
          message: `gives route "${route}", already used by node "${clash}" of the same balancer; routes (application names with spaces as '_') must be unique`,
        });
      }
      routes.set(route, key);
      if (node.appName !== undefined) {
        const first = explicit.get(node.appName);
        if (first) {
          problems.push({
            path,
            value: node.appName,
            message: `is used twice (also at ${first.join(".")}); application names must be unique`,
          });
        } else explicit.set(node.appName, path);
      }
    }
  }
  return problems;
};

/** Co-browse node ids are cookie values and URL parameters: unique; WWE needs URL stickiness. */
const cobrowseStickiness: Rule = (config) => {
  const cob = config.cobrowse;
  if (!cob) return [];
  const problems: ConfigProblem[] = [];
  const ids = new Map<string, string>();
  for (const [key, node] of Object.entries(cob.nodes)) {
    const other = ids.get(node.nodeId);
    if (other) {
      problems.push({
        path: ["cobrowse", "nodes", key, "nodeId"],
        value: node.nodeId,
        message: `is already the id of node "${other}"; co-browse-node-id must identify one node`,
      });
    }
    ids.set(node.nodeId, key);
  }
  if (cob.agentSide === "workspaceWebEdition" && cob.urlStickiness === false) {
    problems.push({
      path: ["cobrowse", "urlStickiness"],
      value: false,
      message:
        "must be true when agentSide is workspaceWebEdition: Workspace Web Edition supports only URL-based stickiness (serverUrl)",
    });
  }
  if (cob.agentSide === "workspaceDesktopEdition" && cob.urlStickiness === true) {
    problems.push({
      path: ["cobrowse", "urlStickiness"],
      value: true,
      message:
        "must be false when agentSide is workspaceDesktopEdition: Co-browse's cluster options say to leave serverUrl empty for Workspace Desktop Edition, which sticks by the gcbSessionServer cookie",
    });
  }
  const values = new Map<string, string>();
  for (const [key, node] of Object.entries(cob.nodes)) {
    const value = node.cookieValue ?? node.nodeId;
    const other = values.get(value);
    // Two defaulted values are two equal node ids, reported above.
    if (other && (node.cookieValue !== undefined || cob.nodes[other].cookieValue !== undefined)) {
      problems.push({
        path: ["cobrowse", "nodes", key, node.cookieValue !== undefined ? "cookieValue" : "nodeId"],
        value,
        message: `is already the ${COOKIES.cobrowse} cookie value of node "${other}"; each node's cookie value must name that node only`,
      });
    }
    values.set(value, key);
  }
  return problems;
};

const webEngagement85HasCluster: Rule = (config) => {
  const we = config.webEngagement85;
  if (!we || config.environment !== "production") return [];
  const count = Object.keys(we.nodes).length;
  return count < 2
    ? [
        {
          path: ["webEngagement85", "nodes"],
          value: Object.keys(we.nodes),
          message:
            "must define at least 2 nodes in production: stickiness also switches ongoing transactions over when a node fails",
        },
      ]
    : [];
};

/** The HA pair's VIP placement depends on the resource agent. */
const haPairVirtualIp: Rule = (config) => {
  const pair = config.httpdHaPair;
  if (!pair) return [];
  const problems: ConfigProblem[] = [];
  const vpc = config.network.vpcCidr ? parseCidr(config.network.vpcCidr) : undefined;
  const vip = parseIpv4(pair.virtualIp.address);
  if (vpc && vip !== undefined) {
    const inside = cidrContains(vpc, vip);
    if (pair.virtualIp.agent === "awsvip" && !inside) {
      problems.push({
        path: ["httpdHaPair", "virtualIp", "address"],
        value: pair.virtualIp.address,
        message: `must be inside the VPC (${config.network.vpcCidr}) for agent awsvip: it is a secondary private IP of the pair's subnet`,
      });
    }
    if (pair.virtualIp.agent === "aws-vpc-move-ip" && inside) {
      problems.push({
        path: ["httpdHaPair", "virtualIp", "address"],
        value: pair.virtualIp.address,
        message: `must be outside the VPC (${config.network.vpcCidr}) for agent aws-vpc-move-ip: it is an overlay IP routed through the route tables`,
      });
    }
  }
  if (pair.corosync.transport === "udp" && pair.virtualIp.agent !== "IPaddr2") {
    problems.push({
      path: ["httpdHaPair", "corosync", "transport"],
      value: "udp",
      message: `cannot work with agent ${pair.virtualIp.agent}: AWS VPCs do not carry the multicast udp needs; use udpu`,
    });
  }
  problems.push(...haPairFencing(config.environment === "production", pair));
  if (config.environment === "production" && reachesWorld(pair.adminCidr)) {
    problems.push({
      path: ["httpdHaPair", "adminCidr"],
      value: pair.adminCidr,
      message: `must not open SSH to the world in production (it covers ${WORLD_RULE}); use your administration network's CIDR`,
    });
  }
  return problems;
};

/**
 * RHEL 6 only where it can work: on-premises, with IPaddr2. Its
 * resource-agents predate awsvip and aws-vpc-move-ip, it packages no AWS CLI,
 * it ships httpd 2.2.15 (no WebSockets), and it is past its end of life.
 */
const haPairOsCanMoveVip: Rule = (config) => {
  const pair = config.httpdHaPair;
  if (!pair || HA_OS_FACTS[pair.os].awsAgents || pair.virtualIp.agent === "IPaddr2") return [];
  const usable = HA_OS.filter((os) => HA_OS_FACTS[os].awsAgents).join(", ");
  return [
    {
      path: ["httpdHaPair", "os"],
      value: pair.os,
      message: `cannot run httpdHaPair.virtualIp.agent ${JSON.stringify(pair.virtualIp.agent)}: ${HA_OS_FACTS[pair.os].label}'s resource-agents predate the AWS agents and it has no AWS CLI (and it is past its end of life); use os ${usable} on AWS, or keep ${pair.os} for an on-premises pair with virtualIp.agent IPaddr2`,
    },
  ];
};

/** https towards a member on port 80 is always a mistake: the node's TLS port must be set. */
const recordingSchemePorts: Rule = (config) => {
  const rec = config.recording;
  if (!rec) return [];
  const problems: ConfigProblem[] = [];
  for (const [tenant, t] of Object.entries(rec.tenants)) {
    for (const service of RECORDING_SERVICES) {
      const scheme =
        rec.serviceSchemes[service] ??
        (RECORDING_SERVICE_FACTS[service].defaultScheme === "http" ? "http" : rec.backendScheme);
      if (scheme !== "https") continue;
      for (const [node, n] of Object.entries(t[service]?.nodes ?? {})) {
        if (n.port === 80) {
          problems.push({
            path: ["recording", "tenants", tenant, service, "nodes", node, "port"],
            value: n.port,
            message: `is the plain-HTTP port, but ${RECORDING_SERVICE_FACTS[service].label} is reached over https (recording.${rec.serviceSchemes[service] ? `serviceSchemes.${service}` : "backendScheme"}); set the node's TLS port, or http for this service`,
          });
        }
      }
    }
  }
  return problems;
};

/**
 * Without fencing, a partition leaves both hosts quorate (two_node) and both
 * run the VIP and httpd; Red Hat does not support a cluster without it. The
 * stack fences only on AWS (fence_aws), so on-premises IPaddr2 pairs and
 * RHEL 6 (whose fence-agents has no fence_aws) cannot be production pairs.
 */
function haPairFencing(production: boolean, pair: NonNullable<StackConfig["httpdHaPair"]>): ConfigProblem[] {
  const path = ["httpdHaPair", "fencing"];
  if (pair.fencing === "fence_aws") {
    if (pair.virtualIp.agent === "IPaddr2") {
      return [
        {
          path,
          value: "fence_aws",
          message:
            "stops EC2 instances, but agent IPaddr2 is for on-premises hosts: an on-premises pair needs a fencing device for its own hardware (IPMI, a power switch), which this stack does not configure; set fencing to none outside production",
        },
      ];
    }
    if (pair.os === "rhel6") {
      return [
        {
          path,
          value: "fence_aws",
          message:
            "is not packaged for RHEL 6 (fence-agents-aws ships with RHEL 7 and later); use os rhel8, or fencing none outside production",
        },
      ];
    }
    return [];
  }
  if (!production) return [];
  const why =
    pair.virtualIp.agent === "IPaddr2"
      ? "an on-premises IPaddr2 pair is fenced by a device for its own hardware, which this stack does not configure, so it cannot be a production pair here"
      : "a production pair must be fenced: without it a network partition leaves both hosts running the VIP and httpd (split brain); use fence_aws";
  return [{ path, value: pair.fencing, message: `is not allowed in production: ${why}` }];
}

export const frameworkSites: Rule = (config) => {
  const fw = config.framework;
  if (!fw) return [];
  const problems: ConfigProblem[] = [];
  const masters = Object.entries(fw.sites).filter(([, s]) => s.role === "master");
  if (masters.length !== 1) {
    problems.push({
      path: ["framework", "sites"],
      value: Object.keys(fw.sites),
      message: `must have exactly one site with role master (found ${masters.length}); the master Configuration Server runs next to the Configuration Database`,
    });
  }
  const blocks: [string, string][] = Object.entries(fw.sites).map(([k, s]) => [k, s.vpcCidr]);
  if (config.network.vpcCidr) blocks.unshift(["(network.vpcCidr)", config.network.vpcCidr]);
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      const a = parseCidr(blocks[i][1]);
      const b = parseCidr(blocks[j][1]);
      if (a && b && cidrsOverlap(a, b)) {
        problems.push({
          path: ["framework", "sites", blocks[j][0], "vpcCidr"],
          value: blocks[j][1],
          message: `overlaps ${blocks[i][0]} (${blocks[i][1]}); connected sites need disjoint address ranges`,
        });
      }
    }
  }
  for (const [key, site] of Object.entries(fw.sites)) {
    site.availabilityZones.forEach((az, i) => {
      if (!az.startsWith(site.region)) {
        problems.push({
          path: ["framework", "sites", key, "availabilityZones", i],
          value: az,
          message: `is not in the site's region "${site.region}"`,
        });
      }
    });
  }
  return problems;
};

const siteCounts = (sites: readonly FrameworkSiteSizing[], count: (s: FrameworkSiteSizing) => number) =>
  sites
    .filter((s) => count(s) > 0)
    .map((s) => `${s.key} (${count(s)})`)
    .join(", ");

/** Framework guide "Sharing the Load Configurations": Configuration Server in Proxy mode and Solution Control Server in Distributed mode need special licences. */
const frameworkLicences: Rule = (config) => {
  const fw = config.framework;
  if (!fw) return [];
  const sites = sizeFramework(fw);
  const problems: ConfigProblem[] = [];
  const proxies = sites.reduce((n, s) => n + s.csProxies, 0);
  if (proxies > 0 && fw.licenses.csProxy === undefined) {
    problems.push({
      path: ["framework", "licenses", "csProxy"],
      value: undefined,
      message: `is required: sites ${siteCounts(sites, (s) => s.csProxies)} run ${proxies} Configuration Server Proxies for their clients, and Configuration Server in Proxy mode needs a special licence; set it to the licence reference (see the Genesys Licensing Guide)`,
    });
  }
  const scs = sites.reduce((n, s) => n + s.distributedScs, 0);
  if (scs > 0 && fw.licenses.distributedScs === undefined) {
    problems.push({
      path: ["framework", "licenses", "distributedScs"],
      value: undefined,
      message: `is required: sites ${siteCounts(sites, (s) => s.distributedScs)} run ${scs} Distributed Solution Control Servers for their hosts, and Solution Control Server in Distributed mode needs a special licence; set it to the licence reference (see the Genesys Licensing Guide)`,
    });
  }
  return problems;
};

/** Derived counts stay within MAX_INSTANCES_PER_ROLE per site, so a typo cannot plan thousands of servers. */
const frameworkSizeLimits: Rule = (config) => {
  const fw = config.framework;
  if (!fw) return [];
  const problems: ConfigProblem[] = [];
  for (const site of sizeFramework(fw)) {
    if (site.csProxies > MAX_INSTANCES_PER_ROLE) {
      problems.push({
        path: ["framework", "sites", site.key, "clients"],
        value: site.clients,
        message: `needs ${site.csProxies} CS Proxies at capacity.clientsPerCsProxy ${fw.capacity.clientsPerCsProxy}; at most ${MAX_INSTANCES_PER_ROLE} per site are allowed (raise the capacity or split the site)`,
      });
    }
    if (site.distributedScs > MAX_INSTANCES_PER_ROLE) {
      problems.push({
        path: ["framework", "sites", site.key, "hosts"],
        value: site.hosts,
        message: `needs ${site.distributedScs} Distributed SCS at capacity.hostsPerScs ${fw.capacity.hostsPerScs}; at most ${MAX_INSTANCES_PER_ROLE} per site are allowed (raise the capacity or split the site)`,
      });
    }
  }
  return problems;
};

/** Every Genesys host runs a Local Control Agent, Distributed SCS hosts too: SCS cannot listen on the LCA's port. */
const frameworkPorts: Rule = (config) => {
  const ports = config.framework?.ports;
  if (!ports || ports.scs !== ports.lca) return [];
  return [
    {
      path: ["framework", "ports", "scs"],
      value: ports.scs,
      message: `is also framework.ports.lca: the Local Control Agent on every Distributed SCS host already listens there; choose a different port for Solution Control Server`,
    },
  ];
};

/** Whether the stack runs Genesys nodes that are Framework configuration clients. */
const hasApplicationNodes = (config: StackConfig) => nodeSets(config).length > 0;

/**
 * The stack's Genesys nodes are configuration clients: their VPC links to one
 * Framework site in the stack's region, and that site (or, without proxies,
 * the master site) must be reachable from it.
 */
const frameworkApplicationSite: Rule = (config) => {
  const fw = config.framework;
  if (!fw || !hasApplicationNodes(config)) return [];
  const path = ["framework", "applicationSite"];
  const key = applicationSiteKey(fw, config.region);
  const inRegion = Object.keys(fw.sites).filter((k) => fw.sites[k].region === config.region);
  if (key === undefined) {
    return [
      {
        path,
        value: undefined,
        message: `is required: the stack's Genesys nodes are configuration clients of one Framework site in ${config.region} (genesys:region), and ${inRegion.length === 0 ? "no site is there; add one" : `several are (${inRegion.join(", ")}); name one`}`,
      },
    ];
  }
  const site = fw.sites[key];
  if (!site)
    return [{ path, value: key, message: `is not a Framework site; allowed: ${Object.keys(fw.sites).join(", ")}` }];
  if (site.region !== config.region) {
    return [
      {
        path,
        value: key,
        message: `is in ${site.region}, not the stack's region ${config.region}: the application VPC links to a Framework site in its own region only`,
      },
    ];
  }
  const sites = sizeFramework(fw);
  const sized = sites.find((s) => s.key === key) as FrameworkSiteSizing;
  const source = configurationSourceOf(sized, sites);
  if (source && source.site.region !== config.region) {
    return [
      {
        path,
        value: key,
        message: `runs no CS Proxies (clients 0), so the Genesys nodes would read configuration from the master Configuration Server at ${source.site.key} in ${source.site.region}, which the application VPC does not reach; give site ${key} clients (framework.sites.${key}.clients) or choose a site with proxies`,
      },
    ];
  }
  return [];
};

/** The guide's one Configuration Database: referenced or created, required in production. */
const frameworkConfigurationDatabase: Rule = (config) => {
  const fw = config.framework;
  if (!fw) return [];
  const db = fw.configurationDatabase;
  const path = ["framework", "configurationDatabase"];
  if (!db) {
    return config.environment === "production"
      ? [
          {
            path,
            value: undefined,
            message:
              "is required in production: the master Configuration Server needs the Configuration Database; set existing (engine, address, port) or create",
          },
        ]
      : [];
  }
  const problems: ConfigProblem[] = [];
  if (db.create) {
    const master = Object.entries(fw.sites).find(([, s]) => s.role === "master");
    if (master && master[1].availabilityZones.length < 2) {
      problems.push({
        path: ["framework", "sites", master[0], "availabilityZones"],
        value: master[1].availabilityZones,
        message:
          "must list at least 2 zones when the stack creates the Configuration Database: RDS places a database in a subnet group spanning two zones",
      });
    }
    if (config.environment === "production" && db.create.multiAz === false) {
      problems.push({
        path: [...path, "create", "multiAz"],
        value: false,
        message: "is not allowed in production: the Configuration Database runs Multi-AZ there",
      });
    }
  }
  return problems;
};

function recordingScheme(rec: NonNullable<StackConfig["recording"]>, service: (typeof RECORDING_SERVICES)[number]) {
  return (
    rec.serviceSchemes[service] ??
    (RECORDING_SERVICE_FACTS[service].defaultScheme === "http" ? "http" : rec.backendScheme)
  );
}

/**
 * Every recording node has a DNS name of its own (`<key>.<hostname>`): its
 * certificate names it and the stack publishes it, so two keys may not fold
 * into one name (`a_b` and `a-b`, `N1` and `n1`) and the name must be a DNS name.
 */
const recordingNodeNames: Rule = (config) => {
  const rec = config.recording;
  if (!rec) return [];
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  for (const [tenant, t] of Object.entries(rec.tenants)) {
    for (const service of RECORDING_SERVICES) {
      for (const node of Object.keys(t[service]?.nodes ?? {})) {
        const path: PathSegment[] = ["recording", "tenants", tenant, service, "nodes", node];
        const name = recordingNodeDnsName(node, rec.hostname);
        const where = `recording.tenants.${tenant}.${service}.nodes.${node}`;
        const other = seen.get(name);
        if (other !== undefined && other !== where) {
          problems.push({
            path,
            value: node,
            message: `has the DNS name ${name}, as ${other} does (names are lowercase, '_' as '-'); rename one of the nodes`,
          });
        } else if (!isDnsName(name)) {
          problems.push({
            path,
            value: node,
            message: `gives the DNS name ${name}, which is not a DNS name of at most 253 characters; shorten the node key or recording.hostname`,
          });
        }
        seen.set(name, where);
      }
    }
  }
  return problems;
};

/**
 * An https member is only authenticated against a CA: without one the
 * connection is encrypted to whoever answers. Production through the pair
 * must name the CA.
 */
const productionVerifiesRecordingServers: Rule = (config) => {
  const rec = config.recording;
  if (!rec || config.environment !== "production" || rec.balancer !== "httpdHaPair") return [];
  if (rec.backendTls.caBundle !== undefined) return [];
  const https = RECORDING_SERVICES.filter(
    (service) =>
      recordingScheme(rec, service) === "https" && Object.values(rec.tenants).some((t) => t[service] !== undefined),
  );
  if (https.length === 0) return [];
  return [
    {
      path: ["recording", "backendTls", "caBundle"],
      value: undefined,
      message: `is required in production: ${https.map((s) => RECORDING_SERVICE_FACTS[s].label).join(", ")} ${https.length === 1 ? "is" : "are"} reached over https, and the httpd HA pair verifies their certificates against this CA (PEM, e.g. the text of ca.pem); each node's certificate must name <node key>.${rec.hostname}`,
    },
  ];
};

export const RULES: readonly Rule[] = [
  hostnamesUnderSiteDomain,
  distinctHostnames,
  productionRequiresBalancers,
  recordingPairExists,
  pairBastionHasPublicSubnet,
  productionIsMultiAz,
  productionNeedsTls,
  zonesInRegion,
  uniqueApplicationNames,
  cobrowseStickiness,
  webEngagement85HasCluster,
  haPairVirtualIp,
  haPairOsCanMoveVip,
  recordingSchemePorts,
  recordingNodeNames,
  productionVerifiesRecordingServers,
  frameworkSites,
  frameworkLicences,
  frameworkSizeLimits,
  frameworkPorts,
  frameworkApplicationSite,
  frameworkConfigurationDatabase,
];

/**
 * What the Framework guide recommends but a stack can leave out: proxies or
 * Distributed SCS at every remote site, configuration for every SCS, an SCS
 * for every host's Local Control Agent.
 */
export function frameworkWarnings(config: StackConfig): ConfigProblem[] {
  const fw = config.framework;
  if (!fw) return [];
  const warnings: ConfigProblem[] = [];
  const sites = sizeFramework(fw);
  for (const site of sites) {
    const path = ["framework", "sites", site.key];
    if (site.role === "remote" && site.csProxies === 0 && site.distributedScs === 0) {
      warnings.push({
        path,
        value: { clients: site.clients, hosts: site.hosts },
        message:
          "runs neither CS Proxies nor Distributed SCS: the Framework guide recommends both in multi-site environments; set the site's clients and hosts, or remove the site",
      });
    }
    if (site.distributedScs > 0) {
      const source = configurationSourceOf(site, sites);
      if (!source || !sitesConnected(site, source.site, sites)) {
        warnings.push({
          path,
          value: site.distributedScs,
          message:
            "runs Distributed SCS with no path to configuration: no CS Proxy at the site and no link to the master Configuration Server",
        });
      }
    } else if (site.instances.length > 0) {
      warnings.push({
        path: [...path, "hosts"],
        value: site.hosts,
        message: `is 0, so no Distributed SCS controls the Local Control Agents of the site's ${site.instances.length} Framework servers; count them in hosts`,
      });
    }
  }
  const appKey = hasApplicationNodes(config) ? applicationSiteKey(fw, config.region) : undefined;
  const appSite = sites.find((s) => s.key === appKey);
  if (appSite && appSite.distributedScs === 0) {
    warnings.push({
      path: ["framework", "sites", appSite.key, "hosts"],
      value: appSite.hosts,
      message:
        "is 0 at the application site, so no Distributed SCS controls the Local Control Agents of the stack's Genesys nodes; count them in hosts",
    });
  }
  return warnings;
}

/** Soft problems: reported with pulumi.log.warn, never blocking. */
export function configWarnings(config: StackConfig): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  if (config.httpdHaPair && !usesHttpdHaPair(config)) {
    warnings.push({
      path: ["httpdHaPair"],
      value: undefined,
      message: `is configured but no system uses balancer: httpdHaPair (recording.balancer is ${config.recording ? JSON.stringify(config.recording.balancer) : "not set: the stack has no recording"}); the pair is not built. Remove the section, or set recording.balancer: httpdHaPair`,
    });
  }
  warnings.push(...frameworkWarnings(config));
  if (config.framework) {
    for (const count of inboundRuleCounts(sizeFramework(config.framework))) {
      if (count.rules > DEFAULT_INBOUND_RULES_PER_SECURITY_GROUP) {
        warnings.push({
          path: ["framework", "sites", count.site],
          value: count.rules,
          message: `inbound rules needed by its ${count.role} security group (one per peer instance at other sites) exceed the ${DEFAULT_INBOUND_RULES_PER_SECURITY_GROUP} AWS allows by default; request a quota increase before deploying`,
        });
      }
    }
  }
  if (config.environment === "production") {
    for (const set of nodeSets(config)) {
      if (Object.keys(set.nodes).length < 2) {
        warnings.push({
          path: set.path,
          value: Object.keys(set.nodes),
          message: "has a single node in production: there is nothing to fail over to",
        });
      }
    }
    for (const [k, v] of Object.entries(config.hardening)) {
      if (v === false || v === "monitor") {
        warnings.push({
          path: ["hardening", k],
          value: v,
          message: "relaxes a production default; the policy pack rejects it",
        });
      }
    }
  }
  return warnings;
}
