/** Every policy of the pack, in the order reports list them. */
import type { GenesysPolicy } from "./policy";
import { noAdminPathsExposed, noWorldIngressOutsideBalancers, sshOnlyFromAdminCidr } from "./rules/admin-surface";
import { albQuotasRespected } from "./rules/alb-quotas";
import { balancerAccessLogs, balancerDeletionProtection, balancerDesyncMitigation, balancerDropsInvalidHeaders, balancerMultiAz } from "./rules/balancer-hardening";
import { httpsOnlyListeners } from "./rules/https-listeners";
import { balancerUnderSiteDomain } from "./rules/site-domain";

export const POLICIES: readonly GenesysPolicy[] = [
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
  albQuotasRespected,
];
