/**
 * A plan's software balancer as an httpd balancer: the members at their
 * addresses, the stickiness mod_proxy_balancer reads, the timers of the site.
 * What the balancer does is the plan's; only the httpd form is decided here.
 */
import type { SoftwareBalancer, SoftwareMember } from "../../plan/software-balancer";
import { backendAddress } from "./backend-address";
import type { Balancer, BalancerMember } from "./balancer";
import type { SystemInput } from "./virtual-host";

/** A hot-standby member where the service allows none (the Recording Processor has no warm standby). */
export class StandbyNotAllowedError extends Error {
  constructor(where: string, label: string) {
    super(`${where} is a standby member, but ${label} balancers must not have a standby member`);
    this.name = "StandbyNotAllowedError";
  }
}

/** `recording.tenants.t1.rws`: where a balancer's nodes are configured, for messages. */
export function ownerOf(balancer: SoftwareBalancer): string {
  return balancer.where.join(".");
}

function portOf(address: string): string {
  return address.slice(address.lastIndexOf(":") + 1);
}

/** One member at its address; over https it is its DNS name, which httpd sends as SNI and checks the certificate against. */
export function httpdMember(
  balancer: SoftwareBalancer,
  member: SoftwareMember,
  input: Pick<SystemInput<unknown>, "addresses">,
): BalancerMember {
  const where = `${ownerOf(balancer)}.nodes.${member.key}`;
  if (member.hotStandby && !balancer.standbyAllowed) throw new StandbyNotAllowedError(where, balancer.label);
  const address = backendAddress(input.addresses, member.node, where);
  return {
    scheme: member.scheme,
    address:
      member.scheme === "https" && member.tlsName !== undefined ? `${member.tlsName}:${portOf(address)}` : address,
    route: member.route,
    hotStandby: member.hotStandby,
    parameters: balancer.freshConnections
      ? [
          ["disablereuse", "On"],
          ["connectiontimeout", balancer.freshConnections.connectTimeoutSeconds],
        ]
      : undefined,
  };
}

/** The httpd balancer for a plan's balancer; stickysession reads its first route-after-the-first-dot key. */
export function httpdBalancer(balancer: SoftwareBalancer, input: SystemInput<unknown>): Balancer {
  const sticky = balancer.stickiness.find((s) => s.match === "afterFirstDot");
  return {
    name: balancer.name,
    owner: ownerOf(balancer),
    members: balancer.members.map((member) => httpdMember(balancer, member, input)),
    stickySession: sticky?.name,
    balancerCookie: sticky?.balancerMade
      ? { name: sticky.name, path: sticky.balancerMade.path, secure: input.clientTls }
      : undefined,
    cookiePathRewrite: balancer.cookiePathRewrite,
    webSockets: balancer.webSockets,
    retrySeconds: input.tuning.retrySeconds,
    timeoutSeconds: balancer.responseTimeoutSeconds,
  };
}
