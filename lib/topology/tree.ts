/**
 * TopologyTree: a ClusterState seen through one topology (ClusterTopologyBinding levels, broadest
 * first). Per level, the domains (one per label value) with their nodes, capacity, use and free
 * resources, and links to the domains of the levels around them.
 *
 * Levels need not nest. Grove's own e2e cluster labels node i zone-<i/28>, block-<i/20>, rack-<i/7>
 * (API-NOTES §21), so block-1 spans zone-0 and zone-1. A domain therefore has a list of parents (a
 * DAG, not a tree); containment is always decided per node, never inferred from the level order.
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
 * (STRIDE numbers per node and per domain): one pass over the nodes for the narrowest level that
 * needs it, then levels that nest roll up from the level below; domain objects, node lists and
 * parent/child links are only materialised per level on first request (see tree.bench.ts).
 */
import type { ClusterState, NodeInfo, Resources, TopologyInfo } from '../cluster/state';

/** The value of the bucket holding the nodes that lack a level's label ('<' is not legal in a label value). */
export const UNLABELLED = '<unlabelled>';

export interface TopologyDomainSummary {
  /** `<level>=<value>`, e.g. "rack=rack-2" (unique across the tree). */
  id: string;
  /** Topology domain name of the level, e.g. "rack". */
  level: string;
  levelIndex: number;
  /** Node label key of the level. */
  key: string;
  /** Label value, or UNLABELLED for the bucket of nodes without the label. */
  value: string;
  unlabelled: boolean;
  /** Ids of the domains one level broader that share at least one node with this one (several when levels do not nest). */
  parents: string[];
  /** Ids of the domains one level narrower that share at least one node with this one. */
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
  /** Labelled domains (the unlabelled bucket not included). */
  domainCount: number;
  /** Nodes without this level's label (they sit in the UNLABELLED bucket). */
  unlabelledNodeCount: number;
  /** Every domain of this level has at most one parent in the level above (true for the broadest level). */
  nestsInParent: boolean;
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
  /** Labelled domains of a level, in natural order of their values (rack-2 before rack-10). */
  domains(level: string): readonly TopologyDomainSummary[];
  /** One domain; `value` may be UNLABELLED. */
  domain(level: string, value: string): TopologyDomainSummary | undefined;
  /** The bucket of nodes without the level's label, if any. */
  unlabelled(level: string): TopologyDomainSummary | undefined;
  nodesIn(level: string, value: string): readonly string[];
  freeIn(level: string, value: string): Resources;
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
  /** Label value per domain index; the unlabelled bucket has value UNLABELLED. */
  values: string[];
  byValue: Map<string, number>;
  /** Domain index per node. */
  ofNode: Int32Array;
  /** Domain index (in the level above) per domain, when every domain lies in one domain above; else null. */
  parentOf: Int32Array | null;
  /** STRIDE slots per domain. */
  sums: Float64Array;
  unlabelled: number;
  /** Built on first use: node names per domain, domain links, domain objects. */
  members?: string[][];
  parents?: number[][];
  children?: number[][];
  summaries?: TopologyDomainSummary[];
  sorted?: TopologyDomainSummary[];
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

  // Per level: assign domains (pass 1), then aggregate (pass 2).
  const uniqueNames = nodeIndex.size === n;
  let names: string[] | undefined;
  const levels: LevelIndex[] = topology.levels.map(({ domain, key }) => {
    // The host level (kubernetes.io/hostname = node name on every node): one domain per node, in
    // node order, indexed by the node map itself: saves 25,000 map operations at 12,500 nodes.
    if (uniqueNames && nodes.every((node) => node.labels[key] === node.name)) {
      names ??= nodes.map((node) => node.name);
      const ofNode = new Int32Array(n);
      for (let i = 0; i < n; i++) ofNode[i] = i;
      return { domain, key, values: names, byValue: nodeIndex, ofNode, parentOf: null, sums: new Float64Array(n * STRIDE), unlabelled: -1 };
    }
    const byValue = new Map<string, number>();
    const values: string[] = [];
    const ofNode = new Int32Array(n);
    let unlabelled = -1;
    let lastValue: string | undefined;
    let lastD = -1;
    for (let i = 0; i < n; i++) {
      // typeof: labels are own string properties; "constructor" & co. inherited from Object are not labels.
      const value: unknown = nodes[i]!.labels[key];
      let d: number;
      if (typeof value !== 'string') {
        if (unlabelled < 0) {
          unlabelled = values.length;
          values.push(UNLABELLED);
        }
        d = unlabelled;
      } else if (value === lastValue) {
        d = lastD; // neighbouring nodes usually share zone, block and rack: skip the map
      } else {
        const known = byValue.get(value);
        if (known === undefined) {
          d = values.length;
          byValue.set(value, d);
          values.push(value);
        } else d = known;
        lastValue = value;
        lastD = d;
      }
      ofNode[i] = d;
    }
    if (unlabelled >= 0) byValue.set(UNLABELLED, unlabelled);
    return { domain, key, values, byValue, ofNode, parentOf: null, sums: new Float64Array(values.length * STRIDE), unlabelled };
  });

