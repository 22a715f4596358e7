/**
 * Reading resource properties the way a policy must during a preview: a value
 * the engine does not know yet (an id, an ARN, a DNS name of a resource still
 * to be created) throws when touched, so every read goes through `read`, which
 * turns that into UNKNOWN instead of failing the whole policy.
 */
import type { PolicyResource } from "./policy";

export const UNKNOWN: unique symbol = Symbol("unknown until the resource exists");

/** Inputs `read` found unknown while a policy ran (see trackUnknownReads), and whose props are whose. */
let unknownReads: Set<string> | undefined;
let owners: WeakMap<object, PolicyResource> | undefined;
let readRoot: unknown;

function unknownAt(path: readonly (string | number)[]): typeof UNKNOWN {
  const owner = readRoot !== null && typeof readRoot === "object" ? owners?.get(readRoot) : undefined;
  unknownReads?.add(`${path.join(".")}${owner ? ` of ${label(owner)}` : ""}`);
  return UNKNOWN;
}

/**
 * Runs a policy's check and returns, with its result, every input it found
 * unknown. A check that found nothing wrong but read an unknown input has not
 * passed: it could not tell (the runners report it "not evaluated").
 */
export function trackUnknownReads<T>(
  check: () => T,
  resources: readonly PolicyResource[] = [],
): { result: T; unknownInputs: string[] } {
  const outer = [unknownReads, owners] as const;
  unknownReads = new Set();
  owners = new WeakMap(resources.map((r) => [r.props as object, r]));
  try {
    const result = check();
    return { result, unknownInputs: [...unknownReads] };
  } finally {
    [unknownReads, owners] = outer;
  }
}

/** Runs `read`s whose unknown values do not count against the policy (a scan beyond what it must see). */
export function untracked<T>(run: () => T): T {
  const outer = unknownReads;
  unknownReads = undefined;
  try {
    return run();
  } finally {
    unknownReads = outer;
  }
}

/**
 * Whether an input is set, without reading it: a value still unknown in a
 * preview is set (the program gave one), so checks that only need presence
 * (a bucket for access logs) evaluate at preview.
 */
export function isSet(value: unknown, ...path: (string | number)[]): boolean {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return false;
    try {
      current = (current as Record<string | number, unknown>)[key];
    } catch {
      return true;
    }
  }
  return current !== undefined && current !== null && current !== "";
}

/** `read(props, "accessLogs", "enabled")`: undefined when absent, UNKNOWN when not known yet. */
export function read(value: unknown, ...path: (string | number)[]): unknown {
  readRoot = value;
  let current = value;
  for (const [i, key] of path.entries()) {
    if (current === UNKNOWN) return unknownAt(path.slice(0, i));
    if (current === null || typeof current !== "object") return undefined;
    try {
      current = (current as Record<string | number, unknown>)[key];
    } catch {
      return unknownAt(path.slice(0, i + 1));
    }
  }
  return current === UNKNOWN ? unknownAt(path) : current;
}

export function readString(value: unknown, ...path: (string | number)[]): string | undefined {
  const v = read(value, ...path);
  return typeof v === "string" ? v : undefined;
}

/** Elements of an array property, each read safely; [] when absent or unknown. */
export function readArray(value: unknown, ...path: (string | number)[]): unknown[] {
  const v = read(value, ...path);
  if (!Array.isArray(v)) return [];
  return Array.from({ length: v.length }, (_, i) => read(v, i));
}

/** Known string elements of an array property. */
export function readStrings(value: unknown, ...path: (string | number)[]): string[] {
  return readArray(value, ...path).filter((v): v is string => typeof v === "string");
}

/** Known string values of an object property (tags). */
export function readStringMap(value: unknown, ...path: (string | number)[]): Record<string, string> {
  const v = read(value, ...path);
  if (v === null || typeof v !== "object") return {};
  const out: Record<string, string> = {};
  for (const key of Object.keys(v)) {
    const item = read(v, key);
    if (typeof item === "string") out[key] = item;
  }
  return out;
}

export function tagsOf(resource: PolicyResource): Record<string, string> {
  return readStringMap(resource.props, "tags");
}

/** Resources an input property depends on, optionally of one type. */
export function dependenciesOf(resource: PolicyResource, property: string, type?: string): readonly PolicyResource[] {
  const deps = resource.propertyDependencies[property] ?? [];
  return type === undefined ? deps : deps.filter((d) => d.type === type);
}

/** Every known string anywhere in a value (rendered configs, scripts, user data). */
export function knownStrings(value: unknown, depth = 0): string[] {
  if (typeof value === "string") return [value];
  if (value === UNKNOWN || value === null || typeof value !== "object" || depth > 8) return [];
  return Object.keys(value).flatMap((k) => knownStrings(read(value, k), depth + 1));
}

const BASE64_TOKEN = /[A-Za-z0-9+/]{24,}={0,2}/g;
const PRINTABLE = /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/;

/**
 * Known strings plus the text inside base64 payloads among them: rendered
 * configs travel base64-encoded in provisioning scripts and user data.
 */
export function renderedTexts(value: unknown): string[] {
  const texts: string[] = [];
  for (const text of knownStrings(value)) {
    texts.push(text);
    for (const token of text.match(BASE64_TOKEN) ?? []) {
      if (token.length % 4 !== 0) continue;
      const decoded = Buffer.from(token, "base64").toString("utf8");
      if (decoded.length > 0 && !decoded.includes("\ufffd") && PRINTABLE.test(decoded)) texts.push(decoded);
    }
  }
  return texts;
}

/** The resource itself and its parents, nearest first. */
export function lineage(resource: PolicyResource): PolicyResource[] {
  const chain: PolicyResource[] = [];
  for (let r: PolicyResource | undefined = resource; r && chain.length < 64; r = r.parent) chain.push(r);
  return chain;
}

/** Compact label for messages: `aws:lb/targetGroup:TargetGroup "prod-t1-rws"`. */
export function label(resource: PolicyResource): string {
  return `${resource.type} "${resource.name}"`;
}
