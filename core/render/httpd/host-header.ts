/**
 * The Host header the Genesys servers get, the same from httpd and nginx:
 *
 * - a member reached over http gets the public host, as the client sent it
 *   (`ProxyPreserveHost On`). The servers are told their public URL by
 *   configuration, and a redirect a node makes (`/server` to `/server/`)
 *   then names the public host, never the node's address;
 * - a member reached over https gets its own DNS name and port
 *   (`ProxyPreserveHost Off`): the name httpd sends as SNI and checks the
 *   certificate against, which the recording servers require Host to match.
 *   With `On`, httpd would send the client's host as SNI and check the
 *   node's certificate against it, so no node could pass.
 *
 * The public host travels in X-Forwarded-Host either way (mod_proxy adds it).
 * From 2.3.3 the setting is per balancer (directory context), so http and
 * https services of one virtual host each get theirs. 2.2 takes it per
 * virtual host only: a host with any https member sends every member its own
 * address (the https members could not work otherwise), one without sends
 * the public host.
 */
import type { HttpdConf } from "./httpd-conf";

interface Member {
  readonly scheme: "http" | "https";
}

function preserveHost(members: readonly Member[]): "On" | "Off" {
  return members.some((m) => m.scheme === "https") ? "Off" : "On";
}

/** Inside a balancer's <Proxy> section, where the release allows it. */
export function renderBalancerHostHeader(conf: HttpdConf, members: readonly Member[]): void {
  if (conf.does("hostPerBalancer")) conf.directive("ProxyPreserveHost", preserveHost(members));
}

/** In a virtual host, for releases that take the setting there only. */
export function renderVirtualHostHostHeader(conf: HttpdConf, httpsMembers: boolean): void {
  if (!conf.does("hostPerBalancer")) conf.directive("ProxyPreserveHost", httpsMembers ? "Off" : "On");
}
