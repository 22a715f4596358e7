/**
 * The pack as the Pulumi CLI runs it: policies/index.ts started through the
 * SDK's run-policy-pack (ts-node with type checking), spoken to over the
 * analyzer gRPC protocol the engine uses. Resources come from the fixture as
 * a preview of a new stack sends them: every id, ARN and DNS name unknown,
 * links only as property dependencies.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/catalog";
import type { PolicyResource } from "../../policies/policy";
import type { MockRun } from "../../tools/mock-run";
import { loadPackConfig, policyResources } from "../../tools/policy-report";
import { runStack } from "../support/program";
import { editInputs, FIXTURE_CONFIG_VALUES, productionFixture, TYPES, withoutResources } from "./fixture";

const root = resolve(__dirname, "../..");
const packDir = join(root, "policies");
const exec = promisify(execFile);
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf and gRPC modules are untyped */
let grpc: any;
let proto: any;
let services: any;
let Struct: any;
let Empty: any;
let client: any;
let pack: ChildProcess | undefined;
const packOutput: string[] = [];

/** The pack's own dependencies, installed from its lock file when a fresh checkout has none (as CI does before a preview). */
async function ensurePackDependencies(): Promise<void> {
  if (existsSync(join(packDir, "node_modules/@pulumi/policy/package.json"))) return;
  await exec("npm", ["ci", "--no-audit", "--no-fund"], { cwd: packDir, timeout: 240_000 });
}

function call<T>(method: string, request: unknown): Promise<T> {
  return new Promise((done, fail) =>
    client[method](request, (error: Error | null, response: T) => (error ? fail(error) : done(response))),
  );
}

/** Props as a preview of a new stack has them: references to other resources unknown. */
function previewProps(
  props: Readonly<Record<string, unknown>>,
  references: ReadonlySet<string>,
): Record<string, unknown> {
  const blank = (value: unknown): unknown => {
    if (typeof value === "string") return references.has(value) ? UNKNOWN_STRING : value;
    if (Array.isArray(value)) return value.map(blank);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, blank(v)]),
      );
    return value;
  };
  return blank(props) as Record<string, unknown>;
}

function providerOf(resources: readonly PolicyResource[], references: ReadonlySet<string>) {
  const provider = resources.find((r) => r.type === "pulumi:providers:aws")!;
  const message = new proto.AnalyzerProviderResource();
  message.setType(provider.type);
  message.setName(provider.name);
  message.setUrn(provider.urn);
  message.setProperties(Struct.fromJavaScript(previewProps(provider.props, references)));
  return message;
}

function toAnalyzerResources(run: MockRun) {
  const resources = policyResources(run, "prod");
  const references = new Set(
    run.resources
      .flatMap((r) => [r.id, r.state.arn, r.state.dnsName])
      .filter((v): v is string => typeof v === "string" && v.length > 0),
  );
  const provider = providerOf(resources, references);
  return resources.map((r) => {
    const message = new proto.AnalyzerResource();
    message.setType(r.type);
    message.setName(r.name);
    message.setUrn(r.urn);
    message.setProperties(Struct.fromJavaScript(previewProps(r.props, references)));
    message.setOptions(new proto.AnalyzerResourceOptions());
    if (r.parent) message.setParent(r.parent.urn);
    if (r.type.startsWith("aws:")) message.setProvider(provider);
    const deps = message.getPropertydependenciesMap();
    for (const [key, list] of Object.entries(r.propertyDependencies)) {
      const urns = new proto.AnalyzerPropertyDependencies();
      urns.setUrnsList(list.map((d) => d.urn));
      deps.set(key, urns);
    }
    return message;
  });
}

interface Diagnostic {
  readonly policy: string;
  readonly level: string;
  readonly urn: string;
  readonly message: string;
}

function diagnostics(response: any): Diagnostic[] {
  const levels = Object.fromEntries(Object.entries(proto.EnforcementLevel).map(([k, v]) => [v, k.toLowerCase()]));
  return response.getDiagnosticsList().map((d: any) => ({
    policy: d.getPolicyname(),
    level: levels[d.getEnforcementlevel()],
    urn: d.getUrn(),
    message: d.getMessage(),
  }));
}

