/**
 * Placement previews on the server: for the CLI-sized question ("where would this land on the whole
 * cluster") and for clients that do not hold the cluster. The same lib/placement previews the browser
 * runs on its own store, fed from the ClusterSource.
 */
import { SCALABLE_KINDS, type ScalableKind } from '../../lib/cluster/kinds';
import { REPLICAS_RANGE, isReplicaCount, type PodBudgetRefusal, podCliqueSetPodBudgetRefusal, scalePodBudgetRefusal } from '../../lib/cluster/limits';
import { clusterStateFromSnapshot } from '../../lib/topology/snapshot';
import { LABEL_PART_OF } from '../../lib/grove/labels';
import { hasErrors } from '../../lib/grove/findings';
import { isRecord, type KubeObject } from '../../lib/grove/meta';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { previewPodCliqueSet, previewScale, type PlacementPreview, type ScalePreview, type ScaleTarget } from '../../lib/placement/preview';
import { validate } from '../../lib/grove/validate';
import { clusterSnapshot, listAll } from '../kube/snapshot';
import type { ClusterSource } from '../sources/types';
import { refuseFindings } from './apply';
import { readManifests } from './applyManifests';
import { ActionFailure } from './errors';

export type PreviewRequest = { manifest: string } | { scale: ScaleTarget };

const invalid = (message: string) => new ActionFailure({ status: 422, reason: 'Invalid', message });

/** The request body, checked: exactly one of `manifest` (text) or `scale` (a ScaleTarget). Throws ActionFailure. */
export function readPreviewRequest(body: unknown): PreviewRequest {
  if (!isRecord(body)) throw invalid('the body must be an object with "manifest" or "scale"');
  if (typeof body.manifest === 'string' && body.scale === undefined) return { manifest: body.manifest };
  if (isRecord(body.scale) && body.manifest === undefined) {
    const { kind, namespace, name, replicas } = body.scale;
    if (typeof kind !== 'string' || !(SCALABLE_KINDS as readonly string[]).includes(kind)) throw invalid(`scale.kind must be one of ${SCALABLE_KINDS.join(', ')}`);
    if (typeof namespace !== 'string' || !namespace || typeof name !== 'string' || !name) throw invalid('scale.namespace and scale.name are required');
    if (!isReplicaCount(replicas)) throw invalid(`scale.replicas must be ${REPLICAS_RANGE}`);
    return { scale: { kind: kind as ScalableKind, namespace, name, replicas } };
  }
  throw invalid('the body must have exactly one of "manifest" (PodCliqueSet YAML) or "scale" ({kind, namespace, name, replicas})');
}

/** Why the scale would take its PodCliqueSet past the pod budget; undefined when it would not, or when the objects are missing (previewScale says so). */
function scaleOverBudget(objects: { podCliqueSets: KubeObject[]; podCliqueScalingGroups: KubeObject[]; podCliques: KubeObject[] }, target: ScaleTarget): PodBudgetRefusal | undefined {
  const list = target.kind === 'PodCliqueSet' ? objects.podCliqueSets : target.kind === 'PodCliqueScalingGroup' ? objects.podCliqueScalingGroups : objects.podCliques;
  const inNamespace = (o: KubeObject, name: string | undefined) => o.metadata?.namespace === target.namespace && o.metadata?.name === name;
  const object = list.find((o) => inNamespace(o, target.name));
  const pcsName = target.kind === 'PodCliqueSet' ? target.name : object?.metadata?.labels?.[LABEL_PART_OF];
  const podCliqueSet = objects.podCliqueSets.find((o) => inNamespace(o, pcsName));
  if (!object || !podCliqueSet) return undefined;
  const from = (object as { spec?: { replicas?: unknown } }).spec?.replicas;
  return scalePodBudgetRefusal({ kind: target.kind, object, from: typeof from === 'number' ? from : 0, to: target.replicas, podCliqueSet, podCliques: objects.podCliques });
}

export async function previewOnSource(source: ClusterSource, request: PreviewRequest): Promise<PlacementPreview | ScalePreview> {
  if ('manifest' in request) {
    const docs = readManifests(request.manifest).filter((d) => d.object.kind === 'PodCliqueSet');
    if (docs.length !== 1) throw invalid(`a placement preview takes exactly one PodCliqueSet (the manifest has ${docs.length})`);
    const pcs = docs[0]!.object as PodCliqueSet;
    // Only a valid PodCliqueSet is expanded: a wrong-typed field (`replicas: "20000"`) is refused with
    // the validator's errors, as an apply would be, instead of being built by whatever the expansion makes of it.
    const findings = validate(pcs);
    if (hasErrors(findings)) throw refuseFindings(findings);
    // Counted from the spec before anything is expanded: a million replicas are refused, not built.
    const overBudget = podCliqueSetPodBudgetRefusal(pcs);
    if (overBudget) throw new ActionFailure(overBudget);
    const state = clusterStateFromSnapshot(await clusterSnapshot(source));
    return previewPodCliqueSet(state, pcs);
  }
  const [snapshot, podCliqueSets, podCliqueScalingGroups, podCliques, podGangs] = await Promise.all([
    clusterSnapshot(source),
    listAll(source, 'PodCliqueSet'),
    listAll(source, 'PodCliqueScalingGroup'),
    listAll(source, 'PodClique'),
    listAll(source, 'PodGang'),
  ]);
  const overBudget = scaleOverBudget({ podCliqueSets, podCliqueScalingGroups, podCliques }, request.scale);
  if (overBudget) throw new ActionFailure(overBudget);
  return previewScale(clusterStateFromSnapshot(snapshot), { podCliqueSets, podCliqueScalingGroups, podCliques, podGangs }, request.scale);
}
