import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../core/model/load";
import { formatKeyPath, formatProblem } from "../../core/model/problems";
import { readStackFile } from "../../tools/stack-file";

type Framework = {
  licenses: { csProxy?: string; distributedScs?: string };
  capacity?: { clientsPerCsProxy?: number; hostsPerScs?: number };
  sites: Record<string, { role: string; region: string; vpcCidr: string; availabilityZones: string[]; clients?: number; hosts?: number }>;
};

/** Loads Pulumi.prod.yaml with its framework section changed by `edit`. */
function loadProd(edit: (fw: Framework) => void) {
  const raw = { ...readStackFile("prod").config };
  const fw = JSON.parse(raw["genesys:framework"]) as Framework;
  edit(fw);
  raw["genesys:framework"] = JSON.stringify(fw);
  return loadEnvironment(raw);
}

const problemsAt = (result: ReturnType<typeof loadEnvironment>, path: string) => result.problems.filter((p) => formatKeyPath(p.path) === path);

describe("framework licences (Framework guide: Proxy and Distributed modes need special licences)", () => {
  it("accepts the production stack, which names both licences", () => {
    const result = loadProd(() => {});
    expect(result.problems).toEqual([]);
    expect(result.environment?.framework?.licenses).toEqual({ csProxy: "LIC-CSPROXY-PROD", distributedScs: "LIC-DSCS-PROD" });
  });

  it("requires licenses.csProxy when any site runs a CS Proxy, naming the sites and counts", () => {
    const result = loadProd((fw) => delete fw.licenses.csProxy);
    expect(result.environment).toBeUndefined();
    const [problem, ...rest] = problemsAt(result, "genesys:framework.licenses.csProxy");
    expect(rest).toEqual([]);
    const text = formatProblem(problem);
    expect(text).toMatch(/^genesys:framework\.licenses\.csProxy is required/);
    // prod: amer 1200 clients -> 3 proxies, emea 900 -> 2 (500 per proxy, HA).
    expect(text).toContain("sites amer (3), emea (2) run 5 Configuration Server Proxies");
    expect(text).toContain("Proxy mode needs a special licence");
    expect(problemsAt(result, "genesys:framework.licenses.distributedScs")).toEqual([]);
  });

  it("requires licenses.distributedScs when any site runs a Distributed SCS", () => {
    const result = loadProd((fw) => delete fw.licenses.distributedScs);
    const [problem] = problemsAt(result, "genesys:framework.licenses.distributedScs");
    expect(formatProblem(problem)).toContain("sites amer (3), emea (2) run 5 Distributed Solution Control Servers");
    expect(formatProblem(problem)).toContain("Distributed mode needs a special licence");
    expect(problemsAt(result, "genesys:framework.licenses.csProxy")).toEqual([]);
  });

  it("reports both missing licences at once", () => {
    const result = loadProd((fw) => (fw.licenses = {}));
    expect(result.problems.map((p) => formatKeyPath(p.path))).toEqual(["genesys:framework.licenses.csProxy", "genesys:framework.licenses.distributedScs"]);
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
    expect(problemsAt(result, "genesys:framework.licenses.csProxy")[0]?.message).toContain("sites amer (2) run 2 Configuration Server Proxies");
  });
});

describe("framework size limits", () => {
  it("rejects a site whose derived count is implausibly large, naming the input that caused it", () => {
    const result = loadProd((fw) => (fw.sites.amer.clients = 1_000_000));
    const [problem] = problemsAt(result, "genesys:framework.sites.amer.clients");
    expect(formatProblem(problem)).toBe(
      "genesys:framework.sites.amer.clients: 1000000 needs 2000 CS Proxies at capacity.clientsPerCsProxy 500; at most 50 per site are allowed (raise the capacity or split the site)",
    );
  });

  it("accepts exactly 50 per role", () => {
    const result = loadProd((fw) => {
      fw.sites.amer.clients = 25_000;
      fw.sites.amer.hosts = 5_000;
    });
    expect(result.problems).toEqual([]);
  });
});

describe("framework security-group rule budget", () => {
  it("warns when cross-site peers exceed AWS's default 60 inbound rules per group", () => {
    const result = loadProd((fw) => {
      fw.sites.emea.hosts = 3000;
      fw.sites.amer.hosts = 3000;
      fw.sites.apac = { role: "remote", region: "ap-southeast-1", vpcCidr: "10.62.0.0/16", availabilityZones: ["ap-southeast-1a"], hosts: 3000 };
    });
    expect(result.problems).toEqual([]);
    const framework = result.warnings.filter((w) => w.path[0] === "framework").map(formatProblem);
    // Each site's SCS group: itself + 30 SCS at each of two other sites = 61.
    expect(framework).toHaveLength(3);
    expect(framework[0]).toMatch(/^genesys:framework\.sites\.amer: 61 inbound rules needed by its distributedScs security group .* exceed the 60 AWS allows by default/);
  });

  it("stays quiet at the production stack's size", () => {
    expect(loadProd(() => {}).warnings.filter((w) => w.path[0] === "framework")).toEqual([]);
  });
});
