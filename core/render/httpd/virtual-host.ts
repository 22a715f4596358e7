/**
 * What each Genesys system contributes to a site: name-based virtual hosts
 * (one per public hostname), each with the files it includes. The site
 * renderer wraps them and writes the files.
 */
import type { BackendAddresses } from "./backend-address";
import type { HttpdConf } from "./httpd-conf";

export const HTTPD_SYSTEMS = ["webEngagement85", "webEngagement81", "cobrowse", "recording"] as const;
export type HttpdSystem = (typeof HTTPD_SYSTEMS)[number];

export interface IncludeFile {
  /** File name inside the site's include directory: `loadbalancer_t1.conf`. */
  readonly name: string;
  readonly render: (conf: HttpdConf) => void;
}

export interface VirtualHostPlan {
  readonly system: HttpdSystem;
  readonly serverName: string;
  /** Some member is reached over https (it gets its own name as Host). */
  readonly httpsMembers?: boolean;
  /** Directives of the virtual host itself, before its includes. */
  readonly preamble?: (conf: HttpdConf) => void;
  readonly includes: readonly IncludeFile[];
}

/** Timers the site applies to every balancer member. */
export interface BalancerTuning {
  /** Seconds a failed member rests before it is tried again. @default MEMBER_REJOIN_SECONDS (30) */
  readonly retrySeconds?: number;
}

export interface SystemInput<M> {
  readonly model: M;
  readonly addresses: BackendAddresses;
  readonly tuning: BalancerTuning;
  /** Clients reach the site over https only, so cookies the balancer makes are marked Secure. */
  readonly clientTls?: boolean;
}
