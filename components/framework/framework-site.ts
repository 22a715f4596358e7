/**
 * One Management Framework site (Framework load-sharing guide): a private VPC in the site's
 * region, the master Configuration Server pair when the site is the master,
 * CS Proxies for the site's clients and Distributed Solution Control Servers
 * for its hosts, with security groups that open only the Framework ports
 * between those roles. Cross-site rules and routes are added by
 * FrameworkTopology, which knows the other sites.
 *
 * The site's resources take the aws provider given in `opts.providers`: the
 * provider of the site's region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  instanceName,
  ROLE_LABELS,
  type FrameworkInstancePlan,
  type FrameworkRole,
  type FrameworkSiteSizing,
} from "../../core/model/framework-sizing";
import type { FrameworkConfig } from "../../core/model/schema";
import { planSubnets } from "../../core/model/subnet-plan";
import { allowTcp, type RulePeer, type TcpRule } from "../shared/tcp-rule";

export interface FrameworkSiteArgs {
  /** The site's sizing: role, region, CIDR, zones and derived instance plans. */
  readonly site: FrameworkSiteSizing;
  /** Framework listening ports (TCP). */
  readonly ports: FrameworkConfig["ports"];
  /** Licence references, written to the instances' `genesys:license` tag. */
  readonly licenses: FrameworkConfig["licenses"];
  /** EC2 instance type of every Framework server at the site, e.g. m5.large. */
  readonly instanceType: string;
  /** AMI name filter, owner amazon; the most recent match in the site's region. */
  readonly amiNameFilter: string;
}

export interface FrameworkInstance {
  readonly plan: FrameworkInstancePlan;
  readonly privateIp: pulumi.Output<string>;
}

const ROLE_GROUPS: Readonly<Record<FrameworkRole, string>> = {
  configServer: "Master Configuration Servers",
  csProxy: "Configuration Server Proxies",
  distributedScs: "Distributed Solution Control Servers",
};

export class FrameworkSite extends pulumi.ComponentResource {
  readonly site: FrameworkSiteSizing;
  readonly vpcId: pulumi.Output<string>;
  /** The route table of every private subnet; links add routes to other sites here. */
  readonly routeTableId: pulumi.Output<string>;
  /** Private subnet ids keyed by availability zone. */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Security group per role present at the site. */
  readonly securityGroupIds: Readonly<Partial<Record<FrameworkRole, pulumi.Output<string>>>>;
  /** Every Framework server at the site in plan order. */
  readonly instances: readonly FrameworkInstance[];

