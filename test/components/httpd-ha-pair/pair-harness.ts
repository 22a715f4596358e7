/**
 * Runs the program the way test/support/program.ts `runStack` does (the prod
 * stack file, optionally edited, through deployEnvironment), and also records
 * each resource's explicit dependencies, which mocks do not see.
 */
import * as pulumi from "@pulumi/pulumi";
import { deployEnvironment } from "../../../components/genesys-environment";
import { readStack } from "../../../components/stack-config";
import { runUnderMocks, type MockRun } from "../../../tools/mock-run";
import type { RegisteredResource } from "../../../tools/mocks";
import { rawConfig, stackValues, TEST_SECRETS, type ConfigEdit } from "../../support/program";

/** A corosync key of 256 bytes (corosync-keygen's default size), base64. */
export const TEST_AUTHKEY = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37 + 11) % 256)).toString("base64");
export const AUTHKEY_CONFIG = "genesys:httpdHaPairCorosyncAuthkey";

export interface PairRun extends MockRun {
  /** Resource name -> names of the resources in its `dependsOn`. */
  readonly dependsOn: ReadonlyMap<string, readonly string[]>;
  /** `tenant/service/node` (the instance's tags) -> the private IP of its instance. */
  readonly recordingIps: Readonly<Record<string, string>>;
}

export interface PairRunOptions {
  /** Secret config over the SSH/TLS test secrets; an empty value removes a key. @default the corosync authkey */
  readonly secrets?: Record<string, string>;
}

interface Named {
  readonly __name?: string;
}

/** Systems the pair has nothing to do with; dropping them keeps each run small. */
const UNRELATED = ["webEngagement81", "webEngagement85", "cobrowse", "framework"] as const;

/** Prod with only the network, recording and the pair, after `edit`. */
export async function runPair(edit?: ConfigEdit, options: PairRunOptions = {}): Promise<PairRun> {
  const values = structuredClone(stackValues("prod"));
  for (const key of UNRELATED) delete values[key];
  edit?.(values);
  const secrets: Record<string, string> = {
    ...TEST_SECRETS,
    ...(options.secrets ?? { [AUTHKEY_CONFIG]: TEST_AUTHKEY }),
  };
  for (const [key, value] of Object.entries(secrets)) if (value === "") delete secrets[key];
  const config = { ...rawConfig(values), ...secrets };
  const dependsOn = new Map<string, string[]>();
  const run = await runUnderMocks({ stack: "prod", config, secretKeys: Object.keys(secrets) }, () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const deps = args.opts.dependsOn;
      const list = (Array.isArray(deps) ? deps : deps === undefined ? [] : [deps]) as Named[];
      dependsOn.set(
        args.name,
        list.map((d) => d.__name ?? "?"),
      );
      return undefined;
    });
    return deployEnvironment(readStack());
  });
  const recordingIps = Object.fromEntries(
    run.resources
      .filter(
        (r) =>
          r.type === "aws:ec2/instance:Instance" &&
          (r.inputs.tags as Record<string, string> | undefined)?.["genesys:system"] === "recording",
      )
      .map((r) => {
        const tags = r.inputs.tags as Record<string, string>;
        return [
          `recording/${tags["genesys:tenant"]}/${tags["genesys:service"]}/${tags["genesys:node"]}`,
          String(r.state.privateIp),
        ];
      }),
  );
  return { ...run, dependsOn, recordingIps };
}

export function byType(run: MockRun, type: string): RegisteredResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function byName(run: MockRun, type: string, name: string): RegisteredResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have: ${byType(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}

/** Whether a recorded input value is a secret (the envelope the SDK serializes secrets in). */
export function isSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** The value inside a secret envelope, or the value itself. */
export function reveal(value: unknown): unknown {
  return isSecret(value) ? value.value : value;
}

/** Every string in `value` that is not inside a secret envelope, with its path. */
export function plainStrings(value: unknown, path = ""): { path: string; text: string }[] {
  if (isSecret(value)) return [];
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainStrings(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => plainStrings(v, `${path}.${k}`));
  return [];
}
