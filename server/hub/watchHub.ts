/**
 * WatchHub: one upstream list+watch per kind (KindWatcher), however many browsers are connected, and a
 * fan-out to subscribers: each gets a snapshot of every store, then coalesced delta batches (the last
 * event per object within a ~150 ms window, numbered by an increasing sequence), and connection-state
 * updates. Starts upstream on the first subscriber; stops it a while after the last one leaves, so a
 * page reload does not pay for a full relist.
 *
 * A subscriber's first snapshot waits until every kind has listed once (or failed: its state says
 * why), at most `firstSnapshotTimeoutMs`: a snapshot of stores that were never filled would tell the
 * browser the cluster is empty. Subscribers arriving while nothing changed share one snapshot object,
 * so the streams encode it once, in parts (server/hub/sse.ts encodeSnapshot).
 *
 * Kinds the source lists in one namespace only (live: an identity refused cluster-wide, see
 * ClusterSource.namespaceOf) follow the namespace each subscriber chose (subscribe's `namespace`, from
 * the browser's header): subscribers of a namespace other than the source's share a view with its own
 * KindWatcher per such kind in that namespace (started with the view's first subscriber, stopped
 * idleStopMs after its last), its own batches and sequence; everyone else shares the '' view. Kinds
 * listed cluster-wide stay one watcher for all views (the browser filters them). A subscriber whose
 * view changes (the source learnt a kind's scope from its first list) waits for the new view's snapshot.
 *
 * Such namespace views are capped (`maxNamespaceViews`, CANOPY_MAX_WATCHED_NAMESPACES): each costs one
 * upstream watch per such kind, and any allowed browser may choose any namespace. A view left by its last
 * subscriber still counts until another namespace needs its place; then it is stopped at once. A
 * subscriber of a namespace that finds every place taken is refused, not dropped: it is shown the ''
 * view with those kinds empty, and it gets its namespace's view, with a snapshot, as soon as a place is
 * free. For its first `refusalGraceMs` those kinds read `connecting` (waiting for a place, not yet an
 * error): a tab switching namespace opens its new stream as it closes the old one, and the server may
 * hear the new request first, so at the limit the place it needs is about to free. Still refused when
 * the grace ends, they turn into an error (HTTP status 429, the message saying the limit), pushed to it
 * as a state, which every page already shows per kind ("Could not list PodCliqueSets in team-d: Canopy
 * is already watching …").
 *
 * While running, a health tick every `probeIntervalMs` (one timer for the hub, one request per source,
 * not per kind) asks the source's probe (live: /readyz). When it gets no answer the live kinds show as
 * retrying with the reason ("not answering"). When the apiserver answers but reports not ready (the
 * probe rejects with an error whose `notReady` is true: live, a 5xx) only kinds whose watch is quiet
 * too (nothing heard for `quietAfterMs`) do, worded "reports not ready": one failing check, or an
 * apiserver draining, may leave the watches streaming. When it answers again pending retries run at
 * once. The same tick restarts a kind's watch that heard nothing, not even a bookmark, for
 * `stallAfterMs` (a frozen apiserver keeps watches open and silent until their timeoutSeconds, 5–10 min);
 * after a restart that found nothing missed, the next watch may stay silent twice as long, and so on
 * until it hears something (KindWatcher.checkStall): a kind that does not change, on an apiserver that
 * sends no bookmarks, is not relisted every 2.5 intervals.
 */
import { WATCHED_KINDS, type WatchedKind } from '../../lib/cluster/kinds';
import { EventCoalescer, type ConnectionStates, type StreamDelta, type StreamSnapshot } from '../../lib/cluster/stream';
import { storeItems, type WatchEvent } from '../../lib/cluster/watch';
import type { ClusterSource } from '../sources/types';
import { KindWatcher, type KindWatcherOptions } from './kindWatcher';

