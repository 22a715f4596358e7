/**
 * The order in which a balancer that chooses its node first tries its nodes,
 * and the maps that choose them: new clients spread over the primary nodes
 * only, each next attempt a different node, the standby last.
 */
import { describe, expect, it } from "vitest";
import { attemptOrder, renderChosenNodeBalancer, type NamedNode } from "../../../core/render/nginx/chosen-node";
import type { SiteContext } from "../../../core/render/nginx/balancer";

const node = (key: string, hotStandby = false): NamedNode => ({
  key,
  node: `recording/t1/webdav/${key}`,
  scheme: "https",
  route: key.toUpperCase(),
  port: 8443,
  tlsName: `${key}.recording.example.com`,
  dnsName: `${key}.recording.example.com`,
  hotStandby,
});

const NODES = [node("w1"), node("w2"), node("w3"), node("w4", true)];
const ctx: SiteContext = {
  listen: "127.0.0.1:8080",
  timers: { maxFails: 1, failTimeoutSeconds: 30, keepalive: 16 },
  addresses: Object.fromEntries(NODES.map((n, i) => [n.node, `10.0.0.${i + 1}`])),
  secureCookies: false,
};

describe("a balancer that chooses its node first", () => {
  it.each([
    ["w1", ["w1", "w2", "w3", "w4"]],
    ["w2", ["w2", "w3", "w1", "w4"]],
    ["w3", ["w3", "w1", "w2", "w4"]],
    ["w4", ["w4", "w1", "w2", "w3"]],
  ])("tries every node once from %s, the other primaries in turn and the standby last", (first, order) => {
    expect(
      attemptOrder(
        NODES,
        NODES.find((n) => n.key === first)!,
      ).map((n) => n.key),
    ).toEqual(order);
  });

  const rendered = renderChosenNodeBalancer(
    { name: "t1-webdav", nodes: NODES, variablePrefix: "t1_webdav" },
    ctx,
    ctx.timers,
    () => [],
  );
  const text = rendered.upstreams.map((b) => b.join("\n")).join("\n");

  it("spreads new clients over the primary nodes only, in shares that add up to all of them", () => {
    const split = /split_clients "\$request_id" \$t1_webdav_node1 \{([^}]*)\}/.exec(text)![1];
    expect(split.trim().split(/;\s*/).filter(Boolean)).toEqual([
      "33.33% t1-webdav.w1",
      "33.33% t1-webdav.w2",
      "* t1-webdav.w3",
    ]);
  });

  it("has one group per node, whose failures count (a second entry of the node, down)", () => {
    expect(text).toMatch(
      /upstream t1-webdav\.w4 \{\n\s+zone t1-webdav\.w4 64k;\n\s+server 10\.0\.0\.4:8443 max_fails=1 fail_timeout=30s;\n\s+server 10\.0\.0\.4:8443 down;\n\s+keepalive 16;\n\}/,
    );
  });

  it("passes a failed attempt on by named locations, one per further node, the last without a next", () => {
    expect(rendered.firstAttempt).toContain("error_page 502 504 = @t1_webdav_node2;");
    expect(rendered.nextAttempts.map((l) => l[0])).toEqual([
      "location @t1_webdav_node2 {",
      "location @t1_webdav_node3 {",
      "location @t1_webdav_node4 {",
    ]);
    expect(rendered.nextAttempts.at(-1)!.join("\n")).not.toMatch(/error_page/);
    for (const location of rendered.nextAttempts)
      expect(location.slice(1, 4)).toEqual(["    if ($genesys_resend_refused) {", "        return 502;", "    }"]);
  });
});
