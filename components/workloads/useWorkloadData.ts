'use client';
/**
 * The cluster objects the Workloads pages read, live from the tab's stream, and the ClusterState the
 * placement engine runs on (rebuilt only when Nodes, Pods or bindings change).
 */
import { useMemo } from 'react';
import { clusterStateFromObjects } from '../../lib/cluster/fromObjects';
import type { ClusterState } from '../../lib/cluster/state';
import type { WorkloadObjects } from '../../lib/workloads/tree';
import type { KubeObject } from '../../lib/grove/meta';
import { useConnectionState, useKindObjects } from '../hooks/useClusterStream';

export interface WorkloadData extends WorkloadObjects {
  events: readonly KubeObject[];
  /** Undefined while the stream has not delivered its first snapshot, or when a node/pod is unreadable. */
  state?: ClusterState;
  stateError?: string;
  synced: boolean;
}

const NO_EVENTS: readonly KubeObject[] = Object.freeze([]);

export function useWorkloadData(options: { events?: boolean; state?: boolean } = {}): WorkloadData {
  const podCliqueSets = useKindObjects('PodCliqueSet');
  const podCliques = useKindObjects('PodClique');
  const podCliqueScalingGroups = useKindObjects('PodCliqueScalingGroup');
  const podGangs = useKindObjects('PodGang');
  const pods = useKindObjects('Pod');
  const nodes = useKindObjects('Node');
  const bindings = useKindObjects('ClusterTopologyBinding');
  const allEvents = useKindObjects('Event');
  const connection = useConnectionState();
  const wantState = options.state ?? false;
  const built = useMemo((): { state?: ClusterState; error?: string } => {
    if (!wantState || nodes.length === 0) return {};
    try {
      return { state: clusterStateFromObjects({ nodes, pods, clusterTopologyBindings: bindings }) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [wantState, nodes, pods, bindings]);
  const events = options.events ? allEvents : NO_EVENTS;
  const synced = connection.synced;
  return useMemo(
    () => ({
      podCliqueSets,
      podCliques,
      podCliqueScalingGroups,
      podGangs,
      pods,
      events,
      ...(built.state ? { state: built.state } : {}),
      ...(built.error ? { stateError: built.error } : {}),
      synced,
    }),
    [podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods, events, built, synced],
  );
}
