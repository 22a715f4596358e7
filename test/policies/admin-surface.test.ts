import { describe, expect, it } from "vitest";
import { openAdminLocations } from "../../policies/rules/admin-surface";
import { editInputs, messagesOf, PAIR_SITE, productionFixture, stageScript, TYPES } from "./fixture";

const base = productionFixture();
const withPair = productionFixture({ recordingBalancer: "httpdHaPair" });

describe("no-admin-paths-exposed", () => {
  const policy = "no-admin-paths-exposed";

  it("passes rules without admin paths and a rendered httpd site whose server-status is local", () => {
    expect(messagesOf(base, policy)).toEqual([]);
    expect(messagesOf(withPair, policy)).toEqual([]);
  });

  it.each(["/balancer-manager", "/server-status*", "/t1/server-info"])("rejects a rule forwarding %s", (path) => {
    const exposed = editInputs(
      base,
      TYPES.rule,
      "recording-t1-rws",
      (i) => (i.conditions = [{ pathPattern: { values: ["/t1/api*", path] } }]),
    );
    expect(messagesOf(exposed, policy)).toEqual([
      `A production balancer must not forward admin paths to a backend (aws:lb/listenerRule:ListenerRule "recording-t1-rws" forwards ${path}).`,
    ]);
  });

  it("accepts a rule that answers an admin path with a fixed response", () => {
    const blocked = editInputs(base, TYPES.rule, "recording-t1-rws", (i) => {
      i.conditions = [{ pathPattern: { values: ["/balancer-manager*"] } }];
      i.actions = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }];
    });
    expect(messagesOf(blocked, policy)).toEqual([]);
  });

  it("rejects the Web Engagement sample's balancer-manager open to all, found inside a base64 provisioning script", () => {
    const sample = `${PAIR_SITE}<Location /balancer-manager>\nSetHandler balancer-manager\nOrder Deny,Allow\nAllow from all\n</Location>\n`;
    const opened = editInputs(
      withPair,
      TYPES.command,
      "pair-provisioning-ip1-stage-conf-httpd.conf",
      (i) => (i.create = stageScript(sample)),
    );
    expect(messagesOf(opened, policy)).toEqual([
      'A production httpd balancer must restrict /balancer-manager to localhost (Require local), as the recording guide does (command:remote:Command "pair-provisioning-ip1-stage-conf-httpd.conf").',
    ]);
  });

  it.each([
    ["<Location /server-status>\nSetHandler server-status\nRequire local\n</Location>", []],
    [
      "<Location /server-status>\nSetHandler server-status\nOrder deny,allow\nDeny from all\nAllow from 127.0.0.1\n</Location>",
      [],
    ],
    ['<Location "/server-status">\nSetHandler server-status\n</Location>', ["/server-status"]],
    ["<Location /server-status>\nSetHandler server-status\nRequire all granted\n</Location>", ["/server-status"]],
    ["<Location /t1/api>\nRequire all granted\n</Location>", []],
  ])("openAdminLocations(%j)", (text, open) => {
    expect(openAdminLocations(text)).toEqual(open);
  });
});

describe("no-world-ingress-outside-balancers", () => {
  const policy = "no-world-ingress-outside-balancers";

  it("passes when only balancer security groups are open to the world", () => {
    expect(messagesOf(base, policy)).toEqual([]);
  });

  it("rejects a node security group opened to 0.0.0.0/0", () => {
    const open = editInputs(base, TYPES.ingress, "cobrowse-nodes-from-alb", (i) => {
      delete i.referencedSecurityGroupId;
      i.cidrIpv4 = "0.0.0.0/0";
    });
    expect(messagesOf(open, policy)).toEqual([
      'A production stack must open world-reaching sources (more than 65,536 public IPv4 addresses or more than a /48 of global IPv6) only to balancer security groups (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "cobrowse-nodes-from-alb" opens aws:ec2/securityGroup:SecurityGroup "cobrowse-nodes" to 0.0.0.0/0).',
    ]);
  });

  it.each(["0.0.0.0/1", "128.0.0.0/2", "::/0"])(
    "rejects a node security group opened to %s, not only the two literal 'anywhere' CIDRs",
    (cidr) => {
      const open = editInputs(base, TYPES.ingress, "cobrowse-nodes-from-alb", (i) => {
        delete i.referencedSecurityGroupId;
        i[cidr.includes(":") ? "cidrIpv6" : "cidrIpv4"] = cidr;
      });
      expect(messagesOf(open, policy)).toEqual([
        expect.stringContaining(`opens aws:ec2/securityGroup:SecurityGroup "cobrowse-nodes" to ${cidr}).`),
      ]);
    },
  );

  it("accepts a node security group opened to the VPC's private range", () => {
    const vpc = editInputs(base, TYPES.ingress, "cobrowse-nodes-from-alb", (i) => {
      delete i.referencedSecurityGroupId;
      i.cidrIpv4 = "10.0.0.0/8";
    });
    expect(messagesOf(vpc, policy)).toEqual([]);
  });

  it("treats the httpd pair as a balancer; its SSH opened to ::/0 is left to ssh-only-from-admin-cidr", () => {
    const open = editInputs(withPair, TYPES.ingress, "pair-ssh", (i) => {
      delete i.cidrIpv4;
      i.cidrIpv6 = "::/0";
    });
    expect(messagesOf(open, policy)).toEqual([]);
    expect(messagesOf(open, "ssh-only-from-admin-cidr")).toEqual([
      'A production stack must allow SSH only from the administration CIDR 10.0.0.0/8 (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "pair-ssh" allows ::/0).',
    ]);
  });
});

describe("ssh-only-from-admin-cidr", () => {
  const policy = "ssh-only-from-admin-cidr";

  it("passes SSH from the administration CIDR or a network inside it", () => {
    expect(messagesOf(base, policy)).toEqual([]);
    expect(
      messagesOf(
        editInputs(base, TYPES.ingress, "we85-nodes-ssh", (i) => (i.cidrIpv4 = "10.20.30.0/24")),
        policy,
      ),
    ).toEqual([]);
  });

  it.each(["0.0.0.0/0", "192.168.1.0/24", "10.0.0.0/7"])("rejects SSH from %s", (cidr) => {
    expect(
      messagesOf(
        editInputs(base, TYPES.ingress, "we85-nodes-ssh", (i) => (i.cidrIpv4 = cidr)),
        policy,
      ),
    ).toEqual([
      `A production stack must allow SSH only from the administration CIDR 10.0.0.0/8 (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "we85-nodes-ssh" allows ${cidr}).`,
    ]);
  });

  it("counts an all-protocol rule as opening SSH", () => {
    const all = editInputs(base, TYPES.ingress, "we85-nodes-ssh", (i) =>
      Object.assign(i, { ipProtocol: "-1", fromPort: undefined, toPort: undefined, cidrIpv4: "172.16.0.0/12" }),
    );
    expect(messagesOf(all, policy)).toHaveLength(1);
  });
});
