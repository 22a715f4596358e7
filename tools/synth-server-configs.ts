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
import { RECORDING_SERVICE_FACTS } from "../core/model/genesys-facts";
import { TAG } from "../components/shared/platform";
import type { MockRun } from "./mock-run";
import type { SynthStep } from "./synth-steps";

const INSTANCE = "aws:ec2/instance:Instance";

/** A node and the tags its instance carries besides the system's (recording: tenant and service). */
interface TaggedNode {
  readonly node: ResolvedNode;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Every system with a balancer, and its nodes with the tags that tell their instances
 * apart. A system wired directly (`balancer: none`) has nothing for a balancer to proxy.
 */
function nodesBySystem(env: Environment): [HttpdSystem, readonly TaggedNode[]][] {
  const untagged = (nodes: readonly ResolvedNode[]) => nodes.map((node) => ({ node, tags: {} }));
  const systems: [HttpdSystem, readonly TaggedNode[]][] = [];
  if (env.webEngagement85 && env.webEngagement85.balancer !== "none")
    systems.push(["webEngagement85", untagged(env.webEngagement85.nodes)]);
  if (env.webEngagement81 && env.webEngagement81.balancer !== "none")
    systems.push([
      "webEngagement81",
      [
        ...env.webEngagement81.frontend.nodes.map((node) => ({ node, tags: { [TAG.tier]: "frontend" } })),
        ...env.webEngagement81.backend.nodes.map((node) => ({ node, tags: { [TAG.tier]: "backend" } })),
      ],
    ]);
  if (env.cobrowse && env.cobrowse.balancer !== "none") systems.push(["cobrowse", untagged(env.cobrowse.nodes)]);
  if (env.recording && env.recording.balancer !== "none")
    systems.push([
      "recording",
      env.recording.tenants.flatMap((t) =>
        t.services.flatMap((s) =>
          s.members.map((node) => ({
            node,
            tags: { [TAG.tenant]: t.key, [TAG.service]: RECORDING_SERVICE_FACTS[s.service].short },
          })),
        ),
      ),
    ]);
  return systems;
}

/** Node id -> ip:port for one system's nodes, from the instances the program registered and tagged. */
export function systemAddresses(run: MockRun, system: string, nodes: readonly TaggedNode[]): Record<string, string> {
  const instances = run.resources.filter(
    (r) => r.type === INSTANCE && (r.inputs.tags as Record<string, string> | undefined)?.[TAG.system] === system,
  );
  const addresses: Record<string, string> = {};
  for (const { node, tags } of nodes) {
    const wanted = { ...tags, [TAG.node]: node.key };
    const found = instances.filter((r) =>
      Object.entries(wanted).every(([k, v]) => (r.inputs.tags as Record<string, string>)[k] === v),
    );
    if (found.length > 1) throw new Error(`${found.length} instances are tagged as ${system} node ${node.id}`);
    const ip = found[0]?.state.privateIp;
    if (typeof ip === "string") addresses[node.id] = `${ip}:${node.port}`;
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
