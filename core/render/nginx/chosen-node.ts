/**
 * A balancer whose node is chosen before nginx writes the request, for nodes
 * reached over https by their own names: the Host header, the SNI name and
 * the name the certificate is checked against are all the name of the node
 * that gets the request, as httpd sends them. The recording servers refuse a
 * request whose Host does not match the SNI name, and nginx writes the
 * request once, before an upstream group picks a server, so a group with
 * backups could not name the node that answers.
 *
 * - One upstream group per node (nodeServers).
 * - The first node: the sticky cookie's route, else a spread over the
 *   primary (non-standby) nodes.
 * - A 502 or 504 nginx gives itself (the node refused the connection, is
 *   marked down, failed the handshake or the certificate check, or failed a
 *   safe request with 502/504) passes the request to the next node by
 *   `error_page`, each next node in its own named location with its own
 *   name: the other primaries in order from the chosen one, then the standby
 *   nodes. A request that may have reached a node is passed on only when its
 *   method is safe to repeat (RESEND_REFUSED_VARIABLE).
 */
import type { SoftwareMember } from "../../plan/software-balancer";
import { nodeAddress } from "./addresses";
import { routeOf, type SiteContext } from "./balancer";
import { block, directive, type Line } from "./conf-text";
import { proxyHeaders, RESEND_REFUSED_VARIABLE } from "./proxy";
import { bareWord, nginxScriptParts, regexLiteral } from "./quote";
import { cookieVariable, exactPattern, firstDotRoutePattern, mapBlock } from "./sticky";
import { nodeServers, pinnedUpstreamNames, upstreamBlock, type UpstreamTimers } from "./upstreams";

export interface NamedNode extends SoftwareMember {
  /** The node's DNS name: its certificate's name, sent as Host and SNI. */
  readonly dnsName: string;
  /** Used only after every primary node failed. */
  readonly hotStandby: boolean;
}

export interface ChosenNodeBalancer {
  /** Upstream group names derive from it: `<name>.<node key>`. */
  readonly name: string;
  readonly nodes: readonly NamedNode[];
  /** Cookie whose route (after its first dot) chooses the node; absent: every request is spread. */
  readonly stickyCookie?: string;
  /** Variable names start with it: `t1_rws`. */
  readonly variablePrefix: string;
}

export interface ChosenNodeRendering {
  /** http level: the nodes' groups and the maps choosing them. */
  readonly upstreams: Line[][];
  /** Directives of a location sending requests to the chosen node. */
  readonly firstAttempt: Line[];
  /** Named locations of the next nodes, in the server block. */
  readonly nextAttempts: Line[][];
}

/** What every attempt sets besides the node: TLS verification (given the node name variable), timeouts, cookies. */
export type AttemptSettings = (nameVariable: string) => Line[];

/** Split of 100% over `n` nodes in steps split_clients accepts (hundredths), the last one taking the rest. */
function shares(n: number): string[] {
  const each = Math.floor(10_000 / n) / 100;
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? "*" : `${each}%`));
}

/** Order in which nodes are tried when `first` is chosen: it, the other primaries after it, then the standbys. */
export function attemptOrder<N extends NamedNode>(nodes: readonly N[], first: N): N[] {
  const primaries = nodes.filter((n) => !n.hotStandby);
  const at = primaries.indexOf(first);
  const rotated = at < 0 ? primaries : [...primaries.slice(at + 1), ...primaries.slice(0, at)];
  return [first, ...rotated, ...nodes.filter((n) => n.hotStandby && n !== first)];
}

export function renderChosenNodeBalancer(
  balancer: ChosenNodeBalancer,
  ctx: SiteContext,
  timers: UpstreamTimers,
  settings: AttemptSettings,
): ChosenNodeRendering {
  const { nodes, variablePrefix } = balancer;
  const groups = pinnedUpstreamNames(
    balancer.name,
    nodes.map((n) => n.key),
  );
  const group = (n: NamedNode) => groups.get(n.key)!;
  const variable = (what: string) => bareWord(`${variablePrefix}_${what}`);
  const attempt = (k: number) => variable(`node${k}`);
  const hostOf = (k: number) => variable(`node${k}_host`);
  const location = (k: number) => `@${variable(`node${k}`)}`;

  const primaries = nodes.filter((n) => !n.hotStandby);
  const spread = balancer.stickyCookie === undefined ? attempt(1) : variable("spread");
  const maps: Line[][] = [
    block(
      `split_clients "$request_id" $${spread}`,
      primaries.map((n, i) => directive(shares(primaries.length)[i], bareWord(group(n)))),
    ),
  ];
  if (balancer.stickyCookie !== undefined) {
    maps.push(
      mapBlock(
        cookieVariable(balancer.stickyCookie),
        attempt(1),
        `$${spread}`,
        nodes.map((n) => ({ pattern: firstDotRoutePattern(routeOf(n, balancer.name)), value: bareWord(group(n)) })),
      ),
    );
  }
  for (let k = 2; k <= nodes.length; k++) {
    maps.push(
      mapBlock(
        `$${attempt(1)}`,
        attempt(k),
        bareWord(group(attemptOrder(nodes, primaries[0])[k - 1])),
        nodes.map((n) => ({ pattern: exactPattern(group(n)), value: bareWord(group(attemptOrder(nodes, n)[k - 1])) })),
      ),
    );
  }
  for (let k = 1; k <= nodes.length; k++) {
    maps.push(
      mapBlock(
        `$${attempt(k)}`,
        hostOf(k),
        '""',
        nodes.map((n) => {
          // name:port, as httpd writes the Host of a member it reaches by name.
          const port = nodeAddress(ctx.addresses, n, balancer.name).split(":")[1];
          return { pattern: exactPattern(group(n)), value: nginxScriptParts([`${n.dnsName}:${port}`]) };
        }),
      ),
    );
  }

  const attemptLines = (k: number): Line[] => [
    directive("proxy_pass", `https://$${attempt(k)}`),
    // proxy_set_header here replaces every inherited one: all are repeated.
    ...proxyHeaders({ webSockets: false, host: `$${hostOf(k)}` }),
    ...settings(hostOf(k)),
    ...(k < nodes.length
      ? [
          // A node's own 502/504 too: its group has one usable server, so nginx cannot retry inside it.
          directive("proxy_intercept_errors", "on"),
          directive("recursive_error_pages", "on"),
          directive("error_page", 502, 504, "=", location(k + 1)),
        ]
      : []),
  ];
  const nextAttempts = Array.from({ length: nodes.length - 1 }, (_, i) =>
    block(`location ${location(i + 2)}`, [
      ...block(`if ($${RESEND_REFUSED_VARIABLE})`, [directive("return", 502)]),
      ...attemptLines(i + 2),
    ]),
  );
  return {
    upstreams: [
      ...nodes.map((n) => upstreamBlock(group(n), nodeServers(nodeAddress(ctx.addresses, n, balancer.name)), timers)),
      ...maps,
    ],
    firstAttempt: attemptLines(1),
    nextAttempts,
  };
}

/** `(?:^|, | : )ADDRESS$`: the last address of `$upstream_addr`, across the groups an error_page passed through. */
export function lastUpstreamAddressPattern(address: string): string {
  return `(?:^|, | : )${regexLiteral(address)}$`;
}
