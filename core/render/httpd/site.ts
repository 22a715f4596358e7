/**
 * A whole httpd load-balancer site: the main httpd.conf (modules, workers,
 * logging, local-only server-status, one name-based virtual host per public
 * hostname) and the files it includes (one per system, one per recording
 * tenant). Pure: returns file paths and texts; callers write them.
 *
 * With one virtual host it answers every Host header (clients that use the
 * address of the pair still reach it); with several, a request for an unknown
 * host reaches none of them. The balancer-manager is never rendered.
 */
import { posix } from "node:path";
import type { Environment } from "../../model/environment";
import type { BalancingPlan } from "../../plan/plan";
import { planSystems } from "../../plan/registry";
import { unhandledKind, type SoftwareBalancing } from "../../plan/software-balancer";
import type { ConfigFile } from "../common/config-file";
import { MEMBER_REJOIN_SECONDS } from "../common/rejoin";
import { allowLocalOnly, denyAll } from "./access";
import type { BackendAddresses } from "./backend-address";
import {
  renderHttpsRedirect,
  renderTlsEngine,
  renderTlsPolicy,
  resolveClientTls,
  type ClientTlsOptions,
  type ResolvedClientTls,
} from "./client-tls";
import { cobrowseHosts } from "./cobrowse";
import { HttpdConf, newSiteState } from "./httpd-conf";
import { generationOf, isHttpdRelease, modulesFor, type HttpdRelease, type HttpdVersion } from "./modules";
import { MAX_SERVER_LIMIT, mpmEventLimits, recordingConnections } from "./mpm-limits";
import { renderVirtualHostHostHeader } from "./host-header";
import { backendCaFile, recordingHosts, type BackendTlsOptions } from "./recording";
import { HTTPD_SYSTEMS, type BalancerTuning, type HttpdSystem, type VirtualHostPlan } from "./virtual-host";
import { webEngagement81Hosts } from "./web-engagement-81";
import { webEngagement85Hosts } from "./web-engagement-85";

export interface HttpdSiteOptions {
  /**
   * The httpd release the site runs on: directives and forms are chosen for
   * it (2.2 syntax for 2.2.N; WebSockets through mod_proxy_wstunnel before
   * 2.4.47, `upgrade=websocket` members from 2.4.47 on).
   * @default "2.4.37" (RHEL 8, the pair's default OS)
   */
  readonly release?: HttpdRelease;
  /** Address and port httpd listens on. @default all addresses, port 80 */
  readonly listen?: { readonly address?: string; readonly port?: number };
  /** @default /etc/httpd */
  readonly serverRoot?: string;
  /** Absolute path of the main file. @default <serverRoot>/conf/httpd.conf */
  readonly configFile?: string;
  /** Absolute directory of the included files. @default <serverRoot>/conf.d */
  readonly includeDir?: string;
  /** Module directory, relative to serverRoot or absolute. @default modules */
  readonly modulesDir?: string;
  /** PID file, lock and shared-memory directory, relative to serverRoot or absolute. @default run */
  readonly runtimeDir?: string;
  /** Log directory, relative to serverRoot or absolute. @default logs */
  readonly logDir?: string;
  /** Name of the server itself (the catch-all host, server-status). @default localhost */
  readonly serverName?: string;
  /** Account the worker processes run as when started by root. @default apache:apache */
  readonly runAs?: { readonly user: string; readonly group: string };
  /** Systems to serve. @default every system the environment defines */
  readonly systems?: readonly HttpdSystem[];
  /**
   * The balancing plans whose software-balancer sections are served (hostnames,
   * paths, balancers, members, stickiness). @default planSystems(env)
   */
  readonly plans?: readonly BalancingPlan[];
  /** Seconds a failed member rests before it is tried again (`retry=`). @default 30, nginx's fail_timeout (MEMBER_REJOIN_SECONDS) */
  readonly memberRetrySeconds?: number;
  /** Where the recording servers' CA bundle is read from when a recording service is reached over https. */
  readonly backendTls?: BackendTlsOptions;
  /**
   * https for the clients: the virtual hosts move to the TLS port, the plain
   * port (`listen.port`) answers a permanent redirect to https, and cookies the
   * balancer makes are marked Secure. @default plain HTTP only
   */
  readonly clientTls?: ClientTlsOptions;
}

