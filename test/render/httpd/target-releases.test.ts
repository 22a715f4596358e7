/**
 * Web Engagement 8.5 rendered for the release each target runs, on real
 * httpds: RHEL 8's 2.4.37 (built from Apache's source) and Debian's 2.4.
 *
 * The RHEL 8 config must carry CometD's WebSocket on both; the form newer
 * releases use (`upgrade=websocket` on http:// members) must be shown to
 * carry nothing on 2.4.37, or the test would not tell the two forms apart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKIES, stickyValue } from "../../../core/model/genesys-facts";
import { HA_OS_FACTS } from "../../../core/model/ha-os";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import {
  apacheRoot,
  HTTPD_BUILD_TIMEOUT_MS,
  httpdsUnderTest,
  startApache,
  testSiteOptions,
  type ApacheInstance,
  type ApacheRoot,
  type HttpdServer,
} from "../../support/apache";
import type { StubNode } from "../../support/stub-node";
import { openWebSocket } from "../../support/websocket-client";
import { environmentFrom, send, tally } from "./fixtures";
import { GWE_NODES as NODES, startGweNodes } from "./gwe-nodes";
import { byPlanId } from "../../support/plan-node-ids";

const HOST = "gwe.example.com";
const RHEL8 = HA_OS_FACTS.rhel8.httpd;
const RHEL9 = HA_OS_FACTS.rhel9.httpd;
const cookie = (route: string) => `${COOKIES.webEngagement85}=${stickyValue(route)}`;

interface Site {
  readonly root: ApacheRoot;
  readonly apache: ApacheInstance;
}

/** The GWE 8.5 site rendered for `release`, run on `server`. */
async function startSite(server: HttpdServer, stubs: readonly StubNode[], release: typeof RHEL8): Promise<Site> {
  const env = environmentFrom({
    webEngagement85: { hostname: HOST, nodes: Object.fromEntries(stubs.map((s) => [s.name, { port: s.port }])) },
  });
  const root = await apacheRoot();
  const addresses = Object.fromEntries(stubs.map((s) => [s.name, `127.0.0.1:${s.port}`]));
  const files = renderHttpdSite(
    env,
    byPlanId(env, addresses),
    testSiteOptions(root, { release, memberRetrySeconds: 1 }, server),
  );
  return { root, apache: await startApache(files, root, { server }) };
}

async function stopSite(site: Site | undefined): Promise<void> {
  await site?.apache.stop();
  site?.root.remove();
}

const upgrades = (stubs: readonly StubNode[]) =>
  stubs.flatMap((s) => s.requests.filter((r) => r.method === "UPGRADE").map(() => s.name));

/** Stub GWE nodes behind `target` running the config rendered for `release`, for the enclosing describe. */
function gweLab(
  target: { server(): Promise<HttpdServer> },
  release: typeof RHEL8,
): { server: HttpdServer; stubs: StubNode[]; site: Site } {
  const lab = {} as { server: HttpdServer; stubs: StubNode[]; site: Site };
  beforeAll(async () => {
    lab.server = await target.server();
    lab.stubs = await startGweNodes(NODES);
    lab.site = await startSite(lab.server, lab.stubs, release);
  }, HTTPD_BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await stopSite(lab.site);
    await Promise.all((lab.stubs ?? []).map((s) => s.close()));
  });
  return lab;
}

describe.each(httpdsUnderTest().map((h) => [h.label, h] as const))(
  "Web Engagement 8.5 rendered for RHEL 8 on %s",
  (_, target) => {
    if (target.skipReason !== undefined) {
      it.skip(`not run: ${target.skipReason}`, () => {});
      return;
    }
    const lab = gweLab(target, RHEL8);

    it("passes a CometD WebSocket upgrade to the node of the GWROUTEID cookie and echoes frames both ways", async () => {
      for (const name of ["GWE_Node_2", "GWE_Node_3"]) {
        const ws = await openWebSocket({
          port: lab.site.apache.port,
          path: "/server/cometd",
          host: HOST,
          cookie: cookie(name),
        });
        expect(ws.upgraded, `upgrade to ${name}`).toBe(true);
        if (!ws.upgraded) return;
        try {
          expect(ws.headers["x-node"]).toBe(name);
          expect(await ws.echo("/meta/connect")).toBe(`${name}:/meta/connect`);
          expect(await ws.echo("again")).toBe(`${name}:again`);
        } finally {
          ws.close();
        }
      }
    });

    it("sends plain requests, CometD long polls included, through the http balancer with the same stickiness", async () => {
      const before = upgrades(lab.stubs).length;
      expect(
        await tally(20, lab.site.apache.port, "/server/cometd/connect", { host: HOST, cookie: cookie("GWE_Node_1") }),
      ).toEqual({ GWE_Node_1: 20 });
      expect(upgrades(lab.stubs).length).toBe(before);
      const reply = await send(lab.site.apache.port, "/server/cometd", { host: HOST, cookie: cookie("GWE_Node_3") });
      expect(reply).toMatchObject({ status: 200, node: "GWE_Node_3" });
    });

    it("keeps the path boundary: /serverx is not under /server", async () => {
      const reply = await send(lab.site.apache.port, "/serverx/cometd", { host: HOST, cookie: cookie("GWE_Node_1") });
      expect(reply.node).toBeUndefined();
      expect(reply.status).toBe(403);
    });

    it("fails a WebSocket over to a live node when its node is down", async () => {
      await lab.stubs[0].close();
      const ws = await openWebSocket({
        port: lab.site.apache.port,
        path: "/server/cometd",
        host: HOST,
        cookie: cookie("GWE_Node_1"),
      });
      expect(ws.upgraded).toBe(true);
      if (!ws.upgraded) return;
      try {
        expect(["GWE_Node_2", "GWE_Node_3"]).toContain(ws.headers["x-node"]);
        expect(await ws.echo("hi")).toBe(`${String(ws.headers["x-node"])}:hi`);
      } finally {
        ws.close();
      }
    });
  },
);

describe.each(httpdsUnderTest().map((h) => [h.label, h] as const))(
  "the upgrade=websocket form (rendered for RHEL 9) on %s",
  (_, target) => {
    if (target.skipReason !== undefined) {
      it.skip(`not run: ${target.skipReason}`, () => {});
      return;
    }
    const lab = gweLab(target, RHEL9);

    it("tunnels only from 2.4.47: 2.4.37 accepts the config, answers the upgrade 200 and never upgrades", async () => {
      const ws = await openWebSocket({
        port: lab.site.apache.port,
        path: "/server/cometd",
        host: HOST,
        cookie: cookie("GWE_Node_2"),
      });
      if (lab.server.release === RHEL8) {
        expect(ws.upgraded).toBe(false);
        if (!ws.upgraded) expect(ws.status).toBe(200);
        expect(lab.stubs[1].requests.at(-1)).toMatchObject({ method: "GET", url: "/server/cometd" });
        expect(upgrades(lab.stubs)).toEqual([]);
      } else {
        expect(ws.upgraded).toBe(true);
        if (!ws.upgraded) return;
        try {
          expect(await ws.echo("hello")).toBe("GWE_Node_2:hello");
        } finally {
          ws.close();
        }
        expect(upgrades(lab.stubs)).toEqual(["GWE_Node_2"]);
      }
    });
  },
);
