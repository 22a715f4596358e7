/**
 * An Application Load Balancer as every Genesys system here uses one: its own
 * security group, subnets in every availability zone, the environment's
 * hardening, an HTTPS listener with the environment's TLS policy plus an
 * HTTP -> HTTPS redirect (plain HTTP only in development without TLS), and a
 * Route 53 alias when the site has a hosted zone.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowFromCidr, createSecurityGroup } from "./security-groups";
import { TAG, type PlatformArgs } from "./platform";
import { elbNameInput, elbResourceName } from "./target-group";

/** Who reaches the balancer: anyone on the internet, or clients inside the VPC (public subnets or private ones). */
export type AlbExposure = "internet" | "internal";

/** What the listener does with a request no rule takes. */
export type AlbDefaultAction =
  | { readonly kind: "forward"; readonly targetGroupArn: pulumi.Input<string> }
  | { readonly kind: "notFound"; /** Plain-text body, at most 1024 characters. */ readonly message: string };

export interface ApplicationLoadBalancerArgs {
  readonly platform: PlatformArgs;
  /** Hostname clients use; the alias record's name. */
  readonly hostname: string;
  /** @default "internet" */
  readonly exposure?: AlbExposure;
  /** Listener port clients use. @default 443 with TLS, 80 without */
  readonly listenerPort?: number;
  /** Seconds a connection may stay idle (1-4000). @default 60 */
  readonly idleTimeoutSeconds?: number;
  readonly defaultAction: AlbDefaultAction;
  /** Key prefix of this balancer's access logs in the platform's bucket. */
  readonly accessLogPrefix: string;
  readonly tags: Readonly<Record<string, string>>;
}

const HTTPS_PORT = 443;
const HTTP_PORT = 80;

export class ApplicationLoadBalancer extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** The listener clients use (HTTPS with TLS); listener rules attach here. */
  readonly listener: aws.lb.Listener;
  readonly securityGroupId: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  readonly protocol: "HTTPS" | "HTTP";
  readonly port: number;
  /** `https://host` (with `:port` when not the scheme's default): what Genesys applications are given. */
  readonly baseUrl: string;

  constructor(name: string, args: ApplicationLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:alb:ApplicationLoadBalancer", name, {}, opts);
    const p = args.platform;
    const tls = p.tls;
    if (!tls && p.isProduction)
      throw new Error(`balancer ${args.hostname}: a production balancer serves HTTPS only; set tls.certificateArn`);
    if (p.hardening.accessLogs && p.accessLogBucket === undefined)
      throw new Error(`balancer ${args.hostname}: hardening.accessLogs needs an access log bucket`);
    const exposure = args.exposure ?? "internet";
    this.protocol = tls ? "HTTPS" : "HTTP";
    this.port = args.listenerPort ?? (tls ? HTTPS_PORT : HTTP_PORT);
    const defaultPort = tls ? HTTPS_PORT : HTTP_PORT;
    this.baseUrl = `${tls ? "https" : "http"}://${args.hostname}${this.port === defaultPort ? "" : `:${this.port}`}`;

    const group = createSecurityGroup(
      `${name}-alb`,
      { vpcId: p.vpcId, description: `${args.hostname} balancer` },
      { parent: this },
    );
    this.securityGroupId = group.id;
    const clientPorts = tls && this.port !== HTTP_PORT ? [this.port, HTTP_PORT] : [this.port];
    if (exposure === "internet") {
      allowFromCidr(
        `${name}-alb-clients`,
        { groupId: group.id, cidr: "0.0.0.0/0", ports: clientPorts, description: "clients" },
        { parent: this },
      );
    } else {
      allowFromCidr(
        `${name}-alb-vpc`,
        { groupId: group.id, cidr: p.vpcCidr, ports: clientPorts, description: "clients inside the VPC" },
        { parent: this },
      );
    }

    const subnets = exposure === "internet" ? p.publicSubnetIds : p.privateSubnetIds;
    this.loadBalancer = new aws.lb.LoadBalancer(
      elbResourceName(name),
      {
        ...elbNameInput(elbResourceName(name)),
        loadBalancerType: "application",
        internal: exposure === "internal",
        ipAddressType: "ipv4",
        securityGroups: [group.id],
        subnets: Object.keys(subnets)
          .sort()
          .map((az) => subnets[az]),
        idleTimeout: args.idleTimeoutSeconds ?? 60,
        enableHttp2: true,
        enableDeletionProtection: p.hardening.deletionProtection,
        dropInvalidHeaderFields: p.hardening.dropInvalidHeaderFields,
        desyncMitigationMode: p.hardening.desyncMitigationMode,
        accessLogs: p.hardening.accessLogs
          ? { enabled: true, bucket: p.accessLogBucket as pulumi.Input<string>, prefix: args.accessLogPrefix }
          : undefined,
        tags: { Name: name, [TAG.hostname]: args.hostname, ...args.tags },
      },
      { parent: this },
    );
    this.dnsName = this.loadBalancer.dnsName;

    const defaultActions: aws.types.input.lb.ListenerDefaultAction[] = [
      args.defaultAction.kind === "forward"
        ? { type: "forward", targetGroupArn: args.defaultAction.targetGroupArn }
        : {
            type: "fixed-response",
            fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: args.defaultAction.message },
          },
    ];
    this.listener = new aws.lb.Listener(
      `${name}-${tls ? "https" : "http"}`,
      tls
        ? {
            loadBalancerArn: this.loadBalancer.arn,
            port: this.port,
            protocol: "HTTPS",
            sslPolicy: tls.sslPolicy,
            certificateArn: tls.certificateArn,
            defaultActions,
          }
        : { loadBalancerArn: this.loadBalancer.arn, port: this.port, protocol: "HTTP", defaultActions },
      { parent: this },
    );
    if (tls && this.port !== HTTP_PORT) {
      new aws.lb.Listener(
        `${name}-redirect`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: HTTP_PORT,
          protocol: "HTTP",
          defaultActions: [
            { type: "redirect", redirect: { protocol: "HTTPS", port: String(this.port), statusCode: "HTTP_301" } },
          ],
        },
        { parent: this },
      );
    }
    if (p.hostedZoneId) {
      new aws.route53.Record(
        name,
        {
          zoneId: p.hostedZoneId,
          name: args.hostname,
          type: "A",
          aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        { parent: this },
      );
    }
    this.registerOutputs({ dnsName: this.dnsName, securityGroupId: this.securityGroupId, baseUrl: this.baseUrl });
  }
}
