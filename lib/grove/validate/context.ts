import type { TopologyLevel } from '../clustertopologybinding';

/** The scheduler backends Grove knows (operator config `scheduler.profiles[].name`). */
export const SCHEDULER_BACKENDS = ['default-scheduler', 'kai-scheduler', 'volcano', 'lpx-scheduler'] as const;
/** Backends that understand topology constraints (and may have a scheduler topology binding). */
export const TOPOLOGY_AWARE_BACKENDS = ['kai-scheduler'] as const;

/**
 * What the validator knows about the cluster and the operator's configuration. Everything is
 * optional: an unknown fact disables the rules that need it rather than guessing.
 */
export interface ValidationContext {
  /** ClusterTopologyBindings of the cluster snapshot: name → levels (broadest first). */
  topologies?: Record<string, TopologyLevel[]>;
  /**
   * `topologies` is every binding the cluster has (an apiserver's admission view, not a partial
   * snapshot): a topologyName missing from it is then an error, as Grove's webhook makes it.
   */
  topologiesComplete?: boolean;
  /** Operator config `topologyAwareScheduling.enabled`. */
  topologyAwareScheduling?: boolean;
  /** Enabled scheduler profiles. Default: Grove's Helm chart, default-scheduler and kai-scheduler. */
  schedulerProfiles?: string[];
  /** Operator config `scheduler.defaultProfileName`. Default: default-scheduler. */
  defaultSchedulerProfile?: string;
  /** Operator config `network.autoMNNVLEnabled`. */
  autoMNNVLEnabled?: boolean;
}

export const DEFAULT_SCHEDULER_PROFILES = ['default-scheduler', 'kai-scheduler'];
