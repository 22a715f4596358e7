/**
 * The one place the program reads stack config: every `genesys:` key is
 * validated before any resource exists, and problems end the run without a
 * stack trace (RunError).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../core/model/environment";
import { loadEnvironment } from "../core/model/load";
import { ConfigError, formatProblem } from "../core/model/problems";

export function readEnvironment(): Environment {
  const result = loadEnvironment(pulumi.runtime.allConfig());
  if (!result.environment) throw new pulumi.RunError(new ConfigError(result.problems).message);
  for (const warning of result.warnings) pulumi.log.warn(formatProblem(warning));
  return result.environment;
}
