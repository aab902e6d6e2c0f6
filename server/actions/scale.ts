/**
 * Scale through the `/scale` subresource (API-NOTES §14): PodCliqueSet, PodCliqueScalingGroup and
 * standalone PodClique. A PodClique that belongs to a scaling group is refused: its replica count is
 * the group's business (scale the PodCliqueScalingGroup instead), and Canopy shows groups as one unit.
 * When an HPA targets the object (whatever its name), the result says so: it will override a manual scale.
 */
import { CANOPY_FIELD_MANAGER } from '../../lib/cluster/fieldManagers';
import { KIND_INFO, isScalableKind, type ScalableKind } from '../../lib/cluster/kinds';
import { isReplicaCount, REPLICAS_RANGE } from '../../lib/cluster/limits';
import { LABEL_PCSG } from '../../lib/grove/labels';
import { replicasChangedRefusal } from '../../lib/workloads/scale';
import { scalingGroupOfPodClique, scalingGroupRefusal } from '../../lib/grove/podclique';
import type { KubeObject } from '../../lib/grove/meta';
import type { Connection } from '../kube/connection';
import { namespaceSegment, objectPath, pathSegment } from '../kube/paths';
import { isStatus, kubeRequest } from '../kube/request';
import type { ScaleOptions, ScaleResult } from '../sources/types';
import { ActionFailure } from './errors';

interface Scalable extends KubeObject {
  spec?: { replicas?: number };
}

interface Scale {
  spec?: { replicas?: number };
}

/**
 * PATCHes a guarded scale sends at most (the first and its retries): it re-reads and retries when only the
 * object's version moved (a status write), not its replicas.
 */
const GUARDED_ATTEMPTS = 4;

interface HorizontalPodAutoscaler {
  metadata?: { name?: string };
  spec?: { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string } };
}

/** Does the HPA scale `kind/name` of Grove's API group? */
function targets(hpa: HorizontalPodAutoscaler, kind: ScalableKind, name: string): boolean {
  const ref = hpa.spec?.scaleTargetRef;
  return ref?.kind === kind && ref.name === name && (!ref.apiVersion || ref.apiVersion.split('/')[0] === KIND_INFO[kind].group);
}

/**
 * The HPA that owns `kind/name`'s replica count, if any: Grove names the ones it makes after the
 * target, but a hand-written one may have any name, so the namespace's HPAs are listed. Without
 * permission to list, the same-named one is read instead; without that either, nothing is said.
 */
async function owningHpa(connection: Connection, kind: ScalableKind, namespace: string, name: string): Promise<string | undefined> {
  const collection = `/apis/autoscaling/v2${namespaceSegment(namespace)}/horizontalpodautoscalers`;
  const quiet = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof ActionFailure && error.status < 500) return undefined; // not found, or not allowed
      throw error;
    }
  };
  const list = await quiet(() => kubeRequest<{ items?: HorizontalPodAutoscaler[] }>(connection.kubeConfig, { method: 'GET', path: collection }));
  if (list) return list.items?.find((hpa) => targets(hpa, kind, name))?.metadata?.name;
  const same = await quiet(() => kubeRequest<HorizontalPodAutoscaler>(connection.kubeConfig, { method: 'GET', path: `${collection}/${pathSegment(name, 'name')}` }));
  return same && targets(same, kind, name) ? name : undefined;
}

export async function scaleObject(connection: Connection, kind: ScalableKind, namespace: string, name: string, replicas: number, options: ScaleOptions): Promise<ScaleResult> {
  if (!isScalableKind(kind)) {
    throw new ActionFailure({ status: 400, reason: 'BadRequest', message: `${kind} has no /scale subresource` });
  }
  if (!isReplicaCount(replicas)) {
    throw new ActionFailure({ status: 422, reason: 'Invalid', message: `replicas must be ${REPLICAS_RANGE}`, causes: [{ field: 'spec.replicas', message: `${replicas} is out of range` }] });
  }
  const read = () => kubeRequest<Scalable>(connection.kubeConfig, { method: 'GET', path: objectPath(kind, namespace, name) });
  let object = await read();
  const group = kind === 'PodClique' ? scalingGroupOfPodClique(object) : undefined;
  if (group) {
    throw new ActionFailure({
      status: 422,
      reason: 'ScalingGroupMember',
      message: scalingGroupRefusal(name, group),
      causes: [{ field: `metadata.labels["${LABEL_PCSG}"]`, message: `member of PodCliqueScalingGroup ${group}` }],
    });
  }
  const hpa = await owningHpa(connection, kind, namespace, name);
  const warnings: string[] = [];
  if (hpa) warnings.push(`HorizontalPodAutoscaler ${hpa} owns the replica count of ${kind} ${name}: it will override a manual scale`);
  const expected = options.expectedReplicas;
  const patch = (resourceVersion: string | undefined) =>
    kubeRequest<Scale>(connection.kubeConfig, {
      method: 'PATCH',
      path: objectPath(kind, namespace, name, 'scale'),
      query: { dryRun: options.dryRun ? 'All' : undefined, fieldManager: CANOPY_FIELD_MANAGER },
      contentType: 'application/merge-patch+json',
      // A Scale's resourceVersion is its object's: the apiserver refuses the write (409) if it moved.
      body: { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), spec: { replicas } },
      onWarning: (warning) => warnings.push(warning),
    });
  // One successful PATCH ends the loop whatever its body (kubeRequest gives undefined for an empty one):
  // only a guarded write refused for a moved version is re-read and sent again, GUARDED_ATTEMPTS
  // PATCHes in all at most.
  let scale: Scale | undefined;
  for (let attempt = 1; ; attempt++) {
    const actual = object.spec?.replicas ?? 0;
    if (expected !== undefined && actual !== expected) {
      throw new ActionFailure({ status: 409, reason: 'Conflict', message: replicasChangedRefusal(kind, namespace, name, expected, actual), causes: [{ field: 'spec.replicas', message: `${actual}, expected ${expected}` }] });
    }
    try {
      scale = await patch(expected !== undefined ? object.metadata?.resourceVersion : undefined);
      break;
    } catch (error) {
      // The version moved between the read and the write: read again and decide on the replicas alone
      // (the operator writes status often; that is no reason to refuse).
      if (expected === undefined || !(error instanceof ActionFailure) || error.status !== 409 || attempt >= GUARDED_ATTEMPTS) throw error;
      object = await read();
    }
  }
  return {
    kind,
    namespace,
    name,
    from: object.spec?.replicas ?? 0,
    to: scale?.spec?.replicas ?? replicas,
    dryRun: options.dryRun,
    ...(hpa ? { hpa } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
