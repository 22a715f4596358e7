/**
 * The Genesys systems of one environment on AWS: Web Engagement 8.1 and 8.5,
 * Co-browse and multi-tenant Interaction Recording, over the shared host
 * image and access-log bucket. Returns the components and the stack outputs
 * an administrator types into Genesys.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../core/model/environment";
import { CobrowseCluster } from "./cobrowse/cobrowse-cluster";
import { pairTlsSecrets } from "./httpd-ha-pair/site-files";
import type { Network } from "./network";
import { RecordingTenants } from "./recording/recording-tenants";
import { AccessLogBucket } from "./shared/access-log-bucket";
import { lookupGenesysAmi } from "./shared/genesys-nodes";
import type { PlatformArgs } from "./shared/platform";
import type { StackSecrets } from "./stack-config";
import { WebEngagement81 } from "./web-engagement/web-engagement-81";
import { WebEngagement85Cluster } from "./web-engagement/web-engagement-85-cluster";

export interface GenesysSystems {
  readonly webEngagement81?: WebEngagement81;
  readonly webEngagement85?: WebEngagement85Cluster;
  readonly cobrowse?: CobrowseCluster;
  readonly recording?: RecordingTenants;
  readonly outputs: Record<string, unknown>;
}

/** Whether the environment runs Genesys nodes (configuration clients of the Framework). */
export function hasGenesysNodes(env: Environment): boolean {
  return [env.webEngagement81, env.webEngagement85, env.cobrowse, env.recording].some((s) => s !== undefined);
}

/** Every system's balancer kind, to know whether any ALB (and so the log bucket) exists. */
function usesAlb(env: Environment): boolean {
  return [env.webEngagement81, env.webEngagement85, env.cobrowse, env.recording].some((s) => s?.balancer === "alb");
}

/** Whether the httpd pair serves recording clients https, decided where the pair decides it. */
function pairScheme(env: Environment, secrets: StackSecrets): "http" | "https" {
  try {
    return pairTlsSecrets(env, { certificate: secrets.httpdTlsCertificate, privateKey: secrets.httpdTlsPrivateKey })
      ? "https"
      : "http";
  } catch (error) {
    throw new pulumi.RunError((error as Error).message);
  }
}

export function deployGenesysSystems(
  env: Environment,
  secrets: StackSecrets,
  network: Network,
  opts: pulumi.ComponentResourceOptions,
  frameworkControl?: PlatformArgs["frameworkControl"],
): GenesysSystems {
  if (!hasGenesysNodes(env)) return { outputs: {} };
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

  const we81 = env.webEngagement81 && new WebEngagement81("gwe81", { platform, system: env.webEngagement81 }, opts);
  const we85 =
    env.webEngagement85 && new WebEngagement85Cluster("gwe85", { platform, cluster: env.webEngagement85 }, opts);
  const cobrowse = env.cobrowse && new CobrowseCluster("cobrowse", { platform, cluster: env.cobrowse }, opts);
  const recording =
    env.recording &&
    new RecordingTenants(
      "recording",
      { platform, recording: env.recording, siteDomain: env.site.domain, pairScheme: pairScheme(env, secrets) },
      opts,
    );

  const outputs: Record<string, unknown> = {};
  if (logs) outputs.accessLogBucket = logs.bucketName;
  if (we85) {
    outputs.webEngagement85 = {
      clusterApplication: we85.clusterApplication,
      serverUrl: we85.serverUrl,
      ...(we85.balancerDnsName ? { balancerDnsName: we85.balancerDnsName } : {}),
      limitations: we85.limitations,
    };
  }
  if (we81)
    outputs.webEngagement81 = {
      wiring: we81.wiring,
      frontendUrls: we81.frontendUrls,
      backendUrls: we81.backendUrls,
      limitations: we81.limitations,
    };
  if (cobrowse) {
    outputs.cobrowse = {
      url: cobrowse.url,
      serverUrls: cobrowse.serverUrls,
      ...(cobrowse.balancerDnsName ? { balancerDnsName: cobrowse.balancerDnsName } : {}),
      limitations: cobrowse.limitations,
    };
  }
  if (recording)
    outputs.recording = { tenants: recording.tenantUrls, albs: recording.albs, limitations: recording.limitations };
  return { webEngagement81: we81, webEngagement85: we85, cobrowse, recording, outputs };
}
