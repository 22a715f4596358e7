/**
 * TLS to the recording servers, verified, through the real Debian httpd and
 * nginx with the rendered configs: a node whose certificate the configured CA
 * signed for the node's DNS name is reached; one with a certificate for
 * another name, or a self-signed one, is refused before any request reaches
 * it; a request whose node is down reaches the next node, checked against
 * that node's name.
 *
 * httpd addresses https members by their DNS names, so it must resolve them:
 * it runs with its own /etc/hosts (a mount namespace), as the pair's hosts
 * resolve them through the VPC resolver from the records the stack creates.
 * nginx connects to the nodes' addresses and checks the names it is given.
 * RHEL 8's httpd 2.4.37 built here has no mod_ssl (it does not build against
 * OpenSSL 3), so TLS is proven on Debian's httpd only.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingMemberIdPrefix, type Environment } from "../../core/model/environment";
import { renderHttpdSite } from "../../core/render/httpd/site";
import { renderNginxSite } from "../../core/render/nginx/site";
import { apacheRoot, startApache, testSiteOptions, type ApacheInstance, type ApacheRoot } from "../support/apache";
import { certificateAuthority, issued, selfSigned, type KeyPair } from "../support/certificates";
import { startNginx, type RunningNginx } from "../support/nginx";
import { freePorts } from "../support/ports";
import { environmentFrom, send } from "./httpd/fixtures";

const HOST = "recording.example.com";
const ROUTEID = "ROUTEID";

interface Seen {
  readonly node: string;
  readonly url: string;
  readonly host: string | undefined;
  readonly forwardedHost: string | undefined;
  readonly sni: string | false | null;
}

/** What each node serves: t1 the CA's certificate for its name, t2 the CA's for another name, t3 its own. */
const NODES = ["t1rws1", "t2rws1", "t3rws1", "t4rws1", "t4rws2"] as const;
/** The renderers key recording members by `tenant/service/node`; each node here is its tenant's RWS node. */
const memberId = (key: string) => `${recordingMemberIdPrefix(/^t\d+/.exec(key)![0], "rws")}${key}`;
type NodeKey = (typeof NODES)[number];
const dnsName = (key: string) => `${key}.${HOST}`;

