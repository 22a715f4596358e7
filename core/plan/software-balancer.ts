/**
 * What a software balancer (the httpd pair, a self-run httpd or nginx) does
 * for one system, balancer-neutral: hostnames, published paths, balancers
 * with their members (keyed by plan node id), stickiness, WebSockets,
 * timeouts and health path. Decided here once; the httpd and nginx renderers
 * only choose the syntax. Pulumi-free.
 */
import { formatKeyPath, type ConfigProblem, type PathSegment } from "../model/problems";
import type { PlanNode } from "./plan";

/** How a sticky value names a member. */
export type RouteMatch =
  /** mod_proxy_balancer's rule: the route is the text after the FIRST '.' of the value (`.GWE_Node_1`, `8F3A.RCS_1`). */
  | "afterFirstDot"
  /** The whole value names the member (`gcbSessionServer=1`, `?co-browse-node-id=1`), in `StickyKey.values`. */
  | "wholeValue";

/** One place a client carries its member: a cookie or a URL parameter. */
export interface StickyKey {
  readonly carrier: "cookie" | "urlParameter";
  /** The cookie's or parameter's name, as the Genesys servers spell it (case-sensitive). */
  readonly name: string;
  readonly match: RouteMatch;
  /** `wholeValue`: plan node id -> the value that names that member. */
  readonly values?: Readonly<Record<string, string>>;
  /**
   * The balancer issues this cookie itself, "." + the member's route, on this
   * path whenever the route changes (new clients and failed-over ones);
   * otherwise the server sets it.
   */
  readonly balancerMade?: { readonly path: string };
}

export interface SoftwareMember {
  /** Plan node id (`system/tenant/service/node`): what the address maps are keyed by. */
  readonly node: string;
  /** The node's key in the stack config. */
  readonly key: string;
  readonly scheme: "http" | "https";
  readonly port: number;
  /** https: the DNS name the member's certificate is verified against (and sent as SNI). */
  readonly tlsName?: string;
  /** `afterFirstDot` stickiness: the route that names this member. */
  readonly route?: string;
  /** Other spellings of `route` a client may send (a name's spaces as `%20` where the route has `+`). */
  readonly routeAliases?: readonly string[];
  /** Takes traffic only when every other member is down. */
  readonly hotStandby: boolean;
}

export interface PublishedPath {
  /** Path clients use; it ends at a path boundary (`/t1/api` publishes `/t1/api` and `/t1/api/...`, not `/t1/apix`). */
  readonly publicPath: string;
  /** Path the node gets in its place. */
  readonly backendPath: string;
}

export interface SoftwareBalancer {
  /** Unique in the stack, lowercase (httpd folds balancer names to lowercase). */
  readonly name: string;
  /** The config key path of what it serves, for messages: ["recording", "tenants", "t1", "rws"]. */
  readonly where: readonly PathSegment[];
  /** What it serves, in the operator's words: "Interaction Recording Web Services". */
  readonly label: string;
  readonly members: readonly SoftwareMember[];
  /** Where clients carry their member, in precedence order; empty: no stickiness. */
  readonly stickiness: readonly StickyKey[];
  /**
   * Routes by a whole value: plan node id -> the name of a balancer pinned to
   * that node (the node, the others as hot standby), unique in the stack too.
   */
  readonly nodeBalancers?: Readonly<Record<string, string>>;
  readonly paths: readonly PublishedPath[];
  /** Pass WebSocket upgrades to the members. */
  readonly webSockets: boolean;
  /** Seconds to wait for a member's response (CometD long polls); absent: the server's default. */
  readonly responseTimeoutSeconds?: number;
  /** Set-Cookie paths the members write, moved into the public space. */
  readonly cookiePathRewrite?: { readonly from: string; readonly to: string };
  /** A fresh connection per request, given up after `connectTimeoutSeconds` (the recording guide's RCS). */
  readonly freshConnections?: { readonly connectTimeoutSeconds: number };
  /** Request bodies go to the member as they arrive, not spooled first (WebDAV uploads). */
  readonly streamRequestBodies?: boolean;
  /** Whether a hot-standby member is allowed (never for the Recording Processor). */
  readonly standbyAllowed: boolean;
}

