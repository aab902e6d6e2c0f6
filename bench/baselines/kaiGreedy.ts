/**
 * A plain KAI-style topology-aware greedy, written from KAI Scheduler's documentation
 * (docs/topology/README.md "Scheduling Strategy", docs/topology/multilevel.md), not from its code:
 *
 * - Domain selection (bin packing): for a constrained set, look at the domains of its preferred level
 *   first, then each broader level up to the required one ("fall back to a higher-level topology
 *   domain"); drop domains whose free resources cannot hold the set; try the rest fullest first (the
 *   highest requested-to-available ratio: the dominant one over GPUs, CPU and memory, as KAI's code
 *   computes it). Without a required level the whole cluster is the last resort.
 * - Subgroups (group configs, constrained pod groups) are placed the same way inside the domain chosen for
 *   their parent, in gang order, greedily; if one cannot be placed the parent moves on to its next domain.
 * - Node order inside a domain: sub-domains of the preferred level with more free GPUs first
 *   (docs/topology/README.md "Node Ordering Within Domains"); inside a sub-domain, and in the whole domain
 *   when there is no preferred level, KAI's default node placement strategy, binpack (README "Bin Packing &
 *   Spread Scheduling"; SchedulingShard placementStrategy gpu/cpu default `binpack`): the fitting node with
 *   the fewest free GPUs (fewest free CPU for a pod without GPUs), cluster order on ties. Each pod takes the
 *   best node that passes the filters and has room at the time it is placed.
 *
 * Checked against KAI's code as well (pkg/scheduler/actions/common/allocate.go, plugins/topology): a
 * failed subgroup rolls the parent back to its next candidate domain, candidates are every fitting domain
 * from the preferred level up to the required one, narrowest level first; a constrained set (and every
 * set inside it) uses only nodes with the label of every level (subSetNodesFn keeps the nodes
 * isNodePartOfTopology accepts). KAI orders a level's domains
 * hierarchically (children sorted under their sorted parent) where the docs say only "less available
 * resources first"; this baseline follows the docs (global order per level).
 *
 * All-or-nothing over the gang's minReplicas pods; pods above minReplicas are placed best effort in
 * their group's domain afterwards. No search beyond this, no look-ahead: that is the point of a baseline.
 */
import type { ClusterState, NodeInfo, TopologyInfo } from '../../lib/cluster/state';
import type { ExpandedGang, ExpandedPod, GangTopologyConstraint } from '../../lib/grove/gang';
import type { GangPlacement, Plan } from '../../lib/placement/plan';
import { nodeDomainPath, topologyOf } from '../../lib/placement/verify';
import { commonDomains, Eligibility, FreeIndex, plannedPod, unplaced } from './common';

interface SetNode {
  label: string;
  requiredLevel: number;
  preferredLevel: number;
  /** Pod group indexes in the set, children included. */
  groups: number[];
  /** Pod group indexes placed by this set itself (not by a child). */
  direct: number[];
  children: SetNode[];
}

function levelOf(topology: TopologyInfo | undefined, domain: string | undefined): number {
  return topology && domain !== undefined ? topology.levels.findIndex((l) => l.domain === domain) : -1;
}

function setTree(gang: ExpandedGang, topology: TopologyInfo | undefined): SetNode {
  const mk = (label: string, c: GangTopologyConstraint | undefined, groups: number[]): SetNode => ({
    label,
    requiredLevel: levelOf(topology, c?.required),
    preferredLevel: levelOf(topology, c?.preferred),
    groups,
    direct: [],
    children: [],
  });
  const constrained = (n: SetNode) => n.requiredLevel >= 0 || n.preferredLevel >= 0;
  const index = new Map(gang.podGroups.map((g, i) => [g.name, i]));
  const root = mk('gang', gang.topologyConstraint, gang.podGroups.map((_, i) => i));
  const configs = gang.groupConfigs
    .map((c) => mk(`group config ${c.name}`, c.topologyConstraint, c.podGroupNames.map((n) => index.get(n) ?? -1).filter((i) => i >= 0)))
    .filter(constrained);
  root.children.push(...configs);
  gang.podGroups.forEach((g, i) => {
    const node = mk(`pod group ${g.name}`, g.topologyConstraint, [i]);
    if (!constrained(node)) return;
    (configs.find((c) => c.groups.includes(i)) ?? root).children.push(node);
  });
  const fill = (n: SetNode): void => {
    n.children.forEach(fill);
    const covered = new Set(n.children.flatMap((c) => c.groups));
    n.direct = n.groups.filter((i) => !covered.has(i));
  };
  fill(root);
  return root;
}

