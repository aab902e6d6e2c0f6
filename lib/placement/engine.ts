/**
 * The search that places one gang on a ClusterIndex: a depth-first walk over the gang's constrained
 * sets (gang → group configs → pod groups) that picks a domain for each set and packs its pods inside.
 *
 * For a set S placed inside a scope (the nodes its enclosing set may use):
 * - candidates: each domain of S's required level inside the scope that can hold S (or the scope
 *   itself); with a preferred level P, also each domain of P, then of every broader level up to the
 *   required one, that can hold S;
 * - order: fewest P-domains S would need (a lower bound from the domains' free capacity), then the
 *   domains of enclosing preferred sets already in use, then the narrowest level, then best fit
 *   (the fullest domain that still fits, as KAI does), then node order;
 * - each candidate is tried by packing S's constrained children (largest first) and then its own pods
 *   (largest first, each on the node that adds fewest new preferred domains, then best fit, then the
 *   fullest rack) inside it; a failed try is undone and the next candidate tried (bounded backtracking);
 *   after a success, further candidates are tried only while their lower bound could still beat it;
 * - in a candidate wider than P, S fills the P-domains of a fewest-domains cover. Where KAI fills the
 *   sub-domains with the most room first (and so breaks empty racks), a set without constrained children
 *   first tries the fullest cover that still needs no more domains, keeping empty domains whole for later
 *   gangs that need a whole one, then the largest-first cover; the cheaper wins, the fullest on a tie.
 *   A set with constrained children keeps the largest-first cover, which leaves its children more slack.
 */
import type { ExpandedPod } from '../grove/gang';
import type { ClusterIndex, LevelIndex, TopologyIndex } from './cluster-index';
import type { ConstraintSetSpec } from './sets';

/** One extended resource a pod asks for, with the index's free amounts of it per node. */
export interface ExtDemand {
  name: string;
  amount: number;
  free: Float64Array;
}

/** Does node n have room for every extended resource the pod asks for? */
export function extFits(ext: readonly ExtDemand[], n: number): boolean {
  for (const e of ext) if (e.free[n]! < e.amount) return false;
  return true;
}

export interface Profile {
  gpu: number;
  cpu: number;
  mem: number;
  slots: number;
  /** Extended resources (null for the common pod that asks for none: it pays nothing for them). */
  ext: ExtDemand[] | null;
  mask: Uint8Array;
  count: number;
}

export interface WPod {
  pod: ExpandedPod;
  /** Index in gang.podGroups. */
  group: number;
  required: boolean;
  gpu: number;
  cpu: number;
  mem: number;
  slots: number;
  ext: ExtDemand[] | null;
  /** Nodes the pod may use: its filters, and the topology's nodes when topologyNodes is set. */
  mask: Uint8Array;
  /**
   * The nodes with every level's label (TopologyIndex.inTopology) when a set holding the pod has a
   * topology constraint: KAI uses no other node for it. null when no set holding it is constrained.
   */
  topologyNodes: Uint8Array | null;
  /** Constrained set ids holding the pod, outermost first. */
  chain: number[];
  node: number;
}

export interface WSet extends ConstraintSetSpec {
  id: number;
  /** Constrained sets directly inside, largest demand first. */
  children: number[];
  /** Required pods whose innermost constrained set is this one. */
  loose: number[];
  /** All required pods inside. */
  all: number[];
  profiles: Profile[];
  totalGpu: number;
  totalCpu: number;
  totalMem: number;
  totalSlots: number;
  /** Pods placed per preferred-level domain (index = domain id). */
  usedArr: Int32Array | null;
  /** Preferred-level domains in use. */
  usedSize: number;
  /** Order in which to fill the preferred level's domains, while S is being packed wider than one. */
  rank: Int32Array | null;
  /** Domain id at the required level, once fixed. */
  hardDom: number;
}

interface Agg {
  dom: number;
  cnt: number[];
  gpu: number;
  cpu: number;
  mem: number;
  slots: number;
  nodes: number[];
}

interface Candidate {
  nodes: number[];
  level: number;
  dom: number;
  estP: number;
  pen: number;
  rank: number;
  free: number;
  /** For a candidate wider than the preferred level: which preferred domains to fill (see cover). */
  fill: Fill;
}

/** `fullest`: the fullest domains that still need the fewest; `largest`: the largest ones (more slack per pod). */
type Fill = 'fullest' | 'largest';

