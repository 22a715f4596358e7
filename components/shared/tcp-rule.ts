/**
 * One TCP port, one direction, one peer: the shape of every security-group
 * rule the stack writes. Each is a resource of its own that references group
 * ids, so no group carries inline rules that a rule resource would fight with.
 * Peers are security groups, or addresses where groups cannot be referenced
 * (clients, and Framework sites in other regions: a /32 or a site's CIDR).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type RulePeer = { readonly securityGroupId: pulumi.Input<string> } | { readonly cidr: pulumi.Input<string> };

export interface TcpRule {
  readonly direction: "ingress" | "egress";
  /** The security group the rule belongs to. */
  readonly securityGroupId: pulumi.Input<string>;
  readonly port: number;
  readonly peer: RulePeer;
  /** Which flow the rule carries, e.g. "CS Proxy amer-csproxy-1 to the master Configuration Server". */
  readonly description: string;
}

/** Creates the rule as a standalone resource; the caller's options decide parent and provider. */
export function allowTcp(
  name: string,
  rule: TcpRule,
  opts: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule {
  const args = {
    securityGroupId: rule.securityGroupId,
    ipProtocol: "tcp",
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
    ...("cidr" in rule.peer ? { cidrIpv4: rule.peer.cidr } : { referencedSecurityGroupId: rule.peer.securityGroupId }),
  };
  return rule.direction === "ingress"
    ? new aws.vpc.SecurityGroupIngressRule(name, args, opts)
    : new aws.vpc.SecurityGroupEgressRule(name, args, opts);
}

/** `10.61.3.7` -> `10.61.3.7/32`. */
export const hostCidr = (ip: pulumi.Input<string>): pulumi.Output<string> => pulumi.output(ip).apply((a) => `${a}/32`);
