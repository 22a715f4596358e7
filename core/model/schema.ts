/**
 * The environment model: one zod schema per stack config key under the
 * `genesys:` namespace. Every map is keyed by a stable name; resource names
 * derive from those keys, never from positions.
 */
import { z } from "zod";
import { PROJECT_DEFAULT_CAPACITY } from "./framework-sizing";
import { caBundle } from "./backend-tls";
import { RECORDING_SERVICE_FACTS } from "./genesys-facts";
import { RECORDING_SERVICES, type RecordingService } from "./recording-services";
import { parseCidr, parseIpv4 } from "./network-math";
import { appName, hostname, HOSTNAME_PATTERN, key, pathSegment, port, stickyId, tenantKey, tokenName } from "./names";

export const ENVIRONMENT_KINDS = ["development", "production"] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const AZ_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/;

const region = () => z.string().regex(REGION_PATTERN, { message: "must be an AWS region code such as eu-west-1" });
const availabilityZone = () =>
  z.string().regex(AZ_PATTERN, { message: "must be an availability zone name such as eu-west-1a" });
const cidr = (minPrefix: number, maxPrefix: number) =>
  z
    .string()
    .refine(
      (text) => {
        const parsed = parseCidr(text);
        return parsed !== undefined && parsed.prefix >= minPrefix && parsed.prefix <= maxPrefix;
      },
      {
        message: `must be an IPv4 CIDR block from /${minPrefix} to /${maxPrefix} with no host bits set, e.g. 10.20.0.0/16`,
      },
    )
    .meta({ format: `IPv4 CIDR block /${minPrefix} to /${maxPrefix}, no host bits set (10.20.0.0/16)` });
const ipv4 = () =>
  z
    .string()
    .refine((text) => parseIpv4(text) !== undefined, { message: "must be an IPv4 address, e.g. 10.20.1.50" })
    .meta({ format: "IPv4 address (10.20.1.50)" });
const instanceType = () =>
  z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type such as m5.large" });
