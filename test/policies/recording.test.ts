import { describe, expect, it } from "vitest";
import { httpdProxyPasses, httpdWorkerLimit } from "../../policies/rules/recording";
import { policyResources, runPolicies } from "../../tools/policy-report";
import {
  arnOf,
  editInputs,
  FIXTURE_CONFIG_VALUES,
  messagesOf,
  PAIR_SITE,
  productionFixture,
  stageScript,
  TYPES,
} from "./fixture";

const albRun = productionFixture();
const pairRun = productionFixture({ recordingBalancer: "httpdHaPair" });
const STAGE = "pair-provisioning-ip1-stage-conf-httpd.conf";
const withSite = (site: string) => editInputs(pairRun, TYPES.command, STAGE, (i) => (i.create = stageScript(site)));

describe("recording-processor-no-standby", () => {
  const policy = "recording-processor-no-standby";

  it("passes RP balancers without standby, on the ALB and in the rendered httpd site", () => {
    expect(messagesOf(albRun, policy)).toEqual([]);
    expect(messagesOf(pairRun, policy)).toEqual([]);
  });

  it("rejects a zero-weight (standby) RP target group on the ALB", () => {
    const rp = arnOf(albRun, TYPES.tg, "recording-t1-rp");
    const standby = editInputs(
      albRun,
      TYPES.rule,
      "recording-t1-rp",
      (i) =>
        (i.actions = [
          {
            type: "forward",
            forward: {
              targetGroups: [
                { arn: rp, weight: 1 },
                { arn: rp, weight: 0 },
              ],
            },
          },
        ]),
    );
    expect(messagesOf(standby, policy)).toEqual([
      'A Recording Processor balancer must not keep a standby target group (weight 0): warm standby must be disabled for RP (aws:lb/listenerRule:ListenerRule "recording-t1-rp").',
    ]);
  });

  it.each(["status=+H", "status=H", "lbset=1"])("rejects an RP member with %s in the rendered httpd site", (flag) => {
    const site = PAIR_SITE.replace(
      "BalancerMember http://10.50.2.10:8889",
      `BalancerMember http://10.50.2.10:8889 ${flag}`,
    );
    expect(messagesOf(withSite(site), policy)).toEqual([
      `A Recording Processor balancer must not have a standby member: warm standby must be disabled for RP (balancer://t1-rp in command:remote:Command "${STAGE}": BalancerMember http://10.50.2.10:8889 ${flag}).`,
    ]);
  });

  it("leaves a WebDAV hot standby alone", () => {
    const site = `${PAIR_SITE}<Proxy "balancer://t1-webdav">\n  BalancerMember http://10.50.1.12:80\n  BalancerMember http://10.50.2.12:80 status=+H\n</Proxy>\n`;
    expect(messagesOf(withSite(site), policy)).toEqual([]);
  });
});

