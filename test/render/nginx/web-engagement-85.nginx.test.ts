/**
 * Web Engagement 8.5 through the real nginx with the rendered config: the
 * GWROUTEID route pins every request to its node, other requests spread,
 * a dead node's requests fail over without errors, WebSockets pass.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKIES, HEALTH_PATHS, stickyValue } from "../../../core/model/genesys-facts";
import { renderNginxSite } from "../../../core/render/nginx";
import { startNginx, type RunningNginx } from "../../support/nginx";
import { freePort, waitFor } from "../../support/ports";
import { startStubNode, type StubNode } from "../../support/stub-node";
import { addressesOf, environmentOf, loopbackPorts } from "./fixtures";
import { answeringNodes, fetchVia, setCookies, tally } from "./http";
import { openWebSocket } from "../../support/websocket-client";

const HOST = "gwe.example.com";
const COOKIE = COOKIES.webEngagement85;

const weConfig = (webSockets: boolean, nodes: Record<string, unknown>) => ({
  webEngagement85: { hostname: HOST, webSockets, nodes },
});

describe("Web Engagement 8.5 behind the rendered nginx", () => {
  const env = environmentOf(weConfig(true, { GWE_Node_1: {}, GWE_Node_2: {}, GWE_Node_3: {} }));
  const nodes = env.webEngagement85!.nodes;
  const stubs = new Map<string, StubNode>();
  let ports: Map<string, number>;
  let nginx: RunningNginx;
  const via = (path: string, cookie?: string) => fetchVia(nginx.port, path, { host: HOST, cookie });
  const nodesFor = (count: number, cookie?: string) =>
    answeringNodes(count, nginx.port, "/server/cometd", { host: HOST, cookie });

  beforeAll(async () => {
    ports = await loopbackPorts(env);
    for (const node of nodes) {
      // The GWE server sets GWROUTEID = "." + its application name.
      stubs.set(
        node.route,
        await startStubNode({
          name: node.route,
          port: ports.get(node.id)!,
          setCookies: () => [`${COOKIE}=${stickyValue(node.route)}; Path=/`],
        }),
      );
    }
    nginx = await startNginx(({ prefix, port }) =>
      renderNginxSite(env, addressesOf(env, ports), {
        prefix,
        listen: { address: "127.0.0.1", port },
        workerProcesses: 1,
        failTimeoutSeconds: 1,
      }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all([...stubs.values()].map((s) => s.close()));
  });

  it("spreads requests without a cookie over every node", async () => {
    const counts = tally(await nodesFor(30));
    expect(Object.keys(counts).sort()).toEqual(nodes.map((n) => n.route).sort());
  });

  it("sends 100% of 50 requests carrying a node's cookie to that node, for every node", async () => {
    for (const node of nodes) {
      expect(tally(await nodesFor(50, `${COOKIE}=${stickyValue(node.route)}`))).toEqual({ [node.route]: 50 });
    }
  });

  it("sticks to whatever node set the cookie on the first response", async () => {
    const first = await via("/server/chat");
    const cookie = setCookies(first)[0].split(";")[0];
    expect(tally(await nodesFor(50, cookie))).toEqual({ [first.node!]: 50 });
  });

  it("routes on the text after the first dot, with case, like Apache", async () => {
    expect(tally(await nodesFor(20, `${COOKIE}=anything.GWE_Node_2`))).toEqual({ GWE_Node_2: 20 });
    for (const value of ["GWE_Node_2", ".gwe_node_2", ".GWE_Node_2x", "x.y.GWE_Node_2", ".GWE_Node_"]) {
      const counts = tally(await nodesFor(30, `${COOKIE}=${value}`));
      expect(Object.keys(counts).length, `${value} must not pin`).toBe(nodes.length);
    }
  });

  it("answers the health path from the cluster and publishes nothing outside /server", async () => {
    const health = await via(HEALTH_PATHS.webEngagement85);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).url).toBe(HEALTH_PATHS.webEngagement85);
    const seen = [...stubs.values()].reduce((n, s) => n + s.requests.length, 0);
    expect((await via("/admin")).status).toBe(403);
    expect([...stubs.values()].reduce((n, s) => n + s.requests.length, 0)).toBe(seen);
  });

  it("passes a WebSocket upgrade to the cookie's node and echoes frames", async () => {
    const ws = await openWebSocket({
      port: nginx.port,
      path: "/server/cometd",
      host: HOST,
      cookie: `${COOKIE}=.GWE_Node_3`,
    });
    if (!ws.upgraded) throw new Error(`not upgraded: ${ws.status}`);
    try {
      expect(ws.headers["x-node"]).toBe("GWE_Node_3");
      expect(await ws.echo("hello")).toBe("GWE_Node_3:hello");
      expect(await ws.echo("again")).toBe("GWE_Node_3:again");
    } finally {
      ws.close();
    }
  });

  it("fails over to a backup with 0 errors when the cookie's node dies", async () => {
    await stubs.get("GWE_Node_2")!.close();
    const answered = await nodesFor(50, `${COOKIE}=.GWE_Node_2`);
    expect(answered.filter((n) => n.startsWith("status:"))).toEqual([]);
    expect(answered).not.toContain("GWE_Node_2");
    // The other nodes keep their own stickiness.
    expect(tally(await nodesFor(20, `${COOKIE}=.GWE_Node_1`))).toEqual({ GWE_Node_1: 20 });
  });

  it("gives the node its sessions back once it is up again and its fail timeout has passed", async () => {
    const node = nodes.find((n) => n.route === "GWE_Node_2")!;
    stubs.set(
      node.route,
      await startStubNode({
        name: node.route,
        port: ports.get(node.id)!,
        setCookies: () => [`${COOKIE}=${stickyValue(node.route)}; Path=/`],
      }),
    );
    await waitFor(
      async () => (await via("/server/cometd", `${COOKIE}=.GWE_Node_2`)).node === "GWE_Node_2",
      10_000,
      "GWE_Node_2 to take its sessions back",
    );
    expect(tally(await nodesFor(50, `${COOKIE}=.GWE_Node_2`))).toEqual({ GWE_Node_2: 50 });
  });
});

describe("Web Engagement 8.5 proxy headers and node connections", () => {
  let nginx: RunningNginx;
  let probe: Server;
  const sockets = new Set<unknown>();
  const seen: Record<string, string | undefined>[] = [];

  beforeAll(async () => {
    const port = await freePort();
    // Reports the headers it received and counts the connections nginx opened.
    probe = createServer((req, res) => {
      sockets.add(req.socket);
      const header = (name: string) => req.headers[name]?.toString();
      seen.push({
        realIp: header("x-real-ip"),
        forwardedFor: header("x-forwarded-for"),
        host: header("host"),
        connection: header("connection"),
        upgrade: header("upgrade"),
      });
      res.setHeader("X-Node", "probe");
      res.end("ok");
    });
    probe.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => probe.listen(port, "127.0.0.1", r));
    const env = environmentOf(weConfig(false, { GWE_Node_1: {} }));
    nginx = await startNginx(({ prefix, port: listen }) =>
      renderNginxSite(
        env,
        { "webEngagement85/-/-/GWE_Node_1": `127.0.0.1:${port}` },
        { prefix, listen: { address: "127.0.0.1", port: listen }, workerProcesses: 1 },
      ),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    probe?.closeAllConnections();
    await new Promise((r) => probe?.close(r));
  });

  it("tells the node the client address and reuses one kept-alive connection", async () => {
    for (let i = 0; i < 20; i++) expect((await fetchVia(nginx.port, "/server/x", { host: HOST })).status).toBe(200);
    expect(seen[0]).toEqual({
      realIp: "127.0.0.1",
      forwardedFor: "127.0.0.1",
      host: HOST,
      connection: undefined,
      upgrade: undefined,
    });
    expect(sockets.size).toBe(1);
  });

  it("does not upgrade WebSockets when they are disabled", async () => {
    const ws = await openWebSocket({ port: nginx.port, path: "/server/cometd", host: HOST });
    if (ws.upgraded) ws.close();
    expect(ws.upgraded).toBe(false);
    expect(seen.at(-1)?.upgrade).toBeUndefined();
  });
});
