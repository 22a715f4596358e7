/**
 * Node keys may repeat between systems (a Web Engagement 8.5 node and a
 * Co-browse node both called GWE_Node_1). Synth renders the nginx site from
 * one address map for every system, keyed by plan node id, so each system's
 * config gets its own node's address.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../../core/model/environment";
import { loadEnvironment } from "../../core/model/load";
import type { MockRun } from "../../tools/mock-run";
import { writeServerConfigs } from "../../tools/synth-server-configs";
import { rawConfig, runStack, stackValues, type ConfigEdit } from "../support/program";

type Values = Record<string, unknown>;
const SHARED_KEY = "GWE_Node_1";

/** dev, with the Co-browse node keyed like the first Web Engagement 8.5 node. */
const sharedKey: ConfigEdit = (values) => {
  const cobrowse = values.cobrowse as Values;
  cobrowse.nodes = { [SHARED_KEY]: { nodeId: "1" } };
};

function ipOf(run: MockRun, system: string): string {
  const found = run.resources.filter(
    (r) =>
      r.type === "aws:ec2/instance:Instance" &&
      (r.inputs.tags as Record<string, string>)["genesys:system"] === system &&
      (r.inputs.tags as Record<string, string>)["genesys:node"] === SHARED_KEY,
  );
  expect(found).toHaveLength(1);
  return String(found[0].state.privateIp);
}

describe("a Web Engagement 8.5 node and a Co-browse node with the same key", () => {
  const dir = mkdtempSync(join(tmpdir(), "genesys-node-ids-"));
  let run: MockRun;
  let env: Environment;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const values = structuredClone(stackValues("dev"));
    sharedKey(values);
    const loaded = loadEnvironment(rawConfig(values));
    if (!loaded.environment) throw new Error(JSON.stringify(loaded.problems));
    env = loaded.environment;
    run = await runStack("dev", sharedKey);
    await writeServerConfigs({ stack: "dev", dir, run, environment: env });
  }, 120_000);

  it("are two instances with their own addresses", () => {
    expect(ipOf(run, "webEngagement85")).not.toBe(ipOf(run, "cobrowse"));
  });

  it("each get their own address in the nginx site synth writes", () => {
    const nginx = (file: string) => readFileSync(join(dir, "nginx", "genesys", file), "utf8");
    const gwe = nginx("web-engagement-85.conf");
    const cob = nginx("cobrowse.conf");
    expect(gwe).toContain(`server ${ipOf(run, "webEngagement85")}:9081 `);
    expect(gwe).not.toContain(`server ${ipOf(run, "cobrowse")}:`);
    expect(cob).toMatch(new RegExp(`server ${ipOf(run, "cobrowse").replace(/\./g, "\\.")}:\\d+ `));
    expect(cob).not.toContain(`server ${ipOf(run, "webEngagement85")}:`);
  });

  it("each get their own address in the httpd configs synth writes", () => {
    const httpd = (system: string, file: string) =>
      readFileSync(join(dir, "httpd", system, "etc", "httpd", "conf.d", file), "utf8");
    expect(httpd("webEngagement85", "web_engagement_85.conf")).toContain(
      `BalancerMember http://${ipOf(run, "webEngagement85")}:9081 `,
    );
    expect(httpd("cobrowse", "cobrowse.conf")).toMatch(
      new RegExp(`BalancerMember http://${ipOf(run, "cobrowse").replace(/\./g, "\\.")}:\\d+ `),
    );
    expect(httpd("cobrowse", "cobrowse.conf")).not.toContain(ipOf(run, "webEngagement85"));
  });
});
