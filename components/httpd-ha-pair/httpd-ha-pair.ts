/**
 * The vendor guide's load-balancer cluster on AWS: two RHEL hosts in one
 * subnet running Apache httpd under Pacemaker/Corosync, with a virtual IP
 * that follows the active host (and optionally a network load balancer in
 * front), provisioned over SSH through a bastion, and a private DNS record
 * for the recording hostname.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createsBastion, type Environment, type HttpdHaPair as PairModel } from "../../core/model/environment";
import { formatProblem } from "../../core/model/problems";
import { HTTPD_PAIR_COMPONENT_TYPE } from "../../core/plan/identity";
import { renderClusterRunbook } from "../../core/render/cluster/runbook";
import { requiredSecret, type StackSecrets } from "../stack-config";
import { BASTION_USER, ProvisioningBastion } from "./bastion";
import { hostReplacementRunbook } from "./host-replacement";
import { NetworkLoadBalancerFront } from "./nlb-front";
import { createNodeRecords, createPairRecord } from "./pair-dns";
import { pairIngressRules, type TrafficSource } from "./pair-traffic";
import { awsPlacementProblems } from "./placement";
import { PairProvisioning } from "./provisioning";
import { httpsMembers, pairTlsSecrets, recordingMemberPorts } from "./site-files";
import { agentUsesAwsApi, fencingStatements, PAIR_TAG, vipAgentStatements } from "./vip-permissions";

/** The parts of the stack's network the pair uses. */
export interface PairNetwork {
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: pulumi.Input<string>;
  /** Public subnets by availability zone; the provisioning bastion uses the pair's zone's (or the first). */
  readonly publicSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Private subnets by availability zone; the pair uses its zone's, an NLB spans all. */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Route tables by availability zone that carry the overlay VIP (aws-vpc-move-ip). */
  readonly privateRouteTableIds: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface HttpdHaPairArgs {
  /** The resolved environment; its `httpdHaPair` section defines the pair, its `recording` section what it serves. */
  readonly environment: Environment;
  /** The stack's secrets: the SSH keys, the client TLS certificate and key, the corosync authkey. */
  readonly secrets: StackSecrets;
  readonly network: PairNetwork;
  /** Recording node key -> private IPv4; every recording member needs one when the pair serves recording. */
  readonly backendAddresses: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Security group of the recording nodes; when given, it admits the pair on the members' ports. */
  readonly backendSecurityGroupId?: pulumi.Input<string>;
}

/** Red Hat's AWS account, owner of the RHEL images. */
const RED_HAT_OWNER = "309956199498";
const IMAGE_NAME: Record<PairModel["os"], string> = {
  // The HA images carry the High Availability repositories (pacemaker, pcs).
  rhel8: "RHEL_HA-8.*_HVM-*-x86_64-*",
  rhel9: "RHEL_HA-9.*_HVM-*-x86_64-*",
  rhel6: "RHEL-6.10_HVM*-x86_64-*",
};

export class HttpdHaPair extends pulumi.ComponentResource {
  /** The address clients use with fronting `vip` (and the cluster moves in every case). */
  readonly virtualIp: string;
  /** Private IPv4 of each host, by cluster node name. */
  readonly privateIps: Readonly<Record<string, pulumi.Output<string>>>;
  readonly instanceIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** The hosts' security group (recording nodes admit it). */
  readonly securityGroupId: pulumi.Output<string>;
  /** DNS name of the network load balancer, with fronting `nlb`. */
  readonly nlbDnsName?: pulumi.Output<string>;
  /** Where clients connect: the NLB's DNS name or the VIP. */
  readonly endpoint: pulumi.Output<string>;
  /** Operator runbook (markdown) with this pair's node names and addresses. */
  readonly runbook: pulumi.Output<string>;
  /** Public address of the provisioning bastion the stack created. */
  readonly bastionPublicIp?: pulumi.Output<string>;
  /** The recording hostname's record (private zone), when the pair serves recording. */
  readonly recordingRecord?: { readonly zoneId: pulumi.Output<string>; readonly fqdn: pulumi.Output<string> };

