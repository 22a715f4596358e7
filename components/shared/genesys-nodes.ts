/**
 * Genesys server hosts: one EC2 instance per node of the model, in the private
 * subnet of the node's availability zone, never with a public address,
 * IMDSv2 only and an encrypted root volume.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedNode } from "../../core/model/environment";
import { TAG, type GenesysSystem } from "./platform";

/** The newest Amazon-owned AMI whose name matches the environment's filter. */
export function lookupGenesysAmi(amiNameFilter: string, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return aws.ec2.getAmiOutput(
    {
      owners: ["amazon"],
      mostRecent: true,
      filters: [
        { name: "name", values: [amiNameFilter] },
        { name: "state", values: ["available"] },
      ],
    },
    opts,
  ).id;
}

export interface GenesysNodesArgs {
  readonly system: GenesysSystem;
  /** Web Engagement 8.1 `frontend`/`backend`; absent for single-tier systems. */
  readonly tier?: string;
  /** Recording tenant key, for tenant-scoped nodes. */
  readonly tenant?: string;
  /** Recording service (`rws`, `rcs`...), for service-scoped nodes. */
  readonly service?: string;
  readonly nodes: readonly ResolvedNode[];
  readonly imageId: pulumi.Input<string>;
  /** Private subnet per availability zone; every node's zone must have one. */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Security group of these nodes (see allowBalancerToNodes). */
  readonly securityGroupId: pulumi.Input<string>;
  /** Root volume size, GiB. @default 30 */
  readonly rootVolumeGiB?: number;
}

/** Instances keyed by node key; each named `${name}-${node.key}` under `opts.parent`. */
export function createGenesysNodes(
  name: string,
  args: GenesysNodesArgs,
  opts: pulumi.CustomResourceOptions,
): Record<string, aws.ec2.Instance> {
  const instances: Record<string, aws.ec2.Instance> = {};
  for (const node of args.nodes) {
    const subnetId = args.privateSubnetIds[node.availabilityZone];
    if (subnetId === undefined)
      throw new Error(`node ${node.key} is in ${node.availabilityZone}, which has no private subnet`);
    const tags: Record<string, string> = {
      Name: `${name}-${node.key}`,
      [TAG.system]: args.system,
      [TAG.node]: node.key,
      [TAG.appName]: node.appName,
    };
    if (args.tier) tags[TAG.tier] = args.tier;
    if (args.tenant) tags[TAG.tenant] = args.tenant;
    if (args.service) tags[TAG.service] = args.service;
    instances[node.key] = new aws.ec2.Instance(
      `${name}-${node.key}`,
      {
        ami: args.imageId,
        instanceType: node.instanceType,
        subnetId,
        vpcSecurityGroupIds: [args.securityGroupId],
        associatePublicIpAddress: false,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: args.rootVolumeGiB ?? 30 },
        tags,
      },
      opts,
    );
  }
  return instances;
}
