/**
 * Placement previews: "where would this stack land" and "where would the pods of this scale-up land",
 * answered by the same placeGangs the simulated cluster schedules with, on a ClusterState (the
 * browser's, from clusterStateFromObjects, or the server's). Nothing here touches a cluster.
 * Each gang is placed as its scheduler would (PlaceOptions.bySchedulerName, on unless a caller turns it
 * off): a default-scheduler stack pod by pod with its topology constraints ignored, a kai-scheduler
 * stack as gangs; the plan's warnings say which.
 */
import type { ScalableKind } from '../cluster/kinds';
import { isReplicaCount, podCliqueSetPodBudgetRefusal, REPLICAS_RANGE, scalePodBudgetRefusal } from '../cluster/limits';
import { LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODCLIQUE_POD_INDEX, LABEL_PODGANG } from '../grove/labels';
import { plural } from '../workloads/plural';
import { workloadOfPod, type ClusterState, type PodInfo } from '../cluster/state';
import { expandPodGangs, type ExpandOptions } from '../grove/expand';
import type { ExpandedGang, ExpandedPod, ExpandedPodGroup } from '../grove/gang';
import type { KubeObject } from '../grove/meta';
import { DEFAULT_TERMINATION_DELAY, minAvailableOf, replicaIndexOf, type PodCliqueSet } from '../grove/podcliqueset';
import { scalingGroupOfPodClique, scalingGroupRefusal } from '../grove/podclique';
import { pinning, pinsRunningGang, type Pin } from './pin';
import { placeGangs, type PlaceOptions } from './place';
import type { GangPlacement, Plan, PlannedPod } from './plan';
import { hasTopologyConstraint, stackSchedulerName } from './backend';
import { naturalCompare } from '../topology/tree';

export interface PlacementPreview {
  /** The placement of what applying the manifest adds: gangs not running yet whole, and the pods a running gang lacks. */
  plan: Plan;
  /** What was placed: new gangs, and for running gangs a gang of only their new pods (as ScalePreview.gangs). */
  gangs: ExpandedGang[];
  /** Every gang the manifest describes, in order: what the stack asks for in all. */
  all: ExpandedGang[];
  /** Gangs of the manifest that already run on the cluster: kept where they are, not re-placed. */
  running: RunningGang[];
  /**
   * `namespace/name` of the PodCliqueSet (the heatmap's workload key), set only when the apply deletes
   * some of its running pods (fewer replicas, a clique dropped): the plan was made with those taken out,
   * so a drawing of the plan may count their GPUs as free.
   */
  replaces?: string;
  /**
   * Per gang, the real names of its pods that exist on the cluster but are not bound to a node yet
   * (Pending): the preview plans them with the pods the apply creates, as "pods not running yet".
   */
  pending: Record<string, string[]>;
}

/** A gang of the manifest that already runs (its PodGang's pods are bound): where its pods are. */
export interface RunningGang {
  name: string;
  /** Its bound pods the apply keeps, with their real names and nodes (each `running`). */
  pods: PlannedPod[];
  /** The domain per level its running pods share, for a gang with a topology constraint (as GangPlacement.domains). */
  domains: Record<string, string>;
  /** Every pod the manifest asks of it runs: nothing of it is planned. Otherwise its new pods are in the plan under the same name. */
  complete: boolean;
  /**
   * Its pods (matched by PodClique and pod index) whose grove.io/podgang label names another gang, or
   * none: Grove moves a scaling-group replica between the base gang and a scaled one when the split
   * changes. They are counted in this gang, where the manifest puts them.
   */
  regrouped?: { pod: string; label: string }[];
}

/**
 * Where a PodCliqueSet would land if it were applied now (previewApply of one stack). Throws (with the
 * count and the limit) for a stack of more than MAX_PODS pods.
 */
export function previewPodCliqueSet(state: ClusterState, pcs: PodCliqueSet, options?: PlaceOptions): PlacementPreview {
  return previewApply(state, [pcs], options);
}

