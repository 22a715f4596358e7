/**
 * What a first real `pulumi up` of the pair needs beyond the plan itself:
 * reaching the private hosts from outside the VPC (a bastion by default), a
 * DNS name for the recording hostname the outputs advertise, and a way to
 * replace a host that runs with termination protection.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadEnvironment } from "../../../core/model/load";
import { formatProblem } from "../../../core/model/problems";
import { ProgramFailure, type MockRun } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import { rawConfig, stackValues, TEST_SECRETS } from "../../support/program";
import { OFFLINE_SECRETS } from "../../../tools/offline-secrets";
import { byName, byType, reveal, runPair, type PairRun } from "./pair-harness";

const INSTANCE = "aws:ec2/instance:Instance";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const COMMAND = "command:remote:Command";
const ZONE = "aws:route53/zone:Zone";
const RECORD = "aws:route53/record:Record";
const KEY_PAIR = "aws:ec2/keyPair:KeyPair";

type Pair = Record<string, unknown> & { provisioning?: Record<string, unknown> };
const editPair = (change: (pair: Pair) => void) => (values: Record<string, unknown>) =>
  change(values.httpdHaPair as Pair);
const prodPair = stackValues("prod").httpdHaPair as Pair;
const ADMIN_CIDR = String(prodPair.adminCidr);
const HOSTNAME = String((stackValues("prod").recording as Record<string, unknown>).hostname);

const connectionOf = (command: RegisteredResource) =>
  reveal(command.inputs.connection) as {
    host: string;
    user: string;
    privateKey: string;
    proxy?: Record<string, unknown>;
  };
const rulesOf = (run: MockRun, type: string, sgName: string) =>
  byType(run, type).filter((r) => r.inputs.securityGroupId === byName(run, SG, sgName).id);
const hosts = (run: MockRun) =>
  byType(run, INSTANCE).filter(
    (i) => (i.inputs.tags as Record<string, string> | undefined)?.["genesys:cluster-node"] !== undefined,
  );
const pairOutputs = (run: MockRun) => run.outputs.httpdHaPair as Record<string, unknown>;

let prod: PairRun;
beforeAll(async () => {
  prod = await runPair();
});

describe("provisioning reaches the private hosts through a bastion (the default)", () => {
  it("creates a small bastion in the public subnet of the pair's zone: public address, IMDSv2, encrypted disk, the provisioning key, hardened sshd", () => {
    const bastion = byName(prod, INSTANCE, "recording-pair-bastion");
    expect(bastion.inputs).toMatchObject({
      instanceType: "t3.micro",
      associatePublicIpAddress: true,
      subnetId: byName(prod, "aws:ec2/subnet:Subnet", "genesys-public-eu-west-1a").id,
    });
    expect(bastion.inputs.metadataOptions).toMatchObject({ httpTokens: "required" });
    expect(bastion.inputs.rootBlockDevice).toMatchObject({ encrypted: true });
    expect(bastion.inputs.iamInstanceProfile).toBeUndefined();
    expect(String(bastion.inputs.userData)).toMatch(
      /PasswordAuthentication no[\s\S]*AllowTcpForwarding local[\s\S]*sshd -t/,
    );
    expect(bastion.state.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(pairOutputs(prod).bastionPublicIp).toBe(bastion.state.publicIp);
  });

  it("admits SSH into the bastion from adminCidr only, lets it open SSH to the pair only, and the pair admits SSH from the bastion only", () => {
    const bastionSg = byName(prod, SG, "recording-pair-bastion").id;
    const pairSg = byName(prod, SG, "recording-pair-hosts").id;
    expect(rulesOf(prod, INGRESS, "recording-pair-bastion").map((r) => r.inputs)).toEqual([
      expect.objectContaining({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: ADMIN_CIDR }),
    ]);
    expect(rulesOf(prod, EGRESS, "recording-pair-bastion").map((r) => r.inputs)).toEqual([
      expect.objectContaining({ ipProtocol: "tcp", fromPort: 22, toPort: 22, referencedSecurityGroupId: pairSg }),
    ]);
    const pairSsh = rulesOf(prod, INGRESS, "recording-pair-hosts").filter(
      (r) => Number(r.inputs.fromPort) <= 22 && Number(r.inputs.toPort) >= 22,
    );
    expect(pairSsh.map((r) => r.inputs)).toEqual([expect.objectContaining({ referencedSecurityGroupId: bastionSg })]);
    expect(pairSsh[0].inputs.cidrIpv4).toBeUndefined();
  });

  it("jumps through the bastion on every step, with the provisioning key, and starts only once the bastion and its rules exist", () => {
    const bastion = byName(prod, INSTANCE, "recording-pair-bastion");
    const commands = byType(prod, COMMAND);
    expect(commands.length).toBeGreaterThan(2);
    for (const command of commands) {
      expect(connectionOf(command).proxy, command.name).toMatchObject({
        host: bastion.state.publicIp,
        user: "ec2-user",
        privateKey: TEST_SECRETS["genesys:httpdHaPairSshPrivateKey"],
      });
      expect(hosts(prod).map((h) => h.state.privateIp)).toContain(connectionOf(command).host);
    }
    for (const node of ["ip1", "ip2"]) {
      expect(prod.dependsOn.get(`recording-pair-provisioning-${node}-install`)).toEqual(
        expect.arrayContaining([
          "recording-pair-bastion",
          "recording-pair-bastion-ssh",
          "recording-pair-bastion-to-pair",
          "recording-pair-ssh",
        ]),
      );
    }
  });

  it("with via: direct, dials the private addresses (a runner inside the VPC): no bastion, SSH from adminCidr", async () => {
    const run = await runPair(editPair((p) => (p.provisioning = { via: "direct" })));
    expect(byType(run, INSTANCE).map((i) => i.name)).not.toContain("recording-pair-bastion");
    for (const command of byType(run, COMMAND)) expect(connectionOf(command).proxy).toBeUndefined();
    expect(byName(run, INGRESS, "recording-pair-ssh").inputs).toMatchObject({ cidrIpv4: ADMIN_CIDR });
  });

  it("with an existing bastion, jumps through it with its own key when set (else the pair's), and creates none", async () => {
    const existing = { host: "bastion.example.net", user: "jump", port: 2222 };
    const bastionKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nbastion-test-key\n-----END OPENSSH PRIVATE KEY-----";
    const withKey = await runPair(
      editPair((p) => (p.provisioning = { existingBastion: existing })),
      {
        secrets: {
          ...TEST_SECRETS,
          "genesys:httpdHaPairCorosyncAuthkey": OFFLINE_SECRETS["genesys:httpdHaPairCorosyncAuthkey"] ?? "",
          "genesys:httpdHaPairBastionSshPrivateKey": bastionKey,
        },
      },
    );
    expect(byType(withKey, INSTANCE).map((i) => i.name)).not.toContain("recording-pair-bastion");
    for (const command of byType(withKey, COMMAND))
      expect(connectionOf(command).proxy).toMatchObject({ ...existing, privateKey: bastionKey });
    expect(byName(withKey, INGRESS, "recording-pair-ssh").inputs).toMatchObject({ cidrIpv4: ADMIN_CIDR });
    const withoutKey = await runPair(editPair((p) => (p.provisioning = { existingBastion: { host: "10.50.0.10" } })));
    expect(connectionOf(byType(withoutKey, COMMAND)[0]).proxy).toMatchObject({
      host: "10.50.0.10",
      user: "ec2-user",
      port: 22,
      privateKey: TEST_SECRETS["genesys:httpdHaPairSshPrivateKey"],
    });
  });

  it.each([
    [
      "an existing bastion with via: direct",
      { via: "direct", existingBastion: { host: "bastion.example.net" } },
      /httpdHaPair\.provisioning\.existingBastion: .*is set but provisioning\.via is direct/,
    ],
    [
      "a bastion host that is neither a DNS name nor an address",
      { existingBastion: { host: "bastion;rm -rf /" } },
      /httpdHaPair\.provisioning\.existingBastion\.host: "bastion;rm -rf \/" must be a lowercase DNS name/,
    ],
    ["an unknown path", { via: "vpn" }, /httpdHaPair\.provisioning\.via: "vpn"/],
  ])("rejects %s with the key path, before any resource exists", (_what, provisioning, message) => {
    const values = structuredClone(stackValues("prod"));
    (values.httpdHaPair as Pair).provisioning = provisioning;
    const loaded = loadEnvironment(rawConfig(values));
    expect(loaded.environment).toBeUndefined();
    expect(loaded.problems.map(formatProblem).join("\n")).toMatch(message);
  });
});

describe("a DNS name for the recording hostname", () => {
  it("puts an A record for the VIP in a private zone named after the hostname, attached to the VPC, and exports it", () => {
    const zone = byName(prod, ZONE, "recording-pair-recording-zone");
    expect(zone.state.zoneId).toMatch(/^Z[A-Z0-9]+$/);
    expect(zone.inputs).toMatchObject({
      name: HOSTNAME,
      vpcs: [{ vpcId: byName(prod, "aws:ec2/vpc:Vpc", "genesys-vpc").id }],
    });
    const record = byName(prod, RECORD, "recording-pair-recording");
    expect(record.inputs).toMatchObject({
      zoneId: zone.state.zoneId,
      name: HOSTNAME,
      type: "A",
      records: [String((prodPair.virtualIp as Record<string, unknown>).address)],
    });
    expect(record.inputs.aliases).toBeUndefined();
    // The site's public zone must not get the private address.
    expect(
      byType(prod, RECORD).filter(
        (r) => r.inputs.zoneId === (stackValues("prod").site as Record<string, unknown>).hostedZoneId,
      ),
    ).toEqual([]);
    expect(pairOutputs(prod)).toHaveProperty("recordingHostname");
  });

  it("with fronting: nlb, aliases the hostname to the internal NLB", async () => {
    const run = await runPair(editPair((p) => (p.fronting = "nlb")));
    const nlb = byType(run, "aws:lb/loadBalancer:LoadBalancer").find((lb) => lb.inputs.loadBalancerType === "network")!;
    const record = byName(run, RECORD, "recording-pair-recording");
    expect(record.inputs).toMatchObject({
      type: "A",
      name: HOSTNAME,
      aliases: [{ name: nlb.state.dnsName, zoneId: nlb.state.zoneId, evaluateTargetHealth: true }],
    });
    expect(record.inputs.records).toBeUndefined();
  });

  it("uses an existing private zone when privateHostedZoneId is set, creating none", async () => {
    const run = await runPair(editPair((p) => (p.privateHostedZoneId = "Z0PRIVATE123456789")));
    expect(byType(run, ZONE)).toEqual([]);
    expect(byName(run, RECORD, "recording-pair-recording").inputs).toMatchObject({
      zoneId: "Z0PRIVATE123456789",
      name: HOSTNAME,
    });
  });
});

/**
 * The engine against EC2 when a host is replaced or destroyed: pulumi-aws
 * terminates with the attributes of the resource's previous state, and EC2
 * refuses to terminate an instance with disableApiTermination unless the
 * provider lifts it first, which it does only when that state holds
 * forceDestroy (pulumi-aws 7 `forceDestroy` documentation). A key pair is
 * replaced when its public key changes (AWS cannot update it), and the hosts
 * launched with it are replaced with it.
 */