describe("verified TLS to the recording servers", () => {
  let dir: string;
  let env: Environment;
  let ports: Map<NodeKey, number>;
  const servers: Server[] = [];
  const seen: Seen[] = [];
  const sites: { root: ApacheRoot; apache: ApacheInstance }[] = [];
  let apache: ApacheInstance;
  let nginx: RunningNginx;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "genesys-backend-tls-"));
    const ca = certificateAuthority(dir, "recording-ca");
    const certificates: Record<NodeKey, KeyPair> = {
      t1rws1: issued(dir, "t1rws1", ca, dnsName("t1rws1")),
      t2rws1: issued(dir, "t2rws1", ca, dnsName("other")),
      t3rws1: selfSigned(dir, "t3rws1", dnsName("t3rws1")),
      t4rws1: issued(dir, "t4rws1", ca, dnsName("t4rws1")),
      t4rws2: issued(dir, "t4rws2", ca, dnsName("t4rws2")),
    };
    ports = new Map();
    const free = await freePorts(NODES.length);
    NODES.forEach((key, i) => ports.set(key, free[i]));
    for (const key of NODES) {
      // t4rws1 is down: nothing listens on its port.
      if (key === "t4rws1") continue;
      const { cert, key: keyFile } = certificates[key];
      const server = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(keyFile) }, (req, res) => {
        const header = (name: string) =>
          typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined;
        seen.push({
          node: key,
          url: req.url ?? "",
          host: header("host"),
          forwardedHost: header("x-forwarded-host"),
          sni: (req.socket as TLSSocket).servername,
        });
        res.setHeader("X-Node", key);
        res.end("{}");
      });
      await new Promise<void>((resolve) => server.listen(ports.get(key), "127.0.0.1", resolve));
      servers.push(server);
    }
    const rws = (keys: readonly string[]) => ({
      rws: {
        nodes: Object.fromEntries(keys.map((k) => [k, { appName: k.toUpperCase(), port: ports.get(k as NodeKey) }])),
      },
    });
    env = environmentFrom({
      recording: {
        hostname: HOST,
        backendScheme: "https",
        backendTls: { caBundle: readFileSync(ca.cert, "utf8") },
        tenants: { t1: rws(["t1rws1"]), t2: rws(["t2rws1"]), t3: rws(["t3rws1"]), t4: rws(["t4rws1", "t4rws2"]) },
      },
    });
    const addresses = Object.fromEntries(NODES.map((key) => [memberId(key), `127.0.0.1:${ports.get(key)}`]));

    const root = await apacheRoot();
    sites.push({ root, apache: undefined as unknown as ApacheInstance });
    apache = await startApache(
      renderHttpdSite(env, addresses, testSiteOptions(root, { systems: ["recording"] })),
      root,
      {
        hosts: Object.fromEntries(NODES.map((key) => [dnsName(key), "127.0.0.1"])),
      },
    );
    sites[0] = { root, apache };
    nginx = await startNginx(({ prefix, port }) =>
      renderNginxSite(env, addresses, { prefix, listen: { address: "127.0.0.1", port }, workerProcesses: 1 }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const site of sites) {
      await site.apache?.stop();
      site.root.remove();
    }
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const balancers = () =>
    [
      ["httpd", apache.port],
      ["nginx", nginx.port],
    ] as const;

  it("reaches a node whose certificate the CA signed for its DNS name, sending that name as SNI", async () => {
    for (const [server, port] of balancers()) {
      seen.length = 0;
      const reply = await send(port, "/t1/api/v2/me", { host: HOST });
      expect([server, reply.status, reply.node]).toEqual([server, 200, "t1rws1"]);
      expect(seen.map((s) => [s.node, s.url, s.sni])).toEqual([["t1rws1", "/api/v2/me", dnsName("t1rws1")]]);
    }
  });

  it("sends the node's own name as Host (httpd) and the public host as X-Forwarded-Host (both)", async () => {
    seen.length = 0;
    await send(apache.port, "/t1/api/v2/me", { host: HOST });
    expect(seen.map((s) => [s.host, s.forwardedHost])).toEqual([[`${dnsName("t1rws1")}:${ports.get("t1rws1")}`, HOST]]);
    // nginx writes the request before it picks the node, so it cannot send the node's name (README, Host header).
    seen.length = 0;
    await send(nginx.port, "/t1/api/v2/me", { host: HOST });
    expect(seen.map((s) => s.forwardedHost)).toEqual([HOST]);
  });

  it("refuses a node whose certificate names another host, and one with a self-signed certificate", async () => {
    for (const [server, port] of balancers()) {
      seen.length = 0;
      for (const path of ["/t2/api/v2/me", "/t3/api/v2/me"]) {
        const reply = await send(port, path, { host: HOST });
        expect([server, path, reply.node]).toEqual([server, path, undefined]);
        expect(reply.status, `${server} ${path}`).toBeGreaterThanOrEqual(500);
      }
      expect(seen).toEqual([]);
    }
  });

  it("moves a request whose node is down to the next node and checks that node's name", async () => {
    for (const [server, port] of balancers()) {
      seen.length = 0;
      const reply = await send(port, "/t4/api/v2/me", { host: HOST, cookie: `${ROUTEID}=.T4RWS1` });
      expect([server, reply.status, reply.node]).toEqual([server, 200, "t4rws2"]);
      expect(seen.map((s) => s.sni)).toEqual([dnsName("t4rws2")]);
    }
  });

  it("renders https members by DNS name in httpd and the CA bundle beside each config", () => {
    const addresses = Object.fromEntries(NODES.map((key) => [memberId(key), `10.0.0.1:${ports.get(key)}`]));
    const httpd = renderHttpdSite(env, addresses, { systems: ["recording"] });
    const t1 = httpd.find((f) => f.path.endsWith("loadbalancer_t1.conf"))!.content;
    expect(t1).toMatch(/BalancerMember https:\/\/t1rws1\.recording\.example\.com:\d+ /);
    expect(httpd.find((f) => f.path === "/etc/httpd/conf/recording-servers-ca.pem")?.content).toBe(
      env.recording!.backendCaBundle!.trim() + "\n",
    );
  });
});
