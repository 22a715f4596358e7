import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpdHaPair } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { needsAuthkey, renderCorosyncConf } from "../../../core/render/cluster/corosync-conf";
import { REAL_SERVERS_OPTED_OUT, requireBinary } from "../../support/real-servers";
import { readStackFile } from "../../../tools/stack-file";

const prodPair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;
const withTransport = (transport: "knet" | "udpu" | undefined, tokenMs = 3000): HttpdHaPair => ({
  ...prodPair,
  corosync: { transport, tokenMs },
});
const addresses = { ip1: "10.50.10.11", ip2: "10.50.10.12" };

/** `section { … }` bodies by name, one level deep, as key -> value lines. */
function section(conf: string, name: string): string {
  const match = new RegExp(`^${name} \\{\\n([\\s\\S]*?)^\\}`, "m").exec(conf);
  if (!match) throw new Error(`no ${name} section in:\n${conf}`);
  return match[1];
}
const value = (body: string, key: string) => new RegExp(`^\\s*${key}: (.*)$`, "m").exec(body)?.[1];

describe("renderCorosyncConf", () => {
  it("puts the model's transport and token and both nodes with their private addresses and ids", () => {
    const conf = renderCorosyncConf(withTransport("udpu", 2500), addresses);
    const totem = section(conf, "totem");
    expect(value(totem, "version")).toBe("2");
    expect(value(totem, "cluster_name")).toBe("webcluster");
    expect(value(totem, "transport")).toBe("udpu");
    expect(value(totem, "token")).toBe("2500");
    const nodes = [
      ...section(conf, "nodelist").matchAll(/node \{\s*ring0_addr: (\S+)\s*name: (\S+)\s*nodeid: (\d+)\s*\}/g),
    ].map((m) => m.slice(1));
    expect(nodes).toEqual([
      ["10.50.10.11", "ip1", "1"],
      ["10.50.10.12", "ip2", "2"],
    ]);
  });

  it("keeps quorum with one surviving node of two", () => {
    const quorum = section(renderCorosyncConf(withTransport("udpu"), addresses), "quorum");
    expect(value(quorum, "provider")).toBe("corosync_votequorum");
    expect(value(quorum, "two_node")).toBe("1");
  });

  it("defaults to knet, encrypted with the shared authkey; udpu has no crypto in corosync 3", () => {
    const knet = section(renderCorosyncConf(withTransport(undefined), addresses), "totem");
    expect(value(knet, "transport")).toBe("knet");
    expect(value(knet, "crypto_cipher")).toBe("aes256");
    expect(value(knet, "crypto_hash")).toBe("sha256");
    expect(needsAuthkey(withTransport(undefined))).toBe(true);
    const udpu = section(renderCorosyncConf(withTransport("udpu"), addresses), "totem");
    expect(value(udpu, "crypto_cipher")).toBeUndefined();
    expect(needsAuthkey(withTransport("udpu"))).toBe(false);
  });

  it("refuses missing, extra, duplicate or malformed addresses", () => {
    expect(() => renderCorosyncConf(prodPair, { ip1: "10.50.10.11" })).toThrow(
      /hosts\.addresses\.ip2: undefined is required/,
    );
    expect(() => renderCorosyncConf(prodPair, { ...addresses, ip3: "10.50.10.13" })).toThrow(
      /hosts\.addresses\.ip3: .* names no node of the pair/,
    );
    expect(() => renderCorosyncConf(prodPair, { ip1: "10.50.10.11", ip2: "10.50.10.11" })).toThrow(
      /each node needs its own/,
    );
    expect(() => renderCorosyncConf(prodPair, { ip1: "10.50.10.11\n}", ip2: "10.50.10.12" })).toThrow(
      /must be an IPv4 address/,
    );
  });

  it("refuses what the config file could not carry safely", () => {
    const badKey: HttpdHaPair = { ...prodPair, nodes: [{ key: "ip1" }, { key: "ip2\n}" }] };
    expect(() => renderCorosyncConf(badKey, { ip1: "10.50.10.11" })).toThrow(/httpdHaPair\.nodes/);
    expect(() => renderCorosyncConf({ ...prodPair, corosync: { transport: "udpu", tokenMs: 1.5 } }, addresses)).toThrow(
      /tokenMs/,
    );
    expect(() => renderCorosyncConf({ ...prodPair, os: "rhel6" }, addresses)).toThrow(/cluster\.conf/);
    expect(() => renderCorosyncConf({ ...prodPair, corosync: { transport: "udp", tokenMs: 3000 } }, addresses)).toThrow(
      /not available on rhel8/,
    );
  });
});

describe.skipIf(REAL_SERVERS_OPTED_OUT)("corosync 3.1 parses the rendered file", () => {
  let corosync: string;
  let dir: string;
  let authkey: string;
  beforeAll(() => {
    corosync = requireBinary("corosync", "corosync");
    dir = mkdtempSync(join(tmpdir(), "gnx-corosync-"));
    authkey = join(dir, "authkey");
    execFileSync(requireBinary("corosync-keygen", "corosync"), ["-k", authkey], { stdio: "ignore" });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * `corosync -t` checks a config as the daemon would, but needs one node
   * address to be local and opens the log file and key: the test points those
   * at loopback and the temp dir, and leaves everything else as rendered.
   */
  function check(conf: string, name: string) {
    const local = conf
      .replace(/^(\s*logfile:) .*$/m, `$1 ${join(dir, `${name}.log`)}`)
      .replace(/^(\s*transport: .*)$/m, `$1\n    keyfile: ${authkey}`);
    const file = join(dir, `${name}.conf`);
    writeFileSync(file, local);
    return spawnSync(corosync, ["-t", "-c", file], { encoding: "utf8", timeout: 10_000 });
  }
  const loopback = { ip1: "127.0.0.1", ip2: "127.0.0.2" };

  it.each(["knet", "udpu"] as const)("accepts the %s form", (transport) => {
    const result = check(renderCorosyncConf(withTransport(transport), loopback), transport);
    expect(result.stderr + result.stdout).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it("rejects crypto on udpu, which is why only knet is encrypted", () => {
    const knet = renderCorosyncConf(withTransport("knet"), loopback);
    const result = check(knet.replace("transport: knet", "transport: udpu"), "udpu-crypto");
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/only valid for the Knet transport/);
  });
});
