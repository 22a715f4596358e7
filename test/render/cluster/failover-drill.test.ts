/**
 * The live drill (root): the rendered corosync.conf and pcs commands run a
 * real two-node Corosync/Pacemaker cluster in network namespaces; the active
 * node is cut off and killed while a client requests through the VIP.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { HttpdHaPair } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import { failoverDrill } from "../../support/cluster";
import { disposeAllLabs } from "../../support/netns";
import { REAL_SERVERS_OPTED_OUT } from "../../support/real-servers";
import { readStackFile } from "../../../tools/stack-file";

const prodPair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;

describe.skipIf(REAL_SERVERS_OPTED_OUT)("failover drill on real Corosync 3 / Pacemaker 2.1", () => {
  afterAll(() => disposeAllLabs());

  // udpu is the production stack's transport; knet is RHEL 8's default, encrypted with the shared authkey.
  it.concurrent.each(["udpu", "knet"] as const)("over %s: the VIP answers from the other node, both resources with it", { timeout: 120_000 }, async (transport) => {
    const tokenMs = prodPair.corosync.tokenMs;
    const pair: HttpdHaPair = { ...prodPair, corosync: { transport, tokenMs } };
    // The two drills run side by side and share the CPU with pcs: a wider bound than a lone drill's 60 s.
    const result = await failoverDrill({ pair, timeoutMs: 90_000 });

    expect(pair.nodes.map((n) => n.key).sort()).toEqual([result.failedNode, result.survivor].sort());
    expect(result.placement).toEqual({ virtual_ip: result.survivor, webserver: result.survivor });
    expect(result.body).toBe("backend saw /drill\n");
    // Corosync declares a node dead only after the token timeout, then 1.2 x token of consensus; Pacemaker adds about a second.
    expect(result.seconds).toBeGreaterThan(tokenMs / 1000);
    expect(result.seconds).toBeLessThan((tokenMs * 2.2) / 1000 + 4);
  });
});
