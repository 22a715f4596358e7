/**
 * Runs the program under mocks for a real stack file (optionally edited), the
 * way index.ts runs it, and returns every registered resource and the outputs.
 */
import { deployEnvironment } from "../../components/genesys-environment";
import { readStack } from "../../components/stack-config";
import { runUnderMocks, type MockRun } from "../../tools/mock-run";
import type { RegisteredResource } from "../../tools/mocks";
import { OFFLINE_SECRETS } from "../../tools/offline-secrets";
import { encodeConfigValue, readStackFile } from "../../tools/stack-file";

export type ConfigEdit = (config: Record<string, unknown>) => void;

/** The stack file's `genesys:` values decoded into plain objects (key without namespace). */
export function stackValues(stack: string): Record<string, unknown> {
  const file = readStackFile(stack);
  const values: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(file.config)) {
    if (!key.startsWith("genesys:")) continue;
    try {
      values[key.slice("genesys:".length)] = JSON.parse(text);
    } catch {
      values[key.slice("genesys:".length)] = text;
    }
  }
  return values;
}

export function rawConfig(values: Record<string, unknown>): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) raw[`genesys:${key}`] = encodeConfigValue(value);
  }
  return raw;
}

/** The SSH, TLS and Configuration Database secrets every run gets (the corosync key is left to the tests that need it). */
export const TEST_SECRETS: Record<string, string> = Object.fromEntries(
  ["httpdHaPairSshPrivateKey", "httpdTlsPrivateKey", "httpdTlsCertificate", "configurationDatabasePassword"].map(
    (key) => [`genesys:${key}`, OFFLINE_SECRETS[`genesys:${key}`]],
  ),
);

/** Runs the program for Pulumi.<stack>.yaml, after `edit` changes its values. */
export async function runStack(
  stack: string,
  edit?: ConfigEdit,
  options: {
    readonly preview?: boolean;
    /** Secrets left unset, e.g. "genesys:httpdTlsCertificate". */
    readonly unsetSecrets?: readonly string[];
  } = {},
): Promise<MockRun> {
  const values = structuredClone(stackValues(stack));
  edit?.(values);
  // A whole stack also gets the corosync key: its pair may use knet, the rhel8 default.
  const secrets = Object.fromEntries(
    Object.entries({
      ...TEST_SECRETS,
      "genesys:httpdHaPairCorosyncAuthkey": OFFLINE_SECRETS["genesys:httpdHaPairCorosyncAuthkey"],
    }).filter(([key]) => !options.unsetSecrets?.includes(key)),
  );
  const config = { ...rawConfig(values), ...secrets };
  return runUnderMocks({ stack, config, secretKeys: Object.keys(secrets), preview: options.preview }, () =>
    deployEnvironment(readStack()),
  );
}

export function ofType(run: MockRun, type: string): RegisteredResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function named(run: MockRun, type: string, name: string): RegisteredResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = ofType(run, type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; have: ${names.join(", ")}`);
  }
  return found;
}
