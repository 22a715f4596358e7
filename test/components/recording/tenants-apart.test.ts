/**
 * Each tenant's balancer sends its requests to its own servers only, on every
 * path that renders member addresses: the pair's staged files (as the host
 * gets them) and the renderers synth uses, which look members up by
 * `tenant/service/node`. A node key repeated across tenants would give two
 * servers one DNS name, so the stack refuses it, naming the key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { recordingBalancerName } from "../../../core/model/genesys-facts";
import { formatProblem } from "../../../core/model/problems";
import { renderHttpdSite } from "../../../core/render/httpd";
import { renderNginxSite } from "../../../core/render/nginx/site";
import { loadEnvironment } from "../../../core/model/load";
import { stagedHostFiles } from "../../support/staged-files";
import { rawConfig, stackValues } from "../../support/program";
import { runPair, type PairRun } from "../httpd-ha-pair/pair-harness";

type Values = Record<string, unknown>;
type Tenants = Record<string, Record<string, { nodes: Record<string, unknown> }>>;

/** Prod, with t2's RWS nodes keyed like t1's first two. */
function repeatRwsKeys(values: Values): void {
  const tenants = (values.recording as { tenants: Tenants }).tenants;
  tenants.t2.rws.nodes = { t1rws1: { appName: "T2RWS1" }, t1rws2: { appName: "T2RWS2" } };
}

const IR = (tenant: string) => recordingBalancerName(tenant, "interactionReceiver");

/** The BalancerMember hosts of `balancer://<name>` in an httpd file. */
function httpdMembers(text: string, name: string): string[] {
  const body = new RegExp(`<Proxy balancer://${name}>([\\s\\S]*?)</Proxy>`).exec(text)?.[1] ?? "";
  return [...body.matchAll(/BalancerMember \w+:\/\/([\d.]+):\d+/g)].map((m) => m[1]).sort();
}

describe("recording tenants on the httpd pair", () => {
  let run: PairRun;
  beforeAll(async () => {
    run = await runPair();
  }, 120_000);

  // Interaction Receiver is reached over http, so its members are addressed by IP (https members by their DNS names).
  it("stages each tenant's file with that tenant's own Interaction Receiver members, on both hosts", () => {
    const ipsOf = (tenant: string) =>
      Object.entries(run.recordingIps)
        .filter(([id]) => id.startsWith(`recording/${tenant}/ir/`))
        .map(([, ip]) => ip)
        .sort();
    expect(ipsOf("t1")).toHaveLength(2);
    expect(ipsOf("t2")).toHaveLength(2);
    for (const host of ["ip1", "ip2"]) {
      const files = stagedHostFiles(run, host);
      const t1 = files.get("/etc/httpd/conf.d/loadbalancer_t1.conf") as string;
      const t2 = files.get("/etc/httpd/conf.d/loadbalancer_t2.conf") as string;
      expect(httpdMembers(t1, IR("t1"))).toEqual(ipsOf("t1"));
      expect(httpdMembers(t2, IR("t2"))).toEqual(ipsOf("t2"));
    }
  });

  it("refuses a node key that another tenant already uses, naming the key", () => {
    const values = stackValues("prod");
    repeatRwsKeys(values);
    const problems = loadEnvironment(rawConfig(values)).problems.map(formatProblem);
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^genesys:recording\.tenants\.t2\.rws\.nodes\.t1rws1: "t1rws1" has the DNS name t1rws1\.recording\.example\.com, as recording\.tenants\.t1\.rws\.nodes\.t1rws1 does/,
      ),
    );
  });
});

describe("renderers given member ids", () => {
  const values: Values = {
    environment: "development",
    region: "eu-west-1",
    network: { vpcCidr: "10.40.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
    site: { domain: "example.com" },
    recording: {
      hostname: "recording.example.com",
      tenants: { t1: { rws: { nodes: { rws1: {} } } }, t2: { rws: { nodes: { rws2: {} } } } },
    },
  };
  const env = loadEnvironment(rawConfig(values)).environment!;
  const addresses = { "recording/t1/rws/rws1": "10.40.1.11:8080", "recording/t2/rws/rws2": "10.40.1.22:8080" };

  it("httpd: each tenant's balancer has its own member", () => {
    const files = renderHttpdSite(env, addresses, { systems: ["recording"] });
    const t1 = files.find((f) => f.path.endsWith("loadbalancer_t1.conf"))!.content;
    const t2 = files.find((f) => f.path.endsWith("loadbalancer_t2.conf"))!.content;
    expect(httpdMembers(t1, "t1-rws")).toEqual(["10.40.1.11"]);
    expect(httpdMembers(t2, "t2-rws")).toEqual(["10.40.1.22"]);
  });

  it("nginx: each tenant's upstream has its own server", () => {
    const text = renderNginxSite(env, addresses)
      .map((f) => f.content)
      .join("\n");
    expect(/upstream t1-rws \{[^}]*server 10\.40\.1\.11:8080/.test(text)).toBe(true);
    expect(/upstream t2-rws \{[^}]*server 10\.40\.1\.22:8080/.test(text)).toBe(true);
    expect(/upstream t1-rws \{[^}]*10\.40\.1\.22/.test(text)).toBe(false);
  });

  it("a node key alone no longer addresses a recording member", () => {
    expect(() => renderHttpdSite(env, { rws1: "10.40.1.11:8080" }, { systems: ["recording"] })).toThrow(
      /no backend address for node "recording\/t1\/rws\/rws1" \(recording\.tenants\.t1\.rws\.nodes\.rws1\)/,
    );
  });
});
