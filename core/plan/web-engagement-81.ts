/**
 * Genesys Web Engagement 8.1: frontend and backend servers, each tier behind
 * its own balancer in production (Web Engagement 8.1 load-balancing guide).
 *
 * Frontend stickiness is URL based: the server writes "." + its application
 * name as configured into a static URL parameter. ALB listener rules match a
 * query parameter's whole value as sent (wildcards allowed, none needed), so
 * each frontend node gets a rule on `?<param>=.<name>` and a second one on the
 * servlet-style path parameter (`;<param>=.<name>`) that Apache's
 * stickysession also reads. ALB path patterns reject ';' and '=', so that
 * second rule matches the path with a regular expression (`regexValues`). A
 * name with spaces is refused: browsers may send a space as `%20`, which ALB
 * query-string values cannot hold.
 * Backend stickiness is a balancer-made cookie: the ALB's own lb_cookie.
 * Without balancers (development only) the frontend servers reach the backend
 * servers directly.
 */
import { singleAlbProblems } from "../model/alb-packing";
import type { Environment, WebEngagement81 } from "../model/environment";
import { queryValueForms, webEngagement81StickyValue } from "../model/genesys-facts";
import type { ConfigProblem } from "../model/problems";
import {
  caseCollisions,
  exactPathParameterCondition,
  exactQueryValuesCondition,
  priorityBands,
  ruleLimitProblems,
  stablePriorities,
  type RuleCondition,
} from "./alb-conditions";
import { albInFrontOf, directFromVpc, nodeGroup, targetGroupOver } from "./cluster-parts";
import { perNodeRouting, type NodeRoute } from "./node-routing";
import { emptyPlan, planNodes, portsOf, TAG, type BalancingPlan, type PlanValue } from "./plan";
import { SYSTEM_IDENTITY } from "./identity";
import { httpMember } from "./software-balancer";

const COMPONENT_TYPE = SYSTEM_IDENTITY.webEngagement81.componentType;
const NAME = "gwe81";

/** Frontend rules by where the sticky parameter sits; query rules are evaluated first. */
const FRONTEND_RULES: readonly {
  shape: string;
  condition: (parameter: string, value: string) => RuleCondition | undefined;
}[] = [
  { shape: "query", condition: (parameter, value) => exactQueryValuesCondition(parameter, queryValueForms(value)) },
  {
    shape: "path",
    condition: (parameter, value) => (value.includes(" ") ? undefined : exactPathParameterCondition(parameter, value)),
  },
];

/** What the frontend ALB cannot route: routes equal without case, more nodes than one ALB's rules hold. */
export function webEngagement81AlbProblems(system: WebEngagement81): ConfigProblem[] {
  if (system.balancer !== "alb") return [];
  const fe = system.frontend;
  const tooLong = fe.nodes.flatMap((n) =>
    FRONTEND_RULES.flatMap((rule) =>
      ruleLimitProblems(
        [rule.condition(fe.stickyParameter, webEngagement81StickyValue(n.appName))].filter(
          (c): c is RuleCondition => c !== undefined,
        ),
      ).map((problem) => ({
        path: ["webEngagement81", "frontend", "nodes", n.key, "appName"],
        value: n.appName,
        message: `cannot be routed by an ALB rule on the ${rule.shape} parameter ${fe.stickyParameter}: ${problem}; use a shorter application name or sticky parameter`,
      })),
    ),
  );
  // A browser may send a space as "%20", which ALB query-string values cannot hold (AWS listener rule conditions).
  const spaced = fe.nodes
    .filter((n) => n.appName.includes(" "))
    .map((n) => ({
      path: ["webEngagement81", "frontend", "nodes", n.key, "appName"],
      value: n.appName,
      message: `cannot be routed by an ALB: the sticky value "." + this name carries its spaces URL-encoded, as %20 or +, and ALB query-string conditions cannot hold '%'; use a name without spaces, or the httpd balancer, which routes both forms`,
    }));
  return [
    ...spaced,
    ...tooLong,
    ...caseCollisions(
      fe.nodes.map((n) => ({ path: ["webEngagement81", "frontend", "nodes", n.key, "appName"], value: n.appName })),
    ),
    ...singleAlbProblems(["webEngagement81", "frontend", "nodes"], {
      rules: FRONTEND_RULES.length * fe.nodes.length,
      targetGroups: 1 + fe.nodes.length,
    }),
  ];
}

