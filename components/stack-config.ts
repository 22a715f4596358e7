/**
 * The one place the program reads stack config: every `genesys:` key, and what
 * the AWS components can build from it, is validated before any resource
 * exists; problems end the run as one ConfigError, which Pulumi prints without
 * a stack trace. The secrets (SECRET_CONFIG_KEYS) are read here too, as Pulumi
 * secrets beside the model, never inside it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../core/model/environment";
import { loadEnvironment } from "../core/model/load";
import { CONFIG_NAMESPACE, ConfigError, formatProblem } from "../core/model/problems";
import { SECRET_CONFIG_KEYS } from "../core/model/schema";
import { missingSecretMessage } from "../core/model/secrets";
import { pairTlsSecrets } from "./httpd-ha-pair/site-files";
import { awsProblems } from "./preflight";

export type SecretKey = keyof typeof SECRET_CONFIG_KEYS;

/** The secrets the stack sets, by key; a key the stack does not set is absent. */
export type StackSecrets = Readonly<Partial<Record<SecretKey, pulumi.Output<string>>>>;

/** What the program is built from: the validated model and the secrets. */
export interface StackInput {
  readonly environment: Environment;
  readonly secrets: StackSecrets;
}

export function readStack(): StackInput {
  const result = loadEnvironment(pulumi.runtime.allConfig());
  if (!result.environment) throw new ConfigError(result.problems);
  const problems = awsProblems(result.environment);
  if (problems.length > 0) throw new ConfigError(problems);
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const secrets: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of Object.keys(SECRET_CONFIG_KEYS) as SecretKey[]) {
    const value = config.getSecret(SECRET_CONFIG_KEYS[key]);
    if (value !== undefined) secrets[key] = value;
  }
  // The pair's TLS secrets are not in the model; a production pair without them is refused here, before any resource.
  pairScheme(result.environment, secrets);
  for (const warning of result.warnings) pulumi.log.warn(formatProblem(warning));
  return { environment: result.environment, secrets };
}

/** A secret the stack must set here, or a refusal naming its key and why it is needed. */
export function requiredSecret(secrets: StackSecrets, key: SecretKey, neededFor: string): pulumi.Output<string> {
  const value = secrets[key];
  if (value === undefined) throw new pulumi.RunError(missingSecretMessage(key, neededFor));
  return value;
}

/** Whether the httpd pair serves recording clients https: it does when its TLS secrets are set. */
export function pairScheme(env: Environment, secrets: StackSecrets): "http" | "https" {
  return pairTlsSecrets(env, { certificate: secrets.httpdTlsCertificate, privateKey: secrets.httpdTlsPrivateKey })
    ? "https"
    : "http";
}
