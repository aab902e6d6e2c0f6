/**
 * The heatmap model: a layout (lib/heatmap/layout.ts) plus who occupies each GPU cell, per-frame GPU
 * totals and the workloads on the cluster. Plain data, computed from ClusterState (and the pods' Grove
 * labels); the canvas renderer, the table view, the hit-test and the tests all read this one model.
 *
 * GPU slots: Kubernetes does not say which device index a pod holds. Pods bound to a node are sorted
 * by namespace/name and given consecutive GPU indices (pod A: 0–3, pod B: 4–7), so the picture is
 * deterministic; the tooltip says the index is assigned this way. Requests beyond a node's GPUs are
 * not drawn (the node's tooltip still counts them).
 */
import { workloadOfPod, type ClusterState, type PodInfo } from '../cluster/state';
import { LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODGANG } from '../grove/labels';
import { layoutHeatmap, type HeatmapLayout, type LayoutOptions } from './layout';

/** Cell status (allocation mode). */
export const CELL_FREE = 0;
export const CELL_GROVE = 1;
export const CELL_OTHER = 2;
/** Free, but on a cordoned or NotReady node. */
export const CELL_UNAVAILABLE = 3;
/**
 * Free, on a node with a NoSchedule/NoExecute taint that not every GPU node carries (a dedicated pool):
 * free only for pods that tolerate it. Still counted in `free`.
 */
export const CELL_TAINTED = 4;

export const NODE_USABLE = 0;
export const NODE_CORDONED = 1;
export const NODE_NOT_READY = 2;
/** Ready and schedulable, but with a NoSchedule/NoExecute taint not every GPU node carries (cordoned and NotReady win). */
export const NODE_TAINTED = 3;

/** Taint effects that keep a pod that does not tolerate them off a node (PreferNoSchedule only discourages). */
const BLOCKING_EFFECTS = new Set(['NoSchedule', 'NoExecute']);
/**
 * Taints Kubernetes itself puts on cordoned (unschedulable) and NotReady/unreachable nodes: the node's
 * status already says these, so they do not make a node "tainted" here.
 */