/** One public hostname with a single balancer. */
export interface SoftwareClusterHost {
  readonly hostname: string;
  /** What the nodes answer to show they are up. */
  readonly healthPath: string;
  readonly balancer: SoftwareBalancer;
}

export interface SoftwareTenant {
  readonly key: string;
  /** `/t1`: every path of the tenant is under it. */
  readonly prefix: string;
  readonly balancers: readonly SoftwareBalancer[];
}

/** A system's software balancing; the kind tells the renderers which system's layout it has. */
export type SoftwareBalancing =
  | ({ readonly kind: "webEngagement85" } & SoftwareClusterHost)
  | ({ readonly kind: "cobrowse" } & SoftwareClusterHost)
  | {
      readonly kind: "webEngagement81";
      readonly frontend: { readonly hostname: string; readonly balancer: SoftwareBalancer };
      readonly backend: { readonly hostname: string; readonly balancer: SoftwareBalancer };
    }
  | { readonly kind: "recording"; readonly hostname: string; readonly tenants: readonly SoftwareTenant[] };

export type SoftwareBalancingKind = SoftwareBalancing["kind"];

/** Fails to compile when a kind is not handled. */
export function unhandledKind(section: never): never {
  const kind = (section as { kind?: unknown } | undefined)?.kind;
  throw new Error(`no renderer handles the software balancing of ${JSON.stringify(kind)}`);
}

/** Every balancer of a section. */
export function softwareBalancers(section: SoftwareBalancing): SoftwareBalancer[] {
  switch (section.kind) {
    case "webEngagement85":
    case "cobrowse":
      return [section.balancer];
    case "webEngagement81":
      return [section.frontend.balancer, section.backend.balancer];
    case "recording":
      return section.tenants.flatMap((t) => t.balancers);
    default:
      return unhandledKind(section);
  }
}

/** The public hostnames of a section. */
export function softwareHostnames(section: SoftwareBalancing): string[] {
  switch (section.kind) {
    case "webEngagement85":
    case "cobrowse":
    case "recording":
      return [section.hostname];
    case "webEngagement81":
      return [section.frontend.hostname, section.backend.hostname];
    default:
      return unhandledKind(section);
  }
}

/**
 * Balancer names used twice in the stack (the guides' samples reuse one
 * balancer name across tenants, and httpd then merges their members). Names
 * compare without case, as httpd does.
 */
export function balancerNameProblems(sections: readonly SoftwareBalancing[]): ConfigProblem[] {
  const seen = new Map<string, readonly PathSegment[]>();
  const problems: ConfigProblem[] = [];
  const claim = (name: string, where: readonly PathSegment[]) => {
    const other = seen.get(name.toLowerCase());
    if (other === undefined) seen.set(name.toLowerCase(), where);
    else
      problems.push({
        path: where,
        value: name,
        message: `is also the balancer name of ${formatKeyPath(other)}; each balancer of the stack needs a name of its own (httpd compares them without case): rename one of the nodes or tenants`,
      });
  };
  for (const balancer of sections.flatMap(softwareBalancers)) {
    claim(balancer.name, balancer.where);
    for (const member of balancer.members) {
      const pinned = balancer.nodeBalancers?.[member.node];
      if (pinned !== undefined) claim(pinned, [...balancer.where, "nodes", member.key]);
    }
  }
  return problems;
}

/** A plain-HTTP member for a plan node; `route` for afterFirstDot stickiness. */
export function httpMember(node: PlanNode, route?: string, extra: Partial<SoftwareMember> = {}): SoftwareMember {
  return {
    node: node.id,
    key: node.key,
    scheme: "http",
    port: node.port,
    ...(route === undefined ? {} : { route }),
    hotStandby: false,
    ...extra,
  };
}
