/**
 * The browser's copy of the cluster: one stream per tab (an EventSource on /api/stream, or the one
 * another tab holds, relayed: streamRelay.ts; `createEventSource` decides which), one ObjectStore per kind
 * updated with the same applyWatchEvent/reconcile as the server's hub (lib/cluster/watch), and
 * immutable per-kind arrays for useSyncExternalStore (a kind's array changes identity only when that
 * kind changed, so unrelated views do not re-render). Framework-free so it is tested in Node.
 *
 * A snapshot in parts (lib/cluster/streamParts.ts) is parsed a part per message (each its own task, so
 * the page stays responsive) and applied at its end, all at once: until then the tab keeps what it
 * showed (or "loading" on a first load), and deltas and states that arrive meanwhile wait to apply
 * after it, in order.
 */
import { WATCHED_KINDS, type WatchedKind } from '../../lib/cluster/kinds';
import { backoffDelay, STREAM_EVENTS, type ConnectionStates, type StreamDelta, type StreamSnapshot } from '../../lib/cluster/stream';
import { SnapshotAssembler, type SnapshotProgress } from '../../lib/cluster/streamParts';
import { applyWatchEvent, createObjectStore, reconcile, storeItems, type ObjectStore } from '../../lib/cluster/watch';
import type { KubeObject } from '../../lib/grove/meta';

/** The part of the browser's EventSource this store uses (a fake one in tests). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
}

export type StreamStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

export interface ClientConnectionState {
  /** The browser ↔ Canopy stream. */
  stream: StreamStatus;
  /** Canopy ↔ apiserver, per kind, as the server reports it. */
  kinds: ConnectionStates;
  /** True once a snapshot arrived on this tab (data is meaningful). */
  synced: boolean;
  /** When reconnecting: delay before the next attempt (ms), as chosen when the stream dropped. */
  retryInMs?: number;
  /**
   * When reconnecting: when the next attempt starts (epoch ms). A view counts down to it on its own
   * clock (retrySecondsLeft); the store does not re-emit every second for it.
   */
  retryAt?: number;
  /**
   * Kinds still loading: `connecting` with no lastError and not live since this stream's snapshot. The
   * hub may send a kind empty while its first list runs (its objects follow as deltas, then `live`), so
   * an empty list of such a kind means "not loaded yet", not "none", and the header says it is starting
   * up, not in trouble. A reconnect's snapshot starts this over.
   */
  loading?: Partial<Record<WatchedKind, true>>;
  /** While a snapshot arrives in parts: how many of its objects have arrived. */
  receiving?: SnapshotProgress;
  /**
   * While the stream is down after data arrived (reconnecting, or closed with nobody using it): when it
   * was last heard from (epoch ms). What the tab shows is the cluster as of then and may be out of
   * date; the next snapshot clears it.
   */
  staleSince?: number;
}

type KindFlags = Partial<Record<WatchedKind, true>>;

/**
 * Whole seconds until the stream's next attempt at `now` (rounded up, so 0 only once it is due), or
 * null when no attempt is waited for. Never more than the delay chosen: a view's clock may have been
 * read a tick before the drop.
 */
export function retrySecondsLeft(connection: Pick<ClientConnectionState, 'stream' | 'retryAt' | 'retryInMs'>, now: number): number | null {
  if (connection.stream !== 'reconnecting' || connection.retryAt === undefined) return null;
  const left = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
  return connection.retryInMs !== undefined ? Math.min(left, Math.ceil(connection.retryInMs / 1000)) : left;
}

/**
 * A dropped stream's words, for every view that shows them: "Reconnecting in 8 s" counting down, then
 * "Reconnecting…" once the attempt is due or under way. `ticking` while an attempt is waited for, its
 * moment included: a view's clock that slowed at 0 s could read a time before the drop again and show
 * the seconds back until the attempt starts.
 */
