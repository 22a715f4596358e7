/**
 * Genesys Web Engagement 8.5 behind an Application Load Balancer (Web Engagement 8.5 load-balancing guide).
 *
 * The GWE server sets GWROUTEID = "." + its application name, and the guide's
 * Apache balancer routes on that value. An ALB's `app_cookie` stickiness only
 * pins a client to whichever node answered first (through its own AWSALBAPP
 * cookie), so the cluster target group gets that, and per-node target groups
 * with listener rules on the cookie's exact value route like Apache does.
 * CometD long polling needs the idle timeout; WebSockets pass natively.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { WebEngagement85 } from "../../core/model/environment";
import { stickyValue, WEB_ENGAGEMENT_CONTEXT_PATH } from "../../core/model/genesys-facts";
import { singleAlbProblems } from "../../core/model/alb-packing";
import { ConfigError, type ConfigProblem } from "../../core/model/problems";
import { caseCollisions, exactCookieConditions, priorityBands, stablePriorities } from "../shared/alb-conditions";
import { ApplicationLoadBalancer } from "../shared/application-load-balancer";
import { createGenesysNodes } from "../shared/genesys-nodes";
import { TAG, type PlatformArgs } from "../shared/platform";
import {
  allowBalancerToNodes,
  allowEgressAnywhere,
  allowFrameworkControl,
  allowFromCidr,
  createSecurityGroup,
} from "../shared/security-groups";
import { createTargetGroup } from "../shared/target-group";

export interface WebEngagement85ClusterArgs {
  readonly platform: PlatformArgs;
  /** The resolved model section (nodes, hostname, listener port, idle timeout). */
  readonly cluster: WebEngagement85;
}

/** What the administrator types into the GWE cluster application. */
export interface ClusterApplicationAddress {
  readonly host: string;
  readonly port: number;
}

/** The cookie rules of one node: the cookie first in the header, or after another one. */
const COOKIE_RULE_SHAPES = ["first", "later"] as const;

/** What an ALB cannot route for this cluster: routes equal without case, more nodes than one ALB's rules hold. */
export function webEngagement85AlbProblems(cluster: WebEngagement85): ConfigProblem[] {
  if (cluster.balancer !== "alb") return [];
  return [
    ...caseCollisions(
      cluster.nodes.map((n) => ({ path: ["webEngagement85", "nodes", n.key, "appName"], value: n.route })),
    ),
    ...singleAlbProblems(["webEngagement85", "nodes"], {
      rules: COOKIE_RULE_SHAPES.length * cluster.nodes.length,
      targetGroups: 1 + cluster.nodes.length,
    }),
  ];
}

export class WebEngagement85Cluster extends pulumi.ComponentResource {
  /** Host and default port of the GWE cluster application: the balancer's, or one node's without a balancer. */
  readonly clusterApplication: pulumi.Output<ClusterApplicationAddress>;
  /** `https://host` of the balancer, with the /server context path. */
  readonly serverUrl: pulumi.Output<string>;
  readonly balancerDnsName?: pulumi.Output<string>;
  readonly instances: Readonly<Record<string, aws.ec2.Instance>>;
  /** Where this ALB falls short of the guide's Apache balancer. */
  readonly limitations: readonly string[];

