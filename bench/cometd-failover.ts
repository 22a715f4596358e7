/**
 * What a CometD session lives through when its Web Engagement 8.5 node dies,
 * behind the rendered nginx, the rendered httpd and the guide's nginx sample:
 * the official CometD client (its default back-off) publishes 100 messages a
 * second on a session held by a Bayeux stand-in node; the node is killed and
 * the run measures the time until the session has handshaken on the other
 * node, the publishes no node accepted, the requests that ended without any
 * HTTP response, and, for a WebSocket session, the upgrades refused before
 * one opens again.
 */
import { loadavg } from "node:os";
import { COOKIES, stickyValue } from "../core/model/genesys-facts";
import { openBrowser, until, type Browser, type CometdTransport } from "../test/support/cometd-browser";
import { GWE85_HOST, gwe85Environment } from "../test/support/gwe85-balancers";
import { freePorts } from "../test/support/ports";
import { startNodeProcess } from "./bayeux-nodes-process";
import { guideSample, renderedNginx, type BenchNodes, type DataPlaneTarget, type RunningBalancer } from "./data-plane";
import { renderedHttpd } from "./httpd-target";
import type { Figure, Target } from "./results";

const GROUP = "CometD failover";
const NODES = ["GWE_Node_1", "GWE_Node_2"];
const PUBLISH_INTERVAL_MS = 10;
/** Publishing before the kill, so the session is in its steady state. */
const STEADY_MS = 500;
/** How long after the kill a session may take to come back before the sample counts as not recovered. */
const RECOVERY_WINDOW_MS = 10_000;
/** Publishing after the session is back, so publishes queued meanwhile are flushed. */
const AFTER_MS = 500;

interface FailoverTarget extends DataPlaneTarget {
  /** Targets for the long-polling re-handshake time and lost publishes. */
  readonly targets?: {
    readonly rehandshakeMs?: Target;
    readonly lost?: Target;
    readonly noResponse?: Target;
    readonly failedUpgrades?: Target;
  };
}

interface Sample {
  /** Kill to the successful handshake on the other node, ms; NaN when it did not come within the window. */
  readonly rehandshakeMs: number;
  readonly lost: number;
  readonly published: number;
  /** XHRs after the kill that ended without any HTTP response. */
  readonly noResponse: number;
  /** WebSocket upgrades refused after the kill until one opened (all of them when none did). */
  readonly failedUpgrades: number;
  /** Kill to the first upgrade that opened again, ms; NaN when none did. */
  readonly webSocketBackMs: number;
}

