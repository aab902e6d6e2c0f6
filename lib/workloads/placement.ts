/**
 * What the placement engine says about a stack that is already in the cluster: the gang of a waiting
 * pod rebuilt from the PodCliqueSet (live replica counts, the real pods' requests), placed on the
 * current ClusterState; and where the stack's pods are, per topology domain.
 */
import { podRequests } from '../cluster/resources';
import type { ClusterState, NodeInfo, PodInfo, TopologyInfo } from '../cluster/state';
import type { PodSpec } from '../grove/core';
import { expandPodGangs, planPodCliqueSet, podSchedulingRequirements } from '../grove/expand';
import type { ExpandedGang, ExpandedPod, ExpandedPodGroup } from '../grove/gang';
import { pickTopology } from '../heatmap/levels';
import { placeEachGang, sharedNodeTables, stackSchedulerName } from '../placement';
import { domainNameBook } from '../placement/cluster-index';
import type { GangPlacement } from '../placement/plan';
import { gangIncrements, type GangIncrements } from '../placement/preview';
import { buildTopologyTree, naturalCompare, UNLABELLED, type TopologyDomainSummary, type TopologyTree } from '../topology/tree';
import type { PodNode, WorkloadTree } from './tree';

/**
 * The part of gang `gangName` still to be placed on `state`, as the gang scheduler sees it: the
 * expansion's pod groups with the real, unbound pods (their own requests: a PodClique can differ from
 * today's template). When some pods of the gang are bound, the rest is its increment, as the scale
 * preview and the simulated scheduler see it (gangIncrements, lib/placement/pin.ts): per pod group only
 * what its bound pods lack of its minimum must fit together, the rest as it fits, and under a gang
 * scheduler every new pod must join the required domains where the gang runs (a pod added to a
 * running gang never starts it afresh elsewhere). Undefined when nothing of the gang waits.
 */
export function pendingGang(state: ClusterState, tree: WorkloadTree, gangName: string): ExpandedGang | undefined {
  return pendingGangs(state, tree, [gangName]).get(gangName);
}

/** pendingGang for several gangs of one stack, expanding the PodCliqueSet once. */
export function pendingGangs(state: ClusterState, tree: WorkloadTree, gangNames: readonly string[]): Map<string, ExpandedGang> {
  return new Map(waitingIncrements(state, tree, gangNames).gangs.map((g) => [g.name, g]));
}

function waitingIncrements(state: ClusterState, tree: WorkloadTree, gangNames: readonly string[]): GangIncrements {
  const wanted = new Set(gangNames);
  // Nothing asked: no pass over the cluster's pods (gangIncrements indexes them all).
  if (wanted.size === 0) return { gangs: [], running: () => [], explain: (placement) => placement };
  const pcsMeta = tree.pcs.metadata;
  // The scheduler the operator gave the stack (its PodGangs' label): a stack that names none runs under
  // the operator's default profile, kai-scheduler on a KAI install, which honours its topology.
  const schedulerName = stackSchedulerName(tree.gangs.map((g) => g.object), pcsMeta?.namespace ?? 'default', pcsMeta?.name ?? '');
  const expanded = expandPodGangs(tree.pcs, {
    scalingGroupReplicas: Object.fromEntries(tree.scalingGroups.map((g) => [g.name, g.replicas])),
    podCliqueReplicas: Object.fromEntries(tree.podCliques.map((c) => [c.name, c.replicas])),
    ...(schedulerName ? { defaultSchedulerName: schedulerName } : {}),
  }).filter((g) => wanted.has(g.name));
  const cliques = new Map(tree.podCliques.map((c) => [c.name, c]));
  return gangIncrements(state, expanded, (group) => waitingPods(group, cliques.get(group.name)));
}

/** The group's pods that exist and are not bound (nor done), each with its real pod's requests and scheduling. */
function waitingPods(group: ExpandedPodGroup, clique: WorkloadTree['podCliques'][number] | undefined): ExpandedPod[] {
  const real = new Map((clique?.pods ?? []).map((p) => [p.podIndex, p]));
  return group.pods.flatMap((p) => {
    const pod = real.get(p.podIndex);
    if (!pod || pod.node || pod.stage === 'succeeded' || pod.stage === 'failed') return [];
    const spec = (pod.object as { spec?: PodSpec }).spec;
    try {
      return [{ ...p, requests: podRequests(spec), scheduling: spec ? podSchedulingRequirements(spec) : {} }];
    } catch {
      return [p];
    }
  });
}

