/**
 * A production stack written out resource by resource in the shapes
 * @pulumi/aws serializes (camelCase inputs, ids and ARNs as the mocks return
 * them), so each policy can be shown passing on it and failing when one field
 * changes. Systems sit under components with the program's type tokens, and
 * nodes and target groups carry the genesys:* tags the program writes.
 */
import type { MockRun } from "../../tools/mock-run";
import type { RegisteredResource } from "../../tools/mocks";
import { policyResources, runPolicies, type PackConfig, type PolicyReport } from "../../tools/policy-report";
import { HTTPD_PAIR_COMPONENT_TYPE, SYSTEM_IDENTITY, TAG } from "../../core/plan/identity";
import { AWS_TYPE } from "../../policies/aws-types";

export interface Ref {
  readonly key: string;
  readonly id: string;
  readonly arn: string;
  readonly dnsName: string;
}

const T = {
  provider: "pulumi:providers:aws",
  subnet: AWS_TYPE.subnet,
  sg: AWS_TYPE.securityGroup,
  ingress: AWS_TYPE.ingressRule,
  instance: AWS_TYPE.instance,
  lb: AWS_TYPE.loadBalancer,
  tg: AWS_TYPE.targetGroup,
  attachment: AWS_TYPE.targetGroupAttachment,
  listener: AWS_TYPE.listener,
  rule: AWS_TYPE.listenerRule,
  record: AWS_TYPE.dnsRecord,
  command: "command:remote:Command",
} as const;
export const TYPES = T;

export const SITE_DOMAIN = "example.com";
export const ADMIN_CIDR = "10.0.0.0/8";
export const CERTIFICATE = "arn:aws:acm:eu-west-1:111122223333:certificate/5a1f0c2e-8b9d-4e3f-a7c6-1d2e3f4a5b6c";
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

class Builder {
  readonly resources: RegisteredResource[] = [];

  add(type: string, name: string, inputs: Record<string, unknown>, parent?: Ref): Ref {
    const key = `${type}::${name}`;
    const custom = !type.startsWith("genesys:");
    const id = custom ? `${type.split(":")[1].split("/")[1] ?? "r"}-${name}` : "";
    const arn = `arn:aws:${type.split(":")[1]}:eu-west-1:111122223333:${name}`;
    const dnsName = `${name}-1234.eu-west-1.elb.amazonaws.com`;
    const state = { ...inputs, arn, ...(type === T.lb ? { dnsName } : {}) };
    this.resources.push({ type, name, parent: parent?.key, custom, inputs, id, state });
    return { key, id, arn, dnsName };
  }
}

export interface FixtureOptions {
  readonly environment?: "production" | "development";
  /** Who balances recording: its own ALB (default) or the httpd HA pair. */
  readonly recordingBalancer?: "alb" | "httpdHaPair";
}

/** The httpd site the pair serves, as the renderer writes it (trimmed to what the policies read). */
export const PAIR_SITE = [
  "ServerRoot /etc/httpd",
  "Listen 80",
  "ServerLimit 24",
  "ThreadLimit 25",
  "ThreadsPerChild 25",
  "MaxRequestWorkers 600",
  "<Location /server-status>",
  "  SetHandler server-status",
  "  Require local",
  "</Location>",
  '<Proxy "balancer://t1-rp">',
  "  BalancerMember http://10.50.1.10:8889",
  "  BalancerMember http://10.50.2.10:8889",
  "</Proxy>",
  'ProxyPass /t1/rp/api "balancer://t1-rp/api"',
  '<Proxy "balancer://t1-rws">',
  "  BalancerMember http://10.50.1.11:8080 route=T1RWS1",
  "  BalancerMember http://10.50.2.11:8080 route=T1RWS2",
  "  ProxySet stickysession=ROUTEID",
  "</Proxy>",
  'ProxyPass /t1/api "balancer://t1-rws/api"',
  "",
].join("\n");

/** The provisioning script that stages a file, with the content base64-encoded as the pair's scripts do. */
export function stageScript(content: string): string {
  return `set -eu\nmkdir -p "$(dirname '/var/lib/genesys/stage/conf/httpd.conf')"\nprintf '%s' ${Buffer.from(content).toString("base64")} | base64 -d > '/var/lib/genesys/stage/conf/httpd.conf.genesys-tmp'\n`;
}