/**
 * What applying these PodCliqueSets would do, as one answer for the CLI, the topology page and the
 * builder. A stack of the same namespace and name that already runs keeps its running gangs where they
 * are (Grove does not reschedule bound pods on an apply): its pods are matched to the manifest's by
 * Grove's labels (PodClique name and pod index), only the gangs and pods not running are planned (a
 * running gang's new pods held to its domains, as previewScale does), and the running ones are reported
 * in `running`. Its pods the manifest no longer has (fewer replicas, a clique dropped) are deleted by
 * the apply: they are taken out before planning. A new stack is planned whole. Stacks are planned in
 * order, each consuming capacity for the next. Throws for a stack of more than MAX_PODS pods.
 */
export function previewApply(state: ClusterState, stacks: readonly PodCliqueSet[], options?: PlaceOptions): PlacementPreview {
  const all: ExpandedGang[] = [];
  const match = newPodMatch();
  const replaced: string[] = [];
  for (const pcs of stacks) {
    // Counted before anything is built: a typo'd `replicas: 100000` must not freeze the page (or server) expanding it.
    const overBudget = podCliqueSetPodBudgetRefusal(pcs);
    if (overBudget) throw Object.assign(new Error(overBudget.message), overBudget); // status 422 and causes, for a server route
    const gangs = expandPodGangs(pcs);
    all.push(...gangs);
    const workload = `${pcs.metadata?.namespace ?? 'default'}/${pcs.metadata?.name ?? ''}`;
    if (matchStackPods(match, state, workload, gangs)) replaced.push(workload);
  }
  // Its pods the manifest no longer has are deleted by the apply: planned as gone.
  const kept = matchedState(state, match, 'remove');
  const { plan, gangs, runningPods } = placeAdditions(kept, all, (pod) => !match.runningKeys.has(podKey(pod)), options);
  const running = all
    .filter((g) => runningPods.has(g.name))
    .map((g): RunningGang => {
      const pods = runningPods.get(g.name)!;
      const moved = match.regrouped.get(g.name);
      return { name: g.name, pods, domains: sharedDomains(kept, g, pods), complete: !plan.gangs.some((p) => p.name === g.name), ...(moved ? { regrouped: moved } : {}) };
    });
  return { plan, gangs, all, running, pending: match.pending, ...(replaced.length === 1 ? { replaces: replaced[0] } : {}) };
}

/**
 * How the pods of stacks on the cluster line up with the pods their gangs describe, by Grove's labels
 * (PodClique name and pod index): one rule for an apply (previewApply) and a scale (previewScale).
 * A key is kept (not planned) only when a bound pod of the stack has it; every other pod of the gangs
 * is planned, whether it exists but is not bound yet (Pending, named in `pending`) or is not created yet.
 */
interface PodMatch {
  /** Keys (podKey) of the pods kept where they are: a bound pod of the stack has each. */
  runningKeys: Set<string>;
  /** The pod kept per key of a running gang, with the gang of the gangs its key belongs to. */
  matched: Map<PodInfo, string>;
  /** Pods that share a key with the one that counts (a terminating pod and its replacement): not the gang's. */
  duplicates: Set<PodInfo>;
  /** Pods of the stack whose key no gang has (fewer replicas, a clique dropped, no Grove labels). */
  unmatched: Set<PodInfo>;
  /** Per gang, the real names of its pods created but not bound yet (Pending): the scheduler still has to place them, so the preview does too. */
  pending: Record<string, string[]>;
  /** Per gang, its kept pods whose grove.io/podgang label names another gang (or none). */
  regrouped: Map<string, { pod: string; label: string }[]>;
}

const newPodMatch = (): PodMatch => ({ runningKeys: new Set(), matched: new Map(), duplicates: new Set(), unmatched: new Set(), pending: {}, regrouped: new Map() });

/**
 * Matches the operator's pods of `workload` (namespace/PodCliqueSet) on the cluster to `gangs`, the
 * stack as it is to be, into `match`. True when some pod of the stack has a key no gang has.
 */
