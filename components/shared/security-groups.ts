/**
 * The security-group pattern of every balanced system: the balancer's group
 * reaches the nodes' group on the node ports and nothing else reaches the
 * nodes. Every rule is a one-port TCP rule (tcp-rule.ts).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { allowTcp, type RulePeer } from "./tcp-rule";

export function createSecurityGroup(
  name: string,
  args: { readonly vpcId: pulumi.Input<string>; readonly description: string },
  opts: pulumi.CustomResourceOptions,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    name,
    { vpcId: args.vpcId, description: args.description, tags: { Name: name } },
    opts,
  );
}

const distinct = (ports: readonly number[]) => [...new Set(ports)].sort((a, b) => a - b);

/** Balancer -> nodes on each node port: ingress on the nodes' group, egress on the balancer's. */
export function allowBalancerToNodes(
  name: string,
  args: {
    readonly balancerGroupId: pulumi.Input<string>;
    readonly nodeGroupId: pulumi.Input<string>;
    readonly ports: readonly number[];
  },
  opts: pulumi.CustomResourceOptions,
): void {
  for (const port of distinct(args.ports)) {
    const description = `balancer to nodes on ${port}`;
    allowTcp(
      `${name}-in-${port}`,
      {
        direction: "ingress",
        securityGroupId: args.nodeGroupId,
        port,
        peer: { securityGroupId: args.balancerGroupId },
        description,
      },
      opts,
    );
    allowTcp(
      `${name}-out-${port}`,
      {
        direction: "egress",
        securityGroupId: args.balancerGroupId,
        port,
        peer: { securityGroupId: args.nodeGroupId },
        description,
      },
      opts,
    );
  }
}

/** Ingress on each port from one peer (a security group or an IPv4 CIDR). */
function allowFrom(
  name: string,
  args: { readonly groupId: pulumi.Input<string>; readonly ports: readonly number[]; readonly description: string },
  peer: RulePeer,
  opts: pulumi.CustomResourceOptions,
): void {
  for (const port of distinct(args.ports))
    allowTcp(
      `${name}-${port}`,
      { direction: "ingress", securityGroupId: args.groupId, port, peer, description: args.description },
      opts,
    );
}

/** Ingress from another security group (a client tier such as Web Engagement 8.1 frontend servers). */
export function allowFromGroup(
  name: string,
  args: {
    readonly groupId: pulumi.Input<string>;
    readonly sourceGroupId: pulumi.Input<string>;
    readonly ports: readonly number[];
    readonly description: string;
  },
  opts: pulumi.CustomResourceOptions,
): void {
  allowFrom(name, args, { securityGroupId: args.sourceGroupId }, opts);
}

/** Ingress from an IPv4 CIDR (clients of an internet-facing balancer, or the VPC in development). */
export function allowFromCidr(
  name: string,
  args: {
    readonly groupId: pulumi.Input<string>;
    readonly cidr: pulumi.Input<string>;
    readonly ports: readonly number[];
    readonly description: string;
  },
  opts: pulumi.CustomResourceOptions,
): void {
  allowFrom(name, args, { cidr: args.cidr }, opts);
}

/** The Framework site's Distributed SCS reach the Local Control Agent every Genesys host runs. */
export function allowFrameworkControl(
  name: string,
  groupId: pulumi.Input<string>,
  control: { readonly cidr: string; readonly lcaPort: number } | undefined,
  opts: pulumi.CustomResourceOptions,
): void {
  if (!control) return;
  allowTcp(
    name,
    {
      direction: "ingress",
      securityGroupId: groupId,
      port: control.lcaPort,
      peer: { cidr: control.cidr },
      description: "Framework Distributed SCS to the Local Control Agent",
    },
    opts,
  );
}

/** Outbound to anywhere: Genesys nodes reach Configuration Server, databases and package mirrors. */
export function allowEgressAnywhere(
  name: string,
  groupId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): void {
  new aws.vpc.SecurityGroupEgressRule(
    name,
    { securityGroupId: groupId, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "nodes to anywhere" },
    opts,
  );
}
