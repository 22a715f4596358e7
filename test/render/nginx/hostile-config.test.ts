/**
 * Hostile names through the whole path: stack config -> loadEnvironment ->
 * renderNginxSite -> `nginx -t`. Every value is either rejected with the key
 * path where it was put, or rendered into a config that nginx accepts without
 * a warning and whose directives are exactly those of the same config with a
 * harmless value in its place.
 */
import { rmSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../../core/model/load";
import { APP_NAME_PATTERN, KEY_PATTERN, PATH_SEGMENT_PATTERN, STICKY_ID_PATTERN } from "../../../core/model/names";
import type { Environment } from "../../../core/model/environment";
import { renderNginxSite, type NginxFile } from "../../../core/render/nginx";
import { checkConfig, makePrefix, writeConfig } from "../../support/nginx";
import { skeleton } from "./conf-skeleton";
import { planNodeIds } from "../../support/plan-node-ids";
import { rawConfig } from "./fixtures";

type Config = {
  webEngagement85: { hostname: string; nodes: Record<string, { appName?: string }> };
  cobrowse: { hostname: string; agentSide: string; nodes: Record<string, { nodeId: string }> };
  recording: { hostname: string; tenants: Record<string, Record<string, unknown>> };
};

const base = (): Config => ({
  webEngagement85: { hostname: "gwe.example.com", nodes: { GWE_Node_1: {}, GWE_Node_2: {} } },
  cobrowse: {
    hostname: "cobrowse.example.com",
    agentSide: "workspaceWebEdition",
    nodes: { cb1: { nodeId: "1" }, cb2: { nodeId: "2" } },
  },
  recording: {
    hostname: "recording.example.com",
    tenants: {
      t1: {
        rws: { nodes: { t1rws1: { appName: "T1RWS1" }, t1rws2: {} } },
        rp: { nodes: { t1rp1: {} } },
        rcs: { nodes: { t1rcs1: { appName: "RCS 1" }, t1rcs2: { appName: "RCS 2" } } },
        interactionReceiver: { nodes: { t1ir1: {} } },
        webdav: { hotStandby: "t1webdav2", paths: ["recordings", "dest2"], nodes: { t1webdav1: {}, t1webdav2: {} } },
      },
    },
  },
});

const t1 = (c: Config) =>
  c.recording.tenants.t1 as {
    rws: { nodes: Record<string, { appName?: string }> };
    rcs: { nodes: Record<string, { appName?: string }> };
    webdav: { paths: string[] };
  };

interface Injection {
  readonly where: string;
  /** Problems about the value must name a key path under one of these (a collision may be reported at the other key). */
  readonly paths: readonly (readonly (string | number)[])[];
  readonly put: (config: Config, value: string) => void;
  /** A value of the same kind that is certainly accepted. */
  readonly harmless: string;
  /** Keys already in the map a key injection adds to (re-using one replaces that entry). */
  readonly existing?: (config: Config) => string[];
}

const HOSTNAMES = [
  ["webEngagement85", "hostname"],
  ["cobrowse", "hostname"],
  ["recording", "hostname"],
];

/** Application names are unique across the stack: a clash is reported at either node. */
const NODE_SETS = [
  ["webEngagement85", "nodes"],
  ["cobrowse", "nodes"],
  ["recording", "tenants"],
];

/**
 * `record[key] = value` as a YAML parser writes it: an own key even for
 * `__proto__`, which plain assignment would turn into the object's prototype
 * (and so drop from the config the loader sees).
 */
function ownKey<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

const INJECTIONS: readonly Injection[] = [
  {
    where: "Web Engagement hostname",
    paths: HOSTNAMES,
    put: (c, v) => void (c.webEngagement85.hostname = v),
    harmless: "gwe2.example.com",
  },
  {
    where: "Web Engagement node key",
    paths: [["webEngagement85", "nodes"]],
    put: (c, v) => ownKey(c.webEngagement85.nodes, v, {}),
    harmless: "Harmless1",
    existing: (c) => Object.keys(c.webEngagement85.nodes),
  },
  {
    where: "Web Engagement application name",
    paths: NODE_SETS,
    put: (c, v) => void (c.webEngagement85.nodes.GWE_Node_1.appName = v),
    harmless: "Harmless App",
  },
  {
    where: "Co-browse node id",
    paths: [["cobrowse", "nodes"]],
    put: (c, v) => void (c.cobrowse.nodes.cb1.nodeId = v),
    harmless: "harmless",
  },
  {
    where: "Co-browse node key",
    paths: [["cobrowse", "nodes"]],
    put: (c, v) => ownKey(c.cobrowse.nodes, v, { nodeId: "9" }),
    harmless: "harmless",
    existing: (c) => Object.keys(c.cobrowse.nodes),
  },
  {
    where: "tenant key",
    paths: [["recording", "tenants"]],
    put: (c, v) => ownKey(c.recording.tenants, v, { webdav: { nodes: { w9: {} } } }),
    harmless: "t9",
    existing: (c) => Object.keys(c.recording.tenants),
  },
  {
    where: "RWS application name (route cookie)",
    paths: NODE_SETS,
    put: (c, v) => void (t1(c).rws.nodes.t1rws1.appName = v),
    harmless: "Harmless RWS",
  },
  {
    where: "RCS application name",
    paths: NODE_SETS,
    put: (c, v) => void (t1(c).rcs.nodes.t1rcs1.appName = v),
    harmless: "RCS 9",
  },
  {
    where: "WebDAV path",
    paths: [["recording", "tenants", "t1", "webdav", "paths"]],
    put: (c, v) => void (t1(c).webdav.paths[0] = v),
    harmless: "harmless",
  },
  {
    where: "recording hostname",
    paths: HOSTNAMES,
    put: (c, v) => void (c.recording.hostname = v),
    harmless: "rec2.example.com",
  },
];

/** Values that collide with names already in the config, or sit on a grammar's edge. */
const TRICKY = [
  "api",
  "dest2",
  "rp",
  "rcs",
  "internal-api",
  "GWE_Node_2",
  "gwe_node_1",
  "GWE_NODE_1",
  "RCS 2",
  "RCS_1",
  "2",
  "t1",
  "T1",
  "recordings",
  "a b",
  "x.y",
  "node-c",
  "Z",
  "cobrowse.example.com",
  "gwe.example.com",
  "x.example.com",
  "example.com",
];
/** Always checked: collisions a renderer cannot survive unless the model rejects them. */
const EDGE_CASES: readonly [string, string][] = [
  // A key the schema's records would drop without a word: refused by its key path instead.
  ["tenant key", "__proto__"],
  ["Web Engagement node key", "__proto__"],
  ["Co-browse node key", "__proto__"],
  ["Web Engagement hostname", "cobrowse.example.com"],
  ["recording hostname", "gwe.example.com"],
  ["Web Engagement node key", "gwe_node_1"],
  ["Web Engagement application name", "GWE_Node_2"],
  ["WebDAV path", "api"],
  ["WebDAV path", "dest2"],
  ["RCS application name", "RCS 2"],
  ["RWS application name (route cookie)", "RWS $host"],
  ["Co-browse node id", "2"],
  ["tenant key", "t1"],
];
const HOSTILE_UNIT = fc.constantFrom(
  '"',
  "'",
  "\\",
  "$",
  "{",
  "}",
  ";",
  "#",
  " ",
  "\n",
  "\u0000",
  ".",
  "~",
  "*",
  "a",
  "Z",
  "1",
  "-",
  "_",
  "/",
  ":",
  "é",
);
const value = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: HOSTILE_UNIT, minLength: 1, maxLength: 12 }),
  fc.stringMatching(APP_NAME_PATTERN),
  fc.stringMatching(KEY_PATTERN),
  fc.stringMatching(PATH_SEGMENT_PATTERN),
  fc.stringMatching(STICKY_ID_PATTERN),
);

