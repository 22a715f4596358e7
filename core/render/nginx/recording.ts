/**
 * Interaction Recording per tenant behind nginx (Interaction Recording load-balancing guide): every service of
 * a tenant has its own upstream groups named from its balancer name
 * (`t1-rws`), published under the tenant prefix with the prefix stripped.
 *
 * - RWS sticks on a balancer-made ROUTEID cookie with path /<tenant>. nginx
 *   has no sticky-cookie directive, so the route of the node that actually
 *   answered is read from `$upstream_addr`, and the cookie is set only when it
 *   differs from the route the request came with (Apache's
 *   BALANCER_ROUTE_CHANGED): new clients are pinned, failed-over ones re-pinned.
 * - RCS sticks on JSESSIONID, the route after its first dot, with the cookie
 *   path moved into the tenant's space and a fresh connection per request.
 * - WebDAV's hot standby is a `backup` server; RP never has one.
 *
 * A service reached over https instead chooses its node before nginx writes
 * the request (chosen-node.ts), so the node gets its own name as Host and SNI:
 * the same cookies choose it, and the standby comes last in its failover.
 */
import type { PublishedPath, SoftwareBalancer, SoftwareBalancing, SoftwareTenant } from "../../plan/software-balancer";
import { nodeAddress } from "./addresses";
import { plainBalancer, routeOf, serverIdentity, stickyBalancer, type SiteContext } from "./balancer";
import { lastUpstreamAddressPattern, renderChosenNodeBalancer } from "./chosen-node";
import { block, comment, directive, type Line } from "./conf-text";
import { failover, notPublished, proxyHeaders } from "./proxy";
import { bareWord, nginxLiteral, nginxScriptParts, regexLiteral } from "./quote";
import { cookieVariable, firstDotRoutePattern, FIRST_DOT_ROUTE_CAPTURE, mapBlock } from "./sticky";

const CONNECT_TIMEOUT = "5s";
/** CAs signing a node certificate: a root and up to two intermediates (as httpd's SSLProxyVerifyDepth). */
const BACKEND_VERIFY_DEPTH = 3;

export interface RecordingFiles {
  /** http-level: upstream groups and maps of one tenant. */
  readonly upstreams: Line[][];
  /** Inside the recording server: the tenant's locations. */
  readonly locations: Line[][];
}

function variableName(svc: SoftwareBalancer, what: string): string {
  return bareWord(`${svc.name.replace(/-/g, "_")}_${what}`);
}

/**
 * `location = /t1/api` and `location /t1/api/`: the public prefix ends at a
 * path boundary, as in httpd, so /t1/apix is not published (it would reach
 * the service as /apix). `body` gets the slash the location adds, for a
 * proxy_pass URI that must keep it.
 */
function boundedLocations(publicPath: string, body: (slash: "" | "/") => Line[]): Line[][] {
  return [
    block(`location = ${nginxLiteral(publicPath)}`, body("")),
    block(`location ${nginxLiteral(`${publicPath}/`)}`, body("/")),
  ];
}

/** The scheme every member of a balancer is reached with (nginx has one per proxy_pass). */
function schemeOf(svc: SoftwareBalancer): "http" | "https" {
  const schemes = new Set(svc.members.map((m) => m.scheme));
  if (schemes.size !== 1) throw new Error(`${svc.name}: nginx reaches every member of a balancer with one scheme`);
  return [...schemes][0];
}

/** The balancer's one sticky cookie (route after its first dot), if any. */
function stickyCookieOf(svc: SoftwareBalancer): { cookie: string; balancerMadePath?: string } | undefined {
  const [key, ...more] = svc.stickiness;
  if (key === undefined) return undefined;
  if (key.carrier !== "cookie" || key.match !== "afterFirstDot" || more.length > 0)
    throw new Error(`${svc.name}: recording balancers stick on one cookie's route after its first dot`);
  return { cookie: key.name, balancerMadePath: key.balancerMade?.path };
}

