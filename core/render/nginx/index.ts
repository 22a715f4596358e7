/** nginx renderer: one entry point, pure (no Pulumi), from the balancing plans' software-balancer sections. */
export {
  renderNginxSite,
  workerConnections,
  MAIN_FILE,
  STATUS_PATH,
  type NginxFile,
  type NginxSiteOptions,
} from "./site";
export type { NodeAddresses } from "./addresses";
