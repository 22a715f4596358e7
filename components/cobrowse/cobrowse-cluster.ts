/**
 * Genesys Co-browse behind an Application Load Balancer (Co-browse Deployment Guide, Stickiness).
 *
 * A session lives on one node. Customers stick by the gcbSessionServer cookie
 * the node sets; agents stick by URL when Co-browse publishes a serverUrl per
 * node (`?co-browse-node-id=<id>` on the balancer, which Workspace Web Edition
 * requires). Each node has its own target group; listener rules route the
 * exact cookie value and the exact parameter value to it, URL rules first, so
 * an agent's explicit node wins over a stale cookie. Requests with neither go
 * to any node to start a session, and stay there through the ALB's own cookie.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Cobrowse } from "../../core/model/environment";
import { COBROWSE_CONTEXT_PATH, COBROWSE_NODE_PARAMETER, cobrowseServerUrl } from "../../core/model/genesys-facts";
import { singleAlbProblems } from "../../core/model/alb-packing";
import { ConfigError, type ConfigProblem } from "../../core/model/problems";
import {
  caseCollisions,
  exactCookieConditions,
  exactQueryCondition,
  priorityBands,
  stablePriorities,
  type RuleCondition,
} from "../shared/alb-conditions";
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

export interface CobrowseClusterArgs {
  readonly platform: PlatformArgs;
  /** The resolved model section (nodes with their ids, hostname, URL stickiness). */
  readonly cluster: Cobrowse;
}

/** Cookie rules per node: the cookie first in the header, or after another one. */
const COOKIE_RULE_SHAPES = ["first", "later"] as const;

/** What an ALB cannot route for this cluster: node ids equal without case, more nodes than one ALB's rules hold. */
export function cobrowseAlbProblems(cluster: Cobrowse): ConfigProblem[] {
  if (cluster.balancer !== "alb") return [];
  const rulesPerNode = COOKIE_RULE_SHAPES.length + (cluster.urlStickiness ? 1 : 0);
  return [
    ...caseCollisions(cluster.nodes.map((n) => ({ path: ["cobrowse", "nodes", n.key, "nodeId"], value: n.nodeId }))),
    ...(cluster.nodes.some((n) => n.cookieValue !== n.nodeId)
      ? caseCollisions(
          cluster.nodes.map((n) => ({ path: ["cobrowse", "nodes", n.key, "cookieValue"], value: n.cookieValue })),
        )
      : []),
    ...singleAlbProblems(["cobrowse", "nodes"], {
      rules: rulesPerNode * cluster.nodes.length,
      targetGroups: 1 + cluster.nodes.length,
    }),
  ];
}

export class CobrowseCluster extends pulumi.ComponentResource {
  /** Where customers' pages and agents reach Co-browse: `<base>/cobrowse`. */
  readonly url: pulumi.Output<string>;
  /** The serverUrl option of each node, keyed by node key (URL stickiness). */
  readonly serverUrls: pulumi.Output<Record<string, string>>;
  readonly balancerDnsName?: pulumi.Output<string>;
  readonly instances: Readonly<Record<string, aws.ec2.Instance>>;
  readonly limitations: readonly string[];

  constructor(name: string, args: CobrowseClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:cobrowse:CobrowseCluster", name, {}, opts);
    const { platform: p, cluster } = args;
    const problems = cobrowseAlbProblems(cluster);
    if (problems.length > 0) throw new ConfigError(problems);
    const tags = { [TAG.system]: "cobrowse" };
    const nodeGroup = createSecurityGroup(
      `${name}-nodes`,
      { vpcId: p.vpcId, description: "Co-browse nodes" },
      { parent: this },
    );
    allowEgressAnywhere(`${name}-nodes-out`, nodeGroup.id, { parent: this });
    allowFrameworkControl(`${name}-nodes-lca`, nodeGroup.id, p.frameworkControl, { parent: this });
    const instances = createGenesysNodes(
      name,
      {
        system: "cobrowse",
        nodes: cluster.nodes,
        imageId: p.imageId,
        privateSubnetIds: p.privateSubnetIds,
        securityGroupId: nodeGroup.id,
      },
      { parent: this },
    );
    this.instances = instances;
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
      const direct = (key: string, port: number) =>
        pulumi.interpolate`http://${instances[key].privateIp}:${port}${COBROWSE_CONTEXT_PATH}`;
      const first = cluster.nodes[0];
      this.url = direct(first.key, first.port);
      this.serverUrls = pulumi.all(Object.fromEntries(cluster.nodes.map((n) => [n.key, direct(n.key, n.port)])));
      this.limitations = ["No balancer (development only): each node is reached at its own address."];
      this.registerOutputs({ url: this.url, serverUrls: this.serverUrls });
      return;
    }

