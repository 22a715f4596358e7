/**
 * The prod stack's Framework connects, proven from the registered security
 * groups, rules, routes, peerings and transit gateways by an oracle
 * (support/network-paths.ts) that knows nothing of the components: every
 * Genesys node reaches configuration, every Distributed SCS reaches
 * configuration and every Local Control Agent it controls, and only the
 * master Configuration Server reaches the Configuration Database.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import { runStack, stackValues } from "../../support/program";
import { NetworkPaths, type Endpoint } from "../support/network-paths";

const prodFramework = stackValues("prod").framework as { ports?: Record<string, number> };
const PORTS = { configServer: 2020, csProxy: 2020, scs: 5000, lca: 4999, ...(prodFramework.ports ?? {}) };
const POSTGRES = 5432;

type Tags = Record<string, string>;
const tags = (r: RegisteredResource) => (r.inputs.tags ?? {}) as Tags;

interface World {
  paths: NetworkPaths;
  genesysNodes: RegisteredResource[];
  framework: (site: string, role: string) => RegisteredResource[];
  all: RegisteredResource[];
}

function world(run: MockRun): World {
  const paths = new NetworkPaths(run);
  const all = paths.instancesTagged(() => true);
  return {
    paths,
    all,
    genesysNodes: paths.instancesTagged((t) => t["genesys:system"] !== undefined),
    framework: (site, role) =>
      paths.instancesTagged((t) => t["genesys:framework-site"] === site && t["genesys:framework-role"] === role),
  };
}

function unreachable(paths: NetworkPaths, from: RegisteredResource[], to: Endpoint[], port: number): string[] {
  return from.flatMap((f) =>
    to
      .map((t) => paths.reach(paths.instance(f), t, port))
      .filter((r) => !r.ok)
      .map((r) => r.why),
  );
}

function expectConnectedFramework(w: World): void {
  const { paths } = w;
  const endpoints = (rs: RegisteredResource[]) => rs.map((r) => paths.instance(r));
  // The application site (emea) runs CS Proxies: every Genesys node reaches each of them (primary and backup).
  const emeaProxies = w.framework("emea", "csProxy");
  expect(emeaProxies.length).toBeGreaterThanOrEqual(2);
  expect(w.genesysNodes.length).toBeGreaterThan(20);
  expect(unreachable(paths, w.genesysNodes, endpoints(emeaProxies), PORTS.csProxy)).toEqual([]);
  // Every SCS reaches its site's proxies; every proxy reaches the master pair.
  for (const site of ["emea", "amer"]) {
    const scs = w.framework(site, "distributedScs");
    expect(scs.length).toBeGreaterThanOrEqual(2);
    expect(unreachable(paths, scs, endpoints(w.framework(site, "csProxy")), PORTS.csProxy)).toEqual([]);
    expect(
      unreachable(
        paths,
        w.framework(site, "csProxy"),
        endpoints(w.framework("emea", "configServer")),
        PORTS.configServer,
      ),
    ).toEqual([]);
    // Every Framework server of the site runs an LCA its SCS control, the SCS hosts included.
    const frameworkHosts = w.all.filter((i) => tags(i)["genesys:framework-site"] === site);
    expect(unreachable(paths, scs, endpoints(frameworkHosts), PORTS.lca)).toEqual([]);
  }
  // The application site's SCS control the Genesys nodes' LCAs.
  expect(unreachable(paths, w.framework("emea", "distributedScs"), endpoints(w.genesysNodes), PORTS.lca)).toEqual([]);
}

describe("prod over VPC peering: every path the Framework guide needs exists", () => {
  let w: World;
  beforeAll(async () => {
    w = world(await runStack("prod"));
  });

  it("lets every Genesys node read configuration and every SCS read configuration and reach every LCA", () =>
    expectConnectedFramework(w));

  it("creates the Configuration Database encrypted and Multi-AZ, reachable by the master Configuration Server only", () => {
    const [db] = w.paths.databases();
    expect(db.inputs).toMatchObject({
      engine: "postgres",
      storageEncrypted: true,
      multiAz: true,
      publiclyAccessible: false,
      deletionProtection: true,
    });
    expect(db.inputs.password).not.toBe("");
    const targets = w.paths.database(db);
    expect(targets.length).toBeGreaterThanOrEqual(2);
    const reaching = w.all
      .filter((i) => targets.some((t) => w.paths.reach(w.paths.instance(i), t, POSTGRES).ok))
      .map((i) => i.name);
    expect(reaching.sort()).toEqual(
      w
        .framework("emea", "configServer")
        .map((i) => i.name)
        .sort(),
    );
    expect(reaching).toHaveLength(2);
  });

  it("keeps the Genesys nodes away from the remote site: no route to amer's proxies", () => {
    const node = w.genesysNodes[0];
    const amerProxy = w.framework("amer", "csProxy")[0];
    const reach = w.paths.reach(w.paths.instance(node), w.paths.instance(amerProxy), PORTS.csProxy);
    expect(reach.ok).toBe(false);
    expect(reach.why).toMatch(/not a private path/);
  });

  it("says no when one piece is missing: the route back, the peering's acceptance, an LCA rule", () => {
    const node = w.genesysNodes[0];
    const proxy = w.framework("emea", "csProxy")[0];
    const without = (drop: (r: RegisteredResource) => boolean) =>
      new NetworkPaths({ resources: w.paths.resources.filter((r) => !drop(r)) });
    const noReturn = without((r) => r.type === "aws:ec2/route:Route" && r.name === "framework-route-emea.applications");
    expect(noReturn.reach(noReturn.instance(node), noReturn.instance(proxy), PORTS.csProxy).why).toMatch(
      /answering .* no route towards/,
    );
    const unaccepted = new NetworkPaths({
      resources: w.paths.resources.map((r) =>
        r.type === "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
          ? { ...r, inputs: { ...r.inputs, autoAccept: false } }
          : r,
      ),
    });
    expect(unaccepted.reach(unaccepted.instance(node), unaccepted.instance(proxy), PORTS.csProxy).why).toMatch(
      /never accepted/,
    );
    const noLca = without((r) => r.name === "gwe85-nodes-lca");
    const scs = w.framework("emea", "distributedScs")[0];
    expect(noLca.reach(noLca.instance(scs), noLca.instance(node), PORTS.lca).why).toMatch(/no ingress rule/);
  });
});

describe("prod over transit gateways: the same paths", () => {
  let w: World;
  beforeAll(async () => {
    w = world(
      await runStack("prod", (values) => {
        (values.framework as Record<string, unknown>).connectivity = "transitGateway";
      }),
    );
  });

  it("lets every Genesys node read configuration and every SCS read configuration and reach every LCA", () =>
    expectConnectedFramework(w));
});

describe("prod with an existing Configuration Database", () => {
  let w: World;
  let run: MockRun;
  beforeAll(async () => {
    run = await runStack("prod", (values) => {
      (values.framework as Record<string, unknown>).configurationDatabase = {
        existing: { engine: "mssql", address: "10.60.200.10", port: 1433 },
      };
    });
    w = world(run);
  });

  // The stack's Genesys nodes keep their egress to anywhere; of the Framework's servers only the master CS may reach the database.
  it("gives the master Configuration Server egress to exactly that address and port, and no other Framework server", () => {
    const egress = run.resources.filter(
      (r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule" && r.name.includes("configdb"),
    );
    expect(egress.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      ["10.60.200.10/32", 1433, 1433],
    ]);
    expect(w.paths.databases()).toEqual([]);
    const db = w.paths.external(
      "configuration database",
      "10.60.200.10",
      String(run.resources.find((r) => r.name === "framework-emea-vpc")?.id),
    );
    const frameworkHosts = w.all.filter((i) => tags(i)["genesys:framework-role"] !== undefined);
    expect(frameworkHosts.length).toBeGreaterThan(15);
    const reaching = frameworkHosts.filter((i) => w.paths.reach(w.paths.instance(i), db, 1433).ok).map((i) => i.name);
    expect(reaching.sort()).toEqual(["framework-emea-cs-backup", "framework-emea-cs-primary"]);
  });
});
