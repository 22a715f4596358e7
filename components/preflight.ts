/**
 * Problems only the AWS side knows about (what one ALB can route, where the HA
 * pair's addresses may live), checked on the whole model before any resource
 * exists, so they are reported with the config problems, in the same form.
 * The components keep their own checks as a second line.
 */
import { packTenants } from "../core/model/alb-packing";
import type { Environment } from "../core/model/environment";
import type { ConfigProblem } from "../core/model/problems";
import { cobrowseAlbProblems } from "./cobrowse/cobrowse-cluster";
import { awsPlacementProblems } from "./httpd-ha-pair/placement";
import { overlappingRoutes, planTenantRules } from "./recording/tenant-rules";
import { webEngagement81AlbProblems } from "./web-engagement/web-engagement-81";
import { webEngagement85AlbProblems } from "./web-engagement/web-engagement-85-cluster";

function recordingAlbProblems(recording: NonNullable<Environment["recording"]>): readonly ConfigProblem[] {
  if (recording.balancer !== "alb") return [];
  const overlaps = recording.tenants.flatMap(overlappingRoutes);
  if (overlaps.length > 0) return overlaps;
  return packTenants(
    recording.tenants.map((t) => ({
      key: t.key,
      rules: planTenantRules(t).length,
      targetGroups: t.services.length,
      pinnedAlb: t.alb,
    })),
  ).problems;
}

/** Every AWS-side problem of a valid model; empty when the stack can be built. */
export function awsProblems(env: Environment): ConfigProblem[] {
  return [
    ...(env.webEngagement81 ? webEngagement81AlbProblems(env.webEngagement81) : []),
    ...(env.webEngagement85 ? webEngagement85AlbProblems(env.webEngagement85) : []),
    ...(env.cobrowse ? cobrowseAlbProblems(env.cobrowse) : []),
    ...(env.recording ? recordingAlbProblems(env.recording) : []),
    ...awsPlacementProblems(env).errors,
  ];
}
