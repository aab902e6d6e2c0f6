'use client';
/**
 * Which cluster this Canopy serves (GET /api/context), switching the kubeconfig context (POST, with
 * the CSRF header server/http/guard.ts asks for), and the namespace chosen in the header. Components
 * use the hooks here and never fetch themselves. One request per tab: the answer is shared by every
 * component that asks.
 *
 * The namespace lives in localStorage, keyed by the cluster (mode + context/scenario name): it is a
 * working preference of this browser for that cluster, as kubectl keeps one per context. So plain links
 * (the nav, links inside pages) need not thread a `?ns=` through, a reload or a new tab keeps it, and a
 * namespace chosen for one context never leaks into another where it may not exist. The cost: it is not
 * in a shared URL (a page that wants a shareable filter can still put one in its own query).
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { CSRF_HEADER, errorAnswerOf } from './clusterActions';

/** The part of the server's SourceInfo the UI shows (server/sources/types.ts). */
export interface ClusterSourceInfo {
  mode: 'live' | 'simulated';
  /** Live: kubeconfig context or 'in-cluster'. Simulated: scenario name. */
  name: string;
  server?: string;
  namespace: string;
  readOnly: boolean;
  note?: string;
}

export interface ClusterContextAnswer {
  source: ClusterSourceInfo;
  contexts: string[];
}

export type ClusterContextState =
  | { status: 'loading' }
  | { status: 'ready'; data: ClusterContextAnswer }
  /** `contexts`: the kubeconfig's contexts when the current one cannot be used (switch to another). */
  | { status: 'error'; message: string; contexts: string[] };

/** A failed answer of /api/context: the server's message, and the context names it still sent. */
export class ClusterContextError extends Error {
  override readonly name = 'ClusterContextError';
  constructor(
    message: string,
    readonly contexts: string[] = [],
  ) {
    super(message);
  }
}

async function answerError(response: Response): Promise<ClusterContextError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON
  }
  const contexts = (body as { contexts?: unknown } | null)?.contexts;
  return new ClusterContextError(
    errorAnswerOf(body, response.status, response.statusText).message,
    Array.isArray(contexts) ? contexts.filter((name): name is string => typeof name === 'string') : [],
  );
}

function isAnswer(value: unknown): value is ClusterContextAnswer {
  const v = value as ClusterContextAnswer | null;
  return !!v && typeof v === 'object' && !!v.source && typeof v.source.name === 'string' && Array.isArray(v.contexts);
}

export async function fetchClusterContext(signal?: AbortSignal): Promise<ClusterContextAnswer> {
  const response = await fetch('/api/context', { headers: { accept: 'application/json' }, signal, cache: 'no-store' });
  if (!response.ok) throw await answerError(response);
  const body: unknown = await response.json();
  if (!isAnswer(body)) throw new Error('the server answered /api/context with something unexpected');
  return body;
}

export async function postContextSwitch(context: string): Promise<ClusterContextAnswer> {
  const response = await fetch('/api/context', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADER },
    body: JSON.stringify({ context }),
  });
  if (!response.ok) throw await answerError(response);
  const body: unknown = await response.json();
  if (!isAnswer(body)) throw new Error('the server answered the context switch with something unexpected');
  return body;
}

// ---------------------------------------------------------------------------------------------
// One shared answer per tab

let contextState: ClusterContextState = { status: 'loading' };
let inFlight: Promise<void> | null = null;
const contextListeners = new Set<() => void>();

function setContextState(next: ClusterContextState): void {
  contextState = next;
  if (next.status === 'ready') rememberStreamChoice();
  for (const listener of contextListeners) listener();
}

