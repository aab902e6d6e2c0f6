/**
 * The constrained sets of a gang, shared by the engine and by `spreadCost`: the gang itself, each
 * group config (a scaling-group replica in a base gang) and each pod group that carries a topology
 * constraint, with their domains resolved to level indexes of the effective ClusterTopologyBinding.
 */
import type { ClusterState, TopologyInfo } from '../cluster/state';
import type { ExpandedGang, GangTopologyConstraint } from '../grove/gang';
import { domainId, labelPath } from '../topology/domainPath';
import type { NodeTables } from './cluster-index';

export interface PlaceOptions {
  /** ClusterTopologyBinding to use; defaults to the gang's topologyName, else the only binding in the state. */
  topology?: string;
  /**
   * Search effort: how many candidate domains the engine may try per gang before it settles for the best
   * plan found so far. Default scales with the cluster (more on small clusters).
   */
  budget?: number;
  /**
   * Place each gang as the scheduler Grove resolved for it would (its `grove.io/scheduler-name` label,
   * see backend.ts): a default-scheduler gang pod by pod, without topology constraints; any other as a
   * gang. Off by default: without it every gang is placed by the gang rule (what KAI does), which the
   * benchmarks and `canopy place` measure. The previews and the simulated cluster turn it on.
   */
  bySchedulerName?: boolean;
  /**
   * The node-derived part of the index, from sharedNodeTables(state.nodes): calls that differ only in
   * their pods then share it instead of rebuilding it. Only for a nodes array and NodeInfo objects that
   * are never changed in place. Built afresh per call by default.
   */
  nodeTables?: NodeTables;
}

export type SetKind = 'gang' | 'groupConfig' | 'podGroup';

export interface ConstraintSetSpec {
  kind: SetKind;
  name: string;
  /** Level index in the topology, -1 when absent. */
  required: number;
  preferred: number;
  /** Index of the enclosing constrained set in the list (the gang is 0), -1 for the gang. */
  parent: number;
  /** Pod groups (by index in gang.podGroups) whose pods belong to the set. */
  podGroups: number[];
}

export interface ResolvedTopology {
  topology: TopologyInfo | undefined;
  /** Things that were dropped or ignored, as sentences. */
  warnings: string[];
}

/** The binding a gang is placed against (Grove: the PCS's topology name; here also an explicit override). */
export function resolveTopology(state: ClusterState, gang: ExpandedGang, options?: PlaceOptions): ResolvedTopology {
  const warnings: string[] = [];
  const wanted = options?.topology ?? gang.topologyName;
  if (wanted !== undefined) {
    const t = state.topologies.find((x) => x.name === wanted);
    if (!t) warnings.push(`ClusterTopologyBinding "${wanted}" is not in the cluster; topology constraints are ignored`);
    return { topology: t, warnings };
  }
  if (state.topologies.length === 1) return { topology: state.topologies[0], warnings };
  return { topology: undefined, warnings };
}

function hasConstraint(c: GangTopologyConstraint | undefined): boolean {
  return !!c && (c.required !== undefined || c.preferred !== undefined);
}

/**
 * The gang's constrained sets, outermost first: [gang, group configs…, pod groups…]. The gang is always
 * present (as the root) even without a constraint; other sets only when constrained. A domain the binding
 * does not have is dropped, as Grove drops it, with a warning.
 */
export function constraintSets(gang: ExpandedGang, topology: TopologyInfo | undefined, warnings: string[] = []): ConstraintSetSpec[] {
  const levelOf = (domain: string | undefined, owner: string): number => {
    if (domain === undefined) return -1;
    if (!topology) {
      warnings.push(`${owner}: no ClusterTopologyBinding applies, so "${domain}" is ignored`);
      return -1;
    }
    const i = topology.levels.findIndex((l) => l.domain === domain);
    if (i < 0) warnings.push(`${owner}: ClusterTopologyBinding "${topology.name}" has no level "${domain}"; the constraint is dropped`);
    return i;
  };
  const groupIndex = new Map(gang.podGroups.map((g, i) => [g.name, i]));
  const sets: ConstraintSetSpec[] = [
    {
      kind: 'gang',
      name: gang.name,
      required: levelOf(gang.topologyConstraint?.required, `gang ${gang.name}`),
      preferred: levelOf(gang.topologyConstraint?.preferred, `gang ${gang.name}`),
      parent: -1,
      podGroups: gang.podGroups.map((_, i) => i),
    },
  ];
  const configOfGroup = new Map<number, number>();
  for (const gc of gang.groupConfigs) {
    if (!hasConstraint(gc.topologyConstraint)) continue;
    const members = gc.podGroupNames.map((n) => groupIndex.get(n)).filter((i): i is number => i !== undefined && !configOfGroup.has(i));
    const required = levelOf(gc.topologyConstraint?.required, `group ${gc.name}`);
    const preferred = levelOf(gc.topologyConstraint?.preferred, `group ${gc.name}`);
    if (required < 0 && preferred < 0) continue;
    const id = sets.length;
    sets.push({ kind: 'groupConfig', name: gc.name, required, preferred, parent: 0, podGroups: members });
    for (const m of members) configOfGroup.set(m, id);
  }
  gang.podGroups.forEach((g, i) => {
    if (!hasConstraint(g.topologyConstraint)) return;
    const required = levelOf(g.topologyConstraint?.required, `pod group ${g.name}`);
    const preferred = levelOf(g.topologyConstraint?.preferred, `pod group ${g.name}`);
    if (required < 0 && preferred < 0) return;
    sets.push({ kind: 'podGroup', name: g.name, required, preferred, parent: configOfGroup.get(i) ?? 0, podGroups: [i] });
  });
  return sets;
}

/** For each pod group, the chain of constrained sets holding it, outermost first (always starts with 0). */
export function chainsOf(gang: ExpandedGang, sets: readonly ConstraintSetSpec[]): number[][] {
  return gang.podGroups.map((_, gi) => {
    const chain: number[] = [];
    sets.forEach((s, id) => {
      if (s.podGroups.includes(gi)) chain.push(id);
    });
    return chain;
  });
}

/**
 * The objective shared with the benchmark's exact solver (lower is better): over every constrained set S
 * with a preferred level P, the number of distinct level-P domains (label paths) S's placed pods occupy,
 * minus one. A node without the label of P or of a broader level counts as a domain of its own. Unplaced gangs cost 0.
 */
export function spreadCost(
  state: ClusterState,
  gang: ExpandedGang,
  placement: { placed: boolean; pods: readonly { name: string; podGroup: string; node: string }[] },
  options?: PlaceOptions,
): number {
  if (!placement.placed) return 0;
  const { topology } = resolveTopology(state, gang, options);
  if (!topology) return 0;
  const sets = constraintSets(gang, topology);
  const labelsOf = new Map(state.nodes.map((n) => [n.name, n.labels]));
  const groupIndex = new Map(gang.podGroups.map((g, i) => [g.name, i]));
  let cost = 0;
  for (const s of sets) {
    if (s.preferred < 0) continue;
    const members = new Set(s.podGroups);
    const domains = new Set<string>();
    for (const p of placement.pods) {
      const gi = groupIndex.get(p.podGroup);
      if (gi === undefined || !members.has(gi)) continue;
      const labels = labelsOf.get(p.node);
      const path = labels && labelPath(labels, topology.levels, s.preferred);
      domains.add(path ? domainId(topology.levels, path) : `\u0000node:${p.node}`);
    }
    if (domains.size > 0) cost += domains.size - 1;
  }
  return cost;
}
