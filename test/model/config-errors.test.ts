/**
 * Malformed stack configs: each is rejected with a message naming the exact
 * key path and the value, and the program registers no resource (only the
 * root stack exists) because validation runs before anything is created.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../core/model/load";
import { formatProblem } from "../../core/model/problems";
import { deployEnvironment } from "../../components/genesys-environment";
import { readStack } from "../../components/stack-config";
import { ProgramFailure, runUnderMocks } from "../../tools/mock-run";
import { OFFLINE_SECRETS } from "../../tools/offline-secrets";
import { rawConfig, runStack, stackValues, TEST_SECRETS } from "../support/program";

/** The corosync key the production pair's knet transport needs. */
const KNET_KEY = {
  "genesys:httpdHaPairCorosyncAuthkey": OFFLINE_SECRETS["genesys:httpdHaPairCorosyncAuthkey"],
};

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Case {
  readonly name: string;
  readonly stack: "dev" | "prod";
  readonly edit: (v: Values) => void;
  /** Expected start of one formatted problem: `genesys:<path>: <value>`. */
  readonly expect: string;
  /** Words the same problem must contain (what is allowed). */
  readonly mentions?: string;
}

const CASES: Case[] = [
  {
    name: "unknown environment kind",
    stack: "prod",
    edit: (v) => (v.environment = "staging"),
    expect: 'genesys:environment: "staging"',
    mentions: '"development", "production"',
  },
  {
    name: "missing environment",
    stack: "dev",
    edit: (v) => delete v.environment,
    expect: "genesys:environment is required",
    mentions: 'set it to one of "development", "production"',
  },
  {
    name: "malformed region",
    stack: "dev",
    edit: (v) => (v.region = "Ireland"),
    expect: 'genesys:region: "Ireland"',
    mentions: "eu-west-1",
  },
  {
    name: "unknown top-level key",
    stack: "dev",
    edit: (v) => (v.recordings = {}),
    expect: "genesys:recordings: {} is not a known key",
    mentions: "recording",
  },
  {
    name: "CIDR with host bits",
    stack: "dev",
    edit: (v) => (v.network.vpcCidr = "10.40.0.1/16"),
    expect: 'genesys:network.vpcCidr: "10.40.0.1/16"',
    mentions: "no host bits",
  },
  {
    name: "CIDR too large",
    stack: "dev",
    edit: (v) => (v.network.vpcCidr = "10.0.0.0/8"),
    expect: 'genesys:network.vpcCidr: "10.0.0.0/8"',
    mentions: "/16 to /24",
  },
  {
    name: "not a CIDR",
    stack: "dev",
    edit: (v) => (v.network.vpcCidr = "ten.zero/16"),
    expect: 'genesys:network.vpcCidr: "ten.zero/16"',
  },
  {
    name: "both new and existing VPC",
    stack: "dev",
    edit: (v) =>
      (v.network.existingVpc = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: {}, privateSubnetIds: {} }),
    expect: 'genesys:network.vpcCidr: "10.40.0.0/16" set exactly one of vpcCidr',
  },
  {
    name: "zone of another region",
    stack: "dev",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a", "us-east-1b"]),
    expect: 'genesys:network.availabilityZones[1]: "us-east-1b" is not in region',
  },
  {
    name: "duplicate zone",
    stack: "dev",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a", "eu-west-1a"]),
    expect: 'genesys:network.availabilityZones[1]: "eu-west-1a" is listed twice',
  },
  {
    name: "zone of wrong type",
    stack: "dev",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a", 7]),
    expect: "genesys:network.availabilityZones[1]: 7 has the wrong type",
    mentions: "string",
  },
  {
    name: "production in one zone",
    stack: "prod",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a"]),
    expect: 'genesys:network.availabilityZones: ["eu-west-1a"] must list at least 2',
  },
  {
    name: "missing network section",
    stack: "dev",
    edit: (v) => delete v.network,
    expect: "genesys:network is required",
    mentions: "set network.availabilityZones",
  },
  {
    name: "domain with uppercase",
    stack: "dev",
    edit: (v) => (v.site.domain = "Example.COM"),
    expect: 'genesys:site.domain: "Example.COM"',
    mentions: "lowercase DNS name",
  },
  {
    name: "balancer host outside the site domain",
    stack: "prod",
    edit: (v) => (v.webEngagement85.hostname = "gwe.example.net"),
    expect: 'genesys:webEngagement85.hostname: "gwe.example.net" is not under the website\'s domain "example.com"',
    mentions: "Safari",
  },
  {
    name: "recording host outside the site domain",
    stack: "dev",
    edit: (v) => (v.recording.hostname = "recording.other.org"),
    expect: 'genesys:recording.hostname: "recording.other.org" is not under',
  },
  {
    name: "malformed certificate ARN",
    stack: "prod",
    edit: (v) => (v.tls.certificateArn = "arn:aws:iam::1:cert"),
    expect: 'genesys:tls.certificateArn: "arn:aws:iam::1:cert"',
    mentions: "ACM certificate ARN",
  },
  {
    name: "weak TLS policy",
    stack: "prod",
    edit: (v) => (v.tls.sslPolicy = "ELBSecurityPolicy-2016-08"),
    expect: 'genesys:tls.sslPolicy: "ELBSecurityPolicy-2016-08" is not allowed',
    mentions: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  },
  {
    name: "production without TLS",
    stack: "prod",
    edit: (v) => delete v.tls,
    expect: "genesys:tls is required in production",
  },
  {
    name: "production WE 8.1 wired directly",
    stack: "prod",
    edit: (v) => (v.webEngagement81.balancer = "none"),
    expect: 'genesys:webEngagement81.balancer: "none" is not allowed in production',
    mentions: "development only",
  },
  {
    name: "production WE 8.5 without balancer",
    stack: "prod",
    edit: (v) => (v.webEngagement85.balancer = "none"),
    expect: 'genesys:webEngagement85.balancer: "none" is not allowed in production',
  },
  {
    name: "production Co-browse without balancer",
    stack: "prod",
    edit: (v) => (v.cobrowse.balancer = "none"),
    expect: 'genesys:cobrowse.balancer: "none" is not allowed in production',
  },
  {
    name: "production recording without balancer",
    stack: "prod",
    edit: (v) => (v.recording.balancer = "none"),
    expect: 'genesys:recording.balancer: "none" is not allowed in production',
    mentions: "httpdHaPair",
  },
  {
    name: "recording on a pair that is not defined",
    stack: "prod",
    edit: (v) => delete v.httpdHaPair,
    expect: 'genesys:recording.balancer: "httpdHaPair" needs the httpdHaPair section',
  },
  {
    name: "unknown balancer kind",
    stack: "dev",
    edit: (v) => (v.cobrowse.balancer = "haproxy"),
    expect: 'genesys:cobrowse.balancer: "haproxy" is not allowed',
    mentions: '"alb", "none"',
  },
  {
    name: "duplicate application name across tenants",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t2.rcs.nodes.t2rcs1.appName = "RCS 1"),
    expect: 'genesys:recording.tenants.t2.rcs.nodes.t2rcs1.appName: "RCS 1" is used twice',
    mentions: "application names must be unique",
  },
  {
    name: "routes colliding after space replacement",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rcs.nodes.t1rcs2.appName = "RCS_1"),
    expect: 'genesys:recording.tenants.t1.rcs.nodes.t1rcs2.appName: "RCS_1" gives route "RCS_1"',
  },
  {
    name: "application name with a dot",
    stack: "prod",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.appName = "GWE.Node.1"),
    expect: 'genesys:webEngagement85.nodes.GWE_Node_1.appName: "GWE.Node.1"',
    mentions: "no dots",
  },
  {
    name: "application name with a newline (directive injection)",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rcs.nodes.t1rcs1.appName = "RCS 1\nProxyPass / http://evil/"),
    expect: "genesys:recording.tenants.t1.rcs.nodes.t1rcs1.appName:",
  },
  {
    name: "tenant key with uppercase and space",
    stack: "prod",
    edit: (v) => (v.recording.tenants["Tenant 3"] = v.recording.tenants.t2),
    expect: 'genesys:recording.tenants.Tenant 3: "Tenant 3" is not an allowed name',
  },
  {
    name: "node key with a quote",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes['GWE"1'] = { port: 9081 }),
    expect: 'genesys:webEngagement85.nodes.GWE"1: "GWE\\"1" is not an allowed name',
  },
  {
    name: "port out of range",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.port = 70000),
    expect: "genesys:webEngagement85.nodes.GWE_Node_1.port: 70000 must be a port from 1 to 65535",
  },
  {
    name: "port as a string",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.port = "9081"),
    expect: 'genesys:webEngagement85.nodes.GWE_Node_1.port: "9081" has the wrong type',
    mentions: "number",
  },
  {
    name: "empty node map",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes = {}),
    expect: "genesys:webEngagement85.nodes: {} must define at least one node",
  },
  {
    name: "production WE 8.5 with one node",
    stack: "prod",
    edit: (v) => (v.webEngagement85.nodes = { GWE_Node_1: { port: 9081 } }),
    expect: 'genesys:webEngagement85.nodes: ["GWE_Node_1"] must define at least 2 nodes in production',
  },
  {
    name: "typo in a node field",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.prot = 1),
    expect: "genesys:webEngagement85.nodes.GWE_Node_1.prot: 1 is not a known key",
    mentions: "appName, port, instanceType, availabilityZone",
  },
  {
    name: "node pinned to a zone outside the network",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.availabilityZone = "eu-west-1c"),
    expect:
      'genesys:webEngagement85.nodes.GWE_Node_1.availabilityZone: "eu-west-1c" is not one of network.availabilityZones',
  },
  {
    name: "RP with a hot standby",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rp.hotStandby = "t1rp2"),
    expect: 'genesys:recording.tenants.t1.rp.hotStandby: "t1rp2" is not allowed',
    mentions: "must not have a warm or hot standby",
  },
  {
    name: "WebDAV standby that is not a node",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.webdav.hotStandby = "t1webdav9"),
    expect: 'genesys:recording.tenants.t1.webdav.hotStandby: "t1webdav9" must name one of the WebDAV nodes',
  },
  {
    name: "WebDAV path with a slash",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.webdav.paths = ["recordings", "../etc"]),
    expect: 'genesys:recording.tenants.t1.webdav.paths[1]: "../etc"',
  },
  {
    name: "tenant without any service",
    stack: "dev",
    edit: (v) => (v.recording.tenants.t9 = { screenRecordingAgents: 3 }),
    expect: 'genesys:recording.tenants.t9: {"screenRecordingAgents":3} must define at least one service',
  },
  {
    name: "negative screen-recording agents",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.screenRecordingAgents = -1),
    expect: "genesys:recording.tenants.t1.screenRecordingAgents: -1 must be from 0 to 100000 agents",
  },
  {
    name: "duplicate Co-browse node id",
    stack: "prod",
    edit: (v) => (v.cobrowse.nodes.cb2.nodeId = "1"),
    expect: 'genesys:cobrowse.nodes.cb2.nodeId: "1" is already the id of node "cb1"',
  },
  {
    name: "Workspace Web Edition without URL stickiness",
    stack: "prod",
    edit: (v) => (v.cobrowse.urlStickiness = false),
    expect: "genesys:cobrowse.urlStickiness: false must be true when agentSide is workspaceWebEdition",
  },
  {
    name: "HA pair with three hosts",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.nodes.ip3 = {}),
    expect: 'genesys:httpdHaPair.nodes: ["ip1","ip2","ip3"] must define exactly 2 hosts',
  },
  {
    name: "awsvip address outside the VPC",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.virtualIp.address = "192.168.33.20"),
    expect: 'genesys:httpdHaPair.virtualIp.address: "192.168.33.20" must be inside the VPC',
  },
  {
    name: "overlay VIP inside the VPC",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.virtualIp.agent = "aws-vpc-move-ip"),
    expect: 'genesys:httpdHaPair.virtualIp.address: "10.50.140.250" must be outside the VPC',
  },
  {
    name: "multicast transport on RHEL 8",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.corosync.transport = "udp"),
    expect: 'genesys:httpdHaPair.corosync.transport: "udp" is not available on rhel8',
    mentions: "knet, udpu",
  },
  {
    name: "multicast on AWS",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.os = "rhel6"), (v.httpdHaPair.corosync.transport = "udp")),
    expect: 'genesys:httpdHaPair.corosync.transport: "udp" cannot work with agent awsvip',
    mentions: "use udpu",
  },
  {
    name: "RHEL 6 with an AWS VIP agent",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.os = "rhel6"), (v.httpdHaPair.corosync.transport = "udpu")),
    expect: 'genesys:httpdHaPair.os: "rhel6" cannot run httpdHaPair.virtualIp.agent "awsvip"',
    mentions: "virtualIp.agent IPaddr2",
  },
  {
    name: "RHEL 6 with the route-table VIP agent",
    stack: "prod",
    edit: (v) => (
      (v.httpdHaPair.os = "rhel6"),
      (v.httpdHaPair.corosync.transport = "udpu"),
      (v.httpdHaPair.virtualIp = { agent: "aws-vpc-move-ip", address: "192.168.33.20" })
    ),
    expect: 'genesys:httpdHaPair.os: "rhel6" cannot run httpdHaPair.virtualIp.agent "aws-vpc-move-ip"',
    mentions: "use os rhel8, rhel9",
  },
  {
    name: "production pair without fencing",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.fencing = "none"),
    expect: 'genesys:httpdHaPair.fencing: "none" is not allowed in production',
    mentions: "split brain",
  },
  {
    name: "production on-premises IPaddr2 pair",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.virtualIp.agent = "IPaddr2"), (v.httpdHaPair.fencing = "none")),
    expect:
      'genesys:httpdHaPair.fencing: "none" is not allowed in production: an on-premises IPaddr2 pair is fenced by a device for its own hardware',
  },
  {
    name: "fence_aws for an on-premises IPaddr2 pair",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.virtualIp.agent = "IPaddr2"),
    expect: 'genesys:httpdHaPair.fencing: "fence_aws" stops EC2 instances, but agent IPaddr2 is for on-premises hosts',
  },
  {
    name: "fence_aws on RHEL 6",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.os = "rhel6"), (v.httpdHaPair.corosync.transport = "udpu")),
    expect: 'genesys:httpdHaPair.fencing: "fence_aws" is not packaged for RHEL 6',
  },
  {
    name: "SSH open to the world in production",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.adminCidr = "0.0.0.0/0"),
    expect: 'genesys:httpdHaPair.adminCidr: "0.0.0.0/0" must not open SSH to the world',
  },
  {
    name: "two Framework master sites",
    stack: "prod",
    edit: (v) => (v.framework.sites.amer.role = "master"),
    expect: 'genesys:framework.sites: ["emea","amer"] must have exactly one site with role master',
  },
  {
    name: "overlapping Framework site CIDRs",
    stack: "prod",
    edit: (v) => (v.framework.sites.amer.vpcCidr = "10.60.0.0/16"),
    expect: 'genesys:framework.sites.amer.vpcCidr: "10.60.0.0/16" overlaps emea',
  },
  {
    name: "Framework site zone outside its region",
    stack: "prod",
    edit: (v) => (v.framework.sites.amer.availabilityZones = ["eu-west-1a"]),
    expect: 'genesys:framework.sites.amer.availabilityZones[0]: "eu-west-1a" is not in the site\'s region "us-east-1"',
  },
  {
    name: "production https recording servers without a CA to verify them",
    stack: "prod",
    edit: (v) => delete v.recording.backendTls,
    expect: "genesys:recording.backendTls.caBundle is required in production",
    mentions: "each node's certificate must name <node key>.recording.example.com",
  },
  {
    name: "a CA bundle that is not PEM certificates",
    stack: "prod",
    edit: (v) => (v.recording.backendTls.caBundle = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
    expect: 'genesys:recording.backendTls.caBundle: "-----BEGIN PRIVATE KEY-----',
    mentions: "must be PEM certificates only",
  },
  {
    name: "two recording nodes whose keys fold into one DNS name",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rws.nodes.T1RWS1 = { appName: "T1RWS1B" }),
    expect:
      'genesys:recording.tenants.t1.rws.nodes.T1RWS1: "T1RWS1" has the DNS name t1rws1.recording.example.com, as recording.tenants.t1.rws.nodes.t1rws1 does',
  },
  // What the systems' balancing plans cannot build (core/plan): refused by the loader like any config error.
  {
    name: "WE 8.5 routes equal without case, routed by value on an ALB",
    stack: "prod",
    edit: (v) =>
      Object.assign(v.webEngagement85, {
        albStickiness: "perNodeValue",
        nodes: { a: { appName: "GWE_A" }, b: { appName: "gwe_a" } },
      }),
    expect: 'genesys:webEngagement85.nodes.b.appName: "gwe_a" matches "GWE_A" on an ALB',
    mentions: "make them differ in more than case",
  },
  {
    name: "WE 8.5 per-node value routing beyond one ALB's rules",
    stack: "prod",
    edit: (v) =>
      Object.assign(v.webEngagement85, {
        albStickiness: "perNodeValue",
        nodes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`n${i + 1}`, {}])),
      }),
    expect: 'genesys:webEngagement85.nodes: {"rules":102,"targetGroups":52} need more listener rules',
    mentions: "one ALB holds (100 rules, 100 target groups)",
  },
  {
    name: "Co-browse node ids equal without case, routed by URL on an ALB",
    stack: "prod",
    edit: (v) => (v.cobrowse.nodes = { a: { nodeId: "Node" }, b: { nodeId: "node" } }),
    expect: 'genesys:cobrowse.nodes.b.nodeId: "node" matches "Node" on an ALB',
    mentions: "make them differ in more than case",
  },
  {
    name: "Co-browse cookie values equal without case, routed by value on an ALB",
    stack: "prod",
    edit: (v) =>
      Object.assign(v.cobrowse, {
        albStickiness: "perNodeValue",
        nodes: { a: { nodeId: "1", cookieValue: "Srv" }, b: { nodeId: "2", cookieValue: "srv" } },
      }),
    expect: 'genesys:cobrowse.nodes.b.cookieValue: "srv" matches "Srv" on an ALB',
  },
  {
    name: "Co-browse URL stickiness beyond one ALB's target groups",
    stack: "prod",
    edit: (v) =>
      (v.cobrowse.nodes = Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [`cb${i + 1}`, { nodeId: String(i + 1) }]),
      )),
    expect: 'genesys:cobrowse.nodes: {"rules":100,"targetGroups":101} need more listener rules',
    mentions: "use fewer nodes",
  },
  {
    name: "WE 8.1 frontend name with a space behind an ALB",
    stack: "prod",
    edit: (v) => (v.webEngagement81.frontend.nodes.GWE_FE_1.appName = "GWE FE 1"),
    expect: 'genesys:webEngagement81.frontend.nodes.GWE_FE_1.appName: "GWE FE 1" cannot be routed by an ALB',
    mentions: "use a name without spaces",
  },
  {
    name: "WE 8.1 frontend names equal without case",
    stack: "prod",
    edit: (v) => (v.webEngagement81.frontend.nodes.GWE_FE_2.appName = "gwe_fe_1"),
    expect: 'genesys:webEngagement81.frontend.nodes.GWE_FE_2.appName: "gwe_fe_1" matches "GWE_FE_1" on an ALB',
  },
  {
    name: "WE 8.1 frontend beyond one ALB's rules",
    stack: "prod",
    edit: (v) =>
      (v.webEngagement81.frontend.nodes = Object.fromEntries(
        Array.from({ length: 51 }, (_, i) => [`fe${i + 1}`, { port: 8081 }]),
      )),
    expect: 'genesys:webEngagement81.frontend.nodes: {"rules":102,"targetGroups":52} need more listener rules',
  },
  {
    name: "recording paths of two services that shadow each other on an ALB",
    stack: "dev",
    edit: (v) => (v.recording.tenants.t1.webdav.paths = ["api2"]),
    expect: 'genesys:recording.tenants.t1.webdav: "/t1/api2" overlaps rws\'s /t1/api',
    mentions: "give each service of a tenant a distinct first path segment",
  },
  {
    name: "recording tenant larger than one ALB",
    stack: "dev",
    edit: (v) => (v.recording.tenants.t1.webdav.paths = Array.from({ length: 300 }, (_, i) => `collection${i + 1}`)),
    expect: 'genesys:recording.tenants.t1: {"rules":104,"targetGroups":5} needs more than one ALB holds',
    mentions: "a tenant is never split across ALBs",
  },
];

