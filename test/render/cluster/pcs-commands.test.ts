/**
 * What the pcs renderer refuses, and the facts other parts rely on. How the
 * rendered configuration behaves (placement, failover, fencing, stickiness)
 * is proven on Pacemaker itself: pacemaker-cib.test.ts and the live drill.
 */
import { describe, expect, it } from "vitest";
import type { HttpdHaPair } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { commandLine } from "../../../core/render/cluster/cluster-command";
import {
  CLUSTER_RESOURCES,
  constraintIds,
  managedResources,
  pcsCommands,
  resourceChain,
} from "../../../core/render/cluster/pcs-commands";
import { readStackFile } from "../../../tools/stack-file";

const prodPair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;
const fenceHosts = { instanceIds: { ip1: "i-0123456789abcdef0", ip2: "i-0fedcba9876543210" }, region: "eu-west-1" };
const withAgent = (agent: HttpdHaPair["virtualIp"]["agent"], address = "10.50.10.250"): HttpdHaPair => ({
  ...prodPair,
  fencing: agent === "IPaddr2" ? "none" : "fence_aws",
  virtualIp: { ...prodPair.virtualIp, agent, address },
});
const lines = (pair: HttpdHaPair, hosts = {}) => pcsCommands(pair, { ...fenceHosts, ...hosts }).map(commandLine);

describe("pcsCommands", () => {
  it("fences with fence_aws, each node name mapped to its instance, in the hosts' region", () => {
    const fence = lines(prodPair).find((l) => l.startsWith("pcs stonith create"))!;
    expect(fence).toContain(
      "fence_aws region=eu-west-1 'pcmk_host_map=ip1:i-0123456789abcdef0;ip2:i-0fedcba9876543210'",
    );
    expect(managedResources(prodPair)).toEqual(["aws_fence", "aws_secondary_ip", "virtual_ip", "webserver"]);
  });

  it("needs every node's instance id and the region to fence, and refuses what pcs could not carry", () => {
    expect(() => pcsCommands(prodPair, { region: "eu-west-1" })).toThrow(
      /hosts\.instanceIds\.ip1: undefined is required/,
    );
    expect(() =>
      pcsCommands(prodPair, { ...fenceHosts, instanceIds: { ...fenceHosts.instanceIds, ip2: "i-1;reboot" } }),
    ).toThrow(/hosts\.instanceIds\.ip2/);
    expect(() =>
      pcsCommands(prodPair, { ...fenceHosts, instanceIds: { ...fenceHosts.instanceIds, ip3: "i-0123456789abcdef0" } }),
    ).toThrow(/hosts\.instanceIds\.ip3: .* names no node/);
    expect(() => pcsCommands(prodPair, { instanceIds: fenceHosts.instanceIds })).toThrow(/hosts\.region/);
  });

  it("without fencing (development), configures no device and no instance ids are needed", () => {
    const pair: HttpdHaPair = { ...prodPair, fencing: "none" };
    expect(pcsCommands(pair).map(commandLine)).toContain("pcs property set stonith-enabled=false");
    expect(managedResources(pair)).toEqual(["aws_secondary_ip", "virtual_ip", "webserver"]);
  });

  it("chains awsvip (the ENI's secondary IP), IPaddr2 (the address on the host) and httpd; IPaddr2 alone on-premises", () => {
    expect(resourceChain(withAgent("awsvip"))).toEqual(["aws_secondary_ip", "virtual_ip", "webserver"]);
    expect(resourceChain(withAgent("IPaddr2"))).toEqual(["virtual_ip", "webserver"]);
    expect(constraintIds(withAgent("IPaddr2"))).toEqual([
      "colocate-webserver-with-virtual_ip",
      "order-virtual_ip-then-webserver",
    ]);
  });

  it("gives aws-vpc-move-ip every route table to update, and refuses malformed ones", () => {
    const pair = withAgent("aws-vpc-move-ip", "172.16.0.10");
    expect(lines(pair, { routeTableIds: ["rtb-0123456789abcdef0", "rtb-0fedcba987654321f"] }).join("\n")).toContain(
      "routing_table=rtb-0123456789abcdef0,rtb-0fedcba987654321f ",
    );
    expect(() => pcsCommands(pair, fenceHosts)).toThrow(/hosts\.routeTableIds: \[\] must list the route tables/);
    expect(() => pcsCommands(pair, { ...fenceHosts, routeTableIds: ["rtb-1;reboot"] })).toThrow(
      /hosts\.routeTableIds\[0\]/,
    );
  });

  it("takes a deploy-time httpd config path and refuses one that is not a plain absolute path", () => {
    expect(lines(prodPair, { httpdConfigFile: "/opt/lb/httpd.conf" }).join("\n")).toContain(
      "configfile=/opt/lb/httpd.conf ",
    );
    for (const bad of [
      "relative/httpd.conf",
      "/etc/../root/x",
      "/etc/httpd/conf/httpd.conf op monitor",
      "/etc/$(id)",
    ]) {
      expect(() => pcsCommands(prodPair, { ...fenceHosts, httpdConfigFile: bad })).toThrow(/hosts\.httpdConfigFile/);
    }
  });

  it("refuses an interface or address that is not what the model allows", () => {
    expect(() =>
      pcsCommands({ ...prodPair, virtualIp: { ...prodPair.virtualIp, nic: "eth0 nic=lo" } }, fenceHosts),
    ).toThrow(/virtualIp\.nic/);
    expect(() =>
      pcsCommands({ ...prodPair, virtualIp: { ...prodPair.virtualIp, address: "10.0.0.300" } }, fenceHosts),
    ).toThrow(/virtualIp\.address/);
  });

  it("names resources the way the guide's maintenance commands do", () => {
    expect(CLUSTER_RESOURCES.virtualIp).toBe("virtual_ip");
    expect(CLUSTER_RESOURCES.webserver).toBe("webserver");
  });
});
