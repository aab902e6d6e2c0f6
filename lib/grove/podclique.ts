/** PodClique (grove.io/v1alpha1): generated per clique and PCS replica (API-NOTES §3, §9). */
import { GROVE_API_VERSION, LABEL_PCSG } from './labels';
import type { Condition, KubeObject, LastError, ObjectMeta } from './meta';
import type { PodCliqueSpec } from './podcliqueset';

export const PODCLIQUE_KIND = 'PodClique';
export const PODCLIQUE_PLURAL = 'podcliques';

export const CONDITION_PODCLIQUE_SCHEDULED = 'PodCliqueScheduled';
export const CONDITION_MIN_AVAILABLE_BREACHED = 'MinAvailableBreached';

export interface PodCliqueStatus {
  observedGeneration?: number;
  /** Non-terminating pods. */
  replicas?: number;
  readyReplicas?: number;
  scheduledReplicas?: number;
  scheduleGatedReplicas?: number;
  updatedReplicas?: number;
  hpaPodSelector?: string;
  currentPodCliqueSetGenerationHash?: string;
  currentPodTemplateHash?: string;
  updateProgress?: {
    updateStartedAt?: string;
    updateEndedAt?: string;
    podCliqueSetGenerationHash?: string;
    podTemplateHash?: string;
    readyPodsSelectedToUpdate?: { current?: string; completed?: string[] };
  };
  lastErrors?: LastError[];
  conditions?: Condition[];
}

export interface PodClique extends KubeObject {
  apiVersion: typeof GROVE_API_VERSION;
  kind: typeof PODCLIQUE_KIND;
  metadata: ObjectMeta;
  spec: PodCliqueSpec;
  status?: PodCliqueStatus;
}

/** The scaling group a PodClique belongs to, if any (its label, else its owner). */
export function scalingGroupOfPodClique(podClique: KubeObject): string | undefined {
  return (
    podClique.metadata?.labels?.[LABEL_PCSG] ||
    podClique.metadata?.ownerReferences?.find((r) => r.kind === 'PodCliqueScalingGroup')?.name ||
    undefined
  );
}

/**
 * Why a PodClique of a scaling group is not scaled by hand: Canopy's rule, not Grove's. Grove accepts
 * `kubectl scale pclq <member>` and keeps that count, but it resizes one replica of the group only, so
 * the group's replicas no longer have the same shape. One sentence for the preview, the UI and both sources.
 */
export function scalingGroupRefusal(podClique: string, group: string): string {
  return `PodClique ${podClique} belongs to scaling group ${group} and Canopy does not scale a member on its own: that would change only this replica of the group, and the group's replicas would no longer have the same shape; scale ${group} instead (or kubectl scale pclq ${podClique} if that is really wanted)`;
}
