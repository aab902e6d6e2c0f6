/**
 * placeGangs: gangs in order, each all-or-nothing, each consuming capacity for the next.
 * A gang is first tried whole, every pod including those beyond minReplicas, all or nothing (the search
 * in engine.ts). When that fails, phase 1 places every pod group's minimum and phase 2 adds the pods
 * beyond minReplicas one by one where they fit inside the domains the gang's required constraints fixed.
 * With `bySchedulerName`, a gang whose scheduler is kube-scheduler is placed pod by pod instead
 * (placeIndependently): no all-or-nothing, no topology constraints (backend.ts).
 * placeEachGang places several gangs each on its own (none consuming capacity for another).
 */
import type { ClusterState, Resources } from '../cluster/state';
import type { ExpandedGang } from '../grove/gang';
import { ClusterIndex, domainName, domainNodes, type TopologyIndex } from './cluster-index';
import { GangSearch, type ExtDemand, type Profile, type WPod, type WSet } from './engine';
import { explainFailure, explainOptional } from './explain';
import { hasTopologyConstraint, independentPlacementNote, placesPodsIndependently, schedulerNameOf } from './backend';
import type { GangPlacement, Plan, PlannedPod } from './plan';
import { chainsOf, constraintSets, resolveTopology, type PlaceOptions } from './sets';

export type { PlaceOptions } from './sets';

export function placeGangs(state: ClusterState, gangs: readonly ExpandedGang[], options?: PlaceOptions): Plan {
  const index = new ClusterIndex(state, options?.nodeTables);
  const asked = new Set(gangs.map((g) => g.name));
  const placed = new Set<string>();
  const out: GangPlacement[] = gangs.map((gang) => {
    // Grove keeps a scaled gang's pods gated until its base gang is scheduled. A base gang that is not
    // part of this call is taken as already running.
    if (gang.baseGang && asked.has(gang.baseGang) && !placed.has(gang.baseGang)) {
      const message = `waits for its base gang ${gang.baseGang}, which is not placed (Grove gates a scaled gang until its base gang is scheduled)`;
      return { name: gang.name, placed: false, reason: message, explanation: [{ level: 'gang', needs: `base gang ${gang.baseGang} placed`, best: 'not placed', message }], domains: {}, pods: [] };
    }
    const { placement, independent } = placeOn(index, gang, options);
    // Grove ungates a scaled gang once each PodClique of its base gang has its minimum scheduled (§11).
    if (placement.placed || (independent && minimumsMet(gang, placement))) placed.add(gang.name);
    return placement;
  });
  return { feasible: out.every((g) => g.placed), gangs: out };
}

/**
 * Each gang on its own on `state`: none takes room from another, only the state's pods are in use (as
 * the scheduler retries waiting gangs one by one, and as the workloads page asks why each one waits).
 * The same answer per gang as placeGangs(state, [gang], options), with one index for the whole call,
 * reset between gangs: one pass over the cluster's pods, not one per gang.
 */
export function placeEachGang(state: ClusterState, gangs: readonly ExpandedGang[], options?: PlaceOptions): GangPlacement[] {
  const index = new ClusterIndex(state, options?.nodeTables);
  return gangs.map((gang, i) => {
    if (i > 0) index.reset();
    return placeOn(index, gang, options).placement;
  });
}

/** One gang on the index, as its scheduler would place it with `bySchedulerName`, else as a gang. */
function placeOn(index: ClusterIndex, gang: ExpandedGang, options: PlaceOptions | undefined): { placement: GangPlacement; independent: boolean } {
  const schedulerName = schedulerNameOf(gang);
  const independent = options?.bySchedulerName === true && placesPodsIndependently(schedulerName);
  return { placement: independent ? placeIndependentlyOn(index, gang, schedulerName, options) : placeGang(index, gang, options), independent };
}

/**
 * Where kube-scheduler would put the gang's pods: each on its own, in pod-group and pod-index order,
 * each consuming capacity for the next, with the topology constraints ignored (API-NOTES §13). A pod
 * that does not fit is left out (it stays Pending) while its siblings are placed. `placed` is true
 * when every pod fits; the node chosen for each pod is the engine's choice for a one-pod gang.
 */
export function placeIndependently(state: ClusterState, gang: ExpandedGang, options?: Omit<PlaceOptions, 'bySchedulerName' | 'topology'>): GangPlacement {
  return placeIndependentlyOn(new ClusterIndex(state, options?.nodeTables), gang, schedulerNameOf(gang), options);
}

