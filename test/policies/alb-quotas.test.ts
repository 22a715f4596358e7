import { describe, expect, it } from "vitest";
import { ALB_QUOTAS } from "../../core/model/alb-packing";
import type { MockRun } from "../../tools/mock-run";
import { arnOf, editInputs, messagesOf, productionFixture, TYPES } from "./fixture";

const base = productionFixture();
const policy = "alb-quotas-respected";

/** The run plus `count` copies of a rule, each with its own priority. */
function withRuleCopies(run: MockRun, name: string, count: number): MockRun {
  const original = run.resources.find((r) => r.type === TYPES.rule && r.name === name)!;
  const copies = Array.from({ length: count }, (_, i) => ({
    ...original,
    name: `${name}-copy${i}`,
    id: `${original.id}-copy${i}`,
    inputs: { ...original.inputs, priority: 1000 + i },
    state: { ...original.state, arn: `${String(original.state.arn)}-copy${i}` },
  }));
  return { ...run, resources: [...run.resources, ...copies] };
}

describe(policy, () => {
  it("passes the production fixture", () => {
    expect(messagesOf(base, policy)).toEqual([]);
  });

  it("allows exactly 100 rules on a balancer and rejects the 101st", () => {
    const existing = base.resources.filter((r) => r.type === TYPES.rule && r.name.startsWith("recording-")).length;
    expect(messagesOf(withRuleCopies(base, "recording-t1-rws", ALB_QUOTAS.rulesPerAlb - existing), policy)).toEqual([]);
    expect(messagesOf(withRuleCopies(base, "recording-t1-rws", ALB_QUOTAS.rulesPerAlb - existing + 1), policy)).toEqual(
      [
        'A load balancer must have at most 100 listener rules (aws:lb/loadBalancer:LoadBalancer "recording" has 101); split tenants over more balancers.',
      ],
    );
  });

  it("accepts 5 condition values in conditions of at most 3, and rejects a sixth value or a fourth in one condition", () => {
    const paths = (n: number) => Array.from({ length: n }, (_, i) => `/t1/p${i}`);
    const withConditions = (conditions: unknown[]) =>
      editInputs(base, TYPES.rule, "recording-t1-rws", (i) => (i.conditions = conditions));
    expect(
      messagesOf(
        withConditions([
          { pathPattern: { values: paths(3) } },
          { hostHeader: { values: ["recording.example.com", "rec.example.com"] } },
        ]),
        policy,
      ),
    ).toEqual([]);
    expect(
      messagesOf(
        withConditions([
          { pathPattern: { values: paths(3) } },
          { hostHeader: { values: ["a.example.com", "b.example.com"] } },
          { queryStrings: [{ key: "x", value: "1" }] },
        ]),
        policy,
      ),
    ).toEqual([
      'A listener rule must have at most 5 condition values (aws:lb/listenerRule:ListenerRule "recording-t1-rws" has 6).',
    ]);
    expect(messagesOf(withConditions([{ pathPattern: { values: paths(4) } }]), policy)).toEqual([
      'A listener rule condition must have at most 3 values (aws:lb/listenerRule:ListenerRule "recording-t1-rws" has one with 4).',
    ]);
  });

  it("counts wildcards over the whole rule: 5 pass, 6 do not", () => {
    const withValues = (values: string[]) =>
      editInputs(
        base,
        TYPES.rule,
        "we85-GWE_Node_1",
        (i) => (i.conditions = [{ httpHeader: { httpHeaderName: "Cookie", values } }]),
      );
    expect(
      messagesOf(
        withValues(["*; GWROUTEID=.GWE_Node_1;*", "GWROUTEID=.GWE_Node_1;*", "*GWROUTEID=?GWE_Node_1"]),
        policy,
      ),
    ).toEqual([]);
    expect(
      messagesOf(
        withValues(["*; GWROUTEID=.GWE_Node_1;*", "*GWROUTEID=.GWE_Node_1;*", "*GWROUTEID=?GWE_Node_1"]),
        policy,
      ),
    ).toEqual([
      'A listener rule must have at most 5 wildcards (aws:lb/listenerRule:ListenerRule "we85-GWE_Node_1" has 6).',
    ]);
  });

  it("rejects a weighted forward to 6 target groups", () => {
    const tgs = Array.from({ length: 6 }, () => ({ arn: arnOf(base, TYPES.tg, "recording-t1-rws"), weight: 1 }));
    const wide = editInputs(
      base,
      TYPES.rule,
      "recording-t1-rws",
      (i) => (i.actions = [{ type: "forward", forward: { targetGroups: tgs } }]),
    );
    expect(messagesOf(wide, policy)).toEqual([
      'A forward action must name at most 5 target groups (aws:lb/listenerRule:ListenerRule "recording-t1-rws" names 6).',
    ]);
  });

  it("rejects a target group shared by two balancers", () => {
    const shared = editInputs(
      base,
      TYPES.rule,
      "cobrowse-cb1",
      (i) => (i.actions = [{ type: "forward", targetGroupArn: arnOf(base, TYPES.tg, "recording-t1-rp") }]),
    );
    expect(messagesOf(shared, policy)).toEqual([
      'A target group must belong to one load balancer (aws:lb/targetGroup:TargetGroup "recording-t1-rp" is used by "cobrowse", "recording").',
    ]);
  });
});