function loadContext(): Promise<void> {
  inFlight ??= fetchClusterContext()
    .then((data) => setContextState({ status: 'ready', data }))
    .catch((error: unknown) =>
      setContextState({ status: 'error', message: error instanceof Error ? error.message : String(error), contexts: error instanceof ClusterContextError ? error.contexts : [] }),
    )
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

function subscribeContext(listener: () => void): () => void {
  contextListeners.add(listener);
  return () => contextListeners.delete(listener);
}

const SERVER_CONTEXT: ClusterContextState = { status: 'loading' };

/** What cluster this is; fetched once per tab (again after `reload`). */
export function useClusterContext(): { state: ClusterContextState; reload: () => Promise<void> } {
  const state = useSyncExternalStore(subscribeContext, () => contextState, () => SERVER_CONTEXT);
  useEffect(() => {
    if (contextState.status !== 'ready') void loadContext();
  }, []);
  const reload = useCallback(() => loadContext(), []);
  return { state, reload };
}

/**
 * Switches the server to another kubeconfig context. The server replaces its cluster source; the page
 * is then reloaded so that every view (and the tab's stream) starts from the new cluster's snapshot
 * rather than mixing two clusters' objects.
 */
export async function switchClusterContext(context: string): Promise<void> {
  const data = await postContextSwitch(context);
  setContextState({ status: 'ready', data });
  window.location.reload();
}

// ---------------------------------------------------------------------------------------------
// The chosen namespace

const NAMESPACE_KEY_PREFIX = 'canopy-namespace:';
const NAMESPACE_EVENT = 'canopy-namespace-change';

export function namespaceStorageKey(source: Pick<ClusterSourceInfo, 'mode' | 'name'>): string {
  return `${NAMESPACE_KEY_PREFIX}${source.mode}:${source.name}`;
}

/** A DNS-1123 label, as Kubernetes requires of namespace names. */
export function isValidNamespace(value: string): boolean {
  return value.length > 0 && value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function subscribeNamespace(listener: () => void): () => void {
  window.addEventListener('storage', listener);
  window.addEventListener(NAMESPACE_EVENT, listener);
  return () => {
    window.removeEventListener('storage', listener);
    window.removeEventListener(NAMESPACE_EVENT, listener);
  };
}

/**
 * The namespace the user chose for the current cluster (the source's default namespace until they
 * choose), or null while the cluster is not known yet. Pages that act on one namespace read this.
 */
export function useSelectedNamespace(): { namespace: string | null; setNamespace: (namespace: string) => void } {
  const { state } = useClusterContext();
  const source = state.status === 'ready' ? state.data.source : null;
  const key = source ? namespaceStorageKey(source) : null;
  const stored = useSyncExternalStore(
    subscribeNamespace,
    () => (key ? readStored(key) : null),
    () => null,
  );
  const namespace = source ? (stored && isValidNamespace(stored) ? stored : source.namespace) : null;
  const setNamespace = useCallback(
    (next: string) => {
      if (!key || !isValidNamespace(next)) return;
      try {
        window.localStorage.setItem(key, next);
      } catch {
        // Storage disabled: nothing to keep it in; the change event still tells this page.
      }
      window.dispatchEvent(new Event(NAMESPACE_EVENT));
    },
    [key],
  );
  return { namespace, setNamespace };
}

// ---------------------------------------------------------------------------------------------
// The namespace the cluster stream follows

/**
 * Which namespace the tab's stream asks the server to watch (kinds this identity may list in one
 * namespace only are watched in the chosen one: server/hub/streamRequest.ts), and for which cluster.
 */
export interface StreamNamespaceChoice {
  namespace: string;
  /** `<mode>:<name>` of the cluster it was chosen for: the server ignores a choice made for another. */
  cluster: string;
}

/** The last choice made with the cluster known, for a stream opened before /api/context answers (a reload). */
const LAST_STREAM_CHOICE_KEY = 'canopy-stream-namespace';

function choiceFor(source: Pick<ClusterSourceInfo, 'mode' | 'name' | 'namespace'>): StreamNamespaceChoice {
  const stored = readStored(namespaceStorageKey(source));
  return { namespace: stored && isValidNamespace(stored) ? stored : source.namespace, cluster: `${source.mode}:${source.name}` };
}

function rememberStreamChoice(): void {
  if (contextState.status !== 'ready' || typeof window === 'undefined') return;
  const choice = JSON.stringify(choiceFor(contextState.data.source));
  try {
    if (window.localStorage.getItem(LAST_STREAM_CHOICE_KEY) !== choice) window.localStorage.setItem(LAST_STREAM_CHOICE_KEY, choice);
  } catch {
    // Storage disabled: a reload asks without a namespace, then again once the cluster is known.
  }
}

/**
 * The namespace the stream should follow now: the header's choice for the cluster this server serves
 * (its default namespace until one is chosen); before /api/context has answered, the last choice this
 * browser made (a reload: most likely the same cluster); null when there is none yet.
 */
export function streamNamespaceChoice(): StreamNamespaceChoice | null {
  if (typeof window === 'undefined') return null;
  if (contextState.status === 'ready') return choiceFor(contextState.data.source);
  try {
    const last = JSON.parse(window.localStorage.getItem(LAST_STREAM_CHOICE_KEY) ?? 'null') as Partial<StreamNamespaceChoice> | null;
    if (last && typeof last.cluster === 'string' && typeof last.namespace === 'string' && isValidNamespace(last.namespace)) return { namespace: last.namespace, cluster: last.cluster };
  } catch {
    // Unreadable or not JSON: none.
  }
  return null;
}

/**
 * Calls `listener` when the stream's namespace may have changed: a choice in this tab or another (the
 * `storage` event), or the cluster becoming known. Starts loading /api/context (the choice is per cluster).
 */
export function onStreamNamespaceChange(listener: () => void): () => void {
  // Pages render on the server too: no choice there, nothing to follow.
  if (typeof window === 'undefined') return () => {};
  const changed = () => {
    rememberStreamChoice();
    listener();
  };
  const unsubscribeContext = subscribeContext(changed);
  const unsubscribeNamespace = subscribeNamespace(changed);
  if (contextState.status !== 'ready') void loadContext();
  return () => {
    unsubscribeContext();
    unsubscribeNamespace();
  };
}

/** The stream's URL for a choice: `/api/stream?namespace=…&cluster=…`, or plain without one. */
export function streamUrl(choice: StreamNamespaceChoice | null): string {
  if (!choice) return '/api/stream';
  return `/api/stream?${new URLSearchParams({ namespace: choice.namespace, cluster: choice.cluster })}`;
}
