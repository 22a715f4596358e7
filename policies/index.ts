/**
 * The policy pack the Pulumi CLI runs (`pulumi preview --policy-pack policies`).
 * Constructing a PolicyPack starts the analyzer's gRPC server, so this file
 * only assembles the list; the rules live in plain modules.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./catalog";
import { toPackPolicies } from "./pulumi-adapter";

new PolicyPack("genesys-load-balancing", {
  description:
    "Genesys load balancing: mandatory balancers, product stickiness cookies, hardened HTTPS balancers under the site domain, recording tenant isolation, no admin surface, ALB quotas.",
  policies: toPackPolicies(POLICIES),
});
