/** Access control in the syntax of each httpd generation: 2.4 `Require`, 2.2 `Order`/`Allow`/`Deny`. */
import type { HttpdConf } from "./httpd-conf";

/** Loopback only: the Pacemaker apache agent polls server-status through localhost. */
export const LOCAL_SOURCES = ["127.0.0.1", "::1"] as const;

export function allowLocalOnly(conf: HttpdConf): void {
  if (conf.version === "2.4") {
    conf.directive("Require", "ip", ...LOCAL_SOURCES);
  } else {
    conf.directive("Order", "deny,allow");
    conf.directive("Deny", "from", "all");
    conf.directive("Allow", "from", ...LOCAL_SOURCES);
  }
}

export function denyAll(conf: HttpdConf): void {
  if (conf.version === "2.4") {
    conf.directive("Require", "all", "denied");
  } else {
    conf.directive("Order", "deny,allow");
    conf.directive("Deny", "from", "all");
  }
}