function matchStackPods(match: PodMatch, state: ClusterState, workload: string, gangs: readonly ExpandedGang[]): boolean {
  // Which gang each pod key belongs to: the running gang is built from these matches, not from the
  // pods' grove.io/podgang label, so a pod is never both kept and planned, or neither.
  const gangOfKey = new Map(gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods.map((p) => [podKey(p), g.name] as const))));
  const byKey = new Map<string, PodInfo[]>();
  let unmatched = false;
  for (const p of state.pods) {
    // The operator's pods of this stack only: a Helm chart's pod labelled part-of the same name still holds its GPUs.
    if (p.terminal || workloadOfPod(p) !== workload) continue;
    const key = runningPodKey(p);
    if (key !== undefined && gangOfKey.has(key)) {
      const list = byKey.get(key);
      if (list) list.push(p);
      else byKey.set(key, [p]);
    } else {
      match.unmatched.add(p);
      unmatched = true;
    }
  }
  for (const [key, pods] of byKey) {
    const gang = gangOfKey.get(key)!;
    // Grove names pods with a random suffix: a terminating pod and its replacement share the key. One counts.
    const pod = pods.reduce((best, p) => (podRank(p) > podRank(best) ? p : best));
    for (const p of pods) if (p !== pod) match.duplicates.add(p);
    if (!pod.nodeName) {
      (match.pending[gang] ??= []).push(pod.name);
      continue;
    }
    match.runningKeys.add(key);
    match.matched.set(pod, gang);
    const label = pod.labels[LABEL_PODGANG];
    if (label !== gang) {
      const list = match.regrouped.get(gang) ?? [];
      list.push({ pod: pod.name, label: label ?? '' });
      match.regrouped.set(gang, list);
    }
  }
  return unmatched;
}

/**
 * The cluster as the plan sees it after matchStackPods: each kept pod labelled with the gang its key
 * belongs to, so the running gangs (the pods counted toward each minimum, the domains new pods must
 * join) are exactly the pods matched by key. A duplicate keeps its node's resources until it is gone
 * but belongs to no gang. An unmatched pod is taken out when the change deletes it (`remove`: an apply
 * of fewer replicas), else kept like a duplicate (a scale-up deletes nothing; such a pod is Grove's to
 * remove, and holds its resources until then).
 */
function matchedState(state: ClusterState, match: PodMatch, unmatched: 'remove' | 'keep'): ClusterState {
  const relabel = (p: PodInfo): PodInfo => {
    const gang = match.matched.get(p);
    if (gang !== undefined) return p.labels[LABEL_PODGANG] === gang ? p : { ...p, labels: { ...p.labels, [LABEL_PODGANG]: gang } };
    if (match.duplicates.has(p) || match.unmatched.has(p)) {
      const { [LABEL_PODGANG]: _, ...labels } = p.labels;
      return { ...p, labels };
    }
    return p;
  };
  const pods = unmatched === 'remove' ? state.pods.filter((p) => !match.unmatched.has(p)) : state.pods;
  return { ...state, pods: pods.map(relabel) };
}

/**
 * Which of several pods with one key counts: one not terminating first (the old pod is going away, its
 * replacement is what the gang keeps, even when both run), then a bound and Running one, then a bound
 * one, then any.
 */
function podRank(pod: PodInfo): number {
  return (pod.terminating ? 0 : 4) + (pod.nodeName ? 2 : 0) + (pod.phase === 'Running' ? 1 : 0);
}

/** A gang of the apply (applyGangs): its placement, and its pods that exist but are not bound yet. */
export interface ApplyGang extends GangPlacement {
  /** Real names of its pods created on the cluster but still Pending (not bound): planned with the rest. */
  pendingPods?: string[];
}

/**
 * Every gang of the apply in the manifest's order, as one list: a gang that runs and lacks nothing as
 * running (its pods where they are, `running` each), one that runs and gains pods as its placement with
 * its running pods first, a new gang as planned. `placed` of a running gang with nothing new is true.
 * A running gang whose pods not running yet do not fit (those its minimum lacks) is `placed: false` with
 * the reason, its running pods, and those pods in `unplacedPods` (a gang scheduler places none of them);
 * pods above the minimum that do not fit are in `unplacedOptionalPods` of a placed gang.
 */
