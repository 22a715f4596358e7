/**
 * Interaction Recording tenants through the real nginx with the rendered
 * config: tenant prefixes stripped, RWS pinned by the balancer's ROUTEID
 * cookie, RCS by its JSESSIONID route, WebDAV's hot standby used only when
 * the primary is down, RP members all active, tenants kept apart, and the
 * status page for the local host only.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKIES } from "../../../core/model/genesys-facts";
import { renderNginxSite, STATUS_PATH } from "../../../core/render/nginx";
import { startNginx, type RunningNginx } from "../../support/nginx";
import { parseCookies, startStubNode, type StubNode } from "../../support/stub-node";
import { addressesOf, environmentOf, loopbackPorts } from "./fixtures";
import { answeringNodes, fetchVia, setCookies, tally } from "./http";

const HOST = "recording.example.com";
const ROUTEID = COOKIES.recordingRws;
const JSESSIONID = COOKIES.recordingRcs;

const env = environmentOf({
  recording: {
    hostname: HOST,
    tenants: {
      t1: {
        rws: { nodes: { t1rws1: { appName: "T1RWS1" }, t1rws2: { appName: "T1RWS2" } } },
        rp: { nodes: { t1rp1: {}, t1rp2: {} } },
        rcs: { nodes: { t1rcs1: { appName: "RCS 1" }, t1rcs2: { appName: "RCS 2" } } },
        interactionReceiver: { nodes: { t1ir1: {} } },
        webdav: { hotStandby: "t1webdav2", paths: ["recordings", "dest2"], nodes: { t1webdav1: {}, t1webdav2: {} } },
      },
      t2: {
        rws: { nodes: { t2rws1: { appName: "T2RWS1" }, t2rws2: { appName: "T2RWS2" } } },
        webdav: { nodes: { t2webdav1: {} } },
      },
    },
  },
});

function service(tenant: string, name: string) {
  return env.recording!.tenants.find((t) => t.key === tenant)!.services.find((s) => s.service === name)!;
}

describe("Interaction Recording behind the rendered nginx", () => {
  const stubs = new Map<string, StubNode>();
  let nginx: RunningNginx;
  const via = (path: string, cookie?: string) => fetchVia(nginx.port, path, { host: HOST, cookie });
  const nodesFor = (count: number, path: string, cookie?: string) =>
    answeringNodes(count, nginx.port, path, { host: HOST, cookie });

  beforeAll(async () => {
    const ports = await loopbackPorts(env);
    for (const tenant of env.recording!.tenants) {
      for (const svc of tenant.services) {
        for (const member of svc.members) {
          // RCS is a servlet container: it opens a session with JSESSIONID = <id>.<route>, path /rcs.
          const setCookies =
            svc.service === "rcs"
              ? (req: { headers: { cookie?: string } }) =>
                  JSESSIONID in parseCookies(req.headers.cookie)
                    ? []
                    : [`${JSESSIONID}=${randomBytes(8).toString("hex")}.${member.route}; Path=/rcs; HttpOnly`]
              : undefined;
          stubs.set(member.key, await startStubNode({ name: member.key, port: ports.get(member.id)!, setCookies }));
        }
      }
    }
    nginx = await startNginx(({ prefix, port }) =>
      renderNginxSite(env, addressesOf(env, ports), {
        prefix,
        listen: { address: "127.0.0.1", port },
        workerProcesses: 1,
        failTimeoutSeconds: 2,
      }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all([...stubs.values()].map((s) => s.close()));
  });

  it("sends the http nodes the public host as the client sent it, as Host and X-Forwarded-Host", async () => {
    const publicHost = `${HOST}:8443`;
    for (const path of ["/t1/api/v2/me", "/t1/rp/api/v1/x", "/t1/recordings/a.mp3"]) {
      const all = [...stubs.values()];
      const before = all.map((s) => s.requests.length);
      expect((await fetchVia(nginx.port, path, { host: publicHost })).status, path).toBe(200);
      const got = all.flatMap((s, i) => s.requests.slice(before[i]));
      expect(
        got.map((r) => [r.host, r.forwardedHost]),
        path,
      ).toEqual([[publicHost, publicHost]]);
    }
  });

  it.each([
    ["/t1/api/v2/me?fields=a,b", "/api/v2/me?fields=a,b", /^t1rws/],
    ["/t1/internal-api/settings", "/internal-api/settings", /^t1rws/],
    ["/t1/rp/api/v1/recordings", "/api/v1/recordings", /^t1rp/],
    ["/t1/rcs/api/v1/keys", "/rcs/api/v1/keys", /^t1rcs/],
    ["/t1/interactionreceiver/events", "/interactionreceiver/events", /^t1ir/],
    ["/t1/recordings/2024/a.mp3", "/recordings/2024/a.mp3", /^t1webdav1$/],
    ["/t1/dest2/b.mp3", "/dest2/b.mp3", /^t1webdav1$/],
    ["/t2/api/v2/me", "/api/v2/me", /^t2rws/],
    ["/t2/recordings/c.mp3", "/recordings/c.mp3", /^t2webdav1$/],
  ])("publishes %s to the node as %s", async (publicPath, backendPath, node) => {
    const reply = await via(publicPath);
    expect(reply.status).toBe(200);
    expect(reply.node).toMatch(node);
    expect(JSON.parse(reply.body).url).toBe(backendPath);
  });

  it("passes WebDAV uploads to the node", async () => {
    const reply = await fetchVia(nginx.port, "/t1/recordings/up.mp3", {
      host: HOST,
      method: "PUT",
      body: "x".repeat(200_000),
    });
    expect([reply.status, reply.node, JSON.parse(reply.body).method]).toEqual([200, "t1webdav1", "PUT"]);
  });

  it("answers nothing outside the tenants' published paths", async () => {
    for (const path of ["/t1/other", "/t3/api/v2/me", "/api/v2/me", "/t1"]) {
      expect((await via(path)).status, path).toBe(403);
    }
  });

  it("ends each published prefix at a path boundary, as httpd does: /t1/apix never reaches RWS as /apix", async () => {
    const seen = () => [...stubs.values()].reduce((n, s) => n + s.requests.length, 0);
    const before = seen();
    for (const path of [
      "/t1/apix",
      "/t1/apix/v2",
      "/t1/internal-apix",
      "/t1/rp/apix",
      "/t1/rcsx",
      "/t1/recordingsx/a.mp3",
      "/t1/interactionreceiverx",
    ]) {
      expect((await via(path)).status, path).toBe(403);
    }
    expect(seen()).toBe(before);
    const exact = await via("/t1/rp/api");
    expect([exact.status, JSON.parse(exact.body).url]).toEqual([200, "/api"]);
  });

  it("pins a new RWS client with a ROUTEID cookie on path /t1 and keeps it there", async () => {
    const first = await via("/t1/api/v2/me");
    const route = service("t1", "rws").members.find((m) => m.key === first.node)!.route;
    expect(setCookies(first)).toEqual([`${ROUTEID}=.${route}; Path=/t1; HttpOnly`]);
    const replies = await Promise.all(Array.from({ length: 50 }, () => via("/t1/api/v2/me", `${ROUTEID}=.${route}`)));
    expect(tally(replies.map((r) => r.node!))).toEqual({ [first.node!]: 50 });
    expect(replies.flatMap(setCookies)).toEqual([]);
  });

  it("pins 100% of 50 RWS requests to each route's node", async () => {
    for (const member of service("t1", "rws").members) {
      expect(tally(await nodesFor(50, "/t1/internal-api/x", `${ROUTEID}=.${member.route}`))).toEqual({
        [member.key]: 50,
      });
    }
  });

  it("pins RCS on the JSESSIONID route after the first dot and moves the cookie into the tenant's path", async () => {
    const first = await via("/t1/rcs/api/v1/keys");
    const cookie = setCookies(first)[0];
    expect(cookie).toMatch(new RegExp(`^${JSESSIONID}=[0-9a-f]+\\.RCS_[12]; Path=/t1/rcs; HttpOnly$`));
    expect(tally(await nodesFor(50, "/t1/rcs/api/v1/keys", cookie.split(";")[0]))).toEqual({ [first.node!]: 50 });
    expect(tally(await nodesFor(50, "/t1/rcs/x", `${JSESSIONID}=0A1B.RCS_2`))).toEqual({ t1rcs2: 50 });
  });

  it("keeps tenants apart: another tenant's route cookie does not reach its nodes", async () => {
    const answered = await nodesFor(20, "/t2/api/v2/me", `${ROUTEID}=.T1RWS1`);
    expect(answered.every((n) => n.startsWith("t2rws"))).toBe(true);
    expect(Object.keys(tally(answered)).length).toBe(2);
    expect(tally(await nodesFor(20, "/t2/api/v2/me", `${ROUTEID}=.T2RWS2`))).toEqual({ t2rws2: 20 });
  });

  it("spreads RP over every member: no standby", async () => {
    expect(tally(await nodesFor(20, "/t1/rp/api/v1/x"))).toEqual({ t1rp1: 10, t1rp2: 10 });
  });

  it("keeps the WebDAV hot standby idle while the primary is up", async () => {
    const before = stubs.get("t1webdav2")!.requests.length;
    expect(tally(await nodesFor(30, "/t1/recordings/x.mp3"))).toEqual({ t1webdav1: 30 });
    expect(stubs.get("t1webdav2")!.requests.length).toBe(before);
  });

  it("shows stub_status to 127.0.0.1 only", async () => {
    const local = await fetchVia(nginx.port, STATUS_PATH, { localAddress: "127.0.0.1" });
    expect(local.status).toBe(200);
    expect(local.body).toMatch(/Reading: \d+ Writing: \d+ Waiting: \d+/);
    expect((await fetchVia(nginx.port, STATUS_PATH, { localAddress: "127.0.0.2" })).status).toBe(403);
    expect((await fetchVia(nginx.port, STATUS_PATH, { host: HOST })).status).toBe(403);
  });

  it("re-pins an RWS client whose node died, without an error", async () => {
    await stubs.get("t1rws1")!.close();
    const moved = await via("/t1/api/v2/me", `${ROUTEID}=.T1RWS1`);
    expect([moved.status, moved.node]).toEqual([200, "t1rws2"]);
    expect(setCookies(moved)).toEqual([`${ROUTEID}=.T1RWS2; Path=/t1; HttpOnly`]);
    const answered = await nodesFor(30, "/t1/api/v2/me", `${ROUTEID}=.T1RWS1`);
    expect(tally(answered)).toEqual({ t1rws2: 30 });
    expect((await via("/t1/api/v2/me", `${ROUTEID}=.T1RWS2`)).headers["set-cookie"]).toBeUndefined();
  });

  it("moves WebDAV to the hot standby only when the primary is down, without an error", async () => {
    await stubs.get("t1webdav1")!.close();
    expect(tally(await nodesFor(30, "/t1/dest2/y.mp3"))).toEqual({ t1webdav2: 30 });
  });

  it("keeps RP serving from the remaining member without an error", async () => {
    await stubs.get("t1rp1")!.close();
    expect(tally(await nodesFor(20, "/t1/rp/api/v1/x"))).toEqual({ t1rp2: 20 });
  });
});
