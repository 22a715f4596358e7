/**
 * The multi-site Management Framework (Framework load-sharing guide): one FrameworkSite per site,
 * each in its own region through one aws provider per region, the links from
 * every remote site to the master site (and between remote sites whose
 * Distributed SCS talk to each other), and the cross-site security rules.
 *
 * Connectivity `peering`: a VPC peering connection per link, requested from
 * the requester's region and accepted in the accepter's, with routes both
 * ways. Connectivity `transitGateway`: a transit gateway per region with its
 * own route table, every linked site attached and propagated, transit
 * gateways of different regions peered, static routes across the peerings.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  applicationLink,
  applicationSiteKey,
  configurationPort,
  crossSiteRules,
  type ApplicationLink,
} from "../../core/model/framework-paths";
import { sizeFramework, type FrameworkSiteSizing } from "../../core/model/framework-sizing";
import type { FrameworkConfig } from "../../core/model/schema";
import { ConfigurationDatabase } from "./configuration-database";
import { FrameworkSite } from "./framework-site";
import { allowTcp, hostCidr } from "../shared/tcp-rule";
import { regionPairs, siteLinks, transitRoutes, type SiteLink } from "../../core/model/site-links";

export interface FrameworkTopologyArgs {
  /** The validated `genesys:framework` section (licences present for every role deployed). */
  readonly framework: FrameworkConfig;
  /** AMI name filter, owner amazon, looked up in each site's region. */
  readonly amiNameFilter: string;
  /** Tags the regional providers put on every resource (the stack's default tags). */
  readonly defaultTags: Readonly<Record<string, string>>;
  /** The stack's VPC, when it runs Genesys nodes: linked to the application site. */
  readonly applications?: ApplicationNetwork;
  readonly isProduction: boolean;
  /** The stack's hardening.deletionProtection, for a created Configuration Database. */
  readonly deletionProtection: boolean;
  /** The secret genesys:configurationDatabasePassword: master password of a database the stack creates. */
  readonly databasePassword?: pulumi.Input<string>;
}

export interface ApplicationNetwork {
  /** The stack's region; the application site is in it (checked before any resource exists). */
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: pulumi.Input<string>;
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Route table of each private subnet by zone. */
  readonly privateRouteTableIds: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface FrameworkSiteSummary {
  readonly role: "master" | "remote";
  readonly region: string;
  readonly clients: number;
  readonly hosts: number;
  readonly configServers: number;
  readonly csProxies: number;
  /** Proxies (pairs with high availability) that serve clients. */
  readonly csProxyUnits: number;
  readonly distributedScs: number;
  /** Distributed SCS that carry hosts; the rest is the spare. */
  readonly scsInService: number;
  readonly vpcId: pulumi.Output<string>;
  /** Private IP per instance name (`amer-csproxy-1`). */
  readonly privateIps: Readonly<Record<string, pulumi.Output<string>>>;
}

export interface FrameworkSummary {
  readonly connectivity: FrameworkConfig["connectivity"];
  /** `amer.emea`: requester.accepter. */
  readonly links: readonly string[];
  readonly capacity: FrameworkConfig["capacity"];
  readonly sites: Readonly<Record<string, FrameworkSiteSummary>>;
  /** Where the stack's Genesys nodes read configuration: `emea csProxy 2020`. */
  readonly applications?: { readonly site: string; readonly configuration: string; readonly port: number };
  readonly configurationDatabase?: {
    readonly origin: string;
    readonly engine: string;
    readonly address: pulumi.Output<string>;
    readonly port: number;
  };
}

export class FrameworkTopology extends pulumi.ComponentResource {
  /** Sites by key, in natural key order. */
  readonly sites: Readonly<Record<string, FrameworkSite>>;
  /** One aws provider per region that has a site. */
  readonly providers: Readonly<Record<string, aws.Provider>>;
  readonly links: readonly SiteLink[];
  readonly summary: FrameworkSummary;
  /** The application VPC's link, when the stack runs Genesys nodes. */
  readonly applicationLink?: ApplicationLink;

