/**
 * Data-plane throughput of Web Engagement 8.5 stickiness, measured with wrk on
 * loopback in one run: straight to one node, through the rendered nginx
 * config, and through the guide's own nginx sample (Web Engagement 8.5 load-balancing guide), each round
 * measuring all of them so the ratios compare like with like. Then, under
 * load, how many responses came from the cookie's node.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { Socket } from "node:net";
import type { Environment } from "../core/model/environment";
import { COOKIES, stickyValue } from "../core/model/genesys-facts";
import { loadEnvironment } from "../core/model/load";
import { renderNginxSite } from "../core/render/nginx";
import { makePrefix, startNginx } from "../test/support/nginx";
import { freePorts } from "../test/support/ports";
import { requireBinary } from "../test/support/real-servers";
import type { Figure } from "./results";
import { byPlanId } from "../test/support/plan-node-ids";

const GROUP = "data plane";
const HOST = "gwe.example.com";
const PATH = "/server/cometd";
const STICKY_NODE = "GWE_Node_2";

/** What a balancer under test gets: the environment, where its nodes listen, and the request wrk sends. */
export interface BenchNodes {
  readonly environment: Environment;
  /** Node key -> 127.0.0.1:port. */
  readonly addresses: Readonly<Record<string, string>>;
  readonly host: string;
  readonly path: string;
  /** Cookie header value pinning requests to `stickyNode`. */
  readonly cookie: string;
  readonly stickyNode: string;
}

export interface RunningBalancer {
  readonly port: number;
  stop(): Promise<void>;
}

/** A balancer to measure beside the rendered nginx and the guide's sample (e.g. the rendered httpd config). */
export interface DataPlaneTarget {
  readonly name: string;
  /** Throughput it must reach as a fraction of direct, if any. */
  readonly minRatioToDirect?: number;
  start(nodes: BenchNodes): Promise<RunningBalancer>;
}

export interface DataPlaneOptions {
  readonly extraTargets?: readonly DataPlaneTarget[];
  /** Rounds of measurements; each round measures every target once. @default 3 */
  readonly rounds?: number;
  /** wrk duration per measurement, seconds. @default 5 */
  readonly seconds?: number;
  /** wrk connections. @default 32 */
  readonly connections?: number;
}

interface WrkResult {
  readonly requestsPerSecond: number;
  readonly errors: number;
  /** X-Node -> responses, when counted. */
  readonly nodes?: Record<string, number>;
}

/** Counts X-Node per wrk thread and prints the sum as one JSON line. */
const COUNT_NODES_LUA = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body)
  local node = headers["X-Node"] or headers["x-node"] or ("status:" .. status)
  counts[node] = (counts[node] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format("%q:%d", k, v)) end
  io.write("NODES {" .. table.concat(parts, ",") .. "}\\n")
end
`;

async function runWrk(
  port: number,
  nodes: BenchNodes,
  seconds: number,
  connections: number,
  countScript?: string,
): Promise<WrkResult> {
  const wrk = requireBinary("wrk", "wrk");
  const args = [
    "-t2",
    `-c${connections}`,
    `-d${seconds}s`,
    "-H",
    `Host: ${nodes.host}`,
    "-H",
    `Cookie: ${nodes.cookie}`,
  ];
  if (countScript) args.push("-s", countScript);
  args.push(`http://127.0.0.1:${port}${nodes.path}`);
  const child = spawn(wrk, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + 15) * 1000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(killer);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (code !== 0 || !rps) throw new Error(`wrk failed (exit ${code}):\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  const counted = /NODES (\{.*\})/.exec(out);
  return {
    requestsPerSecond: Number(rps[1]),
    errors,
    nodes: counted ? (JSON.parse(counted[1]) as Record<string, number>) : undefined,
  };
}

/** A plain fast node: its name in X-Node and a small body, keepalive on. */
async function startBenchNode(name: string, port: number): Promise<{ close(): Promise<void> }> {
  const body = JSON.stringify({ node: name });
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, {
      "X-Node": name,
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function benchEnvironment(): Environment {
  const config = {
    environment: "development",
    region: "eu-west-1",
    network: { vpcCidr: "10.40.0.0/16", availabilityZones: ["eu-west-1a"] },
    site: { domain: "example.com" },
    webEngagement85: { hostname: HOST, nodes: { GWE_Node_1: {}, GWE_Node_2: {} } },
  };
  const result = loadEnvironment(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [`genesys:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  );
  if (!result.environment) throw new Error(`bench config rejected: ${JSON.stringify(result.problems)}`);
  return result.environment;
}

export const renderedNginx: DataPlaneTarget = {
  name: "rendered nginx",
  minRatioToDirect: 0.45,
  start: (nodes) =>
    startNginx(({ prefix, port }) =>
      renderNginxSite(nodes.environment, byPlanId(nodes.environment, nodes.addresses), {
        prefix,
        listen: { address: "127.0.0.1", port },
        workerProcesses: "auto",
      }),
    ),
};