const intIn = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a number of ${unit}` })
    .int({ message: `must be a whole number of ${unit}` })
    .min(min, { message: `must be from ${min} to ${max} ${unit}` })
    .max(max, { message: `must be from ${min} to ${max} ${unit}` });

/** Route 53 hosted zone ids: Z followed by upper-case letters and digits. */
export const HOSTED_ZONE_ID_PATTERN = /^Z[A-Z0-9]{1,31}$/;
const hostedZoneId = () =>
  z
    .string()
    .regex(HOSTED_ZONE_ID_PATTERN, { message: "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ" });

/** A DNS name or an IPv4 address to connect to. */
const hostOrAddress = () =>
  z.string().refine((text) => HOSTNAME_PATTERN.test(text) || parseIpv4(text) !== undefined, {
    message: "must be a lowercase DNS name (bastion.example.com) or an IPv4 address",
  });
const unixUser = () => z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { message: "must be a Unix user name" });

/** Balancer kinds a Genesys system can sit behind. `none` wires clients to nodes directly. */
const BALANCER_KINDS = ["alb", "none"] as const;
/** How an ALB keeps a client on its node (webEngagement85.albStickiness, cobrowse.albStickiness). */
const ALB_STICKINESS_KINDS = ["cluster", "perNodeValue"] as const;
export type AlbStickinessKind = (typeof ALB_STICKINESS_KINDS)[number];
const RECORDING_BALANCER_KINDS = ["alb", "httpdHaPair", "none"] as const;

const TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
] as const;

export const DESYNC_MODES = ["monitor", "defensive", "strictest"] as const;

const networkSchema = z
  .strictObject({
    vpcCidr: cidr(16, 24)
      .optional()
      .describe(
        "CIDR of a new VPC (/16 to /24), cut into subnets as Subnet layout below describes. Exactly one of vpcCidr or existingVpc.",
      ),
    existingVpc: z
      .strictObject({
        vpcId: z
          .string()
          .regex(/^vpc-[0-9a-f]{8,17}$/, { message: "must be a VPC id such as vpc-0a1b2c3d" })
          .describe("Id of the VPC, e.g. vpc-0a1b2c3d."),
        publicSubnetIds: z
          .record(availabilityZone(), z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "must be a subnet id" }))
          .describe(
            "Subnet id per availability zone (e.g. eu-west-1a: subnet-0a1b2c3d) for the internet-facing balancers; one for every zone in availabilityZones.",
          ),
        privateSubnetIds: z
          .record(availabilityZone(), z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "must be a subnet id" }))
          .describe(
            "Subnet id per availability zone for the Genesys nodes, internal balancers and the httpd HA pair; one for every zone in availabilityZones. The pair's addresses must come from its zone's subnet, which this stack cannot check offline.",
          ),
        privateRouteTableIds: z
          .record(availabilityZone(), z.string().regex(/^rtb-[0-9a-f]{8,17}$/, { message: "must be a route table id" }))
          .optional()
          .describe(
            "Route table id per availability zone that the private subnets use (e.g. eu-west-1a: rtb-0a1b2c3d; zones may share one table). Needed when this stack adds routes there: Framework sites linked to the Genesys nodes, or the httpd pair's aws-vpc-move-ip agent. Each table gets one route per destination, however many zones share it.",
          ),
      })
      .optional()
      .describe(
        "An existing VPC instead of a new one (exactly one of vpcCidr or existingVpc): its id and its subnets by availability zone. Nothing in it is created or changed except the resources this stack adds.",
      ),
    availabilityZones: z
      .array(availabilityZone())
      .min(1, { message: "must list at least one availability zone" })
      .max(6, { message: "must list at most 6 availability zones" })
      .describe("Availability zones the balancers and nodes spread over (1-6; production needs 2+)."),
  })
  .superRefine((net, ctx) => {
    if ((net.vpcCidr === undefined) === (net.existingVpc === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["vpcCidr"],
        input: net.vpcCidr,
        message: "set exactly one of vpcCidr (a new VPC) or existingVpc",
      });
    }
    const seen = new Set<string>();
    net.availabilityZones.forEach((az, i) => {
      if (seen.has(az))
        ctx.addIssue({
          code: "custom",
          path: ["availabilityZones", i],
          input: az,
          message: "is listed twice; availability zones must be unique",
        });
      seen.add(az);
    });
  });

const siteSchema = z.strictObject({
  domain: hostname().describe(
    "The public website's domain. Balancers live under it so stickiness cookies are first-party (Safari).",
  ),
  hostedZoneId: hostedZoneId()
    .optional()
    .describe("Route 53 hosted zone id for `domain`; DNS records are created when set."),
});

const tlsSchema = z.strictObject({
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, {
      message: "must be an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<uuid>",
    })
    .describe("ACM certificate covering every balancer hostname."),
  sslPolicy: z.enum(TLS_POLICIES).default("ELBSecurityPolicy-TLS13-1-2-2021-06").describe("HTTPS listener policy."),
});

const hardeningSchema = z.strictObject({
  deletionProtection: z.boolean().default(true).describe("Balancer deletion protection."),
  accessLogs: z.boolean().default(true).describe("Balancer access logs to an encrypted S3 bucket."),
  dropInvalidHeaderFields: z.boolean().default(true).describe("Drop invalid HTTP header fields."),
  desyncMitigationMode: z.enum(DESYNC_MODES).default("defensive").describe("HTTP desync mitigation."),
});

const instancesSchema = z.strictObject({
  defaultType: instanceType().default("m5.large").describe("EC2 instance type of Genesys hosts without their own."),
  amiNameFilter: z
    .string()
    .regex(/^[A-Za-z0-9*._-]{1,128}$/, {
      message: "must be an AMI name filter of letters, digits, '*', '.', '_' or '-'",
    })
    .default("al2023-ami-2023.*-x86_64")
    .describe("AMI name filter for the Genesys hosts (owner amazon)."),
});

/** A Genesys server node: keyed by a stable name, named in Genesys by `appName` (default: the key). */
const node = (defaultPort: number) =>
  z.strictObject({
    appName: appName()
      .optional()
      .describe(
        "Application name in Genesys Administrator (default: the node's key). Balancer routes replace its spaces with '_' (the recording guide's rule), except Web Engagement 8.1's frontend sticky value, which is '.' + the name as configured.",
      ),
    port: port().default(defaultPort).describe("Port the Genesys application listens on."),
    instanceType: instanceType().optional().describe("EC2 instance type (default: instances.defaultType)."),
    availabilityZone: availabilityZone()
      .optional()
      .describe("Pin the node's zone; otherwise zones are assigned round-robin in natural key order."),
  });

const nodes = (defaultPort: number) =>
  z
    .record(key(), node(defaultPort))
    .refine((m) => Object.keys(m).length > 0, { message: "must define at least one node" });

const albStickiness = (cookie: string) =>
  z
    .enum(ALB_STICKINESS_KINDS)
    .default("cluster")
    .describe(
      `ALB stickiness. \`cluster\`: the ALB's app cookie on the cluster target group; a client whose node is down moves to a healthy node, which sets its own ${cookie}. \`perNodeValue\`: listener rules route each ${cookie} value to its node's target group alone, like the guide's Apache balancer; a client whose node is down gets errors until its browser drops the cookie (the end of the browser session).`,
    );

