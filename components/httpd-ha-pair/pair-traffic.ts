/**
 * The traffic the pair's hosts accept, as data: cluster traffic only from
 * each other (corosync; pcsd's port stays closed because provisioning runs
 * every pcs command locally on a node and never needs pcsd), HTTP (and https
 * with client TLS) only from the clients (or only from the NLB that fronts
 * them), SSH only from the provisioning bastion (or, without one the stack
 * creates, from the administration CIDR).
 */
import { createsBastion, type HttpdHaPair } from "../../core/model/environment";
import { corosyncTransport } from "./placement";

/** Port httpd listens on for plain HTTP (the first rendered `Listen`; the Pacemaker agent polls it). */
export const HTTP_PORT = 80;
/** Port httpd serves https on, with client TLS. */
export const HTTPS_PORT = 443;

export type TrafficSource =
  /** The other host (the pair's own security group). */
  | { readonly kind: "pair" }
  | { readonly kind: "cidr"; readonly cidr: string }
  /** The network load balancer's security group. */
  | { readonly kind: "nlb" }
  /** The VPC's CIDR block (known at deployment). */
  | { readonly kind: "vpc" }
  /** The provisioning bastion the stack creates (its security group). */
  | { readonly kind: "bastion" };

export interface IngressRule {
  /** Stable key; the rule's resource name derives from it. */
  readonly key: string;
  readonly description: string;
  readonly protocol: "tcp" | "udp";
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: TrafficSource;
}

/**
 * corosync's ports by transport: knet and udpu send unicast from 5404-5406
 * (knet's default link port is 5405; udpu uses 5404 and 5405); RHEL 6 cman's
 * multicast uses 5404 and 5405.
 */
export function corosyncPorts(pair: HttpdHaPair): { fromPort: number; toPort: number } {
  return corosyncTransport(pair) === "udp" ? { fromPort: 5404, toPort: 5405 } : { fromPort: 5404, toPort: 5406 };
}

export function pairIngressRules(pair: HttpdHaPair, clientTls: boolean): IngressRule[] {
  const clients: TrafficSource = pair.fronting === "nlb" ? { kind: "nlb" } : { kind: "vpc" };
  const https: IngressRule[] = clientTls
    ? [
        {
          key: "https",
          description:
            pair.fronting === "nlb"
              ? "https from the network load balancer (TLS passes through to httpd)"
              : "https from clients in the VPC",
          protocol: "tcp",
          fromPort: HTTPS_PORT,
          toPort: HTTPS_PORT,
          source: clients,
        },
      ]
    : [];
  return [
    {
      key: "corosync",
      description: `corosync (${corosyncTransport(pair)}) between the two hosts`,
      protocol: "udp",
      ...corosyncPorts(pair),
      source: { kind: "pair" },
    },
    {
      key: "http",
      description:
        pair.fronting === "nlb"
          ? "HTTP from the network load balancer (and its health checks)"
          : "HTTP from clients in the VPC",
      protocol: "tcp",
      fromPort: HTTP_PORT,
      toPort: HTTP_PORT,
      source: clients,
    },
    ...https,
    createsBastion(pair)
      ? {
          key: "ssh",
          description: "SSH from the provisioning bastion",
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          source: { kind: "bastion" },
        }
      : {
          key: "ssh",
          description: "SSH from the administration network (provisioning)",
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          source: { kind: "cidr", cidr: pair.adminCidr },
        },
  ];
}