  constructor(name: string, args: FrameworkTopologyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:framework:FrameworkTopology", name, {}, opts);
    const fw = args.framework;
    const sizing = sizeFramework(fw);

    const providers: Record<string, aws.Provider> = {};
    for (const region of new Set(sizing.map((s) => s.region))) {
      providers[region] = new aws.Provider(
        `${name}-${region}`,
        { region: region as aws.Region, defaultTags: { tags: { ...args.defaultTags } } },
        { parent: this },
      );
    }
    this.providers = providers;

    const sites: Record<string, FrameworkSite> = {};
    for (const site of sizing) {
      sites[site.key] = new FrameworkSite(
        `${name}-${site.key}`,
        {
          site,
          ports: fw.ports,
          licenses: fw.licenses,
          instanceType: fw.instanceType,
          amiNameFilter: args.amiNameFilter,
        },
        { parent: this, providers: { aws: providers[site.region] } },
      );
    }
    this.sites = sites;

    this.crossSiteRules(name, fw, sites);
    this.links = siteLinks(sizing);
    const apps = args.applications;
    const appKey = apps && applicationSiteKey(fw, apps.region);
    const appSite = sizing.find((s) => s.key === appKey);
    this.applicationLink = appSite && applicationLink(appSite, sizing);
    if (fw.connectivity === "peering") this.peer(name);
    else this.transit(name, apps);
    if (apps && this.applicationLink) this.linkApplications(name, fw, apps, this.applicationLink);

    const master = sizing.find((s) => s.role === "master");
    const masterCs = master && sites[master.key].securityGroupIds.configServer;
    const database =
      fw.configurationDatabase && master && masterCs
        ? new ConfigurationDatabase(
            `${name}-configdb`,
            {
              database: fw.configurationDatabase,
              site: sites[master.key],
              configServerGroupId: masterCs,
              isProduction: args.isProduction,
              deletionProtection: args.deletionProtection,
              masterPassword: args.databasePassword,
            },
            { parent: sites[master.key] },
          )
        : undefined;

    const link = this.applicationLink;
    this.summary = {
      connectivity: fw.connectivity,
      links: this.links.map((l) => l.name),
      capacity: fw.capacity,
      sites: Object.fromEntries(sizing.map((s) => [s.key, summarize(s, sites[s.key])])),
      ...(link
        ? {
            applications: {
              site: link.site.key,
              configuration: `${link.configuration.site.key} ${link.configuration.role}`,
              port: configurationPort(link.configuration, fw.ports),
            },
          }
        : {}),
      ...(database
        ? {
            configurationDatabase: {
              origin: database.origin,
              engine: database.engine,
              address: database.address,
              port: database.port,
            },
          }
        : {}),
    };
    this.registerOutputs({ summary: this.summary });
  }

  /**
   * Rules towards instances at other sites (crossSiteRules): one /32 per peer
   * instance, owned by (and in the region of) the site whose security group
   * carries it.
   */
  private crossSiteRules(name: string, fw: FrameworkConfig, sites: Readonly<Record<string, FrameworkSite>>): void {
    const sizing = Object.values(sites).map((s) => s.site);
    for (const rule of crossSiteRules(sizing, fw.ports)) {
      const site = sites[rule.site];
      const peer = sites[rule.peerSite].instances.find((i) => i.plan.name === rule.peer)!;
      allowTcp(
        `${name}-${rule.name}`,
        {
          direction: rule.direction,
          securityGroupId: site.securityGroupIds[rule.role]!,
          port: rule.port,
          peer: { cidr: hostCidr(peer.privateIp) },
          description: rule.description,
        },
        { parent: site },
      );
    }
  }

  /**
   * The stack's VPC and the application site: a link (peering, or both VPCs
   * on the region's transit gateway, made by transit()), routes both ways,
   * the configuration source admitting the stack's CIDR, and the site's SCS
   * reaching the nodes' Local Control Agents.
   */
  private linkApplications(name: string, fw: FrameworkConfig, apps: ApplicationNetwork, link: ApplicationLink): void {
    const site = this.sites[link.site.key];
    const provider = this.providers[link.site.region];
    const opts = { parent: this, provider };
    const key = link.site.key;
    if (fw.connectivity === "peering") {
      // Same account and region: the request is accepted as it is made.
      const peering = new aws.ec2.VpcPeeringConnection(
        `${name}-applications.${key}`,
        { vpcId: apps.vpcId, peerVpcId: site.vpcId, autoAccept: true, tags: { Name: `${name}-applications.${key}` } },
        opts,
      );
      for (const [az, table] of Object.entries(apps.privateRouteTableIds)) {
        new aws.ec2.Route(
          `${name}-route-applications-${az}.${key}`,
          { routeTableId: table, destinationCidrBlock: link.site.vpcCidr, vpcPeeringConnectionId: peering.id },
          opts,
        );
      }
      new aws.ec2.Route(
        `${name}-route-${key}.applications`,
        { routeTableId: site.routeTableId, destinationCidrBlock: apps.vpcCidr, vpcPeeringConnectionId: peering.id },
        opts,
      );
    }
    const source = this.sites[link.configuration.site.key];
    const sourceGroup = source.securityGroupIds[link.configuration.role] as pulumi.Output<string>;
    const port = configurationPort(link.configuration, fw.ports);
    const what = link.configuration.role === "csProxy" ? `CS Proxies of ${key}` : "the master Configuration Server";
    allowTcp(
      `${name}-${link.configuration.site.key}-${link.configuration.role === "csProxy" ? "csproxy" : "cs"}-from-applications`,
      {
        direction: "ingress",
        securityGroupId: sourceGroup,
        port,
        peer: { cidr: apps.vpcCidr },
        description: `Genesys nodes of the stack VPC to ${what} (configuration)`,
      },
      { parent: source },
    );
    const scs = site.securityGroupIds.distributedScs;
    if (scs) {
      allowTcp(
        `${name}-${key}-scs-to-applications-lca`,
        {
          direction: "egress",
          securityGroupId: scs,
          port: fw.ports.lca,
          peer: { cidr: apps.vpcCidr },
          description: `Distributed SCS of ${key} to the Local Control Agents of the stack Genesys nodes`,
        },
        { parent: site },
      );
    }
  }

