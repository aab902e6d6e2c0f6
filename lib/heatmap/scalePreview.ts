/**
 * A scale-up previewed on the topology map: the request (kind, namespace, name, target replicas) is
 * what the page holds and what its URL carries, never a plan. The plan is made from the request on the
 * cluster state the page has now (previewScale, the engine the workloads page's scale preview uses), so
 * it follows the cluster as it changes and a link re-plans it wherever it is opened.
 */
import { SCALABLE_KINDS, isScalableKind } from '../cluster/kinds';
import type { ClusterState } from '../cluster/state';
import { LABEL_PART_OF } from '../grove/labels';
import { dns1123LabelError, dns1123SubdomainError, type KubeObject } from '../grove/meta';
import { previewScale, type GroveObjects, type ScalePreview, type ScaleTarget } from '../placement/preview';
import { expandedPodCount, planFit, type PlanFit } from '../workloads/planNotes';
import { plural } from '../workloads/plural';

/** The scale-up asked for: scale `kind` `namespace/name` to `replicas`. */
export type ScaleRequest = ScaleTarget;

/** The query parameter of the topology page that carries a scale request: `?scale=<kind>/<namespace>/<name>/<replicas>`. */
export const SCALE_PARAM = 'scale';

/** Longest replica count a URL may carry, in digits: more is a hand edit (previewScale refuses past MAX_REPLICAS with its own words). */
const MAX_REPLICA_DIGITS = 9;

/** `<kind>/<namespace>/<name>/<replicas>`: Kubernetes names hold no '/', so the parts split back unambiguously. */
export function formatScaleParam(request: ScaleRequest): string {
  return `${request.kind}/${request.namespace}/${request.name}/${request.replicas}`;
}

export type ScaleParamReading = { ok: true; request: ScaleRequest } | { ok: false; problem: string };

/** The request a `scale` parameter holds, or a sentence saying which part of it is wrong. */
export function parseScaleParam(value: string): ScaleParamReading {
  const fail = (why: string): ScaleParamReading => ({ ok: false, problem: `The scale-up in this link could not be read (${SCALE_PARAM}=${value.length > 80 ? `${value.slice(0, 80)}…` : value}): ${why}.` });
  const parts = value.split('/');
  if (parts.length !== 4) return fail(`expected <kind>/<namespace>/<name>/<replicas>, e.g. PodCliqueSet/default/my-stack/2, got ${plural(parts.length, 'part')}`);
  const [kind, namespace, name, replicas] = parts as [string, string, string, string];
  if (!isScalableKind(kind)) return fail(`kind "${kind}" is not one Canopy scales (${SCALABLE_KINDS.join(', ')})`);
  const namespaceError = namespace === '' ? 'must not be empty' : dns1123LabelError(namespace);
  if (namespaceError) return fail(`namespace "${namespace}" ${namespaceError}`);
  const nameError = name === '' ? 'must not be empty' : dns1123SubdomainError(name);
  if (nameError) return fail(`name "${name}" ${nameError}`);
  if (!/^\d+$/.test(replicas) || replicas.length > MAX_REPLICA_DIGITS) return fail(`replicas "${replicas}" is not a whole number`);
  return { ok: true, request: { kind, namespace, name, replicas: Number(replicas) } };
}

/** The topology page previewing this scale-up. */
export function scaleOnTopologyHref(request: ScaleRequest): string {
  return `/topology?${new URLSearchParams({ [SCALE_PARAM]: formatScaleParam(request) }).toString()}`;
}

/** The unit a replica count of `kind` counts: a PodClique's replicas are its pods. */
const unitOf = (kind: ScaleRequest['kind']) => (kind === 'PodClique' ? 'pod' : 'replica');

/** "PodCliqueSet default/llama-disagg to 2 replicas": what the preview is of. */
export function scaleRequestText(request: ScaleRequest): string {
  return `${request.kind} ${request.namespace}/${request.name} to ${plural(request.replicas, unitOf(request.kind))}`;
}

