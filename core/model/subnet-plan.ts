/**
 * Subnet layout of a new VPC: the VPC is cut into 16 equal blocks; zone i gets
 * public block i and private block 8 + i. Fixed positions per zone index mean
 * adding a zone never renumbers existing subnets.
 */
import { formatCidr, parseCidr, subnetOf } from "./network-math";

export interface ZoneSubnets {
  readonly availabilityZone: string;
  readonly publicCidr: string;
  readonly privateCidr: string;
}

export const MAX_ZONES = 6;

export function planSubnets(vpcCidr: string, zones: readonly string[]): ZoneSubnets[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new RangeError(`not a CIDR block: ${vpcCidr}`);
  if (zones.length > MAX_ZONES) throw new RangeError(`at most ${MAX_ZONES} zones fit the layout`);
  const prefix = vpc.prefix + 4;
  return zones.map((availabilityZone, i) => ({
    availabilityZone,
    publicCidr: formatCidr(subnetOf(vpc, prefix, i)),
    privateCidr: formatCidr(subnetOf(vpc, prefix, 8 + i)),
  }));
}
