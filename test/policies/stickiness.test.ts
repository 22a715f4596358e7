import { describe, expect, it } from "vitest";
import { COOKIES } from "../../core/model/genesys-facts";
import { cookieNamesIn } from "../../policies/rules/stickiness";
import { editInputs, messagesOf, productionFixture, TYPES } from "./fixture";

const base = productionFixture();
const policy = "sticky-cookie-matches-application";

describe(policy, () => {
  it("passes GWROUTEID, gcbSessionServer, JSESSIONID app cookies and balancer cookies for RWS and the 8.1 backend", () => {
    expect(messagesOf(base, policy)).toEqual([]);
  });

  it.each([
    ["we85-cluster", "GWEROUTEID", COOKIES.webEngagement85, "the Web Engagement 8.5 server"],
    ["we85-cluster", "gwrouteid", COOKIES.webEngagement85, "the Web Engagement 8.5 server"],
    ["cobrowse-all", "gcbsessionserver", COOKIES.cobrowse, "the Co-browse node"],
    ["cobrowse-cb1", "JSESSIONID", COOKIES.cobrowse, "the Co-browse node"],
    ["recording-t1-rcs", "ROUTEID", COOKIES.recordingRcs, "Recording Crypto Server"],
  ])("rejects %s sticking on %s", (tg, cookie, expected, product) => {
    const wrong = editInputs(
      base,
      TYPES.tg,
      tg,
      (i) => (i.stickiness = { enabled: true, type: "app_cookie", cookieName: cookie }),
    );
    expect(messagesOf(wrong, policy)).toContain(
      `A target group must stick on ${expected}, the cookie ${product} sets (aws:lb/targetGroup:TargetGroup "${tg}" sticks on "${cookie}").`,
    );
  });

  it("rejects an app cookie for RWS, whose ROUTEID the balancer makes", () => {
    const wrong = editInputs(
      base,
      TYPES.tg,
      "recording-t1-rws",
      (i) => (i.stickiness = { enabled: true, type: "app_cookie", cookieName: "ROUTEID" }),
    );
    expect(messagesOf(wrong, policy)).toEqual([
      'A target group of the Interaction Recording Web Services balancer (ROUTEID) must stick with a balancer-made cookie (lb_cookie): the product sets no "ROUTEID" cookie (aws:lb/targetGroup:TargetGroup "recording-t1-rws").',
      'Traffic for the Interaction Recording Web Services balancer (ROUTEID) must stick with a balancer-made cookie: stickiness type lb_cookie (none of "recording-t1-rws" has it).',
    ]);
  });

  it("rejects a Web Engagement 8.1 backend without stickiness", () => {
    const loose = editInputs(
      base,
      TYPES.tg,
      "we81-backend",
      (i) => ((i.stickiness as Record<string, unknown>).enabled = false),
    );
    expect(messagesOf(loose, policy)).toEqual([
      'Traffic for the Web Engagement 8.1 backend balancer must stick with a balancer-made cookie: stickiness type lb_cookie (none of "we81-backend" has it).',
    ]);
  });

  it("rejects a listener rule whose Cookie condition names another cookie, case included", () => {
    const wrong = editInputs(
      base,
      TYPES.rule,
      "we85-GWE_Node_1",
      (i) => (i.conditions = [{ httpHeader: { httpHeaderName: "cookie", values: ["*GWEROUTEID=.GWE_Node_1*"] } }]),
    );
    expect(messagesOf(wrong, policy)).toEqual([
      'A listener rule\'s Cookie condition must match the GWROUTEID cookie that the Web Engagement 8.5 server sets (aws:lb/listenerRule:ListenerRule "we85-GWE_Node_1" matches "*GWEROUTEID=.GWE_Node_1*").',
    ]);
  });

  it("accepts Co-browse stuck only by cookie rules on per-node target groups whose own stickiness is off", () => {
    const perNode = base.resources.find((r) => r.type === TYPES.tg && r.name === "cobrowse-cb1")!;
    expect(perNode.inputs.stickiness).toEqual({ enabled: false, type: "lb_cookie" });
    expect(messagesOf(base, policy)).toEqual([]);
    let noCookieRules = base;
    for (const key of ["cb1", "cb2"])
      noCookieRules = editInputs(
        noCookieRules,
        TYPES.rule,
        `cobrowse-${key}-cookie`,
        (i) => (i.conditions = [{ pathPattern: { values: ["/cobrowse/*"] } }]),
      );
    expect(messagesOf(noCookieRules, policy)).toEqual([
      'Traffic for the Co-browse node must stick on its gcbSessionServer cookie: a target group with app_cookie gcbSessionServer, or listener rules that route by that cookie (none of "cobrowse-all", "cobrowse-cb1", "cobrowse-cb2" does).',
    ]);
  });

  it("accepts Web Engagement 8.5 stuck only by cookie rules, and rejects it with neither rules nor an app cookie", () => {
    const rulesOnly = editInputs(base, TYPES.tg, "we85-cluster", (i) => delete i.stickiness);
    expect(messagesOf(rulesOnly, policy)).toEqual([]);
    let neither = rulesOnly;
    for (const key of ["GWE_Node_1", "GWE_Node_2"])
      neither = editInputs(
        neither,
        TYPES.rule,
        `we85-${key}`,
        (i) => (i.conditions = [{ pathPattern: { values: ["/server/*"] } }]),
      );
    expect(messagesOf(neither, policy)).toEqual([
      'Traffic for the Web Engagement 8.5 server must stick on its GWROUTEID cookie: a target group with app_cookie GWROUTEID, or listener rules that route by that cookie (none of "we85-cluster", "we85-GWE_Node_1", "we85-GWE_Node_2" does).',
    ]);
  });

  it.each([
    ["*GWROUTEID=.GWE_Node_1*", ["GWROUTEID"]],
    ["gcbSessionServer=1", ["gcbSessionServer"]],
    ["*a=1*; *JSESSIONID=*", ["a", "JSESSIONID"]],
  ])("cookieNamesIn(%j)", (pattern, names) => {
    expect(cookieNamesIn(pattern)).toEqual(names);
  });
});
