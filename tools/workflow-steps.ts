/** A GitHub workflow job's steps as a bash script: `run:` lines as they are, `uses:` steps as comments. */
import { parse } from "yaml";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly "working-directory"?: string;
}

export function workflowJobScript(yamlText: string, jobName: string): string {
  const workflow = parse(yamlText) as { jobs?: Record<string, { steps?: Step[] }> };
  const job = workflow.jobs?.[jobName];
  if (!job?.steps) throw new Error(`the workflow has no job ${JSON.stringify(jobName)} with steps`);
  const lines = ["#!/usr/bin/env bash", "set -euo pipefail", `# job ${jobName}`];
  for (const step of job.steps) {
    const title = step.name ?? step.run ?? step.uses ?? "step";
    if (step.uses !== undefined) {
      lines.push(`# uses: ${step.uses}${step.if ? ` (if: ${step.if})` : ""}`);
      continue;
    }
    if (step.run === undefined) continue;
    if (step.if !== undefined && step.if !== "always()") {
      lines.push(`# skipped, runs only if: ${step.if}: ${title}`);
      continue;
    }
    lines.push(`echo ${JSON.stringify(`::step:: ${title.split("\n")[0]}`)}`);
    const body = step.run.trimEnd();
    lines.push(
      step["working-directory"]
        ? `(cd ${JSON.stringify(step["working-directory"])} && bash -euo pipefail -c ${shellQuote(body)})`
        : `bash -euo pipefail -c ${shellQuote(body)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
