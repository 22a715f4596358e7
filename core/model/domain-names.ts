/** DNS name relations, free of imports so the policy pack can read them with its own dependencies. */

/** True when `host` is `domain` itself or a subdomain of it. */
export function isUnderDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}
