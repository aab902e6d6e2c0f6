/**
 * Why a gang does not fit, per level, in sentences a person can act on. Run only after the search
 * failed (the index is back to its state before the gang). Checks go from the most specific cause to
 * the least: a pod no node accepts (filters), a pod no node has room for, the gang's total against the
 * free capacity, each required constraint on its own (broadest first), a required constraint inside its
 * enclosing one, and finally the combination. That the gang can never fit (more than a node, the
 * cluster or every domain of a required level holds even when empty) is checked whatever else was found,
 * and listed first: no wait helps, the request must change. Only the gang's minimum against what is free
 * in the whole cluster comes before a level that cannot hold it: while that does not fit, no looser pack
 * helps now. The looser pack is still named (keeping its pods needs it whatever frees up), in that row
 * and in the one-line reason after the free room, as working now only where the engine places the gang
 * with it now, else as fitting once room frees.
 */
import { workloadOfPod, type NodeInfo, type PodInfo } from '../cluster/state';
import type { ExpandedGang } from '../grove/gang';
import { domainName, domainNodes, type ClusterIndex, type LevelIndex, type TopologyIndex } from './cluster-index';
import { extFits, GangSearch, type Profile, type WPod, type WSet } from './engine';
import { formatTaint, matchesNodeAffinity, matchesNodeSelector, requirementsKey, untoleratedTaint } from './filters';
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

/** Domain names in natural order: rack-2 before rack-10. */
const byName = new Intl.Collator('en', { numeric: true }).compare;

/** "a", "a and b", "a, b and c". */
export function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
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
function filterExplanation(index: ClusterIndex, topo: TopologyIndex | null, pod: WPod): LevelExplanation | null {
  let eligible = 0;
  for (let n = 0; n < index.n; n++) if (pod.mask[n]) eligible++;
  if (eligible > 0) return null;
  const req = pod.pod.scheduling;
  const name = pod.pod.name;
  if (index.n === 0) return { level: 'node', needs: 'a node', best: 'none', message: 'the cluster has no nodes' };
  // Its filters accept some nodes, but none is in the topology its constraint needs: say which labels they lack.
  const outside = outsideTopology(index, pod);
  if (outside.length > 0 && topo) {
    return { level: 'node', needs: 'a node in the topology', best: `${nodesWord(outside.length)} outside it`, message: `pod ${name}: no node that accepts it is in the topology; ${outsideTopologyText(index, topo, outside, false)}` };
  }
  const { what, hasSel } = requirementText(req);
  const { matching, cordoned, notReady, taints } = index.nodeDerived(`exclusions\u0000${requirementsKey(req)}`, null, () => countExclusions(index.nodes, req));
  const needs = what ? `a node matching ${what}` : 'a node that accepts the pod';
  if (matching === 0) {
    return { level: 'node', needs, best: 'no matching node', message: `pod ${name}: no node matches ${what}` };
  }
  const taintParts = taintsByCount(taints);
  if (what) {
    // Each reason with its count: "are cordoned" when it covers every matching node, else "1 is cordoned".
    const verb = (c: number, one: string, many: string) => (c === matching ? (matching === 1 ? one : many) : `${c} ${c === 1 ? one : many}`);
    const parts: string[] = [];
    if (cordoned > 0) parts.push(verb(cordoned, 'is cordoned', 'are cordoned'));
    if (notReady > 0) parts.push(verb(notReady, 'is NotReady', 'are NotReady'));
    for (const [t, c] of taintParts.slice(0, 3)) parts.push(`${verb(c, 'carries', 'carry')} taint ${t}, which the pod does not tolerate`);
    const nodesWith = `${matching === 1 ? 'the one node' : `the ${matching} nodes`} ${hasSel && !req.requiredNodeAffinity?.length ? `with ${selectorText(req.nodeSelector!)}` : `matching ${what}`}`;
    const whole = parts.length === 1 && !/^\d/.test(parts[0]!);
    return {
      level: 'node',
      needs,
      best: `${nodesWord(matching)} match but accept no pods`,
      message: whole ? `pod ${name}: ${nodesWith} ${parts[0]}` : `pod ${name}: of ${nodesWith}, ${joinAnd(parts)}`,
    };
  }
  // No selector: every node is excluded by readiness or taints.
  const sentences: string[] = [];
  for (const [t, c] of taintParts.slice(0, 3)) sentences.push(`taint ${t} on ${nodesWord(c)} is not tolerated`);
  if (cordoned > 0) sentences.push(`${nodesWord(cordoned)} ${cordoned === 1 ? 'is' : 'are'} cordoned`);
  if (notReady > 0) sentences.push(`${nodesWord(notReady)} ${notReady === 1 ? 'is' : 'are'} NotReady`);
  return { level: 'node', needs, best: 'no node accepts it', message: `pod ${name}: ${sentences.join('; ')}` };
}

/**
 * The nodes a pod may ever use: its node selector, required affinity and taints, and for a pod of a
 * topology-constrained set the nodes in the topology. NotReady and cordoned nodes count, and so do the
 * taints Kubernetes itself puts on and takes off with a node's condition (node.kubernetes.io/not-ready,
 * unreachable, …): that changes, capacity does not.
 */
function everUsable(index: ClusterIndex, pod: WPod): Uint8Array {
  const req = pod.pod.scheduling;
  // From the nodes alone: built once per requirements and topology (per call, or across calls with shared tables).
  return index.nodeDerived(`everUsable\u0000${requirementsKey(req)}`, pod.topologyNodes, () => {
    const m = new Uint8Array(index.n);
    for (let n = 0; n < index.n; n++) {
      const node = index.nodes[n]!;
      if (pod.topologyNodes && !pod.topologyNodes[n]) continue;
      const taints = node.taints.filter((t) => !t.key.startsWith('node.kubernetes.io/'));
      m[n] = matchesNodeSelector(node.labels, req.nodeSelector) && matchesNodeAffinity(node, req.requiredNodeAffinity) && untoleratedTaint(taints, req.tolerations) === undefined ? 1 : 0;
    }
    return m;
  });
}

/**
 * The nodes its own filters let the pod use (and `also` admits) that a topology constraint keeps it off:
 * they lack a level's label, so they are outside the topology (KAI). Empty for a pod without a constraint.
 */
function outsideTopology(index: ClusterIndex, pod: WPod, also: (n: number) => boolean = () => true): number[] {
  const inTopology = pod.topologyNodes;
  if (!inTopology) return [];
  const filters = index.mask(pod.pod.scheduling);
  const out: number[] = [];
  for (let n = 0; n < index.n; n++) if (filters[n] && !inTopology[n] && also(n)) out.push(n);
  return out;
}

/**
 * Nodes outside the topology, by the labels they lack, as a clause a person can act on: "3 nodes with
 * 24 free GPUs lack the rack label (topology.kubernetes.io/rack) and are not used for topology-constrained
 * gangs". KAI builds its topology tree only from nodes with every level's label (isNodePartOfTopology)
 * and gives a constrained gang, scaling group or clique no other node. `free`: say their free GPUs.
 */
function outsideTopologyText(index: ClusterIndex, topo: TopologyIndex, nodes: readonly number[], free: boolean): string {
  const levels = topo.info.levels;
  // Nodes grouped by the labels they lack (level indexes), the larger group first.
  const groups = new Map<string, { missing: number[]; count: number }>();
  let gpu = 0;
  for (const n of nodes) {
    const labels = index.nodes[n]!.labels;
    const missing = levels.flatMap((l, i) => (typeof labels[l.key] !== 'string' ? [i] : []));
    const key = missing.join(',');
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { missing, count: 1 });
    gpu += Math.max(0, index.freeGpu[n]!);
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.missing[0]! - b.missing[0]!);
  const lacks = (c: number) => (c === 1 ? 'lacks' : 'lack');
  // "the rack label (topology.kubernetes.io/rack)", "the zone and rack labels (topology.kubernetes.io/zone, topology.kubernetes.io/rack)".
  const labelsText = (missing: number[]) =>
    `the ${joinAnd(missing.map((i) => levels[i]!.domain))} label${missing.length === 1 ? '' : 's'} (${missing.map((i) => levels[i]!.key).join(', ')})`;
  const subject = `${nodesWord(nodes.length)}${free ? (gpu > 0 ? ` with ${gpu} free GPU${gpu === 1 ? '' : 's'}` : ' with room') : ''}`;
  const notUsed = `${nodes.length === 1 ? 'is' : 'are'} not used for topology-constrained gangs`;
  if (sorted.length === 1) return `${subject} ${lacks(nodes.length)} ${labelsText(sorted[0]!.missing)} and ${notUsed}`;
  const shown = sorted.slice(0, 3).map((g) => `${g.count} ${lacks(g.count)} ${labelsText(g.missing)}`);
  const rest = sorted.slice(3).reduce((t, g) => t + g.count, 0);
  if (rest > 0) shown.push(`${rest} more lack other labels`);
  return `${subject} lack topology labels and ${notUsed}: ${joinAnd(shown)}`;
}

