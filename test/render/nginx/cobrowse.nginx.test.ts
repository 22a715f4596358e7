/**
 * Co-browse through the real nginx with the rendered config: customers stick
 * by the gcbSessionServer cookie, agents by ?co-browse-node-id (which wins),
 * with one node as much as with several.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COBROWSE_NODE_PARAMETER, COOKIES, HEALTH_PATHS } from "../../../core/model/genesys-facts";
import { renderNginxSite } from "../../../core/render/nginx";
import { startNginx, type RunningNginx } from "../../support/nginx";
import { startStubNode, type StubNode } from "../../support/stub-node";
import { addressesOf, environmentOf, loopbackPorts } from "./fixtures";
import { answeringNodes, fetchVia, setCookies, tally } from "./http";
import { openWebSocket } from "../../support/websocket-client";
import { COBROWSE_UNPUBLISHED_PATHS } from "../../support/cobrowse-paths";

const HOST = "cobrowse.example.com";
const COOKIE = COOKIES.cobrowse;
const param = (id: string) => `${COBROWSE_NODE_PARAMETER}=${id}`;

async function cobrowseSite(nodes: Record<string, { nodeId: string; cookieValue?: string }>) {
  const env = environmentOf({ cobrowse: { hostname: HOST, agentSide: "workspaceWebEdition", nodes } });
  const ports = await loopbackPorts(env);
  const stubs = new Map<string, StubNode>();
  for (const node of env.cobrowse!.nodes) {
    // A Co-browse node sets gcbSessionServer = its cookie value (the node id unless the stack says otherwise) when a session starts.
    stubs.set(
      node.key,
      await startStubNode({
        name: node.key,
        port: ports.get(node.id)!,
        setCookies: () => [`${COOKIE}=${node.cookieValue}; Path=/`],
      }),
    );
  }
  const nginx = await startNginx(({ prefix, port }) =>
    renderNginxSite(env, addressesOf(env, ports), {
      prefix,
      listen: { address: "127.0.0.1", port },
      workerProcesses: 1,
      failTimeoutSeconds: 2,
    }),
  );
  return { env, stubs, nginx };
}

describe("Co-browse behind the rendered nginx", () => {
  let site: Awaited<ReturnType<typeof cobrowseSite>>;
  let nginx: RunningNginx;
  const nodesFor = (count: number, path: string, cookie?: string) =>
    answeringNodes(count, nginx.port, path, { host: HOST, cookie });

  beforeAll(async () => {
    site = await cobrowseSite({ cb1: { nodeId: "1" }, cb2: { nodeId: "2" }, cb3: { nodeId: "node-c" } });
    nginx = site.nginx;
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all([...(site?.stubs.values() ?? [])].map((s) => s.close()));
  });

  it("sends the node the public host as the client sent it, as Host and X-Forwarded-Host", async () => {
    const publicHost = `${HOST}:8443`;
    const stubs = [...site.stubs.values()];
    const before = stubs.map((s) => s.requests.length);
    expect((await fetchVia(nginx.port, "/cobrowse/js/gcb.min.js", { host: publicHost })).status).toBe(200);
    const got = stubs.flatMap((s, i) => s.requests.slice(before[i]));
    expect(got.map((r) => [r.host, r.forwardedHost])).toEqual([[publicHost, publicHost]]);
  });

  it("publishes /cobrowse and nothing else, as httpd does: other paths answer 403 and reach no node", async () => {
    const stubs = [...site.stubs.values()];
    const reached = () => stubs.reduce((n, s) => n + s.requests.length, 0);
    for (const path of COBROWSE_UNPUBLISHED_PATHS) {
      const before = reached();
      expect((await fetchVia(nginx.port, path, { host: HOST })).status, path).toBe(403);
      expect(reached(), path).toBe(before);
    }
    expect((await fetchVia(nginx.port, "/cobrowse", { host: HOST })).status).toBe(200);
  });

  it("spreads new sessions over every node", async () => {
    expect(Object.keys(tally(await nodesFor(30, "/cobrowse/rest/session"))).sort()).toEqual(["cb1", "cb2", "cb3"]);
  });

  it("sends 100% of 50 requests with a node's cookie to that node", async () => {
    for (const node of site.env.cobrowse!.nodes) {
      expect(tally(await nodesFor(50, "/cobrowse/rest/session", `${COOKIE}=${node.nodeId}`))).toEqual({
        [node.key]: 50,
      });
    }
  });

  it("sends 100% of 50 requests with ?co-browse-node-id=N to node N", async () => {
    for (const node of site.env.cobrowse!.nodes) {
      expect(tally(await nodesFor(50, `/cobrowse/agent?${param(node.nodeId)}`))).toEqual({ [node.key]: 50 });
    }
  });

  it("lets the URL parameter win over the cookie, wherever it stands in the query", async () => {
    expect(tally(await nodesFor(20, `/cobrowse/agent?${param("1")}`, `${COOKIE}=2`))).toEqual({ cb1: 20 });
    expect(tally(await nodesFor(20, `/cobrowse/agent?a=1&${param("node-c")}&b=2`, `${COOKIE}=1`))).toEqual({ cb3: 20 });
  });

  it("ignores look-alike parameters and unknown ids, falling back to the cookie", async () => {
    for (const query of [`x${param("1")}`, param("12"), param("")]) {
      expect(tally(await nodesFor(10, `/cobrowse/agent?${query}`, `${COOKIE}=2`)), query).toEqual({ cb2: 10 });
    }
    expect(tally(await nodesFor(10, "/cobrowse/agent", `${COOKIE}=NODE-C`))).not.toEqual({ cb3: 10 });
  });

  it("pins the session the first response created", async () => {
    const first = await fetchVia(nginx.port, "/cobrowse/rest/session", { host: HOST });
    const cookie = setCookies(first)[0].split(";")[0];
    expect(tally(await nodesFor(50, "/cobrowse/rest/session", cookie))).toEqual({ [first.node!]: 50 });
  });

  it("answers its health path and passes WebSockets to the cookie's node", async () => {
    expect((await fetchVia(nginx.port, HEALTH_PATHS.cobrowse, { host: HOST })).status).toBe(200);
    const ws = await openWebSocket({ port: nginx.port, path: "/cobrowse/cometd", host: HOST, cookie: `${COOKIE}=2` });
    if (!ws.upgraded) throw new Error(`not upgraded: ${ws.status}`);
    try {
      expect(ws.headers["x-node"]).toBe("cb2");
      expect(await ws.echo("hi")).toBe("cb2:hi");
    } finally {
      ws.close();
    }
  });

  it("fails over with 0 errors when the URL's node dies", async () => {
    await site.stubs.get("cb1")!.close();
    const answered = await nodesFor(50, `/cobrowse/agent?${param("1")}`);
    expect(answered.filter((n) => n.startsWith("status:") || n === "cb1")).toEqual([]);
  });
});

describe("Co-browse with a single node", () => {
  let site: Awaited<ReturnType<typeof cobrowseSite>>;

  beforeAll(async () => {
    site = await cobrowseSite({ only: { nodeId: "7" } });
  });

  afterAll(async () => {
    await site?.nginx.stop();
    await Promise.all([...(site?.stubs.values() ?? [])].map((s) => s.close()));
  });

  it("serves URL-sticky, cookie-sticky and new requests from the node", async () => {
    const port = site.nginx.port;
    expect(tally(await answeringNodes(10, port, `/cobrowse/agent?${param("7")}`, { host: HOST }))).toEqual({
      only: 10,
    });
    expect(tally(await answeringNodes(10, port, "/cobrowse/x", { host: HOST, cookie: `${COOKIE}=7` }))).toEqual({
      only: 10,
    });
    expect(tally(await answeringNodes(10, port, "/cobrowse/x", { host: HOST }))).toEqual({ only: 10 });
  });
});

describe("Co-browse when the gcbSessionServer cookie holds something other than the node id", () => {
  let site: Awaited<ReturnType<typeof cobrowseSite>>;

  beforeAll(async () => {
    site = await cobrowseSite({
      cb1: { nodeId: "1", cookieValue: "Co-browse_Server_1" },
      cb2: { nodeId: "2", cookieValue: "Co-browse_Server_2" },
    });
  });

  afterAll(async () => {
    await site?.nginx.stop();
    await Promise.all([...(site?.stubs.values() ?? [])].map((s) => s.close()));
  });

  it("sticks by the configured cookie value, and by the node id in the URL", async () => {
    const port = site.nginx.port;
    expect(
      tally(await answeringNodes(20, port, "/cobrowse/x", { host: HOST, cookie: `${COOKIE}=Co-browse_Server_2` })),
    ).toEqual({ cb2: 20 });
    expect(
      tally(
        await answeringNodes(20, port, `/cobrowse/agent?${param("1")}`, {
          host: HOST,
          cookie: `${COOKIE}=Co-browse_Server_2`,
        }),
      ),
    ).toEqual({ cb1: 20 });
    expect(
      Object.keys(tally(await answeringNodes(20, port, "/cobrowse/x", { host: HOST, cookie: `${COOKIE}=2` }))).sort(),
    ).toEqual(["cb1", "cb2"]);
  });
});
