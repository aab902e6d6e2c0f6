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
 * so the streams encode it once (server/hub/sse.ts encodeMessage).
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
import { EventCoalescer, type ConnectionStates, type KindConnectionState, type StreamDelta, type StreamSnapshot } from '../../lib/cluster/stream';
import { storeItems, type WatchEvent } from '../../lib/cluster/watch';
import type { ClusterSource } from '../sources/types';
import { KindWatcher } from './kindWatcher';

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
} as const;

export class WatchHub {
  private readonly watchers: KindWatcher[];
  private readonly subscribers = new Set<HubSubscriber>();
  /** Subscribers still waiting for their first snapshot: they get states, not deltas. */
  private readonly waiting = new Set<HubSubscriber>();
  private readonly coalescer = new EventCoalescer();
  private readonly batchMs: number;
  private readonly idleStopMs: number;
  private readonly firstSnapshotTimeoutMs: number;
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private waitTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every change a snapshot shows (events, states, a reset, a stop): keys `shared`. */
  private revision = 0;
  private shared: { key: string; snapshot: StreamSnapshot } | null = null;
  /** The kinds still listing afresh after a reset (onReset), or null. */
  private resyncing: Set<KindWatcher> | null = null;
  private seq = 0;
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
    const watcherOptions = {
      pageSize: options.pageSize ?? HUB_DEFAULTS.pageSize,
      backoff: options.backoff ?? HUB_DEFAULTS.backoff,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
    };
    const hooks = {
      onEvents: (kind: WatchedKind, events: WatchEvent[]) => this.enqueue(kind, events),
      onState: (_state: KindConnectionState) => {
        this.revision++;
        // Pending events go first: when a kind says `live`, its list has already reached subscribers
        // (a client may show a kind `connecting` without lastError as still loading, not as empty).
        this.flush();
        this.broadcast((subscriber) => subscriber.state(this.states()), true);
      },
      onWatchCountChange: (delta: 1 | -1) => {
        this.counters.upstreamWatches += delta;
      },
      onList: () => {
        this.counters.listRequests++;
      },
      onReset: (kind: WatchedKind) => this.onReset(kind),
      onSettled: () => this.serveWaiting(false),
    };
    this.watchers = (options.kinds ?? WATCHED_KINDS).map((kind) => new KindWatcher(kind, source, watcherOptions, hooks));
  }

  get stats(): Readonly<HubCounters> {
    return { ...this.counters, subscribers: this.subscribers.size };
  }

  get isRunning(): boolean {
    return this.running;
  }

  states(): ConnectionStates {
    const states: ConnectionStates = {};
    for (const watcher of this.watchers) states[watcher.kind] = watcher.connectionState;
    return states;
  }

  /**
   * Every store as it is now. Events already applied but not yet batched are included, and the next
   * batch repeats them: applying an event twice is harmless (same resourceVersion, same object).
   * The same object until something changes (callers must not modify it): one encoding serves every
   * stream that asks meanwhile (with 10k GPUs a snapshot is ~5.5 MB and ~70 ms to encode).
   */
  snapshot(): StreamSnapshot {
    const key = `${this.seq}/${this.revision}/${this.watchers.map((watcher) => watcher.store.resourceVersion).join(',')}`;
    if (this.shared?.key === key) return this.shared.snapshot;
    const kinds: StreamSnapshot['kinds'] = {};
    for (const watcher of this.watchers) kinds[watcher.kind] = { resourceVersion: watcher.store.resourceVersion, items: storeItems(watcher.store) };
    const snapshot: StreamSnapshot = { seq: this.seq, kinds, states: this.states() };
    this.shared = { key, snapshot };
    return snapshot;
  }

  /**
   * Adds a subscriber: it gets the snapshot once every kind has listed (or failed; at most
   * `firstSnapshotTimeoutMs`), states meanwhile, then deltas and states. Returns the unsubscribe.
   */
  subscribe(subscriber: HubSubscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.waiting.add(subscriber);
    this.start();
    if (this.waiting.has(subscriber)) this.serveWaiting(false);
    if (this.waiting.size > 0 && !this.waitTimer) this.waitTimer = setTimeout(() => this.serveWaiting(true), this.firstSnapshotTimeoutMs);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.subscribers.delete(subscriber);
      this.waiting.delete(subscriber);
      if (this.waiting.size === 0) this.clearWaitTimer();
      if (this.subscribers.size === 0 && this.running && !this.idleTimer) {
        this.idleTimer = setTimeout(() => {
          this.idleTimer = null;
          if (this.subscribers.size === 0) this.stop();
        }, this.idleStopMs);
      }
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const watcher of this.watchers) watcher.start();
    if (this.source.probe || this.stallAfterMs !== undefined) {
      this.healthTimer = setInterval(() => void this.checkHealth(), this.probeIntervalMs);
      this.healthTimer.unref?.();
    }
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
    if (this.stallAfterMs !== undefined) for (const watcher of this.watchers) watcher.checkStall(this.now(), this.stallAfterMs);
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
      if (wasUnhealthy) for (const watcher of this.watchers) watcher.clearSuspicion();
      return;
    }
    const now = this.now();
    for (const watcher of this.watchers) {
      if (!notReady || this.isQuiet(watcher, now)) watcher.suspect(failure);
      else if (wasUnhealthy) watcher.clearSuspicion();
    }
  }

  /** The kind's watch heard nothing for `quietAfterMs` (or no watch is open, or silence cannot be told from quiet). */
  private isQuiet(watcher: KindWatcher, now: number): boolean {
    const silent = watcher.silentForMs(now);
    return silent === null || this.quietAfterMs === undefined || silent > this.quietAfterMs;
  }

  /** Stops every upstream watch now (subscribers stay, and get `connecting` states). */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.running) return;
    this.running = false;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
    this.unhealthy = null;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.coalescer.take();
    this.resyncing = null;
    for (const watcher of this.watchers) watcher.stop();
    this.revision++;
    this.shared = null;
  }

  /** Stops upstream and ends every subscriber's stream: for a hub whose source is being replaced. */
  close(): void {
    this.stop();
    this.clearWaitTimer();
    this.waiting.clear();
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) safely(() => subscriber.end?.());
  }

  /**
   * Sends the waiting subscribers their first snapshot, one shared object: once every kind has
   * settled (KindWatcher.settled), or when `force`d by the time bound (kinds still listing are then
   * empty and `connecting` in it; their lists reach these subscribers as deltas).
   */
  private serveWaiting(force: boolean): void {
    if (this.waiting.size === 0) return;
    if (!force && !this.watchers.every((watcher) => watcher.settled)) return;
    this.clearWaitTimer();
    const served = [...this.waiting];
    this.waiting.clear();
    const snapshot = this.snapshot();
    for (const subscriber of served) safely(() => subscriber.snapshot(snapshot));
  }

  private clearWaitTimer(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
  }

  /**
   * One kind's relist came back older than its store: the cluster was re-created behind the same
   * context. The other kinds' watches are just as stale (silent, from versions the new cluster lacks),
   * so every kind lists afresh; then subscribers get one snapshot, since deltas from versions that
   * went back would be refused by their stores as stale. Pending deltas go first, to keep the order.
   */
  private onReset(kind: WatchedKind): void {
    if (this.resyncing) return; // one already under way: its snapshot will carry this kind too
    const others = this.watchers.filter((watcher) => watcher.kind !== kind && watcher.isRunning);
    const pending = new Set(others);
    this.resyncing = pending;
    const finish = () => {
      if (pending.size > 0 || this.resyncing !== pending) return;
      this.resyncing = null;
      this.flush();
      this.revision++;
      const snapshot = this.snapshot();
      this.broadcast((subscriber) => subscriber.snapshot(snapshot));
      this.serveWaiting(false);
    };
    for (const watcher of others) watcher.resync(() => (pending.delete(watcher), finish()));
    finish();
  }

  private enqueue(kind: WatchedKind, events: WatchEvent[]): void {
    this.revision++;
    // Nobody past their first snapshot: whoever is waiting gets these in it (no 5 MB delta of a cold list).
    if (this.subscribers.size === this.waiting.size) return;
    for (const event of events) this.coalescer.add(kind, event);
    if (!this.batchTimer && this.coalescer.size > 0) this.batchTimer = setTimeout(() => this.flush(), this.batchMs);
  }

  /** Sends the pending batch now (the timer calls this; tests and shutdown may too). */
  flush(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.coalescer.size === 0) return;
    const delta: StreamDelta = { seq: ++this.seq, kinds: this.coalescer.take() };
    this.counters.batches++;
    this.broadcast((subscriber) => subscriber.delta(delta));
  }

  /** To every subscriber past its first snapshot; states go to waiting ones too (`includeWaiting`). */
  private broadcast(send: (subscriber: HubSubscriber) => void, includeWaiting = false): void {
    for (const subscriber of [...this.subscribers]) if (includeWaiting || !this.waiting.has(subscriber)) safely(() => send(subscriber));
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
