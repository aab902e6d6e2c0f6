'use client';
/**
 * The header's cluster control: which cluster (simulated scenario, or live context and server), the
 * state of this tab's stream (a dot and a word, never colour alone), and a disclosure panel with the
 * details, the kubeconfig context switch (live only) and the namespace choice. ClusterBanner is the
 * strip under the header that says plainly when the cluster is simulated, or that there is none.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { WATCHED_KINDS, type WatchedKind } from '../../lib/cluster/kinds';
import type { ConnectionStates, ConnectionStatus, KindConnectionState } from '../../lib/cluster/stream';
import {
  isValidNamespace,
  switchClusterContext,
  useClusterContext,
  useSelectedNamespace,
  type ClusterContextAnswer,
} from '../hooks/clusterContext';
import { reconnectWords, type ClientConnectionState } from '../hooks/clusterStore';
import { useCapabilities, type CapabilityState } from '../hooks/useCapabilities';
import { kindPlural } from '../hooks/kindAvailability';
import { useConnectionState, useKindObjects } from '../hooks/useClusterStream';
import { SECOND_TICK_MS, useShownNow } from '../hooks/useNow';

type Tone = 'ok' | 'limited' | 'wait' | 'bad';

export interface ConnectionSummary {
  tone: Tone;
  /** Which state this is, for tests and styling (the label may count seconds). */
  status: 'live' | 'limited' | 'connecting' | 'receiving' | 'retrying' | 'reconnecting';
  /** Short word for the header. */
  label: string;
  /** A sentence for the panel and the tooltip. */
  detail: string;
  /** What the live region says: the label without a countdown, which a screen reader would read every second. */
  announced: string;
  /** How often the label's text changes (a countdown in seconds), for the view's clock (useShownNow). */
  tickMs?: number;
  /** While the stream is down: "data as of 14:03:22", the moment what is shown was last known current. */
  asOf?: string;
}

