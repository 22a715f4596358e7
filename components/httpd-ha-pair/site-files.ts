/**
 * The httpd site the pair serves: the recording balancer when recording is
 * routed through the pair, rendered by the httpd renderer with the RHEL
 * layout. File paths are known from the model alone (so one provisioning step
 * per file can be declared up front); contents need the recording nodes'
 * addresses, known at deployment.
 */
import { posix } from "node:path";
import type { Environment } from "../../core/model/environment";
import type { ConfigFile } from "../../core/render/common/config-file";
import type { BackendAddresses } from "../../core/render/httpd/backend-address";
import { renderHttpdSite, siteVirtualHosts, type HttpdSiteOptions } from "../../core/render/httpd/site";
import { RHEL_HTTPD_CONFIG } from "../../core/render/cluster/pair-hosts";
import { HTTP_PORT } from "./pair-traffic";

export const SERVER_ROOT = "/etc/httpd";
/** The rendered PidFile (`run/httpd.pid` under the server root; /etc/httpd/run links to /run/httpd). */
export const PID_FILE = `${SERVER_ROOT}/run/httpd.pid`;

export function siteOptions(env: Environment): HttpdSiteOptions {
  const pair = env.httpdHaPair;
  if (!pair) throw new Error("the environment has no httpdHaPair section");
  return {
    version: pair.os === "rhel8" ? "2.4" : "2.2",
    // Every address: the VIP moves between the hosts, and NLB health checks use each host's own address.
    listen: { port: HTTP_PORT },
    serverRoot: SERVER_ROOT,
    configFile: RHEL_HTTPD_CONFIG,
    includeDir: posix.join(SERVER_ROOT, "conf.d"),
    systems: env.recording?.balancer === "httpdHaPair" ? ["recording"] : [],
  };
}

/** Absolute paths of the site's files, main config first. */
export function siteFilePaths(env: Environment): string[] {
  const opts = siteOptions(env);
  const includeDir = opts.includeDir as string;
  // Include names come from the model; the addresses are only read when a file is rendered.
  const includes = siteVirtualHosts(env, {}, opts).flatMap((host) => host.includes.map((inc) => posix.join(includeDir, inc.name)));
  return [opts.configFile as string, ...includes];
}

/** Recording node key -> `ip:port` for every balancer member, from node key -> private IP. */
export function recordingBackendAddresses(env: Environment, privateIps: Readonly<Record<string, string>>): BackendAddresses {
  const addresses: Record<string, string> = {};
  for (const tenant of env.recording?.tenants ?? []) {
    for (const service of tenant.services) {
      for (const member of service.members) {
        const ip = Object.hasOwn(privateIps, member.key) ? privateIps[member.key] : undefined;
        if (ip !== undefined) addresses[member.key] = `${ip}:${member.port}`;
      }
    }
  }
  return addresses;
}

/** Renders the site and checks it has exactly the files declared from the model. */
export function renderPairSite(env: Environment, privateIps: Readonly<Record<string, string>>): ConfigFile[] {
  const files = renderHttpdSite(env, recordingBackendAddresses(env, privateIps), siteOptions(env));
  const expected = siteFilePaths(env);
  const got = files.map((f) => f.path);
  if (got.length !== expected.length || got.some((p, i) => p !== expected[i])) {
    throw new Error(`the httpd renderer produced ${got.join(", ")}; the pair declared ${expected.join(", ")}`);
  }
  return files;
}

/** The recording members' ports, sorted: what the nodes must accept from the pair. */
export function recordingMemberPorts(env: Environment): number[] {
  const ports = new Set<number>();
  for (const tenant of env.recording?.tenants ?? []) {
    for (const service of tenant.services) for (const member of service.members) ports.add(member.port);
  }
  return [...ports].sort((a, b) => a - b);
}
