/**
 * Runs the dev stack with a given framework section under mocks and answers
 * the questions the framework tests ask: which region's provider a resource
 * was registered with, which security group a rule belongs to, what a rule
 * lets through.
 */
import { vi } from "vitest";
import type { MockRun } from "../../../tools/mock-run";
import { RecordingMocks, type RegisteredResource } from "../../../tools/mocks";
import { ofType, runStack } from "../../support/program";
import { AWS_TYPE } from "../../../policies/aws-types";

export const T = {
  provider: "pulumi:providers:aws",
  site: "genesys:framework:FrameworkSite",
  vpc: AWS_TYPE.vpc,
  subnet: AWS_TYPE.subnet,
  routeTable: AWS_TYPE.routeTable,
  route: AWS_TYPE.route,
  sg: AWS_TYPE.securityGroup,
  ingress: AWS_TYPE.ingressRule,
  egress: AWS_TYPE.egressRule,
  instance: AWS_TYPE.instance,
  peering: AWS_TYPE.vpcPeeringConnection,
  peeringAccepter: AWS_TYPE.vpcPeeringConnectionAccepter,
  tgw: AWS_TYPE.transitGateway,
  tgwRouteTable: AWS_TYPE.transitGatewayRouteTable,
  tgwVpcAttachment: AWS_TYPE.transitGatewayVpcAttachment,
  tgwAssociation: AWS_TYPE.transitGatewayRouteTableAssociation,
  tgwPropagation: AWS_TYPE.transitGatewayRouteTablePropagation,
  tgwPeering: AWS_TYPE.transitGatewayPeeringAttachment,
  tgwPeeringAccepter: AWS_TYPE.transitGatewayPeeringAttachmentAccepter,
  tgwRoute: AWS_TYPE.transitGatewayRoute,
} as const;

export interface SiteInput {
  role: "master" | "remote";
  region: string;
  vpcCidr: string;
  availabilityZones: string[];
  clients?: number;
  hosts?: number;
}

export interface FrameworkInput {
  licenses?: { csProxy?: string; distributedScs?: string };
  highAvailability?: boolean;
  ports?: { configServer: number; csProxy: number; scs: number; lca: number };
  connectivity?: "peering" | "transitGateway";
  applicationSite?: string;
  configurationDatabase?: Record<string, unknown>;
  sites: Record<string, SiteInput>;
}

export interface SiteOutput {
  role: string;
  region: string;
  configServers: number;
  csProxies: number;
  csProxyUnits: number;
  distributedScs: number;
  scsInService: number;
  vpcId: string;
  privateIps: Record<string, string>;
}

/** A rule as a reader of the console sees it: group, direction, port, and peer (group name or CIDR). */
export interface RuleView {
  group: string;
  direction: "ingress" | "egress";
  port: number;
  peer: string;
}

export interface FrameworkRun extends MockRun {
  /** Region of the aws provider a resource (or an AMI lookup) was registered with. */
  regionOf(resource: RegisteredResource): string;
  amiLookupRegions: string[];
  sites: Record<string, SiteOutput>;
  links: string[];
  byId(id: unknown): RegisteredResource;
  rules(): RuleView[];
  /** Framework resources (name starts with `framework-`) of one type. */
  all(type: string): RegisteredResource[];
}

const providerName = (ref: string | undefined) => (ref ? ref.split("::").at(-2) : undefined);

/**
 * Runs the dev stack with `framework` as its Framework section. Without
 * `withApplications` the stack's Genesys systems are left out, so only the
 * Framework's own resources are registered.
 */
export async function runFramework(
  framework: FrameworkInput,
  options: { withApplications?: boolean } = {},
): Promise<FrameworkRun> {
  const created = vi.spyOn(RecordingMocks.prototype, "newResource");
  const called = vi.spyOn(RecordingMocks.prototype, "call");
  let run: MockRun;
  let providerRefs: Map<string, string | undefined>;
  let amiProviders: (string | undefined)[];
  try {
    run = await runStack("dev", (values) => {
      values.framework = framework;
      if (!options.withApplications)
        for (const system of ["webEngagement81", "webEngagement85", "cobrowse", "recording", "httpdHaPair"])
          delete values[system];
    });
    providerRefs = new Map(created.mock.calls.map(([args]) => [`${args.type}::${args.name}`, args.provider]));
    amiProviders = called.mock.calls
      .filter(([args]) => args.token === "aws:ec2/getAmi:getAmi")
      .map(([args]) => args.provider);
  } finally {
    created.mockRestore();
    called.mockRestore();
  }
  const providers = new Map(ofType(run, T.provider).map((p) => [p.name, String(p.inputs.region)]));
  const regionOfRef = (ref: string | undefined) => {
    const region = providers.get(providerName(ref) ?? "");
    if (!region) throw new Error(`no aws provider for ${ref}`);
    return region;
  };
  const byIdMap = new Map(run.resources.filter((r) => r.id).map((r) => [r.id, r]));
  const byId = (id: unknown) => {
    const found = byIdMap.get(String(id));
    if (!found) throw new Error(`no resource with id ${String(id)}`);
    return found;
  };
  const fw = run.outputs.framework as { sites: Record<string, SiteOutput>; links: string[] } | undefined;
  const all = (type: string) => run.resources.filter((r) => r.type === type && r.name.startsWith("framework-"));
  return {
    ...run,
    regionOf: (r) => regionOfRef(providerRefs.get(`${r.type}::${r.name}`)),
    // Only the Framework's own lookups: the stack's other systems look up their images with the stack's provider.
    amiLookupRegions: amiProviders.filter((ref) => providerName(ref)?.startsWith("framework-")).map(regionOfRef),
    sites: fw?.sites ?? {},
    links: fw?.links ?? [],
    byId,
    all,
    rules: () =>
      [...all(T.ingress).map((r) => ["ingress", r] as const), ...all(T.egress).map((r) => ["egress", r] as const)].map(
        ([direction, r]) => {
          if (r.inputs.ipProtocol !== "tcp" || r.inputs.fromPort !== r.inputs.toPort)
            throw new Error(`${r.name} is not a single TCP port`);
          const peer =
            r.inputs.referencedSecurityGroupId !== undefined
              ? byId(r.inputs.referencedSecurityGroupId).name
              : String(r.inputs.cidrIpv4);
          return { group: byId(r.inputs.securityGroupId).name, direction, port: Number(r.inputs.fromPort), peer };
        },
      ),
  };
}

export const zonesOf = (region: string, count = 2) =>
  "abc"
    .slice(0, count)
    .split("")
    .map((z) => `${region}${z}`);

export const LICENSES = { csProxy: "LIC-CSP-1", distributedScs: "LIC-DSCS-1" };
/** Four different ports, so every rule shows which flow it carries. */
export const PORTS = { configServer: 2020, csProxy: 2030, scs: 5000, lca: 4999 };

export const sortRules = (rules: RuleView[]) =>
  [...rules].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
