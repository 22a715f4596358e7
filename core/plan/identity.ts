/**
 * How a resource says what it belongs to: the component type token of each
 * Genesys system and of the httpd HA pair, and the tag keys the realisers
 * write on nodes, target groups, rules and balancers. The plans, the
 * realisers and the policy pack all read these. No imports: the pack, which
 * installs only its own dependencies, reads this file.
 */

/** The Genesys systems that have a balancing plan, in the order the stack builds them. */
export const SYSTEM_KEYS = ["webEngagement81", "webEngagement85", "cobrowse", "recording"] as const;
export type SystemKey = (typeof SYSTEM_KEYS)[number];

export interface SystemIdentity {
  /** The name operators know the system by (the vendor guide's). */
  readonly label: string;
  /**
   * The system component's type token. It is part of every child's URN, so it
   * stays what earlier releases registered and deployed resources keep their names.
   */
  readonly componentType: string;
}

export const SYSTEM_IDENTITY: { readonly [K in SystemKey]: SystemIdentity } = {
  webEngagement81: { label: "Web Engagement 8.1", componentType: "genesys:webengagement:WebEngagement81" },
  webEngagement85: { label: "Web Engagement 8.5", componentType: "genesys:webengagement:WebEngagement85Cluster" },
  cobrowse: { label: "Co-browse", componentType: "genesys:cobrowse:CobrowseCluster" },
  recording: { label: "Interaction Recording", componentType: "genesys:recording:RecordingTenants" },
};

/** The httpd HA pair's component: a balancer itself, not a Genesys system. */
export const HTTPD_PAIR_COMPONENT_TYPE = "genesys:httpd:HttpdHaPair";
/** The pair's resource name, the prefix of its hosts' (`recording-pair-ip1`). */
export const HTTPD_PAIR_NAME = "recording-pair";

/** Tag keys every Genesys resource carries, namespaced so they never clash with a site's own tags. */
export const TAG = {
  system: "genesys:system",
  tier: "genesys:tier",
  tenant: "genesys:tenant",
  service: "genesys:service",
  node: "genesys:node",
  appName: "genesys:appName",
  /** The hostname clients use for a balancer. */
  hostname: "genesys:hostname",
} as const;