/** " in the cluster" when a pod may use every node, else " it may use". */
function everScope(ever: Uint8Array, who = 'it'): string {
  return ever.every((v) => v === 1) ? ' in the cluster' : ` ${who} may use`;
}

/**
 * Why the pod fits no node even with nothing running (its request exceeds every usable node's
 * allocatable GPUs, CPU or memory), or null. `ever`: the nodes it may ever use.
 */
function nodeCapacityExplanation(index: ClusterIndex, pod: WPod, ever: Uint8Array, excluded: string): LevelExplanation | null {
  const dims: [need: number, cap: (n: NodeInfo) => number, amount: (v: number) => string][] = [
    [pod.gpu, (n) => n.allocatable.gpu, gpus],
    [pod.cpu, (n) => n.allocatable.cpuMilli, formatCpu],
    [pod.mem, (n) => n.allocatable.memory, (v) => `${formatMemory(v)} memory`],
  ];
  let usable = 0;
  for (let n = 0; n < index.n; n++) usable += ever[n]!;
  if (usable === 0) return null;
  for (const [need, cap, amount] of dims) {
    if (need <= 0) continue;
    let most = 0;
    for (let n = 0; n < index.n; n++) if (ever[n]) most = Math.max(most, cap(index.nodes[n]!));
    if (most >= need) continue;
    const largest = most > 0 ? `the largest has ${amount(most).replace(/ GPUs?$/, '')}` : `none has any`;
    return {
      level: 'node',
      needs: `${amount(need)} on one node`,
      best: `the largest node has ${amount(most)} even when empty`,
      message: `pod ${pod.pod.name} needs ${amount(need)} on one node, but no node${everScope(ever)} has ${amount(need)} even when empty (${largest}); use smaller pods${excluded}`,
      exceedsCapacity: true,
    };
  }
  return null;
}

const hasRoom = (index: ClusterIndex, n: number, pod: WPod): boolean =>
  index.freeGpu[n]! >= pod.gpu && index.freeCpu[n]! >= pod.cpu && index.freeMem[n]! >= pod.mem && index.freePods[n]! >= pod.slots && (!pod.ext || extFits(pod.ext, n));

/**
 * "; 16 GPUs free on 2 nodes it may not use: taint dedicated=infer:NoSchedule not tolerated" ("room on
 * …" for a pod without GPUs) when nodes with room for the pod are kept from it by its filters, naming
 * the most common reason; then, when nodes with room are kept from it only by its topology constraint,
 * "; 3 nodes with 24 free GPUs lack the rack label (…) and are not used for topology-constrained gangs"
 * (with `topo`); else ''.
 */
function excludedWithRoom(index: ClusterIndex, topo: TopologyIndex | null, pod: WPod): string {
  const filters = index.mask(pod.pod.scheduling);
  const nodes: NodeInfo[] = [];
  let free = 0;
  for (let n = 0; n < index.n; n++) {
    // Nodes its filters accept are kept off by the topology alone: said on their own, below.
    if (pod.mask[n] || filters[n] || !hasRoom(index, n, pod)) continue;
    nodes.push(index.nodes[n]!);
    free += index.freeGpu[n]!;
  }
  const outside = outsideTopology(index, pod, (n) => hasRoom(index, n, pod));
  const labels = outside.length > 0 && topo ? `; ${outsideTopologyText(index, topo, outside, true)}` : '';
  if (nodes.length === 0) return labels;
  const where = `${pod.gpu > 0 ? `${gpus(free)} free` : 'room'} on ${nodesWord(nodes.length)} it may not use`;
  return `; ${where}: ${exclusionReasons(nodes, pod.pod.scheduling)}${labels}`;
}

/**
 * Why a pod with these requirements may not use these nodes: "taint dedicated=infer:NoSchedule not
 * tolerated" when one reason covers them all, else each with its count ("not matching … on 2, cordoned on 1").
 */
function exclusionReasons(nodes: readonly NodeInfo[], req: WPod['pod']['scheduling']): string {
  const { matching, notReady, cordoned, taints } = countExclusions(nodes, req);
  const reasons: [string, number][] = [
    [`not matching ${requirementText(req).what}`, nodes.length - matching],
    ...taintsByCount(taints).map(([t, c]): [string, number] => [`taint ${t} not tolerated`, c]),
    ['cordoned', cordoned],
    ['NotReady', notReady],
  ];
  // Every reason, most common first (on a tie, the pod's own requirements before the node's state).
  const named = reasons.filter((r) => r[1] > 0).sort((a, b) => b[1] - a[1]);
  return named.length === 1 && named[0]![1] === nodes.length ? named[0]![0] : named.map(([r, c]) => `${r} on ${c}`).join(', ');
}

