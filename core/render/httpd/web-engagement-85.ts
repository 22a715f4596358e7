/**
 * Web Engagement 8.5 (Web Engagement 8.5 load-balancing guide): one balancer over the GWE nodes under /server,
 * sticky on the GWROUTEID cookie the GWE server itself sets to "." + its
 * application name; httpd takes the route after the first dot.
 */
import type { WebEngagement85 } from "../../model/environment";
import { WEB_ENGAGEMENT_CONTEXT_PATH } from "../../model/genesys-facts";
import { backendAddress } from "./backend-address";
import { renderBalancer, renderProxyPass, renderWebSocketRoute, type Balancer } from "./balancer";
import { BEHAVIOURS, type HttpdConf } from "./httpd-conf";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

export const WEB_ENGAGEMENT_85_BALANCER = "gwe85";
export const WEB_ENGAGEMENT_85_FILE = "web_engagement_85.conf";

export function webEngagement85Balancer({ model, addresses, tuning }: SystemInput<WebEngagement85>): Balancer {
  return {
    name: WEB_ENGAGEMENT_85_BALANCER,
    owner: "webEngagement85",
    members: model.nodes.map((node) => ({
      scheme: "http",
      address: backendAddress(addresses, node.id, `webEngagement85.nodes.${node.key}`),
      route: node.route,
    })),
    stickySession: model.cookie,
    webSockets: model.webSockets,
    retrySeconds: tuning.retrySeconds,
    // CometD long polls hold a response open; the member must wait as long as the idle timeout allows.
    timeoutSeconds: model.idleTimeoutSeconds,
  };
}

export function renderWebEngagement85(conf: HttpdConf, input: SystemInput<WebEngagement85>): void {
  const { model } = input;
  conf.comment(
    `Genesys Web Engagement 8.5: sticky on the ${model.cookie} cookie the GWE servers set ("." + application name)`,
  );
  const balancer = webEngagement85Balancer(input);
  if (model.webSockets) {
    conf.comment(
      conf.does("httpMemberUpgrade")
        ? "WebSockets (CometD) pass through: upgrade=websocket on every member"
        : `WebSockets (CometD) pass through mod_proxy_wstunnel: httpd ${conf.release} ${BEHAVIOURS.httpMemberUpgrade.before}`,
    );
  }
  renderBalancer(conf, balancer);
  if (model.webSockets && !conf.does("httpMemberUpgrade")) {
    conf.directive("RewriteEngine", "On");
    renderWebSocketRoute(conf, balancer, WEB_ENGAGEMENT_CONTEXT_PATH, WEB_ENGAGEMENT_CONTEXT_PATH);
  }
  renderProxyPass(conf, WEB_ENGAGEMENT_CONTEXT_PATH, WEB_ENGAGEMENT_85_BALANCER, WEB_ENGAGEMENT_CONTEXT_PATH);
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

export function webEngagement85Hosts(input: SystemInput<WebEngagement85>): VirtualHostPlan[] {
  if (input.model.balancer === "none") return [];
  return [
    {
      system: "webEngagement85",
      serverName: input.model.hostname,
      preamble: renderClientConnections,
      includes: [{ name: WEB_ENGAGEMENT_85_FILE, render: (conf) => renderWebEngagement85(conf, input) }],
    },
  ];
}
