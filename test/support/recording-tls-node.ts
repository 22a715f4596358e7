/**
 * A stand-in recording server reached over https, as strict as the real ones.
 * The recording servers run on Jetty, whose SecureRequestCustomizer checks by
 * default (sniHostCheck, Jetty 9.4 and later) that the Host of a request that
 * came with SNI names the certificate SNI chose; otherwise it answers
 * `400 Host does not match SNI` and the application never sees the request.
 * A balancer that sends the public host, or another node's name, to a node is
 * refused here as it would be there.
 *
 * Every request is recorded, refused ones too: node, method, path, Host,
 * X-Forwarded-Host, the SNI name and, for a refusal, why.
 */
import { constants, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";

export interface TlsNodeRequest {
  readonly node: string;
  readonly method: string;
  readonly url: string;
  readonly host: string | undefined;
  readonly forwardedHost: string | undefined;
  readonly sni: string | false | null;
  /** Set when the node refused the request before the application saw it. */
  readonly refused?: string;
  /** Bytes of the body received, once it ended. */
  bytes?: number;
}

export interface TlsNodeOptions {
  readonly name: string;
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  /** Shared log of requests, in arrival order. */
  readonly log: TlsNodeRequest[];
  /** The application: answers the request (and returns true) instead of the default echo. */
  readonly application?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface TlsNode {
  close(): Promise<void>;
}

/** The name part of a Host header (`name`, `name:port`, `[v6]:port`), lowercased. */
export function hostName(host: string): string {
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d*$/, "");
  return name.toLowerCase();
}

/** Jetty's check: undefined when the request passes, else the reason of the 400. */
export function sniHostCheck(certificate: X509Certificate, sni: string | false | null, host: string | undefined) {
  // Without SNI Jetty has no certificate chosen by name and checks nothing.
  if (!sni) return undefined;
  if (host === undefined || certificate.checkHost(hostName(host)) === undefined) return "Host does not match SNI";
  return undefined;
}

export async function startTlsNode(options: TlsNodeOptions): Promise<TlsNode> {
  const cert = readFileSync(options.cert);
  const certificate = new X509Certificate(cert);
  const sockets = new Set<Socket>();
  // No session resumption: Jetty keeps the certificate SNI chose with the session and checks a resumed
  // one against it, where Node would report no SNI; a full handshake per connection keeps every check.
  const tls = { cert, key: readFileSync(options.key), secureOptions: constants.SSL_OP_NO_TICKET };
  const server: Server = createServer(tls, (req, res) => {
    const header = (name: string) =>
      typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined;
    const sni = (req.socket as TLSSocket).servername;
    const refused = sniHostCheck(certificate, sni, header("host"));
    const entry: TlsNodeRequest = {
      node: options.name,
      method: req.method ?? "GET",
      url: req.url ?? "",
      host: header("host"),
      forwardedHost: header("x-forwarded-host"),
      sni,
      ...(refused ? { refused } : {}),
    };
    options.log.push(entry);
    let bytes = 0;
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => (entry.bytes = bytes));
    if (refused) {
      res.writeHead(400, refused, { "Content-Type": "text/plain" });
      res.end(`Bad Message 400\nreason: ${refused}\n`);
      return;
    }
    if (options.application?.(req, res)) return;
    res.setHeader("X-Node", options.name);
    req.on("end", () => res.end("{}"));
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