    // Sessions start here; once a node sets its cookie the ALB pins the client to it, which also
    // covers a Cookie header the exact-value rules do not recognise (pairs joined by ";" alone).
    const roundRobin = createTargetGroup(
      `${name}-all`,
      {
        vpcId: p.vpcId,
        healthPath: cluster.healthPath,
        stickiness: { type: "app_cookie", cookieName: cluster.cookie },
        targets: cluster.nodes.map((n) => ({ key: n.key, instanceId: instances[n.key].id, port: n.port })),
        tags,
      },
      { parent: this },
    );
    const alb = new ApplicationLoadBalancer(
      name,
      {
        platform: p,
        hostname: cluster.hostname,
        idleTimeoutSeconds: cluster.idleTimeoutSeconds,
        defaultAction: { kind: "forward", targetGroupArn: roundRobin.arn },
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

    const [urlBand, cookieBand] = priorityBands(2);
    const urlPriorities = stablePriorities(
      cluster.nodes.map((n) => n.key),
      urlBand,
    );
    const cookiePriorities = stablePriorities(
      cluster.nodes.flatMap((n) => COOKIE_RULE_SHAPES.map((shape) => `${n.key}/${shape}`)),
      cookieBand,
    );
    for (const node of cluster.nodes) {
      const nodeTags = { ...tags, [TAG.node]: node.key };
      const perNode = createTargetGroup(
        `${name}-node-${node.key}`,
        {
          vpcId: p.vpcId,
          healthPath: cluster.healthPath,
          targets: [{ key: node.key, instanceId: instances[node.key].id, port: node.port }],
          tags: nodeTags,
        },
        { parent: this },
      );
      const rule = (suffix: string, priority: number | undefined, condition: RuleCondition) =>
        new aws.lb.ListenerRule(
          `${name}-${node.key}-${suffix}`,
          {
            listenerArn: alb.listener.arn,
            priority,
            conditions: [condition],
            actions: [{ type: "forward", targetGroupArn: perNode.arn }],
            tags: nodeTags,
          },
          { parent: this },
        );
      if (cluster.urlStickiness)
        rule("url", urlPriorities.get(node.key), exactQueryCondition(COBROWSE_NODE_PARAMETER, node.nodeId));
      exactCookieConditions(cluster.cookie, node.cookieValue).forEach((condition, i) =>
        rule(
          `cookie-${COOKIE_RULE_SHAPES[i]}`,
          cookiePriorities.get(`${node.key}/${COOKIE_RULE_SHAPES[i]}`),
          condition,
        ),
      );
    }

    this.balancerDnsName = alb.dnsName;
    this.url = pulumi.output(`${alb.baseUrl}${COBROWSE_CONTEXT_PATH}`);
    this.serverUrls = pulumi.output<Record<string, string>>(
      cluster.urlStickiness
        ? Object.fromEntries(cluster.nodes.map((n) => [n.key, cobrowseServerUrl(alb.baseUrl, n.nodeId)]))
        : {},
    );
    this.limitations = [
      `Requests for a session whose node is down get errors from that node's target group until the client drops the ${cluster.cookie} cookie or the node's serverUrl, where Apache would send them to another node; the session itself lives on the failed node and is lost behind either balancer.`,
    ];
    this.registerOutputs({ url: this.url, serverUrls: this.serverUrls, balancerDnsName: this.balancerDnsName });
  }
}