const STATUS_TAINTS = new Set(['node.kubernetes.io/unschedulable', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

/** A taint as kubectl writes it: key=value:Effect (key:Effect without a value). */
export function taintText(taint: { key: string; value?: string; effect: string }): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

export interface HeatmapPod {
  /** `namespace/name`. */
  key: string;
  namespace: string;
  name: string;
  node: string;
  /** `namespace/pcs` of its PodCliqueSet, '' for pods Grove does not manage. */
  workload: string;
  podCliqueSet: string;
  podClique: string;
  podGang: string;
  role: string;
  gpus: number;
  /** Cells held: cells[firstCell .. firstCell + cellCount). */
  firstCell: number;
  cellCount: number;
  phase: string;
  /** Deleted and going away (deletionTimestamp): it still holds its GPUs until it is gone. */
  terminating: boolean;
}

export interface HeatmapWorkload {
  key: string;
  namespace: string;
  name: string;
  /** GPU cells its pods hold. */
  gpus: number;
  /** Indices into model.pods (bound pods only). */
  pods: number[];
  /** Its pods not bound to a node yet (not terminal, not terminating), and the GPUs they ask for. */
  pendingPods: number;
  pendingGpus: number;
}

export interface FrameStats {
  gpus: number;
  used: number;
  free: number;
  /** Free GPUs on cordoned or NotReady nodes. */
  unavailable: number;
  /**
   * Of `free`, the GPUs on (usable) nodes with a NoSchedule/NoExecute taint only some GPU nodes carry:
   * free only for pods that tolerate it. A subset of `free`, not apart from it.
   */
  tainted: number;
}

export interface HeatmapTotals extends FrameStats {
  nodes: number;
}

export interface HeatmapModel {
  layout: HeatmapLayout;
  /** Index into pods, -1 when free. */
  cellPod: Int32Array;
  cellStatus: Uint8Array;
  /** Per layout node: NODE_USABLE / NODE_CORDONED / NODE_NOT_READY / NODE_TAINTED (NotReady, then cordoned win). */
  nodeStatus: Uint8Array;
  /**
   * Layout node index → its NoSchedule/NoExecute taints (taintText) other than the cluster-wide ones,
   * for nodes that have any, whatever their status.
   */
  nodeTaints: ReadonlyMap<number, readonly string[]>;
  /**
   * NoSchedule/NoExecute taints every GPU node carries (GKE's nvidia.com/gpu=present:NoSchedule, an AKS
   * GPU pool's sku=gpu:NoSchedule): every GPU workload tolerates them, so they mark no node as tainted;
   * the page says once that pods need a toleration for them. Sorted; empty when there is none.
   */
  clusterTaints: readonly string[];
  /** Pods bound to a drawn node, in slot order; terminal pods are left out. */
  pods: HeatmapPod[];
  /** Sorted by key. */
  workloads: HeatmapWorkload[];
  /** Roles of the pods holding GPU cells (what role mode can colour), sorted. */
  roles: string[];
  /** Parallel to layout.frames. */
  frameStats: FrameStats[];
  totals: HeatmapTotals;
}

export interface ModelOptions extends LayoutOptions {
  /** Role of a pod (its PodClique's roleName); see roles.ts. */
  roleOf?: (pod: PodInfo) => string | undefined;
  /** Reuse this layout when it still fits the state (same signature): keeps the picture still on pod changes. */
  previousLayout?: HeatmapLayout;
}

/** What the model reads from a pod's labels, computed once per PodInfo object (live updates keep unchanged pods' objects). */
interface PodFacts {
  key: string;
  workload: string;
  podCliqueSet: string;
  podClique: string;
  podGang: string;
}
const factsCache = new WeakMap<PodInfo, PodFacts>();
function factsOf(pod: PodInfo): PodFacts {
  let facts = factsCache.get(pod);
  if (!facts) {
    const workload = workloadOfPod(pod);
    facts = {
      key: `${pod.namespace}/${pod.name}`,
      workload,
      podCliqueSet: workload ? pod.labels[LABEL_PART_OF]! : '',
      podClique: pod.labels[LABEL_PODCLIQUE] ?? '',
      podGang: pod.labels[LABEL_PODGANG] ?? '',
    };
    factsCache.set(pod, facts);
  }
  return facts;
}

const byKey = (a: PodInfo, b: PodInfo): number => {
  const ka = factsOf(a).key;
  const kb = factsOf(b).key;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

const nodeIndexCache = new WeakMap<HeatmapLayout, Map<string, number>>();
/** Node name → index into layout.nodes, once per layout (a kept layout is re-occupied on every pod event). */
function nodeIndexOf(layout: HeatmapLayout): Map<string, number> {
  let index = nodeIndexCache.get(layout);
  if (!index) {
    index = new Map();
    for (let n = 0; n < layout.nodes.length; n++) index.set(layout.nodes[n]!.name, n);
    nodeIndexCache.set(layout, index);
  }
  return index;
}

/** Sort items[start .. end) in place (insertion sort: a node holds a handful of pods). */
function sortRange<T>(items: T[], start: number, end: number, compare: (a: T, b: T) => number): void {
  for (let i = start + 1; i < end; i++) {
    const item = items[i]!;
    let j = i - 1;
    while (j >= start && compare(items[j]!, item) > 0) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = item;
  }
}

export function buildHeatmapModel(state: ClusterState, options: ModelOptions = {}): HeatmapModel {
  return occupyLayout(stableLayout(state, options), state, options.roleOf);
}

/** The state's layout; `options.previousLayout` itself when it still fits (same signature), so the picture stays put. */
export function stableLayout(state: ClusterState, options: Omit<ModelOptions, 'roleOf'> = {}): HeatmapLayout {
  const layout = layoutHeatmap(state, options);
  return options.previousLayout && options.previousLayout.signature === layout.signature ? options.previousLayout : layout;
}

/** Fill a layout with the state's pods (the part that changes on every pod event). */
export function occupyLayout(layout: HeatmapLayout, state: ClusterState, roleOf?: (pod: PodInfo) => string | undefined): HeatmapModel {
  const nodeByName = nodeIndexOf(layout);
  const nodeStatus = new Uint8Array(layout.nodes.length);
  const blockingByNode = new Map<number, string[]>();
  // A kept layout's stateIndex is stale when the same nodes arrive in another order (a relist after a
  // reconnect keeps the signature): then look the node up by name, indexing state.nodes once per call.
  let stateIndexByName: Map<string, number> | undefined;
  layout.nodes.forEach((box, n) => {
    let node = state.nodes[box.stateIndex];
    if (node?.name !== box.name) {
      stateIndexByName ??= new Map(state.nodes.map((candidate, i) => [candidate.name, i] as const));
      const i = stateIndexByName.get(box.name);
      node = i === undefined ? undefined : state.nodes[i];
    }
    if (!node) return;
    // Most nodes have no taint: no arrays for them.
    if (node.taints.length) {
      const blocking = node.taints.filter((t) => BLOCKING_EFFECTS.has(t.effect) && !STATUS_TAINTS.has(t.key)).map(taintText);
      if (blocking.length) blockingByNode.set(n, blocking);
    }
    nodeStatus[n] = !node.ready ? NODE_NOT_READY : node.unschedulable ? NODE_CORDONED : NODE_USABLE;
  });
  // A taint on every GPU node marks none of them: the rest are the node's own (a dedicated pool).
  const clusterTaints = clusterWideTaints(layout, blockingByNode);
  const nodeTaints = new Map<number, string[]>();
  for (const [n, blocking] of blockingByNode) {
    const own = clusterTaints.length ? blocking.filter((t) => !clusterTaints.includes(t)) : blocking;
    if (!own.length) continue;
    nodeTaints.set(n, own);
    if (nodeStatus[n] === NODE_USABLE) nodeStatus[n] = NODE_TAINTED;
  }

  // The pods on each drawn node, grouped by a counting sort (state order within a node): perNode
  // holds node n's pods at [podStart[n], podStart[n + 1]).
  const nodeCount = layout.nodes.length;
  const podNode = new Int32Array(state.pods.length).fill(-1);
  const podStart = new Int32Array(nodeCount + 1);
  // Pods not bound yet, per workload: the GPUs they wait for are drawn nowhere, so they are counted.
  const pending = new Map<string, { pods: number; gpus: number }>();
  state.pods.forEach((pod, p) => {
    if (pod.terminal) return;
    if (!pod.nodeName) {
      // A pod deleted before it was bound waits for nothing: it goes, and its replacement (if any) is counted.
      if (pod.terminating) return;
      const workload = factsOf(pod).workload;
      if (!workload) return;
      const count = pending.get(workload);
      if (count) {
        count.pods++;
        count.gpus += pod.requests.gpu;
      } else pending.set(workload, { pods: 1, gpus: pod.requests.gpu });
      return;
    }
    const n = nodeByName.get(pod.nodeName);
    if (n === undefined) return;
    podNode[p] = n;
    podStart[n + 1]!++;
  });
  for (let n = 0; n < nodeCount; n++) podStart[n + 1]! += podStart[n]!;
  const perNode: PodInfo[] = new Array<PodInfo>(podStart[nodeCount]!);
  const fill = podStart.slice(0, nodeCount);
  state.pods.forEach((pod, p) => {
    const n = podNode[p]!;
    if (n >= 0) perNode[fill[n]!++] = pod;
  });

  const cellPod = new Int32Array(layout.cellCount).fill(-1);
  const cellStatus = new Uint8Array(layout.cellCount);
  const pods: HeatmapPod[] = [];
  const workloadPods = new Map<string, number[]>();
  const roles = new Set<string>();
  layout.nodes.forEach((box, n) => {
    const first = podStart[n]!;
    const end = podStart[n + 1]!;
    if (end - first > 1) sortRange(perNode, first, end, byKey);
    let slot = 0;
    for (let q = first; q < end; q++) {
      const pod = perNode[q]!;
      const take = Math.max(0, Math.min(pod.requests.gpu, box.gpus - slot));
      const facts = factsOf(pod);
      const workload = facts.workload;
      const role = roleOf?.(pod) ?? '';
      // Only roles the map can colour: a pod holding no GPU cell (a router) shows nowhere.
      if (role && take > 0) roles.add(role);
      const index = pods.length;
      pods.push({
        key: facts.key,
        namespace: pod.namespace,
        name: pod.name,
        node: box.name,
        workload,
        podCliqueSet: facts.podCliqueSet,
        podClique: facts.podClique,
        podGang: facts.podGang,
        role,
        gpus: pod.requests.gpu,
        firstCell: box.firstCell + slot,
        cellCount: take,
        phase: pod.phase ?? '',
        terminating: pod.terminating === true,
      });
      if (workload) {
        const members = workloadPods.get(workload);
        if (members) members.push(index);
        else workloadPods.set(workload, [index]);
      }
      const status = workload ? CELL_GROVE : CELL_OTHER;
      for (let k = 0; k < take; k++) {
        cellPod[box.firstCell + slot + k] = index;
        cellStatus[box.firstCell + slot + k] = status;
      }
      slot += take;
    }
    if (nodeStatus[n] !== NODE_USABLE) {
      const free = nodeStatus[n] === NODE_TAINTED ? CELL_TAINTED : CELL_UNAVAILABLE;
      for (let c = box.firstCell + slot; c < box.firstCell + box.gpus; c++) cellStatus[c] = free;
    }
  });

  // A workload whose pods are all pending is listed too (no GPUs yet), so it can be found and selected.
  for (const key of pending.keys()) if (!workloadPods.has(key)) workloadPods.set(key, []);
  const workloads: HeatmapWorkload[] = [...workloadPods.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, members]) => {
      const slash = key.indexOf('/');
      const waiting = pending.get(key);
      return {
        key,
        namespace: key.slice(0, slash),
        name: key.slice(slash + 1),
        gpus: members.reduce((s, p) => s + pods[p]!.cellCount, 0),
        pods: members,
        pendingPods: waiting?.pods ?? 0,
        pendingGpus: waiting?.gpus ?? 0,
      };
    });

  // Per-node counts, then per frame over its contiguous node range (prefix sums).
  const count = layout.nodes.length;
  const prefix = { gpus: new Float64Array(count + 1), used: new Float64Array(count + 1), unavailable: new Float64Array(count + 1), tainted: new Float64Array(count + 1) };
  layout.nodes.forEach((box, n) => {
    let used = 0;
    let unavailable = 0;
    let tainted = 0;
    for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) {
      if (cellPod[c]! >= 0) used++;
      else if (cellStatus[c] === CELL_UNAVAILABLE) unavailable++;
      else if (cellStatus[c] === CELL_TAINTED) tainted++;
    }
    prefix.gpus[n + 1] = prefix.gpus[n]! + box.gpus;
    prefix.used[n + 1] = prefix.used[n]! + used;
    prefix.unavailable[n + 1] = prefix.unavailable[n]! + unavailable;
    prefix.tainted[n + 1] = prefix.tainted[n]! + tainted;
  });
  const stats = (start: number, end: number): FrameStats => {
    const gpus = prefix.gpus[end]! - prefix.gpus[start]!;
    const used = prefix.used[end]! - prefix.used[start]!;
    const unavailable = prefix.unavailable[end]! - prefix.unavailable[start]!;
    const tainted = prefix.tainted[end]! - prefix.tainted[start]!;
    return { gpus, used, unavailable, tainted, free: gpus - used - unavailable };
  };
  const frameStats: FrameStats[] = layout.frames.map((frame) => stats(frame.nodeStart, frame.nodeEnd));

  return {
    layout,
    cellPod,
    cellStatus,
    nodeStatus,
    nodeTaints,
    clusterTaints,
    pods,
    workloads,
    roles: [...roles].sort(),
    frameStats,
    totals: { ...stats(0, count), nodes: count },
  };
}

