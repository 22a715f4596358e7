/**
 * A stand-in Web Engagement 8.5 node with a real Bayeux server (faye) at
 * /server/cometd, as strict as the CometD server a GWE node runs:
 *
 * - every answer it serves under /server (2xx/3xx, the WebSocket upgrade's 101
 *   included) sets GWROUTEID = "." + the node's application name when the
 *   request does not already carry it (the GWE servers set the cookie, not the
 *   balancer). A refusal (4xx) sets nothing: a balancer must not count on an
 *   error answer to re-pin its clients;
 * - a publish from a client this node did not handshake is refused with
 *   `402::Unknown client` and reaches no subscriber (faye would accept it);
 * - a /meta/connect from an unknown client gets `401::Unknown client` with
 *   advice `{reconnect: "handshake", interval: 0}` (faye leaves out the interval).
 *
 * Replies to /meta/handshake and /meta/connect carry `ext.node`, so a client
 * can tell which node answered. `kill()` is a node death: every connection
 * is dropped at once, without answers, and the port refuses from then on.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { NodeAdapter, type FayeMessage } from "faye";
import { COOKIES, HEALTH_PATHS, stickyValue, WEB_ENGAGEMENT_COMETD_PATH } from "../../core/model/genesys-facts";
import { parseCookies } from "./stub-node";

export const COMETD_PATH = WEB_ENGAGEMENT_COMETD_PATH;
/** CometD's answers to a session it does not know. */
export const UNKNOWN_CLIENT_PUBLISH = "402::Unknown client";
export const UNKNOWN_CLIENT_CONNECT = "401::Unknown client";

export interface BayeuxNodeOptions {
  /** Application name; the route in GWROUTEID. */
  readonly name: string;
  readonly port: number;
  /** Seconds a /meta/connect is held open without events. @default 20 */
  readonly longPollSeconds?: number;
}

export interface AcceptedPublish {
  readonly channel: string;
  readonly clientId: string;
  readonly data: unknown;
  readonly at: number;
}

export interface BayeuxNode {
  readonly name: string;
  readonly port: number;
  /** Client ids this node handed out, in order, with when. */
  readonly handshakes: { readonly clientId: string; readonly at: number }[];
  /** Publishes this node accepted from its own sessions. */
  readonly publishes: AcceptedPublish[];
  /** Messages refused because the session is unknown here. */
  readonly unknownClient: { readonly channel: string; readonly at: number }[];
  /** WebSocket upgrades this node accepted. */
  upgrades(): number;
  /** Closes the node's WebSocket connections (a network blip); the node and its sessions stay. */
  dropWebSockets(): void;
  /** Node death: every connection dropped without an answer, the listening port closed. */
  kill(): Promise<void>;
}

function isMeta(channel: string): boolean {
  return channel.startsWith("/meta/");
}

export async function startBayeuxNode(options: BayeuxNodeOptions): Promise<BayeuxNode> {
  const cookie = `${COOKIES.webEngagement85}=${stickyValue(options.name)}`;
  const needsCookie = (req: IncomingMessage) =>
    parseCookies(req.headers.cookie)[COOKIES.webEngagement85] !== stickyValue(options.name);
  const known = new Set<string>();
  const handshakes: BayeuxNode["handshakes"] = [];
  const publishes: AcceptedPublish[] = [];
  const unknownClient: BayeuxNode["unknownClient"] = [];
  const sockets = new Set<Duplex>();
  const webSockets = new Set<Duplex>();
  let upgrades = 0;

  const bayeux = new NodeAdapter({ mount: COMETD_PATH, timeout: options.longPollSeconds ?? 20 });
  bayeux.addExtension({
    incoming(message: FayeMessage, _request, callback) {
      if (!isMeta(message.channel) && !known.has(message.clientId ?? "")) {
        // faye would publish it to every subscriber; CometD refuses it.
        message.error = UNKNOWN_CLIENT_PUBLISH;
        unknownClient.push({ channel: message.channel, at: Date.now() });
      } else if (message.channel === "/meta/disconnect") {
        known.delete(message.clientId ?? "");
      } else if (!isMeta(message.channel)) {
        publishes.push({
          channel: message.channel,
          clientId: message.clientId ?? "",
          data: message.data,
          at: Date.now(),
        });
      }
      callback(message);
    },
    outgoing(message: FayeMessage, _request, callback) {
      if (message.channel === "/meta/handshake" || message.channel === "/meta/connect") {
        message.ext = { ...message.ext, node: options.name };
      }
      if (message.channel === "/meta/handshake" && message.successful && message.clientId) {
        known.add(message.clientId);
        handshakes.push({ clientId: message.clientId, at: Date.now() });
      } else if (message.channel === "/meta/connect" && message.successful === false) {
        unknownClient.push({ channel: message.channel, at: Date.now() });
        if (message.error?.startsWith("401:")) message.error = UNKNOWN_CLIENT_CONNECT;
        message.advice = { ...message.advice, reconnect: "handshake", interval: 0 };
      }
      callback(message);
    },
  });

  const server: Server = createServer((req, res) => {
    const writeHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => typeof res;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      if (status < 400 && needsCookie(req)) res.setHeader("Set-Cookie", `${cookie}; Path=/`);
      return writeHead(status, ...rest);
    }) as typeof res.writeHead;
    res.setHeader("X-Node", options.name);
    if (req.url === HEALTH_PATHS.webEngagement85) {
      req.resume();
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ node: options.name, alive: true }));
      return;
    }
    if (bayeux.check(req)) {
      bayeux.handle(req, res);
      return;
    }
    req.resume();
    res.statusCode = 404;
    res.end();
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket: Duplex) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (!bayeux.check(req)) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    upgrades++;
    webSockets.add(socket);
    socket.on("close", () => webSockets.delete(socket));
    // faye writes the 101 itself and takes no extra headers: add the node's cookie to it, as the GWE server does.
    const extra = `X-Node: ${options.name}\r\n${needsCookie(req) ? `Set-Cookie: ${cookie}; Path=/\r\n` : ""}`;
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    let first = true;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (first) {
        first = false;
        const text = Buffer.isBuffer(chunk) ? chunk.toString("latin1") : String(chunk);
        if (text.startsWith("HTTP/1.1 101"))
          return write(Buffer.from(text.replace("\r\n", `\r\n${extra}`), "latin1"), ...rest);
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    bayeux.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });

  let dead = false;
  return {
    name: options.name,
    port: options.port,
    handshakes,
    publishes,
    unknownClient,
    upgrades: () => upgrades,
    dropWebSockets: () => {
      for (const s of webSockets) s.destroy();
    },
    kill: async () => {
      if (dead) return;
      dead = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      bayeux.close();
      await closed;
    },
  };
}
