/**
 * What every Genesys system component needs from the stack around it: the
 * network, the host image, the balancer hardening and TLS of the environment,
 * and where DNS records and access logs go. Built once in genesys-environment.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Environment, Hardening } from "../../core/model/environment";

export interface PlatformArgs {
  readonly vpcId: pulumi.Input<string>;
  /** The VPC's CIDR block; development-only direct access to nodes comes from inside it. */
  readonly vpcCidr: pulumi.Input<string>;
  /** Public subnet per availability zone, for internet-facing balancers. */
  readonly publicSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Private subnet per availability zone, for Genesys nodes and internal balancers. */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** AMI of the Genesys hosts (see lookupGenesysAmi). */
  readonly imageId: pulumi.Input<string>;
  readonly hardening: Hardening;
  /** HTTPS on the balancers; absent only in development. */
  readonly tls?: Environment["tls"];
  /** Production forbids plain-HTTP listeners even when TLS is missing from the model. */
  readonly isProduction: boolean;
  /** Route 53 zone for balancer alias records; no records when absent. */
  readonly hostedZoneId?: string;
  /** Bucket for balancer access logs; required when hardening.accessLogs is true. */
  readonly accessLogBucket?: pulumi.Input<string>;
  /**
   * The Framework site whose Distributed SCS control the nodes' Local Control
   * Agents: its VPC CIDR and the LCA port. Absent without such a site.
   */
  readonly frameworkControl?: { readonly cidr: string; readonly lcaPort: number };
}

export { TAG } from "../../core/plan/plan";

/** Which Genesys system a resource serves. */
export type { SystemKey as GenesysSystem } from "../../core/plan/plan";
