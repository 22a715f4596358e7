import { beforeAll, describe, expect, it } from "vitest";
import { COOKIES, HEALTH_PATHS, stickyValue } from "../../../core/model/genesys-facts";
import type { MockRun } from "../../../tools/mock-run";
import { runStack } from "../../support/program";
import { cookieHeader, routeRequest } from "../support/alb-match";
import {
  all,
  clientListener,
  groupsOf,
  ingressOf,
  listenersOf,
  one,
  only,
  T,
  targetsOf,
  under,
} from "../support/registered";

const COMPONENT = "genesys:webengagement:WebEngagement85Cluster";
const NODES = ["GWE_Node_1", "GWE_Node_2", "GWE_Node_3"];

let prod: MockRun;
let perNode: MockRun;
let grown: MockRun;
let plain: MockRun;
const perNodeValue = (v: Record<string, unknown>) => {
  only("webEngagement85")(v);
  (v.webEngagement85 as Record<string, unknown>).albStickiness = "perNodeValue";
};
beforeAll(async () => {
  prod = await runStack("prod", only("webEngagement85"));
  perNode = await runStack("prod", perNodeValue);
  grown = await runStack("prod", (v) => {
    perNodeValue(v);
    (v.webEngagement85 as { nodes: Record<string, unknown> }).nodes.GWE_Node_10 = { port: 9081 };
  });
  plain = await runStack("dev", (v) => {
    only("webEngagement85")(v);
    delete v.tls;
  });
});

const withCookie = (value: string) => ({
  path: "/server/cometd",
  headers: [
    cookieHeader([
      ["JSESSIONID", "x"],
      [COOKIES.webEngagement85, value],
    ]),
  ],
});