export interface WatchHubOptions {
  kinds?: readonly WatchedKind[];
  /** `limit` of each list page. */
  pageSize?: number;
  /** Coalescing window of delta batches. */
  batchMs?: number;
  /** How long upstream watches outlive the last subscriber. */
  idleStopMs?: number;
  /**
   * Longest wait of a new subscriber for kinds still listing (a slow apiserver): then it gets what
   * there is, those kinds empty and `connecting`, and their lists arrive later as deltas.
   */
  firstSnapshotTimeoutMs?: number;
  backoff?: { baseMs: number; capMs: number };
  random?: () => number;
  now?: () => number;
  /** Period of the health tick (probe + stall check). */
  probeIntervalMs?: number;
  /** How long the source's probe may take before it counts as failed. */
  probeTimeoutMs?: number;
  /**
   * A watch silent this long is restarted. Default: 2.5 × the source's bookmarkIntervalMs (the
   * apiserver's bookmarks come about every minute, with jitter), none for a source without one.
   */
  stallAfterMs?: number;
  /**
   * While the probe reports not ready, a watch silent this long is suspect too. Default: 1.5 × the
   * source's bookmarkIntervalMs (a streaming watch hears a bookmark about every interval); without
   * one silence says nothing, so every open watch is.
   */
  quietAfterMs?: number;
  /** Namespace views open at once (see the module comment); default HUB_DEFAULTS.maxNamespaceViews. */
  maxNamespaceViews?: number;
  /**
   * How long a subscriber refused by that cap reads `connecting` before its kinds turn into the 429
   * (see the module comment); default HUB_DEFAULTS.refusalGraceMs, 0 refuses at once.
   */
  refusalGraceMs?: number;
}

export interface HubSubscriber {
  snapshot(snapshot: StreamSnapshot): void;
  delta(delta: StreamDelta): void;
  state(states: ConnectionStates): void;
  /** The hub is closing (its source was replaced): end the stream; the client reconnects to the new one. */
  end?(): void;
}

export interface HubCounters {
  /** Upstream watches open right now (at most one per kind). */
  upstreamWatches: number;
  subscribers: number;
  /** List requests made so far (each page counts). */
  listRequests: number;
  /** Delta batches sent so far. */
  batches: number;
}

export const HUB_DEFAULTS = {
  pageSize: 500,
  batchMs: 150,
  idleStopMs: 30_000,
  firstSnapshotTimeoutMs: 10_000,
  backoff: { baseMs: 500, capMs: 30_000 },
  probeIntervalMs: 15_000,
  probeTimeoutMs: 5_000,
  maxNamespaceViews: 32,
  // A switching tab's old stream closes within milliseconds of its new request, a few hundred through a
  // proxy or a busy server; a browser truly past the limit still hears why within a couple of seconds.
  refusalGraceMs: 2_000,
} as const;

/** The setting that overrides HUB_DEFAULTS.maxNamespaceViews (read by server/hub/index.ts). */
export const NAMESPACE_LIMIT_ENV = 'CANOPY_MAX_WATCHED_NAMESPACES';

/** Why a subscriber's namespace is not watched: every namespace view is taken (HTTP 429 in its kinds' states). */
export function namespaceLimitMessage(limit: number): string {
  return `Canopy is already watching ${limit} namespace${limit === 1 ? '' : 's'} (the limit, ${NAMESPACE_LIMIT_ENV}); close a tab watching another namespace or raise the limit`;
}

/** Where a subscriber is: the namespace it chose, its view, and what sits in that view's sets for it. */
interface Placement {
  namespace: string | undefined;
  view: View;
  /** Refused a view of its namespace (the cap): in the '' view, through a filter (`member`); else null. */
  refusal: Refusal | null;
  /** The subscriber itself, or when refused the filter that shows its namespace's kinds as refused. */
  member: HubSubscriber;
}

