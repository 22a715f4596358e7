/**
 * The production chain's drill (root): the pair as the project renders it for
 * production (awsvip + IPaddr2 + apache, fenced by fence_aws), on real
 * Corosync/Pacemaker in network namespaces, with Debian's real awsvip and
 * fence_aws calling the EC2 emulator (aws-lab.ts). The cluster step is the
 * rendered provisioning script itself (build the desired CIB with the
 * rendered `pcs -f` commands, push the difference), not hand-written pcs.
 *
 * The emulator's instance states have effect: when an instance starts
 * stopping, its node is powered off (its link goes down and every process of
 * its PID namespace is killed, its addresses go with it); when it starts
 * again, the node boots with its disk (CIB, corosync.conf) as it was.
 *
 * One cluster runs the scenarios in order, each asserting on what a user sees
 * (the VIP answering, from which node), what the cluster reports and what
 * the EC2 API holds:
 * - death: the active node dies; it is fenced, the secondary address moves
 *   to the survivor's interface and the VIP answers from the survivor;
 * - rejoin: the fenced instance is started again (as an operator would);
 *   it rejoins and takes nothing back;
 * - hung: httpd on the active node is frozen (SIGSTOP); its monitor fails
 *   and the chain moves;
 * - rerun: the cluster step runs again while a client polls the VIP;
 * - partition: the link between the nodes is cut, both stay alive and reach
 *   the EC2 API; one node is fenced and the VIP is never held twice.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterResourcesScript, installScript } from "../../components/httpd-ha-pair/host-scripts";
import { fencingStatements, vipAgentStatements } from "../../components/httpd-ha-pair/vip-permissions";
import type { Environment, HttpdHaPair } from "../../core/model/environment";
import { clusterSetup } from "../../core/render/cluster/cluster-setup";
import {
  CLUSTER_RESOURCES,
  constraintIds,
  managedResources,
  resourceChain,
} from "../../core/render/cluster/pcs-commands";
import { AwsLab } from "./aws-lab";
import {
  askVip as askVipFromHub,
  bootNode,
  cutNode,
  drillNetwork,
  drillSite,
  drillTools,
  HUB_ADDRESS,
  initialCib,
  inNode,
  NODE_SCRIPT,
  nodeDiagnostics,
  onlineIn,
  parseMonitorPlacement,
  prepareNodeDisk,
  productionEnvironment,
  startBackends,
  SUBNET,
  VIRTUAL_IP,
  type DrillNode,
  type VipAnswer,
} from "./cluster";
import type { Ec2World, EmulatorEvent } from "./ec2-emulator";
import { NamespaceLab } from "./netns";
import { waitFor } from "./ports";

export type Scenario = "death" | "rejoin" | "hung" | "rerun" | "partition";
export const ALL_SCENARIOS: readonly Scenario[] = ["death", "rejoin", "hung", "rerun", "partition"];

export interface ProdChainDrillOptions {
  /** The production pair: node names, transport and token are kept; the VIP moves to the drill subnet. */
  readonly pair: HttpdHaPair;
  readonly environment?: Environment;
  /** Run in this order on one cluster. @default ALL_SCENARIOS */
  readonly scenarios?: readonly Scenario[];
  /** Bound of the whole drill, set-up included. @default 900000 */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** The parts of a failover after a node's death, from the EC2 API's and the client's clocks. */
export interface FailoverParts {
  /** Node lost until the survivor's StopInstances: token, consensus and the fencing delay. */
  readonly detectionSeconds: number;
  /** StopInstances until the instance is stopped. */
  readonly fencingSeconds: number;
  /** Instance stopped until the VIP answers: fence_aws confirms, awsvip moves the address, IPaddr2 and apache start. */
  readonly chainStartSeconds: number;
  readonly totalSeconds: number;
}

