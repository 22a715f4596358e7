/**
 * The httpd HA pair on AWS under mocks, from the prod stack (awsvip, rhel8,
 * udpu) and edits of it: placement, network rules, IAM per VIP agent, the
 * provisioning steps, their order and their triggers, and secrets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ProgramFailure } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import { stackValues, TEST_SECRETS } from "../../support/program";
import {
  AUTHKEY_CONFIG,
  byName,
  byType,
  isSecret,
  plainStrings,
  reveal,
  runPair,
  TEST_AUTHKEY,
  type PairRun,
} from "./pair-harness";

const INSTANCE = "aws:ec2/instance:Instance";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const COMMAND = "command:remote:Command";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const STEP = "recording-pair-provisioning";

type Values = Record<string, unknown>;
type Pair = Record<string, unknown> & { virtualIp: Record<string, unknown>; corosync: Record<string, unknown> };
const pairOf = (values: Values) => values.httpdHaPair as Pair;

/** The prod stack's VIP (awsvip: a secondary address in the pair's subnet). */
const PROD_VIP = String(pairOf(stackValues("prod")).virtualIp.address);
/** An overlay address outside the prod VPC (10.50.0.0/16). */
const OVERLAY_VIP = "192.168.250.10";

const TLS_KEY_CONFIG = "genesys:httpdTlsPrivateKey";
const TLS_CERTIFICATE_CONFIG = "genesys:httpdTlsCertificate";
/** The authkey only: both TLS secrets unset. */
const WITHOUT_TLS = { [AUTHKEY_CONFIG]: TEST_AUTHKEY, [TLS_KEY_CONFIG]: "", [TLS_CERTIFICATE_CONFIG]: "" };

const editPair =
  (change: (pair: Pair) => void) =>
  (values: Values): void =>
    change(pairOf(values));

/** A pair outside production, where the stack allows it unfenced (on-premises IPaddr2, RHEL 6). */
const editDevelopmentPair =
  (change: (pair: Pair) => void) =>
  (values: Values): void => {
    values.environment = "development";
    change(pairOf(values));
  };

function policyOf(run: PairRun): { Statement: { Action: string[]; Resource: string | string[] }[] } {
  return JSON.parse(String(byName(run, ROLE_POLICY, "recording-pair-vip-agent").inputs.policy));
}

const actionsOf = (run: PairRun) =>
  policyOf(run)
    .Statement.flatMap((s) => s.Action)
    .sort();
const commandText = (run: PairRun, name: string) =>
  String(reveal(byName(run, COMMAND, `${STEP}-${name}`).inputs.create));
/** The stack output deployEnvironment exports for the pair. */
const pairOutputs = (run: PairRun) =>
  run.outputs.httpdHaPair as {
    endpoint: string;
    virtualIp: string;
    privateIps: Record<string, string>;
    runbook: string;
  };
const ingressRule = (run: PairRun, name: string) => byName(run, INGRESS, name).inputs;
const sgId = (run: PairRun, name: string) => byName(run, SG, name).id;
/** The pair's two hosts (the recording nodes and the provisioning bastion are instances too). */
const hostsOf = (run: PairRun) =>
  byType(run, INSTANCE).filter(
    (i) => (i.inputs.tags as Record<string, string> | undefined)?.["genesys:cluster-node"] !== undefined,
  );

/** Each command's triggers, serialized, by resource name. */
function triggers(run: PairRun): Map<string, string> {
  return new Map(byType(run, COMMAND).map((c) => [c.name, JSON.stringify(c.inputs.triggers)]));
}

/** Commands present in both runs whose triggers differ: what `pulumi up` would re-run. */
function changedTriggers(a: PairRun, b: PairRun): string[] {
  const before = triggers(a);
  return [...triggers(b)]
    .filter(([name, t]) => before.has(name) && before.get(name) !== t)
    .map(([name]) => name)
    .sort();
}

/** The prod stack as it is; edits are compared against it. */
let prod: PairRun;
beforeAll(async () => {
  prod = await runPair();
});