const NO_RANK = 0x3fffffff;

export class GangSearch {
  readonly log: number[] = [];
  private budget: number;
  private readonly hardStop: number;

  constructor(
    readonly idx: ClusterIndex,
    readonly topo: TopologyIndex | null,
    readonly pods: WPod[],
    readonly sets: WSet[],
    /** Candidate domains it may try (see placeSet); kept so that another search can be given the same effort (explain.ts). */
    readonly startBudget: number,
  ) {
    this.budget = startBudget;
    this.hardStop = -3 * startBudget - 16;
  }

  level(l: number): LevelIndex {
    return this.topo!.levels[l]!;
  }

  // ---- assignment with undo ------------------------------------------------------------------

  assign(p: number, n: number): void {
    const pod = this.pods[p]!;
    this.idx.apply(n, pod.gpu, pod.cpu, pod.mem, pod.slots, 1);
    if (pod.ext) for (const e of pod.ext) e.free[n] = e.free[n]! - e.amount;
    pod.node = n;
    for (const sid of pod.chain) {
      const s = this.sets[sid]!;
      if (s.preferred < 0) continue;
      // d >= 0: a pod of a constrained set only goes to nodes in the topology (its mask), in a domain of every level.
      const d = this.level(s.preferred).nodeDom[n]!;
      const u = s.usedArr!;
      if (u[d]! === 0) s.usedSize++;
      u[d] = u[d]! + 1;
    }
    this.log.push(p);
  }

  private unassignLast(): void {
    const p = this.log.pop()!;
    const pod = this.pods[p]!;
    const n = pod.node;
    this.idx.apply(n, pod.gpu, pod.cpu, pod.mem, pod.slots, -1);
    if (pod.ext) for (const e of pod.ext) e.free[n] = e.free[n]! + e.amount;
    pod.node = -1;
    for (const sid of pod.chain) {
      const s = this.sets[sid]!;
      if (s.preferred < 0) continue;
      const d = this.level(s.preferred).nodeDom[n]!;
      const u = s.usedArr!;
      u[d] = u[d]! - 1;
      if (u[d] === 0) s.usedSize--;
    }
  }

  undo(mark: number): void {
    while (this.log.length > mark) this.unassignLast();
  }

  // ---- capacity ------------------------------------------------------------------------------

