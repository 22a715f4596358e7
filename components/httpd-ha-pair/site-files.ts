/**
 * The httpd site the pair serves: the recording balancer when recording is
 * routed through the pair, rendered by the httpd renderer with the RHEL
 * layout from the recording plan's software-balancer section. File paths are
 * known from the plan alone (so one provisioning step per file can be
 * declared up front); contents need the recording nodes' addresses, known at
 * deployment.
 */
import { posix } from "node:path";
import type { Environment } from "../../core/model/environment";
import { HA_OS_FACTS } from "../../core/model/ha-os";
import { CONFIG_NAMESPACE, ConfigError } from "../../core/model/problems";
import { SECRET_CONFIG_KEYS } from "../../core/model/schema";
import type { ConfigFile } from "../../core/render/common/config-file";
import type { BackendAddresses } from "../../core/render/httpd/backend-address";
import { planSystems } from "../../core/plan/registry";
import type { SoftwareBalancer } from "../../core/plan/software-balancer";
import { backendCaFile } from "../../core/render/httpd/recording";
import { renderHttpdSite, siteVirtualHosts, type HttpdSiteOptions } from "../../core/render/httpd/site";
import { RHEL_HTTPD_CONFIG } from "../../core/render/cluster/pair-hosts";
import { HTTP_PORT, HTTPS_PORT } from "./pair-traffic";

export const SERVER_ROOT = "/etc/httpd";
/** The rendered PidFile (`run/httpd.pid` under the server root; /etc/httpd/run links to /run/httpd). */
export const PID_FILE = `${SERVER_ROOT}/run/httpd.pid`;

/** RHEL's places for a service's certificate and its key (mod_ssl's own defaults live beside them). */
export const TLS_CERTIFICATE_FILE = "/etc/pki/tls/certs/genesys-recording.crt";
export const TLS_KEY_FILE = "/etc/pki/tls/private/genesys-recording.key";

const TLS_KEYS = `${CONFIG_NAMESPACE}:${SECRET_CONFIG_KEYS.httpdTlsPrivateKey} and ${CONFIG_NAMESPACE}:${SECRET_CONFIG_KEYS.httpdTlsCertificate}`;

/**
 * The certificate and key the pair serves its clients https with, or
 * undefined for plain HTTP: https always in production, and elsewhere
 * whenever the stack sets both TLS secrets. Only the recording balancer is
 * served, so a pair that serves nothing needs no certificate. A refusal is a
 * ConfigError naming recording.balancer, the setting that needs the secrets.
 */
export function pairTlsSecrets<T>(
  env: Environment,
  secrets: { readonly certificate?: T; readonly privateKey?: T },
): { certificate: T; privateKey: T } | undefined {
  if (env.recording?.balancer !== "httpdHaPair") return undefined;
  const { certificate, privateKey } = secrets;
  if (certificate !== undefined && privateKey !== undefined) return { certificate, privateKey };
  const refuse = (message: string) =>
    new ConfigError([{ path: ["recording", "balancer"], value: "httpdHaPair", message }]);
  if (env.isProduction) {
    throw refuse(
      `needs the secrets ${TLS_KEYS} in production, where the httpd HA pair serves recording over https only: set them (pulumi config set --secret) to the PEM private key and certificate chain of ${env.recording.hostname}`,
    );
  }
  if (certificate !== undefined || privateKey !== undefined) {
    const missing =
      certificate === undefined ? SECRET_CONFIG_KEYS.httpdTlsCertificate : SECRET_CONFIG_KEYS.httpdTlsPrivateKey;
    throw refuse(`needs both ${TLS_KEYS} for the pair's TLS, or neither; ${CONFIG_NAMESPACE}:${missing} is not set`);
  }
  return undefined;
}

/** The pair's site options; `clientTls` serves the clients https on 443 with the RHEL certificate paths. */
export function siteOptions(env: Environment, clientTls: boolean): HttpdSiteOptions {
  const pair = env.httpdHaPair;
  if (!pair) throw new Error("the environment has no httpdHaPair section");
  return {
    release: HA_OS_FACTS[pair.os].httpd,
    // Every address: the VIP moves between the hosts, and NLB health checks use each host's own address.
    listen: { port: HTTP_PORT },
    serverRoot: SERVER_ROOT,
    configFile: RHEL_HTTPD_CONFIG,
    includeDir: posix.join(SERVER_ROOT, "conf.d"),
    systems: env.recording?.balancer === "httpdHaPair" ? ["recording"] : [],
    clientTls: clientTls
      ? { certificateFile: TLS_CERTIFICATE_FILE, keyFile: TLS_KEY_FILE, port: HTTPS_PORT }
      : undefined,
  };
}

