/**
 * Builds httpd config text. Every directive and section a renderer writes is
 * looked up here: the table names the feature (and so the modules) it needs
 * and the httpd generations that know it. Writing a directive records its
 * feature, so the LoadModule lines follow from what the text actually uses,
 * and a directive of the wrong generation (`Require` in 2.2) or one newer than
 * the target release cannot be written.
 *
 * Parsing is not behaving: BEHAVIOURS lists what a release accepts in the
 * syntax but only does from a later release on, so renderers choose the form
 * that works on the target instead of one `httpd -t` merely accepts.
 */
import { bareArgument, directiveArgument, firstControlCharacter } from "../common/apache-quote";
import { generationOf, releaseAtLeast, type Feature, type HttpdRelease, type HttpdVersion } from "./modules";

interface Known {
  readonly feature: Feature;
  /** Generations that have it; both when absent. */
  readonly only?: HttpdVersion;
  /** First release that parses it. */
  readonly since?: HttpdRelease;
}

interface Behaviour {
  /** First release that does it. */
  readonly since: HttpdRelease;
  /** What older releases do instead, for messages. */
  readonly before: string;
}

/** Behaviour per release, for what a config can express in more than one way. */
export const BEHAVIOURS = {
  /**
   * `upgrade=websocket` on an http:// or https:// BalancerMember: mod_proxy_http
   * tunnels the upgrade from 2.4.47 on. 2.4.37 (RHEL 8) parses the parameter
   * and answers the upgrade request 200 without tunnelling (CometD then falls
   * back to long polling without a word).
   */
  httpMemberUpgrade: { since: "2.4.47", before: "parses upgrade=websocket on an http:// member but tunnels nothing" },
  /** ws:// and wss:// members, tunnelled by mod_proxy_wstunnel. */
  webSocketMembers: { since: "2.4.5", before: "has no mod_proxy_wstunnel" },
  /** ProxyPreserveHost per directory (from 2.3.3), so inside a balancer's <Proxy> section. */
  hostPerBalancer: { since: "2.4.0", before: "takes ProxyPreserveHost only per server or virtual host" },
  /** SSLProxyCheckPeerName: the member certificate's subjectAltName (or CN) must match the member's host name. */
  peerNameCheck: { since: "2.4.5", before: "compares only the CN, with SSLProxyCheckPeerCN" },
} as const satisfies Record<string, Behaviour>;

export type BehaviourName = keyof typeof BEHAVIOURS;

const DIRECTIVES = {
  ServerRoot: { feature: "core" },
  ServerName: { feature: "core" },
  PidFile: { feature: "mpm" },
  DefaultRuntimeDir: { feature: "core", only: "2.4", since: "2.4.2" },
  Listen: { feature: "mpm" },
  NameVirtualHost: { feature: "core", only: "2.2" },
  Include: { feature: "core" },
  LoadModule: { feature: "core" },
  User: { feature: "unixd" },
  Group: { feature: "unixd" },
  ServerTokens: { feature: "core" },
  ServerSignature: { feature: "core" },
  TraceEnable: { feature: "core" },
  KeepAlive: { feature: "core" },
  ErrorLog: { feature: "core" },
  LogLevel: { feature: "core" },
  LogFormat: { feature: "log" },
  CustomLog: { feature: "log" },
  AllowOverride: { feature: "core" },
  SetHandler: { feature: "core" },
  ServerLimit: { feature: "mpm" },
  ThreadLimit: { feature: "mpm" },
  ThreadsPerChild: { feature: "mpm" },
  MaxRequestWorkers: { feature: "mpm", only: "2.4" },
  MaxClients: { feature: "mpm", only: "2.2" },
  Require: { feature: "access", only: "2.4" },
  Order: { feature: "access", only: "2.2" },
  Deny: { feature: "access", only: "2.2" },
  Allow: { feature: "access", only: "2.2" },
  ProxyRequests: { feature: "proxy" },
  ProxyPass: { feature: "proxy" },
  ProxyPassReverse: { feature: "proxy" },
  ProxyPassReverseCookiePath: { feature: "proxy" },
  ProxySet: { feature: "balancer" },
  BalancerMember: { feature: "balancer" },
  Header: { feature: "headers" },
  RewriteEngine: { feature: "rewrite" },
  RewriteCond: { feature: "rewrite" },
  RewriteRule: { feature: "rewrite" },
  SSLProxyEngine: { feature: "backendTls" },
  SSLProxyVerify: { feature: "backendTls" },
  SSLProxyCACertificateFile: { feature: "backendTls" },
  SSLProxyCheckPeerName: { feature: "backendTls", only: "2.4", since: "2.4.5" },
  SSLProxyCheckPeerCN: { feature: "backendTls" },
  SSLProxyCheckPeerExpire: { feature: "backendTls" },
  SSLProxyVerifyDepth: { feature: "backendTls" },
  ProxyPreserveHost: { feature: "proxy" },
  SSLEngine: { feature: "clientTls" },
  SSLCertificateFile: { feature: "clientTls" },
  SSLCertificateKeyFile: { feature: "clientTls" },
  SSLProtocol: { feature: "clientTls" },
  SSLCipherSuite: { feature: "clientTls" },
  SSLHonorCipherOrder: { feature: "clientTls" },
} as const satisfies Record<string, Known>;

