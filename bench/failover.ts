/**
 * httpd HA pair failover on real Corosync/Pacemaker (root): the production
 * stack's pair, drilled in network namespaces, three times per transport.
 * The figure is the time from cutting off the active node until the VIP
 * answers from the other one.
 *
 *   sudo npx tsx bench/failover.ts
 */
import type { HttpdHaPair } from "../core/model/environment";
import { loadEnvironment } from "../core/model/load";
import { detectionMs } from "../core/render/cluster/corosync-conf";
import { PRIORITY_FENCING_DELAY } from "../core/render/cluster/pcs-commands";
import { prodChainDrill } from "../test/support/aws-drill";
import { failoverDrill } from "../test/support/cluster";
import { readStackFile } from "../tools/stack-file";
import { renderTable, type Figure } from "./results";

export interface FailoverBenchOptions {
  /** Drills per transport. @default 3 */
  readonly runs?: number;
  /** @default ["knet", "udpu"]: the production stack's transport (RHEL 8's default) and the unencrypted alternative */
  readonly transports?: readonly ("udpu" | "knet")[];
  readonly log?: (line: string) => void;
}

/**
 * Nothing can fail over before corosync declares the node lost (token, then
 * consensus: 33 s at the production token of 15000 ms); starting IPaddr2 and
 * httpd on the survivor then takes Pacemaker a few seconds. The target allows
 * 8 s for that part. It covers the drill's chain (IPaddr2, unfenced): awsvip's
 * API calls and sleep and the fencing delay and stop come on top in production.
 */
const startAllowanceSeconds = 8;

export async function failoverFigures(options: FailoverBenchOptions = {}): Promise<Figure[]> {
  const runs = options.runs ?? 3;
  const log = options.log ?? (() => undefined);
  const base = loadEnvironment(readStackFile("prod", `${__dirname}/..`).config).environment!.httpdHaPair!;
  const figures: Figure[] = [];
  for (const transport of options.transports ?? ["knet", "udpu"]) {
    const pair: HttpdHaPair = { ...base, corosync: { ...base.corosync, transport } };
    const failover: number[] = [];
    const startup: number[] = [];
    for (let i = 0; i < runs; i++) {
      // One drill at a time: a second cluster on the same cores would slow the one being timed.
      // Detection alone takes 33 s at the production token; the drill bound leaves room for the start-up and the chain.
      const result = await failoverDrill({ pair, timeoutMs: 150_000 });
      log(
        `${transport} run ${i + 1}/${runs}: failover ${result.seconds.toFixed(2)} s (${result.failedNode} -> ${result.survivor}), start-up ${result.startupSeconds.toFixed(1)} s`,
      );
      failover.push(result.seconds);
      startup.push(result.startupSeconds);
    }
    const note = `${transport}, token ${pair.corosync.tokenMs} ms, IPaddr2 unfenced`;
    figures.push(
      {
        group: "httpd HA pair",
        name: "VIP failover",
        unit: "s",
        samples: failover,
        target: { op: "<=", value: detectionMs(pair.corosync.tokenMs) / 1000 + startAllowanceSeconds },
        note,
      },
      { group: "httpd HA pair", name: "cluster start-up, both nodes online", unit: "s", samples: startup, note },
    );
  }
  return figures;
}

/**
 * Targets of the production chain's failover (awsvip + IPaddr2 + apache,
 * fenced by fence_aws), part by part:
 * - detection: corosync's token and consensus (33 s at 15000 ms), then the
 *   priority-fencing-delay of the node that ran the chain (15 s), then
 *   fence_aws starting (Python and boto3: a few seconds here): 5 s allowed;
 * - fencing: StopInstances until the instance is stopped. The emulator stops
 *   in 2 s; EC2's force stop takes longer, so this part is the emulator's, not
 *   AWS's, and is allowed 5 s here;
 * - chain start: fence_aws confirms, awsvip runs the AWS CLI three times
 *   (describe, assign) and sleeps its api_delay (3 s), IPaddr2 and httpd start:
 *   25 s allowed for a machine where one AWS CLI call takes about 3 s.
 */
const prodChainAllowance = { detection: 5, fencing: 5, chainStart: 25 } as const;

/** The production chain's failover after a node's death, with its parts, at the production token. */
export async function prodChainFigures(
  options: { runs?: number; log?: (line: string) => void } = {},
): Promise<Figure[]> {
  const runs = options.runs ?? 2;
  const log = options.log ?? (() => undefined);
  const environment = loadEnvironment(readStackFile("prod", `${__dirname}/..`).config).environment!;
  const pair = environment.httpdHaPair!;
  const parts = {
    total: [] as number[],
    detection: [] as number[],
    fencing: [] as number[],
    chainStart: [] as number[],
  };
  for (let i = 0; i < runs; i++) {
    const result = await prodChainDrill({ pair, environment, scenarios: ["death"], log: (l) => log(`  ${l}`) });
    const p = result.death!.parts;
    log(`run ${i + 1}/${runs}: ${JSON.stringify(p)}`);
    parts.total.push(p.totalSeconds);
    parts.detection.push(p.detectionSeconds);
    parts.fencing.push(p.fencingSeconds);
    parts.chainStart.push(p.chainStartSeconds);
  }
  const detection = detectionMs(pair.corosync.tokenMs) / 1000 + Number(PRIORITY_FENCING_DELAY.replace(/s$/, ""));
  const a = prodChainAllowance;
  const note = `${pair.corosync.transport}, token ${pair.corosync.tokenMs} ms, awsvip + IPaddr2 + fence_aws against the EC2 emulator`;
  const figure = (name: string, samples: number[], value: number) => ({
    group: "httpd HA pair (production chain)",
    name,
    unit: "s",
    samples,
    target: { op: "<=" as const, value },
    note,
  });
  return [
    figure("VIP failover after a node's death", parts.total, detection + a.detection + a.fencing + a.chainStart),
    figure("  detection and fencing delay (to StopInstances)", parts.detection, detection + a.detection),
    figure("  fencing (StopInstances to stopped)", parts.fencing, a.fencing),
    figure("  chain start (stopped to VIP answering)", parts.chainStart, a.chainStart),
  ];
}

if (require.main === module) {
  failoverFigures({ log: console.log })
    .then((figures) => console.log(renderTable(figures)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