/** Why no single node has room for the pod now, or null when one has. */
function resourceExplanation(index: ClusterIndex, topo: TopologyIndex | null, pod: WPod, ever: Uint8Array = everUsable(index, pod)): LevelExplanation | null {
  const { freeGpu, freeCpu, freeMem, freePods } = index;
  let maxGpu = 0;
  let maxCpu = 0;
  let maxMem = 0;
  let maxSlots = 0;
  let eligible = 0;
  for (let n = 0; n < index.n; n++) {
    if (!pod.mask[n]) continue;
    eligible++;
    if (hasRoom(index, n, pod)) return null;
    maxGpu = Math.max(maxGpu, freeGpu[n]!);
    maxCpu = Math.max(maxCpu, freeCpu[n]!);
    maxMem = Math.max(maxMem, freeMem[n]!);
    maxSlots = Math.max(maxSlots, freePods[n]!);
  }
  const name = pod.pod.name;
  const among = eligible < index.n ? ` it may use` : '';
  const excluded = eligible < index.n ? excludedWithRoom(index, topo, pod) : '';
  // Too large for any node even when empty: say so first, it is not a matter of waiting.
  const never = nodeCapacityExplanation(index, pod, ever, excluded);
  if (never) return never;
  for (const e of pod.ext ?? []) {
    // An extended resource (rdma/ib …) no usable node has free: name it, and how many nodes offer any.
    let offer = 0;
    let most = 0;
    for (let n = 0; n < index.n; n++) {
      if (!pod.mask[n]) continue;
      if ((index.nodes[n]!.allocatable.extended?.[e.name] ?? 0) > 0) offer++;
      most = Math.max(most, e.free[n]!);
    }
    if (most >= e.amount) continue;
    const full = offer === 1 ? 'and it is full' : offer === 2 ? 'both full' : 'all full';
    const tail = offer === 0 ? `no node${among} has any` : most > 0 ? `the most free on a node${among} is ${most}` : `only ${nodesWord(offer)}${among} ${offer === 1 ? 'has' : 'have'} any, ${full}`;
    return { level: 'node', needs: `${e.amount} ${e.name} on one node`, best: `${most} free`, message: `pod ${name} needs ${e.amount} ${e.name}; ${tail}${excluded}` };
  }
  if (maxGpu < pod.gpu) {
    return {
      level: 'node',
      needs: `${gpus(pod.gpu)} on one node`,
      best: `${gpus(Math.max(0, maxGpu))} free`,
      message: `pod ${name} needs ${gpus(pod.gpu)} on one node; the largest free node${among} has ${Math.max(0, maxGpu)}${excluded}`,
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
    const limits = new Set<number>();
    for (let n = 0; n < index.n; n++) if (pod.mask[n]) limits.add(index.nodes[n]!.allocatable.pods);
    const limitText = [...limits].sort((a, b) => a - b).slice(0, 4).join(', ');
    return { level: 'node', needs: 'a free pod slot', best: 'none', message: `pod ${name} needs a pod slot; every node${among} is at its pod limit (${limitText})${excluded}` };
  }
  return {
    level: 'node',
    needs: `${gpus(pod.gpu)}, ${formatCpu(pod.cpu)} and ${formatMemory(pod.mem)} on one node`,
    best: 'no node has all at once',
    message: `pod ${name} needs ${gpus(pod.gpu)}, ${formatCpu(pod.cpu)} and ${formatMemory(pod.mem)} free on one node; no node${among} has all of them at once${excluded}`,
  };
}

/**
 * Why an optional pod (above minReplicas) found no node among `where`, the nodes its gang's required
 * domains leave it: the filter or resource it fails there. `pinned` names those domains ("rack r1"), ''
 * when the pod may go anywhere.
 */
export function explainOptional(index: ClusterIndex, topo: TopologyIndex | null, pod: WPod, where: ArrayLike<number>, pinned: string): string {
  let mask = pod.mask;
  if (pinned) {
    mask = new Uint8Array(index.n);
    for (let i = 0; i < where.length; i++) mask[where[i]!] = pod.mask[where[i]!]!;
  }
  const inside: WPod = { ...pod, mask };
  let ever = everUsable(index, pod);
  if (pinned) {
    // A new array: everUsable's is shared (nodeDerived), never cut in place.
    const within = new Uint8Array(index.n);
    for (let i = 0; i < where.length; i++) within[where[i]!] = ever[where[i]!]!;
    ever = within;
  }
  // Inside a pinned domain every node is in the topology: nodes outside it are not worth naming.
  const e = (pinned ? null : filterExplanation(index, topo, pod)) ?? resourceExplanation(index, pinned ? null : topo, inside, ever);
  let why = e ? e.message.replace(/^pod \S+:? /, '') : 'no node has room for it';
  // Outside the pinned domain is not "may not use" for a filter's reason: leave that clause out.
  if (pinned) why = why.replace(/; (\d+ GPUs? free|room) on \d+ nodes? it may not use:.*$/, '');
  return pinned ? `it must stay in ${pinned} with the gang's required pods, and there it ${why.startsWith('needs') ? why : `cannot go: ${why}`}` : why;
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

/** The domain of a level with the most free GPUs as domainFreeGpu counts them (the table's figure); a tie goes by name. */
function mostFreeDomain(index: ClusterIndex, level: LevelIndex): { dom: number; free: number } | null {
  let most: { dom: number; free: number } | null = null;
  for (let d = 0; d < level.values.length; d++) {
    const free = domainFreeGpu(index, level, d);
    if (!most || free > most.free || (free === most.free && byName(domainName(level, d), domainName(level, most.dom)) < 0)) most = { dom: d, free };
  }
  return most;
}

/**
 * A domain's free GPUs that set s cannot use now, as a clause: those on nodes its pods may not use (with
 * why) and those on nodes with no room for one of its pods ("4 on 1 node its pods may not use (taint …
 * not tolerated) and 6 on 1 node with no room for a pod of 8 GPUs"). `usable`: the nodes of the domain
 * that can take a pod of s now (the search's aggregate). Nodes that take no pods at all are not counted,
 * as domainFreeGpu does not count them.
 */
function unusableFree(index: ClusterIndex, level: LevelIndex, d: number, s: WSet, pods: readonly WPod[], usable: readonly number[]): { excluded: number; text: string } {
  const inUse = new Set(usable);
  const excludedNodes: NodeInfo[] = [];
  let excluded = 0;
  let noRoom = 0;
  let noRoomNodes = 0;
  for (const n of domainNodes(level, d)) {
    const free = index.freeGpu[n]!;
    if (!index.accepts[n] || free <= 0 || inUse.has(n)) continue;
    if (s.profiles.some((k) => k.mask[n])) {
      noRoom += free;
      noRoomNodes++;
    } else {
      excluded += free;
      excludedNodes.push(index.nodes[n]!);
    }
  }
  const parts: string[] = [];
  if (excluded > 0) {
    const why = exclusionReasons(excludedNodes, pods[s.all[0]!]!.pod.scheduling);
    parts.push(`${excluded} on ${nodesWord(excludedNodes.length)} its pods may not use${why ? ` (${why})` : ''}`);
  }
  if (noRoom > 0) parts.push(`${noRoom} on ${nodesWord(noRoomNodes)} with no room for ${podSize(s)}`);
  return { excluded, text: joinAnd(parts) };
}

/** "a pod of 8 GPUs" for a one-size set, else "one of its pods". */
function podSize(s: WSet): string {
  const sizes = new Set(s.profiles.map((k) => k.gpu));
  return sizes.size === 1 ? `a pod of ${gpus(s.profiles[0]!.gpu)}` : 'one of its pods';
}


/** One resource dimension of a set's demand, for saying which one ran out. */
interface Dim {
  /** What a pod of profile k needs of it. */
  need(k: Profile): number;
  free(n: number): number;
  /** "8 CPUs", "64Gi memory", "1 rdma/ib". */
  amount(v: number): string;
  /** The bare number, for lists ("4, 4 and 16 CPUs"). */
  bare(v: number): string;
  unit: string;
  gpu?: true;
  /** A node's allocatable amount, and what a bound pod requests of it: to say what holds the rest. */
  cap(n: number): number;
  request(pod: PodInfo): number;
}

function dimsOf(index: ClusterIndex, s: WSet): Dim[] {
  const cpuBare = (v: number) => (v % 1000 === 0 ? String(v / 1000) : (v / 1000).toFixed(1));
  const alloc = (n: number) => index.nodes[n]!.allocatable;
  const dims: Dim[] = [
    { need: (k) => k.gpu, free: (n) => index.freeGpu[n]!, amount: gpus, bare: String, unit: 'GPUs', gpu: true, cap: (n) => alloc(n).gpu, request: (p) => p.requests.gpu },
    { need: (k) => k.cpu, free: (n) => index.freeCpu[n]!, amount: formatCpu, bare: cpuBare, unit: 'CPUs', cap: (n) => alloc(n).cpuMilli, request: (p) => p.requests.cpuMilli },
    { need: (k) => k.mem, free: (n) => index.freeMem[n]!, amount: (v) => `${formatMemory(v)} memory`, bare: formatMemory, unit: 'memory', cap: (n) => alloc(n).memory, request: (p) => p.requests.memory },
    { need: (k) => k.slots, free: (n) => index.freePods[n]!, amount: (v) => `${v} pod slot${v === 1 ? '' : 's'}`, bare: String, unit: 'pod slots', cap: (n) => alloc(n).pods, request: (p) => p.requests.pods },
  ];
  const names = new Set<string>();
  for (const k of s.profiles) for (const e of k.ext ?? []) names.add(e.name);
  for (const name of names) {
    const free = index.extFree(name);
    dims.push({
      need: (k) => k.ext?.find((e) => e.name === name)?.amount ?? 0,
      free: (n) => free[n]!,
      amount: (v) => `${v} ${name}`,
      bare: String,
      unit: name,
      cap: (n) => alloc(n).extended?.[name] ?? 0,
      request: (p) => p.requests.extended?.[name] ?? 0,
    });
  }
  return dims;
}

const isAre = (dim: Dim, v: number) => (dim.unit === 'memory' || v === 1 || dim.amount(v).endsWith('m CPU') ? 'is' : 'are');

interface Shortage {
  dim: Dim;
  /** total: less is free than the set needs in all; split: enough in all, but in pieces too small. */
  kind: 'total' | 'split';
  need: number;
  free: number;
  /** split: pods that fit by this resource alone. */
  fit: number;
  /** split: free amounts of the nodes with any, largest first, as words ("8, 6 and 6 GPUs free"). */
  list: string;
  /** The nodes counted: those a pod of the set may go to. */
  usable: readonly number[];
}

/**
 * Which resource keeps set s out of these nodes: the one with less free than s needs in all (the
 * scarcest), else, for a one-size set, the one whose free amounts are split into pieces too small for
 * enough whole pods. Nodes count only where a pod of s may go. null when no single resource explains it.
 */
function shortageOf(index: ClusterIndex, s: WSet, nodes: ArrayLike<number>): Shortage | null {
  const masks = [...new Set(s.profiles.map((k) => k.mask))];
  const usable: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (masks.some((m) => m[nodes[i]!])) usable.push(nodes[i]!);
  let worst: Shortage | null = null;
  const dims = dimsOf(index, s);
  for (const dim of dims) {
    let need = 0;
    for (const k of s.profiles) need += k.count * dim.need(k);
    if (need === 0) continue;
    let free = 0;
    for (const n of usable) free += Math.max(0, dim.free(n));
    if (free < need && (!worst || free / need < worst.free / worst.need)) worst = { dim, kind: 'total', need, free, fit: 0, list: '', usable };
  }
  if (worst || s.profiles.length !== 1) return worst;
  const k = s.profiles[0]!;
  for (const dim of dims) {
    const per = dim.need(k);
    if (per === 0) continue;
    let fit = 0;
    const frees: number[] = [];
    for (const n of usable) {
      if (!k.mask[n]) continue;
      const f = Math.max(0, dim.free(n));
      fit += Math.floor(f / per);
      if (f > 0) frees.push(f);
    }
    if (fit >= k.count || (worst && fit >= worst.fit)) continue;
    frees.sort((a, b) => b - a);
    // Eight amounts at most; the rest summed with their nodes counted: "…, 4 and 4 GPUs free, plus 192 on 48 more nodes".
    const rest = frees.slice(8);
    const more = rest.length > 0 ? `, plus ${dim.bare(rest.reduce((a, b) => a + b, 0))} on ${rest.length} more node${rest.length === 1 ? '' : 's'}` : '';
    const list = frees.length === 0 ? '' : `${joinAnd(frees.slice(0, 8).map(dim.bare))} ${dim.unit} free${more}`;
    worst = { dim, kind: 'split', need: per, free: frees.reduce((a, b) => a + b, 0), fit, list, usable };
  }
  return worst;
}

/** "needs 6 pods of 8 CPUs …; only 4 such pods fit: the nodes have 16, 16, 4 and 4 CPUs free". */
function shortageText(s: WSet, sh: Shortage, nodesPhrase: string): string {
  if (sh.kind === 'total') return `only ${sh.dim.amount(sh.free)} ${isAre(sh.dim, sh.free)} free on ${nodesPhrase}`;
  const fits = sh.fit === 1 ? '1 such pod fits' : `${sh.fit} such pods fit`;
  return `only ${fits}: ${sh.list ? `${nodesPhrase} have ${sh.list}` : `${nodesPhrase} have no ${sh.dim.unit} free`}`;
}

/**
 * Who holds what is not free of a total shortage's resource on the nodes counted, as a clause: " (the
 * other 32 are held by default/mixtral-agg)", " (the other 24 are held by default/a (16) and pod
 * default/x (8))". Grove's pods are named by their stack (three at most, the rest counted), other pods
 * together (by name when one), and gangs planned before this one in the same call by what they took
 * (a node's free amount below what its pods leave). The free amount counts each node at least 0, so on
 * an over-committed node (its pods request more than it has) the holders hold more than "the other":
 * said with by how much, not taken off any holder. '' when nothing is held.
 */
function heldText(index: ClusterIndex, sh: Shortage): string {
  if (sh.kind !== 'total') return '';
  const { dim } = sh;
  let other = -sh.free;
  for (const n of sh.usable) other += dim.cap(n);
  if (other <= 0) return '';
  // Per node: what its pods request, to tell what gangs planned before this one took from the rest.
  const requested = new Map<string, number>(sh.usable.map((n) => [index.nodes[n]!.name, 0]));
  const byStack = new Map<string, number>();
  const loose: { name: string; amount: number }[] = [];
  for (const pod of index.state.pods) {
    if (pod.terminal || !pod.nodeName) continue;
    const before = requested.get(pod.nodeName);
    if (before === undefined) continue;
    const amount = dim.request(pod);
    if (amount <= 0) continue;
    requested.set(pod.nodeName, before + amount);
    const stack = workloadOfPod(pod);
    if (stack) byStack.set(stack, (byStack.get(stack) ?? 0) + amount);
    else loose.push({ name: `${pod.namespace}/${pod.name}`, amount });
  }
  const stacks = [...byStack.entries()].sort((a, b) => b[1] - a[1] || byName(a[0], b[0]));
  const parts: [string, number][] = stacks.slice(0, 3);
  const rest = stacks.slice(3).reduce((t, [, v]) => t + v, 0);
  if (rest > 0) parts.push([`${stacks.length - 3} more stack${stacks.length === 4 ? '' : 's'}`, rest]);
  if (loose.length > 0) {
    const sum = loose.reduce((t, p) => t + p.amount, 0);
    parts.push([loose.length === 1 ? `pod ${loose[0]!.name}` : `${loose.length} ${stacks.length > 0 ? 'other ' : ''}pods`, sum]);
  }
  let planned = 0;
  let over = 0;
  let overNodes = 0;
  for (const n of sh.usable) {
    const free = dim.free(n);
    // What its pods leave free, less what is free now: taken by gangs planned before this one.
    planned += Math.max(0, dim.cap(n) - requested.get(index.nodes[n]!.name)! - free);
    if (free < 0) {
      over -= free;
      overNodes++;
    }
  }
  if (planned > 0) parts.push(['gangs planned before it', planned]);
  if (parts.length === 0) return '';
  // Over-committed: each holder's amount, so that they can be seen to add up to more than "the other".
  const list = parts.length === 1 && over <= 0 ? parts[0]![0] : joinAnd(parts.map(([who, v]) => `${who} (${dim.bare(v)})`));
  const overText = over > 0 ? `; ${overNodes === 1 ? '1 node is' : `${overNodes} nodes are`} over-committed by ${dim.bare(over)}` : '';
  return ` (the other ${dim.bare(other)} ${isAre(dim, other)} held by ${list}${overText})`;
}

/** What s needs, in the resource that ran short: "6 pods of 8 CPUs" or "48 CPUs". */
function shortNeed(s: WSet, sh: Shortage): string {
  if (sh.kind === 'split') return `${s.all.length} pod${s.all.length === 1 ? '' : 's'} of ${sh.dim.amount(sh.need)}`;
  return `${sh.dim.amount(sh.need)} for ${s.all.length} pod${s.all.length === 1 ? '' : 's'}`;
}

/**
 * Nodes the filters of s's pods accept, with room for one of them, that are outside the topology (they
 * lack a level's label, so they are in no domain and no constrained set may use them), as a clause:
 * " (2 nodes with 16 free GPUs lack the rack label (topology.kubernetes.io/rack) and are not used for
 * topology-constrained gangs)", else ''.
 */
function unlabelledRoom(index: ClusterIndex, topo: TopologyIndex, s: WSet, pods: WPod[]): string {
  const sample = pods[s.all[0]!]!;
  const outside = outsideTopology(index, sample, (n) => hasRoom(index, n, sample));
  return outside.length > 0 ? ` (${outsideTopologyText(index, topo, outside, true)})` : '';
}

/** A set's room in one domain on the empty cluster (the search's aggregate without its nodes): allocatable, not free, on the nodes its pods may ever use. */
type EmptyAgg = Omit<ReturnType<GangSearch['aggregate']>[number], 'nodes'>;

/** Per profile of s, the nodes its pods may ever use (everUsable of a pod of that profile). */
function everByProfile(index: ClusterIndex, s: WSet, pods: readonly WPod[]): Uint8Array[] {
  const byMask = new Map<Uint8Array, Uint8Array>();
  for (const p of s.all) {
    const pod = pods[p]!;
    if (!byMask.has(pod.mask)) byMask.set(pod.mask, everUsable(index, pod));
  }
  return s.profiles.map((k) => byMask.get(k.mask)!);
}

/** A number per `ever` array (each is everUsable's, shared per requirements): part of emptyAggregate's key. */
const everIds = new WeakMap<Uint8Array, number>();
let nextEverId = 0;

/**
 * s's room per domain of `level` (null: the whole cluster as one) with nothing running. It reads the
 * nodes, s's profiles and the nodes they may ever use, never the pods: built once per NodeTables for
 * each (level, profiles), so a stack's waiting gangs, alike, share it within a call and across calls.
 * The answer is shared: read it, never change it.
 */
function emptyAggregate(index: ClusterIndex, level: LevelIndex | null, s: WSet, ever: readonly Uint8Array[]): readonly EmptyAgg[] {
  const key = s.profiles
    .map((k, i) => {
      const m = ever[i]!;
      let id = everIds.get(m);
      if (id === undefined) everIds.set(m, (id = nextEverId++));
      return `${k.gpu}|${k.cpu}|${k.mem}|${k.slots}|${k.count}|${(k.ext ?? []).map((e) => `${e.name}=${e.amount}`).join(',')}|${id}`;
    })
    .join('\n');
  return index.nodeDerived(`emptyAggregate\u0000${key}`, level ? level.nodeDom : null, () => emptyAggregateOf(index, level, s, ever));
}

function emptyAggregateOf(index: ClusterIndex, level: LevelIndex | null, s: WSet, ever: readonly Uint8Array[]): EmptyAgg[] {
  const aggs = new Map<number, EmptyAgg>();
  for (let n = 0; n < index.n; n++) {
    const d = level ? level.nodeDom[n]! : 0;
    if (d < 0) continue;
    const a = index.nodes[n]!.allocatable;
    let agg: EmptyAgg | undefined;
    s.profiles.forEach((k, i) => {
      if (!ever[i]![n]) return;
      let cnt = k.count;
      if (k.gpu > 0) cnt = Math.min(cnt, Math.floor(a.gpu / k.gpu));
      if (k.cpu > 0) cnt = Math.min(cnt, Math.floor(a.cpuMilli / k.cpu));
      if (k.mem > 0) cnt = Math.min(cnt, Math.floor(a.memory / k.mem));
      if (k.slots > 0) cnt = Math.min(cnt, Math.floor(a.pods / k.slots));
      for (const e of k.ext ?? []) cnt = Math.min(cnt, Math.floor((a.extended?.[e.name] ?? 0) / e.amount));
      agg = aggs.get(d);
      if (!agg) aggs.set(d, (agg = { dom: d, cnt: new Array<number>(s.profiles.length).fill(0), gpu: 0, cpu: 0, mem: 0, slots: 0 }));
      agg.cnt[i] = agg.cnt[i]! + Math.max(0, cnt);
    });
    if (!agg) continue;
    agg.gpu += a.gpu;
    agg.cpu += a.cpuMilli;
    agg.mem += a.memory;
    agg.slots += a.pods;
  }
  return [...aggs.values()];
}

const fitsEmpty = (s: WSet, a: EmptyAgg): boolean =>
  s.profiles.every((k, i) => a.cnt[i]! >= k.count) && a.gpu >= s.totalGpu && a.cpu >= s.totalCpu && a.mem >= s.totalMem && a.slots >= s.totalSlots;

/**
 * Whether a pod of each of s's profiles fits some node it may ever use, when empty. When one does not,
 * that pod's own explanation (no node matches, larger than any node) says why, and a domain's capacity
 * would only repeat it less precisely.
 */
function eachPodFitsANode(index: ClusterIndex, s: WSet, ever: readonly Uint8Array[]): boolean {
  const whole = emptyAggregate(index, null, s, ever)[0];
  return !!whole && s.profiles.every((k, i) => k.count === 0 || whole.cnt[i]! > 0);
}

/** Of an empty domain's totals, the one that falls short of s's need, with how to say it. */
function capacityShortfall(s: WSet, aggs: readonly EmptyAgg[]): { need: string; most: string; best: EmptyAgg } | null {
  const dims: [need: number, have: (a: EmptyAgg) => number, amount: (v: number) => string][] = [
    [s.totalGpu, (a) => a.gpu, gpus],
    [s.totalCpu, (a) => a.cpu, formatCpu],
    [s.totalMem, (a) => a.mem, (v) => `${formatMemory(v)} memory`],
    [s.totalSlots, (a) => a.slots, (v) => `${v} pod slot${v === 1 ? '' : 's'}`],
  ];
  for (const [need, have, amount] of dims) {
    if (need <= 0) continue;
    let best = aggs[0]!;
    for (const a of aggs) if (have(a) > have(best)) best = a;
    if (have(best) < need) return { need: amount(need), most: amount(have(best)), best };
  }
  return null;
}

/** The nearest set round s with a required pack, if any: s's pods stay in one of its domains whatever s's own pack is. */
function enclosingRequired(sets: readonly WSet[], s: WSet): WSet | undefined {
  for (let p = s.parent; p >= 0; p = sets[p]!.parent) if (sets[p]!.required >= 0) return sets[p];
  return undefined;
}

/**
 * The sets one edit of s's pack changes: s and the sets alike (same kind, pack, enclosing set and
 * demand), as a scaling group's replicas are, whose pack is the one in the group's template.
 */
function alikeSets(sets: readonly WSet[], s: WSet): Set<number> {
  const alike = (x: WSet) =>
    x.kind === s.kind && x.parent === s.parent && x.required === s.required && x.preferred === s.preferred && x.all.length === s.all.length && x.totalGpu === s.totalGpu && x.totalCpu === s.totalCpu && x.totalMem === s.totalMem && x.totalSlots === s.totalSlots;
  return new Set(sets.filter(alike).map((x) => x.id));
}

/**
 * Whether the engine places the whole gang now with the required pack of the sets `changed` at level
 * `w` (-1: dropped), all else as asked: a second greedy search with the first one's effort, on copies of
 * the sets, undone after, so the rest of the gang and the packs round them count, not only the sets
 * changed. A pod that no pack holds any more may use nodes outside the topology too (KAI keeps only
 * constrained pods to it). Greedy only (the depth-first fallback can cost thousands of steps per try):
 * a change only that fallback would make work is said to work once room frees.
 */
function placesWith(index: ClusterIndex, search: GangSearch, changed: ReadonlySet<number>, w: number, all: Int32Array): boolean {
  const sets: WSet[] = search.sets.map((x) => ({ ...x, required: changed.has(x.id) ? w : x.required, usedArr: x.usedArr && new Int32Array(x.usedArr.length), usedSize: 0, rank: null }));
  const widened = new Map<Uint8Array, Uint8Array>();
  const pods = search.pods.map((p) => {
    if (!p.topologyNodes || p.chain.some((id) => sets[id]!.required >= 0 || sets[id]!.preferred >= 0)) return p;
    const mask = index.mask(p.pod.scheduling);
    widened.set(p.mask, mask);
    return { ...p, mask, topologyNodes: null };
  });
  // A profile's mask only bounds the room a set counts (each pod's own mask decides its node): the wider one.
  if (widened.size > 0) for (const x of sets) x.profiles = x.profiles.map((k) => (widened.has(k.mask) ? { ...k, mask: widened.get(k.mask)! } : k));
  const trial = new GangSearch(index, search.topo, pods, sets, search.startBudget);
  if (widened.size === 0) {
    trial.flex = search.flex;
    trial.flexId = search.flexId;
  }
  const placed = trial.placeSet(0, all) !== null;
  trial.undo(0);
  return placed;
}

/**
 * The domain of a level with the most free GPUs kept from the pods of s by the nodes' state (a taint they
 * do not tolerate, a cordon, NotReady) on nodes their selector and affinity match, as a clause: "rack-1
 * has 8 GPUs free, none of them usable: 8 on 1 node its pods may not use (taint
 * dedicated=infer:NoSchedule not tolerated)"; '' when there are none. Nodes their own selector leaves out
 * are not what such a reason is about. The free GPUs are the table's (domainFreeGpu). `room`: the
 * level's domains as the search sees them for s (usable GPUs).
 */
function excludedFreeRoom(index: ClusterIndex, level: LevelIndex, s: WSet, pods: readonly WPod[], room: ReturnType<GangSearch['aggregate']>): string {
  if (s.totalGpu <= 0 || s.all.length === 0) return '';
  const req = pods[s.all[0]!]!.pod.scheduling;
  const kept = (n: number) => !s.profiles.some((k) => k.mask[n]) && matchesNodeSelector(index.nodes[n]!.labels, req.nodeSelector) && matchesNodeAffinity(index.nodes[n]!, req.requiredNodeAffinity);
  let most: { dom: number; excluded: number } | null = null;
  for (let d = 0; d < level.values.length; d++) {
    let excluded = 0;
    for (const n of domainNodes(level, d)) if (index.accepts[n] && index.freeGpu[n]! > 0 && kept(n)) excluded += index.freeGpu[n]!;
    if (excluded > 0 && (!most || excluded > most.excluded || (excluded === most.excluded && byName(domainName(level, d), domainName(level, most.dom)) < 0))) most = { dom: d, excluded };
  }
  if (!most) return '';
  const there = room.find((a) => a.dom === most.dom);
  const { text } = unusableFree(index, level, most.dom, s, pods, there?.nodes ?? []);
  return `${domainName(level, most.dom)} has ${gpus(domainFreeGpu(index, level, most.dom))} free, ${there && there.gpu > 0 ? `only ${there.gpu} of them usable` : 'none of them usable'}: ${text}`;
}

/**
 * "no block has room for it now (the most, block-0, has 8 GPUs free that its pods can use)": s against
 * the free room of a level's domains. Free GPUs its pods may not use (a tainted rack's) are said with why
 * (excludedFreeRoom), so "once room frees" is not read as waiting for GPUs a taint keeps from it.
 */
function noDomainRoom(index: ClusterIndex, level: LevelIndex, s: WSet, room: ReturnType<GangSearch['aggregate']>, search: GangSearch): string {
  let best: (typeof room)[number] | undefined;
  for (const a of room) {
    const more = best ? search.units(s, a) - search.units(s, best) || a.gpu - best.gpu : 1;
    if (more > 0) best = a;
  }
  const excluded = excludedFreeRoom(index, level, s, search.pods, room);
  return best
    ? `no ${level.domain} has room for it now (the most, ${domainName(level, best.dom)}, has ${amount(s, best.gpu, best.cpu, best.slots)} free that its pods can use${excluded ? `; ${excluded}` : ''})`
    : `no ${level.domain} has room for any of its pods now${excluded ? ` (${excluded})` : ''}`;
}

/** What to change, with why when it is not plain: `advice` as the row says it, `act` the change alone (for the one-line reason). */
interface Advice {
  advice: string;
  act: string;
}

/**
 * What to change when s fits no domain of level L even when empty: loosen or drop the pack, or use fewer
 * or smaller pods. One of the two is needed whatever frees up, so both are always named while the nodes
 * its pods may use hold s when empty. Only levels inside the pack round s (enclosingRequired) are
 * offered: s stays in that pack's domain, so a wider level is no looser than dropping s's pack. A looser
 * pack, or dropping it, is offered plainly only when the engine places the gang with it now (placesWith),
 * so the advice works on the next preview; else the looser pack (the narrowest level that would hold it
 * when empty, or none) is offered "once room frees", with what falls short now.
 */
function capacityAdvice(index: ClusterIndex, topo: TopologyIndex, s: WSet, ever: readonly Uint8Array[], L: number, search: GangSearch, all: Int32Array): Advice {
  const fewer = 'use fewer or smaller pods';
  const say = (why: string, act: string): Advice => ({ advice: why ? `${why}: ${act}` : act, act });
  const enclosing = enclosingRequired(search.sets, s);
  const A = enclosing ? enclosing.required : -1;
  const changed = alikeSets(search.sets, s);
  // Narrowest first: the first the gang places with now is offered; the first that holds s when empty is kept.
  let holds = -1;
  let holdsRoom: ReturnType<GangSearch['aggregate']> = [];
  for (let w = L - 1; w > A; w--) {
    const level = topo.levels[w]!;
    if (!emptyAggregate(index, level, s, ever).some((a) => fitsEmpty(s, a))) continue;
    const room = search.aggregate(all, w, s);
    if (room.some((a) => search.fits(s, a)) && placesWith(index, search, changed, w, all)) return say('', `loosen the pack to ${level.domain} or ${fewer}`);
    if (holds < 0) {
      holds = w;
      holdsRoom = room;
    }
  }
  const inOne = enclosing?.kind === 'gang' ? ` in one ${topo.levels[A]!.domain}` : '';
  let noRoom = '';
  if (holds >= 0) {
    const level = topo.levels[holds]!;
    // s alone has room in one of its domains: what does not fit is the rest of the gang, or the pack round it.
    noRoom = holdsRoom.some((a) => search.fits(s, a)) ? `with the pack loosened to ${level.domain} the gang does not fit${inOne} now` : noDomainRoom(index, level, s, holdsRoom, search);
  }
  const pack = topo.levels[L]!.domain;
  const outer = A >= 0 ? topo.levels[A]! : null;
  // The levels between s's pack and the one round it (every wider level without one), which hold s in no domain.
  const between = topo.levels.slice(A + 1, L).map((l) => l.domain);
  const noneBetween = between.length === 0 ? '' : outer ? `no ${between.join(' or ')} holds it` : 'no wider level holds it';
  if (emptyAggregate(index, outer, s, ever).some((a) => fitsEmpty(s, a))) {
    const room = search.aggregate(all, A, s);
    // A pod in no pack once s's is dropped may use nodes outside the topology too, which `room` leaves out.
    const freed = s.preferred < 0 && s.all.some((p) => search.pods[p]!.chain.every((id) => changed.has(id) || (search.sets[id]!.required < 0 && search.sets[id]!.preferred < 0)));
    if ((freed || room.some((a) => search.fits(s, a))) && placesWith(index, search, changed, -1, all)) return say(noRoom || (noneBetween && `${noneBetween} either`), `drop the required ${pack} pack or ${fewer}`);
    // Only busy: keeping its pods still takes the looser pack, which fits once room frees.
    if (holds >= 0) {
      const wider = topo.levels[holds]!.domain;
      return say(`a ${wider} would hold it when empty, but ${noRoom}`, `loosen the pack to ${wider} once room frees or ${fewer}`);
    }
    let short: string;
    if (outer) {
      // The pack round s is what has no room now: named, with its best domain.
      short = room.some((a) => search.fits(s, a)) ? `the gang does not fit${inOne} now` : `${whoOf(enclosing!)} requires one ${outer.domain}, and ${noDomainRoom(index, outer, s, room, search)}`;
    } else {
      // The free figure only when it is what falls short (not 32 GPUs free for 24 when CPUs ran out).
      const free = room[0];
      short = !free
        ? 'the nodes its pods may use have no room for any of its pods now'
        : search.fits(s, free)
          ? 'the gang does not fit now'
          : `the nodes its pods may use have no room for it now${shortIn(s, free) ? ` (${amount(s, free.gpu, free.cpu, free.slots)} free that its pods can use)` : ''}`;
    }
    return say(`${noneBetween ? `${noneBetween}, and ` : ''}even without the ${pack} pack ${short}`, `drop the required ${pack} pack once room frees or ${fewer}`);
  }
  return outer
    ? { advice: `${fewer}: no ${outer.domain}, which ${whoOf(enclosing!)} requires, holds it even when empty`, act: fewer }
    : { advice: `${fewer}: the nodes its pods may use do not hold it even when empty`, act: fewer };
}

/** Whether room `a` falls short of s in the resource amount() says (GPUs, else CPUs, else pod slots). */
const shortIn = (s: WSet, a: { gpu: number; cpu: number; slots: number }): boolean =>
  s.totalGpu > 0 ? a.gpu < s.totalGpu : s.totalCpu > 0 ? a.cpu < s.totalCpu : a.slots < s.totalSlots;

/** A pod of profile k by the request that limits how many fit in domain d when empty: "8 GPUs", "9 CPUs". */
function limitingRequest(index: ClusterIndex, level: LevelIndex, d: number, k: Profile, ever: Uint8Array): string {
  const dims: [need: number, cap: (n: NodeInfo) => number, amount: (v: number) => string][] = [
    [k.gpu, (n) => n.allocatable.gpu, gpus],
    [k.cpu, (n) => n.allocatable.cpuMilli, formatCpu],
    [k.mem, (n) => n.allocatable.memory, (v) => `${formatMemory(v)} memory`],
    [k.slots, (n) => n.allocatable.pods, (v) => `${v} pod slot${v === 1 ? '' : 's'}`],
  ];
  let text = gpus(k.gpu);
  let fewest = Infinity;
  for (const [need, cap, amount] of dims) {
    if (need <= 0) continue;
    let fit = 0;
    for (const n of domainNodes(level, d)) if (ever[n]) fit += Math.floor(cap(index.nodes[n]!) / need);
    if (fit < fewest) {
      fewest = fit;
      text = amount(need);
    }
  }
  return text;
}

/**
 * Why set s fits no domain of level L even with nothing running, or null when one would hold it: the
 * need against the largest domain's capacity, not its free room, and what to change. `headline`: the
 * same in a clause for the one-line reason when another reason comes first ("no rack in the cluster
 * holds 40 GPUs even when empty: loosen the pack to block once room frees or use fewer or smaller pods").
 */
function levelCapacityExplanation(index: ClusterIndex, topo: TopologyIndex, s: WSet, pods: WPod[], L: number, search: GangSearch, all: Int32Array): { row: LevelExplanation; headline: string } | null {
  const level = topo.levels[L]!;
  const ever = everByProfile(index, s, pods);
  if (!eachPodFitsANode(index, s, ever)) return null;
  const aggs = emptyAggregate(index, level, s, ever);
  if (aggs.length === 0 || aggs.some((a) => fitsEmpty(s, a))) return null;
  const union = new Uint8Array(index.n);
  for (const m of ever) for (let n = 0; n < index.n; n++) union[n] = union[n]! | m[n]!;
  const where = `no ${level.domain}${everScope(union, 'its pods')}`;
  const { advice, act } = capacityAdvice(index, topo, s, ever, L, search, all);
  const unlabelled = unlabelledRoom(index, topo, s, pods);
  const short = capacityShortfall(s, aggs);
  let message: string;
  let needs: string;
  let best: string;
  if (short) {
    const value = level.perNode ? '' : `, ${domainName(level, short.best.dom)},`;
    needs = `${short.need} in one ${level.domain}`;
    best = `the largest ${level.domain} has ${short.most} even when empty`;
    message = `${whoOf(s)} needs ${short.need} in one ${level.domain}, but ${where} has ${short.need} even when empty (the largest${value} has ${short.most.replace(/ GPUs?$/, '')})${unlabelled}; ${advice}`;
  } else {
    // Enough in all, but not in pieces whole pods fit (pods per node, pod sizes).
    const k = s.profiles.length === 1 ? 0 : s.profiles.findIndex((p, i) => aggs.every((a) => a.cnt[i]! < p.count));
    let bestAgg = aggs[0]!;
    for (const a of aggs) if (a.cnt[Math.max(0, k)]! > bestAgg.cnt[Math.max(0, k)]!) bestAgg = a;
    const what = k >= 0 ? `${s.profiles[k]!.count} pods of ${limitingRequest(index, level, bestAgg.dom, s.profiles[k]!, ever[k]!)}` : `its ${s.all.length} pods`;
    const most = k >= 0 ? `at most ${bestAgg.cnt[k]} fit in ${domainName(level, bestAgg.dom)}` : `not all at once`;
    needs = `${what} in one ${level.domain}`;
    best = `${most}, even when empty`;
    message = `${whoOf(s)} needs ${what} in one ${level.domain}, but ${where} holds that many even when empty (${most})${unlabelled}; ${advice}`;
  }
  const demand = needs.slice(0, -` in one ${level.domain}`.length);
  const headline = `${where} holds ${s.kind === 'gang' ? demand : `${whoOf(s)}'s ${demand}`} even when empty: ${act}`;
  return { row: { level: level.domain, needs, best, message, exceedsCapacity: true }, headline };
}

export function explainFailure(index: ClusterIndex, topo: TopologyIndex | null, gang: ExpandedGang, pods: WPod[], sets: WSet[], search: GangSearch): FailureExplanation {
  const out: LevelExplanation[] = [];
  // 1–2: each distinct kind of required pod, on its own.
  const seen = new Set<string>();
  for (const pod of pods) {
    if (!pod.required) continue;
    // No nodes at all: one row says so, not one per kind of pod.
    if (index.n === 0 && out.length > 0) break;
    const key = `${pod.group}|${pod.gpu}|${pod.cpu}|${pod.mem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const e = filterExplanation(index, topo, pod) ?? resourceExplanation(index, topo, pod);
    if (e) out.push(e);
  }
  const all = new Int32Array(index.n);
  for (let n = 0; n < index.n; n++) all[n] = n;

  // Each required constraint whose level's domains cannot hold its set even when empty (said in step 4):
  // found first, since then the cluster-wide free room is said too (step 3), whatever else was found.
  const requiredSets = topo ? sets.filter((s) => s.required >= 0 && s.all.length > 0).sort((a, b) => a.required - b.required || a.id - b.id) : [];
  const freeAggs = new Map<number, ReturnType<GangSearch['aggregate']>>();
  const levelNever = new Map<number, LevelExplanation>();
  const neverHeadline = new Map<LevelExplanation, string>();
  for (const s of requiredSets) {
    const aggs = search.aggregate(all, s.required, s);
    freeAggs.set(s.id, aggs);
    if (aggs.some((a) => search.fits(s, a))) continue;
    const e = levelCapacityExplanation(index, topo!, s, pods, s.required, search, all);
    if (e) {
      levelNever.set(s.id, e.row);
      neverHeadline.set(e.row, e.headline);
    }
  }

  // 3: the gang's minimum against the capacity (with nothing running), then the free capacity, it may use.
  // The capacity even when a pod's own reason was found: that no wait makes room is said in any case. The
  // free capacity also when a level cannot hold a set even when empty: while the gang's minimum does not
  // fit what is free anywhere, no looser pack helps, and that is the reason to act on first.
  const root = sets[0]!;
  const rootEver = root.all.length > 0 ? everByProfile(index, root, pods) : [];
  const empty = root.all.length > 0 ? emptyAggregate(index, null, root, rootEver)[0] : undefined;
  const never = empty && !fitsEmpty(root, empty) && eachPodFitsANode(index, root, rootEver) ? capacityShortfall(root, [empty]) : null;
  let clusterRow: LevelExplanation | undefined;
  if ((out.length === 0 || never || levelNever.size > 0) && root.all.length > 0) {
    const agg = search.aggregate(all, -1, root)[0];
    if (!agg || !search.fits(root, agg)) {
      // Room on nodes the gang may not use (taints, cordons, NotReady, its selector), said alongside.
      const excluded = excludedWithRoom(index, topo, pods[root.all[0]!]!);
      const podsText = root.all.length === 1 ? 'the one pod' : `the ${root.all.length} pods`;
      const sh = never ? null : shortageOf(index, root, all);
      let needs: string;
      let have: string;
      let message: string;
      if (never) {
        // More than the nodes it may use hold with nothing running: no wait makes room.
        const union = new Uint8Array(index.n);
        for (const m of rootEver) for (let n = 0; n < index.n; n++) union[n] = union[n]! | m[n]!;
        const where = everScope(union, 'its pods') === ' in the cluster' ? 'the cluster has' : 'the nodes its pods may use have';
        needs = `${never.need} for ${podsText}`;
        have = `${never.most} in all, even when empty`;
        message = `the gang needs ${never.need} for ${podsText} of its minimum, but ${where} only ${never.most} even when empty; use fewer or smaller pods${excluded}`;
      } else if (sh) {
        needs = shortNeed(root, sh);
        have = sh.kind === 'total' ? `${sh.dim.amount(sh.free)} free` : `room for ${sh.fit}`;
        const what = sh.kind === 'split' ? `${needs} for its minimum` : `${sh.dim.amount(sh.need)} for ${podsText} of its minimum`;
        message = `the gang needs ${what}; ${shortageText(root, sh, 'the nodes its pods may use')}${heldText(index, sh)}${excluded}`;
      } else {
        needs = `${root.all.length} pods`;
        have = `room for ${agg ? search.units(root, agg) : 0}`;
        message = `the gang needs ${root.all.length} pods for its minimum; the nodes its pods may use have room for them in GPUs, CPU, memory and pod slots one by one, but not for all of them at once${excluded}`;
      }
      clusterRow = { level: 'cluster', needs, best: have, message, ...(never ? { exceedsCapacity: true as const } : {}) };
      out.push(clusterRow);
    }
  }

  // 4: each required constraint on its own, broadest level first, then inside its enclosing one. That a
  // level's domains cannot hold it even when empty is said whatever was found before; their free room
  // only when nothing was.
  const freeRoom = out.length === 0;
  if (topo) {
    for (const s of requiredSets) {
      const level = topo.levels[s.required]!;
      const aggs = freeAggs.get(s.id)!;
      if (aggs.some((a) => search.fits(s, a))) continue;
      const never = levelNever.get(s.id);
      if (never) {
        out.push(never);
        continue;
      }
      if (!freeRoom) continue;
      // best.gpu counts only nodes that can take a pod of s; the domain's free GPUs (as the heatmap shows
      // them) may be more, split into pieces too small for one pod, or on nodes its pods may not use.
      // The best: most usable GPUs (so "the largest free" is true), then most room for s, then most free, then by name.
      const gpuFirst = s.totalGpu > 0;
      const ranked = aggs
        .map((a) => ({ a, usable: gpuFirst ? a.gpu : 0, units: search.units(s, a), free: gpuFirst ? domainFreeGpu(index, level, a.dom) : 0 }))
        .sort((x, y) => y.usable - x.usable || y.units - x.units || y.free - x.free || byName(domainName(level, x.a.dom), domainName(level, y.a.dom)));
      const best = ranked[0]?.a;
      const free = ranked[0]?.free ?? 0;
      const needAmt = amount(s, s.totalGpu, s.totalCpu, s.totalSlots);
      const single = s.profiles.length === 1;
      let message: string;
      let bestText: string;
      const unusable = best && free > best.gpu ? unusableFree(index, level, best.dom, s, pods, best.nodes) : { excluded: 0, text: '' };
      const unlabelled = unlabelledRoom(index, topo, s, pods);
      const sh = best ? shortageOf(index, s, domainNodes(level, best.dom)) : null;
      // No node in the topology at all leaves each pod of s without a node: said above, per pod (filterExplanation).
      if (!best) {
        bestText = 'none';
        const excluded = excludedFreeRoom(index, level, s, pods, aggs);
        message = `${whoOf(s)} needs ${needAmt} in one ${level.domain}; no ${level.domain} has room for any of its pods${excluded ? ` (${excluded})` : ''}${unlabelled}`;
      } else if (sh && !sh.dim.gpu) {
        // CPU, memory, pod slots or an extended resource ran out in the best domain: say so, not GPUs.
        bestText = `${domainName(level, best.dom)} has ${sh.kind === 'total' ? `${sh.dim.amount(sh.free)} free` : `room for ${sh.fit}`}`;
        message = `${whoOf(s)} needs ${shortNeed(s, sh)} in one ${level.domain}; in the best ${level.domain}, ${domainName(level, best.dom)}, ${shortageText(s, sh, 'its nodes')}${unlabelled}`;
      } else if (single && s.totalGpu > 0 && free >= s.totalGpu) {
        bestText = `${domainName(level, best.dom)} fits ${best.cnt[0]} of ${s.all.length} pods`;
        const notUsable = unusable.excluded > 0 ? `; ${unusable.text}` : '';
        message = `${whoOf(s)} needs ${s.all.length} pods of ${gpus(s.profiles[0]!.gpu)} in one ${level.domain}; the best ${level.domain}, ${domainName(level, best.dom)}, has ${gpus(free)} free but room for only ${best.cnt[0]} of them${notUsable}${unlabelled}`;
      } else if (free > best.gpu) {
        bestText = `${domainName(level, best.dom)} has ${gpus(free)} free, ${best.gpu} usable`;
        // Only "too full" needs no more words; nodes its pods may not use are named with why.
        const which = unusable.excluded > 0 ? `usable: ${unusable.text}` : `on nodes that can take ${podSize(s)}`;
        message = `${whoOf(s)} needs ${needAmt} in one ${level.domain}; the best ${level.domain}, ${domainName(level, best.dom)}, has ${gpus(free)} free, only ${best.gpu} of them ${which}${unlabelled}`;
      } else {
        const has = amount(s, best.gpu, best.cpu, best.slots);
        bestText = `${domainName(level, best.dom)} has ${has} free`;
        // The domain with the most free GPUs as the table counts them, when that is another: said with the
        // free GPUs its pods cannot use there, so the reason does not read as contradicting the table.
        const most = gpuFirst ? mostFreeDomain(index, level) : null;
        if (most && most.dom !== best.dom && most.free > free) {
          const there = aggs.find((a) => a.dom === most.dom);
          const why = unusableFree(index, level, most.dom, s, pods, there?.nodes ?? []).text;
          const usable = there ? `only ${there.gpu} of them usable` : 'none of them usable';
          message = `${whoOf(s)} needs ${needAmt} in one ${level.domain}; the ${level.domain} with the most free GPUs its pods can use, ${domainName(level, best.dom)}, has ${best.gpu}; ${domainName(level, most.dom)} has ${gpus(most.free)} free, ${usable}${why ? `: ${why}` : ''}${unlabelled}`;
        } else {
          message = `${whoOf(s)} needs ${needAmt} in one ${level.domain}; the largest free ${level.domain}, ${domainName(level, best.dom)}, has ${has.replace(/ GPUs?$/, '')}${unlabelled}`;
        }
      }
      out.push({ level: level.domain, needs: `${needAmt} in one ${level.domain}`, best: bestText, message });
    }
  }
  if (out.length === 0 && topo) {
    for (const s of sets) {
      if (s.required < 0 || s.all.length === 0) continue;
      const a = enclosingRequired(sets, s);
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
            bestOuter = domainName(outer, oa.dom);
            // Said with its outer domain: the value names it unless a level between them repeats it.
            bestInner = inner.up === outer ? inner.values[ia.dom]! : domainName(inner, ia.dom);
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
    // Say which resource is short in the best domain of the gang's own required level, when one is.
    let inBest = '';
    if (hardLevel) {
      const level = topo!.levels[root.required]!;
      let best: ReturnType<GangSearch['aggregate']>[number] | undefined;
      for (const a of search.aggregate(all, root.required, root)) if (!best || search.units(root, a) > search.units(root, best)) best = a;
      const sh = best ? shortageOf(index, root, domainNodes(level, best.dom)) : null;
      if (best && sh) inBest = ` (in the best ${hardLevel}, ${domainName(level, best.dom)}, ${sh.kind === 'total' ? `the gang needs ${sh.dim.amount(sh.need)} and ` : ''}${shortageText(root, sh, 'its nodes')})`;
    }
    const message = `the gang's pods fit each constraint on its own, but ${parts} cannot all be packed into ${where} at once${inBest}; free capacity there or relax a constraint`;
    out.push({ level: hardLevel ?? 'cluster', needs: `all ${root.all.length} required pods together`, best: 'no combination found', message });
  }
  void gang;
  // The one to act on first: a pod larger than any node (it must shrink whatever else changes); then the
  // gang against the whole cluster, its capacity or, when the nodes would hold it empty, its free room
  // (while the minimum does not fit what is free anywhere, no looser pack helps); then what else no wait
  // changes; the reasons about free room keep their order after them.
  const clusterFirst = clusterRow && (clusterRow.exceedsCapacity || (empty !== undefined && fitsEmpty(root, empty)));
  const rank = (e: LevelExplanation) => (e.exceedsCapacity && e.level === 'node' ? 0 : e === clusterRow && clusterFirst ? 1 : e.exceedsCapacity ? 2 : 3);
  const ordered = out.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map((x) => x.e);
  // Free room short comes first, but a required level that never holds the gang needs a change whatever
  // frees up: the one-line reason says that too (the first such level, as the rows list them).
  const neverRow = clusterRow && ordered[0] === clusterRow && !clusterRow.exceedsCapacity ? ordered.find((e) => neverHeadline.has(e)) : undefined;
  return { reason: neverRow ? `${ordered[0]!.message}; and ${neverHeadline.get(neverRow)}` : ordered[0]!.message, explanation: ordered };
}
