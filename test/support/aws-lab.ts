/**
 * The EC2 emulator (ec2-emulator.ts) inside a namespace lab: it runs in the
 * hub namespace, its endpoint `ec2.<region>.amazonaws.com` resolves to the hub
 * only inside the nodes' mount namespaces (a private /etc/hosts), it serves
 * HTTPS with a certificate of a test CA the nodes trust through
 * AWS_CA_BUNDLE, and the metadata address 169.254.169.254 is routed from each
 * node to the hub, where the emulator tells the instances apart by their
 * address. Nothing leaves the lab's namespaces.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { certificateAuthority, issued } from "./certificates";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Ec2Snapshot, Ec2World, EmulatorEvent, EmulatorListen } from "./ec2-emulator";
import type { NamespaceLab } from "./netns";
import { waitFor } from "./ports";
import { requireBinary } from "./real-servers";

export const IMDS_ADDRESS = "169.254.169.254";
const TSX = resolve(__dirname, "../../node_modules/tsx/dist/cli.mjs");

/** Every program the AWS side of the lab runs, or a loud error naming the missing package. */
export function awsTools() {
  return {
    aws: requireBinary("aws", "awscli"),
    fenceAws: requireBinary("fence_aws", "fence-agents (with python3-boto3)"),
    awsvip: (() => {
      const agent = "/usr/lib/ocf/resource.d/heartbeat/awsvip";
      if (!existsSync(agent))
        throw new Error(
          `${agent} is not installed (Debian package resource-agents). Run 'sudo bash scripts/install-debian-packages.sh', or set GENESYS_SKIP_REAL_SERVERS=1 to skip real-server tests explicitly.`,
        );
      return agent;
    })(),
  };
}

export class AwsLab {
  readonly events: EmulatorEvent[] = [];
  private readonly listeners = new Set<(event: EmulatorEvent) => void>();
  private snapshots: ((s: Ec2Snapshot) => void)[] = [];

  private constructor(
    readonly world: Ec2World,
    readonly hostname: string,
    /** The CA the nodes trust for the endpoint (AWS_CA_BUNDLE). */
    readonly caFile: string,
    /** /etc/hosts of every node: the endpoint at the hub. */
    readonly hostsFile: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts the emulator in `hub` (holding `hubAddress` on the nodes' subnet). */
  static async start(
    lab: NamespaceLab,
    hub: string,
    hubAddress: string,
    dir: string,
    world: Ec2World,
  ): Promise<AwsLab> {
    // The programs the nodes call the emulator with, or a loud error naming the missing package.
    awsTools();
    const hostname = `ec2.${world.region}.amazonaws.com`;
    const ca = certificateAuthority(dir, "aws-ca");
    const endpoint = issued(dir, "ec2", ca, hostname);
    lab.ip(hub, "addr", "add", `${IMDS_ADDRESS}/32`, "dev", "lo");
    const listen: EmulatorListen = {
      apiAddress: hubAddress,
      apiPort: 443,
      apiHostname: hostname,
      certFile: endpoint.cert,
      keyFile: endpoint.key,
      imdsAddress: IMDS_ADDRESS,
      imdsPort: 80,
    };
    const config = join(dir, "ec2-world.json");
    writeFileSync(config, JSON.stringify({ world, listen }));
    const hostsFile = join(dir, "hosts");
    writeFileSync(hostsFile, `127.0.0.1 localhost\n${hubAddress} ${hostname}\n`);
    const child = lab.spawnIn(hub, [process.execPath, TSX, resolve(__dirname, "ec2-emulator.ts"), config], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const aws = new AwsLab(world, hostname, ca.cert, hostsFile, child);
    let listening = false;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const event = JSON.parse(line) as EmulatorEvent | { kind: "listening" } | ({ kind: "snapshot" } & Ec2Snapshot);
      if (event.kind === "listening") listening = true;
      else if (event.kind === "snapshot") {
        const waiting = aws.snapshots;
        aws.snapshots = [];
        for (const resolve of waiting) resolve(event);
      } else {
        aws.events.push(event);
        for (const listener of aws.listeners) listener(event);
      }
    });
    await waitFor(async () => listening, 20_000, "the EC2 emulator to listen");
    return aws;
  }

  /** Routes the metadata address from `namespace` to the hub (EC2 answers it on every instance's link). */
  routeMetadata(lab: NamespaceLab, namespace: string, hubAddress: string): void {
    lab.ip(namespace, "route", "replace", `${IMDS_ADDRESS}/32`, "via", hubAddress);
  }

  /**
   * What a node's processes need in their environment: the test CA, and the
   * metadata client's patience for a loaded test machine (on EC2 the metadata
   * service answers in milliseconds; here it shares two cores with two clusters).
   */
  nodeEnvironment(): Record<string, string> {
    return {
      AWS_CA_BUNDLE: this.caFile,
      AWS_METADATA_SERVICE_TIMEOUT: "5",
      AWS_METADATA_SERVICE_NUM_ATTEMPTS: "3",
    };
  }

  onEvent(listener: (event: EmulatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The emulator's instance states and secondary address assignments now. */
  snapshot(): Promise<Ec2Snapshot> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the EC2 emulator did not answer a snapshot")), 10_000);
      this.snapshots.push((s) => {
        clearTimeout(timer);
        resolve(s);
      });
      this.child.stdin!.write(`${JSON.stringify({ op: "snapshot" })}\n`);
    });
  }
}