  private peer(name: string): void {
    for (const link of this.links) {
      const requester = this.sites[link.requester.key];
      const accepter = this.sites[link.accepter.key];
      const peering = new aws.ec2.VpcPeeringConnection(
        `${name}-${link.name}`,
        {
          vpcId: requester.vpcId,
          peerVpcId: accepter.vpcId,
          peerRegion: link.accepter.region,
          autoAccept: false,
          tags: { Name: `${name}-${link.name}` },
        },
        { parent: this, provider: this.providers[link.requester.region] },
      );
      const accepted = new aws.ec2.VpcPeeringConnectionAccepter(
        `${name}-${link.name}`,
        { vpcPeeringConnectionId: peering.id, autoAccept: true, tags: { Name: `${name}-${link.name}` } },
        { parent: this, provider: this.providers[link.accepter.region] },
      );
      for (const [from, to] of [
        [link.requester, link.accepter],
        [link.accepter, link.requester],
      ] as const) {
        new aws.ec2.Route(
          `${name}-route-${from.key}.${to.key}`,
          {
            routeTableId: this.sites[from.key].routeTableId,
            destinationCidrBlock: to.vpcCidr,
            vpcPeeringConnectionId: peering.id,
          },
          { parent: this, provider: this.providers[from.region], dependsOn: [accepted] },
        );
      }
    }
  }

