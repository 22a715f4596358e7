/**
 * AWS-only placement rules of the pair, from stack config through the model:
 * each case changes one field of a valid pair.
 */
import { describe, expect, it } from "vitest";
import { awsPlacementProblems, pairSubnetCidr } from "../../../components/httpd-ha-pair/placement";
import type { Environment } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { formatProblem } from "../../../core/model/problems";

/** eu-west-1a's private subnet in 10.40.0.0/16 is 10.40.128.0/20 (block 8 of 16). */
const VALID_PAIR = {
  availabilityZone: "eu-west-1a",
  nodes: { ip1: { privateIp: "10.40.128.10" }, ip2: { privateIp: "10.40.128.11" } },
  virtualIp: { agent: "awsvip", address: "10.40.128.250" },
  corosync: { transport: "udpu" },
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBjR2Wq3ZCUk6x3kx9mQ9c6Zr0n8wTz2Fh4yLrZp0d8a admin@example.com",
  adminCidr: "10.0.0.0/8",
};

function environment(change: (pair: Record<string, unknown>) => void = () => {}): Environment {
  const pair = structuredClone(VALID_PAIR) as Record<string, unknown>;
  change(pair);
  const config = {
    environment: "development",
    region: "eu-west-1",
    network: { vpcCidr: "10.40.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
    site: { domain: "example.com" },
    // The pair is built, and so placed, only when a system uses it.
    recording: {
      balancer: "httpdHaPair",
      hostname: "recording.example.com",
      tenants: { t1: { rws: { nodes: { t1rws1: {} } } } },
    },
    httpdHaPair: pair,
  };
  const result = loadEnvironment(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [`genesys:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  );
  if (!result.environment) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.environment;
}

const texts = (problems: readonly Parameters<typeof formatProblem>[0][]) => problems.map(formatProblem);

describe("pair placement on AWS", () => {
  it("accepts a pair whose hosts and VIP sit in its zone's private subnet", () => {
    expect(pairSubnetCidr(environment().network, "eu-west-1a")).toBe("10.40.128.0/20");
    expect(awsPlacementProblems(environment())).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    [
      "a host outside the subnet",
      (p: Record<string, unknown>) => ((p.nodes as Record<string, unknown>).ip2 = { privateIp: "10.40.0.11" }),
      'genesys:httpdHaPair.nodes.ip2.privateIp: "10.40.0.11" must be inside the pair\'s subnet 10.40.128.0/20',
    ],
    [
      "a host on an AWS-reserved address",
      (p: Record<string, unknown>) => ((p.nodes as Record<string, unknown>).ip1 = { privateIp: "10.40.128.3" }),
      'genesys:httpdHaPair.nodes.ip1.privateIp: "10.40.128.3" is reserved by AWS in 10.40.128.0/20',
    ],
    [
      "a host on the subnet's last address",
      (p: Record<string, unknown>) => ((p.nodes as Record<string, unknown>).ip1 = { privateIp: "10.40.143.255" }),
      "is reserved by AWS in 10.40.128.0/20 (the first four addresses and 10.40.143.255 are)",
    ],
    [
      "both hosts on one address",
      (p: Record<string, unknown>) => ((p.nodes as Record<string, unknown>).ip2 = { privateIp: "10.40.128.10" }),
      'genesys:httpdHaPair.nodes.ip2.privateIp: "10.40.128.10" is also host ip1\'s address',
    ],
    [
      "a host on the VIP",
      (p: Record<string, unknown>) => ((p.nodes as Record<string, unknown>).ip1 = { privateIp: "10.40.128.250" }),
      "is the virtual IP; the hosts need addresses of their own",
    ],
    // The model already refuses udp with the AWS agents; on AWS hosts it cannot work with IPaddr2 either.
    [
      "multicast corosync",
      (p: Record<string, unknown>) => (
        (p.os = "rhel6"),
        (p.fencing = "none"),
        (p.corosync = { transport: "udp" }),
        (p.virtualIp = { agent: "IPaddr2", address: "10.40.128.250" }),
        (p.fronting = "nlb")
      ),
      'genesys:httpdHaPair.corosync.transport: "udp" cannot work in an AWS VPC, which carries no multicast',
    ],
    [
      "rhel6's default transport (multicast)",
      (p: Record<string, unknown>) => (
        (p.os = "rhel6"),
        (p.fencing = "none"),
        (p.corosync = {}),
        (p.virtualIp = { agent: "IPaddr2", address: "10.40.128.250" }),
        (p.fronting = "nlb")
      ),
      "udp (the rhel6 default)",
    ],
    // Rules that must hold for the pair to work at all are errors, not warnings.
    [
      "an awsvip VIP outside the pair's subnet",
      (p: Record<string, unknown>) => (p.virtualIp = { agent: "awsvip", address: "10.40.10.250" }),
      'genesys:httpdHaPair.virtualIp.address: "10.40.10.250" must be inside the pair\'s subnet 10.40.128.0/20',
    ],
    [
      "IPaddr2 with only a VIP in front",
      (p: Record<string, unknown>) => (
        (p.virtualIp = { agent: "IPaddr2", address: "10.40.128.250" }),
        (p.fencing = "none")
      ),
      "an AWS VPC delivers no traffic to it",
    ],
    [
      "no public key and no image that has it",
      (p: Record<string, unknown>) => delete p.sshPublicKey,
      "genesys:httpdHaPair.sshPublicKey is not set; with no amiId either",
    ],
  ])("refuses %s", (_what, change, message) => {
    const { errors, warnings } = awsPlacementProblems(environment(change));
    expect(texts(errors).join("\n")).toContain(message);
    expect(errors).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it("does not warn about IPaddr2 behind an NLB, which reaches the hosts' own addresses", () => {
    const env = environment(
      (p) => (
        (p.virtualIp = { agent: "IPaddr2", address: "10.40.128.250" }),
        (p.fronting = "nlb"),
        (p.fencing = "none")
      ),
    );
    expect(awsPlacementProblems(env)).toEqual({ errors: [], warnings: [] });
  });

  it("cannot check addresses against an existing VPC's subnets it does not plan, and does not pretend to", () => {
    const env = environment(
      (p) => (p.nodes = { ip1: { privateIp: "192.168.1.10" }, ip2: { privateIp: "192.168.1.11" } }),
    );
    const existing: Environment = {
      ...env,
      network: {
        existingVpc: { vpcId: "vpc-0a1b2c3d", publicSubnetIds: {}, privateSubnetIds: {} },
        availabilityZones: ["eu-west-1a"],
      },
    };
    expect(pairSubnetCidr(existing.network, "eu-west-1a")).toBeUndefined();
    expect(awsPlacementProblems(existing).errors).toEqual([]);
  });
});
