/**
 * What synth writes into out/<stack>/, one step per artifact. Each step reads
 * the mocked run and returns summary lines; `failed` makes synth exit non-zero.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Environment } from "../core/model/environment";
import { formatSizingTable, type SizingRow } from "../core/model/framework-sizing";
import * as pulumi from "@pulumi/pulumi";
import type { FrameworkConfig } from "../core/model/schema";
import { UNKNOWN_OUTPUT, type MockRun } from "./mock-run";
import { printNetwork } from "./synth-network";
import { writeServerConfigs } from "./synth-server-configs";
import { writePolicyReport } from "./policy-report";
import { writeTopology } from "./topology";
import { AWS_TYPE } from "../policies/aws-types";

export interface SynthContext {
  readonly stack: string;
  /** Where the step writes (a staging folder that becomes out/<stack>/ when every step succeeds). */
  readonly dir: string;
  /** How the summary names out/<stack>/ for the operator (default: dir). */
  readonly shownDir?: string;
  readonly run: MockRun;
  /** The project folder (with Pulumi.yaml) whose policies/config holds the reviewed pack config; default: this repository. */
  readonly projectDir?: string;
  /** The validated model of the stack file; steps that need it print nothing without it. */
  readonly environment?: Environment;
  /** The stack config the program ran with (`genesys:key` -> text; offline placeholders for unset secrets). */
  readonly config?: Readonly<Record<string, string>>;
}

export interface SynthStepResult {
  readonly summary: string[];
  readonly failed?: boolean;
}

export type SynthStep = (context: SynthContext) => SynthStepResult | Promise<SynthStepResult>;

const BALANCER_TYPE = AWS_TYPE.loadBalancer;

/** `aws:ec2/instance:Instance` -> `ec2 Instance`. */
function shortType(type: string): string {
  const match = /^aws:([^/]+)\/[^:]+:(.+)$/.exec(type);
  return match ? `${match[1]} ${match[2]}` : type;
}

/** Items joined with ", " in lines of at most `width` columns. */
function wrap(items: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line === "" ? item : `${line}, ${item}`;
    if (indent.length + next.length > width && line !== "") {
      lines.push(`${indent}${line},`);
      line = item;
    } else line = next;
  }
  if (line !== "") lines.push(`${indent}${line}`);
  return lines;
}

/** plan.json shows a value a preview does not know as UNKNOWN_OUTPUT. */
const showUnknown = (_key: string, value: unknown) => (pulumi.isUnknown(value) ? UNKNOWN_OUTPUT : value);

export const writePlan: SynthStep = ({ dir, shownDir = dir, run }) => {
  const plan = {
    resources: run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ?? null, inputs: r.inputs })),
    outputs: run.outputs,
  };
  writeFileSync(join(dir, "plan.json"), `${JSON.stringify(plan, showUnknown, 2)}\n`);
  const counts = new Map<string, number>();
  for (const r of run.resources.filter((r) => r.type.startsWith("aws:")))
    counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
  const items = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, count]) => `${count} ${type}`);
  const awsCount = [...counts.values()].reduce((a, b) => a + b, 0);
  const summary = [
    "",
    `AWS resources (${awsCount}; every resource with its inputs: ${join(shownDir, "plan.json")}):`,
    ...wrap(items, "  "),
  ];
  const balancers = run.resources.filter((r) => r.type === BALANCER_TYPE);
  if (balancers.length > 0) {
    const width = Math.max(...balancers.map((lb) => lb.name.length));
    summary.push("", `Balancers (${balancers.length}):`);
    for (const lb of balancers) {
      summary.push(
        `  ${lb.name.padEnd(width)}  ${String(lb.inputs.loadBalancerType ?? "application").padEnd(11)}  ${(lb.inputs.internal ? "internal" : "internet-facing").padEnd(15)}  ${String(lb.state.dnsName ?? "")}`,
      );
    }
  }
  return { summary };
};

/** The stack outputs go to a file; the summary says where and how to read them after `pulumi up`. */
export const writeOutputs: SynthStep = ({ stack, dir, shownDir = dir, run }) => {
  writeFileSync(join(dir, "outputs.json"), `${JSON.stringify(run.outputs, null, 2)}\n`);
  return {
    summary: [
      "",
      `Stack outputs (${Object.keys(run.outputs).join(", ")}): ${join(shownDir, "outputs.json")}`,
      `  after pulumi up: pulumi stack output --stack ${stack} --json (add --show-secrets for secret outputs)`,
    ],
  };
};

/** The Framework sizing per site, read back from the stack's `framework` output. */
export const printFrameworkSizing: SynthStep = ({ run }) => {
  const framework = run.outputs.framework as
    | { connectivity: string; capacity?: FrameworkConfig["capacity"]; sites: Record<string, Omit<SizingRow, "key">> }
    | undefined;
  if (!framework) return { summary: [] };
  const rows = Object.entries(framework.sites).map(([key, site]) => ({ key, ...site }));
  return {
    summary: [
      "",
      `Framework sites (${framework.connectivity}):`,
      ...formatSizingTable(rows, framework.capacity).map((line) => `  ${line}`),
    ],
  };
};

export const SYNTH_STEPS: readonly SynthStep[] = [
  printNetwork,
  writePlan,
  writeServerConfigs,
  writePolicyReport,
  printFrameworkSizing,
  writeTopology,
  writeOutputs,
];

/** What a preview can show: server configs need deployed addresses; the topology is drawn from the model. */
export const PREVIEW_STEPS: readonly SynthStep[] = [
  printNetwork,
  writePlan,
  writePolicyReport,
  printFrameworkSizing,
  writeTopology,
  writeOutputs,
];
