/**
 * Co-browse behind nginx (Co-browse load-balancing guide). Customers stick by the gcbSessionServer
 * cookie (value = node id); agents with URL stickiness send
 * `?co-browse-node-id=<node id>`, which wins over the cookie (Workspace Web
 * Edition sends only the parameter). Sessions live on one node, so the
 * single-node case is rendered the same way.
 */
import type { SoftwareBalancing, SoftwareMember, StickyKey } from "../../plan/software-balancer";
import { serverIdentity, stickyBalancer, type SiteContext } from "./balancer";
import { block, comment, directive, type Line } from "./conf-text";
import { failover, notPublished, proxyHeaders, publishedPaths } from "./proxy";
import { nginxLiteral } from "./quote";
import { cookieVariable, exactPattern, firstParameterCapture, mapBlock, type MapEntry } from "./sticky";

const BY_COOKIE = "cobrowse_by_cookie";
const NODE_PARAMETER = "cobrowse_node_parameter";
const UPSTREAM_VARIABLE = "cobrowse_upstream";

export function renderCobrowse(cob: Extract<SoftwareBalancing, { kind: "cobrowse" }>, ctx: SiteContext): Line[][] {
  const plan = cob.balancer;
  const balancer = stickyBalancer(plan.name, plan.members, ctx);
  const entries = (key: StickyKey): MapEntry[] =>
    plan.members.flatMap((m: SoftwareMember) => {
      const value = key.values?.[m.node];
      return value === undefined ? [] : [{ pattern: exactPattern(value), value: balancer.pinned.get(m.key)! }];
    });
  for (const key of plan.stickiness)
    if (key.match !== "wholeValue")
      throw new Error(`${plan.name}: Co-browse values name their node whole; ${key.name} is read ${key.match}`);
  const cookie = plan.stickiness.find((k) => k.carrier === "cookie");
  const parameter = plan.stickiness.find((k) => k.carrier === "urlParameter");
  if (cookie === undefined) throw new Error(`${plan.name}: the plan names no sticky cookie`);
  const maps = parameter
    ? [
        mapBlock(cookieVariable(cookie.name), BY_COOKIE, balancer.cluster, entries(cookie)),
        mapBlock("$args", NODE_PARAMETER, '""', [{ pattern: firstParameterCapture(parameter.name), value: "$1" }]),
        mapBlock(`$${NODE_PARAMETER}`, UPSTREAM_VARIABLE, `$${BY_COOKIE}`, entries(parameter)),
      ]
    : [mapBlock(cookieVariable(cookie.name), UPSTREAM_VARIABLE, balancer.cluster, entries(cookie))];
  const server = block("server", [
    ...serverIdentity(ctx, cob.hostname),
    // Co-browse pushes to browsers over WebSockets when they can.
    ...proxyHeaders({ webSockets: plan.webSockets }),
    ...failover(),
    directive("proxy_connect_timeout", "5s"),
    "",
    ...block(`location = ${nginxLiteral(cob.healthPath)}`, [directive("proxy_pass", `http://${balancer.cluster}`)]),
    ...publishedPaths(plan.name, plan.paths, `$${UPSTREAM_VARIABLE}`),
    ...notPublished(),
  ]);
  return [
    [
      comment(
        parameter
          ? `Co-browse: ${parameter.name}=<node id> in the URL wins over the ${cookie.name} cookie (= node id).`
          : `Co-browse: sticky on the ${cookie.name} cookie (= node id).`,
      ),
    ],
    ...balancer.upstreams,
    ...maps,
    server,
  ];
}
