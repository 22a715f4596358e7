import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../core/model/load";
import { formatKeyPath, formatProblem } from "../../core/model/problems";
import { readStackFile } from "../../tools/stack-file";

type Framework = {
  licenses: { csProxy?: string; distributedScs?: string };
  ports?: Record<string, number>;
  applicationSite?: string;
  configurationDatabase?: Record<string, unknown>;
  capacity?: { clientsPerCsProxy?: number; hostsPerScs?: number };
  sites: Record<
    string,
    { role: string; region: string; vpcCidr: string; availabilityZones: string[]; clients?: number; hosts?: number }
  >;
};

/** Loads Pulumi.prod.yaml with its framework section changed by `edit`. */
function loadProd(edit: (fw: Framework) => void) {
  const raw = { ...readStackFile("prod").config };
  const fw = JSON.parse(raw["genesys:framework"]) as Framework;
  edit(fw);
  raw["genesys:framework"] = JSON.stringify(fw);
  return loadEnvironment(raw);
}

const problemsAt = (result: ReturnType<typeof loadEnvironment>, path: string) =>
  result.problems.filter((p) => formatKeyPath(p.path) === path);

describe("framework licences (Framework guide: Proxy and Distributed modes need special licences)", () => {
  it("accepts the production stack, which names both licences", () => {
    const result = loadProd(() => {});
    expect(result.problems).toEqual([]);
    expect(result.environment?.framework?.licenses).toEqual({
      csProxy: "LIC-CSPROXY-PROD",
      distributedScs: "LIC-DSCS-PROD",
    });
  });

  it("requires licenses.csProxy when any site runs a CS Proxy, naming the sites and counts", () => {
    const result = loadProd((fw) => delete fw.licenses.csProxy);
    expect(result.environment).toBeUndefined();
    const [problem, ...rest] = problemsAt(result, "genesys:framework.licenses.csProxy");
    expect(rest).toEqual([]);
    const text = formatProblem(problem);
    expect(text).toMatch(/^genesys:framework\.licenses\.csProxy is required/);
    // prod: amer 1200 clients -> 3 primary/backup pairs, emea 900 -> 2 pairs (500 per proxy, HA).
    expect(text).toContain("sites amer (6), emea (4) run 10 Configuration Server Proxies");
    expect(text).toContain("Proxy mode needs a special licence");
    expect(problemsAt(result, "genesys:framework.licenses.distributedScs")).toEqual([]);
  });

  it("requires licenses.distributedScs when any site runs a Distributed SCS", () => {
    const result = loadProd((fw) => delete fw.licenses.distributedScs);
    const [problem] = problemsAt(result, "genesys:framework.licenses.distributedScs");
    expect(formatProblem(problem)).toContain("sites amer (4), emea (3) run 7 Distributed Solution Control Servers");
    expect(formatProblem(problem)).toContain("Distributed mode needs a special licence");
    expect(problemsAt(result, "genesys:framework.licenses.csProxy")).toEqual([]);
  });

  it("reports both missing licences at once", () => {
    const result = loadProd((fw) => (fw.licenses = {}));
    expect(result.problems.map((p) => formatKeyPath(p.path))).toEqual([
      "genesys:framework.licenses.csProxy",
      "genesys:framework.licenses.distributedScs",
    ]);
  });

  it("needs no licence for a role no site runs", () => {
    const result = loadProd((fw) => {
      fw.licenses = { distributedScs: "LIC-DSCS" };
      for (const s of Object.values(fw.sites)) s.clients = 0;
    });
    expect(result.problems).toEqual([]);
    const noHosts = loadProd((fw) => {
      fw.licenses = {};
      for (const s of Object.values(fw.sites)) [s.clients, s.hosts] = [0, 0];
    });
    expect(noHosts.problems).toEqual([]);
  });

  it("asks for the licence as soon as one client appears at one site", () => {
    const result = loadProd((fw) => {
      fw.licenses = { distributedScs: "LIC-DSCS" };
      for (const s of Object.values(fw.sites)) s.clients = 0;
      fw.sites.amer.clients = 1;
    });
    expect(problemsAt(result, "genesys:framework.licenses.csProxy")[0]?.message).toContain(
      "sites amer (2) run 2 Configuration Server Proxies",
    );
  });
});

