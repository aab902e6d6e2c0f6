'use client';
/**
 * The cluster objects the Workloads pages read, live from the tab's stream, and the ClusterState the
 * placement engine runs on (the tab's shared one, components/hooks/useClusterState.ts).
 */
import { useMemo } from 'react';
import type { ClusterState } from '../../lib/cluster/state';
import type { WorkloadObjects } from '../../lib/workloads/tree';
import type { KubeObject } from '../../lib/grove/meta';
import { useClusterState } from '../hooks/useClusterState';
import { useConnectionState, useKindObjects } from '../hooks/useClusterStream';

export interface WorkloadData extends WorkloadObjects {
  events: readonly KubeObject[];
  /** Undefined while the stream has not delivered its nodes, or when a node or binding is unreadable (stateError says why); unreadable pods are left out. */
  state?: ClusterState;
  stateError?: string;
  /** Pods left out of `state` because they could not be read: the GPUs they hold count as free in it. */
  unreadablePods: number;
  synced: boolean;
}

const NO_EVENTS: readonly KubeObject[] = Object.freeze([]);

export function useWorkloadData(options: { events?: boolean; state?: boolean } = {}): WorkloadData {
  const podCliqueSets = useKindObjects('PodCliqueSet');
  const podCliques = useKindObjects('PodClique');
  const podCliqueScalingGroups = useKindObjects('PodCliqueScalingGroup');
  const podGangs = useKindObjects('PodGang');
  const pods = useKindObjects('Pod');
  const allEvents = useKindObjects('Event');
  const connection = useConnectionState();
  const cluster = useClusterState({ enabled: options.state ?? false });
  // No nodes yet (the stream has not delivered them): no state, so pages say "loading" rather than "does not fit".
  const state = cluster.state && cluster.state.nodes.length > 0 ? cluster.state : undefined;
  const stateError = cluster.error ?? undefined;
  const events = options.events ? allEvents : NO_EVENTS;
  const synced = connection.synced;
  const unreadablePods = cluster.unreadablePods;
  return useMemo(
    () => ({
      podCliqueSets,
      podCliques,
      podCliqueScalingGroups,
      podGangs,
      pods,
      events,
      ...(state ? { state } : {}),
      ...(stateError ? { stateError } : {}),
      unreadablePods,
      synced,
    }),
    [podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods, events, state, stateError, unreadablePods, synced],
  );
}