interface ResolvedOptions {
  readonly release: HttpdRelease;
  readonly version: HttpdVersion;
  readonly listenAddress?: string;
  readonly port: number;
  readonly serverRoot: string;
  readonly configFile: string;
  readonly includeDir: string;
  readonly modulesDir: string;
  readonly runtimeDir: string;
  readonly logDir: string;
  readonly serverName: string;
  readonly runAs: { readonly user: string; readonly group: string };
  readonly clientTls?: ResolvedClientTls;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const ACCOUNT = /^[a-z_][a-z0-9_-]{0,31}$/;
const SERVER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/** The release rendered for when none is given: RHEL 8's, the pair's default OS. */
export const DEFAULT_HTTPD_RELEASE: HttpdRelease = "2.4.37";

function serverRootOf(opts: HttpdSiteOptions): string {
  return opts.serverRoot ?? "/etc/httpd";
}

function resolveOptions(opts: HttpdSiteOptions): ResolvedOptions {
  const release = opts.release ?? DEFAULT_HTTPD_RELEASE;
  if (!isHttpdRelease(release))
    throw new Error(`release must be an httpd release such as 2.4.37 or 2.2.15, got ${JSON.stringify(release)}`);
  const serverRoot = serverRootOf(opts);
  const port = opts.listen?.port ?? 80;
  const address = opts.listen?.address;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`listen.port must be a port from 1 to 65535, got ${port}`);
  if (address !== undefined && !IPV4.test(address))
    throw new Error(`listen.address must be an IPv4 address, got ${JSON.stringify(address)}`);
  const runAs = opts.runAs ?? { user: "apache", group: "apache" };
  if (!ACCOUNT.test(runAs.user) || !ACCOUNT.test(runAs.group))
    throw new Error(`runAs must name a Unix user and group, got ${JSON.stringify(runAs)}`);
  const serverName = opts.serverName ?? "localhost";
  if (!SERVER_NAME.test(serverName))
    throw new Error(`serverName must be a host name, got ${JSON.stringify(serverName)}`);
  const configFile = opts.configFile ?? posix.join(serverRoot, "conf", "httpd.conf");
  const includeDir = opts.includeDir ?? posix.join(serverRoot, "conf.d");
  for (const [what, path] of [
    ["serverRoot", serverRoot],
    ["configFile", configFile],
    ["includeDir", includeDir],
  ] as const) {
    if (!posix.isAbsolute(path)) throw new Error(`${what} must be an absolute path, got ${JSON.stringify(path)}`);
  }
  return {
    release,
    version: generationOf(release),
    listenAddress: address,
    port,
    serverRoot,
    configFile,
    includeDir,
    modulesDir: opts.modulesDir ?? "modules",
    runtimeDir: opts.runtimeDir ?? "run",
    logDir: opts.logDir ?? "logs",
    serverName,
    runAs,
    clientTls: opts.clientTls === undefined ? undefined : resolveClientTls(opts.clientTls, port),
  };
}

/** The software-balancer sections of the selected systems, in the site's order. */
function servedSections(env: Environment, opts: HttpdSiteOptions): SoftwareBalancing[] {
  const systems = new Set(opts.systems ?? HTTPD_SYSTEMS);
  const sections = (opts.plans ?? planSystems(env)).flatMap((plan) => plan.softwareBalancer ?? []);
  for (const section of sections) if (!HTTPD_SYSTEMS.includes(section.kind)) unhandledKind(section as never);
  return HTTPD_SYSTEMS.flatMap((kind) => (systems.has(kind) ? sections.filter((s) => s.kind === kind) : []));
}

/** The recording servers' CA file and the bundle written there, when the site serves recording over https. */
function siteCaFile(env: Environment, opts: HttpdSiteOptions): { readonly path?: string; readonly bundle?: string } {
  const recording = servedSections(env, opts).find((s) => s.kind === "recording");
  return recording === undefined
    ? {}
    : backendCaFile(recording, env.recording?.backendCaBundle, opts.backendTls ?? {}, serverRootOf(opts));
}

