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
      const result = await failoverDrill({ pair });
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

if (require.main === module) {
  failoverFigures({ log: console.log })
    .then((figures) => console.log(renderTable(figures)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