export function kaiGreedy(state: ClusterState, gangs: ExpandedGang[]): Plan {
  const nodes = state.nodes;
  const free = new FreeIndex(nodes, state);
  const elig = new Eligibility(nodes);
  const out: GangPlacement[] = [];

  const placedGangs = new Set<string>();
  for (const gang of gangs) {
    if (gang.baseGang && gangs.some((g) => g.name === gang.baseGang) && !placedGangs.has(gang.baseGang)) {
      out.push(unplaced(gang, `kai-greedy: base gang ${gang.baseGang} is not placed`));
      continue;
    }
    const topology = topologyOf(state, gang);
    const required = gang.podGroups.map((g) => g.pods.slice(0, g.minReplicas));
    const assigned: [ExpandedPod, number][] = [];
    const groupOrder = new Map<number, number[][]>();
    let lastFailure = '';

    const demand = (s: SetNode) => {
      let gpu = 0;
      let cpu = 0;
      let mem = 0;
      for (const g of s.groups) for (const p of required[g] ?? []) (gpu += p.requests.gpu), (cpu += p.requests.cpuMilli), (mem += p.requests.memory);
      return { gpu, cpu, mem };
    };

    /** Domains of `level` among `cand`: label paths, as KAI's calcDomainId (rack-1 of zone z0 and of zone z1 are two). */
    const pathOf = (i: number, level: number) => nodeDomainPath((nodes[i] as NodeInfo).labels, topology?.levels.slice(0, level + 1) ?? []);
    const byLevel = (cand: number[], level: number): number[][] => {
      const groups = new Map<string, number[]>();
      for (const i of cand) {
        const v = pathOf(i, level);
        if (v === undefined) continue;
        const list = groups.get(v);
        if (list) list.push(i);
        else groups.set(v, [i]);
      }
      return [...groups.values()];
    };
    const freeGpu = (d: number[]) => d.reduce((s, i) => s + free.gpu[i]!, 0);
    const freeCpu = (d: number[]) => d.reduce((s, i) => s + free.cpu[i]!, 0);
    const freeMem = (d: number[]) => d.reduce((s, i) => s + free.mem[i]!, 0);

    const candidates = (s: SetNode, cand: number[]): number[][] => {
      const need = demand(s);
      const holds = (d: number[]) => freeGpu(d) >= need.gpu && freeCpu(d) >= need.cpu && freeMem(d) >= need.mem;
      const levels: number[] = [];
      const top = s.requiredLevel >= 0 ? s.requiredLevel : 0;
      if (s.preferredLevel >= top) for (let l = s.preferredLevel; l >= top; l--) levels.push(l);
      else if (s.requiredLevel >= 0) levels.push(s.requiredLevel);
      const out: number[][] = [];
      for (const l of levels) {
        // KAI's ratio: the dominant requested-to-free ratio over GPUs, CPU and memory; highest first (the
        // fullest domain for this set); ties: fewer free GPUs, then less free CPU, then cluster order.
        const ratio = (d: number[]) => Math.max(need.gpu > 0 ? need.gpu / freeGpu(d) : 0, need.cpu > 0 ? need.cpu / freeCpu(d) : 0, need.mem > 0 ? need.mem / freeMem(d) : 0);
        const ds = byLevel(cand, l)
          .filter(holds)
          .map((d) => ({ d, r: ratio(d), g: freeGpu(d), c: freeCpu(d) }));
        ds.sort((a, b) => b.r - a.r || a.g - b.g || a.c - b.c);
        out.push(...ds.map((x) => x.d));
      }
      if (s.requiredLevel < 0 && holds(cand)) out.push(cand);
      return out;
    };

    /**
     * The domain's nodes as preferred sub-domains, most free GPUs first (one group without a preferred
     * level). A preferred level comes from a constrained set, whose domain holds only nodes in the topology.
     */
    const order = (d: number[], prefLevel: number): number[][] => {
      if (prefLevel < 0) return [d];
      const subs = byLevel(d, prefLevel);
      subs.sort((a, b) => freeGpu(b) - freeGpu(a));
      return subs;
    };

    /** The first sub-domain with a node that takes the pod; inside it, binpack (fewest free GPUs, or CPU). */
    const pickNode = (groups: number[][], pod: ExpandedPod): number | undefined => {
      const left = pod.requests.gpu > 0 ? free.gpu : free.cpu;
      for (const g of groups) {
        let best: number | undefined;
        for (const j of g) {
          if (!free.fits(j, pod.requests) || !elig.ok(j, pod.scheduling)) continue;
          if (best === undefined || left[j]! < left[best]! || (left[j] === left[best] && j < best)) best = j;
        }
        if (best !== undefined) return best;
      }
      return undefined;
    };

    const placeInside = (s: SetNode, d: number[], pref: number): boolean => {
      for (const c of s.children) if (!placeSet(c, d, pref)) return false;
      const ordered = order(d, pref);
      for (const g of s.direct) {
        groupOrder.set(g, ordered);
        for (const pod of required[g] ?? []) {
          const i = pickNode(ordered, pod);
          if (i === undefined) {
            lastFailure = `${s.label}: no node left in the chosen domain for pod ${pod.name}`;
            return false;
          }
          free.take(i, pod.requests);
          assigned.push([pod, i]);
        }
      }
      return true;
    };

    const inTopology = (i: number) => !!topology && nodeDomainPath((nodes[i] as NodeInfo).labels, topology.levels) !== undefined;
    const placeSet = (s: SetNode, cand: number[], inheritedPref: number): boolean => {
      const pref = s.preferredLevel >= 0 ? s.preferredLevel : inheritedPref;
      const ds = candidates(s, s.requiredLevel >= 0 || s.preferredLevel >= 0 ? cand.filter(inTopology) : cand);
      if (ds.length === 0) lastFailure = `${s.label}: no domain has ${demand(s).gpu} free GPUs`;
      for (const d of ds) {
        const mark = free.mark();
        const count = assigned.length;
        if (placeInside(s, d, pref)) return true;
        free.rollback(mark);
        assigned.length = count;
      }
      return false;
    };

    const root = setTree(gang, topology);
    const anyGroup = (i: number) => gang.podGroups.some((g) => g.pods[0] !== undefined && elig.ok(i, g.pods[0].scheduling));
    const eligible = nodes.map((_, i) => i).filter(anyGroup);
    const mark = free.mark();
    if (!placeSet(root, eligible, -1)) {
      free.rollback(mark);
      out.push(unplaced(gang, `kai-greedy: ${lastFailure || 'does not fit'}`));
      continue;
    }
    const optional: string[] = [];
    gang.podGroups.forEach((g, gi) => {
      const ordered = groupOrder.get(gi) ?? [eligible];
      for (const pod of g.pods.slice(g.minReplicas)) {
        const i = pickNode(ordered, pod);
        if (i === undefined) optional.push(pod.name);
        else free.take(i, pod.requests), assigned.push([pod, i]);
      }
    });
    placedGangs.add(gang.name);
    const placedNodes = assigned.map(([, i]) => nodes[i] as NodeInfo);
    out.push({
      name: gang.name,
      placed: true,
      domains: commonDomains(state, gang, placedNodes),
      pods: assigned.map(([p, i]) => plannedPod(p, nodes[i] as NodeInfo)),
      ...(optional.length ? { unplacedOptionalPods: optional } : {}),
    });
  }
  return { feasible: out.every((g) => g.placed), gangs: out };
}
