/**
 * Interaction Recording, multi-tenant (Interaction Recording load-balancing guide): one file per tenant,
 * `loadbalancer_<tenant>.conf`, with one balancer per tenant and service and
 * the tenant prefix stripped on the way to the backend. Balancer names,
 * members, stickiness, cookie path rewrites and standby members come from
 * the recording plan; the Recording Processor never gets a standby member
 * (no warm standby for RP balancers).
 */
import { posix } from "node:path";
import type { SoftwareBalancing, SoftwareTenant } from "../../plan/software-balancer";
import { renderBalancer, renderProxyPass } from "./balancer";
import type { HttpdConf } from "./httpd-conf";
import { httpdBalancer } from "./plan-balancer";
import type { SystemInput, VirtualHostPlan } from "./virtual-host";

export { StandbyNotAllowedError } from "./plan-balancer";

export type RecordingSection = Extract<SoftwareBalancing, { kind: "recording" }>;

export function recordingTenantFile(tenant: Pick<SoftwareTenant, "key">): string {
  return `loadbalancer_${tenant.key}.conf`;
}

export function renderRecordingTenant(
  conf: HttpdConf,
  tenant: SoftwareTenant,
  input: SystemInput<RecordingSection>,
): void {
  for (const balancer of tenant.balancers) {
    conf.blank();
    conf.comment(`${balancer.label} for tenant ${tenant.key}`);
    renderBalancer(conf, httpdBalancer(balancer, input));
    for (const path of balancer.paths) renderProxyPass(conf, path.publicPath, balancer.name, path.backendPath);
  }
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

/** Whether any recording member is reached over https. */
export function recordingOverHttps(section: RecordingSection): boolean {
  return section.tenants.some((t) => t.balancers.some((b) => b.members.some((m) => m.scheme === "https")));
}

/**
 * The CA file the site verifies members against, and the bundle it writes
 * there (`recording.backendTls.caBundle`), if any, when a member is reached over https.
 */
export function backendCaFile(
  section: RecordingSection,
  caBundle: string | undefined,
  tls: BackendTlsOptions,
  serverRoot: string,
): { readonly path?: string; readonly bundle?: string } {
  if (!recordingOverHttps(section)) return {};
  const path = tls.caCertificateFile ?? (caBundle !== undefined ? defaultCaCertificateFile(serverRoot) : undefined);
  if (path !== undefined && !CA_FILE.test(path))
    throw new Error(
      `backendTls.caCertificateFile must be an absolute path of letters, digits, '.', '_' or '-' segments, got ${JSON.stringify(path)}`,
    );
  return { path, bundle: path === undefined ? undefined : caBundle };
}

const CA_FILE = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/;

export function recordingHosts(input: SystemInput<RecordingSection>, caFile: string | undefined): VirtualHostPlan[] {
  const { section } = input;
  const https = recordingOverHttps(section);
  return [
    {
      system: "recording",
      serverName: section.hostname,
      httpsMembers: https,
      preamble: (conf) => {
        if (https) renderBackendTls(conf, caFile);
      },
      includes: section.tenants.map((tenant) => ({
        name: recordingTenantFile(tenant),
        render: (conf) => renderRecordingTenant(conf, tenant, input),
      })),
    },
  ];
}
