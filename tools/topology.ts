/**
 * Synth step: out/<stack>/topology.mmd, a Mermaid flowchart of what the stack
 * balances: load balancers, their listeners, each listener rule as an edge to
 * its target group (labelled with its conditions), target groups and their
 * nodes, recording tenants as subgraphs. Read from the registered resources,
 * wired by the ids and ARNs the mocks returned.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RegisteredResource } from "./mocks";
import type { MockRun } from "./mock-run";
import type { SynthStep } from "./synth-steps";
import { AWS_TYPE } from "../policies/aws-types";

const TYPE = {
  lb: AWS_TYPE.loadBalancer,
  listener: AWS_TYPE.listener,
  rule: AWS_TYPE.listenerRule,
  tg: AWS_TYPE.targetGroup,
  attachment: AWS_TYPE.targetGroupAttachment,
  instance: AWS_TYPE.instance,
} as const;

type Inputs = Record<string, unknown>;
interface Action {
  readonly type?: string;
  readonly targetGroupArn?: string;
  readonly fixedResponse?: { readonly statusCode?: string };
  readonly redirect?: { readonly protocol?: string; readonly port?: string };
}

/** Text safe inside a quoted Mermaid label: quotes and semicolons as entities, newlines as breaks. */
export function label(text: string): string {
  return text.replace(/[";\n]/g, (c) => (c === '"' ? "#quot;" : c === ";" ? "#59;" : c === "\n" ? "<br/>" : c));
}

function tagsOf(r: RegisteredResource): Record<string, string> {
  return (r.inputs.tags ?? {}) as Record<string, string>;
}

/** One line per condition, e.g. `Cookie: GWROUTEID=.N1 | GWROUTEID=.N1;*` or `path: /t1/api*`. */
export function describeConditions(conditions: readonly Inputs[]): string {
  return conditions
    .map((c) => {
      const header = c.httpHeader as { httpHeaderName?: string; values?: string[] } | undefined;
      if (header) return `${header.httpHeaderName}: ${(header.values ?? []).join(" or ")}`;
      const path = c.pathPattern as { values?: string[]; regexValues?: string[] } | undefined;
      if (path)
        return path.regexValues
          ? `path ~ ${path.regexValues.join(" or ")}`
          : `path: ${(path.values ?? []).join(" or ")}`;
      const query = c.queryStrings as { key?: string; value: string }[] | undefined;
      if (query) return `query: ${query.map((q) => `${q.key ?? "*"}=${q.value}`).join(" or ")}`;
      const host = c.hostHeader as { values?: string[] } | undefined;
      if (host) return `host: ${(host.values ?? []).join(" or ")}`;
      return JSON.stringify(c);
    })
    .join("\n");
}

function stickinessOf(tg: RegisteredResource): string {
  const s = tg.inputs.stickiness as { enabled?: boolean; type?: string; cookieName?: string } | undefined;
  if (!s || s.enabled === false) return "no stickiness";
  return s.type === "app_cookie" ? `app_cookie ${s.cookieName}` : String(s.type);
}

export interface Topology {
  readonly text: string;
  readonly counts: {
    balancers: number;
    listeners: number;
    rules: number;
    targetGroups: number;
    nodes: number;
    tenants: number;
    pairHosts: number;
    frameworkSites: number;
  };
}

interface PairOutput {
  readonly endpoint?: string;
  readonly virtualIp?: string;
}

interface FrameworkOutput {
  readonly connectivity?: string;
  readonly links?: readonly string[];
  readonly sites?: Record<
    string,
    { role?: string; region?: string; configServers?: number; csProxies?: number; distributedScs?: number }
  >;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether the httpd pair balances the recording tenants: their URLs name a host, and no recording ALB exists. */
function pairServesRecording(outputs: Record<string, unknown>): boolean {
  const recording = outputs.recording as
    { tenants?: Record<string, { rpsUrl?: string }>; albs?: Record<string, unknown> } | undefined;
  if (!recording || Object.keys(recording.albs ?? {}).length > 0) return false;
  return Object.values(recording.tenants ?? {}).some(
    (t) => typeof t.rpsUrl === "string" && !IPV4.test(new URL(t.rpsUrl).hostname),
  );
}

export function renderTopology(run: MockRun): Topology {
  const ofType = (t: string) => run.resources.filter((r) => r.type === t);
  const ids = new Map<RegisteredResource, string>();
  const idOf = (r: RegisteredResource) => {
    let id = ids.get(r);
    if (!id) ids.set(r, (id = `n${ids.size + 1}`));
    return id;
  };
  const byArn = new Map<string, RegisteredResource>();
  for (const r of run.resources) if (typeof r.state.arn === "string") byArn.set(r.state.arn, r);
  const instancesById = new Map(ofType(TYPE.instance).map((i) => [i.id, i]));

  const lines = ["flowchart LR"];
  const edges: string[] = [];
  let terminals = 0;
  const target = (action: Action | undefined): string => {
    if (action?.type === "forward" && action.targetGroupArn) {
      const tg = byArn.get(action.targetGroupArn);
      if (tg) return idOf(tg);
    }
    const id = `a${++terminals}`;
    const text =
      action?.type === "redirect"
        ? `redirect to ${action.redirect?.protocol}:${action.redirect?.port}`
        : action?.type === "fixed-response"
          ? `fixed ${action.fixedResponse?.statusCode}`
          : String(action?.type);
    lines.push(`  ${id}(["${label(text)}"])`);
    return id;
  };

  const balancers = ofType(TYPE.lb);
  const listeners = ofType(TYPE.listener);
  const rules = ofType(TYPE.rule);
  for (const lb of balancers) {
    const host = tagsOf(lb)["genesys:hostname"];
    const kind = lb.inputs.loadBalancerType === "network" ? "NLB" : "ALB";
    lines.push(
      `  subgraph ${idOf(lb)}["${label(`${kind} ${lb.name}${host ? `\n${host}` : ""}${lb.inputs.internal ? "\ninternal" : ""}`)}"]`,
    );
    for (const l of listeners.filter((x) => x.inputs.loadBalancerArn === lb.state.arn))
      lines.push(`    ${idOf(l)}["${label(`${l.inputs.protocol} :${l.inputs.port}`)}"]`);
    lines.push("  end");
  }
  for (const l of listeners) {
    for (const action of (l.inputs.defaultActions ?? []) as Action[])
      edges.push(`  ${idOf(l)} -->|"default"| ${target(action)}`);
  }
  for (const r of [...rules].sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority))) {
    const listener = byArn.get(String(r.inputs.listenerArn));
    if (!listener) continue;
    const rewrite = (
      r.inputs.transforms as { urlRewriteConfig?: { rewrite?: { regex: string; replace: string } } }[] | undefined
    )?.[0]?.urlRewriteConfig?.rewrite;
    const text = `${r.inputs.priority}: ${describeConditions((r.inputs.conditions ?? []) as Inputs[])}${rewrite ? `\nrewrite ${rewrite.regex} → ${rewrite.replace}` : ""}`;
    for (const action of (r.inputs.actions ?? []) as Action[])
      edges.push(`  ${idOf(listener)} -->|"${label(text)}"| ${target(action)}`);
  }

  const groups = ofType(TYPE.tg);
  const attachments = ofType(TYPE.attachment);
  const nodes = new Set<RegisteredResource>();
  for (const a of attachments) {
    const tg = byArn.get(String(a.inputs.targetGroupArn));
    const instance = instancesById.get(String(a.inputs.targetId));
    if (!tg || !instance) continue;
    nodes.add(instance);
    edges.push(`  ${idOf(tg)} --> ${idOf(instance)}`);
  }
  for (const i of ofType(TYPE.instance)) if (tagsOf(i)["genesys:system"]) nodes.add(i);
  const pairHosts = ofType(TYPE.instance).filter((i) => tagsOf(i)["genesys:cluster-node"] !== undefined);
  for (const host of pairHosts) nodes.delete(host);

  const tenantOf = (r: RegisteredResource) => tagsOf(r)["genesys:tenant"];
  const declare = (indent: string, r: RegisteredResource) =>
    r.type === TYPE.tg
      ? `${indent}${idOf(r)}[["${label(`TG ${r.name}\n${stickinessOf(r)}\n${String((r.inputs.healthCheck as { path?: string } | undefined)?.path ?? "")}`)}"]]`
      : `${indent}${idOf(r)}("${label(`${r.name}\n${tagsOf(r)["genesys:appName"] ?? ""}`)}")`;
  const tenants = new Map<string, RegisteredResource[]>();
  for (const r of [...groups, ...nodes]) {
    const t = tenantOf(r);
    if (t) tenants.set(t, [...(tenants.get(t) ?? []), r]);
    else lines.push(declare("  ", r));
  }
  const tenantId = (tenant: string) => `tenant_${tenant.replace(/[^A-Za-z0-9_]/g, "_")}`;
  for (const [tenant, members] of tenants) {
    lines.push(`  subgraph ${tenantId(tenant)}["tenant ${label(tenant)}"]`);
    for (const r of members) lines.push(declare("    ", r));
    lines.push("  end");
  }

  // The httpd HA pair: its hosts, the VIP that moves between them, and the tenants it balances.
  const pair = run.outputs.httpdHaPair as PairOutput | undefined;
  if (pair && pairHosts.length > 0) {
    lines.push(`  subgraph pair["${label("httpd HA pair (Pacemaker/Corosync)")}"]`);
    if (pair.virtualIp) lines.push(`    vip(["${label(`VIP ${pair.virtualIp}`)}"])`);
    for (const host of pairHosts)
      lines.push(`    ${idOf(host)}("${label(`${host.name}\n${tagsOf(host)["genesys:cluster-node"]}`)}")`);
    lines.push("  end");
    if (pair.virtualIp) for (const host of pairHosts) edges.push(`  vip -.->|"${label("active host")}"| ${idOf(host)}`);
    if (pairServesRecording(run.outputs))
      for (const tenant of tenants.keys()) edges.push(`  pair -->|"${label(`/${tenant}/…`)}"| ${tenantId(tenant)}`);
  }

  // Framework sites and the links between them (remote sites reach the master site).
  const framework = run.outputs.framework as FrameworkOutput | undefined;
  const sites = Object.entries(framework?.sites ?? {});
  if (sites.length > 0) {
    lines.push(`  subgraph framework["${label(`Framework (${framework?.connectivity ?? ""})`)}"]`);
    for (const [key, site] of sites) {
      const roles = [
        site.configServers ? `CS ${site.configServers}` : "",
        site.csProxies ? `CS Proxy ${site.csProxies}` : "",
        site.distributedScs ? `Dist. SCS ${site.distributedScs}` : "",
      ].filter((x) => x !== "");
      lines.push(
        `    site_${key.replace(/[^A-Za-z0-9_]/g, "_")}("${label(`site ${key}: ${site.role ?? ""}\n${site.region ?? ""}\n${roles.join(", ")}`)}")`,
      );
    }
    lines.push("  end");
    for (const link of framework?.links ?? []) {
      const [a, b] = link.split(".");
      if (a && b)
        edges.push(
          `  site_${a.replace(/[^A-Za-z0-9_]/g, "_")} ---|"${label(framework?.connectivity ?? "")}"| site_${b.replace(/[^A-Za-z0-9_]/g, "_")}`,
        );
    }
  }
  lines.push(...edges);
  return {
    text: `${lines.join("\n")}\n`,
    counts: {
      balancers: balancers.length,
      listeners: listeners.length,
      rules: rules.length,
      targetGroups: groups.length,
      nodes: nodes.size,
      tenants: tenants.size,
      pairHosts: pair ? pairHosts.length : 0,
      frameworkSites: sites.length,
    },
  };
}

export const writeTopology: SynthStep = ({ dir, run }) => {
  const topology = renderTopology(run);
  writeFileSync(join(dir, "topology.mmd"), topology.text);
  const c = topology.counts;
  const extra = [
    c.pairHosts > 0 ? "the httpd HA pair" : "",
    c.frameworkSites > 0 ? `${c.frameworkSites} Framework sites` : "",
  ].filter((x) => x !== "");
  return {
    summary: [
      "",
      `Topology (topology.mmd): ${c.balancers} balancers, ${c.listeners} listeners, ${c.rules} rules, ${c.targetGroups} target groups, ${c.nodes} nodes, ${c.tenants} tenant${c.tenants === 1 ? "" : "s"}${extra.map((x) => `, ${x}`).join("")}`,
    ],
  };
};
