/**
 * TLS towards the clients: httpd terminates https on its own port and the
 * plain port only sends clients there. The plain port still answers
 * /server-status from the host itself, because the Pacemaker apache agent
 * polls http://localhost/server-status.
 *
 * Protocols: TLS 1.2 and 1.3 on 2.4; 2.2 (RHEL 6, OpenSSL 1.0.1) knows no TLS
 * 1.3, so it gets TLS 1.2 only. The cipher list is an ECDHE/DHE AEAD list
 * (forward secrecy, no CBC); TLS 1.3 suites are OpenSSL's defaults, all AEAD.
 * A name the OpenSSL of the host does not know (CHACHA20 on OpenSSL 1.0.1) is
 * skipped by OpenSSL, so one list serves both generations.
 */
import { LOCAL_SOURCES } from "./access";
import type { HttpdConf } from "./httpd-conf";

export interface ClientTlsOptions {
  /** Absolute path of the PEM certificate (chain) httpd presents. */
  readonly certificateFile: string;
  /** Absolute path of its PEM private key. */
  readonly keyFile: string;
  /** Port https is served on. @default 443 */
  readonly port?: number;
}

export interface ResolvedClientTls {
  readonly certificateFile: string;
  readonly keyFile: string;
  readonly port: number;
}

export const HTTPS_PORT = 443;

export const CLIENT_TLS_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "DHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES256-GCM-SHA384",
].join(":");

/** Absolute paths of plain segments: nothing that needs quoting, no `..`. */
const TLS_FILE = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/;

export function resolveClientTls(tls: ClientTlsOptions, plainPort: number): ResolvedClientTls {
  const port = tls.port ?? HTTPS_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`clientTls.port must be a port from 1 to 65535, got ${port}`);
  if (port === plainPort)
    throw new Error(`clientTls.port ${port} is also the plain listen port; https needs a port of its own`);
  for (const [what, path] of [
    ["certificateFile", tls.certificateFile],
    ["keyFile", tls.keyFile],
  ] as const) {
    if (!TLS_FILE.test(path))
      throw new Error(
        `clientTls.${what} must be an absolute path of letters, digits, '.', '_' or '-' segments, got ${JSON.stringify(path)}`,
      );
  }
  return { certificateFile: tls.certificateFile, keyFile: tls.keyFile, port };
}

/** Protocols and ciphers, for the whole server: the TLS port's default virtual host decides them before SNI names a host. */
export function renderTlsPolicy(conf: HttpdConf): void {
  conf.directive("SSLProtocol", "-all", "+TLSv1.2", ...(conf.version === "2.4" ? ["+TLSv1.3"] : []));
  conf.directive("SSLCipherSuite", CLIENT_TLS_CIPHERS);
  // Every listed cipher is strong; the client picks what its hardware does fastest.
  conf.directive("SSLHonorCipherOrder", "off");
}

/** What every virtual host on the TLS port needs, the catch-all too (it answers clients without SNI). */
export function renderTlsEngine(conf: HttpdConf, tls: ResolvedClientTls): void {
  conf.directive("SSLEngine", "on");
  conf.directive("SSLCertificateFile", tls.certificateFile);
  conf.directive("SSLCertificateKeyFile", tls.keyFile);
}

/**
 * The plain port's only answer: 301 to the same host and path (query kept) on
 * https, except /server-status asked by the host itself.
 */
export function renderHttpsRedirect(conf: HttpdConf, tls: ResolvedClientTls): void {
  // mod_rewrite reads its arguments raw (no `\\` unescaping), so dots are matched with a class, not a backslash.
  const local = `^(?:${LOCAL_SOURCES.map((address) => address.replace(/\./g, "[.]")).join("|")})$`;
  const port = tls.port === HTTPS_PORT ? "" : `:${tls.port}`;
  conf.directive("RewriteEngine", "On");
  conf.directive("RewriteCond", "%{REQUEST_URI}", "!^/server-status$", "[OR]");
  conf.directive("RewriteCond", "%{REMOTE_ADDR}", `!${local}`);
  conf.directive("RewriteRule", "^", `https://%{SERVER_NAME}${port}%{REQUEST_URI}`, "[R=301,L]");
}