function terminations(
  before: MockRun,
  after: MockRun,
): { host: string; result: "terminated" | "OperationNotPermitted" }[] {
  const keyPairReplaced = byType(after, KEY_PAIR).some(
    (k) => byType(before, KEY_PAIR).find((old) => old.name === k.name)?.inputs.publicKey !== k.inputs.publicKey,
  );
  return hosts(before)
    .filter((old) => {
      const next = hosts(after).find((h) => h.name === old.name);
      return next === undefined || keyPairReplaced || next.inputs.subnetId !== old.inputs.subnetId;
    })
    .map((old) => ({
      host: old.name,
      result:
        old.inputs.disableApiTermination === true && old.inputs.forceDestroy !== true
          ? "OperationNotPermitted"
          : "terminated",
    }));
}

describe("replacing a host under termination protection", () => {
  const NEW_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJvdGF0ZWQta2V5LWZvci10aGUtaGEtcGFpci1ob3N0cw rotated@ops";

  it("a new provisioning key replaces both hosts; EC2 refuses while protection is on", async () => {
    const rotated = await runPair(editPair((p) => (p.sshPublicKey = NEW_KEY)));
    expect(hosts(prod).map((h) => h.inputs.disableApiTermination)).toEqual([true, true]);
    expect(terminations(prod, rotated)).toEqual([
      { host: "recording-pair-ip1", result: "OperationNotPermitted" },
      { host: "recording-pair-ip2", result: "OperationNotPermitted" },
    ]);
  });

  it("the documented path works: allowHostReplacement first (an in-place update), then the replacing change, then back off", async () => {
    const lifted = await runPair(editPair((p) => (p.allowHostReplacement = true)));
    expect(hosts(lifted).map((h) => h.inputs.forceDestroy)).toEqual([true, true]);
    // Step 1 replaces nothing: only forceDestroy differs on the hosts, and protection stays on against the console and API.
    expect(terminations(prod, lifted)).toEqual([]);
    for (const host of hosts(lifted)) {
      const before = hosts(prod).find((h) => h.name === host.name)!;
      expect({ ...host.inputs, forceDestroy: undefined }).toEqual({ ...before.inputs, forceDestroy: undefined });
      expect(host.inputs.disableApiTermination).toBe(true);
    }
    const rotated = await runPair(
      editPair((p) => Object.assign(p, { allowHostReplacement: true, sshPublicKey: NEW_KEY })),
    );
    expect(terminations(lifted, rotated).map((t) => t.result)).toEqual(["terminated", "terminated"]);
    const restored = await runPair(editPair((p) => (p.sshPublicKey = NEW_KEY)));
    expect(hosts(restored).map((h) => h.inputs.forceDestroy)).toEqual([false, false]);
  });

  it("documents the procedure in the runbook with this stack's names and URNs", () => {
    const runbook = String(pairOutputs(prod).runbook);
    expect(runbook).toContain("## Replacing a host");
    expect(runbook).toContain("OperationNotPermitted");
    expect(runbook).toContain("allowHostReplacement: true");
    expect(runbook).toContain(
      "pulumi up --stack prod --replace 'urn:pulumi:prod::genesys::genesys:httpd:HttpdHaPair$aws:ec2/instance:Instance::recording-pair-ip1'",
    );
    expect(runbook.indexOf("pcs node standby ip1")).toBeLessThan(runbook.indexOf("recording-pair-ip1'"));
  });

  it("says no procedure is needed without termination protection", async () => {
    const run = await runPair((values) => {
      values.hardening = { deletionProtection: false };
      values.environment = "development";
    });
    expect(hosts(run).map((h) => h.inputs.disableApiTermination)).toEqual([false, false]);
    expect(String(pairOutputs(run).runbook)).toMatch(/## Replacing a host\n\nThe hosts have no termination protection/);
  });

  it("rejects a non-boolean allowHostReplacement with the key path", async () => {
    const failure = await runPair(editPair((p) => (p.allowHostReplacement = "yes"))).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailure);
    expect(String((failure as ProgramFailure).cause)).toMatch(/httpdHaPair\.allowHostReplacement: "yes"/);
  });
});
