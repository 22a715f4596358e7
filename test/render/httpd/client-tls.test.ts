/**
 * https for the clients on a real httpd: the recording balancer served over
 * TLS with a self-signed certificate, the plain port redirecting to https,
 * old protocols refused, and server-status still answering the Pacemaker
 * agent on the plain port.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../../../core/model/environment";
import { COOKIES, stickyValue } from "../../../core/model/genesys-facts";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { apacheRoot, startApache, testSiteOptions, type ApacheInstance, type ApacheRoot } from "../../support/apache";
import { freePorts } from "../../support/ports";
import { requireBinary, run } from "../../support/real-servers";
import { startStubNode, type StubNode } from "../../support/stub-node";
import { environmentFrom, send, setCookie, type Reply } from "./fixtures";

const HOST = "recording.example.com";
const RECORDING = {
  hostname: HOST,
  tenants: { t1: { rws: { nodes: { t1rws1: { appName: "T1RWS1" }, t1rws2: { appName: "T1RWS2" } } } } },
};

describe("recording balancer with client TLS on httpd 2.4", () => {
  let dir: string;
  let cert: Buffer;
  let env: Environment;
  let stubs: StubNode[];
  let root: ApacheRoot;
  let apache: ApacheInstance;
  let tlsPort: number;

  function sendTls(path: string, cookie?: string, localAddress?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Host: HOST };
      if (cookie) headers.Cookie = cookie;
      const req = httpsRequest(
        { host: "127.0.0.1", port: tlsPort, path, servername: HOST, ca: cert, headers, agent: false, localAddress },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => {
            const node = res.headers["x-node"];
            resolve({
              status: res.statusCode ?? 0,
              node: typeof node === "string" ? node : undefined,
              headers: res.headers,
              setCookies: res.headers["set-cookie"] ?? [],
              body,
            });
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error(`no answer for ${path} within 10 s`)));
      req.once("error", reject);
      req.end();
    });
  }

  /** The negotiated protocol, or the error the handshake ended with. */
  function handshake(options: {
    minVersion?: "TLSv1" | "TLSv1.2" | "TLSv1.3";
    maxVersion: "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
  }): Promise<string> {
    return new Promise((resolve) => {
      const socket = tlsConnect({ host: "127.0.0.1", port: tlsPort, servername: HOST, ca: cert, ...options }, () => {
        resolve(socket.getProtocol() ?? "none");
        socket.destroy();
      });
      socket.setTimeout(10_000, () => socket.destroy(new Error("handshake timed out")));
      socket.once("error", (error) => resolve(`error: ${error.message}`));
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "genesys-client-tls-"));
    const certFile = join(dir, "recording.crt");
    const keyFile = join(dir, "recording.key");
    run(requireBinary("openssl", "openssl"), [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${HOST}`,
      "-addext",
      `subjectAltName=DNS:${HOST}`,
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ]);
    cert = readFileSync(certFile);
    const ports = await freePorts(3);
    tlsPort = ports[2];
    stubs = [
      await startStubNode({ name: "t1rws1", port: ports[0] }),
      await startStubNode({ name: "t1rws2", port: ports[1] }),
    ];
    env = environmentFrom({ recording: RECORDING });
    root = await apacheRoot();
    const addresses = {
      "recording/t1/rws/t1rws1": `127.0.0.1:${ports[0]}`,
      "recording/t1/rws/t1rws2": `127.0.0.1:${ports[1]}`,
    };
    apache = await startApache(
      renderHttpdSite(
        env,
        addresses,
        testSiteOptions(root, { clientTls: { certificateFile: certFile, keyFile, port: tlsPort } }),
      ),
      root,
    );
  });

  afterAll(async () => {
    await apache?.stop();
    await Promise.all((stubs ?? []).map((s) => s.close()));
    root?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the tenant route over TLS: prefix stripped, a Secure ROUTEID on the tenant's path, sticky on it", async () => {
    const first = await sendTls("/t1/api/v2/me?x=1");
    expect(first.status).toBe(200);
    expect(["t1rws1", "t1rws2"]).toContain(first.node);
    expect(stubs.find((s) => s.name === first.node)!.requests.at(-1)?.url).toBe("/api/v2/me?x=1");
    const route = env.recording!.tenants[0].services[0].members.find((m) => m.key === first.node)!.route;
    expect(setCookie(first, COOKIES.recordingRws)).toEqual({
      value: stickyValue(route),
      attributes: "path=/t1; HttpOnly; Secure",
    });
    const nodes = new Set<string | undefined>();
    for (let i = 0; i < 10; i++)
      nodes.add((await sendTls("/t1/api/v2/me", `${COOKIES.recordingRws}=${stickyValue(route)}`)).node);
    expect([...nodes]).toEqual([first.node]);
  });

  it("answers every plain request with a permanent redirect to the same host and path on https", async () => {
    const before = stubs.reduce((n, s) => n + s.requests.length, 0);
    for (const path of ["/t1/api/v2/me?x=1", "/", "/server-status/extra"]) {
      const reply = await send(apache.port, path, { host: HOST });
      expect([reply.status, reply.headers.location]).toEqual([301, `https://${HOST}:${tlsPort}${path}`]);
    }
    expect(stubs.reduce((n, s) => n + s.requests.length, 0)).toBe(before);
  });

  it("redirects server-status asked from any other address, and keeps it forbidden on https", async () => {
    const remote = await send(apache.port, "/server-status", { host: HOST, localAddress: "127.0.0.2" });
    expect([remote.status, remote.headers.location]).toEqual([301, `https://${HOST}:${tlsPort}/server-status`]);
    expect((await sendTls("/server-status", undefined, "127.0.0.2")).status).toBe(403);
  });

  it("still answers server-status to the host itself on the plain port (the Pacemaker apache agent)", async () => {
    for (const host of [undefined, "localhost"]) {
      const reply = await send(apache.port, "/server-status?auto", { host });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatch(/^Scoreboard: /m);
    }
  });

  it("speaks TLS 1.2 and 1.3 and refuses TLS 1.1 and older", async () => {
    expect(await handshake({ minVersion: "TLSv1.3", maxVersion: "TLSv1.3" })).toBe("TLSv1.3");
    expect(await handshake({ minVersion: "TLSv1.2", maxVersion: "TLSv1.2" })).toBe("TLSv1.2");
    expect(await handshake({ minVersion: "TLSv1", maxVersion: "TLSv1.1" })).toMatch(/^error: /);
  });
});

