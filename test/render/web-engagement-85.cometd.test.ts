/**
 * Web Engagement 8.5 end to end: the official CometD JavaScript client talks
 * through every rendered balancer config to real Bayeux servers standing in
 * for the GWE nodes (as strict as CometD towards sessions they do not know).
 *
 * Stickiness is what makes a CometD session work: a publish or a poll that
 * reaches a node other than the one that made the session is refused and the
 * client must handshake again. So a session that completes with exactly one
 * handshake, all its publishes accepted, proves the balancer kept it on its
 * node; the same config with the stickiness removed must fail these checks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKIES, stickyValue } from "../../core/model/genesys-facts";
import { startBayeuxNode, type BayeuxNode } from "../support/bayeux-node";
import { openBrowser, until, type CometdClient, type CometdTransport } from "../support/cometd-browser";
import { HTTPD_BUILD_TIMEOUT_MS } from "../support/apache";
import {
  GWE85_BALANCERS,
  GWE85_HOST,
  gwe85Environment,
  type Gwe85Balancer,
  type RunningBalancer,
} from "../support/gwe85-balancers";
import { freePorts } from "../support/ports";

const NODES = ["GWE_Node_1", "GWE_Node_2", "GWE_Node_3"];
const PUBLISHES = 20;
/** CometD's back-off step, shortened so reconnects take tenths of a second, not seconds; nothing here measures it. */
const BACKOFF_MS = 100;

interface Cluster {
  readonly nodes: Map<string, BayeuxNode>;
  readonly balancer: RunningBalancer;
  stop(): Promise<void>;
}

async function startCluster(server: Gwe85Balancer, sticky: boolean): Promise<Cluster> {
  const ports = await freePorts(NODES.length);
  const nodes = new Map<string, BayeuxNode>();
  // Polls are held 1 s, so a few seconds of session include several /meta/connect round trips.
  for (const [i, name] of NODES.entries())
    nodes.set(name, await startBayeuxNode({ name, port: ports[i], longPollSeconds: 1 }));
  const addresses = Object.fromEntries(NODES.map((name, i) => [name, `127.0.0.1:${ports[i]}`]));
  try {
    const balancer = await server.start(gwe85Environment(NODES), addresses, { sticky });
    return {
      nodes,
      balancer,
      async stop() {
        await balancer.stop();
        await Promise.all([...nodes.values()].map((n) => n.kill()));
      },
    };
  } catch (error) {
    await Promise.all([...nodes.values()].map((n) => n.kill()));
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms))]);
}

/** Publishes in order and lists the ones the server did not accept. */
async function publishAll(client: CometdClient, count: number): Promise<string[]> {
  const refused: string[] = [];
  for (let seq = 0; seq < count; seq++) {
    const accepted = await withTimeout(client.publish("/gwe/chat", { seq }), 3_000, false);
    if (!accepted) refused.push(`publish ${seq} was not accepted`);
  }
  return refused;
}

/** The node whose sessions this client holds, by the last successful handshake. */
function sessionNode(client: CometdClient): string | undefined {
  return client.successfulHandshakes().at(-1)?.node;
}

function handshakeProblems(client: CometdClient): string[] {
  const sent = client.handshakesSent.length;
  const by = [...new Set(client.successfulHandshakes().map((r) => r.node))].join(", ") || "none";
  return sent === 1 ? [] : [`${sent} handshakes instead of exactly one (answered by ${by})`];
}

/**
 * A long-polling session: it connects, publishes, and keeps polling for 3 s.
 * Returns what broke the session; nothing when it stayed on its node.
 */
async function longPollingProblems(port: number): Promise<string[]> {
  const browser = openBrowser(GWE85_HOST);
  try {
    const client = browser.client(port, "long-polling", { backoffIncrement: BACKOFF_MS });
    try {
      await client.start(5_000);
    } catch (error) {
      return [(error as Error).message, ...handshakeProblems(client)];
    }
    const problems = await publishAll(client, PUBLISHES);
    const polls = client.replies.filter((r) => r.channel === "/meta/connect").length;
    // Each poll is held 1 s: after 3 s the session has polled again at least twice.
    await until(
      () => client.replies.filter((r) => r.channel === "/meta/connect").length >= polls + 2,
      10_000,
      "two more polls",
    ).catch((e: Error) => problems.push(e.message));
    const polled = client.replies.filter((r) => r.channel === "/meta/connect");
    problems.push(
      ...polled
        .filter((r) => !r.successful)
        .map((r) => `a poll answered by ${r.node ?? "?"} failed: ${r.error ?? "no answer"}`),
    );
    problems.push(...handshakeProblems(client));
    return problems;
  } finally {
    await browser.close();
  }
}

/**
 * A WebSocket session: it upgrades, publishes, then its node closes the
 * WebSocket three times (a network blip) and the client reconnects each time.
 */