export function productionFixture(options: FixtureOptions = {}): MockRun {
  const b = new Builder();
  const env = options.environment ?? "production";
  b.add(T.provider, "aws", {
    region: "eu-west-1",
    defaultTags: JSON.stringify({
      tags: { owner: "contact-centre-platform", "genesys:environment": env, "managed-by": "pulumi" },
    }),
  });
  const subnet = (name: string, az: string) =>
    b.add(T.subnet, name, { vpcId: "vpc-1", cidrBlock: "10.50.0.0/24", availabilityZone: az });
  const publicSubnets = [subnet("public-eu-west-1a", "eu-west-1a"), subnet("public-eu-west-1b", "eu-west-1b")];
  const privateSubnets = [subnet("private-eu-west-1a", "eu-west-1a"), subnet("private-eu-west-1b", "eu-west-1b")];

  const sg = (name: string, parent: Ref) => b.add(T.sg, name, { vpcId: "vpc-1", description: name }, parent);
  const allow = (name: string, group: Ref, port: number, source: { cidr: string } | { group: Ref }, parent: Ref) =>
    b.add(
      T.ingress,
      name,
      {
        securityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        ...("cidr" in source ? { cidrIpv4: source.cidr } : { referencedSecurityGroupId: source.group.id }),
      },
      parent,
    );
  const node = (name: string, group: Ref, i: number, parent: Ref, tags: Record<string, string> = {}) =>
    b.add(
      T.instance,
      name,
      {
        ami: "ami-0abc1234def567890",
        instanceType: "m5.large",
        subnetId: privateSubnets[i % 2].id,
        vpcSecurityGroupIds: [group.id],
        tags: { Name: name, ...tags },
      },
      parent,
    );
  const targetGroup = (
    name: string,
    port: number,
    parent: Ref,
    stickiness?: Record<string, unknown>,
    tags: Record<string, string> = {},
  ) =>
    b.add(
      T.tg,
      name,
      {
        port,
        protocol: "HTTP",
        targetType: "instance",
        vpcId: "vpc-1",
        healthCheck: { path: "/", protocol: "HTTP" },
        stickiness: stickiness ?? { enabled: false, type: "lb_cookie" },
        tags,
      },
      parent,
    );
  const attach = (tg: Ref, target: Ref, port: number, parent: Ref) =>
    b.add(
      T.attachment,
      `${tg.key.split("::")[1]}-${target.key.split("::")[1]}`,
      { targetGroupArn: tg.arn, targetId: target.id, port },
      parent,
    );
  const rule = (name: string, listener: Ref, priority: number, conditions: unknown[], tg: Ref, parent: Ref) =>
    b.add(
      T.rule,
      name,
      { listenerArn: listener.arn, priority, conditions, actions: [{ type: "forward", targetGroupArn: tg.arn }] },
      parent,
    );
  const alb = (name: string, host: string, defaultGroup: Ref | undefined, parent: Ref) => {
    const group = sg(`${name}-alb`, parent);
    allow(`${name}-alb-https`, group, 443, { cidr: "0.0.0.0/0" }, parent);
    allow(`${name}-alb-http`, group, 80, { cidr: "0.0.0.0/0" }, parent);
    const lb = b.add(
      T.lb,
      name,
      {
        name,
        loadBalancerType: "application",
        internal: false,
        subnets: publicSubnets.map((s) => s.id),
        securityGroups: [group.id],
        enableDeletionProtection: true,
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        idleTimeout: 120,
        accessLogs: { bucket: "genesys-prod-lb-logs", prefix: name, enabled: true },
      },
      parent,
    );
    const https = b.add(
      T.listener,
      `${name}-https`,
      {
        loadBalancerArn: lb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: CERTIFICATE,
        defaultActions: [
          defaultGroup
            ? { type: "forward", targetGroupArn: defaultGroup.arn }
            : { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } },
        ],
      },
      parent,
    );
    b.add(
      T.listener,
      `${name}-http`,
      {
        loadBalancerArn: lb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      },
      parent,
    );
    b.add(
      T.record,
      name,
      {
        zoneId: "Z0123456789ABCDEFGHIJ",
        name: host,
        type: "A",
        aliases: [{ name: lb.dnsName, zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true }],
      },
      parent,
    );
    return { lb, https, group };
  };

  // Web Engagement 8.5: a cluster target group sticky on GWROUTEID, and per-node rules on the cookie.
  const we85 = b.add(SYSTEM_IDENTITY.webEngagement85.componentType, "we85", {});
  const we85Tags = { [TAG.system]: "webEngagement85" };
  const we85Nodes = sg("we85-nodes", we85);
  const we85Cluster = targetGroup(
    "we85-cluster",
    9081,
    we85,
    {
      enabled: true,
      type: "app_cookie",
      cookieName: "GWROUTEID",
    },
    we85Tags,
  );
  const we85Alb = alb("we85", "gwe.example.com", we85Cluster, we85);
  allow("we85-nodes-from-alb", we85Nodes, 9081, { group: we85Alb.group }, we85);
  allow("we85-nodes-ssh", we85Nodes, 22, { cidr: ADMIN_CIDR }, we85);
  ["GWE_Node_1", "GWE_Node_2"].forEach((key, i) => {
    const n = node(`we85-${key}`, we85Nodes, i, we85, { ...we85Tags, [TAG.node]: key });
    const perNode = targetGroup(`we85-${key}`, 9081, we85, undefined, { ...we85Tags, [TAG.node]: key });
    attach(we85Cluster, n, 9081, we85);
    attach(perNode, n, 9081, we85);
    rule(
      `we85-${key}`,
      we85Alb.https,
      10 + i,
      [{ httpHeader: { httpHeaderName: "Cookie", values: [`*GWROUTEID=.${key}*`] } }],
      perNode,
      we85,
    );
  });

  // Web Engagement 8.1: a frontend balancer (URL parameter) and a backend balancer (balancer cookie).
  const we81 = b.add(SYSTEM_IDENTITY.webEngagement81.componentType, "we81", {});
  for (const tier of ["frontend", "backend"] as const) {
    const nodes = sg(`we81-${tier}-nodes`, we81);
    const tg = targetGroup(
      `we81-${tier}`,
      tier === "frontend" ? 8081 : 9081,
      we81,
      tier === "backend" ? { enabled: true, type: "lb_cookie", cookieDuration: 86400 } : undefined,
      { [TAG.system]: "webEngagement81", [TAG.tier]: tier },
    );
    const { group } = alb(`we81-${tier}`, `gwe81${tier === "backend" ? "-backend" : ""}.example.com`, tg, we81);
    allow(`we81-${tier}-from-alb`, nodes, tier === "frontend" ? 8081 : 9081, { group }, we81);
    [1, 2].forEach((i) =>
      attach(
        tg,
        node(`we81-${tier}-${i}`, nodes, i, we81, { [TAG.system]: "webEngagement81", [TAG.tier]: tier }),
        tier === "frontend" ? 8081 : 9081,
        we81,
      ),
    );
  }

  // Co-browse: round robin for new sessions; rules on gcbSessionServer and co-browse-node-id pin them to their node.
  const cobrowse = b.add(SYSTEM_IDENTITY.cobrowse.componentType, "cobrowse", {});
  const cbTags = { [TAG.system]: "cobrowse" };
  const cbNodes = sg("cobrowse-nodes", cobrowse);
  const cbGroup = targetGroup("cobrowse-all", 8700, cobrowse, undefined, cbTags);
  const cbAlb = alb("cobrowse", "cobrowse.example.com", cbGroup, cobrowse);
  allow("cobrowse-nodes-from-alb", cbNodes, 8700, { group: cbAlb.group }, cobrowse);
  ["cb1", "cb2"].forEach((key, i) => {
    const n = node(`cobrowse-${key}`, cbNodes, i, cobrowse, { ...cbTags, [TAG.node]: key });
    attach(cbGroup, n, 8700, cobrowse);
    const perNode = targetGroup(`cobrowse-${key}`, 8700, cobrowse, undefined, { ...cbTags, [TAG.node]: key });
    attach(perNode, n, 8700, cobrowse);
    rule(
      `cobrowse-${key}`,
      cbAlb.https,
      20 + i,
      [{ queryStrings: [{ key: "co-browse-node-id", value: String(i + 1) }] }],
      perNode,
      cobrowse,
    );
    rule(
      `cobrowse-${key}-cookie`,
      cbAlb.https,
      30 + i,
      [
        {
          httpHeader: {
            httpHeaderName: "Cookie",
            values: [`gcbSessionServer=${i + 1}`, `gcbSessionServer=${i + 1};*`],
          },
        },
      ],
      perNode,
      cobrowse,
    );
  });

  // Interaction Recording: per tenant and service, target groups tagged with their tenant.
  const recording = b.add(SYSTEM_IDENTITY.recording.componentType, "recording", {});
  const recordingTags = (s: { tenant: string; service: string }) => ({
    [TAG.system]: "recording",
    [TAG.tenant]: s.tenant,
    [TAG.service]: s.service,
  });
  const recNodes = sg("recording-nodes", recording);
  const services = [
    {
      tenant: "t1",
      service: "rws",
      port: 8080,
      paths: ["/t1/api*", "/t1/internal-api*"],
      stickiness: { enabled: true, type: "lb_cookie", cookieDuration: 3600 },
    },
    { tenant: "t1", service: "rp", port: 8889, paths: ["/t1/rp/api*"] },
    {
      tenant: "t1",
      service: "rcs",
      port: 8008,
      paths: ["/t1/rcs*"],
      stickiness: { enabled: true, type: "app_cookie", cookieName: "JSESSIONID" },
    },
    {
      tenant: "t2",
      service: "rws",
      port: 8080,
      paths: ["/t2/api*", "/t2/internal-api*"],
      stickiness: { enabled: true, type: "lb_cookie", cookieDuration: 3600 },
    },
  ];
  if (options.recordingBalancer === "httpdHaPair") {
    const pair = b.add(HTTPD_PAIR_COMPONENT_TYPE, "pair", {});
    const hosts = sg("pair-hosts", pair);
    allow("pair-http", hosts, 80, { cidr: "10.50.0.0/16" }, pair);
    allow("pair-ssh", hosts, 22, { cidr: ADMIN_CIDR }, pair);
    for (const key of ["ip1", "ip2"]) {
      node(`pair-${key}`, hosts, 0, pair);
      b.add(
        T.command,
        `pair-provisioning-${key}-stage-conf-httpd.conf`,
        { create: stageScript(PAIR_SITE), connection: { host: "10.50.1.5", user: "ec2-user" } },
        pair,
      );
    }
    for (const port of [8080, 8889, 8008]) allow(`pair-to-recording-${port}`, recNodes, port, { group: hosts }, pair);
    for (const s of services)
      [1, 2].forEach((i) =>
        node(`${s.tenant}${s.service}${i}`, recNodes, i, recording, {
          ...recordingTags(s),
          [TAG.node]: `${s.tenant}${s.service}${i}`,
        }),
      );
  } else {
    // Only tenant paths reach a tenant: the default action answers 404.
    const recAlb = alb("recording", "recording.example.com", undefined, recording);
    services.forEach((s, i) => {
      const tg = targetGroup(`recording-${s.tenant}-${s.service}`, s.port, recording, s.stickiness, recordingTags(s));
      allow(`recording-${s.tenant}-${s.service}-from-alb`, recNodes, s.port, { group: recAlb.group }, recording);
      [1, 2].forEach((n) =>
        attach(
          tg,
          node(`${s.tenant}${s.service}${n}`, recNodes, n, recording, {
            ...recordingTags(s),
            [TAG.node]: `${s.tenant}${s.service}${n}`,
          }),
          s.port,
          recording,
        ),
      );
      rule(
        `recording-${s.tenant}-${s.service}`,
        recAlb.https,
        100 + i,
        [{ pathPattern: { values: s.paths } }],
        tg,
        recording,
      );
    });
  }
  return { resources: b.resources, outputs: {} };
}

