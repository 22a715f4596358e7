/**
 * The registry of Genesys systems that have a balancing plan: per system, its
 * stack config section and the function that plans it. Adding a system is an
 * entry here (the mapped type refuses a missing one); the ALB realiser and the
 * environment loader read every entry.
 */
import type { Environment } from "../model/environment";
import type { ConfigProblem } from "../model/problems";
import { stackConfigSchema } from "../model/schema";
import { planCobrowse } from "./cobrowse";
import { SYSTEM_KEYS, type BalancingPlan, type SystemKey } from "./plan";
import { planRecording, type RecordingPlanContext } from "./recording";
import { balancerNameProblems } from "./software-balancer";
import { planWebEngagement81 } from "./web-engagement-81";
import { planWebEngagement85 } from "./web-engagement-85";

/** What planning needs beyond the model: facts that depend on secrets, which the model never holds. */
export type PlanContext = RecordingPlanContext;

export interface SystemEntry<K extends SystemKey> {
  /** The system's section of the stack config (`genesys:<key>`). */
  readonly schema: (typeof stackConfigSchema.shape)[K];
  readonly plan: (section: NonNullable<Environment[K]>, env: Environment, context?: PlanContext) => BalancingPlan;
}

export const SYSTEMS: { readonly [K in SystemKey]: SystemEntry<K> } = {
  webEngagement81: { schema: stackConfigSchema.shape.webEngagement81, plan: planWebEngagement81 },
  webEngagement85: { schema: stackConfigSchema.shape.webEngagement85, plan: planWebEngagement85 },
  cobrowse: { schema: stackConfigSchema.shape.cobrowse, plan: planCobrowse },
  recording: { schema: stackConfigSchema.shape.recording, plan: planRecording },
};

function planOf<K extends SystemKey>(key: K, env: Environment, context?: PlanContext): BalancingPlan | undefined {
  const section = env[key];
  return section === undefined ? undefined : SYSTEMS[key].plan(section as NonNullable<Environment[K]>, env, context);
}

/** The plan of every system the environment has, in build order. */
export function planSystems(env: Environment, context?: PlanContext): BalancingPlan[] {
  return SYSTEM_KEYS.flatMap((key) => planOf(key, env, context) ?? []);
}

/** Every problem of every plan: what the stack cannot build, found before any resource exists. */
export function planProblems(env: Environment): ConfigProblem[] {
  const plans = planSystems(env);
  return [
    ...plans.flatMap((plan) => plan.problems),
    ...balancerNameProblems(plans.flatMap((plan) => plan.softwareBalancer ?? [])),
  ];
}
