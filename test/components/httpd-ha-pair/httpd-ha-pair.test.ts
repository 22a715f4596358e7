/**
 * The httpd HA pair on AWS under mocks, from the prod stack (awsvip, rhel8,
 * udpu) and edits of it: placement, network rules, IAM per VIP agent, the
 * provisioning steps, their order and their triggers, and secrets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ProgramFailure } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import { stackValues, TEST_SECRETS } from "../../support/program";
import { AUTHKEY_CONFIG, byName, byType, isSecret, plainStrings, reveal, runPair, TEST_AUTHKEY, type PairRun } from "./pair-harness";

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

const editPair =
  (change: (pair: Pair) => void) =>
  (values: Values): void =>
    change(pairOf(values));

function policyOf(run: PairRun): { Statement: { Action: string[]; Resource: string | string[] }[] } {
  return JSON.parse(String(byName(run, ROLE_POLICY, "recording-pair-vip-agent").inputs.policy));
}

const actionsOf = (run: PairRun) => policyOf(run).Statement.flatMap((s) => s.Action).sort();
const commandText = (run: PairRun, name: string) => String(reveal(byName(run, COMMAND, `${STEP}-${name}`).inputs.create));
/** The stack output deployEnvironment exports for the pair. */
const pairOutputs = (run: PairRun) => run.outputs.httpdHaPair as { endpoint: string; virtualIp: string; privateIps: Record<string, string>; runbook: string };
const ingressRule = (run: PairRun, name: string) => byName(run, INGRESS, name).inputs;
const sgId = (run: PairRun, name: string) => byName(run, SG, name).id;
/** The pair's two hosts (the recording nodes are instances too). */
const hostsOf = (run: PairRun) => byType(run, INSTANCE).filter((i) => i.name.startsWith("recording-pair-"));

/** Each command's triggers, serialized, by resource name. */
function triggers(run: PairRun): Map<string, string> {
  return new Map(byType(run, COMMAND).map((c) => [c.name, JSON.stringify(c.inputs.triggers)]));
}

