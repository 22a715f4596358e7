/**
 * The recording site as text, in both forms: httpd 2.4 (RHEL 8) and httpd 2.2
 * (RHEL 6, which only exists as text here: Debian ships 2.4).
 */
import { describe, expect, it } from "vitest";
import type { Environment, RecordingMember } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { formatKeyPath } from "../../../core/model/problems";
import { StandbyNotAllowedError } from "../../../core/render/httpd/recording";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import type { ConfigFile } from "../../../core/render/common/config-file";
import { readStackFile } from "../../../tools/stack-file";
import { allNodeAddresses, rawConfig, sectionNames } from "./fixtures";

const prod = loadEnvironment(readStackFile("prod").config).environment!;
const RELEASES = { "2.4": "2.4.37", "2.2": "2.2.15" } as const;
const render = (env: Environment, version: "2.4" | "2.2") =>
  renderHttpdSite(env, allNodeAddresses(env), { release: RELEASES[version], systems: ["recording"] });
const byName = (files: readonly ConfigFile[], name: string) => files.find((f) => f.path.endsWith(`/${name}`))!;
const balancers = (text: string) => [...text.matchAll(/^\s*<Proxy balancer:\/\/([^>]+)>$/gm)].map((m) => m[1]);

describe.each(["2.4", "2.2"] as const)("recording site for httpd %s", (version) => {
  const files = render(prod, version);
  const main = files[0];

  it("writes the main httpd.conf and one loadbalancer_<tenant>.conf per tenant", () => {
    expect(files.map((f) => f.path)).toEqual([
      "/etc/httpd/conf/httpd.conf",
      "/etc/httpd/conf.d/loadbalancer_t1.conf",
      "/etc/httpd/conf.d/loadbalancer_t2.conf",
      "/etc/httpd/conf/recording-servers-ca.pem",
    ]);
  });

  it("includes each tenant file once, inside the recording virtual host", () => {
    const vhost =
      /<VirtualHost \*:80>\n\s+ServerName recording\.example\.com\n([\s\S]*?)<\/VirtualHost>/.exec(main.content)?.[1] ??
      "";
    expect([...vhost.matchAll(/Include (\S+)/g)].map((m) => m[1])).toEqual(
      files
        .filter((f) => f.path.endsWith(".conf"))
        .slice(1)
        .map((f) => f.path),
    );
    expect(main.content.match(/^\s*Include /gm)).toHaveLength(2);
  });

  it("names every balancer uniquely across all tenant files", () => {
    const names = files.flatMap((f) => balancers(f.content));
    expect(names).toHaveLength(prod.recording!.tenants.reduce((n, t) => n + t.services.length, 0));
    expect(new Set(names).size).toBe(names.length);
    expect(balancers(byName(files, "loadbalancer_t2.conf").content)).toEqual([
      "t2-rws",
      "t2-rp",
      "t2-rcs",
      "t2-ir",
      "t2-webdav",
    ]);
  });

  it("keeps each tenant's file to its own prefix and backends", () => {
    for (const tenant of prod.recording!.tenants) {
      const text = byName(files, `loadbalancer_${tenant.key}.conf`).content;
      for (const [, path] of text.matchAll(/^ProxyPass (\S+) /gm))
        expect(path.startsWith(`${tenant.prefix}/`)).toBe(true);
      const members = text.match(/^\s*BalancerMember .*$/gm) ?? [];
      expect(members).toHaveLength(tenant.services.reduce((n, s) => n + s.members.length, 0));
    }
  });

  it("renders the RWS balancer cookie on the tenant path and the RCS rules of the vendor guide", () => {
    const t1 = byName(files, "loadbalancer_t1.conf").content;
    expect(t1).toContain(
      'Header add Set-Cookie "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/t1; HttpOnly" env=BALANCER_ROUTE_CHANGED\n    ProxySet stickysession=ROUTEID\n',
    );
    expect(t1).toMatch(/BalancerMember https:\/\/\S+ route=RCS_1 retry=30 disablereuse=On connectiontimeout=10\n/);
    expect(t1).toContain("ProxySet stickysession=JSESSIONID\n    ProxyPassReverseCookiePath /rcs /t1/rcs\n");
    expect(t1).toContain("ProxyPass /t1/rcs balancer://t1-rcs/rcs\n");
  });

  it("marks only the WebDAV hot standby status=+H and never an RP member", () => {
    const t1 = byName(files, "loadbalancer_t1.conf").content;
    const standby: string[] = t1.match(/^.*status=\+H.*$/gm) ?? [];
    expect(standby).toHaveLength(1);
    const webdav2 = allNodeAddresses(prod)["recording/t1/webdav/t1webdav2"];
    // WebDAV stays on http (its port 80) although backendScheme is https.
    expect(standby[0].trim()).toBe(`BalancerMember http://${webdav2} status=+H retry=30`);
    const rp = /<Proxy balancer:\/\/t1-rp>([\s\S]*?)<\/Proxy>/.exec(t1)?.[1] ?? "";
    expect(rp).not.toMatch(/status=|route=/);
  });

  it("proxies to RWS, RP and RCS over TLS when backendScheme is https, to Interaction Receiver and WebDAV over http", () => {
    const peerName = version === "2.4" ? "SSLProxyCheckPeerName on" : "SSLProxyCheckPeerCN on";
    expect(main.content).toMatch(
      new RegExp(
        `ServerName recording\\.example\\.com\\n${version === "2.2" ? "\\s+ProxyPreserveHost Off\\n" : ""}\\s+SSLProxyEngine on\\n\\s+SSLProxyVerify require\\n\\s+SSLProxyVerifyDepth 3\\n\\s+SSLProxyCACertificateFile /etc/httpd/conf/recording-servers-ca\\.pem\\n\\s+${peerName}\\n\\s+SSLProxyCheckPeerExpire on\\n`,
      ),
    );
    const members = files
      .filter((f) => f.path.endsWith(".conf"))
      .slice(1)
      .flatMap((f) =>
        [...f.content.matchAll(/<Proxy balancer:\/\/t\d+-(\w+)>([\s\S]*?)<\/Proxy>/g)].flatMap((m) =>
          [...m[2].matchAll(/BalancerMember (\w+):/g)].map((b) => `${m[1]} ${b[1]}`),
        ),
      );
    expect(members.length).toBeGreaterThan(10);
    for (const member of members) expect(member).toMatch(/^(?:(?:rws|rp|rcs) https|(?:ir|webdav) http)$/);
    // The Host policy per balancer (2.4): https members get their own name, http members the public host.
    const hostPolicies = files
      .slice(1)
      .flatMap((f) =>
        [...f.content.matchAll(/<Proxy balancer:\/\/t\d+-(\w+)>([\s\S]*?)<\/Proxy>/g)].map(
          (m) => `${m[1]} ${/ProxyPreserveHost (\w+)/.exec(m[2])?.[1] ?? "none"}`,
        ),
      );
    for (const policy of hostPolicies)
      expect(policy).toMatch(version === "2.4" ? /^(?:(?:rws|rp|rcs) Off|(?:ir|webdav) On)$/ : / none$/);
    expect(main.content).toMatch(/LoadModule ssl_module modules\/mod_ssl\.so/);
  });

  it("serves server-status to 127.0.0.1 only and has no balancer-manager", () => {
    const status = /<Location \/server-status>([\s\S]*?)<\/Location>/.exec(main.content)?.[1] ?? "";
    expect(status).toContain("SetHandler server-status");
    expect(status).toMatch(
      version === "2.4"
        ? /Require ip 127\.0\.0\.1 ::1\n/
        : /Order deny,allow\n\s+Deny from all\n\s+Allow from 127\.0\.0\.1 ::1\n/,
    );
    expect(files.map((f) => f.content).join("\n")).not.toMatch(/balancer-manager/i);
  });

  it("refuses to render a standby member for the Recording Processor", () => {
    const standbyRp: Environment = {
      ...prod,
      recording: {
        ...prod.recording!,
        tenants: prod.recording!.tenants.map((t) => ({
          ...t,
          services: t.services.map((s) =>
            s.service === "rp"
              ? { ...s, members: s.members.map((m, i): RecordingMember => ({ ...m, hotStandby: i === 1 })) }
              : s,
          ),
        })),
      },
    };
    expect(() => render(standbyRp, version)).toThrow(StandbyNotAllowedError);
    expect(() => render(standbyRp, version)).toThrow("recording.tenants.t1.rp.nodes.t1rp2 is a standby member");
  });
});

