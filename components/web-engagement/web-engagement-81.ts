/**
 * Genesys Web Engagement 8.1: frontend and backend servers, each tier behind
 * its own balancer in production (Web Engagement 8.1 load-balancing guide).
 *
 * Frontend stickiness is URL based: the server writes "." + its application
 * name as configured into a static URL parameter. ALB listener rules match a
 * query parameter's whole value as sent (wildcards allowed, none needed), so
 * each frontend node gets a rule on `?<param>=.<name>` and a second one on the
 * servlet-style path parameter (`;<param>=.<name>`) that Apache's
 * stickysession also reads. ALB path patterns reject ';' and '=', so that
 * second rule matches the path with a regular expression (`regexValues`). A
 * name with spaces is refused: browsers may send a space as `%20`, which ALB
 * query-string values cannot hold.
 * Backend stickiness is a balancer-made cookie: the ALB's own lb_cookie.
 * Without balancers (development only) the frontend servers reach the backend
 * servers directly.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedNode, WebEngagement81 as WebEngagement81Model } from "../../core/model/environment";
import { queryValueForms, webEngagement81StickyValue } from "../../core/model/genesys-facts";
import { singleAlbProblems } from "../../core/model/alb-packing";
import { ConfigError, type ConfigProblem } from "../../core/model/problems";
import {
  caseCollisions,
  exactPathParameterCondition,
  exactQueryValuesCondition,
  priorityBands,
  ruleLimitProblems,
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
  allowFromGroup,
  createSecurityGroup,
} from "../shared/security-groups";
import { createTargetGroup } from "../shared/target-group";

export interface WebEngagement81Args {
  readonly platform: PlatformArgs;
  /** The resolved model section (frontend and backend tiers, balancer kind). */
  readonly system: WebEngagement81Model;
}

/** How the tiers are wired: through balancers, or directly (development only). */
export type WebEngagement81Wiring = "balancers" | "direct";

export type Tier = "frontend" | "backend";

/** Frontend rules by where the sticky parameter sits; query rules are evaluated first. */
const FRONTEND_RULES: readonly {
  shape: string;
  condition: (parameter: string, value: string) => RuleCondition | undefined;
}[] = [
  { shape: "query", condition: (parameter, value) => exactQueryValuesCondition(parameter, queryValueForms(value)) },
  {
    shape: "path",
    condition: (parameter, value) => (value.includes(" ") ? undefined : exactPathParameterCondition(parameter, value)),
  },
];

/** What the frontend ALB cannot route: routes equal without case, more nodes than one ALB's rules hold. */
export function webEngagement81AlbProblems(system: WebEngagement81Model): ConfigProblem[] {
  if (system.balancer !== "alb") return [];
  const fe = system.frontend;
  const tooLong = fe.nodes.flatMap((n) =>
    FRONTEND_RULES.flatMap((rule) =>
      ruleLimitProblems(
        [rule.condition(fe.stickyParameter, webEngagement81StickyValue(n.appName))].filter(
          (c): c is RuleCondition => c !== undefined,
        ),
      ).map((problem) => ({
        path: ["webEngagement81", "frontend", "nodes", n.key, "appName"],
        value: n.appName,
        message: `cannot be routed by an ALB rule on the ${rule.shape} parameter ${fe.stickyParameter}: ${problem}; use a shorter application name or sticky parameter`,
      })),
    ),
  );
  // A browser may send a space as "%20", which ALB query-string values cannot hold (AWS listener rule conditions).
  const spaced = fe.nodes
    .filter((n) => n.appName.includes(" "))
    .map((n) => ({
      path: ["webEngagement81", "frontend", "nodes", n.key, "appName"],
      value: n.appName,
      message: `cannot be routed by an ALB: the sticky value "." + this name carries its spaces URL-encoded, as %20 or +, and ALB query-string conditions cannot hold '%'; use a name without spaces, or the httpd balancer, which routes both forms`,
    }));
  return [
    ...spaced,
    ...tooLong,
    ...caseCollisions(
      fe.nodes.map((n) => ({ path: ["webEngagement81", "frontend", "nodes", n.key, "appName"], value: n.appName })),
    ),
    ...singleAlbProblems(["webEngagement81", "frontend", "nodes"], {
      rules: FRONTEND_RULES.length * fe.nodes.length,
      targetGroups: 1 + fe.nodes.length,
    }),
  ];
}

