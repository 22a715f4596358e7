/**
 * The one place the program reads stack config: every `genesys:` key, and what
 * the AWS components can build from it, is validated before any resource
 * exists; problems end the run as one ConfigError, which Pulumi prints without
 * a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../core/model/environment";
import { loadEnvironment } from "../core/model/load";
import { ConfigError, formatProblem } from "../core/model/problems";
import { SECRET_CONFIG_KEYS } from "../core/model/schema";
import { pairTlsSecrets } from "./httpd-ha-pair/site-files";
import { awsProblems } from "./preflight";

export function readEnvironment(): Environment {
  const result = loadEnvironment(pulumi.runtime.allConfig());
  if (!result.environment) throw new ConfigError(result.problems);
  const problems = awsProblems(result.environment);
  if (problems.length > 0) throw new ConfigError(problems);
  // The pair's TLS secrets are not in the model; a production pair without them is refused here, before any resource.
  pairScheme(result.environment);
  for (const warning of result.warnings) pulumi.log.warn(formatProblem(warning));
  return result.environment;
}

/** Whether the httpd pair serves recording clients https: it does when its TLS secrets are set. */
export function pairScheme(env: Environment): "http" | "https" {
  const config = new pulumi.Config("genesys");
  try {
    return pairTlsSecrets(env, {
      certificate: config.getSecret(SECRET_CONFIG_KEYS.httpdTlsCertificate),
      privateKey: config.getSecret(SECRET_CONFIG_KEYS.httpdTlsPrivateKey),
    })
      ? "https"
      : "http";
  } catch (error) {
    throw new pulumi.RunError((error as Error).message);
  }
}
