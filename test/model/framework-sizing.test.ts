import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatSizingTable,
  inboundRuleCounts,
  csProxiesFor,
  distributedScsFor,
  sizeFramework,
  sizeFrameworkSite,
  unitsFor,
  type FrameworkSiteSizing,
} from "../../core/model/framework-sizing";
import { frameworkSchema, type FrameworkConfig } from "../../core/model/schema";

const framework = (input: unknown): FrameworkConfig => frameworkSchema.parse(input);

const site = (role: "master" | "remote", clients: number, hosts: number, zones = ["eu-west-1a", "eu-west-1b"]) => ({
  role,
  region: zones[0].slice(0, -1),
  vpcCidr: "10.60.0.0/16",
  availabilityZones: zones,
  clients,
  hosts,
});

describe("capacity is N, high availability adds spares: CS Proxy pairs, N+1 Distributed SCS", () => {
  it.each([
    // load, per instance, HA, proxies, SCS
    [0, 500, true, 0, 0],
    [0, 500, false, 0, 0],
    [1, 500, false, 1, 1],
    [1, 500, true, 2, 2],
    [500, 500, false, 1, 1],
    [501, 500, false, 2, 2],
    [500, 500, true, 2, 2],
    [1000, 500, true, 4, 3],
    [1001, 500, true, 6, 4],
    [240, 100, true, 6, 4],
  ])("%i units at %i each, HA %s -> %i proxies, %i SCS", (load, per, ha, proxies, scs) => {
    expect(csProxiesFor(load, per, ha)).toBe(proxies);
    expect(distributedScsFor(load, per, ha)).toBe(scs);
  });

  it("losing any one instance leaves enough capacity for the whole load", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 100_000 }), (load, per) => {
        const units = unitsFor(load, per);
        expect(units * per).toBeGreaterThanOrEqual(load);
        expect((units - 1) * per).toBeLessThan(load);
        // A failed proxy hands its clients to its own backup; a failed SCS to the spare.
        expect(csProxiesFor(load, per, true) / 2).toBe(units);
        expect(distributedScsFor(load, per, true) - 1).toBe(units);
      }),
    );
  });
});

describe("sizeFrameworkSite", () => {
  const defaults = framework({ sites: { x: site("master", 0, 0) } });

  it("runs the master Configuration Server pair at the master site only, primary and backup in different zones", () => {
    const master = sizeFrameworkSite("emea", site("master", 0, 0), defaults);
    expect(master.configServers).toBe(2);
    expect(master.instances.map((i) => [i.name, i.availabilityZone])).toEqual([
      ["emea-cs-primary", "eu-west-1a"],
      ["emea-cs-backup", "eu-west-1b"],
    ]);
    expect(sizeFrameworkSite("amer", site("remote", 0, 0, ["us-east-1a"]), defaults).instances).toEqual([]);
  });

  it("runs a single master Configuration Server without high availability", () => {
    const single = sizeFrameworkSite("emea", site("master", 10, 10), { ...defaults, highAvailability: false });
    expect(single.instances.map((i) => i.name)).toEqual(["emea-cs-primary", "emea-csproxy-1", "emea-scs-1"]);
    expect(single.instances.every((i) => i.standby === undefined)).toBe(true);
  });

  it("pairs the proxies primary/backup across zones and marks the SCS spare", () => {
    const master = sizeFrameworkSite("emea", site("master", 900, 150), defaults);
    expect(master.instances.map((i) => [i.name, i.availabilityZone.slice(-1), i.standby])).toEqual([
      ["emea-cs-primary", "a", "primary"],
      ["emea-cs-backup", "b", "backup"],
      ["emea-csproxy-1", "a", "primary"],
      ["emea-csproxy-2", "b", "backup"],
      ["emea-csproxy-3", "a", "primary"],
      ["emea-csproxy-4", "b", "backup"],
      ["emea-scs-1", "a", undefined],
      ["emea-scs-2", "b", undefined],
      ["emea-scs-3", "a", "spare"],
    ]);
  });

  it("serves the master site's own clients with CS Proxies at that site", () => {
    const master = sizeFrameworkSite("emea", site("master", 900, 150), defaults);
    expect([
      master.configServers,
      master.csProxies,
      master.csProxyUnits,
      master.distributedScs,
      master.scsInService,
    ]).toEqual([2, 4, 2, 3, 2]);
  });

  it("sizes from the stack's capacities", () => {
    const custom = framework({
      capacity: { clientsPerCsProxy: 100, hostsPerScs: 10 },
      sites: { x: site("master", 0, 0) },
    });
    const remote = sizeFrameworkSite("amer", site("remote", 1200, 240), custom);
    expect([remote.csProxies, remote.distributedScs]).toEqual([24, 25]);
  });

  it("spreads each role over the site's zones round-robin", () => {
    const three = ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"];
    const remote = sizeFrameworkSite("apac", site("remote", 2500, 0, three), defaults);
    expect(remote.instances.map((i) => `${i.name}@${i.availabilityZone.slice(-1)}`)).toEqual([
      "apac-csproxy-1@a",
      "apac-csproxy-2@b",
      "apac-csproxy-3@c",
      "apac-csproxy-4@a",
      "apac-csproxy-5@b",
      "apac-csproxy-6@c",
      "apac-csproxy-7@a",
      "apac-csproxy-8@b",
      "apac-csproxy-9@c",
      "apac-csproxy-10@a",
    ]);
  });

  it("scaling keeps existing instances' names and zones: a smaller plan is a prefix of a larger one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 1, max: 6 }),
        (a, b, zoneCount) => {
          const zones = "abcdef"
            .slice(0, zoneCount)
            .split("")
            .map((z) => `eu-west-1${z}`);
          const [small, large] = [Math.min(a, b), Math.max(a, b)].map(
            (clients) => sizeFrameworkSite("s", site("remote", clients, 0, zones), defaults).instances,
          );
          expect(large.slice(0, small.length)).toEqual(small);
        },
      ),
    );
  });
});

