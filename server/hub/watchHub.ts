/**
 * WatchHub: one upstream list+watch per kind (KindWatcher), however many browsers are connected, and a
 * fan-out to subscribers: each gets a snapshot of every store, then coalesced delta batches (the last
 * event per object within a ~150 ms window, numbered by an increasing sequence), and connection-state
 * updates. Starts upstream on the first subscriber; stops it a while after the last one leaves, so a
 * page reload does not pay for a full relist.
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
  backoff?: { baseMs: number; capMs: number };
  random?: () => number;
  now?: () => number;
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

export const HUB_DEFAULTS = { pageSize: 500, batchMs: 150, idleStopMs: 30_000, backoff: { baseMs: 500, capMs: 30_000 } } as const;

export class WatchHub {
  private readonly watchers: KindWatcher[];
  private readonly subscribers = new Set<HubSubscriber>();
  private readonly coalescer = new EventCoalescer();
  private readonly batchMs: number;
  private readonly idleStopMs: number;
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** The kinds still listing afresh after a reset (onReset), or null. */
  private resyncing: Set<KindWatcher> | null = null;
  private seq = 0;
  private running = false;
  private readonly counters: HubCounters = { upstreamWatches: 0, subscribers: 0, listRequests: 0, batches: 0 };

  constructor(
    readonly source: ClusterSource,
    options: WatchHubOptions = {},
  ) {
    this.batchMs = options.batchMs ?? HUB_DEFAULTS.batchMs;
    this.idleStopMs = options.idleStopMs ?? HUB_DEFAULTS.idleStopMs;
    const watcherOptions = {
      pageSize: options.pageSize ?? HUB_DEFAULTS.pageSize,
      backoff: options.backoff ?? HUB_DEFAULTS.backoff,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
    };
    const hooks = {
      onEvents: (kind: WatchedKind, events: WatchEvent[]) => this.enqueue(kind, events),
      onState: (_state: KindConnectionState) => this.broadcast((subscriber) => subscriber.state(this.states())),
      onWatchCountChange: (delta: 1 | -1) => {
        this.counters.upstreamWatches += delta;
      },
      onList: () => {
        this.counters.listRequests++;
      },
      onReset: (kind: WatchedKind) => this.onReset(kind),
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
   */
  snapshot(): StreamSnapshot {
    const kinds: StreamSnapshot['kinds'] = {};
    for (const watcher of this.watchers) kinds[watcher.kind] = { resourceVersion: watcher.store.resourceVersion, items: storeItems(watcher.store) };
    return { seq: this.seq, kinds, states: this.states() };
  }

  /** Adds a subscriber: it gets the snapshot now, then deltas and states. Returns the unsubscribe. */
  subscribe(subscriber: HubSubscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.start();
    safely(() => subscriber.snapshot(this.snapshot()));
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.subscribers.delete(subscriber);
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
  }

  /** Stops every upstream watch now (subscribers stay, and get `connecting` states). */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.running) return;
    this.running = false;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.coalescer.take();
    this.resyncing = null;
    for (const watcher of this.watchers) watcher.stop();
  }

  /** Stops upstream and ends every subscriber's stream: for a hub whose source is being replaced. */
  close(): void {
    this.stop();
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) safely(() => subscriber.end?.());
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
      const snapshot = this.snapshot();
      this.broadcast((subscriber) => subscriber.snapshot(snapshot));
    };
    for (const watcher of others) watcher.resync(() => (pending.delete(watcher), finish()));
    finish();
  }

  private enqueue(kind: WatchedKind, events: WatchEvent[]): void {
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

  private broadcast(send: (subscriber: HubSubscriber) => void): void {
    for (const subscriber of [...this.subscribers]) safely(() => send(subscriber));
  }
}

/** One subscriber's failure (a closed stream) must not starve the others. */
function safely(run: () => void): void {
  try {
    run();
  } catch {
    // The subscriber's own transport notices and unsubscribes.
  }
}
