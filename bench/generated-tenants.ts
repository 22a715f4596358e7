/**
 * Stack config for scale runs: the development stack's network and site with
 * `count` recording tenants of all five services, one node each, and no other
 * Genesys system.
 */
import { RECORDING_SERVICES } from "../core/model/schema";

const NODE_PREFIX: Record<(typeof RECORDING_SERVICES)[number], string> = {
  rws: "rws",
  rp: "rp",
  rcs: "rcs",
  interactionReceiver: "ir",
  webdav: "webdav",
};

export function tenantKey(i: number): string {
  return `t${i}`;
}

/** The `recording.tenants` map for tenants t1..t<count>. */
export function generatedTenants(count: number): Record<string, unknown> {
  const tenants: Record<string, unknown> = {};
  for (let i = 1; i <= count; i++) {
    const key = tenantKey(i);
    tenants[key] = Object.fromEntries(
      RECORDING_SERVICES.map((s) => [
        s,
        {
          nodes: { [`${key}${NODE_PREFIX[s]}1`]: { appName: `${key.toUpperCase()}${NODE_PREFIX[s].toUpperCase()}1` } },
        },
      ]),
    );
  }
  return tenants;
}

/** Edits decoded stack values (see test/support/program.ts) to hold only recording with `count` tenants on ALBs. */
export function withGeneratedRecording(values: Record<string, unknown>, count: number): void {
  for (const key of ["webEngagement81", "webEngagement85", "cobrowse", "httpdHaPair", "framework"]) delete values[key];
  const recording = (values.recording ?? {}) as Record<string, unknown>;
  values.recording = { hostname: recording.hostname, balancer: "alb", tenants: generatedTenants(count) };
}
