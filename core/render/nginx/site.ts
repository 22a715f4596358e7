/**
 * The nginx site of an environment: nginx.conf plus one include per Genesys
 * system (and one pair per recording tenant). Paths are relative to the
 * directory of nginx.conf, which is where nginx resolves `include`.
 */
import type { Environment } from "../../model/environment";
import type { BalancingPlan } from "../../plan/plan";
import { planSystems } from "../../plan/registry";
import { unhandledKind, type SoftwareBalancing } from "../../plan/software-balancer";
import { MEMBER_REJOIN_SECONDS } from "../common/rejoin";
import { type NodeAddresses } from "./addresses";
import { type SiteContext } from "./balancer";
import { renderCobrowse } from "./cobrowse";
import { block, comment, directive, fileText, type Line } from "./conf-text";
import {
  CONNECTION_UPGRADE_VARIABLE,
  connectionUpgradeMap,
  notPublished,
  PUBLIC_HOST_VARIABLE,
  publicHostMap,
  RESEND_REFUSED_VARIABLE,
  resendRefusedMap,
} from "./proxy";
import { bareWord, DOLLAR_DECLARATION, DOLLAR_VARIABLE } from "./quote";
import { renderRecordingServer, renderRecordingTenant } from "./recording";
import { renderWebEngagement85 } from "./web-engagement-85";

export interface NginxFile {
  /** Relative to the directory of nginx.conf. */
  readonly path: string;
  readonly content: string;
}

export interface NginxSiteOptions {
  /** IPv4 address and port of every server block. @default 0.0.0.0:80 */
  readonly listen?: { readonly address: string; readonly port: number };
  /**
   * Absolute directory of a self-contained instance (`nginx -p`): pid, logs
   * and all five temp paths go under it. Absent: Debian's packaged layout.
   */
  readonly prefix?: string;
  /** Failed attempts before a node is skipped for `failTimeoutSeconds`. @default 1 */
  readonly maxFails?: number;
  /** How long a failed node is skipped, seconds. @default 30, httpd's retry= too (MEMBER_REJOIN_SECONDS) */
  readonly failTimeoutSeconds?: number;
  /** Idle connections each worker keeps per upstream group. @default 32 */
  readonly keepaliveConnections?: number;
  /** @default "auto" (one per core) */
  readonly workerProcesses?: number | "auto";
  /**
   * Clients use https (TLS ends in front of nginx or in it): the cookies
   * nginx makes (RWS ROUTEID) are marked Secure. @default false
   */
  readonly clientHttps?: boolean;
  /**
   * The balancing plans whose software-balancer sections are served (hostnames,
   * paths, balancers, members, stickiness). @default planSystems(env)
   */
  readonly plans?: readonly BalancingPlan[];
}

export const MAIN_FILE = "nginx.conf";
/** stub_status, local host only: Pacemaker's nginx agent finds it by its `stub_status on`. */
export const STATUS_PATH = "/nginx_status";
const INCLUDE_DIR = "genesys";
/** recording.backendTls.caBundle, written beside the configs that read it. */
export const BACKEND_CA_FILE = `${INCLUDE_DIR}/recording-servers-ca.pem`;
const TEMP_PATHS = [
  "client_body_temp_path",
  "proxy_temp_path",
  "fastcgi_temp_path",
  "uwsgi_temp_path",
  "scgi_temp_path",
] as const;

function wholeNumber(value: number, what: string, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new Error(`${what} must be a whole number from 0 to ${max} (got ${value})`);
  return value;
}