describe("sizeFramework", () => {
  it("orders sites naturally so site2 comes before site10", () => {
    const fw = framework({
      sites: {
        site10: site("remote", 0, 0),
        site2: site("remote", 0, 0),
        hq: site("master", 0, 0),
        site1: site("remote", 0, 0),
      },
    });
    expect(sizeFramework(fw).map((s) => s.key)).toEqual(["hq", "site1", "site2", "site10"]);
  });
});

describe("inboundRuleCounts", () => {
  it("counts one rule per instance at other sites and one per same-site role", () => {
    const fw = framework({
      sites: { emea: site("master", 900, 150), amer: site("remote", 1200, 240), apac: site("remote", 0, 50) },
    });
    const counts = Object.fromEntries(
      inboundRuleCounts(sizeFramework(fw)).map((c) => [`${c.site}.${c.role}`, c.rules]),
    );
    // emea CS: its own proxies (1 group) + amer's 6 proxies + apac's 2 SCS (no proxies there) + LCA + applications.
    // SCS: self + the others' SCS + LCA. Proxies: site clients + applications + LCA.
    expect(counts).toEqual({
      "emea.configServer": 1 + 6 + 2 + 1 + 1,
      "emea.csProxy": 3,
      "emea.distributedScs": 1 + 4 + 2 + 1,
      "amer.csProxy": 3,
      "amer.distributedScs": 1 + 3 + 2 + 1,
      "apac.distributedScs": 1 + 3 + 4 + 1,
    });
  });
});

describe("formatSizingTable", () => {
  it("prints one aligned row per site with the derived counts", () => {
    const sites: FrameworkSiteSizing[] = sizeFramework(
      framework({ sites: { emea: site("master", 900, 150), amer: site("remote", 12000, 240, ["us-east-1a"]) } }),
    );
    const [header, ...lines] = formatSizingTable(sites);
    const rows = lines.slice(0, 2);
    expect(header.split(/\s{2,}/)).toEqual([
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
    ]);
    expect(rows.map((r) => r.split(/\s+/))).toEqual([
      ["amer", "remote", "us-east-1", "12000", "240", "0", "48", "24", "4", "3"],
      ["emea", "master", "eu-west-1", "900", "150", "2", "4", "2", "3", "2"],
    ]);
    // Right-aligned counts end in the same column as their headings.
    expect(rows.every((r) => r.length === header.length)).toBe(true);
  });

  it("says where each capacity figure comes from: project default, or set in the stack", () => {
    const sites = sizeFramework(framework({ sites: { emea: site("master", 900, 150) } }));
    expect(formatSizingTable(sites).at(-2)).toMatch(
      /^capacity: 500 clients per CS Proxy \(project default\), 100 hosts per Distributed SCS \(project default\); not Genesys sizing figures/,
    );
    expect(formatSizingTable(sites, { clientsPerCsProxy: 800, hostsPerScs: 100 }).at(-2)).toMatch(
      /800 clients per CS Proxy \(set in this stack\), 100 hosts per Distributed SCS \(project default\)/,
    );
  });
});