describe("framework size limits", () => {
  it("rejects a site whose derived count is implausibly large, naming the input that caused it", () => {
    const result = loadProd((fw) => (fw.sites.amer.clients = 1_000_000));
    const [problem] = problemsAt(result, "genesys:framework.sites.amer.clients");
    expect(formatProblem(problem)).toBe(
      "genesys:framework.sites.amer.clients: 1000000 needs 4000 CS Proxies at capacity.clientsPerCsProxy 500; at most 50 per site are allowed (raise the capacity or split the site)",
    );
  });

  it("accepts exactly 50 per role: 25 proxy pairs, 49 SCS and the spare", () => {
    const result = loadProd((fw) => {
      fw.sites.amer.clients = 12_500;
      fw.sites.amer.hosts = 4_900;
    });
    expect(result.problems).toEqual([]);
  });
});

describe("framework security-group rule budget", () => {
  it("warns when cross-site peers exceed AWS's default 60 inbound rules per group", () => {
    const result = loadProd((fw) => {
      fw.sites.emea.hosts = 3000;
      fw.sites.amer.hosts = 3000;
      fw.sites.apac = {
        role: "remote",
        region: "ap-southeast-1",
        vpcCidr: "10.62.0.0/16",
        availabilityZones: ["ap-southeast-1a"],
        hosts: 3000,
      };
    });
    expect(result.problems).toEqual([]);
    const framework = result.warnings.filter((w) => w.path[0] === "framework").map(formatProblem);
    // Each site's SCS group: itself + 31 SCS (30 and the spare) at each of two other sites + the LCA rule = 64.
    expect(framework).toHaveLength(3);
    expect(framework[0]).toMatch(
      /^genesys:framework\.sites\.amer: 64 inbound rules needed by its distributedScs security group .* exceed the 60 AWS allows by default/,
    );
  });

  it("stays quiet at the production stack's size", () => {
    expect(loadProd(() => {}).warnings.filter((w) => w.path[0] === "framework")).toEqual([]);
  });
});

describe("the Framework guide's recommendations: warnings", () => {
  const frameworkWarnings = (result: ReturnType<typeof loadEnvironment>) =>
    result.warnings.filter((w) => w.path[0] === "framework").map(formatProblem);

  it("warns on a remote site with neither CS Proxies nor Distributed SCS", () => {
    const result = loadProd((fw) => {
      fw.sites.apac = {
        role: "remote",
        region: "ap-southeast-1",
        vpcCidr: "10.62.0.0/16",
        availabilityZones: ["ap-southeast-1a"],
      };
    });
    expect(result.problems).toEqual([]);
    expect(frameworkWarnings(result)).toEqual([
      'genesys:framework.sites.apac: {"clients":0,"hosts":0} runs neither CS Proxies nor Distributed SCS: the Framework guide recommends both in multi-site environments; set the site\'s clients and hosts, or remove the site',
    ]);
  });

  it("warns when no Distributed SCS controls a site's Framework servers or the stack's Genesys nodes", () => {
    const result = loadProd((fw) => (fw.sites.emea.hosts = 0));
    expect(result.problems).toEqual([]);
    expect(frameworkWarnings(result)).toEqual([
      "genesys:framework.sites.emea.hosts: 0 is 0, so no Distributed SCS controls the Local Control Agents of the site's 6 Framework servers; count them in hosts",
      "genesys:framework.sites.emea.hosts: 0 is 0 at the application site, so no Distributed SCS controls the Local Control Agents of the stack's Genesys nodes; count them in hosts",
    ]);
  });

  it("lets the SCS of a site without proxies read from the master Configuration Server, without a warning", () => {
    const result = loadProd((fw) => (fw.sites.amer.clients = 0));
    expect(result.problems).toEqual([]);
    expect(frameworkWarnings(result)).toEqual([]);
  });
});

