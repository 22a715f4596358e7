import { describe, expect, it } from "vitest";
import type { HttpdHaPair } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { commandLine } from "../../../core/render/cluster/cluster-command";
import { clusterSetup, renderSetupScripts } from "../../../core/render/cluster/cluster-setup";
import { cmanCommands } from "../../../core/render/cluster/cman-commands";
import { pcsCommands } from "../../../core/render/cluster/pcs-commands";
import { readStackFile } from "../../../tools/stack-file";

const prodPair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;
const hosts = {
  addresses: { ip1: "192.168.33.18", ip2: "192.168.33.19" },
  instanceIds: { ip1: "i-0123456789abcdef0", ip2: "i-0fedcba9876543210" },
  region: "eu-west-1",
};
const rhel6 = (transport?: "udp" | "udpu"): HttpdHaPair => ({
  ...prodPair,
  os: "rhel6",
  fencing: "none",
  corosync: { transport, tokenMs: 3000 },
});

describe("RHEL 6 (cman) node commands", () => {
  it("follow the guide: httpd off, hosts, ccs cluster with fence_pcmk redirect, two-node cman, no quorum wait, services on", () => {
    expect(cmanCommands(rhel6(), hosts).map(commandLine)).toEqual([
      "chkconfig httpd off",
      "echo '192.168.33.18 ip1' >> /etc/hosts",
      "echo '192.168.33.19 ip2' >> /etc/hosts",
      "ccs -f /etc/cluster/cluster.conf --createcluster webcluster",
      "ccs -f /etc/cluster/cluster.conf --addnode ip1",
      "ccs -f /etc/cluster/cluster.conf --addnode ip2",
      "ccs -f /etc/cluster/cluster.conf --addfencedev pcmk agent=fence_pcmk",
      "ccs -f /etc/cluster/cluster.conf --addmethod pcmk-redirect ip1",
      "ccs -f /etc/cluster/cluster.conf --addmethod pcmk-redirect ip2",
      "ccs -f /etc/cluster/cluster.conf --addfenceinst pcmk ip1 pcmk-redirect port=ip1",
      "ccs -f /etc/cluster/cluster.conf --addfenceinst pcmk ip2 pcmk-redirect port=ip2",
      "ccs -f /etc/cluster/cluster.conf --setcman two_node=1 expected_votes=1",
      "echo CMAN_QUORUM_TIMEOUT=0 >> /etc/sysconfig/cman",
      "service cman start",
      "service pacemaker start",
      "chkconfig --level 345 cman on",
      "chkconfig --level 345 pacemaker on",
    ]);
  });

  it("switches cman to UDP unicast in the same --setcman call when the model asks for udpu", () => {
    const setcman = cmanCommands(rhel6("udpu"), hosts).find((c) => c.argv.includes("--setcman"))!;
    expect(setcman.argv.slice(-3)).toEqual(["two_node=1", "expected_votes=1", "transport=udpu"]);
  });

  it("needs both addresses (cman resolves node names) and refuses rhel8 or knet", () => {
    expect(() => cmanCommands(rhel6(), { addresses: { ip1: "192.168.33.18" } })).toThrow(/hosts\.addresses\.ip2/);
    expect(() => cmanCommands(prodPair, hosts)).toThrow(/rhel6 only/);
    expect(() => cmanCommands({ ...rhel6(), corosync: { transport: "knet", tokenMs: 3000 } }, hosts)).toThrow(
      /not available on rhel6/,
    );
  });
});

describe("clusterSetup", () => {
  it("RHEL 6: cman commands on each node, then the same pcs commands as RHEL 8 once", () => {
    const setup = clusterSetup(rhel6("udpu"), hosts);
    expect(setup.eachNode).toEqual(cmanCommands(rhel6("udpu"), hosts));
    expect(setup.oneNode).toEqual(pcsCommands({ ...prodPair, fencing: "none" }, hosts));
    expect(setup.files).toEqual([]);
  });

  it("RHEL 8: corosync.conf on both nodes, httpd left to Pacemaker, corosync and pacemaker enabled", () => {
    const setup = clusterSetup(prodPair, hosts);
    expect(setup.files.map((f) => [f.path, f.mode])).toEqual([["/etc/corosync/corosync.conf", "0644"]]);
    expect(setup.files[0].content).toContain("ring0_addr: 192.168.33.19");
    expect(setup.eachNode.map(commandLine)).toEqual([
      "systemctl disable --now httpd",
      "systemctl enable --now corosync pacemaker",
    ]);
    expect(setup.sharedSecrets).toEqual(["/etc/corosync/authkey"]);
    expect(clusterSetup({ ...prodPair, corosync: { transport: "udpu", tokenMs: 15000 } }, hosts).sharedSecrets).toEqual(
      [],
    );
  });

  it("renders scripts that stop at the first failing command", () => {
    const scripts = renderSetupScripts(clusterSetup(prodPair, hosts));
    expect(scripts.oneNode.split("\n").slice(0, 3)).toEqual([
      "#!/bin/sh",
      "# Run once, on one node, after both nodes have joined the cluster.",
      "set -eu",
    ]);
    expect(scripts.oneNode).toContain(
      "pcs constraint order virtual_ip then webserver id=order-virtual_ip-then-webserver\n",
    );
    expect(scripts.eachNode).toContain("systemctl enable --now corosync pacemaker\n");
  });
});