function placeIndependentlyOn(index: ClusterIndex, gang: ExpandedGang, schedulerName: string, options: PlaceOptions | undefined): GangPlacement {
  const podOptions: PlaceOptions = options?.budget !== undefined ? { budget: options.budget } : {};
  const pods: PlannedPod[] = [];
  const unplaced: string[] = [];
  let failure: GangPlacement | undefined;
  for (const group of gang.podGroups) {
    for (const pod of [...group.pods].sort((a, b) => a.podIndex - b.podIndex)) {
      // A gang of one pod with no constraint: what kube-scheduler sees of it.
      const single: ExpandedGang = {
        name: gang.name,
        namespace: gang.namespace,
        podCliqueSet: gang.podCliqueSet,
        pcsIndex: gang.pcsIndex,
        base: gang.base,
        groupConfigs: [],
        podGroups: [{ name: group.name, clique: group.clique, minReplicas: 1, pods: [pod] }],
        labels: gang.labels,
      };
      const r = placeGang(index, single, podOptions);
      if (!r.placed) {
        unplaced.push(pod.name);
        failure ??= r;
        continue;
      }
      pods.push(...r.pods);
    }
  }
  const why = failure?.reason ?? 'no node fits it';
  // A gang of one pod (a pod outside any PodGang) reads as kube-scheduler's own message.
  const reason = !failure ? undefined : unplaced.length + pods.length === 1 ? why : `${unplaced.length === 1 ? '1 pod does' : `${unplaced.length} pods do`} not fit, ${unplaced[0]} first: ${why}`;
  return {
    name: gang.name,
    placed: unplaced.length === 0,
    independent: true,
    ...(reason ? { reason } : {}),
    ...(failure?.explanation ? { explanation: failure.explanation } : {}),
    // No domain is chosen: kube-scheduler scores nodes on its own, and these nodes are one placement it might pick.
    domains: {},
    pods,
    ...(unplaced.length > 0 ? { unplacedPods: unplaced } : {}),
    warnings: [independentPlacementNote(gang, schedulerName)],
  };
}

/** Does every pod group of the gang have at least its minimum placed? */
function minimumsMet(gang: ExpandedGang, placement: GangPlacement): boolean {
  return gang.podGroups.every((g) => placement.pods.filter((p) => p.podGroup === g.name).length >= g.minReplicas);
}

/** Default search effort: generous on small clusters, a few dozen candidate domains on large ones. */
function defaultBudget(nodes: number): number {
  return Math.max(24, Math.min(2000, Math.floor(400_000 / Math.max(1, nodes))));
}

/** Step budget of the depth-first fallback. */
function defaultSteps(nodes: number): number {
  return Math.max(2_000, Math.min(50_000, Math.floor(5_000_000 / Math.max(1, nodes))));
}

const extKey = (ext: readonly ExtDemand[]): string => ext.map((e) => `${e.name}=${e.amount}`).join(',');

/** The extended resources a pod asks for, bound to the index's free arrays; null when none. */
export function extDemands(index: ClusterIndex, requests: Resources): ExtDemand[] | null {
  const ext = requests.extended;
  if (!ext) return null;
  const out: ExtDemand[] = [];
  for (const name of Object.keys(ext).sort()) if (ext[name]! > 0) out.push({ name, amount: ext[name]!, free: index.extFree(name) });
  return out.length > 0 ? out : null;
}

export function buildProfiles(pods: readonly WPod[], members: readonly number[]): Profile[] {
  const byKey = new Map<string, Profile>();
  const maskIds = new Map<Uint8Array, number>();
  for (const p of members) {
    const pod = pods[p]!;
    let m = maskIds.get(pod.mask);
    if (m === undefined) {
      m = maskIds.size;
      maskIds.set(pod.mask, m);
    }
    const key = `${pod.gpu}|${pod.cpu}|${pod.mem}|${pod.slots}|${m}${pod.ext ? `|${extKey(pod.ext)}` : ''}`;
    const k = byKey.get(key);
    if (k) k.count++;
    else byKey.set(key, { gpu: pod.gpu, cpu: pod.cpu, mem: pod.mem, slots: pod.slots, ext: pod.ext, mask: pod.mask, count: 1 });
  }
  return [...byKey.values()];
}

/** Largest first: GPUs, then CPU, then memory; gang order breaks ties. */
export function byDemand(pods: readonly WPod[]) {
  return (a: number, b: number) => {
    const x = pods[a]!;
    const y = pods[b]!;
    return y.gpu - x.gpu || y.cpu - x.cpu || y.mem - x.mem || a - b;
  };
}