function problemsFor(c: Case): string[] {
  const values = structuredClone(stackValues(c.stack)) as Values;
  c.edit(values);
  return loadEnvironment(rawConfig(values)).problems.map(formatProblem);
}

describe("malformed stack configs", () => {
  it("cover at least 30 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)("$name: names the key path and the value", (c) => {
    const problems = problemsFor(c);
    const match = problems.find((p) => p.startsWith(c.expect));
    expect(match, `problems were:\n${problems.join("\n")}`).toBeDefined();
    if (c.mentions) expect(match).toContain(c.mentions);
  });

  it.each(CASES)("$name: the program registers no resource", async (c) => {
    const failure = await runStack(c.stack, c.edit).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    const { cause, resources } = failure as ProgramFailure;
    // What Pulumi's program runner checks to print the message without a stack trace.
    expect(pulumi.RunError.isInstance(cause)).toBe(true);
    expect((cause as Error).message).toContain(c.expect);
    expect(resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("a production pair serving recording without its TLS secrets: the program registers no resource", async () => {
    const secrets = Object.fromEntries(
      Object.entries(TEST_SECRETS).filter(([key]) => !/httpdTls(PrivateKey|Certificate)$/.test(key)),
    );
    const failure = await runUnderMocks(
      {
        stack: "prod",
        config: { ...rawConfig(stackValues("prod")), ...secrets, ...KNET_KEY },
        secretKeys: [...Object.keys(secrets), ...Object.keys(KNET_KEY)],
      },
      () => deployEnvironment(readStack()),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    const { cause, resources } = failure as ProgramFailure;
    expect(pulumi.RunError.isInstance(cause)).toBe(true);
    expect((cause as Error).message).toMatch(
      /production httpd HA pair serves recording over https only: set the secrets genesys:httpdTlsPrivateKey/,
    );
    expect(resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("reports every problem of a config at once, one line each", () => {
    const values = structuredClone(stackValues("prod")) as Values;
    values.region = "nowhere";
    values.site.domain = "NOT A DOMAIN";
    values.webEngagement85.listenerPort = 0;
    const problems = loadEnvironment(rawConfig(values)).problems.map(formatProblem);
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.split(":")[1])).toEqual(
      expect.arrayContaining(["region", "site.domain", "webEngagement85.listenerPort"]),
    );
  });
});
