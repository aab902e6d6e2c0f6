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
 * Why a PodClique of a scaling group is not scaled by hand: Canopy's rule (the group's replicas are the
 * unit, so its cliques keep their ratio). One sentence for the preview, the UI and both sources.
 */
export function scalingGroupRefusal(podClique: string, group: string): string {
  return `PodClique ${podClique} belongs to scaling group ${group} (its replicas are the unit): Grove scales its cliques together, so scale ${group} instead`;
}
