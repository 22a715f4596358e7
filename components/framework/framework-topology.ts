/**
 * The multi-site Management Framework (seed 004): one FrameworkSite per site,
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
import { sizeFramework, type FrameworkSiteSizing } from "../../core/model/framework-sizing";
import type { FrameworkConfig } from "../../core/model/schema";
import { FrameworkSite } from "./framework-site";
import { allowTcp, hostCidr } from "./security-rules";
import { regionPairs, siteLinks, transitRoutes, type SiteLink } from "./site-links";

export interface FrameworkTopologyArgs {
  /** The validated `genesys:framework` section (licences present for every role deployed). */
  readonly framework: FrameworkConfig;
  /** AMI name filter, owner amazon, looked up in each site's region. */
  readonly amiNameFilter: string;
  /** Tags the regional providers put on every resource (the stack's default tags). */
  readonly defaultTags: Readonly<Record<string, string>>;
}

export interface FrameworkSiteSummary {
  readonly role: "master" | "remote";
  readonly region: string;
  readonly clients: number;
  readonly hosts: number;
  readonly configServers: number;
  readonly csProxies: number;
  readonly distributedScs: number;
  readonly vpcId: pulumi.Output<string>;
  /** Private IP per instance name (`amer-csproxy-1`). */
  readonly privateIps: Readonly<Record<string, pulumi.Output<string>>>;
}

export interface FrameworkSummary {
  readonly connectivity: FrameworkConfig["connectivity"];
  /** `amer.emea`: requester.accepter. */
  readonly links: readonly string[];
  readonly sites: Readonly<Record<string, FrameworkSiteSummary>>;
}

export class FrameworkTopology extends pulumi.ComponentResource {
  /** Sites by key, in natural key order. */
  readonly sites: Readonly<Record<string, FrameworkSite>>;
  /** One aws provider per region that has a site. */
  readonly providers: Readonly<Record<string, aws.Provider>>;
  readonly links: readonly SiteLink[];
  readonly summary: FrameworkSummary;

  constructor(name: string, args: FrameworkTopologyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:framework:FrameworkTopology", name, {}, opts);
    const fw = args.framework;
    const sizing = sizeFramework(fw);

    const providers: Record<string, aws.Provider> = {};
    for (const region of new Set(sizing.map((s) => s.region))) {
      providers[region] = new aws.Provider(`${name}-${region}`, { region: region as aws.Region, defaultTags: { tags: { ...args.defaultTags } } }, { parent: this });
    }
    this.providers = providers;

    const sites: Record<string, FrameworkSite> = {};
    for (const site of sizing) {
      sites[site.key] = new FrameworkSite(
        `${name}-${site.key}`,
        { site, ports: fw.ports, licenses: fw.licenses, instanceType: fw.instanceType, amiNameFilter: args.amiNameFilter },
        { parent: this, providers: { aws: providers[site.region] } },
      );
    }
    this.sites = sites;

    this.crossSiteRules(name, fw, Object.values(sites));
    this.links = siteLinks(sizing);
    if (fw.connectivity === "peering") this.peer(name);
    else this.transit(name);

    this.summary = {
      connectivity: fw.connectivity,
      links: this.links.map((l) => l.name),
      sites: Object.fromEntries(sizing.map((s) => [s.key, summarize(s, sites[s.key])])),
    };
    this.registerOutputs({ summary: this.summary });
  }

  /**
   * Rules towards instances at other sites: one /32 per peer instance, owned
   * by (and in the region of) the site whose security group carries it.
   */
  private crossSiteRules(name: string, fw: FrameworkConfig, sites: readonly FrameworkSite[]): void {
    const { configServer: csPort, scs: scsPort } = fw.ports;
    for (const site of sites) {
      const own = site.securityGroupIds;
      const child = { parent: site };
      const siteName = `${name}-${site.site.key}`;
      for (const other of sites.filter((s) => s !== site)) {
        if (own.configServer) {
          for (const proxy of other.instancesOf("csProxy")) {
            allowTcp(`${siteName}-cs-from-${proxy.plan.name}`, { direction: "ingress", securityGroupId: own.configServer, port: csPort, peer: { cidr: hostCidr(proxy.privateIp) }, description: `CS Proxy ${proxy.plan.name} to the master Configuration Server` }, child);
          }
        }
        if (own.csProxy) {
          for (const cs of other.instancesOf("configServer")) {
            allowTcp(`${siteName}-csproxy-to-${cs.plan.name}`, { direction: "egress", securityGroupId: own.csProxy, port: csPort, peer: { cidr: hostCidr(cs.privateIp) }, description: `CS Proxies of ${site.site.key} to the master Configuration Server ${cs.plan.name}` }, child);
          }
        }
        if (own.distributedScs) {
          for (const scs of other.instancesOf("distributedScs")) {
            allowTcp(`${siteName}-scs-from-${scs.plan.name}`, { direction: "ingress", securityGroupId: own.distributedScs, port: scsPort, peer: { cidr: hostCidr(scs.privateIp) }, description: `Distributed SCS ${scs.plan.name} to the Distributed SCS of ${site.site.key}` }, child);
            allowTcp(`${siteName}-scs-to-${scs.plan.name}`, { direction: "egress", securityGroupId: own.distributedScs, port: scsPort, peer: { cidr: hostCidr(scs.privateIp) }, description: `Distributed SCS of ${site.site.key} to Distributed SCS ${scs.plan.name}` }, child);
          }
        }
      }
    }
  }

