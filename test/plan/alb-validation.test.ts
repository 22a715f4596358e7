import { describe, expect, it } from "vitest";
import { singleAlbProblems } from "../../core/model/alb-packing";
import { resolveEnvironment, type Environment } from "../../core/model/environment";
import { namespaceValues } from "../../core/model/load";
import { stackConfigSchema } from "../../core/model/schema";
import { cobrowseAlbProblems } from "../../core/plan/cobrowse";
import { webEngagement81AlbProblems } from "../../core/plan/web-engagement-81";
import { webEngagement85AlbProblems } from "../../core/plan/web-engagement-85";
import { encodeConfigValue, readStackFile } from "../../tools/stack-file";

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The production model after `edit` changes the stack file's decoded values:
 * schema-valid, resolved, not yet planned (the loader would refuse what these
 * functions find, which test/plan/errors-first.test.ts shows).
 */
function prodWith(edit: (values: Record<string, Record<string, unknown>>) => void): Environment {
  const values = Object.fromEntries(
    Object.entries(readStackFile("prod").config).map(([k, v]) => [k.replace(/^genesys:/, ""), decode(v)]),
  ) as Record<string, Record<string, unknown>>;
  edit(values);
  const raw = Object.fromEntries(Object.entries(values).map(([k, v]) => [`genesys:${k}`, encodeConfigValue(v)]));
  return resolveEnvironment(stackConfigSchema.parse(namespaceValues(raw)));
}

const nodes = (count: number, make: (i: number) => Record<string, unknown>) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`n${i + 1}`, make(i + 1)]));

describe("singleAlbProblems", () => {
  it("accepts exactly one ALB's worth of rules and target groups, and names the key path beyond it", () => {
    expect(singleAlbProblems(["cobrowse", "nodes"], { rules: 100, targetGroups: 100 })).toEqual([]);
    expect(singleAlbProblems(["cobrowse", "nodes"], { rules: 101, targetGroups: 34 })).toEqual([
      {
        path: ["cobrowse", "nodes"],
        value: { rules: 101, targetGroups: 34 },
        message: expect.stringMatching(/one ALB holds \(100 rules, 100 target groups\)/),
      },
    ]);
  });
});

describe("webEngagement85AlbProblems", () => {
  it("accepts the production stack", () => {
    expect(webEngagement85AlbProblems(prodWith(() => undefined).webEngagement85!)).toEqual([]);
  });

  it("with perNodeValue stickiness takes 50 nodes (2 cookie rules each) and rejects 51", () => {
    const we = (count: number) =>
      prodWith((v) =>
        Object.assign(v.webEngagement85, { albStickiness: "perNodeValue", nodes: nodes(count, () => ({})) }),
      ).webEngagement85!;
    expect(webEngagement85AlbProblems(we(50))).toEqual([]);
    expect(webEngagement85AlbProblems(we(51)).map((p) => p.path)).toEqual([["webEngagement85", "nodes"]]);
  });

  it("with the default cluster stickiness spends no rule per node", () => {
    const we = prodWith((v) => (v.webEngagement85.nodes = nodes(120, () => ({})))).webEngagement85!;
    expect(we.albStickiness).toBe("cluster");
    expect(webEngagement85AlbProblems(we)).toEqual([]);
  });

  it("rejects application names whose routes differ only in case when it routes by their value", () => {
    const we = (albStickiness: string) =>
      prodWith((v) =>
        Object.assign(v.webEngagement85, {
          albStickiness,
          nodes: { a: { appName: "GWE_A" }, b: { appName: "gwe_a" } },
        }),
      ).webEngagement85!;
    expect(webEngagement85AlbProblems(we("perNodeValue")).map((p) => [p.path, p.value])).toEqual([
      [["webEngagement85", "nodes", "b", "appName"], "gwe_a"],
    ]);
    expect(webEngagement85AlbProblems(we("cluster"))).toEqual([]);
  });
});

describe("cobrowseAlbProblems", () => {
  const cob = (count: number, urlStickiness: boolean, albStickiness: string) =>
    prodWith((v) =>
      Object.assign(v.cobrowse, {
        agentSide: "other",
        urlStickiness,
        albStickiness,
        nodes: nodes(count, (i) => ({ nodeId: String(i) })),
      }),
    ).cobrowse!;

  it("with perNodeValue counts the URL rule only with URL stickiness: 33 nodes with it, 50 without", () => {
    expect(cobrowseAlbProblems(cob(33, true, "perNodeValue"))).toEqual([]);
    expect(cobrowseAlbProblems(cob(34, true, "perNodeValue"))).toHaveLength(1);
    expect(cobrowseAlbProblems(cob(50, false, "perNodeValue"))).toEqual([]);
    expect(cobrowseAlbProblems(cob(51, false, "perNodeValue"))).toHaveLength(1);
  });

  it("with the default cluster stickiness spends one URL rule per node, and none without URL stickiness", () => {
    expect(cobrowseAlbProblems(cob(99, true, "cluster"))).toEqual([]);
    expect(cobrowseAlbProblems(cob(100, true, "cluster"))).toHaveLength(1);
    expect(cobrowseAlbProblems(cob(150, false, "cluster"))).toEqual([]);
  });
});

describe("webEngagement81AlbProblems", () => {
  it("checks the frontend balancer's rules, and nothing without balancers", () => {
    const frontend = (count: number) =>
      prodWith((v) => ((v.webEngagement81.frontend as Record<string, unknown>).nodes = nodes(count, () => ({}))))
        .webEngagement81!;
    expect(webEngagement81AlbProblems(frontend(49))).toEqual([]);
    expect(webEngagement81AlbProblems(frontend(51))).toHaveLength(1);
    expect(webEngagement81AlbProblems({ ...frontend(51), balancer: "none" })).toEqual([]);
  });
});
