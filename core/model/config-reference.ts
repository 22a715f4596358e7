/**
 * The stack config reference, generated from the zod schema (types, defaults,
 * allowed values, patterns, descriptions), so documentation cannot drift.
 */
import { z } from "zod";
import { CONFIG_NAMESPACE } from "./problems";
import { SECRET_CONFIG_KEYS, stackConfigSchema } from "./schema";
import { subnetLayoutReference } from "./subnet-plan";

/** What each secret is and which stacks read it. */
const SECRET_DESCRIPTIONS: Record<keyof typeof SECRET_CONFIG_KEYS, string> = {
  httpdHaPairSshPrivateKey:
    "PEM private key provisioning logs in to the httpd HA pair's hosts with; every stack with an `httpdHaPair`.",
  httpdTlsPrivateKey:
    "PEM private key of the pair's client-facing certificate; required in production when `recording.balancer` is `httpdHaPair`, optional (set both or neither) in development.",
  httpdTlsCertificate: "PEM certificate chain matching `httpdTlsPrivateKey`, for `recording.hostname`.",
  httpdHaPairBastionSshPrivateKey:
    "PEM private key for `httpdHaPair.provisioning.existingBastion`; unset: `httpdHaPairSshPrivateKey` is used.",
  httpdHaPairCorosyncAuthkey:
    "corosync key, base64 (`corosync-keygen -k key && base64 -w0 key`); a pair on rhel8 or rhel9 with the knet transport (their default).",
  configurationDatabasePassword:
    'master password (8 to 41 characters, no `/`, `"`, `@` or spaces) of the Configuration Database the stack creates (`framework.configurationDatabase.create`).',
};

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue?: unknown;
  readonly allowed: string;
  readonly description: string;
}

/**
 * A map (keys chosen by the operator) has a schema for its values and no fixed keys.
 * An object that also tolerates extra keys (checked by its own refinement, as rp's
 * refused standby) is an object, not a map.
 */
function isMap(schema: JsonSchema): boolean {
  return (
    schema.type === "object" &&
    !schema.properties &&
    typeof schema.additionalProperties === "object" &&
    Object.keys(schema.additionalProperties).length > 0
  );
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return "string";
  if (schema.type === "array") return `${schema.items ? typeOf(schema.items) : "any"}[]`;
  if (isMap(schema)) return "map";
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return schema.type ?? (schema.anyOf ? schema.anyOf.map(typeOf).join(" | ") : "any");
}

/** "1 to 6 items", "at least 1 item", "at most 5": never an open "… to". */
function bounds(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const one = unit === " items" && (min === 1 || (min === undefined && max === 1)) ? " item" : unit;
  if (min !== undefined && max !== undefined) return `${min} to ${max}${unit}`;
  if (min !== undefined) return min === 0 ? undefined : `at least ${min}${one}`;
  if (max !== undefined) return `at most ${max}${max === 1 ? one : unit}`;
  return undefined;
}

function allowedOf(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.enum) parts.push(schema.enum.map((v) => `\`${String(v)}\``).join(", "));
  if (schema.format) parts.push(schema.format);
  if (schema.pattern) parts.push(`pattern \`${schema.pattern}\``);
  const range = bounds(schema.minimum, schema.maximum, "");
  if (range) parts.push(range);
  const items = bounds(schema.minItems, schema.maxItems, " items");
  if (items) parts.push(items);
  if (schema.type === "array" && schema.items) {
    const inner = allowedOf(schema.items);
    if (inner) parts.push(`each: ${inner}`);
  }
  if (schema.propertyNames?.pattern) parts.push(`keys: \`${schema.propertyNames.pattern}\``);
  return parts.join("; ");
}

/** A default as the description column writes it: strings bare, anything else as JSON. */
const literal = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * The default the schema gives a key: its `.default()`, or for a `.prefault({})` object the
 * object its fields' own defaults make (what parsing an absent key produces).
 */
export function effectiveDefault(schema: JsonSchema): unknown {
  const given = schema.default;
  if (given === null || typeof given !== "object" || Array.isArray(given) || !schema.properties) return given;
  const filled: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(schema.properties)) {
    const value = key in given ? (given as Record<string, unknown>)[key] : effectiveDefault(child);
    if (value !== undefined) filled[key] = value;
  }
  return filled;
}

/**
 * A description's `@default` tag, which says what the schema cannot: where a default comes from
 * ("@default (project default)") or, for a key the schema gives no default, what the program
 * chooses ("@default the engine's own"). A key with a schema default never states it again.
 */
function defaultTag(description: string | undefined): { rest: string; tag?: string } {
  const text = description ?? "";
  const match = /\s*@default (.*)$/.exec(text);
  return match ? { rest: text.slice(0, match.index), tag: match[1] } : { rest: text };
}

/** A tag that restates the schema's default (or another value), as a problem; undefined when the tag is a note. */
export function restatedDefault(schema: JsonSchema): string | undefined {
  const { tag } = defaultTag(schema.description);
  if (tag === undefined || schema.default === undefined || tag.startsWith("(")) return undefined;
  return `states "@default ${tag}", but the schema's default is ${literal(effectiveDefault(schema))}: give the value once, in .default(), and keep only a note in parentheses`;
}

/** The description, its `@default` note turned into "Default: <the schema's default> (note)." */
function describeDefault(schema: JsonSchema, path: string): string {
  const { rest, tag } = defaultTag(schema.description);
  if (tag === undefined) return rest;
  const restated = restatedDefault(schema);
  if (restated !== undefined) throw new Error(`${path}: the description ${restated}`);
  const text = schema.default === undefined ? tag : `${literal(effectiveDefault(schema))} ${tag}`;
  return `${rest}${rest ? " " : ""}Default: ${text}.`;
}

