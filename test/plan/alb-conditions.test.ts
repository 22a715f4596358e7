import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  caseCollisions,
  exactCookieConditions,
  exactPathParameterCondition,
  exactQueryCondition,
  pathPrefixConditions,
  priorityBands,
  RULE_LIMITS,
  ruleLimitProblems,
  stablePriorities,
  type RuleCondition,
} from "../../core/plan/alb-conditions";
import { STICKY_ID_PATTERN } from "../../core/model/names";
import {
  conditionMatches,
  cookieHeader,
  routeRequest,
  wildcardMatches,
  type AlbRequest,
} from "../components/support/alb-match";

/** A request matches a node's cookie rules when any one of them matches in full. */
const cookieRoutes = (rules: RuleCondition[], request: AlbRequest) => rules.some((c) => conditionMatches(c, request));
const withCookies = (...pairs: [string, string][]): AlbRequest => ({
  path: "/cobrowse/x",
  headers: [cookieHeader(pairs)],
});

describe("the wildcard matcher follows ALB semantics", () => {
  it.each([
    ["*", "", true],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["a*", "A-anything", true],
    ["\\*x", "*x", true],
    ["\\*x", "ax", false],
    ["abc", "abcd", false],
  ])("%s vs %s", (pattern, value, expected) => {
    expect(wildcardMatches(pattern, value, true)).toBe(expected);
  });

  it("compares paths with case and headers without", () => {
    expect(conditionMatches({ pathPattern: { values: ["/t1/api*"] } }, { path: "/T1/api" })).toBe(false);
    expect(
      conditionMatches(
        { httpHeader: { httpHeaderName: "cookie", values: ["x=1"] } },
        { path: "/", headers: [["Cookie", "X=1"]] },
      ),
    ).toBe(true);
  });
});

describe("exactCookieConditions", () => {
  const rules = exactCookieConditions("gcbSessionServer", "1");

  it.each([
    ["alone", [["gcbSessionServer", "1"]]],
    [
      "first",
      [
        ["gcbSessionServer", "1"],
        ["JSESSIONID", "abc"],
      ],
    ],
    [
      "in the middle",
      [
        ["a", "b"],
        ["gcbSessionServer", "1"],
        ["c", "d"],
      ],
    ],
    [
      "last",
      [
        ["a", "b"],
        ["gcbSessionServer", "1"],
      ],
    ],
  ] as [string, [string, string][]][])("routes the cookie %s in the header", (_, pairs) => {
    expect(cookieRoutes(rules, withCookies(...pairs))).toBe(true);
  });

  it.each([
    ["a longer value", [["gcbSessionServer", "12"]]],
    [
      "a longer value, not last",
      [
        ["gcbSessionServer", "12"],
        ["a", "b"],
      ],
    ],
    ["a longer cookie name", [["xgcbSessionServer", "1"]]],
    [
      "a longer cookie name after another",
      [
        ["a", "b"],
        ["oldgcbSessionServer", "1"],
      ],
    ],
    ["the value in another cookie", [["note", "gcbSessionServer=1"]]],
    ["no cookie", [["a", "b"]]],
  ] as [string, [string, string][]][])("does not route %s", (_, pairs) => {
    expect(cookieRoutes(rules, withCookies(...pairs))).toBe(false);
  });

  it("routes HTTP/2 requests that send each cookie in its own header", () => {
    expect(
      cookieRoutes(rules, {
        path: "/",
        headers: [
          ["cookie", "a=b"],
          ["cookie", "gcbSessionServer=1"],
        ],
      }),
    ).toBe(true);
  });

  it("routes exactly one node for any pair of distinct ids (property)", () => {
    const id = fc.stringMatching(STICKY_ID_PATTERN);
    fc.assert(
      fc.property(
        id,
        id,
        fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z0-9]{0,6}$/)), { maxLength: 3 }),
        fc.nat(3),
        (mine, other, extra, at) => {
          fc.pre(mine.toLowerCase() !== other.toLowerCase());
          const pairs = [...extra] as [string, string][];
          pairs.splice(Math.min(at, pairs.length), 0, ["gcbSessionServer", mine]);
          const request = withCookies(...pairs);
          expect(cookieRoutes(exactCookieConditions("gcbSessionServer", mine), request)).toBe(true);
          expect(cookieRoutes(exactCookieConditions("gcbSessionServer", other), request)).toBe(false);
        },
      ),
    );
  });

  it("keeps each rule within the ALB's per-rule quotas", () => {
    for (const rule of exactCookieConditions("GWROUTEID", `.${"N".repeat(64)}`))
      expect(ruleLimitProblems([rule])).toEqual([]);
  });

  it("refuses values an ALB pattern would read as wildcards", () => {
    expect(() => exactCookieConditions("GWROUTEID", ".GWE*")).toThrow(/cannot be matched exactly/);
    expect(() => exactCookieConditions("GWROUTEID", "a?")).toThrow(/cannot be matched exactly/);
  });
});

