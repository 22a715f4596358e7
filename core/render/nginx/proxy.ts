/**
 * Proxy settings shared by the server blocks: client address headers,
 * HTTP/1.1 towards the nodes with keepalive, WebSocket upgrade, failover.
 */
import { block, directive, type Line } from "./conf-text";

/** Set by the main config when a server block upgrades WebSockets. */
export const CONNECTION_UPGRADE_VARIABLE = "genesys_connection_upgrade";

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
}

export function proxyHeaders(options: ProxyHeaderOptions): Line[] {
  return [
    directive("proxy_http_version", "1.1"),
    directive("proxy_set_header", "Host", "$host"),
    directive("proxy_set_header", "X-Real-IP", "$remote_addr"),
    directive("proxy_set_header", "X-Forwarded-For", "$proxy_add_x_forwarded_for"),
    directive("proxy_set_header", "X-Forwarded-Proto", "$scheme"),
    // The public host, as httpd's mod_proxy adds it by itself.
    directive("proxy_set_header", "X-Forwarded-Host", "$host"),
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