const webEngagement85Schema = z.strictObject({
  balancer: z
    .enum(BALANCER_KINDS)
    .default("alb")
    .describe("Balancer kind; `none` (development only) wires clients to nodes directly."),
  hostname: hostname().describe("Public hostname of the balancer; the GWE cluster application's host."),
  listenerPort: port().default(443).describe("Balancer port; the GWE cluster application's default port."),
  webSockets: z.boolean().default(true).describe("Proxy WebSockets (CometD). Disable on the client side when false."),
  idleTimeoutSeconds: intIn(60, 4000, "seconds")
    .default(120)
    .describe("Idle timeout for CometD long polling, seconds."),
  albStickiness: albStickiness("GWROUTEID"),
  nodes: nodes(9081),
});

const webEngagement81Schema = z.strictObject({
  balancer: z
    .enum(BALANCER_KINDS)
    .default("alb")
    .describe("`none` connects frontend servers to backend servers directly: development only."),
  frontend: z.strictObject({
    hostname: hostname(),
    stickyParameter: tokenName()
      .default("gwe_route")
      .describe(
        'URL parameter carrying "." + frontend application name, as your Frontend Server writes it. @default (project default: the Web Engagement 8.1 load-balancing guide gives the value, not the parameter\'s name)',
      ),
    idleTimeoutSeconds: intIn(1, 4000, "seconds")
      .default(60)
      .describe("ALB idle timeout, seconds. @default (the ALB's own default)"),
    nodes: nodes(8081),
  }),
  backend: z.strictObject({
    hostname: hostname(),
    cookie: tokenName()
      .default("ROUTEID")
      .describe(
        "Balancer-made stickiness cookie (httpd and nginx; the ALB issues its own). @default (project default; the guide's example name is RouteId)",
      ),
    idleTimeoutSeconds: intIn(1, 4000, "seconds")
      .default(60)
      .describe("ALB idle timeout, seconds. @default (the ALB's own default)"),
    nodes: nodes(9081),
  }),
});

const AGENT_SIDES = ["workspaceWebEdition", "workspaceDesktopEdition", "other"] as const;

const cobrowseSchema = z.strictObject({
  balancer: z.enum(BALANCER_KINDS).default("alb"),
  hostname: hostname(),
  agentSide: z
    .enum(AGENT_SIDES)
    .default("other")
    .describe(
      "Agent desktop. Co-browse's cluster options: Workspace Web Edition needs serverUrl (URL stickiness only), Workspace Desktop Edition must leave it empty (cookie stickiness).",
    ),
  urlStickiness: z
    .boolean()
    .optional()
    .describe(
      "Publish a serverUrl per node (`?co-browse-node-id=N`). @default true for workspaceWebEdition, false otherwise; never with workspaceDesktopEdition",
    ),
  idleTimeoutSeconds: intIn(1, 4000, "seconds")
    .default(60)
    .describe("ALB idle timeout, seconds. @default (the ALB's own default)"),
  albStickiness: albStickiness("gcbSessionServer"),
  nodes: z
    .record(
      key(),
      node(8700).extend({
        nodeId: stickyId().describe("The node's id in the co-browse-node-id parameter of its serverUrl."),
        cookieValue: stickyId()
          .optional()
          .describe(
            "What the node writes into the gcbSessionServer cookie. @default the nodeId (project default: the Co-browse guides say only that the balancer routes on the cookie's value; read it from a node's Set-Cookie)",
          ),
      }),
    )
    .refine((m) => Object.keys(m).length > 0, { message: "must define at least one node" }),
});

export { RECORDING_SERVICES, type RecordingService } from "./recording-services";
const BACKEND_SCHEMES = ["http", "https"] as const;

