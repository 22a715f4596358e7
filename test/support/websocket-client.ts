/**
 * A minimal WebSocket client over node:http: opens the upgrade, sends masked
 * text frames and reads the small unmasked text frames the stub node echoes.
 */
import { createHash, randomBytes } from "node:crypto";
import { request, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface WebSocketTarget {
  readonly port: number;
  readonly path: string;
  readonly host?: string;
  readonly cookie?: string;
  readonly timeoutMs?: number;
}

export interface OpenWebSocket {
  readonly upgraded: true;
  readonly headers: IncomingHttpHeaders;
  /** Sends one text frame and resolves with the next text frame received. */
  echo(text: string): Promise<string>;
  close(): void;
}

export interface RefusedWebSocket {
  readonly upgraded: false;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
}

/** A masked client text frame (payload < 126 bytes). */
export function encodeClientFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  if (payload.length >= 126) throw new Error("client frames here are small");
  const mask = randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** One unmasked server text frame from the front of `buf`, or undefined when incomplete. */
export function decodeServerFrame(buf: Buffer): { text: string; rest: Buffer } | undefined {
  if (buf.length < 2) return undefined;
  if ((buf[1] & 0x80) !== 0) throw new Error("server frames must not be masked");
  const len = buf[1] & 0x7f;
  if (len >= 126) throw new Error("server frames here are small");
  if (buf.length < 2 + len) return undefined;
  return { text: buf.subarray(2, 2 + len).toString("utf8"), rest: buf.subarray(2 + len) };
}

export function openWebSocket(target: WebSocketTarget): Promise<OpenWebSocket | RefusedWebSocket> {
  const key = randomBytes(16).toString("base64");
  const expectedAccept = createHash("sha1")
    .update(key + WS_GUID)
    .digest("base64");
  const timeoutMs = target.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Connection: "Upgrade",
      Upgrade: "websocket",
      "Sec-WebSocket-Key": key,
      "Sec-WebSocket-Version": "13",
    };
    if (target.host) headers.Host = target.host;
    if (target.cookie) headers.Cookie = target.cookie;
    const req = request({ host: "127.0.0.1", port: target.port, path: target.path, headers, agent: false });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no upgrade answer within ${timeoutMs} ms`)));
    req.once("error", reject);
    req.once("response", (res) => {
      res.resume();
      resolve({ upgraded: false, status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once("upgrade", (res, socket: Socket, head: Buffer) => {
      req.setTimeout(0);
      if (res.headers["sec-websocket-accept"] !== expectedAccept) {
        socket.destroy();
        reject(new Error(`bad Sec-WebSocket-Accept ${String(res.headers["sec-websocket-accept"])}`));
        return;
      }
      let buffered = head;
      const waiting: ((text: string) => void)[] = [];
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        for (let frame = decodeServerFrame(buffered); frame; frame = decodeServerFrame(buffered)) {
          buffered = frame.rest;
          waiting.shift()?.(frame.text);
        }
      });
      socket.on("error", () => socket.destroy());
      resolve({
        upgraded: true,
        headers: res.headers,
        echo: (text) =>
          new Promise<string>((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`no echo within ${timeoutMs} ms`)), timeoutMs);
            waiting.push((reply) => {
              clearTimeout(timer);
              done(reply);
            });
            socket.write(encodeClientFrame(text));
          }),
        close: () => socket.destroy(),
      });
    });
    req.end();
  });
}
