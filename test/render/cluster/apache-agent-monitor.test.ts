/**
 * The cluster's webserver resource, as Pacemaker runs it: the real apache
 * agent's `monitor` against a real httpd serving the rendered site, with the
 * parameters the rendered `pcs resource create` gives it. A healthy httpd
 * passes; a status URL that answers some other page must fail, which the
 * agent's default check (any HTML page) would let pass.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APACHE_STATUS_PAGE_REGEX, APACHE_STATUS_URL, pcsCommands } from "../../../core/render/cluster/pcs-commands";
import { loadEnvironment } from "../../../core/model/load";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { readStackFile } from "../../../tools/stack-file";
import {
  apacheBinary,
  apacheRoot,
  startApache,
  testSiteOptions,
  type ApacheInstance,
  type ApacheRoot,
} from "../../support/apache";
import { REAL_SERVERS_OPTED_OUT, requireBinary } from "../../support/real-servers";
import { environmentFrom } from "../httpd/fixtures";

const OCF_ROOT = "/usr/lib/ocf";
const APACHE_AGENT = `${OCF_ROOT}/resource.d/heartbeat/apache`;
const OCF_SUCCESS = 0;
const OCF_ERR_GENERIC = 1;

/** The agent's monitor with the given parameters; resolves to its exit code. */
function monitor(params: Readonly<Record<string, string>>): Promise<{ code: number; output: string }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    OCF_ROOT,
    OCF_RESOURCE_INSTANCE: "webserver",
    OCF_RESOURCE_TYPE: "apache",
    // A recurring monitor, not a probe: the agent then reports why it failed.
    OCF_RESKEY_CRM_meta_interval: "10000",
    __OCF_ACTION: "monitor",
  };
  for (const [key, value] of Object.entries(params)) env[`OCF_RESKEY_${key}`] = value;
  return new Promise((resolve) => {
    execFile(APACHE_AGENT, ["monitor"], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The webserver resource's parameters from the prod stack's rendered cluster step, keyed by name. */
function renderedWebserverParams(): Record<string, string> {
  const pair = loadEnvironment(readStackFile("prod").config).environment!.httpdHaPair!;
  const hosts = { instanceIds: { ip1: "i-0123456789abcdef0", ip2: "i-0fedcba9876543210" }, region: "eu-west-1" };
  const create = pcsCommands(pair, hosts).find((c) => c.argv.includes("ocf:heartbeat:apache"));
  expect(create, "the cluster step creates the webserver resource").toBeDefined();
  const params: Record<string, string> = {};
  for (const arg of create!.argv.slice(create!.argv.indexOf("ocf:heartbeat:apache") + 1)) {
    if (arg === "op" || arg === "meta") break;
    const eq = arg.indexOf("=");
    params[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return params;
}

describe.skipIf(REAL_SERVERS_OPTED_OUT)("the apache agent's monitor against the rendered site", () => {
  let root: ApacheRoot;
  let apache: ApacheInstance;
  let statusUrl: string;

  beforeAll(async () => {
    if (!existsSync(APACHE_AGENT))
      throw new Error(
        `${APACHE_AGENT} is not installed (Debian package resource-agents). Run 'sudo bash scripts/install-debian-packages.sh', or set GENESYS_SKIP_REAL_SERVERS=1 to skip real-server tests explicitly.`,
      );
    requireBinary("curl", "curl");
    root = await apacheRoot();
    const env = environmentFrom({
      recording: {
        balancer: "httpdHaPair",
        hostname: "recording.example.com",
        tenants: { t1: { rws: { nodes: { t1rws1: {} } } } },
      },
      httpdHaPair: {
        availabilityZone: "eu-west-1a",
        nodes: { ip1: {}, ip2: {} },
        virtualIp: { address: "10.40.10.250" },
        adminCidr: "10.0.0.0/8",
      },
    });
    apache = await startApache(
      renderHttpdSite(env, { "recording/t1/rws/t1rws1": "127.0.0.1:9" }, testSiteOptions(root)),
      root,
    );
    // The rendered URL's path on the test port (the drills run it on port 80 in namespaces).
    statusUrl = `http://localhost:${apache.port}${new URL(APACHE_STATUS_URL).pathname}`;
  });

  afterAll(async () => {
    await apache?.stop();
    root?.remove();
  });

  function agentParams(overrides: Readonly<Record<string, string>>): Record<string, string> {
    return {
      ...renderedWebserverParams(),
      configfile: join(root.root, "conf", "httpd.conf"),
      httpd: apacheBinary(),
      // The agent prefers wget, which prints no body for an error status; curl (RHEL 8's) prints it.
      client: "curl",
      statusurl: statusUrl,
      ...overrides,
    };
  }

  it("renders a status-page check, not the agent's any-HTML default", () => {
    expect(renderedWebserverParams()).toMatchObject({
      statusurl: APACHE_STATUS_URL,
      testregex: APACHE_STATUS_PAGE_REGEX,
    });
  });

  it("passes while httpd serves its status page", async () => {
    const result = await monitor(agentParams({}));
    expect(result.output).not.toMatch(/Failed to access/);
    expect(result.code).toBe(OCF_SUCCESS);
  });

  it("fails when the status URL answers another HTML page, which the agent's default check accepts", async () => {
    const elsewhere = statusUrl.replace(/server-status$/, "no-such-page");
    const rendered = await monitor(agentParams({ statusurl: elsewhere }));
    expect(rendered.code).toBe(OCF_ERR_GENERIC);
    expect(rendered.output).toMatch(/Failed to access httpd status page/);
    // The planted defect: without the rendered testregex the same 404 page counts as healthy.
    const { testregex: _dropped, ...withoutRegex } = agentParams({ statusurl: elsewhere });
    expect((await monitor(withoutRegex)).code).toBe(OCF_SUCCESS);
  });
});
