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
import type { SoftwareBalancing } from "../../plan/software-balancer";
import { renderBalancer, renderProxyPass } from "./balancer";
import type { HttpdConf } from "./httpd-conf";
import { httpdBalancer } from "./plan-balancer";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

export const WEB_ENGAGEMENT_81_FRONTEND_FILE = "web_engagement_81_frontend.conf";
export const WEB_ENGAGEMENT_81_BACKEND_FILE = "web_engagement_81_backend.conf";

export type WebEngagement81Section = Extract<SoftwareBalancing, { kind: "webEngagement81" }>;

export function renderWebEngagement81Frontend(conf: HttpdConf, input: SystemInput<WebEngagement81Section>): void {
  const plan = input.section.frontend.balancer;
  const parameter = plan.stickiness[0].name;
  conf.comment(
    `Genesys Web Engagement 8.1 frontend: sticky on the ${parameter} URL parameter ("." + frontend application name)`,
  );
  const aliased = plan.members.filter((member) => (member.routeAliases ?? []).length > 0);
  if (aliased.length > 0) {
    conf.directive("RewriteEngine", "On");
    for (const member of aliased) {
      for (const alias of member.routeAliases ?? []) {
        if (!/^[A-Za-z0-9_%-]{1,192}$/.test(alias))
          throw new Error(
            `route alias ${JSON.stringify(alias)} of ${plan.name} must be letters, digits, '_', '-' and '%'`,
          );
        conf.directive("RewriteCond", "%{QUERY_STRING}", `^(|.*&)${parameter}=[.]${alias}(&.*|)$`);
        conf.directive("RewriteRule", "^", `%{REQUEST_URI}?%1${parameter}=.${member.route}%2`, "[PT]");
      }
    }
  }
  renderBalancer(conf, httpdBalancer(plan, input));
  for (const path of plan.paths) renderProxyPass(conf, path.publicPath, plan.name, path.backendPath);
}

export function renderWebEngagement81Backend(conf: HttpdConf, input: SystemInput<WebEngagement81Section>): void {
  const plan = input.section.backend.balancer;
  conf.comment(
    `Genesys Web Engagement 8.1 backend: the balancer issues the ${plan.stickiness[0].name} cookie (".route") and sticks on it`,
  );
  renderBalancer(conf, httpdBalancer(plan, input));
  for (const path of plan.paths) renderProxyPass(conf, path.publicPath, plan.name, path.backendPath);
}

export function webEngagement81Hosts(input: SystemInput<WebEngagement81Section>): VirtualHostPlan[] {
  return [
    {
      system: "webEngagement81",
      serverName: input.section.frontend.hostname,
      includes: [
        { name: WEB_ENGAGEMENT_81_FRONTEND_FILE, render: (conf) => renderWebEngagement81Frontend(conf, input) },
      ],
    },
    {
      system: "webEngagement81",
      serverName: input.section.backend.hostname,
      includes: [{ name: WEB_ENGAGEMENT_81_BACKEND_FILE, render: (conf) => renderWebEngagement81Backend(conf, input) }],
    },
  ];
}