export const guideSample: DataPlaneTarget = {
  name: "guide's nginx sample",
  start: (nodes) => {
    const template = readFileSync(join(__dirname, "fixtures", "nginx-guide-sample.conf"), "utf8");
    return startNginx(({ prefix, port }) => [
      {
        path: "nginx.conf",
        content: template
          .replace(/\{\{PREFIX\}\}/g, prefix)
          .replace(/\{\{PORT\}\}/g, String(port))
          .replace(/\{\{WORKERS\}\}/g, "auto")
          .replace(/\{\{NODE_1\}\}/g, nodes.addresses.GWE_Node_1)
          .replace(/\{\{NODE_2\}\}/g, nodes.addresses.GWE_Node_2),
      },
    ]);
  },
};

export async function benchDataPlane(options: DataPlaneOptions = {}): Promise<Figure[]> {
  const rounds = options.rounds ?? 3;
  const seconds = options.seconds ?? 5;
  const connections = options.connections ?? 32;
  const loadAtStart = loadavg()[0];
  const environment = benchEnvironment();
  const nodeKeys = environment.webEngagement85!.nodes.map((n) => n.key);
  const ports = await freePorts(nodeKeys.length);
  const addresses = Object.fromEntries(nodeKeys.map((key, i) => [key, `127.0.0.1:${ports[i]}`]));
  const nodes: BenchNodes = {
    environment,
    addresses,
    host: HOST,
    path: PATH,
    cookie: `${COOKIES.webEngagement85}=${stickyValue(STICKY_NODE)}`,
    stickyNode: STICKY_NODE,
  };
  const targets = [renderedNginx, guideSample, ...(options.extraTargets ?? [])];

  const servers = await Promise.all(nodeKeys.map((key, i) => startBenchNode(key, ports[i])));
  const running: { target: DataPlaneTarget; balancer: RunningBalancer }[] = [];
  const scratch = makePrefix();
  const countScript = join(scratch, "count-nodes.lua");
  writeFileSync(countScript, COUNT_NODES_LUA);
  try {
    for (const target of targets) running.push({ target, balancer: await target.start(nodes) });
    const directPort = ports[nodeKeys.indexOf(STICKY_NODE)];
    const direct: WrkResult[] = [];
    const through = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      direct.push(await runWrk(directPort, nodes, seconds, connections));
      for (const { target, balancer } of running)
        through.get(target.name)!.push(await runWrk(balancer.port, nodes, seconds, connections));
    }
    const sticky = new Map<string, Record<string, number>>();
    for (const { target, balancer } of running)
      sticky.set(
        target.name,
        (await runWrk(balancer.port, nodes, Math.min(seconds, 3), connections, countScript)).nodes ?? {},
      );

    const errors = (results: readonly WrkResult[]) => `${results.reduce((n, r) => n + r.errors, 0)} errors`;
    // Loopback throughput shares the cores with everything else running: the load average says how much.
    const wrkNote = `wrk -t2 -c${connections} -d${seconds}s, cookie ${nodes.cookie}, load average ${loadAtStart.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`;
    const figures: Figure[] = [
      {
        group: GROUP,
        name: "direct to one node",
        unit: "req/s",
        samples: direct.map((r) => r.requestsPerSecond),
        note: `${wrkNote}, ${errors(direct)}`,
      },
    ];
    for (const target of targets) {
      const results = through.get(target.name)!;
      figures.push({
        group: GROUP,
        name: target.name,
        unit: "req/s",
        samples: results.map((r) => r.requestsPerSecond),
        note: errors(results),
      });
      figures.push({
        group: GROUP,
        name: `${target.name} ÷ direct`,
        unit: "×",
        samples: results.map((r, i) => r.requestsPerSecond / direct[i].requestsPerSecond),
        target: target.minRatioToDirect === undefined ? undefined : { op: ">=", value: target.minRatioToDirect },
      });
    }
    const rendered = through.get(renderedNginx.name)!;
    figures.push({
      group: GROUP,
      name: `${renderedNginx.name} ÷ ${guideSample.name}`,
      unit: "×",
      samples: rendered.map((r, i) => r.requestsPerSecond / through.get(guideSample.name)![i].requestsPerSecond),
      target: { op: ">=", value: 2 },
    });
    for (const target of targets) {
      const counts = sticky.get(target.name)!;
      const total = Object.values(counts).reduce((n, v) => n + v, 0);
      figures.push({
        group: GROUP,
        name: `${target.name}: responses from the cookie's node under load`,
        unit: "%",
        samples: [total === 0 ? 0 : (100 * (counts[STICKY_NODE] ?? 0)) / total],
        target: { op: ">=", value: 100 },
        note: `${total} requests: ${JSON.stringify(counts)}`,
      });
    }
    return figures;
  } finally {
    for (const { balancer } of running) await balancer.stop();
    await Promise.all(servers.map((s) => s.close()));
    rmSync(scratch, { recursive: true, force: true });
  }
}
