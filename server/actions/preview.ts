/**
 * Placement previews on the server: for the CLI-sized question ("where would this land on the whole
 * cluster") and for clients that do not hold the cluster. The same lib/placement previews the browser
 * runs on its own store, fed from the ClusterSource.
 */
import { isScalableKind, SCALABLE_KINDS, type ScalableKind } from '../../lib/cluster/kinds';
import { REPLICAS_RANGE, isReplicaCount } from '../../lib/cluster/limits';
import { clusterStateFromSnapshot } from '../../lib/topology/snapshot';
import { hasErrors } from '../../lib/grove/findings';
import { isRecord } from '../../lib/grove/meta';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { previewPodCliqueSet, previewScale, type PlacementPreview, type ScalePreview, type ScaleTarget } from '../../lib/placement/preview';
import { editableOfLive } from '../../lib/builder/liveStack';
import { admissionFindings } from '../../lib/heatmap/preview';
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
    if (!isScalableKind(kind)) throw invalid(`scale.kind must be one of ${SCALABLE_KINDS.join(', ')}`);
    if (typeof namespace !== 'string' || !namespace || typeof name !== 'string' || !name) throw invalid('scale.namespace and scale.name are required');
    if (!isReplicaCount(replicas)) throw invalid(`scale.replicas must be ${REPLICAS_RANGE}`);
    return { scale: { kind: kind as ScalableKind, namespace, name, replicas } };
  }
  throw invalid('the body must have exactly one of "manifest" (PodCliqueSet YAML) or "scale" ({kind, namespace, name, replicas})');
}

export async function previewOnSource(source: ClusterSource, request: PreviewRequest): Promise<PlacementPreview | ScalePreview> {
  if ('manifest' in request) {
    const docs = readManifests(request.manifest).filter((d) => d.object.kind === 'PodCliqueSet');
    if (docs.length !== 1) throw invalid(`a placement preview takes exactly one PodCliqueSet (the manifest has ${docs.length})`);
    const pcs = docs[0]!.object as PodCliqueSet;
    const [snapshot, podCliqueSets] = await Promise.all([clusterSnapshot(source), listAll(source, 'PodCliqueSet')]);
    const state = clusterStateFromSnapshot(snapshot);
    // Only what Grove's webhook admits is expanded, judged as the page's preview judges it: against the
    // cluster's bindings (the snapshot holds them all, or it would have failed) and, for a stack of a
    // running one's namespace/name, as an update of it. A wrong-typed field (`replicas: "20000"`) is
    // refused with the validator's errors too, instead of being built by whatever the expansion makes of it.
    const namespace = pcs.metadata?.namespace ?? 'default';
    const running = podCliqueSets.find((o) => o.metadata?.name === pcs.metadata?.name && (o.metadata?.namespace ?? 'default') === namespace);
    const context = { topologies: Object.fromEntries(state.topologies.map((t) => [t.name, t.levels])), topologiesComplete: true };
    const findings = admissionFindings(pcs as unknown as Record<string, unknown>, running ? editableOfLive(running) : undefined, context);
    if (hasErrors(findings)) throw refuseFindings(findings);
    // previewPodCliqueSet counts the pods before expanding: a million replicas are refused (422), not built.
    return previewPodCliqueSet(state, pcs);
  }
  const [snapshot, podCliqueSets, podCliqueScalingGroups, podCliques, podGangs] = await Promise.all([
    clusterSnapshot(source),
    listAll(source, 'PodCliqueSet'),
    listAll(source, 'PodCliqueScalingGroup'),
    listAll(source, 'PodClique'),
    listAll(source, 'PodGang'),
  ]);
  // A scale past the pod budget comes back `refused`, as every other refusal of a scale preview does.
  return previewScale(clusterStateFromSnapshot(snapshot), { podCliqueSets, podCliqueScalingGroups, podCliques, podGangs }, request.scale);
}
