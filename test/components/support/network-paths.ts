/**
 * An oracle for "can A open a TCP connection to B on port P", read from the
 * registered resources the way AWS evaluates them, written independently of
 * the components that create them:
 *
 * - routing: the source subnet's route table (through its association) must
 *   send B's address to the local VPC, an accepted VPC peering connection
 *   joining both VPCs, or a transit gateway whose route tables (association,
 *   propagation, static routes, gateway peerings) deliver it to B's VPC; and
 *   the same back from B's subnet (TCP answers);
 * - security groups: an egress rule on one of A's groups and an ingress rule
 *   on one of B's groups must admit the port and the peer, by CIDR or by a
 *   group reference. References count only inside one VPC: stricter than
 *   AWS (which also allows peered VPCs of one region), never kinder.
 *
 * A NAT or internet gateway never counts as a private path.
 */
import type { MockRun } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import { AWS_TYPE } from "../../../policies/aws-types";

const TYPES = {
  vpc: AWS_TYPE.vpc,
  subnet: AWS_TYPE.subnet,
  association: AWS_TYPE.routeTableAssociation,
  route: AWS_TYPE.route,
  peering: AWS_TYPE.vpcPeeringConnection,
  peeringAccepter: AWS_TYPE.vpcPeeringConnectionAccepter,
  tgwAttachment: AWS_TYPE.transitGatewayVpcAttachment,
  tgwAssociation: AWS_TYPE.transitGatewayRouteTableAssociation,
  tgwPropagation: AWS_TYPE.transitGatewayRouteTablePropagation,
  tgwRoute: AWS_TYPE.transitGatewayRoute,
  tgwTable: AWS_TYPE.transitGatewayRouteTable,
  tgwPeering: AWS_TYPE.transitGatewayPeeringAttachment,
  tgwPeeringAccepter: AWS_TYPE.transitGatewayPeeringAttachmentAccepter,
  ingress: AWS_TYPE.ingressRule,
  egress: AWS_TYPE.egressRule,
  instance: AWS_TYPE.instance,
  dbInstance: AWS_TYPE.rdsInstance,
  dbSubnetGroup: AWS_TYPE.rdsSubnetGroup,
} as const;

/** An address block: a host is /32, a database the whole of one of its subnets. */
interface Block {
  readonly base: number;
  readonly size: number;
}

