import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../../tools/mock-run";
import { describeConditions, label, renderTopology, writeTopology } from "../../tools/topology";
import { all, only, T } from "../components/support/registered";
import { runStack } from "../support/program";

let dev: MockRun;
const dir = mkdtempSync(join(tmpdir(), "genesys-topology-"));
beforeAll(async () => {
  // Per-node cookie rules too, so every kind of rule label is drawn.
  dev = await runStack("dev", (v) => {
    only("recording", "cobrowse", "webEngagement85")(v);
    (v.webEngagement85 as Record<string, unknown>).albStickiness = "perNodeValue";
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("topology.mmd", () => {
  it("is written by the synth step with a one-line summary of what it shows", async () => {
    const result = await writeTopology({ stack: "dev", dir, run: dev });
    const text = readFileSync(join(dir, "topology.mmd"), "utf8");
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    expect(result.summary.join("\n")).toContain(
      `${all(dev, T.lb).length} balancers, ${all(dev, T.listener).length} listeners, ${all(dev, T.rule).length} rules, ${all(dev, T.tg).length} target groups`,
    );
  });

  it("shows each balancer with its hostname, every rule as a labelled edge from its listener, and tenants as subgraphs", () => {
    const { text, counts } = renderTopology(dev);
    expect(counts).toMatchObject({ balancers: 3, tenants: 1 });
    expect(text).toContain('["ALB recording-alb1<br/>recording.dev.example.com"]');
    expect(text).toContain('subgraph tenant_t1["tenant t1"]');
    const ruleEdges = text.split("\n").filter((l) => /-->\|"\d+: /.test(l));
    expect(ruleEdges).toHaveLength(all(dev, T.rule).length);
    expect(text).toMatch(/-->\|"\d+: path: \/t1\/rp\/api\*<br\/>rewrite .*"\| n\d+/);
    expect(text).toContain("Cookie: GWROUTEID=.GWE_Node_1 or GWROUTEID=.GWE_Node_1#59;*");
  });

  it("uses plain node ids and escapes every label", () => {
    const { text } = renderTopology(dev);
    for (const line of text.split("\n").slice(1)) {
      const stripped = line.replace(/"[^"]*"/g, '""');
      expect(stripped).toMatch(
        /^(\s*(subgraph \w+\[""\]|end|\w+(\[""\]|\[\[""\]\]|\(""\)|\(\[""\]\))|\w+ -->(\|""\|)? \w+))?$/,
      );
    }
    expect(label('a "b"; c\nd')).toBe("a #quot;b#quot;#59; c<br/>d");
  });

  it("describes each kind of rule condition", () => {
    expect(
      describeConditions([
        { queryStrings: [{ key: "co-browse-node-id", value: "1" }] },
        { hostHeader: { values: ["a.example.com"] } },
      ]),
    ).toBe("query: co-browse-node-id=1\nhost: a.example.com");
  });
});

describe("topology.mmd of a stack with the httpd HA pair and Framework sites", () => {
  let prod: MockRun;
  beforeAll(async () => {
    prod = await runStack("prod", only("recording", "httpdHaPair", "framework"));
  }, 180_000);

  it("draws the pair's hosts and VIP, and an edge from the pair to every recording tenant", () => {
    const { text, counts } = renderTopology(prod);
    expect(counts).toMatchObject({ balancers: 0, tenants: 2, pairHosts: 2 });
    expect(text).toContain('subgraph pair["httpd HA pair (Pacemaker/Corosync)"]');
    expect(text).toContain('vip(["VIP 10.50.140.250"])');
    const hosts = [...text.matchAll(/^ {4}(n\d+)\("recording-pair-ip\d<br\/>ip\d"\)$/gm)].map((m) => m[1]);
    expect(hosts).toHaveLength(2);
    for (const host of hosts) expect(text).toContain(`vip -.->|"active host"| ${host}`);
    // No recording node floats: each tenant's subgraph has the pair's edge into it.
    const tenantIds = [...text.matchAll(/^ {2}subgraph (tenant_\w+)\[/gm)].map((m) => m[1]);
    expect(tenantIds.sort()).toEqual(["tenant_t1", "tenant_t2"]);
    for (const id of tenantIds) expect(text).toMatch(new RegExp(`^ {2}pair -->\\|"/t\\d/…"\\| ${id}$`, "m"));
  });

  it("draws each Framework site with its role, region and servers, and the link between them", () => {
    const { text, counts } = renderTopology(prod);
    expect(counts.frameworkSites).toBe(2);
    expect(text).toContain('site_emea("site emea: master<br/>eu-west-1<br/>CS 2, CS Proxy 4, Dist. SCS 3")');
    expect(text).toContain('site_amer("site amer: remote<br/>us-east-1<br/>CS Proxy 6, Dist. SCS 4")');
    expect(text).toMatch(/^ {2}site_amer ---\|"peering"\| site_emea$/m);
  });

  it("keeps every line to Mermaid's plain forms, with labels escaped", () => {
    for (const line of renderTopology(prod).text.split("\n").slice(1)) {
      const stripped = line.replace(/"[^"]*"/g, '""');
      expect(stripped).toMatch(
        /^(\s*(subgraph \w+\[""\]|end|\w+(\[""\]|\[\[""\]\]|\(""\)|\(\[""\]\))|\w+ (-->|-\.->|---)(\|""\|)? \w+))?$/,
      );
    }
  });
});
