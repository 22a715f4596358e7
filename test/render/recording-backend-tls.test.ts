/**
 * TLS to the recording servers, verified, through the real Debian httpd and
 * nginx with the rendered configs, in front of stand-in nodes as strict as
 * the recording servers: a request whose Host does not name the node's
 * certificate is refused with 400 (Jetty's SNI host check). A node whose
 * certificate the configured CA signed for the node's DNS name is reached,
 * with that name as SNI and as Host; one with a certificate for another
 * name, or a self-signed one, is refused before any request reaches it; a
 * client sticks to its node; a request whose node is down, or failed it
 * before it was sent, reaches another node with that node's own name; a
 * recording write that may have reached a node is never sent to another.
 *
 * httpd addresses https members by their DNS names, so it must resolve them:
 * it runs with its own /etc/hosts (a mount namespace), as the pair's hosts
 * resolve them through the VPC resolver from the records the stack creates.
 * nginx connects to the nodes' addresses and checks the names it is given.
 * RHEL 8's httpd 2.4.37 built here has no mod_ssl (it does not build against
 * OpenSSL 3), so TLS is proven on Debian's httpd only.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
import { startTlsNode, type TlsNode, type TlsNodeRequest } from "../support/recording-tls-node";
import { fetchVia } from "./nginx/http";
import { environmentFrom } from "./httpd/fixtures";
import { byPlanId } from "../support/plan-node-ids";

const HOST = "recording.example.com";
const ROUTEID = "ROUTEID";

/**
 * t1 the CA's certificate for its name, t2 the CA's for another name, t3 its own; t4rws1 is down;
 * t5 two sound nodes; t6-t8 a first node whose application fails some requests (see failingApplication);
 * t9 and t10 WebDAV over https with a hot standby; t11 RCS over https.
 */
const NODES = [
  "t1rws1",
  "t2rws1",
  "t3rws1",
  "t4rws1",
  "t4rws2",
  "t5rws1",
  "t5rws2",
  "t6rws1",
  "t6rws2",
  "t7rws1",
  "t7rws2",
  "t8rws1",
  "t8rws2",
  "t9webdav1",
  "t9webdav2",
  "t10webdav1",
  "t10webdav2",
  "t11rcs1",
  "t11rcs2",
] as const;
/** WebDAV's hot standby in t9 and t10 (t10webdav1, its primary, is down). */
const STANDBY = new Set(["t9webdav2", "t10webdav2"]);
const DOWN = new Set(["t4rws1", "t10webdav1"]);
type NodeKey = (typeof NODES)[number];
const TENANTS = [...new Set(NODES.map((key) => /^t\d+/.exec(key)![0]))];
const serviceOf = (key: string) => /^t\d+(rws|webdav|rcs)/.exec(key)![1] as "rws" | "webdav" | "rcs";
/** The renderers key recording members by `tenant/service/node`. */
const memberId = (key: string) => `${recordingMemberIdPrefix(/^t\d+/.exec(key)![0], serviceOf(key))}${key}`;
const dnsName = (key: string) => `${key}.${HOST}`;

/** The first node of t6-t8: `/api/crash` drops the connection after reading the request, `/api/fail` answers 502. */
function failingApplication(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) {
  if (req.url?.startsWith("/api/crash")) {
    req.on("end", () => req.socket.destroy());
    return true;
  }
  if (req.url?.startsWith("/api/fail")) {
    req.on("end", () => res.writeHead(502).end());
    return true;
  }
  return false;
}