export interface DeathResult {
  readonly failed: string;
  readonly survivor: string;
  readonly before: VipAnswer;
  readonly after: VipAnswer;
  readonly parts: FailoverParts;
  /** Chain resource -> node, on the survivor after the failover. */
  readonly placement: Record<string, string>;
  /** Node whose interface holds the VIP in the EC2 API, before and after. */
  readonly addressHolderBefore?: string;
  readonly addressHolderAfter?: string;
  readonly failedInstanceState: string;
  /** StopInstances calls that succeeded: caller node -> count. */
  readonly stopCalls: Record<string, number>;
}

export interface RejoinResult {
  readonly rejoined: string;
  readonly onlineAfterSeconds: number;
  readonly placement: Record<string, string>;
  /** Address assignments the EC2 API saw from the start request until the cluster settled. */
  readonly assignments: number;
  /** Most nodes holding the VIP in one sample. */
  readonly maxHolders: number;
}

export interface HungResult {
  readonly hung: string;
  readonly movedTo: string;
  readonly seconds: number;
  readonly placement: Record<string, string>;
  readonly addressHolderAfter?: string;
  readonly stopCalls: number;
}

export interface RerunResult {
  readonly polls: number;
  readonly answered: number;
  readonly answeredBy: string[];
  readonly seconds: number;
  readonly assignments: number;
  readonly placement: Record<string, string>;
}

export interface PartitionResult {
  readonly active: string;
  readonly passive: string;
  /** Instance state per node once the partition settled. */
  readonly states: Record<string, string>;
  /** Successful StopInstances: caller -> target node. */
  readonly stops: { caller: string; target: string }[];
  readonly samples: number;
  readonly maxHolders: number;
  /** Every interface the EC2 API assigned the VIP to during the partition. */
  readonly addressHolders: string[];
  readonly vipPolls: number;
  readonly vipAnswered: number;
}

export interface ProdChainDrillResult {
  readonly tokenMs: number;
  readonly startupSeconds: number;
  readonly clusterStepSeconds: number;
  readonly death?: DeathResult;
  readonly rejoin?: RejoinResult;
  readonly hung?: HungResult;
  readonly rerun?: RerunResult;
  readonly partition?: PartitionResult;
}

/** Sends signal $1 to httpd's process group, named by the pid file; refuses when httpd does not lead its group. */
const HTTPD_GROUP_SIGNAL = `pid=$(cat /run/httpd.pid) && pgid=$(ps -o pgid= -p "$pid" | tr -d ' ') && [ "$pgid" = "$pid" ] && kill -"$1" "-$pgid"`;

const REGION_ACCOUNT = "111122223333";
const PAIR_NAME = "recording-ha";
/** Force stop and boot, in the emulator: short, so the drill measures the cluster rather than EC2's own pace. */
const STOP_MS = 2_000;
const START_MS = 3_000;

interface AwsNode extends DrillNode {
  readonly instanceId: string;
  readonly eni: string;
  poweredOn: boolean;
}

