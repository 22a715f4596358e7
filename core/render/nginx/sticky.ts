/**
 * Stickiness as nginx maps from a cookie or parameter value to an upstream
 * group NAME (never to a raw address: a name keeps the group's keepalive
 * connections and backups, and an unknown name would need a resolver).
 *
 * Only case-sensitive regex keys are used: plain map keys compare without
 * case, while Apache and the Genesys servers compare routes with case.
 */
import { block, directive, type Line } from "./conf-text";
import { bareWord, nginxLiteral, regexLiteral } from "./quote";

export interface MapEntry {
  /** A PCRE pattern; rendered as a case-sensitive regex key. */
  readonly pattern: string;
  /** The mapped value, already quoted or a bare word. */
  readonly value: string;
}

/** `map SOURCE $TARGET { default DEFAULT; "~PATTERN" VALUE; ... }` */
export function mapBlock(source: string, target: string, defaultValue: string, entries: readonly MapEntry[]): Line[] {
  return block(`map ${source} $${bareWord(target)}`, [
    directive("default", defaultValue),
    ...entries.map((e) => directive(nginxLiteral(`~${e.pattern}`), e.value)),
  ]);
}

/** The Apache rule: the route is the text after the FIRST dot of the value (`.GWE_Node_1`, `8F3A.RCS_1`). */
export function firstDotRoutePattern(route: string): string {
  return `^[^.]*\\.${regexLiteral(route)}$`;
}

/** Captures the route of a value by the first-dot rule. */
export const FIRST_DOT_ROUTE_CAPTURE = "^[^.]*\\.(.*)$";

/** The whole value, exactly and with case. */
export function exactPattern(value: string): string {
  return `^${regexLiteral(value)}$`;
}

/**
 * Captures the first value of a query parameter from `$args`. `$arg_NAME`
 * cannot name a parameter containing '-' (co-browse-node-id).
 */
export function firstParameterCapture(parameter: string): string {
  return `(?:^|&)${regexLiteral(parameter)}=([^&]*)`;
}

/** `$cookie_NAME`; nginx variable names take letters, digits and '_' only. */
export function cookieVariable(cookie: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(cookie))
    throw new Error(`cookie ${JSON.stringify(cookie)} cannot be read through $cookie_: only letters, digits and '_'`);
  return `$cookie_${cookie}`;
}