export function applyGangs(preview: PlacementPreview): ApplyGang[] {
  const planned = new Map(preview.plan.gangs.map((g) => [g.name, g]));
  const increments = new Map(preview.gangs.map((g) => [g.name, g]));
  const running = new Map(preview.running.map((r) => [r.name, r]));
  return preview.all.flatMap((gang): ApplyGang[] => {
    const plan = planned.get(gang.name);
    const run = running.get(gang.name);
    const pendingPods = preview.pending[gang.name];
    const extra = pendingPods?.length ? { pendingPods } : {};
    if (!run) return plan ? [{ ...plan, ...extra }] : [];
    const warnings = (run.regrouped ?? []).map(
      (r) =>
        `pod ${r.pod} is labelled ${LABEL_PODGANG}=${r.label || '(none)'}: counted in ${gang.name} by its PodClique and pod index, where the manifest puts it (Grove moves a scaling-group replica between the base and a scaled gang when the split changes)`,
    );
    const withWarnings = (list: readonly string[] | undefined) => (list?.length || warnings.length ? { warnings: [...warnings, ...(list ?? [])] } : {});
    if (!plan) return [{ name: gang.name, placed: true, running: true, domains: run.domains, pods: run.pods, ...withWarnings(undefined), ...extra }];
    // The domains the new pods and the running ones share: both are paths from the broadest level, so
    // the shared part is their common prefix (the same rack value under another zone is another rack).
    const domains = sharedPrefix(plan.domains, run.domains);
    // The pods not running yet that the plan did not place: none of them under a gang scheduler when they do not fit.
    const placedNames = new Set(plan.pods.map((p) => p.name));
    const wanted = increments.get(gang.name)?.podGroups.flatMap((pg) => pg.pods.map((p) => p.name)) ?? [];
    const unplacedPods = [...new Set([...(plan.unplacedPods ?? []), ...wanted.filter((n) => !placedNames.has(n) && !(plan.unplacedOptionalPods ?? []).includes(n))])];
    return [{ ...plan, running: true, domains, pods: [...run.pods, ...plan.pods], ...(unplacedPods.length ? { unplacedPods } : {}), ...withWarnings(plan.warnings), ...extra }];
  });
}

/**
 * The domain per level that all `pods` share, for a gang with a topology constraint; none for one
 * without. A domain is its label path (lib/topology/domainPath.ts): the pods share a rack only if they
 * share its zone too, so the levels are read from the broadest down and the first whose values differ
 * (or that a pod's node lacks) ends it: pods on rack-1 of zone z0 and rack-1 of zone z1 share nothing.
 */
function sharedDomains(state: ClusterState, gang: ExpandedGang, pods: readonly PlannedPod[]): Record<string, string> {
  const topology = gang.topologyName ? state.topologies.find((t) => t.name === gang.topologyName) : state.topologies.length === 1 ? state.topologies[0] : undefined;
  if (!topology || pods.length === 0 || !hasTopologyConstraint(gang) || !pinsRunningGang(gang)) return {};
  const nodes = new Map(state.nodes.map((n) => [n.name, n]));
  const out: Record<string, string> = {};
  for (const level of topology.levels) {
    const value = nodes.get(pods[0]!.node)?.labels[level.key];
    if (value === undefined || !pods.every((p) => nodes.get(p.node)?.labels[level.key] === value)) break;
    out[level.domain] = value;
  }
  return out;
}

/** The levels, broadest first, at which two domain paths (level → value, in level order) agree, up to the first where they do not. */
function sharedPrefix(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [level, value] of Object.entries(a)) {
    if (b[level] !== value) break;
    out[level] = value;
  }
  return out;
}

/** A pod of a stack, as Grove labels it: namespace, PodClique and pod index. */
const podKey = (pod: ExpandedPod) => `${pod.namespace}/${pod.podClique}/${pod.podIndex}`;

/** podKey of a pod on the cluster, from the labels Grove puts on it; undefined for a pod without them. */
function runningPodKey(pod: PodInfo): string | undefined {
  const clique = pod.labels[LABEL_PODCLIQUE];
  const index = podIndexOf(pod);
  return clique && index !== undefined ? `${pod.namespace}/${clique}/${index}` : undefined;
}

