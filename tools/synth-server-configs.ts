/**
 * Synth step: the Apache httpd and nginx configs a self-run balancer would use
 * for this stack, rendered from the same model with the mocked instances'
 * private addresses, under out/<stack>/httpd/ and out/<stack>/nginx/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Environment, ResolvedNode } from "../core/model/environment";
import { HA_OS_FACTS } from "../core/model/ha-os";
import { DEFAULT_HTTPD_RELEASE, renderHttpdSite, type HttpdSystem } from "../core/render/httpd";
import { renderNginxSite } from "../core/render/nginx/site";
import type { MockRun } from "./mock-run";
import type { SynthStep } from "./synth-steps";

const INSTANCE = "aws:ec2/instance:Instance";

/**
 * Every system with a balancer, its nodes and the system name the instances are tagged
 * with. A system wired directly (`balancer: none`) has nothing for a balancer to proxy.
 */
function nodesBySystem(env: Environment): [HttpdSystem, readonly ResolvedNode[]][] {
  const systems: [HttpdSystem, readonly ResolvedNode[]][] = [];
  if (env.webEngagement85 && env.webEngagement85.balancer !== "none")
    systems.push(["webEngagement85", env.webEngagement85.nodes]);
  if (env.webEngagement81 && env.webEngagement81.balancer !== "none")
    systems.push(["webEngagement81", [...env.webEngagement81.frontend.nodes, ...env.webEngagement81.backend.nodes]]);
  if (env.cobrowse && env.cobrowse.balancer !== "none") systems.push(["cobrowse", env.cobrowse.nodes]);
  if (env.recording && env.recording.balancer !== "none")
    systems.push(["recording", env.recording.tenants.flatMap((t) => t.services.flatMap((s) => s.members))]);
  return systems;
}

/** node key -> ip:port for one system, from the instances the program registered. */
export function systemAddresses(run: MockRun, system: string, nodes: readonly ResolvedNode[]): Record<string, string> {
  const ips = new Map<string, string>();
  for (const r of run.resources) {
    if (r.type !== INSTANCE) continue;
    const tags = (r.inputs.tags ?? {}) as Record<string, string>;
    if (tags["genesys:system"] === system && typeof r.state.privateIp === "string")
      ips.set(tags["genesys:node"], r.state.privateIp);
  }
  const addresses: Record<string, string> = {};
  for (const node of nodes) {
    const ip = ips.get(node.key);
    if (ip !== undefined) addresses[node.key] = `${ip}:${node.port}`;
  }
  return addresses;
}

function write(root: string, files: readonly { path: string; content: string }[]): string[] {
  return files.map((file) => {
    const target = join(root, file.path.replace(/^\/+/, ""));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    return target;
  });
}

export const writeServerConfigs: SynthStep = ({ dir, run, environment: env }) => {
  if (!env) return { summary: [] };
  const systems = nodesBySystem(env);
  const merged: Record<string, string> = {};
  const summary = ["", "Rendered balancer configs:"];
  for (const [system, nodes] of systems) {
    const addresses = systemAddresses(run, system, nodes);
    Object.assign(merged, addresses);
    // Rendered for the httpd release of the pair's OS (RHEL 8's when the stack has no pair).
    const release = env.httpdHaPair ? HA_OS_FACTS[env.httpdHaPair.os].httpd : DEFAULT_HTTPD_RELEASE;
    const files = write(join(dir, "httpd", system), renderHttpdSite(env, addresses, { systems: [system], release }));
    summary.push(`  httpd/${system}: ${files.length} file${files.length === 1 ? "" : "s"}`);
  }
  if (systems.length > 0) {
    const files = write(join(dir, "nginx"), renderNginxSite(env, merged, { clientHttps: env.tls !== undefined }));
    summary.push(`  nginx: ${files.length} files`);
  } else summary.push("  none: every system is wired to its nodes directly (balancer: none)");
  const pair = run.outputs.httpdHaPair as { runbook?: string } | undefined;
  if (typeof pair?.runbook === "string") {
    writeFileSync(join(dir, "RUNBOOK.md"), pair.runbook);
    summary.push("  RUNBOOK.md: operating the httpd HA pair");
  }
  return { summary };
};
