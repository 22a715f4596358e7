/**
 * Rendered server configs as the policies read them. The httpd HA pair stages
 * each rendered file with one provisioning step per host and file, named
 * `<pair>-<node>-stage-<file>`, whose script carries the file (member
 * addresses as placeholders, so the text is known in a preview). Those
 * scripts are what a policy must see: one that is unknown makes the policy
 * "not evaluated". Every other known text of the stack (user data, other
 * scripts) is read as well, so a config that reaches a host some other way is
 * still judged; its unknown values are not counted, as they carry no config
 * by this contract.
 */
import type { NotEvaluated, PolicyResource } from "./policy";
import { label, lineage, read, renderedTexts, untracked, UNKNOWN } from "./props";
import { isHttpdPair } from "./systems";

export const COMMAND = "command:remote:Command";
const STAGE_STEP = /-stage-/;

export interface RenderedText {
  readonly resource: PolicyResource;
  readonly text: string;
}

/** Whether a resource is one of an httpd pair's staging steps. */
export function isStagingStep(resource: PolicyResource): boolean {
  return resource.type === COMMAND && STAGE_STEP.test(resource.name) && lineage(resource).some(isHttpdPair);
}

/** Every known rendered text, and the staging scripts a preview does not know yet. */
export function renderedConfigs(resources: readonly PolicyResource[]): {
  texts: RenderedText[];
  unknown: NotEvaluated[];
} {
  const unknown: NotEvaluated[] = [];
  for (const step of resources.filter(isStagingStep)) {
    if (read(step.props, "create") === UNKNOWN)
      unknown.push({ notEvaluated: `create of ${label(step)}`, resource: step });
  }
  const texts = untracked(() =>
    resources.flatMap((resource) => renderedTexts(resource.props).map((text) => ({ resource, text }))),
  );
  return { texts, unknown };
}
