/**
 * Genesys Co-browse (Co-browse Deployment Guide, Stickiness). A session lives
 * on one node. Customers stick by the gcbSessionServer cookie the node sets
 * when a session is created, a chat is created or an agent joins; agents stick
 * by URL when Co-browse publishes a serverUrl per node
 * (`?co-browse-node-id=<id>` on the balancer, which Workspace Web Edition
 * requires).
 *
 * By default customers stick through the ALB's app cookie on gcbSessionServer
 * over all nodes, so a dead node's customers move to a healthy one. Agents'
 * URL stickiness names one node, so it is routed to that node's own target
 * group; `albStickiness: perNodeValue` routes the cookie's value the same way.
 * URL rules come first, so an agent's explicit node wins over a stale cookie.
 */
import { singleAlbProblems } from "../model/alb-packing";
import type { Cobrowse, Environment } from "../model/environment";
import { COBROWSE_CONTEXT_PATH, COBROWSE_NODE_PARAMETER, cobrowseServerUrl } from "../model/genesys-facts";
import type { ConfigProblem } from "../model/problems";
import { caseCollisions, exactQueryCondition, priorityBands, stablePriorities } from "./alb-conditions";
import { directFromVpc, nodeGroup, stickyCluster } from "./cluster-parts";
import { COOKIE_RULE_SHAPES, cookieRouting, perNodeRouting, type NodeRoute } from "./node-routing";
import { emptyPlan, planNodes, TAG, type BalancingPlan, type PlanValue } from "./plan";
import { SYSTEM_IDENTITY } from "./identity";
import { httpMember, type StickyKey } from "./software-balancer";

const COMPONENT_TYPE = SYSTEM_IDENTITY.cobrowse.componentType;
const NAME = "cobrowse";

/** What an ALB cannot route for this cluster: routed values equal without case, more nodes than one ALB's rules hold. */
export function cobrowseAlbProblems(cluster: Cobrowse): ConfigProblem[] {
  if (cluster.balancer !== "alb") return [];
  const byCookie = cluster.albStickiness === "perNodeValue";
  const rulesPerNode = (byCookie ? COOKIE_RULE_SHAPES.length : 0) + (cluster.urlStickiness ? 1 : 0);
  const routed = (field: "nodeId" | "cookieValue") =>
    caseCollisions(cluster.nodes.map((n) => ({ path: ["cobrowse", "nodes", n.key, field], value: n[field] })));
  return [
    ...(cluster.urlStickiness ? routed("nodeId") : []),
    ...(byCookie && (!cluster.urlStickiness || cluster.nodes.some((n) => n.cookieValue !== n.nodeId))
      ? routed("cookieValue")
      : []),
    ...singleAlbProblems(["cobrowse", "nodes"], {
      rules: rulesPerNode * cluster.nodes.length,
      targetGroups: 1 + (rulesPerNode > 0 ? cluster.nodes.length : 0),
    }),
  ];
}

