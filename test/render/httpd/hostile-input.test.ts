/**
 * Hostile names through the whole path: stack config -> loadEnvironment ->
 * renderHttpdSite -> apache2 -t. Each value is either rejected with its key
 * path, or renders to a config httpd accepts with exactly the directives a
 * harmless value gives (nothing injected, no section closed early).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnvironment } from "../../../core/model/load";
import { formatKeyPath } from "../../../core/model/problems";
import { backendAddress, isBackendAddress } from "../../../core/render/httpd/backend-address";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { apacheConfigTest, apacheRoot, testSiteOptions, writeConfigFiles, type ApacheRoot } from "../../support/apache";
import { allNodeAddresses, rawConfig, sectionNames } from "./fixtures";

/** One place a user-supplied value lands in the stack config, and the key path that names it. */
interface Slot {
  readonly name: string;
  readonly keyPath: string;
  readonly harmless: string;
  readonly config: (value: string) => Record<string, unknown>;
}

const stack = (o: {
  gweKey?: string;
  gweApp?: string;
  gweHost?: string;
  cbId?: string;
  cbKey?: string;
  tenant?: string;
  webdavPath?: string;
  rcsApp?: string;
  parameter?: string;
  cookie?: string;
}) => ({
  webEngagement85: {
    hostname: o.gweHost ?? "gwe.example.com",
    nodes: { [o.gweKey ?? "GWE_Node_1"]: { appName: o.gweApp ?? "GWE Node 1" }, GWE_Node_2: {} },
  },
  webEngagement81: {
    frontend: { hostname: "gwe81.example.com", stickyParameter: o.parameter ?? "gwe_route", nodes: { fe1: {} } },
    backend: { hostname: "gwe81-backend.example.com", cookie: o.cookie ?? "ROUTEID", nodes: { be1: {} } },
  },
  cobrowse: {
    hostname: "cobrowse.example.com",
    nodes: { [o.cbKey ?? "cb1"]: { nodeId: o.cbId ?? "1" }, cb2: { nodeId: "2" } },
  },
  recording: {
    hostname: "recording.example.com",
    tenants: {
      [o.tenant ?? "t1"]: {
        rws: { nodes: { rws1: {} } },
        rcs: { nodes: { rcs1: { appName: o.rcsApp ?? "RCS 1" } } },
        webdav: { paths: [o.webdavPath ?? "recordings"], nodes: { dav1: {} } },
      },
    },
  },
});

const SLOTS: readonly Slot[] = [
  {
    name: "GWE application name",
    keyPath: "genesys:webEngagement85.nodes",
    harmless: "GWE Node 1",
    config: (v) => stack({ gweApp: v }),
  },
  {
    name: "GWE node key",
    keyPath: "genesys:webEngagement85.nodes",
    harmless: "GWE_Node_1",
    config: (v) => stack({ gweKey: v }),
  },
  {
    name: "GWE hostname",
    keyPath: "genesys:webEngagement85.hostname",
    harmless: "gwe.example.com",
    config: (v) => stack({ gweHost: v }),
  },
  { name: "Co-browse node id", keyPath: "genesys:cobrowse.nodes", harmless: "1", config: (v) => stack({ cbId: v }) },
  {
    name: "Co-browse node key",
    keyPath: "genesys:cobrowse.nodes",
    harmless: "cb1",
    config: (v) => stack({ cbKey: v }),
  },
  { name: "tenant key", keyPath: "genesys:recording.tenants", harmless: "t1", config: (v) => stack({ tenant: v }) },
  {
    name: "WebDAV path",
    keyPath: "genesys:recording.tenants.t1.webdav.paths",
    harmless: "recordings",
    config: (v) => stack({ webdavPath: v }),
  },
  {
    name: "RCS application name",
    keyPath: "genesys:recording.tenants.t1.rcs.nodes",
    harmless: "RCS 1",
    config: (v) => stack({ rcsApp: v }),
  },
  {
    name: "8.1 sticky parameter",
    keyPath: "genesys:webEngagement81.frontend.stickyParameter",
    harmless: "gwe_route",
    config: (v) => stack({ parameter: v }),
  },
  {
    name: "8.1 backend cookie",
    keyPath: "genesys:webEngagement81.backend.cookie",
    harmless: "ROUTEID",
    config: (v) => stack({ cookie: v }),
  },
];

