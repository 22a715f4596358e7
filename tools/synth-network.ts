/**
 * Synth step: the network the stack lays out, so an operator can pick
 * addresses (the HA pair's hosts and VIP) from the subnets the program derives.
 */
import { cidrSize, formatIpv4, parseCidr } from "../core/model/network-math";
import { planSubnets } from "../core/model/subnet-plan";
import { pairSubnetCidr } from "../components/httpd-ha-pair/placement";
import type { SynthStep } from "./synth-steps";

/** "10.50.128.4 to 10.50.143.254": the host addresses AWS leaves free in a subnet. */
export function usableRange(cidr: string): string {
  const block = parseCidr(cidr);
  if (!block) return cidr;
  return `${formatIpv4(block.base + 4)} to ${formatIpv4(block.base + cidrSize(block) - 2)}`;
}

export const printNetwork: SynthStep = ({ environment: env }) => {
  if (!env) return { summary: [] };
  const network = env.network;
  const pair = env.httpdHaPair;
  const summary = [""];
  if (network.vpcCidr === undefined) {
    summary.push(
      `Network: existing VPC ${network.existingVpc?.vpcId ?? ""}, its subnets by zone as configured (network.existingVpc)`,
    );
  } else {
    const plan = planSubnets(network.vpcCidr, network.availabilityZones);
    const width = Math.max(4, ...plan.map((z) => z.availabilityZone.length));
    const cidrWidth = Math.max(6, ...plan.map((z) => z.publicCidr.length));
    const prefix = (parseCidr(network.vpcCidr)?.prefix ?? 0) + 4;
    summary.push(
      `Network: new VPC ${network.vpcCidr}, one /${prefix} public and one /${prefix} private subnet per zone (docs/CONFIG.md, "Subnet layout"):`,
    );
    summary.push(`  ${"zone".padEnd(width)}  ${"public".padEnd(cidrWidth)}  private`);
    for (const zone of plan) {
      const here = pair?.availabilityZone === zone.availabilityZone ? "  <- httpd HA pair" : "";
      summary.push(
        `  ${zone.availabilityZone.padEnd(width)}  ${zone.publicCidr.padEnd(cidrWidth)}  ${zone.privateCidr}${here}`,
      );
    }
  }
  if (pair) {
    const subnet = pairSubnetCidr(network, pair.availabilityZone);
    const vip = `virtual IP ${pair.virtualIp.address} (${pair.virtualIp.agent}${pair.fronting === "nlb" ? ", behind an NLB" : ""})`;
    summary.push(
      subnet === undefined
        ? `  httpd HA pair: ${pair.availabilityZone}'s private subnet of the existing VPC, ${vip}`
        : `  httpd HA pair: private subnet ${subnet} in ${pair.availabilityZone} (host addresses ${usableRange(subnet)}), ${vip}`,
    );
  }
  return { summary };
};