  private peer(name: string): void {
    for (const link of this.links) {
      const requester = this.sites[link.requester.key];
      const accepter = this.sites[link.accepter.key];
      const peering = new aws.ec2.VpcPeeringConnection(
        `${name}-${link.name}`,
        { vpcId: requester.vpcId, peerVpcId: accepter.vpcId, peerRegion: link.accepter.region, autoAccept: false, tags: { Name: `${name}-${link.name}` } },
        { parent: this, provider: this.providers[link.requester.region] },
      );
      const accepted = new aws.ec2.VpcPeeringConnectionAccepter(
        `${name}-${link.name}`,
        { vpcPeeringConnectionId: peering.id, autoAccept: true, tags: { Name: `${name}-${link.name}` } },
        { parent: this, provider: this.providers[link.accepter.region] },
      );
      for (const [from, to] of [[link.requester, link.accepter], [link.accepter, link.requester]] as const) {
        new aws.ec2.Route(
          `${name}-route-${from.key}.${to.key}`,
          { routeTableId: this.sites[from.key].routeTableId, destinationCidrBlock: to.vpcCidr, vpcPeeringConnectionId: peering.id },
          { parent: this, provider: this.providers[from.region], dependsOn: [accepted] },
        );
      }
    }
  }

  private transit(name: string): void {
    const linked = new Map<string, FrameworkSiteSizing>();
    for (const l of this.links) for (const s of [l.requester, l.accepter]) linked.set(s.key, s);
    const gateways: Record<string, { tgw: aws.ec2transitgateway.TransitGateway; table: aws.ec2transitgateway.RouteTable }> = {};
    for (const region of new Set([...linked.values()].map((s) => s.region))) {
      const opts = { parent: this, provider: this.providers[region] };
      // Own route table, no defaults: every association and propagation below is deliberate.
      const tgw = new aws.ec2transitgateway.TransitGateway(
        `${name}-tgw-${region}`,
        { description: `Genesys Framework sites in ${region}`, defaultRouteTableAssociation: "disable", defaultRouteTablePropagation: "disable", autoAcceptSharedAttachments: "disable", tags: { Name: `${name}-tgw-${region}` } },
        opts,
      );
      const table = new aws.ec2transitgateway.RouteTable(`${name}-tgw-${region}`, { transitGatewayId: tgw.id, tags: { Name: `${name}-tgw-${region}` } }, opts);
      gateways[region] = { tgw, table };
    }

    const attachments: Record<string, aws.ec2transitgateway.VpcAttachment> = {};
    for (const s of linked.values()) {
      const site = this.sites[s.key];
      const { tgw, table } = gateways[s.region];
      const opts = { parent: this, provider: this.providers[s.region] };
      const attachment = new aws.ec2transitgateway.VpcAttachment(
        `${name}-${s.key}`,
        { transitGatewayId: tgw.id, vpcId: site.vpcId, subnetIds: Object.values(site.privateSubnetIds), transitGatewayDefaultRouteTableAssociation: false, transitGatewayDefaultRouteTablePropagation: false, tags: { Name: `${name}-${s.key}` } },
        opts,
      );
      new aws.ec2transitgateway.RouteTableAssociation(`${name}-${s.key}`, { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: table.id }, opts);
      new aws.ec2transitgateway.RouteTablePropagation(`${name}-${s.key}`, { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: table.id }, opts);
      attachments[s.key] = attachment;
    }

    const peerAttachments: Record<string, Record<string, { id: pulumi.Output<string>; ready: pulumi.Resource }>> = {};
    for (const pair of regionPairs(this.links)) {
      const request = new aws.ec2transitgateway.PeeringAttachment(
        `${name}-${pair.name}`,
        { transitGatewayId: gateways[pair.requester].tgw.id, peerTransitGatewayId: gateways[pair.accepter].tgw.id, peerRegion: pair.accepter, tags: { Name: `${name}-${pair.name}` } },
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
        { transitGatewayRouteTableId: gateways[route.region].table.id, destinationCidrBlock: route.site.vpcCidr, transitGatewayAttachmentId: side.id },
        { parent: this, provider: this.providers[route.region], dependsOn: [side.ready] },
      );
    }

    for (const link of this.links) {
      for (const [from, to] of [[link.requester, link.accepter], [link.accepter, link.requester]] as const) {
        new aws.ec2.Route(
          `${name}-route-${from.key}.${to.key}`,
          { routeTableId: this.sites[from.key].routeTableId, destinationCidrBlock: to.vpcCidr, transitGatewayId: gateways[from.region].tgw.id },
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
    distributedScs: s.distributedScs,
    vpcId: site.vpcId,
    privateIps: Object.fromEntries(site.instances.map((i) => [i.plan.name, i.privateIp])),
  };
}