describe("recording-tenant-isolation", () => {
  const policy = "recording-tenant-isolation";

  it("passes tenant paths that lead to the tenant's own target groups", () => {
    expect(messagesOf(albRun, policy)).toEqual([]);
    expect(messagesOf(pairRun, policy)).toEqual([]);
  });

  it("rejects a t2 path forwarded to a t1 target group", () => {
    const crossed = editInputs(
      albRun,
      TYPES.rule,
      "recording-t2-rws",
      (i) => (i.actions = [{ type: "forward", targetGroupArn: arnOf(albRun, TYPES.tg, "recording-t1-rws") }]),
    );
    expect(messagesOf(crossed, policy)).toEqual([
      'A recording tenant\'s target groups must be reached only under its prefix /t1/ (aws:lb/listenerRule:ListenerRule "recording-t2-rws" forwards to aws:lb/targetGroup:TargetGroup "recording-t1-rws" of tenant t1 for /t2/api*, /t2/internal-api*).',
    ]);
  });

  it("rejects a tenant's target group that registers another tenant's node", () => {
    const instanceId = albRun.resources.find((r) => r.type === TYPES.instance && r.name === "t2rws1")!.id;
    const crossed = editInputs(albRun, TYPES.attachment, "recording-t1-rws-t1rws1", (i) => (i.targetId = instanceId));
    expect(messagesOf(crossed, policy)).toEqual([
      'A recording tenant\'s target group must register only that tenant\'s nodes (aws:lb/targetGroup:TargetGroup "recording-t1-rws" of tenant t1 registers aws:ec2/instance:Instance "t2rws1" of tenant t2).',
    ]);
  });

  it("rejects a prefix that only looks like the tenant's (/t10/ is not /t1/)", () => {
    const lookalike = editInputs(
      albRun,
      TYPES.rule,
      "recording-t1-rp",
      (i) => (i.conditions = [{ pathPattern: { values: ["/t10/rp/api*"] } }]),
    );
    expect(messagesOf(lookalike, policy)).toHaveLength(1);
  });

  it("rejects a rendered ProxyPass that sends one tenant's path to another tenant's balancer", () => {
    expect(
      messagesOf(
        withSite(
          PAIR_SITE.replace('ProxyPass /t1/api "balancer://t1-rws/api"', 'ProxyPass /t2/api "balancer://t1-rws/api"'),
        ),
        policy,
      ),
    ).toEqual([
      `A recording tenant's balancer must be reached only under its prefix /t1/ (ProxyPass /t2/api -> balancer://t1-rws in command:remote:Command "${STAGE}").`,
    ]);
  });

  it("reads ProxyPass lines quoted or not", () => {
    expect(
      httpdProxyPasses('ProxyPass /t1/api balancer://t1-rws/api\n  ProxyPass "/t1/rcs" "balancer://t1-rcs/rcs"'),
    ).toEqual([
      ["/t1/api", "t1-rws"],
      ["/t1/rcs", "t1-rcs"],
    ]);
  });
});

describe("recording-capacity", () => {
  const policy = "recording-capacity";

  it("passes when the httpd site has a worker per screen-recording agent", () => {
    expect(FIXTURE_CONFIG_VALUES.screenRecordingAgents).toBeLessThanOrEqual(600);
    expect(messagesOf(pairRun, policy)).toEqual([]);
  });

  it("rejects a host whose site has fewer workers than agents", () => {
    expect(messagesOf(withSite(PAIR_SITE.replace("MaxRequestWorkers 600", "MaxRequestWorkers 400")), policy)).toEqual([
      `A recording balancer must have room for one persistent connection per screen-recording agent: 550 agents need at least 550 httpd workers (command:remote:Command "${STAGE}" renders MaxRequestWorkers 400).`,
    ]);
  });

  it("rejects a site with no worker limit at all, and scales with the configured agents", () => {
    const noLimit = withSite(PAIR_SITE.replace("MaxRequestWorkers 600\n", ""));
    const other = editInputs(
      noLimit,
      TYPES.command,
      "pair-provisioning-ip2-stage-conf-httpd.conf",
      (i) => (i.create = stageScript(PAIR_SITE.replace("MaxRequestWorkers 600\n", ""))),
    );
    expect(messagesOf(other, policy)).toEqual([
      `A recording balancer must have room for one persistent connection per screen-recording agent: 550 agents need at least 550 httpd workers (genesys:httpd:HttpdHaPair "pair" renders no worker limit).`,
    ]);
    const config = { [policy]: { ...FIXTURE_CONFIG_VALUES, screenRecordingAgents: 601 } };
    const messages = runPolicies("prod", policyResources(pairRun, "prod"), config)
      .violations.filter((v) => v.policy === policy)
      .map((v) => v.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(
      `A recording balancer must have room for one persistent connection per screen-recording agent: 601 agents need at least 601 httpd workers (command:remote:Command "${STAGE}" renders MaxRequestWorkers 600).`,
    );
  });

  it.each([
    ["MaxRequestWorkers 600", 600],
    ["<IfModule worker.c>\n  MaxClients 300\n</IfModule>\n<IfModule prefork.c>\n  MaxClients 256\n</IfModule>", 300],
    ["Listen 80", undefined],
  ])("httpdWorkerLimit(%j)", (text, limit) => {
    expect(httpdWorkerLimit(text)).toBe(limit);
  });
});