  // A level nests in the one above when no domain of it meets two domains above (checked per node).
  for (let l = 1; l < levels.length; l++) {
    const level = levels[l]!;
    const broad = levels[l - 1]!;
    const parentOf = new Int32Array(level.values.length).fill(-1);
    let nests = true;
    for (let i = 0; i < n && nests; i++) {
      const c = level.ofNode[i]!;
      const p = broad.ofNode[i]!;
      if (parentOf[c] === -1) parentOf[c] = p;
      else if (parentOf[c] !== p) nests = false;
    }
    level.parentOf = nests ? parentOf : null;
  }

  // Aggregate, narrowest level first: from the nodes, or (cheaper) from the domains of the level
  // below when that level nests in this one.
  const accumulate = (into: Float64Array, to: number, from: Float64Array, at: number): void => {
    for (let s = 0; s < MAX_FREE_GPUS; s++) into[to + s] = into[to + s]! + from[at + s]!;
    if (from[at + MAX_FREE_GPUS]! > into[to + MAX_FREE_GPUS]!) into[to + MAX_FREE_GPUS] = from[at + MAX_FREE_GPUS]!;
  };
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    const below = levels[l + 1];
    if (below?.parentOf) {
      for (let c = 0; c < below.values.length; c++) accumulate(level.sums, below.parentOf[c]! * STRIDE, below.sums, c * STRIDE);
    } else if (level.values.length === n && level.ofNode.every((d, i) => d === i)) {
      level.sums.set(perNode); // one domain per node, in node order (the host level)
    } else {
      for (let i = 0; i < n; i++) accumulate(level.sums, level.ofNode[i]! * STRIDE, perNode, i * STRIDE);
    }
  }
  const nestsInParent = levels.map((level, l) => l === 0 || level.parentOf !== null);

  /** Node names per domain of a level (built on first use). */
  const membersOf = (level: LevelIndex): string[][] => {
    if (!level.members) {
      const members: string[][] = Array.from({ length: level.values.length }, () => []);
      for (let i = 0; i < n; i++) members[level.ofNode[i]!]!.push(nodes[i]!.name);
      level.members = members;
    }
    return level.members;
  };

  /** Parents (domains of level l−1) and children (of level l+1) per domain of level l, from the pairs that share a node. */
  const linksOf = (l: number): { parents: number[][]; children: number[][] } => {
    const level = levels[l]!;
    if (!level.parents || !level.children) {
      const link = (broad: LevelIndex | undefined, narrow: LevelIndex | undefined, up: boolean): number[][] => {
        const own = up ? narrow! : broad!;
        const lists: number[][] = Array.from({ length: own.values.length }, () => []);
        if (!broad || !narrow) return lists;
        const width = narrow.values.length;
        const seen = new Set<number>();
        for (let i = 0; i < n; i++) {
          const p = broad.ofNode[i]!;
          const c = narrow.ofNode[i]!;
          const pair = p * width + c;
          if (seen.has(pair)) continue;
          seen.add(pair);
          if (up) lists[c]!.push(p);
          else lists[p]!.push(c);
        }
        return lists;
      };
      level.parents = link(levels[l - 1], level, true);
      level.children = link(level, levels[l + 1], false);
    }
    return { parents: level.parents, children: level.children };
  };

  const levelByName = new Map<string, number>();
  topology.levels.forEach((level, index) => {
    if (!levelByName.has(level.domain)) levelByName.set(level.domain, index);
  });
  const levelOf = (level: string): LevelIndex => {
    const index = levelByName.get(level);
    if (index === undefined) {
      throw new Error(`unknown topology level "${level}" in "${topology.name}"; its levels are ${topology.levels.map((l) => l.domain).join(', ')}`);
    }
    return levels[index]!;
  };
  const idOf = (level: LevelIndex, d: number): string => `${level.domain}=${level.values[d]!}`;

  const summaries = (l: number): TopologyDomainSummary[] => {
    const level = levels[l]!;
    if (level.summaries) return level.summaries;
    const above = levels[l - 1];
    const below = levels[l + 1];
    // Linked domains in natural order of their values, the unlabelled bucket last.
    const order = (other: LevelIndex) => (a: number, b: number): number =>
      a === other.unlabelled ? 1 : b === other.unlabelled ? -1 : naturalCompare(other.values[a]!, other.values[b]!);
    const ids = (other: LevelIndex, indices: number[]): string[] =>
      (indices.length <= 1 ? indices : indices.slice().sort(order(other))).map((index) => idOf(other, index));
    const { parents, children } = linksOf(l);
    const members = membersOf(level);
    level.summaries = level.values.map((value, d) => {
      const base = d * STRIDE;
      return {
        id: idOf(level, d),
        level: level.domain,
        levelIndex: l,
        key: level.key,
        value,
        unlabelled: d === level.unlabelled,
        parents: above ? ids(above, parents[d]!) : [],
        children: below ? ids(below, children[d]!) : [],
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
  const sortedDomains = (level: LevelIndex): TopologyDomainSummary[] => {
    if (!level.sorted) {
      const all = summaries(levels.indexOf(level));
      level.sorted = all.filter((s) => !s.unlabelled).sort((a, b) => naturalCompare(a.value, b.value));
    }
    return level.sorted;
  };

  // Totals: every node is in exactly one domain of a level (or its unlabelled bucket), so the broadest
  // level's domains add up to the cluster; without levels, add up the nodes.
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

  const levelSummaries: TopologyLevelSummary[] = levels.map((level, index) => ({
    index,
    domain: level.domain,
    key: level.key,
    domainCount: level.values.length - (level.unlabelled >= 0 ? 1 : 0),
    unlabelledNodeCount: level.unlabelled >= 0 ? level.sums[level.unlabelled * STRIDE + NODES]! : 0,
    nestsInParent: nestsInParent[index]!,
  }));

  const domain = (level: string, value: string): TopologyDomainSummary | undefined => {
    const index = levelOf(level);
    const d = index.byValue.get(value);
    return d === undefined ? undefined : summaries(levels.indexOf(index))[d];
  };

  return {
    topology: { name: topology.name, levels: topology.levels.map(({ domain: name, key }) => ({ domain: name, key })) },
    levels: levelSummaries,
    totals,
    domains: (level) => sortedDomains(levelOf(level)),
    domain,
    unlabelled: (level) => domain(level, UNLABELLED),
    nodesIn(level, value) {
      const index = levelOf(level);
      const d = index.byValue.get(value);
      return d === undefined ? [] : membersOf(index)[d]!;
    },
    freeIn(level, value) {
      const index = levelOf(level);
      const d = index.byValue.get(value);
      return d === undefined ? { gpu: 0, cpuMilli: 0, memory: 0, pods: 0 } : resourcesAt(index.sums, d * STRIDE + FREE * R);
    },
    domainOf(node, level) {
      const index = levelOf(level);
      const i = nodeIndex.get(node);
      return i === undefined ? undefined : summaries(levels.indexOf(index))[index.ofNode[i]!];
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
          const level = levels[index]!;
          const bucket = level.unlabelled >= 0 ? [summaries(index)[level.unlabelled]!] : [];
          return { ...summary, domains: [...sortedDomains(level), ...bucket] };
        }),
        totals,
      };
    },
  };
}
