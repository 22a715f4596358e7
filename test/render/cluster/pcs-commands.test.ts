import { describe, expect, it } from "vitest";
import type { HttpdHaPair } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { commandLine } from "../../../core/render/cluster/cluster-command";
import { CLUSTER_RESOURCES, pcsCommands, resourceChain } from "../../../core/render/cluster/pcs-commands";
import { readStackFile } from "../../../tools/stack-file";

const prodPair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;
const withAgent = (agent: HttpdHaPair["virtualIp"]["agent"], address = "10.50.10.250"): HttpdHaPair => ({ ...prodPair, virtualIp: { ...prodPair.virtualIp, agent, address } });
const lines = (pair: HttpdHaPair, hosts = {}) => pcsCommands(pair, hosts).map(commandLine);

describe("pcsCommands", () => {
  it("opens with the guide's cluster defaults", () => {
    expect(lines(prodPair).slice(0, 3)).toEqual([
      "pcs property set stonith-enabled=false",
      "pcs property set no-quorum-policy=ignore",
      "pcs resource defaults migration-threshold=1",
    ]);
  });

  it("creates an IPaddr2 VIP from the model's address, netmask and interface", () => {
    const pair: HttpdHaPair = { ...prodPair, virtualIp: { agent: "IPaddr2", address: "192.168.33.20", cidrNetmask: 24, nic: "ens5" } };
    expect(lines(pair)).toContain("pcs resource create virtual_ip ocf:heartbeat:IPaddr2 ip=192.168.33.20 cidr_netmask=24 nic=ens5 op monitor interval=30s");
    expect(resourceChain(pair)).toEqual(["virtual_ip", "webserver"]);
  });

  it("pairs awsvip (the ENI's secondary IP) with IPaddr2 (the address on the interface), started and kept together", () => {
    const all = lines(withAgent("awsvip"));
    expect(all).toContain("pcs resource create aws_secondary_ip ocf:heartbeat:awsvip secondary_private_ip=10.50.10.250 op monitor interval=30s");
    expect(all).toContain("pcs resource create virtual_ip ocf:heartbeat:IPaddr2 ip=10.50.10.250 cidr_netmask=32 nic=eth0 op monitor interval=30s");
    expect(all).toContain("pcs constraint colocation add virtual_ip with aws_secondary_ip INFINITY");
    expect(all).toContain("pcs constraint order aws_secondary_ip then virtual_ip");
    expect(resourceChain(withAgent("awsvip"))).toEqual(["aws_secondary_ip", "virtual_ip", "webserver"]);
  });

  it("gives aws-vpc-move-ip the overlay IP, the interface and every route table to update", () => {
    const pair = withAgent("aws-vpc-move-ip", "172.16.0.10");
    const all = lines(pair, { routeTableIds: ["rtb-0123456789abcdef0", "rtb-0fedcba987654321f"] });
    expect(all).toContain(
      "pcs resource create virtual_ip ocf:heartbeat:aws-vpc-move-ip ip=172.16.0.10 interface=eth0 routing_table=rtb-0123456789abcdef0,rtb-0fedcba987654321f op monitor interval=30s",
    );
    expect(() => pcsCommands(pair)).toThrow(/hosts\.routeTableIds: \[\] must list the route tables/);
    expect(() => pcsCommands(pair, { routeTableIds: ["rtb-1;reboot"] })).toThrow(/hosts\.routeTableIds\[0\]/);
  });

  it.each(["awsvip", "aws-vpc-move-ip", "IPaddr2"] as const)("with %s, starts httpd after the VIP on the same node, monitored every 30 s and failing over only after 10 failures", (agent) => {
    const all = lines(withAgent(agent), { routeTableIds: ["rtb-0123456789abcdef0"] });
    expect(all).toContain("pcs resource create webserver ocf:heartbeat:apache configfile=/etc/httpd/conf/httpd.conf statusurl=http://localhost/server-status op monitor interval=30s");
    expect(all).toContain("pcs resource meta webserver migration-threshold=10");
    const colocation = all.indexOf("pcs constraint colocation add webserver with virtual_ip INFINITY");
    expect(colocation).toBeGreaterThan(all.findIndex((l) => l.startsWith("pcs resource create webserver")));
    expect(all[colocation + 1]).toBe("pcs constraint order virtual_ip then webserver");
  });

  it("takes a deploy-time httpd config path and refuses one that is not a plain absolute path", () => {
    expect(lines(prodPair, { httpdConfigFile: "/opt/lb/httpd.conf" }).join("\n")).toContain("configfile=/opt/lb/httpd.conf ");
    for (const bad of ["relative/httpd.conf", "/etc/../root/x", "/etc/httpd/conf/httpd.conf op monitor", "/etc/$(id)"]) {
      expect(() => pcsCommands(prodPair, { httpdConfigFile: bad })).toThrow(/hosts\.httpdConfigFile/);
    }
  });

  it("refuses an interface or address that is not what the model allows", () => {
    expect(() => pcsCommands({ ...prodPair, virtualIp: { ...prodPair.virtualIp, nic: "eth0 nic=lo" } })).toThrow(/virtualIp\.nic/);
    expect(() => pcsCommands({ ...prodPair, virtualIp: { ...prodPair.virtualIp, address: "10.0.0.300" } })).toThrow(/virtualIp\.address/);
  });

  it("names resources the way the guide's maintenance commands do", () => {
    expect(CLUSTER_RESOURCES.virtualIp).toBe("virtual_ip");
    expect(CLUSTER_RESOURCES.webserver).toBe("webserver");
  });
});
