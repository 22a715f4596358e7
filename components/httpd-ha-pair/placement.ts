/**
 * Where the pair's addresses may live in AWS. The model checks the VIP against
 * the VPC; on AWS the hosts and an `awsvip` address share one subnet, and a
 * VPC carries neither multicast nor addresses no ENI or route owns.
 */
import type { Environment, HttpdHaPair } from "../../core/model/environment";
import { usesPcs } from "../../core/model/ha-os";
import { formatIpv4, parseCidr, parseIpv4, cidrContains, cidrSize, type Cidr } from "../../core/model/network-math";
import type { ConfigProblem } from "../../core/model/problems";
import { planSubnets } from "../../core/model/subnet-plan";

/** The corosync transport the pair runs: the configured one, else the OS generation's default. */
export function corosyncTransport(pair: HttpdHaPair): "knet" | "udpu" | "udp" {
  return pair.corosync.transport ?? (usesPcs(pair.os) ? "knet" : "udp");
}

/** The private subnet the pair lands in, when this stack plans it (a new VPC). */
export function pairSubnetCidr(network: Environment["network"], availabilityZone: string): string | undefined {
  if (network.vpcCidr === undefined) return undefined;
  return planSubnets(network.vpcCidr, network.availabilityZones).find((z) => z.availabilityZone === availabilityZone)
    ?.privateCidr;
}

/** AWS keeps the first four addresses and the last one of every subnet. */
function isReservedInSubnet(subnet: Cidr, address: number): boolean {
  const offset = address - subnet.base;
  return offset < 4 || offset === cidrSize(subnet) - 1;
}

function checkSubnetAddress(
  subnetText: string,
  subnet: Cidr,
  path: ConfigProblem["path"],
  text: string,
  role: string,
): ConfigProblem[] {
  const address = parseIpv4(text);
  if (address === undefined) return [];
  if (!cidrContains(subnet, address)) {
    return [{ path, value: text, message: `must be inside the pair's subnet ${subnetText}: ${role}` }];
  }
  if (isReservedInSubnet(subnet, address)) {
    const last = formatIpv4(subnet.base + cidrSize(subnet) - 1);
    return [
      {
        path,
        value: text,
        message: `is reserved by AWS in ${subnetText} (the first four addresses and ${last} are); pick another host address`,
      },
    ];
  }
  return [];
}

/**
 * Problems that only show on AWS: the pair's addresses against its subnet,
 * duplicates, multicast, a VIP AWS cannot deliver, hosts provisioning cannot log in to.
 * Errors stop the run before any resource exists; warnings are reported and the run goes on.
 */
export function awsPlacementProblems(env: Environment): { errors: ConfigProblem[]; warnings: ConfigProblem[] } {
  const pair = env.httpdHaPair;
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  if (!pair) return { errors, warnings };

  if (corosyncTransport(pair) === "udp") {
    errors.push({
      path: ["httpdHaPair", "corosync", "transport"],
      value: pair.corosync.transport ?? "udp (the rhel6 default)",
      message: "cannot work in an AWS VPC, which carries no multicast; set transport to udpu",
    });
  }

  const vip = pair.virtualIp.address;
  pair.nodes.forEach((node) => {
    if (node.privateIp === vip) {
      errors.push({
        path: ["httpdHaPair", "nodes", node.key, "privateIp"],
        value: node.privateIp,
        message: "is the virtual IP; the hosts need addresses of their own",
      });
    }
  });
  const [first, second] = pair.nodes;
  if (first?.privateIp !== undefined && first.privateIp === second?.privateIp) {
    errors.push({
      path: ["httpdHaPair", "nodes", second.key, "privateIp"],
      value: second.privateIp,
      message: `is also host ${first.key}'s address; each host needs its own`,
    });
  }

  const subnetText = pairSubnetCidr(env.network, pair.availabilityZone);
  const subnet = subnetText === undefined ? undefined : parseCidr(subnetText);
  if (subnetText !== undefined && subnet !== undefined) {
    for (const node of pair.nodes) {
      if (node.privateIp !== undefined) {
        errors.push(
          ...checkSubnetAddress(
            subnetText,
            subnet,
            ["httpdHaPair", "nodes", node.key, "privateIp"],
            node.privateIp,
            "an instance's primary address comes from its subnet",
          ),
        );
      }
    }
    if (pair.virtualIp.agent === "awsvip") {
      // An error, not a warning: the cluster is provisioned with this address, and AWS
      // refuses to assign it, so the VIP would never come up.
      errors.push(
        ...checkSubnetAddress(
          subnetText,
          subnet,
          ["httpdHaPair", "virtualIp", "address"],
          vip,
          "awsvip moves it as a secondary private IP between the hosts' network interfaces, and AWS assigns those only from the interface's subnet",
        ),
      );
    }
  }

  // Both below can never work on AWS: errors, so nothing is created for a pair that cannot run.
  if (pair.sshPublicKey === undefined && pair.amiId === undefined) {
    errors.push({
      path: ["httpdHaPair", "sshPublicKey"],
      value: undefined,
      message:
        "is not set; with no amiId either, the hosts boot a Red Hat image that authorizes no SSH key and provisioning cannot log in: set it to the public key of genesys:httpdHaPairSshPrivateKey",
    });
  }
  if (pair.virtualIp.agent === "IPaddr2" && pair.fronting === "vip") {
    errors.push({
      path: ["httpdHaPair", "virtualIp", "agent"],
      value: "IPaddr2",
      message:
        "brings the address up on the host only and an AWS VPC delivers no traffic to it: use awsvip or aws-vpc-move-ip on AWS, or fronting nlb",
    });
  }
  return { errors, warnings };
}
