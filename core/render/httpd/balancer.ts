/**
 * One `<Proxy balancer://NAME>` section and the ProxyPass lines that use it.
 * Stickiness follows mod_proxy_balancer's rule: the route is the text after
 * the FIRST '.' of the cookie or URL parameter named by stickysession.
 *
 * WebSockets take the form the target release tunnels: from 2.4.47,
 * `upgrade=websocket` on every member; before (RHEL 8's 2.4.37), a twin
 * balancer `<name>-ws` with ws:// members, the same routes, standby and
 * stickiness, which a RewriteRule picks for requests asking for the upgrade
 * (mod_proxy_wstunnel). 2.2 has neither.
 */
import { TOKEN_NAME_PATTERN } from "../../model/names";
import { regexLiteral } from "../common/apache-quote";
import { isBackendAddress } from "./backend-address";
import { renderBalancerHostHeader } from "./host-header";
import type { HttpdConf } from "./httpd-conf";
import { UnsupportedFeatureError } from "./modules";

/** httpd lowercases balancer names; requiring lowercase keeps what is rendered what httpd uses. */
export const BALANCER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/**
 * Routes travel in cookies and URLs after a '.', so no '.'; a space only as
 * '+', the way a query carries it (Web Engagement 8.1 application names).
 */
const ROUTE_PATTERN = /^[A-Za-z0-9_+-]{1,64}$/;
/** URL and cookie paths: '/'-led segments of letters, digits, '_' and '-'. */
const PATH_PATTERN = /^\/[A-Za-z0-9_/-]*$/;
const PARAMETER_PATTERN = /^[a-z]+=[A-Za-z0-9]+$/;

export interface BalancerMember {
  readonly scheme: "http" | "https";
  /** `host:port`, checked by backendAddress. */
  readonly address: string;
  readonly route?: string;
  /** `status=+H`: takes traffic only when every other member is down. */
  readonly hotStandby?: boolean;
  /** Worker parameters specific to one Genesys service, e.g. `disablereuse=On`. */
  readonly parameters?: readonly (readonly [string, string | number])[];
}

export interface Balancer {
  readonly name: string;
  /** What the balancer serves, for messages: `recording tenant t1 rws`. */
  readonly owner: string;
  readonly members: readonly BalancerMember[];
  /** Cookie or URL parameter carrying ".route". */
  readonly stickySession?: string;
  /** The balancer issues this cookie itself with value ".route" on the given path whenever the route changes. */
  readonly balancerCookie?: {
    readonly name: string;
    readonly path: string;
    /** Marked `Secure`: clients send it back over https only. */
    readonly secure?: boolean;
  };
  /** Rewrites Set-Cookie paths from the backend's space into the public one. */
  readonly cookiePathRewrite?: { readonly from: string; readonly to: string };
  /**
   * Pass WebSocket upgrades: `upgrade=websocket` on every member from 2.4.47
   * (the ProxyPass line rejects it, and a member without it silently drops
   * the upgrade), else the ws:// twin balancer (renderWebSocketRoute).
   */
  readonly webSockets?: boolean;
  /** Seconds a failed member rests before it is tried again (httpd default 60). */
  readonly retrySeconds?: number;
  /** Seconds to wait for a member's response (httpd default: Timeout, 60). */
  readonly timeoutSeconds?: number;
}

function check(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new Error(`${what} ${JSON.stringify(value)} does not match ${pattern}`);
  return value;
}

function wholeSeconds(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 86400)
    throw new Error(`${what} must be whole seconds from 0 to 86400, got ${value}`);
  return value;
}

export function balancerUrl(name: string, path = ""): string {
  return `balancer://${check(name, BALANCER_NAME_PATTERN, "balancer name")}${path}`;
}

/** The ws:// twin of a balancer, for releases whose http:// members cannot upgrade. */
export function webSocketBalancerName(name: string): string {
  return `${name}-ws`;
}

/** The release tunnels upgrades on the http:// members themselves; otherwise the ws:// twin does. */
function upgradesOnMembers(conf: HttpdConf): boolean {
  return conf.does("httpMemberUpgrade");
}

export function renderBalancer(conf: HttpdConf, balancer: Balancer): void {
  if (balancer.webSockets && !conf.does("webSocketMembers"))
    throw new UnsupportedFeatureError("webSockets", conf.version);
  renderMembers(conf, balancer, "http");
  if (balancer.webSockets && !upgradesOnMembers(conf)) {
    renderMembers(
      conf,
      {
        ...balancer,
        name: webSocketBalancerName(balancer.name),
        owner: `${balancer.owner} (WebSockets)`,
        balancerCookie: undefined,
        cookiePathRewrite: undefined,
      },
      "ws",
    );
  }
}