export function reconnectWords(connection: Pick<ClientConnectionState, 'stream' | 'retryAt' | 'retryInMs'>, now: number): { label: string; secondsLeft: number | null; ticking: boolean } {
  const secondsLeft = retrySecondsLeft(connection, now);
  return { label: secondsLeft ? `Reconnecting in ${secondsLeft} s` : 'Reconnecting…', secondsLeft, ticking: secondsLeft !== null };
}

/**
 * A snapshot as one tab hands it to another (streamRelay.ts): the stream's, plus the kinds the giving
 * tab has seen live since its own snapshot, so the taking tab tells loading kinds the same way (a kind
 * relisting after it was live is not loading there either).
 */
export interface StoreSnapshot extends StreamSnapshot {
  liveSinceSnapshot?: KindFlags;
}

/** Which kinds are loading: `connecting` without an error, and not live since the snapshot. */
function loadingKinds(states: ConnectionStates, liveSinceSnapshot: ReadonlySet<WatchedKind>): KindFlags {
  const loading: KindFlags = {};
  for (const kind of WATCHED_KINDS) {
    const state = states[kind];
    if (state?.status === 'connecting' && !state.lastError && !liveSinceSnapshot.has(kind)) loading[kind] = true;
  }
  return loading;
}

/** The kinds flagged in a relayed snapshot's field (from another tab, so read with care). */
function readKindFlags(value: unknown): WatchedKind[] {
  if (!value || typeof value !== 'object') return [];
  return WATCHED_KINDS.filter((kind) => (value as Record<string, unknown>)[kind] === true);
}

/**
 * The stream's reconnect backoff: 1, 2, 4, 8 s, then 10 s, each with jitter (backoffDelay waits between
 * half and all of it, so tabs of many browsers do not come back in step after a server restart). Kept
 * short: the tab shows data that may be out of date meanwhile.
 */
export const STREAM_BACKOFF = { baseMs: 1_000, capMs: 10_000 };

/** The part of `window` and `document` that says when a waited-for reconnect is worth trying now. */
export interface WakeTargets {
  window: { addEventListener(type: 'online', listener: () => void): void; removeEventListener(type: 'online', listener: () => void): void };
  document: {
    readonly visibilityState: string;
    addEventListener(type: 'visibilitychange', listener: () => void): void;
    removeEventListener(type: 'visibilitychange', listener: () => void): void;
  };
}

/**
 * Calls `wake` when the browser is back online or the page becomes visible again (a hidden tab's timers
 * are held back, and the network may have come back meanwhile). Returns the unsubscribe.
 */
export function onWake(targets: WakeTargets, wake: () => void): () => void {
  const online = () => wake();
  const visible = () => {
    if (targets.document.visibilityState === 'visible') wake();
  };
  targets.window.addEventListener('online', online);
  targets.document.addEventListener('visibilitychange', visible);
  return () => {
    targets.window.removeEventListener('online', online);
    targets.document.removeEventListener('visibilitychange', visible);
  };
}

export interface ClusterStoreOptions {
  url?: string;
  createEventSource: (url: string) => EventSourceLike;
  /** STREAM_BACKOFF unless given. */
  backoff?: { baseMs: number; capMs: number };
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. */
  staleAfterMs?: number;
  random?: () => number;
  /**
   * How long the stream stays open after its last user leaves: a page change unmounts every hook and
   * mounts new ones, and React's StrictMode mounts effects twice; neither should cost a new snapshot.
   */
  closeDelayMs?: number;
}

const EMPTY: readonly KubeObject[] = Object.freeze([]);

