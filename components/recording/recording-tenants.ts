/**
 * Multi-tenant Genesys Interaction Recording (Interaction Recording multi-tenant load-balancer guide): per tenant, the RWS,
 * RP, RCS, Interaction Receiver and WebDAV servers, published under
 * `/<tenant>/...` like the guide's Apache balancer.
 *
 * With `balancer: alb` each tenant service is a target group behind a listener
 * rule on its public path prefix, with a URL rewrite that strips the tenant's
 * part (Apache's ProxyPass). Tenants are packed whole onto as few ALBs as the
 * quotas allow (core/model/alb-packing.ts), each ALB with its own hostname.
 * With `httpdHaPair` this component only builds the nodes; the pair serves
 * them. With `none` (development) clients reach the nodes directly.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { albHostname, packTenants, type TenantPacking } from "../../core/model/alb-packing";
import type { Recording, RecordingServiceModel, RecordingTenant, ResolvedNode } from "../../core/model/environment";
import { RECORDING_SERVICE_FACTS, recordingTenantUrls, type Stickiness } from "../../core/model/genesys-facts";
import { ConfigError } from "../../core/model/problems";
import { priorityBands, stablePriorities } from "../shared/alb-conditions";
import { ApplicationLoadBalancer } from "../shared/application-load-balancer";
import { createGenesysNodes } from "../shared/genesys-nodes";
import { TAG, type PlatformArgs } from "../shared/platform";
import {
  allowBalancerToNodes,
  allowEgressAnywhere,
  allowFrameworkControl,
  allowFromCidr,
  createSecurityGroup,
} from "../shared/security-groups";
import { createTargetGroup, type AlbStickiness } from "../shared/target-group";
import { overlappingRoutes, planTenantRules, type TenantRule } from "./tenant-rules";

export interface RecordingTenantsArgs {
  readonly platform: PlatformArgs;
  /** The resolved model section (tenants, services, members, balancer kind). */
  readonly recording: Recording;
  /** The website's domain: numbered ALB hostnames stay under it. */
  readonly siteDomain: string;
  /** Scheme the httpd pair serves clients with (balancer httpdHaPair). @default "http" */
  readonly pairScheme?: "http" | "https";
}

/** What a Genesys administrator enters for one tenant (the guide's RPS URL, htcc.baseurl, rcs.base_uri). */
export interface TenantUrls {
  readonly rpsUrl?: string;
  readonly htccBaseUrl?: string;
  readonly rcsBaseUri?: string;
  /** The ALB that serves the tenant (balancer alb): pin it in the stack config as `alb`. */
  readonly alb?: number;
}

export interface RecordingAlbSummary {
  readonly hostname: string;
  readonly dnsName: string;
  readonly tenants: readonly string[];
  readonly rules: number;
  readonly targetGroups: number;
}

/** ALB stickiness for the guide's: a balancer-made cookie is the ALB's own lb_cookie; a server's cookie is app_cookie. */
export function albStickiness(stickiness: Stickiness): AlbStickiness | undefined {
  if (stickiness.kind === "none") return undefined;
  return stickiness.origin === "balancer"
    ? { type: "lb_cookie" }
    : { type: "app_cookie", cookieName: stickiness.cookie };
}

/** Any HTTP answer means the server is up: the guide names no health URL for these services. */
const HEALTH = { path: "/", codes: "200-499" } as const;

export class RecordingTenants extends pulumi.ComponentResource {
  readonly tenantUrls: pulumi.Output<Record<string, TenantUrls>>;
  /** ALBs by number (balancer alb). */
  readonly albs: pulumi.Output<Record<string, RecordingAlbSummary>>;
  /** Private IPv4 of every recording node by member id (`t1/rws/t1rws1`), when another balancer (the httpd pair) or none serves them. */
  readonly privateIps?: pulumi.Output<Record<string, string>>;
  /** Security group of the nodes when another balancer (the httpd pair) serves them. */
  readonly nodeSecurityGroupId?: pulumi.Output<string>;
  readonly limitations: readonly string[];

  /** Instances by member id (`tenant/service/node`): node keys need not be unique across tenants. */
  private readonly instances = new Map<string, aws.ec2.Instance>();