describe("verified TLS to the recording servers", () => {
  let dir: string;
  let env: Environment;
  let ports: Map<NodeKey, number>;
  const nodes: TlsNode[] = [];
  const seen: TlsNodeRequest[] = [];
  const sites: { root: ApacheRoot; apache: ApacheInstance }[] = [];
  let apache: ApacheInstance;
  let nginx: RunningNginx;
  let addresses: Record<string, string>;
  const ownHost = (key: string) => `${dnsName(key)}:${ports.get(key as NodeKey)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "genesys-backend-tls-"));
    const ca = certificateAuthority(dir, "recording-ca");
    const certificate = (key: NodeKey): KeyPair =>
      key === "t2rws1"
        ? issued(dir, key, ca, dnsName("other"))
        : key === "t3rws1"
          ? selfSigned(dir, key, dnsName(key))
          : issued(dir, key, ca, dnsName(key));
    ports = new Map();
    const free = await freePorts(NODES.length);
    NODES.forEach((key, i) => ports.set(key, free[i]));
    for (const key of NODES) {
      // Down: nothing listens on its port.
      if (DOWN.has(key)) continue;
      const { cert, key: keyFile } = certificate(key);
      nodes.push(
        await startTlsNode({
          name: key,
          port: ports.get(key)!,
          cert,
          key: keyFile,
          log: seen,
          application: /^t[678]rws1$/.test(key) ? failingApplication : undefined,
        }),
      );
    }
    const services = (tenant: string) => {
      const keys = NODES.filter((k) => new RegExp(`^${tenant}[a-z]`).test(k));
      const service = serviceOf(keys[0]);
      const nodes = Object.fromEntries(keys.map((k) => [k, { appName: k.toUpperCase(), port: ports.get(k) }]));
      const standby = keys.find((k) => STANDBY.has(k));
      return {
        [service]: { nodes, ...(service === "webdav" ? { paths: ["recordings"], hotStandby: standby } : {}) },
      };
    };
    env = environmentFrom({
      recording: {
        hostname: HOST,
        backendScheme: "https",
        serviceSchemes: { webdav: "https" },
        backendTls: { caBundle: readFileSync(ca.cert, "utf8") },
        tenants: Object.fromEntries(TENANTS.map((t) => [t, services(t)])),
      },
    });
    addresses = Object.fromEntries(NODES.map((key) => [memberId(key), `127.0.0.1:${ports.get(key)}`]));

    const root = await apacheRoot();
    sites.push({ root, apache: undefined as unknown as ApacheInstance });
    apache = await startApache(
      renderHttpdSite(env, byPlanId(env, addresses), testSiteOptions(root, { systems: ["recording"] })),
      root,
      { hosts: Object.fromEntries(NODES.map((key) => [dnsName(key), "127.0.0.1"])) },
    );
    sites[0] = { root, apache };
    nginx = await startNginx(({ prefix, port }) =>
      renderNginxSite(env, byPlanId(env, addresses), {
        prefix,
        listen: { address: "127.0.0.1", port },
        workerProcesses: 1,
      }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const site of sites) {
      await site.apache?.stop();
      site.root.remove();
    }
    await Promise.all(nodes.map((n) => n.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const balancers = () =>
    [
      ["httpd", apache.port],
      ["nginx", nginx.port],
    ] as const;
  const via = (port: number, path: string, options: { cookie?: string; method?: string; body?: string } = {}) =>
    fetchVia(port, path, { host: HOST, ...options });
  const cookieRoute = (headers: Record<string, unknown>) =>
    ([headers["set-cookie"] ?? []].flat() as string[]).map((c) => c.split(";")[0]);

  it("reaches a node whose certificate the CA signed for its DNS name, with that name as SNI and as Host", async () => {
    for (const [server, port] of balancers()) {
      seen.length = 0;
      const reply = await via(port, "/t1/api/v2/me");
      expect([server, reply.status, reply.node]).toEqual([server, 200, "t1rws1"]);
      expect(seen).toEqual([
        {
          node: "t1rws1",
          method: "GET",
          url: "/api/v2/me",
          host: ownHost("t1rws1"),
          forwardedHost: HOST,
          sni: dnsName("t1rws1"),
          bytes: 0,
        },
      ]);
    }
  });

  it("has a node refuse the public host as Host, as the recording servers do (the nginx config before this policy)", async () => {
    // Planted: the same rendered nginx config with the Host header it sent before, the client's host.
    const old = await startNginx(({ prefix, port }) =>
      renderNginxSite(env, byPlanId(env, addresses), {
        prefix,
        listen: { address: "127.0.0.1", port },
        workerProcesses: 1,
      }).map((file) => {
        if (!file.path.endsWith("recording-t1-locations.conf")) return file;
        const content = file.content.replace(/proxy_set_header Host \$t1_rws_https_node1_host;/g, () => {
          return "proxy_set_header Host $host;";
        });
        if (content === file.content) throw new Error("the planted config found no Host line to replace");
        return { ...file, content };
      }),
    );
    try {
      seen.length = 0;
      const reply = await via(old.port, "/t1/api/v2/me");
      expect([reply.status, reply.node]).toEqual([400, undefined]);
      expect(seen.map((s) => [s.node, s.host, s.sni, s.refused])).toEqual([
        ["t1rws1", HOST, dnsName("t1rws1"), "Host does not match SNI"],
      ]);
    } finally {
      await old.stop();
    }
  });

  it("refuses a node whose certificate names another host, and one with a self-signed certificate", async () => {
    for (const [server, port] of balancers()) {
      seen.length = 0;
      for (const path of ["/t2/api/v2/me", "/t3/api/v2/me"]) {
        const reply = await via(port, path);
        expect([server, path, reply.node]).toEqual([server, path, undefined]);
        expect(reply.status, `${server} ${path}`).toBeGreaterThanOrEqual(500);
      }
      expect(seen).toEqual([]);
    }
  });

  it("pins a client to its node and spreads new clients over both, each node getting its own name", async () => {
    for (const [server, port] of balancers()) {
      seen.length = 0;
      const first = await via(port, "/t5/api/v2/me");
      expect([server, first.status]).toEqual([server, 200]);
      expect(cookieRoute(first.headers)).toEqual([`${ROUTEID}=.${first.node!.toUpperCase()}`]);
      for (const key of ["t5rws1", "t5rws2"]) {
        const pinned = await Promise.all(
          Array.from({ length: 10 }, () =>
            via(port, "/t5/internal-api/x", { cookie: `${ROUTEID}=.${key.toUpperCase()}` }),
          ),
        );
        expect([server, ...new Set(pinned.map((r) => `${r.status} ${r.node}`))]).toEqual([server, `200 ${key}`]);
        expect(pinned.flatMap((r) => cookieRoute(r.headers))).toEqual([]);
      }
      const fresh = new Set<string>();
      for (let i = 0; i < 40 && fresh.size < 2; i++) fresh.add((await via(port, "/t5/api/v2/me")).node!);
      expect([server, ...[...fresh].sort()]).toEqual([server, "t5rws1", "t5rws2"]);
      for (const s of seen)
        expect([server, s.node, s.host, s.sni]).toEqual([server, s.node, ownHost(s.node), dnsName(s.node)]);
    }
  });

  it("moves a request whose node is down to the next node, with that node's name, and re-pins the client", async () => {
    for (const [server, port] of balancers()) {
      // POST first: its node refuses the connection (not yet marked down), so nothing was sent to it.
      for (const method of ["POST", "GET"]) {
        seen.length = 0;
        const reply = await via(port, "/t4/api/v2/recordings", { cookie: `${ROUTEID}=.T4RWS1`, method, body: "{}" });
        expect([server, method, reply.status, reply.node]).toEqual([server, method, 200, "t4rws2"]);
        expect(cookieRoute(reply.headers)).toEqual([`${ROUTEID}=.T4RWS2`]);
        expect(seen.map((s) => [s.node, s.method, s.host, s.sni])).toEqual([
          ["t4rws2", method, ownHost("t4rws2"), dnsName("t4rws2")],
        ]);
      }
    }
  });

  it("never sends a recording write that reached a node to another node", async () => {
    // The node dropped the connection (t6) or answered 502 (t8) after it got the request.
    for (const [server, port] of balancers()) {
      for (const [tenant, path] of [
        ["t6", "/api/crash"],
        ["t8", "/api/fail"],
      ]) {
        seen.length = 0;
        const cookie = `${ROUTEID}=.${tenant.toUpperCase()}RWS1`;
        const reply = await via(port, `/${tenant}${path}`, { cookie, method: "POST", body: "{}" });
        expect([server, tenant, reply.status]).toEqual([server, tenant, 502]);
        expect(seen.map((s) => [s.node, s.method])).toEqual([[`${tenant}rws1`, "POST"]]);
      }
    }
  });

  it("nginx passes a safe request its node failed after the handshake to the next node, with that node's name", async () => {
    // The node dropped the connection (t7) or answered 502 (t8) after a completed handshake: before this
    // policy nginx checked the next node against the first node's name and failed with 502.
    for (const [tenant, path] of [
      ["t7", "/api/crash"],
      ["t8", "/api/fail"],
    ]) {
      seen.length = 0;
      const reply = await via(nginx.port, `/${tenant}${path}`, { cookie: `${ROUTEID}=.${tenant.toUpperCase()}RWS1` });
      expect([tenant, reply.status, reply.node], JSON.stringify(seen) + nginx.errorLog()).toEqual([
        tenant,
        200,
        `${tenant}rws2`,
      ]);
      expect(cookieRoute(reply.headers)).toEqual([`${ROUTEID}=.${tenant.toUpperCase()}RWS2`]);
      expect(seen.map((s) => [s.node, s.host, s.sni, s.refused])).toEqual([
        [`${tenant}rws1`, ownHost(`${tenant}rws1`), dnsName(`${tenant}rws1`), undefined],
        [`${tenant}rws2`, ownHost(`${tenant}rws2`), dnsName(`${tenant}rws2`), undefined],
      ]);
    }
  });

  it("keeps WebDAV's hot standby idle while its primary is up, and moves an upload to it whole when the primary is down", async () => {
    const upload = "x".repeat(300_000);
    for (const [server, port] of balancers()) {
      seen.length = 0;
      for (let i = 0; i < 5; i++) expect((await via(port, "/t9/recordings/a.mp3")).node).toBe("t9webdav1");
      const reply = await via(port, "/t10/recordings/b.mp3", { method: "PUT", body: upload }).catch((e: Error) => {
        throw new Error(`${server}: ${e.message}; ${JSON.stringify(seen)}`);
      });
      expect([server, reply.status, reply.node]).toEqual([server, 200, "t10webdav2"]);
      expect(seen.filter((s) => s.node.startsWith("t10")).map((s) => [s.node, s.method, s.bytes, s.host])).toEqual([
        ["t10webdav2", "PUT", upload.length, ownHost("t10webdav2")],
      ]);
      expect(new Set(seen.map((s) => s.node))).toEqual(new Set(["t9webdav1", "t10webdav2"]));
    }
  });

  it("pins RCS on the JSESSIONID route, each node getting its own name", async () => {
    for (const [server, port] of balancers()) {
      for (const key of ["t11rcs1", "t11rcs2"]) {
        seen.length = 0;
        const cookie = `JSESSIONID=0A1B2C.${key.toUpperCase()}`;
        for (let i = 0; i < 5; i++)
          expect([server, (await via(port, "/t11/rcs/api/v1/keys", { cookie })).node]).toEqual([server, key]);
        expect(new Set(seen.map((s) => `${s.node} ${s.host} ${s.sni}`))).toEqual(
          new Set([`${key} ${ownHost(key)} ${dnsName(key)}`]),
        );
      }
    }
  });

  it("renders https members by DNS name in httpd and the CA bundle beside each config", () => {
    const addresses = Object.fromEntries(NODES.map((key) => [memberId(key), `10.0.0.1:${ports.get(key)}`]));
    const httpd = renderHttpdSite(env, byPlanId(env, addresses), { systems: ["recording"] });
    const t1 = httpd.find((f) => f.path.endsWith("loadbalancer_t1.conf"))!.content;
    expect(t1).toMatch(/BalancerMember https:\/\/t1rws1\.recording\.example\.com:\d+ /);
    expect(httpd.find((f) => f.path === "/etc/httpd/conf/recording-servers-ca.pem")?.content).toBe(
      env.recording!.backendCaBundle!.trim() + "\n",
    );
  });
});
