/**
 * What the placement engine says about a stack that is already in the cluster: the gang of a waiting
 * pod rebuilt from the PodCliqueSet (live replica counts, the real pods' requests), placed on the
 * current ClusterState; and where the stack's pods are, per topology domain.
 */
import { podRequests } from '../cluster/resources';
import type { ClusterState, TopologyInfo } from '../cluster/state';
import type { PodSpec } from '../grove/core';
import { expandPodGangs, planPodCliqueSet, podSchedulingRequirements } from '../grove/expand';
import type { ExpandedGang, ExpandedPodGroup } from '../grove/gang';
import { pickTopology } from '../heatmap/levels';
import { placeGangs } from '../placement';
import type { GangPlacement } from '../placement/plan';
import { buildTopologyTree, naturalCompare, type TopologyDomainSummary } from '../topology/tree';
import type { PodNode, WorkloadTree } from './tree';

/**
 * The part of gang `gangName` still to be placed, as the gang scheduler sees it: the expansion's pod
 * groups with the real, unbound pods (their own requests: a PodClique can differ from today's
 * template). When some pods of the gang are already bound, the rest is its increment and must fit
 * whole (minReplicas = the pods left), as Grove's scheduler treats a scaled-up gang. Undefined when
 * nothing of the gang waits.
 */
export function pendingGang(tree: WorkloadTree, gangName: string): ExpandedGang | undefined {
  return pendingGangs(tree, [gangName]).get(gangName);
}

/** pendingGang for several gangs of one stack, expanding the PodCliqueSet once. */
export function pendingGangs(tree: WorkloadTree, gangNames: readonly string[]): Map<string, ExpandedGang> {
  const wanted = new Set(gangNames);
  const out = new Map<string, ExpandedGang>();
  if (wanted.size === 0) return out;
  const expanded = expandPodGangs(tree.pcs, {
    scalingGroupReplicas: Object.fromEntries(tree.scalingGroups.map((g) => [g.name, g.replicas])),
    podCliqueReplicas: Object.fromEntries(tree.podCliques.map((c) => [c.name, c.replicas])),
  }).filter((g) => wanted.has(g.name));
  const cliques = new Map(tree.podCliques.map((c) => [c.name, c]));
  for (const gang of expanded) {
    const rest = waitingPart(gang, cliques);
    if (rest) out.set(gang.name, rest);
  }
  return out;
}

function waitingPart(expanded: ExpandedGang, cliques: ReadonlyMap<string, WorkloadTree['podCliques'][number]>): ExpandedGang | undefined {
  const anyBound = expanded.podGroups.some((pg) => (cliques.get(pg.name)?.pods ?? []).some((p) => p.node));
  const podGroups: ExpandedPodGroup[] = [];
  for (const pg of expanded.podGroups) {
    const real = new Map((cliques.get(pg.name)?.pods ?? []).map((p) => [p.podIndex, p]));
    const pods = pg.pods.flatMap((p) => {
      const pod = real.get(p.podIndex);
      if (!pod || pod.node || pod.stage === 'succeeded' || pod.stage === 'failed') return [];
      const spec = (pod.object as { spec?: PodSpec }).spec;
      try {
        return [{ ...p, requests: podRequests(spec), scheduling: spec ? podSchedulingRequirements(spec) : {} }];
      } catch {
        return [p];
      }
    });
    if (pods.length > 0) podGroups.push({ ...pg, pods, minReplicas: anyBound ? pods.length : Math.min(pg.minReplicas, pods.length) });
  }
  if (podGroups.length === 0) return undefined;
  const names = new Set(podGroups.map((pg) => pg.name));
  const groupConfigs = expanded.groupConfigs.map((c) => ({ ...c, podGroupNames: c.podGroupNames.filter((n) => names.has(n)) })).filter((c) => c.podGroupNames.length > 0);
  return { ...expanded, podGroups, groupConfigs };
}

/**
 * The engine's answer for each waiting gang on `state` (pods already bound count as used), each gang on
 * its own, as the scheduler retries them one by one. At most `limit` gangs: a large scale-up can leave
 * hundreds waiting, and the first ones say why.
 */
