/**
 * One TCP port, one direction, one peer: the only shape of rule a Framework
 * security group has. Peers at the same site are security groups; peers at
 * other sites are addresses (/32 of an instance, or a site's CIDR), because
 * security groups cannot be referenced across regions.
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
  /** Which Framework flow the rule carries, e.g. "CS Proxy amer-csproxy-1 -> master Configuration Server". */
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
