/**
 * The ALB listener rules of one recording tenant: Apache's
 * `ProxyPass /t1/api balancer://t1-rws/api` becomes a rule on the path prefix
 * `/t1/api*` that forwards to the tenant's RWS target group with a URL rewrite
 * stripping the tenant's part of the path. Pulumi-free, so tenant placement
 * can count rules before any resource exists.
 */
import type { RecordingTenant } from "../model/environment";
import { RECORDING_SERVICE_FACTS, type ProxyRoute } from "../model/genesys-facts";
import type { ConfigProblem } from "../model/problems";
import type { RecordingService } from "../model/schema";
import { pathPrefixConditions, type PathPatternCondition } from "./alb-conditions";
import type { UrlRewrite } from "./plan";

export type { UrlRewrite } from "./plan";

export interface TenantRule {
  /** Unique within the tenant (`rws`, `webdav-2`); names the rule resource and seeds its priority. */
  readonly key: string;
  readonly service: RecordingService;
  readonly condition: PathPatternCondition;
  readonly rewrite: UrlRewrite;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * ProxyPass replaces the matched public prefix with the backend path and keeps
 * the rest. When the public path is a prefix plus the backend path (`/t1` +
 * `/api`), removing that prefix does it for every route sharing it.
 */
export function rewriteFor(route: ProxyRoute): UrlRewrite {
  if (route.publicPath.endsWith(route.backendPath)) {
    const strip = route.publicPath.slice(0, route.publicPath.length - route.backendPath.length);
    return { regex: `^${escapeRegex(strip)}(/.*)$`, replace: "$1" };
  }
  return { regex: `^${escapeRegex(route.publicPath)}(.*)$`, replace: `${route.backendPath}$1` };
}

/** Public prefixes of one tenant's services that shadow each other (Apache would take whichever ProxyPass comes first). */
export function overlappingRoutes(tenant: RecordingTenant): ConfigProblem[] {
  const routes = tenant.services.flatMap((s) => s.routes.map((r) => ({ service: s.service, path: r.publicPath })));
  const problems: ConfigProblem[] = [];
  routes.forEach((b, j) => {
    const a = routes
      .slice(0, j)
      .find((x) => x.service !== b.service && (x.path.startsWith(b.path) || b.path.startsWith(x.path)));
    if (a) {
      problems.push({
        path: ["recording", "tenants", tenant.key, b.service],
        value: b.path,
        message: `overlaps ${a.service}'s ${a.path}: an ALB path prefix would send one service's requests to the other; give each service of a tenant a distinct first path segment (check webdav.paths)`,
      });
    }
  });
  return problems;
}

/** One rule per service and rewrite, at most three path prefixes each (the per-condition quota). */
export function planTenantRules(tenant: RecordingTenant): TenantRule[] {
  const rules: TenantRule[] = [];
  for (const service of tenant.services) {
    const byRewrite = new Map<string, { rewrite: UrlRewrite; prefixes: string[] }>();
    for (const route of service.routes) {
      const rewrite = rewriteFor(route);
      const id = `${rewrite.regex} ${rewrite.replace}`;
      const group = byRewrite.get(id) ?? { rewrite, prefixes: [] };
      group.prefixes.push(route.publicPath);
      byRewrite.set(id, group);
    }
    const chunks = [...byRewrite.values()].flatMap((g) =>
      pathPrefixConditions(g.prefixes).map((condition) => ({ condition, rewrite: g.rewrite })),
    );
    const short = RECORDING_SERVICE_FACTS[service.service].short;
    chunks.forEach((chunk, i) =>
      rules.push({ key: chunks.length === 1 ? short : `${short}-${i + 1}`, service: service.service, ...chunk }),
    );
  }
  return rules;
}
