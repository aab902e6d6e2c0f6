/** The TopologyConstraint type used at PodCliqueSet, scaling-group and clique level (API-NOTES §2.6). */

/** A domain name of a ClusterTopologyBinding level: 1–63 chars, `^[a-z][a-z0-9-]*$`. */
export type TopologyDomain = string;

export const TOPOLOGY_DOMAIN_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Go constants of well-known domains, broadest first. Any other domain is legal if the binding has it. */
export const WELL_KNOWN_DOMAINS = ['region', 'zone', 'datacenter', 'block', 'rack', 'host', 'numa'] as const;

export interface TopologyPack {
  required?: TopologyDomain;
  preferred?: TopologyDomain;
}

export interface TopologyConstraint {
  topologyName?: string;
  pack?: TopologyPack;
  /** Deprecated legacy "required"; forbidden on new objects. */
  packDomain?: TopologyDomain;
}

/** The domain a constraint requires, reading the legacy field when the new one is absent. */
export function requiredDomain(c: TopologyConstraint | undefined): TopologyDomain | undefined {
  return c?.pack?.required ?? c?.packDomain;
}

export function preferredDomain(c: TopologyConstraint | undefined): TopologyDomain | undefined {
  return c?.pack?.preferred;
}