async function analyzeStack(run: MockRun): Promise<Diagnostic[]> {
  const request = new proto.AnalyzeStackRequest();
  request.setResourcesList(toAnalyzerResources(run));
  return diagnostics(await call("analyzeStack", request));
}

async function analyzeResource(run: MockRun, type: string, name: string): Promise<Diagnostic[]> {
  const resource = toAnalyzerResources(run).find((r: any) => r.getType() === type && r.getName() === name);
  const request = new proto.AnalyzeRequest();
  request.setType(type);
  request.setName(name);
  request.setUrn(resource.getUrn());
  request.setProperties(resource.getProperties());
  request.setProvider(resource.getProvider());
  request.setOptions(resource.getOptions());
  return diagnostics(await call("analyze", request));
}

/** What `--policy-pack-config` sends: per policy, its properties and optional level. */
async function configure(config: Readonly<Record<string, object>>): Promise<void> {
  const request = new proto.ConfigureAnalyzerRequest();
  for (const [name, entry] of Object.entries(config)) {
    const { enforcementLevel, ...properties } = entry as { enforcementLevel?: string } & Record<string, unknown>;
    const policyConfig = new proto.PolicyConfig();
    policyConfig.setEnforcementlevel(proto.EnforcementLevel[(enforcementLevel ?? "mandatory").toUpperCase()]);
    policyConfig.setProperties(Struct.fromJavaScript(properties as Parameters<typeof Struct.fromJavaScript>[0]));
    request.getPolicyconfigMap().set(name, policyConfig);
  }
  await call("configure", request);
}

const baseConfig = Object.fromEntries(POLICIES.map((p) => [p.name, { ...FIXTURE_CONFIG_VALUES }]));