/** Commands present in both runs whose triggers differ: what `pulumi up` would re-run. */
function changedTriggers(a: PairRun, b: PairRun): string[] {
  const before = triggers(a);
  return [...triggers(b)].filter(([name, t]) => before.has(name) && before.get(name) !== t).map(([name]) => name).sort();
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
    expect(pairOutputs(run).privateIps).toEqual(Object.fromEntries(instances.map((i) => [i.name.replace("recording-pair-", ""), i.state.privateIp])));
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

  it("admits corosync and pcsd only from the pair itself, HTTP from the VPC, SSH only from adminCidr", () => {
    const pairSg = sgId(run, "recording-pair-hosts");
    const rules = byType(run, INGRESS).filter((r) => r.inputs.securityGroupId === pairSg);
    expect(rules.map((r) => r.name).sort()).toEqual(["recording-pair-corosync", "recording-pair-http", "recording-pair-pcsd", "recording-pair-ssh"]);
    expect(ingressRule(run, "recording-pair-corosync")).toMatchObject({ ipProtocol: "udp", fromPort: 5404, toPort: 5406, referencedSecurityGroupId: pairSg });
    expect(ingressRule(run, "recording-pair-corosync").cidrIpv4).toBeUndefined();
    expect(ingressRule(run, "recording-pair-pcsd")).toMatchObject({ ipProtocol: "tcp", fromPort: 2224, toPort: 2224, referencedSecurityGroupId: pairSg });
    expect(ingressRule(run, "recording-pair-http")).toMatchObject({ ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "10.50.0.0/16" });
    const ssh = rules.filter((r) => r.inputs.fromPort === 22);
    expect(ssh.map((r) => r.inputs.cidrIpv4)).toEqual(["10.0.0.0/8"]);
    expect(rules.filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")).toEqual([]);
  });

  it("lets the recording nodes admit the pair, and only the pair, on every member port", () => {
    const nodesSg = sgId(run, "recording-nodes");
    const rules = byType(run, INGRESS).filter((r) => r.inputs.securityGroupId === nodesSg);
    expect(rules.map((r) => r.inputs.fromPort).sort((a, b) => Number(a) - Number(b))).toEqual([80, 8008, 8080, 8889]);
    for (const rule of rules) expect(rule.inputs).toMatchObject({ ipProtocol: "tcp", referencedSecurityGroupId: sgId(run, "recording-pair-hosts") });
  });

  it("grants awsvip exactly what the agent calls, on the two hosts' interfaces", () => {
    expect(actionsOf(run)).toEqual(["ec2:AssignPrivateIpAddresses", "ec2:DescribeInstances", "ec2:UnassignPrivateIpAddresses"]);
    const assign = policyOf(run).Statement.find((s) => s.Action.includes("ec2:AssignPrivateIpAddresses"))!;
    const enis = instances.map((i) => `arn:aws:ec2:eu-west-1:111122223333:network-interface/${i.state.primaryNetworkInterfaceId}`);
    expect(assign.Resource).toEqual(enis);
    const profile = byType(run, "aws:iam/instanceProfile:InstanceProfile")[0];
    for (const instance of instances) expect(instance.inputs.iamInstanceProfile).toBe(profile.inputs.name ?? profile.state.name);
  });

  it("reserves the VIP in the pair's subnet so EC2 never hands it to another interface", () => {
    const reservation = byName(run, "aws:ec2/subnetCidrReservation:SubnetCidrReservation", "recording-pair-vip");
    expect(reservation.inputs).toMatchObject({ cidrBlock: `${PROD_VIP}/32`, reservationType: "explicit", subnetId: instances[0].inputs.subnetId });
    expect(pairOutputs(run)).toMatchObject({ endpoint: PROD_VIP, virtualIp: PROD_VIP });
  });

  it("provisions each host over SSH at its private IP as sshUser, in the vendor guide's order", () => {
    for (const instance of instances) {
      const node = instance.name.replace("recording-pair-", "");
      const install = byName(run, COMMAND, `${STEP}-${node}-install`);
      expect(reveal(install.inputs.connection)).toMatchObject({ host: instance.state.privateIp, user: "ec2-user" });
      expect(commandText(run, `${node}-install`)).toContain("dnf -y install httpd mod_ssl pacemaker pcs resource-agents awscli");
      expect(commandText(run, `${node}-install`)).toContain("systemctl disable --now httpd");
      expect(commandText(run, `${node}-install`)).toContain("setsebool -P httpd_can_network_connect 1");
    }
    expect(commandText(run, "ip1-config")).toMatch(/-t -f[\s\S]*mv -f[\s\S]*kill -USR1/);
    expect(commandText(run, "ip1-member")).toContain("corosync.conf");
    expect(commandText(run, "cluster")).toContain("ocf:heartbeat:awsvip");
  });

  it("orders the steps: install -> stage -> config (validate, swap) -> member -> cluster, the cluster after both hosts and the VIP's AWS side", () => {
    const deps = (name: string) => run.dependsOn.get(`${STEP}-${name}`) ?? [];
    for (const node of ["ip1", "ip2"]) {
      const stages = byType(run, COMMAND).filter((c) => c.name.startsWith(`${STEP}-${node}-stage-`)).map((c) => c.name);
      expect(stages.length).toBe(3);
      for (const stage of stages) expect(run.dependsOn.get(stage)).toEqual([`${STEP}-${node}-install`]);
      expect([...deps(`${node}-config`)].sort()).toEqual([...stages].sort());
      expect(deps(`${node}-member`)).toEqual([`${STEP}-${node}-config`]);
    }
    expect([...deps("cluster")].sort()).toEqual([`${STEP}-ip1-member`, `${STEP}-ip2-member`, "recording-pair-vip", "recording-pair-vip-agent"].sort());
    expect(reveal(byName(run, COMMAND, `${STEP}-cluster`).inputs.connection)).toMatchObject({ host: instances.find((i) => i.name.endsWith("ip1"))!.state.privateIp });
  });

  it("stages one file per tenant: the main httpd.conf and loadbalancer_<tenant>.conf, with the recording nodes' addresses", () => {
    const stages = byType(run, COMMAND).filter((c) => c.name.startsWith(`${STEP}-ip1-stage-`)).map((c) => c.name.replace(`${STEP}-ip1-stage-`, ""));
    expect(stages.sort()).toEqual(["conf-httpd.conf", "conf.d-loadbalancer_t1.conf", "conf.d-loadbalancer_t2.conf"]);
    const script = commandText(run, "ip1-stage-conf.d-loadbalancer_t1.conf");
    const encoded = /printf '\\''%s'\\'' ([A-Za-z0-9+/=]+) \| base64 -d/.exec(script)![1];
    const text = Buffer.from(encoded, "base64").toString("utf8");
    expect(text).toContain(`BalancerMember https://${run.recordingIps.t1rws1}:8080`);
    expect(text).not.toContain("t2rws1");
  });

  it("keeps secrets out of every plain input, and hands the SSH key only to the connection, as a secret", () => {
    const secretTexts = [...Object.values(TEST_SECRETS), TEST_AUTHKEY].map((s) => s.split("\n")[1] ?? s);
    for (const resource of run.resources) {
      for (const { path, text } of plainStrings(resource.inputs)) {
        for (const secret of secretTexts) expect(text.includes(secret), `${resource.type} ${resource.name}${path}`).toBe(false);
      }
    }
    for (const command of byType(run, COMMAND)) {
      expect(isSecret(command.inputs.connection)).toBe(true);
      expect((reveal(command.inputs.connection) as { privateKey: string }).privateKey).toBe(TEST_SECRETS["genesys:httpdHaPairSshPrivateKey"]);
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
      const rws = (values.recording as { tenants: Record<string, { rws: { nodes: Record<string, unknown> } }> }).tenants.t2.rws;
      rws.nodes.t2rws3 = { appName: "T2RWS3" };
    });
    expect(changedTriggers(base, grown)).toEqual([`${STEP}-ip1-config`, `${STEP}-ip1-stage-conf.d-loadbalancer_t2.conf`, `${STEP}-ip2-config`, `${STEP}-ip2-stage-conf.d-loadbalancer_t2.conf`]);
  });

  it("a new tenant adds its staging steps; existing files keep their triggers", async () => {
    const more = await runPair((values) => {
      const tenants = (values.recording as { tenants: Record<string, unknown> }).tenants;
      tenants.t3 = { rp: { nodes: { t3rp1: { appName: "T3RP1" }, t3rp2: { appName: "T3RP2" } } } };
    });
    const before = triggers(base);
    const added = [...triggers(more).keys()].filter((n) => !before.has(n)).sort();
    expect(added).toEqual([`${STEP}-ip1-stage-conf.d-loadbalancer_t3.conf`, `${STEP}-ip2-stage-conf.d-loadbalancer_t3.conf`]);
    // The main file includes the new tenant, so it is re-staged; t1 and t2 are not.
    expect(changedTriggers(base, more)).toEqual([`${STEP}-ip1-config`, `${STEP}-ip1-stage-conf-httpd.conf`, `${STEP}-ip2-config`, `${STEP}-ip2-stage-conf-httpd.conf`]);
  });

  it("a rotated SSH key re-runs no step: triggers stay, and the key change only runs each step's no-op update", async () => {
    const rotated = await runPair(undefined, { secrets: { [AUTHKEY_CONFIG]: TEST_AUTHKEY, "genesys:httpdHaPairSshPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nrotated\n-----END OPENSSH PRIVATE KEY-----" } });
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
    const run = await runPair(editPair((pair) => (pair.virtualIp = { agent: "aws-vpc-move-ip", address: OVERLAY_VIP })));
    const tables = byType(run, "aws:ec2/routeTable:RouteTable").filter((t) => t.name.startsWith("genesys-private-"));
    const routes = byType(run, "aws:ec2/route:Route").filter((r) => r.name.startsWith("recording-pair-vip-"));
    const first = byName(run, INSTANCE, "recording-pair-ip1");
    expect(routes.map((r) => r.inputs.routeTableId).sort()).toEqual(tables.map((t) => t.id).sort());
    for (const route of routes) expect(route.inputs).toMatchObject({ destinationCidrBlock: `${OVERLAY_VIP}/32`, networkInterfaceId: first.state.primaryNetworkInterfaceId });
    for (const instance of hostsOf(run)) expect(instance.inputs.sourceDestCheck).toBe(false);
    expect(actionsOf(run)).toEqual(["ec2:DescribeRouteTables", "ec2:ReplaceRoute"]);
    const replace = policyOf(run).Statement.find((s) => s.Action.includes("ec2:ReplaceRoute"))!;
    expect([...(replace.Resource as string[])].sort()).toEqual(tables.map((t) => `arn:aws:ec2:eu-west-1:111122223333:route-table/${t.id}`).sort());
    expect(commandText(run, "cluster")).toContain(`routing_table=${tables.map((t) => t.id).join(",")}`);
    expect(byType(run, "aws:ec2/subnetCidrReservation:SubnetCidrReservation")).toEqual([]);
  });

  it("IPaddr2 (on-premises style): no role, no AWS plumbing, no AWS CLI", async () => {
    const run = await runPair(editPair((pair) => (pair.virtualIp = { agent: "IPaddr2", address: "10.50.130.10" })));
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
  it("rhel6 with udpu: the guide's yum packages and chkconfig, cman membership, no corosync.conf", async () => {
    const run = await runPair(editPair((pair) => ((pair.os = "rhel6"), (pair.corosync = { transport: "udpu", tokenMs: 3000 }))));
    const install = commandText(run, "ip1-install");
    // prod's recording balancer speaks https to its servers: the guide's TLS step adds mod_ssl.
    expect(install).toContain("yum -y install httpd pacemaker cman pcs ccs resource-agents mod_ssl awscli\n");
    expect(install).toContain("chkconfig httpd off");
    const member = commandText(run, "ip2-member");
    expect(member).toContain("ccs -f /etc/cluster/cluster.conf --setcman two_node=1 expected_votes=1 transport=udpu");
    expect(member).not.toContain("corosync.conf");
    expect(ingressRule(run, "recording-pair-corosync")).toMatchObject({ fromPort: 5404, toPort: 5406 });
    expect(byName(run, COMMAND, `${STEP}-ip1-member`).inputs.stdin).toBeUndefined();
  });

  it("rhel6 with plain-http recording servers installs exactly the guide's package list", async () => {
    const run = await runPair((values) => {
      (values.recording as Record<string, unknown>).backendScheme = "http";
      pairOf(values).os = "rhel6";
      pairOf(values).corosync = { transport: "udpu", tokenMs: 3000 };
      pairOf(values).virtualIp = { agent: "IPaddr2", address: "10.50.130.10" };
      pairOf(values).fronting = "nlb";
    });
    expect(commandText(run, "ip1-install")).toContain("yum -y install httpd pacemaker cman pcs ccs resource-agents\n");
  });

  it("rhel6 with multicast (its default transport) is refused before any host exists: a VPC carries no multicast", async () => {
    const failure = await runPair(editPair((pair) => ((pair.os = "rhel6"), (pair.corosync = { tokenMs: 3000 })))).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    expect((failure as ProgramFailure).message).toContain("genesys:httpdHaPair.corosync.transport");
    expect((failure as ProgramFailure).message).toContain("set transport to udpu");
    expect((failure as ProgramFailure).resources.filter((r) => r.type === INSTANCE && r.name.startsWith("recording-pair-"))).toEqual([]);
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
    const failure = await runPair(editPair((pair) => (pair.corosync = { transport: "knet", tokenMs: 3000 })), { secrets: {} }).then(
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

  it("puts an internal network load balancer over both hosts, health-checked on the HTTP port only the active host answers", () => {
    const lb = byType(run, "aws:lb/loadBalancer:LoadBalancer").find((l) => l.name === "recording-pair-nlb")!;
    expect(lb.inputs).toMatchObject({ loadBalancerType: "network", internal: true, enableCrossZoneLoadBalancing: true });
    const tg = byName(run, "aws:lb/targetGroup:TargetGroup", "recording-pair-nlb-http");
    expect(tg.inputs).toMatchObject({ protocol: "TCP", port: 80, targetType: "instance", healthCheck: { protocol: "TCP", port: "traffic-port" } });
    const attached = byType(run, "aws:lb/targetGroupAttachment:TargetGroupAttachment").map((a) => a.inputs.targetId).sort();
    expect(attached).toEqual(hostsOf(run).map((i) => i.id).sort());
    expect(pairOutputs(run).endpoint).toBe(lb.state.dnsName);
  });

  it("admits HTTP on the hosts from the NLB's security group instead of the whole VPC", () => {
    const nlbSg = sgId(run, "recording-pair-nlb");
    expect(ingressRule(run, "recording-pair-http")).toMatchObject({ referencedSecurityGroupId: nlbSg });
    expect(ingressRule(run, "recording-pair-http").cidrIpv4).toBeUndefined();
    expect(ingressRule(run, "recording-pair-nlb-http")).toMatchObject({ securityGroupId: nlbSg, cidrIpv4: "10.50.0.0/16", fromPort: 80 });
  });
});
