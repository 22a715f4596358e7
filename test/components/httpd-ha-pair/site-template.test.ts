/**
 * The pair's staged files travel as templates (member addresses as
 * placeholders, known before any host exists) plus the addresses on standard
 * input. What lands in the staging area must be byte for byte the site
 * rendered with the real addresses.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  addressSubstitutions,
  pathUnderRoot,
  stageTemplateScript,
} from "../../../components/httpd-ha-pair/host-scripts";
import {
  memberAddressPlaceholders,
  renderPairSite,
  renderPairSiteTemplate,
  SERVER_ROOT,
} from "../../../components/httpd-ha-pair/site-files";
import { loadEnvironment } from "../../../core/model/load";
import { readStackFile } from "../../../tools/stack-file";

const dir = mkdtempSync(join(tmpdir(), "genesys-template-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("staging the pair's site from templates", () => {
  const env = loadEnvironment(readStackFile("prod").config).environment!;
  const placeholders = memberAddressPlaceholders(env);
  // Addresses chosen so one is a prefix of another and every octet width occurs.
  const ips = Object.fromEntries(
    Object.keys(placeholders).map((key, i) => [key, `10.${i}.${i * 11}.${((i * 37) % 250) + 1}`]),
  );

  it("numbers one placeholder per recording member and renders no address into the template", () => {
    expect(Object.keys(placeholders).length).toBeGreaterThan(10);
    const text = renderPairSiteTemplate(env, true)
      .map((f) => f.content)
      .join("\n");
    expect(text).not.toMatch(/\b10\.\d+\.\d+\.\d+\b/);
    expect(text).toContain("BalancerMember");
    expect(text).toContain(".address.invalid:");
  });

  it("stages every file byte for byte as rendered with the addresses", () => {
    const real = renderPairSite(env, ips, true);
    const template = renderPairSiteTemplate(env, true);
    const stdin = addressSubstitutions(
      Object.fromEntries(Object.entries(placeholders).map(([key, placeholder]) => [placeholder, ips[key]])),
    );
    expect(template.map((f) => f.path)).toEqual(real.map((f) => f.path));
    for (const [i, file] of template.entries()) {
      const relative = pathUnderRoot(SERVER_ROOT, file.path);
      const result = spawnSync("/bin/sh", ["-c", stageTemplateScript(relative, file.content, dir)], {
        input: stdin,
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(readFileSync(join(dir, "stage", relative), "utf8")).toBe(real[i].content);
    }
    expect(spawnSync("find", [dir, "-name", "*.genesys-*"], { encoding: "utf8" }).stdout).toBe("");
  });

  it.each([
    [{ "member-1.address.invalid": "10.0.0.1/g;e reboot" }, /must be an IPv4 address/],
    [{ "member-1.address.invalid": "10.0.0.1\ns/x/y/" }, /must be an IPv4 address/],
    [{ "x/;e id;s/": "10.0.0.1" }, /address placeholder/],
  ])("refuses substitutions that could carry a command: %j", (addresses, error) => {
    expect(() => addressSubstitutions(addresses)).toThrow(error);
  });
});