describe("httpd HA pair on AWS (prod: rhel8, awsvip)", () => {
  let run: PairRun;
  let instances: RegisteredResource[];
  beforeAll(() => {
    run = prod;
    instances = hostsOf(run);
  });

  it("launches exactly two hosts, named after the cluster nodes, in the private subnet of the pair's zone", () => {
    expect(instances.map((i) => i.name).sort()).toEqual(["recording-pair-ip1", "recording-pair-ip2"]);
    const subnet = byName(run, "aws:ec2/subnet:Subnet", "genesys-private-eu-west-1a");
    expect(instances.map((i) => i.inputs.subnetId)).toEqual([subnet.id, subnet.id]);
    expect(pairOutputs(run).privateIps).toEqual(
      Object.fromEntries(instances.map((i) => [i.name.replace("recording-pair-", ""), i.state.privateIp])),
    );
  });

  it("hardens the hosts: no public address, IMDSv2 only, encrypted root volume, termination protection in production, source/dest check kept for awsvip", () => {
    for (const instance of instances) {
      expect(instance.inputs.associatePublicIpAddress).toBe(false);
      expect(instance.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
      expect(instance.inputs.rootBlockDevice).toMatchObject({ encrypted: true });
      expect(instance.inputs.disableApiTermination).toBe(true);
      expect(instance.inputs.sourceDestCheck).toBe(true);
    }
  });

  it("admits corosync only from the pair itself (pcsd's port stays closed), HTTP and https from the VPC, SSH only from the provisioning bastion", () => {
    const pairSg = sgId(run, "recording-pair-hosts");
    const rules = byType(run, INGRESS).filter((r) => r.inputs.securityGroupId === pairSg);
    expect(rules.map((r) => r.name).sort()).toEqual([
      "recording-pair-corosync",
      "recording-pair-http",
      "recording-pair-https",
      "recording-pair-ssh",
    ]);
    expect(ingressRule(run, "recording-pair-corosync")).toMatchObject({
      ipProtocol: "udp",
      fromPort: 5404,
      toPort: 5406,
      referencedSecurityGroupId: pairSg,
    });
    expect(ingressRule(run, "recording-pair-corosync").cidrIpv4).toBeUndefined();
    expect(ingressRule(run, "recording-pair-http")).toMatchObject({
      ipProtocol: "tcp",
      fromPort: 80,
      toPort: 80,
      cidrIpv4: "10.50.0.0/16",
    });
    expect(ingressRule(run, "recording-pair-https")).toMatchObject({
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "10.50.0.0/16",
    });
    const ssh = rules.filter((r) => r.inputs.fromPort === 22);
    expect(ssh.map((r) => r.inputs.referencedSecurityGroupId)).toEqual([sgId(run, "recording-pair-bastion")]);
    expect(ssh.map((r) => r.inputs.cidrIpv4)).toEqual([undefined]);
    expect(rules.filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")).toEqual([]);
  });

  it("lets the recording nodes admit the pair, and only the pair, on every member port", () => {
    const nodesSg = sgId(run, "recording-nodes");
    const rules = byType(run, INGRESS).filter((r) => r.inputs.securityGroupId === nodesSg);
    expect(rules.map((r) => r.inputs.fromPort).sort((a, b) => Number(a) - Number(b))).toEqual([80, 8008, 8080, 8889]);
    for (const rule of rules)
      expect(rule.inputs).toMatchObject({
        ipProtocol: "tcp",
        referencedSecurityGroupId: sgId(run, "recording-pair-hosts"),
      });
  });

  it("grants awsvip exactly what the agent calls, on the two hosts' interfaces", () => {
    expect(actionsOf(run)).toEqual([
      "ec2:AssignPrivateIpAddresses",
      "ec2:DescribeInstances",
      "ec2:UnassignPrivateIpAddresses",
    ]);
    const assign = policyOf(run).Statement.find((s) => s.Action.includes("ec2:AssignPrivateIpAddresses"))!;
    const enis = instances.map(
      (i) => `arn:aws:ec2:eu-west-1:111122223333:network-interface/${i.state.primaryNetworkInterfaceId}`,
    );
    expect(assign.Resource).toEqual(enis);
    const profile = byType(run, "aws:iam/instanceProfile:InstanceProfile")[0];
    for (const instance of instances)
      expect(instance.inputs.iamInstanceProfile).toBe(profile.inputs.name ?? profile.state.name);
  });

  it("lets a host fence (stop, start) only the instances tagged as this pair's hosts, and tags both", () => {
    const fencing = JSON.parse(String(byName(run, ROLE_POLICY, "recording-pair-fencing").inputs.policy)) as {
      Statement: { Action: string[]; Resource: string; Condition?: unknown }[];
    };
    const stop = fencing.Statement.find((st) => st.Action.includes("ec2:StopInstances"))!;
    expect(stop.Action.sort()).toEqual(["ec2:StartInstances", "ec2:StopInstances"]);
    expect(stop.Resource).toBe("arn:aws:ec2:eu-west-1:111122223333:instance/*");
    expect(stop.Condition).toEqual({ StringEquals: { "aws:ResourceTag/genesys:ha-pair": "recording-pair" } });
    expect(fencing.Statement.flatMap((st) => st.Action).sort()).toEqual([
      "ec2:DescribeInstances",
      "ec2:StartInstances",
      "ec2:StopInstances",
    ]);
    for (const instance of instances)
      expect((instance.inputs.tags as Record<string, string>)["genesys:ha-pair"]).toBe("recording-pair");
    expect(commandText(run, "cluster")).toMatch(/pcmk_host_map=ip1:i-[0-9a-f]+;ip2:i-[0-9a-f]+/);
  });

  it("reserves the VIP in the pair's subnet so EC2 never hands it to another interface", () => {
    const reservation = byName(run, "aws:ec2/subnetCidrReservation:SubnetCidrReservation", "recording-pair-vip");
    expect(reservation.inputs).toMatchObject({
      cidrBlock: `${PROD_VIP}/32`,
      reservationType: "explicit",
      subnetId: instances[0].inputs.subnetId,
    });
    expect(pairOutputs(run)).toMatchObject({ endpoint: PROD_VIP, virtualIp: PROD_VIP });
  });

  it("provisions each host over SSH at its private IP as sshUser, in the vendor guide's order", () => {
    for (const instance of instances) {
      const node = instance.name.replace("recording-pair-", "");
      const install = byName(run, COMMAND, `${STEP}-${node}-install`);
      expect(reveal(install.inputs.connection)).toMatchObject({ host: instance.state.privateIp, user: "ec2-user" });
      expect(commandText(run, `${node}-install`)).toContain(
        "dnf -y install httpd mod_ssl pacemaker pcs resource-agents awscli fence-agents-aws",
      );
      expect(commandText(run, `${node}-install`)).toContain("systemctl disable --now httpd");
      expect(commandText(run, `${node}-install`)).toContain("setsebool -P httpd_can_network_connect 1");
    }
    expect(commandText(run, "ip1-config")).toMatch(/-t -f[\s\S]*mv -f[\s\S]*kill -USR1/);
    expect(commandText(run, "ip1-member")).toContain("corosync.conf");
    expect(commandText(run, "cluster")).toContain("ocf:heartbeat:awsvip");
  });

  it("orders the steps: install -> stage -> validate -> config (swap) after BOTH hosts validated -> member -> cluster, the cluster after both hosts and the VIP's AWS side", () => {
    const deps = (name: string) => run.dependsOn.get(`${STEP}-${name}`) ?? [];
    for (const node of ["ip1", "ip2"]) {
      const stages = byType(run, COMMAND)
        .filter((c) => c.name.startsWith(`${STEP}-${node}-stage-`))
        .map((c) => c.name);
      expect(stages.length).toBe(6);
      for (const stage of stages) expect(run.dependsOn.get(stage)).toEqual([`${STEP}-${node}-install`]);
      expect([...deps(`${node}-validate`)].sort()).toEqual([...stages].sort());
      expect([...deps(`${node}-config`)].sort()).toEqual([`${STEP}-ip1-validate`, `${STEP}-ip2-validate`]);
      expect(deps(`${node}-member`)).toEqual([`${STEP}-${node}-config`]);
    }
    expect([...deps("cluster")].sort()).toEqual(
      [
        `${STEP}-ip1-member`,
        `${STEP}-ip2-member`,
        "recording-pair-vip",
        "recording-pair-vip-agent",
        "recording-pair-fencing",
      ].sort(),
    );
    expect(reveal(byName(run, COMMAND, `${STEP}-cluster`).inputs.connection)).toMatchObject({
      host: instances.find((i) => i.name.endsWith("ip1"))!.state.privateIp,
    });
  });

  it("stages one file per tenant: the main httpd.conf and loadbalancer_<tenant>.conf, with the recording nodes' addresses, plus the TLS certificate and key", () => {
    const stages = byType(run, COMMAND)
      .filter((c) => c.name.startsWith(`${STEP}-ip1-stage-`))
      .map((c) => c.name.replace(`${STEP}-ip1-stage-`, ""));
    expect(stages.sort()).toEqual([
      "conf-httpd.conf",
      "conf-recording-servers-ca.pem",
      "conf.d-loadbalancer_t1.conf",
      "conf.d-loadbalancer_t2.conf",
      "tls-certificate",
      "tls-key",
    ]);
    const script = commandText(run, "ip1-stage-conf.d-loadbalancer_t1.conf");
    const encoded = /printf '\\''%s'\\'' ([A-Za-z0-9+/=]+) \| base64 -d/.exec(script)![1];
    const template = Buffer.from(encoded, "base64").toString("utf8");
    // https members are their DNS names, known from the model; http members' addresses are placeholders
    // in the script, filled in from the sed substitutions on standard input.
    expect(template).toContain("BalancerMember https://t1rws1.recording.example.com:8080");
    expect(template).toMatch(/BalancerMember http:\/\/member-\d+\.address\.invalid:80 /);
    const stdin = String(
      byType(run, COMMAND).find((c) => c.name === `${STEP}-ip1-stage-conf.d-loadbalancer_t1.conf`)!.inputs.stdin,
    );
    const text = [...stdin.matchAll(/^s\/(.+)\/(.+)\/g$/gm)].reduce(
      (t, [, from, to]) => t.replace(new RegExp(from, "g"), to),
      template,
    );
    expect(text).toContain(`BalancerMember http://${run.recordingIps["recording/t1/ir/t1ir1"]}:80 `);
    expect(text).not.toContain(".address.invalid");
    expect(text).not.toContain("t2rws1");
  });

  it("publishes each https recording node's name in the pair's private zone, at the node's private address", () => {
    const records = byType(run, "aws:route53/record:Record").filter((r) => r.name.startsWith("recording-pair-node-"));
    expect(records.map((r) => [r.name, r.inputs.name, r.inputs.type, r.inputs.records]).sort()).toContainEqual([
      "recording-pair-node-t1rws1",
      "t1rws1.recording.example.com",
      "A",
      [run.recordingIps["recording/t1/rws/t1rws1"]],
    ]);
    // Interaction Receiver and WebDAV are reached over http: addressed by IP, no name needed.
    expect(records.map((r) => r.name)).not.toContain("recording-pair-node-t1ir1");
    const zone = byName(run, "aws:route53/record:Record", "recording-pair-recording").inputs.zoneId;
    for (const record of records) expect(record.inputs.zoneId).toBe(zone);
  });

  it("stages the recording servers' CA bundle from recording.backendTls.caBundle, which httpd verifies members against", () => {
    const script = commandText(run, "ip1-stage-conf-recording-servers-ca.pem");
    const encoded = /printf '\\''%s'\\'' ([A-Za-z0-9+/=]+) \| base64 -d/.exec(script)![1];
    expect(Buffer.from(encoded, "base64").toString("utf8")).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/,
    );
    const main = Buffer.from(
      /printf '\\''%s'\\'' ([A-Za-z0-9+/=]+) \| base64 -d/.exec(commandText(run, "ip1-stage-conf-httpd.conf"))![1],
      "base64",
    ).toString("utf8");
    expect(main).toContain("SSLProxyCACertificateFile /etc/httpd/conf/recording-servers-ca.pem");
    expect(main).toContain("SSLProxyVerify require");
  });

  it("keeps secrets out of every plain input, and hands the SSH key only to the connection, as a secret", () => {
    const secretTexts = [...Object.values(TEST_SECRETS), TEST_AUTHKEY].map((s) => s.split("\n")[1] ?? s);
    for (const resource of run.resources) {
      for (const { path, text } of plainStrings(resource.inputs)) {
        for (const secret of secretTexts)
          expect(text.includes(secret), `${resource.type} ${resource.name}${path}`).toBe(false);
      }
    }
    for (const command of byType(run, COMMAND)) {
      expect(isSecret(command.inputs.connection)).toBe(true);
      expect((reveal(command.inputs.connection) as { privateKey: string }).privateKey).toBe(
        TEST_SECRETS["genesys:httpdHaPairSshPrivateKey"],
      );
    }
  });

  it("exports the runbook with both hosts' addresses and the VIP", () => {
    const runbook = pairOutputs(run).runbook;
    for (const instance of instances) expect(runbook).toContain(String(instance.state.privateIp));
    expect(runbook).toContain(`${PROD_VIP} (awsvip)`);
  });
});

describe("re-running with a changed stack", () => {
  let base: PairRun;
  beforeAll(() => {
    base = prod;
  });

  it("a new node in tenant t2 re-stages only t2's file and re-runs config; membership and cluster stay", async () => {
    const grown = await runPair((values) => {
      const rws = (values.recording as { tenants: Record<string, { rws: { nodes: Record<string, unknown> } }> }).tenants
        .t2.rws;
      rws.nodes.t2rws3 = { appName: "T2RWS3" };
    });
    expect(changedTriggers(base, grown)).toEqual([
      `${STEP}-ip1-config`,
      `${STEP}-ip1-stage-conf.d-loadbalancer_t2.conf`,
      `${STEP}-ip1-validate`,
      `${STEP}-ip2-config`,
      `${STEP}-ip2-stage-conf.d-loadbalancer_t2.conf`,
      `${STEP}-ip2-validate`,
    ]);
  });

  it("a new tenant adds its staging steps; existing files keep their triggers", async () => {
    const more = await runPair((values) => {
      const tenants = (values.recording as { tenants: Record<string, unknown> }).tenants;
      tenants.t3 = { rp: { nodes: { t3rp1: { appName: "T3RP1" }, t3rp2: { appName: "T3RP2" } } } };
    });
    const before = triggers(base);
    const added = [...triggers(more).keys()].filter((n) => !before.has(n)).sort();
    expect(added).toEqual([
      `${STEP}-ip1-stage-conf.d-loadbalancer_t3.conf`,
      `${STEP}-ip2-stage-conf.d-loadbalancer_t3.conf`,
    ]);
    // The main file includes the new tenant, so it is re-staged; t1 and t2 are not.
    expect(changedTriggers(base, more)).toEqual([
      `${STEP}-ip1-config`,
      `${STEP}-ip1-stage-conf-httpd.conf`,
      `${STEP}-ip1-validate`,
      `${STEP}-ip2-config`,
      `${STEP}-ip2-stage-conf-httpd.conf`,
      `${STEP}-ip2-validate`,
    ]);
  });

  it("a rotated SSH key re-runs no step: triggers stay, and the key change only runs each step's no-op update", async () => {
    const rotated = await runPair(undefined, {
      secrets: {
        [AUTHKEY_CONFIG]: TEST_AUTHKEY,
        "genesys:httpdHaPairSshPrivateKey":
          "-----BEGIN OPENSSH PRIVATE KEY-----\nrotated\n-----END OPENSSH PRIVATE KEY-----",
      },
    });
    expect(changedTriggers(base, rotated)).toEqual([]);
    for (const command of byType(rotated, COMMAND)) {
      expect(command.inputs.update).toBe("true");
      expect((reveal(command.inputs.connection) as { privateKey: string }).privateKey).toContain("rotated");
    }
  });

  it("a changed corosync token re-runs membership only; no httpd file or cluster resource is touched", async () => {
    const slower = await runPair(editPair((pair) => (pair.corosync.tokenMs = 5000)));
    expect(changedTriggers(base, slower)).toEqual([`${STEP}-ip1-member`, `${STEP}-ip2-member`]);
  });
});

describe("VIP agents", () => {
  it("aws-vpc-move-ip: routes the overlay IP in every private route table to the first host, source/dest check off, ReplaceRoute on those tables only", async () => {
    const run = await runPair(
      editPair((pair) => (pair.virtualIp = { agent: "aws-vpc-move-ip", address: OVERLAY_VIP })),
    );
    const tables = byType(run, "aws:ec2/routeTable:RouteTable").filter((t) => t.name.startsWith("genesys-private-"));
    const routes = byType(run, "aws:ec2/route:Route").filter((r) => r.name.startsWith("recording-pair-vip-"));
    const first = byName(run, INSTANCE, "recording-pair-ip1");
    expect(routes.map((r) => r.inputs.routeTableId).sort()).toEqual(tables.map((t) => t.id).sort());
    for (const route of routes)
      expect(route.inputs).toMatchObject({
        destinationCidrBlock: `${OVERLAY_VIP}/32`,
        networkInterfaceId: first.state.primaryNetworkInterfaceId,
      });
    for (const instance of hostsOf(run)) expect(instance.inputs.sourceDestCheck).toBe(false);
    expect(actionsOf(run)).toEqual(["ec2:DescribeRouteTables", "ec2:ReplaceRoute"]);
    const replace = policyOf(run).Statement.find((s) => s.Action.includes("ec2:ReplaceRoute"))!;
    expect([...(replace.Resource as string[])].sort()).toEqual(
      tables.map((t) => `arn:aws:ec2:eu-west-1:111122223333:route-table/${t.id}`).sort(),
    );
    expect(commandText(run, "cluster")).toContain(`routing_table=${tables.map((t) => t.id).join(",")}`);
    expect(byType(run, "aws:ec2/subnetCidrReservation:SubnetCidrReservation")).toEqual([]);
  });

  it("IPaddr2 (on-premises style, behind the NLB on AWS): no role, no AWS plumbing, no AWS CLI", async () => {
    const run = await runPair(
      editDevelopmentPair(
        (pair) => (
          (pair.virtualIp = { agent: "IPaddr2", address: "10.50.130.10" }),
          (pair.fronting = "nlb"),
          (pair.fencing = "none")
        ),
      ),
    );
    expect(byType(run, "aws:iam/role:Role")).toEqual([]);
    expect(byType(run, ROLE_POLICY)).toEqual([]);
    expect(byType(run, "aws:ec2/route:Route").filter((r) => r.name.startsWith("recording-pair"))).toEqual([]);
    expect(byType(run, "aws:ec2/subnetCidrReservation:SubnetCidrReservation")).toEqual([]);
    for (const instance of hostsOf(run)) expect(instance.inputs.iamInstanceProfile).toBeUndefined();
    expect(commandText(run, "ip1-install")).not.toContain("awscli");
    expect(commandText(run, "cluster")).toContain("ocf:heartbeat:IPaddr2");
  });
});

describe("operating systems and transports", () => {
  // RHEL 6 only where it can work: IPaddr2 (here behind an NLB, which reaches the hosts' own addresses).
  const rhel6 = (pair: Record<string, unknown>, corosync: Record<string, unknown>) => {
    pair.os = "rhel6";
    pair.corosync = corosync;
    pair.virtualIp = { agent: "IPaddr2", address: "10.50.130.10" };
    pair.fronting = "nlb";
  };

  it("rhel6 with udpu: the guide's yum packages and chkconfig, cman membership, no corosync.conf", async () => {
    const run = await runPair(
      editDevelopmentPair(
        (pair) => (
          rhel6(pair as Record<string, unknown>, { transport: "udpu", tokenMs: 3000 }),
          (pair.fencing = "none")
        ),
      ),
    );
    const install = commandText(run, "ip1-install");
    // prod's recording balancer speaks https to its servers: the guide's TLS step adds mod_ssl.
    expect(install).toContain("yum -y install httpd pacemaker cman pcs ccs resource-agents mod_ssl\n");
    expect(install).toContain("chkconfig httpd off");
    // prod serves its clients https: the host firewall, when one runs, admits 443 too.
    expect(install).toContain("-p tcp --dport 443");
    const member = commandText(run, "ip2-member");
    expect(member).toContain("ccs -f /etc/cluster/cluster.conf --setcman two_node=1 expected_votes=1 transport=udpu");
    expect(member).not.toContain("corosync.conf");
    expect(ingressRule(run, "recording-pair-corosync")).toMatchObject({ fromPort: 5404, toPort: 5406 });
    expect(byName(run, COMMAND, `${STEP}-ip1-member`).inputs.stdin).toBeUndefined();
  });

  it("rhel6 with plain-http recording servers and no client TLS (development) installs exactly the guide's package list", async () => {
    const run = await runPair(
      (values) => {
        values.environment = "development";
        (values.recording as Record<string, unknown>).backendScheme = "http";
        pairOf(values).os = "rhel6";
        pairOf(values).corosync = { transport: "udpu", tokenMs: 3000 };
        pairOf(values).virtualIp = { agent: "IPaddr2", address: "10.50.130.10" };
        pairOf(values).fencing = "none";
        pairOf(values).fronting = "nlb";
      },
      { secrets: WITHOUT_TLS },
    );
    expect(commandText(run, "ip1-install")).toContain("yum -y install httpd pacemaker cman pcs ccs resource-agents\n");
    expect(commandText(run, "ip1-install")).not.toContain("--dport 443");
  });

  it("rhel6 with multicast (its default transport) is refused before any host exists: a VPC carries no multicast", async () => {
    const failure = await runPair(
      editDevelopmentPair(
        (pair) => (rhel6(pair as Record<string, unknown>, { tokenMs: 3000 }), (pair.fencing = "none")),
      ),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    expect((failure as ProgramFailure).message).toContain("genesys:httpdHaPair.corosync.transport");
    expect((failure as ProgramFailure).message).toContain("set transport to udpu");
    expect(
      (failure as ProgramFailure).resources.filter((r) => r.type === INSTANCE && r.name.startsWith("recording-pair-")),
    ).toEqual([]);
  });

  it("rhel6 with an AWS VIP agent is refused before any host exists, naming the OS and the agent", async () => {
    const failure = await runPair(
      editPair((pair) => ((pair.os = "rhel6"), (pair.corosync = { transport: "udpu", tokenMs: 3000 }))),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    expect((failure as ProgramFailure).message).toContain(
      'genesys:httpdHaPair.os: "rhel6" cannot run httpdHaPair.virtualIp.agent "awsvip"',
    );
    expect((failure as ProgramFailure).resources.filter((r) => r.type === INSTANCE)).toEqual([]);
  });

  it("knet hands both nodes the shared authkey on standard input, as a secret", async () => {
    const run = await runPair(editPair((pair) => (pair.corosync = { transport: "knet", tokenMs: 3000 })));
    for (const node of ["ip1", "ip2"]) {
      const member = byName(run, COMMAND, `${STEP}-${node}-member`);
      expect(isSecret(member.inputs.stdin)).toBe(true);
      expect(reveal(member.inputs.stdin)).toBe(TEST_AUTHKEY);
      expect(commandText(run, `${node}-member`)).toContain("/etc/corosync/authkey");
    }
  });

  it("knet without the authkey secret fails naming the config key to set", async () => {
    const failure = await runPair(
      editPair((pair) => (pair.corosync = { transport: "knet", tokenMs: 3000 })),
      { secrets: {} },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String((failure as Error).message)).toContain(AUTHKEY_CONFIG);
  });
});

describe("fronting nlb", () => {
  let run: PairRun;
  beforeAll(async () => {
    run = await runPair(editPair((pair) => (pair.fronting = "nlb")));
  });

  it.each([
    ["http", 80],
    ["https", 443],
  ])(
    "puts an internal network load balancer over both hosts: a TCP %s listener on %i, health-checked on the port only the active host answers",
    (key, port) => {
      const lb = byType(run, "aws:lb/loadBalancer:LoadBalancer").find((l) => l.name === "recording-pair-nlb")!;
      expect(lb.inputs).toMatchObject({
        loadBalancerType: "network",
        internal: true,
        enableCrossZoneLoadBalancing: true,
      });
      const tg = byName(run, "aws:lb/targetGroup:TargetGroup", `recording-pair-nlb-${key}`);
      expect(tg.inputs).toMatchObject({
        protocol: "TCP",
        port,
        targetType: "instance",
        healthCheck: { protocol: "TCP", port: "traffic-port" },
      });
      const attached = byType(run, "aws:lb/targetGroupAttachment:TargetGroupAttachment").filter(
        (a) => a.inputs.targetGroupArn === tg.state.arn,
      );
      expect(attached.map((a) => a.inputs.targetId).sort()).toEqual(
        hostsOf(run)
          .map((i) => i.id)
          .sort(),
      );
      expect(attached.map((a) => a.inputs.port)).toEqual([port, port]);
      // TLS passes through: the listener is TCP, so httpd, not the NLB, holds the certificate.
      expect(byName(run, "aws:lb/listener:Listener", `recording-pair-nlb-${key}`).inputs).toMatchObject({
        port,
        protocol: "TCP",
        defaultActions: [{ type: "forward", targetGroupArn: tg.state.arn }],
      });
      expect(pairOutputs(run).endpoint).toBe(lb.state.dnsName);
    },
  );

  it.each([
    ["http", 80],
    ["https", 443],
  ])("admits %s on the hosts from the NLB's security group instead of the whole VPC", (key, port) => {
    const nlbSg = sgId(run, "recording-pair-nlb");
    expect(ingressRule(run, `recording-pair-${key}`)).toMatchObject({
      referencedSecurityGroupId: nlbSg,
      fromPort: port,
    });
    expect(ingressRule(run, `recording-pair-${key}`).cidrIpv4).toBeUndefined();
    expect(ingressRule(run, `recording-pair-nlb-${key}`)).toMatchObject({
      securityGroupId: nlbSg,
      cidrIpv4: "10.50.0.0/16",
      fromPort: port,
    });
  });
});

describe("client TLS", () => {
  /** Distinct from every other test secret, so a leak is attributable. */
  const TLS = {
    [TLS_KEY_CONFIG]:
      "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASC-key-only\n-----END PRIVATE KEY-----",
    [TLS_CERTIFICATE_CONFIG]:
      "-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIU-certificate-only\n-----END CERTIFICATE-----",
  };
  let run: PairRun;
  beforeAll(async () => {
    run = await runPair(undefined, { secrets: { [AUTHKEY_CONFIG]: TEST_AUTHKEY, ...TLS } });
  });

  const stagedText = (name: string) => {
    const encoded = /printf '\\''%s'\\'' ([A-Za-z0-9+/=]+) \| base64 -d/.exec(commandText(run, name))![1];
    return Buffer.from(encoded, "base64").toString("utf8");
  };

  it("renders httpd.conf with https on 443 from the RHEL certificate paths and the plain port redirecting", () => {
    const main = stagedText("ip1-stage-conf-httpd.conf");
    expect(main).toMatch(/^Listen 80\nListen 443 https$/m);
    expect(main).toContain("SSLCertificateFile /etc/pki/tls/certs/genesys-recording.crt\n");
    expect(main).toContain("SSLCertificateKeyFile /etc/pki/tls/private/genesys-recording.key\n");
    expect(main).toContain("SSLProtocol -all +TLSv1.2 +TLSv1.3\n");
    expect(main).toContain('RewriteRule "^" "https://%{SERVER_NAME}%{REQUEST_URI}" [R=301,L]');
    expect(stagedText("ip1-stage-conf.d-loadbalancer_t1.conf")).toContain("path=/t1; HttpOnly; Secure");
  });

  it("hands the certificate and key to their staging steps on standard input, as secrets; the key is staged 0600", () => {
    for (const node of ["ip1", "ip2"]) {
      for (const [step, config, path, mode] of [
        ["tls-certificate", TLS_CERTIFICATE_CONFIG, "/etc/pki/tls/certs/genesys-recording.crt", "0644"],
        ["tls-key", TLS_KEY_CONFIG, "/etc/pki/tls/private/genesys-recording.key", "0600"],
      ] as const) {
        const command = byName(run, COMMAND, `${STEP}-${node}-stage-${step}`);
        expect(isSecret(command.inputs.stdin)).toBe(true);
        expect(Buffer.from(String(reveal(command.inputs.stdin)), "base64").toString("utf8")).toBe(`${TLS[config]}\n`);
        expect(commandText(run, `${node}-stage-${step}`)).toContain(`/var/lib/genesys-httpd/outside${path}`);
        expect(commandText(run, `${node}-stage-${step}`)).toContain(`chmod ${mode} `);
        expect(run.dependsOn.get(`${STEP}-${node}-validate`)).toContain(`${STEP}-${node}-stage-${step}`);
      }
      // The config step validates the new httpd.conf together with the new certificate and key.
      expect(commandText(run, `${node}-config`)).toContain(
        "etc/pki/tls/certs/genesys-recording.crt etc/pki/tls/private/genesys-recording.key",
      );
    }
  });

  it("keeps the TLS key and certificate out of every plain input", () => {
    const secretTexts = Object.values(TLS).map((s) => s.split("\n")[1]);
    for (const resource of run.resources) {
      for (const { path, text } of plainStrings(resource.inputs)) {
        for (const secret of secretTexts) {
          expect(text.includes(secret), `${resource.type} ${resource.name}${path}`).toBe(false);
          expect(
            text.includes(Buffer.from(`${TLS[TLS_KEY_CONFIG]}\n`).toString("base64")),
            `${resource.type} ${resource.name}${path}`,
          ).toBe(false);
        }
      }
    }
  });

  it("a renewed certificate re-stages only the certificate and re-runs config", async () => {
    const renewed = await runPair(undefined, {
      secrets: {
        [AUTHKEY_CONFIG]: TEST_AUTHKEY,
        ...TLS,
        [TLS_CERTIFICATE_CONFIG]: "-----BEGIN CERTIFICATE-----\nrenewed\n-----END CERTIFICATE-----",
      },
    });
    expect(changedTriggers(run, renewed)).toEqual([
      `${STEP}-ip1-config`,
      `${STEP}-ip1-stage-tls-certificate`,
      `${STEP}-ip1-validate`,
      `${STEP}-ip2-config`,
      `${STEP}-ip2-stage-tls-certificate`,
      `${STEP}-ip2-validate`,
    ]);
  });

  it.each([
    ["both", [TLS_KEY_CONFIG, TLS_CERTIFICATE_CONFIG]],
    ["the key", [TLS_KEY_CONFIG]],
  ])("production without %s fails naming both secrets, before any host exists", async (_what, unset) => {
    const secrets: Record<string, string> = {
      [AUTHKEY_CONFIG]: TEST_AUTHKEY,
      ...TLS,
      ...Object.fromEntries(unset.map((k) => [k, ""])),
    };
    const failure = await runPair(undefined, { secrets }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    expect((failure as ProgramFailure).message).toContain("genesys:httpdTlsPrivateKey and genesys:httpdTlsCertificate");
    expect(
      (failure as ProgramFailure).resources.filter((r) => r.type === INSTANCE && r.name.startsWith("recording-pair-")),
    ).toEqual([]);
  });

  it("development without the TLS secrets serves plain HTTP only: no 443 rule, no certificate staged", async () => {
    const plain = await runPair((values) => (values.environment = "development"), { secrets: WITHOUT_TLS });
    expect(byType(plain, INGRESS).map((r) => r.name)).not.toContain("recording-pair-https");
    expect(
      byType(plain, COMMAND)
        .map((c) => c.name)
        .filter((n) => n.includes("tls")),
    ).toEqual([]);
    expect(commandText(plain, "ip1-install")).toContain("--add-service=http &&");
  });

  it("development with only one TLS secret fails naming the missing one", async () => {
    const failure = await runPair((values) => (values.environment = "development"), {
      secrets: { ...WITHOUT_TLS, [TLS_CERTIFICATE_CONFIG]: TLS[TLS_CERTIFICATE_CONFIG] },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as Error).message).toContain("genesys:httpdTlsPrivateKey is not set");
  });
});
