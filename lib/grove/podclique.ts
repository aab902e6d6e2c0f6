/** PodClique (grove.io/v1alpha1): generated per clique and PCS replica (API-NOTES §3, §9). */
import { GROVE_API_VERSION } from './labels';
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