/** Runs the drill once; every namespace and process it made is gone when it settles. */
export async function prodChainDrill(opts: ProdChainDrillOptions): Promise<ProdChainDrillResult> {
  const lab = new NamespaceLab();
  const root = mkdtempSync(join(tmpdir(), "gnx-awsdrill-"));
  try {
    return await drill(opts, lab, root, opts.log ?? (() => undefined));
  } finally {
    await lab.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}

async function drill(
  opts: ProdChainDrillOptions,
  lab: NamespaceLab,
  root: string,
  log: (line: string) => void,
): Promise<ProdChainDrillResult> {
  const tools = drillTools();
  if (opts.pair.os !== "rhel8") throw new Error("the drill runs the RHEL 8 form (corosync.conf)");
  const deadline = Date.now() + (opts.timeoutMs ?? 900_000);
  const remaining = (what: string) => {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the production-chain drill ran out of time before ${what}`);
    return left;
  };
  const environment = opts.environment ?? productionEnvironment();
  const region = environment.region;

  const network = drillNetwork(
    lab,
    root,
    opts.pair.nodes.map((n) => n.key),
  );
  const hub = network.hub;
  const nodes: AwsNode[] = network.nodes.map((node, i) => {
    const digit = String(i + 1);
    return Object.assign(node, {
      instanceId: `i-0${digit.repeat(16)}`,
      eni: `eni-0${digit.repeat(16)}`,
      poweredOn: false,
    });
  });
  const byInstance = new Map(nodes.map((n) => [n.instanceId, n]));
  const byEni = new Map(nodes.map((n) => [n.eni, n]));
  const byName = new Map(nodes.map((n) => [n.name, n]));

  // The project's own IAM statements for the hosts' role: the drill fails if they do not allow what the agents do.
  const arn = (kind: string, id: string) => `arn:aws:ec2:${region}:${REGION_ACCOUNT}:${kind}/${id}`;
  const world: Ec2World = {
    region,
    accountId: REGION_ACCOUNT,
    subnetCidr: `${SUBNET}.0/24`,
    roleName: `${PAIR_NAME}-host`,
    policy: [
      ...vipAgentStatements("awsvip", {
        networkInterfaceArns: nodes.map((n) => arn("network-interface", n.eni)),
        routeTableArns: [],
      }),
      ...fencingStatements("fence_aws", arn("instance", "*"), PAIR_NAME),
    ],
    instances: nodes.map((n, i) => ({
      id: n.instanceId,
      privateIp: n.address,
      networkInterfaceId: n.eni,
      mac: `02:00:0a:d5:07:0${i + 1}`,
      tags: { Name: `${PAIR_NAME}-${n.name}`, "genesys:cluster-node": n.name, "genesys:ha-pair": PAIR_NAME },
    })),
    stopMs: STOP_MS,
    startMs: START_MS,
  };
  const aws = await AwsLab.start(lab, hub, HUB_ADDRESS, root, world);
  for (const node of nodes) aws.routeMetadata(lab, node.namespace, HUB_ADDRESS);
  log(`namespaces ${lab.prefix}-{hub,a,b}; EC2 emulator for ${region} in the hub`);

  // httpd: the rendered recording balancer, members are TLS stubs in the hub (as in the IPaddr2 drill).
  const { httpdConf, certificate, backends, hostsFile } = drillSite(environment, root, tools);

  // The production pair, its VIP on the drill subnet; fencing and the agents as rendered for production.
  const pair: HttpdHaPair = {
    ...opts.pair,
    virtualIp: { ...opts.pair.virtualIp, address: VIRTUAL_IP, cidrNetmask: 24, nic: "eth0" },
  };
  if (pair.virtualIp.agent !== "awsvip" || pair.fencing !== "fence_aws")
    throw new Error(
      `the drill runs the production chain (awsvip, fence_aws); the pair has ${pair.virtualIp.agent}, ${pair.fencing}`,
    );
  const setup = clusterSetup(pair, {
    addresses: Object.fromEntries(nodes.map((n) => [n.name, n.address])),
    httpdConfigFile: httpdConf,
    instanceIds: Object.fromEntries(nodes.map((n) => [n.name, n.instanceId])),
    region,
  });
  const clusterStep = clusterResourcesScript(setup.oneNode, {
    resources: managedResources(pair),
    constraints: constraintIds(pair),
    workDir: "/run/genesys-cib",
    waitSeconds: 60,
  });

  // The AWS CLI's config as the install script writes it (region for `aws --profile default`).
  const awsConfig = /\/root\/\.aws\/config/.test(installScript(pair, region, { backend: true, client: false }))
    ? `[default]\nregion = ${region}\n`
    : undefined;
  if (!awsConfig)
    throw new Error("the install script no longer writes /root/.aws/config; the drill's hosts would have no region");

  const cib = await initialCib(root, tools, setup);
  // The recording nodes and the EC2 endpoint resolve to the hub.
  const hosts = `${hostsFile}${readFileSync(aws.hostsFile, "utf8").replace(/^127\.0\.0\.1 .*\n/m, "")}`;
  for (const node of nodes) {
    prepareNodeDisk(node, root, setup, cib, hosts);
    writeFileSync(join(node.dir, "aws-config"), awsConfig, { mode: 0o600 });
  }
  await startBackends(lab, hub, root, { certificate, backends }, 10_000);

  // A node: its hosts file (the EC2 endpoint), a private /root with the CLI config, then corosync and pacemakerd.
  const nodeScript = NODE_SCRIPT.replace(
    "node_dir=$1\n",
    [
      "node_dir=$1",
      "mount -t tmpfs -o mode=0700 tmpfs /root",
      "mkdir -m 0700 /root/.aws",
      'cp "$node_dir/aws-config" /root/.aws/config',
      "",
    ].join("\n"),
  );
  if (nodeScript === NODE_SCRIPT) throw new Error("the node script changed; the drill cannot add its AWS set-up");
  const nodeEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/root",
    LC_ALL: "C",
    ...aws.nodeEnvironment(),
  };
  for (const proxy of ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"])
    delete nodeEnv[proxy];

  const powerOn = async (node: AwsNode) => {
    if (node.poweredOn) return;
    lab.ip(node.namespace, "link", "set", "eth0", "up");
    aws.routeMetadata(lab, node.namespace, HUB_ADDRESS);
    node.poweredOn = true;
    await bootNode(lab, node, nodeScript, { env: nodeEnv, timeoutMs: 10_000 });
  };
  /** Power off: the link goes, every process of the node dies, the addresses the OS held go with it. */
  const powerOff = async (node: AwsNode) => {
    if (!node.poweredOn) return;
    node.poweredOn = false;
    await cutNode(lab, node);
    try {
      lab.ip(node.namespace, "addr", "del", `${VIRTUAL_IP}/24`, "dev", "eth0");
    } catch {
      // it did not hold the VIP
    }
  };
  let power = Promise.resolve();
  aws.onEvent((event) => {
    if (event.kind !== "state") return;
    const node = byInstance.get(event.instance);
    if (!node) return;
    if (event.state === "stopping")
      power = power.then(() => powerOff(node)).catch((e: Error) => log(`power off ${node.name}: ${e.message}`));
    if (event.state === "pending")
      power = power.then(() => powerOn(node)).catch((e: Error) => log(`power on ${node.name}: ${e.message}`));
  });

  const inAwsNode = (node: AwsNode, argv: readonly string[], timeoutMs = 20_000) => {
    if (!node.poweredOn) throw new Error(`${node.name} is powered off`);
    return inNode(lab, node, argv, timeoutMs, nodeEnv);
  };
  const crmMon = async (node: AwsNode) =>
    (await inAwsNode(node, [tools.crmMon, "--output-as=xml", "-1"], 10_000)).stdout;
  const chain = resourceChain(pair);
  const chainPlacement = async (node: AwsNode) => {
    const all = parseMonitorPlacement(await crmMon(node));
    return Object.fromEntries(chain.filter((r) => all[r] !== undefined).map((r) => [r, all[r]]));
  };
  const diagnostics = (error: Error) =>
    new Error(`${error.message}\n${nodeDiagnostics(nodes)}\nEC2 calls: ${JSON.stringify(aws.events.slice(-30))}`);

  const started = Date.now();
  for (const node of nodes) await powerOn(node);
  await waitFor(
    async () => onlineIn(await crmMon(nodes[0])).length === 2,
    remaining("both nodes joined"),
    "both nodes online",
    250,
  ).catch((e: Error) => {
    throw diagnostics(e);
  });
  const startupSeconds = (Date.now() - started) / 1000;
  log(`both nodes online after ${startupSeconds.toFixed(1)} s`);

  const runClusterStep = async (node: AwsNode) => {
    const result = await inAwsNode(node, ["sh", "-c", clusterStep], Math.min(300_000, remaining("the cluster step")));
    if (result.code !== 0)
      throw new Error(`the cluster step failed on ${node.name} (${result.code}):\n${result.stderr}${result.stdout}`);
  };
  const stepStarted = Date.now();
  await runClusterStep(nodes[0]);
  const clusterStepSeconds = (Date.now() - stepStarted) / 1000;
  log(`cluster step (CIB diff push) applied in ${clusterStepSeconds.toFixed(1)} s`);

  const askVip = () => askVipFromHub(lab, hub, tools, nodes, { connectSeconds: 0.5, maxSeconds: 1.5 });
  const holder = async (): Promise<string | undefined> => {
    const eni = (await aws.snapshot()).secondary[VIRTUAL_IP];
    return eni === undefined ? undefined : byEni.get(eni)?.name;
  };
  const settled = async (node: AwsNode, what: string, check: (p: Record<string, string>) => boolean) => {
    let placement: Record<string, string> = {};
    await waitFor(
      async () => {
        placement = await chainPlacement(node);
        return check(placement);
      },
      remaining(what),
      what,
      500,
    ).catch((e: Error) => {
      throw diagnostics(new Error(`${e.message}; last placement ${JSON.stringify(placement)}`));
    });
    return placement;
  };
  const allOn = (name: string) => (p: Record<string, string>) => chain.every((r) => p[r] === name);

  let answer: VipAnswer | undefined;
  await waitFor(
    async () => (answer = await askVip()) !== undefined,
    remaining("the VIP answered"),
    "the VIP to answer",
    500,
  ).catch((e: Error) => {
    throw diagnostics(e);
  });
  await settled(byName.get(answer!.node)!, "the chain started on one node", allOn(answer!.node));
  log(`VIP ${VIRTUAL_IP} answers from ${answer!.node}`);

  const result: {
    -readonly [K in keyof ProdChainDrillResult]: ProdChainDrillResult[K];
  } = { tokenMs: pair.corosync.tokenMs, startupSeconds, clusterStepSeconds };
  const stopCallsSince = (since: number) =>
    aws.events.filter(
      (e): e is Extract<EmulatorEvent, { kind: "call" }> =>
        e.kind === "call" && e.action === "StopInstances" && e.error === undefined && e.at >= since,
    );
  const assignmentsSince = (since: number) => aws.events.filter((e) => e.kind === "assignment" && e.at >= since);
  const active = async () => {
    const a = await askVip();
    if (!a) throw diagnostics(new Error("the VIP does not answer"));
    return { node: byName.get(a.node)!, answer: a };
  };

  for (const scenario of opts.scenarios ?? ALL_SCENARIOS) {
    log(`scenario ${scenario}`);
    if (scenario === "death") {
      const { node: failed, answer: before } = await active();
      const survivor = nodes.find((n) => n !== failed)!;
      const holderBefore = await holder();
      const cutAt = Date.now();
      await powerOff(failed);
      let after: VipAnswer | undefined;
      await waitFor(
        async () => (after = await askVip())?.node === survivor.name,
        remaining("the VIP moved"),
        `the VIP to answer from ${survivor.name}`,
        100,
      ).catch((e: Error) => {
        throw diagnostics(e);
      });
      const answeredAt = Date.now();
      const placement = await settled(survivor, `the chain started on ${survivor.name}`, allOn(survivor.name));
      const stop = stopCallsSince(cutAt)[0];
      const stopped = aws.events.find(
        (e) => e.kind === "state" && e.instance === failed.instanceId && e.state === "stopped" && e.at >= cutAt,
      );
      if (!stop || !stopped) throw diagnostics(new Error(`no fencing of ${failed.name} was seen by the EC2 API`));
      const snapshot = await aws.snapshot();
      result.death = {
        failed: failed.name,
        survivor: survivor.name,
        before,
        after: after!,
        parts: {
          detectionSeconds: (stop.at - cutAt) / 1000,
          fencingSeconds: (stopped.at - stop.at) / 1000,
          chainStartSeconds: (answeredAt - stopped.at) / 1000,
          totalSeconds: (answeredAt - cutAt) / 1000,
        },
        placement,
        addressHolderBefore: holderBefore,
        addressHolderAfter: await holder(),
        failedInstanceState: snapshot.states[failed.instanceId],
        stopCalls: countBy(stopCallsSince(cutAt).map((e) => byInstance.get(e.caller!)?.name ?? String(e.caller))),
      };
      log(`death: ${JSON.stringify(result.death.parts)}`);
    } else if (scenario === "rejoin") {
      const stoppedNode = nodes.find((n) => !n.poweredOn);
      const up = nodes.find((n) => n.poweredOn)!;
      if (!stoppedNode) throw new Error("rejoin needs a fenced node: run it after death");
      const since = Date.now();
      const sampler = new HolderSampler(nodes);
      sampler.start();
      // The operator starts the fenced instance (RUNBOOK); the role the hosts have may do that.
      const start = await inAwsNode(
        up,
        ["/usr/bin/aws", "ec2", "start-instances", "--instance-ids", stoppedNode.instanceId],
        60_000,
      );
      if (start.code !== 0) throw new Error(`aws ec2 start-instances failed: ${start.stderr}`);
      await waitFor(
        async () => onlineIn(await crmMon(up)).length === 2,
        remaining("the fenced node rejoined"),
        `${stoppedNode.name} online again`,
        500,
      ).catch((e: Error) => {
        throw diagnostics(e);
      });
      const onlineAfterSeconds = (Date.now() - since) / 1000;
      // Pacemaker has had its say once the transition after the join is complete and one monitor round has passed.
      await inAwsNode(up, ["crm_resource", "--wait", "--timeout", "120"], 130_000);
      await new Promise((r) => setTimeout(r, 12_000));
      await sampler.stop();
      result.rejoin = {
        rejoined: stoppedNode.name,
        onlineAfterSeconds,
        placement: await chainPlacement(up),
        assignments: assignmentsSince(since).length,
        maxHolders: sampler.maxHolders,
      };
      log(`rejoin: ${JSON.stringify(result.rejoin)}`);
    } else if (scenario === "hung") {
      const { node: hung } = await active();
      const other = nodes.find((n) => n !== hung)!;
      if (!other.poweredOn) throw new Error("hung needs both nodes up");
      const since = Date.now();
      // httpd's parent leads the process group of its workers (it detached with setsid): stopping only the parent
      // leaves the workers serving, so the whole group, found by the pid file, is frozen.
      const frozen = await inAwsNode(hung, ["sh", "-c", HTTPD_GROUP_SIGNAL, "sh", "STOP"]);
      if (frozen.code !== 0) throw new Error(`could not freeze httpd on ${hung.name}: ${frozen.stderr}`);
      await waitFor(
        async () => (await askVip())?.node === other.name,
        remaining("the chain left the hung httpd"),
        `the VIP to answer from ${other.name}`,
        250,
      ).catch((e: Error) => {
        throw diagnostics(e);
      });
      const seconds = (Date.now() - since) / 1000;
      const placement = await settled(other, `the chain started on ${other.name}`, allOn(other.name));
      result.hung = {
        hung: hung.name,
        movedTo: other.name,
        seconds,
        placement,
        addressHolderAfter: await holder(),
        stopCalls: stopCallsSince(since).length,
      };
      log(`hung: ${JSON.stringify(result.hung)}`);
      if (hung.poweredOn) {
        // The operator clears the failure once the cause is gone; the chain stays where it is (stickiness).
        await inAwsNode(hung, ["sh", "-c", `${HTTPD_GROUP_SIGNAL} || true`, "sh", "CONT"]);
        await inAwsNode(other, ["crm_resource", "--cleanup", "--resource", CLUSTER_RESOURCES.webserver], 60_000);
        await inAwsNode(other, ["crm_resource", "--wait", "--timeout", "120"], 130_000);
      }
    } else if (scenario === "rerun") {
      const { node: on } = await active();
      const since = Date.now();
      const answers: (VipAnswer | undefined)[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          answers.push(await askVip());
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      try {
        await runClusterStep(on);
        await inAwsNode(on, ["crm_resource", "--wait", "--timeout", "120"], 130_000);
        await new Promise((r) => setTimeout(r, 3_000));
      } finally {
        polling = false;
        await poller;
      }
      result.rerun = {
        polls: answers.length,
        answered: answers.filter((a) => a !== undefined).length,
        answeredBy: [...new Set(answers.filter((a) => a !== undefined).map((a) => a!.node))],
        seconds: (Date.now() - since) / 1000,
        assignments: assignmentsSince(since).length,
        placement: await chainPlacement(on),
      };
      log(`rerun: ${JSON.stringify(result.rerun)}`);
    } else if (scenario === "partition") {
      const { node: activeNode } = await active();
      const passive = nodes.find((n) => n !== activeNode)!;
      if (!passive.poweredOn) throw new Error("partition needs both nodes up");
      const since = Date.now();
      const sampler = new HolderSampler(nodes);
      sampler.start();
      let vipPolls = 0;
      let vipAnswered = 0;
      let polling = true;
      const poller = (async () => {
        while (polling) {
          vipPolls++;
          if (await askVip()) vipAnswered++;
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      // Only the nodes lose each other: both keep their link to the hub (the EC2 API, the clients).
      lab.ip(activeNode.namespace, "route", "add", "blackhole", `${passive.address}/32`);
      lab.ip(passive.namespace, "route", "add", "blackhole", `${activeNode.address}/32`);
      try {
        await waitFor(
          async () =>
            nodes.some((n) =>
              aws.events.some(
                (e) => e.kind === "state" && e.instance === n.instanceId && e.state === "stopped" && e.at >= since,
              ),
            ),
          remaining("a node was fenced in the partition"),
          "one node fenced in the partition",
          500,
        ).catch((e: Error) => {
          throw diagnostics(e);
        });
        // Past the other side's fencing delay and its own attempt, had it survived.
        await new Promise((r) => setTimeout(r, 20_000));
      } finally {
        polling = false;
        await poller;
        await sampler.stop();
      }
      const snapshot = await aws.snapshot();
      const holders = new Set(
        aws.events
          .filter(
            (e): e is Extract<EmulatorEvent, { kind: "assignment" }> =>
              e.kind === "assignment" && e.at >= since && e.networkInterface !== undefined,
          )
          .map((e) => byEni.get(e.networkInterface!)!.name),
      );
      const current = await holder();
      if (current) holders.add(current);
      result.partition = {
        active: activeNode.name,
        passive: passive.name,
        states: Object.fromEntries(nodes.map((n) => [n.name, snapshot.states[n.instanceId]])),
        stops: aws.events
          .filter(
            (e): e is Extract<EmulatorEvent, { kind: "state" }> =>
              e.kind === "state" && e.state === "stopping" && e.at >= since,
          )
          .map((e) => {
            const call = stopCallsSince(since).find((c) => Math.abs(c.at - e.at) < 1_000);
            return {
              caller: byInstance.get(call?.caller ?? "")?.name ?? "unknown",
              target: byInstance.get(e.instance)!.name,
            };
          }),
        samples: sampler.samples,
        maxHolders: sampler.maxHolders,
        addressHolders: [...holders],
        vipPolls,
        vipAnswered,
      };
      log(`partition: ${JSON.stringify(result.partition)}`);
    }
  }
  return result;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Samples which nodes hold the VIP on their interface, continuously, until stopped. */
class HolderSampler {
  samples = 0;
  maxHolders = 0;
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly nodes: readonly AwsNode[]) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const held = await Promise.all(
          this.nodes.map(
            (n) =>
              new Promise<boolean>((resolve) =>
                execFile(
                  "ip",
                  ["-n", n.namespace, "-4", "-o", "addr", "show", "dev", "eth0"],
                  { timeout: 5_000 },
                  (error, stdout) => resolve(!error && stdout.includes(` ${VIRTUAL_IP}/`)),
                ),
              ),
          ),
        );
        this.samples++;
        this.maxHolders = Math.max(this.maxHolders, held.filter(Boolean).length);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
