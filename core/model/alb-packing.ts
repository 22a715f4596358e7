/**
 * Which Application Load Balancer serves which recording tenant.
 *
 * Every ALB has fixed quotas (100 listener rules, adjustable; 100 target
 * groups, fixed), so hundreds of tenants need several ALBs, each under its own
 * hostname. Moving a tenant to another ALB changes the URLs typed into Genesys
 * for it, so placement must be stable: adding a tenant must never move one.
 *
 * No placement computed from the set of tenant keys alone can be both stable
 * and as small as the lower bound: with one ALB full, the next tenant must
 * open ALB 2 whichever key it has, so the same final set would need a
 * different ALB 2 for every order of arrival. Stability therefore needs a
 * record of where tenants went. The record is the stack config: a tenant's
 * `alb` number pins it. Unpinned tenants fill the ALBs first-fit in natural key
 * order, which gives the lower bound for equal tenants on a fresh stack; once
 * more than one ALB is used, pinning every tenant makes later additions stable
 * (the program warns until they are pinned).
 */
import type { ConfigProblem } from "./problems";

/** ALB quotas a tenant placement must respect (AWS: "Quotas for your Application Load Balancers"). */
export const ALB_QUOTAS = {
  /** Listener rules per ALB, default rules not counted (adjustable). */
  rulesPerAlb: 100,
  /** Target groups per ALB (fixed). */
  targetGroupsPerAlb: 100,
  /** Listeners per ALB. */
  listenersPerAlb: 50,
  /** Target groups per forward action. */
  targetGroupsPerAction: 5,
} as const;

interface AlbCapacity {
  readonly rules: number;
  readonly targetGroups: number;
}

const DEFAULT_ALB_CAPACITY: AlbCapacity = {
  rules: ALB_QUOTAS.rulesPerAlb,
  targetGroups: ALB_QUOTAS.targetGroupsPerAlb,
};

/** What one tenant takes from the ALB that serves it. */
export interface TenantDemand {
  readonly key: string;
  readonly rules: number;
  readonly targetGroups: number;
  /** ALB number (1-based) recorded in the stack config, if any. */
  readonly pinnedAlb?: number;
}

interface PackedAlb {
  /** 1-based; ALB 1 serves the configured hostname. */
  readonly number: number;
  readonly tenants: readonly string[];
  readonly rules: number;
  readonly targetGroups: number;
}

export interface TenantPacking {
  readonly albs: readonly PackedAlb[];
  readonly albOf: Readonly<Record<string, number>>;
  /** Tenants placed by the first-fit fill rather than a pin. */
  readonly unpinned: readonly string[];
}

type PackingResult =
  | { readonly packing: TenantPacking; readonly problems: readonly [] }
  | { readonly packing?: undefined; readonly problems: readonly ConfigProblem[] };

const naturalOrder = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** Fewest ALBs any placement can use: no ALB holds more than its quota of either resource. */
export function albLowerBound(demands: readonly TenantDemand[], capacity: AlbCapacity = DEFAULT_ALB_CAPACITY): number {
  const rules = demands.reduce((sum, d) => sum + d.rules, 0);
  const groups = demands.reduce((sum, d) => sum + d.targetGroups, 0);
  return Math.max(Math.ceil(rules / capacity.rules), Math.ceil(groups / capacity.targetGroups));
}

interface Bin {
  number: number;
  tenants: string[];
  rules: number;
  targetGroups: number;
}

const fits = (bin: Bin, d: TenantDemand, capacity: AlbCapacity) =>
  bin.rules + d.rules <= capacity.rules && bin.targetGroups + d.targetGroups <= capacity.targetGroups;

function place(bin: Bin, d: TenantDemand): void {
  bin.tenants.push(d.key);
  bin.rules += d.rules;
  bin.targetGroups += d.targetGroups;
}

/** Pinned tenants stay on their ALB; the rest fill ALBs first-fit in natural key order. Tenants are never split. */
export function packTenants(
  demands: readonly TenantDemand[],
  capacity: AlbCapacity = DEFAULT_ALB_CAPACITY,
): PackingResult {
  const problems: ConfigProblem[] = [];
  for (const d of demands) {
    if (d.rules > capacity.rules || d.targetGroups > capacity.targetGroups) {
      problems.push({
        path: ["recording", "tenants", d.key],
        value: { rules: d.rules, targetGroups: d.targetGroups },
        message: `needs more than one ALB holds (${capacity.rules} rules, ${capacity.targetGroups} target groups); a tenant is never split across ALBs`,
      });
    }
  }
  if (problems.length > 0) return { problems };

  const bins = new Map<number, Bin>();
  const binOf = (n: number) => {
    let bin = bins.get(n);
    if (!bin) bins.set(n, (bin = { number: n, tenants: [], rules: 0, targetGroups: 0 }));
    return bin;
  };
  const sorted = [...demands].sort((a, b) => naturalOrder(a.key, b.key));
  for (const d of sorted.filter((x) => x.pinnedAlb !== undefined)) place(binOf(d.pinnedAlb as number), d);
  for (const bin of bins.values()) {
    if (bin.rules > capacity.rules || bin.targetGroups > capacity.targetGroups) {
      problems.push({
        path: ["recording", "tenants"],
        value: bin.tenants,
        message: `are pinned to ALB ${bin.number} and need ${bin.rules} rules and ${bin.targetGroups} target groups; one ALB holds ${capacity.rules} rules and ${capacity.targetGroups} target groups: pin some of them (alb) to another ALB`,
      });
    }
  }
  if (problems.length > 0) return { problems };

  const unpinned: string[] = [];
  for (const d of sorted.filter((x) => x.pinnedAlb === undefined)) {
    let n = 1;
    while (!fits(binOf(n), d, capacity)) n++;
    place(binOf(n), d);
    unpinned.push(d.key);
  }
  const albs = [...bins.values()].filter((b) => b.tenants.length > 0).sort((a, b) => a.number - b.number);
  const albOf: Record<string, number> = {};
  for (const bin of albs) for (const t of bin.tenants) albOf[t] = bin.number;
  return { packing: { albs, albOf, unpinned }, problems: [] };
}

/**
 * Hostname of ALB `number`: ALB 1 keeps the configured hostname; later ones
 * number its first label (`recording-2.example.com`), which stays under the
 * site's domain and under a `*.example.com` certificate. A hostname that is the
 * domain itself gets a numbered label in front instead.
 */
export function albHostname(hostname: string, siteDomain: string, number: number): string {
  if (number === 1) return hostname;
  if (hostname === siteDomain) return `alb-${number}.${hostname}`;
  const dot = hostname.indexOf(".");
  const suffix = `-${number}`;
  const label = hostname
    .slice(0, dot)
    .slice(0, 63 - suffix.length)
    .replace(/-+$/, "");
  return `${label}${suffix}${hostname.slice(dot)}`;
}

/** A system that needs one ALB (a cluster, not tenants): a problem at `path` when its rules or target groups exceed one. */
export function singleAlbProblems(
  path: readonly (string | number)[],
  demand: { readonly rules: number; readonly targetGroups: number },
  capacity: AlbCapacity = DEFAULT_ALB_CAPACITY,
): ConfigProblem[] {
  if (demand.rules <= capacity.rules && demand.targetGroups <= capacity.targetGroups) return [];
  return [
    {
      path,
      value: { rules: demand.rules, targetGroups: demand.targetGroups },
      message: `need more listener rules or target groups than one ALB holds (${capacity.rules} rules, ${capacity.targetGroups} target groups): use fewer nodes behind this balancer`,
    },
  ];
}