/** The virtual hosts of every selected system the plans serve, in a fixed order. */
export function siteVirtualHosts(
  env: Environment,
  addresses: BackendAddresses,
  opts: HttpdSiteOptions = {},
): VirtualHostPlan[] {
  const tuning: BalancerTuning = { retrySeconds: opts.memberRetrySeconds ?? MEMBER_REJOIN_SECONDS };
  const clientTls = opts.clientTls !== undefined;
  const hostsOf = (section: SoftwareBalancing): VirtualHostPlan[] => {
    switch (section.kind) {
      case "webEngagement85":
        return webEngagement85Hosts({ section, addresses, tuning, clientTls });
      case "webEngagement81":
        return webEngagement81Hosts({ section, addresses, tuning, clientTls });
      case "cobrowse":
        return cobrowseHosts({ section, addresses, tuning, clientTls });
      case "recording":
        return recordingHosts({ section, addresses, tuning, clientTls }, siteCaFile(env, opts).path);
      default:
        return unhandledKind(section);
    }
  };
  const hosts = servedSections(env, opts).flatMap(hostsOf);
  const names = new Map<string, HttpdSystem>();
  for (const host of hosts) {
    const other = names.get(host.serverName);
    if (other !== undefined)
      throw new Error(
        `hostname ${host.serverName} is used by both ${other} and ${host.system}; each virtual host needs its own hostname`,
      );
    names.set(host.serverName, host.system);
  }
  return hosts;
}

function renderWorkers(conf: HttpdConf, env: Environment, hosts: readonly VirtualHostPlan[]): void {
  const recording = hosts.some((h) => h.system === "recording") ? env.recording : undefined;
  const connections = recording ? recordingConnections(recording) : 0;
  const limits = mpmEventLimits(connections);
  conf.comment(
    recording
      ? `Workers: one persistent RWS connection per logged-in screen-recording agent plus ${recording.connectionHeadroomPercent}% headroom = ${connections} connections`
      : "Workers: httpd's default capacity",
  );
  if (conf.version === "2.4") {
    conf.directive("ServerLimit", limits.serverLimit);
    conf.directive("ThreadLimit", limits.threadLimit);
    conf.directive("ThreadsPerChild", limits.threadsPerChild);
    conf.directive("MaxRequestWorkers", limits.maxRequestWorkers);
    return;
  }
  conf.comment("RHEL 6 runs the prefork binary unless /etc/sysconfig/httpd sets HTTPD=/usr/sbin/httpd.worker");
  conf.section("IfModule", "worker.c", () => {
    conf.directive("ServerLimit", limits.serverLimit);
    conf.directive("ThreadLimit", limits.threadLimit);
    conf.directive("ThreadsPerChild", limits.threadsPerChild);
    conf.directive("MaxClients", limits.maxRequestWorkers);
  });
  if (limits.maxRequestWorkers <= MAX_SERVER_LIMIT) {
    conf.section("IfModule", "prefork.c", () => {
      conf.directive("ServerLimit", limits.maxRequestWorkers);
      conf.directive("MaxClients", limits.maxRequestWorkers);
    });
  }
}

function renderModules(conf: HttpdConf, o: ResolvedOptions): void {
  for (const m of modulesFor(conf.site.features, o.version)) {
    // Guarded: a build may have the module compiled in (Debian: log_config, unixd), and loading it twice is an error.
    conf.section("IfModule", `!${m.id}`, () => conf.directive("LoadModule", m.id, posix.join(o.modulesDir, m.file)));
  }
}

/**
 * Renders the site the plans describe (`opts.plans`, by default planSystems(env)).
 * `addresses` maps every plan node id (`system/tenant/service/node`) of the served
 * systems to its `host:port`. Returns the main file first, then the included files.
 */
