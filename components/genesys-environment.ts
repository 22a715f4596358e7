/**
 * Composes one environment: a provider for the stack's region, the network,
 * and one component per Genesys system present in the model. Returns the
 * stack outputs.
 */
import * as aws from "@pulumi/aws";
import type { Environment } from "../core/model/environment";
import { Network } from "./network";
import { FrameworkTopology } from "./framework/framework-topology";
import { applicationSiteKey } from "../core/model/framework-paths";
import { sizeFramework } from "../core/model/framework-sizing";
import { HTTPD_PAIR_NAME } from "../core/plan/identity";
import { deployGenesysSystems, hasGenesysNodes } from "./genesys-systems";
import { HttpdHaPair } from "./httpd-ha-pair/httpd-ha-pair";
import type { StackInput } from "./stack-config";

/** The application site's VPC CIDR when its Distributed SCS control the stack's Genesys nodes. */
function frameworkControl(env: Environment): { cidr: string; lcaPort: number } | undefined {
  const fw = env.framework;
  if (!fw || !hasGenesysNodes(env)) return undefined;
  const key = applicationSiteKey(fw, env.region);
  const site = sizeFramework(fw).find((s) => s.key === key);
  return site && site.distributedScs > 0 ? { cidr: site.vpcCidr, lcaPort: fw.ports.lca } : undefined;
}

export function deployEnvironment({ environment: env, secrets }: StackInput): Record<string, unknown> {
  const provider = new aws.Provider("aws", {
    region: env.region as aws.Region,
    defaultTags: { tags: { ...env.tags, "genesys:environment": env.kind, "managed-by": "pulumi" } },
  });
  const network = new Network(
    "genesys",
    { network: env.network, natPerZone: env.isProduction },
    { providers: { aws: provider } },
  );
  const systems = deployGenesysSystems(env, secrets, network, { providers: { aws: provider } }, frameworkControl(env));
  // Framework sites span regions: the topology brings one provider per region, tagged like the stack's.
  const framework =
    env.framework &&
    new FrameworkTopology("framework", {
      framework: env.framework,
      amiNameFilter: env.instances.amiNameFilter,
      defaultTags: { ...env.tags, "genesys:environment": env.kind, "managed-by": "pulumi" },
      applications: hasGenesysNodes(env)
        ? {
            region: env.region,
            vpcId: network.vpcId,
            vpcCidr: network.vpcCidr,
            privateSubnetIds: network.privateSubnetIds,
            privateRouteTableIds: network.privateRouteTableIds,
          }
        : undefined,
      isProduction: env.isProduction,
      deletionProtection: env.hardening.deletionProtection,
      databasePassword: secrets.configurationDatabasePassword,
    });
  // The vendor guide's httpd cluster, in the model only when recording.balancer is httpdHaPair: it balances those nodes.
  const pair =
    env.httpdHaPair &&
    new HttpdHaPair(
      HTTPD_PAIR_NAME,
      {
        environment: env,
        secrets,
        network,
        backendAddresses: systems.pairBackends?.privateIps ?? {},
        backendSecurityGroupId: systems.pairBackends?.nodeSecurityGroupId,
      },
      { providers: { aws: provider } },
    );
  return {
    ...(framework ? { framework: framework.summary } : {}),
    ...systems.outputs,
    ...(pair
      ? {
          httpdHaPair: {
            endpoint: pair.endpoint,
            virtualIp: pair.virtualIp,
            privateIps: pair.privateIps,
            runbook: pair.runbook,
            ...(pair.recordingRecord ? { recordingHostname: pair.recordingRecord.fqdn } : {}),
            ...(pair.bastionPublicIp ? { bastionPublicIp: pair.bastionPublicIp } : {}),
          },
        }
      : {}),
    environment: env.kind,
    region: env.region,
    vpcId: network.vpcId,
  };
}