/** A pod's index in its PodClique, from Grove's label; undefined for a pod without it. */
function podIndexOf(pod: PodInfo): number | undefined {
  const index = pod.labels[LABEL_PODCLIQUE_POD_INDEX];
  return index !== undefined && /^\d+$/.test(index) ? Number(index) : undefined;
}

/** The Grove objects of the cluster, as the watch store holds them. */
export interface GroveObjects {
  podCliqueSets: readonly KubeObject[];
  podCliqueScalingGroups: readonly KubeObject[];
  podCliques: readonly KubeObject[];
  podGangs: readonly KubeObject[];
}

export interface ScaleTarget {
  kind: ScalableKind;
  namespace: string;
  name: string;
  replicas: number;
}

export interface ScalePreview {
  /** Replicas now (the object's spec.replicas). */
  from: number;
  to: number;
  /** Why this scale is not allowed at all (nothing was placed). */
  refused?: string;
  /**
   * The placement of the pods not running after the scale: new gangs whole, and for gangs that exist
   * the pods none of their bound pods stands for, the scale's new pods and those the current counts
   * already ask for (Pending, or not created yet), as previewApply plans them. Empty for a scale-down.
   */
  plan: Plan;
  /** What was placed: new gangs, and for existing gangs a gang of only their pods not running. */
  gangs: ExpandedGang[];
  /** Names (as in `plan` and `gangs`) of the planned pods the scale adds; every other planned pod was already asked for before it. */
  added: string[];
  /**
   * Per gang, the real names of its pods that exist on the cluster but are not bound yet (Pending):
   * planned with the pods the scale adds, as previewApply's `pending`. The planned pods neither added
   * nor pending are ones the current counts ask for that Grove has not created yet.
   */
  pending: Record<string, string[]>;
  /** Set when the scale-down takes a scaling group or standalone PodClique below its minAvailable. */
  breach?: MinAvailableBreach;
}

/**
 * A scale-down that leaves a PodCliqueScalingGroup or a standalone PodClique below its minAvailable
 * (API-NOTES §9, §11): Grove sets MinAvailableBreached=True on it, and once that has lasted
 * terminationDelay it gang-terminates the whole PodCliqueSet replica (every PodClique of it is
 * deleted and recreated). Grove's webhooks do not stop such a scale: the validating webhook sees
 * PodCliqueSets only, and `/scale` of a PodClique or scaling group is not intercepted (§5, §5.8), so
 * this is a warning for the user to confirm, not a refusal.
 */
export interface MinAvailableBreach {
  kind: 'PodCliqueScalingGroup' | 'PodClique';
  name: string;
  minAvailable: number;
  to: number;
  podCliqueSet: string;
  /** The PodCliqueSet replica that would be gang-terminated. */
  replicaIndex: number;
  /** The PodCliqueSet's template.terminationDelay, or Grove's default when it names none. */
  terminationDelay: string;
  /** True when the PodCliqueSet names no terminationDelay and Grove's default applies. */
  defaultDelay: boolean;
  message: string;
}

interface Scalable extends KubeObject {
  spec?: { replicas?: number };
}

const EMPTY_PLAN: Plan = { feasible: true, gangs: [] };

function refused(from: number, to: number, message: string): ScalePreview {
  return { from, to, refused: message, plan: EMPTY_PLAN, gangs: [], added: [], pending: {} };
}

function find(list: readonly KubeObject[], namespace: string, name: string): Scalable | undefined {
  return list.find((o) => o.metadata?.namespace === namespace && o.metadata?.name === name) as Scalable | undefined;
}

/** The PodCliqueSet an object belongs to: its part-of label, else its owner chain. */
function owningPodCliqueSet(objects: GroveObjects, object: KubeObject): string | undefined {
  const partOf = object.metadata?.labels?.[LABEL_PART_OF];
  if (partOf) return partOf;
  const owner = object.metadata?.ownerReferences?.find((r) => r.kind === 'PodCliqueSet' || r.kind === 'PodCliqueScalingGroup');
  if (!owner) return undefined;
  if (owner.kind === 'PodCliqueSet') return owner.name;
  const group = find(objects.podCliqueScalingGroups, object.metadata?.namespace ?? '', owner.name);
  return group ? owningPodCliqueSet(objects, group) : undefined;
}