export function renderHttpdSite(
  env: Environment,
  addresses: BackendAddresses,
  opts: HttpdSiteOptions = {},
): ConfigFile[] {
  const o = resolveOptions(opts);
  const hosts = siteVirtualHosts(env, addresses, opts);
  const site = newSiteState();
  const tls = o.clientTls;
  const plainAddress = `*:${o.port}`;
  const hostAddress = tls ? `*:${tls.port}` : plainAddress;
  const listenOn = (port: number) => (o.listenAddress === undefined ? port : `${o.listenAddress}:${port}`);

  const includes: ConfigFile[] = [];
  for (const host of hosts) {
    for (const include of host.includes) {
      const conf = new HttpdConf(o.release, site);
      conf.comment(`Rendered from the genesys stack configuration (${host.system}); change the stack, not this file.`);
      include.render(conf);
      includes.push({ path: posix.join(o.includeDir, include.name), content: conf.text() });
    }
  }

  const head = new HttpdConf(o.release, site);
  head.comment(
    `Apache httpd ${o.version} load balancer rendered from the genesys stack configuration; change the stack, not this file.`,
  );
  head.directive("ServerRoot", o.serverRoot);

  const body = new HttpdConf(o.release, site);
  body.directive("ServerName", o.serverName);
  // The plain Listen comes first: the Pacemaker apache agent reads the first one when it builds its status URL.
  body.directive("Listen", listenOn(o.port));
  if (tls) body.directive("Listen", listenOn(tls.port), "https");
  body.directive("PidFile", posix.join(o.runtimeDir, "httpd.pid"));
  if (o.version === "2.4") body.directive("DefaultRuntimeDir", o.runtimeDir);
  body.directive("User", o.runAs.user);
  body.directive("Group", o.runAs.group);
  body.blank();
  renderWorkers(body, env, hosts);
  body.blank();
  body.directive("ServerTokens", "Prod");
  body.directive("ServerSignature", "Off");
  body.directive("TraceEnable", "Off");
  body.directive("ErrorLog", posix.join(o.logDir, "error_log"));
  body.directive("LogLevel", "warn");
  body.directive("LogFormat", '%h %l %u %t "%r" %>s %b %D route=%{BALANCER_WORKER_ROUTE}e', "balanced");
  body.directive("CustomLog", posix.join(o.logDir, "access_log"), "balanced");
  body.blank();
  body.comment("Nothing is served from the file system.");
  body.section("Directory", "/", () => {
    body.directive("AllowOverride", "None");
    denyAll(body);
  });
  body.blank();
  body.directive("ProxyRequests", "Off");
  body.directive("ProxyPass", "/server-status", "!");
  body.comment("Status for the Pacemaker apache agent, from this host only.");
  body.use("status");
  body.section("Location", "/server-status", () => {
    body.directive("SetHandler", "server-status");
    allowLocalOnly(body);
  });
  if (tls) {
    body.blank();
    renderTlsPolicy(body);
  }
  if (o.version === "2.2" && hosts.length > 0) {
    body.blank();
    if (tls) body.directive("NameVirtualHost", plainAddress);
    body.directive("NameVirtualHost", hostAddress);
  }
  if (tls) {
    body.blank();
    body.comment("Plain HTTP: every host name is sent to https.");
    body.section("VirtualHost", plainAddress, () => {
      body.directive("ServerName", o.serverName);
      renderHttpsRedirect(body, tls);
    });
  }
  if (hosts.length > 1) {
    body.blank();
    body.comment("Requests for any other host name end here.");
    body.section("VirtualHost", hostAddress, () => {
      body.directive("ServerName", o.serverName);
      if (tls) renderTlsEngine(body, tls);
    });
  }
  for (const host of hosts) {
    body.blank();
    body.section("VirtualHost", hostAddress, () => {
      body.directive("ServerName", host.serverName);
      if (tls) renderTlsEngine(body, tls);
      renderVirtualHostHostHeader(body, host.httpsMembers === true);
      host.preamble?.(body);
      for (const include of host.includes) body.directive("Include", posix.join(o.includeDir, include.name));
    });
  }

  const modules = new HttpdConf(o.release, site);
  renderModules(modules, o);

  const main: ConfigFile = { path: o.configFile, content: [head.text(), modules.text(), body.text()].join("\n") };
  // The recording servers' CA bundle from the model, staged with the configs that read it.
  const ca = siteCaFile(env, opts);
  const caFiles: ConfigFile[] =
    ca.path !== undefined && ca.bundle !== undefined ? [{ path: ca.path, content: `${ca.bundle.trim()}\n` }] : [];
  return [main, ...includes, ...caFiles];
}