  constructor(name: string, args: WebEngagement85ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:webengagement:WebEngagement85Cluster", name, {}, opts);
    const { platform: p, cluster } = args;
    const problems = webEngagement85AlbProblems(cluster);
    if (problems.length > 0) throw new ConfigError(problems);
    const tags = { [TAG.system]: "webEngagement85" };
    const nodeGroup = createSecurityGroup(
      `${name}-nodes`,
      { vpcId: p.vpcId, description: "Web Engagement 8.5 nodes" },
      { parent: this },
    );
    allowEgressAnywhere(`${name}-nodes-out`, nodeGroup.id, { parent: this });
    allowFrameworkControl(`${name}-nodes-lca`, nodeGroup.id, p.frameworkControl, { parent: this });
    this.instances = createGenesysNodes(
      name,
      {
        system: "webEngagement85",
        nodes: cluster.nodes,
        imageId: p.imageId,
        privateSubnetIds: p.privateSubnetIds,
        securityGroupId: nodeGroup.id,
      },
      { parent: this },
    );
    const ports = cluster.nodes.map((n) => n.port);

    if (cluster.balancer === "none") {
      allowFromCidr(
        `${name}-nodes-vpc`,
        {
          groupId: nodeGroup.id,
          cidr: p.vpcCidr,
          ports,
          description: "development: clients inside the VPC reach the nodes directly",
        },
        { parent: this },
      );
      const first = cluster.nodes[0];
      this.clusterApplication = this.instances[first.key].privateIp.apply((host) => ({ host, port: first.port }));
      this.serverUrl = pulumi.interpolate`http://${this.instances[first.key].privateIp}:${first.port}${WEB_ENGAGEMENT_CONTEXT_PATH}`;
      this.limitations = [
        "No balancer (development only): the cluster application points at one node, so there is no stickiness or failover.",
      ];
      this.registerOutputs({ clusterApplication: this.clusterApplication, serverUrl: this.serverUrl });
      return;
    }

    const targets = cluster.nodes.map((n) => ({ key: n.key, instanceId: this.instances[n.key].id, port: n.port }));
    const clusterGroup = createTargetGroup(
      `${name}-cluster`,
      {
        vpcId: p.vpcId,
        healthPath: cluster.healthPath,
        healthyCodes: "200",
        stickiness: { type: "app_cookie", cookieName: cluster.cookie },
        targets,
        tags,
      },
      { parent: this },
    );
    const alb = new ApplicationLoadBalancer(
      name,
      {
        platform: p,
        hostname: cluster.hostname,
        // Without TLS (development) the default 443 would carry plain HTTP; use 80 unless a port was chosen.
        listenerPort: p.tls || cluster.listenerPort !== 443 ? cluster.listenerPort : undefined,
        idleTimeoutSeconds: cluster.idleTimeoutSeconds,
        defaultAction: { kind: "forward", targetGroupArn: clusterGroup.arn },
        accessLogPrefix: name,
        tags,
      },
      { parent: this },
    );
    allowBalancerToNodes(
      `${name}-alb-nodes`,
      { balancerGroupId: alb.securityGroupId, nodeGroupId: nodeGroup.id, ports },
      { parent: this },
    );

    const ruleKeys = cluster.nodes.flatMap((n) => COOKIE_RULE_SHAPES.map((shape) => `${n.key}/${shape}`));
    const priorities = stablePriorities(ruleKeys, priorityBands(1)[0]);
    for (const node of cluster.nodes) {
      const nodeGroupTg = createTargetGroup(
        `${name}-node-${node.key}`,
        {
          vpcId: p.vpcId,
          healthPath: cluster.healthPath,
          healthyCodes: "200",
          targets: [{ key: node.key, instanceId: this.instances[node.key].id, port: node.port }],
          tags: { ...tags, [TAG.node]: node.key },
        },
        { parent: this },
      );
      exactCookieConditions(cluster.cookie, stickyValue(node.route)).forEach((condition, i) => {
        const shape = COOKIE_RULE_SHAPES[i];
        new aws.lb.ListenerRule(
          `${name}-${node.key}-cookie-${shape}`,
          {
            listenerArn: alb.listener.arn,
            priority: priorities.get(`${node.key}/${shape}`),
            conditions: [condition],
            actions: [{ type: "forward", targetGroupArn: nodeGroupTg.arn }],
            tags: { ...tags, [TAG.node]: node.key },
          },
          { parent: this },
        );
      });
    }

    this.balancerDnsName = alb.dnsName;
    this.clusterApplication = pulumi.output({ host: cluster.hostname, port: alb.port });
    this.serverUrl = pulumi.output(`${alb.baseUrl}${WEB_ENGAGEMENT_CONTEXT_PATH}`);
    this.limitations = [
      `A request whose ${cluster.cookie} names a node that is down gets an error from that node's target group until the client drops the cookie; Apache would fail over to another member. Requests without the cookie (or with an unknown value) are balanced over the healthy nodes and pinned with the ALB's own cookie.`,
      ...(cluster.webSockets
        ? []
        : [
            "WebSockets are off in the model: disable them on the client side (chat and tracker disableWebSockets) or in the CometD transports option.",
          ]),
    ];
    this.registerOutputs({
      clusterApplication: this.clusterApplication,
      serverUrl: this.serverUrl,
      balancerDnsName: this.balancerDnsName,
    });
  }
}