describe("client TLS config text", () => {
  it("2.2 form: TLS 1.2 only (RHEL 6's OpenSSL has no TLS 1.3), name-based hosts on both ports; 2.4 adds TLS 1.3; mod_ssl from the table", () => {
    const env = environmentFrom({ recording: RECORDING });
    const addresses = { "recording/t1/rws/t1rws1": "127.0.0.1:9001", "recording/t1/rws/t1rws2": "127.0.0.1:9002" };
    const clientTls = {
      certificateFile: "/etc/pki/tls/certs/genesys-recording.crt",
      keyFile: "/etc/pki/tls/private/genesys-recording.key",
    };
    const [main22] = renderHttpdSite(env, addresses, { release: "2.2.15", clientTls });
    expect(main22.content).toContain("SSLProtocol -all +TLSv1.2\n");
    expect(main22.content).toMatch(/NameVirtualHost \*:80\nNameVirtualHost \*:443\n/);
    expect(main22.content).toContain("LoadModule ssl_module modules/mod_ssl.so");
    const [main24] = renderHttpdSite(env, addresses, { clientTls });
    expect(main24.content).toContain("SSLProtocol -all +TLSv1.2 +TLSv1.3\n");
    expect(main24.content).toMatch(/Listen 80\nListen 443 https\n/);
  });

  it.each([
    ["a relative path", { certificateFile: "certs/a.crt", keyFile: "/k.key" }],
    ["a quote", { certificateFile: '/a".crt', keyFile: "/k.key" }],
    ["a line break", { certificateFile: "/a.crt", keyFile: "/k.key\nSSLEngine off" }],
    ["a parent step", { certificateFile: "/etc/../a.crt", keyFile: "/k.key" }],
    ["the plain port", { certificateFile: "/a.crt", keyFile: "/k.key", port: 80 }],
  ])("refuses %s", (_what, clientTls) => {
    const env = environmentFrom({ recording: RECORDING });
    expect(() =>
      renderHttpdSite(
        env,
        { "recording/t1/rws/t1rws1": "127.0.0.1:9001", "recording/t1/rws/t1rws2": "127.0.0.1:9002" },
        { clientTls },
      ),
    ).toThrow(/clientTls/);
  });
});