/** The gang's constrained sets, holding the pods marked `required` (the ones this search must place). */
function buildSets(specs: ReturnType<typeof constraintSets>, pods: readonly WPod[], topo: TopologyIndex | null): WSet[] {
  const order = byDemand(pods);
  const sets: WSet[] = specs.map((spec, id) => ({
    ...spec,
    id,
    children: [],
    loose: [],
    all: [],
    profiles: [],
    totalGpu: 0,
    totalCpu: 0,
    totalMem: 0,
    totalSlots: 0,
    usedArr: spec.preferred >= 0 && topo ? new Int32Array(topo.levels[spec.preferred]!.values.length) : null,
    usedSize: 0,
    rank: null,
    hardDom: -1,
  }));
  pods.forEach((pod, p) => {
    if (!pod.required) return;
    for (const sid of pod.chain) sets[sid]!.all.push(p);
    sets[pod.chain[pod.chain.length - 1]!]!.loose.push(p);
  });
  for (const s of sets) {
    s.loose.sort(order);
    s.profiles = buildProfiles(pods, s.all);
    for (const p of s.all) {
      const pod = pods[p]!;
      s.totalGpu += pod.gpu;
      s.totalCpu += pod.cpu;
      s.totalMem += pod.mem;
      s.totalSlots += pod.slots;
    }
    if (s.parent >= 0) sets[s.parent]!.children.push(s.id);
  }
  for (const s of sets) {
    // Most constrained first: a required constraint before a preferred one, then the larger demand.
    s.children.sort((a, b) => {
      const x = sets[a]!;
      const y = sets[b]!;
      return (y.required >= 0 ? 1 : 0) - (x.required >= 0 ? 1 : 0) || y.totalGpu - x.totalGpu || y.totalCpu - x.totalCpu || y.all.length - x.all.length || a - b;
    });
  }
  return sets;
}

