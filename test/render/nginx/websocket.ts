/**
 * A minimal WebSocket client over node:http's 'upgrade': one masked text frame
 * out, one text frame back. Enough to prove an upgrade crosses the balancer.
 */
import { randomBytes } from "node:crypto";
import { request } from "node:http";

export interface EchoResult {
  readonly status: number;
  /** X-Node of the 101 response. */
  readonly node?: string;
  readonly reply?: string;
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  if (payload.length >= 126) throw new Error("small frames only");
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

function serverText(frame: Buffer): string | undefined {
  if (frame.length < 2 || (frame[1] & 0x80) !== 0) return undefined;
  const len = frame[1] & 0x7f;
  if (len >= 126 || frame.length < 2 + len) return undefined;
  return frame.subarray(2, 2 + len).toString("utf8");
}

/** Upgrades `path` through 127.0.0.1:`port`, sends `text`, waits (bounded) for the echo. */
export function websocketEcho(port: number, path: string, text: string, headers: Record<string, string> = {}): Promise<EchoResult> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      agent: false,
      timeout: 5_000,
      headers: { ...headers, Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": randomBytes(16).toString("base64") },
    });
    req.on("timeout", () => req.destroy(new Error("upgrade timed out")));
    req.on("error", reject);
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on("upgrade", (res, socket) => {
      const node = typeof res.headers["x-node"] === "string" ? res.headers["x-node"] : undefined;
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, node });
      }, 5_000);
      let buffered = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        const reply = serverText(buffered);
        if (reply === undefined) return;
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, node, reply });
      });
      socket.on("error", () => undefined);
      socket.write(maskedTextFrame(text));
    });
    req.end();
  });
}