function ip(text: string): number {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${text}`);
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}

function block(text: string): Block {
  const [address, prefix = "32"] = text.split("/");
  const size = 2 ** (32 - Number(prefix));
  const base = ip(address);
  if (base % size !== 0) throw new Error(`host bits set in ${text}`);
  return { base, size };
}

const within = (inner: Block, outer: Block) =>
  inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;

/** One end of a connection: where it sits and which groups it wears. */
export interface Endpoint {
  readonly name: string;
  readonly block: Block;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly groupIds: readonly string[];
}

export interface Reach {
  readonly ok: boolean;
  /** Why not, in the words of the check that failed. */
  readonly why: string;
}

const str = (v: unknown) => String(v);

export class NetworkPaths {
  private readonly byType = new Map<string, RegisteredResource[]>();
  readonly resources: readonly RegisteredResource[];

  constructor(run: Pick<MockRun, "resources">) {
    this.resources = run.resources;
    for (const r of run.resources) {
      const list = this.byType.get(r.type) ?? [];
      list.push(r);
      this.byType.set(r.type, list);
    }
  }

  private all(type: string): RegisteredResource[] {
    return this.byType.get(type) ?? [];
  }

  private byId(type: string, id: unknown): RegisteredResource | undefined {
    return this.all(type).find((r) => r.id === id);
  }

  /** An EC2 instance as an endpoint. */
  instance(resource: RegisteredResource): Endpoint {
    const subnet = this.byId(TYPES.subnet, resource.inputs.subnetId);
    if (!subnet) throw new Error(`${resource.name}: subnet ${str(resource.inputs.subnetId)} is not registered`);
    return {
      name: resource.name,
      block: block(str(resource.state.privateIp)),
      vpcId: str(subnet.inputs.vpcId),
      subnetId: subnet.id,
      groupIds: (resource.inputs.vpcSecurityGroupIds as string[] | undefined) ?? [],
    };
  }

  /** An RDS instance: one endpoint per subnet of its subnet group (it may run in any of them). */
  database(resource: RegisteredResource): Endpoint[] {
    const group = this.all(TYPES.dbSubnetGroup).find(
      (g) => g.state.name === resource.inputs.dbSubnetGroupName || g.inputs.name === resource.inputs.dbSubnetGroupName,
    );
    if (!group)
      throw new Error(`${resource.name}: subnet group ${str(resource.inputs.dbSubnetGroupName)} is not registered`);
    return (group.inputs.subnetIds as string[]).map((id) => {
      const subnet = this.byId(TYPES.subnet, id);
      if (!subnet) throw new Error(`${resource.name}: subnet ${id} is not registered`);
      return {
        name: `${resource.name}@${subnet.name}`,
        block: block(str(subnet.inputs.cidrBlock)),
        vpcId: str(subnet.inputs.vpcId),
        subnetId: subnet.id,
        groupIds: (resource.inputs.vpcSecurityGroupIds as string[]) ?? [],
      };
    });
  }

  /** An address outside the stack (an existing database): reachable only by rules and routes towards it. */
  external(name: string, address: string, vpcId = "(outside)"): Endpoint {
    return { name, block: block(`${address}/32`), vpcId, subnetId: "(outside)", groupIds: [] };
  }

  reach(from: Endpoint, to: Endpoint, port: number): Reach {
    const there = this.route(from, to.block, to.vpcId);
    if (!there.ok) return { ok: false, why: `${from.name} to ${to.name}: ${there.why}` };
    if (to.subnetId !== "(outside)") {
      const back = this.route(to, from.block, from.vpcId);
      if (!back.ok) return { ok: false, why: `${to.name} answering ${from.name}: ${back.why}` };
    }
    if (!this.allows("egress", from, to, port))
      return { ok: false, why: `no egress rule on ${from.name}'s groups admits tcp/${port} to ${to.name}` };
    if (to.subnetId !== "(outside)" && !this.allows("ingress", to, from, port))
      return { ok: false, why: `no ingress rule on ${to.name}'s groups admits tcp/${port} from ${from.name}` };
    return { ok: true, why: "" };
  }

  /** Whether a rule of `direction` on `own`'s groups admits `port` with `peer` on the other side. */
  private allows(direction: "ingress" | "egress", own: Endpoint, peer: Endpoint, port: number): boolean {
    const rules = this.all(direction === "ingress" ? TYPES.ingress : TYPES.egress).filter((r) =>
      own.groupIds.includes(str(r.inputs.securityGroupId)),
    );
    return rules.some((r) => {
      const protocol = str(r.inputs.ipProtocol);
      const portOk =
        protocol === "-1" ||
        (protocol === "tcp" && Number(r.inputs.fromPort) <= port && port <= Number(r.inputs.toPort));
      if (!portOk) return false;
      if (r.inputs.cidrIpv4 !== undefined) return within(peer.block, block(str(r.inputs.cidrIpv4)));
      if (r.inputs.referencedSecurityGroupId !== undefined)
        return own.vpcId === peer.vpcId && peer.groupIds.includes(str(r.inputs.referencedSecurityGroupId));
      return false;
    });
  }

  /** The route table a subnet uses: its explicit association (these VPCs have no main-table subnets). */
  private routeTableOf(subnetId: string): string | undefined {
    return this.all(TYPES.association).find((a) => a.inputs.subnetId === subnetId)?.inputs.routeTableId as
      string | undefined;
  }

  private route(from: Endpoint, to: Block, toVpc: string): Reach {
    if (from.vpcId === toVpc) return { ok: true, why: "" };
    const table = this.routeTableOf(from.subnetId);
    if (!table) return { ok: false, why: `subnet ${from.subnetId} has no route table` };
    const candidates = this.all(TYPES.route)
      .filter((r) => r.inputs.routeTableId === table && within(to, block(str(r.inputs.destinationCidrBlock))))
      .sort((a, b) => block(str(a.inputs.destinationCidrBlock)).size - block(str(b.inputs.destinationCidrBlock)).size);
    const best = candidates[0];
    if (!best) return { ok: false, why: `route table ${table} has no route towards ${describe(to)}` };
    if (best.inputs.vpcPeeringConnectionId !== undefined)
      return this.viaPeering(str(best.inputs.vpcPeeringConnectionId), from.vpcId, toVpc);
    if (best.inputs.transitGatewayId !== undefined)
      return this.viaTransit(str(best.inputs.transitGatewayId), from.vpcId, to, toVpc);
    return { ok: false, why: `route ${best.name} leaves through a gateway that is not a private path` };
  }

  private viaPeering(id: string, fromVpc: string, toVpc: string): Reach {
    const peering = this.byId(TYPES.peering, id);
    if (!peering) return { ok: false, why: `peering ${id} is not registered` };
    const ends = [str(peering.inputs.vpcId), str(peering.inputs.peerVpcId)];
    if (!ends.includes(fromVpc) || !ends.includes(toVpc))
      return { ok: false, why: `peering ${peering.name} does not join ${fromVpc} and ${toVpc}` };
    const accepted =
      peering.inputs.autoAccept === true ||
      this.all(TYPES.peeringAccepter).some(
        (a) => a.inputs.vpcPeeringConnectionId === id && a.inputs.autoAccept === true,
      );
    return accepted ? { ok: true, why: "" } : { ok: false, why: `peering ${peering.name} is never accepted` };
  }

  /**
   * Follows transit gateway route tables until the packet lands in a VPC. A
   * gateway peering is one attachment id seen by both gateways; each gateway
   * associates it with its own table.
   */
  private viaTransit(tgwId: string, fromVpc: string, to: Block, toVpc: string): Reach {
    const attachment = this.all(TYPES.tgwAttachment).find(
      (a) => a.inputs.transitGatewayId === tgwId && a.inputs.vpcId === fromVpc,
    );
    if (!attachment) return { ok: false, why: `VPC ${fromVpc} is not attached to transit gateway ${tgwId}` };
    let gateway = tgwId;
    let entry = attachment.id;
    for (let hop = 0; hop < 4; hop++) {
      const tablesOfGateway = new Set(
        this.all(TYPES.tgwTable)
          .filter((t) => t.inputs.transitGatewayId === gateway)
          .map((t) => t.id),
      );
      const table = this.all(TYPES.tgwAssociation).find(
        (a) =>
          a.inputs.transitGatewayAttachmentId === entry &&
          tablesOfGateway.has(str(a.inputs.transitGatewayRouteTableId)),
      )?.inputs.transitGatewayRouteTableId;
      if (table === undefined)
        return {
          ok: false,
          why: `attachment ${entry} is associated with no route table of transit gateway ${gateway}`,
        };
      const routes: { dest: Block; attachment: string }[] = [
        ...this.all(TYPES.tgwPropagation)
          .filter((p) => p.inputs.transitGatewayRouteTableId === table)
          .flatMap((p) => {
            const att = this.byId(TYPES.tgwAttachment, p.inputs.transitGatewayAttachmentId);
            const vpc = att && this.byId(TYPES.vpc, att.inputs.vpcId);
            return att && vpc ? [{ dest: block(str(vpc.inputs.cidrBlock)), attachment: att.id }] : [];
          }),
        ...this.all(TYPES.tgwRoute)
          .filter((r) => r.inputs.transitGatewayRouteTableId === table)
          .map((r) => ({
            dest: block(str(r.inputs.destinationCidrBlock)),
            attachment: str(r.inputs.transitGatewayAttachmentId),
          })),
      ];
      const best = routes.filter((r) => within(to, r.dest)).sort((a, b) => a.dest.size - b.dest.size)[0];
      if (!best) return { ok: false, why: `transit route table ${str(table)} has no route towards ${describe(to)}` };
      const vpcAttachment = this.byId(TYPES.tgwAttachment, best.attachment);
      if (vpcAttachment) {
        return vpcAttachment.inputs.vpcId === toVpc
          ? { ok: true, why: "" }
          : {
              ok: false,
              why: `transit route towards ${describe(to)} lands in ${str(vpcAttachment.inputs.vpcId)}, not ${toVpc}`,
            };
      }
      const peering = this.byId(TYPES.tgwPeering, best.attachment);
      const accepted =
        peering && this.all(TYPES.tgwPeeringAccepter).some((a) => a.inputs.transitGatewayAttachmentId === peering.id);
      if (!peering || !accepted)
        return {
          ok: false,
          why: `transit route targets ${best.attachment}, which is neither a VPC attachment nor an accepted gateway peering`,
        };
      gateway =
        peering.inputs.transitGatewayId === gateway
          ? str(peering.inputs.peerTransitGatewayId)
          : str(peering.inputs.transitGatewayId);
      entry = peering.id;
    }
    return { ok: false, why: "transit routing loops" };
  }

  /** Instances by a predicate on their tags. */
  instancesTagged(predicate: (tags: Record<string, string>) => boolean): RegisteredResource[] {
    return this.all(TYPES.instance).filter((i) =>
      predicate((i.inputs.tags as Record<string, string> | undefined) ?? {}),
    );
  }

  databases(): RegisteredResource[] {
    return this.all(TYPES.dbInstance);
  }
}

function describe(b: Block): string {
  const parts = [24, 16, 8, 0].map((s) => Math.floor(b.base / 2 ** s) % 256);
  return `${parts.join(".")}/${32 - Math.log2(b.size)}`;
}