export class ClusterStore {
  private readonly stores = new Map<WatchedKind, ObjectStore>(WATCHED_KINDS.map((kind) => [kind, createObjectStore(kind)]));
  private readonly items = new Map<WatchedKind, readonly KubeObject[]>();
  private readonly listeners = new Set<() => void>();
  private connection: ClientConnectionState = { stream: 'idle', kinds: {}, synced: false };
  private source: EventSourceLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private staleTimer: ReturnType<typeof setTimeout> | null = null;
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  /** When the current source last delivered a message (the data is as of then), and when it was opened or last heard (for its silence). */
  private heardAt = 0;
  private touchedAt = 0;
  private seq = -1;
  private users = 0;
  /** Kinds whose watch was live at or after this stream's latest snapshot. */
  private liveSinceSnapshot = new Set<WatchedKind>();
  /** The snapshot being received in parts, and what arrived after its begin (applied after it). */
  private readonly assembler = new SnapshotAssembler();
  private held: (() => void)[] = [];

  constructor(private readonly options: ClusterStoreOptions) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The objects of one kind, sorted by key; the same array until that kind changes. */
  getObjects(kind: WatchedKind): readonly KubeObject[] {
    let items = this.items.get(kind);
    if (!items) {
      const store = this.stores.get(kind);
      items = store && store.objects.size > 0 ? Object.freeze(storeItems(store)) : EMPTY;
      this.items.set(kind, items);
    }
    return items;
  }

  getConnectionState = (): ClientConnectionState => this.connection;

