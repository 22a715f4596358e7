/**
 * Web Engagement 8.5 behind nginx (Web Engagement 8.5 load-balancing guide). The GWE server sets
 * GWROUTEID = "." + its application name; the cookie's route picks the group
 * pinned to that node, anything else goes round-robin over the cluster.
 */
import { WEB_ENGAGEMENT_COMETD_PATH } from "../../model/genesys-facts";
import type { SoftwareBalancing } from "../../plan/software-balancer";
import { routeOf, serverIdentity, stickyBalancer, type SiteContext } from "./balancer";
import { block, comment, directive, type Line } from "./conf-text";
import { failover, notPublished, proxyHeaders, publishedPaths } from "./proxy";
import { nginxLiteral } from "./quote";
import { cookieVariable, firstDotRoutePattern, mapBlock } from "./sticky";

const UPSTREAM_VARIABLE = "gwe85_upstream";

/**
 * CometD (the endpoint and the paths clients append to it: /handshake,
 * /connect...) is retried on the next server even for POST (`non_idempotent`).
 * When a node dies, its sessions' held /meta/connect and in-flight publishes
 * go straight to the next node instead of failing with 502; that node does
 * not own the session, so it refuses them (401/402 "Unknown client", with
 * re-handshake advice on the connect) and the client handshakes there at
 * once, instead of after CometD's 1 s back-off during which every publish is
 * refused. A retry cannot run anything twice: only the session's own node
 * accepts its messages, and a retried handshake at most leaves an unused
 * session that expires. Nothing else gets `non_idempotent`, recording writes
 * least of all.
 */
function cometdLocations(): Line[] {
  const body = [
    directive("proxy_pass", `http://$${UPSTREAM_VARIABLE}`),
    directive("proxy_next_upstream", "error", "timeout", "http_502", "http_504", "non_idempotent"),
  ];
  return [
    comment(
      "CometD: a dead node's polls and publishes go on to the next node, POST included; a node that does not own the session refuses them, so nothing runs twice.",
    ),
    ...block(`location = ${nginxLiteral(WEB_ENGAGEMENT_COMETD_PATH)}`, body),
    ...block(`location ${nginxLiteral(`${WEB_ENGAGEMENT_COMETD_PATH}/`)}`, body),
  ];
}

export function renderWebEngagement85(
  we: Extract<SoftwareBalancing, { kind: "webEngagement85" }>,
  ctx: SiteContext,
): Line[][] {
  const plan = we.balancer;
  const cookie = plan.stickiness[0].name;
  const balancer = stickyBalancer(plan.name, plan.members, ctx);
  const routeMap = mapBlock(
    cookieVariable(cookie),
    UPSTREAM_VARIABLE,
    balancer.cluster,
    plan.members.map((m) => ({
      pattern: firstDotRoutePattern(routeOf(m, plan.name)),
      value: balancer.pinned.get(m.key)!,
    })),
  );
  const published = publishedPaths(plan.name, plan.paths, `$${UPSTREAM_VARIABLE}`);
  const timeout = plan.responseTimeoutSeconds;
  const server = block("server", [
    ...serverIdentity(ctx, we.hostname),
    ...proxyHeaders({ webSockets: plan.webSockets }),
    ...failover(),
    directive("proxy_connect_timeout", "5s"),
    // CometD long polling holds a request open up to the idle timeout.
    ...(timeout === undefined
      ? []
      : [directive("proxy_read_timeout", `${timeout}s`), directive("proxy_send_timeout", `${timeout}s`)]),
    // Room for DOM and CSS messages (Web Engagement 8.5 load-balancing guide).
    directive("proxy_buffers", 8, "2m"),
    directive("proxy_buffer_size", "10m"),
    directive("proxy_busy_buffers_size", "10m"),
    "",
    ...block(`location = ${nginxLiteral(we.healthPath)}`, [directive("proxy_pass", `http://${balancer.cluster}`)]),
    ...published,
    ...cometdLocations(),
    ...notPublished(),
  ]);
  return [
    [
      comment(
        `Web Engagement 8.5: sticky on ${cookie} = "." + application name; the route is the text after the first dot.`,
      ),
    ],
    ...balancer.upstreams,
    routeMap,
    server,
  ];
}
