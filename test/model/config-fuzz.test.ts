/**
 * Random and hostile stack configs: loading never throws; every rejection is a
 * list of problems with key paths; every accepted value keeps injection
 * characters out of names that reach server configs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../core/model/load";
import { formatProblem } from "../../core/model/problems";
import { rawConfig, stackValues } from "../support/program";

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "RCS 1\nProxyPass / http://x/",
    'a"b',
    "</Proxy>",
    "${HOME}",
    "t1; rm -rf /",
    "x\r\nHeader add X 1",
    "GWE_Node_1 ",
    " lead",
    "a.b",
    "é",
    "t1/../t2",
    "#comment",
  ),
);

describe("config loading never throws", () => {
  it("for arbitrary JSON at every top-level key", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            "environment",
            "region",
            "network",
            "site",
            "tls",
            "recording",
            "cobrowse",
            "webEngagement85",
            "framework",
            "httpdHaPair",
            "bogus",
          ),
          jsonValue,
        ),
        (values) => {
          const result = loadEnvironment(rawConfig(values));
          expect(result.environment !== undefined || result.problems.length > 0).toBe(true);
          for (const problem of result.problems) expect(formatProblem(problem)).toMatch(/^genesys:[A-Za-z]/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("for hostile names in the real prod stack: rejected with the key path, or accepted only when safe", () => {
    const base = stackValues("prod") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    fc.assert(
      fc.property(hostile, hostile, hostile, (appName, tenantKey, nodeKey) => {
        const values = structuredClone(base);
        values.recording.tenants.t1.rcs.nodes.t1rcs1.appName = appName;
        values.recording.tenants[tenantKey] = structuredClone(values.recording.tenants.t2);
        delete values.recording.tenants.t2;
        values.webEngagement85.nodes[nodeKey] = { port: 9081 };
        const result = loadEnvironment(rawConfig(values));
        if (result.environment) {
          const env = result.environment;
          const names = [
            ...env.recording!.tenants.flatMap((t) => [
              t.key,
              ...t.services.flatMap((s) => s.members.flatMap((m) => [m.key, m.appName, m.route])),
            ]),
            ...env.webEngagement85!.nodes.flatMap((n) => [n.key, n.appName, n.route]),
          ];
          for (const name of names) expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9 _-]*$/);
          for (const n of env.recording!.tenants.flatMap((t) => t.services.flatMap((s) => s.members)))
            expect(n.route).not.toContain(" ");
        } else {
          expect(result.problems.length).toBeGreaterThan(0);
          const lines = result.problems.map(formatProblem);
          expect(
            lines.some(
              (l) => l.startsWith("genesys:recording.tenants") || l.startsWith("genesys:webEngagement85.nodes"),
            ),
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
