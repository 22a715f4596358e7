/**
 * Synth step: the files the httpd HA pair's hosts get (out/<stack>/httpd-ha-pair/,
 * at their host paths), and the Apache httpd and nginx configs a self-run
 * balancer would use for the other systems, rendered from the same balancing
 * plans (their software-balancer sections) with the mocked instances' private addresses, under out/<stack>/httpd/ and
 * out/<stack>/nginx/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Environment } from "../core/model/environment";
import { HA_OS_FACTS } from "../core/model/ha-os";
import type { BalancingPlan, PlanNode } from "../core/plan/plan";
import { planSystems } from "../core/plan/registry";
import { DEFAULT_HTTPD_RELEASE, HTTPD_SYSTEMS, renderHttpdSite } from "../core/render/httpd";
import { renderNginxSite } from "../core/render/nginx/site";
import { CONFIG_NAMESPACE } from "../core/model/problems";
import { SECRET_CONFIG_KEYS } from "../core/model/schema";
import { pairHostFiles } from "../components/httpd-ha-pair/host-files";
import { pairTlsSecrets } from "../components/httpd-ha-pair/site-files";
import { TAG } from "../components/shared/platform";
import type { MockRun } from "./mock-run";
import type { SynthStep } from "./synth-steps";
import { AWS_TYPE } from "../policies/aws-types";

const INSTANCE = AWS_TYPE.instance;

/** Every node of a plan, once (a recording node sits in the node group of its tenant's ALB). */
function planNodesOf(plan: BalancingPlan): PlanNode[] {
  return [...new Map(plan.nodeGroups.flatMap((g) => g.nodes).map((n) => [n.id, n])).values()];
}

/** The tags an instance carries that tell a node apart within its system: its scope and key. */
function instanceTags(node: PlanNode): Record<string, string> {
  return {
    ...(node.scope.tier === undefined ? {} : { [TAG.tier]: node.scope.tier }),
    ...(node.scope.tenant === undefined ? {} : { [TAG.tenant]: node.scope.tenant }),
    ...(node.scope.service === undefined ? {} : { [TAG.service]: node.scope.service }),
    [TAG.node]: node.key,
  };
}

/** Plan node id -> private IP for one plan's nodes, from the instances the program registered and tagged. */
function systemIps(run: MockRun, plan: BalancingPlan): Record<string, string> {
  const instances = run.resources.filter(
    (r) => r.type === INSTANCE && (r.inputs.tags as Record<string, string> | undefined)?.[TAG.system] === plan.system,
  );
  const ips: Record<string, string> = {};
  for (const node of planNodesOf(plan)) {
    const wanted = instanceTags(node);
    const found = instances.filter((r) =>
      Object.entries(wanted).every(([k, v]) => (r.inputs.tags as Record<string, string>)[k] === v),
    );
    if (found.length > 1) throw new Error(`${found.length} instances are tagged as ${plan.system} node ${node.id}`);
    const ip = found[0]?.state.privateIp;
    if (typeof ip === "string") ips[node.id] = ip;
  }
  return ips;
}

/** Plan node id -> ip:port for one plan's nodes. */
export function systemAddresses(run: MockRun, plan: BalancingPlan): Record<string, string> {
  const ips = systemIps(run, plan);
  return Object.fromEntries(
    planNodesOf(plan)
      .filter((node) => Object.hasOwn(ips, node.id))
      .map((node) => [node.id, `${ips[node.id]}:${node.port}`]),
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
  recording: BalancingPlan,
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
    recordingIps: systemIps(run, recording),
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
  // Every system with a software-balancer section: one wired directly (`balancer: none`) has nothing to proxy.
  const plans = planSystems(env)
    .filter((plan) => plan.softwareBalancer !== undefined)
    .sort((a, b) => HTTPD_SYSTEMS.indexOf(a.system) - HTTPD_SYSTEMS.indexOf(b.system));
  const merged: Record<string, string> = {};
  const summary = ["", "Rendered balancer configs:"];
  for (const plan of plans) {
    const system = plan.softwareBalancer!.kind;
    // Plan node ids are unique in the stack, so one map holds every system's nodes.
    const addresses = systemAddresses(run, plan);
    Object.assign(merged, addresses);
    if (system === "recording" && env.httpdHaPair) {
      // The pair serves recording: its hosts' files are the ones to review.
      summary.push(...writePairFiles(dir, run, env, config, plan));
      continue;
    }
    // Rendered for the httpd release of the pair's OS (RHEL 8's when the stack has no pair).
    const release = env.httpdHaPair ? HA_OS_FACTS[env.httpdHaPair.os].httpd : DEFAULT_HTTPD_RELEASE;
    const files = write(
      join(dir, "httpd", system),
      renderHttpdSite(env, addresses, { systems: [system], release, plans: [plan] }),
    );
    summary.push(`  httpd/${system}: ${files.length} file${files.length === 1 ? "" : "s"}`);
  }
  if (plans.length > 0) {
    const files = write(
      join(dir, "nginx"),
      renderNginxSite(env, merged, { clientHttps: env.tls !== undefined, plans }),
    );
    summary.push(`  nginx: ${files.length} files`);
  } else summary.push("  none: every system is wired to its nodes directly (balancer: none)");
  const pair = run.outputs.httpdHaPair as { runbook?: string } | undefined;
  if (typeof pair?.runbook === "string") {
    writeFileSync(join(dir, "RUNBOOK.md"), pair.runbook);
    summary.push("  RUNBOOK.md: operating the httpd HA pair");
  }
  return { summary };
};
