import { beforeAll, describe, expect, it } from "vitest";
import { printFrameworkSizing } from "../../../tools/synth-steps";
import {
  LICENSES,
  PORTS,
  runFramework,
  sortRules,
  T,
  zonesOf,
  type FrameworkInput,
  type FrameworkRun,
  type RuleView,
} from "./framework-run";

const rule = (group: string, direction: RuleView["direction"], port: number, peer: string): RuleView => ({
  group,
  direction,
  port,
  peer,
});
const host = (ip: string) => `${ip}/32`;

/** A stack whose Framework is one master site, hq, with these clients and hosts. */
const masterSiteOnly = (clients: number, hosts: number) =>
  runFramework({
    licenses: LICENSES,
    ports: PORTS,
    sites: {
      hq: {
        role: "master",
        region: "eu-central-1",
        vpcCidr: "10.70.0.0/16",
        availabilityZones: zonesOf("eu-central-1"),
        clients,
        hosts,
      },
    },
  });

describe("one site: the master Configuration Server, CS Proxies and Distributed SCS in one VPC", () => {
  let run: FrameworkRun;
  beforeAll(async () => {
    run = await masterSiteOnly(600, 50);
  });

  it("outputs the derived counts and every instance's private IP", () => {
    const hq = run.sites.hq;
    // 600 clients: two primary/backup proxy pairs; 50 hosts: one SCS and its spare.
    expect([hq.configServers, hq.csProxies, hq.csProxyUnits, hq.distributedScs, hq.scsInService]).toEqual([
      2, 4, 2, 2, 1,
    ]);
    const instances = run.all(T.instance);
    expect(Object.keys(hq.privateIps).sort()).toEqual([
      "hq-cs-backup",
      "hq-cs-primary",
      "hq-csproxy-1",
      "hq-csproxy-2",
      "hq-csproxy-3",
      "hq-csproxy-4",
      "hq-scs-1",
      "hq-scs-2",
    ]);
    for (const i of instances)
      expect(hq.privateIps[String((i.inputs.tags as Record<string, string>).Name)]).toBe(i.state.privateIp);
  });

  it("builds the VPC in the site's region, not the stack's, with one private subnet per zone", () => {
    const [vpc] = run.all(T.vpc);
    expect(vpc.inputs.cidrBlock).toBe("10.70.0.0/16");
    expect(run.regionOf(vpc)).toBe("eu-central-1");
    expect(run.all(T.subnet).map((s) => [s.inputs.availabilityZone, s.inputs.cidrBlock])).toEqual([
      ["eu-central-1a", "10.70.128.0/20"],
      ["eu-central-1b", "10.70.144.0/20"],
    ]);
    expect(run.all(T.provider).map((p) => p.inputs.region)).toEqual(["eu-central-1"]);
    expect(run.amiLookupRegions).toEqual(["eu-central-1"]);
  });

  it("puts each pair in two zones and tags the licence each mode needs", () => {
    const placed = run.all(T.instance).map((i) => {
      const tags = i.inputs.tags as Record<string, string>;
      return [
        tags.Name,
        run.byId(i.inputs.subnetId).inputs.availabilityZone,
        tags["genesys:license"] ?? "-",
        tags["genesys:ha-role"] ?? "-",
      ];
    });
    expect(placed.sort()).toEqual([
      ["hq-cs-backup", "eu-central-1b", "-", "backup"],
      ["hq-cs-primary", "eu-central-1a", "-", "primary"],
      ["hq-csproxy-1", "eu-central-1a", "LIC-CSP-1", "primary"],
      ["hq-csproxy-2", "eu-central-1b", "LIC-CSP-1", "backup"],
      ["hq-csproxy-3", "eu-central-1a", "LIC-CSP-1", "primary"],
      ["hq-csproxy-4", "eu-central-1b", "LIC-CSP-1", "backup"],
      ["hq-scs-1", "eu-central-1a", "LIC-DSCS-1", "-"],
      ["hq-scs-2", "eu-central-1b", "LIC-DSCS-1", "spare"],
    ]);
  });

  it("keeps instances private, IMDSv2-only and encrypted", () => {
    for (const i of run.all(T.instance)) {
      expect(i.inputs.associatePublicIpAddress).toBe(false);
      expect(i.inputs.metadataOptions).toMatchObject({ httpTokens: "required" });
      expect(i.inputs.rootBlockDevice).toMatchObject({ encrypted: true });
    }
  });

  it("opens only the Framework ports between the right roles", () => {
    for (const sg of run.all(T.sg)) {
      expect(sg.inputs.ingress).toBeUndefined();
      expect(sg.inputs.egress).toBeUndefined();
    }
    const cs = "framework-hq-cs";
    const proxy = "framework-hq-csproxy";
    const scs = "framework-hq-scs";
    expect(sortRules(run.rules())).toEqual(
      sortRules([
        rule(cs, "ingress", PORTS.configServer, proxy),
        rule(proxy, "egress", PORTS.configServer, cs),
        rule(proxy, "ingress", PORTS.csProxy, "10.70.0.0/16"),
        rule(scs, "ingress", PORTS.scs, scs),
        rule(scs, "egress", PORTS.scs, scs),
        rule(scs, "egress", PORTS.lca, "10.70.0.0/16"),
        rule(scs, "egress", PORTS.csProxy, proxy),
        // The site's SCS control the Local Control Agent of every Framework server, their own included.
        rule(cs, "ingress", PORTS.lca, scs),
        rule(proxy, "ingress", PORTS.lca, scs),
        rule(scs, "ingress", PORTS.lca, scs),
      ]),
    );
  });

  it("connects nothing: there is no other site", () => {
    expect(run.links).toEqual([]);
    for (const type of [T.peering, T.route, T.tgw]) expect(run.all(type)).toEqual([]);
  });
});