function listenAddress(listen: NginxSiteOptions["listen"]): string {
  const { address, port } = listen ?? { address: "0.0.0.0", port: 80 };
  if (!/^(?:\d{1,3}\.){3}\d{1,3}$/.test(address) || address.split(".").some((o) => Number(o) > 255)) {
    throw new Error(`listen address ${JSON.stringify(address)} must be an IPv4 address`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`listen port ${port} must be from 1 to 65535`);
  return `${address}:${port}`;
}

function checkedPrefix(prefix: string): string {
  if (!/^\/[A-Za-z0-9_./-]*$/.test(prefix) || prefix.split("/").includes("..")) {
    throw new Error(
      `prefix ${JSON.stringify(prefix)} must be an absolute path of letters, digits, '_', '.', '-' and '/'`,
    );
  }
  return prefix.replace(/\/+$/, "");
}

/**
 * Connections one worker may hold: each proxied request holds two (client and
 * node), and each screen-recording agent keeps one RWS request open (Interaction Recording load-balancing guide),
 * plus the configured headroom.
 */
export function workerConnections(env: Environment): number {
  const rec = env.recording;
  const agents = rec ? rec.tenants.reduce((sum, t) => sum + t.screenRecordingAgents, 0) : 0;
  const persistent = rec ? Math.ceil((agents * (100 + rec.connectionHeadroomPercent)) / 100) : 0;
  return Math.max(1024, 2 * persistent + 1024);
}

/**
 * Room for the variables the maps define (balancers that choose their node
 * first define several per node): past what nginx's default table (1024)
 * holds with its own variables, it warns at every start. Sized from the
 * count, with room for nginx's own (about 250 with every module).
 */
function variablesHash(rendered: string): Line[] {
  const defined = (rendered.match(/^\s*(?:map|split_clients)\s/gm) ?? []).length;
  const size = 2 ** Math.ceil(Math.log2(4 * (defined + 256)));
  return size > 1024 ? [directive("variables_hash_max_size", size)] : [];
}

/** The order of the systems' files in a site; a kind missing here fails to compile. */
const SITE_ORDER: { readonly [K in SoftwareBalancing["kind"]]: number } = {
  webEngagement85: 0,
  cobrowse: 1,
  recording: 2,
  webEngagement81: 3,
};

/**
 * Renders the site the plans describe (`options.plans`, by default planSystems(env)).
 * `addresses` maps every plan node id (`system/tenant/service/node`) to its address.
 */
export function renderNginxSite(
  env: Environment,
  addresses: NodeAddresses,
  options: NginxSiteOptions = {},
): NginxFile[] {
  const sections = (options.plans ?? planSystems(env))
    .flatMap((plan) => plan.softwareBalancer ?? [])
    .sort((a, b) => SITE_ORDER[a.kind] - SITE_ORDER[b.kind]);
  const https = sections.some(
    (s) =>
      s.kind === "recording" &&
      s.tenants.some((t) => t.balancers.some((b) => b.members.some((m) => m.scheme === "https"))),
  );
  const caBundle = https ? env.recording?.backendCaBundle : undefined;
  const ctx: SiteContext = {
    backendCaFile: caBundle === undefined ? undefined : BACKEND_CA_FILE,
    listen: listenAddress(options.listen),
    addresses,
    secureCookies: options.clientHttps === true,
    timers: {
      maxFails: wholeNumber(options.maxFails ?? 1, "maxFails", 1000),
      failTimeoutSeconds: wholeNumber(
        options.failTimeoutSeconds ?? MEMBER_REJOIN_SECONDS,
        "failTimeoutSeconds",
        86_400,
      ),
      keepalive: wholeNumber(options.keepaliveConnections ?? 32, "keepaliveConnections", 10_000),
    },
  };
  const prefix = options.prefix === undefined ? undefined : checkedPrefix(options.prefix);

  const files: NginxFile[] = [];
  const httpIncludes: string[] = [];
  const add = (name: string, sections: readonly (readonly Line[])[], atHttpLevel: boolean) => {
    const path = `${INCLUDE_DIR}/${name}`;
    files.push({ path, content: fileText(sections) });
    if (atHttpLevel) httpIncludes.push(path);
  };

  for (const section of sections) {
    switch (section.kind) {
      case "webEngagement85":
        add("web-engagement-85.conf", renderWebEngagement85(section, ctx), true);
        break;
      case "cobrowse":
        add("cobrowse.conf", renderCobrowse(section, ctx), true);
        break;
      case "recording": {
        const locationIncludes: string[] = [];
        for (const tenant of section.tenants) {
          const parts = renderRecordingTenant(tenant, ctx);
          add(`recording-${tenant.key}.conf`, parts.upstreams, true);
          add(`recording-${tenant.key}-locations.conf`, parts.locations, false);
          locationIncludes.push(`${INCLUDE_DIR}/recording-${tenant.key}-locations.conf`);
        }
        add("recording.conf", [renderRecordingServer(section, ctx, locationIncludes)], true);
        break;
      }
      case "webEngagement81":
        // The nginx site has no Web Engagement 8.1 balancer; httpd serves it.
        break;
      default:
        unhandledKind(section);
    }
  }
  const extra: NginxFile[] = caBundle === undefined ? [] : [{ path: BACKEND_CA_FILE, content: `${caBundle.trim()}\n` }];

  const rendered = files.map((f) => f.content).join("\n");
  const http: Line[][] = [
    [
      directive("server_tokens", "off"),
      directive(
        "access_log",
        env.hardening.accessLogs ? bareWord(prefix ? `${prefix}/access.log` : "/var/log/nginx/access.log") : "off",
      ),
      ...(prefix ? TEMP_PATHS.map((d) => directive(d, bareWord(`${prefix}/${d.replace(/_path$/, "")}`))) : []),
    ],
    [
      ...variablesHash(rendered),
      ...(rendered.includes(`\${${DOLLAR_VARIABLE}}`) ? [DOLLAR_DECLARATION] : []),
      ...(rendered.includes(`$${CONNECTION_UPGRADE_VARIABLE}`) ? connectionUpgradeMap() : []),
      ...(rendered.includes(`$${PUBLIC_HOST_VARIABLE}`) ? publicHostMap() : []),
      ...(rendered.includes(`$${RESEND_REFUSED_VARIABLE}`) ? resendRefusedMap() : []),
    ],
    httpIncludes.map((path) => directive("include", bareWord(path))),
    defaultServer(ctx),
  ];
  const connections = workerConnections(env);
  const workers =
    options.workerProcesses === undefined || options.workerProcesses === "auto"
      ? "auto"
      : wholeNumber(options.workerProcesses, "workerProcesses", 1024);
  const main = fileText([
    [
      comment(
        `Genesys load balancing (${env.kind}). Rendered from the stack configuration; edit the stack, not this file.`,
      ),
    ],
    [
      directive("worker_processes", workers),
      directive("worker_rlimit_nofile", 2 * connections),
      directive("pid", bareWord(prefix ? `${prefix}/nginx.pid` : "/run/nginx.pid")),
      directive("error_log", bareWord(prefix ? `${prefix}/error.log` : "/var/log/nginx/error.log"), "warn"),
    ],
    block("events", [directive("worker_connections", connections)]),
    block(
      "http",
      http.filter((s) => s.length > 0).flatMap((s, i) => (i === 0 ? s : ["", ...s])),
    ),
  ]);
  return [{ path: MAIN_FILE, content: main }, ...files, ...extra];
}

/** Requests for no known hostname, and the local status page. */
function defaultServer(ctx: SiteContext): Line[] {
  return block("server", [
    directive("listen", bareWord(ctx.listen), "default_server"),
    ...block(`location = ${STATUS_PATH}`, [
      directive("stub_status", "on"),
      directive("allow", "127.0.0.1"),
      directive("deny", "all"),
    ]),
    ...notPublished(),
  ]);
}