const SECTIONS = {
  VirtualHost: { feature: "core" },
  Location: { feature: "core" },
  Directory: { feature: "core" },
  IfModule: { feature: "core" },
  Proxy: { feature: "proxy" },
} as const satisfies Record<string, Known>;

export type DirectiveName = keyof typeof DIRECTIVES;
export type SectionName = keyof typeof SECTIONS;

/** The feature a directive or section needs, or undefined for a name no renderer may write. */
export function featureOf(name: string): Feature | undefined {
  const known: Known | undefined = Object.prototype.hasOwnProperty.call(DIRECTIVES, name)
    ? DIRECTIVES[name as DirectiveName]
    : Object.prototype.hasOwnProperty.call(SECTIONS, name)
      ? SECTIONS[name as SectionName]
      : undefined;
  return known?.feature;
}

const INDENT = "    ";

/** What the files of one site share: the features all of them use, and the balancer names already taken. */
export interface SiteState {
  readonly features: Set<Feature>;
  /** Balancer name -> what defined it. */
  readonly balancers: Map<string, string>;
}

export function newSiteState(): SiteState {
  return { features: new Set(), balancers: new Map() };
}

export class HttpdConf {
  private readonly lines: string[] = [];
  private depth = 0;

  /** The generation of `release`: directive syntax and module names follow it. */
  readonly version: HttpdVersion;

  constructor(
    /** The httpd release the text is for. */
    readonly release: HttpdRelease,
    readonly site: SiteState = newSiteState(),
  ) {
    this.version = generationOf(release);
  }

  /** The target release does what `behaviour` names. */
  does(behaviour: BehaviourName): boolean {
    return releaseAtLeast(this.release, BEHAVIOURS[behaviour].since);
  }

  get features(): ReadonlySet<Feature> {
    return this.site.features;
  }

  private check(name: string, known: Known): void {
    if (known.only !== undefined && known.only !== this.version) {
      throw new Error(`${name} does not exist in httpd ${this.version} (only in ${known.only})`);
    }
    if (known.since !== undefined && !releaseAtLeast(this.release, known.since)) {
      throw new Error(`${name} does not exist in httpd ${this.release} (since ${known.since})`);
    }
    this.site.features.add(known.feature);
  }

  private push(text: string): void {
    this.lines.push(`${INDENT.repeat(this.depth)}${text}`);
  }

  directive(name: DirectiveName, ...args: readonly (string | number)[]): this {
    this.check(name, DIRECTIVES[name]);
    this.push([name, ...args.map(directiveArgument)].join(" "));
    return this;
  }

  /** A section; its argument is written bare because some section tags read it raw. */
  section(name: SectionName, argument: string, body: () => void): this {
    this.check(name, SECTIONS[name]);
    this.push(`<${name} ${bareArgument(argument)}>`);
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
    this.push(`</${name}>`);
    return this;
  }

  /** Records a feature used other than through a directive: a scheme, a handler, a member parameter. */
  use(feature: Feature): this {
    this.site.features.add(feature);
    return this;
  }

  /**
   * Takes a balancer name for the whole site. httpd merges two <Proxy> sections
   * of the same balancer into one member list, so a second use is refused.
   */
  claimBalancer(name: string, owner: string): void {
    const first = this.site.balancers.get(name);
    if (first !== undefined) {
      throw new Error(
        `balancer name "${name}" of ${owner} is already used by ${first}; httpd would merge both into one balancer`,
      );
    }
    this.site.balancers.set(name, owner);
  }

  comment(text: string): this {
    this.push(`# ${[...text].map((c) => (firstControlCharacter(c) === undefined ? c : " ")).join("")}`);
    return this;
  }

  blank(): this {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== "") this.lines.push("");
    return this;
  }

  text(): string {
    const lines = [...this.lines];
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    return `${lines.join("\n")}\n`;
  }
}
