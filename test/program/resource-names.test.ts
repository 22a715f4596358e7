/**
 * Deployed resources keep their names: the balancers, listeners, target groups
 * and instances a dev or prod stack deployed before must still be there, by
 * URN, after any change, or `pulumi up` would replace them. A URN holds the
 * chain of parent types, so a renamed component type or a new parent breaks
 * it unless the component carries `aliases`; the URNs here are computed as the
 * engine matches them, through every alias the program declares.
 *
 * The lists in surviving-resources/ were taken from the stacks as deployed
 * before the balancing plans; the per-node target groups of Web Engagement 8.5
 * are not in them, because the default ALB stickiness removed them on purpose.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runUnderMocks, type MockRun } from "../../tools/mock-run";
import type { RegisteredResource } from "../../tools/mocks";
import { runStack } from "../support/program";

const PROJECT = "genesys";

/** Every URN the engine would match a registered resource by: its own and its aliases', over its parents' aliases. */
export function matchableUrns(run: MockRun, stack: string): Set<string> {
  const byKey = new Map(run.resources.map((r) => [`${r.type}::${r.name}`, r]));
  const isStack = (key: string | undefined) => key === undefined || key.startsWith("pulumi:pulumi:Stack::");
  const chains = (r: RegisteredResource): { chain: string; name: string }[] => {
    const identities = [
      { type: r.type, name: r.name, parent: r.parent },
      ...(r.aliases ?? []).map((a) => {
        if (a.urn !== undefined) throw new Error(`${r.type}::${r.name}: URN aliases are not computed here`);
        return { type: a.type ?? r.type, name: a.name ?? r.name, parent: a.parent ?? r.parent };
      }),
    ];
    return identities.flatMap((id) => {
      const parent = isStack(id.parent) ? undefined : byKey.get(id.parent as string);
      const parentChains = parent ? chains(parent).map((p) => `${p.chain}$`) : [""];
      return parentChains.map((p) => ({ chain: `${p}${id.type}`, name: id.name }));
    });
  };
  const urns = new Set<string>();
  for (const r of run.resources)
    for (const { chain, name } of chains(r)) urns.add(`urn:pulumi:${stack}::${PROJECT}::${chain}::${name}`);
  return urns;
}

const surviving = (stack: string) =>
  readFileSync(join(__dirname, "surviving-resources", `${stack}.txt`), "utf8")
    .split("\n")
    .filter((line) => line.length > 0);

describe.each(["dev", "prod"])("the %s stack's deployed resources", (stack) => {
  it("keep their URNs: every balancer, listener, target group and instance deployed before is still matched", async () => {
    const expected = surviving(stack);
    for (const kind of ["LoadBalancer", "Listener", "TargetGroup", "Instance"])
      expect(expected.some((urn) => urn.includes(`:${kind}::`))).toBe(true);
    const urns = matchableUrns(await runStack(stack), stack);
    expect(expected.filter((urn) => !urns.has(urn))).toEqual([]);
  });
});

describe("matchableUrns", () => {
  it("matches a child of a renamed component type by the component's alias, and nothing without it", async () => {
    const program = (aliases: pulumi.Input<pulumi.Alias>[]) => () => {
      const parent = new pulumi.ComponentResource("genesys:test:NewName", "c", {}, { aliases });
      new aws.ec2.SecurityGroup("c-group", { description: "x" }, { parent });
      return {};
    };
    const old = "urn:pulumi:dev::genesys::genesys:test:OldName$aws:ec2/securityGroup:SecurityGroup::c-group";
    const run = (aliases: pulumi.Input<pulumi.Alias>[]) =>
      runUnderMocks({ stack: "dev", config: {} }, program(aliases));
    expect(matchableUrns(await run([{ type: "genesys:test:OldName" }]), "dev").has(old)).toBe(true);
    expect(matchableUrns(await run([]), "dev").has(old)).toBe(false);
  });
});
