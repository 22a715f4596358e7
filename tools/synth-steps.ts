/**
 * What synth writes into out/<stack>/, one step per artifact. Each step reads
 * the mocked run and returns summary lines; `failed` makes synth exit non-zero.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatSizingTable, type SizingRow } from "../core/model/framework-sizing";
import type { MockRun } from "./mock-run";
import { writeServerConfigs } from "./synth-server-configs";
import { writePolicyReport } from "./policy-report";
import { writeTopology } from "./topology";

export interface SynthContext {
  readonly stack: string;
  readonly dir: string;
  readonly run: MockRun;
}

export interface SynthStepResult {
  readonly summary: string[];
  readonly failed?: boolean;
}

export type SynthStep = (context: SynthContext) => SynthStepResult | Promise<SynthStepResult>;

const BALANCER_TYPE = "aws:lb/loadBalancer:LoadBalancer";

export const writePlan: SynthStep = ({ dir, run }) => {
  const plan = {
    resources: run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ?? null, inputs: r.inputs })),
    outputs: run.outputs,
  };
  writeFileSync(join(dir, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
  const counts = new Map<string, number>();
  for (const r of run.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const width = Math.max(...[...counts.keys()].map((k) => k.length), 4);
  const summary = ["", "Resources by type:"];
  for (const [type, count] of [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    summary.push(`  ${type.padEnd(width)}  ${String(count).padStart(4)}`);
  }
  const balancers = run.resources.filter((r) => r.type === BALANCER_TYPE);
  summary.push("", `Balancers (${balancers.length}):`);
  for (const lb of balancers) {
    summary.push(`  ${lb.name}  ${String(lb.inputs.loadBalancerType ?? "application")}  ${lb.inputs.internal ? "internal" : "internet-facing"}  ${String(lb.state.dnsName ?? "")}`);
  }
  summary.push("", "Stack outputs:", ...JSON.stringify(run.outputs, null, 2).split("\n").map((l) => `  ${l}`));
  return { summary };
};

/** The Framework sizing per site, read back from the stack's `framework` output. */
export const printFrameworkSizing: SynthStep = ({ run }) => {
  const framework = run.outputs.framework as { connectivity: string; sites: Record<string, Omit<SizingRow, "key">> } | undefined;
  if (!framework) return { summary: [] };
  const rows = Object.entries(framework.sites).map(([key, site]) => ({ key, ...site }));
  return { summary: ["", `Framework sites (${framework.connectivity}):`, ...formatSizingTable(rows).map((line) => `  ${line}`)] };
};

export const SYNTH_STEPS: readonly SynthStep[] = [writePlan, writeServerConfigs, writePolicyReport, printFrameworkSizing, writeTopology];
