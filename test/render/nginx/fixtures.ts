/**
 * Stack configs for the nginx tests, loaded through the real model so every
 * rendered value went through its validation, plus loopback node addresses.
 */
import { loadEnvironment } from "../../../core/model/load";
import type { Environment, ResolvedNode } from "../../../core/model/environment";
import { byPlanId } from "../../support/plan-node-ids";
import { freePorts } from "../../support/ports";

const BASE: Record<string, unknown> = {
  environment: "development",
  region: "eu-west-1",
  network: { vpcCidr: "10.40.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
  site: { domain: "example.com" },
  hardening: { deletionProtection: false, accessLogs: false },
};

/** `genesys:<key>` -> config text, as the Pulumi engine hands it over. */
export function rawConfig(sections: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...BASE, ...sections }).map(([key, value]) => [
      `genesys:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

export function environmentOf(sections: Record<string, unknown>): Environment {
  const result = loadEnvironment(rawConfig(sections));
  if (!result.environment) throw new Error(`fixture config rejected: ${JSON.stringify(result.problems)}`);
  return result.environment;
}

/** Every balanced node of an environment. */
export function allNodes(env: Environment): ResolvedNode[] {
  return [
    ...(env.webEngagement85?.nodes ?? []),
    ...(env.cobrowse?.nodes ?? []),
    ...(env.recording?.tenants.flatMap((t) => t.services.flatMap((s) => s.members)) ?? []),
  ];
}

/** A free loopback port per model node id (ResolvedNode.id); addressesOf keys them by plan node id. */
export async function loopbackPorts(env: Environment): Promise<Map<string, number>> {
  const keys = [...new Set(allNodes(env).map((n) => n.id))];
  const ports = await freePorts(keys.length);
  return new Map(keys.map((key, i) => [key, ports[i]]));
}

/** The renderers' address map (by plan node id) for ports by model id. */
export function addressesOf(env: Environment, ports: ReadonlyMap<string, number>): Record<string, string> {
  return byPlanId(env, Object.fromEntries([...ports].map(([key, port]) => [key, `127.0.0.1:${port}`])));
}
