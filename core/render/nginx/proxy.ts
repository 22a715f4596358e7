/**
 * Proxy settings shared by the server blocks: client address headers,
 * HTTP/1.1 towards the nodes with keepalive, WebSocket upgrade, failover.
 */
import { block, directive, type Line } from "./conf-text";
import type { PublishedPath } from "../../plan/software-balancer";
import { nginxLiteral } from "./quote";

/** Set by the main config when a server block upgrades WebSockets. */
export const CONNECTION_UPGRADE_VARIABLE = "genesys_connection_upgrade";

/** Set by the main config when a server block sends the public host. */
export const PUBLIC_HOST_VARIABLE = "genesys_public_host";

/** Set by the main config when a location passes a failed request to another node. */
export const RESEND_REFUSED_VARIABLE = "genesys_resend_refused";

/**
 * The client's Host header as it came, port included, or the server name
 * when it sent none: what httpd's `ProxyPreserveHost On` sends (nginx's
 * `$host` drops the port, and a node redirecting to its public URL needs it).
 */
export function publicHostMap(): Line[] {
  return block(`map $http_host $${PUBLIC_HOST_VARIABLE}`, [
    directive("default", "$http_host"),
    directive('""', "$host"),
  ]);
}

/**
 * "1" when a request must not be sent to another node: it may have reached a
 * node already (one of its attempts got a connection and began sending) and
 * its method is not safe to repeat. Recording uploads (POST, PUT) are never
 * sent twice; a request refused before it was sent (connection refused,
 * handshake or certificate refused, node marked down) moves on whatever its
 * method. Volatile: it is asked again after each attempt.
 */
export function resendRefusedMap(): Line[] {
  return block(`map "$request_method $upstream_connect_time" $${RESEND_REFUSED_VARIABLE}`, [
    directive("volatile"),
    directive("default", '""'),
    directive(nginxLiteral("~^(?:GET|HEAD|OPTIONS) "), '""'),
    // $upstream_connect_time is "-" for an attempt that never got to send.
    directive(nginxLiteral("~[0-9]"), "1"),
  ]);
}

/**
 * `Connection: upgrade` only when the client asks for an upgrade; otherwise an
 * empty header, so the upstream connection stays in the keepalive pool (the
 * guide's `'' close` would close every upstream connection).
 */
export function connectionUpgradeMap(): Line[] {
  return block(`map $http_upgrade $${CONNECTION_UPGRADE_VARIABLE}`, [
    directive("default", "upgrade"),
    directive('""', '""'),
  ]);
}

export interface ProxyHeaderOptions {
  readonly webSockets: boolean;
  /**
   * Host sent to the node. @default the public host, as the client sent it:
   * nodes reached over http are told their public URL by configuration, and
   * their redirects then carry the public host. A node reached over https
   * gets its own name instead (it must equal the SNI name).
   */
  readonly host?: string;
}

export function proxyHeaders(options: ProxyHeaderOptions): Line[] {
  return [
    directive("proxy_http_version", "1.1"),
    directive("proxy_set_header", "Host", options.host ?? `$${PUBLIC_HOST_VARIABLE}`),
    directive("proxy_set_header", "X-Real-IP", "$remote_addr"),
    directive("proxy_set_header", "X-Forwarded-For", "$proxy_add_x_forwarded_for"),
    directive("proxy_set_header", "X-Forwarded-Proto", "$scheme"),
    // The public host, as httpd's mod_proxy adds it by itself.
    directive("proxy_set_header", "X-Forwarded-Host", `$${PUBLIC_HOST_VARIABLE}`),
    ...(options.webSockets
      ? [
          directive("proxy_set_header", "Upgrade", "$http_upgrade"),
          directive("proxy_set_header", "Connection", `$${CONNECTION_UPGRADE_VARIABLE}`),
        ]
      : [directive("proxy_set_header", "Connection", '""')]),
  ];
}

/**
 * A node that refuses, times out or answers 502/504 is left for the next
 * server of the group (a pinned group's backups). Requests without a body
 * sent yet are the only ones nginx repeats for POST, so nothing runs twice.
 */
export function failover(): Line[] {
  return [directive("proxy_next_upstream", "error", "timeout", "http_502", "http_504")];
}

/**
 * Paths a server does not publish answer 403, as httpd's `Require all denied`
 * on the file system does, instead of files from nginx's html root: a client
 * gets the same answer from either balancer.
 */
export function notPublished(): Line[] {
  return block("location /", [directive("return", 403)]);
}

/**
 * `location = /server` and `location /server/` per published path, each
 * proxied to `upstream` (a variable): the prefix ends at a path boundary, as
 * httpd's ProxyPass does, so /serverx is not published. proxy_pass to a
 * variable sends the request's own URI, so a node gets the public path.
 */
export function publishedPaths(balancer: string, paths: readonly PublishedPath[], upstream: string): Line[] {
  return paths.flatMap((path) => {
    if (path.publicPath !== path.backendPath)
      throw new Error(`${balancer}: nginx publishes ${path.publicPath} only as itself, not as ${path.backendPath}`);
    return [
      ...block(`location = ${nginxLiteral(path.publicPath)}`, [directive("proxy_pass", `http://${upstream}`)]),
      ...block(`location ${nginxLiteral(`${path.publicPath}/`)}`, [directive("proxy_pass", `http://${upstream}`)]),
    ];
  });
}