/** The recording plan's balancers: what the pair serves when recording goes through it. */
function pairBalancers(env: Environment): SoftwareBalancer[] {
  const section = planSystems(env).find((p) => p.system === "recording")?.softwareBalancer;
  return section?.kind === "recording" ? section.tenants.flatMap((t) => t.balancers) : [];
}

/** Absolute paths of the site's files, main config first, then the includes and the recording servers' CA bundle. */
export function siteFilePaths(env: Environment, clientTls: boolean): string[] {
  const opts = siteOptions(env, clientTls);
  const includeDir = opts.includeDir as string;
  // Include names come from the plan; the addresses are only read when a file is rendered.
  const includes = siteVirtualHosts(env, {}, opts).flatMap((host) =>
    host.includes.map((inc) => posix.join(includeDir, inc.name)),
  );
  const section = planSystems(env).find((p) => p.system === "recording")?.softwareBalancer;
  const ca =
    section?.kind === "recording" && opts.systems?.includes("recording")
      ? backendCaFile(section, env.recording?.backendCaBundle, {}, SERVER_ROOT)
      : {};
  return [opts.configFile as string, ...includes, ...(ca.bundle !== undefined && ca.path ? [ca.path] : [])];
}

/** Recording nodes the pair reaches over https, each once: they get a DNS record of their name. */
export function httpsMembers(env: Environment): { key: string; id: string; dnsName: string }[] {
  const members = new Map<string, { key: string; id: string; dnsName: string }>();
  for (const balancer of pairBalancers(env))
    for (const m of balancer.members)
      if (m.scheme === "https" && m.tlsName !== undefined)
        members.set(m.key, { key: m.key, id: m.node, dnsName: m.tlsName });
  return [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, member]) => member);
}

/** Plan node id (`recording/t1/rws/t1rws1`) -> `ip:port` for every balancer member, from plan node id -> private IP. */
export function recordingBackendAddresses(
  env: Environment,
  privateIps: Readonly<Record<string, string>>,
): BackendAddresses {
  const addresses: Record<string, string> = {};
  for (const balancer of pairBalancers(env)) {
    for (const member of balancer.members) {
      const ip = Object.hasOwn(privateIps, member.node) ? privateIps[member.node] : undefined;
      if (ip !== undefined) addresses[member.node] = `${ip}:${member.port}`;
    }
  }
  return addresses;
}

/**
 * Plan node id -> the placeholder host that stands for its address in
 * the site's template (`member-3.address.invalid`), numbered in id order.
 */
export function memberAddressPlaceholders(env: Environment): Record<string, string> {
  const ids = new Set(pairBalancers(env).flatMap((b) => b.members.map((m) => m.node)));
  return Object.fromEntries([...ids].sort().map((id, i) => [id, `member-${i + 1}.address.invalid`]));
}

/**
 * The site rendered from the model alone, every member address a
 * placeholder: known before any host exists, so it is what policies read in a
 * preview, and what provisioning stages before putting the addresses in.
 */
export function renderPairSiteTemplate(env: Environment, clientTls: boolean): ConfigFile[] {
  return renderPairSite(env, memberAddressPlaceholders(env), clientTls);
}

/** Renders the site and checks it has exactly the files declared from the model. */
export function renderPairSite(
  env: Environment,
  privateIps: Readonly<Record<string, string>>,
  clientTls: boolean,
): ConfigFile[] {
  const files = renderHttpdSite(env, recordingBackendAddresses(env, privateIps), siteOptions(env, clientTls));
  const expected = siteFilePaths(env, clientTls);
  const got = files.map((f) => f.path);
  if (got.length !== expected.length || got.some((p, i) => p !== expected[i])) {
    throw new Error(`the httpd renderer produced ${got.join(", ")}; the pair declared ${expected.join(", ")}`);
  }
  return files;
}

/** The recording members' ports, sorted: what the nodes must accept from the pair. */
export function recordingMemberPorts(env: Environment): number[] {
  const ports = new Set(pairBalancers(env).flatMap((b) => b.members.map((m) => m.port)));
  return [...ports].sort((a, b) => a - b);
}
