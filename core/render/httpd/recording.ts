/**
 * Interaction Recording, multi-tenant (Interaction Recording load-balancing guide): one file per tenant,
 * `loadbalancer_<tenant>.conf`, with one balancer per tenant and service and
 * the tenant prefix stripped on the way to the backend. Stickiness, cookie
 * path rewrites and standby members come from the model; the Recording
 * Processor never gets a standby member (no warm standby for RP balancers).
 */
import { posix } from "node:path";
import type { Recording, RecordingServiceModel, RecordingTenant } from "../../model/environment";
import { RECORDING_SERVICE_FACTS } from "../../model/genesys-facts";
import type { RecordingService } from "../../model/schema";
import { backendAddress } from "./backend-address";
import { renderBalancer, renderProxyPass, type Balancer } from "./balancer";
import type { HttpdConf } from "./httpd-conf";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

/** Worker parameters the vendor guide sets for one service's members. */
const MEMBER_PARAMETERS: Partial<Record<RecordingService, readonly (readonly [string, string | number])[]>> = {
  // A fresh connection per request, and give up connecting after 10 s so RCS failover is quick.
  rcs: [
    ["disablereuse", "On"],
    ["connectiontimeout", 10],
  ],
};

export function recordingTenantFile(tenant: Pick<RecordingTenant, "key">): string {
  return `loadbalancer_${tenant.key}.conf`;
}

export class StandbyNotAllowedError extends Error {
  constructor(tenant: string, service: RecordingService, member: string) {
    super(
      `recording.tenants.${tenant}.${service}.nodes.${member} is a standby member, but ${RECORDING_SERVICE_FACTS[service].label} balancers must not have a standby member`,
    );
    this.name = "StandbyNotAllowedError";
  }
}

export function recordingServiceBalancer(
  tenant: RecordingTenant,
  service: RecordingServiceModel,
  input: SystemInput<Recording>,
): Balancer {
  const { addresses, tuning, clientTls } = input;
  const facts = RECORDING_SERVICE_FACTS[service.service];
  const sticky = service.stickiness.kind === "cookie" ? service.stickiness : undefined;
  return {
    name: service.balancerName,
    owner: `recording.tenants.${tenant.key}.${service.service}`,
    members: service.members.map((member) => {
      if (member.hotStandby && !facts.standbyAllowed)
        throw new StandbyNotAllowedError(tenant.key, service.service, member.key);
      const where = `recording.tenants.${tenant.key}.${service.service}.nodes.${member.key}`;
      const address = backendAddress(addresses, member.id, where);
      return {
        scheme: service.scheme,
        // Over https the member is its DNS name: the name httpd sends as SNI and checks the certificate against.
        address: service.scheme === "https" ? `${member.dnsName}:${portOf(address)}` : address,
        route: sticky ? member.route : undefined,
        hotStandby: member.hotStandby,
        parameters: MEMBER_PARAMETERS[service.service],
      };
    }),
    stickySession: sticky?.cookie,
    balancerCookie:
      sticky?.origin === "balancer" ? { name: sticky.cookie, path: tenant.prefix, secure: clientTls } : undefined,
    cookiePathRewrite: service.cookiePathRewrite,
    retrySeconds: tuning.retrySeconds,
  };
}

export function renderRecordingTenant(conf: HttpdConf, tenant: RecordingTenant, input: SystemInput<Recording>): void {
  for (const service of tenant.services) {
    conf.blank();
    conf.comment(`${service.label} for tenant ${tenant.key}`);
    renderBalancer(conf, recordingServiceBalancer(tenant, service, input));
    for (const route of service.routes)
      renderProxyPass(conf, route.publicPath, service.balancerName, route.backendPath);
  }
}

function portOf(address: string): string {
  return address.slice(address.lastIndexOf(":") + 1);
}

/** TLS towards the recording servers. */
export interface BackendTlsOptions {
  /**
   * Absolute path of the PEM CA bundle the members' certificates are verified
   * against. With recording.backendTls.caBundle in the model, the site writes
   * the bundle there. @default <serverRoot>/conf/recording-servers-ca.pem
   * when the model has a bundle; without either, nothing is verified.
   */
  readonly caCertificateFile?: string;
}

/** CAs signing a server certificate: a root and up to two intermediates. */
export const BACKEND_VERIFY_DEPTH = 3;

/**
 * Verification of every https member: its chain against the CA file, its
 * name (subjectAltName, or CN without one) against the member's DNS name, and
 * its validity dates. The name is the member's own because its balancer
 * sends the member's Host (host-header.ts).
 */
export function renderBackendTls(conf: HttpdConf, caCertificateFile: string | undefined): void {
  conf.directive("SSLProxyEngine", "on");
  if (caCertificateFile === undefined) {
    conf.comment(
      "No recording.backendTls.caBundle: the members' certificates are not verified (encrypted, not authenticated).",
    );
    conf.directive("SSLProxyVerify", "none");
    return;
  }
  conf.directive("SSLProxyVerify", "require");
  conf.directive("SSLProxyVerifyDepth", BACKEND_VERIFY_DEPTH);
  conf.directive("SSLProxyCACertificateFile", caCertificateFile);
  // 2.2 compares the CN only; 2.4 the subjectAltName DNS names, then the CN.
  if (conf.does("peerNameCheck")) conf.directive("SSLProxyCheckPeerName", "on");
  else conf.directive("SSLProxyCheckPeerCN", "on");
  conf.directive("SSLProxyCheckPeerExpire", "on");
}

/** Where the model's CA bundle goes unless the site names another file. */
export function defaultCaCertificateFile(serverRoot: string): string {
  return posix.join(serverRoot, "conf", "recording-servers-ca.pem");
}

/** The CA file the site verifies members against, and the bundle it writes there (from the model), if any. */
export function backendCaFile(
  model: Recording,
  tls: BackendTlsOptions,
  serverRoot: string,
): { readonly path?: string; readonly bundle?: string } {
  if (!model.tenants.some((t) => t.services.some((s) => s.scheme === "https"))) return {};
  const path =
    tls.caCertificateFile ?? (model.backendCaBundle !== undefined ? defaultCaCertificateFile(serverRoot) : undefined);
  if (path !== undefined && !CA_FILE.test(path))
    throw new Error(
      `backendTls.caCertificateFile must be an absolute path of letters, digits, '.', '_' or '-' segments, got ${JSON.stringify(path)}`,
    );
  return { path, bundle: path === undefined ? undefined : model.backendCaBundle };
}

const CA_FILE = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/;

export function recordingHosts(input: SystemInput<Recording>, caFile: string | undefined): VirtualHostPlan[] {
  const { model } = input;
  if (model.balancer === "none") return [];
  const https = model.tenants.some((t) => t.services.some((s) => s.scheme === "https"));
  return [
    {
      system: "recording",
      serverName: model.hostname,
      httpsMembers: https,
      preamble: (conf) => {
        if (https) renderBackendTls(conf, caFile);
      },
      includes: model.tenants.map((tenant) => ({
        name: recordingTenantFile(tenant),
        render: (conf) => renderRecordingTenant(conf, tenant, input),
      })),
    },
  ];
}
