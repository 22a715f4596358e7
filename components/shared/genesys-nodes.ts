/**
 * Genesys server hosts: one EC2 instance per node of the model, in the private
 * subnet of the node's availability zone, never with a public address,
 * IMDSv2 only and an encrypted root volume.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TAG, type PlanNode, type SystemKey } from "../../core/plan/plan";

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

export interface GenesysNodeArgs {
  readonly system: SystemKey;
  readonly imageId: pulumi.Input<string>;
  /** Private subnet per availability zone; every node's zone must have one. */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Security group of the node (see allowBalancerToNodes). */
  readonly securityGroupId: pulumi.Input<string>;
  /** Root volume size, GiB. @default 30 */
  readonly rootVolumeGiB?: number;
}

/** The instance of one plan node, named as the plan says, tagged with its system, scope, key and application name. */
export function createGenesysNode(
  node: PlanNode,
  args: GenesysNodeArgs,
  opts: pulumi.CustomResourceOptions,
): aws.ec2.Instance {
  const subnetId = args.privateSubnetIds[node.availabilityZone];
  if (subnetId === undefined)
    throw new Error(`node ${node.key} is in ${node.availabilityZone}, which has no private subnet`);
  const tags: Record<string, string> = {
    Name: node.resourceName,
    [TAG.system]: args.system,
    [TAG.node]: node.key,
    [TAG.appName]: node.appName,
  };
  if (node.scope.tier) tags[TAG.tier] = node.scope.tier;
  if (node.scope.tenant) tags[TAG.tenant] = node.scope.tenant;
  if (node.scope.service) tags[TAG.service] = node.scope.service;
  return new aws.ec2.Instance(
    node.resourceName,
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