/** emea (master) with amer and apac; both remote sites run Distributed SCS, so they link to each other too. */
const threeSites = (connectivity: FrameworkInput["connectivity"]): FrameworkInput => ({
  licenses: LICENSES,
  ports: PORTS,
  connectivity,
  sites: {
    emea: {
      role: "master",
      region: "eu-west-1",
      vpcCidr: "10.60.0.0/16",
      availabilityZones: zonesOf("eu-west-1"),
      clients: 900,
      hosts: 150,
    },
    amer: {
      role: "remote",
      region: "us-east-1",
      vpcCidr: "10.61.0.0/16",
      availabilityZones: zonesOf("us-east-1", 3),
      clients: 1200,
      hosts: 240,
    },
    apac: {
      role: "remote",
      region: "ap-southeast-1",
      vpcCidr: "10.62.0.0/16",
      availabilityZones: zonesOf("ap-southeast-1", 1),
      clients: 300,
      hosts: 20,
    },
  },
});

const SITE_REGIONS: Record<string, string> = { emea: "eu-west-1", amer: "us-east-1", apac: "ap-southeast-1" };
const SITE_CIDRS: Record<string, string> = { emea: "10.60.0.0/16", amer: "10.61.0.0/16", apac: "10.62.0.0/16" };

function expectSitesInTheirRegions(run: FrameworkRun): void {
  expect(
    run
      .all(T.provider)
      .map((p) => p.inputs.region)
      .sort(),
  ).toEqual(["ap-southeast-1", "eu-west-1", "us-east-1"]);
  const siteResources = run.resources.filter(
    (r) => r.custom && r.type.startsWith("aws:") && r.parent?.startsWith(`${T.site}::`),
  );
  expect(siteResources.length).toBeGreaterThan(60);
  for (const r of siteResources) {
    const site = (r.parent as string).slice(`${T.site}::framework-`.length);
    expect([r.name, run.regionOf(r)]).toEqual([r.name, SITE_REGIONS[site]]);
  }
  expect(run.amiLookupRegions.sort()).toEqual(["ap-southeast-1", "eu-west-1", "us-east-1"]);
}