export class WebEngagement81 extends pulumi.ComponentResource {
  readonly wiring: WebEngagement81Wiring;
  /** Base URL of the frontend tier: the frontend balancer's, or each frontend node's without balancers. */
  readonly frontendUrls: pulumi.Output<Record<string, string>>;
  /** Base URL of the backend tier as the frontend servers are configured with it. */
  readonly backendUrls: pulumi.Output<Record<string, string>>;
  /** Instances per tier, keyed by node key. */
  readonly instances: Readonly<Record<Tier, Readonly<Record<string, aws.ec2.Instance>>>>;
  readonly limitations: readonly string[];

  constructor(name: string, args: WebEngagement81Args, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:webengagement:WebEngagement81", name, {}, opts);
    const { platform: p, system } = args;
    const problems = webEngagement81AlbProblems(system);
    if (problems.length > 0) throw new ConfigError(problems);
    const tierGroups = {} as Record<Tier, aws.ec2.SecurityGroup>;
    const instances = {} as Record<Tier, Record<string, aws.ec2.Instance>>;
    const tiers: [Tier, readonly ResolvedNode[]][] = [
      ["frontend", system.frontend.nodes],
      ["backend", system.backend.nodes],
    ];
    for (const [tier, nodes] of tiers) {
      const group = createSecurityGroup(
        `${name}-${tier}-nodes`,
        { vpcId: p.vpcId, description: `Web Engagement 8.1 ${tier} nodes` },
        { parent: this },
      );
      allowEgressAnywhere(`${name}-${tier}-nodes-out`, group.id, { parent: this });
      allowFrameworkControl(`${name}-${tier}-nodes-lca`, group.id, p.frameworkControl, { parent: this });
      tierGroups[tier] = group;
      instances[tier] = createGenesysNodes(
        `${name}-${tier}`,
        {
          system: "webEngagement81",
          tier,
          nodes,
          imageId: p.imageId,
          privateSubnetIds: p.privateSubnetIds,
          securityGroupId: group.id,
        },
        { parent: this },
      );
    }
    this.instances = instances;
    const ports = (nodes: readonly ResolvedNode[]) => nodes.map((n) => n.port);
    const nodeUrls = (tier: Tier, nodes: readonly ResolvedNode[]) =>
      pulumi.all(
        Object.fromEntries(
          nodes.map((n) => [n.key, pulumi.interpolate`http://${instances[tier][n.key].privateIp}:${n.port}`]),
        ),
      );

    if (system.balancer === "none") {
      this.wiring = "direct";
      allowFromCidr(
        `${name}-frontend-nodes-vpc`,
        {
          groupId: tierGroups.frontend.id,
          cidr: p.vpcCidr,
          ports: ports(system.frontend.nodes),
          description: "development: clients inside the VPC reach the frontend nodes directly",
        },
        { parent: this },
      );
      allowFromGroup(
        `${name}-backend-nodes-from-frontend`,
        {
          groupId: tierGroups.backend.id,
          sourceGroupId: tierGroups.frontend.id,
          ports: ports(system.backend.nodes),
          description: "development: frontend servers reach backend servers directly",
        },
        { parent: this },
      );
      this.frontendUrls = nodeUrls("frontend", system.frontend.nodes);
      this.backendUrls = nodeUrls("backend", system.backend.nodes);
      this.limitations = [
        "No balancers (development only): frontend servers are wired to backend servers directly, as the guide allows for development; there is no stickiness or failover.",
      ];
      this.registerOutputs({ wiring: this.wiring, frontendUrls: this.frontendUrls, backendUrls: this.backendUrls });
      return;
    }

    this.wiring = "balancers";
    const frontend = this.frontendBalancer(name, p, system, tierGroups.frontend);
    const backend = this.backendBalancer(name, p, system, tierGroups.backend);
    this.frontendUrls = pulumi.output<Record<string, string>>({ balancer: frontend.baseUrl });
    this.backendUrls = pulumi.output<Record<string, string>>({ balancer: backend.baseUrl });
    this.limitations = [
      `The backend balancer's cookie is the ALB's own (AWSALB); the ALB cannot name it ${system.backend.cookie}.`,
      `A request whose ${system.frontend.stickyParameter} parameter names a frontend node that is down gets an error from that node's target group; Apache would fail over to another member.`,
    ];
    this.registerOutputs({ wiring: this.wiring, frontendUrls: this.frontendUrls, backendUrls: this.backendUrls });
  }

