'use client';
/**
 * Cluster data for components: the only way a component reads the cluster. One ClusterStore (one
 * EventSource on /api/stream) per tab, opened while any component uses these hooks.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import { ClusterStore, type ClientConnectionState } from './clusterStore';

let tabStore: ClusterStore | null = null;

function getTabStore(): ClusterStore {
  tabStore ??= new ClusterStore({ createEventSource: (url) => new EventSource(url) });
  return tabStore;
}

const SERVER_EMPTY: readonly KubeObject[] = Object.freeze([]);
const SERVER_STATE: ClientConnectionState = Object.freeze({ stream: 'idle', kinds: {}, synced: false }) as ClientConnectionState;

/** Keeps the tab's stream open while the calling component is mounted. */
export function useClusterStream(): ClusterStore {
  const store = getTabStore();
  useEffect(() => store.retain(), [store]);
  return store;
}

/** Every object of `kind`, sorted by namespace/name; re-renders only when that kind changes. */
export function useKindObjects<T extends KubeObject = KubeObject>(kind: WatchedKind): readonly T[] {
  const store = useClusterStream();
  return useSyncExternalStore(
    store.subscribe,
    () => store.getObjects(kind) as readonly T[],
    () => SERVER_EMPTY as readonly T[],
  );
}

/** The stream's state and the server's per-kind upstream connection states. */
export function useConnectionState(): ClientConnectionState {
  const store = useClusterStream();
  return useSyncExternalStore(store.subscribe, store.getConnectionState, () => SERVER_STATE);
}