export function planCobrowse(cluster: Cobrowse, env: Environment): BalancingPlan {
  const nodes = planNodes("cobrowse", NAME, cluster.nodes);
  const group = nodeGroup(`${NAME}-nodes`, "Co-browse nodes", nodes);
  const plan = { ...emptyPlan("cobrowse", COMPONENT_TYPE, NAME, cluster.balancer), nodeGroups: [group] };

  if (cluster.balancer === "none") {
    const direct = (i: number): PlanValue => ({
      ref: "nodeAddress",
      node: nodes[i].id,
      prefix: "http://",
      suffix: `:${nodes[i].port}${COBROWSE_CONTEXT_PATH}`,
    });
    return {
      ...plan,
      directAccess: [directFromVpc(`${NAME}-nodes-vpc`, group)],
      outputs: { url: direct(0), serverUrls: Object.fromEntries(nodes.map((n, i) => [n.key, direct(i)])) },
      limitations: ["No balancer (development only): each node is reached at its own address."],
    };
  }

  const tags = { [TAG.system]: "cobrowse" };
  const health = { healthPath: cluster.healthPath, tags };
  // Sessions start here; once a node sets its cookie the ALB pins the client to it, which also
  // covers a Cookie header the exact-value rules do not recognise (pairs joined by ";" alone).
  const { clusterGroup: all, alb } = stickyCluster(
    { name: NAME, targetGroup: `${NAME}-all`, group, health, tls: env.tls !== undefined },
    cluster,
  );
  const byCookie = cluster.albStickiness === "perNodeValue";
  const [urlBand, cookieBand] = priorityBands(2);
  const urlPriorities = stablePriorities(cluster.urlStickiness ? cluster.nodes.map((n) => n.key) : [], urlBand);
  const routes: NodeRoute[] = [
    ...cluster.nodes.flatMap((n, i) =>
      cluster.urlStickiness
        ? [
            {
              node: nodes[i],
              suffix: "url",
              priority: urlPriorities.get(n.key) as number,
              condition: exactQueryCondition(COBROWSE_NODE_PARAMETER, n.nodeId),
            },
          ]
        : [],
    ),
    ...(byCookie ? cookieRouting(nodes, cluster.cookie, (i) => cluster.nodes[i].cookieValue, cookieBand) : []),
  ];
  const routing = perNodeRouting(NAME, alb.name, routes, health);
  const byNode = (value: (n: Cobrowse["nodes"][number]) => string) =>
    Object.fromEntries(cluster.nodes.map((n, i) => [nodes[i].id, value(n)]));
  // Agents' URL parameter first: an agent's explicit node wins over a stale cookie.
  const stickiness: StickyKey[] = [
    ...(cluster.urlStickiness
      ? [
          {
            carrier: "urlParameter",
            name: COBROWSE_NODE_PARAMETER,
            match: "wholeValue",
            values: byNode((n) => n.nodeId),
          } as const,
        ]
      : []),
    { carrier: "cookie", name: cluster.cookie, match: "wholeValue", values: byNode((n) => n.cookieValue) },
  ];
  return {
    ...plan,
    targetGroups: [all, ...routing.targetGroups],
    balancers: [alb],
    rules: routing.rules,
    softwareBalancer: {
      kind: "cobrowse",
      hostname: cluster.hostname,
      healthPath: cluster.healthPath,
      balancer: {
        name: NAME,
        where: ["cobrowse"],
        label: "Co-browse",
        members: nodes.map((n, i) => httpMember(n, cluster.nodes[i].nodeId)),
        stickiness,
        // Neither value has the '.' a route needs, so each node has a balancer of its own to route to.
        nodeBalancers: Object.fromEntries(nodes.map((n) => [n.id, `${NAME}-node-${n.key.toLowerCase()}`])),
        paths: [{ publicPath: COBROWSE_CONTEXT_PATH, backendPath: COBROWSE_CONTEXT_PATH }],
        // Co-browse pushes to browsers over WebSockets where it can (WebSocket support highly recommended).
        webSockets: true,
        standbyAllowed: false,
      },
    },
    outputs: {
      url: `${alb.baseUrl}${COBROWSE_CONTEXT_PATH}`,
      serverUrls: cluster.urlStickiness
        ? Object.fromEntries(cluster.nodes.map((n) => [n.key, cobrowseServerUrl(alb.baseUrl, n.nodeId)]))
        : {},
      balancerDnsName: { ref: "balancerDnsName", balancer: alb.name },
    },
    limitations: [
      byCookie
        ? `albStickiness perNodeValue: customers whose ${cluster.cookie} names a node that is down get errors from that node's target group for the rest of the browser session (the cookie is a session cookie, and the ALB's error does not reset it), where Apache would send them to another node.`
        : `Customers stick through the ALB's app cookie on ${cluster.cookie}: when their node is down they move to a healthy node, which sets its own ${cluster.cookie} when a session is created, a chat is created or an agent joins.`,
      ...(cluster.urlStickiness
        ? [
            `Agents stick by their node's serverUrl (?${COBROWSE_NODE_PARAMETER}=N), routed to that node's target group alone: while the node is down, the agent's requests for it get 502 or 504 from the ALB (a target group whose only target is unhealthy still sends it the requests); the agent joins again through a new session on a healthy node.`,
          ]
        : []),
      "A Co-browse session lives on its node: when the node fails the session is lost behind any balancer, and customer and agent start a new one.",
    ],
    problems: cobrowseAlbProblems(cluster),
  };
}