/**
 * What scaling `target` to `target.replicas` would add, and where it would land. The stack's pods on
 * the cluster are matched to it by Grove's labels, as previewApply matches them (matchStackPods): a pod
 * is planned unless a bound pod of the stack has its key, so pods that wait for the scheduler (Pending,
 * or not created yet) are planned with the new ones instead of their GPUs counting as free. Refused (with the
 * reason, nothing placed): a replica count out of range, a scale past the pod budget, and, by Canopy's
 * rule, a PodClique that belongs to a scaling group (scale the group instead).
 */
export function previewScale(state: ClusterState, objects: GroveObjects, target: ScaleTarget, options?: PlaceOptions): ScalePreview {
  const { kind, namespace, name, replicas: to } = target;
  const list = kind === 'PodCliqueSet' ? objects.podCliqueSets : kind === 'PodCliqueScalingGroup' ? objects.podCliqueScalingGroups : objects.podCliques;
  const object = find(list, namespace, name);
  if (!object) return refused(0, to, `${kind} ${namespace}/${name} is not in the cluster`);
  const from = object.spec?.replicas ?? 0;
  if (!isReplicaCount(to)) return refused(from, to, `replicas must be ${REPLICAS_RANGE}, got ${to}`);
  if (kind === 'PodClique') {
    const group = scalingGroupOfPodClique(object);
    if (group) return refused(from, to, scalingGroupRefusal(name, group));
  }
  const pcsName = kind === 'PodCliqueSet' ? name : owningPodCliqueSet(objects, object);
  const pcs = pcsName ? (find(objects.podCliqueSets, namespace, pcsName) as PodCliqueSet | undefined) : undefined;
  if (!pcs) return refused(from, to, `the PodCliqueSet that owns ${kind} ${namespace}/${name} is not in the cluster`);
  if (to <= from) {
    const breach = kind === 'PodCliqueSet' ? undefined : minAvailableBreach(pcs, object, kind, from, to);
    return { from, to, plan: EMPTY_PLAN, gangs: [], added: [], pending: {}, ...(breach ? { breach } : {}) };
  }
  const overBudget = scalePodBudgetRefusal({ kind, object, from, to, podCliqueSet: pcs, podCliques: objects.podCliques });
  if (overBudget) return refused(from, to, overBudget.message);

  // Expand with the replica counts the cluster has now (an HPA may have moved them off the template).
  const live: Required<Pick<ExpandOptions, 'scalingGroupReplicas' | 'podCliqueReplicas'>> & Pick<ExpandOptions, 'defaultSchedulerName'> = { scalingGroupReplicas: {}, podCliqueReplicas: {} };
  for (const g of objects.podCliqueScalingGroups) {
    const r = (g as Scalable).spec?.replicas;
    if (g.metadata?.namespace === namespace && g.metadata?.labels?.[LABEL_PART_OF] === pcsName && g.metadata.name && typeof r === 'number') live.scalingGroupReplicas[g.metadata.name] = r;
  }
  for (const c of objects.podCliques) {
    const r = (c as Scalable).spec?.replicas;
    if (c.metadata?.namespace === namespace && c.metadata?.labels?.[LABEL_PART_OF] === pcsName && c.metadata.name && typeof r === 'number') live.podCliqueReplicas[c.metadata.name] = r;
  }
  // As the operator expanded it: under the scheduler its PodGangs name (the operator's default profile when no clique names one).
  const schedulerName = stackSchedulerName(objects.podGangs, namespace, pcsName!);
  if (schedulerName) live.defaultSchedulerName = schedulerName;
  const before = expandPodGangs(pcs, live);
  const after =
    kind === 'PodCliqueSet'
      ? expandPodGangs({ ...pcs, spec: { ...pcs.spec, replicas: to } }, live)
      : kind === 'PodCliqueScalingGroup'
        ? expandPodGangs(pcs, { ...live, scalingGroupReplicas: { ...live.scalingGroupReplicas, [name]: to } })
        : expandPodGangs(pcs, { ...live, podCliqueReplicas: { ...live.podCliqueReplicas, [name]: to } });

  const match = newPodMatch();
  matchStackPods(match, state, `${namespace}/${pcsName}`, after);
  const { plan, gangs } = placeAdditions(matchedState(state, match, 'keep'), after, (pod) => !match.runningKeys.has(podKey(pod)), options);
  const beforeKeys = new Set(before.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods.map(podKey))));
  const added = gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods.filter((p) => !beforeKeys.has(podKey(p))).map((p) => p.name)));
  return { from, to, plan, gangs, added, pending: match.pending };
}