describe("exactQueryCondition and exactPathParameterCondition", () => {
  const query = exactQueryCondition("gwe_route", ".GWE_FE_1");
  const path = exactPathParameterCondition("gwe_route", ".GWE_FE_1");

  it("matches the parameter's whole value in the query string", () => {
    expect(
      conditionMatches(query, {
        path: "/",
        query: [
          ["a", "b"],
          ["gwe_route", ".GWE_FE_1"],
        ],
      }),
    ).toBe(true);
    expect(conditionMatches(query, { path: "/", query: [["gwe_route", ".GWE_FE_10"]] })).toBe(false);
    expect(conditionMatches(query, { path: "/", query: [["other", ".GWE_FE_1"]] })).toBe(false);
  });

  it.each([
    ["/chat;gwe_route=.GWE_FE_1", true],
    ["/chat;gwe_route=.GWE_FE_1;jsessionid=x", true],
    ["/chat;gwe_route=.GWE_FE_1/next", true],
    ["/chat;gwe_route=.GWE_FE_10", false],
    ["/chat;gwe_route=.GWE_FE_10/next", false],
    ["/chat;xgwe_route=.GWE_FE_1", false],
  ])("path parameter in %s: %s", (p, expected) => {
    expect(conditionMatches(path, { path: p })).toBe(expected);
  });

  it("fit the per-rule quotas", () => {
    expect(ruleLimitProblems([query])).toEqual([]);
    expect(ruleLimitProblems([path])).toEqual([]);
  });
});

describe("pathPrefixConditions", () => {
  it("publishes prefixes the way ProxyPass matches them, three per condition", () => {
    const chunks = pathPrefixConditions(["/t1/a", "/t1/b", "/t1/c", "/t1/d"]);
    expect(chunks.map((c) => c.pathPattern.values)).toEqual([["/t1/a*", "/t1/b*", "/t1/c*"], ["/t1/d*"]]);
    expect(conditionMatches(chunks[0], { path: "/t1/b/x/y" })).toBe(true);
    expect(conditionMatches(chunks[0], { path: "/t2/b" })).toBe(false);
  });
});

describe("ruleLimitProblems", () => {
  it("names every quota a rule breaks", () => {
    const tooMany: RuleCondition = { httpHeader: { httpHeaderName: "Cookie", values: ["*a*", "*b*", "*c*", "*d*"] } };
    expect(ruleLimitProblems([tooMany])).toEqual([
      `a condition has 4 values (at most ${RULE_LIMITS.valuesPerCondition})`,
      "the rule has 8 wildcards (at most 5)",
    ]);
    expect(
      ruleLimitProblems([
        { pathPattern: { values: ["/a", "/b", "/c"] } },
        { pathPattern: { values: ["/d", "/e", "/f"] } },
      ]),
    ).toEqual(["the rule has 6 match values (at most 5)"]);
  });
});

describe("stablePriorities", () => {
  const band = priorityBands(2)[1];

  it("gives unique priorities inside the band", () => {
    const keys = Array.from({ length: 200 }, (_, i) => `node${i}`);
    const priorities = [...stablePriorities(keys, band).values()];
    expect(new Set(priorities).size).toBe(200);
    for (const p of priorities) expect(p >= band.first && p <= band.last).toBe(true);
  });

  it("leaves every existing rule's priority alone when a key is added or removed (no collision)", () => {
    const before = stablePriorities(["cb1", "cb2", "cb3"], band);
    const added = stablePriorities(["cb0", "cb1", "cb2", "cb3"], band);
    const removed = stablePriorities(["cb1", "cb3"], band);
    for (const key of ["cb1", "cb2", "cb3"]) expect(added.get(key)).toBe(before.get(key));
    for (const key of ["cb1", "cb3"]) expect(removed.get(key)).toBe(before.get(key));
  });

  it("fills a band with as many slots as keys, whatever order the keys come in", () => {
    const tiny = { first: 10, last: 11 };
    const p = stablePriorities(["a", "b"], tiny);
    expect(new Set(p.values())).toEqual(new Set([10, 11]));
    expect(stablePriorities(["b", "a"], tiny)).toEqual(p);
  });

  it("cuts the priority range into ordered bands", () => {
    const [first, second] = priorityBands(2);
    expect(first.first).toBe(1);
    expect(first.last).toBeLessThan(second.first);
    expect(second.last).toBeLessThanOrEqual(RULE_LIMITS.lastPriority);
  });
});

describe("routeRequest", () => {
  it("takes the first matching rule by priority, else the default", () => {
    const rules = [
      { priority: 20, conditions: [exactQueryCondition("co-browse-node-id", "2")], action: "url-2" },
      { priority: 10, conditions: [exactQueryCondition("co-browse-node-id", "2")], action: "earlier" },
    ];
    expect(routeRequest(rules, "default", { path: "/", query: [["co-browse-node-id", "2"]] })).toBe("earlier");
    expect(routeRequest(rules, "default", { path: "/" })).toBe("default");
  });
});

describe("caseCollisions", () => {
  it("reports values an ALB cannot tell apart", () => {
    const problems = caseCollisions([
      { path: ["cobrowse", "nodes", "a", "nodeId"], value: "Node" },
      { path: ["cobrowse", "nodes", "b", "nodeId"], value: "node" },
      { path: ["cobrowse", "nodes", "c", "nodeId"], value: "other" },
    ]);
    expect(problems).toEqual([
      {
        path: ["cobrowse", "nodes", "b", "nodeId"],
        value: "node",
        message: expect.stringContaining('matches "Node" on an ALB'),
      },
    ]);
  });
});