const HOSTILE_CHARS = [
  '"',
  "'",
  "\\",
  "\n",
  "\r",
  "\u0000",
  "<",
  ">",
  "#",
  "$",
  "{",
  "}",
  "%",
  ";",
  " ",
  ".",
  "/",
  "=",
  "&",
  "?",
  "*",
  "\t",
];
const WORD_CHARS = [..."abcXYZ019_-"];
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom(...WORD_CHARS, ...HOSTILE_CHARS), minLength: 1, maxLength: 16 }),
  fc.string({ unit: fc.constantFrom(...WORD_CHARS), minLength: 1, maxLength: 16 }),
  fc.constantFrom(
    "x\nProxyPass / http://evil.example/",
    "a</Proxy>",
    "${APACHE_RUN_DIR}",
    'a" b',
    "t1 t2",
    "x.y",
    "gwe.example.com\n",
    "-a",
  ),
);

const signature = (files: readonly { content: string }[]) => files.map((f) => sectionNames(f.content));

describe("hostile names from the stack config", () => {
  let root: ApacheRoot;
  let accepted = 0;
  let rejected = 0;

  beforeAll(async () => {
    root = await apacheRoot();
  });

  afterAll(() => {
    root?.remove();
    console.log(`hostile names: ${accepted} accepted and proven with apache2 -t, ${rejected} rejected with a key path`);
  });

  it("are rejected with a key path, or render to exactly the harmless structure and pass apache2 -t", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SLOTS), hostile, (slot, value) => {
        const result = loadEnvironment(rawConfig(slot.config(value)));
        if (!result.environment) {
          rejected++;
          expect(result.problems.length).toBeGreaterThan(0);
          expect(
            result.problems.some((p) => formatKeyPath(p.path).startsWith(slot.keyPath)),
            `${slot.name} ${JSON.stringify(value)}`,
          ).toBe(true);
          return;
        }
        accepted++;
        const env = result.environment;
        const files = renderHttpdSite(env, allNodeAddresses(env), testSiteOptions(root));
        const baseline = loadEnvironment(rawConfig(slot.config(slot.harmless))).environment!;
        expect(signature(files)).toEqual(
          signature(renderHttpdSite(baseline, allNodeAddresses(baseline), testSiteOptions(root))),
        );
        writeConfigFiles(files);
        const check = apacheConfigTest(files[0].path);
        expect(check.ok, `${slot.name} ${JSON.stringify(value)}: ${check.output}`).toBe(true);
      }),
      { numRuns: 50, seed: 424242 },
    );
    expect(accepted).toBeGreaterThan(5);
    expect(rejected).toBeGreaterThan(5);
  });
});

describe("hostile backend addresses", () => {
  it("are refused unless they are plainly host:port", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...WORD_CHARS, ...HOSTILE_CHARS, ":", "1", "."), maxLength: 24 }),
        (address) => {
          if (isBackendAddress(address)) {
            expect(address).toMatch(/^[A-Za-z0-9.-]+:\d{1,5}$/);
            expect(backendAddress({ n: address }, "n", "test")).toBe(address);
          } else {
            expect(() => backendAddress({ n: address }, "n", "test")).toThrow(/must be host:port/);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(() => backendAddress({}, "missing", "webEngagement85.nodes.missing")).toThrow(
      /no backend address for node "missing" \(webEngagement85\.nodes\.missing\)/,
    );
    expect(() => backendAddress({ n: "127.0.0.1:0" }, "n", "x")).toThrow(/must be host:port/);
    expect(() => backendAddress({ n: "127.0.0.1:8080 route=x" }, "n", "x")).toThrow(/must be host:port/);
  });
});
