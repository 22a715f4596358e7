/** Every policy of the pack, in the order reports list them. */
import type { GenesysPolicy } from "./policy";
import { noAdminPathsExposed, noWorldIngressOutsideBalancers, sshOnlyFromAdminCidr } from "./rules/admin-surface";
import { albQuotasRespected } from "./rules/alb-quotas";
import {
  balancerAccessLogs,
  balancerDeletionProtection,
  balancerDesyncMitigation,
  balancerDropsInvalidHeaders,
  balancerMultiAz,
} from "./rules/balancer-hardening";
import { httpsOnlyListeners } from "./rules/https-listeners";
import { productionRequiresBalancers } from "./rules/production-balancers";
import { recordingCapacity, recordingProcessorNoStandby, recordingTenantIsolation } from "./rules/recording";
import { balancerUnderSiteDomain } from "./rules/site-domain";
import { stickyCookieMatchesApplication } from "./rules/stickiness";

export const POLICIES: readonly GenesysPolicy[] = [
  productionRequiresBalancers,
  stickyCookieMatchesApplication,
  balancerUnderSiteDomain,
  httpsOnlyListeners,
  balancerDeletionProtection,
  balancerAccessLogs,
  balancerDropsInvalidHeaders,
  balancerDesyncMitigation,
  balancerMultiAz,
  noAdminPathsExposed,
  noWorldIngressOutsideBalancers,
  sshOnlyFromAdminCidr,
  recordingProcessorNoStandby,
  recordingTenantIsolation,
  recordingCapacity,
  albQuotasRespected,
];
