/**
 * The Genesys systems of one environment on AWS: Web Engagement 8.1 and 8.5,
 * Co-browse and multi-tenant Interaction Recording, each planned by its
 * registry entry (core/plan/registry.ts) and realised by one BalancedSystem
 * over the shared host image and access-log bucket. Returns the components
 * and the stack outputs an administrator types into Genesys.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../core/model/environment";
import { SYSTEM_KEYS, type SystemKey } from "../core/plan/plan";
import { planSystems } from "../core/plan/registry";
import { BalancedSystem } from "./balanced-system";
import type { Network } from "./network";
import { AccessLogBucket } from "./shared/access-log-bucket";
import { lookupGenesysAmi } from "./shared/genesys-nodes";
import type { PlatformArgs } from "./shared/platform";
import { pairScheme, type StackSecrets } from "./stack-config";

export interface GenesysSystems {
  /** The realised system per registry key, for the systems the environment has. */
  readonly systems: Partial<Record<SystemKey, BalancedSystem>>;
  /** What another balancer (the httpd pair) needs to serve the recording nodes, when it does. */
  readonly pairBackends?: {
    readonly privateIps: pulumi.Output<Record<string, string>>;
    readonly nodeSecurityGroupId: pulumi.Output<string>;
  };
  readonly outputs: Record<string, unknown>;
}

/** Whether the environment runs Genesys nodes (configuration clients of the Framework). */
export function hasGenesysNodes(env: Environment): boolean {
  return SYSTEM_KEYS.some((key) => env[key] !== undefined);
}

/** Every system's balancer kind, to know whether any ALB (and so the log bucket) exists. */
function usesAlb(env: Environment): boolean {
  return SYSTEM_KEYS.some((key) => env[key]?.balancer === "alb");
}

export function deployGenesysSystems(
  env: Environment,
  secrets: StackSecrets,
  network: Network,
  opts: pulumi.ComponentResourceOptions,
  frameworkControl?: PlatformArgs["frameworkControl"],
): GenesysSystems {
  if (!hasGenesysNodes(env)) return { systems: {}, outputs: {} };
  const logs =
    usesAlb(env) && env.hardening.accessLogs
      ? new AccessLogBucket("genesys-lb-logs", { forceDestroy: !env.hardening.deletionProtection }, opts)
      : undefined;
  const platform: PlatformArgs = {
    vpcId: network.vpcId,
    vpcCidr: network.vpcCidr,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    imageId: lookupGenesysAmi(env.instances.amiNameFilter, { parent: network }),
    hardening: env.hardening,
    tls: env.tls,
    isProduction: env.isProduction,
    hostedZoneId: env.site.hostedZoneId,
    accessLogBucket: logs?.bucketName,
    frameworkControl,
  };

  const systems: Partial<Record<SystemKey, BalancedSystem>> = {};
  for (const plan of planSystems(env, { pairScheme: pairScheme(env, secrets) }))
    systems[plan.system] = new BalancedSystem(plan.name, { platform, plan }, opts);

  const outputs: Record<string, unknown> = {};
  if (logs) outputs.accessLogBucket = logs.bucketName;
  for (const key of SYSTEM_KEYS) {
    const system = systems[key];
    if (system) outputs[key] = system.outputs;
  }
  const recording = systems.recording;
  const pairBackends =
    recording?.plan.balancerKind === "httpdHaPair"
      ? {
          privateIps: recording.addresses(),
          nodeSecurityGroupId: [...recording.nodeGroups.values()][0].id,
        }
      : undefined;
  return { systems, pairBackends, outputs };
}
