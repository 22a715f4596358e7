/**
 * topology.mmd is drawn from the balancing plans alone; the program's
 * registered resources, walked by the pack's balancer graph, are the oracle
 * it is checked against: every balancer, listener, rule and target group the
 * program builds is drawn, wired as AWS wires it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../../core/model/environment";
import { loadEnvironment } from "../../core/model/load";
import { planSystems } from "../../core/plan/registry";
import { describeConditions, label, renderTopology } from "../../core/render/diagram/topology";
import type { MockRun } from "../../tools/mock-run";
import { writeTopology } from "../../tools/topology";
import { all, forwardedTo, listenersOf, only, rulesOf, T, targetsOf } from "../components/support/registered";
import { rawConfig, runStack, stackValues, type ConfigEdit } from "../support/program";

/** The model of a stack file after `edit`, as synth loads it. */
function environmentOf(stack: string, edit: ConfigEdit): Environment {
  const values = structuredClone(stackValues(stack));
  edit(values);
  const { environment, problems } = loadEnvironment(rawConfig(values));
  if (!environment) throw new Error(`the ${stack} stack does not load: ${JSON.stringify(problems)}`);
  return environment;
}

/** Declared boxes (id -> label, with the subgraph each sits in) and edges, read back from the Mermaid text. */
function parse(text: string) {
  const boxes = new Map<string, { text: string; parent?: string }>();
  const edges: { from: string; to: string; text?: string }[] = [];
  const open: string[] = [];
  for (const line of text.split("\n").slice(1)) {
    const sub = /^\s*subgraph (\w+)\["([^"]*)"\]$/.exec(line);
    if (sub) {
      boxes.set(sub[1], { text: sub[2], parent: open.at(-1) });
      open.push(sub[1]);
      continue;
    }
    if (line.trim() === "end") {
      open.pop();
      continue;
    }
    const edge = /^\s*(\w+) (?:-->|-\.->|---)(?:\|"([^"]*)"\|)? (\w+)$/.exec(line);
    if (edge) {
      edges.push({ from: edge[1], to: edge[3], text: edge[2] });
      continue;
    }
    const box = /^\s*(\w+)(?:\[\[|\[|\(\[|\()"([^"]*)"/.exec(line);
    if (box) boxes.set(box[1], { text: box[2], parent: open.at(-1) });
  }
  const named = (text: string) => [...boxes].filter(([, b]) => b.text === text).map(([id]) => id);
  return { boxes, edges, named };
}

const edit: ConfigEdit = (v) => {
  // Per-node cookie rules too, so every kind of rule label is drawn.
  only("recording", "cobrowse", "webEngagement85")(v);
  (v.webEngagement85 as Record<string, unknown>).albStickiness = "perNodeValue";
};
let dev: MockRun;
let devEnv: Environment;
const dir = mkdtempSync(join(tmpdir(), "genesys-topology-"));
beforeAll(async () => {
  dev = await runStack("dev", edit);
  devEnv = environmentOf("dev", edit);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const devTopology = () => renderTopology(planSystems(devEnv), devEnv);

describe("topology.mmd", () => {
  it("is written by the synth step, from the model alone, with a one-line summary counting what the program builds", async () => {
    const result = await writeTopology({ stack: "dev", dir, run: { resources: [], outputs: {} }, environment: devEnv });
    const text = readFileSync(join(dir, "topology.mmd"), "utf8");
    expect(text).toBe(devTopology().text);
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    expect(result.summary.join("\n")).toContain(
      `${all(dev, T.lb).length} balancers, ${all(dev, T.listener).length} listeners, ${all(dev, T.rule).length} rules, ${all(dev, T.tg).length} target groups, ${all(dev, T.instance).length} nodes`,
    );
  });

  it("draws every listener rule the program registers, from its balancer's listener to the target group it forwards to", () => {
    const { named, boxes, edges } = parse(devTopology().text);
    const drawn = edges.filter((e) => /^\d+: /.test(e.text ?? ""));
    expect(drawn).toHaveLength(all(dev, T.rule).length);
    for (const lb of all(dev, T.lb)) {
      const [balancer] = [...boxes].filter(([, b]) => b.text.startsWith(`ALB ${lb.name}<br/>`)).map(([id]) => id);
      expect(balancer, lb.name).toBeDefined();
      for (const listener of listenersOf(dev, lb.name)) {
        const [box] = named(`${String(listener.inputs.protocol)} :${String(listener.inputs.port)}`).filter(
          (id) => boxes.get(id)?.parent === balancer,
        );
        expect(box, listener.name).toBeDefined();
        for (const rule of rulesOf(dev, listener)) {
          const edge = drawn.find((e) => e.from === box && e.text?.startsWith(`${String(rule.inputs.priority)}: `));
          expect(edge, rule.name).toBeDefined();
          const [tg] = forwardedTo(dev, rule);
          expect(boxes.get(edge!.to)?.text.startsWith(`TG ${tg}<br/>`), rule.name).toBe(true);
        }
      }
    }
  });

  it("draws every target group with the instances the program registers in it", () => {
    const { boxes, edges } = parse(devTopology().text);
    for (const tg of all(dev, T.tg)) {
      const [id] = [...boxes].filter(([, b]) => b.text.startsWith(`TG ${tg.name}<br/>`)).map(([i]) => i);
      expect(id, tg.name).toBeDefined();
      const members = edges
        .filter((e) => e.from === id)
        .map((e) => boxes.get(e.to)?.text.split("<br/>")[0])
        .sort();
      expect(members, tg.name).toEqual(targetsOf(dev, tg.name));
    }
  });

  it("shows each balancer with its hostname, rule conditions and rewrites, and tenants as subgraphs", () => {
    const { text, counts } = devTopology();
    expect(counts).toMatchObject({ balancers: 3, tenants: 1 });
    expect(text).toContain('["ALB recording-alb1<br/>recording.dev.example.com"]');
    expect(text).toContain('subgraph tenant_t1["tenant t1"]');
    expect(text).toMatch(/-->\|"\d+: path: \/t1\/rp\/api\*<br\/>rewrite .*"\| n\d+/);
    expect(text).toContain("Cookie: GWROUTEID=.GWE_Node_1 or GWROUTEID=.GWE_Node_1#59;*");
  });

  it("uses plain node ids and escapes every label", () => {
    const { text } = devTopology();
    for (const line of text.split("\n").slice(1)) {
      const stripped = line.replace(/"[^"]*"/g, '""');
      expect(stripped).toMatch(
        /^(\s*(subgraph \w+\[""\]|end|\w+(\[""\]|\[\[""\]\]|\(""\)|\(\[""\]\))|\w+ -->(\|""\|)? \w+))?$/,
      );
    }
    expect(label('a "b"; c\nd')).toBe("a #quot;b#quot;#59; c<br/>d");
  });

  it("describes each kind of rule condition", () => {
    expect(
      describeConditions([
        { queryStrings: [{ key: "co-browse-node-id", value: "1" }] },
        { httpHeader: { httpHeaderName: "Cookie", values: ["a=1", "a=1;*"] } },
        { pathPattern: { values: ["/t1/api*"] } },
        { pathPattern: { regexValues: ["^/x;y$"] } },
      ]),
    ).toBe("query: co-browse-node-id=1\nCookie: a=1 or a=1;*\npath: /t1/api*\npath ~ ^/x;y$");
  });
});

describe("topology.mmd of a stack with the httpd HA pair and Framework sites", () => {
  const prodEdit = only("recording", "httpdHaPair", "framework");
  let prod: MockRun;
  let prodEnv: Environment;
  beforeAll(async () => {
    prod = await runStack("prod", prodEdit);
    prodEnv = environmentOf("prod", prodEdit);
  }, 180_000);
  const prodTopology = () => renderTopology(planSystems(prodEnv), prodEnv);

  it("draws the pair's hosts and VIP, and an edge from the pair to every recording tenant", () => {
    const { text, counts } = prodTopology();
    expect(counts).toMatchObject({ balancers: 0, tenants: 2, pairHosts: 2 });
    expect(all(prod, T.lb)).toHaveLength(0);
    expect(text).toContain('subgraph pair["httpd HA pair (Pacemaker/Corosync)"]');
    expect(text).toContain('vip(["VIP 10.50.140.250"])');
    const hosts = [...text.matchAll(/^ {4}(n\d+)\("(recording-pair-ip\d)<br\/>ip\d"\)$/gm)];
    expect(hosts.map((m) => m[2]).sort()).toEqual(
      all(prod, T.instance)
        .filter((i) => (i.inputs.tags as Record<string, string>)["genesys:cluster-node"] !== undefined)
        .map((i) => i.name)
        .sort(),
    );
    for (const [, host] of hosts) expect(text).toContain(`vip -.->|"active host"| ${host}`);
    const tenantIds = [...text.matchAll(/^ {2}subgraph (tenant_\w+)\[/gm)].map((m) => m[1]);
    expect(tenantIds.sort()).toEqual(["tenant_t1", "tenant_t2"]);
    for (const id of tenantIds) expect(text).toMatch(new RegExp(`^ {2}pair -->\\|"/t\\d/…"\\| ${id}$`, "m"));
  });

  it("draws, inside each tenant, the pair's balancer of each service over that service's nodes", () => {
    const { boxes, edges } = parse(prodTopology().text);
    const services = [...boxes].filter(([, b]) => b.text.startsWith("balancer://"));
    expect(services.map(([, b]) => b.text).sort()).toEqual(
      prodEnv.recording!.tenants.flatMap((t) => t.services.map((s) => `balancer://${s.balancerName}`)).sort(),
    );
    const recordingNodes = all(prod, T.instance).filter((i) => i.name.startsWith("recording-t"));
    for (const [id, box] of services) {
      const [tenant, service] = box.text.slice("balancer://".length).split("-");
      expect(boxes.get(box.parent ?? "")?.text).toBe(`tenant ${tenant}`);
      const members = edges.filter((e) => e.from === id).map((e) => boxes.get(e.to)?.text.split("<br/>")[0]);
      expect(members.sort(), box.text).toEqual(
        recordingNodes
          .filter((i) => i.inputs.tags && (i.inputs.tags as Record<string, string>)["genesys:tenant"] === tenant)
          .filter((i) => (i.inputs.tags as Record<string, string>)["genesys:service"] === service)
          .map((i) => i.name)
          .sort(),
      );
    }
  });

  it("draws each Framework site with its role, region and servers, and the link between them", () => {
    const { text, counts } = prodTopology();
    expect(counts.frameworkSites).toBe(2);
    expect(text).toContain('site_emea("site emea: master<br/>eu-west-1<br/>CS 2, CS Proxy 4, Dist. SCS 3")');
    expect(text).toContain('site_amer("site amer: remote<br/>us-east-1<br/>CS Proxy 6, Dist. SCS 4")');
    expect(text).toMatch(/^ {2}site_amer ---\|"peering"\| site_emea$/m);
  });

  it("keeps every line to Mermaid's plain forms, with labels escaped", () => {
    for (const line of prodTopology().text.split("\n").slice(1)) {
      const stripped = line.replace(/"[^"]*"/g, '""');
      expect(stripped).toMatch(
        /^(\s*(subgraph \w+\[""\]|end|\w+(\[""\]|\[\[""\]\]|\(""\)|\(\[""\]\))|\w+ (-->|-\.->|---)(\|""\|)? \w+))?$/,
      );
    }
  });
});

describe("topology.mmd labels", () => {
  it("cannot be broken out of by a hostname, application name or condition", () => {
    const env = environmentOf("dev", edit);
    const [plan] = planSystems(env).filter((p) => p.system === "webEngagement85");
    const hostile = {
      ...plan,
      balancers: plan.balancers.map((b) => ({ ...b, hostname: 'x"]\n  evil["y' })),
      nodeGroups: plan.nodeGroups.map((g) => ({
        ...g,
        nodes: g.nodes.map((n) => ({ ...n, appName: 'a");\nclick n1 "javascript:alert(1)' })),
      })),
    };
    for (const line of renderTopology([hostile], {}).text.split("\n").slice(1)) {
      const stripped = line.replace(/"[^"]*"/g, '""');
      expect(stripped).toMatch(
        /^(\s*(subgraph \w+\[""\]|end|\w+(\[""\]|\[\[""\]\]|\(""\)|\(\[""\]\))|\w+ -->(\|""\|)? \w+))?$/,
      );
    }
  });
});
