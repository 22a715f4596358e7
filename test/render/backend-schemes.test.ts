/**
 * Scheme and port per recording service: https only where the service is
 * configured for it, Interaction Receiver and WebDAV on http:80 by default,
 * and never an `https://…:80` member in either server's config.
 */
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../core/model/load";
import { formatProblem } from "../../core/model/problems";
import { renderHttpdSite } from "../../core/render/httpd/site";
import { renderNginxSite } from "../../core/render/nginx/site";
import { readStackFile } from "../../tools/stack-file";
import { allNodeAddresses, rawConfig } from "./httpd/fixtures";

const prod = loadEnvironment(readStackFile("prod").config).environment!;
const ips = (env: typeof prod) =>
  Object.fromEntries(Object.keys(allNodeAddresses(env)).map((key, i) => [key, `10.50.1.${10 + i}`]));

/** `scheme://host:port` of every member or upstream server, with the service it serves. */
function httpdMembers(env: typeof prod): string[] {
  return renderHttpdSite(env, allNodeAddresses(env), { systems: ["recording"] }).flatMap((f) =>
    [...f.content.matchAll(/BalancerMember (\w+):\/\/(\S+)/g)].map((m) => `${m[1]}://${m[2]}`),
  );
}

describe("scheme and port per recording service", () => {
  it("keeps Interaction Receiver and WebDAV on http:80 while RWS, RP and RCS follow backendScheme https (production stack)", () => {
    for (const tenant of prod.recording!.tenants) {
      for (const svc of tenant.services) {
        expect([svc.service, svc.scheme]).toEqual([
          svc.service,
          ["interactionReceiver", "webdav"].includes(svc.service) ? "http" : "https",
        ]);
      }
    }
  });

  it("renders no https member on port 80, in httpd or nginx", () => {
    const members = httpdMembers(prod);
    expect(members.some((m) => m.startsWith("https://"))).toBe(true);
    expect(members.filter((m) => /^https:\/\/[^/]*:80$/.test(m))).toEqual([]);
    const nginx = renderNginxSite(prod, ips(prod))
      .map((f) => f.content)
      .join("\n");
    for (const tenant of prod.recording!.tenants) {
      for (const svc of tenant.services) {
        const passes = [
          ...nginx.matchAll(
            new RegExp(
              `proxy_pass (\\w+)://\\$?${svc.balancerName.replace(/-/g, "_")}|proxy_pass (\\w+)://${svc.balancerName}[/;]`,
              "g",
            ),
          ),
        ];
        expect(passes.length, svc.balancerName).toBeGreaterThan(0);
        for (const p of passes) expect(p[1] ?? p[2], svc.balancerName).toBe(svc.scheme);
      }
    }
  });

  it("lets serviceSchemes set https for WebDAV, and then refuses its port 80 naming the node's port key", () => {
    const stack = readStackFile("prod").config;
    const recording = JSON.parse(stack["genesys:recording"]) as { serviceSchemes?: Record<string, string> };
    recording.serviceSchemes = { webdav: "https" };
    const result = loadEnvironment({ ...stack, "genesys:recording": JSON.stringify(recording) });
    const messages = result.problems.map(formatProblem);
    expect(
      messages.some((m) =>
        m.startsWith(
          "genesys:recording.tenants.t1.webdav.nodes.t1webdav1.port: 80 is the plain-HTTP port, but WebDAV is reached over https (recording.serviceSchemes.webdav)",
        ),
      ),
    ).toBe(true);
    expect(messages.every((m) => m.includes(".webdav.nodes."))).toBe(true);
  });

  it("keeps http for every service when backendScheme is http", () => {
    const env = loadEnvironment(
      rawConfig({
        recording: {
          hostname: "recording.example.com",
          tenants: { t1: { rws: { nodes: { a: {} } }, webdav: { nodes: { b: {} } } } },
        },
      }),
    ).environment!;
    expect(httpdMembers(env).every((m) => m.startsWith("http://"))).toBe(true);
  });
});

describe("verification of the recording servers' certificates", () => {
  const withoutCa = { ...prod, recording: { ...prod.recording!, backendCaBundle: undefined } };
  const text = (files: readonly { content: string }[]) => files.map((f) => f.content).join("\n");

  it("verifies every https member in both servers when the stack names a CA", () => {
    const httpd = text(renderHttpdSite(prod, allNodeAddresses(prod), { systems: ["recording"] }));
    expect(httpd).toMatch(/SSLProxyVerify require\n/);
    expect(httpd).not.toMatch(/SSLProxyVerify none/);
    const nginx = renderNginxSite(prod, ips(prod));
    const rws = nginx.find((f) => f.path === "genesys/recording-t1-locations.conf")!.content;
    expect(rws).toContain("proxy_ssl_verify on;");
    expect(rws).toContain("proxy_ssl_trusted_certificate genesys/recording-servers-ca.pem;");
    // The name of the node each attempt goes to: SNI, certificate name and Host alike.
    expect(rws).toMatch(
      /proxy_ssl_name \$t1_rws_https_node1_host;\n(?:.*\n)*?\s*error_page 502 504 = @t1_rws_https_node2;/,
    );
    expect(rws).toMatch(/location @t1_rws_https_node2 \{[^}]*\}[^}]*proxy_ssl_name \$t1_rws_https_node2_host;/);
    expect(nginx.find((f) => f.path === "genesys/recording-servers-ca.pem")?.content).toBe(
      `${prod.recording!.backendCaBundle!.trim()}\n`,
    );
    // Each node's name and port by the node chosen for the attempt.
    const upstreams = nginx.find((f) => f.path === "genesys/recording-t1.conf")!.content;
    expect(upstreams).toMatch(
      /map \$t1_rws_https_node1 \$t1_rws_https_node1_host \{[^}]*"~\^t1-rws\\\\\.t1rws1\$" "t1rws1\.recording\.example\.com:\d+";/,
    );
  });

  it("says in the config that nothing is verified without a CA (development), in both servers", () => {
    const httpd = text(renderHttpdSite(withoutCa, allNodeAddresses(withoutCa), { systems: ["recording"] }));
    expect(httpd).toMatch(/# No recording\.backendTls\.caBundle: [^\n]*not verified[^\n]*\n\s+SSLProxyVerify none\n/);
    const nginx = text(renderNginxSite(withoutCa, ips(withoutCa)));
    expect(nginx).toMatch(/# No recording\.backendTls\.caBundle: [^\n]*not verified[^\n]*\n\s+proxy_ssl_verify off;/);
    expect(nginx).not.toContain("recording-servers-ca.pem");
  });
});
