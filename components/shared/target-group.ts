/**
 * Target groups over Genesys nodes, with stickiness as a value: present turns
 * it on with the given type, absent writes `enabled: false` explicitly.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { elbResourceName, fittedName } from "../../core/model/names";
import type { AlbStickiness } from "../../core/plan/plan";

export type { AlbStickiness } from "../../core/plan/plan";
export { elbResourceName };

export type BackendProtocol = "HTTP" | "HTTPS";

export interface TargetGroupTarget {
  readonly key: string;
  readonly instanceId: pulumi.Input<string>;
  readonly port: number;
}

export interface TargetGroupArgs {
  readonly vpcId: pulumi.Input<string>;
  /** Scheme towards the nodes. @default "HTTP" */
  readonly protocol?: BackendProtocol;
  /** Health check path; answers 200-399 count as healthy unless `healthyCodes` says otherwise. */
  readonly healthPath: string;
  /** Status codes that mean healthy, ALB matcher syntax. @default "200-399" */
  readonly healthyCodes?: string;
  readonly stickiness?: AlbStickiness;
  readonly targets: readonly TargetGroupTarget[];
  readonly tags: Readonly<Record<string, string>>;
}

const DEFAULT_COOKIE_SECONDS = 86400;

function stickinessInput(s: AlbStickiness | undefined): aws.types.input.lb.TargetGroupStickiness {
  if (!s) return { enabled: false, type: "lb_cookie" };
  if (s.type === "lb_cookie")
    return { enabled: true, type: "lb_cookie", cookieDuration: s.durationSeconds ?? DEFAULT_COOKIE_SECONDS };
  return {
    enabled: true,
    type: "app_cookie",
    cookieName: s.cookieName,
    cookieDuration: s.durationSeconds ?? DEFAULT_COOKIE_SECONDS,
  };
}

/** Load balancer and target group names: at most 32 characters (CreateLoadBalancer, CreateTargetGroup). */
export const ELB_NAME_MAX_LENGTH = 32;

/**
 * `{ name }` for a balancer or target group whose provider auto-name would be
 * longer than AWS allows (see fittedName), else nothing: names that fit stay
 * the provider's, so existing balancers and target groups are not replaced.
 */
export function elbNameInput(resourceName: string): { name?: string } {
  const name = fittedName(resourceName, ELB_NAME_MAX_LENGTH);
  return name === undefined ? {} : { name };
}

/** A target group (resource name from `name`, see elbResourceName) and one attachment per target, `${name}-${target.key}`. */
export function createTargetGroup(
  name: string,
  args: TargetGroupArgs,
  opts: pulumi.CustomResourceOptions,
): aws.lb.TargetGroup {
  if (args.targets.length === 0) throw new Error(`target group ${name} has no targets`);
  const protocol = args.protocol ?? "HTTP";
  const resourceName = elbResourceName(name);
  const group = new aws.lb.TargetGroup(
    resourceName,
    {
      ...elbNameInput(resourceName),
      vpcId: args.vpcId,
      targetType: "instance",
      protocol,
      protocolVersion: "HTTP1",
      port: args.targets[0].port,
      healthCheck: {
        enabled: true,
        protocol,
        path: args.healthPath,
        port: "traffic-port",
        matcher: args.healthyCodes ?? "200-399",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      stickiness: stickinessInput(args.stickiness),
      tags: { Name: name, ...args.tags },
    },
    opts,
  );
  for (const target of args.targets) {
    new aws.lb.TargetGroupAttachment(
      `${name}-${target.key}`,
      { targetGroupArn: group.arn, targetId: target.instanceId, port: target.port },
      opts,
    );
  }
  return group;
}