const recordingTenant = z
  .strictObject({
    screenRecordingAgents: intIn(0, 100000, "agents")
      .default(0)
      .describe("Agents with the SR Service logged in at once; each holds one persistent RWS connection."),
    alb: intIn(1, 1000, "balancers")
      .optional()
      .describe(
        "Pins the tenant to this Application Load Balancer (1 = the recording hostname) when recording.balancer is alb, so adding tenants never moves it; synth prints where unpinned tenants went.",
      ),
    rws: z.strictObject({ nodes: nodes(8080) }).optional(),
    rp: z
      .looseObject({ nodes: nodes(8889).describe("Recording Processor nodes; every one is active.") })
      .superRefine((rp, ctx) => {
        for (const extra of Object.keys(rp).filter((k) => k !== "nodes")) {
          ctx.addIssue({
            code: "custom",
            path: [extra],
            input: (rp as Record<string, unknown>)[extra],
            message:
              extra === "hotStandby" || extra === "standby"
                ? "is not allowed: Recording Processor balancers must not have a warm or hot standby member"
                : "is not a known key; allowed: nodes",
          });
        }
      })
      .transform((rp) => ({ nodes: rp.nodes }))
      .optional()
      .describe(
        "Recording Processor (RPS). A standby (hotStandby or standby) is refused: the guide allows no warm or hot standby member in an RP balancer.",
      ),
    rcs: z.strictObject({ nodes: nodes(8008) }).optional(),
    interactionReceiver: z.strictObject({ nodes: nodes(80) }).optional(),
    webdav: z
      .strictObject({
        nodes: nodes(80),
        hotStandby: key()
          .optional()
          .describe("Node key that takes traffic only when every other member is down (Apache `status=+H`)."),
        paths: z
          .array(pathSegment())
          .min(1)
          .default(["recordings"])
          .describe("Collections published under /<tenant>/."),
      })
      .optional(),
  })
  .superRefine((tenant, ctx) => {
    if (!RECORDING_SERVICES.some((s) => tenant[s] !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        input: tenant,
        message: `must define at least one service: ${RECORDING_SERVICES.join(", ")}`,
      });
    }
    const webdav = tenant.webdav;
    if (webdav?.hotStandby !== undefined) {
      if (!(webdav.hotStandby in webdav.nodes)) {
        ctx.addIssue({
          code: "custom",
          path: ["webdav", "hotStandby"],
          input: webdav.hotStandby,
          message: `must name one of the WebDAV nodes: ${Object.keys(webdav.nodes).join(", ")}`,
        });
      } else if (Object.keys(webdav.nodes).length < 2) {
        ctx.addIssue({
          code: "custom",
          path: ["webdav", "hotStandby"],
          input: webdav.hotStandby,
          message: "needs at least one other WebDAV node to stand by for",
        });
      }
    }
    // A balancer publishes each /<tenant>/<path> once; the other services' paths are taken.
    webdav?.paths.forEach((path, i) => {
      const owner = RECORDING_SERVICES.find(
        (s) =>
          s !== "webdav" && RECORDING_SERVICE_FACTS[s].paths([]).some((p) => p.publicSuffix.split("/")[1] === path),
      );
      if (webdav.paths.indexOf(path) !== i) {
        ctx.addIssue({
          code: "custom",
          path: ["webdav", "paths", i],
          input: path,
          message: "is listed twice; each WebDAV path is published once",
        });
      } else if (owner !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["webdav", "paths", i],
          input: path,
          message: `is where the tenant's ${RECORDING_SERVICE_FACTS[owner].label} is published; choose another WebDAV path`,
        });
      }
    });
  });

const recordingSchema = z.strictObject({
  balancer: z.enum(RECORDING_BALANCER_KINDS).default("alb"),
  hostname: hostname(),
  idleTimeoutSeconds: intIn(1, 4000, "seconds")
    .default(60)
    .describe("ALB idle timeout, seconds. @default (the ALB's own default)"),
  backendScheme: z
    .enum(BACKEND_SCHEMES)
    .default("http")
    .describe(
      "Scheme the balancer uses towards RWS, RP and RCS (https enables SSLProxyEngine). Interaction Receiver and WebDAV keep http unless serviceSchemes sets theirs.",
    ),
  serviceSchemes: z
    .strictObject(
      Object.fromEntries(RECORDING_SERVICES.map((s) => [s, z.enum(BACKEND_SCHEMES).optional()])) as Record<
        RecordingService,
        z.ZodOptional<z.ZodEnum<{ http: "http"; https: "https" }>>
      >,
    )
    .default({})
    .describe(
      "Scheme per service, over backendScheme: e.g. { webdav: https }. Interaction Receiver and WebDAV default to http (port 80) whatever backendScheme is; an https service needs its nodes' ports set to their TLS port.",
    ),
  backendTls: z
    .strictObject({
      caBundle: caBundle()
        .optional()
        .describe(
          "PEM certificates of the CA(s) that sign the recording servers' certificates. With it, a self-run balancer (httpd HA pair, rendered nginx) verifies every https member's chain and name: each node's certificate must name <node key>.<recording.hostname> (lowercase, '_' as '-'), the name the stack publishes for the node in the pair's private zone. Required in production when recording.balancer is httpdHaPair and a service is reached over https.",
        ),
    })
    .default({})
    .describe("Verification of the recording servers' certificates when a service is reached over https."),
  connectionHeadroomPercent: intIn(0, 400, "percent")
    .default(25)
    .describe("Extra worker headroom over one connection per screen-recording agent, percent."),
  tenants: z
    .record(tenantKey(), recordingTenant)
    .refine((m) => Object.keys(m).length > 0, { message: "must define at least one tenant" }),
});