async function oneSample(target: DataPlaneTarget, transport: CometdTransport): Promise<Sample> {
  const environment = gwe85Environment(NODES);
  const ports = await freePorts(NODES.length);
  const nodes = await startNodeProcess(NODES.map((name, i) => ({ name, port: ports[i], longPollSeconds: 20 })));
  const addresses = Object.fromEntries(NODES.map((name, i) => [name, `127.0.0.1:${ports[i]}`]));
  const benchNodes: BenchNodes = {
    environment,
    addresses,
    host: GWE85_HOST,
    path: "/server/cometd",
    cookie: "",
    stickyNode: NODES[0],
  };
  let balancer: RunningBalancer | undefined;
  let browser: Browser | undefined;
  try {
    balancer = await target.start(benchNodes);
    browser = openBrowser(GWE85_HOST);
    const client = browser.client(balancer.port, transport);
    await client.start(10_000);
    const home = client.successfulHandshakes()[0].node!;
    if (browser.jar.get(COOKIES.webEngagement85) !== stickyValue(home))
      throw new Error(`the session on ${home} is not pinned by its cookie`);
    let seq = 0;
    const sent: number[] = [];
    const answered = new Set<number>();
    const timer = setInterval(() => {
      const n = seq++;
      sent.push(n);
      client.cometd.publish("/gwe/chat", { seq: n }, () => answered.add(n));
    }, PUBLISH_INTERVAL_MS);
    try {
      await new Promise((r) => setTimeout(r, STEADY_MS));
      const killedAt = await nodes.kill(home);
      const back = () => client.successfulHandshakes().find((r) => r.at >= killedAt && r.node !== home);
      const opened = () => browser!.upgrades.find((u) => u.at >= killedAt && u.outcome === "opened");
      await until(
        () => back() !== undefined && (transport !== "websocket" || opened() !== undefined),
        RECOVERY_WINDOW_MS,
        "recovery",
      ).catch(() => undefined);
      await new Promise((r) => setTimeout(r, AFTER_MS));
      clearInterval(timer);
      await until(() => answered.size >= sent.length, 5_000, "answers to every publish").catch(() => undefined);
      const accepted = new Set((await nodes.stats()).flatMap((n) => n.accepted));
      const reopened = opened();
      return {
        rehandshakeMs: (back()?.at ?? Number.NaN) - killedAt,
        lost: sent.filter((n) => !accepted.has(n)).length,
        published: sent.length,
        noResponse: browser.requests.filter((r) => r.at >= killedAt && r.status === 0).length,
        failedUpgrades: browser.upgrades.filter(
          (u) => u.at >= killedAt && u.outcome !== "opened" && (!reopened || u.at <= reopened.at),
        ).length,
        webSocketBackMs: (reopened?.at ?? Number.NaN) - killedAt,
      };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await browser?.close();
    await balancer?.stop();
    await nodes.stop();
  }
}

const TARGETS: readonly FailoverTarget[] = [
  {
    ...renderedNginx,
    targets: {
      rehandshakeMs: { op: "<=", value: 100 },
      lost: { op: "<=", value: 2 },
      noResponse: { op: "<=", value: 0 },
      failedUpgrades: { op: "<=", value: 1 },
    },
  },
  { ...renderedHttpd, targets: { noResponse: { op: "<=", value: 0 } } },
  guideSample,
];

export interface CometdFailoverOptions {
  /** Samples per target and transport. @default 5 */
  readonly samples?: number;
  /** Names of the targets to run. @default all */
  readonly only?: readonly string[];
  readonly log?: (line: string) => void;
}

export async function cometdFailoverFigures(options: CometdFailoverOptions = {}): Promise<Figure[]> {
  const count = options.samples ?? 5;
  const figures: Figure[] = [];
  // Client, stand-in nodes and balancer share the cores: every delay here grows with the load.
  const loadAtStart = loadavg()[0];
  const targets = TARGETS.filter((t) => !options.only || options.only.includes(t.name));
  const samples = new Map(targets.map((t) => [t.name, { longPolling: [] as Sample[], webSocket: [] as Sample[] }]));
  // Round by round, every target once per round, so a burst of load on the machine hits them alike.
  for (let i = 0; i < count; i++) {
    for (const target of targets) {
      const mine = samples.get(target.name)!;
      mine.longPolling.push(await oneSample(target, "long-polling"));
      mine.webSocket.push(await oneSample(target, "websocket"));
      options.log?.(
        `${target.name} ${i + 1}/${count}: ${JSON.stringify({ longPolling: mine.longPolling.at(-1), webSocket: mine.webSocket.at(-1) })}`,
      );
    }
  }
  for (const target of targets) {
    const { longPolling, webSocket } = samples.get(target.name)!;
    const t = target.targets ?? {};
    const published = (samples: Sample[]) =>
      `${Math.round(samples.reduce((n, s) => n + s.published, 0) / samples.length)} publishes per sample at 100/s`;
    const missed = (samples: Sample[], key: "rehandshakeMs" | "webSocketBackMs") =>
      samples.filter((s) => Number.isNaN(s[key])).length;
    figures.push(
      {
        group: GROUP,
        name: `${target.name}: long-polling session handshaken on the other node, after its node died`,
        unit: "ms",
        samples: longPolling.map((s) => s.rehandshakeMs),
        target: t.rehandshakeMs,
        note: [
          `load average ${loadAtStart.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
          ...(missed(longPolling, "rehandshakeMs") > 0
            ? [`${missed(longPolling, "rehandshakeMs")} not within ${RECOVERY_WINDOW_MS / 1000} s`]
            : []),
        ].join(", "),
      },
      {
        group: GROUP,
        name: `${target.name}: long-polling publishes lost`,
        unit: "msgs",
        samples: longPolling.map((s) => s.lost),
        target: t.lost,
        note: published(longPolling),
      },
      {
        group: GROUP,
        name: `${target.name}: requests closed without any response`,
        unit: "reqs",
        samples: longPolling.map((s) => s.noResponse),
        target: t.noResponse,
      },
      {
        group: GROUP,
        name: `${target.name}: WebSocket session handshaken on the other node`,
        unit: "ms",
        samples: webSocket.map((s) => s.rehandshakeMs),
        note:
          missed(webSocket, "rehandshakeMs") > 0
            ? `${missed(webSocket, "rehandshakeMs")} not within ${RECOVERY_WINDOW_MS / 1000} s`
            : undefined,
      },
      {
        group: GROUP,
        name: `${target.name}: WebSocket upgrades refused before one opened again`,
        unit: "upgrades",
        samples: webSocket.map((s) => s.failedUpgrades),
        target: t.failedUpgrades,
        note:
          missed(webSocket, "webSocketBackMs") > 0
            ? `no WebSocket again within ${RECOVERY_WINDOW_MS / 1000} s in ${missed(webSocket, "webSocketBackMs")} of ${webSocket.length}`
            : undefined,
      },
      {
        group: GROUP,
        name: `${target.name}: WebSocket publishes lost`,
        unit: "msgs",
        samples: webSocket.map((s) => s.lost),
        note: published(webSocket),
      },
    );
  }
  return figures;
}