/**
 * Whether scaling `object` (a scaling group or a standalone PodClique of `pcs`) from `from` down to
 * `to` leaves it below its minAvailable (minAvailableOf), and what Grove then does (see MinAvailableBreach). A scale that
 * does not go down, or stays at or above the minimum, is no breach; nor is a PodCliqueSet scale
 * (whole replicas go, none is left short).
 */
export function minAvailableBreach(pcs: PodCliqueSet, object: KubeObject, kind: 'PodCliqueScalingGroup' | 'PodClique', from: number, to: number): MinAvailableBreach | undefined {
  if (to >= from) return undefined;
  const pcsName = pcs.metadata?.name ?? '';
  const name = object.metadata?.name ?? '';
  const replicaIndex = replicaIndexOf(object, pcsName);
  const template = pcs.spec?.template;
  const minAvailable = minAvailableOf(pcs, object, kind);
  if (to >= minAvailable) return undefined;
  const defaultDelay = !template?.terminationDelay;
  const terminationDelay = template?.terminationDelay || DEFAULT_TERMINATION_DELAY;
  const count = plural(to, kind === 'PodClique' ? 'pod' : 'replica');
  const message =
    `${kind} ${name} would have ${count}, below its minAvailable ${minAvailable}: Grove marks it MinAvailableBreached, ` +
    `and once that has lasted the terminationDelay of ${terminationDelay}${defaultDelay ? ' (Grove’s default; the PodCliqueSet sets none)' : ''} ` +
    `it gang-terminates replica ${replicaIndex} of PodCliqueSet ${pcsName}: every PodClique of that replica is deleted and recreated, not only ${name}.`;
  return { kind, name, minAvailable, to, podCliqueSet: pcsName, replicaIndex, terminationDelay, defaultDelay, message };
}

/**
 * Places what `gangs` add to the cluster (gangIncrements, with the pods `isNew` picks), each consuming
 * capacity for the next. One rule for a scale (previewScale) and an apply (previewApply).
 * `runningPods`: per gang, its pods bound on the cluster (the ones an increment joins).
 */
function placeAdditions(state: ClusterState, gangs: readonly ExpandedGang[], isNew: (pod: ExpandedPod) => boolean, options: PlaceOptions | undefined): { plan: Plan; gangs: ExpandedGang[]; runningPods: Map<string, PlannedPod[]> } {
  const placeOptions: PlaceOptions = { bySchedulerName: true, ...options };
  const additions = gangIncrements(state, gangs, (group) => group.pods.filter(isNew), placeOptions);
  const runningPods = new Map<string, PlannedPod[]>();
  for (const gang of gangs) {
    const bound = additions.running(gang.namespace, gang.name);
    if (bound.length > 0) runningPods.set(gang.name, inGangOrder(bound, gang).map((p) => plannedPodOf(p, gang)));
  }
  const plan = placeGangs(state, additions.gangs, placeOptions);
  return { plan: { ...plan, gangs: plan.gangs.map(additions.explain) }, gangs: additions.gangs, runningPods };
}

