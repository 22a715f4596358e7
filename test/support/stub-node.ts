/**
 * A stand-in Genesys node on loopback: answers with its name, sets the cookies
 * the real product sets, serves the health paths, and echoes WebSocket frames.
 * It records the Host and X-Forwarded-Host of every request, and redirects a
 * directory asked for without its slash the way the Genesys servers' Jetty
 * does: to an absolute URL built from the Host it got.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";

export interface StubNodeOptions {
  /** Reported in the X-Node header and the JSON body. */
  readonly name: string;
  readonly port: number;
  readonly host?: string;
  /** Set-Cookie values to add to a response, given the request (what the real product would set). */
  readonly setCookies?: (req: IncomingMessage) => readonly string[];
  /** Directories: a request for one without its trailing slash gets 302 to `http://<Host><path>/`. */
  readonly directories?: readonly string[];
}

export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly cookie: string | undefined;
  readonly host?: string;
  readonly forwardedHost?: string;
}

export interface StubNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** Requests seen, in order: method, path, cookie, Host and X-Forwarded-Host as received. */
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/** Unmasks one client frame and returns the payload (small frames only: < 126 bytes). */
function decodeClientFrame(buf: Buffer): string | undefined {
  if (buf.length < 6) return undefined;
  const len = buf[1] & 0x7f;
  if (len >= 126 || buf.length < 6 + len) return undefined;
  const mask = buf.subarray(2, 6);
  const payload = Buffer.alloc(len);
  for (let i = 0; i < len; i++) payload[i] = buf[6 + i] ^ mask[i % 4];
  return payload.toString("utf8");
}

export function encodeServerFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  if (payload.length >= 126) throw new Error("stub frames are small");
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

export async function startStubNode(options: StubNodeOptions): Promise<StubNode> {
  const host = options.host ?? "127.0.0.1";
  const requests: StubNode["requests"] = [];
  const sockets = new Set<Duplex>();
  const server: Server = createServer((req, res) => {
    const forwardedHost = req.headers["x-forwarded-host"];
    requests.push({
      method: req.method ?? "GET",
      url: req.url ?? "",
      cookie: req.headers.cookie,
      host: req.headers.host,
      forwardedHost: typeof forwardedHost === "string" ? forwardedHost : undefined,
    });
    const path = (req.url ?? "").split("?")[0];
    if (options.directories?.includes(path)) {
      req.resume();
      res.writeHead(302, { Location: `http://${req.headers.host ?? ""}${path}/`, "X-Node": options.name });
      res.end();
      return;
    }
    const cookies = options.setCookies?.(req) ?? [];
    if (cookies.length > 0) res.setHeader("Set-Cookie", [...cookies]);
    res.setHeader("X-Node", options.name);
    res.setHeader("Content-Type", "application/json");
    req.resume();
    req.on("end", () => {
      res.end(
        JSON.stringify({ node: options.name, method: req.method, url: req.url, cookie: req.headers.cookie ?? null }),
      );
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req, socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    requests.push({ method: "UPGRADE", url: req.url ?? "", cookie: req.headers.cookie });
    const key = req.headers["sec-websocket-key"];
    if (typeof key !== "string" || (req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
      socket.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const accept = createHash("sha1")
      .update(key + WS_GUID)
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Node: ${options.name}\r\n\r\n`,
    );
    socket.on("data", (chunk: Buffer) => {
      const text = decodeClientFrame(chunk);
      if (text !== undefined) socket.write(encodeServerFrame(`${options.name}:${text}`));
    });
    // A proxy in between keeps its tunnel open until both sides have closed.
    socket.on("end", () => socket.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, resolve);
  });
  return {
    name: options.name,
    port: options.port,
    url: `http://${host}:${options.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
