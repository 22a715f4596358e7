import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatSizingTable,
  inboundRuleCounts,
  instancesFor,
  sizeFramework,
  sizeFrameworkSite,
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

describe("instancesFor: one instance per started capacity, two at least with high availability", () => {
  it.each([
    // load, per instance, HA, expected
    [0, 500, true, 0],
    [0, 500, false, 0],
    [1, 500, false, 1],
    [1, 500, true, 2],
    [499, 500, false, 1],
    [500, 500, false, 1],
    [501, 500, false, 2],
    [500, 500, true, 2],
    [1000, 500, true, 2],
    [1001, 500, true, 3],
    [1500, 500, true, 3],
    [1501, 500, true, 4],
    [100, 100, false, 1],
    [101, 100, false, 2],
    [240, 100, true, 3],
  ])("%i units at %i each, HA %s -> %i", (load, per, ha, expected) => {
    expect(instancesFor(load, per, ha)).toBe(expected);
  });

  it("always covers the load, never with a spare instance beyond the HA minimum", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 100_000 }), fc.boolean(), (load, per, ha) => {
        const n = instancesFor(load, per, ha);
        expect(n * per).toBeGreaterThanOrEqual(load);
        if (n > (ha ? 2 : 1)) expect((n - 1) * per).toBeLessThan(load);
        expect(n).toBeGreaterThanOrEqual(ha ? 2 : 1);
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
  });

  it("serves the master site's own clients with CS Proxies at that site", () => {
    const master = sizeFrameworkSite("emea", site("master", 900, 150), defaults);
    expect([master.configServers, master.csProxies, master.distributedScs]).toEqual([2, 2, 2]);
  });

  it("sizes from the stack's capacities", () => {
    const custom = framework({ capacity: { clientsPerCsProxy: 100, hostsPerScs: 10 }, sites: { x: site("master", 0, 0) } });
    const remote = sizeFrameworkSite("amer", site("remote", 1200, 240), custom);
    expect([remote.csProxies, remote.distributedScs]).toEqual([12, 24]);
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
    ]);
  });

  it("scaling keeps existing instances' names and zones: a smaller plan is a prefix of a larger one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 1, max: 6 }), (a, b, zoneCount) => {
        const zones = "abcdef".slice(0, zoneCount).split("").map((z) => `eu-west-1${z}`);
        const [small, large] = [Math.min(a, b), Math.max(a, b)].map((clients) => sizeFrameworkSite("s", site("remote", clients, 0, zones), defaults).instances);
        expect(large.slice(0, small.length)).toEqual(small);
      }),
    );
  });
});

describe("sizeFramework", () => {
  it("orders sites naturally so site2 comes before site10", () => {
    const fw = framework({
      sites: { site10: site("remote", 0, 0), site2: site("remote", 0, 0), hq: site("master", 0, 0), site1: site("remote", 0, 0) },
    });
    expect(sizeFramework(fw).map((s) => s.key)).toEqual(["hq", "site1", "site2", "site10"]);
  });
});

describe("inboundRuleCounts", () => {
  it("counts one rule per instance at other sites and one per same-site role", () => {
    const fw = framework({
      sites: { emea: site("master", 900, 150), amer: site("remote", 1200, 240), apac: site("remote", 0, 50) },
    });
    const counts = Object.fromEntries(inboundRuleCounts(sizeFramework(fw)).map((c) => [`${c.site}.${c.role}`, c.rules]));
    // emea CS: its own proxies (1 group) + amer's 3 proxies; SCS: self + the others' SCS.
    expect(counts).toEqual({
      "emea.configServer": 4,
      "emea.csProxy": 1,
      "emea.distributedScs": 1 + 3 + 2,
      "amer.csProxy": 1,
      "amer.distributedScs": 1 + 2 + 2,
      "apac.distributedScs": 1 + 2 + 3,
    });
  });
});

describe("formatSizingTable", () => {
  it("prints one aligned row per site with the derived counts", () => {
    const sites: FrameworkSiteSizing[] = sizeFramework(framework({ sites: { emea: site("master", 900, 150), amer: site("remote", 12000, 240, ["us-east-1a"]) } }));
    const [header, ...rows] = formatSizingTable(sites);
    expect(header.split(/\s{2,}/)).toEqual(["site", "role", "region", "clients", "hosts", "master CS", "CS Proxy", "Dist. SCS"]);
    expect(rows.map((r) => r.split(/\s+/))).toEqual([
      ["amer", "remote", "us-east-1", "12000", "240", "0", "24", "3"],
      ["emea", "master", "eu-west-1", "900", "150", "2", "2", "2"],
    ]);
    // Right-aligned counts end in the same column as their headings.
    expect(rows.every((r) => r.length === header.length)).toBe(true);
  });
});
