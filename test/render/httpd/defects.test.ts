/**
 * The defect classes of the vendor samples, each made impossible by how the
 * renderer is built: cookie names defined once, balancer names unique across
 * every file, no balancer-manager, LoadModule identifiers that match their files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Environment } from "../../../core/model/environment";
import { COOKIES } from "../../../core/model/genesys-facts";
import { loadEnvironment } from "../../../core/model/load";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { readStackFile } from "../../../tools/stack-file";
import { allNodeAddresses, environmentFrom, modelBeyondAlb } from "./fixtures";

const RENDER_SOURCES = ["core/render/httpd", "core/render/common"];

const stacks: [string, Environment][] = [
  ["prod", loadEnvironment(readStackFile("prod").config).environment!],
  ["dev", loadEnvironment(readStackFile("dev").config).environment!],
];
const variants = stacks.flatMap(([stack, env]) =>
  (["2.4.51", "2.4.37", "2.2.15"] as const).map((release) => {
    const systems = release === "2.2.15" ? (["recording", "cobrowse", "webEngagement81"] as const) : undefined;
    return {
      name: `${stack} stack, httpd ${release}`,
      files: renderHttpdSite(env, allNodeAddresses(env), { release, systems }),
    };
  }),
);

describe("cookie names come from one definition", () => {
  it("appear in no renderer source as literals (nor the guides' misspellings)", () => {
    for (const dir of RENDER_SOURCES) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        const source = readFileSync(join(dir, file), "utf8");
        for (const name of [...Object.values(COOKIES), "GWEROUTEID", "GWROUTID"]) {
          expect(source.includes(`"${name}`) || source.includes(`${name}=`), `${name} in ${dir}/${file}`).toBe(false);
        }
      }
    }
  });

  it("reach the rendered Web Engagement 8.5 balancer exactly as defined", () => {
    const text = renderHttpdSite(stacks[0][1], allNodeAddresses(stacks[0][1]), { systems: ["webEngagement85"] })[1]
      .content;
    // The http balancer and, for RHEL 8's 2.4.37, its ws:// twin.
    expect(text.match(/stickysession=(\S+)/g)).toEqual([
      `stickysession=${COOKIES.webEngagement85}`,
      `stickysession=${COOKIES.webEngagement85}`,
    ]);
  });
});

describe("balancer names are unique across every file of a site", () => {
  it.each(variants)("$name", ({ files }) => {
    const names = files.flatMap((f) => [...f.content.matchAll(/<Proxy balancer:\/\/([^>]+)>/g)].map((m) => m[1]));
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
  });

  it("refuses two node keys that httpd would fold into one balancer name: in the stack config, and in the renderer", () => {
    const sections = {
      cobrowse: { hostname: "cobrowse.example.com", nodes: { CB1: { nodeId: "1" }, cb1: { nodeId: "2" } } },
    };
    expect(() => environmentFrom(sections)).toThrow(
      /genesys:cobrowse\.nodes\.(?:CB1|cb1): "cobrowse-node-cb1" is also the balancer name of genesys:cobrowse\.nodes\.(?:CB1|cb1)/,
    );
    const env = modelBeyondAlb(sections);
    expect(() =>
      renderHttpdSite(env, { "cobrowse/-/-/CB1": "127.0.0.1:8700", "cobrowse/-/-/cb1": "127.0.0.1:8701" }),
    ).toThrow(/balancer name "cobrowse-node-cb1" .* already used/);
  });

  it("refuses two systems on one hostname even when handed a model the loader would reject", () => {
    const env = environmentFrom({
      webEngagement85: { hostname: "lb.example.com", nodes: { n1: {} } },
      cobrowse: { hostname: "cobrowse.example.com", nodes: { cb1: { nodeId: "1" } } },
    });
    const clash: Environment = { ...env, cobrowse: { ...env.cobrowse!, hostname: "lb.example.com" } };
    expect(() =>
      renderHttpdSite(clash, { "webEngagement85/-/-/n1": "127.0.0.1:9081", "cobrowse/-/-/cb1": "127.0.0.1:8700" }),
    ).toThrow(/lb\.example\.com is used by both webEngagement85 and cobrowse/);
  });
});

describe("no balancer-manager and no world-open handler", () => {
  it.each(variants)("$name", ({ files }) => {
    const all = files.map((f) => f.content).join("\n");
    expect(all).not.toMatch(/balancer-manager/i);
    expect([...all.matchAll(/SetHandler (\S+)/g)].map((m) => m[1])).toEqual(["server-status"]);
    expect([...all.matchAll(/<Location ([^>]+)>/g)].map((m) => m[1])).toEqual(["/server-status"]);
    expect(all).not.toMatch(/Allow from all|Require all granted/i);
  });
});

describe("LoadModule identifiers match their module files", () => {
  it.each(variants)("$name", ({ files }) => {
    const lines = [...files[0].content.matchAll(/^\s*LoadModule (\S+) \S*\/mod_(\w+)\.so$/gm)];
    expect(lines.length).toBeGreaterThan(4);
    for (const [, id, stem] of lines) expect(id).toBe(`${stem}_module`);
    expect(new Set(lines.map((l) => l[1])).size).toBe(lines.length);
    expect(files[0].content.match(/LoadModule/g)).toHaveLength(lines.length);
  });
});