/** The pack config the synth step derives from a stack file, for the fixture's site. */
export const FIXTURE_CONFIG_VALUES = { siteDomain: SITE_DOMAIN, adminCidr: ADMIN_CIDR, screenRecordingAgents: 550 };

export function fixtureConfig(policies: readonly { name: string }[]): PackConfig {
  return Object.fromEntries(policies.map((p) => [p.name, FIXTURE_CONFIG_VALUES]));
}

export function report(run: MockRun, config: PackConfig): PolicyReport {
  return runPolicies("prod", policyResources(run, "prod"), config);
}

/** A copy of the run with one resource's inputs changed. */
export function editInputs(
  run: MockRun,
  type: string,
  name: string,
  edit: (inputs: Record<string, unknown>) => void,
): MockRun {
  let found = false;
  const resources = run.resources.map((r) => {
    if (r.type !== type || r.name !== name) return r;
    found = true;
    const inputs = structuredClone(r.inputs);
    edit(inputs);
    return { ...r, inputs };
  });
  if (!found) throw new Error(`no ${type} named ${name} in the run`);
  return { ...run, resources };
}

export function withoutResources(run: MockRun, drop: (r: RegisteredResource) => boolean): MockRun {
  return { ...run, resources: run.resources.filter((r) => !drop(r)) };
}

/** Messages one policy reports on a run, with the fixture's pack config. */
export function messagesOf(run: MockRun, policy: string): string[] {
  const result = runPolicies(
    "prod",
    policyResources(run, "prod"),
    Object.fromEntries([[policy, FIXTURE_CONFIG_VALUES]]),
  );
  return result.violations.filter((v) => v.policy === policy).map((v) => v.message);
}

/** The ARN the mocks gave a resource, for inputs that reference it. */
export function arnOf(run: MockRun, type: string, name: string): string {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name} in the run`);
  return String(found.state.arn);
}
