/**
 * Co-browse (Co-browse load-balancing guide). The gcbSessionServer cookie holds the node id itself
 * and the agent side's serverUrl carries it as ?co-browse-node-id=N; neither
 * value has the leading '.' httpd's stickysession needs. So each node gets a
 * balancer of its own (the node, the others as hot standby) and mod_rewrite
 * sends a request carrying the parameter, else the cookie, to it. Requests
 * with neither are spread over all nodes. A single node is handled the same way.
 *
 * Co-browse uses WebSockets where it can ("Configuring a Load Balancer for
 * Co-browse Cluster": WebSocket support highly recommended): from 2.4.47 the
 * members upgrade; before, each balancer has a ws:// twin and every routing rule has an upgrade variant ahead of it;
 * 2.2 has no WebSocket proxying and Co-browse falls back to HTTP.
 */
import type { SoftwareBalancing, SoftwareMember, StickyKey } from "../../plan/software-balancer";
import { regexLiteral } from "../common/apache-quote";
import { balancerUrl, renderBalancer, renderProxyPass, renderWebSocketRoute, webSocketBalancerName } from "./balancer";
import type { HttpdConf } from "./httpd-conf";
import { httpdBalancer } from "./plan-balancer";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

export const COBROWSE_FILE = "cobrowse.conf";

export type CobrowseSection = Extract<SoftwareBalancing, { kind: "cobrowse" }>;

/** Where a sticky key's value is read from, and the pattern that finds one member's value there. */
function condition(key: StickyKey, value: string): readonly [string, string] {
  return key.carrier === "urlParameter"
    ? ["%{QUERY_STRING}", `(?:^|&)${regexLiteral(key.name)}=${regexLiteral(value)}(?:&|$)`]
    : ["%{HTTP_COOKIE}", `(?:^|[;,])[ ]*${regexLiteral(key.name)}=${regexLiteral(value)}[ ]*(?:[;,]|$)`];
}

export function renderCobrowse(conf: HttpdConf, input: SystemInput<CobrowseSection>): void {
  const plan = input.section.balancer;
  const nodeBalancer = (member: SoftwareMember): string => {
    const name = plan.nodeBalancers?.[member.node];
    if (name === undefined) throw new Error(`${plan.name}: the plan names no balancer for node ${member.node}`);
    return name;
  };
  const [path, ...others] = plan.paths;
  if (path === undefined || others.length > 0)
    throw new Error(`${plan.name}: Co-browse is published at one path, the plan has ${plan.paths.length}`);
  const context = path.publicPath;
  const contextPattern = `^${regexLiteral(context)}(/.*)?$`;
  // httpd 2.2 (RHEL 6) cannot proxy WebSockets; Co-browse falls back to HTTP there.
  const webSockets = plan.webSockets && conf.does("webSocketMembers");
  conf.comment(
    `Genesys Co-browse: ${plan.stickiness.map((key) => (key.carrier === "urlParameter" ? `the ${key.name} URL parameter` : `the ${key.name} cookie (node id)`)).join(", else ")} picks the node`,
  );
  const cluster = httpdBalancer({ ...plan, webSockets }, input);
  renderBalancer(conf, cluster);
  for (const [i, member] of plan.members.entries()) {
    renderBalancer(conf, {
      ...cluster,
      name: nodeBalancer(member),
      owner: `${cluster.owner}.nodes.${member.key}`,
      members: [
        cluster.members[i],
        ...cluster.members.filter((_, j) => j !== i).map((other) => ({ ...other, hotStandby: true })),
      ],
    });
  }
  conf.directive("RewriteEngine", "On");
  const tunnelled = webSockets && !conf.does("httpMemberUpgrade");
  const routeTo = (member: SoftwareMember, cond: readonly [string, string]) => {
    if (tunnelled) {
      conf.directive("RewriteCond", "%{HTTP:Upgrade}", "^websocket$", "[NC]");
      conf.directive("RewriteCond", ...cond);
      conf.directive(
        "RewriteRule",
        contextPattern,
        `${balancerUrl(webSocketBalancerName(nodeBalancer(member)), path.backendPath)}$1`,
        "[P,L]",
      );
    }
    conf.directive("RewriteCond", ...cond);
    conf.directive("RewriteRule", contextPattern, `${balancerUrl(nodeBalancer(member), path.backendPath)}$1`, "[P,L]");
  };
  for (const key of plan.stickiness) {
    if (key.match !== "wholeValue")
      throw new Error(`${plan.name}: Co-browse values name their node whole; ${key.name} is read ${key.match}`);
    for (const member of plan.members) {
      const value = key.values?.[member.node];
      if (value !== undefined) routeTo(member, condition(key, value));
    }
  }
  renderWebSocketRoute(conf, { name: plan.name, webSockets }, context, path.backendPath);
  renderProxyPass(conf, context, plan.name, path.backendPath);
  for (const member of plan.members) {
    conf.directive("ProxyPassReverse", context, balancerUrl(nodeBalancer(member), path.backendPath));
  }
}

export function cobrowseHosts(input: SystemInput<CobrowseSection>): VirtualHostPlan[] {
  return [
    {
      system: "cobrowse",
      serverName: input.section.hostname,
      includes: [{ name: COBROWSE_FILE, render: (conf) => renderCobrowse(conf, input) }],
    },
  ];
}
