'use client';
/**
 * Cluster data for components: the only way a component reads the cluster. One ClusterStore per tab,
 * streaming while any component uses these hooks; one EventSource on /api/stream per browser, held by
 * the tab that leads and relayed to the others (streamRelay.ts; Web Locks elect the leader where the
 * origin is secure, heartbeats on the channel elsewhere). Without BroadcastChannel each tab opens its own.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import { ClusterStore, onWake, type ClientConnectionState } from './clusterStore';
import { createBrowserRelay } from './streamRelay';
import { kindAvailability, type KindAvailability } from './kindAvailability';
import { onStreamNamespaceChange, streamNamespaceChoice, streamUrl, useSelectedNamespace } from './clusterContext';

let tabStore: ClusterStore | null = null;

function getTabStore(): ClusterStore {
  if (tabStore) return tabStore;
  const openEventSource = (url: string) => new EventSource(url);
  const relay = createBrowserRelay(openEventSource);
  // The namespace the stream asked for; every (re)open asks for the current choice.
  let asked = streamNamespaceChoice();
  const store = new ClusterStore({
    createEventSource: relay ? relay.createEventSource : openEventSource,
    get url() {
      asked = streamNamespaceChoice();
      return streamUrl(asked);
    },
  });
  // Another namespace chosen (here or in another tab: they share it through localStorage), or the
  // cluster now known: the tab holding the stream opens one for it, when the stream shows a kind
  // watched in another namespace (for every other kind the choice changes nothing the server sends,
  // so a first visit, which asks before it knows the cluster, does not pay a second snapshot). The
  // store keeps its data until the new snapshot; kinds watched in the old namespace read as loading
  // meanwhile (kindAvailability). Followers wait for the holder's new snapshot, relayed: asking it
  // now would get the old one.
  const follow = () => {
    const next = streamNamespaceChoice();
    if (!next || (next.namespace === asked?.namespace && next.cluster === asked?.cluster)) return;
    if (relay && relay.role !== 'leader') return;
    const kinds = Object.values(store.getConnectionState().kinds);
    if (kinds.some((state) => state?.namespace !== undefined && state.namespace !== next.namespace)) store.reopen();
  };
  onStreamNamespaceChange(follow);
  store.subscribe(follow);
  relay?.start({
    currentSnapshot: () => store.currentSnapshot(),
    becameLeader: () => {
      // The leader streams for every tab, whether or not its own page uses the cluster: never released.
      store.reopen();
      store.retain();
    },
    wake: () => store.retryNow(),
  });
  // Back online, or visible again: try now rather than at the end of the backoff (the stream is shared,
  // so a follower asks the leader to as well). Not on the server, where pages render too.
  if (typeof window !== 'undefined') {
    onWake({ window, document }, () => {
      store.retryNow();
      if (store.getConnectionState().stream !== 'open') relay?.wake();
    });
  }
  tabStore = store;
  return store;
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

/**
 * Whether `kind`'s list can be believed: live, loading, forbidden (403) or failed (the last error);
 * kindAvailability.ts. An empty list that is not live is never "none", nor is a kind still watched in
 * the namespace chosen before (the stream for the new one is on its way). Re-renders only when it changes.
 */
export function useKindAvailability(kind: WatchedKind): KindAvailability {
  return useKindAvailabilities([kind])[kind];
}

/** useKindAvailability for several kinds at once, by kind; `kinds` is read on every render (keep it constant). */
export function useKindAvailabilities<K extends WatchedKind>(kinds: readonly K[]): Readonly<Record<K, KindAvailability>> {
  const store = useClusterStream();
  const { namespace } = useSelectedNamespace();
  // A string snapshot compares by value, so a change of another kind does not re-render.
  const key = useSyncExternalStore(
    store.subscribe,
    () => JSON.stringify(kinds.map((kind) => [kind, kindAvailability(store.getConnectionState(), kind, namespace)])),
    () => JSON.stringify(kinds.map((kind) => [kind, { status: 'loading' }])),
  );
  return useMemo(() => Object.fromEntries(JSON.parse(key) as [K, KindAvailability][]) as Record<K, KindAvailability>, [key]);
}
