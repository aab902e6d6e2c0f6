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
import { domainNameBook } from '../placement/cluster-index';
import type { GangPlacement } from '../placement/plan';
import { buildTopologyTree, naturalCompare, UNLABELLED, type TopologyDomainSummary, type TopologyTree } from '../topology/tree';
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
  /** The domain's label path ("zone=z1/rack=rack-1", lib/topology/domainPath.ts): two racks labelled rack-1 in two zones are two entries. */
  id: string;
  level: string;
  /** The label value (not unique in the level). */
  value: string;
  /** For people: the value, with its parent where another domain of the level has the same value ("rack-1 in zone z1"). */
  name: string;
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
  /** Per gang: the names (DomainUse.name) of the domains its bound pods span, per level (one = packed in one domain). */
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
  const nameOf = domainNamer(state, topo);
  let unknownNodePods = 0;
  const perLevel = topology.levels.map((l) => ({ level: l.domain, byId: new Map<string, { pods: PodNode[]; summary: TopologyDomainSummary }>() }));
  for (const pod of bound) {
    if (!topo.node(pod.node!)) {
      unknownNodePods++;
      continue;
    }
    for (const l of perLevel) {
      const d = topo.domainOf(pod.node!, l.level);
      if (!d) continue;
      const entry = l.byId.get(d.id);
      if (entry) entry.pods.push(pod);
      else l.byId.set(d.id, { pods: [pod], summary: d });
    }
  }
  const levels = perLevel.map((l) => ({
    level: l.level,
    domains: [...l.byId.values()]
      .sort((a, b) => comparePaths(a.summary, b.summary))
      .map(({ pods, summary }) => ({
        id: summary.id,
        level: l.level,
        value: summary.value,
        name: nameOf(summary),
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
      const domains = new Map<string, TopologyDomainSummary>();
      for (const p of gBound) {
        const d = topo.domainOf(p.node!, l.domain);
        if (d) domains.set(d.id, d);
      }
      spans[l.domain] = [...domains.values()].sort(comparePaths).map(nameOf);
    }
    return { name: g.name, spans, boundPods: gBound.length, pods: pods.length };
  });
  return { topology: topology.name, levels, gangs, unknownNodePods };
}

/**
 * Each domain's name for people, as domainName (lib/placement/cluster-index.ts) gives it: the tree's
 * domains as the NamedLevels it reads, so a rack-1 whose value repeats in another zone is called
 * "rack-1 in zone z1" here as in the engine's messages. One pass over the nodes (no sort of every
 * domain: a hostname level has one per node).
 */
function domainNamer(state: ClusterState, topo: TopologyTree): (d: TopologyDomainSummary) => string {
  const book = domainNameBook(topo.levels.map((level) => level.domain));
  for (const node of state.nodes) {
    topo.levels.forEach((level, l) => {
      const d = topo.domainOf(node.name, level.domain);
      // Broadest level first: the parent was met with this node, if not before.
      if (d && !book.has(d.id)) book.add(l, d.id, d.value, d.parent);
    });
  }
  return (d) => book.nameOf(d.id);
}

/** Path order of two domains of one level, as the topology tree lists them: by each step's value, broadest first (unlabelled last). */
function comparePaths(a: TopologyDomainSummary, b: TopologyDomainSummary): number {
  const as = a.id.split('/');
  const bs = b.id.split('/');
  for (let i = 0; i < as.length && i < bs.length; i++) {
    const av = as[i]!.slice(as[i]!.indexOf('=') + 1);
    const bv = bs[i]!.slice(bs[i]!.indexOf('=') + 1);
    if (av === bv) continue;
    if (av === UNLABELLED) return 1;
    if (bv === UNLABELLED) return -1;
    return naturalCompare(av, bv);
  }
  return as.length - bs.length;
}
