/**
 * An internal network load balancer in front of the pair. Pacemaker runs httpd
 * on the active host only, so a TCP health check on the HTTP port finds
 * exactly that host healthy and the NLB follows failovers by itself: clients
 * need neither the VIP nor the agent's EC2 permissions to reach the pair.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../core/model/environment";
import { HTTP_PORT } from "./pair-traffic";

export interface NetworkLoadBalancerFrontArgs {
  readonly environment: Environment;
  readonly network: {
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: pulumi.Input<string>;
    readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  };
  /** The hosts' security group; the NLB may reach it on the HTTP port. */
  readonly pairSecurityGroupId: pulumi.Input<string>;
  /** The pair's hosts by cluster node name. */
  readonly hosts: readonly { readonly key: string; readonly instance: aws.ec2.Instance }[];
}

/**
 * Health check timing: a host is out after 2 failed checks 10 s apart and back
 * after 2 good ones, so the NLB follows a failover about 20 s after httpd
 * moves. Connections to an unhealthy target are closed, and deregistration
 * drains for 30 s (recording uploads are short requests).
 */
export const NLB_HEALTH = { intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelaySeconds: 30 } as const;

export class NetworkLoadBalancerFront extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;

  constructor(name: string, args: NetworkLoadBalancerFrontArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:httpd:NetworkLoadBalancerFront", name, {}, opts);
    const parent = { parent: this };
    const env = args.environment;
    const sg = new aws.ec2.SecurityGroup(name, { vpcId: args.network.vpcId, description: "httpd HA pair network load balancer" }, parent);
    this.securityGroupId = sg.id;
    new aws.vpc.SecurityGroupIngressRule(`${name}-http`, { securityGroupId: sg.id, description: "HTTP from clients in the VPC", ipProtocol: "tcp", fromPort: HTTP_PORT, toPort: HTTP_PORT, cidrIpv4: args.network.vpcCidr }, parent);
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-pair`,
      { securityGroupId: sg.id, description: "HTTP and health checks to the pair", ipProtocol: "tcp", fromPort: HTTP_PORT, toPort: HTTP_PORT, referencedSecurityGroupId: args.pairSecurityGroupId },
      parent,
    );

    const lb = new aws.lb.LoadBalancer(
      name,
      {
        loadBalancerType: "network",
        internal: true,
        subnets: Object.values(args.network.privateSubnetIds),
        securityGroups: [sg.id],
        // Both hosts sit in one zone; the NLB's nodes in the other zones must still reach them.
        enableCrossZoneLoadBalancing: true,
        enableDeletionProtection: env.hardening.deletionProtection,
      },
      parent,
    );
    const targets = new aws.lb.TargetGroup(
      `${name}-http`,
      {
        vpcId: args.network.vpcId,
        targetType: "instance",
        protocol: "TCP",
        port: HTTP_PORT,
        // The NLB's own address as source, so the hosts admit the NLB's security group rather than every client.
        preserveClientIp: "false",
        deregistrationDelay: NLB_HEALTH.deregistrationDelaySeconds,
        connectionTermination: true,
        healthCheck: {
          protocol: "TCP",
          port: "traffic-port",
          interval: NLB_HEALTH.intervalSeconds,
          healthyThreshold: NLB_HEALTH.healthyThreshold,
          unhealthyThreshold: NLB_HEALTH.unhealthyThreshold,
        },
      },
      parent,
    );
    for (const host of args.hosts) {
      new aws.lb.TargetGroupAttachment(`${name}-http-${host.key}`, { targetGroupArn: targets.arn, targetId: host.instance.id, port: HTTP_PORT }, parent);
    }
    new aws.lb.Listener(`${name}-http`, { loadBalancerArn: lb.arn, port: HTTP_PORT, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: targets.arn }] }, parent);
    this.dnsName = lb.dnsName;
    this.registerOutputs({ dnsName: this.dnsName, securityGroupId: this.securityGroupId });
  }
}
