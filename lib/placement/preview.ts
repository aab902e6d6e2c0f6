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
import { LABEL_PART_OF } from '../grove/labels';
import { workloadOfPod, type ClusterState } from '../cluster/state';
import { expandPodGangs, type ExpandOptions } from '../grove/expand';
import type { ExpandedGang } from '../grove/gang';
import type { KubeObject } from '../grove/meta';
import { DEFAULT_TERMINATION_DELAY, minAvailableOf, replicaIndexOf, type PodCliqueSet } from '../grove/podcliqueset';
import { scalingGroupOfPodClique, scalingGroupRefusal } from '../grove/podclique';
import { pinning, pinsRunningGang, type Pin, type Pinning } from './pin';
import { placeGangs, type PlaceOptions } from './place';
import type { Plan } from './plan';

export interface PlacementPreview {
  plan: Plan;
  gangs: ExpandedGang[];
  /**
   * `namespace/name` of the PodCliqueSet (the heatmap's workload key): the plan was made with the pods
   * the operator runs for it taken out, so a drawing of the plan must count their GPUs as free.
   */
  replaces: string;
}

/**
 * Where a PodCliqueSet would land if it were created now. Pods the Grove operator runs for a
 * PodCliqueSet of the same namespace and name are taken out of the cluster first: the preview answers
 * "where would this stack land", not "could a second copy of it fit beside the first". Throws (with
 * the count and the limit) for a stack of more than MAX_PODS pods.
 */
export function previewPodCliqueSet(state: ClusterState, pcs: PodCliqueSet, options?: PlaceOptions): PlacementPreview {
  // Counted before anything is built: a typo'd `replicas: 100000` must not freeze the page (or server) expanding it.
  const overBudget = podCliqueSetPodBudgetRefusal(pcs);
  if (overBudget) throw Object.assign(new Error(overBudget.message), overBudget); // status 422 and causes, for a server route
  const gangs = expandPodGangs(pcs);
  const name = pcs.metadata?.name ?? '';
  const namespace = pcs.metadata?.namespace ?? 'default';
  // The operator's pods of this stack only: a Helm chart's pod labelled part-of the same name still holds its GPUs.
  const workload = `${namespace}/${name}`;
  const others = state.pods.filter((p) => workloadOfPod(p) !== workload);
  const plan = placeGangs(others.length === state.pods.length ? state : { ...state, pods: others }, gangs, { bySchedulerName: true, ...options });
  return { plan, gangs, replaces: workload };
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
  /** The placement of what the scale adds: new gangs whole, and the new pods of gangs that exist. Empty for a scale-down. */
  plan: Plan;
  /** What was placed: new gangs, and for existing gangs a gang of only their new pods. */
  gangs: ExpandedGang[];
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
  return { from, to, refused: message, plan: EMPTY_PLAN, gangs: [] };
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
 * What scaling `target` to `target.replicas` would add, and where it would land. Refused (with the
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
    return { from, to, plan: EMPTY_PLAN, gangs: [], ...(breach ? { breach } : {}) };
  }
  const overBudget = scalePodBudgetRefusal({ kind, object, from, to, podCliqueSet: pcs, podCliques: objects.podCliques });
  if (overBudget) return refused(from, to, overBudget.message);

  // Expand with the replica counts the cluster has now (an HPA may have moved them off the template).
  const live: Required<Pick<ExpandOptions, 'scalingGroupReplicas' | 'podCliqueReplicas'>> = { scalingGroupReplicas: {}, podCliqueReplicas: {} };
  for (const g of objects.podCliqueScalingGroups) {
    const r = (g as Scalable).spec?.replicas;
    if (g.metadata?.namespace === namespace && g.metadata?.labels?.[LABEL_PART_OF] === pcsName && g.metadata.name && typeof r === 'number') live.scalingGroupReplicas[g.metadata.name] = r;
  }
  for (const c of objects.podCliques) {
    const r = (c as Scalable).spec?.replicas;
    if (c.metadata?.namespace === namespace && c.metadata?.labels?.[LABEL_PART_OF] === pcsName && c.metadata.name && typeof r === 'number') live.podCliqueReplicas[c.metadata.name] = r;
  }
  const before = expandPodGangs(pcs, live);
  const after =
    kind === 'PodCliqueSet'
      ? expandPodGangs({ ...pcs, spec: { ...pcs.spec, replicas: to } }, live)
      : kind === 'PodCliqueScalingGroup'
        ? expandPodGangs(pcs, { ...live, scalingGroupReplicas: { ...live.scalingGroupReplicas, [name]: to } })
        : expandPodGangs(pcs, { ...live, podCliqueReplicas: { ...live.podCliqueReplicas, [name]: to } });

  const placeOptions: PlaceOptions = { bySchedulerName: true, ...options };
  // Only a gang scheduler keeps new pods in the running gang's required domains; kube-scheduler places
  // each pod on its own with the constraints ignored, so nothing is pinned there.
  const asGang = (gang: ExpandedGang) => !placeOptions.bySchedulerName || pinsRunningGang(gang);
  const runningGangs = pinning(state);
  const { gangs, pins } = addedGangs(runningGangs, before, after, asGang);
  const plan = placeGangs(state, gangs, placeOptions);
  return { from, to, plan: { ...plan, gangs: plan.gangs.map((g) => runningGangs.explain(g, pins.get(g.name))) }, gangs };
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
  const count = kind === 'PodClique' ? `${to} pod${to === 1 ? '' : 's'}` : `${to} replica${to === 1 ? '' : 's'}`;
  const message =
    `${kind} ${name} would have ${count}, below its minAvailable ${minAvailable}: Grove marks it MinAvailableBreached, ` +
    `and once that has lasted the terminationDelay of ${terminationDelay}${defaultDelay ? ' (Grove’s default; the PodCliqueSet sets none)' : ''} ` +
    `it gang-terminates replica ${replicaIndex} of PodCliqueSet ${pcsName}: every PodClique of that replica is deleted and recreated, not only ${name}.`;
  return { kind, name, minAvailable, to, podCliqueSet: pcsName, replicaIndex, terminationDelay, defaultDelay, message };
}

/**
 * The gangs of `after` that `before` lacks, whole; and for gangs both have, their increment: a gang of
 * only the pods `before` lacks, which under a gang scheduler (asGang) must join the domains where the
 * gang already runs (pin.ts; `pins` says which, for explain).
 */
function addedGangs(pins: Pinning, before: readonly ExpandedGang[], after: readonly ExpandedGang[], asGang: (gang: ExpandedGang) => boolean): { gangs: ExpandedGang[]; pins: Map<string, Pin[]> } {
  const beforeGangs = new Set(before.map((g) => g.name));
  const beforePods = new Set(before.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods.map((p) => p.name))));
  const out: ExpandedGang[] = [];
  const pinsOf = new Map<string, Pin[]>();
  for (const gang of after) {
    if (!beforeGangs.has(gang.name)) {
      out.push(gang);
      continue;
    }
    const increment = pins.increment(gang, (group) => group.pods.filter((p) => !beforePods.has(p.name)), { pin: asGang(gang) });
    if (!increment) continue;
    out.push(increment.gang);
    if (increment.pins.length > 0) pinsOf.set(gang.name, increment.pins);
  }
  return { gangs: out, pins: pinsOf };
}
