/**
 * Malformed stack configs, one row per error class: each is refused with a
 * problem naming the key path, the value and what is allowed, and the program
 * registers no resource (only the root stack exists) because every check runs
 * before anything is created.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../core/model/load";
import { ConfigError, describeValue, formatKeyPath, formatProblem } from "../../core/model/problems";
import { ProgramFailure } from "../../tools/mock-run";
import { rawConfig, runStack, stackValues } from "../support/program";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Case {
  readonly name: string;
  readonly stack: "dev" | "prod";
  /** What the row changes in the stack file's values. */
  readonly edit?: (v: Values) => void;
  /** Secrets the run leaves unset, e.g. "genesys:httpdTlsPrivateKey". */
  readonly unsetSecrets?: readonly string[];
  /** The refused key, inside the `genesys:` namespace. */
  readonly path: string;
  /** The value the problem reports; absent when the key is missing. */
  readonly value?: unknown;
  /** How the problem's message begins. */
  readonly says?: string;
  /** Words the problem must contain: what is allowed. */
  readonly allowed?: string;
}

const CASES: Case[] = [
  {
    name: "unknown environment kind",
    stack: "prod",
    edit: (v) => (v.environment = "staging"),
    path: "environment",
    value: "staging",
    allowed: '"development", "production"',
  },
  {
    name: "missing environment",
    stack: "dev",
    edit: (v) => delete v.environment,
    path: "environment",
    says: "is required",
    allowed: 'set it to one of "development", "production"',
  },
  {
    name: "malformed region",
    stack: "dev",
    edit: (v) => (v.region = "Ireland"),
    path: "region",
    value: "Ireland",
    allowed: "eu-west-1",
  },
  {
    name: "unknown top-level key",
    stack: "dev",
    edit: (v) => (v.recordings = {}),
    path: "recordings",
    value: {},
    says: "is not a known key",
    allowed: "recording",
  },
  {
    name: "CIDR with host bits",
    stack: "dev",
    edit: (v) => (v.network.vpcCidr = "10.40.0.1/16"),
    path: "network.vpcCidr",
    value: "10.40.0.1/16",
    allowed: "no host bits",
  },
  {
    name: "CIDR too large",
    stack: "dev",
    edit: (v) => (v.network.vpcCidr = "10.0.0.0/8"),
    path: "network.vpcCidr",
    value: "10.0.0.0/8",
    allowed: "/16 to /24",
  },
  {
    name: "not a CIDR",
    stack: "dev",
    edit: (v) => (v.network.vpcCidr = "ten.zero/16"),
    path: "network.vpcCidr",
    value: "ten.zero/16",
  },
  {
    name: "both new and existing VPC",
    stack: "dev",
    edit: (v) =>
      (v.network.existingVpc = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: {}, privateSubnetIds: {} }),
    path: "network.vpcCidr",
    value: "10.40.0.0/16",
    says: "set exactly one of vpcCidr",
  },
  {
    name: "zone of another region",
    stack: "dev",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a", "us-east-1b"]),
    path: "network.availabilityZones[1]",
    value: "us-east-1b",
    says: "is not in region",
  },
  {
    name: "duplicate zone",
    stack: "dev",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a", "eu-west-1a"]),
    path: "network.availabilityZones[1]",
    value: "eu-west-1a",
    says: "is listed twice",
  },
  {
    name: "zone of wrong type",
    stack: "dev",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a", 7]),
    path: "network.availabilityZones[1]",
    value: 7,
    says: "has the wrong type",
    allowed: "string",
  },
  {
    name: "production in one zone",
    stack: "prod",
    edit: (v) => (v.network.availabilityZones = ["eu-west-1a"]),
    path: "network.availabilityZones",
    value: ["eu-west-1a"],
    says: "must list at least 2",
  },
  {
    name: "missing network section",
    stack: "dev",
    edit: (v) => delete v.network,
    path: "network",
    says: "is required",
    allowed: "set network.availabilityZones",
  },
  {
    name: "domain with uppercase",
    stack: "dev",
    edit: (v) => (v.site.domain = "Example.COM"),
    path: "site.domain",
    value: "Example.COM",
    allowed: "lowercase DNS name",
  },
  {
    name: "balancer host outside the site domain",
    stack: "prod",
    edit: (v) => (v.webEngagement85.hostname = "gwe.example.net"),
    path: "webEngagement85.hostname",
    value: "gwe.example.net",
    says: 'is not under the website\'s domain "example.com"',
    allowed: "Safari",
  },
  {
    name: "recording host outside the site domain",
    stack: "dev",
    edit: (v) => (v.recording.hostname = "recording.other.org"),
    path: "recording.hostname",
    value: "recording.other.org",
    says: "is not under",
  },
  {
    name: "malformed certificate ARN",
    stack: "prod",
    edit: (v) => (v.tls.certificateArn = "arn:aws:iam::1:cert"),
    path: "tls.certificateArn",
    value: "arn:aws:iam::1:cert",
    allowed: "ACM certificate ARN",
  },
  {
    name: "weak TLS policy",
    stack: "prod",
    edit: (v) => (v.tls.sslPolicy = "ELBSecurityPolicy-2016-08"),
    path: "tls.sslPolicy",
    value: "ELBSecurityPolicy-2016-08",
    says: "is not allowed",
    allowed: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  },
  {
    name: "production without TLS",
    stack: "prod",
    edit: (v) => delete v.tls,
    path: "tls",
    says: "is required in production",
  },
  {
    name: "production WE 8.1 wired directly",
    stack: "prod",
    edit: (v) => (v.webEngagement81.balancer = "none"),
    path: "webEngagement81.balancer",
    value: "none",
    says: "is not allowed in production",
    allowed: "development only",
  },
  {
    name: "production WE 8.5 without balancer",
    stack: "prod",
    edit: (v) => (v.webEngagement85.balancer = "none"),
    path: "webEngagement85.balancer",
    value: "none",
    says: "is not allowed in production",
  },
  {
    name: "production Co-browse without balancer",
    stack: "prod",
    edit: (v) => (v.cobrowse.balancer = "none"),
    path: "cobrowse.balancer",
    value: "none",
    says: "is not allowed in production",
  },
  {
    name: "production recording without balancer",
    stack: "prod",
    edit: (v) => (v.recording.balancer = "none"),
    path: "recording.balancer",
    value: "none",
    says: "is not allowed in production",
    allowed: "httpdHaPair",
  },
  {
    name: "recording on a pair that is not defined",
    stack: "prod",
    edit: (v) => delete v.httpdHaPair,
    path: "recording.balancer",
    value: "httpdHaPair",
    says: "needs the httpdHaPair section",
  },
  {
    name: "unknown balancer kind",
    stack: "dev",
    edit: (v) => (v.cobrowse.balancer = "haproxy"),
    path: "cobrowse.balancer",
    value: "haproxy",
    says: "is not allowed",
    allowed: '"alb", "none"',
  },
  {
    name: "duplicate application name across tenants",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t2.rcs.nodes.t2rcs1.appName = "RCS 1"),
    path: "recording.tenants.t2.rcs.nodes.t2rcs1.appName",
    value: "RCS 1",
    says: "is used twice",
    allowed: "application names must be unique",
  },
  {
    name: "routes colliding after space replacement",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rcs.nodes.t1rcs2.appName = "RCS_1"),
    path: "recording.tenants.t1.rcs.nodes.t1rcs2.appName",
    value: "RCS_1",
    says: 'gives route "RCS_1"',
  },
  {
    name: "application name with a dot",
    stack: "prod",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.appName = "GWE.Node.1"),
    path: "webEngagement85.nodes.GWE_Node_1.appName",
    value: "GWE.Node.1",
    allowed: "no dots",
  },
  {
    name: "application name with a newline (directive injection)",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rcs.nodes.t1rcs1.appName = "RCS 1\nProxyPass / http://evil/"),
    path: "recording.tenants.t1.rcs.nodes.t1rcs1.appName",
    value: "RCS 1\nProxyPass / http://evil/",
  },
  {
    name: "tenant key with uppercase and space",
    stack: "prod",
    edit: (v) => (v.recording.tenants["Tenant 3"] = v.recording.tenants.t2),
    path: "recording.tenants.Tenant 3",
    value: "Tenant 3",
    says: "is not an allowed name",
  },
  {
    name: "node key with a quote",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes['GWE"1'] = { port: 9081 }),
    path: 'webEngagement85.nodes.GWE"1',
    value: 'GWE"1',
    says: "is not an allowed name",
  },
  {
    name: "port out of range",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.port = 70000),
    path: "webEngagement85.nodes.GWE_Node_1.port",
    value: 70000,
    says: "must be a port from 1 to 65535",
  },
  {
    name: "port as a string",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.port = "9081"),
    path: "webEngagement85.nodes.GWE_Node_1.port",
    value: "9081",
    says: "has the wrong type",
    allowed: "number",
  },
  {
    name: "empty node map",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes = {}),
    path: "webEngagement85.nodes",
    value: {},
    says: "must define at least one node",
  },
  {
    name: "production WE 8.5 with one node",
    stack: "prod",
    edit: (v) => (v.webEngagement85.nodes = { GWE_Node_1: { port: 9081 } }),
    path: "webEngagement85.nodes",
    value: ["GWE_Node_1"],
    says: "must define at least 2 nodes in production",
  },
  {
    name: "typo in a node field",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.prot = 1),
    path: "webEngagement85.nodes.GWE_Node_1.prot",
    value: 1,
    says: "is not a known key",
    allowed: "appName, port, instanceType, availabilityZone",
  },
  {
    name: "node pinned to a zone outside the network",
    stack: "dev",
    edit: (v) => (v.webEngagement85.nodes.GWE_Node_1.availabilityZone = "eu-west-1c"),
    path: "webEngagement85.nodes.GWE_Node_1.availabilityZone",
    value: "eu-west-1c",
    says: "is not one of network.availabilityZones",
  },
  {
    name: "RP with a hot standby",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rp.hotStandby = "t1rp2"),
    path: "recording.tenants.t1.rp.hotStandby",
    value: "t1rp2",
    says: "is not allowed",
    allowed: "must not have a warm or hot standby",
  },
  {
    name: "WebDAV standby that is not a node",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.webdav.hotStandby = "t1webdav9"),
    path: "recording.tenants.t1.webdav.hotStandby",
    value: "t1webdav9",
    says: "must name one of the WebDAV nodes",
  },
  {
    name: "WebDAV path with a slash",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.webdav.paths = ["recordings", "../etc"]),
    path: "recording.tenants.t1.webdav.paths[1]",
    value: "../etc",
  },
  {
    name: "tenant without any service",
    stack: "dev",
    edit: (v) => (v.recording.tenants.t9 = { screenRecordingAgents: 3 }),
    path: "recording.tenants.t9",
    value: { screenRecordingAgents: 3 },
    says: "must define at least one service",
  },
  {
    name: "negative screen-recording agents",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.screenRecordingAgents = -1),
    path: "recording.tenants.t1.screenRecordingAgents",
    value: -1,
    says: "must be from 0 to 100000 agents",
  },
  {
    name: "duplicate Co-browse node id",
    stack: "prod",
    edit: (v) => (v.cobrowse.nodes.cb2.nodeId = "1"),
    path: "cobrowse.nodes.cb2.nodeId",
    value: "1",
    says: 'is already the id of node "cb1"',
  },
  {
    name: "Workspace Web Edition without URL stickiness",
    stack: "prod",
    edit: (v) => (v.cobrowse.urlStickiness = false),
    path: "cobrowse.urlStickiness",
    value: false,
    says: "must be true when agentSide is workspaceWebEdition",
  },
  {
    name: "HA pair with three hosts",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.nodes.ip3 = {}),
    path: "httpdHaPair.nodes",
    value: ["ip1", "ip2", "ip3"],
    says: "must define exactly 2 hosts",
  },
  {
    name: "awsvip address outside the VPC",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.virtualIp.address = "192.168.33.20"),
    path: "httpdHaPair.virtualIp.address",
    value: "192.168.33.20",
    says: "must be inside the VPC",
  },
  {
    name: "overlay VIP inside the VPC",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.virtualIp.agent = "aws-vpc-move-ip"),
    path: "httpdHaPair.virtualIp.address",
    value: "10.50.140.250",
    says: "must be outside the VPC",
  },
  {
    name: "multicast transport on RHEL 8",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.corosync.transport = "udp"),
    path: "httpdHaPair.corosync.transport",
    value: "udp",
    says: "is not available on rhel8",
    allowed: "knet, udpu",
  },
  {
    name: "multicast on AWS",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.os = "rhel6"), (v.httpdHaPair.corosync.transport = "udp")),
    path: "httpdHaPair.corosync.transport",
    value: "udp",
    says: "cannot work with agent awsvip",
    allowed: "use udpu",
  },
  {
    name: "RHEL 6 with an AWS VIP agent",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.os = "rhel6"), (v.httpdHaPair.corosync.transport = "udpu")),
    path: "httpdHaPair.os",
    value: "rhel6",
    says: 'cannot run httpdHaPair.virtualIp.agent "awsvip"',
    allowed: "virtualIp.agent IPaddr2",
  },
  {
    name: "RHEL 6 with the route-table VIP agent",
    stack: "prod",
    edit: (v) => (
      (v.httpdHaPair.os = "rhel6"),
      (v.httpdHaPair.corosync.transport = "udpu"),
      (v.httpdHaPair.virtualIp = { agent: "aws-vpc-move-ip", address: "192.168.33.20" })
    ),
    path: "httpdHaPair.os",
    value: "rhel6",
    says: 'cannot run httpdHaPair.virtualIp.agent "aws-vpc-move-ip"',
    allowed: "use os rhel8, rhel9",
  },
  {
    name: "production pair without fencing",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.fencing = "none"),
    path: "httpdHaPair.fencing",
    value: "none",
    says: "is not allowed in production",
    allowed: "split brain",
  },
  {
    name: "production on-premises IPaddr2 pair",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.virtualIp.agent = "IPaddr2"), (v.httpdHaPair.fencing = "none")),
    path: "httpdHaPair.fencing",
    value: "none",
    says: "is not allowed in production: an on-premises IPaddr2 pair is fenced by a device for its own hardware",
  },
  {
    name: "fence_aws for an on-premises IPaddr2 pair",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.virtualIp.agent = "IPaddr2"),
    path: "httpdHaPair.fencing",
    value: "fence_aws",
    says: "stops EC2 instances, but agent IPaddr2 is for on-premises hosts",
  },
  {
    name: "fence_aws on RHEL 6",
    stack: "prod",
    edit: (v) => ((v.httpdHaPair.os = "rhel6"), (v.httpdHaPair.corosync.transport = "udpu")),
    path: "httpdHaPair.fencing",
    value: "fence_aws",
    says: "is not packaged for RHEL 6",
  },
  {
    name: "SSH open to the world in production",
    stack: "prod",
    edit: (v) => (v.httpdHaPair.adminCidr = "0.0.0.0/0"),
    path: "httpdHaPair.adminCidr",
    value: "0.0.0.0/0",
    says: "must not open SSH to the world",
  },
  {
    name: "two Framework master sites",
    stack: "prod",
    edit: (v) => (v.framework.sites.amer.role = "master"),
    path: "framework.sites",
    value: ["emea", "amer"],
    says: "must have exactly one site with role master",
  },
  {
    name: "overlapping Framework site CIDRs",
    stack: "prod",
    edit: (v) => (v.framework.sites.amer.vpcCidr = "10.60.0.0/16"),
    path: "framework.sites.amer.vpcCidr",
    value: "10.60.0.0/16",
    says: "overlaps emea",
  },
  {
    name: "Framework site zone outside its region",
    stack: "prod",
    edit: (v) => (v.framework.sites.amer.availabilityZones = ["eu-west-1a"]),
    path: "framework.sites.amer.availabilityZones[0]",
    value: "eu-west-1a",
    says: 'is not in the site\'s region "us-east-1"',
  },
  {
    name: "production https recording servers without a CA to verify them",
    stack: "prod",
    edit: (v) => delete v.recording.backendTls,
    path: "recording.backendTls.caBundle",
    says: "is required in production",
    allowed: "each node's certificate must name <node key>.recording.example.com",
  },
  {
    name: "a CA bundle that is not PEM certificates",
    stack: "prod",
    edit: (v) => (v.recording.backendTls.caBundle = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
    path: "recording.backendTls.caBundle",
    value: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    allowed: "must be PEM certificates only",
  },
  {
    name: "two recording nodes whose keys fold into one DNS name",
    stack: "prod",
    edit: (v) => (v.recording.tenants.t1.rws.nodes.T1RWS1 = { appName: "T1RWS1B" }),
    path: "recording.tenants.t1.rws.nodes.T1RWS1",
    value: "T1RWS1",
    says: "has the DNS name t1rws1.recording.example.com, as recording.tenants.t1.rws.nodes.t1rws1 does",
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
    path: "webEngagement85.nodes.b.appName",
    value: "gwe_a",
    says: 'matches "GWE_A" on an ALB',
    allowed: "make them differ in more than case",
  },
  {
    name: "WE 8.5 per-node value routing beyond one ALB's rules",
    stack: "prod",
    edit: (v) =>
      Object.assign(v.webEngagement85, {
        albStickiness: "perNodeValue",
        nodes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`n${i + 1}`, {}])),
      }),
    path: "webEngagement85.nodes",
    value: { rules: 102, targetGroups: 52 },
    says: "need more listener rules",
    allowed: "one ALB holds (100 rules, 100 target groups)",
  },
  {
    name: "Co-browse node ids equal without case, routed by URL on an ALB",
    stack: "prod",
    edit: (v) => (v.cobrowse.nodes = { a: { nodeId: "Node" }, b: { nodeId: "node" } }),
    path: "cobrowse.nodes.b.nodeId",
    value: "node",
    says: 'matches "Node" on an ALB',
    allowed: "make them differ in more than case",
  },
  {
    name: "Co-browse cookie values equal without case, routed by value on an ALB",
    stack: "prod",
    edit: (v) =>
      Object.assign(v.cobrowse, {
        albStickiness: "perNodeValue",
        nodes: { a: { nodeId: "1", cookieValue: "Srv" }, b: { nodeId: "2", cookieValue: "srv" } },
      }),
    path: "cobrowse.nodes.b.cookieValue",
    value: "srv",
    says: 'matches "Srv" on an ALB',
  },
  {
    name: "Co-browse URL stickiness beyond one ALB's target groups",
    stack: "prod",
    edit: (v) =>
      (v.cobrowse.nodes = Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [`cb${i + 1}`, { nodeId: String(i + 1) }]),
      )),
    path: "cobrowse.nodes",
    value: { rules: 100, targetGroups: 101 },
    says: "need more listener rules",
    allowed: "use fewer nodes",
  },
  {
    name: "WE 8.1 frontend name with a space behind an ALB",
    stack: "prod",
    edit: (v) => (v.webEngagement81.frontend.nodes.GWE_FE_1.appName = "GWE FE 1"),
    path: "webEngagement81.frontend.nodes.GWE_FE_1.appName",
    value: "GWE FE 1",
    says: "cannot be routed by an ALB",
    allowed: "use a name without spaces",
  },
  {
    name: "WE 8.1 frontend names equal without case",
    stack: "prod",
    edit: (v) => (v.webEngagement81.frontend.nodes.GWE_FE_2.appName = "gwe_fe_1"),
    path: "webEngagement81.frontend.nodes.GWE_FE_2.appName",
    value: "gwe_fe_1",
    says: 'matches "GWE_FE_1" on an ALB',
  },
  {
    name: "WE 8.1 frontend beyond one ALB's rules",
    stack: "prod",
    edit: (v) =>
      (v.webEngagement81.frontend.nodes = Object.fromEntries(
        Array.from({ length: 51 }, (_, i) => [`fe${i + 1}`, { port: 8081 }]),
      )),
    path: "webEngagement81.frontend.nodes",
    value: { rules: 102, targetGroups: 52 },
    says: "need more listener rules",
  },
  {
    name: "recording paths of two services that shadow each other on an ALB",
    stack: "dev",
    edit: (v) => (v.recording.tenants.t1.webdav.paths = ["api2"]),
    path: "recording.tenants.t1.webdav",
    value: "/t1/api2",
    says: "overlaps rws's /t1/api",
    allowed: "give each service of a tenant a distinct first path segment",
  },
  {
    name: "recording tenant larger than one ALB",
    stack: "dev",
    edit: (v) => (v.recording.tenants.t1.webdav.paths = Array.from({ length: 300 }, (_, i) => `collection${i + 1}`)),
    path: "recording.tenants.t1",
    value: { rules: 104, targetGroups: 5 },
    says: "needs more than one ALB holds",
    allowed: "a tenant is never split across ALBs",
  },
  // Refused before any resource though the model alone cannot see them: the pair's secrets and its bastion's subnet.
  {
    name: "a production pair serving recording without its TLS secrets",
    stack: "prod",
    unsetSecrets: ["genesys:httpdTlsPrivateKey", "genesys:httpdTlsCertificate"],
    path: "recording.balancer",
    value: "httpdHaPair",
    says: "needs the secrets genesys:httpdTlsPrivateKey and genesys:httpdTlsCertificate in production",
    allowed: "the httpd HA pair serves recording over https only",
  },
  {
    name: "a development pair with one of its two TLS secrets",
    stack: "prod",
    edit: (v) => ((v.environment = "development"), (v.httpdHaPair.fencing = "none")),
    unsetSecrets: ["genesys:httpdTlsCertificate"],
    path: "recording.balancer",
    value: "httpdHaPair",
    says: "needs both genesys:httpdTlsPrivateKey and genesys:httpdTlsCertificate for the pair's TLS, or neither",
    allowed: "genesys:httpdTlsCertificate is not set",
  },
  {
    name: "a bastion the stack creates, in an existing VPC with no public subnet in the pair's zone",
    stack: "prod",
    edit: (v) => {
      const zones = v.network.availabilityZones as string[];
      const subnets = (prefix: string, of: string[]) =>
        Object.fromEntries(of.map((az, i) => [az, `${prefix}-0123456789abcde${i}`]));
      v.network = {
        availabilityZones: zones,
        existingVpc: {
          vpcId: "vpc-0123456789abcdef0",
          publicSubnetIds: subnets("subnet", zones.slice(1)),
          privateSubnetIds: subnets("subnet", zones),
          privateRouteTableIds: subnets("rtb", zones),
        },
      };
    },
    path: "httpdHaPair.provisioning.via",
    value: "bastion",
    says: `needs a public subnet for the bastion the stack creates in eu-west-1a`,
    allowed: "add one, set provisioning.existingBastion, or choose via: direct",
  },
];

/** The problem the row expects, found by key path, reported value and how the message begins. */
function expected(c: Case, problems: readonly ConfigError["problems"][number][]) {
  return problems.find(
    (p) =>
      formatKeyPath(p.path) === formatKeyPath([c.path]) &&
      (p.value === undefined ? c.value === undefined : describeValue(p.value) === describeValue(c.value)) &&
      p.message.startsWith(c.says ?? ""),
  );
}

describe("malformed stack configs", () => {
  it("cover at least 30 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)("$name: refused naming $path and the value, with no resource registered", async (c) => {
    const failure = await runStack(c.stack, c.edit, { unsetSecrets: c.unsetSecrets }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    const { cause, resources } = failure as ProgramFailure;
    // What Pulumi's program runner checks to print the message without a stack trace.
    expect(pulumi.RunError.isInstance(cause)).toBe(true);
    expect(cause).toBeInstanceOf(ConfigError);
    const problems = (cause as ConfigError).problems;
    const match = expected(c, problems);
    expect(match, `problems were:\n${problems.map(formatProblem).join("\n")}`).toBeDefined();
    const line = formatProblem(match!);
    if (c.allowed) expect(line).toContain(c.allowed);
    expect((cause as Error).message).toContain(line);
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
