/**
 * An internal network load balancer in front of the pair. Pacemaker runs httpd
 * on the active host only, so a TCP health check on the HTTP port finds
 * exactly that host healthy and the NLB follows failovers by itself: clients
 * need neither the VIP nor the agent's EC2 permissions to reach the pair.
 * With client TLS, https passes through as TCP on its own listener and target
 * group: httpd terminates it, so the certificate stays on the hosts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../core/model/environment";
import { HTTP_PORT, HTTPS_PORT } from "./pair-traffic";
import { elbNameInput } from "../shared/target-group";

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
  /** The hosts serve https on 443 too; the NLB passes it through. */
  readonly clientTls: boolean;
}

/**
 * Health check timing: a host is out after 2 failed checks 10 s apart and back
 * after 2 good ones, so the NLB follows a failover about 20 s after httpd
 * moves. Connections to an unhealthy target are closed, and deregistration
 * drains for 30 s (recording uploads are short requests).
 */
export const NLB_HEALTH = {
  intervalSeconds: 10,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  deregistrationDelaySeconds: 30,
} as const;

export class NetworkLoadBalancerFront extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  /** Route 53 zone of the NLB's DNS name, for alias records. */
  readonly zoneId: pulumi.Output<string>;

  constructor(name: string, args: NetworkLoadBalancerFrontArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:httpd:NetworkLoadBalancerFront", name, {}, opts);
    const parent = { parent: this };
    const env = args.environment;
    const sg = new aws.ec2.SecurityGroup(
      name,
      { vpcId: args.network.vpcId, description: "httpd HA pair network load balancer" },
      parent,
    );
    this.securityGroupId = sg.id;
    const ports = { http: HTTP_PORT, ...(args.clientTls ? { https: HTTPS_PORT } : {}) };
    for (const [key, port] of Object.entries(ports)) {
      const what = key === "http" ? "HTTP" : "https";
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${key}`,
        {
          securityGroupId: sg.id,
          description: `${what} from clients in the VPC`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: args.network.vpcCidr,
        },
        parent,
      );
      new aws.vpc.SecurityGroupEgressRule(
        key === "http" ? `${name}-to-pair` : `${name}-to-pair-${key}`,
        {
          securityGroupId: sg.id,
          description: `${what} and health checks to the pair`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: args.pairSecurityGroupId,
        },
        parent,
      );
    }

    const lb = new aws.lb.LoadBalancer(
      name,
      {
        ...elbNameInput(name),
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
    for (const [key, port] of Object.entries(ports)) {
      const targets = new aws.lb.TargetGroup(
        `${name}-${key}`,
        {
          ...elbNameInput(`${name}-${key}`),
          vpcId: args.network.vpcId,
          targetType: "instance",
          protocol: "TCP",
          port,
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
        new aws.lb.TargetGroupAttachment(
          `${name}-${key}-${host.key}`,
          { targetGroupArn: targets.arn, targetId: host.instance.id, port },
          parent,
        );
      }
      new aws.lb.Listener(
        `${name}-${key}`,
        {
          loadBalancerArn: lb.arn,
          port,
          protocol: "TCP",
          defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
        },
        parent,
      );
    }
    this.dnsName = lb.dnsName;
    this.zoneId = lb.zoneId;
    this.registerOutputs({ dnsName: this.dnsName, securityGroupId: this.securityGroupId });
  }
}
