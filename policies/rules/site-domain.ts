/**
 * Balancers live under the website's domain: Safari rejects the stickiness
 * cookies of a third-party domain, and chat then cannot start (Web Engagement
 * guide). Every DNS record the stack creates must be the site domain or under it.
 */
import { isUnderDomain } from "../../core/model/domain-names";
import { DNS_RECORD } from "../aws-types";
import type { ResourcePolicy } from "../policy";
import { label, readString } from "../props";

export const balancerUnderSiteDomain: ResourcePolicy = {
  name: "balancer-under-site-domain",
  description:
    "Checks that every Route 53 record (the balancer hostnames) is the website's domain or a subdomain of it, so stickiness cookies stay first-party.",
  enforcementLevel: "mandatory",
  kind: "resource",
  resourceTypes: DNS_RECORD,
  check: (record, context) => {
    if (!context.siteDomain) {
      return [
        `A production stack must name its website's domain in the policy config (siteDomain) so balancer hostnames can be checked (${label(record)}).`,
      ];
    }
    const name = readString(record.props, "name");
    if (name === undefined) return [];
    const host = name.toLowerCase().replace(/\.$/, "");
    const domain = context.siteDomain.toLowerCase().replace(/\.$/, "");
    return isUnderDomain(host, domain)
      ? []
      : [
          `A production balancer hostname must be under the website's domain "${domain}" so Safari keeps its stickiness cookies first-party ("${name}" is not).`,
        ];
  },
};