const PROVISIONING_PATHS = ["bastion", "direct"] as const;

/**
 * The pair's hosts have private addresses only. `bastion` (the default) jumps
 * through an SSH bastion: one the stack creates in a public subnet, or an
 * existing one (existingBastion). `direct` dials the private addresses and
 * works only where `pulumi up` runs inside the VPC (or a network routed to it).
 */
const pairProvisioningSchema = z.strictObject({
  via: z
    .enum(PROVISIONING_PATHS)
    .default("bastion")
    .describe(
      "bastion: SSH through a bastion host (created by the stack unless existingBastion is set); direct: only for runners inside the VPC or a network routed to it.",
    ),
  bastionInstanceType: instanceType().default("t3.micro").describe("Instance type of the bastion the stack creates."),
  existingBastion: z
    .strictObject({
      host: hostOrAddress().describe("DNS name or address `pulumi up` reaches the bastion at."),
      user: unixUser().default("ec2-user"),
      port: port().default(22),
    })
    .optional()
    .describe(
      "A bastion the stack does not manage. Its key is the secret genesys:httpdHaPairBastionSshPrivateKey (default: genesys:httpdHaPairSshPrivateKey); the hosts admit SSH from adminCidr, which must then hold the bastion's private address.",
    ),
});

const VIP_AGENTS = ["awsvip", "aws-vpc-move-ip", "IPaddr2"] as const;
export const HA_OS = ["rhel8", "rhel9", "rhel6"] as const;
export type HaOs = (typeof HA_OS)[number];
const COROSYNC_TRANSPORTS = ["knet", "udpu", "udp"] as const;
const FENCE_AGENTS = ["fence_aws", "none"] as const;
/**
 * Red Hat's guidance for clusters on virtual machines and in clouds, which may
 * pause for the provider's own work: a totem token of 15000 to 30000 ms ("How
 * to change totem token timeout value in a RHEL 5, 6, 7, 8 or 9 High
 * Availability cluster?", Red Hat Knowledgebase solution 221263). The low end
 * keeps failover as short as that guidance allows.
 */
const CLOUD_TOKEN_MS = 15000;

