/**
 * Subnet layout of a new VPC: the VPC is cut into 16 equal blocks; zone i gets
 * public block i and private block 8 + i. Fixed positions per zone index mean
 * adding a zone never renumbers existing subnets.
 */
import { cidrSize, formatCidr, formatIpv4, parseCidr, subnetOf } from "./network-math";

interface ZoneSubnets {
  readonly availabilityZone: string;
  readonly publicCidr: string;
  readonly privateCidr: string;
}

const MAX_ZONES = 6;

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

/** The "Subnet layout" section of docs/CONFIG.md, with a worked example from planSubnets itself. */
export function subnetLayoutReference(): string[] {
  const example = planSubnets("10.40.0.0/16", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  return [
    "## Subnet layout",
    "",
    "With `network.vpcCidr` the stack creates the VPC and cuts it into 16 equal blocks (a /16 gives /20",
    "subnets, a /24 gives /28): the i-th zone of `network.availabilityZones` gets public block i (balancers,",
    "NAT) and private block 8 + i (Genesys nodes, internal balancers, the httpd HA pair). Positions are",
    "fixed per zone index, so adding a zone never renumbers the others. AWS keeps the first four",
    "addresses and the last one of every subnet.",
    "",
    "The httpd HA pair lives in the private subnet of `httpdHaPair.availabilityZone`: fixed host addresses",
    "(`httpdHaPair.nodes.<key>.privateIp`) and, with agent `awsvip`, `httpdHaPair.virtualIp.address` must be",
    "free host addresses of that subnet; anything else is refused. `npm run synth` prints the stack's",
    "subnets and the pair's address range.",
    "",
    "For `vpcCidr: 10.40.0.0/16` and zones eu-west-1a, eu-west-1b, eu-west-1c:",
    "",
    "| zone | public subnet | private subnet | usable private host addresses |",
    "| --- | --- | --- | --- |",
    ...example.map((z) => {
      const block = parseCidr(z.privateCidr) as NonNullable<ReturnType<typeof parseCidr>>;
      return `| ${z.availabilityZone} | ${z.publicCidr} | ${z.privateCidr} | ${formatIpv4(block.base + 4)} to ${formatIpv4(block.base + cidrSize(block) - 2)} |`;
    }),
    "",
    "A pair with `availabilityZone: eu-west-1a` there takes its hosts and its `awsvip` address from",
    "10.40.128.4 to 10.40.143.254, e.g. `virtualIp.address: 10.40.140.250`.",
    "",
    "With `network.existingVpc` the subnets are yours (`publicSubnetIds`, `privateSubnetIds` per zone) and",
    "the pair's addresses must come from its zone's private subnet; synth cannot check that offline.",
  ];
}

/** Each route table once, keyed by the first zone (in `zones` order) that uses it. */
export function distinctTables(zones: readonly string[], tables: Readonly<Record<string, string>>): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const az of zones) {
    const id = tables[az];
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    out.push([az, id]);
  }
  return out;
}
