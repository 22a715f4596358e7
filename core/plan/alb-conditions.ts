/**
 * Listener-rule conditions that make an Application Load Balancer route on a
 * sticky value the way Apache's `stickysession` does, plus the priorities and
 * quotas those rules live under. Pulumi-free: the shapes are the ones
 * `aws.lb.ListenerRule` takes, so tests can evaluate the registered inputs.
 */
import type { ConfigProblem, PathSegment } from "../model/problems";

/** Per-rule limits of ALB listener rules (AWS: "Condition types for listener rules"). */
export const RULE_LIMITS = {
  /** Match values in one condition (a header or path condition's `values`, a query condition's pairs). */
  valuesPerCondition: 3,
  /** Match values over all conditions of one rule. */
  valuesPerRule: 5,
  /** `*` and `?` over all conditions of one rule. */
  wildcardsPerRule: 5,
  /** Characters in one match value. */
  valueLength: 128,
  /** Lowest and highest rule priority on a listener. */
  firstPriority: 1,
  lastPriority: 50000,
} as const;

export interface HttpHeaderCondition {
  readonly httpHeader: { readonly httpHeaderName: string; readonly values: string[] };
}
export interface QueryStringCondition {
  readonly queryStrings: { readonly key?: string; readonly value: string }[];
}
export interface PathPatternCondition {
  readonly pathPattern: { readonly values: string[] };
}
/** A path condition by regular expression (`regexValues`): no wildcards, any visible ASCII character. */
export interface PathRegexCondition {
  readonly pathPattern: { readonly regexValues: string[] };
}
export type RuleCondition = HttpHeaderCondition | QueryStringCondition | PathPatternCondition | PathRegexCondition;

/** Sticky values reach ALB patterns verbatim; the model's grammars already exclude these. */
function assertLiteral(value: string, what: string): void {
  if (/[*?\\\s;,]/.test(value) || value.length === 0) {
    throw new Error(
      `${what} ${JSON.stringify(value)} cannot be matched exactly by an ALB rule: it must not be empty or contain '*', '?', '\\', ';', ',' or spaces`,
    );
  }
}

/**
 * Header conditions that match a cookie whose value is exactly `value`.
 *
 * ALB compares the whole `Cookie` header against each pattern, so
 * `*gcbSessionServer=1*` would also take `gcbSessionServer=12` and
 * `xgcbSessionServer=1`. The cookie pair is exact only when bounded on both
 * sides: by the start of the header or the "; " that RFC 6265 puts between
 * pairs, and by a ";" or the end of the header. Those four shapes need four
 * values, more than one condition may hold, so they come as two rules: the
 * cookie first (or alone, as HTTP/2 sends each cookie in its own header) and
 * the cookie after another one.
 */
export function exactCookieConditions(cookieName: string, value: string): HttpHeaderCondition[] {
  assertLiteral(cookieName, "Cookie name");
  assertLiteral(value, "Cookie value");
  const pair = `${cookieName}=${value}`;
  return [
    { httpHeader: { httpHeaderName: "Cookie", values: [pair, `${pair};*`] } },
    { httpHeader: { httpHeaderName: "Cookie", values: [`*; ${pair}`, `*; ${pair};*`] } },
  ];
}

/** A query parameter with exactly this value: ALB matches a pair's whole value, so no wildcard is needed. */
export function exactQueryCondition(parameter: string, value: string): QueryStringCondition {
  assertLiteral(parameter, "Query parameter");
  assertLiteral(value, "Query value");
  return { queryStrings: [{ key: parameter, value }] };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A query parameter equal to any one of `values` (each literal), e.g. the encoded forms of one value. */
export function exactQueryValuesCondition(parameter: string, values: readonly string[]): QueryStringCondition {
  assertLiteral(parameter, "Query parameter");
  for (const value of values) assertLiteral(value, "Query value");
  return { queryStrings: values.map((value) => ({ key: parameter, value })) };
}

/**
 * The same parameter written into the path the servlet way (`/chat;gwe_route=.GWE_FE_1`),
 * which a query-string condition never sees: bounded by the end of the path,
 * the next path parameter or the next segment. ALB path patterns (`values`)
 * reject ';' and '=', so this is a regular expression (`regexValues`), anchored
 * at both ends, using none of the features ALB regexes lack.
 */
export function exactPathParameterCondition(parameter: string, value: string): PathRegexCondition {
  assertLiteral(parameter, "Path parameter");
  assertLiteral(value, "Path parameter value");
  return { pathPattern: { regexValues: [`^.*;${escapeRegex(parameter)}=${escapeRegex(value)}([;/].*)?$`] } };
}

/** Path conditions publishing `prefixes` the way Apache's ProxyPass matches them (plain prefix), at most 3 per rule. */
export function pathPrefixConditions(prefixes: readonly string[]): PathPatternCondition[] {
  const chunks: PathPatternCondition[] = [];
  for (let i = 0; i < prefixes.length; i += RULE_LIMITS.valuesPerCondition) {
    chunks.push({ pathPattern: { values: prefixes.slice(i, i + RULE_LIMITS.valuesPerCondition).map((p) => `${p}*`) } });
  }
  return chunks;
}

function conditionValues(condition: RuleCondition): readonly string[] {
  if ("httpHeader" in condition) return condition.httpHeader.values;
  if ("pathPattern" in condition)
    return "values" in condition.pathPattern ? condition.pathPattern.values : condition.pathPattern.regexValues;
  return condition.queryStrings.flatMap((pair) => (pair.key === undefined ? [pair.value] : [pair.key, pair.value]));
}

function countWildcards(pattern: string): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "*" || pattern[i] === "?") count++;
  }
  return count;
}