function renderService(tenant: SoftwareTenant, svc: SoftwareBalancer, ctx: SiteContext): RecordingFiles {
  const fresh = svc.freshConnections;
  const conn = fresh ? { connectTimeout: `${fresh.connectTimeoutSeconds}s` } : undefined;
  const timers = fresh ? { ...ctx.timers, keepalive: 0 } : ctx.timers;
  const scheme = schemeOf(svc);
  const header = [comment(`${tenant.key}: ${svc.label}`)];
  const settings: Line[] = [
    ...(conn ? [directive("proxy_connect_timeout", conn.connectTimeout)] : []),
    ...(svc.cookiePathRewrite
      ? [
          directive(
            "proxy_cookie_path",
            nginxLiteral(svc.cookiePathRewrite.from),
            nginxLiteral(svc.cookiePathRewrite.to),
          ),
        ]
      : []),
    // Recordings are uploaded as they are received, not spooled to disk first. Not over https with
    // more than one node: there a failed attempt is passed to the next node by error_page, which
    // can send only a body nginx holds whole (an unbuffered one never completes there).
    ...(svc.streamRequestBodies && (scheme === "http" || svc.members.length === 1)
      ? [directive("proxy_request_buffering", "off")]
      : []),
  ];
  const sticky = stickyCookieOf(svc);
  const routeCookie = sticky?.balancerMadePath !== undefined ? variableName(svc, "route_cookie") : undefined;
  const cookieMaps =
    sticky?.balancerMadePath !== undefined && routeCookie
      ? routeCookieMaps(sticky.balancerMadePath, svc, sticky.cookie, routeCookie, ctx)
      : [];
  // always: the first answer may be a 401 (login), and the client must be pinned by it too.
  const setRouteCookie = routeCookie ? [directive("add_header", "Set-Cookie", `$${routeCookie}`, "always")] : [];
  const stripPrefix = (route: PublishedPath) =>
    // proxy_pass with a variable sends its URI as is: strip the prefix here.
    directive(
      "rewrite",
      nginxLiteral(`^${regexLiteral(route.publicPath)}(.*)$`),
      nginxScriptParts([route.backendPath, { variable: "1" }]),
      "break",
    );

  if (scheme === "https") {
    const chosen = renderChosenNodeBalancer(
      {
        name: svc.name,
        nodes: svc.members.map((m) => ({
          ...m,
          dnsName:
            m.tlsName ??
            ((): never => {
              throw new Error(`${svc.name}: the plan names no DNS name to verify node ${m.node} by`);
            })(),
        })),
        stickyCookie: sticky?.cookie,
        variablePrefix: variableName(svc, "https"),
      },
      ctx,
      timers,
      (nameVariable) => [...backendTls(nameVariable, ctx), ...settings, ...setRouteCookie],
    );
    return {
      upstreams: [header, ...chosen.upstreams, ...cookieMaps],
      locations: [
        ...svc.paths.flatMap((route) =>
          boundedLocations(route.publicPath, () => [stripPrefix(route), ...chosen.firstAttempt]),
        ),
        ...chosen.nextAttempts,
      ],
    };
  }

  if (!sticky) {
    const balancer = plainBalancer(svc.name, svc.members, ctx, timers);
    return {
      upstreams: [header, ...balancer.upstreams],
      locations: svc.paths.flatMap((route) =>
        boundedLocations(route.publicPath, (slash) => [
          ...settings,
          directive("proxy_pass", bareWord(`${scheme}://${balancer.cluster}${route.backendPath}${slash}`)),
        ]),
      ),
    };
  }

  const balancer = stickyBalancer(svc.name, svc.members, ctx, timers);
  const upstreamVariable = variableName(svc, "upstream");
  const maps = [
    mapBlock(
      cookieVariable(sticky.cookie),
      upstreamVariable,
      balancer.cluster,
      svc.members.map((m) => ({
        pattern: firstDotRoutePattern(routeOf(m, svc.name)),
        value: balancer.pinned.get(m.key)!,
      })),
    ),
    ...cookieMaps,
  ];

  return {
    upstreams: [header, ...balancer.upstreams, ...maps],
    locations: svc.paths.flatMap((route) =>
      boundedLocations(route.publicPath, () => [
        ...settings,
        stripPrefix(route),
        directive("proxy_pass", `${scheme}://$${upstreamVariable}`),
        ...setRouteCookie,
      ]),
    ),
  };
}