function expectCrossSiteRules(run: FrameworkRun): void {
  const ips = (site: string, role: string) =>
    Object.entries(run.sites[site].privateIps)
      .filter(([name]) => name.startsWith(`${site}-${role}-`))
      .map(([, ip]) => host(ip));
  const rules = run.rules();
  const peersOf = (group: string, direction: RuleView["direction"], port: number) =>
    rules
      .filter((r) => r.group === group && r.direction === direction && r.port === port)
      .map((r) => r.peer)
      .sort();

  // Master CS: its own site's proxies by group, every remote proxy by address, on the configServer port only.
  expect(peersOf("framework-emea-cs", "ingress", PORTS.configServer)).toEqual(
    ["framework-emea-csproxy", ...ips("amer", "csproxy"), ...ips("apac", "csproxy")].sort(),
  );
  expect(
    rules
      .filter((r) => r.group === "framework-emea-cs")
      .every((r) => (r.port === PORTS.configServer || r.port === PORTS.lca) && r.direction === "ingress"),
  ).toBe(true);
  for (const site of ["emea", "amer", "apac"]) {
    for (const role of ["csproxy", "scs", ...(site === "emea" ? ["cs"] : [])])
      expect(peersOf(`framework-${site}-${role}`, "ingress", PORTS.lca)).toEqual([`framework-${site}-scs`]);
  }
  // Remote proxies reach the master pair and nothing else across sites.
  expect(peersOf("framework-amer-csproxy", "egress", PORTS.configServer)).toEqual(ips("emea", "cs").sort());
  expect(ips("emea", "cs")).toHaveLength(2);
  // Every SCS talks to every SCS at every site.
  for (const site of ["emea", "amer", "apac"]) {
    const others = ["emea", "amer", "apac"].filter((s) => s !== site).flatMap((s) => ips(s, "scs"));
    for (const direction of ["ingress", "egress"] as const) {
      expect(peersOf(`framework-${site}-scs`, direction, PORTS.scs)).toEqual(
        [`framework-${site}-scs`, ...others].sort(),
      );
    }
    // LCA stays inside the site; clients reach the proxies from the site only.
    expect(peersOf(`framework-${site}-scs`, "egress", PORTS.lca)).toEqual([SITE_CIDRS[site]]);
    expect(peersOf(`framework-${site}-csproxy`, "ingress", PORTS.csProxy)).toEqual([SITE_CIDRS[site]]);
  }
  expect(rules.some((r) => r.peer === "0.0.0.0/0")).toBe(false);
  expect(new Set(rules.map((r) => r.port))).toEqual(new Set(Object.values(PORTS)));
}

describe("a master site without CS Proxies: its SCS read configuration from the master Configuration Server", () => {
  let run: FrameworkRun;
  beforeAll(async () => {
    run = await masterSiteOnly(0, 50);
  });

  it("opens the configuration port between the SCS and the master pair, both ways, under their own names", () => {
    const cs = "framework-hq-cs";
    const scs = "framework-hq-scs";
    expect(sortRules(run.rules())).toEqual(
      sortRules([
        rule(cs, "ingress", PORTS.configServer, scs),
        rule(scs, "egress", PORTS.configServer, cs),
        rule(scs, "ingress", PORTS.scs, scs),
        rule(scs, "egress", PORTS.scs, scs),
        rule(scs, "egress", PORTS.lca, "10.70.0.0/16"),
        rule(cs, "ingress", PORTS.lca, scs),
        rule(scs, "ingress", PORTS.lca, scs),
      ]),
    );
    // Names are what Pulumi keys the rules by: a renamed rule is replaced.
    const names = (type: string) => run.all(type).map((r) => r.name);
    expect(names(T.ingress).sort()).toEqual([
      "framework-hq-cs-from-scs",
      "framework-hq-cs-lca-from-scs",
      "framework-hq-scs-from-scs",
      "framework-hq-scs-lca-from-scs",
    ]);
    expect(names(T.egress).sort()).toEqual([
      "framework-hq-scs-to-cs",
      "framework-hq-scs-to-lca",
      "framework-hq-scs-to-scs",
    ]);
  });
});