/** A moment as the local time of day, "14:03:22" (24-hour: the same width every time). */
export function clockTime(ms: number): string {
  const at = new Date(ms);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * A kind the server's identity may not list at all: its watch is a lasting 403, not a passing failure.
 * The status the apiserver answered, not the wording of the error (a proxy's "forbidden" page is not
 * a refusal of rights); the stream comes from this same server version, which always sets it.
 */
function isForbidden(state: KindConnectionState | undefined): boolean {
  return state?.status === 'error' && state.httpStatus === 403;
}

/** What the server's identity may not read, from the per-kind states of the stream. */
export interface AccessLimits {
  /** Kinds listed in one namespace only (a cluster-wide list was refused), and that namespace. */
  scope: { namespace: string; kinds: WatchedKind[] } | null;
  /** Kinds refused outright (403). */
  forbidden: WatchedKind[];
  /**
   * Of `forbidden`, the namespaced kinds refused cluster-wide and in the one namespace the server
   * tried too (CANOPY_NAMESPACE, else the context's namespace, else `default`), and that namespace.
   */
  refusedIn: { namespace: string; kinds: WatchedKind[] } | null;
}

export function accessLimits(kinds: ConnectionStates): AccessLimits {
  const forbidden = WATCHED_KINDS.filter((kind) => isForbidden(kinds[kind]));
  // A kind's namespace: where it is listed when live; on a 403, the namespace that was tried as well.
  const scoped = WATCHED_KINDS.filter((kind) => kinds[kind]?.namespace && !forbidden.includes(kind));
  const refused = forbidden.filter((kind) => kinds[kind]?.namespace);
  return {
    scope: scoped.length > 0 ? { namespace: kinds[scoped[0]!]!.namespace!, kinds: scoped } : null,
    forbidden,
    refusedIn: refused.length > 0 ? { namespace: kinds[refused[0]!]!.namespace!, kinds: refused } : null,
  };
}

/**
 * How a person gets such kinds listed: the namespace chosen in the header is where the server lists and
 * watches them for this browser (with this identity's rights only); the server's own namespace is where
 * it starts before one is chosen.
 */
export const NAMESPACE_HINT =
  'Choose a namespace where this identity may list them under Namespace in the cluster panel: Canopy then lists and watches them there. Before one is chosen it uses CANOPY_NAMESPACE=<namespace>, else the context’s namespace (kubectl config set-context --current --namespace=<namespace>).';

/** The limits as sentences for a person: which namespace, what may not be listed, what that costs. */
export function accessSentences(limits: AccessLimits): string[] {
  const out: string[] = [];
  if (limits.scope) out.push(`Namespace ${limits.scope.namespace} only: you may not list ${limits.scope.kinds.map(kindPlural).join(', ')} cluster-wide.`);
  const refusedIn = limits.refusedIn;
  if (refusedIn) out.push(`You may not list ${refusedIn.kinds.map(kindPlural).join(', ')}, neither cluster-wide nor in namespace ${refusedIn.namespace} (the only namespace tried).`);
  const others = limits.forbidden.filter((kind) => !refusedIn?.kinds.includes(kind));
  if (others.length > 0) {
    const cost = others.includes('Node') ? ', so the topology page cannot show GPUs' : '';
    out.push(`You may not list ${others.map(kindPlural).join(', ')}${cost}.`);
  }
  if (refusedIn) out.push(NAMESPACE_HINT);
  return out;
}

/** The server's own read-only mode (CANOPY_READ_ONLY): every change is refused, whoever asks. */
export const SERVER_READ_ONLY = 'Read-only: changes are refused';

/** "a", "a and b", "a, b and c" (`word`: "and" / "or"). */
function list(items: readonly string[], word: 'and' | 'or'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

/**
 * What this identity may do with stacks in `namespace`, from the same access checks (SelfSubjectAccessReview,
 * /api/capabilities) that enable the stack page's Scale and Delete and the builder's Apply: not the
 * server's setting alone, which says nothing of the identity's rights.
 */
export function accessSummary(capabilities: CapabilityState, namespace: string): string {
  if (capabilities.status === 'loading') return `Checking what this identity may do in ${namespace}…`;
  if (capabilities.status === 'error') return `Not known: could not ask what this identity may do in ${namespace} (${capabilities.message.replace(/\.$/, '')})`;
  if (capabilities.capabilities.readOnly) return SERVER_READ_ONLY;
  const stacks = capabilities.capabilities.kinds.PodCliqueSet;
  if (!stacks) return `Not known: the server did not say what this identity may do with PodCliqueSets in ${namespace}`;
  const actions = [
    ['create', stacks?.apply],
    ['scale', stacks?.scale],
    ['delete', stacks?.delete],
  ] as const;
  const allowed = actions.filter(([, permission]) => permission?.allowed).map(([verb]) => verb);
  const refused = actions.filter(([, permission]) => !permission?.allowed).map(([verb]) => verb);
  if (refused.length === 0) return `Read and write: this identity may ${list(allowed, 'and')} PodCliqueSets in ${namespace}`;
  if (allowed.length === 0) return `Read only (this identity may not ${list(refused, 'or')} PodCliqueSets in ${namespace})`;
  return `Limited: this identity may ${list(allowed, 'and')} PodCliqueSets in ${namespace}, but not ${list(refused, 'or')} them`;
}

/**
 * The cluster cannot be used at all: its credentials are refused, its API server does not answer, or
 * it answers that it is not ready (its health check's failing checks, e.g. etcd) and no watch streams.
 */
export type ClusterProblem =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'unreachable'; reason: string; tls: boolean }
  | { kind: 'notReady'; reason: string };

/** The hub's wording when the apiserver answers its health check with a 5xx (server/hub/watchHub.ts). */
const NOT_READY = /^the apiserver reports not ready: /;

function reportsNotReady(state: KindConnectionState): boolean {
  return NOT_READY.test(state.lastError ?? '');
}

/** Failures of a connection that reached no apiserver answer (refused, timed out, TLS), or of its health probe. */
function isNoAnswer(state: KindConnectionState): boolean {
  if (reportsNotReady(state)) return false;
  if (state.httpStatus === undefined) return true;
  return state.httpStatus === 503 && /cannot reach|not answering/.test(state.lastError ?? '');
}

const TLS_ERROR = /certificate|self[- ]signed|altname|unable to verify|\bSSL\b|\bTLS\b/i;

/**
 * Whether the stream's kinds say the whole cluster is out of reach: any kind refused with 401 (the
 * credentials: every request fails alike), or no kind live and every failing one without an answer
 * from the apiserver or suspected by its health check reporting not ready (kinds refused for rights
 * before keep their 403 and do not count).
 */
export function clusterProblem(kinds: ConnectionStates): ClusterProblem | null {
  const states = Object.values(kinds).filter((k): k is KindConnectionState => !!k);
  const unauthorized = states.find((k) => k.status !== 'live' && k.httpStatus === 401);
  if (unauthorized) return { kind: 'unauthorized', message: unauthorized.lastError ?? 'Unauthorized' };
  if (states.length === 0 || states.some((k) => k.status === 'live')) return null;
  const failing = states.filter((k) => k.lastError && !isForbidden(k) && !(k.status === 'error' && k.httpStatus === 404));
  if (failing.length === 0 || !failing.every((k) => isNoAnswer(k) || reportsNotReady(k))) return null;
  // It answers, so it is reachable: say what it reports rather than "does not answer".
  const notReady = failing.find(reportsNotReady);
  if (notReady) return { kind: 'notReady', reason: notReady.lastError!.replace(NOT_READY, '') };
  const tls = failing.find((k) => TLS_ERROR.test(k.lastError!));
  return { kind: 'unreachable', reason: (tls ?? failing[0]!).lastError!, tls: !!tls };
}

/** The problem as sentences: what happened, what to do, and that Canopy keeps retrying. */
export function problemSentences(problem: ClusterProblem, source: { name: string; server?: string }): string[] {
  if (problem.kind === 'unauthorized') {
    return [
      `The cluster refused Canopy’s credentials (401 Unauthorized) for context “${source.name}”: its token or client certificate has probably expired or been revoked.`,
      'Refresh them (log in again or renew the token in the kubeconfig) and restart Canopy.',
      'Canopy keeps retrying every 30 s, which is enough when the context gets its token from a command.',
    ];
  }
  const at = source.server ? ` at ${source.server}` : '';
  if (problem.kind === 'notReady') {
    return [`The cluster’s API server${at} (context “${source.name}”) reports not ready: ${problem.reason.replace(/\.$/, '')}.`, 'Canopy keeps retrying; what is shown may be out of date.'];
  }
  // The kind's error repeats what the sentence says already ("cannot reach the apiserver at host:port: …").
  const reason = problem.reason
    .replace(/^the apiserver is not answering its health check: /, '')
    .replace(/^cannot reach the apiserver at \S+: /, '')
    .replace(/\.$/, '');
  return [
    `The cluster’s API server${at} (context “${source.name}”) does not answer Canopy: ${reason}.`,
    ...(problem.tls ? ['Its certificate is not trusted: check the certificate-authority and the server address of this context in the kubeconfig.'] : []),
    'Canopy keeps retrying; what is shown may be out of date.',
  ];
}

/**
 * The tab's stream state, folded with the server's upstream watches, as one word and a sentence. `now`
 * is the view's clock: a dropped stream counts down to its next attempt ("Reconnecting in 8 s", then
 * 7 s…), and says "Reconnecting…" once it is due or under way.
 */
export function summariseConnection(state: ClientConnectionState, now: number = Date.now()): ConnectionSummary {
  if (state.stream === 'reconnecting') {
    const { label, secondsLeft, ticking } = reconnectWords(state, now);
    const asOf = state.staleSince !== undefined ? `data as of ${clockTime(state.staleSince)}` : undefined;
    const dropped = secondsLeft ? `The stream to Canopy dropped; trying again in ${secondsLeft} s.` : 'The stream to Canopy dropped; reconnecting now.';
    return {
      tone: 'bad',
      status: 'reconnecting',
      label,
      detail: asOf ? `${dropped} What is shown is the cluster as of ${clockTime(state.staleSince!)} and may be out of date.` : dropped,
      announced: asOf ? `Reconnecting, ${asOf}` : 'Reconnecting',
      ...(ticking ? { tickMs: SECOND_TICK_MS } : {}),
      ...(asOf ? { asOf } : {}),
    };
  }
  // A first snapshot arriving in parts (a big cluster's takes seconds): how much of it is here.
  if (!state.synced && state.receiving && state.receiving.total > 0) {
    const { received, total } = state.receiving;
    const label = `Receiving the cluster… ${Math.floor((100 * received) / total)}%`;
    return { tone: 'wait', status: 'receiving', label, announced: label, detail: `${received.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} objects of the cluster’s first snapshot have arrived.` };
  }
  if (state.stream !== 'open' || !state.synced) return { tone: 'wait', status: 'connecting', label: 'Connecting…', announced: 'Connecting…', detail: 'Waiting for the first snapshot of the cluster.' };
  const kinds = Object.values(state.kinds).filter((k): k is KindConnectionState => !!k);
  // A kind before its first list (the store's `loading`: no error, not live since this stream's snapshot)
  // is starting up, not in trouble; and
  // kinds refused for rights are not retrying in any useful sense: they are the limits of this identity.
  const starting = kinds.filter((k) => state.loading?.[k.kind]);
  const troubled = kinds.filter((k) => k.status !== 'live' && !isForbidden(k) && !starting.includes(k));
  if (troubled.length > 0) {
    const names = troubled.map((k) => k!.kind).join(', ');
    const why = troubled.find((k) => k?.lastError)?.lastError;
    return {
      tone: 'bad',
      status: 'retrying',
      label: 'Retrying',
      announced: 'Retrying',
      detail: `Connected to Canopy, but its watch of ${names} is not live; it keeps retrying.${why ? ` Last error: ${why}` : ''}`,
    };
  }
  if (starting.length > 0) {
    return { tone: 'wait', status: 'connecting', label: 'Connecting…', announced: 'Connecting…', detail: `Connected to Canopy; waiting for its first list of ${starting.map((k) => k.kind).join(', ')}.` };
  }
  const limits = accessLimits(state.kinds);
  if (limits.forbidden.length > 0) {
    return { tone: 'limited', status: 'limited', label: 'Limited', announced: 'Limited', detail: ['Connected, with what this identity may read.', ...accessSentences(limits)].join(' ') };
  }
  const scope = limits.scope ? ` ${accessSentences(limits)[0]}` : '';
  return { tone: 'ok', status: 'live', label: 'Live', announced: 'Live', detail: `Connected: changes in the cluster appear as they happen.${scope}` };
}

const DOT: Record<Tone, string> = {
  ok: 'bg-emerald-500',
  limited: 'bg-amber-500',
  // Not yet known is neither good nor bad: grey, pulsing while it lasts.
  wait: 'bg-zinc-400 animate-pulse motion-reduce:animate-none dark:bg-zinc-500',
  bad: 'bg-red-500',
};

function StatusDot({ tone }: { tone: Tone }) {
  return <span aria-hidden="true" className={`inline-block size-2 shrink-0 rounded-full ${DOT[tone]}`} />;
}

const KIND_TONE: Record<ConnectionStatus, Tone> = { live: 'ok', connecting: 'wait', retrying: 'bad', error: 'bad' };

function sourceLabel(data: ClusterContextAnswer | null): string {
  if (!data) return 'Cluster';
  return data.source.mode === 'simulated' ? `Simulated: ${data.source.name}` : data.source.name;
}

export function ClusterStatus() {
  const connection = useConnectionState();
  // The clock ticks every second only while the label counts seconds.
  const clock = useShownNow();
  const summary = summariseConnection(connection, clock.now);
  clock.show([summary.tickMs]);
  const { state } = useClusterContext();
  const data = state.status === 'ready' ? state.data : null;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  // While open: a click outside closes it; Escape closes it and, when focus was in the panel (or
  // nowhere), puts focus back on the button. Focus leaving by Tab keeps it open.
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      const active = document.activeElement;
      const inside = !active || active === document.body || !!rootRef.current?.contains(active);
      setOpen(false);
      if (inside) buttonRef.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    // Positioned only from sm up: on a phone the panel is placed against the header's row (AppHeader), whose right edge is the window's, so its 20rem stay on screen.
    <div ref={rootRef} className="min-w-0 sm:relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        title={[data?.source.server, summary.detail].filter(Boolean).join('\n')}
        onClick={() => setOpen((o) => !o)}
        data-connection={summary.status}
        className="inline-flex h-8 min-w-0 max-w-full items-center gap-2 sm:max-w-[22rem] rounded-md border border-zinc-300 px-2.5 text-xs font-medium text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <span className="sr-only">Cluster:</span>
        <span className="truncate">{sourceLabel(data)}</span>
        <span aria-hidden="true" className="text-zinc-400 dark:text-zinc-500">
          ·
        </span>
        <span className="inline-flex items-center gap-1.5" data-testid="connection-state">
          <StatusDot tone={summary.tone} />
          {summary.label}
        </span>
        {/* Its own element: the label above counts seconds, this stays put while the stream is down. */}
        {summary.asOf ? (
          <>
            <span aria-hidden="true" className="text-zinc-400 dark:text-zinc-500">
              ·
            </span>
            <span className="whitespace-nowrap font-normal text-zinc-600 dark:text-zinc-400" data-testid="connection-as-of">
              {summary.asOf}
            </span>
          </>
        ) : null}
        <svg aria-hidden="true" viewBox="0 0 16 16" className={`size-3 transition-transform ${open ? 'rotate-180' : ''}`} fill="currentColor">
          <path d="M3.5 6 8 10.5 12.5 6z" />
        </svg>
      </button>
      {/* A polite live region outside the button, so screen readers hear "Live" / "Reconnecting" as it changes (not each second counted). */}
      <span role="status" className="sr-only">
        {`Cluster connection: ${summary.announced}`}
      </span>
      {open ? <ClusterPanel id={panelId} data={data} state={state} connection={connection} summary={summary} /> : null}
    </div>
  );
}

