/**
 * The SSH bastion provisioning jumps through: the pair's hosts have private
 * addresses only, and `pulumi up` usually runs outside the VPC (a workstation,
 * a GitHub-hosted runner). A small instance in a public subnet admits SSH from
 * the administration CIDR only and may open SSH onwards to the pair only; it
 * serves nothing else, so it holds no role and allows no other egress.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Amazon's account, owner of the Amazon Linux images. */
const AMAZON_OWNER = "amazon";
const BASTION_IMAGE = "al2023-ami-2023.*-x86_64";
/** The login of Amazon Linux images. */
export const BASTION_USER = "ec2-user";

/**
 * sshd hardening on top of Amazon Linux's defaults (keys only, no root): the
 * bastion only forwards connections (`direct-tcpip`), so no agent, X11,
 * tunnel devices, remote forwarding or gateway ports.
 */
export const BASTION_SSHD_CONFIG = [
  "PermitRootLogin no",
  "PasswordAuthentication no",
  "KbdInteractiveAuthentication no",
  "AllowAgentForwarding no",
  "AllowTcpForwarding local",
  "X11Forwarding no",
  "PermitTunnel no",
  "GatewayPorts no",
  "MaxAuthTries 3",
  "LoginGraceTime 30",
];

export function bastionUserData(): string {
  return [
    "#!/bin/sh",
    "set -eu",
    "cat > /etc/ssh/sshd_config.d/10-genesys-bastion.conf <<'EOF'",
    ...BASTION_SSHD_CONFIG,
    "EOF",
    "sshd -t",
    "systemctl restart sshd",
    "",
  ].join("\n");
}

export interface ProvisioningBastionArgs {
  readonly vpcId: pulumi.Input<string>;
  /** A public subnet (routed to an internet gateway). */
  readonly subnetId: pulumi.Input<string>;
  /** Where `pulumi up` connects from. */
  readonly adminCidr: string;
  /** The pair's security group: the only place the bastion may open connections to (SSH). */
  readonly pairSecurityGroupId: pulumi.Input<string>;
  /** EC2 key pair whose private half provisioning logs in with. */
  readonly keyName?: pulumi.Input<string>;
  /** @default t3.micro */
  readonly instanceType: string;
}

export class ProvisioningBastion extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  /** The address `pulumi up` dials (the instance's public IPv4). */
  readonly publicIp: pulumi.Output<string>;
  readonly user = BASTION_USER;
  /** What must exist before a connection through the bastion can succeed. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ProvisioningBastionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:httpd:ProvisioningBastion", name, {}, opts);
    const parent = { parent: this };
    const sg = new aws.ec2.SecurityGroup(
      name,
      { vpcId: args.vpcId, description: "SSH bastion for httpd HA pair provisioning" },
      parent,
    );
    this.securityGroupId = sg.id;
    const ingress = new aws.vpc.SecurityGroupIngressRule(
      `${name}-ssh`,
      {
        securityGroupId: sg.id,
        description: "SSH from the administration network (provisioning)",
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: args.adminCidr,
      },
      parent,
    );
    const egress = new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-pair`,
      {
        securityGroupId: sg.id,
        description: "SSH onwards to the httpd HA pair hosts",
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        referencedSecurityGroupId: args.pairSecurityGroupId,
      },
      parent,
    );
    const ami = aws.ec2.getAmiOutput(
      {
        owners: [AMAZON_OWNER],
        mostRecent: true,
        filters: [
          { name: "name", values: [BASTION_IMAGE] },
          { name: "architecture", values: ["x86_64"] },
        ],
      },
      parent,
    ).id;
    const instance = new aws.ec2.Instance(
      name,
      {
        ami,
        instanceType: args.instanceType,
        subnetId: args.subnetId,
        associatePublicIpAddress: true,
        vpcSecurityGroupIds: [sg.id],
        keyName: args.keyName,
        userData: bastionUserData(),
        userDataReplaceOnChange: true,
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", deleteOnTermination: true },
        tags: { Name: name },
      },
      // Holds no state: a newer image is picked up when the bastion is replaced for another reason.
      { parent: this, ignoreChanges: ["ami"] },
    );
    this.publicIp = instance.publicIp;
    this.ready = [instance, ingress, egress];
    this.registerOutputs({ publicIp: this.publicIp, securityGroupId: this.securityGroupId });
  }
}
