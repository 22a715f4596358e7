/**
 * Synth step: out/<stack>/topology.mmd, the Mermaid flowchart of what the
 * stack balances, drawn from the balancing plans of the stack's model
 * (core/render/diagram/topology.ts). It needs no deployed ids or addresses,
 * so a preview writes it too.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { planSystems } from "../core/plan/registry";
import { renderTopology } from "../core/render/diagram/topology";
import type { SynthStep } from "./synth-steps";

export const TOPOLOGY_FILE = "topology.mmd";

export const writeTopology: SynthStep = ({ dir, environment }) => {
  if (!environment) return { summary: [] };
  const topology = renderTopology(planSystems(environment), environment);
  writeFileSync(join(dir, TOPOLOGY_FILE), topology.text);
  const c = topology.counts;
  const extra = [
    c.pairHosts > 0 ? "the httpd HA pair" : "",
    c.frameworkSites > 0 ? `${c.frameworkSites} Framework sites` : "",
  ].filter((x) => x !== "");
  return {
    summary: [
      "",
      `Topology (${TOPOLOGY_FILE}): ${c.balancers} balancers, ${c.listeners} listeners, ${c.rules} rules, ${c.targetGroups} target groups, ${c.nodes} nodes, ${c.tenants} tenant${c.tenants === 1 ? "" : "s"}${extra.map((x) => `, ${x}`).join("")}`,
    ],
  };
};