describe("Framework outcomes that cannot work: refused before any resource exists", () => {
  it("refuses an SCS port equal to the LCA port every host listens on", () => {
    const result = loadProd((fw) => (fw.ports = { scs: 4999, lca: 4999 }));
    expect(result.problems.map(formatProblem)).toEqual([
      "genesys:framework.ports.scs: 4999 is also framework.ports.lca: the Local Control Agent on every Distributed SCS host already listens there; choose a different port for Solution Control Server",
    ]);
  });

  it("requires the Configuration Database in production, referenced or created", () => {
    const result = loadProd((fw) => delete fw.configurationDatabase);
    expect(result.problems.map(formatProblem)).toEqual([
      "genesys:framework.configurationDatabase is required in production: the master Configuration Server needs the Configuration Database; set existing (engine, address, port) or create",
    ]);
    const both = loadProd(
      (fw) => (fw.configurationDatabase = { existing: { engine: "mssql", address: "10.9.0.10" }, create: {} }),
    );
    expect(both.problems.map(formatProblem)[0]).toMatch(
      /^genesys:framework\.configurationDatabase: .* must set exactly one of existing .* or create/,
    );
    const existing = loadProd(
      (fw) => (fw.configurationDatabase = { existing: { engine: "mssql", address: "db.example.com" } }),
    );
    expect(existing.problems.map(formatProblem)).toEqual([
      'genesys:framework.configurationDatabase.existing.address: "db.example.com" must be an IPv4 address, e.g. 10.20.1.50',
    ]);
  });

  it("refuses a single-zone master site for a created database and a production database without Multi-AZ", () => {
    const result = loadProd((fw) => {
      fw.sites.emea.availabilityZones = ["eu-west-1a"];
      fw.configurationDatabase = { create: { multiAz: false } };
    });
    expect(result.problems.map((p) => formatKeyPath(p.path))).toEqual([
      "genesys:framework.sites.emea.availabilityZones",
      "genesys:framework.configurationDatabase.create.multiAz",
    ]);
  });

  it("links the stack's VPC only to a site in its own region, and only where configuration is reachable", () => {
    const elsewhere = loadProd((fw) => (fw.applicationSite = "amer"));
    expect(elsewhere.problems.map(formatProblem)).toEqual([
      'genesys:framework.applicationSite: "amer" is in us-east-1, not the stack\'s region eu-west-1: the application VPC links to a Framework site in its own region only',
    ]);
    const unknown = loadProd((fw) => (fw.applicationSite = "apac"));
    expect(unknown.problems.map(formatProblem)).toEqual([
      'genesys:framework.applicationSite: "apac" is not a Framework site; allowed: emea, amer',
    ]);
    const remoteWithoutProxies = loadProd((fw) => {
      fw.sites.emea.role = "remote";
      fw.sites.emea.clients = 0;
      fw.sites.amer.role = "master";
    });
    expect(remoteWithoutProxies.problems.map(formatProblem)).toEqual([
      'genesys:framework.applicationSite: "emea" runs no CS Proxies (clients 0), so the Genesys nodes would read configuration from the master Configuration Server at amer in us-east-1, which the application VPC does not reach; give site emea clients (framework.sites.emea.clients) or choose a site with proxies',
    ]);
    const none = loadProd((fw) => {
      delete fw.applicationSite;
      fw.sites.emea.region = "eu-central-1";
      fw.sites.emea.availabilityZones = ["eu-central-1a", "eu-central-1b"];
    });
    expect(none.problems.map(formatProblem)).toEqual([
      "genesys:framework.applicationSite is required: the stack's Genesys nodes are configuration clients of one Framework site in eu-west-1 (genesys:region), and no site is there; add one",
    ]);
  });
});
