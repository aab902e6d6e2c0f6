/**
 * TopologyTree: a ClusterState seen through one topology (ClusterTopologyBinding levels, broadest
 * first). Per level, the domains with their nodes, capacity, use and free resources, and links to the
 * domains of the levels around them.
 *
 * A domain is its label path (lib/topology/domainPath.ts), as KAI Scheduler identifies it: the values
 * of the levels from the broadest down to its own. So the domains always nest, each with exactly one
 * parent, whatever the labels: Grove's own e2e cluster labels node i zone-<i/28>, block-<i/20>,
 * rack-<i/7> (API-NOTES §21), and its block-1 is two blocks, block-1 under zone-0 and block-1 under
 * zone-1, as KAI sees them. `value` keeps the label value alone (what people see on the node).
 *
 * Nodes that lack a level's label: KAI leaves a node that lacks any level's label out of the topology.
 * The tree still shows and counts every node (the heatmap draws them, totals must add up), so such a
 * node sits in an UNLABELLED bucket at that level, one per parent path, and every domain below a bucket
 * is flagged `unlabelled` too: outside the topology, as KAI sees it, and not listed by `domains()`.
 *
 * Accounting, per node and resource (so it adds up exactly at every level):
 *   capacity = allocatable
 *   requested = Σ requests of non-terminal pods bound to the node (may exceed capacity)
 *   used      = min(requested, capacity)
 *   free      = capacity − used   on usable nodes (Ready and not cordoned), else 0
 *   unusable  = capacity − used   on cordoned / NotReady nodes, else 0
 *   ⇒ capacity = used + free + unusable.
 * Taints do not make capacity unusable: whether a pod tolerates them is placement's question.
 *
 * Sums are float64: exact up to 2^53 units, so memory totals above 8 PiB (≈ 4,500 nodes of 1.9 TiB)
 * are rounded to a few bytes; GPU, CPU and pod counts stay exact at any real size.
 *
 * Speed: the engine builds this for 12,500 nodes. Everything is aggregated in flat Float64Arrays
 * (STRIDE numbers per node and per domain): one pass over the nodes for the narrowest level, then each
 * level rolls up from the one below (domains nest); domain objects, ids, node lists and child links
 * are only materialised per level on first request (see tree.bench.ts).
 */
import type { ClusterState, NodeInfo, Resources, TopologyInfo } from '../cluster/state';
import { childDomainId } from './domainPath';

/** The value of the bucket holding the nodes that lack a level's label ('<' is not legal in a label value). */
export const UNLABELLED = '<unlabelled>';

export interface TopologyDomainSummary {
  /** The label path, `<level>=<value>` per level from the broadest, e.g. "zone=z0/rack=rack-2" (unique across the tree). */
  id: string;
  /** Topology domain name of the level, e.g. "rack". */
  level: string;
  levelIndex: number;
  /** Node label key of the level. */
  key: string;
  /** Label value (not unique: rack-1 may be in two zones), or UNLABELLED for the bucket of nodes without the label. */
  value: string;
  /** Its path lacks a label (this level's or a broader one's): outside the topology, as KAI sees it. */
  unlabelled: boolean;
  /** Id of the domain one level broader that holds it; null at the broadest level. */
  parent: string | null;
  /** Ids of the domains one level narrower inside it, in natural order of their values. */
  children: string[];
  /** Node names, in ClusterState order. */
  nodes: string[];
  nodeCount: number;
  /** Ready and not cordoned. */
  usableNodeCount: number;
  /** spec.unschedulable (cordoned). */
  unschedulableNodeCount: number;
  notReadyNodeCount: number;
  /** Non-terminal pods bound to the domain's nodes. */
  podCount: number;
  capacity: Resources;
  requested: Resources;
  used: Resources;
  free: Resources;
  unusable: Resources;
  /** Most free GPUs on one usable node of the domain (what a single pod can get). */
  maxFreeGpusOnNode: number;
}