describe("three sites over VPC peering", () => {
  let run: FrameworkRun;
  beforeAll(async () => {
    run = await runFramework(threeSites("peering"));
  });

  it("sizes each site", () => {
    const counts = Object.fromEntries(
      Object.entries(run.sites).map(([k, s]) => [k, [s.configServers, s.csProxies, s.distributedScs]]),
    );
    expect(counts).toEqual({ emea: [2, 4, 3], amer: [0, 6, 4], apac: [0, 2, 2] });
  });

  it("creates every site's resources with the provider of the site's region", () => expectSitesInTheirRegions(run));

  it("spreads amer's three proxy pairs over its three zones, each pair across two", () => {
    const zones = run
      .all(T.instance)
      .filter((i) => i.name.startsWith("framework-amer-csproxy-"))
      .map((i) => [i.name, run.byId(i.inputs.subnetId).inputs.availabilityZone])
      .sort();
    expect(zones).toEqual([
      ["framework-amer-csproxy-1", "us-east-1a"],
      ["framework-amer-csproxy-2", "us-east-1b"],
      ["framework-amer-csproxy-3", "us-east-1c"],
      ["framework-amer-csproxy-4", "us-east-1a"],
      ["framework-amer-csproxy-5", "us-east-1b"],
      ["framework-amer-csproxy-6", "us-east-1c"],
    ]);
  });

  it("peers each remote site with the master, and the two remote sites whose SCS talk", () => {
    expect(run.links).toEqual(["amer.emea", "apac.emea", "amer.apac"]);
    const vpcOf = (site: string) => run.sites[site].vpcId;
    for (const link of run.links) {
      const [requester, accepter] = link.split(".");
      const peering = run.all(T.peering).find((p) => p.name === `framework-${link}`);
      expect(peering?.inputs).toMatchObject({
        vpcId: vpcOf(requester),
        peerVpcId: vpcOf(accepter),
        peerRegion: SITE_REGIONS[accepter],
        autoAccept: false,
      });
      expect(run.regionOf(peering!)).toBe(SITE_REGIONS[requester]);
      const accept = run.all(T.peeringAccepter).find((a) => a.inputs.vpcPeeringConnectionId === peering!.id);
      expect(accept?.inputs.autoAccept).toBe(true);
      expect(run.regionOf(accept!)).toBe(SITE_REGIONS[accepter]);
    }
    expect(run.all(T.peering)).toHaveLength(3);
  });

  it("routes both ways over each peering, from each side's region", () => {
    const routes = run.all(T.route).map((r) => {
      const table = run.byId(r.inputs.routeTableId);
      const from = table.name.split("-")[1];
      const link = run.byId(r.inputs.vpcPeeringConnectionId).name.slice("framework-".length);
      return `${from} -> ${r.inputs.destinationCidrBlock} via ${link} @${run.regionOf(r)}`;
    });
    expect(routes.sort()).toEqual(
      [
        "amer -> 10.60.0.0/16 via amer.emea @us-east-1",
        "emea -> 10.61.0.0/16 via amer.emea @eu-west-1",
        "apac -> 10.60.0.0/16 via apac.emea @ap-southeast-1",
        "emea -> 10.62.0.0/16 via apac.emea @eu-west-1",
        "amer -> 10.62.0.0/16 via amer.apac @us-east-1",
        "apac -> 10.61.0.0/16 via amer.apac @ap-southeast-1",
      ].sort(),
    );
  });

  it("lets CS Proxies reach only the master pair and SCS reach each other across sites, by address", () =>
    expectCrossSiteRules(run));

  it("prints the per-site sizing table in the synth summary", async () => {
    const { summary } = await printFrameworkSizing({ stack: "dev", dir: "/nonexistent", run });
    expect(summary.slice(0, 2)).toEqual(["", "Framework sites (peering):"]);
    expect(summary.slice(2, 6).map((line) => line.trim().split(/\s+/))).toEqual([
      [
        "site",
        "role",
        "region",
        "clients",
        "hosts",
        "master",
        "CS",
        "CS",
        "Proxy",
        "serving",
        "Dist.",
        "SCS",
        "in",
        "service",
      ],
      ["amer", "remote", "us-east-1", "1200", "240", "0", "6", "3", "4", "3"],
      ["apac", "remote", "ap-southeast-1", "300", "20", "0", "2", "1", "2", "1"],
      ["emea", "master", "eu-west-1", "900", "150", "2", "4", "2", "3", "2"],
    ]);
    expect(summary[6]).toContain(
      "500 clients per CS Proxy (project default), 100 hosts per Distributed SCS (project default)",
    );
    expect(
      (await printFrameworkSizing({ stack: "dev", dir: "/nonexistent", run: { resources: [], outputs: {} } })).summary,
    ).toEqual([]);
  });
});

