/**
 * Multi-tenant Interaction Recording through a real httpd: per-tenant paths
 * and balancers, RWS balancer cookies per tenant, RCS session stickiness and
 * cookie path rewrite, WebDAV hot standby, worker sizing, local-only status.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment, RecordingServiceModel } from "../../../core/model/environment";
import { COOKIES, stickyValue } from "../../../core/model/genesys-facts";
import { APACHE_STATUS_URL } from "../../../core/render/cluster/pcs-commands";
import { mpmEventLimits, recordingConnections } from "../../../core/render/httpd/mpm-limits";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import {
  apacheRoot,
  HTTPD_BUILD_TIMEOUT_MS,
  httpdsUnderTest,
  startApache,
  testSiteOptions,
  type ApacheInstance,
  type ApacheRoot,
} from "../../support/apache";
import { freePorts } from "../../support/ports";
import { parseCookies, startStubNode, type StubNode } from "../../support/stub-node";
import { environmentFrom, send, setCookie, tally } from "./fixtures";
import { byPlanId } from "../../support/plan-node-ids";

const HOST = "recording.example.com";

const RECORDING = {
  balancer: "httpdHaPair",
  hostname: HOST,
  tenants: {
    t1: {
      screenRecordingAgents: 400,
      rws: { nodes: { t1rws1: { appName: "T1RWS1" }, t1rws2: { appName: "T1RWS2" }, t1rws3: { appName: "T1RWS3" } } },
      rp: { nodes: { t1rp1: {}, t1rp2: {} } },
      rcs: { nodes: { t1rcs1: { appName: "RCS 1" }, t1rcs2: { appName: "RCS 2" } } },
      interactionReceiver: { nodes: { t1ir1: {}, t1ir2: {} } },
      webdav: { hotStandby: "t1webdav2", paths: ["recordings", "dest2"], nodes: { t1webdav1: {}, t1webdav2: {} } },
    },
    t2: {
      screenRecordingAgents: 150,
      rws: { nodes: { t2rws1: { appName: "T2RWS1" }, t2rws2: { appName: "T2RWS2" } } },
      webdav: { nodes: { t2webdav1: {} } },
    },
  },
};

const HA_PAIR = {
  availabilityZone: "eu-west-1a",
  nodes: { ip1: {}, ip2: {} },
  virtualIp: { address: "10.40.10.250" },
  adminCidr: "10.0.0.0/8",
};

function service(env: Environment, tenant: string, name: RecordingServiceModel["service"]): RecordingServiceModel {
  const found = env.recording?.tenants.find((t) => t.key === tenant)?.services.find((s) => s.service === name);
  if (!found) throw new Error(`no ${name} for ${tenant}`);
  return found;
}

describe.each(httpdsUnderTest().map((h) => [h.label, h] as const))(
  "multi-tenant recording balancers on %s",
  (_, target) => {
    if (target.skipReason !== undefined) {
      it.skip(`not run: ${target.skipReason}`, () => {});
      return;
    }
    let env: Environment;
    let stubs: Map<string, StubNode>;
    let root: ApacheRoot;
    let apache: ApacheInstance;
    const stub = (key: string) => stubs.get(key)!;
    const rwsRoute = (key: string) => service(env, "t1", "rws").members.find((m) => m.key === key)!.route;

    beforeAll(async () => {
      const server = await target.server();
      const keys = Object.values(RECORDING.tenants).flatMap((t) =>
        Object.values(t).flatMap((s) => (typeof s === "object" && "nodes" in s ? Object.keys(s.nodes) : [])),
      );
      const ports = await freePorts(keys.length);
      const portOf = new Map(keys.map((k, i) => [k, ports[i]]));
      env = environmentFrom({ recording: RECORDING, httpdHaPair: HA_PAIR });
      const rcsRoute = new Map(
        env.recording!.tenants.flatMap((t) =>
          t.services.filter((s) => s.service === "rcs").flatMap((s) => s.members.map((m) => [m.key, m.route] as const)),
        ),
      );
      stubs = new Map(
        await Promise.all(
          keys.map(async (key) => {
            const route = rcsRoute.get(key);
            const node = await startStubNode({
              name: key,
              port: portOf.get(key)!,
              // Tomcat with jvmRoute: JSESSIONID=<id>.<route> on the servlet's path.
              setCookies: (req) =>
                route && !parseCookies(req.headers.cookie)[COOKIES.recordingRcs]
                  ? [`${COOKIES.recordingRcs}=${randomBytes(8).toString("hex")}.${route}; Path=/rcs`]
                  : [],
            });
            return [key, node] as const;
          }),
        ),
      );
      root = await apacheRoot();
      const addresses = Object.fromEntries(
        env.recording!.tenants.flatMap((t) =>
          t.services.flatMap((s) => s.members.map((m) => [m.id, `127.0.0.1:${portOf.get(m.key)}`])),
        ),
      );
      apache = await startApache(
        renderHttpdSite(env, byPlanId(env, addresses), testSiteOptions(root, { memberRetrySeconds: 1 }, server)),
        root,
        { server },
      );
    }, HTTPD_BUILD_TIMEOUT_MS);

    afterAll(async () => {
      await apache?.stop();
      await Promise.all([...(stubs?.values() ?? [])].map((s) => s.close()));
      root?.remove();
    });

    it("sends the http nodes the public host as the client sent it, as Host and X-Forwarded-Host", async () => {
      const publicHost = `${HOST}:8443`;
      for (const tenant of env.recording!.tenants) {
        for (const svc of tenant.services) {
          const path = `${svc.routes[0].publicPath}/x`;
          const all = [...stubs.values()];
          const before = all.map((s) => s.requests.length);
          expect((await send(apache.port, path, { host: publicHost })).status, path).toBe(200);
          const got = all.flatMap((s, i) => s.requests.slice(before[i]));
          expect(
            got.map((r) => [r.host, r.forwardedHost]),
            path,
          ).toEqual([[publicHost, publicHost]]);
        }
      }
    });

    it("publishes every tenant's services under its prefix and strips the prefix on the way in", async () => {
      let checked = 0;
      for (const tenant of env.recording!.tenants) {
        for (const svc of tenant.services) {
          for (const route of svc.routes) {
            const reply = await send(apache.port, `${route.publicPath}/calls?x=1`, { host: HOST });
            expect(reply.status).toBe(200);
            expect(svc.members.map((m) => m.key)).toContain(reply.node);
            expect(stub(reply.node!).requests.at(-1)?.url).toBe(`${route.backendPath}/calls?x=1`);
            checked++;
          }
        }
      }
      expect(checked).toBe(10);
    });

    it("answers whatever Host the clients use, since it is the site's only virtual host (e.g. the pair's address)", async () => {
      for (const host of ["10.40.10.250", "recording", undefined]) {
        const reply = await send(apache.port, "/t1/rp/api/jobs", { host });
        expect([reply.status, reply.node?.startsWith("t1rp")]).toEqual([200, true]);
      }
    });

    it("issues the RWS ROUTEID cookie on the tenant's path and sticks on it", async () => {
      const first = await send(apache.port, "/t1/api/v2/me", { host: HOST });
      expect(setCookie(first, COOKIES.recordingRws)).toEqual({
        value: stickyValue(rwsRoute(first.node!)),
        attributes: "path=/t1; HttpOnly",
      });
      const pinned = `${COOKIES.recordingRws}=${stickyValue(rwsRoute(first.node!))}`;
      expect(await tally(50, apache.port, "/t1/api/v2/me", { host: HOST, cookie: pinned })).toEqual({
        [first.node!]: 50,
      });
      expect(await tally(20, apache.port, "/t1/internal-api/x", { host: HOST, cookie: pinned })).toEqual({
        [first.node!]: 20,
      });
    });

    it("never routes tenant t1's ROUTEID into tenant t2's RWS", async () => {
      for (const route of ["T1RWS1", "T1RWS2", "T1RWS3"]) {
        const counts = await tally(20, apache.port, "/t2/api/v2/me", {
          host: HOST,
          cookie: `${COOKIES.recordingRws}=${stickyValue(route)}`,
        });
        expect(service(env, "t1", "rws").members.map((m) => m.route)).toContain(route);
        expect(Object.keys(counts).every((node) => node === "t2rws1" || node === "t2rws2")).toBe(true);
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(20);
      }
      const reissued = setCookie(
        await send(apache.port, "/t2/api/v2/me", { host: HOST, cookie: `${COOKIES.recordingRws}=.T1RWS1` }),
        COOKIES.recordingRws,
      );
      expect(reissued?.attributes).toBe("path=/t2; HttpOnly");
      expect(reissued?.value).toMatch(/^\.T2RWS[12]$/);
    });

    it("rewrites the RCS session cookie path to /t1/rcs and sticks on the route in JSESSIONID", async () => {
      const first = await send(apache.port, "/t1/rcs/api/keys", { host: HOST });
      const session = setCookie(first, COOKIES.recordingRcs);
      expect(session?.attributes).toBe("Path=/t1/rcs");
      const route = service(env, "t1", "rcs").members.find((m) => m.key === first.node)!.route;
      expect(session?.value).toMatch(new RegExp(`^[0-9a-f]{16}\\.${route}$`));
      for (const member of service(env, "t1", "rcs").members) {
        expect(
          await tally(50, apache.port, "/t1/rcs/api/keys", {
            host: HOST,
            cookie: `${COOKIES.recordingRcs}=0123456789abcdef.${member.route}`,
          }),
        ).toEqual({ [member.key]: 50 });
      }
    });

    it("spreads Recording Processor requests over every RP node (no standby)", async () => {
      expect(await tally(20, apache.port, "/t1/rp/api/jobs", { host: HOST })).toEqual({ t1rp1: 10, t1rp2: 10 });
    });

    it("keeps the WebDAV hot standby idle while the primary is up, and sends it everything when it is down", async () => {
      expect(await tally(30, apache.port, "/t1/recordings/a.mp3", { host: HOST })).toEqual({ t1webdav1: 30 });
      expect(await tally(10, apache.port, "/t1/dest2/b.mp3", { host: HOST })).toEqual({ t1webdav1: 10 });
      await stub("t1webdav1").close();
      expect(await tally(30, apache.port, "/t1/recordings/a.mp3", { host: HOST })).toEqual({ t1webdav2: 30 });
    });

    it("fails an RWS node over without errors and re-pins the tenant's cookie", async () => {
      await stub("t1rws1").close();
      const replies = [];
      for (let i = 0; i < 20; i++)
        replies.push(
          await send(apache.port, "/t1/api/v2/me", { host: HOST, cookie: `${COOKIES.recordingRws}=.T1RWS1` }),
        );
      expect(replies.filter((r) => r.status !== 200 || r.node === "t1rws1")).toEqual([]);
      const repinned = setCookie(replies[0], COOKIES.recordingRws);
      expect(repinned?.attributes).toBe("path=/t1; HttpOnly");
      expect(repinned?.value).toBe(stickyValue(rwsRoute(replies[0].node!)));
      expect(
        await tally(50, apache.port, "/t1/api/v2/me", {
          host: HOST,
          cookie: `${COOKIES.recordingRws}=${repinned!.value}`,
        }),
      ).toEqual({ [replies[0].node!]: 50 });
    });

    it("answers the apache agent's status URL from 127.0.0.1 only, with as many worker slots as the agents need", async () => {
      // The path the cluster's webserver resource polls (its statusurl), so a renderer that changes one without the other fails here.
      const statusPath = new URL(APACHE_STATUS_URL).pathname;
      const local = await send(apache.port, `${statusPath}?auto`);
      expect(local.status).toBe(200);
      const limits = mpmEventLimits(recordingConnections(env.recording!));
      expect(recordingConnections(env.recording!)).toBe(688);
      const scoreboard = /^Scoreboard: (\S+)$/m.exec(local.body)?.[1] ?? "";
      // One scoreboard character per worker of the active processes: MaxRequestWorkers took effect.
      expect(scoreboard.length).toBe(limits.maxRequestWorkers);
      expect(limits.maxRequestWorkers).toBeGreaterThanOrEqual(688);
      for (const host of [undefined, HOST, "10.40.10.250"]) {
        expect((await send(apache.port, statusPath, { host, localAddress: "127.0.0.2" })).status).toBe(403);
      }
    });

    it("keeps its PID file inside the temp server root, naming the process the test started", () => {
      expect(readFileSync(join(root.root, "run", "httpd.pid"), "utf8").trim()).toBe(String(apache.process.pid));
    });

    it("has no balancer-manager, from any source", async () => {
      for (const localAddress of ["127.0.0.1", "127.0.0.2"]) {
        for (const host of [undefined, HOST]) {
          const reply = await send(apache.port, "/balancer-manager", { host, localAddress });
          expect([403, 404]).toContain(reply.status);
          expect(reply.body).not.toMatch(/Load Balancer Manager/i);
        }
      }
    });
  },
);
