/**
 * The per-call index of a ClusterState the engine works on: free resources in typed arrays, node →
 * domain per topology level, per-domain free GPU sums kept up to date on every assignment, and one
 * eligibility mask per distinct set of pod requirements. A domain is its label path from the broadest
 * level down (lib/topology/domainPath.ts, KAI's calcDomainId): rack-1 of zone z0 and rack-1 of zone z1
 * are two racks, and every domain lies in one domain of each broader level. A node that lacks the label
 * of any level of the binding is in no domain at all, as in KAI's topology tree (plugins/topology
 * addNodeDataToTopology skips it: isNodePartOfTopology), and no pod of a topology-constrained set may use
 * it (constrainedMask).
 *
 * Two parts. What the pods use is read afresh on every placement call (one pass over the pods) and kept
 * up to date by the engine's assignments. What depends only on the nodes (labels → domains, eligibility
 * masks, sorted node orders: NodeTables) is built per call too, unless the caller passes tables of its
 * own: sharedNodeTables memoises them on the nodes array, for callers whose nodes array and NodeInfo
 * objects are never changed in place (the page's ClusterState keeps the array while only pods change).
 * The simulator and tests may change nodes in place, so sharing is never the default: a cache keyed by
 * the array would then answer from stale data.
 */
import type { ClusterState, NodeInfo, PodInfo, PodSchedulingRequirements, TopologyInfo } from '../cluster/state';
import { nodePassesFilters, requirementsKey } from './filters';

export interface LevelIndex {
  domain: string;
  key: string;
  /**
   * Domain id of each node, -1 when the node lacks the label of any level of the binding (broader or
   * narrower): KAI leaves a node without all its labels out of the topology, so it is in no domain.
   */
  nodeDom: Int32Array;
  /** Label value per domain id (not unique: rack-1 may be in two zones; see domainName). */
  values: string[];
  /** Domain id in the level above per domain id; null at the broadest level. */
  parentDom: Int32Array | null;
  /** The level above (null at the broadest). */
  up: LevelIndex | null;
  /** Per domain id: another domain of this level carries the same value (its name needs its parent). */
  sharedValue: Uint8Array;
  /** Node indexes grouped by domain id (ascending inside each): domain d is order[start[d]..start[d+1]). */
  order: Int32Array;
  start: Int32Array;
  /** Free GPUs per domain over all nodes that accept pods, updated on assign. */
  domFreeGpu: Float64Array;
  /** Scratch for grouping (one epoch per grouping pass). */
  stamp: Int32Array;
  slot: Int32Array;
  epoch: number;
  /** Every domain is one node (a hostname level). */
  perNode: boolean;
}

export interface TopologyIndex {
  info: TopologyInfo;
  levels: LevelIndex[];
  /**
   * Per node: it carries the label of every level (1), so it is part of the topology, or not (0). KAI
   * uses no other node for a pod whose gang, scaling group or clique has a topology constraint.
   */
  inTopology: Uint8Array;
  /** Narrowest level whose domains hold several nodes: used to keep whole racks free. -1 if none. */
  fragLevel: number;
}

/** One level's domains over the nodes (see staticLevel): NodeTables keeps them per binding. */
interface StaticLevel {
  nodeDom: Int32Array;
  values: string[];
  parentDom: Int32Array | null;
  sharedValue: Uint8Array;
  order: Int32Array;
  start: Int32Array;
  perNode: boolean;
}

/** What domainName reads of a level (a LevelIndex, or the same facts built from a TopologyTree). */
export interface NamedLevel {
  domain: string;
  values: readonly string[];
  sharedValue: Uint8Array;
  parentDom: Int32Array | null;
  up: NamedLevel | null;
}

/**
 * A domain's name for people: its label value, with its parent's name where the value is not unique
 * in the level ("rack-1 in zone z0", "rack-1 in block b0 in zone z1").
 */
export function domainName(level: NamedLevel, d: number): string {
  const value = level.values[d]!;
  if (!level.sharedValue[d] || !level.up || !level.parentDom) return value;
  return `${value} in ${level.up.domain} ${domainName(level.up, level.parentDom[d]!)}`;
}

/**
 * Names for domains met one by one (broadest level first along each path), as domainName gives them:
 * for callers that hold domains by path id rather than a LevelIndex (the workloads panel, the heatmap's
 * spans). `value` decides whether a name is shared; `label` is what is shown (the value by default).
 */
