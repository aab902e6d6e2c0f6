/** ClusterTopologyBinding (grove.io/v1alpha1, cluster-scoped): topology domains → node label keys (§3, §12). */
import { GROVE_API_VERSION } from './labels';
import type { Condition, KubeObject, ObjectMeta } from './meta';
import type { TopologyDomain } from './topology-constraint';

export const CLUSTER_TOPOLOGY_BINDING_KIND = 'ClusterTopologyBinding';
export const CLUSTER_TOPOLOGY_BINDING_PLURAL = 'clustertopologybindings';

export const CONDITION_SCHEDULER_TOPOLOGY_DRIFT = 'SchedulerTopologyDrift';

export interface TopologyLevel {
  domain: TopologyDomain;
  /** Node label key, e.g. `topology.kubernetes.io/zone`; ≤ 63 characters in total. */
  key: string;
}

export interface SchedulerTopologyBinding {
  schedulerName: string;
  topologyReference: string;
}

export interface ClusterTopologyBindingSpec {
  /** Ordered broadest → narrowest; the order is trusted, not validated. */
  levels: TopologyLevel[];
  schedulerTopologyBindings?: SchedulerTopologyBinding[];
}

export interface ClusterTopologyBindingStatus {
  observedGeneration?: number;
  schedulerTopologyStatuses?: {
    schedulerName: string;
    topologyReference: string;
    inSync: boolean;
    schedulerBackendTopologyObservedGeneration?: number;
    message?: string;
  }[];
  conditions?: Condition[];
}

export interface ClusterTopologyBinding extends KubeObject {
  apiVersion: typeof GROVE_API_VERSION;
  kind: typeof CLUSTER_TOPOLOGY_BINDING_KIND;
  metadata: ObjectMeta;
  spec: ClusterTopologyBindingSpec;
  status?: ClusterTopologyBindingStatus;
}

/** Index of a domain in the binding's levels (0 = broadest), or -1. */
export function levelIndex(binding: Pick<ClusterTopologyBindingSpec, 'levels'>, domain: TopologyDomain): number {
  return binding.levels.findIndex((l) => l.domain === domain);
}
