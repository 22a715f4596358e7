/**
 * Hardening every production balancer carries (the model's secure defaults):
 * deletion protection, access logs, invalid header fields dropped, desync
 * mitigation on, and subnets in at least two availability zones.
 */
import { LOAD_BALANCER, SUBNET } from "../aws-types";
import type { ResourcePolicy, StackPolicy, Violation } from "../policy";
import { dependenciesOf, isSet, label, read, readArray, readString, readStrings, UNKNOWN } from "../props";

const isApplication = (props: Readonly<Record<string, unknown>>) =>
  (read(props, "loadBalancerType") ?? "application") === "application";

export const balancerDeletionProtection: ResourcePolicy = {
  name: "balancer-deletion-protection",
  description:
    "Checks that load balancers have deletion protection enabled, so a mistaken update cannot delete a production entry point.",
  enforcementLevel: "mandatory",
  kind: "resource",
  resourceTypes: LOAD_BALANCER,
  check: (lb) =>
    read(lb.props, "enableDeletionProtection") === true
      ? []
      : ["A production load balancer must set enableDeletionProtection: true."],
};

export const balancerAccessLogs: ResourcePolicy = {
  name: "balancer-access-logs",
  description: "Checks that load balancers write access logs to an S3 bucket.",
  enforcementLevel: "mandatory",
  kind: "resource",
  resourceTypes: LOAD_BALANCER,
  check: (lb) => {
    const enabled = read(lb.props, "accessLogs", "enabled");
    // A bucket still to be created has a name unknown at preview: it is set all the same.
    const bucket = isSet(lb.props, "accessLogs", "bucket");
    if (enabled === true && bucket) return [];
    return ["A production load balancer must write access logs: set accessLogs { enabled: true, bucket }."];
  },
};

export const balancerDropsInvalidHeaders: ResourcePolicy = {
  name: "balancer-drops-invalid-headers",
  description:
    "Checks that application load balancers drop HTTP header fields with invalid names instead of passing them to Genesys nodes.",
  enforcementLevel: "mandatory",
  kind: "resource",
  resourceTypes: LOAD_BALANCER,
  check: (lb) => {
    if (!isApplication(lb.props)) return [];
    return read(lb.props, "dropInvalidHeaderFields") === true
      ? []
      : ["A production application load balancer must set dropInvalidHeaderFields: true."];
  },
};

const DESYNC_MODES = ["defensive", "strictest"];

export const balancerDesyncMitigation: ResourcePolicy = {
  name: "balancer-desync-mitigation",
  description:
    "Checks that application load balancers block HTTP desync (request smuggling) with desyncMitigationMode defensive or strictest; unset means the AWS default, defensive.",
  enforcementLevel: "mandatory",
  kind: "resource",
  resourceTypes: LOAD_BALANCER,
  check: (lb) => {
    if (!isApplication(lb.props)) return [];
    const mode = read(lb.props, "desyncMitigationMode");
    if (mode === undefined || mode === UNKNOWN || (typeof mode === "string" && DESYNC_MODES.includes(mode))) return [];
    return [
      `A production application load balancer must use desyncMitigationMode defensive or strictest (got "${String(mode)}").`,
    ];
  },
};

/** Zones of a balancer's subnets; a subnet outside the stack counts by its id. */
function balancerZones(lb: Parameters<ResourcePolicy["check"]>[0]): Set<string> {
  const zones = new Set<string>();
  const subnets = [...dependenciesOf(lb, "subnets", SUBNET[0]), ...dependenciesOf(lb, "subnetMappings", SUBNET[0])];
  for (const subnet of subnets)
    zones.add(
      readString(subnet.props, "availabilityZone") ?? readString(subnet.props, "availabilityZoneId") ?? subnet.urn,
    );
  if (subnets.length === 0) {
    for (const id of readStrings(lb.props, "subnets")) zones.add(id);
    for (const mapping of readArray(lb.props, "subnetMappings")) {
      const id = readString(mapping, "subnetId");
      if (id) zones.add(id);
    }
  }
  return zones;
}

export const balancerMultiAz: StackPolicy = {
  name: "balancer-multi-az",
  description: "Checks that every load balancer spans subnets in at least two availability zones.",
  enforcementLevel: "mandatory",
  kind: "stack",
  check: (resources) => {
    const violations: Violation[] = [];
    for (const lb of resources.filter((r) => (LOAD_BALANCER as readonly string[]).includes(r.type))) {
      const zones = balancerZones(lb);
      if (zones.size < 2) {
        violations.push({
          resource: lb,
          message: `A production load balancer must span at least 2 availability zones; ${label(lb)} has subnets in ${zones.size} (${[...zones].join(", ") || "none"}).`,
        });
      }
    }
    return violations;
  },
};