export function domainNameBook(levelDomains: readonly string[]): {
  add(level: number, id: string, value: string, parentId: string | null, label?: string): void;
  has(id: string): boolean;
  nameOf(id: string): string;
} {
  const where = new Map<string, { level: number; index: number }>();
  const named = levelDomains.map((domain) => ({ domain, labels: [] as string[], shared: [] as number[], parents: [] as number[], firstWithValue: new Map<string, number>() }));
  let levels: NamedLevel[] | null = null;
  return {
    add(level, id, value, parentId, label = value) {
      if (where.has(id)) return;
      const n = named[level]!;
      const index = n.labels.length;
      where.set(id, { level, index });
      n.labels.push(label);
      n.parents.push(parentId === null ? -1 : where.get(parentId)!.index);
      const first = n.firstWithValue.get(value);
      if (first === undefined) (n.firstWithValue.set(value, index), n.shared.push(0));
      else (n.shared.push(1), (n.shared[first] = 1));
      levels = null;
    },
    has: (id) => where.has(id),
    nameOf(id) {
      if (!levels) {
        const built: NamedLevel[] = [];
        named.forEach((n, l) => built.push({ domain: n.domain, values: n.labels, sharedValue: Uint8Array.from(n.shared), parentDom: l > 0 ? Int32Array.from(n.parents) : null, up: built[l - 1] ?? null }));
        levels = built;
      }
      const at = where.get(id)!;
      return domainName(levels[at.level]!, at.index);
    },
  };
}

/** The nodes of domain d at a level, ascending. */
export function domainNodes(level: Pick<LevelIndex, 'order' | 'start'>, d: number): Int32Array {
  return level.order.subarray(level.start[d]!, level.start[d + 1]!);
}

/**
 * What depends only on the nodes (labels, taints, readiness, allocatable): read-only for the engine, so
 * every index over the same nodes may share it. The domains of a binding's levels and the eligibility
 * masks are added on first use, under the binding's label keys and the pods' requirements.
 */
export interface NodeTables {
  /** The array these tables were built from (an index checks it is given the same one). */
  readonly nodes: readonly NodeInfo[];
  readonly nodeIndex: Map<string, number>;
  /** Ready and not cordoned. */
  readonly accepts: Uint8Array;
  /** Allocatable per node: where every index's free amounts start. */
  readonly allocatable: Usage;
  /** Allocatable per node of each extended resource some node offers, in the order the nodes name them. */
  readonly extAllocatable: ReadonlyMap<string, Float64Array>;
  readonly masks: Map<string, Uint8Array>;
  /** Per level, by the label keys of the binding's levels down to it (see ClusterIndex.topology). */
  readonly levels: Map<string, StaticLevel>;
  /** Nodes with every label of a binding's levels, by the binding's label keys. */
  readonly inTopology: Map<string, Uint8Array>;
  /** ClusterIndex.nodeDerived's values, by their `within` (the map itself for none), then key. */
  readonly derived: WeakMap<object, Map<string, unknown>>;
}

/** Free resources after the bound pods (or, in NodeTables, before any). */
interface Usage {
  gpu: Float64Array;
  cpu: Float64Array;
  mem: Float64Array;
  pods: Float64Array;
}

/** NodeTables of `nodes`, built afresh. */
export function buildNodeTables(nodes: readonly NodeInfo[]): NodeTables {
  const n = nodes.length;
  const nodeIndex = new Map<string, number>();
  const accepts = new Uint8Array(n);
  const allocatable: Usage = { gpu: new Float64Array(n), cpu: new Float64Array(n), mem: new Float64Array(n), pods: new Float64Array(n) };
  const extAllocatable = new Map<string, Float64Array>();
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    if (!nodeIndex.has(node.name)) nodeIndex.set(node.name, i);
    accepts[i] = node.ready && !node.unschedulable ? 1 : 0;
    const a = node.allocatable;
    allocatable.gpu[i] = a.gpu;
    allocatable.cpu[i] = a.cpuMilli;
    allocatable.mem[i] = a.memory;
    allocatable.pods[i] = a.pods;
    const ext = a.extended;
    if (!ext) continue;
    for (const name in ext) {
      let f = extAllocatable.get(name);
      if (!f) extAllocatable.set(name, (f = new Float64Array(n)));
      f[i] = ext[name]!;
    }
  }
  return { nodes, nodeIndex, accepts, allocatable, extAllocatable, masks: new Map(), levels: new Map(), inTopology: new Map(), derived: new WeakMap() };
}

const sharedTables = new WeakMap<readonly NodeInfo[], NodeTables>();

/**
 * NodeTables of `nodes`, built once per nodes array and kept while the array lives, with every
 * binding's domains and every requirement's mask built so far: placement calls that differ only in
 * their pods share them. Only for a nodes array whose NodeInfo objects are never changed in place (a
 * relabelled node must come in a new array, as the client store hands it out).
 */
