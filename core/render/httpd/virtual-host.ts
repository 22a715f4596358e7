/**
 * What each Genesys system contributes to a site: name-based virtual hosts
 * (one per public hostname), each with the files it includes. The site
 * renderer wraps them and writes the files.
 */
import type { SoftwareBalancingKind } from "../../plan/software-balancer";
import type { BackendAddresses } from "./backend-address";
import type { HttpdConf } from "./httpd-conf";

/** The order of the systems' virtual hosts in a site; a kind missing here fails to compile. */
const SITE_ORDER: { readonly [K in SoftwareBalancingKind]: number } = {
  webEngagement85: 0,
  webEngagement81: 1,
  cobrowse: 2,
  recording: 3,
};
export type HttpdSystem = SoftwareBalancingKind;
export const HTTPD_SYSTEMS: readonly HttpdSystem[] = (Object.keys(SITE_ORDER) as HttpdSystem[]).sort(
  (a, b) => SITE_ORDER[a] - SITE_ORDER[b],
);

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

/** What a system renderer gets: its plan's software-balancer section and where the nodes are. */
export interface SystemInput<S> {
  readonly section: S;
  /** Plan node id (`system/tenant/service/node`) -> `host:port`. */
  readonly addresses: BackendAddresses;
  readonly tuning: BalancerTuning;
  /** Clients reach the site over https only, so cookies the balancer makes are marked Secure. */
  readonly clientTls?: boolean;
}
