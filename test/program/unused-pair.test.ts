/**
 * The httpd HA pair is built only when a system uses it: prod with recording
 * behind ALBs and the httpdHaPair block left in the stack file builds exactly
 * what prod without the block builds, and says the block is unused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../../tools/mock-run";
import { collectRuntimeWarnings } from "../../tools/warning-groups";
import { runStack } from "../support/program";

type Values = Record<string, unknown>;
const recordingOnAlb = (values: Values) => void ((values.recording as Values).balancer = "alb");

/** Registered resources per type, e.g. `{ "aws:ec2/instance:Instance": 44 }`. */
function typeCounts(run: MockRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

describe("prod with recording.balancer alb and the httpdHaPair block still configured", () => {
  let leftIn: MockRun;
  let removed: MockRun;
  let pairUsed: MockRun;
  let warnings: string[];

  beforeAll(async () => {
    const collector = collectRuntimeWarnings();
    try {
      leftIn = await runStack("prod", recordingOnAlb);
    } finally {
      warnings = collector.stop();
    }
    removed = await runStack("prod", (values) => {
      recordingOnAlb(values);
      delete values.httpdHaPair;
    });
    pairUsed = await runStack("prod");
  }, 240_000);

  it("builds no pair: no hosts, IAM, provisioning or bastion, the same resources as without the block", () => {
    const counts = typeCounts(leftIn);
    expect(counts["genesys:httpd:HttpdHaPair"]).toBeUndefined();
    expect(counts["command:remote:Command"]).toBeUndefined();
    expect(Object.keys(counts).filter((t) => t.startsWith("aws:iam/"))).toEqual([]);
    expect(leftIn.resources.filter((r) => r.name.startsWith("recording-pair"))).toEqual([]);
    expect(counts).toEqual(typeCounts(removed));
    expect(leftIn.outputs.httpdHaPair).toBeUndefined();
    // The stack file as committed does use the pair: the same count check sees it there.
    expect(typeCounts(pairUsed)["genesys:httpd:HttpdHaPair"]).toBe(1);
    expect(typeCounts(pairUsed)["aws:ec2/instance:Instance"]).toBeGreaterThan(counts["aws:ec2/instance:Instance"]);
  });

  it("warns, naming the key and the balancer value that would use it", () => {
    expect(warnings).toContain(
      'genesys:httpdHaPair is configured but no system uses balancer: httpdHaPair (recording.balancer is "alb"); the pair is not built. Remove the section, or set recording.balancer: httpdHaPair',
    );
  });
});
