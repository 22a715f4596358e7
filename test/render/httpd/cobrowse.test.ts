/**
 * Co-browse through a real httpd: the gcbSessionServer cookie (the node id, no
 * leading dot) and the agent side's ?co-browse-node-id=N both reach node N.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COBROWSE_UNPUBLISHED_PATHS } from "../../support/cobrowse-paths";
import { COBROWSE_NODE_PARAMETER, COOKIES, HEALTH_PATHS } from "../../../core/model/genesys-facts";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import {
  apacheRoot,
  debianHttpd,
  HTTPD_BUILD_TIMEOUT_MS,
  httpdsUnderTest,
  startApache,
  testSiteOptions,
  type ApacheInstance,
  type ApacheRoot,
  type HttpdServer,
} from "../../support/apache";
import { freePorts } from "../../support/ports";
import { startStubNode, type StubNode } from "../../support/stub-node";
import { openWebSocket } from "../../support/websocket-client";
import { environmentFrom, send, setCookie, tally } from "./fixtures";
import { byPlanId } from "../../support/plan-node-ids";

const HOST = "cobrowse.example.com";
const SESSION_PATH = "/cobrowse/rest/session";

interface CobrowseSite {
  readonly stubs: StubNode[];
  readonly root: ApacheRoot;
  readonly apache: ApacheInstance;
}

/**
 * Nodes as key -> node id; each sets gcbSessionServer=<its cookie value> (its
 * id unless `cookieValues` says otherwise) when it creates a session.
 */
async function startSite(
  ids: Record<string, string>,
  server: HttpdServer,
  cookieValues: Record<string, string> = {},
): Promise<CobrowseSite> {
  const keys = Object.keys(ids);
  const ports = await freePorts(keys.length);
  const stubs = await Promise.all(
    keys.map((key, i) =>
      startStubNode({
        name: key,
        port: ports[i],
        setCookies: (req) =>
          (req.url ?? "").startsWith(SESSION_PATH)
            ? [`${COOKIES.cobrowse}=${cookieValues[key] ?? ids[key]}; Path=/`]
            : [],
      }),
    ),
  );
  const env = environmentFrom({
    cobrowse: {
      hostname: HOST,
      agentSide: "workspaceWebEdition",
      nodes: Object.fromEntries(
        keys.map((key, i) => [
          key,
          { nodeId: ids[key], port: ports[i], ...(cookieValues[key] ? { cookieValue: cookieValues[key] } : {}) },
        ]),
      ),
    },
  });
  const root = await apacheRoot();
  const addresses = Object.fromEntries(stubs.map((s) => [s.name, `127.0.0.1:${s.port}`]));
  const apache = await startApache(
    renderHttpdSite(env, byPlanId(env, addresses), testSiteOptions(root, { memberRetrySeconds: 1 }, server)),
    root,
    { server },
  );
  return { stubs, root, apache };
}

async function stopSite(site: CobrowseSite | undefined): Promise<void> {
  await site?.apache.stop();
  await Promise.all((site?.stubs ?? []).map((s) => s.close()));
  site?.root.remove();
}

const cookie = (id: string) => `${COOKIES.cobrowse}=${id}`;

const TARGETS = httpdsUnderTest().map((h) => [h.label, h] as const);

