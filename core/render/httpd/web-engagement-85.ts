/**
 * Web Engagement 8.5 (Web Engagement 8.5 load-balancing guide): one balancer over the GWE nodes under /server,
 * sticky on the GWROUTEID cookie the GWE server itself sets to "." + its
 * application name; httpd takes the route after the first dot.
 */
import type { SoftwareBalancing } from "../../plan/software-balancer";
import { renderBalancer, renderProxyPass, renderWebSocketRoute } from "./balancer";
import { BEHAVIOURS, type HttpdConf } from "./httpd-conf";
import { httpdBalancer } from "./plan-balancer";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

export const WEB_ENGAGEMENT_85_FILE = "web_engagement_85.conf";

export type WebEngagement85Section = Extract<SoftwareBalancing, { kind: "webEngagement85" }>;

export function renderWebEngagement85(conf: HttpdConf, input: SystemInput<WebEngagement85Section>): void {
  const plan = input.section.balancer;
  conf.comment(
    `Genesys Web Engagement 8.5: sticky on the ${plan.stickiness.map((s) => s.name).join(", ")} cookie the GWE servers set ("." + application name)`,
  );
  const balancer = httpdBalancer(plan, input);
  if (plan.webSockets) {
    conf.comment(
      conf.does("httpMemberUpgrade")
        ? "WebSockets (CometD) pass through: upgrade=websocket on every member"
        : `WebSockets (CometD) pass through mod_proxy_wstunnel: httpd ${conf.release} ${BEHAVIOURS.httpMemberUpgrade.before}`,
    );
  }
  renderBalancer(conf, balancer);
  if (plan.webSockets && !conf.does("httpMemberUpgrade")) {
    conf.directive("RewriteEngine", "On");
    for (const path of plan.paths) renderWebSocketRoute(conf, balancer, path.publicPath, path.backendPath);
  }
  for (const path of plan.paths) renderProxyPass(conf, path.publicPath, plan.name, path.backendPath);
}

/**
 * No keep-alive towards the clients. When a member dies with a request in
 * flight (a CometD long poll is always in flight), mod_proxy_http closes the
 * client's connection WITHOUT any response if that connection had served an
 * earlier request, so that a browser may resend; it answers 502 only on a
 * connection's first request. With keep-alive off every request is its
 * connection's first, so the client always gets an answer.
 */
function renderClientConnections(conf: HttpdConf): void {
  conf.comment(
    "Every request on its own client connection: when a member dies mid-request, httpd answers 502 instead of closing the connection without a response",
  );
  conf.directive("KeepAlive", "Off");
}

export function webEngagement85Hosts(input: SystemInput<WebEngagement85Section>): VirtualHostPlan[] {
  return [
    {
      system: "webEngagement85",
      serverName: input.section.hostname,
      preamble: renderClientConnections,
      includes: [{ name: WEB_ENGAGEMENT_85_FILE, render: (conf) => renderWebEngagement85(conf, input) }],
    },
  ];
}