export function planWebEngagement81(system: WebEngagement81, env: Environment): BalancingPlan {
  const tierPlan = (tier: "frontend" | "backend") => {
    const nodes = planNodes("webEngagement81", `${NAME}-${tier}`, system[tier].nodes, { tier });
    return { nodes, group: nodeGroup(`${NAME}-${tier}-nodes`, `Web Engagement 8.1 ${tier} nodes`, nodes) };
  };
  const fe = tierPlan("frontend");
  const be = tierPlan("backend");
  const plan = {
    ...emptyPlan("webEngagement81", COMPONENT_TYPE, NAME, system.balancer),
    nodeGroups: [fe.group, be.group],
  };

  if (system.balancer === "none") {
    const urls = (nodes: typeof fe.nodes): PlanValue =>
      Object.fromEntries(
        nodes.map((n) => [n.key, { ref: "nodeAddress", node: n.id, prefix: "http://", suffix: `:${n.port}` }]),
      );
    return {
      ...plan,
      directAccess: [
        directFromVpc(`${NAME}-frontend-nodes-vpc`, fe.group, "the frontend nodes"),
        {
          kind: "nodeGroup",
          name: `${NAME}-backend-nodes-from-frontend`,
          nodeGroup: be.group.name,
          source: fe.group.name,
          ports: portsOf(be.nodes),
          description: "development: frontend servers reach backend servers directly",
        },
      ],
      outputs: { wiring: "direct", frontendUrls: urls(fe.nodes), backendUrls: urls(be.nodes) },
      limitations: [
        "No balancers (development only): frontend servers are wired to backend servers directly, as the guide allows for development; there is no stickiness or failover.",
      ],
    };
  }

  const tls = env.tls !== undefined;
  const feName = `${NAME}-frontend`;
  const feTags = { [TAG.system]: "webEngagement81", [TAG.tier]: "frontend" };
  const feHealth = { healthPath: system.frontend.healthPath, tags: feTags };
  const roundRobin = targetGroupOver(`${feName}-all`, fe.nodes, feHealth);
  const frontend = albInFrontOf({
    name: feName,
    hostname: system.frontend.hostname,
    tls,
    idleTimeoutSeconds: system.frontend.idleTimeoutSeconds,
    defaultAction: { kind: "forward", targetGroup: roundRobin.name },
    tags: feTags,
    group: fe.group,
  });
  const bands = priorityBands(FRONTEND_RULES.length);
  const priorities = FRONTEND_RULES.map((_, i) =>
    stablePriorities(
      system.frontend.nodes.map((n) => n.key),
      bands[i],
    ),
  );
  const routes: NodeRoute[] = system.frontend.nodes.flatMap((n, i) =>
    FRONTEND_RULES.flatMap((rule, r) => {
      const condition = rule.condition(system.frontend.stickyParameter, webEngagement81StickyValue(n.appName));
      return condition === undefined
        ? []
        : [{ node: fe.nodes[i], suffix: rule.shape, priority: priorities[r].get(n.key) as number, condition }];
    }),
  );
  const routing = perNodeRouting(feName, frontend.name, routes, feHealth);

  const beName = `${NAME}-backend`;
  const beTags = { [TAG.system]: "webEngagement81", [TAG.tier]: "backend" };
  const sticky = targetGroupOver(`${beName}-all`, be.nodes, {
    healthPath: system.backend.healthPath,
    stickiness: { type: "lb_cookie" },
    tags: beTags,
  });
  const backend = albInFrontOf({
    name: beName,
    hostname: system.backend.hostname,
    tls,
    idleTimeoutSeconds: system.backend.idleTimeoutSeconds,
    exposure: "internal",
    defaultAction: { kind: "forward", targetGroup: sticky.name },
    tags: beTags,
    group: be.group,
  });
  return {
    ...plan,
    targetGroups: [roundRobin, ...routing.targetGroups, sticky],
    balancers: [frontend, backend],
    rules: routing.rules,
    softwareBalancer: {
      kind: "webEngagement81",
      frontend: {
        hostname: system.frontend.hostname,
        balancer: {
          name: feName,
          where: ["webEngagement81", "frontend"],
          label: "Web Engagement 8.1 frontend",
          // The route is the name's '+' form; a client may send its spaces as %20 too.
          members: system.frontend.nodes.map((n, i) => {
            const forms = queryValueForms(n.appName);
            const route = forms[forms.length - 1];
            return httpMember(fe.nodes[i], route, forms.length > 1 ? { routeAliases: forms.slice(0, -1) } : {});
          }),
          // The Frontend Server writes "." + its application name into the URL.
          stickiness: [{ carrier: "urlParameter", name: system.frontend.stickyParameter, match: "afterFirstDot" }],
          paths: [{ publicPath: "/", backendPath: "/" }],
          webSockets: false,
          standbyAllowed: false,
        },
      },
      backend: {
        hostname: system.backend.hostname,
        balancer: {
          name: beName,
          where: ["webEngagement81", "backend"],
          label: "Web Engagement 8.1 backend",
          members: system.backend.nodes.map((n, i) => httpMember(be.nodes[i], n.route)),
          stickiness: [
            { carrier: "cookie", name: system.backend.cookie, match: "afterFirstDot", balancerMade: { path: "/" } },
          ],
          paths: [{ publicPath: "/", backendPath: "/" }],
          webSockets: false,
          standbyAllowed: false,
        },
      },
    },
    outputs: {
      wiring: "balancers",
      frontendUrls: { balancer: frontend.baseUrl },
      backendUrls: { balancer: backend.baseUrl },
    },
    limitations: [
      `The backend balancer's cookie is the ALB's own (AWSALB); the ALB cannot name it ${system.backend.cookie}.`,
      `A request whose ${system.frontend.stickyParameter} parameter names a frontend node that is down gets an error from that node's target group; Apache would fail over to another member.`,
    ],
    problems: webEngagement81AlbProblems(system),
  };
}