describe("Web Engagement 8.5 in the production stack", () => {
  it("builds one cluster component holding the balancer, the cluster target group and the nodes, and no rule by default", () => {
    expect(all(prod, COMPONENT).map((c) => c.name)).toEqual(["gwe85"]);
    const count = (run: MockRun, type: string) => under(run, COMPONENT, "gwe85").filter((r) => r.type === type).length;
    const counts = (run: MockRun) =>
      [T.lb, T.tg, T.rule, T.instance, "genesys:alb:ApplicationLoadBalancer"].map((t) => count(run, t));
    expect(counts(prod)).toEqual([1, 1, 0, NODES.length, 1]);
    expect(counts(perNode)).toEqual([1, 1 + NODES.length, 2 * NODES.length, NODES.length, 1]);
    expect(one(prod, T.lb, "gwe85").parent).toBe("genesys:alb:ApplicationLoadBalancer::gwe85");
    expect(one(prod, T.tg, "gwe85-cluster").parent).toBe(`${COMPONENT}::gwe85`);
  });

  it("sticks the cluster target group on the server's GWROUTEID cookie and checks /server/isAlive", () => {
    const cluster = one(prod, T.tg, "gwe85-cluster");
    expect(cluster.inputs.stickiness).toMatchObject({
      enabled: true,
      type: "app_cookie",
      cookieName: COOKIES.webEngagement85,
    });
    expect(cluster.inputs.healthCheck).toMatchObject({ path: HEALTH_PATHS.webEngagement85, matcher: "200" });
    expect(targetsOf(prod, "gwe85-cluster")).toEqual(NODES.map((n) => `gwe85-${n}`));
  });

  it("by default sends every GWROUTEID value to the cluster group, whose app cookie moves a dead node's clients to a healthy one", () => {
    const { rules, defaultAction } = clientListener(prod, "gwe85");
    expect(rules).toEqual([]);
    for (const node of NODES)
      expect(routeRequest(rules, defaultAction, withCookie(stickyValue(node)))).toBe("gwe85-cluster");
    const limitations = (prod.outputs.webEngagement85 as { limitations: string[] }).limitations.join("\n");
    expect(limitations).toMatch(
      /When that node is down the client moves to a healthy node, which sets its own GWROUTEID/,
    );
  });

  it("with albStickiness perNodeValue routes each node's GWROUTEID value to that node alone, anything else to the cluster, and says what a dead node means", () => {
    const limitations = (perNode.outputs.webEngagement85 as { limitations: string[] }).limitations.join("\n");
    expect(limitations).toMatch(/perNodeValue: .* gets an error .* for the rest of the browser session/);
    const { rules, defaultAction } = clientListener(perNode, "gwe85");
    expect(defaultAction).toBe("gwe85-cluster");
    for (const node of NODES) {
      const group = routeRequest(rules, defaultAction, withCookie(stickyValue(node)));
      expect(group).toBe(`gwe85-node-${node.replace(/_/g, "-")}`);
      expect(targetsOf(perNode, group)).toEqual([`gwe85-${node}`]);
    }
    expect(routeRequest(rules, defaultAction, { path: "/server/about" })).toBe("gwe85-cluster");
    expect(routeRequest(rules, defaultAction, withCookie(".GWE_Node_9"))).toBe("gwe85-cluster");
    expect(routeRequest(rules, defaultAction, withCookie("GWE_Node_1"))).toBe("gwe85-cluster");
  });

  it("keeps GWE_Node_1 and GWE_Node_10 apart, and adding node 10 changes no other rule's priority", () => {
    const { rules, defaultAction } = clientListener(grown, "gwe85");
    expect(routeRequest(rules, defaultAction, withCookie(".GWE_Node_1"))).toBe("gwe85-node-GWE-Node-1");
    expect(routeRequest(rules, defaultAction, withCookie(".GWE_Node_10"))).toBe("gwe85-node-GWE-Node-10");
    const priorities = (run: MockRun) =>
      Object.fromEntries(clientListener(run, "gwe85").ruleResources.map((r) => [r.name, r.inputs.priority]));
    const before = priorities(perNode);
    const after = priorities(grown);
    for (const [name, priority] of Object.entries(before)) expect(after[name]).toBe(priority);
  });

  it("keeps CometD long polls open for the configured idle timeout and applies production hardening", () => {
    const lb = one(prod, T.lb, "gwe85");
    expect(lb.inputs).toMatchObject({
      loadBalancerType: "application",
      internal: false,
      idleTimeout: 120,
      enableDeletionProtection: true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
    });
    expect(lb.inputs.accessLogs).toMatchObject({
      enabled: true,
      prefix: "gwe85",
      bucket: one(prod, "aws:s3/bucket:Bucket", "genesys-lb-logs").state.bucket,
    });
    const publicSubnets = all(prod, T.subnet).filter((s) => s.name.startsWith("genesys-public-"));
    expect([...(lb.inputs.subnets as string[])].sort()).toEqual(publicSubnets.map((s) => s.id).sort());
  });

  it("serves HTTPS with the stack's TLS policy and redirects HTTP", () => {
    const byProtocol = Object.fromEntries(listenersOf(prod, "gwe85").map((l) => [String(l.inputs.protocol), l.inputs]));
    expect(byProtocol.HTTPS).toMatchObject({
      port: 443,
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: expect.stringMatching(/^arn:aws:acm:/),
    });
    expect(byProtocol.HTTP).toMatchObject({
      port: 80,
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
  });

  it("lets only the balancer reach the nodes, on the node port", () => {
    const [node] = all(prod, T.instance).filter((i) => i.name === "gwe85-GWE_Node_1");
    expect(groupsOf(prod, node)).toEqual(["gwe85-nodes"]);
    expect(ingressOf(prod, "gwe85-nodes")).toEqual([[9081, "gwe85-alb"]]);
    expect(ingressOf(prod, "gwe85-alb")).toEqual([
      [80, "0.0.0.0/0"],
      [443, "0.0.0.0/0"],
    ]);
  });

  it("points gwe.example.com at the balancer", () => {
    const record = one(prod, T.record, "gwe85");
    const lb = one(prod, T.lb, "gwe85");
    expect(record.inputs).toMatchObject({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "gwe.example.com",
      type: "A",
      aliases: [{ name: lb.state.dnsName, evaluateTargetHealth: true }],
    });
  });

  it("outputs the host and port the administrator types into the GWE cluster application", () => {
    expect((prod.outputs.webEngagement85 as Record<string, unknown>).clusterApplication).toEqual({
      host: "gwe.example.com",
      port: 443,
    });
    expect((prod.outputs.webEngagement85 as Record<string, unknown>).serverUrl).toBe("https://gwe.example.com/server");
  });
});

describe("Web Engagement 8.5 in development without TLS", () => {
  it("serves plain HTTP on port 80 with no redirect, and says so in the cluster application's address", () => {
    const listeners = listenersOf(plain, "gwe85");
    expect(
      listeners.map((l) => [l.inputs.protocol, l.inputs.port, (l.inputs.defaultActions as { type: string }[])[0].type]),
    ).toEqual([["HTTP", 80, "forward"]]);
    expect(ingressOf(plain, "gwe85-alb")).toEqual([[80, "0.0.0.0/0"]]);
    expect(plain.outputs.webEngagement85).toMatchObject({
      clusterApplication: { host: "gwe.dev.example.com", port: 80 },
      serverUrl: "http://gwe.dev.example.com/server",
    });
  });
});

describe("Genesys nodes", () => {
  it("run each node in its zone's private subnet, IMDSv2 only, encrypted, without a public address, tagged", () => {
    const subnets = all(prod, T.subnet);
    for (const i of under(prod, COMPONENT, "gwe85").filter((r) => r.type === T.instance)) {
      const subnet = subnets.find((s) => s.id === i.inputs.subnetId);
      expect(subnet?.name).toMatch(/^genesys-private-/);
      expect(i.inputs).toMatchObject({
        ami: "ami-0abc1234def567890",
        instanceType: "m5.large",
        associatePublicIpAddress: false,
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { encrypted: true },
      });
      const key = i.name.replace("gwe85-", "");
      expect(i.inputs.tags).toMatchObject({
        "genesys:system": "webEngagement85",
        "genesys:node": key,
        "genesys:appName": key,
      });
    }
    const zoneOf = (node: string) =>
      subnets.find((s) => s.id === one(prod, T.instance, `gwe85-${node}`).inputs.subnetId)?.inputs.availabilityZone;
    expect(NODES.map(zoneOf)).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });
});