export function placePendingGangs(state: ClusterState, tree: WorkloadTree, gangNames: readonly string[], limit = 20): Map<string, GangPlacement> {
  const out = new Map<string, GangPlacement>();
  for (const [name, gang] of pendingGangs(tree, gangNames.slice(0, limit))) {
    // As its scheduler would: a default-scheduler gang pod by pod with its constraints ignored (as the simulator and previews do).
    const placed = placeGangs(state, [gang], { bySchedulerName: true }).gangs[0];
    if (placed) out.set(name, placed);
  }
  return out;
}

/** The engine's answer for one waiting gang on `state` (pods already bound count as used). */
export function placePendingGang(state: ClusterState, tree: WorkloadTree, gangName: string): GangPlacement | undefined {
  return placePendingGangs(state, tree, [gangName]).get(gangName);
}

/** The topology a stack is placed under: the one its constraints name, else the heatmap's choice. */
export function workloadTopology(state: ClusterState, tree: WorkloadTree): TopologyInfo | undefined {
  return pickTopology(state, planPodCliqueSet(tree.pcs).topologyName);
}

export interface DomainUse {
  level: string;
  value: string;
  /** This stack's bound pods in the domain. */
  pods: number;
  /** GPUs those pods hold. */
  gpus: number;
  /** The domain's GPUs: all of them, and free ones (any workload). */
  capacityGpus: number;
  freeGpus: number;
  /** Gangs of this stack with pods in the domain. */
  gangs: string[];
}

export interface WorkloadPlacement {
  topology?: string;
  /** Per level, broadest first: the domains that hold at least one of the stack's pods. */
  levels: { level: string; domains: DomainUse[] }[];
  /** Per gang: the domains its bound pods span, per level (one value = packed in one domain). */
  gangs: { name: string; spans: Record<string, string[]>; boundPods: number; pods: number }[];
  /** Bound pods on a node the state does not know. */
  unknownNodePods: number;
}

/** Where the stack's pods are, per topology level, and which domains each gang spans. */
export function workloadPlacement(state: ClusterState, tree: WorkloadTree): WorkloadPlacement {
  const topology = workloadTopology(state, tree);
  const bound = tree.pods.filter((p) => p.node && p.stage !== 'succeeded' && p.stage !== 'failed');
  if (!topology) {
    return { levels: [], gangs: tree.gangs.map((g) => ({ name: g.name, spans: {}, boundPods: 0, pods: g.members.reduce((n, m) => n + m.pods.length, 0) })), unknownNodePods: 0 };
  }
  const topo = buildTopologyTree(state, topology);
  let unknownNodePods = 0;
  const perLevel = topology.levels.map((l) => ({ level: l.domain, byValue: new Map<string, { pods: PodNode[]; summary: TopologyDomainSummary }>() }));
  for (const pod of bound) {
    if (!topo.node(pod.node!)) {
      unknownNodePods++;
      continue;
    }
    for (const l of perLevel) {
      const d = topo.domainOf(pod.node!, l.level);
      if (!d) continue;
      const entry = l.byValue.get(d.value);
      if (entry) entry.pods.push(pod);
      else l.byValue.set(d.value, { pods: [pod], summary: d });
    }
  }
  const levels = perLevel.map((l) => ({
    level: l.level,
    domains: [...l.byValue.entries()]
      .sort(([a], [b]) => naturalCompare(a, b))
      .map(([value, { pods, summary }]) => ({
        level: l.level,
        value,
        pods: pods.length,
        gpus: pods.reduce((n, p) => n + p.gpus, 0),
        capacityGpus: summary.capacity.gpu,
        freeGpus: summary.free.gpu,
        gangs: [...new Set(pods.map((p) => p.gang).filter((g): g is string => !!g))].sort(),
      })),
  }));
  const gangs = tree.gangs.map((g) => {
    const pods = g.members.flatMap((m) => m.pods);
    const gBound = pods.filter((p) => p.node && topo.node(p.node));
    const spans: Record<string, string[]> = {};
    for (const l of topology.levels) {
      spans[l.domain] = [...new Set(gBound.map((p) => topo.domainOf(p.node!, l.domain)?.value).filter((v): v is string => !!v))].sort(naturalCompare);
    }
    return { name: g.name, spans, boundPods: gBound.length, pods: pods.length };
  });
  return { topology: topology.name, levels, gangs, unknownNodePods };
}
