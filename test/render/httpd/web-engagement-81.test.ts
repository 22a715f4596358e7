/**
 * Web Engagement 8.1 through a real httpd: the frontend balancer sticks on the
 * URL parameter the Frontend Server writes, the backend balancer on a cookie
 * it issues itself; balancer "none" renders nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stickyValue } from "../../../core/model/genesys-facts";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { apacheRoot, startApache, testSiteOptions, type ApacheInstance, type ApacheRoot } from "../../support/apache";
import { freePorts } from "../../support/ports";
import { startStubNode, type StubNode } from "../../support/stub-node";
import { environmentFrom, modelBeyondAlb, send, setCookie, tally } from "./fixtures";
import { byPlanId } from "../../support/plan-node-ids";

const FRONTEND = "gwe81.example.com";
const BACKEND = "gwe81-backend.example.com";
const PARAMETER = "gwe_route";
const COOKIE = "GWEROUTE";

describe("Web Engagement 8.1 balancers on httpd", () => {
  let frontends: StubNode[];
  let backends: StubNode[];
  let root: ApacheRoot;
  let apache: ApacheInstance;

  beforeAll(async () => {
    const ports = await freePorts(4);
    frontends = await Promise.all(["GWE_FE_1", "GWE_FE_2"].map((name, i) => startStubNode({ name, port: ports[i] })));
    backends = await Promise.all(
      ["GWE_BE_1", "GWE_BE_2"].map((name, i) => startStubNode({ name, port: ports[2 + i] })),
    );
    const nodes = (stubs: StubNode[]) => Object.fromEntries(stubs.map((s) => [s.name, { port: s.port }]));
    const env = environmentFrom({
      webEngagement81: {
        frontend: { hostname: FRONTEND, stickyParameter: PARAMETER, nodes: nodes(frontends) },
        backend: { hostname: BACKEND, cookie: COOKIE, nodes: nodes(backends) },
      },
    });
    const addresses = Object.fromEntries([...frontends, ...backends].map((s) => [s.name, `127.0.0.1:${s.port}`]));
    root = await apacheRoot();
    apache = await startApache(
      renderHttpdSite(env, byPlanId(env, addresses), testSiteOptions(root, { memberRetrySeconds: 1 })),
      root,
    );
  });

  afterAll(async () => {
    await apache?.stop();
    await Promise.all([...(frontends ?? []), ...(backends ?? [])].map((s) => s.close()));
    root?.remove();
  });

  it("spreads frontend requests without the parameter over both frontend servers", async () => {
    expect(Object.keys(await tally(20, apache.port, "/frontend/gwe.js", { host: FRONTEND })).sort()).toEqual([
      "GWE_FE_1",
      "GWE_FE_2",
    ]);
  });

  it("sends frontend requests carrying ?gwe_route=.<application> to that server, query intact", async () => {
    for (const name of ["GWE_FE_1", "GWE_FE_2"]) {
      const path = `/frontend/gwe.js?a=1&${PARAMETER}=${stickyValue(name)}`;
      expect(await tally(50, apache.port, path, { host: FRONTEND })).toEqual({ [name]: 50 });
      expect(frontends.find((s) => s.name === name)?.requests.at(-1)?.url).toBe(path);
    }
  });

  it("issues its own backend cookie, sticks on it, and re-pins after the node dies", async () => {
    const first = await send(apache.port, "/backend/engage", { host: BACKEND });
    const issued = setCookie(first, COOKIE);
    expect(issued).toEqual({ value: stickyValue(first.node!), attributes: "path=/; HttpOnly" });
    expect(
      await tally(50, apache.port, "/backend/engage", { host: BACKEND, cookie: `${COOKIE}=${issued!.value}` }),
    ).toEqual({ [first.node!]: 50 });
    const again = await send(apache.port, "/backend/engage", { host: BACKEND, cookie: `${COOKIE}=${issued!.value}` });
    expect(setCookie(again, COOKIE)).toBeUndefined();

    await backends.find((s) => s.name === first.node)!.close();
    const survivor = backends.find((s) => s.name !== first.node)!.name;
    const failedOver = [];
    for (let i = 0; i < 20; i++)
      failedOver.push(
        await send(apache.port, "/backend/engage", { host: BACKEND, cookie: `${COOKIE}=${issued!.value}` }),
      );
    expect(failedOver.map((r) => `${r.status} ${r.node}`)).toEqual(Array(20).fill(`200 ${survivor}`));
    const repinned = setCookie(failedOver[0], COOKIE);
    expect(repinned?.value).toBe(stickyValue(survivor));
    expect(
      await tally(50, apache.port, "/backend/engage", { host: BACKEND, cookie: `${COOKIE}=${repinned!.value}` }),
    ).toEqual({ [survivor]: 50 });
  });

  it("routes a request for any other host name nowhere", async () => {
    for (const host of ["other.example.com", "10.0.0.1", undefined]) {
      const reply = await send(apache.port, "/frontend/gwe.js", { host });
      expect(reply.node).toBeUndefined();
      expect([403, 404]).toContain(reply.status);
    }
  });

  it("keeps server-status local even on a host that publishes /", async () => {
    const local = await send(apache.port, "/server-status?auto", { host: FRONTEND });
    expect(local.status).toBe(200);
    expect(local.node).toBeUndefined();
    expect(local.body).toMatch(/^ServerMPM: event$/m);
    const remote = await send(apache.port, "/server-status?auto", { host: FRONTEND, localAddress: "127.0.0.2" });
    expect(remote.status).toBe(403);
  });
});

describe("Web Engagement 8.1 without balancers", () => {
  it("renders nothing for it", () => {
    const env = environmentFrom({
      webEngagement81: {
        balancer: "none",
        frontend: { hostname: FRONTEND, nodes: { GWE_FE_1: {} } },
        backend: { hostname: BACKEND, nodes: { GWE_BE_1: {} } },
      },
    });
    const files = renderHttpdSite(env, {});
    expect(files.map((f) => f.path)).toEqual(["/etc/httpd/conf/httpd.conf"]);
    expect(files[0].content).not.toMatch(/VirtualHost|balancer:\/\/|gwe81/);
  });
});

describe("Web Engagement 8.1 frontend on httpd with an application name containing spaces", () => {
  let frontends: StubNode[];
  let root: ApacheRoot;
  let apache: ApacheInstance;

  beforeAll(async () => {
    const ports = await freePorts(3);
    frontends = await Promise.all(["GWE FE 1", "GWE FE 2"].map((name, i) => startStubNode({ name, port: ports[i] })));
    // An ALB cannot route these names (the loader refuses them for the stack); httpd routes both encodings.
    const env = modelBeyondAlb({
      webEngagement81: {
        frontend: {
          hostname: FRONTEND,
          stickyParameter: PARAMETER,
          nodes: {
            fe1: { appName: "GWE FE 1", port: frontends[0].port },
            fe2: { appName: "GWE FE 2", port: frontends[1].port },
          },
        },
        backend: { hostname: BACKEND, nodes: { be1: { port: ports[2] } } },
      },
    });
    root = await apacheRoot();
    apache = await startApache(
      renderHttpdSite(
        env,
        byPlanId(env, {
          fe1: `127.0.0.1:${frontends[0].port}`,
          fe2: `127.0.0.1:${frontends[1].port}`,
          be1: `127.0.0.1:${ports[2]}`,
        }),
        testSiteOptions(root, { memberRetrySeconds: 1 }),
      ),
      root,
    );
  });

  afterAll(async () => {
    await apache?.stop();
    await Promise.all((frontends ?? []).map((s) => s.close()));
    root?.remove();
  });

  it("routes '.' + the name as configured, sent %20- or +-encoded, to that server", async () => {
    for (const name of ["GWE FE 1", "GWE FE 2"]) {
      for (const encoded of [name.replace(/ /g, "%20"), name.replace(/ /g, "+")]) {
        const path = `/frontend/gwe.js?a=1&${PARAMETER}=.${encoded}&b=2`;
        expect(await tally(20, apache.port, path, { host: FRONTEND })).toEqual({ [name]: 20 });
      }
    }
    // The server still reads the same name: "%20" and "+" both decode to a space in a query.
    expect(frontends[0].requests.at(-1)?.url).toBe(`/frontend/gwe.js?a=1&${PARAMETER}=.GWE+FE+1&b=2`);
  });

  it("does not take the recording guide's underscore form for the name", async () => {
    expect(
      Object.keys(await tally(20, apache.port, `/frontend/gwe.js?${PARAMETER}=.GWE_FE_1`, { host: FRONTEND })).sort(),
    ).toEqual(["GWE FE 1", "GWE FE 2"]);
  });
});
