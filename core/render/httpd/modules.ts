/**
 * Which httpd modules a feature needs, per httpd generation. The LoadModule
 * lines of a rendered config come only from this table and only for the
 * features its directives used (httpd-conf.ts), so a config can neither use a
 * module it does not load nor load one under a wrong identifier.
 */

export const HTTPD_VERSIONS = ["2.4", "2.2"] as const;
/** The generation: 2.4 (RHEL 8 and 9, Debian) or 2.2 (RHEL 6). Directive syntax and module names follow it. */
export type HttpdVersion = (typeof HTTPD_VERSIONS)[number];

/**
 * A full httpd release, `2.4.37`. Behaviour differs inside a generation (2.4.37
 * parses `upgrade=websocket` on an http:// member but tunnels nothing; 2.4.47
 * tunnels it), so configs are rendered for the release the target runs.
 */
export type HttpdRelease = `2.4.${number}` | `2.2.${number}`;

const RELEASE = /^(2\.[24])\.(\d{1,3})$/;

export function isHttpdRelease(text: string): text is HttpdRelease {
  return RELEASE.test(text);
}

export function generationOf(release: HttpdRelease): HttpdVersion {
  const match = RELEASE.exec(release);
  if (!match) throw new Error(`httpd release ${JSON.stringify(release)} must be 2.4.N or 2.2.N`);
  return match[1] as HttpdVersion;
}

/** `release` is `since` or later (same generation, or a later one). */
export function releaseAtLeast(release: HttpdRelease, since: HttpdRelease): boolean {
  const [a, b] = [release, since].map((r) => r.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

export interface ModuleSpec {
  /** Module identifier, the first argument of LoadModule (`proxy_balancer_module`). */
  readonly id: string;
  /** Shared object file name (`mod_proxy_balancer.so`). */
  readonly file: string;
}

/** `undefined`: the generation cannot provide the feature at all. */
type PerVersion = Readonly<Record<HttpdVersion, readonly ModuleSpec[] | undefined>>;

const both = (...modules: ModuleSpec[]): PerVersion => ({ "2.4": modules, "2.2": modules });
const mod = (name: string): ModuleSpec => ({ id: `${name}_module`, file: `mod_${name}.so` });

/** In load order: an MPM first, mod_proxy before the modules that extend it. */
export const FEATURE_MODULES = {
  /** Directives of the core itself. */
  core: both(),
  /** 2.2 has its MPM compiled into the binary (httpd or httpd.worker). */
  mpm: { "2.4": [mod("mpm_event")], "2.2": [] },
  /** User and Group: mod_unixd in 2.4, the MPM in 2.2. */
  unixd: { "2.4": [mod("unixd")], "2.2": [] },
  log: both(mod("log_config")),
  /** Require (2.4) or Order/Allow/Deny (2.2). */
  access: { "2.4": [mod("authz_core"), mod("authz_host")], "2.2": [mod("authz_host")] },
  status: both(mod("status")),
  proxy: both(mod("proxy")),
  proxyHttp: both(mod("proxy_http")),
  /** 2.4 moved the scheduler and the shared member state out of mod_proxy_balancer. */
  balancer: {
    "2.4": [mod("proxy_balancer"), mod("lbmethod_byrequests"), mod("slotmem_shm")],
    "2.2": [mod("proxy_balancer")],
  },
  headers: both(mod("headers")),
  rewrite: both(mod("rewrite")),
  /** WebSocket tunnelling exists from 2.4 on (vendor guide: mod_proxy_wstunnel). */
  webSockets: { "2.4": [mod("proxy_wstunnel")], "2.2": undefined },
  backendTls: both(mod("ssl")),
  /** TLS towards the clients: the same module as backendTls. */
  clientTls: both(mod("ssl")),
} as const satisfies Record<string, PerVersion>;

export type Feature = keyof typeof FEATURE_MODULES;

export const FEATURES = Object.keys(FEATURE_MODULES) as Feature[];

export class UnsupportedFeatureError extends Error {
  constructor(feature: Feature, version: HttpdVersion) {
    super(
      `httpd ${version} cannot provide "${feature}"${feature === "webSockets" ? ": WebSocket proxying needs httpd 2.4; disable webSockets or use the 2.4 form" : ""}`,
    );
    this.name = "UnsupportedFeatureError";
  }
}

/** Modules for the features used, in table order, each once. Throws for a feature the generation lacks. */
export function modulesFor(features: ReadonlySet<Feature>, version: HttpdVersion): ModuleSpec[] {
  const seen = new Set<string>();
  const modules: ModuleSpec[] = [];
  for (const feature of FEATURES) {
    if (!features.has(feature)) continue;
    const list: readonly ModuleSpec[] | undefined = FEATURE_MODULES[feature][version];
    if (list === undefined) throw new UnsupportedFeatureError(feature, version);
    for (const m of list) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      modules.push(m);
    }
  }
  return modules;
}
