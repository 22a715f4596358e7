/**
 * Runs a Pulumi program under the SDK's mocks and returns what it registered
 * and its resolved stack outputs: the offline stand-in for `pulumi preview`.
 */
import * as pulumi from "@pulumi/pulumi";
import { AwsInputRuleError, RULE_ERROR_MARKER } from "./aws-rules";
import { installMocks, recordParents, RecordingMocks, type RegisteredResource } from "./mocks";

export interface MockRun {
  readonly resources: RegisteredResource[];
  readonly outputs: Record<string, unknown>;
  /** True when the run was a preview: ids, ARNs, addresses and what derives from them are unknown. */
  readonly preview?: boolean;
  /**
   * `type::name` -> input property -> `type::name` of the resources its value
   * came from, as the SDK sent them to the engine (propertyDependencies).
   */
  readonly dependencies?: ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>;
}

/** What a preview shows for a stack output that needs a resource still to be created. */
export const UNKNOWN_OUTPUT = "(known after deployment)";

interface OutputInternals {
  readonly isKnown: Promise<boolean>;
  promise(): Promise<unknown>;
}

/**
 * Resolves Outputs (nested in arrays/objects) to plain values. An unknown
 * Output (a preview) becomes UNKNOWN_OUTPUT: its `apply` would never run, so
 * waiting on it would never end.
 */
export async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    // An unknown Output (a preview) never runs its applies; the promise rejects when a resource it reads failed to register.
    const output = value as unknown as OutputInternals;
    if (!(await output.isKnown)) return UNKNOWN_OUTPUT;
    return resolveDeep(await output.promise());
  }
  if (pulumi.isUnknown(value)) return UNKNOWN_OUTPUT;
  if (value instanceof Promise) return resolveDeep(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Waits until no registration is in flight (bounded): none succeeded or failed for a while. */
async function settle(mocks: RecordingMocks): Promise<void> {
  const seen = () => mocks.resources.length + mocks.violations.length;
  let last = -1;
  for (let i = 0; i < 400 && seen() !== last; i++) {
    last = seen();
    await new Promise((r) => setTimeout(r, 5));
    if (seen() === last) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The program threw; carries what it had registered before it did. */
export class ProgramFailure extends Error {
  constructor(
    readonly cause: unknown,
    readonly resources: readonly RegisteredResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = cause instanceof Error ? cause.name : "ProgramFailure";
  }
}

export interface MockRunOptions {
  readonly stack: string;
  readonly config: Record<string, string>;
  readonly secretKeys?: string[];
  readonly region?: string;
  /** Register as the engine's first preview of a new stack does (RecordingMocks `preview`). */
  readonly preview?: boolean;
}

/** `urn:pulumi:stack::project::parent$type::name` -> `type::name`. */
function keyOfUrn(urn: string): string {
  const parts = urn.split("::");
  const name = parts.slice(3).join("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type}::${name}`;
}

interface DependencyRequest {
  getType(): string;
  getName(): string;
  getPropertydependenciesMap():
    { forEach(fn: (deps: { getUrnsList(): string[] }, key: string) => void): void } | undefined;
}

/** Records the property dependencies of every registration, as the engine receives them. */
function recordDependencies(into: Map<string, Record<string, string[]>>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as
    { registerResource(req: DependencyRequest, callback: unknown): void } | undefined;
  if (!monitor) return;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const deps: Record<string, string[]> = {};
    req.getPropertydependenciesMap()?.forEach((list, key) => {
      const urns = list.getUrnsList();
      if (urns.length > 0) deps[key] = urns.map(keyOfUrn);
    });
    into.set(`${req.getType()}::${req.getName()}`, deps);
    register(req, callback);
  };
}

/**
 * Installs mocks and config, then calls `program` (which registers resources
 * and returns outputs). Config must be set before the program's modules run.
 */
export async function runUnderMocks(
  options: MockRunOptions,
  program: () => unknown | Promise<unknown>,
): Promise<MockRun> {
  const mocks = new RecordingMocks(options.region ?? regionOf(options.config), { preview: options.preview });
  await installMocks(mocks, options.stack);
  const dependencies = new Map<string, Record<string, string[]>>();
  recordDependencies(dependencies);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
  let exported: unknown;
  let failure: unknown;
  const restoreRejections = reportRuleViolationsOnce();
  try {
    // The root stack exists only inside runInPulumiStack, as under `pulumi up`.
    try {
      await pulumi.runtime.runInPulumiStack(async () => {
        recordParents(mocks);
        try {
          exported = await program();
        } catch (error) {
          failure = error;
        }
        return exported ?? {};
      });
    } catch (error) {
      failure ??= error;
    }
    await settle(mocks);
    let outputs: Record<string, unknown> = {};
    if (failure === undefined && mocks.violations.length === 0) {
      try {
        outputs = (await resolveDeep(exported ?? {})) as Record<string, unknown>;
      } catch (error) {
        failure = error;
      }
      await settle(mocks);
    }
    // A registration AWS would reject fails the run, whatever the program did next.
    if (mocks.violations.length > 0) failure = new AwsInputRuleError(mocks.violations);
    if (failure !== undefined) throw new ProgramFailure(failure, mocks.resources);
    return { resources: mocks.resources, outputs, preview: mocks.preview, dependencies };
  } finally {
    restoreRejections();
  }
}

function isRuleRejection(reason: unknown): boolean {
  return reason instanceof Error && reason.message.includes(RULE_ERROR_MARKER);
}

/**
 * A registration that fails on an input rule rejects every Output of that
 * resource and of those built on it; the SDK leaves those promises unhandled.
 * runUnderMocks reports the violations once, as the engine would, so while a
 * run lasts those echoes are dropped; every other unhandled rejection reaches
 * the listeners that were there before (or, with none, fails the process).
 */
function reportRuleViolationsOnce(): () => void {
  const previous = process.listeners("unhandledRejection");
  const filter = (reason: unknown, promise: Promise<unknown>) => {
    if (isRuleRejection(reason)) return;
    if (previous.length === 0) {
      setImmediate(() => {
        throw reason;
      });
      return;
    }
    for (const listener of previous) listener.call(process, reason, promise);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", filter);
  return () => {
    process.removeListener("unhandledRejection", filter);
    for (const listener of previous) process.on("unhandledRejection", listener);
  };
}

function regionOf(config: Record<string, string>): string {
  return config["genesys:region"] ?? "eu-west-1";
}
