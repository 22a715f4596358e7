/**
 * Interaction Recording, multi-tenant (Interaction Recording load-balancing guide): one file per tenant,
 * `loadbalancer_<tenant>.conf`, with one balancer per tenant and service and
 * the tenant prefix stripped on the way to the backend. Stickiness, cookie
 * path rewrites and standby members come from the model; the Recording
 * Processor never gets a standby member (no warm standby for RP balancers).
 */
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
      return {
        scheme: service.scheme,
        address: backendAddress(
          addresses,
          member.key,
          `recording.tenants.${tenant.key}.${service.service}.nodes.${member.key}`,
        ),
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

/** TLS towards the recording servers; without a CA file the members' certificates are not verified. */
export interface BackendTlsOptions {
  /** PEM bundle of the CA(s) that signed the recording servers' certificates. */
  readonly caCertificateFile?: string;
}

export function renderBackendTls(conf: HttpdConf, tls: BackendTlsOptions): void {
  conf.directive("SSLProxyEngine", "on");
  if (tls.caCertificateFile !== undefined) {
    conf.directive("SSLProxyVerify", "require");
    conf.directive("SSLProxyCACertificateFile", tls.caCertificateFile);
    if (conf.version === "2.4") conf.directive("SSLProxyCheckPeerName", "on");
  } else {
    conf.directive("SSLProxyVerify", "none");
  }
}

export function recordingHosts(input: SystemInput<Recording>, tls: BackendTlsOptions): VirtualHostPlan[] {
  const { model } = input;
  if (model.balancer === "none") return [];
  return [
    {
      system: "recording",
      serverName: model.hostname,
      preamble: model.tenants.some((t) => t.services.some((s) => s.scheme === "https"))
        ? (conf) => renderBackendTls(conf, tls)
        : undefined,
      includes: model.tenants.map((tenant) => ({
        name: recordingTenantFile(tenant),
        render: (conf) => renderRecordingTenant(conf, tenant, input),
      })),
    },
  ];
}
