/**
 * Web Engagement 8.5 through a real httpd: GWROUTEID stickiness set by the GWE
 * servers, the health path, WebSockets, and failover with re-pinning.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKIES, HEALTH_PATHS, stickyValue } from "../../../core/model/genesys-facts";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { apacheRoot, startApache, testSiteOptions, type ApacheInstance, type ApacheRoot } from "../../support/apache";
import type { StubNode } from "../../support/stub-node";
import { openWebSocket } from "../../support/websocket-client";
import { environmentFrom, send, setCookie, tally } from "./fixtures";
import { GWE_NODES as NODES, startGweNodes } from "./gwe-nodes";
import { byPlanId } from "../../support/plan-node-ids";

const HOST = "gwe.example.com";

async function startSite(
  stubs: StubNode[],
  webSockets: boolean,
): Promise<{ root: ApacheRoot; apache: ApacheInstance }> {
  const env = environmentFrom({
    webEngagement85: {
      hostname: HOST,
      webSockets,
      nodes: Object.fromEntries(stubs.map((s) => [s.name, { port: s.port }])),
    },
  });
  const root = await apacheRoot();
  const addresses = Object.fromEntries(stubs.map((s) => [s.name, `127.0.0.1:${s.port}`]));
  const apache = await startApache(
    renderHttpdSite(env, byPlanId(env, addresses), testSiteOptions(root, { memberRetrySeconds: 1 })),
    root,
  );
  return { root, apache };
}

const cookie = (route: string) => `${COOKIES.webEngagement85}=${stickyValue(route)}`;

describe("Web Engagement 8.5 balancer on httpd", () => {
  let stubs: StubNode[];
  let root: ApacheRoot;
  let apache: ApacheInstance;

  beforeAll(async () => {
    stubs = await startGweNodes(NODES);
    ({ root, apache } = await startSite(stubs, true));
  });

  afterAll(async () => {
    await apache?.stop();
    await Promise.all((stubs ?? []).map((s) => s.close()));
    root?.remove();
  });

  it("spreads requests without a GWROUTEID cookie over every node", async () => {
    const counts = await tally(30, apache.port, "/server/api/engagement", { host: HOST });
    expect(Object.keys(counts).sort()).toEqual([...NODES].sort());
    for (const name of NODES) expect(counts[name]).toBeGreaterThanOrEqual(5);
  });

  it("sends every request carrying a node's GWROUTEID to that node", async () => {
    for (const name of NODES) {
      expect(await tally(50, apache.port, "/server/api/engagement", { host: HOST, cookie: cookie(name) })).toEqual({
        [name]: 50,
      });
    }
  });

  it("passes the health path through to the nodes", async () => {
    const reply = await send(apache.port, HEALTH_PATHS.webEngagement85, { host: HOST, cookie: cookie("GWE_Node_3") });
    expect(reply.status).toBe(200);
    expect(reply.node).toBe("GWE_Node_3");
    expect(stubs[2].requests.at(-1)?.url).toBe(HEALTH_PATHS.webEngagement85);
  });

  it("tunnels a WebSocket upgrade to the sticky node and echoes frames", async () => {
    const ws = await openWebSocket({
      port: apache.port,
      path: "/server/cometd",
      host: HOST,
      cookie: cookie("GWE_Node_2"),
    });
    expect(ws.upgraded).toBe(true);
    if (!ws.upgraded) return;
    try {
      expect(ws.headers["x-node"]).toBe("GWE_Node_2");
      expect(await ws.echo("hello")).toBe("GWE_Node_2:hello");
      expect(await ws.echo("again")).toBe("GWE_Node_2:again");
    } finally {
      ws.close();
    }
  });

  it("fails a dead node's sessions over without errors and re-pins them to the node that answers", async () => {
    await stubs[0].close();
    const replies = [];
    for (let i = 0; i < 20; i++)
      replies.push(await send(apache.port, "/server/api/engagement", { host: HOST, cookie: cookie("GWE_Node_1") }));
    expect(replies.filter((r) => r.status !== 200)).toEqual([]);
    expect(replies.filter((r) => r.node === "GWE_Node_1")).toEqual([]);
    const reissued = setCookie(replies[0], COOKIES.webEngagement85);
    expect(reissued?.value).toBe(stickyValue(replies[0].node!));
    const pinned = await tally(50, apache.port, "/server/api/engagement", {
      host: HOST,
      cookie: `${COOKIES.webEngagement85}=${reissued!.value}`,
    });
    expect(pinned).toEqual({ [replies[0].node!]: 50 });
  });
});

describe("Web Engagement 8.5 balancer on httpd with WebSockets disabled", () => {
  let stubs: StubNode[];
  let root: ApacheRoot;
  let apache: ApacheInstance;

  beforeAll(async () => {
    stubs = await startGweNodes(NODES);
    ({ root, apache } = await startSite(stubs, false));
  });

  afterAll(async () => {
    await apache?.stop();
    await Promise.all((stubs ?? []).map((s) => s.close()));
    root?.remove();
  });

  it("does not upgrade: the node sees a plain request", async () => {
    const ws = await openWebSocket({
      port: apache.port,
      path: "/server/cometd",
      host: HOST,
      cookie: cookie("GWE_Node_2"),
    });
    expect(ws.upgraded).toBe(false);
    expect(stubs[1].requests.at(-1)).toMatchObject({ method: "GET", url: "/server/cometd" });
    expect(stubs.flatMap((s) => s.requests).filter((r) => r.method === "UPGRADE")).toEqual([]);
  });
});
