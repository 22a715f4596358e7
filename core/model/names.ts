/**
 * Name grammars for every value that ends up in a resource name, a URL or a
 * generated server config. Each pattern excludes whitespace-at-ends, quotes,
 * angle brackets, '#', '$', '%', ';', '\\' and newlines, so no accepted value
 * can close an Apache section, start a directive, break nginx quoting or
 * expand a variable.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

/** A map key that names resources: `t1`, `GWE_Node_1`, `emea`. */
export const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
/** Tenant keys become URL path prefixes and AWS names: lowercase. */
const TENANT_KEY_PATTERN = /^[a-z][a-z0-9]{0,11}$/;
/**
 * A Genesys application name as typed in Genesys Administrator. Spaces are
 * allowed (they become `_` in routes); dots are not, because balancers take the
 * route after the first dot of a sticky value.
 */
export const APP_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 _-]{0,62}[A-Za-z0-9_-])?$/;
/** One DNS label; a hostname is one or more of them joined by dots. */
const DNS_LABEL = "(?!-)[a-z0-9-]{1,63}(?<!-)";
export const HOSTNAME_PATTERN = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})+$`);
/** A single URL path segment used after a tenant prefix (`recordings`, `dest2`). */
export const PATH_SEGMENT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** A value a Genesys node writes into a cookie or query string (`1`, `node-a`). */
export const STICKY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** An HTTP cookie or query parameter name (RFC 6265 token, conservatively). */
export const TOKEN_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const key = () =>
  z.string().regex(KEY_PATTERN, {
    message: "must start with a letter and contain only letters, digits, '_' or '-' (at most 32 characters)",
  });

export const tenantKey = () =>
  z.string().regex(TENANT_KEY_PATTERN, {
    message: "must be a lowercase letter followed by lowercase letters or digits (at most 12 characters), e.g. t1",
  });

export const appName = () =>
  z.string().regex(APP_NAME_PATTERN, {
    message:
      "must be 1-64 letters, digits, spaces, '_' or '-', starting with a letter or digit and not ending with a space (no dots: balancers route on the text after the first dot)",
  });

export const hostname = () =>
  z.string().regex(HOSTNAME_PATTERN, {
    message: "must be a lowercase DNS name with at least two labels, e.g. gwe.example.com",
  });

export const pathSegment = () =>
  z.string().regex(PATH_SEGMENT_PATTERN, {
    message: "must be one lowercase URL path segment of letters, digits, '_' or '-' (at most 32 characters)",
  });

export const stickyId = () =>
  z.string().regex(STICKY_ID_PATTERN, { message: "must be 1-32 letters, digits, '_' or '-'" });

export const tokenName = () =>
  z.string().regex(TOKEN_NAME_PATTERN, {
    message: "must be a cookie/parameter name: a letter, then letters, digits, '_' or '-'",
  });

export const port = () =>
  z
    .number({ error: "must be a TCP port number" })
    .int({ message: "must be an integer port" })
    .min(1, { message: "must be a port from 1 to 65535" })
    .max(65535, { message: "must be a port from 1 to 65535" });

export { isUnderDomain } from "./domain-names";

/**
 * Elastic Load Balancing names allow letters, digits and '-' only, and the
 * provider derives a target group's or balancer's AWS name from its resource
 * name, so '_' (allowed in node keys) becomes '-' there.
 */
export function elbResourceName(name: string): string {
  return name.replace(/_/g, "-");
}

/** What pulumi-aws appends to a name it generates: "-" and 7 random characters. */
const AUTO_NAME_SUFFIX_LENGTH = 8;
const NAME_HASH_LENGTH = 7;

/**
 * The explicit AWS name a resource needs when the provider's auto-name
 * (`<resource name>-` plus 7 random characters) would pass the type's
 * `maxLength`: the resource name cut short, then "-" and 7 hex characters of a
 * hash of the whole name, so names stay distinct and never change between
 * runs. Undefined when the auto-name fits, so resources that already exist
 * keep the name the provider gave them.
 */
export function fittedName(name: string, maxLength: number): string | undefined {
  if (name.length + AUTO_NAME_SUFFIX_LENGTH <= maxLength) return undefined;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, NAME_HASH_LENGTH);
  const head = name.slice(0, maxLength - NAME_HASH_LENGTH - 1).replace(/[-_.]+$/, "");
  return `${head}-${hash}`;
}
