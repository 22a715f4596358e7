/**
 * The rendered pcs commands against real Pacemaker 2.1 tools, offline: pcs
 * checks every resource option against the agent's metadata, crm_verify the
 * whole configuration, and crm_simulate plays start-up and failures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpdHaPair } from "../../../core/model/environment";
import { loadEnvironment } from "../../../core/model/load";
import type { ClusterCommand } from "../../../core/render/cluster/cluster-command";
import { clusterSetup } from "../../../core/render/cluster/cluster-setup";
import { resourceChain } from "../../../core/render/cluster/pcs-commands";
import { clusterRunbook } from "../../../core/render/cluster/runbook";
import { OfflineCib, type CommandResult } from "../../support/cluster";
import { REAL_SERVERS_OPTED_OUT } from "../../support/real-servers";
import { readStackFile } from "../../../tools/stack-file";

const prodPair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;
const hosts = { addresses: { ip1: "10.50.10.11", ip2: "10.50.10.12" }, routeTableIds: ["rtb-0123456789abcdef0"] };
type Agent = HttpdHaPair["virtualIp"]["agent"];
const AGENTS: readonly { agent: Agent; address: string }[] = [
  { agent: "IPaddr2", address: "10.50.10.250" },
  { agent: "awsvip", address: "10.50.10.250" },
  { agent: "aws-vpc-move-ip", address: "172.16.0.10" },
];
const pairWith = (os: HttpdHaPair["os"], agent: Agent, address: string): HttpdHaPair => ({
  ...prodPair,
  os,
  corosync: { transport: "udpu", tokenMs: 3000 },
  virtualIp: { ...prodPair.virtualIp, agent, address },
});

interface Built {
  readonly cib: OfflineCib;
  readonly pair: HttpdHaPair;
  readonly verify: CommandResult;
  /** Both nodes up and every resource started. */
  readonly up: Awaited<ReturnType<OfflineCib["simulate"]>>;
}

// pcs takes most of a second per call: each agent's CIB is built once, the three in parallel.
const built = new Map<Agent, Promise<Built>>();
beforeAll(() => {
  if (REAL_SERVERS_OPTED_OUT) return;
  for (const { agent, address } of AGENTS) {
    const pair = pairWith("rhel8", agent, address);
    const cib = new OfflineCib();
    const build = (async (): Promise<Built> => {
      for (const command of clusterSetup(pair, hosts).oneNode) await cib.pcs(command);
      return { cib, pair, verify: await cib.verify(), up: await cib.simulate(["-u", "ip1", "-u", "ip2"]) };
    })();
    build.catch(() => undefined);
    built.set(agent, build);
  }
});
afterAll(async () => {
  for (const build of built.values()) (await build.catch(() => undefined))?.cib.dispose();
});

/** The one node every resource runs on; fails when they are split or some are stopped. */
function sharedNode(placement: Record<string, string>, resources: readonly string[]): string {
  const nodes = new Set(resources.map((r) => placement[r]));
  expect(nodes.size, `placement ${JSON.stringify(placement)}`).toBe(1);
  const [node] = nodes;
  expect(node, `placement ${JSON.stringify(placement)}`).toBeDefined();
  return node!;
}

describe.each(AGENTS)("pcs part with the $agent VIP", ({ agent, address }) => {
  it("is the same for RHEL 6 and RHEL 8", () => {
    expect(clusterSetup(pairWith("rhel6", agent, address), hosts).oneNode).toEqual(clusterSetup(pairWith("rhel8", agent, address), hosts).oneNode);
  });

  it.skipIf(REAL_SERVERS_OPTED_OUT)("is accepted by pcs and verified clean by crm_verify", { timeout: 120_000 }, async () => {
    const { verify } = await built.get(agent)!;
    expect(verify.stderr + verify.stdout).toBe("");
    expect(verify.code).toBe(0);
  });

  it.skipIf(REAL_SERVERS_OPTED_OUT)("starts everything on one node and moves it all together when that node or the VIP fails", { timeout: 120_000 }, async () => {
    const { cib, pair, up } = await built.get(agent)!;
    const chain = resourceChain(pair);
    const active = sharedNode(up.placement, chain);
    const other = active === "ip1" ? "ip2" : "ip1";

    const nodeFailed = await cib.simulate(["--node-fail", active], up.state);
    expect(sharedNode(nodeFailed.placement, chain)).toBe(other);

    // migration-threshold=1: one failed monitor of the first resource moves the whole chain.
    const vipFailed = await cib.simulate(["-i", `${chain[0]}_monitor_30000@${active}=7`], up.state);
    expect(sharedNode(vipFailed.placement, chain)).toBe(other);

    // migration-threshold=10 on webserver: a failed monitor restarts httpd where it is.
    const httpdFailed = await cib.simulate(["-i", `webserver_monitor_30000@${active}=7`], up.state);
    expect(httpdFailed.output).toMatch(/Recover\s+webserver\s+\(\s*\S+\s*\)/);
    expect(sharedNode(httpdFailed.placement, chain)).toBe(active);
  });

  it.skipIf(REAL_SERVERS_OPTED_OUT)("lets the runbook's move and standby take the whole chain off a node", { timeout: 120_000 }, async () => {
    const { cib, pair, up } = await built.get(agent)!;
    const chain = resourceChain(pair);
    const active = sharedNode(up.placement, chain);
    const other = active === "ip1" ? "ip2" : "ip1";
    const procedure = clusterRunbook(pair, hosts).find((p) => p.title.startsWith(`Maintain ${active} `))!;
    const command = (verb: string) => procedure.steps.find((s): s is ClusterCommand => "argv" in s && s.argv.includes(verb))!;

    // RHEL 8's pcs 0.10 `resource move` is pcs 0.11's `move-with-constraint`: the same cli-prefer location constraint.
    const moved = cib.fork(up.state);
    await cib.pcs({ argv: command("move").argv.map((a) => (a === "move" ? "move-with-constraint" : a)) }, moved);
    expect(sharedNode((await cib.simulate([], moved)).placement, chain)).toBe(other);

    const standby = cib.fork(up.state);
    await cib.pcs(command("standby"), standby);
    expect(sharedNode((await cib.simulate([], standby)).placement, chain)).toBe(other);
  });
});
