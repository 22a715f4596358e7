/**
 * The stack's balancing as a Mermaid flowchart (out/<stack>/topology.mmd),
 * drawn from the balancing plans, the very data the ALB realiser builds
 * from: each ALB with its listeners, every listener rule as an edge to its
 * target group (labelled with its conditions), target groups and their
 * nodes, recording tenants as subgraphs; recording through the httpd HA pair
 * as the pair (its VIP and hosts) -> tenants -> services -> nodes; Framework
 * sites and their links. Pulumi-free: it needs no deployment.
 */
import type { Environment } from "../../model/environment";
import { sizeFramework } from "../../model/framework-sizing";
import { elbResourceName } from "../../model/names";
import { siteLinks } from "../../model/site-links";
import type { RuleCondition } from "../../plan/alb-conditions";
import { HTTPD_PAIR_NAME, TAG } from "../../plan/identity";
import type { BalancingPlan, PlanNode, TargetGroupPlan } from "../../plan/plan";

/** Text safe inside a quoted Mermaid label: quotes and semicolons as entities, newlines as breaks. */
export function label(text: string): string {
  return text.replace(/[";\n]/g, (c) => (c === '"' ? "#quot;" : c === ";" ? "#59;" : c === "\n" ? "<br/>" : c));
}

/** A Mermaid id from a key: letters, digits and '_' only. */
const idFrom = (prefix: string, key: string) => `${prefix}_${key.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** One line per condition, e.g. `Cookie: GWROUTEID=.N1 or GWROUTEID=.N1;*` or `path: /t1/api*`. */
export function describeConditions(conditions: readonly RuleCondition[]): string {
  return conditions
    .map((c) => {
      if ("httpHeader" in c) return `${c.httpHeader.httpHeaderName}: ${c.httpHeader.values.join(" or ")}`;
      if ("queryStrings" in c) return `query: ${c.queryStrings.map((q) => `${q.key ?? "*"}=${q.value}`).join(" or ")}`;
      if ("regexValues" in c.pathPattern) return `path ~ ${c.pathPattern.regexValues.join(" or ")}`;
      return `path: ${c.pathPattern.values.join(" or ")}`;
    })
    .join("\n");
}

function stickinessOf(tg: TargetGroupPlan): string {
  if (!tg.stickiness) return "no stickiness";
  return tg.stickiness.type === "app_cookie" ? `app_cookie ${tg.stickiness.cookieName}` : tg.stickiness.type;
}

export interface TopologyCounts {
  readonly balancers: number;
  readonly listeners: number;
  readonly rules: number;
  readonly targetGroups: number;
  readonly nodes: number;
  readonly tenants: number;
  readonly pairHosts: number;
  readonly frameworkSites: number;
}

export interface Topology {
  readonly text: string;
  readonly counts: TopologyCounts;
}

/** What the diagram reads besides the plans: the httpd pair and the Framework sites of the model. */
export type TopologyModel = Pick<Environment, "httpdHaPair" | "framework">;

const HTTP_PORT = 80;

export function renderTopology(plans: readonly BalancingPlan[], model: TopologyModel): Topology {
  let next = 0;
  const ids = new Map<string, string>();
  const idOf = (key: string) => {
    let id = ids.get(key);
    if (!id) ids.set(key, (id = `n${++next}`));
    return id;
  };
  const lines = ["flowchart LR"];
  const edges: string[] = [];
  let terminals = 0;
  const terminal = (text: string) => {
    const id = `a${++terminals}`;
    lines.push(`  ${id}(["${label(text)}"])`);
    return id;
  };
  const tgKey = (plan: BalancingPlan, name: string) => `tg:${plan.system}/${name}`;
  const nodeKey = (id: string) => `node:${id}`;

  // Balancers and their listeners: the client listener, and with TLS the HTTP listener that redirects to it.
  let listeners = 0;
  const clientListener = new Map<string, string>();
  const defaults: { readonly from: string; readonly to?: string; readonly text?: string }[] = [];
  for (const plan of plans) {
    for (const b of plan.balancers) {
      const tls = b.baseUrl.startsWith("https:");
      lines.push(
        `  subgraph ${idOf(`lb:${b.name}`)}["${label(`ALB ${elbResourceName(b.name)}\n${b.hostname}${b.exposure === "internal" ? "\ninternal" : ""}`)}"]`,
      );
      if (tls && b.listenerPort !== HTTP_PORT) {
        const redirect = idOf(`listener:${b.name}:redirect`);
        lines.push(`    ${redirect}["HTTP :${HTTP_PORT}"]`);
        defaults.push({ from: redirect, text: `redirect to HTTPS:${b.listenerPort}` });
        listeners++;
      }
      const client = idOf(`listener:${b.name}`);
      lines.push(`    ${client}["${tls ? "HTTPS" : "HTTP"} :${b.listenerPort}"]`);
      listeners++;
      clientListener.set(`${plan.system}/${b.name}`, client);
      defaults.push(
        b.defaultAction.kind === "forward"
          ? { from: client, to: idOf(tgKey(plan, b.defaultAction.targetGroup)) }
          : { from: client, text: "fixed 404" },
      );
      lines.push("  end");
    }
  }
  for (const d of defaults) edges.push(`  ${d.from} -->|"default"| ${d.to ?? terminal(d.text ?? "")}`);
  const rules = plans
    .flatMap((plan) => plan.rules.map((rule) => ({ plan, rule })))
    .sort((a, b) => a.rule.priority - b.rule.priority);
  for (const { plan, rule } of rules) {
    const listener = clientListener.get(`${plan.system}/${rule.balancer}`);
    if (!listener) continue;
    const rewrite = rule.rewrite ? `\nrewrite ${rule.rewrite.regex} → ${rule.rewrite.replace}` : "";
    const text = `${rule.priority}: ${describeConditions(rule.conditions)}${rewrite}`;
    edges.push(`  ${listener} -->|"${label(text)}"| ${idOf(tgKey(plan, rule.targetGroup))}`);
  }

  // Target groups and nodes; a recording tenant's draw in its subgraph.
  type Box = { readonly id: string; readonly text: string; readonly shape: "tg" | "node" | "service" };
  const loose: Box[] = [];
  const tenants = new Map<string, Box[]>();
  const place = (tenant: string | undefined, box: Box) => {
    if (tenant === undefined) loose.push(box);
    else tenants.set(tenant, [...(tenants.get(tenant) ?? []), box]);
  };
  let targetGroups = 0;
  let nodes = 0;
  const pairPlans = plans.filter((p) => p.balancerKind === "httpdHaPair");
  for (const plan of plans) {
    for (const tg of plan.targetGroups) {
      targetGroups++;
      const id = idOf(tgKey(plan, tg.name));
      place(tg.tags[TAG.tenant], {
        id,
        shape: "tg",
        text: `TG ${elbResourceName(tg.name)}\n${stickinessOf(tg)}\n${tg.healthPath}`,
      });
      for (const t of tg.targets) edges.push(`  ${id} --> ${idOf(nodeKey(t.node))}`);
    }
    for (const node of plan.nodeGroups.flatMap((g) => g.nodes)) {
      nodes++;
      place(node.scope.tenant, {
        id: idOf(nodeKey(node.id)),
        shape: "node",
        text: `${node.resourceName}\n${node.appName}`,
      });
    }
  }
  // The pair's httpd balancers, one per tenant service (`balancer://t1-rws`), each over its nodes.
  const services = new Map<string, { tenant: string; name: string; nodes: PlanNode[] }>();
  for (const node of pairPlans.flatMap((p) => p.nodeGroups.flatMap((g) => g.nodes))) {
    const { tenant, service } = node.scope;
    if (tenant === undefined || service === undefined) continue;
    const name = `${tenant}-${service}`;
    const entry = services.get(name) ?? { tenant, name, nodes: [] };
    entry.nodes.push(node);
    services.set(name, entry);
  }
  for (const s of services.values()) {
    const id = idOf(`service:${s.name}`);
    place(s.tenant, { id, shape: "service", text: `balancer://${s.name}` });
    for (const node of s.nodes) edges.push(`  ${id} --> ${idOf(nodeKey(node.id))}`);
  }
  const declare = (indent: string, box: Box) =>
    box.shape === "tg"
      ? `${indent}${box.id}[["${label(box.text)}"]]`
      : box.shape === "service"
        ? `${indent}${box.id}["${label(box.text)}"]`
        : `${indent}${box.id}("${label(box.text)}")`;
  for (const box of loose) lines.push(declare("  ", box));
  const tenantId = (tenant: string) => idFrom("tenant", tenant);
  for (const [tenant, members] of tenants) {
    lines.push(`  subgraph ${tenantId(tenant)}["tenant ${label(tenant)}"]`);
    for (const box of members) lines.push(declare("    ", box));
    lines.push("  end");
  }

  // The httpd HA pair: its hosts, the VIP that moves between them (or the NLB in front), and the tenants it balances.
  const pair = model.httpdHaPair;
  let balancers = plans.reduce((n, p) => n + p.balancers.length, 0);
  if (pair) {
    lines.push(`  subgraph pair["${label("httpd HA pair (Pacemaker/Corosync)")}"]`);
    const vip = pair.fronting === "vip" ? `VIP ${pair.virtualIp.address}` : undefined;
    if (vip) lines.push(`    vip(["${label(vip)}"])`);
    const hosts = pair.nodes.map((n) => ({ id: idOf(`pair:${n.key}`), key: n.key }));
    for (const host of hosts) lines.push(`    ${host.id}("${label(`${HTTPD_PAIR_NAME}-${host.key}\n${host.key}`)}")`);
    lines.push("  end");
    if (vip) for (const host of hosts) edges.push(`  vip -.->|"${label("active host")}"| ${host.id}`);
    if (pair.fronting === "nlb") {
      balancers++;
      lines.push(`  nlb(["${label(`NLB ${HTTPD_PAIR_NAME}-nlb\ninternal`)}"])`);
      edges.push(`  nlb -->|"${label("TCP to the active host")}"| pair`);
    }
    if (pairPlans.length > 0)
      for (const tenant of tenants.keys()) edges.push(`  pair -->|"${label(`/${tenant}/…`)}"| ${tenantId(tenant)}`);
  }

  // Framework sites and the links between them (remote sites reach the master site).
  const framework = model.framework;
  const sites = framework ? sizeFramework(framework) : [];
  if (framework && sites.length > 0) {
    lines.push(`  subgraph framework["${label(`Framework (${framework.connectivity})`)}"]`);
    for (const site of sites) {
      const roles = [
        site.configServers ? `CS ${site.configServers}` : "",
        site.csProxies ? `CS Proxy ${site.csProxies}` : "",
        site.distributedScs ? `Dist. SCS ${site.distributedScs}` : "",
      ].filter((x) => x !== "");
      lines.push(
        `    ${idFrom("site", site.key)}("${label(`site ${site.key}: ${site.role}\n${site.region}\n${roles.join(", ")}`)}")`,
      );
    }
    lines.push("  end");
    for (const link of siteLinks(sites))
      edges.push(
        `  ${idFrom("site", link.requester.key)} ---|"${label(framework.connectivity)}"| ${idFrom("site", link.accepter.key)}`,
      );
  }
  lines.push(...edges);
  return {
    text: `${lines.join("\n")}\n`,
    counts: {
      balancers,
      listeners,
      rules: rules.length,
      targetGroups,
      nodes,
      tenants: tenants.size,
      pairHosts: pair ? pair.nodes.length : 0,
      frameworkSites: sites.length,
    },
  };
}
