/**
 * Whether a kind's list in the tab's store can be believed, from the stream's per-kind connection
 * states: an empty list means "there are none" only when the kind is live. Before its first list it is
 * loading; refused for rights (403) it is forbidden, and that lasts; any other failure (401, a CRD not
 * installed, the apiserver down) it failed, with the apiserver's words. Pages say which, never "none".
 * Framework-free, so it is tested in Node; the hook is useKindAvailability (useClusterStream.ts).
 */
import { KIND_INFO, type WatchedKind } from '../../lib/cluster/kinds';
import type { ClientConnectionState } from './clusterStore';

export type KindAvailability =
  | { status: 'live' }
  | { status: 'loading' }
  /** This identity may not list the kind (HTTP 403): lasting, not a passing failure. */
  | { status: 'forbidden'; error?: string }
  /** The list or watch failed otherwise and keeps retrying; `error` is the last one. */
  | { status: 'failed'; error: string };

export const LIVE: KindAvailability = Object.freeze({ status: 'live' });
const LOADING: KindAvailability = Object.freeze({ status: 'loading' });

/**
 * The availability of `kind` in this connection state. `selectedNamespace`: the namespace chosen in the
 * header; a kind the server watches in one namespace (its state names it) that is another one was
 * watched for the previous choice, and the stream for this one is on its way: loading, not "none".
 */
export function kindAvailability(connection: Pick<ClientConnectionState, 'synced' | 'kinds' | 'loading'>, kind: WatchedKind, selectedNamespace?: string | null): KindAvailability {
  if (!connection.synced) return LOADING;
  const state = connection.kinds[kind];
  if (state?.namespace !== undefined && selectedNamespace && state.namespace !== selectedNamespace) return LOADING;
  // A server that reports no state for the kind: its snapshot is all there is to go on.
  if (!state || state.status === 'live') return LIVE;
  if (connection.loading?.[kind]) return LOADING;
  if (state.status === 'error' && state.httpStatus === 403) return { status: 'forbidden', ...(state.lastError ? { error: state.lastError } : {}) };
  // A kind relisting after a reconnect, with no error yet: still loading, not failed.
  if (state.status === 'connecting' && !state.lastError) return LOADING;
  return { status: 'failed', error: state.lastError ?? `its watch is ${state.status}` };
}

/** The kind's name as a list says it: "PodGangs", "PodCliqueSets". */
export const kindPlural = (kind: WatchedKind): string => `${kind}s`;

/**
 * Why the list of `kind` shown is not the cluster's, as a sentence ("You may not list PodGangs in
 * team-a.", "Could not list PodCliqueSets: Unauthorized.", "Loading PodGangs…"), or null when it is
 * live. `namespace`: the namespace the page shows (namespaced kinds only).
 */
export function unavailableText(kind: WatchedKind, availability: KindAvailability, namespace?: string | null): string | null {
  const where = namespace && KIND_INFO[kind].namespaced ? ` in ${namespace}` : '';
  switch (availability.status) {
    case 'live':
      return null;
    case 'loading':
      return `Loading ${kindPlural(kind)}…`;
    case 'forbidden':
      return `You may not list ${kindPlural(kind)}${where}.`;
    case 'failed':
      return `Could not list ${kindPlural(kind)}${where}: ${availability.error.replace(/\.$/, '')}.`;
  }
}

/** The first of `kinds` that is not live, with its sentence; null when all are. */
export function firstUnavailable(
  availabilities: ReadonlyArray<readonly [WatchedKind, KindAvailability]>,
  namespace?: string | null,
): { kind: WatchedKind; availability: KindAvailability; text: string } | null {
  for (const [kind, availability] of availabilities) {
    const text = unavailableText(kind, availability, namespace);
    if (text) return { kind, availability, text };
  }
  return null;
}
