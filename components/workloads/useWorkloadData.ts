'use client';
/**
 * The cluster objects the Workloads pages read, live from the tab's stream, and the ClusterState the
 * placement engine runs on (the tab's shared one, components/hooks/useClusterState.ts).
 */
import { useMemo } from 'react';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { ClusterState } from '../../lib/cluster/state';
import type { WorkloadObjects } from '../../lib/workloads/tree';
import type { KubeObject } from '../../lib/grove/meta';
import { useClusterState } from '../hooks/useClusterState';
import { useConnectionState, useKindAvailabilities, useKindObjects } from '../hooks/useClusterStream';
import type { KindAvailability } from '../hooks/kindAvailability';

/** The kinds the Workloads pages read, each with whether its list can be believed. */
const WORKLOAD_KINDS = ['PodCliqueSet', 'PodClique', 'PodCliqueScalingGroup', 'PodGang', 'Pod', 'Event', 'Node'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface WorkloadData extends WorkloadObjects {
  events: readonly KubeObject[];
  /**
   * Undefined while the stream has not delivered its nodes, or when they cannot be had (stateError
   * says why: Nodes may not be listed, their list failed, the cluster has none, or a node or binding is
   * unreadable); unreadable pods are left out.
   */
  state?: ClusterState;
  /** Why `state` is missing and will not come by waiting (a clause: "you may not list Nodes, …"); absent while it loads. */
  stateError?: string;
  /** Per kind: live, loading, forbidden or failed (kindAvailability.ts). An empty list that is not live is not "none". */
  availability: Readonly<Record<WorkloadKind, KindAvailability>>;
  /** Pods left out of `state` because they could not be read: the GPUs they hold count as free in it. */
  unreadablePods: number;
  synced: boolean;
}

const NO_EVENTS: readonly KubeObject[] = Object.freeze([]);

const LIST_OF = { PodCliqueSet: 'podCliqueSets', PodClique: 'podCliques', PodCliqueScalingGroup: 'podCliqueScalingGroups', PodGang: 'podGangs', Pod: 'pods', Event: 'events' } as const;

/**
 * Whether the store still holds objects of `kind`: a kind that cannot be read now but was listed
 * before keeps its last objects (what is shown may be out of date), one never listed has none (what is
 * shown is read without it).
 */
export function keptObjects(data: Pick<WorkloadData, (typeof LIST_OF)[keyof typeof LIST_OF]>, kind: WatchedKind): boolean {
  const list = kind in LIST_OF ? LIST_OF[kind as keyof typeof LIST_OF] : undefined;
  return list !== undefined && data[list].length > 0;
}

/**
 * Why the cluster's nodes cannot be had, when waiting will not bring them: the Node list is refused or
 * failing with none in the store, or it is live and empty. Null while they load or once there are some.
 */
export function nodesStateError(nodes: KindAvailability, nodeCount: number): string | null {
  if (nodeCount > 0) return null;
  switch (nodes.status) {
    case 'forbidden':
      return 'you may not list Nodes, so the cluster’s nodes cannot be read';
    case 'failed':
      return `the cluster’s Nodes could not be listed (${nodes.error.replace(/\.$/, '')}); Canopy keeps retrying`;
    case 'live':
      return 'the cluster has no nodes';
    case 'loading':
      return null;
  }
}

export function useWorkloadData(options: { events?: boolean; state?: boolean } = {}): WorkloadData {
  const podCliqueSets = useKindObjects('PodCliqueSet');
  const podCliques = useKindObjects('PodClique');
  const podCliqueScalingGroups = useKindObjects('PodCliqueScalingGroup');
  const podGangs = useKindObjects('PodGang');
  const pods = useKindObjects('Pod');
  const allEvents = useKindObjects('Event');
  const connection = useConnectionState();
  const cluster = useClusterState({ enabled: options.state ?? false });
  const availability = useKindAvailabilities(WORKLOAD_KINDS);
  const nodesAvailable = availability.Node;
  // No nodes yet (the stream has not delivered them): no state, so pages say "loading" rather than "does not fit".
  const nodeCount = cluster.state?.nodes.length ?? 0;
  const state = cluster.state && nodeCount > 0 ? cluster.state : undefined;
  // Nodes refused or failing never arrive: say so rather than "loading" for ever.
  const stateError = cluster.error ?? (options.state ? nodesStateError(nodesAvailable, nodeCount) : null) ?? undefined;
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
      availability,
    }),
    [podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods, events, state, stateError, unreadablePods, synced, availability],
  );
}
