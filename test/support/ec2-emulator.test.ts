/**
 * The EC2 emulator is as strict as EC2 where the drill relies on it, checked
 * with the real AWS CLI (which signs with the role credentials it fetches
 * from the emulator's IMDSv2) on loopback: errors by AWS's codes, IAM by tag,
 * the instance state machine, AllowReassignment, unsigned requests and
 * IMDSv1 refused.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fencingStatements, vipAgentStatements } from "../../components/httpd-ha-pair/vip-permissions";
import { Ec2Emulator, listenEc2Emulator, type Ec2World } from "./ec2-emulator";
import { freePorts, waitFor } from "./ports";
import { REAL_SERVERS_OPTED_OUT, requireBinary, run } from "./real-servers";

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";
const arn = (kind: string, id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${kind}/${id}`;
const SELF = { id: "i-01111111111111111", eni: "eni-01111111111111111" };
const PEER = { id: "i-02222222222222222", eni: "eni-02222222222222222" };
const STRANGER = { id: "i-03333333333333333", eni: "eni-03333333333333333" };
const VIP = "127.0.0.100";

const world: Ec2World = {
  region: REGION,
  accountId: ACCOUNT,
  subnetCidr: "127.0.0.0/24",
  roleName: "pair-host",
  // The project's own statements for the pair's hosts.
  policy: [
    ...vipAgentStatements("awsvip", {
      networkInterfaceArns: [arn("network-interface", SELF.eni), arn("network-interface", PEER.eni)],
      routeTableArns: [],
    }),
    ...fencingStatements("fence_aws", arn("instance", "*"), "pair"),
  ],
  instances: [
    // The CLI calls from 127.0.0.1: the metadata service takes it for this instance.
    {
      id: SELF.id,
      privateIp: "127.0.0.1",
      networkInterfaceId: SELF.eni,
      mac: "02:00:00:00:00:01",
      tags: { "genesys:ha-pair": "pair" },
    },
    {
      id: PEER.id,
      privateIp: "127.0.0.2",
      networkInterfaceId: PEER.eni,
      mac: "02:00:00:00:00:02",
      tags: { "genesys:ha-pair": "pair" },
    },
    {
      id: STRANGER.id,
      privateIp: "127.0.0.3",
      networkInterfaceId: STRANGER.eni,
      mac: "02:00:00:00:00:03",
      tags: { "genesys:ha-pair": "other" },
    },
  ],
  // Longer than an AWS CLI call here (about 3 s on a loaded machine), so a call can land while the instance is stopping.
  stopMs: 10_000,
  startMs: 1_500,
};

describe.skipIf(REAL_SERVERS_OPTED_OUT)("EC2 emulator, driven by the real AWS CLI", () => {
  let dir: string;
  let close: () => Promise<void>;
  let emulator: Ec2Emulator;
  let env: NodeJS.ProcessEnv;
  let endpoint: string;
  let imds: string;
  const aws = requireBinary("aws", "awscli");
  const curl = requireBinary("curl", "curl");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gnx-ec2-"));
    const openssl = requireBinary("openssl", "openssl");
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    run(
      openssl,
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"].concat([
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ]),
    );
    const [apiPort, imdsPort] = await freePorts(2);
    emulator = new Ec2Emulator(world);
    close = await listenEc2Emulator(emulator, {
      apiAddress: "127.0.0.1",
      apiPort,
      apiHostname: "127.0.0.1",
      certFile: cert,
      keyFile: key,
      imdsAddress: "127.0.0.1",
      imdsPort,
    });
    endpoint = `https://127.0.0.1:${apiPort}`;
    imds = `http://127.0.0.1:${imdsPort}`;
    writeFileSync(join(dir, "config"), `[default]\nregion = ${REGION}\n`);
    env = {
      PATH: "/usr/bin:/bin",
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
      AWS_CA_BUNDLE: cert,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `${imds}/`,
      AWS_METADATA_SERVICE_TIMEOUT: "5",
    };
  }, 30_000);
  afterAll(async () => {
    await close?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(aws, ["--endpoint-url", endpoint, "ec2", ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      ),
    );
  const errorCode = (stderr: string) => /An error occurred \(([^)]+)\)/.exec(stderr)?.[1] ?? stderr;
  const addressesOf = async (id: string) =>
    (
      await cli(
        "describe-instances",
        "--instance-id",
        id,
        "--query",
        "Reservations[].Instances[].NetworkInterfaces[].PrivateIpAddresses[].PrivateIpAddress[]",
        "--output",
        "text",
      )
    ).stdout
      .split(/\s+/)
      .filter(Boolean);

  it(
    "signs with the role's credentials from IMDSv2 and answers awsvip's describe; unknown ids are InvalidInstanceID.NotFound",
    { timeout: 120_000 },
    async () => {
      expect(await addressesOf(SELF.id)).toEqual(["127.0.0.1"]);
      const missing = await cli("describe-instances", "--instance-id", "i-09999999999999999");
      expect(missing.code).not.toBe(0);
      expect(errorCode(missing.stderr)).toBe("InvalidInstanceID.NotFound");
      const other = await cli("describe-vpcs");
      expect(errorCode(other.stderr)).toBe("InvalidAction");
    },
  );

  it(
    "moves a secondary address only with AllowReassignment, and only inside the subnet",
    { timeout: 120_000 },
    async () => {
      expect(
        (await cli("assign-private-ip-addresses", "--network-interface-id", PEER.eni, "--private-ip-addresses", VIP))
          .code,
      ).toBe(0);
      const taken = await cli(
        "assign-private-ip-addresses",
        "--network-interface-id",
        SELF.eni,
        "--private-ip-addresses",
        VIP,
      );
      expect(errorCode(taken.stderr)).toBe("PrivateIpAddressInUse");
      expect(await addressesOf(PEER.id)).toContain(VIP);
      const moved = await cli(
        "assign-private-ip-addresses",
        "--network-interface-id",
        SELF.eni,
        "--private-ip-addresses",
        VIP,
        "--allow-reassignment",
      );
      expect(moved.code).toBe(0);
      expect(emulator.snapshot().secondary).toEqual({ [VIP]: SELF.eni });
      const outside = await cli(
        "assign-private-ip-addresses",
        "--network-interface-id",
        SELF.eni,
        "--private-ip-addresses",
        "10.0.0.5",
      );
      expect(errorCode(outside.stderr)).toBe("InvalidParameterValue");
      // The role may move the address only between the pair's two interfaces.
      const foreign = await cli(
        "assign-private-ip-addresses",
        "--network-interface-id",
        STRANGER.eni,
        "--private-ip-addresses",
        VIP,
        "--allow-reassignment",
      );
      expect(errorCode(foreign.stderr)).toBe("UnauthorizedOperation");
    },
  );

  it(
    "stops and starts only the pair's tagged instances, through stopping and pending",
    { timeout: 120_000 },
    async () => {
      const stranger = await cli("stop-instances", "--instance-ids", STRANGER.id, "--force");
      expect(errorCode(stranger.stderr)).toBe("UnauthorizedOperation");
      expect(emulator.snapshot().states[STRANGER.id]).toBe("running");

      const stop = await cli(
        "stop-instances",
        "--instance-ids",
        PEER.id,
        "--force",
        "--query",
        "StoppingInstances[0].CurrentState.Name",
        "--output",
        "text",
      );
      expect(stop.stdout.trim()).toBe("stopping");
      const early = await cli("start-instances", "--instance-ids", PEER.id);
      expect(errorCode(early.stderr)).toBe("IncorrectInstanceState");
      await waitFor(async () => emulator.snapshot().states[PEER.id] === "stopped", world.stopMs + 1_000, "the stop");
      const start = await cli(
        "start-instances",
        "--instance-ids",
        PEER.id,
        "--query",
        "StartingInstances[0].CurrentState.Name",
        "--output",
        "text",
      );
      expect(start.stdout.trim()).toBe("pending");
      await new Promise((r) => setTimeout(r, world.startMs + 200));
      expect(emulator.snapshot().states[PEER.id]).toBe("running");
    },
  );

  it("refuses unsigned requests and metadata reads without an IMDSv2 token", { timeout: 60_000 }, async () => {
    const call = (args: string[]) =>
      new Promise<string>((resolve) =>
        execFile(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", ...args], { env }, (_e, out) => resolve(out)),
      );
    expect(
      await call([
        "--cacert",
        String(env.AWS_CA_BUNDLE),
        "-d",
        "Action=DescribeInstances&Version=2016-11-15",
        `${endpoint}/`,
      ]),
    ).toBe("401");
    expect(await call([`${imds}/latest/meta-data/instance-id`])).toBe("401");
  });
});
