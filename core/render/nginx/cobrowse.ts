/**
 * Co-browse behind nginx (Co-browse load-balancing guide). Customers stick by the gcbSessionServer
 * cookie (value = node id); agents with URL stickiness send
 * `?co-browse-node-id=<node id>`, which wins over the cookie (Workspace Web
 * Edition sends only the parameter). Sessions live on one node, so the
 * single-node case is rendered the same way.
 */
import type { Cobrowse } from "../../model/environment";
import { COBROWSE_NODE_PARAMETER } from "../../model/genesys-facts";
import { serverIdentity, stickyBalancer, type SiteContext } from "./balancer";
import { block, comment, directive, type Line } from "./conf-text";
import { failover, proxyHeaders } from "./proxy";
import { nginxLiteral } from "./quote";
import { cookieVariable, exactPattern, firstParameterCapture, mapBlock } from "./sticky";

export const COBROWSE_BALANCER = "cobrowse";
const BY_COOKIE = "cobrowse_by_cookie";
const NODE_PARAMETER = "cobrowse_node_parameter";
const UPSTREAM_VARIABLE = "cobrowse_upstream";

export function renderCobrowse(cob: Cobrowse, ctx: SiteContext): Line[][] {
  const balancer = stickyBalancer(COBROWSE_BALANCER, cob.nodes, ctx);
  const byId = cob.nodes.map((n) => ({ pattern: exactPattern(n.nodeId), value: balancer.pinned.get(n.key)! }));
  const byCookieValue = cob.nodes.map((n) => ({
    pattern: exactPattern(n.cookieValue),
    value: balancer.pinned.get(n.key)!,
  }));
  const maps = cob.urlStickiness
    ? [
        mapBlock(cookieVariable(cob.cookie), BY_COOKIE, balancer.cluster, byCookieValue),
        mapBlock("$args", NODE_PARAMETER, '""', [
          { pattern: firstParameterCapture(COBROWSE_NODE_PARAMETER), value: "$1" },
        ]),
        mapBlock(`$${NODE_PARAMETER}`, UPSTREAM_VARIABLE, `$${BY_COOKIE}`, byId),
      ]
    : [mapBlock(cookieVariable(cob.cookie), UPSTREAM_VARIABLE, balancer.cluster, byCookieValue)];
  const server = block("server", [
    ...serverIdentity(ctx, cob.hostname),
    // Co-browse pushes to browsers over WebSockets when they can.
    ...proxyHeaders({ webSockets: true }),
    ...failover(),
    directive("proxy_connect_timeout", "5s"),
    "",
    ...block(`location = ${nginxLiteral(cob.healthPath)}`, [directive("proxy_pass", `http://${balancer.cluster}`)]),
    ...block("location /", [directive("proxy_pass", `http://$${UPSTREAM_VARIABLE}`)]),
  ]);
  return [
    [
      comment(
        cob.urlStickiness
          ? `Co-browse: ${COBROWSE_NODE_PARAMETER}=<node id> in the URL wins over the ${cob.cookie} cookie (= node id).`
          : `Co-browse: sticky on the ${cob.cookie} cookie (= node id).`,
      ),
    ],
    ...balancer.upstreams,
    ...maps,
    server,
  ];
}