export function sharedNodeTables(nodes: readonly NodeInfo[]): NodeTables {
  let tables = sharedTables.get(nodes);
  if (!tables) sharedTables.set(nodes, (tables = buildNodeTables(nodes)));
  return tables;
}

function usageFor(state: ClusterState, tables: NodeTables): Usage {
  const { nodeIndex, allocatable } = tables;
  const u: Usage = { gpu: allocatable.gpu.slice(), cpu: allocatable.cpu.slice(), mem: allocatable.mem.slice(), pods: allocatable.pods.slice() };
  for (const pod of state.pods) {
    if (pod.terminal || !pod.nodeName) continue;
    const i = nodeIndex.get(pod.nodeName);
    if (i === undefined) continue;
    u.gpu[i] = u.gpu[i]! - pod.requests.gpu;
    u.cpu[i] = u.cpu[i]! - pod.requests.cpuMilli;
    u.mem[i] = u.mem[i]! - pod.requests.memory;
    u.pods[i] = u.pods[i]! - pod.requests.pods;
  }
  return u;
}

/** Free extended resources after the bound pods; only nodes and pods that carry any pay for it. */
function extendedUsageFor(state: ClusterState, tables: NodeTables): Map<string, Float64Array> {
  const { nodeIndex } = tables;
  const out = new Map<string, Float64Array>();
  for (const [name, f] of tables.extAllocatable) out.set(name, f.slice());
  const n = tables.nodes.length;
  const of = (name: string): Float64Array => {
    let f = out.get(name);
    if (!f) {
      f = new Float64Array(n);
      out.set(name, f);
    }
    return f;
  };
  for (const pod of state.pods) {
    const ext = pod.requests.extended;
    if (!ext || pod.terminal || !pod.nodeName) continue;
    const i = nodeIndex.get(pod.nodeName);
    if (i === undefined) continue;
    for (const name in ext) {
      const f = of(name);
      f[i] = f[i]! - ext[name]!;
    }
  }
  return out;
}

/** Per node: it carries every one of these label keys. */
function carriesAll(nodes: readonly NodeInfo[], keys: readonly string[]): Uint8Array {
  const out = new Uint8Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const labels = nodes[i]!.labels;
    let all = 1;
    // typeof: labels are own string properties; "constructor" & co. inherited from Object are not labels.
    for (const key of keys) if (typeof labels[key] !== 'string') all = 0;
    out[i] = all;
  }
  return out;
}

/**
 * One level's domains: a domain per (domain of the level above, label value), i.e. per label path, over
 * the nodes `inTopology` (those with every level's label).
 */
function staticLevel(nodes: readonly NodeInfo[], key: string, above: StaticLevel | null, inTopology: Uint8Array): StaticLevel {
  const n = nodes.length;
  const nodeDom = new Int32Array(n).fill(-1);
  const values: string[] = [];
  const parents: number[] = [];
  // A hostname level: every node its own domain, valued by its name. No map needed.
  let byName = true;
  for (let i = 0; i < n && byName; i++) if (nodes[i]!.labels[key] !== nodes[i]!.name || !inTopology[i]) byName = false;
  if (byName) {
    const order = new Int32Array(n);
    const start = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      nodeDom[i] = i;
      values.push(nodes[i]!.name);
      order[i] = i;
      start[i + 1] = i + 1;
    }
    // Duplicate node names would break "one domain per node"; the snapshot reader rejects them.
    return { nodeDom, values, order, start, perNode: true, parentDom: above ? above.nodeDom.slice() : null, sharedValue: new Uint8Array(n) };
  }
  const ids = new Map<string, number>();
  const counts: number[] = [];
  const seen = new Map<string, number>();
  let labelled = 0;
  let lastP = -1;
  let lastV: string | undefined;
  let lastId = -1;
  for (let i = 0; i < n; i++) {
    if (!inTopology[i]) continue; // a level's label is missing: outside the topology
    const v = nodes[i]!.labels[key]!;
    const p = above ? above.nodeDom[i]! : 0;
    // Neighbouring nodes usually share zone, block and rack: skip the map.
    let id = v === lastV && p === lastP ? lastId : ids.get(`${p}\u0000${v}`);
    if (id === undefined) {
      id = values.length;
      ids.set(`${p}\u0000${v}`, id);
      values.push(v);
      parents.push(p);
      counts.push(0);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    lastP = p;
    lastV = v;
    lastId = id;
    nodeDom[i] = id;
    counts[id]!++;
    labelled++;
  }
  const d = values.length;
  const start = new Int32Array(d + 1);
  for (let k = 0; k < d; k++) start[k + 1] = start[k]! + counts[k]!;
  const fill = start.slice(0, d);
  const order = new Int32Array(labelled);
  for (let i = 0; i < n; i++) {
    const id = nodeDom[i]!;
    if (id >= 0) order[fill[id]!++] = i;
  }
  const sharedValue = Uint8Array.from(values, (v) => (seen.get(v)! > 1 ? 1 : 0));
  return { nodeDom, values, order, start, perNode: d === labelled, parentDom: above ? Int32Array.from(parents) : null, sharedValue };
}