export interface TopologyLevelSummary {
  index: number;
  domain: string;
  key: string;
  /** Domains whose path has every label (the unlabelled ones not included). */
  domainCount: number;
  /** Nodes that lack this level's label or a broader one's (they sit in domains flagged unlabelled). */
  unlabelledNodeCount: number;
}

export interface TopologyTotals {
  nodeCount: number;
  usableNodeCount: number;
  unschedulableNodeCount: number;
  notReadyNodeCount: number;
  podCount: number;
  /** Non-terminal pods whose nodeName is not a node of the state (not counted anywhere else). */
  podsOnUnknownNodes: number;
  capacity: Resources;
  requested: Resources;
  used: Resources;
  free: Resources;
  unusable: Resources;
  maxFreeGpusOnNode: number;
}

export interface NodeUsage {
  name: string;
  /** Position in ClusterState.nodes. */
  index: number;
  usable: boolean;
  capacity: Resources;
  requested: Resources;
  used: Resources;
  free: Resources;
  podCount: number;
  /** Label value per level (UNLABELLED where missing), keyed by level domain. */
  domains: Record<string, string>;
}

export interface TopologyTree {
  topology: TopologyInfo;
  levels: TopologyLevelSummary[];
  totals: TopologyTotals;
  /** Domains of a level whose path has every label, in natural order of their paths (rack-2 before rack-10 in a zone). */
  domains(level: string): readonly TopologyDomainSummary[];
  /** One domain by its id (the label path, "zone=z0/rack=rack-2"); any level, unlabelled ones too. */
  domain(id: string): TopologyDomainSummary | undefined;
  /** The domains of a level whose path lacks a label (buckets, and what lies below them), in path order. */
  unlabelled(level: string): readonly TopologyDomainSummary[];
  nodesIn(id: string): readonly string[];
  freeIn(id: string): Resources;
  /** The domain of a level that holds a node. */
  domainOf(node: string, level: string): TopologyDomainSummary | undefined;
  node(name: string): NodeUsage | undefined;
  /** Plain data (topology, levels with all their domains, totals) for JSON.stringify. */
  toJSON(): { topology: TopologyInfo; levels: (TopologyLevelSummary & { domains: TopologyDomainSummary[] })[]; totals: TopologyTotals };
}

// Layout of the per-node and per-domain Float64Arrays: STRIDE slots per entry, resource-major within a category.
const GPU = 0;
const CPU = 1;
const MEM = 2;
const PODS = 3;
const R = 4;
const CAPACITY = 0;
const REQUESTED = 1;
const USED = 2;
const FREE = 3;
const UNUSABLE = 4;
// After the 5 × R resource slots: counts (summed) and the largest free GPUs on one node (maxed).
const NODES = 5 * R;
const USABLE_NODES = NODES + 1;
const UNSCHEDULABLE_NODES = NODES + 2;
const NOT_READY_NODES = NODES + 3;
const POD_COUNT = NODES + 4;
const MAX_FREE_GPUS = NODES + 5;
const STRIDE = MAX_FREE_GPUS + 1;

/**
 * Natural order (rack-2 before rack-10), as a total order. Hand-written: Intl.Collator with numeric
 * is ~50× slower, which matters when sorting 12,500 host domains.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let si = i;
      while (si < a.length && a.charCodeAt(si) === 48) si++;
      let sj = j;
      while (sj < b.length && b.charCodeAt(sj) === 48) sj++;
      let ei = si;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = sj;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - si !== ej - sj) return ei - si - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const diff = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (diff !== 0) return diff;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return a < b ? -1 : a > b ? 1 : 0; // "r01" vs "r1": equal numbers, still a total order
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function resourcesAt(values: Float64Array, base: number): Resources {
  return { gpu: values[base + GPU]!, cpuMilli: values[base + CPU]!, memory: values[base + MEM]!, pods: values[base + PODS]! };
}

function writeResources(values: Float64Array, base: number, resources: Resources): void {
  values[base + GPU] = resources.gpu;
  values[base + CPU] = resources.cpuMilli;
  values[base + MEM] = resources.memory;
  values[base + PODS] = resources.pods;
}

interface LevelIndex {
  domain: string;
  key: string;
  /** Label value per domain index (UNLABELLED for a bucket). Not unique: a value may repeat under other parents. */
  values: string[];
  /** Domain index per node. */
  ofNode: Int32Array;
  /** Domain index in the level above per domain (one: domains are label paths); null at the broadest level. */
  parentOf: Int32Array | null;
  /** Per domain: its path lacks a label (this level's or a broader one's). */
  unlabelled: Uint8Array;
  /** STRIDE slots per domain. */
  sums: Float64Array;
  /** Built on first use: ids, path order, node names, children, domain objects. */
  ids?: string[];
  rank?: Int32Array;
  members?: string[][];
  children?: number[][];
  summaries?: TopologyDomainSummary[];
  sorted?: TopologyDomainSummary[];
  buckets?: TopologyDomainSummary[];
}