/**
 * Verification of the node nginx connects to: its chain against the CA
 * bundle, its name against the node's DNS name, sent as SNI too (the variable
 * holds `name:port`, and nginx drops the port from an SSL name).
 */
function backendTls(nameVariable: string, ctx: SiteContext): Line[] {
  const name = [directive("proxy_ssl_server_name", "on"), directive("proxy_ssl_name", `$${nameVariable}`)];
  if (ctx.backendCaFile === undefined)
    return [
      comment(
        "No recording.backendTls.caBundle: the nodes' certificates are not verified (encrypted, not authenticated).",
      ),
      directive("proxy_ssl_verify", "off"),
      ...name,
    ];
  return [
    directive("proxy_ssl_verify", "on"),
    directive("proxy_ssl_verify_depth", BACKEND_VERIFY_DEPTH),
    directive("proxy_ssl_trusted_certificate", bareWord(ctx.backendCaFile)),
    ...name,
  ];
}

/** `$<balancer>_route_cookie`: "ROUTEID=.<route>; Path=/<tenant>; HttpOnly[; Secure]" when the answering node is not the requested route, else empty (no header). */
function routeCookieMaps(
  cookiePath: string,
  svc: SoftwareBalancer,
  cookie: string,
  target: string,
  ctx: SiteContext,
): Line[][] {
  const requested = variableName(svc, "requested_route");
  const answered = variableName(svc, "answered_route");
  const seen = new Map<string, string>();
  const byAddress = svc.members.map((m) => {
    const address = nodeAddress(ctx.addresses, m, svc.name);
    const other = seen.get(address);
    if (other !== undefined) {
      throw new Error(
        `${svc.name}: nodes "${other}" and "${m.key}" share address ${address}; the ${cookie} route is told apart by the answering address`,
      );
    }
    seen.set(address, m.key);
    // $upstream_addr lists every server tried (", " within a group, " : " across groups); the last one answered.
    return { pattern: lastUpstreamAddressPattern(address), value: nginxScriptParts([routeOf(m, svc.name)]) };
  });
  return [
    mapBlock(cookieVariable(cookie), requested, '""', [{ pattern: FIRST_DOT_ROUTE_CAPTURE, value: "$1" }]),
    mapBlock("$upstream_addr", answered, '""', byAddress),
    mapBlock(`"$${requested}:$${answered}"`, target, '""', [
      { pattern: "^([^:]*):\\1$", value: '""' },
      {
        pattern: "^[^:]*:(.+)$",
        value: nginxScriptParts([
          `${cookie}=.`,
          { variable: "1" },
          `; Path=${cookiePath}; HttpOnly${ctx.secureCookies ? "; Secure" : ""}`,
        ]),
      },
    ]),
  ];
}

export function renderRecordingTenant(tenant: SoftwareTenant, ctx: SiteContext): RecordingFiles {
  const parts = tenant.balancers.map((svc) => renderService(tenant, svc, ctx));
  return { upstreams: parts.flatMap((p) => p.upstreams), locations: parts.flatMap((p) => p.locations) };
}

export function renderRecordingServer(
  rec: Extract<SoftwareBalancing, { kind: "recording" }>,
  ctx: SiteContext,
  tenantIncludes: readonly string[],
): Line[] {
  return block("server", [
    ...serverIdentity(ctx, rec.hostname),
    ...proxyHeaders({ webSockets: false }),
    ...failover(),
    directive("proxy_connect_timeout", CONNECT_TIMEOUT),
    // Apache 2.4's request body limit; recordings are large.
    directive("client_max_body_size", "1g"),
    "",
    ...tenantIncludes.map((path) => directive("include", bareWord(path))),
    ...notPublished(),
  ]);
}
