/**
 * Production puts every Genesys system behind the balancers its guide
 * requires: Web Engagement 8.1 frontend AND backend balancers ("mandatory
 * elements for a production deployment; interconnecting frontend and backend
 * servers directly is only appropriate for a development environment"), the
 * Web Engagement 8.5 cluster, Co-browse nodes ("hide them behind the load
 * balancer") and every recording service (an ALB or the httpd HA pair).
 * A node counts as balanced when a balancer's listener forwards to a target
 * group it is registered in, or when the httpd pair's hosts may reach it.
 * In the same spirit, clients and frontend servers may not reach a balanced
 * node past its balancer through a security group.
 */
import { RECORDING_SERVICE_FACTS } from "../../core/model/genesys-facts";
import type { PolicyResource, StackPolicy, Violation } from "../policy";
import { label } from "../props";
import { Topology } from "../topology";
import {
  balancerSecurityGroups,
  httpdPairs,
  isUnder,
  nodesOf,
  recordingIdentity,
  systemsIn,
  tierOf,
  untaggedMembers,
  type SystemInstance,
} from "../systems";

function pairHostGroups(topology: Topology): Set<string> {
  const pairs = httpdPairs(topology.resources);
  return new Set(
    topology.instances
      .filter((i) => pairs.some((p) => isUnder(i, p)))
      .flatMap((i) => topology.securityGroupsOf(i).map((g) => g.urn)),
  );
}

function isBalanced(node: PolicyResource, topology: Topology, pairGroups: Set<string>): boolean {
  if (topology.targetGroupsOfNode(node).some((tg) => topology.balancersOfTargetGroup(tg).length > 0)) return true;
  return topology
    .securityGroupsOf(node)
    .some((g) => topology.ingressTo(g).some((i) => i.sourceGroups.some((s) => pairGroups.has(s.urn))));
}

/**
 * A recording service that allows a hot standby (WebDAV) may keep that member
 * out of the balancer while its other members are in: an ALB cannot mark a
 * target as standby, so the standby waits unregistered.
 */
function isStandbyOfBalancedService(node: PolicyResource, balanced: readonly PolicyResource[]): boolean {
  const { tenant, service } = recordingIdentity(node);
  if (!service || !RECORDING_SERVICE_FACTS[service].standbyAllowed) return false;
  return balanced.some((b) => {
    const other = recordingIdentity(b);
    return other.tenant === tenant && other.service === service;
  });
}

function unbalancedMessage(system: SystemInstance, nodes: readonly PolicyResource[]): string {
  const names = nodes.map((n) => `"${n.name}"`).join(", ");
  if (system.facts.kind === "webEngagement81") {
    const tiers = [...new Set(nodes.map((n) => tierOf(n) ?? "unclassified"))].join(" and ");
    return `A production stack must put Web Engagement 8.1 frontend and backend servers behind their load balancers; connecting frontend servers to backend servers directly is for development only (${tiers} nodes without a balancer: ${names}).`;
  }
  return `A production stack must put every ${system.facts.label} node behind a load balancer (nodes without one: ${names}).`;
}

/**
 * Ingress that lets something other than a balancer, a peer node or an SSH
 * administrator reach a node on a port clients use. Ports that no balancer
 * forwards to (the Framework's Local Control Agent) are management paths,
 * not a way around the balancer.
 */
function directPaths(
  system: SystemInstance,
  topology: Topology,
  balancerGroups: Set<string>,
  pairGroups: Set<string>,
): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  for (const node of nodesOf(system, topology)) {
    for (const group of topology.securityGroupsOf(node)) {
      if (balancerGroups.has(group.urn) || seen.has(group.urn)) continue;
      seen.add(group.urn);
      const served = topology
        .ingressTo(group)
        .filter((i) => i.sourceGroups.some((s) => balancerGroups.has(s.urn) || pairGroups.has(s.urn)));
      // Unknown or all-port ranges count as carrying the service: only a known, disjoint range is exempt.
      const carriesService = (from: number | undefined, to: number | undefined) =>
        served.length === 0 ||
        from === undefined ||
        to === undefined ||
        served.some(
          (i) => i.fromPort === undefined || i.toPort === undefined || (i.fromPort <= to && from <= i.toPort),
        );
      for (const ingress of topology.ingressTo(group)) {
        if (!carriesService(ingress.fromPort, ingress.toPort)) continue;
        const sshOnly = ingress.fromPort === 22 && ingress.toPort === 22;
        const foreignGroups = ingress.sourceGroups.filter((s) => s.urn !== group.urn && !balancerGroups.has(s.urn));
        const cidrs = sshOnly ? [] : ingress.cidrs;
        if (foreignGroups.length === 0 && cidrs.length === 0) continue;
        const sources = [...foreignGroups.map(label), ...cidrs].join(", ");
        violations.push({
          resource: ingress.declaredBy,
          message: `A production stack must let clients and frontend servers reach ${system.facts.label} nodes only through their balancer (${label(ingress.declaredBy)} opens ${label(group)} to ${sources}).`,
        });
      }
    }
  }
  return violations;
}

export const productionRequiresBalancers: StackPolicy = {
  name: "production-requires-balancers",
  description:
    "Checks that in production every Genesys system the guides put behind a balancer has one (Web Engagement 8.1 frontend and backend, Web Engagement 8.5, Co-browse, Interaction Recording), and that no security group lets clients or frontend servers reach balanced nodes directly.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const topology = new Topology(resources);
    const pairGroups = pairHostGroups(topology);
    const balancerGroups = new Set(balancerSecurityGroups(topology).map((g) => g.urn));
    const violations: Violation[] = [];
    for (const system of systemsIn(resources)) {
      const nodes = nodesOf(system, topology);
      const balanced = nodes.filter((n) => isBalanced(n, topology, pairGroups));
      const unbalanced = nodes.filter((n) => !balanced.includes(n) && !isStandbyOfBalancedService(n, balanced));
      if (unbalanced.length > 0)
        violations.push({ resource: system.component, message: unbalancedMessage(system, unbalanced) });
      violations.push(...directPaths(system, topology, balancerGroups, pairGroups));
    }
    return [...violations, ...untaggedMembers(topology.instances)];
  },
};
