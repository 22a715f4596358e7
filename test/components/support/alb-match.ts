/**
 * How an Application Load Balancer picks a listener rule for a request:
 * rules in priority order, every condition of a rule must match, the first
 * matching rule wins, else the default action. Pattern semantics follow the
 * ALB documentation: `*` is zero or more characters, `?` exactly one, `\`
 * escapes either; a pattern matches the whole value; header and query
 * comparisons ignore case, path comparisons do not. A path `regexValues`
 * expression is evaluated as a regular expression.
 */
import type { RuleCondition } from "../../../core/plan/alb-conditions";

export interface AlbRequest {
  /** Path without the query string, e.g. `/t1/api/v2/me`. */
  readonly path: string;
  /** Query pairs in order; a parameter may repeat. */
  readonly query?: readonly (readonly [string, string])[];
  /** Header lines in order; a name may repeat (HTTP/2 sends one `cookie` header per cookie). */
  readonly headers?: readonly (readonly [string, string])[];
}

export interface MatchableRule<Action> {
  readonly priority: number;
  readonly conditions: readonly RuleCondition[];
  readonly action: Action;
}

export function wildcardMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  let source = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (c === "*") source += "[\\s\\S]*";
    else if (c === "?") source += "[\\s\\S]";
    else source += escapeRegExp(c);
  }
  return new RegExp(`${source}$`, ignoreCase ? "i" : "").test(value);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

export function conditionMatches(condition: RuleCondition, request: AlbRequest): boolean {
  if ("pathPattern" in condition) {
    const path = condition.pathPattern;
    // A regex condition matches where its expression finds a match (anchors are the author's).
    return "regexValues" in path
      ? path.regexValues.some((r) => new RegExp(r).test(request.path))
      : path.values.some((p) => wildcardMatches(p, request.path, false));
  }
  if ("httpHeader" in condition) {
    const name = condition.httpHeader.httpHeaderName.toLowerCase();
    const lines = (request.headers ?? []).filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
    return lines.some((line) => condition.httpHeader.values.some((p) => wildcardMatches(p, line, true)));
  }
  const pairs = request.query ?? [];
  return condition.queryStrings.some((want) =>
    pairs.some(
      ([key, value]) =>
        (want.key === undefined || wildcardMatches(want.key, key, true)) && wildcardMatches(want.value, value, true),
    ),
  );
}

/** The action the balancer takes for `request`: the first rule (by priority) whose conditions all match. */
export function routeRequest<Action>(
  rules: readonly MatchableRule<Action>[],
  defaultAction: Action,
  request: AlbRequest,
): Action {
  const ordered = [...rules].sort((a, b) => a.priority - b.priority);
  return ordered.find((rule) => rule.conditions.every((c) => conditionMatches(c, request)))?.action ?? defaultAction;
}

/** A browser's Cookie header for these pairs, in RFC 6265 form. */
export function cookieHeader(pairs: readonly (readonly [string, string])[]): readonly [string, string] {
  return ["Cookie", pairs.map(([k, v]) => `${k}=${v}`).join("; ")];
}