/** What is still to be placed of some gangs on a cluster, and how to explain a placement of it (gangIncrements). */
export interface GangIncrements {
  /**
   * In the order given, each gang with anything to place: whole (with the pods `newPods` gives) when
   * every pod of it is new, else its increment (pin.ts).
   */
  gangs: ExpandedGang[];
  /** The running (bound, not terminal) pods of the gang `namespace/name` on the cluster. */
  running(namespace: string, gang: string): readonly PodInfo[];
  /** A placement of one of `gangs`, with the words of its pins when they kept pods out: the running domain to join and what it has free (Pinning.explain). */
  explain(placement: GangPlacement): GangPlacement;
}

/**
 * What a scheduler still has to place of `gangs` on `state`, given per pod group the pods not bound yet
 * (`newPods`: the expansion's, or the real pods' own requests): a gang none of whose pods runs whole,
 * and for a gang with pods bound its increment, a gang of only the new pods, of which only what its
 * running pods lack of each minimum must fit together (the rest is placed as it fits), and which under
 * a gang scheduler must join the domains where the gang already runs (pin.ts; the reason of one that
 * does not fit, or of a pod above the minimum left out, names the domain). A gang with no new pod is
 * left out. One rule for the previews (placeAdditions) and a running stack's "why pending"
 * (lib/workloads/placement.ts), so they never disagree about where a waiting pod may land.
 * With `bySchedulerName` off every gang is pinned as a gang scheduler would; on (the default) only
 * gangs of a gang scheduler: kube-scheduler places each pod on its own, constraints ignored.
 */
export function gangIncrements(state: ClusterState, gangs: readonly ExpandedGang[], newPods: (group: ExpandedPodGroup) => readonly ExpandedPod[], options?: Pick<PlaceOptions, 'bySchedulerName'>): GangIncrements {
  const bySchedulerName = options?.bySchedulerName ?? true;
  const asGang = (gang: ExpandedGang) => !bySchedulerName || pinsRunningGang(gang);
  const pins = pinning(state);
  const out: ExpandedGang[] = [];
  const pinsOf = new Map<string, Pin[]>();
  for (const gang of gangs) {
    const news = new Map(gang.podGroups.map((group) => [group, newPods(group)] as const));
    if (gang.podGroups.every((group) => news.get(group)!.length === group.pods.length)) {
      out.push({ ...gang, podGroups: gang.podGroups.map((group) => ({ ...group, pods: [...news.get(group)!] })) });
      continue;
    }
    const increment = pins.increment(gang, (group) => news.get(group) ?? [], { pin: asGang(gang) });
    if (!increment) continue;
    out.push(increment.gang);
    if (increment.pins.length > 0) pinsOf.set(gang.name, increment.pins);
  }
  return { gangs: out, running: pins.running, explain: (placement) => pins.explain(placement, pinsOf.get(placement.name)) };
}

/**
 * A running gang's pods as its pod groups list them (the manifest's order of PodCliques), each group by
 * pod index: the cluster's order is by name, where …-10 comes before …-2 (and Grove's random suffixes
 * order nothing). A pod of a group the gang does not list, or without an index, goes after, by name.
 */
function inGangOrder(pods: readonly PodInfo[], gang: ExpandedGang): PodInfo[] {
  const groupRank = new Map(gang.podGroups.map((g, i) => [g.name, i]));
  const rankOf = (p: PodInfo) => groupRank.get(p.labels[LABEL_PODCLIQUE] ?? '') ?? gang.podGroups.length;
  const indexOf = (p: PodInfo) => podIndexOf(p) ?? Number.MAX_SAFE_INTEGER;
  return [...pods].sort((a, b) => rankOf(a) - rankOf(b) || naturalCompare(a.labels[LABEL_PODCLIQUE] ?? '', b.labels[LABEL_PODCLIQUE] ?? '') || indexOf(a) - indexOf(b) || naturalCompare(a.name, b.name));
}

/** A bound pod of a running gang, in the plan's terms (its real name and node). */
function plannedPodOf(pod: PodInfo, gang: ExpandedGang): PlannedPod {
  const podGroup = pod.labels[LABEL_PODCLIQUE] ?? '';
  const clique = gang.podGroups.find((g) => g.name === podGroup)?.clique ?? podGroup;
  return { name: pod.name, podGroup, clique, node: pod.nodeName ?? '', gpus: pod.requests.gpu, running: true };
}
