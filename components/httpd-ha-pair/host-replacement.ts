/**
 * How to replace a host of the pair when termination protection is on. The
 * hosts launch with `disableApiTermination` (deletionProtection), so EC2
 * refuses to terminate them, and a change that replaces a host (a new
 * sshPublicKey replaces the key pair and so both hosts; a new amiId; `pulumi
 * up --replace`) or `pulumi destroy` fails with OperationNotPermitted.
 * pulumi-aws's `forceDestroy` lifts protection for the engine alone, and only
 * once it is recorded in the state by an `up` of its own: hence two runs.
 * Pure text, rendered into the runbook with the stack's names.
 */
import type { HttpdHaPair } from "../../core/model/environment";
import { HTTPD_PAIR_COMPONENT_TYPE } from "../../core/plan/identity";

export const REPLACEMENT_FLAG = "allowHostReplacement";

/** The URN `pulumi up --replace` takes for one host. */
export function hostUrn(project: string, stack: string, pairName: string, nodeKey: string): string {
  return `urn:pulumi:${stack}::${project}::${HTTPD_PAIR_COMPONENT_TYPE}$aws:ec2/instance:Instance::${pairName}-${nodeKey}`;
}

export interface ReplacementNames {
  readonly project: string;
  readonly stack: string;
  /** The pair component's name (`recording-pair`). */
  readonly pairName: string;
}

/** The runbook section (markdown `##`). */
export function hostReplacementRunbook(
  pair: Pick<HttpdHaPair, "nodes" | "allowHostReplacement" | "os">,
  terminationProtection: boolean,
  names: ReplacementNames,
): string {
  const [first, second] = pair.nodes.map((n) => n.key);
  const standby = (node: string, on: boolean) =>
    pair.os === "rhel8"
      ? `pcs node ${on ? "standby" : "unstandby"} ${node}`
      : `pcs cluster ${on ? "standby" : "unstandby"} ${node}`;
  const stackFile = `Pulumi.${names.stack}.yaml`;
  const lines = ["## Replacing a host", ""];
  if (!terminationProtection) {
    lines.push(
      "The hosts have no termination protection in this stack (`hardening.deletionProtection: false`): `pulumi up` replaces a host whenever its image, key pair or subnet changes, and `pulumi destroy` removes both.",
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    "Both hosts run with EC2 termination protection. A change that replaces a host fails with `OperationNotPermitted` until the protection is lifted for the deployment: " +
      "a new `sshPublicKey` (it replaces the key pair, and with it both hosts at once), a new `amiId`, `pulumi up --replace`, or `pulumi destroy`. " +
      `The lifting must be recorded by a \`pulumi up\` of its own before the run that replaces (\`${REPLACEMENT_FLAG}\` sets pulumi-aws's \`forceDestroy\` on the hosts; nothing else changes).`,
    "",
    `Current setting: \`${REPLACEMENT_FLAG}: ${pair.allowHostReplacement}\`.`,
    "",
    "```sh",
    `# 1. In ${stackFile}, under genesys:httpdHaPair, set:  ${REPLACEMENT_FLAG}: true`,
    `pulumi up --stack ${names.stack}      # updates the hosts in place; replaces nothing`,
    `# 2. Keep the service on ${second} while ${first} is replaced (on either node, as root):`,
    standby(first, true),
    `pulumi up --stack ${names.stack} --replace '${hostUrn(names.project, names.stack, names.pairName, first)}'`,
    `# the new ${first} is provisioned and rejoins the cluster; then, on either node:`,
    standby(first, false),
    `# 3. The same for ${second}, once ${first} serves:`,
    standby(second, true),
    `pulumi up --stack ${names.stack} --replace '${hostUrn(names.project, names.stack, names.pairName, second)}'`,
    standby(second, false),
    `# 4. In ${stackFile}, set ${REPLACEMENT_FLAG}: false again, and:`,
    `pulumi up --stack ${names.stack}`,
    "```",
    "",
    `For \`pulumi destroy\` (or a change that replaces both hosts at once, an outage of the balancer), run step 1, then the destroy or the change.`,
  );
  return `${lines.join("\n")}\n`;
}
