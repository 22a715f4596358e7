/**
 * The official CometD JavaScript client (`cometd`) on Node, through the
 * adapter (`cometd-nodejs-client`), behaving as a browser does towards a
 * balancer:
 *
 * - one cookie jar for XHR AND the WebSocket upgrade. The adapter keeps
 *   cookies for XHR only; its WebSocket (ws) sends no Cookie and drops the
 *   Set-Cookie of the 101, so a sticky balancer would never see the route on
 *   an upgrade. Here every request, the upgrade included, sends the jar and
 *   every answer (101 and refused upgrades too) fills it;
 * - the Host header of the public name, since the balancer routes by it.
 *
 * The client lives in globals (`window`), so one browser is active at a time.
 */
import type { ClientRequest, IncomingMessage } from "node:http";
import { CometD, type Message } from "cometd";
import { XMLHttpRequest as AdapterXMLHttpRequest } from "cometd-nodejs-client/src/XMLHttpRequest.js";
import { WebSocket as NodeWebSocket } from "ws";
import { COMETD_PATH } from "./bayeux-node";

export type CometdTransport = "long-polling" | "websocket";

/** Cookies by name, like a browser's jar for one host (no Path or expiry handling: the balancer's cookies have Path=/). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookie: string | readonly string[] | undefined): void {
    for (const header of typeof setCookie === "string" ? [setCookie] : (setCookie ?? [])) {
      const pair = header.split(";")[0].trim();
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie header, or undefined when the jar is empty. */
  header(): string | undefined {
    return this.cookies.size === 0 ? undefined : [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export interface UpgradeAttempt {
  readonly at: number;
  /** 101 and open, or the status of the refusal (0: no answer). */
  readonly outcome: "opened" | number;
  readonly cookie: string | undefined;
}

/** How an XHR ended: its HTTP status, or 0 when the connection closed without a response. */
export interface XhrOutcome {
  readonly at: number;
  readonly status: number;
}

export interface Browser {
  readonly jar: CookieJar;
  readonly host: string;
  readonly upgrades: UpgradeAttempt[];
  readonly requests: XhrOutcome[];
  /** A CometD client of this browser against `http://127.0.0.1:<port>/server/cometd`. */
  client(port: number, transport: CometdTransport, options?: ClientOptions): CometdClient;
  /** Ends the browser's clients and frees the globals. */
  close(): Promise<void>;
}

export interface ClientOptions {
  /** CometD's back-off step after a failed request, ms. @default CometD's 1000 */
  readonly backoffIncrement?: number;
}

export interface MetaReply {
  readonly channel: string;
  readonly successful: boolean;
  /** The node that answered (the stand-in nodes put it in ext.node). */
  readonly node: string | undefined;
  readonly error: string | undefined;
  readonly at: number;
}

export interface CometdClient {
  readonly cometd: CometD;
  /** /meta/handshake messages the client sent. */
  readonly handshakesSent: number[];
  /** Replies to /meta/handshake and /meta/connect, in order. */
  readonly replies: MetaReply[];
  /** Handshakes, then waits for the first successful /meta/connect. */
  start(timeoutMs?: number): Promise<void>;
  /** Publishes and resolves with whether the server accepted it. */
  publish(channel: string, data: unknown): Promise<boolean>;
  successfulHandshakes(): MetaReply[];
  stop(): Promise<void>;
}

let active: Browser | undefined;

interface CometdWindow {
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  console: Console;
  XMLHttpRequest: unknown;
  WebSocket: unknown;
}

interface XhrCallbacks {
  onload?: () => void;
  onerror?: (failure?: unknown) => void;
  readonly status: number;
}

function installGlobals(jar: CookieJar, host: string, upgrades: UpgradeAttempt[], requests: XhrOutcome[]): void {
  class JarXMLHttpRequest extends AdapterXMLHttpRequest {
    send(data?: string): void {
      const xhr = this as unknown as XhrCallbacks;
      const { onload, onerror } = xhr;
      xhr.onload = () => {
        requests.push({ at: Date.now(), status: xhr.status });
        onload?.();
      };
      xhr.onerror = (failure?: unknown) => {
        requests.push({ at: Date.now(), status: xhr.status });
        onerror?.(failure);
      };
      super.send(data);
    }

    constructor() {
      super({
        cookies: {
          storeCookie: (_uri, header, callback) => {
            jar.store(header);
            callback(null);
          },
          retrieveCookies: (_context, _uri, callback) => {
            const cookie = jar.header();
            callback(null, cookie === undefined ? [] : [cookie]);
          },
        },
      });
    }
  }

  class JarWebSocket extends NodeWebSocket {
    constructor(url: string, protocols?: string | string[]) {
      const cookie = jar.header();
      const headers: Record<string, string> = { Host: host };
      if (cookie !== undefined) headers.Cookie = cookie;
      let answered = false;
      super(url, protocols ?? [], {
        headers,
        finishRequest: (req: ClientRequest) => {
          req.on("response", (res: IncomingMessage) => {
            answered = true;
            jar.store(res.headers["set-cookie"]);
            upgrades.push({ at: Date.now(), outcome: res.statusCode ?? 0, cookie });
          });
          req.on("upgrade", (res: IncomingMessage) => {
            answered = true;
            jar.store(res.headers["set-cookie"]);
          });
          req.end();
        },
      });
      this.on("open", () => upgrades.push({ at: Date.now(), outcome: "opened", cookie }));
      this.on("error", () => {
        if (!answered) upgrades.push({ at: Date.now(), outcome: 0, cookie });
      });
    }
  }

  const win: CometdWindow = {
    setTimeout,
    clearTimeout,
    console,
    XMLHttpRequest: JarXMLHttpRequest,
    WebSocket: JarWebSocket,
  };
  (globalThis as unknown as { window: CometdWindow }).window = win;
}

function metaReply(message: Message): MetaReply {
  const m = message as Message & { ext?: { node?: string }; error?: string };
  return { channel: m.channel, successful: m.successful === true, node: m.ext?.node, error: m.error, at: Date.now() };
}

/** Polls `done` every 5 ms, at most `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function openBrowser(host: string): Browser {
  if (active) throw new Error("one browser at a time: close the previous one first");
  const jar = new CookieJar();
  const upgrades: UpgradeAttempt[] = [];
  const requests: XhrOutcome[] = [];
  installGlobals(jar, host, upgrades, requests);
  const clients: CometdClient[] = [];

  const browser: Browser = {
    jar,
    host,
    upgrades,
    requests,
    client(port, transport, options = {}) {
      const cometd = new CometD();
      // CometD's default order is websocket then long-polling; a long-polling session must not upgrade.
      if (transport === "long-polling") cometd.unregisterTransport("websocket");
      cometd.configure({
        url: `http://127.0.0.1:${port}${COMETD_PATH}`,
        requestHeaders: { Host: host },
        logLevel: "warn",
        ...(options.backoffIncrement === undefined ? {} : { backoffIncrement: options.backoffIncrement }),
      });
      const handshakesSent: number[] = [];
      const replies: MetaReply[] = [];
      cometd.registerExtension("observe", {
        outgoing: (message) => {
          if (message.channel === "/meta/handshake") handshakesSent.push(Date.now());
          return message;
        },
        incoming: (message) => {
          if (message.channel === "/meta/handshake" || message.channel === "/meta/connect")
            replies.push(metaReply(message));
          return message;
        },
      });
      const client: CometdClient = {
        cometd,
        handshakesSent,
        replies,
        async start(timeoutMs = 10_000) {
          cometd.handshake();
          await until(
            () => replies.some((r) => r.channel === "/meta/connect" && r.successful),
            timeoutMs,
            `a ${transport} session through port ${port}`,
          );
        },
        publish: (channel, data) =>
          new Promise<boolean>((resolve) => {
            cometd.publish(channel, data, (reply: Message) => resolve(reply.successful === true));
          }),
        successfulHandshakes: () => replies.filter((r) => r.channel === "/meta/handshake" && r.successful),
        stop: () =>
          new Promise<void>((resolve) => {
            if (cometd.isDisconnected()) return resolve();
            const timer = setTimeout(resolve, 2_000);
            cometd.disconnect(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
      };
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.stop()));
      active = undefined;
    },
  };
  active = browser;
  return browser;
}
