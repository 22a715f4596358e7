import { describe, expect, it } from "vitest";
import { sizeFramework } from "../../core/model/framework-sizing";
import { frameworkSchema } from "../../core/model/schema";
import { regionPairs, siteLinks, transitRoutes } from "../../core/model/site-links";

let nextCidr = 0;
const site = (role: "master" | "remote", region: string, hosts = 0) => ({
  role,
  region,
  vpcCidr: `10.${100 + nextCidr++}.0.0/16`,
  availabilityZones: [`${region}a`],
  clients: 10,
  hosts,
});
const sized = (sites: Record<string, ReturnType<typeof site>>) => sizeFramework(frameworkSchema.parse({ sites }));

describe("siteLinks", () => {
  it("links nothing for a lone master site", () => {
    expect(siteLinks(sized({ hq: site("master", "eu-west-1", 500) }))).toEqual([]);
  });

  it("links every remote site to the master, requested by the remote site", () => {
    const links = siteLinks(
      sized({ hq: site("master", "eu-west-1"), b: site("remote", "us-east-1"), a: site("remote", "us-east-1") }),
    );
    expect(links.map((l) => [l.name, l.requester.key, l.accepter.key])).toEqual([
      ["a.hq", "a", "hq"],
      ["b.hq", "b", "hq"],
    ]);
  });

  it("links two remote sites only when both run Distributed SCS", () => {
    const links = siteLinks(
      sized({
        hq: site("master", "eu-west-1"),
        x1: site("remote", "us-east-1", 5),
        x2: site("remote", "us-west-2", 0),
        x3: site("remote", "sa-east-1", 5),
        x10: site("remote", "sa-east-1", 5),
      }),
    );
    expect(links.map((l) => l.name)).toEqual(["x1.hq", "x2.hq", "x3.hq", "x10.hq", "x1.x3", "x1.x10", "x3.x10"]);
  });
});

describe("regionPairs and transitRoutes", () => {
  const links = siteLinks(
    sized({
      hq: site("master", "eu-west-1", 5),
      a: site("remote", "us-east-1", 5),
      b: site("remote", "us-east-1", 5),
      c: site("remote", "eu-west-1", 5),
    }),
  );

  it("peers each pair of different regions once, whatever the number of links across it", () => {
    expect(links.map((l) => l.name)).toEqual(["a.hq", "b.hq", "c.hq", "a.b", "a.c", "b.c"]);
    expect(regionPairs(links).map((p) => [p.requester, p.accepter])).toEqual([["eu-west-1", "us-east-1"]]);
  });

  it("routes each site once per foreign region, never within a region (propagation covers it)", () => {
    const routes = transitRoutes(links).map((r) => `${r.region}: ${r.site.key} via ${r.pair.name}`);
    expect(routes.sort()).toEqual([
      "eu-west-1: a via eu-west-1.us-east-1",
      "eu-west-1: b via eu-west-1.us-east-1",
      "us-east-1: c via eu-west-1.us-east-1",
      "us-east-1: hq via eu-west-1.us-east-1",
    ]);
  });
});
