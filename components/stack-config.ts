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
import { awsProblems } from "./preflight";

export function readEnvironment(): Environment {
  const result = loadEnvironment(pulumi.runtime.allConfig());
  if (!result.environment) throw new ConfigError(result.problems);
  const problems = awsProblems(result.environment);
  if (problems.length > 0) throw new ConfigError(problems);
  for (const warning of result.warnings) pulumi.log.warn(formatProblem(warning));
  return result.environment;
}