  /**
   * Group the nodes by their domain at `level` (-1: one group of all), keeping only nodes that can take
   * at least one pod of S, with S's capacity per group.
   */
  aggregate(nodes: ArrayLike<number>, level: number, s: WSet): Agg[] {
    const aggs: Agg[] = [];
    const lvl = level >= 0 ? this.level(level) : null;
    let epoch = 0;
    if (lvl) {
      if (lvl.epoch >= 0x3ffffff0) {
        lvl.stamp.fill(0);
        lvl.epoch = 0;
      }
      epoch = ++lvl.epoch;
    }
    const profiles = s.profiles;
    const K = profiles.length;
    const { freeGpu, freeCpu, freeMem, freePods } = this.idx;
    const nodeDom = lvl ? lvl.nodeDom : null;
    // The smallest request per dimension over S's profiles: a node below all of them is skipped at once.
    let minG = Infinity;
    let minC = Infinity;
    let minM = Infinity;
    let minS = Infinity;
    for (const k of profiles) {
      minG = Math.min(minG, k.gpu);
      minC = Math.min(minC, k.cpu);
      minM = Math.min(minM, k.mem);
      minS = Math.min(minS, k.slots);
    }
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      const g = freeGpu[n]!;
      const c = freeCpu[n]!;
      const m = freeMem[n]!;
      const sl = freePods[n]!;
      if (g < minG || c < minC || m < minM || sl < minS) continue;
      let d = 0;
      if (nodeDom) {
        d = nodeDom[n]!;
        if (d < 0) continue;
      }
      let a: Agg | undefined;
      for (let k = 0; k < K; k++) {
        const pk = profiles[k]!;
        if (!pk.mask[n]) continue;
        let cnt = pk.count;
        if (pk.gpu > 0) cnt = Math.min(cnt, Math.floor(g / pk.gpu));
        if (pk.cpu > 0) cnt = Math.min(cnt, Math.floor(c / pk.cpu));
        if (pk.mem > 0) cnt = Math.min(cnt, Math.floor(m / pk.mem));
        if (pk.slots > 0) cnt = Math.min(cnt, Math.floor(sl / pk.slots));
        if (pk.ext) for (const e of pk.ext) cnt = Math.min(cnt, Math.floor(e.free[n]! / e.amount));
        if (cnt <= 0) continue;
        if (a === undefined) {
          if (lvl) {
            if (lvl.stamp[d] !== epoch) {
              lvl.stamp[d] = epoch;
              lvl.slot[d] = aggs.length;
              aggs.push({ dom: d, cnt: new Array<number>(K).fill(0), gpu: 0, cpu: 0, mem: 0, slots: 0, nodes: [] });
            }
            a = aggs[lvl.slot[d]!]!;
          } else {
            if (aggs.length === 0) aggs.push({ dom: -1, cnt: new Array<number>(K).fill(0), gpu: 0, cpu: 0, mem: 0, slots: 0, nodes: [] });
            a = aggs[0]!;
          }
        }
        a.cnt[k] = a.cnt[k]! + cnt;
      }
      if (a === undefined) continue;
      a.gpu += g;
      a.cpu += c;
      a.mem += m;
      a.slots += sl;
      a.nodes.push(n);
    }
    return aggs;
  }

  fits(s: WSet, a: Agg): boolean {
    for (let k = 0; k < s.profiles.length; k++) if (a.cnt[k]! < s.profiles[k]!.count) return false;
    return a.gpu >= s.totalGpu && a.cpu >= s.totalCpu && a.mem >= s.totalMem && a.slots >= s.totalSlots;
  }

  /** Capacity of a group in S's units: pods for a one-profile set, else GPUs (or CPU when S needs none). */
  units(s: WSet, a: Agg): number {
    if (s.profiles.length === 1) return a.cnt[0]!;
    return s.totalGpu > 0 ? a.gpu : s.totalCpu > 0 ? a.cpu : a.slots;
  }

  demandUnits(s: WSet): number {
    if (s.profiles.length === 1) return s.profiles[0]!.count;
    return s.totalGpu > 0 ? s.totalGpu : s.totalCpu > 0 ? s.totalCpu : s.totalSlots;
  }

  /** Lower bound on the preferred-level domains S needs inside these nodes, with the fill order. */
  private cover(s: WSet, nodes: ArrayLike<number>, fill: Fill = 'fullest'): { count: number; order: number[] } {
    const aggs = this.aggregate(nodes, s.preferred, s);
    const units = aggs.map((a) => ({ dom: a.dom, u: this.units(s, a), first: a.nodes[0]! }));
    units.sort((x, y) => y.u - x.u || x.first - y.first);
    const demand = this.demandUnits(s);
    let sum = 0;
    let k = 0;
    while (k < units.length && sum < demand) sum += units[k++]!.u;
    if (sum < demand) return { count: k + 1, order: units.map((x) => x.dom) };
    const order = fill === 'fullest' ? this.fullestCover(units, k, demand) : this.largestCover(units, k, demand);
    return { count: Math.max(1, k), order: order.map((x) => x.dom) };
  }

  /** The k largest domains, the last one swapped for the smallest that still covers the remainder. */
  private largestCover<T extends { u: number }>(units: T[], k: number, demand: number): T[] {
    if (k === 0) return units;
    const sum = units.slice(0, k).reduce((t, x) => t + x.u, 0);
    const remainder = demand - (sum - units[k - 1]!.u);
    let pick = k - 1;
    for (let j = k; j < units.length; j++) if (units[j]!.u >= remainder && units[j]!.u < units[pick]!.u) pick = j;
    if (pick === k - 1) return units;
    const out = units.slice();
    const [x] = out.splice(pick, 1);
    out.splice(k - 1, 0, x!);
    return out;
  }

  /**
   * Which k domains to fill, given that k is the fewest that can hold `demand` (units sorted by capacity,
   * largest first): one at a time, the fullest domain (least capacity) that still lets the domains not
   * yet taken cover the rest, so a set that spreads fills partly used domains and leaves empty ones whole
   * for later gangs that need a whole domain. The count stays k. Returns the k domains in fill order,
   * then the others, largest first.
   */
  private fullestCover<T extends { u: number }>(units: T[], k: number, demand: number): T[] {
    const rest = units.slice();
    const taken: T[] = [];
    let left = demand;
    for (let m = k; m > 0 && left > 0; m--) {
      // Capacity of the m−1 largest domains still free, with and without the m-th.
      let top = 0;
      for (let j = 0; j < m - 1 && j < rest.length; j++) top += rest[j]!.u;
      const topWithNext = top + (rest[m - 1]?.u ?? 0);
      let pick = -1;
      for (let j = rest.length - 1; j >= 0; j--) {
        const others = j < m - 1 ? topWithNext - rest[j]!.u : top;
        if (rest[j]!.u + others >= left) {
          pick = j;
          break;
        }
      }
      if (pick < 0) pick = 0;
      const [x] = rest.splice(pick, 1);
      taken.push(x!);
      left -= x!.u;
    }
    return [...taken, ...rest];
  }

  // ---- search --------------------------------------------------------------------------------

  /** Ancestors of S with a preferred level (outermost first). */
  private preferringAncestors(s: WSet): WSet[] {
    const out: WSet[] = [];
    for (let p = s.parent; p >= 0; p = this.sets[p]!.parent) {
      const a = this.sets[p]!;
      if (a.preferred >= 0) out.unshift(a);
    }
    return out;
  }

  /** The domains of S's required level inside the scope that can hold S (or the scope itself). */
  private hardScopes(s: WSet, scope: ArrayLike<number>): { nodes: number[]; dom: number }[] {
    const hards: { nodes: number[]; dom: number }[] = [];
    if (s.required >= 0) {
      for (const a of this.aggregate(scope, s.required, s)) if (this.fits(s, a)) hards.push({ nodes: a.nodes, dom: a.dom });
    } else if (this.widens(s)) {
      // Tier 0 groups the scope by the preferred level anyway; tier 1 filters it (see candidates).
      hards.push({ nodes: Array.from(scope), dom: -1 });
    } else {
      const all = this.aggregate(scope, -1, s);
      if (all.length > 0 && this.fits(s, all[0]!)) hards.push({ nodes: all[0]!.nodes, dom: -1 });
    }
    return hards;
  }

  /** S is preferred narrower than it is required: its candidates come in two tiers. */
  private widens(s: WSet): boolean {
    return s.preferred >= 0 && (s.required < 0 || s.preferred > s.required);
  }

  /**
   * Tier 0: single domains of the preferred level (or, without one to widen from, the hard scopes).
   * Tier 1: domains of the broader levels up to the required one, and the hard scopes themselves.
   */
  private candidates(s: WSet, hards: { nodes: number[]; dom: number }[], tier: 0 | 1): Candidate[] {
    const R = s.required;
    const P = s.preferred;
    const ancestors = this.preferringAncestors(s);
    const out: Candidate[] = [];
    const add = (nodes: number[], level: number, dom: number, estP: number, free: number) => {
      let pen = 0;
      let rank = 0;
      for (const a of ancestors) {
        if (a.usedSize === 0 && !a.rank) continue;
        const lvl = this.level(a.preferred);
        let touches = false;
        let best = NO_RANK;
        for (let i = 0; i < nodes.length; i++) {
          const d = lvl.nodeDom[nodes[i]!]!;
          if (d >= 0) {
            if (a.usedArr![d]! > 0) touches = true;
            if (a.rank && a.rank[d]! < best) best = a.rank[d]!;
          }
        }
        if (a.usedSize > 0 && !touches) pen++;
        if (a.rank) rank = best;
      }
      // Wider than P: the fullest cover first, unless S has constrained children (see the header). The
      // fullest domains may not take the pods as they come (pod sizes, pods per node), so the largest-first
      // cover is tried next and the search keeps the cheaper packing (the fullest on a tie).
      const widened = P >= 0 && level !== P;
      if (!widened || s.children.length === 0) out.push({ nodes, level, dom, estP, pen, rank, free, fill: 'fullest' });
      if (widened) out.push({ nodes, level, dom, estP, pen, rank, free, fill: 'largest' });
    };
    const widen = this.widens(s);
    for (let h of hards) {
      if (!widen) {
        if (tier === 0) add(h.nodes, R, h.dom, P >= 0 ? (P === R ? 1 : this.cover(s, h.nodes).count) : 0, this.sumFree(h.nodes));
        continue;
      }
      if (tier === 0) {
        // A preferred domain may be all the hard scope still has room in: it is a candidate all the same.
        for (const a of this.aggregate(h.nodes, P, s)) if (this.fits(s, a)) add(a.nodes, P, a.dom, 1, a.gpu);
        continue;
      }
      if (R < 0) {
        const all = this.aggregate(h.nodes, -1, s);
        if (all.length === 0 || !this.fits(s, all[0]!)) continue;
        h = { nodes: all[0]!.nodes, dom: -1 };
      }
      const seen = new Set<string>();
      for (let L = P - 1; L >= (R >= 0 ? R + 1 : 0); L--) {
        for (const a of this.aggregate(h.nodes, L, s)) {
          if (!this.fits(s, a) || a.nodes.length === h.nodes.length) continue;
          const sig = `${a.nodes.length}:${a.nodes[0]}:${a.nodes[a.nodes.length - 1]}`;
          if (seen.has(sig)) continue;
          seen.add(sig);
          add(a.nodes, L, a.dom, this.cover(s, a.nodes).count, a.gpu);
        }
      }
      add(h.nodes, R, h.dom, this.cover(s, h.nodes).count, this.sumFree(h.nodes));
    }
    out.sort((x, y) => x.estP - y.estP || x.pen - y.pen || x.rank - y.rank || y.level - x.level || x.free - y.free || x.nodes[0]! - y.nodes[0]! || (x.fill === y.fill ? 0 : x.fill === 'fullest' ? -1 : 1));
    return out;
  }

  private sumFree(nodes: number[]): number {
    let f = 0;
    for (const n of nodes) f += this.idx.freeGpu[n]!;
    return f;
  }

  /** Place S's required pods inside scope. Returns the spread cost inside S, or null (state unchanged). */
  placeSet(sid: number, scope: ArrayLike<number>): number | null {
    const s = this.sets[sid]!;
    if (s.all.length === 0) return 0;
    if (this.budget <= this.hardStop) return null;
    const hards = this.hardScopes(s, scope);
    if (hards.length === 0) return null;
    const mark = this.log.length;
    let bestCost = Infinity;
    let best: number[] | null = null;
    let current = false;
    let successes = 0;
    let counted: number[] | null = null;
    const tiers: (0 | 1)[] = this.widens(s) ? [0, 1] : [0];
    search: for (const tier of tiers) {
      // A success inside one preferred domain is not worth widening for.
      if (best !== null) break;
      const cands = this.candidates(s, hards, tier);
      for (let i = 0; i < cands.length; i++) {
        if (best !== null && (this.budget <= 0 || successes >= 4)) break search;
        if (this.budget <= this.hardStop) break search;
        this.budget--;
        const c = cands[i]!;
        if (current) {
          this.undo(mark);
          current = false;
        }
        s.rank = s.preferred >= 0 && c.level !== s.preferred ? this.rankFor(s, c.nodes, c.fill) : null;
        const cost = this.placeContents(s, c.nodes);
        s.rank = null;
        if (cost === null) continue;
        // The two fills of one domain count as one success.
        if (c.nodes !== counted) successes++;
        counted = c.nodes;
        if (cost < bestCost) {
          bestCost = cost;
          best = [];
          for (let j = mark; j < this.log.length; j++) best.push(this.log[j]!, this.pods[this.log[j]!]!.node);
          current = true;
        } else {
          this.undo(mark);
        }
        const next = cands[i + 1];
        if (!next || bestCost <= Math.max(0, next.estP - 1)) break search;
      }
    }
    if (best === null) {
      this.undo(mark);
      return null;
    }
    if (!current) {
      this.undo(mark);
      for (let j = 0; j < best.length; j += 2) this.assign(best[j]!, best[j + 1]!);
    }
    return bestCost;
  }

  private rankFor(s: WSet, nodes: ArrayLike<number>, fill: Fill): Int32Array {
    const lvl = this.level(s.preferred);
    const rank = new Int32Array(lvl.values.length).fill(NO_RANK);
    const { order } = this.cover(s, nodes, fill);
    order.forEach((d, i) => {
      rank[d] = i;
    });
    return rank;
  }

  private placeContents(s: WSet, scope: ArrayLike<number>): number | null {
    const mark = this.log.length;
    let cost = 0;
    for (const c of s.children) {
      const r = this.placeSet(c, scope);
      if (r === null) {
        this.undo(mark);
        return null;
      }
      cost += r;
    }
    for (const p of s.loose) {
      const n = this.bestNode(p, scope, false);
      if (n < 0) {
        this.undo(mark);
        return null;
      }
      this.assign(p, n);
    }
    if (s.preferred >= 0) cost += Math.max(0, s.usedSize - 1);
    return cost;
  }

  /**
   * The node for pod p among `scope`: fits and passes the filters; fewest new preferred domains for the
   * sets holding the pod; the innermost fill order; the node fewest other kinds of the gang's pods may
   * use; best fit (least GPUs left); fullest rack; least CPU left; lowest index. With `hard`, also the
   * required domains already fixed for the pod's sets.
   */
  bestNode(p: number, scope: ArrayLike<number>, hard: boolean): number {
    return this.scanNodes(p, scope, hard, null);
  }

  /** All nodes that can take pod p, best first (the order of bestNode). */
  orderedNodes(p: number, scope: ArrayLike<number>): number[] {
    const keys: number[][] = [];
    this.scanNodes(p, scope, false, keys);
    keys.sort((a, b) => {
      for (let i = 1; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return 0;
    });
    return keys.map((k) => k[0]!);
  }

  private scanNodes(p: number, scope: ArrayLike<number>, hard: boolean, collect: number[][] | null): number {
    const pod = this.pods[p]!;
    const idx = this.idx;
    const { freeGpu, freeCpu, freeMem, freePods } = idx;
    const mask = pod.mask;
    const prefSets: WSet[] = [];
    const prefDom: Int32Array[] = [];
    let rankSet: WSet | null = null;
    const hardSets: WSet[] = [];
    const hardDom: Int32Array[] = [];
    for (const sid of pod.chain) {
      const s = this.sets[sid]!;
      if (s.preferred >= 0) {
        prefSets.push(s);
        prefDom.push(this.level(s.preferred).nodeDom);
      }
      if (s.rank) rankSet = s;
      if (hard && s.required >= 0) {
        hardSets.push(s);
        hardDom.push(this.level(s.required).nodeDom);
      }
    }
    const rankDom = rankSet ? this.level(rankSet.preferred).nodeDom : null;
    const frag = this.topo && this.topo.fragLevel >= 0 ? this.level(this.topo.fragLevel) : null;
    const flexOf = this.flex;
    let best = -1;
    let bMarg = 0;
    let bRank = 0;
    let bFlex = 0;
    let bLeft = 0;
    let bFrag = 0;
    let bCpu = 0;
    outer: for (let i = 0; i < scope.length; i++) {
      const n = scope[i]!;
      if (!mask[n]) continue;
      const left = freeGpu[n]! - pod.gpu;
      if (left < 0 || freeCpu[n]! < pod.cpu || freeMem[n]! < pod.mem || freePods[n]! < pod.slots) continue;
      if (pod.ext && !extFits(pod.ext, n)) continue;
      for (let h = 0; h < hardSets.length; h++) {
        const d = hardDom[h]![n]!;
        if (d < 0) continue outer;
        const fixed = hardSets[h]!.hardDom;
        if (fixed >= 0 && d !== fixed) continue outer;
      }
      let marg = 0;
      for (let j = 0; j < prefSets.length; j++) {
        const s = prefSets[j]!;
        if (s.usedSize === 0) continue;
        if (s.usedArr![prefDom[j]![n]!] === 0) marg++;
      }
      let rank = 0;
      if (rankDom) {
        const d = rankDom[n]!;
        rank = d >= 0 ? rankSet!.rank![d]! : NO_RANK;
      }
      const flex = flexOf ? flexOf[n]! : 0;
      let fragFree = 0;
      if (frag) {
        const d = frag.nodeDom[n]!;
        fragFree = d >= 0 ? frag.domFreeGpu[d]! : 0;
      }
      const cpuLeft = freeCpu[n]! - pod.cpu;
      if (collect) {
        collect.push([n, marg, rank, flex, left, fragFree, cpuLeft, n]);
        continue;
      }
      if (best >= 0) {
        if (marg !== bMarg) {
          if (marg > bMarg) continue;
        } else if (rank !== bRank) {
          if (rank > bRank) continue;
        } else if (flex !== bFlex) {
          if (flex > bFlex) continue;
        } else if (left !== bLeft) {
          if (left > bLeft) continue;
        } else if (fragFree !== bFrag) {
          if (fragFree > bFrag) continue;
        } else if (cpuLeft >= bCpu) continue;
      }
      best = n;
      bMarg = marg;
      bRank = rank;
      bFlex = flex;
      bLeft = left;
      bFrag = fragFree;
      bCpu = cpuLeft;
    }
    return best;
  }

  // ---- fallback: depth-first search for any feasible packing -----------------------------------

  private steps = 0;

  /**
   * When the greedy pass finds nothing, search depth-first over every set's candidate domains and every
   * pod's nodes (nodes that are alike, same free resources and same domains, are tried once), most
   * constrained items first, within a step budget. The first complete packing wins.
   */
  placeExhaustive(scope: ArrayLike<number>, steps: number): boolean {
    this.steps = steps;
    const mark = this.log.length;
    const ok = this.dfsSet(0, scope, () => true);
    if (!ok) this.undo(mark);
    return ok;
  }

  private dfsSet(sid: number, scope: ArrayLike<number>, k: () => boolean): boolean {
    const s = this.sets[sid]!;
    if (s.all.length === 0) return k();
    const hards = this.hardScopes(s, scope);
    if (hards.length === 0) return false;
    const items = this.itemsOf(s);
    for (const tier of this.widens(s) ? ([0, 1] as const) : ([0] as const)) {
      for (const c of this.candidates(s, hards, tier)) {
        if (--this.steps < 0) return false;
        const saved = s.rank;
        s.rank = s.preferred >= 0 && c.level !== s.preferred ? this.rankFor(s, c.nodes, c.fill) : null;
        const ok = this.dfsItems(items, 0, c.nodes, k);
        s.rank = saved;
        if (ok) return true;
      }
    }
    return false;
  }

  /** S's children and loose pods, most constrained first: fewest eligible nodes, then largest. */
  private itemsOf(s: WSet): { set?: number; pod?: number; scarcity: number; gpu: number; cpu: number }[] {
    const count = (m: Uint8Array) => {
      let c = this.maskCount.get(m);
      if (c === undefined) {
        c = 0;
        for (let i = 0; i < m.length; i++) c += m[i]!;
        this.maskCount.set(m, c);
      }
      return c;
    };
    const items: { set?: number; pod?: number; scarcity: number; gpu: number; cpu: number; req: number }[] = [];
    for (const c of s.children) {
      const cs = this.sets[c]!;
      let scarcity = Infinity;
      for (const k of cs.profiles) scarcity = Math.min(scarcity, count(k.mask));
      items.push({ set: c, scarcity, gpu: cs.totalGpu, cpu: cs.totalCpu, req: cs.required >= 0 ? 0 : 1 });
    }
    for (const p of s.loose) {
      const pod = this.pods[p]!;
      items.push({ pod: p, scarcity: count(pod.mask), gpu: pod.gpu, cpu: pod.cpu, req: 2 });
    }
    items.sort((a, b) => a.scarcity - b.scarcity || a.req - b.req || b.gpu - a.gpu || b.cpu - a.cpu);
    return items;
  }

  private readonly maskCount = new Map<Uint8Array, number>();

  private dfsItems(items: ReturnType<GangSearch['itemsOf']>, i: number, scope: ArrayLike<number>, k: () => boolean): boolean {
    if (i === items.length) return k();
    const item = items[i]!;
    if (item.set !== undefined) return this.dfsSet(item.set, scope, () => this.dfsItems(items, i + 1, scope, k));
    const p = item.pod!;
    const seen = new Set<string>();
    for (const n of this.orderedNodes(p, scope)) {
      const sig = this.nodeSignature(n);
      if (seen.has(sig)) continue;
      seen.add(sig);
      if (--this.steps < 0) return false;
      this.assign(p, n);
      if (this.dfsItems(items, i + 1, scope, k)) return true;
      this.undo(this.log.length - 1);
    }
    return false;
  }

  /** Nodes with equal signatures are interchangeable for the rest of the search. */
  private nodeSignature(n: number): string {
    const idx = this.idx;
    let sig = `${idx.freeGpu[n]}|${idx.freeCpu[n]}|${idx.freeMem[n]}|${idx.freePods[n]}|${this.flex ? this.flex[n] : 0}|${this.flexId ? this.flexId[n] : 0}`;
    if (this.topo) for (const level of this.topo.levels) if (!level.perNode) sig += `|${level.nodeDom[n]}`;
    for (const f of idx.freeExt.values()) sig += `|${f[n]}`;
    return sig;
  }

  /** Per node: how many distinct eligibility masks of the gang include it (null when there is one). */
  flex: Uint8Array | null = null;
  /** Per node: which combination of the gang's masks includes it. */
  flexId: Int32Array | null = null;
}
