/**
 * The one list of AWS resource type tokens: what the program registers and
 * the policies, synth, the mocks and the tests read. It lives with the policy
 * pack because the pack must stay self-contained (no imports), and everything
 * else may import from here.
 */
export const AWS_TYPE = {
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  targetGroupAttachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  instance: "aws:ec2/instance:Instance",
  networkInterface: "aws:ec2/networkInterface:NetworkInterface",
  subnet: "aws:ec2/subnet:Subnet",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  dnsRecord: "aws:route53/record:Record",
  dnsZone: "aws:route53/zone:Zone",
  eip: "aws:ec2/eip:Eip",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  keyPair: "aws:ec2/keyPair:KeyPair",
  natGateway: "aws:ec2/natGateway:NatGateway",
  route: "aws:ec2/route:Route",
  routeTable: "aws:ec2/routeTable:RouteTable",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  vpc: "aws:ec2/vpc:Vpc",
  vpcPeeringConnection: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  vpcPeeringConnectionAccepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  transitGatewayPeeringAttachment: "aws:ec2transitgateway/peeringAttachment:PeeringAttachment",
  transitGatewayPeeringAttachmentAccepter: "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter",
  transitGatewayRoute: "aws:ec2transitgateway/route:Route",
  transitGatewayRouteTable: "aws:ec2transitgateway/routeTable:RouteTable",
  transitGatewayRouteTableAssociation: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  transitGatewayRouteTablePropagation: "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  transitGateway: "aws:ec2transitgateway/transitGateway:TransitGateway",
  transitGatewayVpcAttachment: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  iamPolicy: "aws:iam/policy:Policy",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rdsInstance: "aws:rds/instance:Instance",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
} as const;

/** The `alb` module's name for an `lb` token: @pulumi/aws registers the same ELB resources under both modules. */
const albAlias = <T extends string>(token: T) => token.replace(/^aws:lb\//, "aws:alb/");

/*
 * Token sets the policies match: the ELB resources exist under two modules
 * (`lb` and its older alias `alb`); both tokens name one kind.
 */
export const LOAD_BALANCER = [AWS_TYPE.loadBalancer, albAlias(AWS_TYPE.loadBalancer)] as const;
export const TARGET_GROUP = [AWS_TYPE.targetGroup, albAlias(AWS_TYPE.targetGroup)] as const;
export const TARGET_GROUP_ATTACHMENT = [
  AWS_TYPE.targetGroupAttachment,
  albAlias(AWS_TYPE.targetGroupAttachment),
] as const;
export const LISTENER = [AWS_TYPE.listener, albAlias(AWS_TYPE.listener)] as const;
export const LISTENER_RULE = [AWS_TYPE.listenerRule, albAlias(AWS_TYPE.listenerRule)] as const;
export const INSTANCE = [AWS_TYPE.instance] as const;
export const NETWORK_INTERFACE = [AWS_TYPE.networkInterface] as const;
export const SUBNET = [AWS_TYPE.subnet] as const;
export const SECURITY_GROUP = [AWS_TYPE.securityGroup] as const;
export const INGRESS_RULE = [AWS_TYPE.ingressRule] as const;
export const SECURITY_GROUP_RULE = [AWS_TYPE.securityGroupRule] as const;
export const DNS_RECORD = [AWS_TYPE.dnsRecord] as const;
export const AWS_PROVIDER = "pulumi:providers:aws";

export function isOneOf(type: string, tokens: readonly string[]): boolean {
  return tokens.includes(type);
}