export class ClusterIndex {
  readonly n: number;
  readonly nodes: readonly NodeInfo[];
  readonly nodeIndex: Map<string, number>;
  readonly freeGpu: Float64Array;
  readonly freeCpu: Float64Array;
  readonly freeMem: Float64Array;
  readonly freePods: Float64Array;
  /**
   * Free amount per node of each extended resource (rdma/ib, ephemeral-storage, …) some node offers;
   * empty on most clusters. extFree adds a resource no node offers (all zero) when a pod asks for it.
   */
  readonly freeExt: Map<string, Float64Array>;
  /** Ready and not cordoned. */
  readonly accepts: Uint8Array;
  /** What depends only on the nodes: built for this index, or shared (sharedNodeTables). */
  readonly tables: NodeTables;
  /** Free amounts after the state's pods alone, before any assignment: what reset returns to. */
  private readonly bound: Usage;
  private readonly boundExt: ReadonlyMap<string, Float64Array>;
  private readonly topologies = new Map<string, TopologyIndex>();
  /** Per level of a kept topology, its free GPU sums after the state's pods alone (see reset). */
  private readonly boundDomFree = new WeakMap<LevelIndex, Float64Array>();

  constructor(
    readonly state: ClusterState,
    tables: NodeTables = buildNodeTables(state.nodes),
  ) {
    if (tables.nodes !== state.nodes) throw new Error('ClusterIndex: the node tables were built from another nodes array than the state’s');
    const nodes = state.nodes;
    this.n = nodes.length;
    this.nodes = nodes;
    this.tables = tables;
    this.nodeIndex = tables.nodeIndex;
    this.accepts = tables.accepts;
    this.bound = usageFor(state, tables);
    this.freeGpu = this.bound.gpu.slice();
    this.freeCpu = this.bound.cpu.slice();
    this.freeMem = this.bound.mem.slice();
    this.freePods = this.bound.pods.slice();
    this.boundExt = extendedUsageFor(state, tables);
    this.freeExt = new Map([...this.boundExt].map(([name, f]) => [name, f.slice()]));
  }

  /**
   * Back to the state's pods alone, as a fresh index over the same state: every assignment given back,
   * the extended resources only pods of earlier gangs asked for forgotten, and the topologies' free GPU
   * sums counted again. For placing several gangs each on its own with one index (placeEachGang):
   * a copy of the free arrays instead of a pass over every pod of the cluster per gang.
   */
  reset(): void {
    this.freeGpu.set(this.bound.gpu);
    this.freeCpu.set(this.bound.cpu);
    this.freeMem.set(this.bound.mem);
    this.freePods.set(this.bound.pods);
    for (const [name, f] of this.freeExt) {
      const bound = this.boundExt.get(name);
      if (bound) f.set(bound);
      else this.freeExt.delete(name);
    }
    // Kept, with each level's free GPU sums as a fresh index counts them from the state's pods (counted
    // once, then copied: the free arrays are the state's again here).
    for (const t of this.topologies.values()) {
      for (const level of t.levels) {
        let bound = this.boundDomFree.get(level);
        if (!bound) {
          this.sumDomainFree(level.nodeDom, level.domFreeGpu);
          this.boundDomFree.set(level, (bound = level.domFreeGpu.slice()));
        }
        level.domFreeGpu.set(bound);
      }
    }
  }

  /** Free amounts of one extended resource per node (zeros when no node offers it). */
  extFree(name: string): Float64Array {
    let f = this.freeExt.get(name);
    if (!f) {
      f = new Float64Array(this.n);
      this.freeExt.set(name, f);
    }
    return f;
  }

  /** Nodes that pass every non-resource filter for these requirements (1) or not (0). */
  mask(req: PodSchedulingRequirements | undefined): Uint8Array {
    const key = requirementsKey(req);
    let m = this.tables.masks.get(key);
    if (m) return m;
    m = new Uint8Array(this.n);
    const r = req ?? {};
    for (let i = 0; i < this.n; i++) m[i] = this.accepts[i] && nodePassesFilters(this.nodes[i]!, r) ? 1 : 0;
    this.tables.masks.set(key, m);
    return m;
  }

