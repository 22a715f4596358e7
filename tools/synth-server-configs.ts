/**
 * Synth step: the files the httpd HA pair's hosts get (out/<stack>/httpd-ha-pair/,
 * at their host paths), and the Apache httpd and nginx configs a self-run
 * balancer would use for the other systems, rendered from the same model with
 * the mocked instances' private addresses, under out/<stack>/httpd/ and
 * out/<stack>/nginx/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Environment, ResolvedNode } from "../core/model/environment";
import { HA_OS_FACTS } from "../core/model/ha-os";
import { DEFAULT_HTTPD_RELEASE, renderHttpdSite, type HttpdSystem } from "../core/render/httpd";
import { renderNginxSite } from "../core/render/nginx/site";
import { RECORDING_SERVICE_FACTS } from "../core/model/genesys-facts";
import { CONFIG_NAMESPACE } from "../core/model/problems";
import { SECRET_CONFIG_KEYS } from "../core/model/schema";
import { pairHostFiles } from "../components/httpd-ha-pair/host-files";
import { pairTlsSecrets } from "../components/httpd-ha-pair/site-files";
import { TAG } from "../components/shared/platform";
import type { MockRun } from "./mock-run";
import type { SynthStep } from "./synth-steps";
import { AWS_TYPE } from "../policies/aws-types";

const INSTANCE = AWS_TYPE.instance;

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

/** Node id -> private IP for one system's nodes, from the instances the program registered and tagged. */
function systemIps(run: MockRun, system: string, nodes: readonly TaggedNode[]): Record<string, string> {
  const instances = run.resources.filter(
    (r) => r.type === INSTANCE && (r.inputs.tags as Record<string, string> | undefined)?.[TAG.system] === system,
  );
  const ips: Record<string, string> = {};
  for (const { node, tags } of nodes) {
    const wanted = { ...tags, [TAG.node]: node.key };
    const found = instances.filter((r) =>
      Object.entries(wanted).every(([k, v]) => (r.inputs.tags as Record<string, string>)[k] === v),
    );
    if (found.length > 1) throw new Error(`${found.length} instances are tagged as ${system} node ${node.id}`);
    const ip = found[0]?.state.privateIp;
    if (typeof ip === "string") ips[node.id] = ip;
  }
  return ips;
}

/** Node id -> ip:port for one system's nodes. */
export function systemAddresses(run: MockRun, system: string, nodes: readonly TaggedNode[]): Record<string, string> {
  const ips = systemIps(run, system, nodes);
  return Object.fromEntries(
    nodes
      .filter(({ node }) => Object.hasOwn(ips, node.id))
      .map(({ node }) => [node.id, `${ips[node.id]}:${node.port}`]),
  );
}

function write(root: string, files: readonly { path: string; content: string }[]): string[] {
  return files.map((file) => {
    const target = join(root, file.path.replace(/^\/+/, ""));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    return target;
  });
}

/**
 * What provisioning puts on the pair's hosts, at their host paths under
 * httpd-ha-pair/, rendered by the same calls with the mocked addresses.
 */
function writePairFiles(
  dir: string,
  run: MockRun,
  env: Environment,
  config: Readonly<Record<string, string>>,
  recordingNodes: readonly TaggedNode[],
): string[] {
  const outputs = run.outputs.httpdHaPair as { privateIps?: Record<string, string> } | undefined;
  if (!env.httpdHaPair || !outputs?.privateIps) return [];
  const secret = (key: string) => config[`${CONFIG_NAMESPACE}:${key}`];
  const clientTls =
    pairTlsSecrets(env, {
      certificate: secret(SECRET_CONFIG_KEYS.httpdTlsCertificate),
      privateKey: secret(SECRET_CONFIG_KEYS.httpdTlsPrivateKey),
    }) !== undefined;
  const files = pairHostFiles(env, {
    recordingIps: systemIps(run, "recording", recordingNodes),
    hostIps: outputs.privateIps,
    clientTls,
  });
  write(join(dir, PAIR_DIR), files);
  const hosts = Object.entries(outputs.privateIps).map(([key, ip]) => `${key} ${ip}`);
  const width = Math.max(...files.map((f) => f.path.length));
  return [
    `  ${PAIR_DIR}/: on both hosts of the httpd HA pair (${hosts.join(", ")}), at these paths:`,
    ...files.map((f) =>
      f.secret ? `    ${f.path.padEnd(width)}  the secret ${f.secret} (not rendered)` : `    ${f.path}`,
    ),
  ];
}

/** Where synth writes the pair's host files, under out/<stack>/. */
export const PAIR_DIR = "httpd-ha-pair";

export const writeServerConfigs: SynthStep = ({ dir, run, environment: env, config = {} }) => {
  if (!env) return { summary: [] };
  const systems = nodesBySystem(env);
  const merged: Record<string, string> = {};
  const summary = ["", "Rendered balancer configs:"];
  for (const [system, nodes] of systems) {
    const addresses = systemAddresses(run, system, nodes);
    Object.assign(merged, addresses);
    if (system === "recording" && env.httpdHaPair) {
      // The pair serves recording: its hosts' files are the ones to review.
      summary.push(...writePairFiles(dir, run, env, config, nodes));
      continue;
    }
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