/** Build the tree of `state` under `topology` (one of state.topologies, or any TopologyInfo). */
export function buildTopologyTree(state: ClusterState, topology: TopologyInfo): TopologyTree {
  const nodes: readonly NodeInfo[] = state.nodes;
  const n = nodes.length;
  const nodeIndex = new Map<string, number>();
  for (let i = n - 1; i >= 0; i--) nodeIndex.set(nodes[i]!.name, i); // backwards: a repeated name maps to its first node

  // Per-node sums.
  const perNode = new Float64Array(n * STRIDE);
  const usable = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    const base = i * STRIDE;
    writeResources(perNode, base + CAPACITY * R, node.allocatable);
    usable[i] = node.ready && !node.unschedulable ? 1 : 0;
    perNode[base + NODES] = 1;
    perNode[base + USABLE_NODES] = usable[i]!;
    perNode[base + UNSCHEDULABLE_NODES] = node.unschedulable ? 1 : 0;
    perNode[base + NOT_READY_NODES] = node.ready ? 0 : 1;
  }
  let podsOnUnknownNodes = 0;
  for (const pod of state.pods) {
    if (pod.terminal || !pod.nodeName) continue;
    const i = nodeIndex.get(pod.nodeName);
    if (i === undefined) {
      podsOnUnknownNodes++;
      continue;
    }
    const base = i * STRIDE + REQUESTED * R;
    perNode[base + GPU] = perNode[base + GPU]! + pod.requests.gpu;
    perNode[base + CPU] = perNode[base + CPU]! + pod.requests.cpuMilli;
    perNode[base + MEM] = perNode[base + MEM]! + pod.requests.memory;
    perNode[base + PODS] = perNode[base + PODS]! + pod.requests.pods;
    perNode[i * STRIDE + POD_COUNT]!++;
  }
  for (let i = 0; i < n; i++) {
    const base = i * STRIDE;
    const open = usable[i] === 1;
    for (let r = 0; r < R; r++) {
      const capacity = perNode[base + CAPACITY * R + r]!;
      const used = Math.min(perNode[base + REQUESTED * R + r]!, capacity);
      perNode[base + USED * R + r] = used;
      perNode[base + (open ? FREE : UNUSABLE) * R + r] = capacity - used;
    }
    perNode[base + MAX_FREE_GPUS] = perNode[base + FREE * R + GPU]!;
  }

  // Per level, broadest first: a domain per (parent domain, label value), i.e. per label path.
  const uniqueNames = nodeIndex.size === n;
  let names: string[] | undefined;
  const levels: LevelIndex[] = [];
  for (const { domain, key } of topology.levels) {
    const above = levels[levels.length - 1];
    // The host level (kubernetes.io/hostname = node name on every node): one domain per node, in
    // node order, each in its node's domain above: saves 25,000 map operations at 12,500 nodes.
    if (uniqueNames && nodes.every((node) => node.labels[key] === node.name)) {
      names ??= nodes.map((node) => node.name);
      const ofNode = new Int32Array(n);
      for (let i = 0; i < n; i++) ofNode[i] = i;
      const unlabelled = new Uint8Array(n);
      if (above) for (let i = 0; i < n; i++) unlabelled[i] = above.unlabelled[above.ofNode[i]!]!;
      levels.push({ domain, key, values: names, ofNode, parentOf: above ? above.ofNode.slice() : null, unlabelled, sums: new Float64Array(n * STRIDE) });
      continue;
    }
    // Per parent domain, its children by value.
    const byValue: Map<string, number>[] = [];
    const values: string[] = [];
    const parents: number[] = [];
    const ofNode = new Int32Array(n);
    let lastParent = -1;
    let lastValue: string | undefined;
    let lastD = -1;
    for (let i = 0; i < n; i++) {
      const p = above ? above.ofNode[i]! : 0;
      // typeof: labels are own string properties; "constructor" & co. inherited from Object are not labels.
      const raw: unknown = nodes[i]!.labels[key];
      const value = typeof raw === 'string' ? raw : UNLABELLED;
      let d: number;
      if (value === lastValue && p === lastParent) d = lastD; // neighbouring nodes usually share zone, block and rack: skip the map
      else {
        const children = (byValue[p] ??= new Map());
        const known = children.get(value);
        if (known === undefined) {
          d = values.length;
          children.set(value, d);
          values.push(value);
          parents.push(p);
        } else d = known;
        lastParent = p;
        lastValue = value;
        lastD = d;
      }
      ofNode[i] = d;
    }
    const unlabelled = new Uint8Array(values.length);
    for (let d = 0; d < values.length; d++) unlabelled[d] = values[d] === UNLABELLED || (above !== undefined && above.unlabelled[parents[d]!] === 1) ? 1 : 0;
    levels.push({ domain, key, values, ofNode, parentOf: above ? Int32Array.from(parents) : null, unlabelled, sums: new Float64Array(values.length * STRIDE) });
  }

  // Aggregate, narrowest level first: from the nodes, then each level from the domains of the level below.
  const accumulate = (into: Float64Array, to: number, from: Float64Array, at: number): void => {
    for (let s = 0; s < MAX_FREE_GPUS; s++) into[to + s] = into[to + s]! + from[at + s]!;
    if (from[at + MAX_FREE_GPUS]! > into[to + MAX_FREE_GPUS]!) into[to + MAX_FREE_GPUS] = from[at + MAX_FREE_GPUS]!;
  };
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    const below = levels[l + 1];
    if (below) {
      for (let c = 0; c < below.values.length; c++) accumulate(level.sums, below.parentOf![c]! * STRIDE, below.sums, c * STRIDE);
    } else if (level.values.length === n && level.ofNode.every((d, i) => d === i)) {
      level.sums.set(perNode); // one domain per node, in node order (the host level)
    } else {
      for (let i = 0; i < n; i++) accumulate(level.sums, level.ofNode[i]! * STRIDE, perNode, i * STRIDE);
    }
  }

  /** Node names per domain of a level (built on first use). */
  const membersOf = (level: LevelIndex): string[][] => {
    if (!level.members) {
      const members: string[][] = Array.from({ length: level.values.length }, () => []);
      for (let i = 0; i < n; i++) members[level.ofNode[i]!]!.push(nodes[i]!.name);
      level.members = members;
    }
    return level.members;
  };

  /** Ids (label paths) per domain of level l. */
  const idsOf = (l: number): string[] => {
    const level = levels[l]!;
    if (!level.ids) {
      const up = l > 0 ? idsOf(l - 1) : null;
      level.ids = level.values.map((value, d) => childDomainId(up ? up[level.parentOf![d]!]! : '', level.domain, value));
    }
    return level.ids;
  };

  /** Position of each domain of level l in path order: parent's order, then natural order of the values, buckets last. */
  const rankOf = (l: number): Int32Array => {
    const level = levels[l]!;
    if (!level.rank) {
      const up = l > 0 ? rankOf(l - 1) : null;
      const order = level.values.map((_, d) => d);
      const values = level.values;
      order.sort((a, b) => {
        if (up) {
          const byParent = up[level.parentOf![a]!]! - up[level.parentOf![b]!]!;
          if (byParent !== 0) return byParent;
        }
        const x = values[a]!;
        const y = values[b]!;
        return x === UNLABELLED ? (y === UNLABELLED ? 0 : 1) : y === UNLABELLED ? -1 : naturalCompare(x, y);
      });
      const rank = new Int32Array(values.length);
      order.forEach((d, i) => {
        rank[d] = i;
      });
      level.rank = rank;
    }
    return level.rank;
  };

  /** Children (domains of level l+1) per domain of level l, in path order. */
  const childrenOf = (l: number): number[][] => {
    const level = levels[l]!;
    if (!level.children) {
      const below = levels[l + 1];
      const lists: number[][] = Array.from({ length: level.values.length }, () => []);
      if (below) {
        for (let c = 0; c < below.values.length; c++) lists[below.parentOf![c]!]!.push(c);
        const rank = rankOf(l + 1);
        for (const list of lists) if (list.length > 1) list.sort((a, b) => rank[a]! - rank[b]!);
      }
      level.children = lists;
    }
    return level.children;
  };

  const levelByName = new Map<string, number>();
  topology.levels.forEach((level, index) => {
    if (!levelByName.has(level.domain)) levelByName.set(level.domain, index);
  });
  const levelIndexOf = (level: string): number => {
    const index = levelByName.get(level);
    if (index === undefined) {
      throw new Error(`unknown topology level "${level}" in "${topology.name}"; its levels are ${topology.levels.map((l) => l.domain).join(', ')}`);
    }
    return index;
  };

  const summaries = (l: number): TopologyDomainSummary[] => {
    const level = levels[l]!;
    if (level.summaries) return level.summaries;
    const ids = idsOf(l);
    const upIds = l > 0 ? idsOf(l - 1) : null;
    const downIds = l + 1 < levels.length ? idsOf(l + 1) : null;
    const children = childrenOf(l);
    const members = membersOf(level);
    level.summaries = level.values.map((value, d) => {
      const base = d * STRIDE;
      return {
        id: ids[d]!,
        level: level.domain,
        levelIndex: l,
        key: level.key,
        value,
        unlabelled: level.unlabelled[d] === 1,
        parent: upIds ? upIds[level.parentOf![d]!]! : null,
        children: downIds ? children[d]!.map((c) => downIds[c]!) : [],
        nodes: members[d]!,
        nodeCount: level.sums[base + NODES]!,
        usableNodeCount: level.sums[base + USABLE_NODES]!,
        unschedulableNodeCount: level.sums[base + UNSCHEDULABLE_NODES]!,
        notReadyNodeCount: level.sums[base + NOT_READY_NODES]!,
        podCount: level.sums[base + POD_COUNT]!,
        capacity: resourcesAt(level.sums, base + CAPACITY * R),
        requested: resourcesAt(level.sums, base + REQUESTED * R),
        used: resourcesAt(level.sums, base + USED * R),
        free: resourcesAt(level.sums, base + FREE * R),
        unusable: resourcesAt(level.sums, base + UNUSABLE * R),
        maxFreeGpusOnNode: level.sums[base + MAX_FREE_GPUS]!,
      };
    });
    return level.summaries;
  };
  /** The level's domains in path order, split into labelled ones and unlabelled ones. */
  const inPathOrder = (l: number): { sorted: TopologyDomainSummary[]; buckets: TopologyDomainSummary[] } => {
    const level = levels[l]!;
    if (!level.sorted || !level.buckets) {
      const rank = rankOf(l);
      const all = summaries(l)
        .map((s, d) => ({ s, r: rank[d]! }))
        .sort((a, b) => a.r - b.r)
        .map((x) => x.s);
      level.sorted = all.filter((s) => !s.unlabelled);
      level.buckets = all.filter((s) => s.unlabelled);
    }
    return { sorted: level.sorted, buckets: level.buckets };
  };

  // Ids to (level, domain), built on the first lookup by id.
  let byId: Map<string, [number, number]> | undefined;
  const find = (id: string): [number, number] | undefined => {
    if (!byId) {
      byId = new Map();
      for (let l = 0; l < levels.length; l++) idsOf(l).forEach((key, d) => byId!.set(key, [l, d]));
    }
    return byId.get(id);
  };

  // Totals: every node is in exactly one domain of a level, so the broadest level's domains add up to
  // the cluster; without levels, add up the nodes.
  const total = new Float64Array(STRIDE);
  const first = levels[0];
  if (first) for (let d = 0; d < first.values.length; d++) accumulate(total, 0, first.sums, d * STRIDE);
  else for (let i = 0; i < n; i++) accumulate(total, 0, perNode, i * STRIDE);
  const totals: TopologyTotals = {
    nodeCount: n,
    usableNodeCount: total[USABLE_NODES]!,
    unschedulableNodeCount: total[UNSCHEDULABLE_NODES]!,
    notReadyNodeCount: total[NOT_READY_NODES]!,
    podCount: total[POD_COUNT]!,
    podsOnUnknownNodes,
    capacity: resourcesAt(total, CAPACITY * R),
    requested: resourcesAt(total, REQUESTED * R),
    used: resourcesAt(total, USED * R),
    free: resourcesAt(total, FREE * R),
    unusable: resourcesAt(total, UNUSABLE * R),
    maxFreeGpusOnNode: total[MAX_FREE_GPUS]!,
  };

  const levelSummaries: TopologyLevelSummary[] = levels.map((level, index) => {
    let domainCount = 0;
    let unlabelledNodeCount = 0;
    for (let d = 0; d < level.values.length; d++) {
      if (level.unlabelled[d]) unlabelledNodeCount += level.sums[d * STRIDE + NODES]!;
      else domainCount++;
    }
    return { index, domain: level.domain, key: level.key, domainCount, unlabelledNodeCount };
  });

  return {
    topology: { name: topology.name, levels: topology.levels.map(({ domain: name, key }) => ({ domain: name, key })) },
    levels: levelSummaries,
    totals,
    domains: (level) => inPathOrder(levelIndexOf(level)).sorted,
    domain(id) {
      const at = find(id);
      return at && summaries(at[0])[at[1]];
    },
    unlabelled: (level) => inPathOrder(levelIndexOf(level)).buckets,
    nodesIn(id) {
      const at = find(id);
      return at ? membersOf(levels[at[0]]!)[at[1]]! : [];
    },
    freeIn(id) {
      const at = find(id);
      return at ? resourcesAt(levels[at[0]]!.sums, at[1] * STRIDE + FREE * R) : { gpu: 0, cpuMilli: 0, memory: 0, pods: 0 };
    },
    domainOf(node, level) {
      const l = levelIndexOf(level);
      const i = nodeIndex.get(node);
      return i === undefined ? undefined : summaries(l)[levels[l]!.ofNode[i]!];
    },
    node(name) {
      const i = nodeIndex.get(name);
      if (i === undefined) return undefined;
      const base = i * STRIDE;
      const domains: Record<string, string> = {};
      for (const level of levels) domains[level.domain] = level.values[level.ofNode[i]!]!;
      return {
        name,
        index: i,
        usable: usable[i] === 1,
        capacity: resourcesAt(perNode, base + CAPACITY * R),
        requested: resourcesAt(perNode, base + REQUESTED * R),
        used: resourcesAt(perNode, base + USED * R),
        free: resourcesAt(perNode, base + FREE * R),
        podCount: perNode[base + POD_COUNT]!,
        domains,
      };
    },
    toJSON() {
      return {
        topology: this.topology,
        levels: levelSummaries.map((summary, index) => {
          const { sorted, buckets } = inPathOrder(index);
          return { ...summary, domains: [...sorted, ...buckets] };
        }),
        totals,
      };
    },
  };
}
