/**
 * What each operating system of the httpd HA pair brings: the httpd release
 * its packages ship (configs are rendered for that release), the cluster
 * tooling, and whether its resource agents can move an address on AWS.
 */
import type { HaOs } from "./schema";

interface HaOsFacts {
  readonly label: string;
  /**
   * httpd release of the OS's packages. RHEL 9.0 shipped 2.4.51 and later
   * minor releases newer 2.4 ones (2.4.53, 2.4.57, 2.4.62): configs are
   * rendered for the oldest, which has everything they use from 2.4.47 on.
   */
  readonly httpd: `2.4.${number}` | `2.2.${number}`;
  /** pcs + corosync 3 (RHEL 8 and 9), or cman/ccs + corosync 1 (RHEL 6). */
  readonly cluster: "pcs" | "cman";
  /**
   * Its resource-agents know `awsvip` and `aws-vpc-move-ip`, and it packages
   * the AWS CLI they call. RHEL 6's resource-agents predate both, it has no
   * awscli package, and it is past its end of life.
   */
  readonly awsAgents: boolean;
}

export const HA_OS_FACTS: Readonly<Record<HaOs, HaOsFacts>> = {
  rhel9: { label: "RHEL 9", httpd: "2.4.51", cluster: "pcs", awsAgents: true },
  rhel8: { label: "RHEL 8", httpd: "2.4.37", cluster: "pcs", awsAgents: true },
  rhel6: { label: "RHEL 6", httpd: "2.2.15", cluster: "cman", awsAgents: false },
};

/** RHEL 8 and 9: pcs 0.10+, corosync 3 with knet. */
export function usesPcs(os: HaOs): boolean {
  return HA_OS_FACTS[os].cluster === "pcs";
}
