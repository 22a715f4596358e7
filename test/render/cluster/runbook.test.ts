import { describe, expect, it } from "vitest";
import type { HttpdHaPair } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { commandLine, type ClusterCommand } from "../../../core/render/cluster/cluster-command";
import { clusterRunbook, renderClusterRunbook } from "../../../core/render/cluster/runbook";
import { readStackFile } from "../../../tools/stack-file";

const prodPair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;
const hosts = {
  addresses: { ip1: "10.50.10.11", ip2: "10.50.10.12" },
  instanceIds: { ip1: "i-0123456789abcdef0", ip2: "i-0fedcba9876543210" },
  region: "eu-west-1",
};
const ipaddr2: HttpdHaPair = { ...prodPair, fencing: "none", virtualIp: { ...prodPair.virtualIp, agent: "IPaddr2" } };

/** Every command line of a procedure. */
const commandsOf = (pair: HttpdHaPair, title: string) =>
  clusterRunbook(pair, hosts)
    .find((p) => p.title === title)!
    .steps.filter((s): s is ClusterCommand => "argv" in s)
    .map(commandLine);

describe("clusterRunbook", () => {
  it("checks status with pcs and crm_mon's operation history, and the fencing history when fenced", () => {
    expect(commandsOf(prodPair, "Check the cluster")).toEqual(["pcs status", "crm_mon -o -1", "pcs stonith history"]);
    expect(commandsOf(ipaddr2, "Check the cluster")).toEqual(["pcs status", "crm_mon -o -1"]);
  });

  it("brings a fenced (stopped) node back by its instance id", () => {
    expect(commandsOf(prodPair, "Bring back a fenced node")).toEqual([
      "aws ec2 describe-instances --instance-ids i-0123456789abcdef0 i-0fedcba9876543210 --query 'Reservations[].Instances[].[InstanceId,State.Name]' --output text",
      "aws ec2 start-instances --instance-ids i-0123456789abcdef0",
    ]);
    expect(clusterRunbook(ipaddr2, hosts).map((p) => p.title)).not.toContain("Bring back a fenced node");
  });

  it("cleans up every resource of this pair's chain by its cluster name", () => {
    expect(commandsOf(prodPair, "Clear a failed resource")).toEqual([
      "pcs resource cleanup aws_secondary_ip",
      "pcs resource cleanup virtual_ip",
      "pcs resource cleanup webserver",
    ]);
    expect(commandsOf(ipaddr2, "Clear a failed resource")).toEqual([
      "pcs resource cleanup virtual_ip",
      "pcs resource cleanup webserver",
    ]);
  });

  it("moves the head of the chain to the other node and back, or puts the node in standby (RHEL 8 syntax)", () => {
    expect(commandsOf(prodPair, "Maintain ip1 while ip2 serves")).toEqual([
      "pcs resource move aws_secondary_ip ip2",
      "pcs resource clear aws_secondary_ip",
      "pcs node standby ip1",
      "pcs node unstandby ip1",
    ]);
    expect(commandsOf(ipaddr2, "Maintain ip2 while ip1 serves")[0]).toBe("pcs resource move virtual_ip ip1");
  });

  it("uses RHEL 6's pcs 0.9 standby syntax there", () => {
    const rhel6: HttpdHaPair = { ...ipaddr2, os: "rhel6", corosync: { transport: "udpu", tokenMs: 3000 } };
    expect(commandsOf(rhel6, "Maintain ip1 while ip2 serves").slice(2)).toEqual([
      "pcs cluster standby ip1",
      "pcs cluster unstandby ip1",
    ]);
  });
});

describe("renderClusterRunbook", () => {
  it("is markdown naming the nodes, their addresses, the VIP and the start order, with shell blocks", () => {
    const text = renderClusterRunbook(prodPair, hosts);
    expect(text.startsWith("## httpd HA pair: cluster `webcluster`\n")).toBe(true);
    expect(text).toContain(
      "RHEL 8 nodes `ip1` (10.50.10.11) and `ip2` (10.50.10.12); virtual IP 10.50.140.250 (awsvip).",
    );
    expect(text).toContain("`aws_secondary_ip` → `virtual_ip` → `webserver`");
    const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(clusterRunbook(prodPair, hosts).length);
    expect(blocks[3]).toContain(
      "# maintain ip1, then let the cluster place aws_secondary_ip freely again:\npcs resource clear aws_secondary_ip\n",
    );
  });

  it("works before the addresses are known", () => {
    expect(renderClusterRunbook(prodPair)).toContain("RHEL 8 nodes `ip1` and `ip2`;");
  });
});
