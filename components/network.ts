/**
 * The stack's network: a new VPC over the model's availability zones (public
 * subnets for balancers, private subnets for Genesys nodes, NAT for egress), or
 * an existing VPC's subnets by zone.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../core/model/environment";
import { distinctTables, planSubnets } from "../core/model/subnet-plan";

export interface NetworkArgs {
  readonly network: Environment["network"];
  /** One NAT gateway per zone (production) or one shared (development). */
  readonly natPerZone: boolean;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: pulumi.Output<string>;
  /** Subnet ids keyed by availability zone. */
  readonly publicSubnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** The private subnets' route tables, each once, keyed by the first zone that uses it (routes to add go here). */
  readonly privateRouteTableIds: Readonly<Record<string, pulumi.Output<string>>>;
  readonly availabilityZones: readonly string[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:network:Network", name, {}, opts);
    const zones = args.network.availabilityZones;
    this.availabilityZones = zones;
    const existing = args.network.existingVpc;
    if (existing) {
      this.vpcId = pulumi.output(existing.vpcId);
      this.vpcCidr = aws.ec2.getVpcOutput({ id: existing.vpcId }, { parent: this }).cidrBlock;
      this.publicSubnetIds = Object.fromEntries(zones.map((az) => [az, pulumi.output(existing.publicSubnetIds[az])]));
      this.privateSubnetIds = Object.fromEntries(zones.map((az) => [az, pulumi.output(existing.privateSubnetIds[az])]));
      // Zones often share one private route table (one NAT): each table appears once, under its first zone,
      // so routes added to it are added once (EC2 refuses a second route to the same destination).
      this.privateRouteTableIds = Object.fromEntries(
        distinctTables(zones, existing.privateRouteTableIds ?? {}).map(([az, id]) => [az, pulumi.output(id)]),
      );
    } else {
      const cidr = args.network.vpcCidr as string;
      const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } },
        { parent: this },
      );
      const igw = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: vpc.id, tags: { Name: `${name}-igw` } },
        { parent: this },
      );
      // Routes are separate resources, never inline: inline routes make the table own every
      // route, so a refresh + up would delete the VIP routes aws-vpc-move-ip adds.
      const publicRoutes = new aws.ec2.RouteTable(
        `${name}-public`,
        { vpcId: vpc.id, tags: { Name: `${name}-public` } },
        { parent: this },
      );
      new aws.ec2.Route(
        `${name}-public-default`,
        { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
        { parent: this },
      );
      const plan = planSubnets(cidr, zones);
      const publicSubnets: Record<string, aws.ec2.Subnet> = {};
      const privateSubnets: Record<string, aws.ec2.Subnet> = {};
      const privateRouteTables: Record<string, aws.ec2.RouteTable> = {};
      let sharedNat: aws.ec2.NatGateway | undefined;
      for (const zone of plan) {
        const az = zone.availabilityZone;
        const pub = new aws.ec2.Subnet(
          `${name}-public-${az}`,
          {
            vpcId: vpc.id,
            cidrBlock: zone.publicCidr,
            availabilityZone: az,
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-public-${az}`, tier: "public" },
          },
          { parent: this },
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${az}`,
          { subnetId: pub.id, routeTableId: publicRoutes.id },
          { parent: this },
        );
        publicSubnets[az] = pub;
        let nat = sharedNat;
        if (!nat || args.natPerZone) {
          const eip = new aws.ec2.Eip(
            `${name}-nat-${az}`,
            { domain: "vpc", tags: { Name: `${name}-nat-${az}` } },
            { parent: this },
          );
          nat = new aws.ec2.NatGateway(
            `${name}-nat-${az}`,
            { subnetId: pub.id, allocationId: eip.id, tags: { Name: `${name}-nat-${az}` } },
            { parent: this },
          );
          sharedNat ??= nat;
        }
        const priv = new aws.ec2.Subnet(
          `${name}-private-${az}`,
          {
            vpcId: vpc.id,
            cidrBlock: zone.privateCidr,
            availabilityZone: az,
            tags: { Name: `${name}-private-${az}`, tier: "private" },
          },
          { parent: this },
        );
        const privateRoutes = new aws.ec2.RouteTable(
          `${name}-private-${az}`,
          { vpcId: vpc.id, tags: { Name: `${name}-private-${az}` } },
          { parent: this },
        );
        new aws.ec2.Route(
          `${name}-private-${az}-default`,
          { routeTableId: privateRoutes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
          { parent: this },
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${az}`,
          { subnetId: priv.id, routeTableId: privateRoutes.id },
          { parent: this },
        );
        privateSubnets[az] = priv;
        privateRouteTables[az] = privateRoutes;
      }
      this.vpcId = vpc.id;
      this.vpcCidr = vpc.cidrBlock;
      this.publicSubnetIds = Object.fromEntries(Object.entries(publicSubnets).map(([az, s]) => [az, s.id]));
      this.privateSubnetIds = Object.fromEntries(Object.entries(privateSubnets).map(([az, s]) => [az, s.id]));
      this.privateRouteTableIds = Object.fromEntries(Object.entries(privateRouteTables).map(([az, t]) => [az, t.id]));
    }
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