  private transit(name: string, apps?: ApplicationNetwork): void {
    const linked = new Map<string, FrameworkSiteSizing>();
    for (const l of this.links) for (const s of [l.requester, l.accepter]) linked.set(s.key, s);
    const appSite = apps && this.applicationLink?.site;
    if (appSite) linked.set(appSite.key, appSite);
    const gateways: Record<
      string,
      { tgw: aws.ec2transitgateway.TransitGateway; table: aws.ec2transitgateway.RouteTable }
    > = {};
    for (const region of new Set([...linked.values()].map((s) => s.region))) {
      const opts = { parent: this, provider: this.providers[region] };
      // Own route table, no defaults: every association and propagation below is deliberate.
      const tgw = new aws.ec2transitgateway.TransitGateway(
        `${name}-tgw-${region}`,
        {
          description: `Genesys Framework sites in ${region}`,
          defaultRouteTableAssociation: "disable",
          defaultRouteTablePropagation: "disable",
          autoAcceptSharedAttachments: "disable",
          tags: { Name: `${name}-tgw-${region}` },
        },
        opts,
      );
      const table = new aws.ec2transitgateway.RouteTable(
        `${name}-tgw-${region}`,
        { transitGatewayId: tgw.id, tags: { Name: `${name}-tgw-${region}` } },
        opts,
      );
      gateways[region] = { tgw, table };
    }

    const attachments: Record<string, aws.ec2transitgateway.VpcAttachment> = {};
    for (const s of linked.values()) {
      const site = this.sites[s.key];
      const { tgw, table } = gateways[s.region];
      const opts = { parent: this, provider: this.providers[s.region] };
      const attachment = new aws.ec2transitgateway.VpcAttachment(
        `${name}-${s.key}`,
        {
          transitGatewayId: tgw.id,
          vpcId: site.vpcId,
          subnetIds: Object.values(site.privateSubnetIds),
          transitGatewayDefaultRouteTableAssociation: false,
          transitGatewayDefaultRouteTablePropagation: false,
          tags: { Name: `${name}-${s.key}` },
        },
        opts,
      );
      new aws.ec2transitgateway.RouteTableAssociation(
        `${name}-${s.key}`,
        { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: table.id },
        opts,
      );
      new aws.ec2transitgateway.RouteTablePropagation(
        `${name}-${s.key}`,
        { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: table.id },
        opts,
      );
      attachments[s.key] = attachment;
    }

    if (apps && appSite) {
      // The stack's VPC on the application site's gateway: propagation puts each CIDR in the shared table.
      const { tgw, table } = gateways[appSite.region];
      const opts = { parent: this, provider: this.providers[appSite.region] };
      const attachment = new aws.ec2transitgateway.VpcAttachment(
        `${name}-applications`,
        {
          transitGatewayId: tgw.id,
          vpcId: apps.vpcId,
          subnetIds: Object.values(apps.privateSubnetIds),
          transitGatewayDefaultRouteTableAssociation: false,
          transitGatewayDefaultRouteTablePropagation: false,
          tags: { Name: `${name}-applications` },
        },
        opts,
      );
      new aws.ec2transitgateway.RouteTableAssociation(
        `${name}-applications`,
        { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: table.id },
        opts,
      );
      new aws.ec2transitgateway.RouteTablePropagation(
        `${name}-applications`,
        { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: table.id },
        opts,
      );
      for (const [az, routeTable] of Object.entries(apps.privateRouteTableIds)) {
        new aws.ec2.Route(
          `${name}-route-applications-${az}.${appSite.key}`,
          { routeTableId: routeTable, destinationCidrBlock: appSite.vpcCidr, transitGatewayId: tgw.id },
          { ...opts, dependsOn: [attachment] },
        );
      }
      new aws.ec2.Route(
        `${name}-route-${appSite.key}.applications`,
        {
          routeTableId: this.sites[appSite.key].routeTableId,
          destinationCidrBlock: apps.vpcCidr,
          transitGatewayId: tgw.id,
        },
        { ...opts, dependsOn: [attachments[appSite.key]] },
      );
    }

    const peerAttachments: Record<string, Record<string, { id: pulumi.Output<string>; ready: pulumi.Resource }>> = {};
    for (const pair of regionPairs(this.links)) {
      const request = new aws.ec2transitgateway.PeeringAttachment(
        `${name}-${pair.name}`,
        {
          transitGatewayId: gateways[pair.requester].tgw.id,
          peerTransitGatewayId: gateways[pair.accepter].tgw.id,
          peerRegion: pair.accepter,
          tags: { Name: `${name}-${pair.name}` },
        },
        { parent: this, provider: this.providers[pair.requester] },
      );
      const accept = new aws.ec2transitgateway.PeeringAttachmentAccepter(
        `${name}-${pair.name}`,
        { transitGatewayAttachmentId: request.id, tags: { Name: `${name}-${pair.name}` } },
        { parent: this, provider: this.providers[pair.accepter] },
      );
      peerAttachments[pair.name] = {
        [pair.requester]: { id: request.id, ready: accept },
        [pair.accepter]: { id: accept.transitGatewayAttachmentId, ready: accept },
      };
      for (const region of [pair.requester, pair.accepter]) {
        const side = peerAttachments[pair.name][region];
        new aws.ec2transitgateway.RouteTableAssociation(
          `${name}-${pair.name}-${region}`,
          { transitGatewayAttachmentId: side.id, transitGatewayRouteTableId: gateways[region].table.id },
          { parent: this, provider: this.providers[region], dependsOn: [side.ready] },
        );
      }
    }

    for (const route of transitRoutes(this.links)) {
      const side = peerAttachments[route.pair.name][route.region];
      new aws.ec2transitgateway.Route(
        `${name}-tgw-${route.region}.${route.site.key}`,
        {
          transitGatewayRouteTableId: gateways[route.region].table.id,
          destinationCidrBlock: route.site.vpcCidr,
          transitGatewayAttachmentId: side.id,
        },
        { parent: this, provider: this.providers[route.region], dependsOn: [side.ready] },
      );
    }

    for (const link of this.links) {
      for (const [from, to] of [
        [link.requester, link.accepter],
        [link.accepter, link.requester],
      ] as const) {
        new aws.ec2.Route(
          `${name}-route-${from.key}.${to.key}`,
          {
            routeTableId: this.sites[from.key].routeTableId,
            destinationCidrBlock: to.vpcCidr,
            transitGatewayId: gateways[from.region].tgw.id,
          },
          { parent: this, provider: this.providers[from.region], dependsOn: [attachments[from.key]] },
        );
      }
    }
  }
}

function summarize(s: FrameworkSiteSizing, site: FrameworkSite): FrameworkSiteSummary {
  return {
    role: s.role,
    region: s.region,
    clients: s.clients,
    hosts: s.hosts,
    configServers: s.configServers,
    csProxies: s.csProxies,
    csProxyUnits: s.csProxyUnits,
    distributedScs: s.distributedScs,
    scsInService: s.scsInService,
    vpcId: site.vpcId,
    privateIps: Object.fromEntries(site.instances.map((i) => [i.plan.name, i.privateIp])),
  };
}