  private frontendBalancer(
    name: string,
    p: PlatformArgs,
    system: WebEngagement81Model,
    nodeGroup: aws.ec2.SecurityGroup,
  ): ApplicationLoadBalancer {
    const fe = system.frontend;
    const base = `${name}-frontend`;
    const tags = { [TAG.system]: "webEngagement81", [TAG.tier]: "frontend" };
    const instances = this.instances.frontend;
    const targets = fe.nodes.map((n) => ({ key: n.key, instanceId: instances[n.key].id, port: n.port }));
    const roundRobin = createTargetGroup(
      `${base}-all`,
      { vpcId: p.vpcId, healthPath: fe.healthPath, targets, tags },
      { parent: this },
    );
    const alb = new ApplicationLoadBalancer(
      base,
      {
        platform: p,
        hostname: fe.hostname,
        idleTimeoutSeconds: fe.idleTimeoutSeconds,
        defaultAction: { kind: "forward", targetGroupArn: roundRobin.arn },
        accessLogPrefix: base,
        tags,
      },
      { parent: this },
    );
    allowBalancerToNodes(
      `${base}-alb-nodes`,
      { balancerGroupId: alb.securityGroupId, nodeGroupId: nodeGroup.id, ports: fe.nodes.map((n) => n.port) },
      { parent: this },
    );
    const bands = priorityBands(FRONTEND_RULES.length);
    const priorities = FRONTEND_RULES.map((_, i) =>
      stablePriorities(
        fe.nodes.map((n) => n.key),
        bands[i],
      ),
    );
    for (const node of fe.nodes) {
      const perNode = createTargetGroup(
        `${base}-node-${node.key}`,
        {
          vpcId: p.vpcId,
          healthPath: fe.healthPath,
          targets: [{ key: node.key, instanceId: instances[node.key].id, port: node.port }],
          tags: { ...tags, [TAG.node]: node.key },
        },
        { parent: this },
      );
      FRONTEND_RULES.forEach((rule, i) => {
        const condition = rule.condition(fe.stickyParameter, webEngagement81StickyValue(node.appName));
        if (condition === undefined) return;
        new aws.lb.ListenerRule(
          `${base}-${node.key}-${rule.shape}`,
          {
            listenerArn: alb.listener.arn,
            priority: priorities[i].get(node.key),
            conditions: [condition],
            actions: [{ type: "forward", targetGroupArn: perNode.arn }],
            tags: { ...tags, [TAG.node]: node.key },
          },
          { parent: this },
        );
      });
    }
    return alb;
  }

  private backendBalancer(
    name: string,
    p: PlatformArgs,
    system: WebEngagement81Model,
    nodeGroup: aws.ec2.SecurityGroup,
  ): ApplicationLoadBalancer {
    const be = system.backend;
    const base = `${name}-backend`;
    const tags = { [TAG.system]: "webEngagement81", [TAG.tier]: "backend" };
    const targets = be.nodes.map((n) => ({ key: n.key, instanceId: this.instances.backend[n.key].id, port: n.port }));
    const sticky = createTargetGroup(
      `${base}-all`,
      { vpcId: p.vpcId, healthPath: be.healthPath, stickiness: { type: "lb_cookie" }, targets, tags },
      { parent: this },
    );
    const alb = new ApplicationLoadBalancer(
      base,
      {
        platform: p,
        hostname: be.hostname,
        idleTimeoutSeconds: be.idleTimeoutSeconds,
        exposure: "internal",
        defaultAction: { kind: "forward", targetGroupArn: sticky.arn },
        accessLogPrefix: base,
        tags,
      },
      { parent: this },
    );
    allowBalancerToNodes(
      `${base}-alb-nodes`,
      { balancerGroupId: alb.securityGroupId, nodeGroupId: nodeGroup.id, ports: be.nodes.map((n) => n.port) },
      { parent: this },
    );
    return alb;
  }
}