describe("three sites over transit gateways", () => {
  let run: FrameworkRun;
  beforeAll(async () => {
    run = await runFramework(threeSites("transitGateway"));
  });

  it("creates every site's resources with the provider of the site's region", () => expectSitesInTheirRegions(run));

  it("runs one transit gateway per region with its own route table and no default association", () => {
    const gateways = run.all(T.tgw);
    expect(gateways.map((g) => run.regionOf(g)).sort()).toEqual(["ap-southeast-1", "eu-west-1", "us-east-1"]);
    for (const g of gateways)
      expect(g.inputs).toMatchObject({
        defaultRouteTableAssociation: "disable",
        defaultRouteTablePropagation: "disable",
      });
    for (const table of run.all(T.tgwRouteTable))
      expect(run.regionOf(run.byId(table.inputs.transitGatewayId))).toBe(run.regionOf(table));
    expect(run.all(T.peering)).toEqual([]);
  });

  it("attaches each site's private subnets to its region's gateway, associated and propagated", () => {
    for (const site of ["emea", "amer", "apac"]) {
      const attachment = run.all(T.tgwVpcAttachment).find((a) => a.inputs.vpcId === run.sites[site].vpcId)!;
      expect(run.regionOf(run.byId(attachment.inputs.transitGatewayId))).toBe(SITE_REGIONS[site]);
      const subnets = (attachment.inputs.subnetIds as string[]).map((id) => run.byId(id));
      expect(
        subnets.every(
          (s) =>
            s.inputs.vpcId === run.sites[site].vpcId &&
            s.inputs.tags &&
            (s.inputs.tags as Record<string, string>).tier === "private",
        ),
      ).toBe(true);
      expect(subnets).toHaveLength({ emea: 2, amer: 3, apac: 1 }[site]!);
      for (const type of [T.tgwAssociation, T.tgwPropagation]) {
        const bound = run.all(type).filter((a) => a.inputs.transitGatewayAttachmentId === attachment.id);
        expect(bound).toHaveLength(1);
        expect(run.regionOf(run.byId(bound[0].inputs.transitGatewayRouteTableId))).toBe(SITE_REGIONS[site]);
      }
    }
  });

  it("peers the gateways of every region pair a link crosses, accepted in the peer region", () => {
    const pairs = run.all(T.tgwPeering).map((p) => {
      const accepter = run.all(T.tgwPeeringAccepter).find((a) => a.inputs.transitGatewayAttachmentId === p.id)!;
      expect(run.regionOf(run.byId(p.inputs.peerTransitGatewayId))).toBe(p.inputs.peerRegion);
      return `${run.regionOf(p)} -> ${run.regionOf(accepter)}`;
    });
    expect(pairs.sort()).toEqual([
      "ap-southeast-1 -> eu-west-1",
      "ap-southeast-1 -> us-east-1",
      "eu-west-1 -> us-east-1",
    ]);
  });

  it("routes every other site's CIDR statically across the peering towards that site's region", () => {
    const peeringRegions = new Map<string, string[]>();
    for (const p of run.all(T.tgwPeering)) {
      const accepter = run.all(T.tgwPeeringAccepter).find((a) => a.inputs.transitGatewayAttachmentId === p.id)!;
      const regions = [run.regionOf(p), run.regionOf(accepter)];
      peeringRegions.set(p.id, regions);
      peeringRegions.set(String(accepter.state.transitGatewayAttachmentId), regions);
    }
    const routes = run.all(T.tgwRoute).map((r) => {
      const via = peeringRegions.get(String(r.inputs.transitGatewayAttachmentId));
      const region = run.regionOf(run.byId(r.inputs.transitGatewayRouteTableId));
      expect(via).toContain(region);
      return `${region}: ${r.inputs.destinationCidrBlock} -> ${via!.find((x) => x !== region)}`;
    });
    expect(routes.sort()).toEqual(
      [
        "eu-west-1: 10.61.0.0/16 -> us-east-1",
        "eu-west-1: 10.62.0.0/16 -> ap-southeast-1",
        "us-east-1: 10.60.0.0/16 -> eu-west-1",
        "us-east-1: 10.62.0.0/16 -> ap-southeast-1",
        "ap-southeast-1: 10.60.0.0/16 -> eu-west-1",
        "ap-southeast-1: 10.61.0.0/16 -> us-east-1",
      ].sort(),
    );
  });

  it("routes each site's traffic for linked sites to its own region's gateway", () => {
    const routes = run.all(T.route).map((r) => {
      const from = run.byId(r.inputs.routeTableId).name.split("-")[1];
      expect(run.regionOf(run.byId(r.inputs.transitGatewayId))).toBe(SITE_REGIONS[from]);
      return `${from} -> ${r.inputs.destinationCidrBlock}`;
    });
    expect(routes.sort()).toEqual([
      "amer -> 10.60.0.0/16",
      "amer -> 10.62.0.0/16",
      "apac -> 10.60.0.0/16",
      "apac -> 10.61.0.0/16",
      "emea -> 10.61.0.0/16",
      "emea -> 10.62.0.0/16",
    ]);
  });

  it("keeps the same security rules as peering", () => expectCrossSiteRules(run));
});