describe("the httpd 2.2 form", () => {
  const files = render(prod, "2.2");
  const all = files.map((f) => f.content).join("\n");
  const names = new Set(sectionNames(all));

  it("uses 2.2 access control and no directive 2.2 lacks", () => {
    for (const only24 of ["Require", "DefaultRuntimeDir", "MaxRequestWorkers", "SSLProxyCheckPeerName"])
      expect(names.has(only24), only24).toBe(false);
    expect(all).not.toMatch(/upgrade=|wstunnel|mpm_event|slotmem|lbmethod|authz_core|unixd/);
    expect(files[0].content).toMatch(
      /<Directory \/>\n\s+AllowOverride None\n\s+Order deny,allow\n\s+Deny from all\n<\/Directory>/,
    );
  });

  it("declares its name-based virtual hosts and sizes the worker MPM with MaxClients", () => {
    expect(files[0].content).toMatch(/^NameVirtualHost \*:80$/m);
    expect(files[0].content).toMatch(
      /<IfModule worker\.c>\n\s+ServerLimit 22\n\s+ThreadLimit 64\n\s+ThreadsPerChild 64\n\s+MaxClients 704\n<\/IfModule>/,
    );
  });

  it("renders the same balancers as the 2.4 form, with the Host policy per virtual host instead of per balancer", () => {
    const tenantFiles = (version: "2.4" | "2.2") =>
      render(prod, version)
        .slice(1)
        .map((f) => f.content.replace(/^\s*ProxyPreserveHost (?:On|Off)\n/gm, ""));
    expect(tenantFiles("2.2")).toEqual(tenantFiles("2.4"));
    expect(
      render(prod, "2.2")
        .slice(1)
        .map((f) => f.content)
        .join("\n"),
    ).not.toMatch(/ProxyPreserveHost/);
    // The prod recording host has https members: each gets its own name, so every member gets its address.
    expect(files[0].content).toMatch(/ServerName recording\.example\.com\n\s+ProxyPreserveHost Off\n/);
  });

  it("cannot carry WebSockets", () => {
    const gwe = loadEnvironment(
      rawConfig({ webEngagement85: { hostname: "gwe.example.com", nodes: { n1: {} } } }),
    ).environment!;
    expect(() => renderHttpdSite(gwe, { "webEngagement85/-/-/n1": "127.0.0.1:9081" }, { release: "2.2.15" })).toThrow(
      /WebSocket proxying needs httpd 2\.4/,
    );
  });
});

describe("a standby member asked for the Recording Processor in the stack config", () => {
  it("is rejected with its key path before anything is rendered", () => {
    const result = loadEnvironment(
      rawConfig({
        recording: {
          hostname: "recording.example.com",
          tenants: { t1: { rp: { hotStandby: "rp2", nodes: { rp1: {}, rp2: {} } } } },
        },
      }),
    );
    expect(result.environment).toBeUndefined();
    expect(result.problems.map((p) => formatKeyPath(p.path))).toContain("genesys:recording.tenants.t1.rp.hotStandby");
  });
});

describe("recording with balancer none", () => {
  it("renders no tenant files and sizes workers at httpd's defaults", () => {
    const env = loadEnvironment(
      rawConfig({
        recording: {
          balancer: "none",
          hostname: "recording.example.com",
          tenants: { t1: { screenRecordingAgents: 5000, rws: { nodes: { rws1: {} } } } },
        },
      }),
    ).environment!;
    const files = renderHttpdSite(env, { "recording/t1/rws/rws1": "127.0.0.1:8080" });
    expect(files).toHaveLength(1);
    expect(files[0].content).toContain("MaxRequestWorkers 400\n");
    expect(files[0].content).not.toMatch(/loadbalancer_|balancer:\/\//);
  });
});
