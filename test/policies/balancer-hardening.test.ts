import { describe, expect, it } from "vitest";
import { editInputs, messagesOf, productionFixture, TYPES } from "./fixture";

const base = productionFixture();
const set =
  (key: string, value: unknown) =>
  (inputs: Record<string, unknown>): void => {
    inputs[key] = value;
  };

describe("balancer hardening", () => {
  it.each([
    "balancer-deletion-protection",
    "balancer-access-logs",
    "balancer-drops-invalid-headers",
    "balancer-desync-mitigation",
    "balancer-multi-az",
  ])("%s passes the hardened production fixture", (policy) => {
    expect(messagesOf(base, policy)).toEqual([]);
  });

  it.each([
    [
      "balancer-deletion-protection",
      set("enableDeletionProtection", false),
      "A production load balancer must set enableDeletionProtection: true.",
    ],
    [
      "balancer-access-logs",
      set("accessLogs", { bucket: "genesys-prod-lb-logs", enabled: false }),
      "A production load balancer must write access logs: set accessLogs { enabled: true, bucket }.",
    ],
    [
      "balancer-access-logs",
      set("accessLogs", undefined),
      "A production load balancer must write access logs: set accessLogs { enabled: true, bucket }.",
    ],
    [
      "balancer-drops-invalid-headers",
      set("dropInvalidHeaderFields", false),
      "A production application load balancer must set dropInvalidHeaderFields: true.",
    ],
    [
      "balancer-desync-mitigation",
      set("desyncMitigationMode", "monitor"),
      'A production application load balancer must use desyncMitigationMode defensive or strictest (got "monitor").',
    ],
  ] as const)("%s rejects a balancer with one field relaxed", (policy, edit, message) => {
    expect(messagesOf(editInputs(base, TYPES.lb, "cobrowse", edit), policy)).toEqual([message]);
  });

  it("accepts strictest desync mitigation and leaves network load balancers' ALB-only settings alone", () => {
    expect(
      messagesOf(
        editInputs(base, TYPES.lb, "we85", (i) => (i.desyncMitigationMode = "strictest")),
        "balancer-desync-mitigation",
      ),
    ).toEqual([]);
    const nlb = editInputs(base, TYPES.lb, "we85", (i) =>
      Object.assign(i, {
        loadBalancerType: "network",
        dropInvalidHeaderFields: undefined,
        desyncMitigationMode: undefined,
      }),
    );
    expect(messagesOf(nlb, "balancer-drops-invalid-headers")).toEqual([]);
  });

  it("balancer-multi-az rejects a balancer whose subnets are all in one zone", () => {
    const oneZone = editInputs(
      base,
      TYPES.lb,
      "recording",
      (i) => (i.subnets = [(i.subnets as string[])[0], (i.subnets as string[])[0]]),
    );
    expect(messagesOf(oneZone, "balancer-multi-az")).toEqual([
      'A production load balancer must span at least 2 availability zones; aws:lb/loadBalancer:LoadBalancer "recording" has subnets in 1 (eu-west-1a).',
    ]);
  });
});
