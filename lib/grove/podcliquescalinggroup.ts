/** PodCliqueScalingGroup (grove.io/v1alpha1): generated per scaling group and PCS replica (§3, §9). */
import { GROVE_API_VERSION } from './labels';
import type { Condition, KubeObject, LastError, ObjectMeta } from './meta';

export const PCSG_KIND = 'PodCliqueScalingGroup';
export const PCSG_PLURAL = 'podcliquescalinggroups';

export const CONDITION_GANG_TERMINATION_IN_PROGRESS = 'GangTerminationInProgress';

export interface PodCliqueScalingGroupSpec {
  replicas: number;
  minAvailable?: number;
  cliqueNames: string[];
}

export interface PodCliqueScalingGroupStatus {
  observedGeneration?: number;
  replicas?: number;
  scheduledReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  /** Note: `selector`, not `hpaPodSelector` as on PCS and PodClique. */
  selector?: string;
  currentPodCliqueSetGenerationHash?: string;
  updateProgress?: {
    updateStartedAt?: string;
    updateEndedAt?: string;
    podCliqueSetGenerationHash?: string;
    updatedPodCliquesCount?: number;
    totalPodCliquesCount?: number;
    readyReplicaIndicesSelectedToUpdate?: { current?: number; completed?: number[] };
  };
  lastErrors?: LastError[];
  conditions?: Condition[];
}

export interface PodCliqueScalingGroup extends KubeObject {
  apiVersion: typeof GROVE_API_VERSION;
  kind: typeof PCSG_KIND;
  metadata: ObjectMeta;
  spec: PodCliqueScalingGroupSpec;
  status?: PodCliqueScalingGroupStatus;
}
