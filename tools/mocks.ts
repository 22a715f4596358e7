/**
 * Deterministic Pulumi mocks for offline synth and tests. Every registered
 * resource is recorded with its type token, name, parent and the inputs as the
 * SDK serialized them (what the engine, and a policy pack, would see).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { cidrSize, formatIpv4, parseCidr } from "../core/model/network-math";
import { AwsInputRuleError, autoName, checkInputs, type InputViolation, type UniquenessLedger } from "./aws-rules";
import { AWS_TYPE } from "../policies/aws-types";

/** An earlier identity of a resource (`aliases` option): what differs from today's, or an old URN as is. */
export interface ResourceAlias {
  readonly type?: string;
  readonly name?: string;
  /** `type::name` of the earlier parent. */
  readonly parent?: string;
  readonly urn?: string;
}

export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent, or undefined for stack-level resources. */
  readonly parent?: string;
  /** The resource's `aliases`, when it has any: the engine matches deployed resources by these too. */
  readonly aliases?: readonly ResourceAlias[];
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** Id and computed state the mock returned ("" and the inputs alone in a preview). */
  readonly id: string;
  readonly state: Record<string, unknown>;
}

export interface RecordingMocksOptions {
  /**
   * Behave as the engine's first preview of a new stack: no resource has an
   * id or computed state yet (ARNs, DNS names, instance addresses), so every
   * Output derived from them is unknown and its `apply` never runs.
   */
  readonly preview?: boolean;
}

const MOCK_ACCOUNT = "111122223333";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function hexId(prefix: string, key: string, length = 17): string {
  return `${prefix}-${digest(key).toString("hex").slice(0, length)}`;
}

/** A stable private address in 10.0.0.0/8 from a resource name; distinct names rarely collide. */
export function mockPrivateIp(key: string): string {
  const d = digest(key);
  return `10.${d[0]}.${d[1]}.${(d[2] % 250) + 4}`;
}

/** A stable address inside `cidr` (past the 4 addresses AWS reserves), or anywhere in 10/8 without one. */
function addressIn(cidr: string | undefined, key: string): string {
  const block = cidr ? parseCidr(cidr) : undefined;
  if (!block) return mockPrivateIp(key);
  const span = cidrSize(block) - 5;
  return formatIpv4(block.base + 4 + (digest(key).readUInt32BE(0) % Math.max(span, 1)));
}

function computedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region: string,
  subnets: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const key = `${type}::${name}`;
  const arn = `arn:aws:${type.split(":")[1]?.split("/")[0] ?? "mock"}:${region}:${MOCK_ACCOUNT}:${name}`;
  switch (type) {
    case AWS_TYPE.loadBalancer: {
      const lbName = String(inputs.name ?? name);
      const kind = inputs.loadBalancerType === "network" ? "net" : "app";
      const suffix = `${kind}/${lbName}/${digest(key).toString("hex").slice(0, 16)}`;
      return {
        arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:loadbalancer/${suffix}`,
        arnSuffix: suffix,
        dnsName: `${inputs.internal ? "internal-" : ""}${lbName}-${digest(key).readUInt32BE(0)}.${region}.elb.amazonaws.com`,
        zoneId: "Z32O12XQLNTSW2",
      };
    }
    case AWS_TYPE.targetGroup: {
      const suffix = `targetgroup/${String(inputs.name ?? name)}/${digest(key).toString("hex").slice(0, 16)}`;
      return { arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:${suffix}`, arnSuffix: suffix };
    }
    case AWS_TYPE.listener:
    case AWS_TYPE.listenerRule:
      return {
        arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:listener/${digest(key).toString("hex").slice(0, 16)}`,
      };
    case AWS_TYPE.instance:
      return {
        arn,
        privateIp: inputs.privateIp ?? addressIn(subnets.get(String(inputs.subnetId)), key),
        primaryNetworkInterfaceId: hexId("eni", key),
        // EC2 gives an instance a public address only when asked (a documentation address, RFC 5737, here).
        ...(inputs.associatePublicIpAddress === true ? { publicIp: `203.0.113.${(digest(key)[0] % 250) + 1}` } : {}),
      };
    case AWS_TYPE.dnsZone:
      // Route 53 zone ids: Z followed by upper-case letters and digits.
      return { arn, zoneId: `Z${digest(key).toString("hex").slice(0, 20).toUpperCase()}` };
    case AWS_TYPE.networkInterface:
      return { arn, privateIp: mockPrivateIp(key) };
    case AWS_TYPE.vpc:
      return { arn, defaultRouteTableId: hexId("rtb", key), mainRouteTableId: hexId("rtb", `${key}/main`) };
    case AWS_TYPE.bucket:
    case AWS_TYPE.bucketV2: {
      const bucket = String(inputs.bucket ?? name);
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case AWS_TYPE.iamRole:
    case AWS_TYPE.iamPolicy:
    case AWS_TYPE.instanceProfile:
      return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:${type.split(":")[2].toLowerCase()}/${String(inputs.name ?? name)}` };
    default:
      return { arn };
  }
}

