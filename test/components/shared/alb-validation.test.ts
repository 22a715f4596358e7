import { describe, expect, it } from "vitest";
import { cobrowseAlbProblems } from "../../../components/cobrowse/cobrowse-cluster";
import { webEngagement81AlbProblems } from "../../../components/web-engagement/web-engagement-81";
import { webEngagement85AlbProblems } from "../../../components/web-engagement/web-engagement-85-cluster";
import { singleAlbProblems } from "../../../core/model/alb-packing";
import type { Environment } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { encodeConfigValue, readStackFile } from "../../../tools/stack-file";

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The production model after `edit` changes the stack file's decoded values. */
function prodWith(edit: (values: Record<string, Record<string, unknown>>) => void): Environment {
  const values = Object.fromEntries(
    Object.entries(readStackFile("prod").config).map(([k, v]) => [k.replace(/^genesys:/, ""), decode(v)]),
  ) as Record<string, Record<string, unknown>>;
  edit(values);
  const loaded = loadEnvironment(
    Object.fromEntries(Object.entries(values).map(([k, v]) => [`genesys:${k}`, encodeConfigValue(v)])),
  );
  if (!loaded.environment) throw new Error(JSON.stringify(loaded.problems));
  return loaded.environment;
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

  it("takes 50 nodes (2 cookie rules each) and rejects 51", () => {
    const we = (count: number) =>
      prodWith((v) => (v.webEngagement85.nodes = nodes(count, () => ({})))).webEngagement85!;
    expect(webEngagement85AlbProblems(we(50))).toEqual([]);
    expect(webEngagement85AlbProblems(we(51)).map((p) => p.path)).toEqual([["webEngagement85", "nodes"]]);
  });

  it("rejects application names whose routes differ only in case", () => {
    const we = prodWith(
      (v) => (v.webEngagement85.nodes = { a: { appName: "GWE_A" }, b: { appName: "gwe_a" } }),
    ).webEngagement85!;
    expect(webEngagement85AlbProblems(we).map((p) => [p.path, p.value])).toEqual([
      [["webEngagement85", "nodes", "b", "appName"], "gwe_a"],
    ]);
  });
});

describe("cobrowseAlbProblems", () => {
  it("counts the URL rule only with URL stickiness: 33 nodes with it, 50 without", () => {
    const cob = (count: number, urlStickiness: boolean) =>
      prodWith((v) =>
        Object.assign(v.cobrowse, {
          agentSide: "other",
          urlStickiness,
          nodes: nodes(count, (i) => ({ nodeId: String(i) })),
        }),
      ).cobrowse!;
    expect(cobrowseAlbProblems(cob(33, true))).toEqual([]);
    expect(cobrowseAlbProblems(cob(34, true))).toHaveLength(1);
    expect(cobrowseAlbProblems(cob(50, false))).toEqual([]);
    expect(cobrowseAlbProblems(cob(51, false))).toHaveLength(1);
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