/** A scale-up as a preview counts it: replicas now and asked for, and the pods it plans. */
export interface ScaleUpFacts {
  kind: string;
  namespace: string;
  name: string;
  from: number;
  to: number;
  /** Planned pods the scale adds. */
  added: number;
  /** Planned pods the current counts already ask for (Pending, or not created yet): their GPUs are ghosts too. */
  waiting: number;
}

/** The pods a scale-up preview plans: those the scale adds, and those already asked for that do not run yet. */
export function plannedPodCounts(preview: Pick<ScalePreview, 'added' | 'gangs'>): { added: number; waiting: number } {
  const added = preview.added.length;
  return { added, waiting: expandedPodCount(preview.gangs) - added };
}

/**
 * "Scale-up of PodCliqueSet default/llama-disagg 1 → 2 (planned: 13 new pods)": the preview's title,
 * naming the waiting pods too, since their GPUs are among the ghosts.
 */
export function scaleUpTitle(scale: ScaleUpFacts): string {
  const planned = scale.waiting > 0 ? `${plural(scale.added, 'new pod')} and ${plural(scale.waiting, 'pod')} already waiting` : plural(scale.added, 'new pod');
  return `Scale-up of ${scale.kind} ${scale.namespace}/${scale.name} ${scale.from} → ${scale.to} (planned: ${planned})`;
}

/** The scale-up as the cluster given makes it: planned, or why there is nothing to plan. */
export type ScaleOnMap =
  /** The target is not among the cluster's objects (deleted, or never there), or is being deleted. */
  | { status: 'gone'; message: string }
  /** previewScale refuses the scale (replicas out of range, past the pod budget, a clique of a scaling group, no owner). */
  | { status: 'refused'; message: string }
  /** The target has the replicas asked for, or more, already: a scale to them adds nothing. */
  | { status: 'no-change'; from: number; message: string }
  | { status: 'planned'; from: number; preview: ScalePreview; title: string; fit: PlanFit };

function listOf(objects: GroveObjects, kind: ScaleRequest['kind']): readonly KubeObject[] {
  return kind === 'PodCliqueSet' ? objects.podCliqueSets : kind === 'PodCliqueScalingGroup' ? objects.podCliqueScalingGroups : objects.podCliques;
}

/**
 * Plans `request` on `state` and `objects` as they are now. Only what previewScale says is used, so
 * the map shows what the workloads page's preview would show on the same cluster.
 */
export function planScaleRequest(state: ClusterState, objects: GroveObjects, request: ScaleRequest): ScaleOnMap {
  const what = `${request.kind} ${request.namespace}/${request.name}`;
  const target = listOf(objects, request.kind).find((o) => o.metadata?.namespace === request.namespace && o.metadata?.name === request.name);
  if (!target) return { status: 'gone', message: `${what} is not in the cluster (deleted, or never there): there is no scale-up to preview.` };
  if (target.metadata?.deletionTimestamp) return { status: 'gone', message: `${what} is being deleted: there is no scale-up to preview.` };
  // A stack being deleted is torn down by the garbage collector: its parts are going too.
  const stack = request.kind === 'PodCliqueSet' ? undefined : target.metadata?.labels?.[LABEL_PART_OF];
  if (stack && objects.podCliqueSets.find((o) => o.metadata?.namespace === request.namespace && o.metadata?.name === stack)?.metadata?.deletionTimestamp)
    return { status: 'gone', message: `${what} is being deleted with its PodCliqueSet ${request.namespace}/${stack}: there is no scale-up to preview.` };
  const preview = previewScale(state, objects, request);
  if (preview.refused) return { status: 'refused', message: `${what} cannot be scaled to ${request.replicas}: ${preview.refused}` };
  if (preview.to <= preview.from) {
    const now = plural(preview.from, unitOf(request.kind));
    const message =
      preview.to === preview.from
        ? `${what} has ${now} already: scaling it to ${request.replicas} adds nothing, so there is nothing to place.`
        : `${what} has ${now} now: scaling it to ${request.replicas} would be a scale-down, which places nothing.`;
    return { status: 'no-change', from: preview.from, message };
  }
  const counts = plannedPodCounts(preview);
  return { status: 'planned', from: preview.from, preview, title: scaleUpTitle({ ...request, from: preview.from, to: preview.to, ...counts }), fit: planFit(preview.plan) };
}
