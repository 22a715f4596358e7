import { beforeAll, describe, expect, it } from "vitest";
import { COBROWSE_NODE_PARAMETER, cobrowseServerUrl, COOKIES, HEALTH_PATHS } from "../../../core/model/genesys-facts";
import type { MockRun } from "../../../tools/mock-run";
import { runStack } from "../../support/program";
import { cookieHeader, routeRequest, type AlbRequest } from "../support/alb-match";
import { clientListener, ingressOf, one, only, T, targetsOf, under } from "../support/registered";

const COMPONENT = "genesys:cobrowse:CobrowseCluster";

let prod: MockRun;
let perNode: MockRun;
let grown: MockRun;
const perNodeValue = (v: Record<string, unknown>) => {
  only("cobrowse")(v);
  (v.cobrowse as Record<string, unknown>).albStickiness = "perNodeValue";
};
beforeAll(async () => {
  prod = await runStack("prod", only("cobrowse"));
  perNode = await runStack("prod", perNodeValue);
  grown = await runStack("prod", (v) => {
    perNodeValue(v);
    (v.cobrowse as { nodes: Record<string, unknown> }).nodes.cb12 = { nodeId: "12" };
  });
});

const request = (cookie?: string, nodeParameter?: string): AlbRequest => ({
  path: "/cobrowse/rest/session",
  headers:
    cookie === undefined
      ? []
      : [
          cookieHeader([
            ["_ga", "x"],
            [COOKIES.cobrowse, cookie],
          ]),
        ],
  query: nodeParameter === undefined ? [] : [[COBROWSE_NODE_PARAMETER, nodeParameter]],
});

describe("Co-browse behind an ALB (production)", () => {
  it("has a round-robin group that pins with the node's cookie, and one group per node", () => {
    const groups = under(prod, COMPONENT, "cobrowse").filter((r) => r.type === T.tg);
    expect(groups.map((g) => g.name).sort()).toEqual(["cobrowse-all", "cobrowse-node-cb1", "cobrowse-node-cb2"]);
    expect(one(prod, T.tg, "cobrowse-all").inputs.stickiness).toMatchObject({
      enabled: true,
      type: "app_cookie",
      cookieName: COOKIES.cobrowse,
    });
    for (const g of groups) expect(g.inputs.healthCheck).toMatchObject({ path: HEALTH_PATHS.cobrowse });
    expect(targetsOf(prod, "cobrowse-node-cb2")).toEqual(["cobrowse-cb2"]);
  });

  it("by default leaves the gcbSessionServer cookie to the cluster group's app cookie, so a dead node's customers fail over", () => {
    const { rules, defaultAction, ruleResources } = clientListener(prod, "cobrowse");
    expect(ruleResources.map((r) => r.name).sort()).toEqual(["cobrowse-cb1-url", "cobrowse-cb2-url"]);
    for (const cookie of ["1", "2", "3", undefined])
      expect(routeRequest(rules, defaultAction, request(cookie))).toBe("cobrowse-all");
    expect(routeRequest(rules, defaultAction, request("1", "2"))).toBe("cobrowse-node-cb2");
    expect(targetsOf(prod, "cobrowse-all")).toEqual(["cobrowse-cb1", "cobrowse-cb2"]);
  });

  it("with albStickiness perNodeValue routes the gcbSessionServer cookie and the co-browse-node-id parameter to the named node", () => {
    const { rules, defaultAction } = clientListener(perNode, "cobrowse");
    expect(routeRequest(rules, defaultAction, request("1"))).toBe("cobrowse-node-cb1");
    expect(routeRequest(rules, defaultAction, request("2"))).toBe("cobrowse-node-cb2");
    expect(routeRequest(rules, defaultAction, request(undefined, "2"))).toBe("cobrowse-node-cb2");
    expect(routeRequest(rules, defaultAction, request())).toBe("cobrowse-all");
    expect(routeRequest(rules, defaultAction, request("3"))).toBe("cobrowse-all");
  });

  it("evaluates URL rules before cookie rules: an agent's serverUrl beats a stale cookie", () => {
    const { rules, defaultAction, ruleResources } = clientListener(perNode, "cobrowse");
    expect(ruleResources.filter((r) => r.name.includes("-cookie-"))).toHaveLength(4);
    expect(routeRequest(rules, defaultAction, request("1", "2"))).toBe("cobrowse-node-cb2");
    const priorityOf = (suffix: string) =>
      ruleResources.filter((r) => r.name.endsWith(suffix)).map((r) => Number(r.inputs.priority));
    expect(Math.max(...priorityOf("-url"))).toBeLessThan(
      Math.min(...priorityOf("-cookie-first"), ...priorityOf("-cookie-later")),
    );
  });

  it("tells node 1 from node 12, and adding node 12 keeps every other rule's priority", () => {
    const { rules, defaultAction } = clientListener(grown, "cobrowse");
    expect(routeRequest(rules, defaultAction, request("1"))).toBe("cobrowse-node-cb1");
    expect(routeRequest(rules, defaultAction, request("12"))).toBe("cobrowse-node-cb12");
    expect(routeRequest(rules, defaultAction, request(undefined, "12"))).toBe("cobrowse-node-cb12");
    const priorities = (run: MockRun) =>
      Object.fromEntries(clientListener(run, "cobrowse").ruleResources.map((r) => [r.name, r.inputs.priority]));
    const after = priorities(grown);
    for (const [name, priority] of Object.entries(priorities(perNode))) expect(after[name]).toBe(priority);
  });

  it("states in the limitations output what a dead node means for customers and agents, per stickiness", () => {
    const limitations = (run: MockRun) => (run.outputs.cobrowse as { limitations: string[] }).limitations.join("\n");
    expect(limitations(prod)).toMatch(/when their node is down they move to a healthy node/);
    expect(limitations(prod)).toMatch(/agent's requests for it get 502 or 504/);
    expect(limitations(perNode)).toMatch(
      /perNodeValue: customers .* get errors .* for the rest of the browser session/,
    );
  });

  it("lets only the balancer reach the nodes", () => {
    expect(ingressOf(prod, "cobrowse-nodes")).toEqual([[8700, "cobrowse-alb"]]);
  });

  it("outputs each node's serverUrl on the balancer", () => {
    expect(prod.outputs.cobrowse).toMatchObject({
      url: "https://cobrowse.example.com/cobrowse",
      serverUrls: {
        cb1: cobrowseServerUrl("https://cobrowse.example.com", "1"),
        cb2: cobrowseServerUrl("https://cobrowse.example.com", "2"),
      },
    });
  });

  it("rejects node ids an ALB cannot tell apart", async () => {
    await expect(
      runStack("prod", (v) => {
        only("cobrowse")(v);
        (v.cobrowse as { nodes: Record<string, { nodeId: string }> }).nodes = {
          a: { nodeId: "Node" },
          b: { nodeId: "node" },
        };
      }),
    ).rejects.toThrow(/genesys:cobrowse\.nodes\.b\.nodeId: "node" matches "Node" on an ALB/);
  });
});
