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
  dev = await runStack("dev", only("recording", "cobrowse", "webEngagement85"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("topology.mmd", () => {
  it("is written by the synth step with a one-line summary of what it shows", async () => {
    const result = await writeTopology({ stack: "dev", dir, run: dev });
    const text = readFileSync(join(dir, "topology.mmd"), "utf8");
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    expect(result.summary.join("\n")).toContain(`${all(dev, T.lb).length} balancers, ${all(dev, T.listener).length} listeners, ${all(dev, T.rule).length} rules, ${all(dev, T.tg).length} target groups`);
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
      expect(stripped).toMatch(/^(\s*(subgraph \w+\[""\]|end|\w+(\[""\]|\[\[""\]\]|\(""\)|\(\[""\]\))|\w+ -->(\|""\|)? \w+))?$/);
    }
    expect(label('a "b"; c\nd')).toBe("a #quot;b#quot;#59; c<br/>d");
  });

  it("describes each kind of rule condition", () => {
    expect(describeConditions([{ queryStrings: [{ key: "co-browse-node-id", value: "1" }] }, { hostHeader: { values: ["a.example.com"] } }])).toBe("query: co-browse-node-id=1\nhost: a.example.com");
  });
});