describe("ten sites in five regions, without high availability", () => {
  const regions = ["eu-west-1", "us-east-1", "ap-southeast-1", "sa-east-1", "ca-central-1"];
  // clients, hosts -> expected master CS, CS Proxy, Distributed SCS (500 clients / 100 hosts per instance, no HA minimum)
  const table: [number, number, number, number, number][] = [
    [0, 0, 1, 0, 0],
    [1, 100, 0, 1, 1],
    [500, 101, 0, 1, 2],
    [501, 0, 0, 2, 0],
    [0, 1, 0, 0, 1],
    [1, 0, 0, 1, 0],
    [0, 0, 0, 0, 0],
    [1000, 0, 0, 2, 0],
    [0, 0, 0, 0, 0],
    [1001, 0, 0, 3, 0],
  ];
  const key = (i: number) => `site${i + 1}`;
  const regionOfSite = (i: number) => regions[i % regions.length];
  let run: FrameworkRun;
  beforeAll(async () => {
    run = await runFramework({
      licenses: LICENSES,
      ports: PORTS,
      highAvailability: false,
      sites: Object.fromEntries(
        table.map(([clients, hosts], i) => [
          key(i),
          {
            role: i === 0 ? "master" : "remote",
            region: regionOfSite(i),
            vpcCidr: `10.${100 + i}.0.0/16`,
            availabilityZones: zonesOf(regionOfSite(i), 2),
            clients,
            hosts,
          },
        ]),
      ),
    });
  });

  it("sizes every site from its clients and hosts", () => {
    const counts = table.map((_, i) => {
      const s = run.sites[key(i)];
      return [s.configServers, s.csProxies, s.distributedScs];
    });
    expect(counts).toEqual(table.map(([, , cs, proxies, scs]) => [cs, proxies, scs]));
    expect(run.all(T.instance)).toHaveLength(table.reduce((n, [, , cs, p, s]) => n + cs + p + s, 0));
  });

  it("uses one provider per region and puts every instance in a subnet of its own site, zones alternating", () => {
    expect(
      run
        .all(T.provider)
        .map((p) => p.inputs.region)
        .sort(),
    ).toEqual([...regions].sort());
    for (const instance of run.all(T.instance)) {
      const [, site, , index] = /^framework-(site\d+)-(cs|csproxy|scs)-(\d+|primary|backup)$/.exec(instance.name)!;
      const i = Number(site.slice(4)) - 1;
      const subnet = run.byId(instance.inputs.subnetId);
      expect(subnet.inputs.vpcId).toBe(run.sites[site].vpcId);
      expect(run.regionOf(instance)).toBe(regionOfSite(i));
      const n = index === "primary" ? 1 : index === "backup" ? 2 : Number(index);
      expect(subnet.inputs.availabilityZone).toBe(`${regionOfSite(i)}${n % 2 === 1 ? "a" : "b"}`);
    }
  });

  it("links the nine remote sites to the master and every two remote sites that both run SCS", () => {
    expect(run.links.filter((l) => l.endsWith(".site1")).sort()).toEqual(
      table
        .slice(1)
        .map((_, i) => `${key(i + 1)}.site1`)
        .sort(),
    );
    expect(run.links.filter((l) => !l.endsWith(".site1"))).toEqual(["site2.site3", "site2.site5", "site3.site5"]);
    expect(run.all(T.peering)).toHaveLength(12);
    expect(run.all(T.route)).toHaveLength(24);
  });

  it("gives the lone master Configuration Server every remote proxy and the SCS of sites without one, and nothing to a site with no servers", () => {
    const rules = run.rules();
    const clients = Object.entries(run.sites).flatMap(([, s]) =>
      Object.entries(s.privateIps).filter(
        ([n]) => n.includes("-csproxy-") || (s.csProxies === 0 && n.includes("-scs-")),
      ),
    );
    expect(clients.filter(([n]) => n.includes("-scs-")).map(([n]) => n)).toEqual(["site5-scs-1"]);
    expect(
      rules
        .filter((r) => r.group === "framework-site1-cs")
        .map((r) => r.peer)
        .sort(),
    ).toEqual(clients.map(([, ip]) => host(ip)).sort());
    expect(
      rules
        .filter((r) => r.group === "framework-site5-scs" && r.direction === "egress" && r.port === PORTS.configServer)
        .map((r) => r.peer),
    ).toEqual([host(run.sites.site1.privateIps["site1-cs-primary"])]);
    expect(run.all(T.sg).filter((g) => g.name.startsWith("framework-site7-"))).toEqual([]);
  });
});