  constructor(name: string, args: RecordingTenantsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:recording:RecordingTenants", name, {}, opts);
    const { platform: p, recording } = args;

    if (recording.balancer !== "alb") {
      const group = createSecurityGroup(
        `${name}-nodes`,
        { vpcId: p.vpcId, description: "Interaction Recording nodes" },
        { parent: this },
      );
      allowEgressAnywhere(`${name}-nodes-out`, group.id, { parent: this });
      allowFrameworkControl(`${name}-nodes-lca`, group.id, p.frameworkControl, { parent: this });
      for (const tenant of recording.tenants) this.buildNodes(name, p, tenant, group.id);
      this.privateIps = this.addresses();
      this.albs = pulumi.output<Record<string, RecordingAlbSummary>>({});
      if (recording.balancer === "httpdHaPair") {
        this.nodeSecurityGroupId = group.id;
        this.tenantUrls = pulumi.output(
          Object.fromEntries(
            recording.tenants.map((t) => [t.key, urlsOf(t, `${args.pairScheme ?? "http"}://${recording.hostname}`)]),
          ),
        );
        this.limitations = [];
      } else {
        const ports = recording.tenants.flatMap((t) => t.services.flatMap((s) => s.members.map((m) => m.port)));
        allowFromCidr(
          `${name}-nodes-vpc`,
          {
            groupId: group.id,
            cidr: p.vpcCidr,
            ports,
            description: "development: clients inside the VPC reach the nodes directly",
          },
          { parent: this },
        );
        this.tenantUrls = this.directUrls(recording);
        this.limitations = [
          "No balancer (development only): each tenant's URLs point at one node per service; there is no stickiness or failover.",
        ];
      }
      this.registerOutputs({ tenantUrls: this.tenantUrls, privateIps: this.privateIps });
      return;
    }

    const problems = recording.tenants.flatMap(overlappingRoutes);
    if (problems.length > 0) throw new ConfigError(problems);
    const rulesOf = new Map(recording.tenants.map((t) => [t.key, planTenantRules(t)]));
    const result = packTenants(
      recording.tenants.map((t) => ({
        key: t.key,
        rules: rulesOf.get(t.key)?.length ?? 0,
        targetGroups: t.services.length,
        pinnedAlb: t.alb,
      })),
    );
    if (!result.packing) throw new ConfigError(result.problems);
    const packing = result.packing;
    this.warnUnpinned(packing);

    const summaries: Record<string, pulumi.Output<RecordingAlbSummary>> = {};
    const urls: Record<string, TenantUrls> = {};
    const tenants = new Map(recording.tenants.map((t) => [t.key, t]));
    const work: TenantWork[] = [];
    for (const packed of packing.albs) {
      const albName = `${name}-alb${packed.number}`;
      const hostname = albHostname(recording.hostname, args.siteDomain, packed.number);
      const alb = new ApplicationLoadBalancer(
        albName,
        {
          platform: p,
          hostname,
          idleTimeoutSeconds: recording.idleTimeoutSeconds,
          defaultAction: { kind: "notFound", message: "No recording tenant is published at this path." },
          accessLogPrefix: albName,
          tags: { [TAG.system]: "recording" },
        },
        { parent: this },
      );
      const group = createSecurityGroup(
        `${albName}-nodes`,
        { vpcId: p.vpcId, description: `Interaction Recording nodes behind ${hostname}` },
        { parent: this },
      );
      allowEgressAnywhere(`${albName}-nodes-out`, group.id, { parent: this });
      allowFrameworkControl(`${albName}-nodes-lca`, group.id, p.frameworkControl, { parent: this });
      const members = packed.tenants.flatMap((key) =>
        (tenants.get(key) as RecordingTenant).services.flatMap((s) => s.members),
      );
      allowBalancerToNodes(
        `${albName}-nodes`,
        { balancerGroupId: alb.securityGroupId, nodeGroupId: group.id, ports: members.map((m) => m.port) },
        { parent: this },
      );
      const ruleKeys = packed.tenants.flatMap((key) =>
        (rulesOf.get(key) as TenantRule[]).map((r) => `${key}/${r.key}`),
      );
      const priorities = stablePriorities(ruleKeys, priorityBands(1)[0]);
      for (const key of packed.tenants) {
        const tenant = tenants.get(key) as RecordingTenant;
        work.push({
          tenant,
          rules: rulesOf.get(key) as TenantRule[],
          listenerArn: alb.listener.arn,
          nodeGroupId: group.id,
          priorities,
        });
        urls[key] = { ...urlsOf(tenant, alb.baseUrl), alb: packed.number };
      }
      summaries[String(packed.number)] = alb.dnsName.apply((dnsName) => ({
        hostname,
        dnsName,
        tenants: packed.tenants,
        rules: packed.rules,
        targetGroups: packed.targetGroups,
      }));
    }
    const built = this.buildTenantsInTurns(name, p, work);
    this.tenantUrls = pulumi.output(built.then(() => urls));
    this.albs = pulumi.output(built.then(() => pulumi.all(summaries)));
    this.limitations = [
      ...this.standbyNotes(recording),
      "ALB cannot rewrite Set-Cookie paths (Apache's ProxyPassReverseCookiePath): the Recording Crypto Server's JSESSIONID keeps its /rcs path, so a client that honours cookie paths does not send it back under /<tenant>/rcs. RCS stickiness still holds through the ALB's own AWSALBAPP cookie (path /).",
      "RWS stickiness uses the ALB's AWSALB cookie (path /) instead of a ROUTEID cookie scoped to /<tenant>: a client using the RWS of two tenants on the same ALB keeps one pin at a time.",
      "Health checks only see that each server answers HTTP (any status below 500 at /): the guide names no health URL for these services.",
    ];
    this.registerOutputs({ tenantUrls: this.tenantUrls, albs: this.albs });
  }