/** A refused subscriber's wait for a place: `connecting` for refusalGraceMs, then the 429 error. */
interface Refusal {
  /** When it was refused (its `connecting` states' `since`). */
  readonly since: number;
  /** When the grace ended (its 429 states' `since`); null while it lasts. */
  errorSince: number | null;
  /** Ends the grace; armed once the refusal is kept (startGrace), cleared when the subscriber leaves it. */
  graceTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * The subscribers that chose one namespace (or none), and what they are shown: per kind, the watcher
 * whose store they see (the hub's own, or one of this view's in its namespace), and their own batches,
 * numbered in their own sequence (a stream's deltas follow its snapshot, whatever other views do).
 */
interface View {
  /** The namespace these subscribers chose; undefined: none (the source's choice for every kind). */
  readonly namespace: string | undefined;
  readonly subscribers: Set<HubSubscriber>;
  /** Subscribers waiting for a snapshot (their first, or the next after a kind changed watcher): states, no deltas. */
  readonly waiting: Set<HubSubscriber>;
  /** Per kind, the watcher this view shows: one of `hub.watchers`, or one of `own`. */
  readonly shown: Map<WatchedKind, KindWatcher>;
  /** Watchers of kinds the source lists in one namespace only, in this view's namespace instead. */
  readonly own: Map<WatchedKind, KindWatcher>;
  readonly coalescer: EventCoalescer;
  seq: number;
  shared: { key: string; snapshot: StreamSnapshot } | null;
  waitTimer: ReturnType<typeof setTimeout> | null;
  /** Runs once the view has had no subscriber for idleStopMs: stops its own watchers, forgets it. */
  idleTimer: ReturnType<typeof setTimeout> | null;
}

export interface SubscribeOptions {
  /**
   * The namespace the browser chose. Kinds the source lists in one namespace only (the identity may not
   * list them cluster-wide: ClusterSource.namespaceOf) are listed and watched in this one for it, by a
   * watcher shared with every subscriber of the same namespace; kinds listed cluster-wide are the same
   * for everyone (the browser filters them).
   */
  namespace?: string;
}

export class WatchHub {
  /** One per kind: cluster-wide, or where the source falls back to (live: its one namespace). */
  private readonly watchers: KindWatcher[];
  private readonly kinds: readonly WatchedKind[];
  /**
   * By namespace: a namespace's view exists while some kind is watched there for its subscribers; those
   * that chose no namespace, or one where every kind is shown from the hub's own watchers, share ''.
   */
  private readonly views = new Map<string, View>();
  /** Every subscriber: the namespace it chose, and the view it is in now. */
  private readonly placed = new Map<HubSubscriber, Placement>();
  private readonly maxNamespaceViews: number;
  private readonly refusalGraceMs: number;
  private readonly watcherOptions: KindWatcherOptions;
  private readonly batchMs: number;
  private readonly idleStopMs: number;
  private readonly firstSnapshotTimeoutMs: number;
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every change a snapshot shows (events, states, a reset, a stop): keys `shared`. */
  private revision = 0;
  /** The watchers still listing afresh after a reset (onReset), or null. */
  private resyncing: Set<KindWatcher> | null = null;
  private running = false;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly stallAfterMs: number | undefined;
  private readonly quietAfterMs: number | undefined;
  private readonly now: () => number;
  private healthTimer: ReturnType<typeof setInterval> | null = null;
  private probing = false;
  /** The last probe's failure, until one succeeds. */
  private unhealthy: string | null = null;
  private readonly counters: HubCounters = { upstreamWatches: 0, subscribers: 0, listRequests: 0, batches: 0 };

  constructor(
    readonly source: ClusterSource,
    options: WatchHubOptions = {},
  ) {
    this.batchMs = options.batchMs ?? HUB_DEFAULTS.batchMs;
    this.idleStopMs = options.idleStopMs ?? HUB_DEFAULTS.idleStopMs;
    this.firstSnapshotTimeoutMs = options.firstSnapshotTimeoutMs ?? HUB_DEFAULTS.firstSnapshotTimeoutMs;
    this.probeIntervalMs = options.probeIntervalMs ?? HUB_DEFAULTS.probeIntervalMs;
    this.probeTimeoutMs = options.probeTimeoutMs ?? HUB_DEFAULTS.probeTimeoutMs;
    this.stallAfterMs = options.stallAfterMs ?? (source.bookmarkIntervalMs ? 2.5 * source.bookmarkIntervalMs : undefined);
    this.quietAfterMs = options.quietAfterMs ?? (source.bookmarkIntervalMs ? 1.5 * source.bookmarkIntervalMs : undefined);
    this.now = options.now ?? Date.now;
    this.maxNamespaceViews = options.maxNamespaceViews ?? HUB_DEFAULTS.maxNamespaceViews;
    this.refusalGraceMs = options.refusalGraceMs ?? HUB_DEFAULTS.refusalGraceMs;
    this.watcherOptions = {
      pageSize: options.pageSize ?? HUB_DEFAULTS.pageSize,
      backoff: options.backoff ?? HUB_DEFAULTS.backoff,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
    };
    this.kinds = options.kinds ?? WATCHED_KINDS;
    this.watchers = this.kinds.map((kind) => this.makeWatcher(kind));
  }

  private makeWatcher(kind: WatchedKind, namespace?: string): KindWatcher {
    const watcher: KindWatcher = new KindWatcher(
      kind,
      this.source,
      this.watcherOptions,
      {
        onEvents: (_kind, events) => this.enqueue(watcher, events),
        onState: () => this.onState(watcher),
        onWatchCountChange: (delta: 1 | -1) => {
          this.counters.upstreamWatches += delta;
        },
        onList: () => {
          this.counters.listRequests++;
        },
        onReset: () => this.onReset(watcher),
        onSettled: () => {
          for (const view of [...this.views.values()]) this.serveWaiting(view, false);
        },
      },
      namespace,
    );
    return watcher;
  }

  get stats(): Readonly<HubCounters> {
    return { ...this.counters, subscribers: this.placed.size };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The namespaces chosen by subscribers now, with the kinds watched in each for them (not the hub's own). */
  get namespaceWatches(): Record<string, WatchedKind[]> {
    const out: Record<string, WatchedKind[]> = {};
    for (const view of this.views.values()) if (view.namespace !== undefined && view.own.size > 0) out[view.namespace] = [...view.own.keys()];
    return out;
  }

  /** The states subscribers of `namespace` see (none, or a namespace nobody streams: the hub's own watchers'). */
  states(namespace?: string): ConnectionStates {
    return this.statesOf(this.shownBy(namespace));
  }

  private statesOf(shown: ReadonlyMap<WatchedKind, KindWatcher>): ConnectionStates {
    const states: ConnectionStates = {};
    for (const [kind, watcher] of shown) states[kind] = watcher.connectionState;
    return states;
  }

  private shownBy(namespace: string | undefined): ReadonlyMap<WatchedKind, KindWatcher> {
    return this.views.get(this.viewKey(namespace))?.shown ?? new Map(this.watchers.map((watcher) => [watcher.kind, watcher]));
  }

  /** The view subscribers of `namespace` belong in: theirs when some kind is watched there for them, else ''. */
  private viewKey(namespace: string | undefined): string {
    return namespace !== undefined && this.kinds.some((kind) => this.wantsOwn(namespace, kind)) ? namespace : '';
  }

  /**
   * Every store subscribers of `namespace` see, as it is now (see `states` for a namespace nobody
   * streams). Events already applied but not yet batched are included, and the next batch repeats
   * them: applying an event twice is harmless (same resourceVersion, same object). The same object
   * until something changes (callers must not modify it): one encoding serves every stream that asks
   * meanwhile (with 10k GPUs a snapshot is ~5.5 MB and ~70 ms to encode).
   */
  snapshot(namespace?: string): StreamSnapshot {
    return this.snapshotOf(this.views.get(this.viewKey(namespace)) ?? (this.unviewed ??= this.newView(undefined)));
  }

  /** What a namespace nobody streams is shown (snapshot()): the hub's own watchers. */
  private unviewed: View | null = null;

  private snapshotOf(view: View): StreamSnapshot {
    const shown = [...view.shown.values()];
    const key = `${view.seq}/${this.revision}/${shown.map((watcher) => watcher.store.resourceVersion).join(',')}`;
    if (view.shared?.key === key) return view.shared.snapshot;
    const kinds: StreamSnapshot['kinds'] = {};
    for (const watcher of shown) kinds[watcher.kind] = { resourceVersion: watcher.store.resourceVersion, items: storeItems(watcher.store) };
    const snapshot: StreamSnapshot = { seq: view.seq, kinds, states: this.statesOf(view.shown) };
    view.shared = { key, snapshot };
    return snapshot;
  }

  /**
   * Adds a subscriber: it gets the snapshot once every kind it is shown has listed (or failed; at most
   * `firstSnapshotTimeoutMs`), states meanwhile, then deltas and states. Returns the unsubscribe.
   */
  subscribe(subscriber: HubSubscriber, options: SubscribeOptions = {}): () => void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    const entry = this.place(subscriber, options.namespace);
    this.placed.set(subscriber, entry);
    this.join(entry.member, entry.view);
    this.startGrace(entry);
    this.start();
    // Starting may have moved it (a kind's scope already known to the source): wherever it is now.
    const placed = this.placed.get(subscriber)!;
    if (placed.view.waiting.has(placed.member)) this.serveWaiting(placed.view, false);
    this.armWaitTimer(placed.view);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const entry = this.placed.get(subscriber);
      this.placed.delete(subscriber);
      if (entry) {
        this.endGrace(entry);
        this.leave(entry.member, entry.view);
      }
      // Its place may be what a refused subscriber waits for.
      if ([...this.placed.values()].some((other) => other.refusal)) this.regroup();
      if (this.placed.size === 0 && this.running && !this.idleTimer) {
        this.idleTimer = setTimeout(() => {
          this.idleTimer = null;
          if (this.placed.size === 0) this.stop();
        }, this.idleStopMs);
      }
    };
  }

  /**
   * Where a subscriber of `namespace` goes: its namespace's view (made when there is none and the cap
   * leaves room: a view nobody uses any more gives up its place), or, refused, the '' view.
   */
  private place(subscriber: HubSubscriber, namespace: string | undefined): Placement {
    const key = this.viewKey(namespace);
    if (key === '' || this.views.has(key) || this.roomForView()) return { namespace, view: this.viewFor(namespace), refusal: null, member: subscriber };
    const now = this.now();
    const refusal: Refusal = { since: now, errorSince: this.refusalGraceMs > 0 ? null : now, graceTimer: null };
    return { namespace, view: this.viewFor(undefined), refusal, member: this.refusedMember(subscriber, namespace!, refusal) };
  }

  /**
   * Arms the grace of `entry`'s refusal, now that it is kept (place() also answers placements that are
   * then dropped): when it ends, still refused, its kinds turn into the 429, sent to it as a state.
   */
  private startGrace(entry: Placement): void {
    const refusal = entry.refusal;
    if (!refusal || refusal.errorSince !== null || refusal.graceTimer) return;
    refusal.graceTimer = setTimeout(() => {
      refusal.graceTimer = null;
      if (entry.refusal !== refusal) return;
      refusal.errorSince = this.now();
      const states = this.statesOf(entry.view.shown);
      safely(() => entry.member.state(states));
    }, this.refusalGraceMs);
  }

  /** `entry` leaves its refusal (admitted, gone, the hub closing): its grace timer goes with it. */
  private endGrace(entry: Placement): void {
    if (entry.refusal?.graceTimer) clearTimeout(entry.refusal.graceTimer);
    if (entry.refusal) entry.refusal.graceTimer = null;
  }

  /** Whether one more namespace view fits under the cap, after stopping a view nobody uses to make room. */
  private roomForView(): boolean {
    const namespaceViews = [...this.views.values()].filter((view) => view.namespace !== undefined);
    if (namespaceViews.length < this.maxNamespaceViews) return true;
    const unused = namespaceViews.find((view) => view.subscribers.size === 0);
    if (!unused) return false;
    this.forget(unused);
    return true;
  }

  /**
   * What stands for a refused subscriber in the '' view: its messages, with the kinds it would be shown
   * from its namespace's watchers (wantsOwn) empty, their deltas left out, and their states naming that
   * namespace (so the browser shows them loading or the message, not the source's own namespace's
   * objects): `connecting` while `refusal`'s grace lasts, then a 429 error.
   */
  private refusedMember(subscriber: HubSubscriber, namespace: string, refusal: Refusal): HubSubscriber {
    const lastError = namespaceLimitMessage(this.maxNamespaceViews);
    const refusedKinds = () => this.kinds.filter((kind) => this.wantsOwn(namespace, kind));
    const withRefusals = (states: ConnectionStates): ConnectionStates => {
      const out = { ...states };
      const errorSince = refusal.errorSince;
      for (const kind of refusedKinds()) {
        out[kind] = errorSince === null ? { kind, status: 'connecting', since: refusal.since, namespace } : { kind, status: 'error', since: errorSince, lastError, httpStatus: 429, namespace };
      }
      return out;
    };
    return {
      snapshot: (snapshot) => {
        const kinds = { ...snapshot.kinds };
        for (const kind of refusedKinds()) kinds[kind] = { resourceVersion: '', items: [] };
        subscriber.snapshot({ seq: snapshot.seq, kinds, states: withRefusals(snapshot.states) });
      },
      delta: (delta) => {
        const kinds = { ...delta.kinds };
        for (const kind of refusedKinds()) delete kinds[kind];
        subscriber.delta({ seq: delta.seq, kinds });
      },
      state: (states) => subscriber.state(withRefusals(states)),
      end: () => subscriber.end?.(),
    };
  }

  /** The view for subscribers of `namespace`, made when there is none. */
  private viewFor(namespace: string | undefined): View {
    const key = this.viewKey(namespace);
    let view = this.views.get(key);
    if (!view) {
      view = this.newView(key === '' ? undefined : key);
      this.views.set(key, view);
    }
    return view;
  }

  /** `subscriber` joins `view`, waiting for a snapshot of it; the view's own watchers start (again). */
  private join(subscriber: HubSubscriber, view: View): void {
    view.subscribers.add(subscriber);
    view.waiting.add(subscriber);
    if (view.idleTimer) clearTimeout(view.idleTimer);
    view.idleTimer = null;
    if (this.running) for (const watcher of view.own.values()) watcher.start();
  }

  private leave(subscriber: HubSubscriber, view: View): void {
    view.subscribers.delete(subscriber);
    view.waiting.delete(subscriber);
    if (view.waiting.size === 0) this.clearWaitTimer(view);
    if (view.subscribers.size === 0) this.releaseLater(view);
  }

  /**
   * After the source learnt (or changed its mind about) where a kind is listed: each subscriber into the
   * view its namespace now calls for (moved ones wait for a snapshot of their new view), and each
   * view's kinds pointed at the watchers they should be shown.
   */
  private regroup(): void {
    const moved = new Set<View>();
    // The refused last: a place the others free by moving (rights granted) is theirs.
    const entries = [...this.placed].sort(([, x], [, y]) => Number(x.refusal !== null) - Number(y.refusal !== null));
    for (const [subscriber, entry] of entries) {
      if (!entry.refusal && entry.view === this.views.get(this.viewKey(entry.namespace))) continue;
      const next = this.place(subscriber, entry.namespace);
      // Still refused: the same refusal (its grace runs on, or its 429 stays).
      if (next.view === entry.view && (next.refusal === null) === (entry.refusal === null)) continue;
      this.endGrace(entry);
      this.leave(entry.member, entry.view);
      Object.assign(entry, next);
      this.join(entry.member, entry.view);
      this.startGrace(entry);
      moved.add(entry.view);
    }
    for (const view of [...this.views.values()]) this.resolve(view);
    for (const view of moved) {
      this.serveWaiting(view, false);
      this.armWaitTimer(view);
    }
  }

  /** A view of `namespace`, each kind resolved (not registered: the caller keeps it or not). */
  private newView(namespace: string | undefined): View {
    const view: View = {
      namespace,
      subscribers: new Set(),
      waiting: new Set(),
      shown: new Map(this.watchers.map((watcher) => [watcher.kind, watcher])),
      own: new Map(),
      coalescer: new EventCoalescer(),
      seq: 0,
      shared: null,
      waitTimer: null,
      idleTimer: null,
    };
    this.resolve(view);
    return view;
  }

  /**
   * Whether `view` is shown `kind` from a watcher of its own namespace: the source lists the kind in one
   * namespace only (or was refused in that one too) and the view chose another.
   */
  private wantsOwn(namespace: string | undefined, kind: WatchedKind): boolean {
    if (namespace === undefined) return false;
    const scopedTo = this.source.namespaceOf?.(kind);
    return scopedTo !== undefined && scopedTo !== namespace;
  }

  /**
   * Points each kind of `view` at the watcher it should be shown: its own one in its namespace for
   * kinds the source lists in one namespace (learnt from the hub's first list of the kind, or changed
   * since by rights granted or withdrawn), else the hub's. A subscriber already served is sent a new
   * snapshot once the kinds that changed watcher have listed (they wait for it as for a first one).
   */
  private resolve(view: View): void {
    let changed = false;
    for (const base of this.watchers) {
      const kind = base.kind;
      const own = view.own.get(kind);
      if (this.wantsOwn(view.namespace, kind)) {
        if (own) continue;
        const created = this.makeWatcher(kind, view.namespace);
        view.own.set(kind, created);
        view.shown.set(kind, created);
        changed = true;
        if (this.running && view.subscribers.size > 0) created.start();
      } else if (own) {
        view.own.delete(kind);
        view.shown.set(kind, base);
        changed = true;
        own.stop();
      }
    }
    if (!changed || view.subscribers.size === 0) return;
    this.revision++;
    this.flushView(view);
    for (const subscriber of view.subscribers) view.waiting.add(subscriber);
    this.serveWaiting(view, false);
    this.armWaitTimer(view);
  }

  /** The last subscriber of `view` left: its own watchers stop after idleStopMs unless one comes back. */
  private releaseLater(view: View): void {
    this.clearWaitTimer(view);
    if (view.idleTimer) clearTimeout(view.idleTimer);
    view.idleTimer = setTimeout(() => {
      view.idleTimer = null;
      if (view.subscribers.size === 0) this.forget(view);
    }, this.idleStopMs);
  }

  private forget(view: View): void {
    if (view.idleTimer) clearTimeout(view.idleTimer);
    view.idleTimer = null;
    this.clearWaitTimer(view);
    if (this.views.get(view.namespace ?? '') === view) this.views.delete(view.namespace ?? '');
    const own = [...view.own.values()];
    view.own.clear();
    for (const watcher of own) watcher.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const entry of this.placed.values()) this.startGrace(entry);
    for (const watcher of this.watchers) watcher.start();
    for (const view of [...this.views.values()]) if (view.subscribers.size > 0) for (const watcher of view.own.values()) watcher.start();
    if (this.source.probe || this.stallAfterMs !== undefined) {
      this.healthTimer = setInterval(() => void this.checkHealth(), this.probeIntervalMs);
      this.healthTimer.unref?.();
    }
  }

  /** The hub's watchers and every view's own. */
  private allWatchers(): KindWatcher[] {
    const all = [...this.watchers];
    for (const view of this.views.values()) all.push(...view.own.values());
    return all;
  }

  /** The last health probe's failure (the apiserver not answering, or reporting not ready), or null. */
  get healthProblem(): string | null {
    return this.unhealthy;
  }

  /**
   * One health tick: restart silent watches, then probe the source (one request, whatever the kinds).
   * No answer: every open watch is suspect. Not ready: only the quiet ones; the others are live (again).
   */
  async checkHealth(): Promise<void> {
    if (!this.running) return;
    if (this.stallAfterMs !== undefined) for (const watcher of this.allWatchers()) watcher.checkStall(this.now(), this.stallAfterMs);
    if (!this.source.probe || this.probing) return;
    this.probing = true;
    let failure: string | null = null;
    let notReady = false;
    try {
      await this.source.probe(this.probeTimeoutMs);
    } catch (error) {
      notReady = reportsNotReady(error);
      const reason = error instanceof Error ? error.message : String(error);
      failure = notReady ? `the apiserver reports not ready: ${reason}` : `the apiserver is not answering its health check: ${reason}`;
    } finally {
      this.probing = false;
    }
    if (!this.running) return;
    const wasUnhealthy = this.unhealthy !== null;
    this.unhealthy = failure;
    if (failure === null) {
      if (wasUnhealthy) for (const watcher of this.allWatchers()) watcher.clearSuspicion();
      return;
    }
    const now = this.now();
    for (const watcher of this.allWatchers()) {
      if (!notReady || this.isQuiet(watcher, now)) watcher.suspect(failure);
      else if (wasUnhealthy) watcher.clearSuspicion();
    }
  }

  /** The kind's watch heard nothing for `quietAfterMs` (or no watch is open, or silence cannot be told from quiet). */
  private isQuiet(watcher: KindWatcher, now: number): boolean {
    const silent = watcher.silentForMs(now);
    return silent === null || this.quietAfterMs === undefined || silent > this.quietAfterMs;
  }

  /**
   * Stops every upstream watch now (subscribers stay, and get `connecting` states; a refused one's
   * grace stops too, and starts over with the hub).
   */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    for (const entry of this.placed.values()) this.endGrace(entry);
    if (!this.running) return;
    this.running = false;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
    this.unhealthy = null;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.resyncing = null;
    for (const view of [...this.views.values()]) {
      view.coalescer.take();
      view.shared = null;
      if (view.subscribers.size === 0) this.forget(view);
    }
    for (const watcher of this.allWatchers()) watcher.stop();
    this.revision++;
  }