/** Where the guides' values come from, and which values are the project's own. */
const SOURCES = [
  "## Values from the Genesys guides, and project defaults",
  "",
  "A value marked *project default* is this project's choice, not a Genesys figure: set your own where it matters.",
  "",
  '- **Web Engagement 8.1 sticky value**: the Frontend Server writes `"." + <CME_Application_Name>` into a URL parameter',
  "  (Web Engagement 8.1 load-balancing guide, https://docs.genesys.com/Documentation/GWE/8.1.1/Deployment/LoadBalancing;",
  '  8.1.2: "based on a query-parameter in this format: "." + Frontend_Server_Application_Name_In_Genesys_CME",',
  "  https://docs.genesys.com/Documentation/GWE/8.1.2/Deployment/LoadBalancing). The name is used as configured: httpd routes",
  "  a space in both URL encodings (`%20`, `+`); the ALB refuses names with spaces (its query conditions cannot hold '%');",
  "  nginx renders no Web Engagement 8.1 config yet.",
  "  The guides do not name the parameter:",
  "  `webEngagement81.frontend.stickyParameter` (`gwe_route`) is a project default; set the name your Frontend Server uses.",
  "  The backend cookie name `ROUTEID` is a project default too (the guide's example is `RouteId`).",
  "- **Co-browse `gcbSessionServer` cookie**: Co-browse sets it when a session is created or an agent joins, and the balancer",
  '  routes on its value ("Stickiness", https://docs.genesys.com/Documentation/GCB/latest/Deployment/Stickiness; "Configuring',
  '  a Load Balancer for Co-browse Cluster", https://docs.genesys.com/Documentation/GCB/latest/Deployment/ConfigureLB). Neither',
  "  page says what the value is: `cobrowse.nodes.<key>.cookieValue` defaults to the node's `nodeId` (project default); read",
  "  the value from a node's `Set-Cookie` and set it when it differs.",
  '- **Co-browse `serverUrl`**: the cluster options say "You must leave serverUrl empty when using Workspace Desktop Edition" and',
  '  "You must specify serverUrl when using Workspace Web Edition" (cluster section,',
  "  https://docs.genesys.com/Documentation/GCB/8.5.0/Deployment/cluster). So `urlStickiness` defaults to true for",
  "  `workspaceWebEdition` only and is refused for `workspaceDesktopEdition`.",
  '- **Co-browse WebSockets**: "We highly recommend WebSocket support"; the balancer must carry HTTP and WebSocket at the same',
  "  time (ConfigureLB above). The ALB, nginx and httpd 2.4 configs pass WebSocket upgrades.",
  "- **Configuration Database**: one per Genesys environment, used by Configuration Server (Framework Database Connectivity",
  "  Reference, https://docs.genesys.com/Documentation/FR/latest/DBConn/Overview). Created databases use RDS engines of the DBMS",
  "  families Configuration Server supports (PostgreSQL, Microsoft SQL Server, Oracle; Db2 only as an existing database): check",
  "  the exact versions against the Genesys Supported Operating Environment Reference Guide for your release.",
  "- **Framework sizing**: `framework.capacity` figures are project defaults; the Framework guide refers to the Management",
  "  Framework section of the Genesys Hardware Sizing Guide. High availability adds spares only: CS Proxies as primary/backup",
  "  pairs, one spare Distributed SCS per site.",
  "",
];

function walk(schema: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  rows.push({
    path,
    type: typeOf(schema),
    required,
    defaultValue: effectiveDefault(schema),
    allowed: allowedOf(schema),
    description: describeDefault(schema, path),
  });
  if (schema.properties) {
    for (const [key, child] of Object.entries(schema.properties)) {
      walk(child, `${path}.${key}`, schema.required?.includes(key) ?? false, rows);
    }
  }
  if (isMap(schema)) walk(schema.additionalProperties as JsonSchema, `${path}.<key>`, true, rows);
  if (schema.type === "array" && schema.items?.properties) walk(schema.items, `${path}[]`, true, rows);
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderConfigReference(): string {
  const json = z.toJSONSchema(stackConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const lines = [
    "# Stack configuration reference",
    "",
    "Generated from `core/model/schema.ts` by `npm run docs:config`; a test fails when it is stale.",
    `Every key lives in the \`${CONFIG_NAMESPACE}:\` namespace of \`Pulumi.<stack>.yaml\`. Unknown keys are errors.`,
    "Cross-field rules (production needs balancers, multi-AZ and TLS; hostnames under `site.domain`;",
    "unique routes and application names; exactly one Framework master site…) live in `core/model/rules.ts`.",
    "",
    "| key | type | required | default | allowed | description |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const [key, child] of Object.entries(json.properties ?? {})) {
    const rows: Row[] = [];
    walk(child, `${CONFIG_NAMESPACE}:${key}`, json.required?.includes(key) ?? false, rows);
    for (const row of rows) {
      const def = row.defaultValue === undefined ? "" : `\`${JSON.stringify(row.defaultValue)}\``;
      lines.push(
        `| \`${row.path}\` | ${row.type} | ${row.required ? "yes" : ""} | ${cell(def)} | ${cell(row.allowed)} | ${cell(row.description)} |`,
      );
    }
  }
  lines.push("", ...subnetLayoutReference());
  lines.push(
    "",
    ...SOURCES,
    "## Secrets",
    "",
    "Set with `pulumi config set --secret genesys:<key> < file`; never part of the plain model. Synth names the ones a stack reads.",
    "",
  );
  for (const [key, about] of Object.entries(SECRET_DESCRIPTIONS))
    lines.push(`- \`${CONFIG_NAMESPACE}:${key}\`: ${about}`);
  return `${lines.join("\n")}\n`;
}