/** Every way a rule's conditions break the per-rule quotas; empty when the rule fits. */
export function ruleLimitProblems(conditions: readonly RuleCondition[]): string[] {
  const problems: string[] = [];
  let values = 0;
  let wildcards = 0;
  for (const condition of conditions) {
    const own = "queryStrings" in condition ? condition.queryStrings.length : conditionValues(condition).length;
    if (own > RULE_LIMITS.valuesPerCondition)
      problems.push(`a condition has ${own} values (at most ${RULE_LIMITS.valuesPerCondition})`);
    values += own;
    const isRegex = "pathPattern" in condition && "regexValues" in condition.pathPattern;
    for (const value of conditionValues(condition)) {
      if (!isRegex) wildcards += countWildcards(value);
      if (value.length > RULE_LIMITS.valueLength)
        problems.push(`value ${JSON.stringify(value)} is longer than ${RULE_LIMITS.valueLength} characters`);
    }
  }
  if (values > RULE_LIMITS.valuesPerRule)
    problems.push(`the rule has ${values} match values (at most ${RULE_LIMITS.valuesPerRule})`);
  if (wildcards > RULE_LIMITS.wildcardsPerRule)
    problems.push(`the rule has ${wildcards} wildcards (at most ${RULE_LIMITS.wildcardsPerRule})`);
  return problems;
}

/** A range of listener priorities; lower numbers are evaluated first. */
export interface PriorityBand {
  readonly first: number;
  readonly last: number;
}

/** The whole priority range cut into `count` equal bands, evaluated in order. */
export function priorityBands(count: number): PriorityBand[] {
  const size = Math.floor((RULE_LIMITS.lastPriority - RULE_LIMITS.firstPriority + 1) / count);
  return Array.from({ length: count }, (_, i) => ({
    first: RULE_LIMITS.firstPriority + i * size,
    last: RULE_LIMITS.firstPriority + (i + 1) * size - 1,
  }));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const naturalOrder = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/**
 * A priority per rule key, derived from the key itself: adding or removing a
 * rule leaves every other rule's priority alone unless two keys hash to the
 * same slot, when the later key in natural order takes the next free one.
 */
export function stablePriorities(keys: readonly string[], band: PriorityBand): Map<string, number> {
  const size = band.last - band.first + 1;
  if (keys.length > size) throw new Error(`${keys.length} rules do not fit priorities ${band.first}-${band.last}`);
  const taken = new Set<number>();
  const priorities = new Map<string, number>();
  for (const key of [...keys].sort(naturalOrder)) {
    if (priorities.has(key)) throw new Error(`rule key ${JSON.stringify(key)} is used twice`);
    let slot = fnv1a(key) % size;
    while (taken.has(slot)) slot = (slot + 1) % size;
    taken.add(slot);
    priorities.set(key, band.first + slot);
  }
  return priorities;
}

/**
 * ALB compares header and query values without regard to case, so sticky
 * values that differ only in case (routes `GWE_A` and `gwe_a`) would share a
 * rule's match. Returns a problem for each such value after the first.
 */
export function caseCollisions(
  values: readonly { readonly path: readonly PathSegment[]; readonly value: string }[],
): ConfigProblem[] {
  const seen = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const { path, value } of values) {
    const folded = value.toLowerCase();
    const first = seen.get(folded);
    if (first !== undefined && first !== value) {
      problems.push({
        path,
        value,
        message: `matches "${first}" on an ALB, which compares cookie and URL values without regard to case; make them differ in more than case`,
      });
    } else seen.set(folded, value);
  }
  return problems;
}
