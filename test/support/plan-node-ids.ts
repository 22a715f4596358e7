/**
 * The plan node id (`system/tenant/service/node`) of every node of an
 * environment, beside its model id: the renderers look addresses up by plan id.
 */
import type { Environment } from "../../core/model/environment";
import { RECORDING_SERVICE_FACTS } from "../../core/model/genesys-facts";
import { nodeId } from "../../core/plan/plan";

export interface NodeIds {
  /** Plan node id, unique in the stack. */
  readonly id: string;
  /** The model's id (ResolvedNode.id): the key alone, or `t1/rws/key` for recording. */
  readonly modelId: string;
  readonly key: string;
}

/** In the renderers' order: Web Engagement 8.5, 8.1 frontend and backend, Co-browse, recording. */
export function planNodeIds(env: Environment): NodeIds[] {
  const of = (system: Parameters<typeof nodeId>[0], nodes: readonly { id: string; key: string }[], scope = {}) =>
    nodes.map((n) => ({ id: nodeId(system, n.key, scope), modelId: n.id, key: n.key }));
  return [
    ...of("webEngagement85", env.webEngagement85?.nodes ?? []),
    ...of("webEngagement81", env.webEngagement81?.frontend.nodes ?? [], { tier: "frontend" }),
    ...of("webEngagement81", env.webEngagement81?.backend.nodes ?? [], { tier: "backend" }),
    ...of("cobrowse", env.cobrowse?.nodes ?? []),
    ...(env.recording?.tenants ?? []).flatMap((t) =>
      t.services.flatMap((s) =>
        of("recording", s.members, { tenant: t.key, service: RECORDING_SERVICE_FACTS[s.service].short }),
      ),
    ),
  ];
}

/** Addresses by model id (tests that start a stub per model node) -> by plan id, every node with that model id. */
export function byPlanId(env: Environment, byModelId: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    planNodeIds(env)
      .filter((n) => Object.hasOwn(byModelId, n.modelId))
      .map((n) => [n.id, byModelId[n.modelId]]),
  );
}
