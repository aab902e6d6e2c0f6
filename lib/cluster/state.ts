/**
 * ClusterState: the plain-data view of a cluster that placement, the heatmap and the simulated
 * cluster share. Built from a cluster snapshot (a Kubernetes List, see lib/topology/snapshot.ts)
 * or from live objects (nodeInfoFromNode / podInfoFromPod). Quantities are already parsed to integers
 * (lib/cluster/quantity.ts). Treat a ClusterState as immutable: derived indexes (TopologyTree) copy
 * what they need and are rebuilt, not patched.
 */
import type { Taint, Toleration, NodeSelectorTerm } from '../grove/core';
import type { TopologyLevel } from '../grove/clustertopologybinding';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF } from '../grove/labels';

/** Resource amounts in integer units: GPUs, CPU millicores, memory bytes, pod slots. */
export interface Resources {
  gpu: number;
  cpuMilli: number;
  memory: number;
  pods: number;
  /**
   * Extended resources the scheduler's fit check counts, by name, in whole units (`rdma/ib`,
   * `example.com/fpga`; see isExtendedResourceName). Absent when there are none, so the common case costs
   * nothing.
   */
  extended?: Readonly<Record<string, number>>;
}

/** The resources every node and pod carries (not the optional extended map). */
export type ScalarResource = Exclude<keyof Resources, 'extended'>;

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  allocatable: Resources;
  taints: Taint[];
  unschedulable: boolean;
  /** Ready condition True (a node without a Ready condition counts as ready). */
  ready: boolean;
}

export interface PodInfo {
  namespace: string;
  name: string;
  /** Empty when not bound yet. */
  nodeName?: string;
  labels: Record<string, string>;
  /**
   * What the pod takes from its node, as the scheduler's fit check computes it (lib/cluster/resources.ts
   * podRequests): max(containers + sidecars, each init container), requests defaulted from limits,
   * plus spec.overhead and one pod slot.
   */
  requests: Resources;
  phase?: string;
  /** Pods that hold no resources any more (Succeeded/Failed) are still listed; placement ignores them. */
  terminal: boolean;
  /**
   * Deleted and going away (metadata.deletionTimestamp set: kubectl's "Terminating"). It still holds its
   * node's resources until it is gone, so placement counts it; where a replacement with the same Grove
   * PodClique and pod index exists, the replacement is the one that counts (lib/placement/preview.ts).
   * Absent means not terminating (set only when true, as snapshot.ts podInfoFromPod does).
   */
  terminating?: boolean;
}

/**
 * `namespace/pcs` of a pod the Grove operator manages, else ''. Both labels are read: Helm charts and
 * other tools set `app.kubernetes.io/part-of` too, and such a pod is not the PodCliqueSet's.
 */
export function workloadOfPod(pod: Pick<PodInfo, 'namespace' | 'labels'>): string {
  const pcs = pod.labels[LABEL_PART_OF];
  return pcs && pod.labels[LABEL_MANAGED_BY] === LABEL_MANAGED_BY_VALUE ? `${pod.namespace}/${pcs}` : '';
}

/** A ClusterTopologyBinding reduced to what placement needs. */
export interface TopologyInfo {
  name: string;
  /** Broadest → narrowest. Levels need not nest (Grove's own e2e hierarchy does not). */
  levels: TopologyLevel[];
}

/**
 * Read from a cluster, each list is in key order (`namespace/name`, or a cluster-scoped object's name):
 * as an apiserver lists them, the watch stores keep them and the simulated scheduler reads its store.
 * Placement breaks ties by input order, so two readers of one cluster (a preview, the simulated
 * scheduler) must list it alike to place a stack on the same nodes. The snapshot reader sorts so
 * (inKeyOrder, lib/topology/snapshot.ts), whatever order a file holds its items in.
 */
export interface ClusterState {
  nodes: NodeInfo[];
  pods: PodInfo[];
  topologies: TopologyInfo[];
}

/** What a pod asks of the scheduler, beyond resources. */
export interface PodSchedulingRequirements {
  nodeSelector?: Record<string, string>;
  /** requiredDuringSchedulingIgnoredDuringExecution terms (ORed). */
  requiredNodeAffinity?: NodeSelectorTerm[];
  tolerations?: Toleration[];
}