const httpdHaPairSchema = z
  .strictObject({
    os: z
      .enum(HA_OS)
      .default("rhel8")
      .describe(
        "rhel8: pcs + httpd 2.4.37 (WebSockets through mod_proxy_wstunnel); rhel9: pcs + httpd 2.4.51 or later; rhel6: cman/ccs + httpd 2.2.15, on-premises only (virtualIp.agent IPaddr2). Configs are rendered for the httpd release the OS ships.",
      ),
    instanceType: instanceType().default("c5.large"),
    availabilityZone: availabilityZone().describe("The pair shares one subnet in this zone."),
    nodes: z
      .record(
        key(),
        z.strictObject({
          privateIp: ipv4()
            .optional()
            .describe("Fixed primary address of the host, from the pair's private subnet (default: assigned by AWS)."),
        }),
      )
      .describe("Exactly two hosts, keyed by cluster node name (e.g. ip1, ip2)."),
    virtualIp: z.strictObject({
      agent: z
        .enum(VIP_AGENTS)
        .default("awsvip")
        .describe("awsvip: secondary private IP; aws-vpc-move-ip: overlay IP in route tables; IPaddr2: on-premises."),
      address: ipv4().describe(
        "The address clients use. awsvip: a free host address of the pair's private subnet (the private subnet of httpdHaPair.availabilityZone, see Subnet layout; synth prints it), not a host's. aws-vpc-move-ip: an address outside the VPC CIDR. IPaddr2: an address of the hosts' own network segment.",
      ),
      cidrNetmask: intIn(8, 32, "bits").default(32),
      nic: z
        .string()
        .regex(/^[a-z][a-z0-9]{0,14}$/, { message: "must be a network interface name such as eth0" })
        .default("eth0")
        .describe("Interface that carries the VIP."),
    }),
    corosync: z
      .strictObject({
        transport: z
          .enum(COROSYNC_TRANSPORTS)
          .optional()
          .describe("rhel6 supports udp (multicast) and udpu; rhel8 and rhel9 knet and udpu."),
        tokenMs: intIn(500, 60000, "milliseconds")
          .default(CLOUD_TOKEN_MS)
          .describe(
            "Token timeout, milliseconds; consensus is 1.2 x token. Red Hat's guidance for clouds is 15000 to 30000.",
          ),
      })
      .prefault({}),
    fencing: z
      .enum(FENCE_AGENTS)
      .default("fence_aws")
      .describe(
        "fence_aws: the survivor stops the lost host through the EC2 API before taking over (required in production); none: no fencing, development only (a partition runs the service on both hosts).",
      ),
    fronting: z
      .enum(["vip", "nlb"])
      .default("vip")
      .describe(
        "vip: clients use the virtual IP. nlb: an internal network load balancer in front of the pair, whose health checks follow httpd to the active host.",
      ),
    sshUser: unixUser().default("ec2-user").describe("SSH login for provisioning."),
    adminCidr: cidr(0, 32).describe(
      "The network provisioning connects from over SSH (your administration network or CI runner range), e.g. 10.0.0.0/8: into the bastion the stack creates (where `pulumi up` runs from), or straight into the hosts with direct or an existing bastion. Never 0.0.0.0/0 in production.",
    ),
    sshPublicKey: z
      .string()
      .regex(
        /^(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)) [A-Za-z0-9+/]+={0,3}(?: [A-Za-z0-9@._+-]{1,64})?$/,
        {
          message: "must be one OpenSSH public key line such as `ssh-ed25519 AAAA... admin@example.com`",
        },
      )
      .optional()
      .describe(
        "OpenSSH public key of genesys:httpdHaPairSshPrivateKey; the hosts launch with it. Leave unset only when amiId names an image that already authorizes that key.",
      ),
    amiId: z
      .string()
      .regex(/^ami-[0-9a-f]{8,17}$/, { message: "must be an AMI id such as ami-0123456789abcdef0" })
      .optional()
      .describe(
        "Image of both hosts. @default the newest Red Hat RHEL_HA-8 image (rhel8), RHEL_HA-9 image (rhel9) or RHEL-6.10 image (rhel6)",
      ),
    provisioning: pairProvisioningSchema
      .prefault({})
      .describe("How `pulumi up` reaches the hosts' private addresses over SSH."),
    allowHostReplacement: z
      .boolean()
      .default(false)
      .describe(
        "Lets `pulumi up` terminate the hosts despite termination protection (sets forceDestroy). Turn on and run `pulumi up` BEFORE the change that replaces a host (a new sshPublicKey, amiId or instanceType), or before `pulumi destroy`; turn off afterwards.",
      ),
    privateHostedZoneId: hostedZoneId()
      .optional()
      .describe(
        "Private Route 53 zone that gets the recording hostname's record; unset: the stack creates a private zone named after the hostname, attached to the VPC.",
      ),
  })
  .superRefine((pair, ctx) => {
    const prov = pair.provisioning;
    if (prov.via === "direct" && prov.existingBastion !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["provisioning", "existingBastion"],
        input: prov.existingBastion,
        message: "is set but provisioning.via is direct; use via: bastion to go through it, or remove it",
      });
    }
    const count = Object.keys(pair.nodes).length;
    if (count !== 2) {
      ctx.addIssue({
        code: "custom",
        path: ["nodes"],
        input: Object.keys(pair.nodes),
        message: `must define exactly 2 hosts (got ${count}); the pair is primary/backup`,
      });
    }
    const transport = pair.corosync.transport;
    if (transport !== undefined) {
      const allowed = pair.os === "rhel6" ? ["udp", "udpu"] : ["knet", "udpu"];
      if (!allowed.includes(transport)) {
        ctx.addIssue({
          code: "custom",
          path: ["corosync", "transport"],
          input: transport,
          message: `is not available on ${pair.os}; allowed: ${allowed.join(", ")}`,
        });
      }
    }
  });

/** RDS engines for a Configuration Database the stack creates: DBMS families Configuration Server supports. */
const CONFIGURATION_DATABASE_ENGINES = ["postgres", "sqlserver-se", "sqlserver-ee", "oracle-se2", "oracle-ee"] as const;
/** DBMS families of an existing Configuration Database (Configuration Server's `dbengine` families). */
const EXISTING_DATABASE_ENGINES = ["postgresql", "mssql", "oracle", "db2"] as const;

/** Per-engine listening port when the stack config gives none (each DBMS's own default). */
export const DATABASE_ENGINE_PORTS: Readonly<
  Record<(typeof CONFIGURATION_DATABASE_ENGINES)[number] | (typeof EXISTING_DATABASE_ENGINES)[number], number>
> = {
  postgres: 5432,
  postgresql: 5432,
  "sqlserver-se": 1433,
  "sqlserver-ee": 1433,
  mssql: 1433,
  "oracle-se2": 1521,
  "oracle-ee": 1521,
  oracle: 1521,
  db2: 50000,
};

