/**
 * Problems only the AWS side knows about besides the balancing plans' (where
 * the HA pair's addresses may live), checked on the whole model before any
 * resource exists, so they are reported with the config problems, in the same form.
 */
import type { Environment } from "../core/model/environment";
import type { ConfigProblem } from "../core/model/problems";
import { awsPlacementProblems } from "./httpd-ha-pair/placement";

/** Every AWS-side problem of a valid model; empty when the stack can be built. */
export function awsProblems(env: Environment): ConfigProblem[] {
  return [...awsPlacementProblems(env).errors];
}
