/**
 * One synth-scale sample in its own process (so peak memory is this run's):
 *
 *   node --import tsx bench/synth-driver.ts components <tenants> <manifest.json>
 *     runs the real program (genesys-environment) under the synth mocks for the
 *     development stack with <tenants> generated recording tenants, and writes
 *     every registered custom resource (type, name, inputs) to the manifest;
 *   node --import tsx bench/synth-driver.ts flat <tenants> <manifest.json>
 *     registers the manifest's resources again with the same @pulumi/aws
 *     classes and the same references between them (as Outputs), at top
 *     level, with no component.
 *
 * With a fifth argument `lean`, the process first turns off what makes each
 * resource expensive under the SDK (source-mapped stack traces, and the stack
 * trace the SDK stores on every promise for leak reports), to show what the
 * synth runner would gain from doing the same.
 *
 * Prints one JSON line: { mode, tenants, resources, synthMs, synthCpuMs, maxRssMiB }.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks, type MockRun } from "../tools/mock-run";
import { encodeConfigValue, readStackFile } from "../tools/stack-file";
import { withGeneratedRecording } from "./generated-tenants";

interface ManifestEntry {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** Values other resources use to refer to this one (id, arn, dnsName...), by output name. */
  readonly references: Record<string, string>;
}

const REFERENCE_OUTPUTS = ["id", "arn", "dnsName", "zoneId", "bucket", "privateIp"] as const;

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function stackConfig(tenants: number): Record<string, string> {
  const values = Object.fromEntries(
    Object.entries(readStackFile("dev").config).map(([k, v]) => [k.replace(/^genesys:/, ""), decode(v)]),
  );
  withGeneratedRecording(values, tenants);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`genesys:${k}`, encodeConfigValue(v)]));
}

function manifestOf(run: MockRun): ManifestEntry[] {
  return run.resources
    .filter((r) => r.custom && r.type !== "pulumi:pulumi:Stack")
    .map((r) => ({
      type: r.type,
      name: r.name,
      inputs: r.inputs,
      references: Object.fromEntries(
        REFERENCE_OUTPUTS.flatMap((k) => {
          const value = k === "id" ? r.id : r.state[k];
          return typeof value === "string" && value.length > 0 ? [[k, value]] : [];
        }),
      ),
    }));
}

type Constructor = new (
  name: string,
  args: Record<string, unknown>,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** `aws:ec2/instance:Instance` -> aws.ec2.Instance; `pulumi:providers:aws` -> aws.Provider. */
function classOf(type: string): Constructor {
  if (type === "pulumi:providers:aws") return aws.Provider as unknown as Constructor;
  const match = /^aws:([a-z0-9]+)\/[A-Za-z0-9]+:([A-Za-z0-9]+)$/.exec(type);
  const module = match ? (aws as unknown as Record<string, Record<string, unknown>>)[match[1]] : undefined;
  const cls = match && module ? module[match[2]] : undefined;
  if (typeof cls !== "function") throw new Error(`no @pulumi/aws class for ${type}`);
  return cls as Constructor;
}

/** Registers the manifest flat: every string that names an earlier resource becomes that resource's Output. */
function registerFlat(manifest: readonly ManifestEntry[]): void {
  const outputs = new Map<string, pulumi.Output<unknown>>();
  let provider: pulumi.ProviderResource | undefined;
  const wire = (value: unknown): unknown => {
    if (typeof value === "string") return outputs.get(value) ?? value;
    if (Array.isArray(value)) return value.map(wire);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wire(v)]));
    return value;
  };
  for (const entry of manifest) {
    const Cls = classOf(entry.type);
    const inputs =
      entry.type === "pulumi:providers:aws"
        ? { region: entry.inputs.region }
        : (wire(entry.inputs) as Record<string, unknown>);
    const resource = new Cls(entry.name, inputs, provider ? { provider } : undefined);
    if (entry.type === "pulumi:providers:aws") provider = resource as pulumi.ProviderResource;
    const props = resource as unknown as Record<string, pulumi.Output<unknown>>;
    for (const [output, value] of Object.entries(entry.references)) {
      const source = props[output];
      if (source !== undefined && !outputs.has(value)) outputs.set(value, source);
    }
  }
}

async function main(): Promise<void> {
  const [mode, tenantsText, manifestPath, variant] = process.argv.slice(2);
  const tenants = Number(tenantsText);
  if (
    (mode !== "components" && mode !== "flat") ||
    !Number.isInteger(tenants) ||
    !manifestPath ||
    (variant !== undefined && variant !== "lean")
  ) {
    throw new Error("usage: synth-driver.ts <components|flat> <tenants> <manifest.json> [lean]");
  }
  if (variant === "lean") {
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
  const config = stackConfig(tenants);
  const manifest = mode === "flat" ? (JSON.parse(readFileSync(manifestPath, "utf8")) as ManifestEntry[]) : [];
  const { deployEnvironment } = await import("../components/genesys-environment");
  const { readStack } = await import("../components/stack-config");
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const run = await runUnderMocks({ stack: "dev", config }, () =>
    mode === "components" ? deployEnvironment(readStack()) : (registerFlat(manifest), {}),
  );
  const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const synthCpuMs = (cpu.user + cpu.system) / 1000;
  if (mode === "components") writeFileSync(manifestPath, JSON.stringify(manifestOf(run)));
  const resources = run.resources.filter((r) => r.custom && r.type !== "pulumi:pulumi:Stack").length;
  console.log(
    JSON.stringify({ mode, tenants, resources, synthMs, synthCpuMs, maxRssMiB: process.resourceUsage().maxRSS / 1024 }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
