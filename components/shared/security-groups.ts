/**
 * The security-group pattern of every balanced system: the balancer's group
 * reaches the nodes' group on the node ports and nothing else reaches the
 * nodes. Rules are separate resources that reference group ids, so no group
 * carries inline rules that a later rule resource would fight with.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

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
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-in-${port}`,
      {
        securityGroupId: args.nodeGroupId,
        referencedSecurityGroupId: args.balancerGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `balancer to nodes on ${port}`,
      },
      opts,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-out-${port}`,
      {
        securityGroupId: args.balancerGroupId,
        referencedSecurityGroupId: args.nodeGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `balancer to nodes on ${port}`,
      },
      opts,
    );
  }
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
  for (const port of distinct(args.ports)) {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-${port}`,
      {
        securityGroupId: args.groupId,
        referencedSecurityGroupId: args.sourceGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: args.description,
      },
      opts,
    );
  }
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
  for (const port of distinct(args.ports)) {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-${port}`,
      {
        securityGroupId: args.groupId,
        cidrIpv4: args.cidr,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: args.description,
      },
      opts,
    );
  }
}

/** The Framework site's Distributed SCS reach the Local Control Agent every Genesys host runs. */
export function allowFrameworkControl(
  name: string,
  groupId: pulumi.Input<string>,
  control: { readonly cidr: string; readonly lcaPort: number } | undefined,
  opts: pulumi.CustomResourceOptions,
): void {
  if (!control) return;
  new aws.vpc.SecurityGroupIngressRule(
    name,
    {
      securityGroupId: groupId,
      cidrIpv4: control.cidr,
      ipProtocol: "tcp",
      fromPort: control.lcaPort,
      toPort: control.lcaPort,
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