function ClusterPanel({
  id,
  data,
  state,
  connection,
  summary,
}: {
  id: string;
  data: ClusterContextAnswer | null;
  state: ReturnType<typeof useClusterContext>['state'];
  connection: ClientConnectionState;
  summary: ConnectionSummary;
}) {
  return (
    <div
      id={id}
      role="group"
      aria-label="Cluster connection"
      className="absolute right-0 top-10 z-30 w-80 max-w-[calc(100vw-2rem)] rounded-lg border border-zinc-200 bg-white p-3 text-sm text-zinc-800 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      {state.status === 'loading' ? <p className="text-zinc-600 dark:text-zinc-400">Asking the server which cluster this is…</p> : null}
      {state.status === 'error' ? <p className="text-red-700 dark:text-red-400">No cluster: {state.message}</p> : null}
      {data ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
          <dt className="text-zinc-500 dark:text-zinc-400">Source</dt>
          <dd>{data.source.mode === 'simulated' ? `Simulated cluster (scenario “${data.source.name}”)` : `Live: context “${data.source.name}”`}</dd>
          {data.source.server ? (
            <>
              <dt className="text-zinc-500 dark:text-zinc-400">Server</dt>
              <dd className="break-all font-mono">{data.source.server}</dd>
            </>
          ) : null}
          <dt className="text-zinc-500 dark:text-zinc-400">Access</dt>
          <dd data-testid="cluster-access">{data.source.readOnly ? SERVER_READ_ONLY : <IdentityAccess fallbackNamespace={data.source.namespace} />}</dd>
        </dl>
      ) : null}

      <div className="mt-3 border-t border-zinc-200 pt-2 dark:border-zinc-700">
        <p className="flex items-center gap-1.5 text-xs font-medium">
          <StatusDot tone={summary.tone} />
          {summary.label}
        </p>
        <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{summary.detail}</p>
        {Object.keys(connection.kinds).length > 0 ? (
          <ul aria-label="Watches" className="mt-1.5 grid grid-cols-2 gap-x-3 gap-y-0.5 text-xs">
            {WATCHED_KINDS.map((kind) => {
              const k = connection.kinds[kind];
              if (!k) return null;
              const forbidden = isForbidden(k);
              return (
                <li key={kind} className="flex items-center gap-1.5" title={k.lastError ?? (k.namespace ? `namespace ${k.namespace} only` : undefined)}>
                  <StatusDot tone={forbidden ? 'limited' : KIND_TONE[k.status]} />
                  <span className="truncate">{kind}</span>
                  <span className="ml-auto text-zinc-500 dark:text-zinc-400">{forbidden ? 'forbidden' : k.namespace && k.status === 'live' ? `live in ${k.namespace}` : k.status}</span>
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>

      {data && data.source.mode === 'live' && data.contexts.length > 0 ? <ContextSwitch current={data.source.name} contexts={data.contexts} /> : null}
      {/* The current context cannot be used: the kubeconfig's others are offered to switch to. */}
      {state.status === 'error' && state.contexts.length > 0 ? <ContextSwitch current={null} contexts={state.contexts} /> : null}
      {data ? <NamespaceChoice /> : null}
    </div>
  );
}

/** Asked only while the panel is open, for the namespace chosen in the header. */
function IdentityAccess({ fallbackNamespace }: { fallbackNamespace: string }) {
  const namespace = useSelectedNamespace().namespace ?? fallbackNamespace;
  return <>{accessSummary(useCapabilities(namespace), namespace)}</>;
}

const FIELD =
  'h-8 min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2 text-xs text-zinc-900 dark:border-zinc-600 dark:bg-zinc-950 dark:text-zinc-100';
const BUTTON =
  'h-8 rounded-md border border-zinc-300 px-2.5 text-xs font-medium text-zinc-700 hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-600 dark:text-zinc-200 dark:hover:bg-zinc-800';

/** `current`: the context in use, or null when it failed (then any choice may be switched to). */
function ContextSwitch({ current, contexts }: { current: string | null; contexts: string[] }) {
  const selectId = useId();
  const [choice, setChoice] = useState(current ?? contexts[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (choice === current) return;
    setBusy(true);
    setError(null);
    try {
      await switchClusterContext(choice); // reloads the page on success
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={onSubmit} className="mt-3 border-t border-zinc-200 pt-2 dark:border-zinc-700">
      <label htmlFor={selectId} className="block text-xs font-medium">
        Context
      </label>
      <div className="mt-1 flex gap-2">
        <select id={selectId} value={choice} onChange={(e) => setChoice(e.target.value)} className={FIELD} disabled={busy}>
          {contexts.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button type="submit" className={BUTTON} disabled={busy || choice === current}>
          {busy ? 'Switching…' : 'Switch'}
        </button>
      </div>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function NamespaceChoice() {
  const { namespace, setNamespace } = useSelectedNamespace();
  // No Namespace list is watched: offer the namespaces the stream's objects live in, and free text.
  const pods = useKindObjects('Pod');
  const podCliqueSets = useKindObjects('PodCliqueSet');
  const known = useMemo(() => {
    const names = new Set<string>();
    for (const o of [...podCliqueSets, ...pods]) if (o.metadata?.namespace) names.add(o.metadata.namespace);
    return [...names].sort();
  }, [pods, podCliqueSets]);
  return <NamespaceForm namespace={namespace} known={known} onChoose={setNamespace} />;
}

function NamespaceForm({ namespace, known, onChoose }: { namespace: string | null; known: string[]; onChoose: (ns: string) => void }) {
  const inputId = useId();
  const listId = useId();
  const hintId = useId();
  // null: nothing typed since the last choice, so the field shows the namespace in use.
  const [typed, setTyped] = useState<string | null>(null);
  const draft = typed ?? namespace ?? '';
  const valid = isValidNamespace(draft);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    onChoose(draft);
    setTyped(null);
  };

  return (
    <form onSubmit={onSubmit} className="mt-3 border-t border-zinc-200 pt-2 dark:border-zinc-700">
      <label htmlFor={inputId} className="block text-xs font-medium">
        Namespace
      </label>
      <div className="mt-1 flex gap-2">
        <input
          id={inputId}
          list={listId}
          value={draft}
          onChange={(e) => setTyped(e.target.value.trim())}
          aria-invalid={draft !== '' && !valid}
          aria-describedby={hintId}
          spellCheck={false}
          autoComplete="off"
          className={FIELD}
        />
        <datalist id={listId}>
          {known.map((ns) => (
            <option key={ns} value={ns} />
          ))}
        </datalist>
        <button type="submit" className={BUTTON} disabled={!valid || draft === namespace}>
          Use
        </button>
      </div>
      <p id={hintId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        {draft !== '' && !valid
          ? 'A namespace name is lower-case letters, digits and dashes (at most 63).'
          : `In use: ${namespace ?? '…'}. Kept in this browser for this cluster.`}
      </p>
    </form>
  );
}

/**
 * The strip under the header: said plainly when the cluster is simulated, when there is none, or
 * when the live cluster is seen through an identity with limited rights (one namespace, no Nodes).
 */
export function ClusterBanner() {
  const { state } = useClusterContext();
  const connection = useConnectionState();
  const limits = accessSentences(accessLimits(connection.kinds));
  const problem = clusterProblem(connection.kinds);
  if (state.status === 'error') {
    return (
      <div role="alert" className="border-b border-red-300 bg-red-50 px-4 py-1.5 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200">
        No cluster: {state.message}
      </div>
    );
  }
  if (state.status !== 'ready') return null;
  if (state.data.source.mode !== 'simulated') {
    if (problem) {
      return (
        <div
          role="alert"
          data-testid="cluster-problem-banner"
          data-problem={problem.kind}
          className="border-b border-red-300 bg-red-50 px-4 py-1.5 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200"
        >
          {problemSentences(problem, state.data.source).join(' ')}
        </div>
      );
    }
    if (limits.length === 0) return null;
    return (
      <div
        role="status"
        data-testid="access-banner"
        className="border-b border-amber-300 bg-amber-50 px-4 py-1.5 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100"
      >
        {limits.join(' ')}
      </div>
    );
  }
  return (
    <div
      role="status"
      data-testid="simulated-banner"
      className="border-b border-amber-300 bg-amber-50 px-4 py-1.5 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100"
    >
      <strong className="font-semibold">Simulated cluster</strong> “{state.data.source.name}” — no kubeconfig in use, so nothing
      reaches a real cluster; changes stay in this process and are lost when it stops.
    </div>
  );
}
