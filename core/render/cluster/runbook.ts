/**
 * The operator's runbook for the pair's hosts: status, clearing failures and
 * moving the service away from a node for maintenance, with the names and
 * commands of this stack's cluster.
 */
import type { HttpdHaPair } from "../../model/environment";
import { HA_OS_FACTS, usesPcs } from "../../model/ha-os";
import { commandLine, type ClusterCommand } from "./cluster-command";
import { clusterNodes, CLUSTER_NAME, virtualIpAddress, type PairHosts } from "./pair-hosts";
import { CLUSTER_RESOURCES, FENCE_DEVICE, RESOURCE_META, resourceChain } from "./pcs-commands";

/** A command, or an instruction for the operator between commands. */
export type RunbookStep = ClusterCommand | { readonly instruction: string };

export interface RunbookProcedure {
  readonly title: string;
  readonly summary: string;
  readonly steps: readonly RunbookStep[];
}

const pcs = (...argv: string[]): ClusterCommand => ({ argv: ["pcs", ...argv] });

export function clusterRunbook(pair: HttpdHaPair, hosts: PairHosts = {}): RunbookProcedure[] {
  const chain = resourceChain(pair);
  const root = chain[0];
  const { webserver } = CLUSTER_RESOURCES;
  const nodes = clusterNodes(pair, hosts);
  const fenced = pair.fencing === "fence_aws";
  // pcs 0.10 (RHEL 8, and 0.11 on RHEL 9) moved standby from `pcs cluster` to `pcs node`; RHEL 6's pcs 0.9 has only the former.
  const standby = (node: string, on: boolean) =>
    usesPcs(pair.os)
      ? pcs("node", on ? "standby" : "unstandby", node)
      : pcs("cluster", on ? "standby" : "unstandby", node);
  return [
    {
      title: "Check the cluster",
      summary:
        "Both nodes should be online and every resource started on the same node" +
        (fenced
          ? `, with the fencing device ${FENCE_DEVICE} started; the fencing history shows which node was stopped, and when.`
          : "."),
      steps: [pcs("status"), { argv: ["crm_mon", "-o", "-1"] }, ...(fenced ? [pcs("stonith", "history")] : [])],
    },
    {
      title: "Clear a failed resource",
      summary:
        `One failure of any resource (${webserver} included) moves the whole chain and bans the resource from that node for ${RESOURCE_META.failureTimeout}; ` +
        "after fixing the cause, reset the failures so the cluster may place it there again at once.",
      steps: chain.map((resource) => pcs("resource", "cleanup", resource)),
    },
    ...(fenced ? [startFencedNode(pair, hosts)] : []),
    ...nodes.map((node): RunbookProcedure => {
      const other = nodes.find((n) => n.name !== node.name)!;
      return {
        title: `Maintain ${node.name} while ${other.name} serves`,
        summary: `Moving ${root} moves the whole chain (${chain.join(", ")}). \`move\` pins it to ${other.name} until \`clear\`; standby keeps ${node.name} in the cluster but empty.`,
        steps: [
          pcs("resource", "move", root, other.name),
          { instruction: `maintain ${node.name}, then let the cluster place ${root} freely again:` },
          pcs("resource", "clear", root),
          { instruction: `or keep every resource off ${node.name} (e.g. across a reboot):` },
          standby(node.name, true),
          { instruction: `maintain ${node.name}, then:` },
          standby(node.name, false),
        ],
      };
    }),
  ];
}

/**
 * fence_aws stops a lost node (pcmk_reboot_action=off) and leaves it stopped.
 * Starting it again is safe whenever: wait_for_all keeps it from running
 * anything until it sees the serving node, and stickiness keeps the chain there.
 */
function startFencedNode(pair: HttpdHaPair, hosts: PairHosts): RunbookProcedure {
  const ids = hosts.instanceIds ?? {};
  const instances = clusterNodes(pair, hosts).map((n) => ids[n.name] ?? `<instance id of ${n.name}>`);
  return {
    title: "Bring back a fenced node",
    summary:
      "Fencing stops the lost node's instance and leaves it stopped. Find out why it was lost (its logs, `pcs stonith history`), then start it from a workstation " +
      "with EC2 rights; it rejoins without taking the service back.",
    steps: [
      { instruction: "the stopped one of:" },
      {
        argv: [
          "aws",
          "ec2",
          "describe-instances",
          "--instance-ids",
          ...instances,
          "--query",
          "Reservations[].Instances[].[InstanceId,State.Name]",
          "--output",
          "text",
        ],
      },
      { instruction: "start it (replace the id with the stopped instance's):" },
      { argv: ["aws", "ec2", "start-instances", "--instance-ids", instances[0]] },
    ],
  };
}

function stepLine(step: RunbookStep): string {
  if ("argv" in step) return commandLine(step);
  if (/[\r\n]/.test(step.instruction))
    throw new Error(`runbook instruction ${JSON.stringify(step.instruction)} must be one line`);
  return `# ${step.instruction}`;
}

/** The runbook as markdown (a `##` section), for the README and synth output. */
export function renderClusterRunbook(pair: HttpdHaPair, hosts: PairHosts = {}): string {
  const nodes = clusterNodes(pair, hosts)
    .map((n) => (n.address ? `\`${n.name}\` (${n.address})` : `\`${n.name}\``))
    .join(" and ");
  const os = HA_OS_FACTS[pair.os].label;
  const lines = [
    `## httpd HA pair: cluster \`${CLUSTER_NAME}\``,
    "",
    `${os} nodes ${nodes}; virtual IP ${virtualIpAddress(pair)} (${pair.virtualIp.agent}). ` +
      `Resources start in this order and always run on the same node: ${resourceChain(pair)
        .map((r) => `\`${r}\``)
        .join(" → ")}. ` +
      "Run the commands as root on either node.",
  ];
  for (const procedure of clusterRunbook(pair, hosts)) {
    lines.push(
      "",
      `### ${procedure.title}`,
      "",
      procedure.summary,
      "",
      "```sh",
      ...procedure.steps.map(stepLine),
      "```",
    );
  }
  return `${lines.join("\n")}\n`;
}