function idFor(type: string, name: string): string {
  const key = `${type}::${name}`;
  const prefixes: Record<string, string> = {
    [AWS_TYPE.vpc]: "vpc",
    [AWS_TYPE.subnet]: "subnet",
    [AWS_TYPE.securityGroup]: "sg",
    [AWS_TYPE.instance]: "i",
    [AWS_TYPE.internetGateway]: "igw",
    [AWS_TYPE.natGateway]: "nat",
    [AWS_TYPE.routeTable]: "rtb",
    [AWS_TYPE.eip]: "eipalloc",
    [AWS_TYPE.vpcPeeringConnection]: "pcx",
    [AWS_TYPE.transitGateway]: "tgw",
  };
  const prefix = prefixes[type];
  return prefix ? hexId(prefix, key) : `${name}-id`;
}

export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RegisteredResource[] = [];
  private readonly parents = new Map<string, string>();
  /** Subnet id -> CIDR, so instances get addresses inside their subnet. */
  private readonly subnets = new Map<string, string>();

  readonly preview: boolean;

  constructor(
    private readonly region = "eu-west-1",
    options: RecordingMocksOptions = {},
  ) {
    this.preview = options.preview === true;
  }

  /** Called by a stack transformation, which sees parents and aliases (mock args do not). */
  noteParent(type: string, name: string, parent: string | undefined, aliases: readonly ResourceAlias[] = []): void {
    if (parent) this.parents.set(`${type}::${name}`, parent);
    if (aliases.length > 0) this.aliases.set(`${type}::${name}`, aliases);
  }

  private readonly aliases = new Map<string, readonly ResourceAlias[]>();

  /** Every input-rule violation of this run, in registration order. */
  readonly violations: InputViolation[] = [];
  private readonly ledger: UniquenessLedger = new Map();
  /** Provider id -> its default tags, which AWS applies to every resource it creates. */
  private readonly providerDefaultTags = new Map<string, Record<string, unknown>>();

  private noteDefaultTags(providerId: string, defaultTags: unknown): void {
    const parsed =
      typeof defaultTags === "string"
        ? (JSON.parse(defaultTags) as { tags?: Record<string, unknown> })
        : (defaultTags as { tags?: Record<string, unknown> } | undefined);
    if (parsed?.tags) this.providerDefaultTags.set(providerId, parsed.tags);
  }

  /**
   * What pulumi-aws and AWS do to a resource's inputs before it exists: the
   * provider fills in an auto-name, then the API rejects what breaks its rules
   * (tools/aws-rules.ts). A violation fails the registration, as the real
   * provider's check or create call would; every violation is also kept for
   * the run's report.
   */
  private applyProviderRules(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    region: string,
    provider: string | undefined,
  ): Record<string, unknown> {
    const named = autoName(type, name, inputs, `${type}::${name}`);
    const violations: InputViolation[] = [];
    let checked = inputs;
    if (named && "error" in named) violations.push(named.error);
    else if (named) checked = { ...inputs, [named.property]: named.value };
    // AWS counts the provider's default tags with the resource's own (tags_all).
    const defaults =
      provider === undefined ? undefined : this.providerDefaultTags.get(provider.slice(provider.lastIndexOf("::") + 2));
    const judged =
      defaults && checked.tags !== undefined
        ? { ...checked, tags: { ...defaults, ...(checked.tags as Record<string, unknown>) } }
        : checked;
    violations.push(
      ...checkInputs(type, name, judged, this.ledger, { region, partition: "aws" }, (v) => v === pulumi.unknown),
    );
    if (violations.length > 0) {
      this.violations.push(...violations);
      throw new AwsInputRuleError(violations);
    }
    return checked;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const given = (args.inputs ?? {}) as Record<string, unknown>;
    const region = typeof given.region === "string" ? given.region : this.region;
    const inputs =
      args.custom === false ? given : this.applyProviderRules(args.type, args.name, given, region, args.provider);
    const computed = args.custom !== false && !this.preview;
    const id = computed ? idFor(args.type, args.name) : "";
    const state = { ...inputs, ...(computed ? computedState(args.type, args.name, inputs, region, this.subnets) : {}) };
    if (args.type === AWS_TYPE.subnet && typeof inputs.cidrBlock === "string") this.subnets.set(id, inputs.cidrBlock);
    if (args.type === "pulumi:providers:aws") this.noteDefaultTags(id, inputs.defaultTags);
    this.resources.push({
      type: args.type,
      name: args.name,
      parent: this.parents.get(`${args.type}::${args.name}`),
      ...(this.aliases.has(`${args.type}::${args.name}`)
        ? { aliases: this.aliases.get(`${args.type}::${args.name}`) }
        : {}),
      custom: args.custom !== false,
      inputs,
      id,
      state,
    });
    return { id: computed ? id : undefined, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    switch (args.token) {
      case "aws:ec2/getAmi:getAmi":
        return {
          ...inputs,
          id: "ami-0abc1234def567890",
          imageId: "ami-0abc1234def567890",
          name: "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64",
          architecture: "x86_64",
        };
      case "aws:ec2/getVpc:getVpc":
        // An existing VPC's range is unknown offline; the default VPC's range stands for it.
        return { ...inputs, id: inputs.id, cidrBlock: "172.31.0.0/16", state: "available" };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT,
          arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`,
          userId: "AIDAMOCK",
          id: MOCK_ACCOUNT,
        };
      case "aws:index/getRegion:getRegion":
        return { name: this.region, region: this.region, id: this.region };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      case "aws:elb/getServiceAccount:getServiceAccount":
        return { arn: "arn:aws:iam::156460612806:root", id: "156460612806" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          names: [`${this.region}a`, `${this.region}b`, `${this.region}c`],
          zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
          id: this.region,
        };
      default:
        return inputs;
    }
  }
}

/** Internal fields the Node SDK keeps on every resource. */
interface ResourceInternals {
  readonly __pulumiType?: string;
  readonly __name?: string;
}

export async function installMocks(mocks: RecordingMocks, stack: string, project = "genesys"): Promise<void> {
  await pulumi.runtime.setMocks(mocks, project, stack, mocks.preview);
}

/** `type::name` of a resource object, from the SDK's internal fields. */
function keyOf(resource: unknown): string | undefined {
  const r = resource as (pulumi.Resource & ResourceInternals) | undefined;
  return r?.__pulumiType && r.__name ? `${r.__pulumiType}::${r.__name}` : undefined;
}

/** An `aliases` entry as plain data; inputs that are Outputs are kept out (offline they are not known). */
function aliasOf(alias: unknown): ResourceAlias {
  if (typeof alias === "string") return { urn: alias };
  const a = alias as { type?: unknown; name?: unknown; parent?: unknown };
  return {
    ...(typeof a.type === "string" ? { type: a.type } : {}),
    ...(typeof a.name === "string" ? { name: a.name } : {}),
    ...(a.parent !== undefined && keyOf(a.parent) ? { parent: keyOf(a.parent) } : {}),
  };
}

/** Inside the root stack: a transformation that tells the mocks each resource's parent and aliases. */
export function recordParents(mocks: RecordingMocks): void {
  pulumi.runtime.registerStackTransformation((args) => {
    const aliases = (args.opts.aliases ?? []) as unknown[];
    mocks.noteParent(args.type, args.name, keyOf(args.opts.parent), aliases.map(aliasOf));
    return undefined;
  });
}
