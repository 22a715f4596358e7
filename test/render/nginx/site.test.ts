/**
 * renderNginxSite as a pure function: the real stacks render into configs
 * nginx accepts, names come from the model's facts, addresses and options are
 * checked, and the instance layout follows the prefix option.
 */
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../../core/model/load";
import type { Environment } from "../../../core/model/environment";
import { COBROWSE_NODE_PARAMETER, COOKIES } from "../../../core/model/genesys-facts";
import {
  MAIN_FILE,
  renderNginxSite,
  workerConnections,
  type NginxFile,
  type NginxSiteOptions,
} from "../../../core/render/nginx";
import { readStackFile } from "../../../tools/stack-file";
import { checkConfig, makePrefix, writeConfig } from "../../support/nginx";
import { planNodeIds } from "../../support/plan-node-ids";
import { environmentOf } from "./fixtures";

function loopback(env: Environment): Record<string, string> {
  const keys = planNodeIds(env).map((n) => n.id);
  return Object.fromEntries(keys.map((key, i) => [key, `127.0.0.1:${21_000 + i}`]));
}

function text(files: readonly NginxFile[]): string {
  return files.map((f) => f.content).join("\n");
}

function nginxAccepts(env: Environment, addresses: Record<string, string>, options: NginxSiteOptions = {}) {
  const prefix = makePrefix();
  try {
    writeConfig(
      prefix,
      renderNginxSite(env, addresses, { listen: { address: "127.0.0.1", port: 8080 }, ...options, prefix }),
    );
    return checkConfig(prefix);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

const we = (nodes: Record<string, unknown>) => ({ webEngagement85: { hostname: "gwe.example.com", nodes } });

describe("renderNginxSite", () => {
  it.each(["dev", "prod"])("renders the %s stack into a config nginx accepts without a warning", (stack) => {
    const env = loadEnvironment(readStackFile(stack).config).environment!;
    expect(nginxAccepts(env, loopback(env))).toEqual({ ok: true, output: "" });
  });

  it("reads each stickiness cookie through the name the model defines", () => {
    const env = loadEnvironment(readStackFile("prod").config).environment!;
    const all = text(renderNginxSite(env, loopback(env)));
    for (const cookie of [COOKIES.webEngagement85, COOKIES.cobrowse, COOKIES.recordingRws, COOKIES.recordingRcs]) {
      expect(all).toContain(`map $cookie_${cookie} `);
    }
    expect(all).toContain(`${COOKIES.recordingRws}=.$1; Path=/t2`);
  });

  it("keeps nodes whose keys differ only in case apart (nginx compares upstream names without case)", () => {
    const env = environmentOf(we({ Node1: {}, node1: {} }));
    const files = renderNginxSite(env, {
      "webEngagement85/-/-/Node1": "127.0.0.1:21001",
      "webEngagement85/-/-/node1": "127.0.0.1:21002",
    });
    const names = [...text(files).matchAll(/^upstream (\S+) \{/gm)].map((m) => m[1].toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(
      nginxAccepts(env, {
        "webEngagement85/-/-/Node1": "127.0.0.1:21001",
        "webEngagement85/-/-/node1": "127.0.0.1:21002",
      }),
    ).toEqual({ ok: true, output: "" });
  });

  it("takes the node's configured port when the address has none", () => {
    const env = environmentOf(we({ GWE_Node_1: { port: 9555 } }));
    expect(text(renderNginxSite(env, { "webEngagement85/-/-/GWE_Node_1": "10.1.2.3" }))).toContain(
      "server 10.1.2.3:9555 ",
    );
  });

  it("names the balancer and node of a missing or malformed address", () => {
    const env = environmentOf(we({ GWE_Node_1: {}, GWE_Node_2: {} }));
    expect(() => renderNginxSite(env, { "webEngagement85/-/-/GWE_Node_1": "127.0.0.1:1" })).toThrow(
      'gwe85: no address for node "webEngagement85/-/-/GWE_Node_2"',
    );
    for (const bad of [
      "gwe1.internal:9081",
      "127.0.0.1:70000",
      "127.0.0.1:1; evil",
      "256.0.0.1",
      "127.0.0.1:0",
      " 127.0.0.1",
    ]) {
      expect(() =>
        renderNginxSite(env, {
          "webEngagement85/-/-/GWE_Node_1": "127.0.0.1:1",
          "webEngagement85/-/-/GWE_Node_2": bad,
        }),
      ).toThrow(/address .* of node "webEngagement85\/-\/-\/GWE_Node_2" must be an IPv4 address/);
    }
  });

  it("refuses two RWS nodes on one address: the route cookie is told apart by the answering address", () => {
    const env = environmentOf({
      recording: { hostname: "rec.example.com", tenants: { t1: { rws: { nodes: { a: {}, b: {} } } } } },
    });
    expect(() =>
      renderNginxSite(env, { "recording/t1/rws/a": "10.0.0.1:8080", "recording/t1/rws/b": "10.0.0.1:8080" }),
    ).toThrow(/t1-rws: nodes "a" and "b" share address 10.0.0.1:8080/);
  });

  it("uses Debian's layout without a prefix, and keeps every runtime file under a prefix", () => {
    const env = environmentOf(we({ GWE_Node_1: {} }));
    const debian = renderNginxSite(env, { "webEngagement85/-/-/GWE_Node_1": "10.0.0.1" }).find(
      (f) => f.path === MAIN_FILE,
    )!.content;
    expect(debian).toContain("pid /run/nginx.pid;");
    expect(debian).toContain("error_log /var/log/nginx/error.log warn;");
    expect(debian).not.toContain("_temp_path");
    const own = renderNginxSite(env, { "webEngagement85/-/-/GWE_Node_1": "10.0.0.1" }, { prefix: "/srv/lb/" }).find(
      (f) => f.path === MAIN_FILE,
    )!.content;
    expect([...own.matchAll(/^\s*(\w+_temp_path) (\S+);/gm)].map((m) => [m[1], m[2].startsWith("/srv/lb/")])).toEqual(
      ["client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"].map(
        (d) => [d, true],
      ),
    );
    expect(own).toContain("pid /srv/lb/nginx.pid;");
  });

  it("writes access logs unless the stack turns them off", () => {
    const on = loadEnvironment(readStackFile("prod").config).environment!;
    expect(text(renderNginxSite(on, loopback(on)))).toContain("access_log /var/log/nginx/access.log;");
    const off = environmentOf(we({ GWE_Node_1: {} }));
    expect(text(renderNginxSite(off, { "webEngagement85/-/-/GWE_Node_1": "10.0.0.1" }))).toContain("access_log off;");
  });

  it.each<[string, NginxSiteOptions]>([
    ["listen address", { listen: { address: "localhost", port: 80 } }],
    ["listen port", { listen: { address: "127.0.0.1", port: 0 } }],
    ["prefix", { prefix: "relative/dir" }],
    ["prefix", { prefix: "/tmp/a b" }],
    ["prefix", { prefix: "/tmp/../etc" }],
    ["maxFails", { maxFails: -1 }],
    ["workerProcesses", { workerProcesses: 1.5 }],
  ])("refuses a bad %s", (what, options) => {
    const env = environmentOf(we({ GWE_Node_1: {} }));
    expect(() => renderNginxSite(env, { "webEngagement85/-/-/GWE_Node_1": "10.0.0.1" }, options)).toThrow(
      new RegExp(what.split(" ")[0]),
    );
  });

  it("sizes worker connections for the screen-recording agents' persistent connections plus headroom", () => {
    const env = environmentOf({
      recording: {
        hostname: "rec.example.com",
        connectionHeadroomPercent: 50,
        tenants: {
          t1: { screenRecordingAgents: 600, rws: { nodes: { a: {} } } },
          t2: { screenRecordingAgents: 200, rp: { nodes: { b: {} } } },
        },
      },
    });
    // 800 agents + 50% = 1200 persistent proxied connections, two sockets each, over the 1024 base.
    expect(workerConnections(env)).toBe(2 * 1200 + 1024);
    expect(text(renderNginxSite(env, { "recording/t1/rws/a": "10.0.0.1", "recording/t2/rp/b": "10.0.0.2" }))).toContain(
      `worker_connections ${2 * 1200 + 1024};`,
    );
  });

  it("talks HTTPS to RWS, RP and RCS when the stack says so, and http to Interaction Receiver and WebDAV on port 80", () => {
    const env = loadEnvironment(readStackFile("prod").config).environment!;
    const proxyPasses = [
      ...text(renderNginxSite(env, loopback(env))).matchAll(/proxy_pass (\w+):\/\/\$?(t\d)[-_](\w+)/g),
    ].map((m) => `${m[3]} ${m[1]}`);
    expect(proxyPasses.length).toBeGreaterThan(0);
    for (const pass of proxyPasses) expect(pass).toMatch(/^(?:(?:rws|rp|rcs)\w* https|(?:ir|webdav)\w* http)$/);
  });

  it("shares each upstream group's failure counts between workers (zone) and marks nginx-made cookies Secure for https clients", () => {
    const env = loadEnvironment(readStackFile("prod").config).environment!;
    const conf = text(renderNginxSite(env, loopback(env), { clientHttps: true }));
    const upstreams = [...conf.matchAll(/upstream (\S+) \{\n\s+zone (\S+) 64k;/g)];
    expect(upstreams.length).toBe([...conf.matchAll(/upstream \S+ \{/g)].length);
    for (const u of upstreams) expect(u[2]).toBe(u[1]);
    expect(conf).toMatch(/ROUTEID=\.[^"]*; Path=\/t1; HttpOnly; Secure"/);
    expect(conf).toMatch(/add_header Set-Cookie \$\w+ always;/);
    expect(text(renderNginxSite(env, loopback(env)))).not.toMatch(/; Secure/);
  });

  it("reads the co-browse node parameter only when URL stickiness is on", () => {
    const cob = (urlStickiness: boolean) =>
      environmentOf({ cobrowse: { hostname: "cb.example.com", urlStickiness, nodes: { cb1: { nodeId: "1" } } } });
    expect(text(renderNginxSite(cob(true), { "cobrowse/-/-/cb1": "10.0.0.1" }))).toContain(COBROWSE_NODE_PARAMETER);
    expect(text(renderNginxSite(cob(false), { "cobrowse/-/-/cb1": "10.0.0.1" }))).not.toContain(
      COBROWSE_NODE_PARAMETER,
    );
  });
});
