/**
 * LoadModule lines: identifiers and files from one table, every module a
 * rendered config needs loaded (and loadable by the real httpd), nothing a
 * generation lacks.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { featureOf } from "../../../core/render/httpd/httpd-conf";
import {
  FEATURE_MODULES,
  FEATURES,
  modulesFor,
  UnsupportedFeatureError,
  type Feature,
} from "../../../core/render/httpd/modules";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { loadEnvironment } from "../../../core/model/load";
import { readStackFile } from "../../../tools/stack-file";
import {
  apacheBinary,
  apacheConfigTest,
  apacheRoot,
  DEBIAN_MODULES_DIR,
  loadedModules,
  testSiteOptions,
  writeConfigFiles,
} from "../../support/apache";
import { run } from "../../support/real-servers";
import { allNodeAddresses, environmentFrom, sectionNames } from "./fixtures";

describe("the feature -> module table", () => {
  it("names each module after its file, as httpd's own modules are named", () => {
    for (const feature of FEATURES) {
      for (const version of ["2.4", "2.2"] as const) {
        for (const m of FEATURE_MODULES[feature][version] ?? [])
          expect(m.file).toBe(`mod_${m.id.replace(/_module$/, "")}.so`);
      }
    }
  });

  it("lists modules the real httpd 2.4 loads under exactly those identifiers", async () => {
    const all = modulesFor(new Set(FEATURES), "2.4");
    // Debian compiles some in (`apache2 -l` lists mod_unixd.c); the guard around LoadModule skips those.
    const builtIn = run(apacheBinary(), ["-l"]);
    for (const m of all)
      expect(
        existsSync(join(DEBIAN_MODULES_DIR, m.file)) || builtIn.includes(m.file.replace(/\.so$/, ".c")),
        m.file,
      ).toBe(true);
    const root = await apacheRoot();
    try {
      const lines = all.map(
        (m) => `<IfModule !${m.id}>\nLoadModule ${m.id} ${join(DEBIAN_MODULES_DIR, m.file)}\n</IfModule>`,
      );
      const config = join(root.root, "modules.conf");
      writeConfigFiles([
        {
          path: config,
          content: `ServerRoot ${root.root}\n${lines.join("\n")}\nListen 127.0.0.1:${root.port}\nServerName localhost\n`,
        },
      ]);
      expect(loadedModules(config)).toEqual(expect.arrayContaining(all.map((m) => m.id)));
    } finally {
      root.remove();
    }
  });

  it("refuses the vendor sample's way of loading (every module as proxy_module)", async () => {
    const root = await apacheRoot();
    try {
      const config = join(root.root, "seed.conf");
      const seedLines = ["mod_proxy.so", "mod_proxy_balancer.so"].map(
        (file) => `LoadModule proxy_module ${join(DEBIAN_MODULES_DIR, file)}`,
      );
      writeConfigFiles([{ path: config, content: `ServerRoot ${root.root}\n${seedLines.join("\n")}\n` }]);
      expect(apacheConfigTest(config).ok).toBe(false);
    } finally {
      root.remove();
    }
  });

  it("gives httpd 2.2 only modules it has, and no WebSockets", () => {
    const ids = modulesFor(new Set(FEATURES.filter((f) => f !== "webSockets")), "2.2").map((m) => m.id);
    for (const only24 of [
      "mpm_event_module",
      "unixd_module",
      "authz_core_module",
      "slotmem_shm_module",
      "lbmethod_byrequests_module",
      "proxy_wstunnel_module",
    ]) {
      expect(ids).not.toContain(only24);
    }
    expect(ids).toEqual(
      expect.arrayContaining([
        "proxy_module",
        "proxy_http_module",
        "proxy_balancer_module",
        "headers_module",
        "authz_host_module",
        "ssl_module",
      ]),
    );
    expect(() => modulesFor(new Set<Feature>(["webSockets"]), "2.2")).toThrow(UnsupportedFeatureError);
  });

  it("loads mod_proxy before the modules that extend it", () => {
    const ids = modulesFor(new Set(FEATURES), "2.4").map((m) => m.id);
    for (const dependent of [
      "proxy_http_module",
      "proxy_balancer_module",
      "proxy_wstunnel_module",
      "lbmethod_byrequests_module",
    ]) {
      expect(ids.indexOf("proxy_module")).toBeLessThan(ids.indexOf(dependent));
    }
  });
});

describe("modules of rendered sites", () => {
  const prod = loadEnvironment(readStackFile("prod").config).environment!;
  const variants = [
    ["the production stack", prod],
    ["the development stack", loadEnvironment(readStackFile("dev").config).environment!],
    [
      "Co-browse alone",
      environmentFrom({ cobrowse: { hostname: "cobrowse.example.com", nodes: { cb1: { nodeId: "1" } } } }),
    ],
  ] as const;

  it.each(variants)("%s loads the module of every directive it writes, each module once", async (_name, env) => {
    const root = await apacheRoot();
    try {
      const files = renderHttpdSite(env, allNodeAddresses(env), testSiteOptions(root));
      writeConfigFiles(files);
      const loaded = new Set(loadedModules(files[0].path));
      const used = new Set<Feature>();
      // Config files only: the recording servers' CA bundle is staged with them but is not httpd syntax.
      const configs = files.filter((f) => f.path.endsWith(".conf"));
      expect(configs.length).toBeGreaterThanOrEqual(files.length - 1);
      for (const name of sectionNames(configs.map((f) => f.content).join("\n"))) {
        const feature = featureOf(name);
        expect(feature, `${name} is written by a renderer`).toBeDefined();
        used.add(feature!);
      }
      for (const feature of used) {
        for (const m of FEATURE_MODULES[feature]["2.4"] ?? [])
          expect(loaded.has(m.id), `${m.id} for ${feature}`).toBe(true);
      }
      const loadLines = [...files[0].content.matchAll(/^\s*LoadModule (\S+) (\S+)$/gm)];
      expect(new Set(loadLines.map((l) => l[1])).size).toBe(loadLines.length);
    } finally {
      root.remove();
    }
  });

  it("loads proxy_wstunnel (and mod_rewrite to reach it) only for WebSockets before 2.4.47; from 2.4.47 the http:// members upgrade", () => {
    const site = (webSockets: boolean, release: "2.4.37" | "2.4.51") =>
      renderHttpdSite(
        environmentFrom({ webEngagement85: { hostname: "gwe.example.com", webSockets, nodes: { n1: {} } } }),
        { "webEngagement85/-/-/n1": "127.0.0.1:9081" },
        { release },
      )
        .map((f) => f.content)
        .join("\n");
    expect(site(true, "2.4.37")).toMatch(/LoadModule proxy_wstunnel_module/);
    expect(site(true, "2.4.37")).toMatch(/LoadModule rewrite_module/);
    expect(site(true, "2.4.37")).not.toMatch(/BalancerMember[^\n]*upgrade=/);
    expect(site(true, "2.4.51")).not.toMatch(/proxy_wstunnel|rewrite_module/);
    expect(site(true, "2.4.51")).toMatch(/BalancerMember http:\/\/127\.0\.0\.1:9081 .*upgrade=websocket/);
    for (const release of ["2.4.37", "2.4.51"] as const)
      expect(site(false, release)).not.toMatch(/proxy_wstunnel|BalancerMember[^\n]*upgrade=|ws:\/\//);
  });

  it("loads mod_ssl only for https backends, and mod_rewrite only for Co-browse and 2.4.37's WebSockets", () => {
    expect(renderHttpdSite(prod, allNodeAddresses(prod), { systems: ["recording"] })[0].content).toMatch(
      /LoadModule ssl_module/,
    );
    expect(
      renderHttpdSite(prod, allNodeAddresses(prod), { systems: ["webEngagement85"], release: "2.4.51" })[0].content,
    ).not.toMatch(/ssl_module|rewrite_module/);
    expect(renderHttpdSite(prod, allNodeAddresses(prod), { systems: ["cobrowse"] })[0].content).toMatch(
      /LoadModule rewrite_module/,
    );
  });
});
