import { describe, expect, it } from "vitest";
import { ofType, runStack } from "../../support/program";

describe("Network", () => {
  it("builds public and private subnets per zone, NAT per zone in production", async () => {
    const run = await runStack("prod", (v) => {
      for (const key of ["webEngagement81", "webEngagement85", "cobrowse", "recording", "httpdHaPair", "framework"])
        delete v[key];
    });
    const subnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.parent === "genesys:network:Network::genesys");
    expect(subnets.map((s) => [s.inputs.availabilityZone, s.inputs.cidrBlock]).sort()).toEqual(
      [
        ["eu-west-1a", "10.50.0.0/20"],
        ["eu-west-1a", "10.50.128.0/20"],
        ["eu-west-1b", "10.50.16.0/20"],
        ["eu-west-1b", "10.50.144.0/20"],
        ["eu-west-1c", "10.50.32.0/20"],
        ["eu-west-1c", "10.50.160.0/20"],
      ].sort(),
    );
    expect(subnets.every((s) => s.inputs.mapPublicIpOnLaunch !== true)).toBe(true);
    expect(ofType(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
  });

  it("shares one NAT gateway in development", async () => {
    const run = await runStack("dev", (v) => {
      for (const key of ["webEngagement81", "webEngagement85", "cobrowse", "recording"]) delete v[key];
    });
    expect(ofType(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
  });

  it("keeps routes out of the route tables so agents can add their own (aws-vpc-move-ip)", async () => {
    const run = await runStack("dev", (v) => {
      for (const key of ["webEngagement81", "webEngagement85", "cobrowse", "recording"]) delete v[key];
    });
    for (const table of ofType(run, "aws:ec2/routeTable:RouteTable")) expect(table.inputs.routes).toBeUndefined();
    const defaults = ofType(run, "aws:ec2/route:Route").filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0");
    expect(defaults.filter((r) => r.inputs.gatewayId)).toHaveLength(1);
    expect(defaults.filter((r) => r.inputs.natGatewayId)).toHaveLength(2);
  });
});