  constructor(name: string, args: FrameworkSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:framework:FrameworkSite", name, {}, opts);
    const site = args.site;
    this.site = site;
    const child = { parent: this };

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: site.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } },
      child,
    );
    const routes = new aws.ec2.RouteTable(
      `${name}-private`,
      { vpcId: vpc.id, tags: { Name: `${name}-private` } },
      child,
    );
    const subnets: Record<string, aws.ec2.Subnet> = {};
    for (const zone of planSubnets(site.vpcCidr, site.availabilityZones)) {
      const az = zone.availabilityZone;
      subnets[az] = new aws.ec2.Subnet(
        `${name}-private-${az}`,
        {
          vpcId: vpc.id,
          cidrBlock: zone.privateCidr,
          availabilityZone: az,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-private-${az}`, tier: "private" },
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${az}`,
        { subnetId: subnets[az].id, routeTableId: routes.id },
        child,
      );
    }

    const groups: Partial<Record<FrameworkRole, aws.ec2.SecurityGroup>> = {};
    for (const role of ["configServer", "csProxy", "distributedScs"] as const) {
      if (!site.instances.some((i) => i.role === role)) continue;
      const sgName = `${name}-${ROLE_LABELS[role]}`;
      // No inline rules: the provider then removes AWS's default allow-all egress, and every flow is a rule below.
      groups[role] = new aws.ec2.SecurityGroup(
        sgName,
        { vpcId: vpc.id, description: `${ROLE_GROUPS[role]} of Framework site ${site.key}`, tags: { Name: sgName } },
        child,
      );
    }
    this.siteRules(name, args, groups).forEach(([ruleName, rule]) => allowTcp(ruleName, rule, child));

    const ami = aws.ec2.getAmiOutput(
      { owners: ["amazon"], mostRecent: true, filters: [{ name: "name", values: [args.amiNameFilter] }] },
      child,
    );
    this.instances = site.instances.map((plan) => {
      const resourceName = instanceName(name, plan.role, plan.index);
      const license =
        plan.role === "csProxy"
          ? args.licenses.csProxy
          : plan.role === "distributedScs"
            ? args.licenses.distributedScs
            : undefined;
      const server = new aws.ec2.Instance(
        resourceName,
        {
          ami: ami.id,
          instanceType: args.instanceType,
          subnetId: subnets[plan.availabilityZone].id,
          vpcSecurityGroupIds: [(groups[plan.role] as aws.ec2.SecurityGroup).id],
          associatePublicIpAddress: false,
          metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
          rootBlockDevice: { encrypted: true, volumeType: "gp3" },
          tags: {
            Name: plan.name,
            "genesys:framework-site": site.key,
            "genesys:framework-role": plan.role,
            ...(license !== undefined ? { "genesys:license": license } : {}),
            ...(plan.standby !== undefined ? { "genesys:ha-role": plan.standby } : {}),
          },
        },
        child,
      );
      return { plan, privateIp: server.privateIp };
    });

    this.vpcId = vpc.id;
    this.routeTableId = routes.id;
    this.privateSubnetIds = Object.fromEntries(Object.entries(subnets).map(([az, s]) => [az, s.id]));
    this.securityGroupIds = Object.fromEntries(Object.entries(groups).map(([role, sg]) => [role, sg.id]));
    this.registerOutputs({
      vpcId: this.vpcId,
      privateIps: Object.fromEntries(this.instances.map((i) => [i.plan.name, i.privateIp])),
    });
  }

  /** The site's instances of one role, in index order. */
  instancesOf(role: FrameworkRole): FrameworkInstance[] {
    return this.instances.filter((i) => i.plan.role === role);
  }

  /** Flows that stay inside the site: security-group references and the site's own CIDR. */
  private siteRules(
    name: string,
    args: FrameworkSiteArgs,
    groups: Partial<Record<FrameworkRole, aws.ec2.SecurityGroup>>,
  ): [string, TcpRule][] {
    const { ports, site } = args;
    const rules: [string, TcpRule][] = [];
    const allow = (
      ruleName: string,
      direction: TcpRule["direction"],
      group: aws.ec2.SecurityGroup,
      port: number,
      peer: RulePeer,
      description: string,
    ) => rules.push([`${name}-${ruleName}`, { direction, securityGroupId: group.id, port, peer, description }]);
    /** Both ends of a flow between two roles present at the site: egress on the sender's group, ingress on the receiver's. */
    const flow = (from: FrameworkRole, to: FrameworkRole, port: number, description: string) => {
      const [sender, receiver] = [groups[from], groups[to]];
      if (!sender || !receiver) return;
      const [fromLabel, toLabel] = [ROLE_LABELS[from], ROLE_LABELS[to]];
      allow(`${toLabel}-from-${fromLabel}`, "ingress", receiver, port, { securityGroupId: sender.id }, description);
      allow(`${fromLabel}-to-${toLabel}`, "egress", sender, port, { securityGroupId: receiver.id }, description);
    };
    const { csProxy: proxy, distributedScs: scs } = groups;
    flow("csProxy", "configServer", ports.configServer, `CS Proxies of ${site.key} to the master Configuration Server`);
    if (proxy) {
      const clients = `Configuration clients of ${site.key} to the CS Proxies`;
      allow("csproxy-from-clients", "ingress", proxy, ports.csProxy, { cidr: site.vpcCidr }, clients);
    }
    if (scs) {
      flow("distributedScs", "distributedScs", ports.scs, `Distributed SCS of ${site.key} with each other`);
      const agents = `Distributed SCS to the Local Control Agents on the hosts of ${site.key}`;
      allow("scs-to-lca", "egress", scs, ports.lca, { cidr: site.vpcCidr }, agents);
      if (proxy) {
        // The SCS reads its configuration like any other client of the site.
        const configuration = `Distributed SCS of ${site.key} to the CS Proxies (configuration)`;
        allow("scs-to-csproxy", "egress", scs, ports.csProxy, { securityGroupId: proxy.id }, configuration);
      } else {
        // No proxy at the master site: its SCS read configuration from the master CS itself.
        const configuration = `Distributed SCS of ${site.key} to the master Configuration Server (configuration)`;
        flow("distributedScs", "configServer", ports.configServer, configuration);
      }
      // Every Framework server runs a Local Control Agent that the site's SCS control.
      for (const [role, group] of Object.entries(groups) as [FrameworkRole, aws.ec2.SecurityGroup][]) {
        const description = `Distributed SCS of ${site.key} to the Local Control Agents of its ${ROLE_GROUPS[role]}`;
        allow(
          `${ROLE_LABELS[role]}-lca-from-scs`,
          "ingress",
          group,
          ports.lca,
          { securityGroupId: scs.id },
          description,
        );
      }
    }
    return rules;
  }
}