const configurationDatabaseSchema = z
  .strictObject({
    existing: z
      .strictObject({
        engine: z.enum(EXISTING_DATABASE_ENGINES).describe("DBMS of the Configuration Database."),
        address: ipv4().describe(
          "IPv4 address the master Configuration Server connects to; its security group gets egress to exactly this address and port.",
        ),
        port: port()
          .optional()
          .describe("Listening port. @default the engine's own (PostgreSQL 5432, MS SQL 1433, Oracle 1521, Db2 50000)"),
      })
      .optional()
      .describe("Reference a Configuration Database that already exists (on premises or in another stack)."),
    create: z
      .strictObject({
        engine: z.enum(CONFIGURATION_DATABASE_ENGINES).default("postgres").describe("RDS engine."),
        engineVersion: z
          .string()
          .regex(/^[0-9][0-9A-Za-z.-]{0,31}$/, { message: "must be an RDS engine version such as 16.4" })
          .optional()
          .describe("RDS engine version. @default RDS's default for the engine"),
        instanceClass: z
          .string()
          .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be an RDS instance class such as db.m6g.large" })
          .default("db.m6g.large")
          .describe("@default (project default)"),
        allocatedStorageGiB: intIn(20, 65536, "GiB").default(100).describe("@default (project default)"),
        multiAz: z
          .boolean()
          .optional()
          .describe("A standby in a second zone. @default true in production (required there), false in development"),
        username: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, {
            message: "must be a database user name: a letter, then letters, digits or '_' (at most 16)",
          })
          .default("genesys")
          .describe("Master user name; its password is the secret genesys:configurationDatabasePassword."),
      })
      .optional()
      .describe(
        "Create the Configuration Database with the stack: RDS next to the master Configuration Server, encrypted, reachable only from it.",
      ),
  })
  .superRefine((db, ctx) => {
    if ((db.existing === undefined) === (db.create === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        input: Object.keys(db),
        message: "must set exactly one of existing (reference a database) or create (the stack creates it)",
      });
    }
  });

export const frameworkSchema = z.strictObject({
  /** Licence references; proxy and distributed modes need special licences. */
  licenses: z
    .strictObject({
      csProxy: z.string().min(1).max(128).optional(),
      distributedScs: z.string().min(1).max(128).optional(),
    })
    .default({}),
  /** Per-instance capacities. Project defaults for planning, NOT vendor sizing figures. */
  capacity: z
    .strictObject({
      clientsPerCsProxy: intIn(1, 100000, "clients")
        .default(PROJECT_DEFAULT_CAPACITY.clientsPerCsProxy)
        .describe(
          "Clients one Configuration Server Proxy (primary/backup pair) serves. @default (project default, not a Genesys sizing figure)",
        ),
      hostsPerScs: intIn(1, 100000, "hosts")
        .default(PROJECT_DEFAULT_CAPACITY.hostsPerScs)
        .describe(
          "Hosts one Distributed Solution Control Server controls. @default (project default, not a Genesys sizing figure)",
        ),
    })
    .prefault({}),
  highAvailability: z
    .boolean()
    .default(true)
    .describe(
      "CS Proxies as primary/backup pairs and one spare Distributed SCS per site (N+1); spares add no capacity.",
    ),
  /** Framework listening ports (project defaults; match your Genesys applications). */
  ports: z
    .strictObject({
      configServer: port().default(2020).describe("@default (project default)"),
      csProxy: port().default(2020).describe("@default (project default)"),
      scs: port()
        .default(5000)
        .describe("Solution Control Server. @default (project default; must differ from lca, which every host runs)"),
      lca: port().default(4999).describe("Local Control Agent on every Genesys host. @default (project default)"),
    })
    .prefault({}),
  connectivity: z
    .enum(["peering", "transitGateway"])
    .default("peering")
    .describe("How remote sites reach the master site, and the application VPC its Framework site."),
  applicationSite: key()
    .optional()
    .describe(
      "Framework site whose CS Proxies (or, without proxies, the master Configuration Server) serve the stack's Genesys nodes, linked to the stack's VPC; must be in the stack's region. @default the one site in genesys:region",
    ),
  configurationDatabase: configurationDatabaseSchema
    .optional()
    .describe("The one Configuration Database the master Configuration Server uses; required in production."),
  instanceType: instanceType().default("m5.large"),
  sites: z
    .record(
      key(),
      z.strictObject({
        role: z.enum(["master", "remote"]),
        region: region(),
        vpcCidr: cidr(16, 24),
        availabilityZones: z.array(availabilityZone()).min(1).max(6),
        clients: intIn(0, 10_000_000, "clients")
          .default(0)
          .describe("Configuration clients at this site (CS Proxy sizing)."),
        hosts: intIn(0, 1_000_000, "hosts")
          .default(0)
          .describe("Hosts to control at this site (Distributed SCS sizing)."),
      }),
    )
    .refine((m) => Object.keys(m).length > 0, { message: "must define at least one site" }),
});

