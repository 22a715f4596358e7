/**
 * Genesys Web Engagement 8.5 (Web Engagement 8.5 load-balancing guide): one
 * balancer in front of the cluster, GWROUTEID stickiness, CometD long polling
 * (the idle timeout) and WebSockets (native on an ALB).
 *
 * The GWE server sets GWROUTEID = "." + its application name, and the guide
 * requires stickiness "to switch over ongoing transactions if a node fails".
 * By default the cluster target group sticks with the ALB's app cookie on
 * GWROUTEID: the ALB pins a client to the node that set it, and when that node
 * is down sends it to a healthy one, which sets its own GWROUTEID. With
 * `albStickiness: perNodeValue` listener rules route each GWROUTEID value to
 * its node's target group alone, like the guide's Apache balancer, without its
 * failover.
 */
import { singleAlbProblems } from "../model/alb-packing";
import type { Environment, WebEngagement85 } from "../model/environment";
import { stickyValue, WEB_ENGAGEMENT_CONTEXT_PATH } from "../model/genesys-facts";
import { caseCollisions, priorityBands } from "./alb-conditions";
import { directFromVpc, nodeGroup, stickyCluster } from "./cluster-parts";
import { COOKIE_RULE_SHAPES, cookieRouting, perNodeRouting } from "./node-routing";
import { emptyPlan, planNodes, TAG, type BalancingPlan } from "./plan";
import { SYSTEM_IDENTITY } from "./identity";
import { httpMember } from "./software-balancer";

const COMPONENT_TYPE = SYSTEM_IDENTITY.webEngagement85.componentType;
const NAME = "gwe85";

/** What an ALB cannot route for this cluster: routes equal without case, more nodes than one ALB's rules hold. */
export function webEngagement85AlbProblems(cluster: WebEngagement85): BalancingPlan["problems"] {
  if (cluster.balancer !== "alb" || cluster.albStickiness !== "perNodeValue") return [];
  return [
    ...caseCollisions(
      cluster.nodes.map((n) => ({ path: ["webEngagement85", "nodes", n.key, "appName"], value: n.route })),
    ),
    ...singleAlbProblems(["webEngagement85", "nodes"], {
      rules: COOKIE_RULE_SHAPES.length * cluster.nodes.length,
      targetGroups: 1 + cluster.nodes.length,
    }),
  ];
}

export function planWebEngagement85(cluster: WebEngagement85, env: Environment): BalancingPlan {
  const nodes = planNodes("webEngagement85", NAME, cluster.nodes);
  const group = nodeGroup(`${NAME}-nodes`, "Web Engagement 8.5 nodes", nodes);
  const plan = { ...emptyPlan("webEngagement85", COMPONENT_TYPE, NAME, cluster.balancer), nodeGroups: [group] };
  const first = nodes[0];

  if (cluster.balancer === "none") {
    return {
      ...plan,
      directAccess: [directFromVpc(`${NAME}-nodes-vpc`, group)],
      outputs: {
        clusterApplication: { host: { ref: "nodeAddress", node: first.id }, port: first.port },
        serverUrl: {
          ref: "nodeAddress",
          node: first.id,
          prefix: "http://",
          suffix: `:${first.port}${WEB_ENGAGEMENT_CONTEXT_PATH}`,
        },
      },
      limitations: [
        "No balancer (development only): the cluster application points at one node, so there is no stickiness or failover.",
      ],
    };
  }

  const tags = { [TAG.system]: "webEngagement85" };
  const health = { healthPath: cluster.healthPath, healthyCodes: "200", tags };
  const { clusterGroup, alb } = stickyCluster(
    { name: NAME, targetGroup: `${NAME}-cluster`, group, health, tls: env.tls !== undefined },
    // Without TLS (development) the default 443 would carry plain HTTP; use 80 unless a port was chosen.
    { ...cluster, listenerPort: env.tls || cluster.listenerPort !== 443 ? cluster.listenerPort : undefined },
  );
  const perNode = cluster.albStickiness === "perNodeValue";
  const routing = perNodeRouting(
    NAME,
    alb.name,
    perNode
      ? cookieRouting(nodes, cluster.cookie, (i) => stickyValue(cluster.nodes[i].route), priorityBands(1)[0])
      : [],
    health,
  );
  return {
    ...plan,
    targetGroups: [clusterGroup, ...routing.targetGroups],
    balancers: [alb],
    rules: routing.rules,
    softwareBalancer: {
      kind: "webEngagement85",
      hostname: cluster.hostname,
      healthPath: cluster.healthPath,
      balancer: {
        name: NAME,
        where: ["webEngagement85"],
        label: "Web Engagement 8.5",
        members: nodes.map((n, i) => httpMember(n, cluster.nodes[i].route)),
        // The GWE server sets its cookie to "." + its application name.
        stickiness: [{ carrier: "cookie", name: cluster.cookie, match: "afterFirstDot" }],
        paths: [{ publicPath: WEB_ENGAGEMENT_CONTEXT_PATH, backendPath: WEB_ENGAGEMENT_CONTEXT_PATH }],
        webSockets: cluster.webSockets,
        // CometD long polls hold a response open; the member may take as long as the idle timeout allows.
        responseTimeoutSeconds: cluster.idleTimeoutSeconds,
        standbyAllowed: false,
      },
    },
    outputs: {
      clusterApplication: { host: cluster.hostname, port: alb.listenerPort },
      serverUrl: `${alb.baseUrl}${WEB_ENGAGEMENT_CONTEXT_PATH}`,
      balancerDnsName: { ref: "balancerDnsName", balancer: alb.name },
    },
    limitations: [
      perNode
        ? `albStickiness perNodeValue: a request whose ${cluster.cookie} names a node that is down gets an error from that node's target group for the rest of the browser session (the cookie is a session cookie, and the ALB's error does not reset it); Apache would fail over to another member. Requests without the cookie (or with an unknown value) are balanced over the healthy nodes and pinned with the ALB's own cookie.`
        : `Stickiness is the ALB's app cookie on ${cluster.cookie}: the ALB pins a client to the node that set the cookie (through its own AWSALBAPP cookie), not to the node the cookie names. When that node is down the client moves to a healthy node, which sets its own ${cluster.cookie}; CometD sessions of the dead node are lost and their clients handshake again.`,
      ...(cluster.webSockets
        ? []
        : [
            "WebSockets are off in the model: disable them on the client side (chat and tracker disableWebSockets) or in the CometD transports option.",
          ]),
    ],
    problems: webEngagement85AlbProblems(cluster),
  };
}
