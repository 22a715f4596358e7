/**
 * Type tokens of the resources the policies read. The ELB resources exist under
 * two modules (`lb` and its older alias `alb`); both tokens name one kind.
 */
export const LOAD_BALANCER = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"] as const;
export const TARGET_GROUP = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"] as const;
export const TARGET_GROUP_ATTACHMENT = [
  "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  "aws:alb/targetGroupAttachment:TargetGroupAttachment",
] as const;
export const LISTENER = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"] as const;
export const LISTENER_RULE = ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"] as const;
export const INSTANCE = ["aws:ec2/instance:Instance"] as const;
export const NETWORK_INTERFACE = ["aws:ec2/networkInterface:NetworkInterface"] as const;
export const SUBNET = ["aws:ec2/subnet:Subnet"] as const;
export const SECURITY_GROUP = ["aws:ec2/securityGroup:SecurityGroup"] as const;
export const INGRESS_RULE = ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"] as const;
export const SECURITY_GROUP_RULE = ["aws:ec2/securityGroupRule:SecurityGroupRule"] as const;
export const DNS_RECORD = ["aws:route53/record:Record"] as const;
export const AWS_PROVIDER = "pulumi:providers:aws";

export function isOneOf(type: string, tokens: readonly string[]): boolean {
  return tokens.includes(type);
}
