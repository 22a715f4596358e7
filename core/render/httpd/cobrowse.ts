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
import type { Cobrowse, CobrowseNode } from "../../model/environment";
import { COBROWSE_CONTEXT_PATH, COBROWSE_NODE_PARAMETER } from "../../model/genesys-facts";
import { regexLiteral } from "../common/apache-quote";
import { backendAddress } from "./backend-address";
import { balancerUrl, renderBalancer, renderProxyPass, renderWebSocketRoute, webSocketBalancerName } from "./balancer";
import type { HttpdConf } from "./httpd-conf";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

export const COBROWSE_BALANCER = "cobrowse";
export const COBROWSE_FILE = "cobrowse.conf";

/** The balancer that owns one node's sessions. */
export function cobrowseNodeBalancer(node: Pick<CobrowseNode, "key">): string {
  return `${COBROWSE_BALANCER}-node-${node.key.toLowerCase()}`;
}

function memberOf(node: CobrowseNode, input: SystemInput<Cobrowse>) {
  return {
    scheme: "http" as const,
    address: backendAddress(input.addresses, node.id, `cobrowse.nodes.${node.key}`),
    route: node.nodeId,
  };
}

export function renderCobrowse(conf: HttpdConf, input: SystemInput<Cobrowse>): void {
  const { model, tuning } = input;
  const context = COBROWSE_CONTEXT_PATH;
  const contextPattern = `^${regexLiteral(context)}(/.*)?$`;
  // httpd 2.2 (RHEL 6) cannot proxy WebSockets; Co-browse falls back to HTTP there.
  const webSockets = conf.does("webSocketMembers");
  conf.comment(
    `Genesys Co-browse: ${model.urlStickiness ? `the ${COBROWSE_NODE_PARAMETER} URL parameter, else ` : ""}the ${model.cookie} cookie (node id) picks the node`,
  );
  renderBalancer(conf, {
    name: COBROWSE_BALANCER,
    owner: "cobrowse",
    members: model.nodes.map((node) => memberOf(node, input)),
    webSockets,
    retrySeconds: tuning.retrySeconds,
  });
  for (const node of model.nodes) {
    renderBalancer(conf, {
      name: cobrowseNodeBalancer(node),
      owner: `cobrowse.nodes.${node.key}`,
      members: [
        memberOf(node, input),
        ...model.nodes
          .filter((other) => other !== node)
          .map((other) => ({ ...memberOf(other, input), hotStandby: true })),
      ],
      webSockets,
      retrySeconds: tuning.retrySeconds,
    });
  }
  conf.directive("RewriteEngine", "On");
  const tunnelled = webSockets && !conf.does("httpMemberUpgrade");
  const routeTo = (node: CobrowseNode, condition: readonly [string, string]) => {
    if (tunnelled) {
      conf.directive("RewriteCond", "%{HTTP:Upgrade}", "^websocket$", "[NC]");
      conf.directive("RewriteCond", ...condition);
      conf.directive(
        "RewriteRule",
        contextPattern,
        `${balancerUrl(webSocketBalancerName(cobrowseNodeBalancer(node)), context)}$1`,
        "[P,L]",
      );
    }
    conf.directive("RewriteCond", ...condition);
    conf.directive("RewriteRule", contextPattern, `${balancerUrl(cobrowseNodeBalancer(node), context)}$1`, "[P,L]");
  };
  if (model.urlStickiness) {
    for (const node of model.nodes)
      routeTo(node, [
        "%{QUERY_STRING}",
        `(?:^|&)${regexLiteral(COBROWSE_NODE_PARAMETER)}=${regexLiteral(node.nodeId)}(?:&|$)`,
      ]);
  }
  for (const node of model.nodes)
    routeTo(node, [
      "%{HTTP_COOKIE}",
      `(?:^|[;,])[ ]*${regexLiteral(model.cookie)}=${regexLiteral(node.cookieValue)}[ ]*(?:[;,]|$)`,
    ]);
  renderWebSocketRoute(conf, { name: COBROWSE_BALANCER, webSockets }, context, context);
  renderProxyPass(conf, context, COBROWSE_BALANCER, context);
  for (const node of model.nodes) {
    conf.directive("ProxyPassReverse", context, balancerUrl(cobrowseNodeBalancer(node), context));
  }
}

export function cobrowseHosts(input: SystemInput<Cobrowse>): VirtualHostPlan[] {
  if (input.model.balancer === "none") return [];
  return [
    {
      system: "cobrowse",
      serverName: input.model.hostname,
      includes: [{ name: COBROWSE_FILE, render: (conf) => renderCobrowse(conf, input) }],
    },
  ];
}
