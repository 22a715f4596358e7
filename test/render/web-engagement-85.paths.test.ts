/**
 * Web Engagement 8.5 publishes /server and nothing else, on every server that
 * runs the rendered config: the prefix ends at a path boundary, so /serverx
 * never reaches a GWE node as /serverx, and an unpublished path gets the same
 * answer from httpd (its file system is `Require all denied`) and nginx.
 * Every server sends the node the public host as the client sent it (port
 * included), so a redirect the node makes names the public URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTPD_BUILD_TIMEOUT_MS } from "../support/apache";
import { GWE85_BALANCERS, GWE85_HOST, gwe85Environment, type RunningBalancer } from "../support/gwe85-balancers";
import type { StubNode } from "../support/stub-node";
import { send } from "./httpd/fixtures";
import { GWE_DIRECTORY, GWE_NODES, startGweNodes } from "./httpd/gwe-nodes";

/** The public host with the port of the guide's GWE cluster application, as a client sends it. */
const PUBLIC_HOST = `${GWE85_HOST}:9081`;

/** Path -> what every server must answer: the node's path, or a refusal that reaches no node. */
const EXPECTED: readonly (readonly [string, number, string | undefined])[] = [
  ["/server", 200, "/server"],
  ["/server/", 200, "/server/"],
  ["/server/cometd/connect", 200, "/server/cometd/connect"],
  ["/serverx", 403, undefined],
  ["/serverx/cometd", 403, undefined],
  ["/server-x/isAlive", 403, undefined],
  ["/", 403, undefined],
];

describe.each(GWE85_BALANCERS.map((b) => [b.name, b] as const))("GWE 8.5 published paths on %s", (_, server) => {
  if (server.skipReason !== undefined) {
    it.skip(`not run: ${server.skipReason}`, () => {});
    return;
  }
  let nodes: StubNode[];
  let balancer: RunningBalancer;
  const reached = () => nodes.reduce((n, s) => n + s.requests.length, 0);

  beforeAll(async () => {
    nodes = await startGweNodes(GWE_NODES);
    const env = gwe85Environment(GWE_NODES);
    const addresses = Object.fromEntries(nodes.map((n) => [n.name, `127.0.0.1:${n.port}`]));
    balancer = await server.start(env, addresses, { sticky: true });
  }, HTTPD_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all((nodes ?? []).map((n) => n.close()));
  });

  it.each(EXPECTED.map(([path, status, url]) => [path, status, url] as const))(
    "%s answers %i and reaches the node as %s",
    async (path, status, url) => {
      const before = reached();
      const reply = await send(balancer.port, path, { host: GWE85_HOST });
      expect(reply.status).toBe(status);
      if (url === undefined) {
        expect(reply.node).toBeUndefined();
        expect(reached()).toBe(before);
      } else {
        expect(reply.node).toBeDefined();
        expect(JSON.parse(reply.body).url).toBe(url);
      }
    },
  );

  it("sends the node the public host as the client sent it, as Host and X-Forwarded-Host", async () => {
    const before = nodes.map((n) => n.requests.length);
    const reply = await send(balancer.port, "/server/cometd/handshake", { host: PUBLIC_HOST });
    expect(reply.status).toBe(200);
    const got = nodes.flatMap((n, i) => n.requests.slice(before[i]));
    expect(got.map((r) => [r.url, r.host, r.forwardedHost])).toEqual([
      ["/server/cometd/handshake", PUBLIC_HOST, PUBLIC_HOST],
    ]);
  });

  it("passes on a node's redirect to the public URL, never to the node's own address", async () => {
    const reply = await send(balancer.port, GWE_DIRECTORY, { host: PUBLIC_HOST });
    expect([reply.status, reply.headers.location]).toEqual([302, `http://${PUBLIC_HOST}${GWE_DIRECTORY}/`]);
  });
});
