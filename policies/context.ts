/**
 * Which stack the pack is looking at. The kind comes from the policy config
 * (`environment`) when given, else from the `genesys:environment` default tag
 * the program puts on its AWS providers. A stack that says neither is treated
 * as production: the rules fail closed.
 */
import { read, readStringMap } from "./props";
import type { EnforcementLevel, PolicyContext, StackKind } from "./policy";

export const ENVIRONMENT_TAG = "genesys:environment";
const KINDS: readonly StackKind[] = ["production", "development"];

/**
 * Per-policy config properties (`--policy-pack-config`); every policy accepts
 * the same ones. They are reference values reviewed with the pack
 * (policies/config/<stack>.json), never read from the stack being judged, so
 * a stack cannot weaken the rules it is judged by.
 */
export interface PolicyConfig {
  readonly environment?: StackKind;
  readonly siteDomain?: string;
  readonly adminCidr?: string;
  readonly screenRecordingAgents?: number;
}

interface ConfigProperty {
  readonly type: "string" | "integer";
  readonly enum?: string[];
  readonly minimum?: number;
  readonly description: string;
}

/** JSON schema of PolicyConfig, as the pack declares it to the engine. */
export const POLICY_CONFIG_SCHEMA: { properties: Record<keyof PolicyConfig, ConfigProperty> } = {
  properties: {
    environment: {
      type: "string",
      enum: [...KINDS],
      description: "Stack kind; overrides the genesys:environment provider tag.",
    },
    siteDomain: {
      type: "string",
      description: "The website's domain, as reviewed; balancer hostnames must be under it.",
    },
    adminCidr: {
      type: "string",
      description: "The only CIDR allowed to reach SSH, as reviewed; one that reaches the world is itself a violation.",
    },
    screenRecordingAgents: {
      type: "integer",
      minimum: 0,
      description:
        "Screen-recording agents logged in at once over every recording tenant, as reviewed; the recording balancer needs a worker for each.",
    },
  },
};

/** `defaultTags.tags` of a provider: an object, or JSON text as providers receive structured inputs. */
export function providerDefaultTags(providerProps: unknown): Record<string, string> {
  const defaultTags = read(providerProps, "defaultTags");
  if (typeof defaultTags === "string") {
    try {
      return readStringMap(JSON.parse(defaultTags), "tags");
    } catch {
      return {};
    }
  }
  return readStringMap(defaultTags, "tags");
}

function isKind(value: unknown): value is StackKind {
  return typeof value === "string" && (KINDS as readonly string[]).includes(value);
}

/** Production wins: one provider tagged production makes the stack production. */
export function stackKind(config: PolicyConfig, providerProps: readonly unknown[]): StackKind {
  if (isKind(config.environment)) return config.environment;
  const tagged = providerProps.map((p) => providerDefaultTags(p)[ENVIRONMENT_TAG]).filter(isKind);
  return tagged.length > 0 && tagged.every((k) => k === "development") ? "development" : "production";
}

export function policyContext(config: PolicyConfig, providerProps: readonly unknown[]): PolicyContext {
  return {
    kind: stackKind(config, providerProps),
    siteDomain: typeof config.siteDomain === "string" ? config.siteDomain : undefined,
    adminCidr: typeof config.adminCidr === "string" ? config.adminCidr : undefined,
    screenRecordingAgents: typeof config.screenRecordingAgents === "number" ? config.screenRecordingAgents : undefined,
  };
}

/**
 * The level a violation is reported at: the policy's configured level in
 * production, advisory elsewhere (development stacks may relax on purpose).
 */
export function violationLevel(configured: EnforcementLevel, kind: StackKind): EnforcementLevel {
  if (configured === "disabled") return "disabled";
  return kind === "production" ? configured : "advisory";
}