  /** Counts users of the stream: the first opens it, the last closes it. Returns the release. */
  retain(): () => void {
    this.users++;
    if (this.closeTimer) {
      clearTimeout(this.closeTimer);
      this.closeTimer = null;
    }
    // No stream and none coming (never opened, closed, or it failed while nobody was using it): open one.
    if (this.users === 1 && !this.source && !this.retryTimer) this.open();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users--;
      if (this.users > 0) return;
      const delay = this.options.closeDelayMs ?? 1_000;
      if (delay <= 0) this.close();
      else
        this.closeTimer = setTimeout(() => {
          this.closeTimer = null;
          if (this.users === 0) this.close();
        }, delay);
    };
  }

  /**
   * Replaces the stream's source at once, keeping the data and the status (this tab just became the one
   * holding the stream for the browser, or stopped being it): the new source starts with a snapshot.
   * Does nothing while no stream is wanted; the next retain opens one.
   */
  reopen(): void {
    if (!this.source && !this.retryTimer) return;
    this.source?.close();
    this.source = null;
    this.open(true);
  }

  /**
   * The browser is back online or the tab visible again (onWake): an attempt waited for starts now
   * instead of at the end of its backoff, and a stream silent for `staleAfterMs` (its timer may have
   * been held back while the tab was hidden) is replaced now. Nothing while no stream is wanted or
   * the stream is well. Returns whether a new attempt started.
   */
  retryNow(): boolean {
    if (this.users === 0) return false;
    if (this.retryTimer) {
      this.open();
      return true;
    }
    if (!this.source || Date.now() - this.touchedAt < (this.options.staleAfterMs ?? 45_000)) return false;
    this.source.close();
    this.source = null;
    this.open();
    return true;
  }

  /**
   * The tab's copy of the cluster as a stream snapshot, for another tab that starts following this
   * one; null unless this tab's stream is open and synced, and null while a snapshot is being received
   * (what the tab shows then is about to be replaced; the relay answers after it is applied).
   */
  currentSnapshot(): StoreSnapshot | null {
    if (this.connection.stream !== 'open' || !this.connection.synced || this.assembler.receiving) return null;
    const kinds: StreamSnapshot['kinds'] = {};
    for (const [kind, store] of this.stores) kinds[kind] = { resourceVersion: store.resourceVersion, items: [...this.getObjects(kind)] };
    const liveSinceSnapshot = Object.fromEntries([...this.liveSinceSnapshot].map((kind) => [kind, true])) as KindFlags;
    return { seq: this.seq, kinds, states: this.connection.kinds, liveSinceSnapshot };
  }

  private open(keepStatus = false): void {
    this.clearTimers();
    if (!keepStatus) this.setConnection({ stream: this.connection.synced ? 'reconnecting' : 'connecting', retryInMs: undefined, retryAt: undefined, ...this.staleMark() });
    // An attempt waited for (clearTimers just dropped it) is under way now: no deadline is left to count down to.
    else if (this.connection.retryAt !== undefined) this.setConnection({ retryInMs: undefined, retryAt: undefined });
    let source: EventSourceLike;
    try {
      source = this.options.createEventSource(this.options.url ?? '/api/stream');
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.source = source;
    // A half-received snapshot of the previous source will not be finished.
    this.dropPartialSnapshot();
    const guard = (handle: (data: unknown) => void) => (event: { data?: unknown }) => {
      if (this.source !== source) return;
      this.heardAt = Date.now();
      this.touch();
      let data: unknown;
      try {
        data = typeof event.data === 'string' ? JSON.parse(event.data) : undefined;
      } catch {
        return;
      }
      if (data && typeof data === 'object') handle(data);
    };
    /** Applies now, or after the snapshot being received. */
    const inOrder = (apply: (data: unknown) => void) => (data: unknown) => {
      if (this.assembler.receiving) this.held.push(() => apply(data));
      else apply(data);
    };
    source.addEventListener(STREAM_EVENTS.snapshot, guard((data) => {
      this.dropPartialSnapshot();
      this.onSnapshot(data as StreamSnapshot);
    }));
    source.addEventListener(STREAM_EVENTS.snapshotBegin, guard((data) => this.onSnapshotBegin(data)));
    source.addEventListener(STREAM_EVENTS.snapshotPart, guard((data) => this.onSnapshotPart(data)));
    source.addEventListener(STREAM_EVENTS.snapshotEnd, guard((data) => this.onSnapshotEnd(data)));
    source.addEventListener(STREAM_EVENTS.delta, guard(inOrder((data) => this.onDelta(data as StreamDelta))));
    source.addEventListener(STREAM_EVENTS.state, guard(inOrder((data) => this.setConnection({ kinds: data as ConnectionStates }))));
    source.addEventListener(STREAM_EVENTS.heartbeat, guard(() => {}));
    // EventSource retries by itself on some failures and gives up on others (HTTP errors); we take
    // over in both cases so the backoff is ours and a reconnect always starts from a snapshot.
    source.addEventListener('error', () => {
      if (this.source === source) this.scheduleReconnect();
    });
    this.touch();
  }

  private close(): void {
    this.clearTimers();
    this.source?.close();
    this.source = null;
    this.dropPartialSnapshot();
    this.setConnection({ stream: 'idle', retryInMs: undefined, retryAt: undefined, ...this.staleMark() });
  }

  /** The stream stops here: the data is as of its last message (kept from the first drop until a snapshot). */
  private staleMark(): Pick<ClientConnectionState, 'staleSince'> {
    return this.connection.synced && this.connection.staleSince === undefined ? { staleSince: this.heardAt } : {};
  }

  private scheduleReconnect(): void {
    this.source?.close();
    this.source = null;
    this.dropPartialSnapshot();
    this.clearTimers();
    if (this.users === 0) {
      // Nobody to reconnect for: the next retain opens a fresh stream.
      this.setConnection({ stream: 'idle', retryInMs: undefined, retryAt: undefined, ...this.staleMark() });
      return;
    }
    const delay = backoffDelay(this.attempt++, this.options.backoff ?? STREAM_BACKOFF, this.options.random);
    this.setConnection({ stream: 'reconnecting', retryInMs: delay, retryAt: Date.now() + delay, ...this.staleMark() });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.users > 0) this.open();
    }, delay);
  }

  private touch(): void {
    this.touchedAt = Date.now();
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => this.scheduleReconnect(), this.options.staleAfterMs ?? 45_000);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.retryTimer = null;
    this.staleTimer = null;
  }

  /** A new snapshot in parts: one half received is abandoned, and what waited behind it with it. */
  private onSnapshotBegin(data: unknown): void {
    this.held = [];
    this.assembler.begin(data);
    this.showProgress();
  }

  private onSnapshotPart(data: unknown): void {
    if (this.assembler.part(data)) this.showProgress();
  }

  /** The whole snapshot arrived: applied at once, then what came meanwhile, in order. */
  private onSnapshotEnd(data: unknown): void {
    const result = this.assembler.end(data);
    if (result.status === 'ignored') return;
    const held = this.held;
    this.held = [];
    if (result.status === 'incomplete') {
      // Parts went missing (a relayed stream that lost messages): only a fresh snapshot repairs it.
      this.setConnection({ receiving: undefined });
      this.scheduleReconnect();
      return;
    }
    const source = this.source;
    this.onSnapshot(result.snapshot);
    // Until one of them finds a gap and reconnects: the rest belong to the stream given up.
    for (const apply of held) if (this.source === source) apply();
  }

  private dropPartialSnapshot(): void {
    if (!this.assembler.receiving && this.held.length === 0) return;
    this.assembler.abort();
    this.held = [];
    if (this.connection.receiving) this.setConnection({ receiving: undefined });
  }

  /** The share received, for a loading indicator: a new state only when the percentage moves. */
  private showProgress(): void {
    const progress = this.assembler.progress() ?? undefined;
    const shown = this.connection.receiving;
    const percent = (p: SnapshotProgress | undefined) => (p && p.total > 0 ? Math.floor((100 * p.received) / p.total) : -1);
    if (progress && shown && shown.total === progress.total && percent(shown) === percent(progress)) return;
    this.setConnection({ receiving: progress });
  }

  /** A snapshot is the truth: reconcile every kind to it (only kinds that differ are re-rendered). */
  private onSnapshot(snapshot: StoreSnapshot): void {
    this.attempt = 0;
    // A new snapshot (a reconnect, a new leader) starts loading over; another tab's copy says what it saw.
    this.liveSinceSnapshot = new Set(readKindFlags(snapshot.liveSinceSnapshot));
    this.seq = typeof snapshot.seq === 'number' ? snapshot.seq : -1;
    for (const [kind, store] of this.stores) {
      const fresh = snapshot.kinds?.[kind] ?? { resourceVersion: '', items: [] };
      if (reconcile(store, { items: fresh.items ?? [], resourceVersion: fresh.resourceVersion ?? '' }).length > 0) this.items.delete(kind);
    }
    this.setConnection({ stream: 'open', synced: true, kinds: snapshot.states ?? this.connection.kinds, retryInMs: undefined, retryAt: undefined, receiving: undefined, staleSince: undefined });
  }

  private onDelta(delta: StreamDelta): void {
    if (this.seq >= 0 && typeof delta.seq === 'number' && delta.seq <= this.seq) return;
    if (this.seq >= 0 && typeof delta.seq === 'number' && delta.seq !== this.seq + 1) {
      // A batch went missing: only a fresh snapshot can repair the store.
      this.scheduleReconnect();
      return;
    }
    this.seq = delta.seq;
    let changed = false;
    for (const [kind, events] of Object.entries(delta.kinds ?? {}) as [WatchedKind, StreamDelta['kinds'][WatchedKind]][]) {
      const store = this.stores.get(kind);
      if (!store || !Array.isArray(events)) continue;
      let kindChanged = false;
      for (const event of events) kindChanged = applyWatchEvent(store, event) || kindChanged;
      if (kindChanged) {
        this.items.delete(kind);
        changed = true;
      }
    }
    if (changed) this.emit();
  }

  private setConnection(patch: Partial<ClientConnectionState>): void {
    const next = { ...this.connection, ...patch };
    if (patch.kinds) {
      const live = WATCHED_KINDS.filter((kind) => patch.kinds![kind]?.status === 'live');
      for (const kind of live) this.liveSinceSnapshot.add(kind);
      next.loading = loadingKinds(patch.kinds, this.liveSinceSnapshot);
    }
    this.connection = next;
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