  constructor(name: string, args: HttpdHaPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super(HTTPD_PAIR_COMPONENT_TYPE, name, {}, opts);
    const env = args.environment;
    const pair = env.httpdHaPair;
    if (!pair) throw new Error("HttpdHaPair needs an environment with an httpdHaPair section");
    const placement = awsPlacementProblems(env);
    if (placement.errors.length > 0) {
      throw new pulumi.RunError(
        `The httpd HA pair cannot run on AWS as configured:\n${placement.errors.map((p) => `  - ${formatProblem(p)}`).join("\n")}`,
      );
    }
    for (const warning of placement.warnings) pulumi.log.warn(formatProblem(warning), this);

    const secrets = args.secrets;
    const clientTls = pairTlsSecrets(env, {
      certificate: secrets.httpdTlsCertificate,
      privateKey: secrets.httpdTlsPrivateKey,
    });

    const parent = { parent: this };
    const agent = pair.virtualIp.agent;
    const subnetId = args.network.privateSubnetIds[pair.availabilityZone];
    if (subnetId === undefined) throw new Error(`the network has no private subnet in ${pair.availabilityZone}`);
    this.virtualIp = pair.virtualIp.address;

    const hostsSg = new aws.ec2.SecurityGroup(
      `${name}-hosts`,
      { vpcId: args.network.vpcId, description: "httpd HA pair hosts" },
      parent,
    );
    this.securityGroupId = hostsSg.id;
    const fenced = pair.fencing === "fence_aws";
    const role =
      agentUsesAwsApi(agent) || fenced
        ? new aws.iam.Role(
            `${name}-hosts`,
            {
              assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
              }),
            },
            parent,
          )
        : undefined;
    const profile = role ? new aws.iam.InstanceProfile(`${name}-hosts`, { role: role.name }, parent) : undefined;
    const keyPair =
      pair.sshPublicKey !== undefined
        ? new aws.ec2.KeyPair(`${name}-provisioning`, { publicKey: pair.sshPublicKey }, parent)
        : undefined;
    const ami =
      pair.amiId ??
      aws.ec2.getAmiOutput(
        {
          owners: [RED_HAT_OWNER],
          mostRecent: true,
          includeDeprecated: pair.os === "rhel6",
          filters: [
            { name: "name", values: [IMAGE_NAME[pair.os]] },
            { name: "architecture", values: ["x86_64"] },
          ],
        },
        parent,
      ).id;

    const instances = pair.nodes.map(
      (node) =>
        new aws.ec2.Instance(
          `${name}-${node.key}`,
          {
            ami,
            instanceType: pair.instanceType,
            subnetId,
            privateIp: node.privateIp,
            associatePublicIpAddress: false,
            vpcSecurityGroupIds: [hostsSg.id],
            iamInstanceProfile: profile?.name,
            keyName: keyPair?.keyName,
            // The overlay IP is neither host's own address; EC2 drops its packets unless the check is off.
            sourceDestCheck: agent !== "aws-vpc-move-ip",
            metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { encrypted: true, volumeType: "gp3", deleteOnTermination: true },
            disableApiTermination: env.hardening.deletionProtection,
            // Termination protection also stops `pulumi up` from replacing a host; allowHostReplacement lifts it for the engine only.
            forceDestroy: pair.allowHostReplacement,
            // PAIR_TAG scopes the fencing permission: a host may stop and start only the instances of its own pair.
            tags: { Name: `${name}-${node.key}`, "genesys:cluster-node": node.key, [PAIR_TAG]: name },
          },
          // A newer image must not replace both hosts at once; pin amiId to roll them deliberately.
          { parent: this, ignoreChanges: pair.amiId === undefined ? ["ami"] : [] },
        ),
    );
    this.privateIps = Object.fromEntries(pair.nodes.map((node, i) => [node.key, instances[i].privateIp]));
    this.instanceIds = Object.fromEntries(pair.nodes.map((node, i) => [node.key, instances[i].id]));
    const hosts = pair.nodes.map((node, i) => ({ key: node.key, instance: instances[i] }));

