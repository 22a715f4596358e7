import { describe, expect, it } from "vitest";
import { arnOf, editInputs, messagesOf, productionFixture, TYPES } from "./fixture";

const base = productionFixture();
const policy = "https-only-listeners";

describe(policy, () => {
  it("passes HTTPS listeners with a TLS 1.3 policy and HTTP listeners that only redirect", () => {
    expect(messagesOf(base, policy)).toEqual([]);
  });

  it.each([
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
  ])("accepts %s", (sslPolicy) => {
    expect(
      messagesOf(
        editInputs(base, TYPES.listener, "we85-https", (i) => (i.sslPolicy = sslPolicy)),
        policy,
      ),
    ).toEqual([]);
  });

  it.each(["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS13-1-0-2021-06", "ELBSecurityPolicy-TLS-1-1-2017-01"])(
    "rejects %s, which admits TLS below 1.2",
    (sslPolicy) => {
      expect(
        messagesOf(
          editInputs(base, TYPES.listener, "we85-https", (i) => (i.sslPolicy = sslPolicy)),
          policy,
        ),
      ).toEqual([
        `A production HTTPS listener must use a TLS 1.2+ security policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (aws:lb/listener:Listener "we85-https" has "${sslPolicy}").`,
      ]);
    },
  );

  it("rejects an HTTPS listener without a certificate", () => {
    expect(
      messagesOf(
        editInputs(base, TYPES.listener, "cobrowse-https", (i) => delete i.certificateArn),
        policy,
      ),
    ).toEqual([
      'A production HTTPS listener must name its certificate (certificateArn) (aws:lb/listener:Listener "cobrowse-https").',
    ]);
  });

  it("rejects a plain HTTP listener that forwards instead of redirecting", () => {
    const forwarding = editInputs(
      base,
      TYPES.listener,
      "we85-http",
      (i) => (i.defaultActions = [{ type: "forward", targetGroupArn: arnOf(base, TYPES.tg, "we85-cluster") }]),
    );
    expect(messagesOf(forwarding, policy)).toEqual([
      'A production balancer must serve HTTPS only: an HTTP listener may only redirect to HTTPS (aws:lb/listener:Listener "we85-http" on port 80: its default action does not redirect to HTTPS).',
    ]);
  });

  it("rejects a redirecting HTTP listener that carries a forwarding rule", () => {
    const ruleOnHttp = editInputs(
      base,
      TYPES.rule,
      "we85-GWE_Node_1",
      (i) => (i.listenerArn = arnOf(base, TYPES.listener, "we85-http")),
    );
    expect(messagesOf(ruleOnHttp, policy)).toEqual([
      'A production balancer must serve HTTPS only: an HTTP listener may only redirect to HTTPS (aws:lb/listener:Listener "we85-http" on port 80: rules "we85-GWE_Node_1" serve plain HTTP).',
    ]);
  });
});