async function webSocketProblems(port: number, nodes: ReadonlyMap<string, BayeuxNode>): Promise<string[]> {
  const browser = openBrowser(GWE85_HOST);
  try {
    const client = browser.client(port, "websocket", { backoffIncrement: BACKOFF_MS });
    try {
      await client.start(5_000);
    } catch (error) {
      return [(error as Error).message, ...handshakeProblems(client)];
    }
    const problems: string[] = [];
    const transport = client.cometd.getTransport()?.type;
    if (transport !== "websocket") problems.push(`the session runs over ${transport}, not websocket`);
    problems.push(...(await publishAll(client, PUBLISHES)));
    const home = sessionNode(client);
    for (let blip = 1; blip <= 3; blip++) {
      const upgrades = new Map([...nodes].map(([name, n]) => [name, n.upgrades()]));
      const opened = browser.upgrades.filter((u) => u.outcome === "opened").length;
      for (const n of nodes.values()) n.dropWebSockets();
      try {
        await until(
          () => browser.upgrades.filter((u) => u.outcome === "opened").length > opened,
          10_000,
          `WebSocket reconnect ${blip}`,
        );
      } catch (error) {
        problems.push((error as Error).message);
        break;
      }
      const reached = [...nodes].filter(([name, n]) => n.upgrades() > upgrades.get(name)!).map(([name]) => name);
      if (reached.join() !== home)
        problems.push(`reconnect ${blip} reached ${reached.join(", ") || "no node"} instead of ${home}`);
      problems.push(...(await publishAll(client, 5)));
    }
    problems.push(...handshakeProblems(client));
    return problems;
  } finally {
    await browser.close();
  }
}

describe.each(GWE85_BALANCERS)("CometD sessions through the rendered Web Engagement 8.5 config on $name", (server) => {
  if (server.skipReason !== undefined) {
    it.skip(`not run: ${server.skipReason}`, () => {});
    return;
  }
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(server, true);
  }, HTTPD_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("completes a long-polling session with exactly one handshake, every publish and poll on its node", async () => {
    expect(await longPollingProblems(cluster.balancer.port)).toEqual([]);
  });

  it("completes a WebSocket session with exactly one handshake; each reconnect returns to the same node", async () => {
    expect(await webSocketProblems(cluster.balancer.port, cluster.nodes)).toEqual([]);
  });

  it.each<CometdTransport>(["long-polling", "websocket"])(
    "re-handshakes a %s session on another node after its node dies",
    async (transport) => {
      const browser = openBrowser(GWE85_HOST);
      try {
        const client = browser.client(cluster.balancer.port, transport, { backoffIncrement: BACKOFF_MS });
        await client.start(5_000);
        const dead = sessionNode(client)!;
        expect(browser.jar.get(COOKIES.webEngagement85)).toBe(stickyValue(dead));
        // The node dies while it holds the session's next poll (held 1 s), on a connection that served earlier requests.
        await new Promise((r) => setTimeout(r, 300));
        const killedAt = Date.now();
        await cluster.nodes.get(dead)!.kill();
        await until(() => sessionNode(client) !== dead, 10_000, `a handshake on a node other than ${dead}`);
        // Every request the client had in flight got an HTTP answer: none ended with the connection closed on it.
        expect(browser.requests.filter((r) => r.at >= killedAt && r.status === 0)).toEqual([]);
        const next = sessionNode(client)!;
        expect(NODES).toContain(next);
        expect(browser.jar.get(COOKIES.webEngagement85)).toBe(stickyValue(next));
        expect(await publishAll(client, 5)).toEqual([]);
        expect(client.handshakesSent).toHaveLength(2);
        // A WebSocket session comes back over a WebSocket, not over long polling.
        expect(client.cometd.getTransport()?.type).toBe(transport);
        if (transport === "websocket")
          expect(browser.upgrades.filter((u) => u.at >= killedAt && u.outcome === "opened").length).toBeGreaterThan(0);
      } finally {
        await browser.close();
      }
    },
  );
});

describe.each(GWE85_BALANCERS)("non-sticky control: the same config on $name without stickiness", (server) => {
  if (server.skipReason !== undefined) {
    it.skip(`not run: ${server.skipReason}`, () => {});
    return;
  }
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(server, false);
  }, HTTPD_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("fails the long-polling session checks", async () => {
    const problems = await longPollingProblems(cluster.balancer.port);
    expect(
      problems.filter((p) => /handshakes instead of exactly one/.test(p)),
      problems.join("\n"),
    ).toHaveLength(1);
  });

  it("fails the WebSocket session checks", async () => {
    const problems = await webSocketProblems(cluster.balancer.port, cluster.nodes);
    expect(
      problems.filter((p) => /handshakes instead of exactly one/.test(p)),
      problems.join("\n"),
    ).toHaveLength(1);
    expect(problems.filter((p) => /^reconnect \d reached/.test(p)).length, problems.join("\n")).toBeGreaterThan(0);
  });
});