function placeGang(index: ClusterIndex, gang: ExpandedGang, options: PlaceOptions | undefined): GangPlacement {
  const { topology, warnings } = resolveTopology(index.state, gang, options);
  const specs = constraintSets(gang, topology, warnings);
  const chains = chainsOf(gang, specs);
  const topo: TopologyIndex | null = topology ? index.topology(topology) : null;

  const pods: WPod[] = [];
  gang.podGroups.forEach((group, gi) => {
    const ordered = [...group.pods].sort((a, b) => a.podIndex - b.podIndex);
    // KAI filters the nodes of a set with a topology constraint down to those with every level's label,
    // and the sets inside it choose among those: a pod under any constrained set is held to them.
    const constrained = topo !== null && chains[gi]!.some((sid) => specs[sid]!.required >= 0 || specs[sid]!.preferred >= 0);
    ordered.forEach((pod, i) => {
      pods.push({
        pod,
        group: gi,
        required: i < group.minReplicas,
        gpu: pod.requests.gpu,
        cpu: pod.requests.cpuMilli,
        mem: pod.requests.memory,
        slots: pod.requests.pods,
        ext: extDemands(index, pod.requests),
        mask: constrained ? index.constrainedMask(pod.scheduling, topo) : index.mask(pod.scheduling),
        topologyNodes: constrained ? topo.inTopology : null,
        chain: chains[gi]!,
        node: -1,
      });
    });
  });
  const fail = (why: ReturnType<typeof explainFailure>): GangPlacement => ({
    name: gang.name,
    placed: false,
    reason: why.reason,
    explanation: why.explanation,
    domains: {},
    pods: [],
    ...(warnings.length > 0 ? { warnings } : {}),
  });

  const short = gang.podGroups.find((g) => g.pods.length < g.minReplicas);
  if (short) {
    const message = `pod group ${short.name} needs at least ${short.minReplicas} pods but has ${short.pods.length}`;
    return fail({ reason: message, explanation: [{ level: 'gang', needs: `${short.minReplicas} pods`, best: `${short.pods.length} pods`, message }] });
  }

  // Nodes any pod of the gang may use.
  const masks = [...new Set(pods.map((p) => p.mask))];
  let count = 0;
  const scopeAll = new Int32Array(index.n);
  for (let n = 0; n < index.n; n++) {
    for (let j = 0; j < masks.length; j++) {
      if (masks[j]![n]) {
        scopeAll[count++] = n;
        break;
      }
    }
  }
  const scope = scopeAll.subarray(0, count);

  const budget = options?.budget ?? defaultBudget(index.n);
  // Per node, how many of the gang's eligibility masks include it and which (only with more than one).
  let flex: Uint8Array | null = null;
  let flexId: Int32Array | null = null;
  if (masks.length > 1) {
    flex = new Uint8Array(index.n);
    flexId = new Int32Array(index.n);
    for (let n = 0; n < index.n; n++) {
      let c = 0;
      let id = 0;
      for (let j = 0; j < masks.length; j++) {
        if (masks[j]![n]) {
          c++;
          id |= 1 << j % 31;
        }
      }
      flex[n] = c;
      flexId[n] = id;
    }
  }
  const searchOver = (sets: WSet[]): GangSearch => {
    const search = new GangSearch(index, topo, pods, sets, budget);
    search.flex = flex;
    search.flexId = flexId;
    return search;
  };

  // First the whole gang, optional pods too, all or nothing in one choice of domains: placing the minimum
  // first may take the room its optional pods need (a host-packed clique whose second pod finds its host
  // shared with another clique's pod). Greedy only: the depth-first fallback is kept for the minimum, so
  // a whole gang that does not fit costs one greedy pass more, not a second exhaustive search.
  const optional = pods.filter((p) => !p.required);
  let sets: WSet[] = [];
  let search: GangSearch | null = null;
  if (optional.length > 0) {
    for (const p of optional) p.required = true;
    sets = buildSets(specs, pods, topo);
    search = searchOver(sets);
    if (search.placeSet(0, scope) === null) {
      for (const p of optional) p.required = false;
      search = null;
    }
  }
  // Phase 1: every pod group's minimum (greedy, then depth-first within a step budget).
  if (search === null) {
    sets = buildSets(specs, pods, topo);
    search = searchOver(sets);
    const cost = search.placeSet(0, scope);
    if (cost === null && !search.placeExhaustive(scope, options?.budget ? options.budget * 50 : defaultSteps(index.n))) {
      return fail(explainFailure(index, topo, gang, pods, sets, search));
    }
  }

  // Fix each required domain from the pods placed so far.
  for (const s of sets) {
    if (s.required < 0 || s.all.length === 0) continue;
    s.hardDom = topo!.levels[s.required]!.nodeDom[pods[s.all[0]!]!.node]!;
  }

  // Phase 2: the pods beyond minReplicas, best effort, group by group in pod order.
  const unplacedOptional: string[] = [];
  let optionalReason: string | undefined;
  pods.forEach((pod, p) => {
    if (pod.required) return;
    let where: ArrayLike<number> = scope;
    const pins: string[] = [];
    for (const sid of pod.chain) {
      const s = sets[sid]!;
      if (s.required >= 0 && s.hardDom >= 0) {
        const level = topo!.levels[s.required]!;
        where = domainNodes(level, s.hardDom);
        pins.push(`${level.domain} ${domainName(level, s.hardDom)}`);
      }
    }
    const n = search.bestNode(p, where, true);
    if (n < 0) {
      unplacedOptional.push(pod.pod.name);
      optionalReason ??= `${pod.pod.name}: ${explainOptional(index, topo, pod, where, pins[pins.length - 1] ?? '')}`;
      return;
    }
    search.assign(p, n);
    for (const sid of pod.chain) {
      const s = sets[sid]!;
      if (s.required >= 0 && s.hardDom < 0) s.hardDom = topo!.levels[s.required]!.nodeDom[n]!;
    }
  });

  const planned: PlannedPod[] = [];
  for (const pod of pods) {
    if (pod.node < 0) continue;
    planned.push({ name: pod.pod.name, podGroup: gang.podGroups[pod.group]!.name, clique: pod.pod.clique, node: index.nodes[pod.node]!.name, gpus: pod.gpu });
  }
  const domains: Record<string, string> = {};
  // Only a constraint chooses a domain; without one the nodes are just where the pods fit, not a domain the scheduler keeps to.
  // Label values per level: one domain at a level is one at every broader level too, so the values name its path.
  if (topo && planned.length > 0 && hasTopologyConstraint(gang)) {
    for (const level of topo.levels) {
      const first = level.nodeDom[pods.find((p) => p.node >= 0)!.node]!;
      if (first < 0) continue;
      if (pods.every((p) => p.node < 0 || level.nodeDom[p.node] === first)) domains[level.domain] = level.values[first]!;
    }
  }
  // A preferred pack the placement could not keep: say how far it spread.
  for (const s of sets) {
    if (s.preferred < 0 || s.usedSize <= 1) continue;
    const domain = topo!.levels[s.preferred]!.domain;
    const who = s.kind === 'gang' ? '' : ` for ${s.kind === 'groupConfig' ? 'scaling group replica' : 'podclique'} ${s.name}`;
    warnings.push(`preferred ${domain} not met${who}: spread over ${s.usedSize} ${domain}s`);
  }
  return {
    name: gang.name,
    placed: true,
    domains,
    pods: planned,
    ...(unplacedOptional.length > 0 ? { unplacedOptionalPods: unplacedOptional, unplacedOptionalReason: optionalReason! } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
