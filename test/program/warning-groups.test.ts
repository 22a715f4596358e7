/**
 * Warnings as synth prints them: the SDK's console lines collected while the
 * program runs, grouped by rule with a count and a few examples, no prefix.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../core/model/problems";
import { collectRuntimeWarnings, formatWarningGroups, groupWarnings, splitWarning } from "../../tools/warning-groups";

const singleNode = (tenant: number, service: string) =>
  formatProblem({
    path: ["recording", "tenants", `t${tenant}`, service, "nodes"],
    value: [`t${tenant}${service}1`],
    message: "has a single node in production: there is nothing to fail over to",
  });

describe("warnings in the synth summary", () => {
  it("collects pulumi.log.warn without the SDK's [runtime] prefix and lets other console output through", async () => {
    const collector = collectRuntimeWarnings();
    await pulumi.log.warn(
      'genesys:httpdHaPair is configured but no system uses balancer: httpdHaPair (recording.balancer is "alb"); the pair is not built',
    );
    expect(collector.stop()).toEqual([
      'genesys:httpdHaPair is configured but no system uses balancer: httpdHaPair (recording.balancer is "alb"); the pair is not built',
    ]);
  });

  it("splits a formatted problem into the case and the rule, whatever the value holds", () => {
    expect(splitWarning(singleNode(7, "rws"))).toEqual({
      where: 'genesys:recording.tenants.t7.rws.nodes: ["t7rws1"]',
      rule: "has a single node in production: there is nothing to fail over to",
    });
    expect(splitWarning(formatProblem({ path: ["a", "b"], value: 'x y: "z"', message: "is odd" }))).toEqual({
      where: 'genesys:a.b: "x y: \\"z\\""',
      rule: "is odd",
    });
    const long = formatProblem({ path: ["framework", "sites", "amer"], value: "v ".repeat(60), message: "is long" });
    expect(splitWarning(long).rule).toBe("is long");
    expect(
      splitWarning(formatProblem({ path: ["httpdHaPair"], value: undefined, message: "is defined but unused" })),
    ).toEqual({ where: "genesys:httpdHaPair", rule: "is defined but unused" });
    expect(splitWarning("Recording tenants are spread over 3 ALBs")).toEqual({
      where: "",
      rule: "Recording tenants are spread over 3 ALBs",
    });
  });

  it("prints 1,000 single-node warnings of 200 tenants as one rule with a count and three examples", () => {
    const services = ["rws", "rp", "rcs", "interactionReceiver", "webdav"];
    const lines = Array.from({ length: 200 }, (_, t) => services.map((s) => singleNode(t + 1, s))).flat();
    lines.push("Recording tenants are spread over 3 ALBs and 200 are not pinned");
    const text = formatWarningGroups(groupWarnings(lines));
    expect(text).toEqual([
      "",
      "Warnings (1001, 2 rules):",
      "  - has a single node in production: there is nothing to fail over to (1000 keys):",
      '      genesys:recording.tenants.t1.rws.nodes: ["t1rws1"]',
      '      genesys:recording.tenants.t1.rp.nodes: ["t1rp1"]',
      '      genesys:recording.tenants.t1.rcs.nodes: ["t1rcs1"]',
      "      … and 997 more",
      "  - Recording tenants are spread over 3 ALBs and 200 are not pinned",
    ]);
  });

  it("prints nothing when there is no warning", () => {
    expect(formatWarningGroups(groupWarnings([]))).toEqual([]);
  });
});