    const bastion = createsBastion(pair)
      ? new ProvisioningBastion(
          `${name}-bastion`,
          {
            vpcId: args.network.vpcId,
            subnetId: publicSubnetFor(args.network, pair.availabilityZone),
            adminCidr: pair.adminCidr,
            pairSecurityGroupId: hostsSg.id,
            keyName: keyPair?.keyName,
            instanceType: pair.provisioning.bastionInstanceType,
          },
          parent,
        )
      : undefined;
    this.bastionPublicIp = bastion?.publicIp;
    const sshPrivateKey = requiredSecret(
      secrets,
      "httpdHaPairSshPrivateKey",
      "provisioning the httpd HA pair over SSH",
    );
    const existing = pair.provisioning.via === "bastion" ? pair.provisioning.existingBastion : undefined;
    const proxy = bastion
      ? { host: bastion.publicIp, user: BASTION_USER, privateKey: sshPrivateKey }
      : existing && {
          host: existing.host,
          user: existing.user,
          port: existing.port,
          privateKey: secrets.httpdHaPairBastionSshPrivateKey ?? sshPrivateKey,
        };

    const front =
      pair.fronting === "nlb"
        ? new NetworkLoadBalancerFront(
            `${name}-nlb`,
            {
              environment: env,
              network: args.network,
              pairSecurityGroupId: hostsSg.id,
              hosts,
              clientTls: clientTls !== undefined,
            },
            parent,
          )
        : undefined;
    const sourceOf = (source: TrafficSource) => {
      switch (source.kind) {
        case "pair":
          return { referencedSecurityGroupId: hostsSg.id };
        case "nlb":
          return { referencedSecurityGroupId: (front as NetworkLoadBalancerFront).securityGroupId };
        case "vpc":
          return { cidrIpv4: args.network.vpcCidr };
        case "cidr":
          return { cidrIpv4: source.cidr };
        case "bastion":
          return { referencedSecurityGroupId: (bastion as ProvisioningBastion).securityGroupId };
      }
    };
    const sshRules: pulumi.Resource[] = [];
    for (const rule of pairIngressRules(pair, clientTls !== undefined)) {
      const created = new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule.key}`,
        {
          securityGroupId: hostsSg.id,
          description: rule.description,
          ipProtocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          ...sourceOf(rule.source),
        },
        parent,
      );
      if (rule.fromPort === 22) sshRules.push(created);
    }
    // Package repositories, the EC2 API (VIP agents) and the recording nodes.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress`,
      { securityGroupId: hostsSg.id, description: "everything out", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" },
      parent,
    );
    if (args.backendSecurityGroupId !== undefined) {
      for (const port of recordingMemberPorts(env)) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-to-recording-${port}`,
          {
            securityGroupId: args.backendSecurityGroupId,
            description: "recording members from the httpd HA pair",
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            referencedSecurityGroupId: hostsSg.id,
          },
          parent,
        );
      }
    }

    const vipResources: pulumi.Resource[] = [];
    const routeTableIds =
      agent === "aws-vpc-move-ip"
        ? Object.values(args.network.privateRouteTableIds).map((id) => pulumi.output(id))
        : [];
    if (agent === "awsvip") {
      // Keeps EC2 from handing the VIP to any other interface in the subnet; an explicit reservation still allows manual assignment.
      vipResources.push(
        new aws.ec2.SubnetCidrReservation(
          `${name}-vip`,
          {
            subnetId,
            cidrBlock: `${pair.virtualIp.address}/32`,
            reservationType: "explicit",
            description: "httpd HA pair virtual IP (awsvip)",
          },
          parent,
        ),
      );
    }
    if (agent === "aws-vpc-move-ip") {
      for (const [az, routeTableId] of Object.entries(args.network.privateRouteTableIds)) {
        vipResources.push(
          new aws.ec2.Route(
            `${name}-vip-${az}`,
            {
              routeTableId,
              destinationCidrBlock: `${pair.virtualIp.address}/32`,
              networkInterfaceId: instances[0].primaryNetworkInterfaceId,
            },
            // The agent re-points the route at whichever host is active; the deployment only creates it.
            { parent: this, ignoreChanges: ["networkInterfaceId"] },
          ),
        );
      }
    }
    if (role) {
      const partition = aws.getPartitionOutput({}, parent).partition;
      const account = aws.getCallerIdentityOutput({}, parent).accountId;
      const arn = (kind: string, id: pulumi.Input<string>) =>
        pulumi.interpolate`arn:${partition}:ec2:${env.region}:${account}:${kind}/${id}`;
      const policy = pulumi
        .all([
          pulumi.all(instances.map((i) => arn("network-interface", i.primaryNetworkInterfaceId))),
          pulumi.all(routeTableIds.map((id) => arn("route-table", id))),
        ])
        .apply(([networkInterfaceArns, routeTableArns]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: vipAgentStatements(agent, { networkInterfaceArns, routeTableArns }),
          }),
        );
      if (agentUsesAwsApi(agent))
        vipResources.push(new aws.iam.RolePolicy(`${name}-vip-agent`, { role: role.id, policy }, parent));
      if (fenced) {
        const instancePattern = pulumi.interpolate`arn:${partition}:ec2:${env.region}:${account}:instance/*`;
        const fencePolicy = instancePattern.apply((pattern) =>
          JSON.stringify({ Version: "2012-10-17", Statement: fencingStatements(pair.fencing, pattern, name) }),
        );
        vipResources.push(new aws.iam.RolePolicy(`${name}-fencing`, { role: role.id, policy: fencePolicy }, parent));
      }
    }

    const provisioning = new PairProvisioning(
      `${name}-provisioning`,
      {
        environment: env,
        hosts,
        backendAddresses: args.backendAddresses,
        routeTableIds: pulumi.all(routeTableIds),
        sshPrivateKey,
        proxy,
        reachableAfter: [...(bastion?.ready ?? []), ...sshRules],
        vipResources,
        clientTls,
        corosyncAuthkey: secrets.httpdHaPairCorosyncAuthkey,
      },
      parent,
    );

    this.nlbDnsName = front?.dnsName;
    this.endpoint = front ? front.dnsName : pulumi.output(pair.virtualIp.address);
    if (env.recording?.balancer === "httpdHaPair") {
      this.recordingRecord = createPairRecord(
        `${name}-recording`,
        {
          hostname: env.recording.hostname,
          vpcId: args.network.vpcId,
          privateHostedZoneId: pair.privateHostedZoneId,
          ...(front
            ? { nlb: { dnsName: front.dnsName, zoneId: front.zoneId } }
            : { virtualIp: pair.virtualIp.address }),
        },
        parent,
      );
      createNodeRecords(`${name}-node`, this.recordingRecord.zoneId, httpsMembers(env), args.backendAddresses, parent);
    }
    this.runbook = pulumi
      .all([pulumi.all(this.privateIps), pulumi.all(routeTableIds), pulumi.all(this.instanceIds)])
      .apply(
        ([addresses, ids, instanceIds]) =>
          `${renderClusterRunbook(pair, { addresses, routeTableIds: agent === "aws-vpc-move-ip" ? ids : undefined, instanceIds, region: env.region })}\n${hostReplacementRunbook(pair, env.hardening.deletionProtection, { project: pulumi.getProject(), stack: pulumi.getStack(), pairName: name })}`,
      );
    this.registerOutputs({
      virtualIp: this.virtualIp,
      privateIps: this.privateIps,
      securityGroupId: this.securityGroupId,
      endpoint: this.endpoint,
      runbook: this.runbook,
      bastionPublicIp: this.bastionPublicIp,
      recordingFqdn: this.recordingRecord?.fqdn,
      provisioned: provisioning.clusterReady,
    });
  }
}

/**
 * The public subnet of the pair's zone. The loader refuses a bastion without one
 * (genesys:httpdHaPair.provisioning.via), so a missing one here is a fault of the program.
 */
function publicSubnetFor(network: PairNetwork, availabilityZone: string): pulumi.Input<string> {
  const subnet = network.publicSubnetIds[availabilityZone];
  if (subnet === undefined) throw new Error(`the network has no public subnet in ${availabilityZone}`);
  return subnet;
}
