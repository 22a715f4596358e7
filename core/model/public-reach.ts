/**
 * What "open to the world" means for a CIDR: it reaches well beyond private
 * address space. One definition, read by the model's rules and by every policy
 * that judges an ingress source; free of imports so the policy pack can read it.
 *
 * A CIDR reaches the world when it covers more public addresses than one
 * organisation's network plausibly holds:
 *   - IPv4: more than 65,536 public addresses (wider than a /16 of public space);
 *   - IPv6: more than 2^80 global unicast addresses (wider than a /48, one site's assignment).
 * Public means outside the ranges no internet host can hold: RFC 1918 private
 * space, carrier-grade NAT, loopback, link-local, multicast and reserved
 * blocks (IPv4); everything outside 2000::/3 global unicast (IPv6). So
 * 0.0.0.0/1, 128.0.0.0/2 and ::/0 reach the world; 10.0.0.0/8, a VPC CIDR or a
 * public /24 office range do not.
 */

const WORLD_THRESHOLD_IPV4 = 2 ** 16;
const WORLD_THRESHOLD_IPV6 = 2n ** 80n;

interface Block {
  readonly base: bigint;
  readonly prefix: number;
}

/** IPv4 blocks no internet host can hold (RFC 6890 special-purpose registry, the wide ones). */
const NON_PUBLIC_IPV4: readonly string[] = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/** The only IPv6 space routed on the internet today. */
const GLOBAL_UNICAST_IPV6 = "2000::/3";

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:]+$/.test(text) || text.split("::").length > 2) return undefined;
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) return undefined;
  const all = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (all.length !== 8 || !all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => acc * 65536n + BigInt(`0x${g}`), 0n);
}

/** `10.0.0.0/8` or `2001:db8::/32`, with the family's width; undefined when malformed or host bits are set. */
function parseAnyCidr(text: string): (Block & { readonly bits: 32 | 128 }) | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const v6 = match[1].includes(":");
  const bits = v6 ? 128 : 32;
  const base = v6 ? parseIpv6(match[1]) : parseIpv4(match[1]);
  const prefix = Number(match[2]);
  if (base === undefined || prefix > bits) return undefined;
  if (base % 2n ** BigInt(bits - prefix) !== 0n) return undefined;
  return { base, prefix, bits };
}

const size = (b: Block, bits: number) => 2n ** BigInt(bits - b.prefix);

/** Addresses two blocks of one family share (blocks nest or are disjoint). */
function overlap(a: Block, b: Block, bits: number): bigint {
  const [wide, narrow] = a.prefix <= b.prefix ? [a, b] : [b, a];
  const inside = narrow.base >= wide.base && narrow.base < wide.base + size(wide, bits);
  return inside ? size(narrow, bits) : 0n;
}

const block = (text: string) => parseAnyCidr(text) as Block;

/** Public addresses a CIDR covers; undefined when it is not a CIDR. */
export function publicAddressCount(cidr: string): bigint | undefined {
  const parsed = parseAnyCidr(cidr);
  if (!parsed) return undefined;
  if (parsed.bits === 128) return overlap(parsed, block(GLOBAL_UNICAST_IPV6), 128);
  const reserved = NON_PUBLIC_IPV4.reduce((sum, r) => sum + overlap(parsed, block(r), 32), 0n);
  return size(parsed, 32) - reserved;
}

/**
 * True when the CIDR reaches the world (see above). A value that is not a
 * CIDR counts as the world: a source that cannot be read is not trusted.
 */
export function reachesWorld(cidr: string): boolean {
  const parsed = parseAnyCidr(cidr);
  const count = publicAddressCount(cidr);
  if (!parsed || count === undefined) return true;
  return parsed.bits === 128 ? count > WORLD_THRESHOLD_IPV6 : count > BigInt(WORLD_THRESHOLD_IPV4);
}

/** True when every address of `inner` lies in `outer` (same family). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseAnyCidr(inner);
  const b = parseAnyCidr(outer);
  if (!a || !b || a.bits !== b.bits || b.prefix > a.prefix) return false;
  return a.base >= b.base && a.base < b.base + size(b, b.bits);
}

/** How a world-reaching CIDR is described in messages. */
export const WORLD_RULE = "more than 65,536 public IPv4 addresses or more than a /48 of global IPv6";
