/**
 * A stand-in for the parts of AWS the pair's agents call, as strict as AWS on
 * each of them: the EC2 Query API (HTTPS, SigV4-signed form POSTs, XML in the
 * EC2 namespace, AWS's error codes) and the instance metadata service
 * (IMDSv2 only: a token PUT before every GET, as the pair's instances are
 * launched with `httpTokens: required`).
 *
 * Only the calls Debian's agents make are implemented, read from the agents:
 * - awsvip (resource-agents): IMDS instance-id, mac and the interface id of
 *   that mac; `aws ec2 describe-instances --instance-id`,
 *   `assign-private-ip-addresses --allow-reassignment`,
 *   `unassign-private-ip-addresses`.
 * - fence_aws (fence-agents, boto3): IMDS instance-id; DescribeInstances with
 *   an `instance-id` filter (status, its own state before fencing) or none
 *   (the device's monitor lists instances); StopInstances with Force;
 *   StartInstances.
 * - botocore and the AWS CLI on an instance with a role: IMDS
 *   iam/security-credentials (temporary credentials with a session token).
 * Any other action is refused with InvalidAction.
 *
 * Credentials are the instance role's, handed out by IMDS, so every request's
 * SigV4 signature is verified with the secret. Permissions are IAM policy
 * statements evaluated for each resource a call touches (Action, Resource ARN
 * with wildcards, `StringEquals` on `aws:ResourceTag/<key>`); anything not
 * allowed is UnauthorizedOperation. Instances move through pending, running,
 * stopping and stopped with delays; secondary private addresses move between
 * network interfaces with AWS's AllowReassignment rule.
 *
 * Run as a process (`tsx ec2-emulator.ts <world.json>`), it prints one JSON
 * event per line on stdout (every API call and its outcome, every instance
 * state and every address assignment, with the time) and takes commands on
 * stdin (`{"op":"snapshot"}`).
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createInterface } from "node:readline";

export interface EmulatedInstance {
  readonly id: string;
  /** Primary private address of its only network interface; IMDS knows the instance by it. */
  readonly privateIp: string;
  readonly networkInterfaceId: string;
  readonly mac: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface IamStatement {
  readonly Effect: "Allow";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface Ec2World {
  readonly region: string;
  readonly accountId: string;
  /** The instances' subnet (CIDR): secondary addresses must fall within it. */
  readonly subnetCidr: string;
  readonly instances: readonly EmulatedInstance[];
  /** Role of every instance (instance profile) and its identity-based policy statements. */
  readonly roleName: string;
  readonly policy: readonly IamStatement[];
  /** Force stop: stopping -> stopped. */
  readonly stopMs: number;
  /** Boot: pending -> running. */
  readonly startMs: number;
}

export interface EmulatorListen {
  /** Address the EC2 endpoint listens on (its hostname resolves there). */
  readonly apiAddress: string;
  readonly apiPort: number;
  readonly apiHostname: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly imdsAddress: string;
  readonly imdsPort: number;
}

export type InstanceState = "pending" | "running" | "stopping" | "stopped";
const STATE_CODES: Record<InstanceState, number> = { pending: 0, running: 16, stopping: 64, stopped: 80 };

export type EmulatorEvent =
  | {
      readonly at: number;
      readonly kind: "call";
      readonly action: string;
      readonly caller?: string;
      readonly error?: string;
    }
  | { readonly at: number; readonly kind: "state"; readonly instance: string; readonly state: InstanceState }
  | { readonly at: number; readonly kind: "assignment"; readonly address: string; readonly networkInterface?: string };

export interface Ec2Snapshot {
  readonly states: Record<string, InstanceState>;
  /** Secondary address -> network interface holding it. */
  readonly secondary: Record<string, string>;
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const ENI_ID = /^eni-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const IMDS_TOKEN_TTL_MAX = 21600;
/** AWS refuses signed requests whose time is further than this from its own. */
const MAX_CLOCK_SKEW_MS = 15 * 60_000;

function ipv4ToInt(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const a = ipv4ToInt(address);
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(a / size) === Math.floor(b / size);
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function wildcardMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(value);
}

const asList = (v: string | readonly string[]) => (typeof v === "string" ? [v] : v);

/** `Prefix.1`, `Prefix.2`, … in order, until the first gap, as EC2 reads list parameters. */
function listParam(params: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) values.push(params.get(`${prefix}.${i}`)!);
  return values;
}

interface Session {
  readonly instanceId: string;
  readonly secret: string;
  readonly token: string;
}

export class Ec2Emulator extends EventEmitter {
  private readonly states = new Map<string, InstanceState>();
  /** Secondary private address -> network interface id. */
  private readonly secondary = new Map<string, string>();
  private readonly sessions = new Map<string, Session>();
  private readonly imdsTokens = new Map<string, { source: string; expires: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly world: Ec2World) {
    super();
    for (const instance of world.instances) this.states.set(instance.id, "running");
  }

  snapshot(): Ec2Snapshot {
    return { states: Object.fromEntries(this.states), secondary: Object.fromEntries(this.secondary) };
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private emitEvent(event: EmulatorEvent): void {
    this.emit("event", event);
  }

  private setState(id: string, state: InstanceState): void {
    this.states.set(id, state);
    this.emitEvent({ at: Date.now(), kind: "state", instance: id, state });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private instanceByIp(address: string): EmulatedInstance | undefined {
    return this.world.instances.find((i) => i.privateIp === address);
  }

  // ---- IMDS ----

  /** The instance metadata service as the instance at `source` sees it; IMDSv2 only. */
  imds(method: string, path: string, headers: IncomingMessage["headers"], source: string): [number, string] {
    const instance = this.instanceByIp(source);
    if (!instance || this.states.get(instance.id) !== "running") return [403, "Forbidden"];
    if (path === "/latest/api/token") {
      if (method !== "PUT") return [405, "Method Not Allowed"];
      if (headers["x-forwarded-for"] !== undefined) return [403, "Forbidden"];
      const ttl = Number(headers["x-aws-ec2-metadata-token-ttl-seconds"]);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > IMDS_TOKEN_TTL_MAX) return [400, "Bad Request"];
      const token = randomBytes(32).toString("base64url");
      this.imdsTokens.set(token, { source, expires: Date.now() + ttl * 1000 });
      return [200, token];
    }
    if (method !== "GET") return [405, "Method Not Allowed"];
    const token = this.imdsTokens.get(String(headers["x-aws-ec2-metadata-token"] ?? ""));
    if (!token || token.source !== source || token.expires < Date.now()) return [401, "Unauthorized"];
    const w = this.world;
    const meta = "/latest/meta-data/";
    const credentials = `${meta}iam/security-credentials/`;
    const paths: Record<string, () => string> = {
      [`${meta}instance-id`]: () => instance.id,
      [`${meta}mac`]: () => instance.mac,
      [`${meta}local-ipv4`]: () => instance.privateIp,
      [`${meta}network/interfaces/macs/${instance.mac}/interface-id`]: () => instance.networkInterfaceId,
      [`${meta}placement/region`]: () => w.region,
      [credentials]: () => w.roleName,
      [`${credentials}${w.roleName}`]: () => JSON.stringify(this.issueCredentials(instance.id)),
    };
    const answer = paths[path];
    return answer ? [200, answer()] : [404, "Not Found"];
  }

  private issueCredentials(instanceId: string) {
    const key = `ASIA${randomBytes(8).toString("hex").toUpperCase()}`;
    const session: Session = {
      instanceId,
      secret: randomBytes(30).toString("base64"),
      token: randomBytes(48).toString("base64"),
    };
    this.sessions.set(key, session);
    const now = new Date();
    return {
      Code: "Success",
      LastUpdated: now.toISOString().replace(/\.\d+Z$/, "Z"),
      Type: "AWS-HMAC",
      AccessKeyId: key,
      SecretAccessKey: session.secret,
      Token: session.token,
      Expiration: new Date(now.getTime() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z"),
    };
  }

  // ---- EC2 Query API ----

  /** One Query API request; returns the HTTP status and the XML body. */
  query(method: string, path: string, headers: IncomingMessage["headers"], body: string): [number, string] {
    const requestId = randomUUID();
    let action = "";
    let caller: string | undefined;
    try {
      if (method !== "POST" && method !== "GET") throw new ApiError("InvalidHttpRequest", `${method} is not supported`);
      const [pathOnly, rawQuery = ""] = path.split("?");
      const params = new URLSearchParams(method === "POST" ? body : rawQuery);
      action = params.get("Action") ?? "";
      caller = this.authenticate(method, pathOnly, rawQuery, headers, body).instanceId;
      if (!action) throw new ApiError("MissingAction", "The request must contain the parameter Action");
      const version = params.get("Version");
      if (!version) throw new ApiError("MissingParameter", "The request must contain the parameter Version");
      if (!VERSION_PATTERN.test(version)) throw new ApiError("InvalidParameterValue", `Invalid Version: ${version}`);
      const xml = this.dispatch(action, params, caller);
      this.emitEvent({ at: Date.now(), kind: "call", action, caller });
      const tag = `${action}Response`;
      return [
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<${tag} xmlns="http://ec2.amazonaws.com/doc/${version}/"><requestId>${requestId}</requestId>${xml}</${tag}>`,
      ];
    } catch (error) {
      const e =
        error instanceof ApiError ? error : new ApiError("InternalError", (error as Error).message ?? "error", 500);
      this.emitEvent({ at: Date.now(), kind: "call", action: action || "(none)", caller, error: e.code });
      return [
        e.status,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      ];
    }
  }

  /** Verifies the SigV4 signature with the session's secret; returns the session. */
  private authenticate(
    method: string,
    path: string,
    rawQuery: string,
    headers: IncomingMessage["headers"],
    body: string,
  ): Session {
    const authorization = String(headers.authorization ?? "");
    if (!authorization)
      throw new ApiError("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/,]+)\/(\d{8})\/([^/,]+)\/([^/,]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!m) throw new ApiError("IncompleteSignature", "The request signature does not conform to AWS standards", 400);
    const [, keyId, date, region, service, signedHeaders, signature] = m;
    const session = this.sessions.get(keyId);
    if (!session)
      throw new ApiError("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
    if (region !== this.world.region || service !== "ec2")
      throw new ApiError(
        "AuthFailure",
        `Credential should be scoped to a valid region and service ec2, not '${region}/${service}'`,
        401,
      );
    if (String(headers["x-amz-security-token"] ?? "") !== session.token)
      throw new ApiError("AuthFailure", "The security token included in the request is invalid", 401);
    const amzDate = String(headers["x-amz-date"] ?? "");
    const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!signedAt || !amzDate.startsWith(date))
      throw new ApiError("IncompleteSignature", "X-Amz-Date is missing or does not match the credential scope");
    const time = Date.UTC(+signedAt[1], +signedAt[2] - 1, +signedAt[3], +signedAt[4], +signedAt[5], +signedAt[6]);
    if (Math.abs(Date.now() - time) > MAX_CLOCK_SKEW_MS)
      throw new ApiError("RequestExpired", `Request has expired. Timestamp date is ${amzDate}`);
    const names = signedHeaders.split(";");
    if (!names.includes("host") || !names.includes("x-amz-date"))
      throw new ApiError("IncompleteSignature", "SignedHeaders must include host and x-amz-date");
    const canonicalHeaders = names
      .map(
        (name) =>
          `${name}:${String(headers[name] ?? "")
            .trim()
            .replace(/\s+/g, " ")}\n`,
      )
      .join("");
    const canonicalQuery = [...new URLSearchParams(rawQuery)]
      .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)])
      .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
    const canonicalRequest = [method, path || "/", canonicalQuery, canonicalHeaders, signedHeaders, sha(body)].join(
      "\n",
    );
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha(canonicalRequest)].join("\n");
    const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
    const signingKey = [date, region, service, "aws4_request"].reduce<Buffer | string>(
      (key, part) => hmac(key, part),
      `AWS4${session.secret}`,
    );
    if (createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex") !== signature)
      throw new ApiError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided",
        403,
      );
    return session;
  }

  private arn(kind: "instance" | "network-interface", id: string): string {
    return `arn:aws:ec2:${this.world.region}:${this.world.accountId}:${kind}/${id}`;
  }

  /** IAM: some Allow statement matches the action, the resource and its conditions; else UnauthorizedOperation. */
  private authorize(
    action: string,
    caller: string,
    resource: string,
    tags: Readonly<Record<string, string>> = {},
  ): void {
    const allowed = this.world.policy.some(
      (s) =>
        s.Effect === "Allow" &&
        asList(s.Action).some((a) => wildcardMatch(a.toLowerCase(), `ec2:${action}`.toLowerCase())) &&
        asList(s.Resource).some((r) => wildcardMatch(r, resource)) &&
        Object.entries(s.Condition ?? {}).every(([operator, conditions]) => {
          if (operator !== "StringEquals") return false;
          return Object.entries(conditions).every(([key, value]) => {
            const tag = /^aws:ResourceTag\/(.+)$/.exec(key);
            return tag !== null && tags[tag[1]] === value;
          });
        }),
    );
    if (!allowed)
      throw new ApiError(
        "UnauthorizedOperation",
        `You are not authorized to perform this operation. User: arn:aws:sts::${this.world.accountId}:assumed-role/${this.world.roleName}/${caller} is not authorized to perform: ec2:${action} on resource: ${resource} because no identity-based policy allows the ec2:${action} action`,
        403,
      );
  }

  private instance(id: string): EmulatedInstance {
    if (!INSTANCE_ID.test(id)) throw new ApiError("InvalidInstanceID.Malformed", `Invalid id: "${id}"`);
    const found = this.world.instances.find((i) => i.id === id);
    if (!found) throw new ApiError("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
    return found;
  }

  private dispatch(action: string, params: URLSearchParams, caller: string): string {
    switch (action) {
      case "DescribeInstances":
        return this.describeInstances(params, caller);
      case "StopInstances":
        return this.stopInstances(params, caller);
      case "StartInstances":
        return this.startInstances(params, caller);
      case "AssignPrivateIpAddresses":
        return this.assignPrivateIpAddresses(params, caller);
      case "UnassignPrivateIpAddresses":
        return this.unassignPrivateIpAddresses(params, caller);
      default:
        throw new ApiError(
          "InvalidAction",
          `The action ${action} is not valid for this web service (only the calls of awsvip and fence_aws are emulated)`,
        );
    }
  }

  private describeInstances(params: URLSearchParams, caller: string): string {
    this.authorize("DescribeInstances", caller, "*");
    const ids = listParam(params, "InstanceId");
    let instances = ids.length > 0 ? ids.map((id) => this.instance(id)) : [...this.world.instances];
    for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
      const name = params.get(`Filter.${i}.Name`)!;
      const values = listParam(params, `Filter.${i}.Value`);
      const valueOf = (inst: EmulatedInstance): string | undefined => {
        if (name === "instance-id") return inst.id;
        if (name === "instance-state-name") return this.states.get(inst.id);
        if (name === "network-interface.network-interface-id") return inst.networkInterfaceId;
        if (name.startsWith("tag:")) return inst.tags[name.slice(4)];
        throw new ApiError("InvalidParameterValue", `The filter '${name}' is invalid`);
      };
      instances = instances.filter((inst) => {
        const v = valueOf(inst);
        return v !== undefined && values.some((pattern) => wildcardMatch(pattern, v));
      });
    }
    const items = instances.map((inst) => {
      const state = this.states.get(inst.id)!;
      const addresses = [
        `<item><privateIpAddress>${inst.privateIp}</privateIpAddress><primary>true</primary></item>`,
        ...[...this.secondary]
          .filter(([, eni]) => eni === inst.networkInterfaceId)
          .map(([a]) => `<item><privateIpAddress>${a}</privateIpAddress><primary>false</primary></item>`),
      ].join("");
      const tags = Object.entries(inst.tags)
        .map(([k, v]) => `<item><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></item>`)
        .join("");
      return (
        `<item><reservationId>r-${inst.id.slice(2)}</reservationId><ownerId>${this.world.accountId}</ownerId><groupSet/>` +
        `<instancesSet><item><instanceId>${inst.id}</instanceId><imageId>ami-0123456789abcdef0</imageId>` +
        `<instanceState><code>${STATE_CODES[state]}</code><name>${state}</name></instanceState>` +
        `<privateIpAddress>${inst.privateIp}</privateIpAddress><instanceType>m5.large</instanceType>` +
        `<networkInterfaceSet><item><networkInterfaceId>${inst.networkInterfaceId}</networkInterfaceId>` +
        `<macAddress>${inst.mac}</macAddress><privateIpAddress>${inst.privateIp}</privateIpAddress>` +
        `<privateIpAddressesSet>${addresses}</privateIpAddressesSet></item></networkInterfaceSet>` +
        `<tagSet>${tags}</tagSet></item></instancesSet></item>`
      );
    });
    return `<reservationSet>${items.join("")}</reservationSet>`;
  }

  private stateChange(id: string, previous: InstanceState, current: InstanceState): string {
    return (
      `<item><instanceId>${id}</instanceId>` +
      `<currentState><code>${STATE_CODES[current]}</code><name>${current}</name></currentState>` +
      `<previousState><code>${STATE_CODES[previous]}</code><name>${previous}</name></previousState></item>`
    );
  }

  private instancesFor(action: string, params: URLSearchParams, caller: string): EmulatedInstance[] {
    const ids = listParam(params, "InstanceId");
    if (ids.length === 0) throw new ApiError("MissingParameter", "The request must contain the parameter InstanceId");
    const instances = ids.map((id) => this.instance(id));
    // IAM is checked for every instance before any of them changes.
    for (const inst of instances) this.authorize(action, caller, this.arn("instance", inst.id), inst.tags);
    return instances;
  }

  private stopInstances(params: URLSearchParams, caller: string): string {
    const instances = this.instancesFor("StopInstances", params, caller);
    for (const inst of instances) {
      const state = this.states.get(inst.id)!;
      if (state === "pending")
        throw new ApiError(
          "IncorrectInstanceState",
          `The instance '${inst.id}' is not in a state from which it can be stopped.`,
        );
    }
    const items = instances.map((inst) => {
      const previous = this.states.get(inst.id)!;
      if (previous === "running") {
        this.setState(inst.id, "stopping");
        this.later(this.world.stopMs, () => this.setState(inst.id, "stopped"));
      }
      return this.stateChange(inst.id, previous, this.states.get(inst.id)!);
    });
    return `<instancesSet>${items.join("")}</instancesSet>`;
  }

  private startInstances(params: URLSearchParams, caller: string): string {
    const instances = this.instancesFor("StartInstances", params, caller);
    for (const inst of instances) {
      if (this.states.get(inst.id) === "stopping")
        throw new ApiError(
          "IncorrectInstanceState",
          `The instance '${inst.id}' is not in a state from which it can be started.`,
        );
    }
    const items = instances.map((inst) => {
      const previous = this.states.get(inst.id)!;
      if (previous === "stopped") {
        this.setState(inst.id, "pending");
        this.later(this.world.startMs, () => this.setState(inst.id, "running"));
      }
      return this.stateChange(inst.id, previous, this.states.get(inst.id)!);
    });
    return `<instancesSet>${items.join("")}</instancesSet>`;
  }

  private networkInterface(params: URLSearchParams, action: string, caller: string): EmulatedInstance {
    const id = params.get("NetworkInterfaceId");
    if (!id) throw new ApiError("MissingParameter", "The request must contain the parameter NetworkInterfaceId");
    if (!ENI_ID.test(id)) throw new ApiError("InvalidNetworkInterfaceID.Malformed", `Invalid id: "${id}"`);
    const owner = this.world.instances.find((i) => i.networkInterfaceId === id);
    if (!owner)
      throw new ApiError("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`);
    this.authorize(action, caller, this.arn("network-interface", id));
    return owner;
  }

  private assignPrivateIpAddresses(params: URLSearchParams, caller: string): string {
    const owner = this.networkInterface(params, "AssignPrivateIpAddresses", caller);
    const eni = owner.networkInterfaceId;
    const addresses = listParam(params, "PrivateIpAddress");
    if (addresses.length === 0 && !params.has("SecondaryPrivateIpAddressCount"))
      throw new ApiError("MissingParameter", "Either PrivateIpAddress or SecondaryPrivateIpAddressCount is required");
    if (addresses.length === 0)
      throw new ApiError("InvalidParameterValue", "SecondaryPrivateIpAddressCount is not emulated; name the address");
    const reassign = params.get("AllowReassignment") === "true";
    for (const address of addresses) {
      if (ipv4ToInt(address) === undefined)
        throw new ApiError("InvalidParameterValue", `Value (${address}) for parameter privateIpAddress is invalid.`);
      if (!inCidr(address, this.world.subnetCidr))
        throw new ApiError(
          "InvalidParameterValue",
          `Address ${address} does not fall within the subnet's address range`,
        );
      const primaryOf = this.world.instances.find((i) => i.privateIp === address);
      if (primaryOf)
        throw new ApiError(
          "PrivateIpAddressInUse",
          `Address ${address} is the primary address of ${primaryOf.networkInterfaceId}`,
        );
      const holder = this.secondary.get(address);
      if (holder !== undefined && holder !== eni && !reassign)
        throw new ApiError("PrivateIpAddressInUse", `Address ${address} is in use.`);
    }
    for (const address of addresses) {
      if (this.secondary.get(address) === eni) continue;
      this.secondary.set(address, eni);
      this.emitEvent({ at: Date.now(), kind: "assignment", address, networkInterface: eni });
    }
    return (
      `<networkInterfaceId>${eni}</networkInterfaceId><assignedPrivateIpAddressesSet>` +
      addresses.map((a) => `<item><privateIpAddress>${a}</privateIpAddress></item>`).join("") +
      `</assignedPrivateIpAddressesSet><return>true</return>`
    );
  }

  private unassignPrivateIpAddresses(params: URLSearchParams, caller: string): string {
    const owner = this.networkInterface(params, "UnassignPrivateIpAddresses", caller);
    const eni = owner.networkInterfaceId;
    const addresses = listParam(params, "PrivateIpAddress");
    if (addresses.length === 0)
      throw new ApiError("MissingParameter", "The request must contain the parameter PrivateIpAddress");
    for (const address of addresses) {
      if (this.secondary.get(address) !== eni)
        throw new ApiError(
          "InvalidParameterValue",
          `Some of the specified addresses are not assigned to interface ${eni}`,
        );
    }
    for (const address of addresses) {
      this.secondary.delete(address);
      this.emitEvent({ at: Date.now(), kind: "assignment", address });
    }
    return "<return>true</return>";
  }
}

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > limit) req.destroy(new Error("request body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Starts both endpoints; resolves once they listen. */
export async function listenEc2Emulator(emulator: Ec2Emulator, listen: EmulatorListen): Promise<() => Promise<void>> {
  const api = createHttpsServer(
    { cert: readFileSync(listen.certFile), key: readFileSync(listen.keyFile) },
    (req, res) => {
      void readBody(req).then(
        (body) => {
          const host = String(req.headers.host ?? "");
          if (host !== listen.apiHostname && host !== `${listen.apiHostname}:${listen.apiPort}`)
            return reply(
              res,
              400,
              "<Response><Errors><Error><Code>InvalidHostHeader</Code></Error></Errors></Response>",
              "text/xml",
            );
          const [status, xml] = emulator.query(req.method ?? "", req.url ?? "/", req.headers, body);
          reply(res, status, xml, "text/xml;charset=UTF-8");
        },
        () => res.destroy(),
      );
    },
  );
  const imds = createHttpServer((req, res) => {
    void readBody(req).then(
      () => {
        const source = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
        const [status, text] = emulator.imds(req.method ?? "", req.url ?? "/", req.headers, source);
        reply(res, status, text, "text/plain");
      },
      () => res.destroy(),
    );
  });
  await Promise.all([
    new Promise<void>((r) => api.listen(listen.apiPort, listen.apiAddress, r)),
    new Promise<void>((r) => imds.listen(listen.imdsPort, listen.imdsAddress, r)),
  ]);
  return async () => {
    emulator.dispose();
    api.closeAllConnections();
    imds.closeAllConnections();
    await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => imds.close(r))]);
  };
}

/** Process entry: world and listen settings in a JSON file; events out on stdout, commands in on stdin. */
async function main(): Promise<void> {
  const { world, listen } = JSON.parse(readFileSync(process.argv[2], "utf8")) as {
    world: Ec2World;
    listen: EmulatorListen;
  };
  const emulator = new Ec2Emulator(world);
  emulator.on("event", (event: EmulatorEvent) => process.stdout.write(`${JSON.stringify(event)}\n`));
  await listenEc2Emulator(emulator, listen);
  process.stdout.write(`${JSON.stringify({ at: Date.now(), kind: "listening" })}\n`);
  createInterface({ input: process.stdin }).on("line", (line) => {
    const command = JSON.parse(line) as { op: string };
    if (command.op === "snapshot")
      process.stdout.write(`${JSON.stringify({ at: Date.now(), kind: "snapshot", ...emulator.snapshot() })}\n`);
  });
  process.stdin.on("end", () => process.exit(0));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
