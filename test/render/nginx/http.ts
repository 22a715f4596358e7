/** A plain HTTP client for the nginx tests: a fresh connection per request, bounded by a timeout. */
import { request, type IncomingHttpHeaders } from "node:http";

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The stub node that answered (X-Node), if any. */
  readonly node?: string;
}

export interface RequestOptions {
  readonly host?: string;
  readonly cookie?: string;
  readonly localAddress?: string;
  readonly method?: string;
  readonly body?: string;
}

export function fetchVia(port: number, path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.host) headers.Host = options.host;
    if (options.cookie) headers.Cookie = options.cookie;
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers,
        agent: false,
        localAddress: options.localAddress,
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const node = res.headers["x-node"];
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            node: typeof node === "string" ? node : undefined,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request ${path} timed out`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** `count` sequential requests; the answering node of each (or `status:<code>` when no node answered). */
export async function answeringNodes(
  count: number,
  port: number,
  path: string,
  options: RequestOptions = {},
): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await fetchVia(port, path, options);
    seen.push(reply.status === 200 && reply.node ? reply.node : `status:${reply.status}`);
  }
  return seen;
}

export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Every Set-Cookie header value of a reply. */
export function setCookies(reply: Reply): string[] {
  return reply.headers["set-cookie"] ?? [];
}