/** The blocking taints every GPU node of the layout carries, sorted (none when some GPU node has no taint). */
function clusterWideTaints(layout: HeatmapLayout, blockingByNode: ReadonlyMap<number, readonly string[]>): string[] {
  let common: Set<string> | undefined;
  for (let n = 0; n < layout.nodes.length; n++) {
    if (layout.nodes[n]!.gpus === 0) continue;
    const blocking = blockingByNode.get(n);
    if (!blocking) return [];
    common = common ? new Set(blocking.filter((t) => common!.has(t))) : new Set(blocking);
    if (!common.size) return [];
  }
  return common ? [...common].sort() : [];
}

const frameWorkloadCache = new WeakMap<HeatmapModel, Map<number, string[]>>();

/**
 * Workload keys with GPUs in a frame, sorted. Computed on demand (the table and the tooltip ask for a
 * few frames; a live update of 100k GPUs should not pay for all of them).
 */
export function frameWorkloads(model: HeatmapModel, frame: number): string[] {
  let cache = frameWorkloadCache.get(model);
  if (!cache) frameWorkloadCache.set(model, (cache = new Map()));
  let list = cache.get(frame);
  if (!list) {
    const f = model.layout.frames[frame];
    const set = new Set<string>();
    if (f) {
      const first = model.layout.nodes[f.nodeStart]?.firstCell ?? 0;
      const last = f.nodeEnd > f.nodeStart ? model.layout.nodes[f.nodeEnd - 1]!.firstCell + model.layout.nodes[f.nodeEnd - 1]!.gpus : first;
      let previous = -1;
      for (let c = first; c < last; c++) {
        const p = model.cellPod[c]!;
        if (p < 0 || p === previous) continue;
        previous = p;
        const w = model.pods[p]!.workload;
        if (w) set.add(w);
      }
    }
    list = [...set].sort();
    cache.set(frame, list);
  }
  return list;
}
