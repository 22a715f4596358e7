/** nginx renderer: one entry point, pure (no Pulumi), from the resolved Environment. */
export {
  renderNginxSite,
  workerConnections,
  MAIN_FILE,
  STATUS_PATH,
  type NginxFile,
  type NginxSiteOptions,
} from "./site";
export type { NodeAddresses } from "./addresses";
