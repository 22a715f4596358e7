/**
 * production-requires-balancers on the written-out fixture: every system with
 * its balancers passes; removing one system's balancer resources (what the
 * model would never produce, and the policy must still catch) fails.
 */
import { describe, expect, it } from "vitest";
import type { MockRun } from "../../tools/mock-run";
import { editInputs, messagesOf, productionFixture, TYPES, withoutResources } from "./fixture";

const policy = "production-requires-balancers";
const base = productionFixture();
const BALANCER_TYPES: readonly string[] = [TYPES.lb, TYPES.listener, TYPES.rule];

/** The run without the balancer resources (ALB, listeners, rules) whose names start with `prefix`. */
const withoutBalancer = (run: MockRun, prefix: string) =>
  withoutResources(run, (r) => BALANCER_TYPES.includes(r.type) && r.name.startsWith(prefix));

describe(`${policy} on the fixture`, () => {
  it("passes every system behind its balancer, recording behind an ALB or the httpd pair", () => {
    expect(messagesOf(base, policy)).toEqual([]);
    expect(messagesOf(productionFixture({ recordingBalancer: "httpdHaPair" }), policy)).toEqual([]);
  });

  it.each([
    [
      "we85",
      'A production stack must put every Web Engagement 8.5 node behind a load balancer (nodes without one: "we85-GWE_Node_1", "we85-GWE_Node_2").',
    ],
    [
      "cobrowse",
      'A production stack must put every Co-browse node behind a load balancer (nodes without one: "cobrowse-cb1", "cobrowse-cb2").',
    ],
    [
      "recording",
      'A production stack must put every Interaction Recording node behind a load balancer (nodes without one: "t1rws1", "t1rws2", "t1rp1", "t1rp2", "t1rcs1", "t1rcs2", "t2rws1", "t2rws2").',
    ],
    [
      "we81-backend",
      'A production stack must put Web Engagement 8.1 frontend and backend servers behind their load balancers; connecting frontend servers to backend servers directly is for development only (backend nodes without a balancer: "we81-backend-1", "we81-backend-2").',
    ],
    [
      "we81-frontend",
      'A production stack must put Web Engagement 8.1 frontend and backend servers behind their load balancers; connecting frontend servers to backend servers directly is for development only (frontend nodes without a balancer: "we81-frontend-1", "we81-frontend-2").',
    ],
  ])("rejects the stack once the %s balancer is gone", (prefix, message) => {
    const messages = messagesOf(withoutBalancer(base, prefix), policy);
    expect(messages).toContain(message);
    // The orphaned balancer security group now fronts nothing: its path to the nodes is reported too.
    expect(messages.filter((m) => m !== message).every((m) => m.includes("only through their balancer"))).toBe(true);
  });

  it("rejects recording nodes once the httpd pair may no longer reach them", () => {
    const pairRun = productionFixture({ recordingBalancer: "httpdHaPair" });
    const cut = withoutResources(pairRun, (r) => r.type === TYPES.ingress && r.name.startsWith("pair-to-recording-"));
    expect(messagesOf(cut, policy)).toEqual([
      expect.stringContaining("A production stack must put every Interaction Recording node behind a load balancer"),
    ]);
  });

  it("rejects a frontend security group path straight to the Web Engagement 8.1 backend nodes", () => {
    const direct = editInputs(
      base,
      TYPES.ingress,
      "we81-backend-from-alb",
      (i) => (i.referencedSecurityGroupId = "securityGroup-we81-frontend-nodes"),
    );
    expect(messagesOf(direct, policy)).toEqual([
      'A production stack must let clients and frontend servers reach Web Engagement 8.1 nodes only through their balancer (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "we81-backend-from-alb" opens aws:ec2/securityGroup:SecurityGroup "we81-backend-nodes" to aws:ec2/securityGroup:SecurityGroup "we81-frontend-nodes").',
    ]);
  });

  it("rejects clients' addresses on a node security group, but not SSH from the administrators", () => {
    const clients = editInputs(base, TYPES.ingress, "cobrowse-nodes-from-alb", (i) => {
      delete i.referencedSecurityGroupId;
      i.cidrIpv4 = "10.50.0.0/16";
    });
    expect(messagesOf(clients, policy)).toEqual([
      'A production stack must let clients and frontend servers reach Co-browse nodes only through their balancer (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "cobrowse-nodes-from-alb" opens aws:ec2/securityGroup:SecurityGroup "cobrowse-nodes" to 10.50.0.0/16).',
    ]);
  });
});

describe(`${policy} and a WebDAV hot standby`, () => {
  /** The fixture with a t1 WebDAV service: webdav1 registered, webdav2 built but left out (a hot standby on an ALB). */
  function withWebdav(standbyService: string): MockRun {
    const run = productionFixture();
    const template = run.resources.find((r) => r.type === TYPES.instance && r.name === "t1rp1")!;
    const nodes = ["1", "2"].map((n) => ({
      ...template,
      name: `t1webdav${n}`,
      id: `instance-t1webdav${n}`,
      inputs: {
        ...template.inputs,
        tags: {
          Name: `t1webdav${n}`,
          "genesys:system": "recording",
          "genesys:tenant": "t1",
          "genesys:service": n === "2" ? standbyService : "webdav",
        },
      },
    }));
    const attachment = run.resources.find((r) => r.type === TYPES.attachment && r.name === "recording-t1-rp-t1rp1")!;
    const attach = {
      ...attachment,
      name: "recording-t1-rp-t1webdav1",
      inputs: { ...attachment.inputs, targetId: "instance-t1webdav1" },
    };
    return { ...run, resources: [...run.resources, ...nodes, attach] };
  }

  it("accepts the unregistered standby of a balanced WebDAV service", () => {
    expect(messagesOf(withWebdav("webdav"), policy)).toEqual([]);
  });

  it("still rejects an unregistered node of a service without standby", () => {
    expect(messagesOf(withWebdav("rp"), policy)).toEqual([
      'A production stack must put every Interaction Recording node behind a load balancer (nodes without one: "t1webdav2").',
    ]);
  });
});
