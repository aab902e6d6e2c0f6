/**
 * An expanded PodGang: what Grove would create for one gang of a PodCliqueSet, as plain data the
 * placement engine and the simulated cluster consume (see expand.ts for how it is built).
 * Topology constraints stay as domain names here; placement maps them to node label keys through
 * the ClusterTopologyBinding, as Grove does when it writes the PodGang.
 */
import type { PodSchedulingRequirements, Resources } from '../cluster/state';

export interface GangTopologyConstraint {
  /** Domain name of a ClusterTopologyBinding level (e.g. "rack"). */
  required?: string;
  preferred?: string;
}

export interface ExpandedPod {
  /** Stable name `<podclique>-<podIndex>` (the pod's hostname; real pods get a random suffix instead). */
  name: string;
  namespace: string;
  podIndex: number;
  /** Full PodClique name. */
  podClique: string;
  /** Clique template name. */
  clique: string;
  labels: Record<string, string>;
  requests: Resources;
  scheduling: PodSchedulingRequirements;
}

export interface ExpandedPodGroup {
  /** Full PodClique name (= PodGang podgroups[].name). */
  name: string;
  clique: string;
  /** The clique's minAvailable: the gang minimum for this group. */
  minReplicas: number;
  pods: ExpandedPod[];
  topologyConstraint?: GangTopologyConstraint;
  /** Scaling group and its replica index, for PCSG members. */
  scalingGroup?: { name: string; replicaIndex: number };
}

/** A set of pod groups packed together inside the gang (one scaling-group replica in a base gang). */
export interface ExpandedGroupConfig {
  name: string;
  podGroupNames: string[];
  topologyConstraint?: GangTopologyConstraint;
}

export interface ExpandedGang {
  name: string;
  namespace: string;
  podCliqueSet: string;
  pcsIndex: number;
  /** true for the base gang `<pcs>-<i>`, false for a scaled gang of a scaling group. */
  base: boolean;
  /** For a scaled gang: the base gang it waits for. */
  baseGang?: string;
  /** ClusterTopologyBinding name when any constraint applies. */
  topologyName?: string;
  /** Applies to all pods of the gang. */
  topologyConstraint?: GangTopologyConstraint;
  groupConfigs: ExpandedGroupConfig[];
  podGroups: ExpandedPodGroup[];
  labels: Record<string, string>;
  priorityClassName?: string;
}