  /**
   * Nodes that pass every non-resource filter for these requirements and are part of the topology (1):
   * where KAI may put a pod of a topology-constrained set (its subSetNodesFn keeps only the nodes with
   * every level's label, for the set and every set inside it).
   */
  constrainedMask(req: PodSchedulingRequirements | undefined, topo: TopologyIndex): Uint8Array {
    const key = `${topo.info.levels.map((l) => l.key).join('\n')}\u0000${requirementsKey(req)}`;
    let m = this.tables.masks.get(key);
    if (m) return m;
    const base = this.mask(req);
    m = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) m[i] = base[i]! & topo.inTopology[i]!;
    this.tables.masks.set(key, m);
    return m;
  }

  topology(info: TopologyInfo): TopologyIndex {
    let t = this.topologies.get(info.name);
    if (t && t.info === info) return t;
    // Which nodes are in the topology depends on every level's key, so the levels are cached under all of them.
    const keys = info.levels.map((l) => l.key);
    const all = `${keys.join('\n')}\u0000`;
    let inTopology = this.tables.inTopology.get(all);
    if (!inTopology) {
      inTopology = carriesAll(this.nodes, keys);
      this.tables.inTopology.set(all, inTopology);
    }
    let above: StaticLevel | null = null;
    let up: LevelIndex | null = null;
    let path = all;
    const levels = info.levels.map((level): LevelIndex => {
      // Cached by the keys of the path: the same key under other broader levels makes other domains.
      path += `${level.key}\n`;
      let st = this.tables.levels.get(path);
      if (!st) {
        st = staticLevel(this.nodes, level.key, above, inTopology);
        this.tables.levels.set(path, st);
      }
      above = st;
      const d = st.values.length;
      const domFreeGpu = new Float64Array(d);
      this.sumDomainFree(st.nodeDom, domFreeGpu);
      up = { domain: level.domain, key: level.key, nodeDom: st.nodeDom, values: st.values, parentDom: st.parentDom, up, sharedValue: st.sharedValue, order: st.order, start: st.start, domFreeGpu, stamp: new Int32Array(d), slot: new Int32Array(d), epoch: 0, perNode: st.perNode };
      return up;
    });
    let fragLevel = -1;
    for (let l = levels.length - 1; l >= 0; l--) {
      if (!levels[l]!.perNode && levels[l]!.values.length > 0) {
        fragLevel = l;
        break;
      }
    }
    t = { info, levels, inTopology, fragLevel };
    this.topologies.set(info.name, t);
    return t;
  }

  /** Free GPUs per domain of a level: the sum over its nodes that accept pods, in node order. */
  private sumDomainFree(nodeDom: Int32Array, out: Float64Array): void {
    out.fill(0);
    for (let i = 0; i < this.n; i++) {
      const id = nodeDom[i]!;
      if (id >= 0 && this.accepts[i]) out[id] = out[id]! + this.freeGpu[i]!;
    }
  }

  /**
   * A value that depends on the nodes alone (an explanation's table of eligible nodes, say), built once
   * per NodeTables under `key` and `within`: with shared tables, once for every call over the same nodes.
   * `within` is compared by identity (a mask of these tables, or null). The value is shared: read it,
   * never change it.
   */
  nodeDerived<T>(key: string, within: object | null, build: () => T): T {
    const scope = within ?? this.tables.derived;
    let byKey = this.tables.derived.get(scope);
    if (!byKey) this.tables.derived.set(scope, (byKey = new Map()));
    if (byKey.has(key)) return byKey.get(key) as T;
    const value = build();
    byKey.set(key, value);
    return value;
  }

  /** Take (sign 1) or give back (sign -1) a pod's requests on node i. */
  apply(i: number, gpu: number, cpu: number, mem: number, pods: number, sign: 1 | -1): void {
    this.freeGpu[i] = this.freeGpu[i]! - sign * gpu;
    this.freeCpu[i] = this.freeCpu[i]! - sign * cpu;
    this.freeMem[i] = this.freeMem[i]! - sign * mem;
    this.freePods[i] = this.freePods[i]! - sign * pods;
    if (gpu === 0 || !this.accepts[i]) return;
    for (const t of this.topologies.values()) {
      for (const level of t.levels) {
        const d = level.nodeDom[i]!;
        if (d >= 0) level.domFreeGpu[d] = level.domFreeGpu[d]! - sign * gpu;
      }
    }
  }
}