  /** Stops upstream and ends every subscriber's stream: for a hub whose source is being replaced. */
  close(): void {
    this.stop();
    const subscribers = [...this.placed.keys()];
    this.placed.clear();
    for (const view of [...this.views.values()]) {
      view.subscribers.clear();
      view.waiting.clear();
      this.forget(view);
    }
    for (const subscriber of subscribers) safely(() => subscriber.end?.());
  }

  /**
   * Sends the waiting subscribers of `view` their snapshot, one shared object: once every kind they are
   * shown has settled (KindWatcher.settled), or when `force`d by the time bound (kinds still listing
   * are then empty and `connecting` in it; their lists reach these subscribers as deltas).
   */
  private serveWaiting(view: View, force: boolean): void {
    if (view.waiting.size === 0) return;
    if (!force && ![...view.shown.values()].every((watcher) => watcher.settled)) return;
    this.clearWaitTimer(view);
    const served = [...view.waiting];
    view.waiting.clear();
    const snapshot = this.snapshotOf(view);
    for (const subscriber of served) safely(() => subscriber.snapshot(snapshot));
  }

  private armWaitTimer(view: View): void {
    if (view.waiting.size > 0 && !view.waitTimer) view.waitTimer = setTimeout(() => ((view.waitTimer = null), this.serveWaiting(view, true)), this.firstSnapshotTimeoutMs);
  }