/**
 * The engine's answer for each waiting gang on `state` (pods already bound count as used, and a
 * running gang's new pods join its domains), each gang on its own, as the scheduler retries them one
 * by one. At most `limit` gangs: a large scale-up can leave hundreds waiting, and the first ones say why.
 */
export function placePendingGangs(state: ClusterState, tree: WorkloadTree, gangNames: readonly string[], limit = 20): Map<string, GangPlacement> {
  const waiting = waitingIncrements(state, tree, gangNames.slice(0, limit));
  // As its scheduler would: a default-scheduler gang pod by pod with its constraints ignored (as the
  // simulator and previews do). The page's nodes array is replaced, never changed in place, so the
  // node-derived tables are shared across pod changes (at 12,500 nodes, most of the engine's time).
  const placements = placeEachGang(state, waiting.gangs, { bySchedulerName: true, nodeTables: sharedNodeTables(state.nodes) });
  return new Map(placements.map((p) => [p.name, waiting.explain(p)]));
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

/**
 * What the panel reads from the nodes and the binding alone: the topology tree of the nodes with no
 * pods (each domain's capacity is right, nothing is used, so `free` is the usable capacity), each
 * domain's name for people, and each node's domain per level. Memoised on the nodes array and the
 * TopologyInfo object, which the tab's ClusterState keeps while only pods change
 * (components/hooks/useClusterState.ts): a pod event anywhere in the cluster does not rebuild it (at
 * 12,500 nodes that rebuild, host domains and names included, was 0.1–0.5 s per event).
 */
export interface NodeTopology {
  /** Built from the nodes only: use it for ids, values, parents, node lists and capacity, not for use or free. */
  tree: TopologyTree;
  /** The domain's name for people, as domainName gives it ("rack-1 in zone z1" where the value repeats). */
  nameOf(d: TopologyDomainSummary): string;
  /** Index in the nodes of each name (the first node of a name that repeats, as the tree counts pods). */
  nodeIndex: ReadonlyMap<string, number>;
  /** Per level (binding order), the domain of each node, by node index. */
  domainAt: readonly (readonly TopologyDomainSummary[])[];
}

const nodeTopologyMemo = new WeakMap<readonly NodeInfo[], WeakMap<TopologyInfo, NodeTopology>>();

/** The NodeTopology of `nodes` under `topology`, built once per (nodes array, topology object). */
export function nodeTopology(nodes: readonly NodeInfo[], topology: TopologyInfo): NodeTopology {
  let byTopology = nodeTopologyMemo.get(nodes);
  if (!byTopology) nodeTopologyMemo.set(nodes, (byTopology = new WeakMap()));
  let built = byTopology.get(topology);
  if (!built) byTopology.set(topology, (built = buildNodeTopology(nodes, topology)));
  return built;
}

/**
 * Names come from one pass over the nodes (no sort of every domain: a hostname level has one per node),
 * the tree's domains read as the NamedLevels domainNameBook (lib/placement/cluster-index.ts) takes, so a
 * domain is named here as in the engine's messages.
 */
function buildNodeTopology(nodes: readonly NodeInfo[], topology: TopologyInfo): NodeTopology {
  const tree = buildTopologyTree({ nodes: nodes as NodeInfo[], pods: [], topologies: [topology] }, topology);
  const nodeIndex = new Map<string, number>();
  for (let i = nodes.length - 1; i >= 0; i--) nodeIndex.set(nodes[i]!.name, i); // backwards: a repeated name maps to its first node
  const book = domainNameBook(tree.levels.map((level) => level.domain));
  // A level named twice in a binding reads as its first, as the tree's domainOf does: one shared array.
  const byName = new Map<string, TopologyDomainSummary[]>();
  const domainAt = tree.levels.map((level) => byName.get(level.domain) ?? byName.set(level.domain, new Array<TopologyDomainSummary>(nodes.length)).get(level.domain)!);
  nodes.forEach((node, i) => {
    tree.levels.forEach((level, l) => {
      const d = tree.domainOf(node.name, level.domain)!;
      domainAt[l]![i] = d;
      // Broadest level first: the parent was met with this node, if not before.
      if (!book.has(d.id)) book.add(l, d.id, d.value, d.parent);
    });
  });
  return { tree, nameOf: (d) => book.nameOf(d.id), nodeIndex, domainAt };
}

/**
 * Free GPUs (any workload) of each domain in `wanted`, by domain object of `topo`, as the full topology
 * tree counts them (lib/topology/tree.ts): per usable node, allocatable − min(requested, allocatable).
 * The node-only tree's free is the usable capacity, so only the nodes that hold pods are read: one pass
 * over the pods, none over the nodes.
 */
function freeGpusIn(nodes: readonly NodeInfo[], pods: readonly PodInfo[], topo: NodeTopology, wanted: ReadonlySet<TopologyDomainSummary>): Map<TopologyDomainSummary, number> {
  const free = new Map<TopologyDomainSummary, number>();
  for (const d of wanted) free.set(d, d.free.gpu);
  const levels = [...new Set(topo.domainAt)]; // a level named twice is one array: count it once
  // Typed arrays, not maps: this runs on every pod event, over every pod of the cluster.
  const requested = new Float64Array(nodes.length);
  const held = new Uint8Array(nodes.length);
  const holding: number[] = [];
  for (const pod of pods) {
    if (pod.terminal || !pod.nodeName) continue;
    const i = topo.nodeIndex.get(pod.nodeName);
    if (i === undefined) continue;
    if (held[i] === 0) (held[i] = 1), holding.push(i);
    requested[i] = requested[i]! + pod.requests.gpu;
  }
  for (const i of holding) {
    const node = nodes[i]!;
    if (!node.ready || node.unschedulable) continue; // its capacity is unusable, never free
    const used = Math.min(requested[i]!, node.allocatable.gpu);
    for (const level of levels) {
      const d = level[i]!;
      const left = free.get(d);
      if (left !== undefined) free.set(d, left - used);
    }
  }
  return free;
}

/**
 * Where the stack's pods are, per topology level, and which domains each gang spans. The node-derived
 * part is shared across pod changes (nodeTopology); what pods change is read from `state.pods` once.
 */
export function workloadPlacement(state: ClusterState, tree: WorkloadTree): WorkloadPlacement {
  const topology = workloadTopology(state, tree);
  const bound = tree.pods.filter((p) => p.node && p.stage !== 'succeeded' && p.stage !== 'failed');
  if (!topology) {
    return { levels: [], gangs: tree.gangs.map((g) => ({ name: g.name, spans: {}, boundPods: 0, pods: g.members.reduce((n, m) => n + m.pods.length, 0) })), unknownNodePods: 0 };
  }
  const topo = nodeTopology(state.nodes, topology);
  const { nameOf } = topo;
  const domainOf = (node: string, l: number) => {
    const i = topo.nodeIndex.get(node);
    return i === undefined ? undefined : topo.domainAt[l]![i];
  };
  let unknownNodePods = 0;
  const perLevel = topology.levels.map((l) => ({ level: l.domain, byId: new Map<string, { pods: PodNode[]; summary: TopologyDomainSummary }>() }));
  for (const pod of bound) {
    if (!topo.nodeIndex.has(pod.node!)) {
      unknownNodePods++;
      continue;
    }
    perLevel.forEach((l, index) => {
      const d = domainOf(pod.node!, index);
      if (!d) return;
      const entry = l.byId.get(d.id);
      if (entry) entry.pods.push(pod);
      else l.byId.set(d.id, { pods: [pod], summary: d });
    });
  }
  const free = freeGpusIn(state.nodes, state.pods, topo, new Set(perLevel.flatMap((l) => [...l.byId.values()].map((e) => e.summary))));
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
        freeGpus: free.get(summary)!,
        gangs: [...new Set(pods.map((p) => p.gang).filter((g): g is string => !!g))].sort(),
      })),
  }));
  const gangs = tree.gangs.map((g) => {
    const pods = g.members.flatMap((m) => m.pods);
    const gBound = pods.filter((p) => p.node && topo.nodeIndex.has(p.node));
    const spans: Record<string, string[]> = {};
    topology.levels.forEach((l, index) => {
      const domains = new Map<string, TopologyDomainSummary>();
      for (const p of gBound) {
        const d = domainOf(p.node!, index);
        if (d) domains.set(d.id, d);
      }
      spans[l.domain] = [...domains.values()].sort(comparePaths).map(nameOf);
    });
    return { name: g.name, spans, boundPods: gBound.length, pods: pods.length };
  });
  return { topology: topology.name, levels, gangs, unknownNodePods };
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
