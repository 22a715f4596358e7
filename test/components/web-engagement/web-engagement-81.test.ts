import { beforeAll, describe, expect, it } from "vitest";
import { HEALTH_PATHS, stickyValue } from "../../../core/model/genesys-facts";
import type { MockRun } from "../../../tools/mock-run";
import { runStack } from "../../support/program";
import { routeRequest } from "../support/alb-match";
import { all, clientListener, ingressOf, one, only, T, targetsOf, under } from "../support/registered";

const COMPONENT = "genesys:webengagement:WebEngagement81";
const PARAMETER = "gwe_route";

let prod: MockRun;
let dev: MockRun;
beforeAll(async () => {
  prod = await runStack("prod", only("webEngagement81"));
  dev = await runStack("dev", only("webEngagement81"));
});

describe("Web Engagement 8.1 with balancers (production)", () => {
  it("puts an internet-facing frontend balancer and an internal backend balancer under the component", () => {
    const lbs = under(prod, COMPONENT, "gwe81").filter((r) => r.type === T.lb);
    expect(Object.fromEntries(lbs.map((lb) => [lb.name, lb.inputs.internal]))).toEqual({
      "gwe81-frontend": false,
      "gwe81-backend": true,
    });
    const privateSubnets = all(prod, T.subnet).filter((s) => s.name.startsWith("genesys-private-"));
    expect([...(one(prod, T.lb, "gwe81-backend").inputs.subnets as string[])].sort()).toEqual(
      privateSubnets.map((s) => s.id).sort(),
    );
  });

  it("routes the frontend's sticky URL parameter, in the query or the path, to that node; other requests round robin", () => {
    const { rules, defaultAction } = clientListener(prod, "gwe81-frontend");
    expect(defaultAction).toBe("gwe81-frontend-all");
    expect(one(prod, T.tg, "gwe81-frontend-all").inputs.stickiness).toMatchObject({ enabled: false });
    for (const node of ["GWE_FE_1", "GWE_FE_2"]) {
      const group = `gwe81-frontend-node-${node.replace(/_/g, "-")}`;
      expect(
        routeRequest(rules, defaultAction, { path: "/server/chat", query: [[PARAMETER, stickyValue(node)]] }),
      ).toBe(group);
      expect(routeRequest(rules, defaultAction, { path: `/server/chat;${PARAMETER}=${stickyValue(node)}` })).toBe(
        group,
      );
      expect(targetsOf(prod, group)).toEqual([`gwe81-frontend-${node}`]);
    }
    expect(routeRequest(rules, defaultAction, { path: "/server/chat", query: [[PARAMETER, ".GWE_FE_3"]] })).toBe(
      "gwe81-frontend-all",
    );
    expect(routeRequest(rules, defaultAction, { path: "/server/chat" })).toBe("gwe81-frontend-all");
    expect(one(prod, T.tg, "gwe81-frontend-all").inputs.healthCheck).toMatchObject({
      path: HEALTH_PATHS.webEngagement81,
    });
  });

  it("makes the backend's stickiness cookie at the balancer (lb_cookie)", () => {
    const { rules, defaultAction } = clientListener(prod, "gwe81-backend");
    expect([rules.length, defaultAction]).toEqual([0, "gwe81-backend-all"]);
    expect(one(prod, T.tg, "gwe81-backend-all").inputs.stickiness).toMatchObject({ enabled: true, type: "lb_cookie" });
    expect(targetsOf(prod, "gwe81-backend-all")).toEqual(["gwe81-backend-GWE_BE_1", "gwe81-backend-GWE_BE_2"]);
  });

  it("lets only each tier's balancer reach its nodes, and only the VPC reach the internal backend balancer", () => {
    expect(ingressOf(prod, "gwe81-frontend-nodes")).toEqual([[8081, "gwe81-frontend-alb"]]);
    expect(ingressOf(prod, "gwe81-backend-nodes")).toEqual([[9081, "gwe81-backend-alb"]]);
    expect(ingressOf(prod, "gwe81-backend-alb")).toEqual([
      [80, "10.50.0.0/16"],
      [443, "10.50.0.0/16"],
    ]);
  });

  it("outputs each tier's balancer URL", () => {
    expect(prod.outputs.webEngagement81).toMatchObject({
      wiring: "balancers",
      frontendUrls: { balancer: "https://gwe81.example.com" },
      backendUrls: { balancer: "https://gwe81-backend.example.com" },
    });
  });
});

describe("Web Engagement 8.1 without balancers (development)", () => {
  it("builds no balancer at all", () => {
    const mine = under(dev, COMPONENT, "gwe81");
    expect(mine.filter((r) => [T.lb, T.tg, T.listener, T.rule].includes(r.type as never))).toEqual([]);
    expect(
      mine
        .filter((r) => r.type === T.instance)
        .map((i) => i.name)
        .sort(),
    ).toEqual(["gwe81-backend-GWE_BE_1", "gwe81-frontend-GWE_FE_1"]);
  });

  it("lets the frontend servers reach the backend servers directly, and VPC clients reach the frontend", () => {
    expect(ingressOf(dev, "gwe81-backend-nodes")).toEqual([[9081, "gwe81-frontend-nodes"]]);
    expect(ingressOf(dev, "gwe81-frontend-nodes")).toEqual([[8081, "10.40.0.0/16"]]);
  });

  it("says so in the outputs, with each node's direct URL", () => {
    const frontend = one(dev, T.instance, "gwe81-frontend-GWE_FE_1");
    const backend = one(dev, T.instance, "gwe81-backend-GWE_BE_1");
    expect(dev.outputs.webEngagement81).toMatchObject({
      wiring: "direct",
      frontendUrls: { GWE_FE_1: `http://${String(frontend.state.privateIp)}:8081` },
      backendUrls: { GWE_BE_1: `http://${String(backend.state.privateIp)}:9081` },
      limitations: [expect.stringContaining("development only")],
    });
  });
});

describe("Web Engagement 8.1 frontend application names with spaces on the ALB", () => {
  it("refuses them before any resource exists, saying why", async () => {
    await expect(
      runStack("prod", (values) => {
        only("webEngagement81")(values);
        (
          values.webEngagement81 as { frontend: { nodes: Record<string, { appName?: string }> } }
        ).frontend.nodes.GWE_FE_1.appName = "GWE FE 1";
      }),
    ).rejects.toThrow(
      /genesys:webEngagement81\.frontend\.nodes\.GWE_FE_1\.appName: "GWE FE 1" cannot be routed by an ALB: .*%20 or \+.*cannot hold '%'/,
    );
  });

  it("sets each tier's idle timeout from the stack", async () => {
    const run = await runStack("prod", (values) => {
      only("webEngagement81")(values);
      const we81 = values.webEngagement81 as {
        frontend: { idleTimeoutSeconds?: number };
        backend: { idleTimeoutSeconds?: number };
      };
      we81.frontend.idleTimeoutSeconds = 300;
      we81.backend.idleTimeoutSeconds = 900;
    });
    expect(one(run, T.lb, "gwe81-frontend").inputs.idleTimeout).toBe(300);
    expect(one(run, T.lb, "gwe81-backend").inputs.idleTimeout).toBe(900);
    expect(one(prod, T.lb, "gwe81-frontend").inputs.idleTimeout).toBe(60);
  });
});
