/**
 * Apache httpd load-balancer configs rendered from the balancing plans' software-balancer
 * sections (what is balanced), and from the environment only what the plans do not
 * say (capacity, the recording servers' CA bundle).
 * Pure text: callers (the HA-pair component, synth) write the files to hosts.
 */
export type { ConfigFile } from "../common/config-file";
export { quoteArgument } from "../common/apache-quote";
export { isBackendAddress, type BackendAddresses } from "./backend-address";
export { CLIENT_TLS_CIPHERS, HTTPS_PORT, type ClientTlsOptions } from "./client-tls";
export { renderCobrowse } from "./cobrowse";
export {
  generationOf,
  HTTPD_VERSIONS,
  isHttpdRelease,
  modulesFor,
  releaseAtLeast,
  type Feature,
  type HttpdRelease,
  type HttpdVersion,
  type ModuleSpec,
} from "./modules";
export { BEHAVIOURS, type BehaviourName } from "./httpd-conf";
export { CapacityError, mpmEventLimits, recordingConnections, type MpmLimits } from "./mpm-limits";
export {
  recordingTenantFile,
  renderRecordingTenant,
  StandbyNotAllowedError,
  type BackendTlsOptions,
} from "./recording";
export { DEFAULT_HTTPD_RELEASE, renderHttpdSite, siteVirtualHosts, type HttpdSiteOptions } from "./site";
export { HTTPD_SYSTEMS, type HttpdSystem, type VirtualHostPlan } from "./virtual-host";
export { renderWebEngagement81Backend, renderWebEngagement81Frontend } from "./web-engagement-81";
export { renderWebEngagement85 } from "./web-engagement-85";