/** The port the pack prints once its gRPC server listens (ts-node type-checks first: seconds). */
async function packPort(timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const port = /^(\d+)\s*$/m.exec(packOutput.join(""))?.[1];
    if (port) return port;
    if (pack?.exitCode !== null) throw new Error(`the policy pack exited: ${packOutput.join("")}`);
    if (Date.now() > deadline)
      throw new Error(`the policy pack printed no port within ${timeoutMs} ms: ${packOutput.join("")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  await ensurePackDependencies();
  const packRequire = createRequire(join(packDir, "package.json"));
  const pulumiRequire = createRequire(packRequire.resolve("@pulumi/pulumi/package.json"));
  grpc = packRequire("@grpc/grpc-js");
  proto = pulumiRequire("./proto/analyzer_pb");
  services = pulumiRequire("./proto/analyzer_grpc_pb");
  Struct = pulumiRequire("google-protobuf/google/protobuf/struct_pb").Struct;
  Empty = pulumiRequire("google-protobuf/google/protobuf/empty_pb").Empty;
  // The engine starts a nodejs policy pack exactly so: run-policy-pack <engine address> <pack dir>, in the pack dir.
  pack = spawn(process.execPath, [packRequire.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], {
    cwd: packDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  pack.stdout?.on("data", (chunk: Buffer) => packOutput.push(chunk.toString()));
  pack.stderr?.on("data", (chunk: Buffer) => packOutput.push(chunk.toString()));
  const port = await packPort(110_000);
  client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  await configure(baseConfig);
}, 240_000);

afterAll(() => {
  client?.close();
  pack?.kill("SIGTERM");
});

describe("policy pack under the analyzer protocol", () => {
  it("policies/index.ts type-checks against @pulumi/policy", async () => {
    await expect(
      exec(join(root, "node_modules/.bin/tsc"), ["--noEmit", "-p", join(packDir, "tsconfig.json")], {
        cwd: root,
        timeout: 120_000,
      }),
    ).resolves.toBeDefined();
  });

  it("announces every catalog policy, mandatory by default, with the shared config schema", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("genesys-load-balancing");
    const policies = info
      .getPoliciesList()
      .map((p: any) => [
        p.getName(),
        p.getEnforcementlevel(),
        Object.keys(p.getConfigschema().getProperties().toJavaScript()).sort(),
      ]);
    expect(policies).toEqual(
      POLICIES.map((p) => [
        p.name,
        proto.EnforcementLevel.MANDATORY,
        ["adminCidr", "environment", "screenRecordingAgents", "siteDomain"],
      ]),
    );
  });

  it("passes the production stack during a preview, with no policy skipped for unknown values", async () => {
    expect(await analyzeStack(productionFixture())).toEqual([]);
  });

  it("passes the real production stack during a preview, and rejects it without the Web Engagement 8.5 balancer", async () => {
    const run = await runStack("prod");
    await configure(loadPackConfig("prod"));
    try {
      expect(await analyzeStack(run)).toEqual([]);
      const noBalancer = withoutResources(run, (r) => r.type === TYPES.lb && r.name === "gwe85");
      expect((await analyzeStack(noBalancer)).filter((d) => d.level === "mandatory").map((d) => d.policy)).toContain(
        "production-requires-balancers",
      );
    } finally {
      await configure(baseConfig);
    }
  }, 120_000);

  it("rejects a production stack without the Web Engagement 8.5 balancer with a mandatory diagnostic", async () => {
    const noBalancer = withoutResources(
      productionFixture(),
      (r) => ([TYPES.lb, TYPES.listener, TYPES.rule] as string[]).includes(r.type) && r.name.startsWith("we85"),
    );
    const found = (await analyzeStack(noBalancer)).filter((d) => d.policy === "production-requires-balancers");
    expect(found).toContainEqual({
      policy: "production-requires-balancers",
      level: "mandatory",
      urn: "urn:pulumi:prod::genesys::genesys:webengagement:WebEngagement85Cluster::we85",
      message: expect.stringContaining(
        'A production stack must put every Web Engagement 8.5 node behind a load balancer (nodes without one: "we85-GWE_Node_1", "we85-GWE_Node_2").',
      ),
    });
  });

  it("reports the same stack tagged development as advisory only", async () => {
    const dev = withoutResources(
      productionFixture({ environment: "development" }),
      (r) => ([TYPES.lb, TYPES.listener, TYPES.rule] as string[]).includes(r.type) && r.name.startsWith("we85"),
    );
    const found = await analyzeStack(dev);
    expect(found.map((d) => d.policy)).toContain("production-requires-balancers");
    expect(new Set(found.map((d) => d.level))).toEqual(new Set(["advisory"]));
  });

  it("checks a resource before it exists: deletion protection off is mandatory in production, advisory in development", async () => {
    const relax = (run: MockRun) => editInputs(run, TYPES.lb, "cobrowse", (i) => (i.enableDeletionProtection = false));
    expect(await analyzeResource(relax(productionFixture()), TYPES.lb, "cobrowse")).toEqual([
      {
        policy: "balancer-deletion-protection",
        level: "mandatory",
        urn: "urn:pulumi:prod::genesys::genesys:cobrowse:CobrowseCluster$aws:lb/loadBalancer:LoadBalancer::cobrowse",
        message: expect.stringContaining("A production load balancer must set enableDeletionProtection: true."),
      },
    ]);
    expect(
      (await analyzeResource(relax(productionFixture({ environment: "development" })), TYPES.lb, "cobrowse")).map(
        (d) => d.level,
      ),
    ).toEqual(["advisory"]);
  });

  it("takes a per-policy enforcementLevel from the pack config", async () => {
    await configure({
      ...baseConfig,
      "balancer-deletion-protection": { ...FIXTURE_CONFIG_VALUES, enforcementLevel: "advisory" },
    });
    try {
      const run = editInputs(productionFixture(), TYPES.lb, "cobrowse", (i) => (i.enableDeletionProtection = false));
      expect((await analyzeResource(run, TYPES.lb, "cobrowse")).map((d) => [d.policy, d.level])).toEqual([
        ["balancer-deletion-protection", "advisory"],
      ]);
    } finally {
      await configure(baseConfig);
    }
  });
});