  /**
   * Builds one tenant per turn of the event loop, so the SDK sends each
   * tenant's registrations before the next tenant exists: with hundreds of
   * tenants the registrations waiting in the program stay few (peak memory).
   * Nothing waits for the engine, so deployment order and parallelism are
   * unchanged; the outputs resolve once every tenant is built.
   */
  private async buildTenantsInTurns(name: string, p: PlatformArgs, work: readonly TenantWork[]): Promise<void> {
    for (const item of work) {
      this.buildTenant(name, p, item);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private buildTenant(
    name: string,
    p: PlatformArgs,
    { tenant, rules, listenerArn, nodeGroupId, priorities }: TenantWork,
  ): void {
    this.buildNodes(name, p, tenant, nodeGroupId);
    const targetGroups = new Map(tenant.services.map((s) => [s.service, this.targetGroup(name, p, tenant, s)]));
    for (const rule of rules) {
      new aws.lb.ListenerRule(
        `${name}-${tenant.key}-${rule.key}`,
        {
          listenerArn,
          priority: priorities.get(`${tenant.key}/${rule.key}`),
          conditions: [rule.condition],
          transforms: [{ type: "url-rewrite", urlRewriteConfig: { rewrite: rule.rewrite } }],
          actions: [{ type: "forward", targetGroupArn: (targetGroups.get(rule.service) as aws.lb.TargetGroup).arn }],
          tags: {
            [TAG.system]: "recording",
            [TAG.tenant]: tenant.key,
            [TAG.service]: RECORDING_SERVICE_FACTS[rule.service].short,
          },
        },
        { parent: this },
      );
    }
  }

  private buildNodes(name: string, p: PlatformArgs, tenant: RecordingTenant, groupId: pulumi.Input<string>): void {
    for (const service of tenant.services) {
      const built = createGenesysNodes(
        `${name}-${service.balancerName}`,
        {
          system: "recording",
          tenant: tenant.key,
          service: RECORDING_SERVICE_FACTS[service.service].short,
          nodes: service.members,
          imageId: p.imageId,
          privateSubnetIds: p.privateSubnetIds,
          securityGroupId: groupId,
        },
        { parent: this },
      );
      for (const member of service.members) this.instances.set(member.id, built[member.key]);
    }
  }

  /** One target group per tenant service over its active members; a hot-standby WebDAV member stays out (see limitations). */
  private targetGroup(
    name: string,
    p: PlatformArgs,
    tenant: RecordingTenant,
    service: RecordingServiceModel,
  ): aws.lb.TargetGroup {
    const short = RECORDING_SERVICE_FACTS[service.service].short;
    return createTargetGroup(
      `${name}-${service.balancerName}`,
      {
        vpcId: p.vpcId,
        protocol: service.scheme === "https" ? "HTTPS" : "HTTP",
        healthPath: HEALTH.path,
        healthyCodes: HEALTH.codes,
        stickiness: albStickiness(service.stickiness),
        targets: service.members
          .filter((m) => !m.hotStandby)
          .map((m) => ({ key: m.key, instanceId: this.instance(m).id, port: m.port })),
        tags: { [TAG.system]: "recording", [TAG.tenant]: tenant.key, [TAG.service]: short },
      },
      { parent: this },
    );
  }

  private standbyNotes(recording: Recording): string[] {
    return recording.tenants.flatMap((t) =>
      t.services.flatMap((s) =>
        s.members
          .filter((m) => m.hotStandby)
          .map(
            (m) =>
              `${t.key} ${s.label}: ${m.key} is a hot standby (Apache status=+H), which an ALB cannot express; it is built but not registered in ${s.balancerName}'s target group. If the active members fail, register it (aws elbv2 register-targets), or serve recording from the httpd pair.`,
          ),
      ),
    );
  }

  private warnUnpinned(packing: TenantPacking): void {
    if (packing.albs.length < 2 || packing.unpinned.length === 0) return;
    const where = packing.unpinned.map((t) => `${t}: ${packing.albOf[t]}`).join(", ");
    pulumi.log.warn(
      `Recording tenants are spread over ${packing.albs.length} ALBs and ${packing.unpinned.length} are not pinned; a new tenant could move them (and their URLs). Pin each with recording.tenants.<tenant>.alb: ${where}`,
      this,
    );
  }

  private instance(member: ResolvedNode): aws.ec2.Instance {
    const found = this.instances.get(member.id);
    if (!found) throw new Error(`recording node ${member.id} was not built`);
    return found;
  }

  /** Member id -> private IP: each tenant's balancer configs get that tenant's own nodes. */
  private addresses(): pulumi.Output<Record<string, string>> {
    return pulumi.all(Object.fromEntries([...this.instances].map(([id, instance]) => [id, instance.privateIp])));
  }

  /** Development without a balancer: each URL points at the first member of its service, on the backend path. */
  private directUrls(recording: Recording): pulumi.Output<Record<string, TenantUrls>> {
    const firstMember = (t: RecordingTenant, service: RecordingServiceModel["service"], path: string) => {
      const s = t.services.find((x) => x.service === service);
      const m = s?.members[0];
      return m ? pulumi.interpolate`http://${this.instance(m).privateIp}:${m.port}${path}` : undefined;
    };
    return pulumi.all(
      Object.fromEntries(
        recording.tenants.map((t) => [
          t.key,
          pulumi.all({
            rpsUrl: firstMember(t, "rp", "/api"),
            htccBaseUrl: firstMember(t, "rws", ""),
            rcsBaseUri: firstMember(t, "rcs", "/rcs"),
          }),
        ]),
      ),
    ) as pulumi.Output<Record<string, TenantUrls>>;
  }
}

/** One tenant to build on an ALB. */
interface TenantWork {
  readonly tenant: RecordingTenant;
  readonly rules: readonly TenantRule[];
  readonly listenerArn: pulumi.Input<string>;
  readonly nodeGroupId: pulumi.Input<string>;
  readonly priorities: ReadonlyMap<string, number>;
}

/** The tenant's URLs behind `baseUrl`, for the services it has. */
function urlsOf(tenant: RecordingTenant, baseUrl: string): TenantUrls {
  const all = recordingTenantUrls(baseUrl, tenant.key);
  const has = (s: RecordingServiceModel["service"]) => tenant.services.some((x) => x.service === s);
  return {
    ...(has("rp") ? { rpsUrl: all.rpsUrl } : {}),
    ...(has("rws") ? { htccBaseUrl: all.htccBaseUrl } : {}),
    ...(has("rcs") ? { rcsBaseUri: all.rcsBaseUri } : {}),
  };
}
