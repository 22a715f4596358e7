/**
 * What each VIP resource agent calls in the EC2 API, and so what the hosts'
 * role may do. Read from the agents (resource-agents 4.x, heartbeat/awsvip and
 * heartbeat/aws-vpc-move-ip):
 * - awsvip: start `assign-private-ip-addresses --allow-reassignment`, stop
 *   `unassign-private-ip-addresses`, monitor `describe-instances`.
 * - aws-vpc-move-ip: start `replace-route` on every listed route table,
 *   monitor `describe-route-tables`. It never creates the route (this
 *   deployment does) and never changes the source/dest check (the instances
 *   are launched with it off), so CreateRoute and ModifyInstanceAttribute are
 *   not granted.
 * - IPaddr2 works on the host alone and needs no AWS permission.
 *
 * And what fencing calls (fence-agents 4.x, fence_aws): `DescribeInstances`
 * (status, its own state before fencing, the device's monitor),
 * `StopInstances` (off) and `StartInstances` (on). Stop and start are allowed
 * only on instances tagged as this pair's hosts, so a host can fence its peer
 * and nothing else in the account.
 */
import type { HttpdHaPair } from "../../core/model/environment";

export type VipAgent = HttpdHaPair["virtualIp"]["agent"];

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface VipResources {
  /** ARNs of the two hosts' primary network interfaces (awsvip). */
  readonly networkInterfaceArns: readonly string[];
  /** ARNs of the route tables that carry the overlay address (aws-vpc-move-ip). */
  readonly routeTableArns: readonly string[];
}

/** Statements for the agent; empty when it needs no AWS permission. Describe calls cannot be scoped to resources. */
export function vipAgentStatements(agent: VipAgent, resources: VipResources): PolicyStatement[] {
  switch (agent) {
    case "awsvip":
      return [
        {
          Sid: "MoveSecondaryPrivateIp",
          Effect: "Allow",
          Action: ["ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
          Resource: resources.networkInterfaceArns,
        },
        { Sid: "SeeWhoHoldsIt", Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" },
      ];
    case "aws-vpc-move-ip":
      return [
        { Sid: "RouteOverlayIp", Effect: "Allow", Action: ["ec2:ReplaceRoute"], Resource: resources.routeTableArns },
        { Sid: "SeeWhereItRoutes", Effect: "Allow", Action: ["ec2:DescribeRouteTables"], Resource: "*" },
      ];
    case "IPaddr2":
      return [];
  }
}

/** The tag every host of one pair carries, with the pair's name as value; the fencing statement is scoped by it. */
export const PAIR_TAG = "genesys:ha-pair";

export type FenceAgent = HttpdHaPair["fencing"];

/** Statements for the fencing agent; `instanceArnPattern` is `arn:<partition>:ec2:<region>:<account>:instance/*`. */
export function fencingStatements(
  fencing: FenceAgent,
  instanceArnPattern: string,
  pairName: string,
): PolicyStatement[] {
  switch (fencing) {
    case "fence_aws":
      return [
        {
          Sid: "FenceOwnPair",
          Effect: "Allow",
          Action: ["ec2:StopInstances", "ec2:StartInstances"],
          Resource: instanceArnPattern,
          Condition: { StringEquals: { [`aws:ResourceTag/${PAIR_TAG}`]: pairName } },
        },
        { Sid: "SeeInstanceStates", Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" },
      ];
    case "none":
      return [];
  }
}

/** The agents that call the AWS API from the hosts (and so need the AWS CLI and a role). */
export function agentUsesAwsApi(agent: VipAgent): boolean {
  return agent !== "IPaddr2";
}
