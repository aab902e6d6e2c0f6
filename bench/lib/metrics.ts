/**
 * Benchmark-side measures of a plan, written independently of the engine:
 * - spreadCost: Σ over constrained sets with a preferred level P of (distinct level-P domains the set's
 *   placed pods occupy − 1). A domain is a label path (rack-1 of zone z0 and of zone z1 are two); a
 *   node without a label of P's path counts as a domain of its own.
 * - insidePreferred: every preferred-constrained set of the gang sits in one domain of its level.
 */
import type { ClusterState, NodeInfo } from '../../lib/cluster/state';
import type { ExpandedGang } from '../../lib/grove/gang';
import type { GangPlacement, Plan } from '../../lib/placement/plan';
import { constrainedSets, nodeDomainPath, pathLevels, topologyOf } from '../../lib/placement/verify';
import { existingPod } from './cluster';

function preferredSpreads(state: ClusterState, nodes: Map<string, NodeInfo>, gang: ExpandedGang, gp: GangPlacement): number[] {
  const topology = topologyOf(state, gang);
  const groupOf = new Map<string, string>();
  for (const g of gang.podGroups) for (const p of g.pods) groupOf.set(p.name, g.name);
  const spreads: number[] = [];
  for (const set of constrainedSets(gang)) {
    const levels = pathLevels(topology, set.constraint.preferred);
    if (levels === undefined) continue;
    const members = new Set(set.podGroups);
    const domains = new Set<string>();
    for (const pp of gp.pods) {
      if (!members.has(groupOf.get(pp.name) ?? '')) continue;
      const node = nodes.get(pp.node);
      const path = node && nodeDomainPath(node.labels, levels);
      domains.add(path === undefined ? `\u0000node:${pp.node}` : path);
    }
    if (domains.size > 0) spreads.push(domains.size - 1);
  }
  return spreads;
}

export function nodeIndex(state: ClusterState): Map<string, NodeInfo> {
  return new Map(state.nodes.map((n) => [n.name, n]));
}

export function spreadCost(state: ClusterState, gang: ExpandedGang, gp: GangPlacement, nodes = nodeIndex(state)): number {
  return preferredSpreads(state, nodes, gang, gp).reduce((s, x) => s + x, 0);
}

/** undefined when the gang has no (mappable) preferred constraint. */
export function insidePreferred(state: ClusterState, gang: ExpandedGang, gp: GangPlacement, nodes = nodeIndex(state)): boolean | undefined {
  const spreads = preferredSpreads(state, nodes, gang, gp);
  return spreads.length === 0 ? undefined : spreads.every((x) => x === 0);
}

/** The state with the placed pods of `plan` added as bound, running pods (the next gang sees them). */
export function withPlan(state: ClusterState, gangs: ExpandedGang[], plan: Plan): ClusterState {
  const pods = new Map(gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods)).map((p) => [p.name, p]));
  const added = plan.gangs.flatMap((gp) =>
    gp.placed ? gp.pods.map((pp) => existingPod(pp.name, pp.node, pods.get(pp.name)?.requests ?? { gpu: pp.gpus, cpuMilli: 0, memory: 0, pods: 1 })) : [],
  );
  return { ...state, pods: [...state.pods, ...added] };
}

export function placedGpus(plan: Plan): number {
  return plan.gangs.reduce((s, g) => s + (g.placed ? g.pods.reduce((t, p) => t + p.gpus, 0) : 0), 0);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
