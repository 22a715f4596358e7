/**
 * Web Engagement 8.1 (the Web Engagement 8.1.2 load-balancing guide): a frontend balancer sticky on a
 * URL parameter the Frontend Server writes as "." + its application name as
 * configured, and
 * a backend balancer sticky on a cookie the balancer itself issues. Each has
 * its own hostname and publishes the whole host. With balancer "none" the
 * frontend servers talk to the backend servers directly: nothing to render.
 *
 * mod_proxy_balancer compares the raw text after the first '.' with each
 * member's route and decodes nothing, so a name with spaces is the member's
 * route in its `+` form, and a request carrying the `%20` form has that
 * parameter rewritten to the `+` form first (both decode to the same name).
 * The patterns need no backslash: '[.]' is the literal dot, and the name's
 * characters (letters, digits, space, '_', '-') are literal in a regex.
 */
import type { WebEngagement81 } from "../../model/environment";
import { queryValueForms, webEngagement81StickyValue } from "../../model/genesys-facts";
import { backendAddress } from "./backend-address";
import { renderBalancer, renderProxyPass } from "./balancer";
import type { HttpdConf } from "./httpd-conf";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

export const WEB_ENGAGEMENT_81_FRONTEND_BALANCER = "gwe81-frontend";
export const WEB_ENGAGEMENT_81_BACKEND_BALANCER = "gwe81-backend";
export const WEB_ENGAGEMENT_81_FRONTEND_FILE = "web_engagement_81_frontend.conf";
export const WEB_ENGAGEMENT_81_BACKEND_FILE = "web_engagement_81_backend.conf";

export function renderWebEngagement81Frontend(
  conf: HttpdConf,
  { model, addresses, tuning }: SystemInput<WebEngagement81>,
): void {
  const frontend = model.frontend;
  conf.comment(
    `Genesys Web Engagement 8.1 frontend: sticky on the ${frontend.stickyParameter} URL parameter ("." + frontend application name)`,
  );
  const spaced = frontend.nodes.filter((node) => node.appName.includes(" "));
  if (spaced.length > 0) {
    conf.directive("RewriteEngine", "On");
    for (const node of spaced) {
      const [percent, plus] = queryValueForms(webEngagement81StickyValue(node.appName)).map((form) => form.slice(1));
      conf.directive("RewriteCond", "%{QUERY_STRING}", `^(|.*&)${frontend.stickyParameter}=[.]${percent}(&.*|)$`);
      conf.directive("RewriteRule", "^", `%{REQUEST_URI}?%1${frontend.stickyParameter}=.${plus}%2`, "[PT]");
    }
  }
  renderBalancer(conf, {
    name: WEB_ENGAGEMENT_81_FRONTEND_BALANCER,
    owner: "webEngagement81.frontend",
    members: frontend.nodes.map((node) => ({
      scheme: "http",
      address: backendAddress(addresses, node.id, `webEngagement81.frontend.nodes.${node.key}`),
      route: queryValueForms(node.appName).at(-1),
    })),
    stickySession: frontend.stickyParameter,
    retrySeconds: tuning.retrySeconds,
  });
  renderProxyPass(conf, "/", WEB_ENGAGEMENT_81_FRONTEND_BALANCER, "/");
}

export function renderWebEngagement81Backend(
  conf: HttpdConf,
  { model, addresses, tuning, clientTls }: SystemInput<WebEngagement81>,
): void {
  const backend = model.backend;
  conf.comment(
    `Genesys Web Engagement 8.1 backend: the balancer issues the ${backend.cookie} cookie (".route") and sticks on it`,
  );
  renderBalancer(conf, {
    name: WEB_ENGAGEMENT_81_BACKEND_BALANCER,
    owner: "webEngagement81.backend",
    members: backend.nodes.map((node) => ({
      scheme: "http",
      address: backendAddress(addresses, node.id, `webEngagement81.backend.nodes.${node.key}`),
      route: node.route,
    })),
    balancerCookie: { name: backend.cookie, path: "/", secure: clientTls },
    stickySession: backend.cookie,
    retrySeconds: tuning.retrySeconds,
  });
  renderProxyPass(conf, "/", WEB_ENGAGEMENT_81_BACKEND_BALANCER, "/");
}

export function webEngagement81Hosts(input: SystemInput<WebEngagement81>): VirtualHostPlan[] {
  if (input.model.balancer === "none") return [];
  return [
    {
      system: "webEngagement81",
      serverName: input.model.frontend.hostname,
      includes: [
        { name: WEB_ENGAGEMENT_81_FRONTEND_FILE, render: (conf) => renderWebEngagement81Frontend(conf, input) },
      ],
    },
    {
      system: "webEngagement81",
      serverName: input.model.backend.hostname,
      includes: [{ name: WEB_ENGAGEMENT_81_BACKEND_FILE, render: (conf) => renderWebEngagement81Backend(conf, input) }],
    },
  ];
}
