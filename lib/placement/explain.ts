/**
 * Why a gang does not fit, per level, in sentences a person can act on. Run only after the search
 * failed (the index is back to its state before the gang). Checks go from the most specific cause to
 * the least: a pod no node accepts (filters), a pod no node has room for, the gang's total against the
 * free capacity, each required constraint on its own (broadest first), a required constraint inside its
 * enclosing one, and finally the combination.
 */
import type { NodeInfo } from '../cluster/state';
import type { ExpandedGang } from '../grove/gang';
import { domainNodes, type ClusterIndex, type LevelIndex, type TopologyIndex } from './cluster-index';
import type { GangSearch, WPod, WSet } from './engine';
import { formatTaint, matchesNodeAffinity, matchesNodeSelector, untoleratedTaint } from './filters';
import type { LevelExplanation } from './plan';

export interface FailureExplanation {
  reason: string;
  explanation: LevelExplanation[];
}

export function formatCpu(milli: number): string {
  if (milli % 1000 === 0) return `${milli / 1000} CPU${milli === 1000 ? '' : 's'}`;
  return `${milli}m CPU`;
}

export function formatMemory(bytes: number): string {
  const units: [string, number][] = [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ];
  for (const [u, f] of units) {
    if (bytes >= f) {
      const v = bytes / f;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${u}`;
    }
  }
  return `${bytes}B`;
}

const gpus = (n: number) => `${n} GPU${n === 1 ? '' : 's'}`;
const nodesWord = (n: number) => `${n} node${n === 1 ? '' : 's'}`;

function whoOf(s: WSet): string {
  switch (s.kind) {
    case 'gang':
      return 'the gang';
    case 'groupConfig':
      return `scaling group replica ${s.name}`;
    default:
      return `podclique ${s.name}`;
  }
}

/** "32 GPUs" / "8 CPUs" / "3 pods": the set's demand in the dimension that matters most. */
function amount(s: WSet, gpu: number, cpu: number, slots: number): string {
  if (s.totalGpu > 0) return gpus(gpu);
  if (s.totalCpu > 0) return formatCpu(cpu);
  return `${slots} pod slot${slots === 1 ? '' : 's'}`;
}

function selectorText(sel: Record<string, string>): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function affinityText(terms: NonNullable<WPod['pod']['scheduling']['requiredNodeAffinity']>): string {
  return terms
    .map((t) =>
      [...(t.matchExpressions ?? []), ...(t.matchFields ?? [])]
        .map((e) => `${e.key} ${e.operator}${e.values && e.values.length > 0 ? ` [${e.values.join(',')}]` : ''}`)
        .join(' and '),
    )
    .join(' or ');
}

/** What the pod's node selector and required affinity ask for, as words; '' when it asks for neither. */
function requirementText(req: WPod['pod']['scheduling']): { what: string; hasSel: boolean } {
  const hasSel = !!req.nodeSelector && Object.keys(req.nodeSelector).length > 0;
  const hasAff = !!req.requiredNodeAffinity && req.requiredNodeAffinity.length > 0;
  const what = hasSel && hasAff ? `nodeSelector ${selectorText(req.nodeSelector!)} and the required node affinity` : hasSel ? `nodeSelector ${selectorText(req.nodeSelector!)}` : hasAff ? `the required node affinity (${affinityText(req.requiredNodeAffinity!)})` : '';
  return { what, hasSel };
}

/** Why the filters keep a pod off these nodes: each node counted once, by its first failing filter. */
interface Exclusions {
  /** Nodes that match the selector and affinity (the rest do not). */
  matching: number;
  notReady: number;
  cordoned: number;
  /** Untolerated taint (formatted) → nodes, among matching, Ready, uncordoned nodes. */
  taints: Map<string, number>;
}

function countExclusions(nodes: Iterable<NodeInfo>, req: WPod['pod']['scheduling']): Exclusions {
  const out: Exclusions = { matching: 0, notReady: 0, cordoned: 0, taints: new Map() };
  for (const node of nodes) {
    if (!matchesNodeSelector(node.labels, req.nodeSelector) || !matchesNodeAffinity(node, req.requiredNodeAffinity)) continue;
    out.matching++;
    if (!node.ready) out.notReady++;
    else if (node.unschedulable) out.cordoned++;
    else {
      const t = untoleratedTaint(node.taints, req.tolerations);
      if (t) out.taints.set(formatTaint(t), (out.taints.get(formatTaint(t)) ?? 0) + 1);
    }
  }
  return out;
}

/** Taints by nodes, most first (then by name). */
const taintsByCount = (taints: Map<string, number>): [string, number][] => [...taints.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

/** Why no node accepts the pod at all (before resources), or null when some node does. */
function filterExplanation(index: ClusterIndex, pod: WPod): LevelExplanation | null {
  let eligible = 0;
  for (let n = 0; n < index.n; n++) if (pod.mask[n]) eligible++;
  if (eligible > 0) return null;
  const req = pod.pod.scheduling;
  const name = pod.pod.name;
  if (index.n === 0) return { level: 'node', needs: 'a node', best: 'none', message: 'the cluster has no nodes' };
  const { what, hasSel } = requirementText(req);
  const { matching, cordoned, notReady, taints } = countExclusions(index.nodes, req);
  const needs = what ? `a node matching ${what}` : 'a node that accepts the pod';
  if (matching === 0) {
    return { level: 'node', needs, best: 'no matching node', message: `pod ${name}: no node matches ${what}` };
  }
  const parts: string[] = [];
  const taintParts = taintsByCount(taints);
  if (cordoned > 0) parts.push(`${cordoned === matching ? 'are' : `${cordoned} are`} cordoned`);
  if (notReady > 0) parts.push(`${notReady === matching ? 'are' : `${notReady} are`} NotReady`);
  for (const [t, c] of taintParts.slice(0, 3)) parts.push(`${c === matching ? 'carry' : `${c} carry`} taint ${t}, which the pod does not tolerate`);
  if (what) {
    const carry = hasSel ? 'carry that label' : 'match it';
    return {
      level: 'node',
      needs,
      best: `${nodesWord(matching)} match but accept no pods`,
      message: `pod ${name}: no node matches ${what} (${nodesWord(matching)} ${carry} but ${parts.join('; ')})`,
    };
  }
  // No selector: every node is excluded by readiness or taints.
  const sentences: string[] = [];
  for (const [t, c] of taintParts.slice(0, 3)) sentences.push(`taint ${t} on ${nodesWord(c)} is not tolerated`);
  if (cordoned > 0) sentences.push(`${nodesWord(cordoned)} ${cordoned === 1 ? 'is' : 'are'} cordoned`);
  if (notReady > 0) sentences.push(`${nodesWord(notReady)} ${notReady === 1 ? 'is' : 'are'} NotReady`);
  return { level: 'node', needs, best: 'no node accepts it', message: `pod ${name}: ${sentences.join('; ')}` };
}

const hasRoom = (index: ClusterIndex, n: number, pod: WPod): boolean =>
  index.freeGpu[n]! >= pod.gpu && index.freeCpu[n]! >= pod.cpu && index.freeMem[n]! >= pod.mem && index.freePods[n]! >= pod.slots;

/**
 * "; 16 GPUs free on 2 nodes it may not use: taint dedicated=infer:NoSchedule not tolerated" ("room on
 * …" for a pod without GPUs) when nodes with room for the pod are kept from it by its filters, naming
 * the most common reason; else ''.
 */
function excludedWithRoom(index: ClusterIndex, pod: WPod): string {
  const nodes: NodeInfo[] = [];
  let free = 0;
  for (let n = 0; n < index.n; n++) {
    if (pod.mask[n] || !hasRoom(index, n, pod)) continue;
    nodes.push(index.nodes[n]!);
    free += index.freeGpu[n]!;
  }
  if (nodes.length === 0) return '';
  const req = pod.pod.scheduling;
  const { matching, notReady, cordoned, taints } = countExclusions(nodes, req);
  const reasons: [string, number][] = [
    [`not matching ${requirementText(req).what}`, nodes.length - matching],
    ...taintsByCount(taints).map(([t, c]): [string, number] => [`taint ${t} not tolerated`, c]),
    ['cordoned', cordoned],
    ['NotReady', notReady],
  ];
  // The most common reason; on a tie, the first listed (the pod's own requirements before the node's state).
  const [reason, count] = reasons.reduce((top, r) => (r[1] > top[1] ? r : top));
  const where = `${pod.gpu > 0 ? `${gpus(free)} free` : 'room'} on ${nodesWord(nodes.length)} it may not use`;
  return `; ${where}: ${reason}${count < nodes.length ? ` on ${count} of them` : ''}`;
}

/** Why no single node has room for the pod now, or null when one has. */
function resourceExplanation(index: ClusterIndex, pod: WPod): LevelExplanation | null {
  const { freeGpu, freeCpu, freeMem, freePods } = index;
  let maxGpu = 0;
  let maxCpu = 0;
  let maxMem = 0;
  let maxSlots = 0;
  let allocGpu = 0;
  let eligible = 0;
  for (let n = 0; n < index.n; n++) {
    if (!pod.mask[n]) continue;
    eligible++;
    if (hasRoom(index, n, pod)) return null;
    maxGpu = Math.max(maxGpu, freeGpu[n]!);
    maxCpu = Math.max(maxCpu, freeCpu[n]!);
    maxMem = Math.max(maxMem, freeMem[n]!);
    maxSlots = Math.max(maxSlots, freePods[n]!);
    allocGpu = Math.max(allocGpu, index.nodes[n]!.allocatable.gpu);
  }
  const name = pod.pod.name;
  const among = eligible < index.n ? ` it may use` : '';
  const excluded = eligible < index.n ? excludedWithRoom(index, pod) : '';
  if (maxGpu < pod.gpu) {
    const total = allocGpu < pod.gpu ? `; no node${among} has more than ${gpus(allocGpu)} in all` : '';
    return {
      level: 'node',
      needs: `${gpus(pod.gpu)} on one node`,
      best: `${gpus(Math.max(0, maxGpu))} free`,
      message: `pod ${name} needs ${gpus(pod.gpu)} on one node; the largest free node${among} has ${Math.max(0, maxGpu)}${total}${excluded}`,
    };
  }
  if (maxCpu < pod.cpu) {
    return {
      level: 'node',
      needs: `${formatCpu(pod.cpu)} on one node`,
      best: `${formatCpu(Math.max(0, maxCpu))} free`,
      message: `pod ${name} needs ${formatCpu(pod.cpu)} on one node; the most free on a node${among} is ${formatCpu(Math.max(0, maxCpu))}${excluded}`,
    };
  }
  if (maxMem < pod.mem) {
    return {
      level: 'node',
      needs: `${formatMemory(pod.mem)} memory on one node`,
      best: `${formatMemory(Math.max(0, maxMem))} free`,
      message: `pod ${name} needs ${formatMemory(pod.mem)} memory on one node; the most free on a node${among} is ${formatMemory(Math.max(0, maxMem))}${excluded}`,
    };
  }
  if (maxSlots < pod.slots) {
    return { level: 'node', needs: 'a free pod slot', best: 'none', message: `pod ${name} needs a pod slot; every node${among} is at its pod limit${excluded}` };
  }
  return {
    level: 'node',
    needs: `${gpus(pod.gpu)}, ${formatCpu(pod.cpu)} and ${formatMemory(pod.mem)} on one node`,
    best: 'no node has all at once',
    message: `pod ${name} needs ${gpus(pod.gpu)}, ${formatCpu(pod.cpu)} and ${formatMemory(pod.mem)} free on one node; no node${among} has all of them at once${excluded}`,
  };
}

/**
 * Free GPUs in domain d on the nodes that take pods at all (Ready, not cordoned): what the heatmap
 * counts as free there, also on nodes too full for one pod of the set or that its pods may not use.
 * Not LevelIndex.domFreeGpu: that sum lets an over-committed node's negative free cancel others' free
 * GPUs; here each node counts at least 0, as the heatmap shows it.
 */
function domainFreeGpu(index: ClusterIndex, level: LevelIndex, d: number): number {
  let free = 0;
  for (const n of domainNodes(level, d)) if (index.accepts[n]) free += Math.max(0, index.freeGpu[n]!);
  return free;
}

/** "a pod of 8 GPUs" for a one-size set, else "one of its pods". */
function podSize(s: WSet): string {
  const sizes = new Set(s.profiles.map((k) => k.gpu));
  return sizes.size === 1 ? `a pod of ${gpus(s.profiles[0]!.gpu)}` : 'one of its pods';
}

export function explainFailure(index: ClusterIndex, topo: TopologyIndex | null, gang: ExpandedGang, pods: WPod[], sets: WSet[], search: GangSearch): FailureExplanation {
  const out: LevelExplanation[] = [];
  // 1–2: each distinct kind of required pod, on its own.
  const seen = new Set<string>();
  for (const pod of pods) {
    if (!pod.required) continue;
    const key = `${pod.group}|${pod.gpu}|${pod.cpu}|${pod.mem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const e = filterExplanation(index, pod) ?? resourceExplanation(index, pod);
    if (e) out.push(e);
  }
  const all = new Int32Array(index.n);
  for (let n = 0; n < index.n; n++) all[n] = n;

  // 3: the gang's minimum against the free capacity it may use.
  const root = sets[0]!;
  if (out.length === 0 && root.all.length > 0) {
    const agg = search.aggregate(all, -1, root)[0];
    if (!agg || !search.fits(root, agg)) {
      // Free capacity on every node some pod of the gang may use (also nodes too full for any pod).
      let gpu = 0;
      let cpu = 0;
      let slots = 0;
      const masks = [...new Set(root.profiles.map((k) => k.mask))];
      for (let n = 0; n < index.n; n++) {
        if (!masks.some((m) => m[n])) continue;
        gpu += Math.max(0, index.freeGpu[n]!);
        cpu += Math.max(0, index.freeCpu[n]!);
        slots += Math.max(0, index.freePods[n]!);
      }
      const have = amount(root, gpu, cpu, slots);
      const single = root.profiles.length === 1 && root.totalGpu > 0 && gpu >= root.totalGpu;
      const needs = `${amount(root, root.totalGpu, root.totalCpu, root.totalSlots)} for ${root.all.length} pod${root.all.length === 1 ? '' : 's'}`;
      const message = single
        ? `the gang needs ${root.all.length} pods of ${gpus(root.profiles[0]!.gpu)} for its minimum; the free GPUs (${gpu}) are split so that only ${agg ? agg.cnt[0] : 0} such pods fit`
        : `the gang needs ${needs} for its minimum; ${have} ${root.totalGpu > 0 || root.totalCpu === 0 ? 'are' : 'is'} free on the nodes its pods may use`;
      out.push({ level: 'cluster', needs, best: `${have} free`, message });
    }
  }

  // 4: each required constraint on its own, broadest level first, then inside its enclosing one.
  if (out.length === 0 && topo) {
    const order = sets.filter((s) => s.required >= 0 && s.all.length > 0).sort((a, b) => a.required - b.required || a.id - b.id);
    for (const s of order) {
      const level = topo.levels[s.required]!;
      const aggs = search.aggregate(all, s.required, s);
      if (aggs.some((a) => search.fits(s, a))) continue;
      let best = aggs[0];
      for (const a of aggs) if (best && search.units(s, a) > search.units(s, best)) best = a;
      const needAmt = amount(s, s.totalGpu, s.totalCpu, s.totalSlots);
      const single = s.profiles.length === 1;
      let message: string;
      let bestText: string;
      // best.gpu counts only nodes that can take a pod of s; the domain's free GPUs (as the heatmap shows
      // them) may be more, split into pieces too small for one pod, or on nodes its pods may not use.
      const free = best && s.totalGpu > 0 ? domainFreeGpu(index, level, best.dom) : 0;
      if (!best) {
        bestText = 'none';
        message = `${whoOf(s)} needs ${needAmt} in one ${level.domain}; no ${level.domain} has room for any of its pods`;
      } else if (single && s.totalGpu > 0 && free >= s.totalGpu) {
        bestText = `${level.values[best.dom]} fits ${best.cnt[0]} of ${s.all.length} pods`;
        message = `${whoOf(s)} needs ${s.all.length} pods of ${gpus(s.profiles[0]!.gpu)} in one ${level.domain}; the best ${level.domain}, ${level.values[best.dom]}, has ${gpus(free)} free but room for only ${best.cnt[0]} of them`;
      } else if (free > best.gpu) {
        bestText = `${level.values[best.dom]} has ${gpus(free)} free, ${best.gpu} usable`;
        message = `${whoOf(s)} needs ${needAmt} in one ${level.domain}; the best ${level.domain}, ${level.values[best.dom]}, has ${gpus(free)} free, only ${best.gpu} of them on nodes that can take ${podSize(s)}`;
      } else {
        const has = amount(s, best.gpu, best.cpu, best.slots);
        bestText = `${level.values[best.dom]} has ${has} free`;
        message = `${whoOf(s)} needs ${needAmt} in one ${level.domain}; the largest free ${level.domain}, ${level.values[best.dom]}, has ${has.replace(/ GPUs?$/, '')}`;
      }
      out.push({ level: level.domain, needs: `${needAmt} in one ${level.domain}`, best: bestText, message });
    }
  }
  if (out.length === 0 && topo) {
    for (const s of sets) {
      if (s.required < 0 || s.all.length === 0) continue;
      let a: WSet | undefined;
      for (let p = s.parent; p >= 0; p = sets[p]!.parent) {
        if (sets[p]!.required >= 0) {
          a = sets[p];
          break;
        }
      }
      if (!a) continue;
      const outer = topo.levels[a.required]!;
      const inner = topo.levels[s.required]!;
      let found = false;
      let bestUnits = -1;
      let bestOuter = '';
      let bestInner = '';
      for (const oa of search.aggregate(all, a.required, a)) {
        if (!search.fits(a, oa)) continue;
        for (const ia of search.aggregate(oa.nodes, s.required, s)) {
          if (search.fits(s, ia)) found = true;
          const u = search.units(s, ia);
          if (u > bestUnits) {
            bestUnits = u;
            bestOuter = outer.values[oa.dom]!;
            bestInner = inner.values[ia.dom]!;
          }
        }
        if (found) break;
      }
      if (found) continue;
      const needAmt = amount(s, s.totalGpu, s.totalCpu, s.totalSlots);
      const whole = amount(a, a.totalGpu, a.totalCpu, a.totalSlots);
      const best = bestUnits < 0 ? `no ${outer.domain} can hold ${whoOf(a)} (${whole})` : `the best, ${inner.domain} ${bestInner} in ${outer.domain} ${bestOuter}, fits ${bestUnits} ${s.profiles.length === 1 ? 'of its pods' : s.totalGpu > 0 ? 'GPUs' : 'units'}`;
      out.push({
        level: inner.domain,
        needs: `${needAmt} in one ${inner.domain} inside ${whoOf(a)}'s ${outer.domain}`,
        best,
        message: `${whoOf(s)} needs ${needAmt} in one ${inner.domain} inside the ${outer.domain} of ${whoOf(a)}; no ${outer.domain} that can hold ${whoOf(a)} (${whole}) has such a ${inner.domain} (${best})`,
      });
    }
  }
  // 5: each part fits on its own, but not all together.
  if (out.length === 0) {
    const hardLevel = root.required >= 0 && topo ? topo.levels[root.required]!.domain : null;
    const constrained = sets.filter((s) => s.id !== 0 && s.required >= 0 && s.all.length > 0);
    const parts = constrained.length > 0 ? `its ${constrained.length} constrained groups (${constrained.map((s) => `${s.name} in one ${topo!.levels[s.required]!.domain}`).join(', ')})` : 'its pods';
    const where = hardLevel ? `any one ${hardLevel}` : 'the free nodes';
    const message = `the gang's pods fit each constraint on its own, but ${parts} cannot all be packed into ${where} at once; free capacity there or relax a constraint`;
    out.push({ level: hardLevel ?? 'cluster', needs: `all ${root.all.length} required pods together`, best: 'no combination found', message });
  }
  void gang;
  return { reason: out[0]!.message, explanation: out };
}