/**
 * Secret stack config keys, read once as Pulumi secrets (components/stack-config.ts) and never
 * part of the plain model: `pulumi config set --secret genesys:<key> ...`.
 */
export const SECRET_CONFIG_KEYS = {
  /** PEM private key the HA-pair provisioning logs in with over SSH. */
  httpdHaPairSshPrivateKey: "httpdHaPairSshPrivateKey",
  /** PEM private key of the httpd balancers' TLS certificate. */
  httpdTlsPrivateKey: "httpdTlsPrivateKey",
  /** PEM certificate chain matching httpdTlsPrivateKey. */
  httpdTlsCertificate: "httpdTlsCertificate",
  /** PEM private key for an existing bastion (httpdHaPair.provisioning.existingBastion); unset: the HA-pair key. */
  httpdHaPairBastionSshPrivateKey: "httpdHaPairBastionSshPrivateKey",
  /** corosync-keygen key file, base64 (128 to 4096 bytes: `base64 -w0 /etc/corosync/authkey`), that both HA-pair nodes share; required with the knet transport, which encrypts cluster traffic. */
  httpdHaPairCorosyncAuthkey: "httpdHaPairCorosyncAuthkey",
  /** Master user password of the Configuration Database the stack creates (framework.configurationDatabase.create). */
  configurationDatabasePassword: "configurationDatabasePassword",
} as const;

/** Every `genesys:` stack config key and its schema. */
export const stackConfigSchema = z.strictObject({
  environment: z
    .enum(ENVIRONMENT_KINDS)
    .describe("Environment kind. Production enforces balancers, multi-AZ, TLS and the policy pack's mandatory rules."),
  region: region().describe("AWS region of the stack."),
  network: networkSchema.describe("VPC and availability zones of the balancers and Genesys nodes."),
  site: siteSchema.describe("The public website the Genesys systems serve."),
  tls: tlsSchema.optional().describe("HTTPS on the balancers; required in production."),
  hardening: hardeningSchema
    .prefault({})
    .describe("Balancer hardening; every flag defaults to the secure value, development may relax explicitly."),
  instances: instancesSchema.prefault({}).describe("EC2 defaults for Genesys hosts."),
  tags: z
    .record(z.string().regex(/^[A-Za-z0-9 _.:/=+@-]{1,128}$/, { message: "must be a tag key" }), z.string().max(256))
    .default({}),
  webEngagement81: webEngagement81Schema
    .optional()
    .describe(
      "Genesys Web Engagement 8.1: frontend and backend balancers (Web Engagement 8.1 Deployment Guide, Load Balancing).",
    ),
  webEngagement85: webEngagement85Schema
    .optional()
    .describe(
      "Genesys Web Engagement 8.5: one balancer, GWROUTEID stickiness, WebSockets (Web Engagement 8.5 Deployment Guide, Load Balancing).",
    ),
  cobrowse: cobrowseSchema
    .optional()
    .describe(
      "Genesys Co-browse: gcbSessionServer cookie and co-browse-node-id URL stickiness (Co-browse Deployment Guide, Stickiness).",
    ),
  recording: recordingSchema
    .optional()
    .describe(
      "Genesys Interaction Recording, multi-tenant (Interaction Recording Solution Guide, Setting up the Load Balancer in a Multi-Tenant Environment).",
    ),
  httpdHaPair: httpdHaPairSchema
    .optional()
    .describe(
      "Apache httpd primary/backup pair with a Pacemaker/Corosync virtual IP, the balancer of the Interaction Recording Solution Guide's multi-tenant setup. Its hosts and an awsvip virtual IP live in one private subnet: see Subnet layout below.",
    ),
  framework: frameworkSchema
    .optional()
    .describe(
      "Framework: Configuration Server Proxy and Distributed SCS sites (Framework Deployment Guide, Sharing the Load Configurations).",
    ),
});

export type StackConfig = z.output<typeof stackConfigSchema>;
export type CobrowseConfig = z.output<typeof cobrowseSchema>;
export type HttpdHaPairConfig = z.output<typeof httpdHaPairSchema>;
export type FrameworkConfig = z.output<typeof frameworkSchema>;
export type NodeConfig = z.output<ReturnType<typeof node>>;