  private clearWaitTimer(view: View): void {
    if (view.waitTimer) clearTimeout(view.waitTimer);
    view.waitTimer = null;
  }

  private onState(watcher: KindWatcher): void {
    this.revision++;
    // The source learns a kind's scope from the hub's own list of it (live: a 403 cluster-wide), and
    // may change its mind (rights granted or withdrawn): views of another namespace follow.
    if (this.watchers.includes(watcher)) this.regroup();
    // Pending events go first: when a kind says `live`, its list has already reached subscribers
    // (a client may show a kind `connecting` without lastError as still loading, not as empty).
    this.flush();
    for (const view of [...this.views.values()]) {
      if (view.shown.get(watcher.kind) !== watcher) continue;
      const states = this.statesOf(view.shown);
      for (const subscriber of [...view.subscribers]) {
        if (view.waiting.has(subscriber)) this.stateAfterSnapshot(view, subscriber);
        else safely(() => subscriber.state(states));
      }
    }
  }

  /** Subscribers with a state pending (stateAfterSnapshot). */
  private readonly statePending = new Set<HubSubscriber>();

  /**
   * A waiting subscriber's state, a moment later: a kind says `live` just before it settles, and if that
   * serves the snapshot, the snapshot goes first. A browser that already shows another namespace's
   * objects (a stream reopened for a new choice) would otherwise hear "live in team-b" while it still
   * holds team-a's objects, and show "none" in team-b until the snapshot.
   */
  private stateAfterSnapshot(view: View, subscriber: HubSubscriber): void {
    if (this.statePending.has(subscriber)) return;
    this.statePending.add(subscriber);
    queueMicrotask(() => {
      this.statePending.delete(subscriber);
      if (!view.subscribers.has(subscriber)) return; // moved or gone meanwhile
      const states = this.statesOf(view.shown);
      // Until its snapshot, a kind of the view's own namespace is still loading for it, even once live:
      // its other own kinds may list a while longer, and the objects it holds are another namespace's.
      if (view.waiting.has(subscriber)) for (const kind of view.own.keys()) if (states[kind]?.status === 'live') states[kind] = { ...states[kind]!, status: 'connecting' };
      safely(() => subscriber.state(states));
    });
  }