function render(env: Environment, prefix: string): NginxFile[] {
  const keys = planNodeIds(env).map((n) => n.id);
  const addresses = Object.fromEntries(keys.map((key, i) => [key, `127.0.0.1:${20_000 + i}`]));
  return renderNginxSite(env, addresses, { prefix, listen: { address: "127.0.0.1", port: 8080 } });
}

const startsWith = (path: readonly (string | number)[], prefix: readonly (string | number)[]) =>
  prefix.every((segment, i) => path[i] === segment);

describe("hostile names through loadEnvironment and nginx -t", () => {
  it("are rejected with their key path, or rendered into a config nginx accepts with only the rendered directives", async () => {
    let rendered = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...INJECTIONS), value, async (injection, hostile) => {
        const config = base();
        injection.put(config, hostile);
        const result = loadEnvironment(rawConfig(config));
        if (!result.environment) {
          expect(result.problems.length).toBeGreaterThan(0);
          expect(
            result.problems.some((p) => injection.paths.some((prefix) => startsWith(p.path, prefix))),
            JSON.stringify(result.problems),
          ).toBe(true);
          return;
        }
        rendered++;
        const prefix = makePrefix();
        let files: NginxFile[];
        try {
          files = render(result.environment, prefix);
          writeConfig(prefix, files);
          expect(checkConfig(prefix)).toEqual({ ok: true, output: "" });
        } finally {
          rmSync(prefix, { recursive: true, force: true });
        }
        const twin = base();
        injection.put(twin, injection.existing?.(base()).includes(hostile) ? hostile : injection.harmless);
        const twinEnv = loadEnvironment(rawConfig(twin)).environment!;
        const shape = (f: readonly NginxFile[]) => skeleton(new Map(f.map((x) => [x.path, x.content])));
        expect(shape(files)).toEqual(shape(render(twinEnv, prefix)));
      }),
      {
        numRuns: 50,
        examples: EDGE_CASES.map(
          ([where, hostile]) => [INJECTIONS.find((i) => i.where === where)!, hostile] as [Injection, string],
        ),
      },
    );
    // The run must have exercised the renderer, not only the validation.
    expect(rendered).toBeGreaterThan(5);
  });
});