function renderMembers(conf: HttpdConf, balancer: Balancer, protocol: "http" | "ws"): void {
  if (balancer.members.length === 0) throw new Error(`balancer ${balancer.name} has no members`);
  if (balancer.members.every((m) => m.hotStandby))
    throw new Error(`balancer ${balancer.name} has only hot-standby members`);
  check(balancer.name, BALANCER_NAME_PATTERN, "balancer name");
  conf.claimBalancer(balancer.name, balancer.owner);
  conf.use("balancer");
  conf.section("Proxy", balancerUrl(balancer.name), () => {
    for (const member of balancer.members) {
      conf.use(protocol === "ws" ? "webSockets" : "proxyHttp");
      if (member.scheme === "https") conf.use("backendTls");
      if (!isBackendAddress(member.address))
        throw new Error(
          `member address ${JSON.stringify(member.address)} of balancer ${balancer.name} must be host:port`,
        );
      const scheme = protocol === "ws" ? (member.scheme === "https" ? "wss" : "ws") : member.scheme;
      const args: string[] = [`${scheme}://${member.address}`];
      if (member.route !== undefined) args.push(`route=${check(member.route, ROUTE_PATTERN, "route")}`);
      if (member.hotStandby) args.push("status=+H");
      if (balancer.webSockets && protocol === "http" && upgradesOnMembers(conf)) args.push("upgrade=websocket");
      if (balancer.retrySeconds !== undefined) args.push(`retry=${wholeSeconds(balancer.retrySeconds, "retry")}`);
      if (balancer.timeoutSeconds !== undefined)
        args.push(`timeout=${wholeSeconds(balancer.timeoutSeconds, "timeout")}`);
      for (const [key, value] of member.parameters ?? [])
        args.push(check(`${key}=${value}`, PARAMETER_PATTERN, "member parameter"));
      conf.directive("BalancerMember", ...args);
    }
    renderBalancerHostHeader(conf, balancer.members);
    if (balancer.balancerCookie) {
      const name = check(balancer.balancerCookie.name, TOKEN_NAME_PATTERN, "cookie name");
      const path = check(balancer.balancerCookie.path, PATH_PATTERN, "cookie path");
      conf.directive(
        "Header",
        "add",
        "Set-Cookie",
        `${name}=.%{BALANCER_WORKER_ROUTE}e; path=${path}; HttpOnly${balancer.balancerCookie.secure ? "; Secure" : ""}`,
        "env=BALANCER_ROUTE_CHANGED",
      );
    }
    if (balancer.stickySession !== undefined) {
      conf.directive(
        "ProxySet",
        `stickysession=${check(balancer.stickySession, TOKEN_NAME_PATTERN, "sticky session name")}`,
      );
    }
    if (balancer.cookiePathRewrite) {
      const { from, to } = balancer.cookiePathRewrite;
      conf.directive(
        "ProxyPassReverseCookiePath",
        check(from, PATH_PATTERN, "cookie path"),
        check(to, PATH_PATTERN, "cookie path"),
      );
    }
  });
}

/**
 * Before 2.4.47: requests under `publicPath` that ask for a WebSocket upgrade
 * go to the ws:// twin (same routes and stickiness); the rest fall through to
 * ProxyPass. From 2.4.47 the members upgrade themselves and nothing is written.
 * Must come before the ProxyPass of the same path is needed (mod_rewrite
 * translates before mod_proxy), and needs RewriteEngine On in the host.
 */
export function renderWebSocketRoute(
  conf: HttpdConf,
  balancer: Pick<Balancer, "name" | "webSockets">,
  publicPath: string,
  backendPath: string,
): void {
  if (!balancer.webSockets || upgradesOnMembers(conf)) return;
  check(publicPath, PATH_PATTERN, "public path");
  check(backendPath, PATH_PATTERN, "backend path");
  conf.directive("RewriteCond", "%{HTTP:Upgrade}", "^websocket$", "[NC]");
  conf.directive(
    "RewriteRule",
    `^${regexLiteral(publicPath)}(/.*)?$`,
    `${balancerUrl(webSocketBalancerName(balancer.name), backendPath)}$1`,
    "[P,L]",
  );
}

/** Publishes `publicPath` as `backendPath` on the balancer, rewriting redirects back. */
export function renderProxyPass(conf: HttpdConf, publicPath: string, balancerName: string, backendPath: string): void {
  check(publicPath, PATH_PATTERN, "public path");
  check(backendPath, PATH_PATTERN, "backend path");
  conf.directive("ProxyPass", publicPath, balancerUrl(balancerName, backendPath));
  conf.directive("ProxyPassReverse", publicPath, balancerUrl(balancerName, backendPath));
}