  /**
   * One kind's relist came back older than its store: the cluster was re-created behind the same
   * context. The other watchers are just as stale (silent, from versions the new cluster lacks), so
   * every one lists afresh; then subscribers get one snapshot, since deltas from versions that went
   * back would be refused by their stores as stale. Pending deltas go first, to keep the order.
   */
  private onReset(from: KindWatcher): void {
    if (this.resyncing) return; // one already under way: its snapshot will carry this kind too
    const others = this.allWatchers().filter((watcher) => watcher !== from && watcher.isRunning);
    const pending = new Set(others);
    this.resyncing = pending;
    const finish = () => {
      if (pending.size > 0 || this.resyncing !== pending) return;
      this.resyncing = null;
      this.flush();
      this.revision++;
      for (const view of [...this.views.values()]) {
        const snapshot = this.snapshotOf(view);
        for (const subscriber of [...view.subscribers]) if (!view.waiting.has(subscriber)) safely(() => subscriber.snapshot(snapshot));
        this.serveWaiting(view, false);
      }
    };
    for (const watcher of others) watcher.resync(() => (pending.delete(watcher), finish()));
    finish();
  }

  private enqueue(watcher: KindWatcher, events: WatchEvent[]): void {
    this.revision++;
    let queued = false;
    for (const view of this.views.values()) {
      // Nobody of the view past their first snapshot: whoever is waiting gets these in it (no 5 MB delta of a cold list).
      if (view.shown.get(watcher.kind) !== watcher || view.subscribers.size === view.waiting.size) continue;
      for (const event of events) view.coalescer.add(watcher.kind, event);
      queued ||= view.coalescer.size > 0;
    }
    if (!this.batchTimer && queued) this.batchTimer = setTimeout(() => this.flush(), this.batchMs);
  }

  /** Sends the pending batches now (the timer calls this; tests and shutdown may too). */
  flush(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    for (const view of [...this.views.values()]) this.flushView(view);
  }

  private flushView(view: View): void {
    if (view.coalescer.size === 0) return;
    const delta: StreamDelta = { seq: ++view.seq, kinds: view.coalescer.take() };
    this.counters.batches++;
    for (const subscriber of [...view.subscribers]) if (!view.waiting.has(subscriber)) safely(() => subscriber.delta(delta));
  }
}

/** A probe's rejection saying the apiserver answered but is not ready (live: NotReadyError, a 5xx), not that it is silent. */
function reportsNotReady(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { notReady?: unknown }).notReady === true;
}

/** One subscriber's failure (a closed stream) must not starve the others. */
function safely(run: () => void): void {
  try {
    run();
  } catch {
    // The subscriber's own transport notices and unsubscribes.
  }
}
