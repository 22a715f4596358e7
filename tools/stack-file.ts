/**
 * Reads Pulumi.<stack>.yaml into the flat key -> string map the Pulumi engine
 * hands a program. `secure:` values cannot be decrypted offline; they are
 * replaced by placeholders and reported as secret keys.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface StackFile {
  readonly stack: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

export function encodeConfigValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function readStackFile(stack: string, dir = process.cwd()): StackFile {
  const path = join(dir, `Pulumi.${stack}.yaml`);
  const doc = parse(readFileSync(path, "utf8")) as { config?: Record<string, unknown> } | null;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      config[key] = `offline-placeholder-for-${key}`;
      secretKeys.push(key);
      continue;
    }
    config[key] = encodeConfigValue(value);
  }
  return { stack, config, secretKeys };
}
