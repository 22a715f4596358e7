/**
 * A stack in an existing VPC. Zones there often share one private route table
 * (one NAT gateway): EC2 refuses a second route to the same destination in a
 * table (RouteAlreadyExists), so the stack adds each route once per table.
 */
import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { AwsInputRuleError } from "../../tools/aws-rules";
import { ProgramFailure, runUnderMocks } from "../../tools/mock-run";
import { ofType, runStack, type ConfigEdit } from "../support/program";

const ROUTE = "aws:ec2/route:Route";
const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

/** Prod moved into an existing VPC whose private subnets use `tables` (per zone). */
function inExistingVpc(tables: Record<string, string> | undefined, edit?: ConfigEdit): ConfigEdit {
  return (v) => {
    const network = v.network as Record<string, unknown>;
    delete network.vpcCidr;
    network.existingVpc = {
      vpcId: "vpc-0a1b2c3d4e5f60718",
      publicSubnetIds: Object.fromEntries(ZONES.map((az, i) => [az, `subnet-0a1b2c3d4e5f6070${i}`])),
      privateSubnetIds: Object.fromEntries(ZONES.map((az, i) => [az, `subnet-0a1b2c3d4e5f6071${i}`])),
      ...(tables ? { privateRouteTableIds: tables } : {}),
    };
    edit?.(v);
  };
}

const SHARED = Object.fromEntries(ZONES.map((az) => [az, "rtb-0a1b2c3d4e5f60700"]));

describe("routes into an existing VPC's private route tables", () => {
  it("adds the Framework's routes once per table when every zone shares one table", async () => {
    const run = await runStack("prod", inExistingVpc(SHARED));
    const intoShared = ofType(run, ROUTE).filter((r) => r.inputs.routeTableId === "rtb-0a1b2c3d4e5f60700");
    expect(intoShared.length).toBeGreaterThan(0);
    const destinations = intoShared.map((r) => r.inputs.destinationCidrBlock);
    expect(new Set(destinations).size).toBe(destinations.length);
  });

  it("adds them once per zone when each zone has its own table", async () => {
    const own = Object.fromEntries(ZONES.map((az, i) => [az, `rtb-0a1b2c3d4e5f6070${i}`]));
    const run = await runStack("prod", inExistingVpc(own));
    const tables = new Set(ofType(run, ROUTE).map((r) => r.inputs.routeTableId));
    for (const id of Object.values(own)) expect(tables).toContain(id);
  });

  it("adds the overlay VIP route once to a shared table (aws-vpc-move-ip)", async () => {
    const run = await runStack(
      "prod",
      inExistingVpc(SHARED, (v) => {
        const pair = v.httpdHaPair as { virtualIp: Record<string, unknown> };
        pair.virtualIp = { agent: "aws-vpc-move-ip", address: "192.168.240.10" };
      }),
    );
    const vip = ofType(run, ROUTE).filter((r) => r.inputs.destinationCidrBlock === "192.168.240.10/32");
    expect(vip.map((r) => r.inputs.routeTableId)).toEqual(["rtb-0a1b2c3d4e5f60700"]);
  });

  it("refuses the stack before any resource when the route tables are not given, naming the key", async () => {
    const failure = await runStack("prod", inExistingVpc(undefined)).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain("genesys:network.existingVpc.privateRouteTableIds");
    expect(failure?.message).toContain("has no route table for availability zone eu-west-1a");
    expect(failure?.message).not.toMatch(/\n\s+at /);
  });
});

describe("the strict mocks", () => {
  it("refuse a second route to the same destination in one table, as EC2 does", async () => {
    const failure = await runUnderMocks({ stack: "dev", config: {} }, () => {
      for (const name of ["first", "second"])
        new aws.ec2.Route(name, {
          routeTableId: "rtb-0a1b2c3d4e5f60700",
          destinationCidrBlock: "10.90.0.0/16",
          vpcPeeringConnectionId: "pcx-0a1b2c3d",
        });
      return {};
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    const cause = (failure as ProgramFailure).cause as AwsInputRuleError;
    expect(cause).toBeInstanceOf(AwsInputRuleError);
    expect(cause.message).toContain('aws:ec2/route:Route "second"');
    expect(cause.message).toContain("destinationCidrBlock");
    expect(cause.message).toContain("RouteAlreadyExists");
  });
});
