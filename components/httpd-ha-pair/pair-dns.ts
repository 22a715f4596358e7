/**
 * The recording hostname the stack outputs advertise, resolvable where the
 * pair's clients are: the VIP and the internal NLB are private addresses, so
 * the record lives in a private hosted zone attached to the VPC. Unless the
 * stack names an existing private zone, the zone is the hostname itself, so
 * only that one name resolves differently inside the VPC and the rest of the
 * site's domain keeps resolving publicly.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Seconds resolvers may cache the VIP's A record; the address itself never changes (it moves between hosts). */
export const PAIR_RECORD_TTL = 300;

export interface PairRecordArgs {
  readonly hostname: string;
  readonly vpcId: pulumi.Input<string>;
  /** An existing private zone that holds `hostname`; absent: a zone named `hostname` is created. */
  readonly privateHostedZoneId?: string;
  /** With fronting `vip`: an A record for the VIP. */
  readonly virtualIp?: string;
  /** With fronting `nlb`: an alias A record to the network load balancer. */
  readonly nlb?: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
}

export interface PairRecord {
  readonly zoneId: pulumi.Output<string>;
  readonly fqdn: pulumi.Output<string>;
}

export function createPairRecord(name: string, args: PairRecordArgs, opts: pulumi.CustomResourceOptions): PairRecord {
  if ((args.virtualIp === undefined) === (args.nlb === undefined))
    throw new Error("the pair's record points at either the VIP or the NLB");
  const zoneId =
    args.privateHostedZoneId !== undefined
      ? pulumi.output(args.privateHostedZoneId)
      : new aws.route53.Zone(
          `${name}-zone`,
          {
            name: args.hostname,
            comment: "httpd HA pair recording hostname, inside the VPC",
            vpcs: [{ vpcId: args.vpcId }],
          },
          opts,
        ).zoneId;
  const record = new aws.route53.Record(
    name,
    args.nlb
      ? {
          zoneId,
          name: args.hostname,
          type: "A",
          aliases: [{ name: args.nlb.dnsName, zoneId: args.nlb.zoneId, evaluateTargetHealth: true }],
        }
      : { zoneId, name: args.hostname, type: "A", ttl: PAIR_RECORD_TTL, records: [args.virtualIp as string] },
    opts,
  );
  return { zoneId, fqdn: record.fqdn };
}

/**
 * One A record per recording node reached over https, `<node>.<recording
 * hostname>` -> its private address, in the pair's private zone: the name the
 * pair's httpd connects to, sends as SNI and checks the node's certificate
 * against. The VPC resolver answers it to the pair's hosts.
 */
export function createNodeRecords(
  name: string,
  zoneId: pulumi.Input<string>,
  nodes: readonly { readonly key: string; readonly id: string; readonly dnsName: string }[],
  privateIps: pulumi.Input<Record<string, pulumi.Input<string>>>,
  opts: pulumi.CustomResourceOptions,
): aws.route53.Record[] {
  const ips = pulumi.output(privateIps);
  return nodes.map(
    (node) =>
      new aws.route53.Record(
        `${name}-${node.key}`,
        {
          zoneId,
          name: node.dnsName,
          type: "A",
          ttl: PAIR_RECORD_TTL,
          records: [
            ips.apply((all) => {
              const ip = Object.hasOwn(all, node.id) ? all[node.id] : undefined;
              if (ip === undefined) throw new Error(`no private address for recording node "${node.id}"`);
              return ip;
            }),
          ],
        },
        opts,
      ),
  );
}