describe.each(TARGETS)("Co-browse balancer on %s", (_, target) => {
  if (target.skipReason !== undefined) {
    it.skip(`not run: ${target.skipReason}`, () => {});
    return;
  }
  // "1" is a prefix of "12": routing must match the whole id.
  const ids = { cb1: "1", cb2: "12", cb3: "node-3" };
  let site: CobrowseSite;

  beforeAll(async () => {
    site = await startSite(ids, await target.server());
  }, HTTPD_BUILD_TIMEOUT_MS);
  afterAll(() => stopSite(site));

  it("sends the node the public host as the client sent it, as Host and X-Forwarded-Host", async () => {
    const publicHost = `${HOST}:8443`;
    const before = site.stubs.map((s) => s.requests.length);
    expect((await send(site.apache.port, "/cobrowse/js/gcb.min.js", { host: publicHost })).status).toBe(200);
    const got = site.stubs.flatMap((s, i) => s.requests.slice(before[i]));
    expect(got.map((r) => [r.host, r.forwardedHost])).toEqual([[publicHost, publicHost]]);
  });

  it("publishes /cobrowse and nothing else: other paths answer 403 and reach no node", async () => {
    const reached = () => site.stubs.reduce((n, s) => n + s.requests.length, 0);
    for (const path of COBROWSE_UNPUBLISHED_PATHS) {
      const before = reached();
      expect((await send(site.apache.port, path, { host: HOST })).status, path).toBe(403);
      expect(reached(), path).toBe(before);
    }
    expect((await send(site.apache.port, "/cobrowse", { host: HOST })).status).toBe(200);
  });

  it("spreads requests without cookie or parameter over every node", async () => {
    expect(Object.keys(await tally(30, site.apache.port, "/cobrowse/js/gcb.min.js", { host: HOST })).sort()).toEqual([
      "cb1",
      "cb2",
      "cb3",
    ]);
  });

  it("sticks a customer to the node that created the session, by its gcbSessionServer cookie", async () => {
    const created = await send(site.apache.port, SESSION_PATH, { host: HOST });
    const issued = setCookie(created, COOKIES.cobrowse);
    expect(issued?.value).toBe(ids[created.node as keyof typeof ids]);
    expect(
      await tally(50, site.apache.port, "/cobrowse/rest/session/1/events", {
        host: HOST,
        cookie: `${COOKIES.cobrowse}=${issued!.value}`,
      }),
    ).toEqual({ [created.node!]: 50 });
  });

  it("routes each node's cookie to that node only", async () => {
    for (const [key, id] of Object.entries(ids)) {
      expect(
        await tally(50, site.apache.port, "/cobrowse/rest/x", { host: HOST, cookie: `other=1; ${cookie(id)}; more=2` }),
      ).toEqual({ [key]: 50 });
    }
  });

  it("routes ?co-browse-node-id=N to node N, ahead of any cookie, with path and query intact", async () => {
    for (const [key, id] of Object.entries(ids)) {
      const path = `/cobrowse/rest/x%20y?a=b&${COBROWSE_NODE_PARAMETER}=${id}&z=1`;
      expect(await tally(50, site.apache.port, path, { host: HOST, cookie: cookie(ids.cb3) })).toEqual({ [key]: 50 });
      expect(site.stubs.find((s) => s.name === key)?.requests.at(-1)?.url).toBe(path);
    }
  });

  it("spreads an unknown node id like no id at all", async () => {
    const counts = await tally(30, site.apache.port, `/cobrowse/rest/x?${COBROWSE_NODE_PARAMETER}=99`, {
      host: HOST,
      cookie: cookie("99"),
    });
    expect(Object.keys(counts).sort()).toEqual(["cb1", "cb2", "cb3"]);
  });

  it("passes the health path through", async () => {
    const reply = await send(site.apache.port, `${HEALTH_PATHS.cobrowse}?${COBROWSE_NODE_PARAMETER}=12`, {
      host: HOST,
    });
    expect([reply.status, reply.node]).toEqual([200, "cb2"]);
  });

  // Co-browse uses WebSockets where it can ("Configuring a Load Balancer for Co-browse Cluster").
  it("passes WebSocket upgrades to the node of the URL parameter, else of the cookie, else any node", async () => {
    const cases = [
      { path: `/cobrowse/ws?${COBROWSE_NODE_PARAMETER}=12`, cookie: cookie("1"), node: "cb2" },
      { path: "/cobrowse/ws", cookie: cookie("node-3"), node: "cb3" },
      { path: "/cobrowse/ws", cookie: undefined, node: undefined },
    ];
    for (const c of cases) {
      const ws = await openWebSocket({ port: site.apache.port, path: c.path, host: HOST, cookie: c.cookie });
      expect(ws.upgraded, c.path).toBe(true);
      if (!ws.upgraded) return;
      try {
        const node = String(ws.headers["x-node"]);
        if (c.node !== undefined) expect(node).toBe(c.node);
        expect(await ws.echo("dom")).toBe(`${node}:dom`);
        expect(site.stubs.find((s) => s.name === node)?.requests.at(-1)).toMatchObject({
          method: "UPGRADE",
          url: c.path,
        });
      } finally {
        ws.close();
      }
    }
  });

  it("answers a dead node's sessions from another node without errors", async () => {
    await site.stubs[0].close();
    const counts = await tally(20, site.apache.port, `/cobrowse/rest/x?${COBROWSE_NODE_PARAMETER}=1`, {
      host: HOST,
      cookie: cookie("1"),
    });
    expect(Object.keys(counts).every((k) => k === "cb2" || k === "cb3")).toBe(true);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(20);
  });
});

describe.each(TARGETS)("Co-browse balancer with a single node on %s", (_, target) => {
  if (target.skipReason !== undefined) {
    it.skip(`not run: ${target.skipReason}`, () => {});
    return;
  }
  let site: CobrowseSite;

  beforeAll(async () => {
    site = await startSite({ solo: "7" }, await target.server());
  }, HTTPD_BUILD_TIMEOUT_MS);
  afterAll(() => stopSite(site));

  it("routes the URL parameter, the cookie and plain requests to it", async () => {
    expect(await tally(10, site.apache.port, `/cobrowse/rest/x?${COBROWSE_NODE_PARAMETER}=7`, { host: HOST })).toEqual({
      solo: 10,
    });
    expect(await tally(10, site.apache.port, "/cobrowse/rest/x", { host: HOST, cookie: cookie("7") })).toEqual({
      solo: 10,
    });
    expect(await tally(10, site.apache.port, "/cobrowse/rest/x", { host: HOST })).toEqual({ solo: 10 });
  });
});

describe("Co-browse balancer on Debian's httpd when the cookie holds something other than the node id", () => {
  let site: CobrowseSite;

  beforeAll(async () => {
    site = await startSite({ cb1: "1", cb2: "2" }, debianHttpd(), {
      cb1: "Co-browse_Server_1",
      cb2: "Co-browse_Server_2",
    });
  }, HTTPD_BUILD_TIMEOUT_MS);
  afterAll(() => stopSite(site));

  it("sticks by the configured cookie value and still routes the serverUrl's node id", async () => {
    const created = await send(site.apache.port, SESSION_PATH, { host: HOST });
    const issued = setCookie(created, COOKIES.cobrowse);
    expect(issued?.value).toMatch(/^Co-browse_Server_\d$/);
    expect(
      await tally(30, site.apache.port, "/cobrowse/rest/x", {
        host: HOST,
        cookie: `${COOKIES.cobrowse}=${issued!.value}`,
      }),
    ).toEqual({ [created.node!]: 30 });
    expect(await tally(30, site.apache.port, `/cobrowse/rest/x?${COBROWSE_NODE_PARAMETER}=2`, { host: HOST })).toEqual({
      cb2: 30,
    });
  });
});
