/** PodGang (scheduler.grove.io/v1alpha1): the unit a gang scheduler places all-or-nothing (§3, §11). */
import { GROVE_SCHEDULER_API_VERSION } from './labels';
import type { Condition, KubeObject, ObjectMeta } from './meta';

export const PODGANG_KIND = 'PodGang';
export const PODGANG_PLURAL = 'podgangs';

export const PODGANG_PHASES = ['Pending', 'Starting', 'Running'] as const;
export type PodGangPhase = (typeof PODGANG_PHASES)[number];

/** In a PodGang, constraints carry node label keys, not domain names. */
export interface PodGangTopologyConstraint {
  packConstraint?: { required?: string; preferred?: string };
}

export interface PodGroup {
  /** The PodClique's full name. */
  name: string;
  podReferences: { namespace: string; name: string }[];
  /** The clique's minAvailable: the gang minimum. */
  minReplicas: number;
  topologyConstraint?: PodGangTopologyConstraint;
}

export interface TopologyConstraintGroupConfig {
  name: string;
  podGroupNames: string[];
  topologyConstraint?: PodGangTopologyConstraint;
}

export interface PodGangSpec {
  /** Lower-case JSON name, as in the CRD. */
  podgroups: PodGroup[];
  topologyConstraint?: PodGangTopologyConstraint;
  topologyConstraintGroupConfigs?: TopologyConstraintGroupConfig[];
  priorityClassName?: string;
  reuseReservationRef?: { namespace: string; name: string };
}

export interface PodGangStatus {
  phase?: PodGangPhase;
  conditions?: Condition[];
  placementScore?: number;
}

export interface PodGang extends KubeObject {
  apiVersion: typeof GROVE_SCHEDULER_API_VERSION;
  kind: typeof PODGANG_KIND;
  metadata: ObjectMeta;
  spec: PodGangSpec;
  status?: PodGangStatus;
}
