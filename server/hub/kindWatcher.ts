/**
 * The upstream list+watch of one kind: a paginated list, then a watch from the list's resourceVersion.
 * On 410 Gone (the version left etcd's window), or when a watch closes having heard nothing, it
 * relists and reconciles, so the hub passes on exact deltas (or, when the list is older than what it
 * held — a cluster re-created behind the same context — asks the hub to send everyone a snapshot).
 * The first 410 after a good list relists at once and quietly (routine after an apiserver restart);
 * 410s in a row back off. On any other failure it retries with capped exponential backoff (resuming
 * the watch from the last seen resourceVersion when it has one); a successful list or event starts
 * the backoff afresh. The hub may also find a watch stalled (silent past the bookmark interval: it
 * relists) or the apiserver not answering its health probe (suspect: shown as retrying with the
 * reason until the probe answers again, when any pending retry runs at once).
 * Owns its store; reports changes and state to the hub.
 */
import type { WatchedKind } from '../../lib/cluster/kinds';
import { backoffDelay, type KindConnectionState } from '../../lib/cluster/stream';
import { applyWatchEvent, compareResourceVersions, createObjectStore, reconcile, stripBulk, type ObjectStore, type WatchEvent } from '../../lib/cluster/watch';
import type { KubeObject } from '../../lib/grove/meta';
import { WATCH_TIMEOUT_SECONDS, type ClusterSource, type WatchEnd, type WatchHandle } from '../sources/types';

/** The longest a healthy watch stays open: the apiserver ends it at its timeoutSeconds. */
export const LONGEST_WATCH_MS = WATCH_TIMEOUT_SECONDS.max * 1000;

export interface KindWatcherOptions {
  pageSize: number;
  backoff: { baseMs: number; capMs: number };
  random: () => number;
  now: () => number;
}

export interface KindWatcherHooks {
  onEvents(kind: WatchedKind, events: WatchEvent[]): void;
  onState(state: KindConnectionState): void;
  onWatchCountChange(delta: 1 | -1): void;
  onList(): void;
  /**
   * A relist came back older than what the store held (etcd re-created behind the same context):
   * the store now holds the new cluster, whose objects clients would refuse as stale deltas.
   */
  onReset(kind: WatchedKind): void;
  /** `settled` became true (once per start()). */
  onSettled(kind: WatchedKind): void;
}

/**
 * The HTTP status an error carries, if any: ActionFailure and WatchEnd say `status`, client-node
 * `statusCode`, a metav1.Status `code` (its `status` is the word "Failure"); the first that is one.
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; code?: unknown };
  for (const value of [e.status, e.statusCode, e.code]) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return value;
  }
  return undefined;
}

/** Failures that retrying soon will not fix (no CRD, no permission): shown as `error`, retried at the cap. */
function isPermanent(httpStatus: number | undefined): boolean {
  return httpStatus === 401 || httpStatus === 403 || httpStatus === 404;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

export class KindWatcher {
  readonly store: ObjectStore;
  private state: KindConnectionState;
  private running = false;
  /** Bumped whenever a list/watch cycle is abandoned, so late callbacks of the old one are ignored. */
  private generation = 0;
  private handle: WatchHandle | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private synced = false;
  /** Since start(): the first list is in the store and its watch open, or a list or watch failed. */
  private settledSinceStart = false;
  /** The current watch has delivered something (an event or a bookmark). */
  private heard = false;
  /** When the current watch opened or last delivered something (options.now()). */
  private lastHeardAt = 0;
  /**
   * Stall relists in a row that found nothing the silent watch had missed, nothing heard since: each
   * doubles the silence checkStall allows. A watch of a kind that does not change, on an apiserver that
   * sends no bookmarks (watch cache off, a proxy, before periodic bookmarks), is silent and healthy.
   */
  private quietStalls = 0;
  /** 410s in a row with nothing heard between them: the first relists at once, the next ones back off. */
  private goneStreak = 0;
  /** The pending retry timer's callback, so that it can be run early (retryNow). */
  private pending: (() => void) | null = null;
  /** The state shown says the health probe failed (set by suspect(), cleared by any other state). */
  private suspectShown = false;

  constructor(
    readonly kind: WatchedKind,
    private readonly source: ClusterSource,
    private readonly options: KindWatcherOptions,
    private readonly hooks: KindWatcherHooks,
    /**
     * Lists and watches in this namespace only (a kind the source watches in one namespace, for the
     * browsers that chose this one); absent: as the source decides (cluster-wide, or its fallback).
     */
    readonly namespace?: string,
  ) {
    this.store = createObjectStore(kind);
    this.state = { kind, status: 'connecting', since: options.now() };
  }

  get connectionState(): KindConnectionState {
    return this.state;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Whether this kind has something to tell a new subscriber: since start(), its first list came back
   * and the watch is open (the store is the cluster, the state `live`), or a list or watch failed (the
   * state says why). Before that the store is empty only because nothing was asked yet, and must not
   * be shown as an empty cluster.
   */
  get settled(): boolean {
    return this.settledSinceStart;
  }

  /**
   * Lists afresh now, dropping the current watch, without reporting the changes: the hub sends one
   * snapshot of every kind afterwards (another kind found the cluster re-created). `done` is called
   * once the list is in the store, or when it fails (the usual retry then takes over).
   */
  resync(done: () => void): void {
    if (!this.running) return done();
    this.generation++;
    this.clearTimer();
    this.closeWatch();
    void this.relist(this.generation, done);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setState({ status: 'connecting' });
    void this.relist(this.generation);
  }

  /** Stops the upstream watch and any pending retry; the store is emptied (a restart lists afresh). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.clearTimer();
    this.closeWatch();
    this.store.objects.clear();
    this.store.resourceVersion = '';
    this.synced = false;
    this.settledSinceStart = false;
    this.attempt = 0;
    this.goneStreak = 0;
    this.quietStalls = 0;
    this.setState({ status: 'connecting' });
  }

  private current(generation: number): boolean {
    return this.running && generation === this.generation;
  }

  private async relist(generation: number, resynced?: () => void): Promise<void> {
    let items: KubeObject[] = [];
    let resourceVersion = '';
    try {
      let next: string | undefined;
      do {
        this.hooks.onList();
        const page = await this.source.list(this.kind, { limit: this.options.pageSize, ...(next ? { continue: next } : {}), ...(this.namespace !== undefined ? { namespace: this.namespace } : {}) });
        if (!this.current(generation)) return resynced?.();
        for (const item of page.items) items.push(stripBulk(item));
        // Every page of one paginated list is served from the first page's snapshot.
        if (!resourceVersion) resourceVersion = page.resourceVersion;
        next = page.continue || undefined;
      } while (next);
    } catch (error) {
      resynced?.();
      if (this.current(generation)) this.fail(error, 'relist');
      return;
    }
    const wentBack = this.synced && compareResourceVersions(this.store.resourceVersion, resourceVersion) === 1;
    const events = reconcile(this.store, { items, resourceVersion });
    this.synced = true;
    // The apiserver answered in full: what fails next (a 410 on the new watch) starts from the base again.
    this.attempt = 0;
    // Changes no watch told: silence may mean a stall again.
    if (events.length > 0 || wentBack) this.quietStalls = 0;
    items = [];
    if (resynced) resynced();
    else if (wentBack) this.hooks.onReset(this.kind);
    else if (events.length > 0) this.hooks.onEvents(this.kind, events);
    await this.watch(generation);
  }

  private async watch(generation: number): Promise<void> {
    let handle: WatchHandle;
    this.heard = false;
    try {
      handle = await this.source.watch(
        this.kind,
        this.store.resourceVersion,
        (event) => this.onEvent(generation, event),
        (end) => this.onEnd(generation, end),
        ...(this.namespace !== undefined ? [{ namespace: this.namespace }] : []),
      );
    } catch (error) {
      if (this.current(generation)) this.fail(error, 'watch');
      return;
    }
    if (!this.current(generation)) {
      // Stopped (or restarted) while the watch was being opened, or it already ended: close it.
      handle.stop();
      return;
    }
    this.handle = handle;
    this.lastHeardAt = this.options.now();
    this.hooks.onWatchCountChange(1);
    this.setState({ status: 'live' });
    this.settle();
  }

  /**
   * Restarts the watch (a relist) when it has heard nothing, not even a bookmark, for longer than
   * `limitMs`: a frozen apiserver or a half-open connection keeps a watch open and silent until its
   * timeoutSeconds (5–10 min). Returns whether it did. The hub calls this on its health tick.
   * After a relist that found nothing missed, the next watch may stay silent twice as long, and so on
   * until it hears something or a relist finds changes (see `quietStalls`): a quiet kind is not
   * relisted, and shown retrying, every `limitMs`.
   */
  checkStall(now: number, limitMs: number): boolean {
    if (!this.running || !this.handle) return false;
    // The clock was set back: count the silence from now, not from a moment still to come.
    if (now < this.lastHeardAt) this.lastHeardAt = now;
    // Capped: a healthy watch ends by its timeout and reopens (heard) within LONGEST_WATCH_MS, so past
    // that plus the limit the silence is a hang, however many quiet relists came before.
    const allowedMs = Math.min(limitMs * 2 ** this.quietStalls, LONGEST_WATCH_MS + limitMs);
    if (now - this.lastHeardAt <= allowedMs) return false;
    const silentS = Math.round((now - this.lastHeardAt) / 1000);
    this.quietStalls++;
    this.generation++;
    this.closeWatch();
    const next = this.generation;
    this.setState({ status: 'retrying', lastError: `watch stalled: no event or bookmark for ${silentS} s; relisting` });
    void this.relist(next);
    return true;
  }

  /** How long the open watch has heard nothing, not even a bookmark; null while no watch is open. */
  silentForMs(now: number): number | null {
    return this.running && this.handle ? Math.max(0, now - this.lastHeardAt) : null;
  }

  /**
   * The hub's health probe failed (`reason`): a live kind is shown as retrying with it (its watch
   * stays open: if the apiserver was only slow, the watch carries on and nothing was lost). A kind
   * already failing keeps its own error.
   */
  suspect(reason: string): void {
    if (!this.running || !this.handle || (this.state.status !== 'live' && !this.suspectShown)) return;
    this.setState({ status: 'retrying', lastError: reason });
    this.suspectShown = true;
  }

  /**
   * The probe answers again after failing: a suspected open watch is live again, and a pending retry
   * runs now, backing off from the base again (the backoff grew while the apiserver was away; a
   * restarted apiserver still refuses a while, 503 and 429, until its CRDs and rights are loaded).
   */
  clearSuspicion(): void {
    if (!this.running) return;
    this.attempt = 0;
    if (this.suspectShown && this.handle) this.setState({ status: 'live' });
    else this.retryNow();
  }

  /** Runs the pending retry at once (the apiserver is back: no need to sit out the backoff). */
  retryNow(): void {
    const fire = this.pending;
    if (!fire) return;
    this.clearTimer();
    fire();
  }

  private onEvent(generation: number, event: WatchEvent): void {
    if (!this.current(generation) || !event) return;
    this.heard = true;
    this.lastHeardAt = this.options.now();
    // A healthy event proves the connection: the next failure starts backing off from the base again.
    this.attempt = 0;
    this.goneStreak = 0;
    this.quietStalls = 0;
    if (event.type === 'BOOKMARK') {
      applyWatchEvent(this.store, event);
      return;
    }
    if (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED') return;
    const stripped: WatchEvent = { type: event.type, object: stripBulk(event.object) };
    if (applyWatchEvent(this.store, stripped)) this.hooks.onEvents(this.kind, [stripped]);
  }

  private onEnd(generation: number, end: WatchEnd): void {
    if (!this.current(generation)) return;
    this.generation++;
    this.closeWatch();
    const next = this.generation;
    if (end.reason === 'gone') {
      // 410: our resourceVersion is older than etcd keeps (routine after an apiserver restart: its
      // watch cache starts at the current version). Only a relist can catch up; reconcile turns it
      // into deltas. Not a failure: the first relist is immediate and quiet (the store stays what
      // the cluster was a moment ago); only 410s in a row, nothing heard between them, back off.
      if (this.goneStreak++ === 0) {
        void this.relist(next);
        return;
      }
      const delay = backoffDelay(this.goneStreak - 2, this.options.backoff, this.options.random);
      this.retryLater(() => this.relist(next), end.message ?? 'resourceVersion expired (410 Gone)', end.status ?? 410, delay);
      return;
    }
    // A watch closed without delivering anything, not even the bookmarks the apiserver sends every
    // minute and just before its timeout (seen on the test control plane), may be waiting for a
    // resourceVersion this cluster will not reach for a long time (etcd re-created behind the same
    // context: the apiserver holds such a watch open, silent). Only a relist recovers from that; a
    // watch that heard something resumes where it was.
    const resume = () => (this.synced && !(end.reason === 'closed' && !this.heard) ? this.watch(next) : this.relist(next));
    if (end.reason === 'closed' && this.synced && this.attempt === 0) {
      // The apiserver ends every watch after its timeout (minutes): resume at once and quietly, so
      // the UI does not flash "retrying" on routine reconnects. A close with no event since backs off.
      this.attempt++;
      void resume();
      return;
    }
    const message = end.message ?? (end.reason === 'closed' ? 'watch closed by the server' : 'watch failed');
    this.retryLater(resume, message, httpStatusOf(end));
  }

  private fail(error: unknown, phase: 'relist' | 'watch'): void {
    this.generation++;
    const next = this.generation;
    this.retryLater(() => (phase === 'watch' && this.synced ? this.watch(next) : this.relist(next)), describe(error), httpStatusOf(error));
  }

  /**
   * `httpStatus`: of the failure, when the apiserver answered one; kept in the state until the kind is
   * live again. `delayMs`: instead of the backoff by `attempt`.
   */
  private retryLater(run: () => Promise<void>, message: string, httpStatus: number | undefined, delayMs?: number): void {
    const permanent = isPermanent(httpStatus);
    const failure = { lastError: message, ...(httpStatus !== undefined ? { httpStatus } : {}) };
    const delay = permanent ? this.options.backoff.capMs : (delayMs ?? backoffDelay(this.attempt, this.options.backoff, this.options.random));
    this.attempt++;
    this.setState({ status: permanent ? 'error' : 'retrying', ...failure, retryInMs: delay });
    this.settle();
    this.clearTimer();
    const fire = () => {
      this.timer = null;
      this.pending = null;
      if (!this.running) return;
      if (this.state.status !== 'error') this.setState({ status: 'connecting', ...failure });
      void run();
    };
    this.pending = fire;
    this.timer = setTimeout(fire, delay);
  }

  private settle(): void {
    if (this.settledSinceStart) return;
    this.settledSinceStart = true;
    this.hooks.onSettled(this.kind);
  }

  private closeWatch(): void {
    if (!this.handle) return;
    const handle = this.handle;
    this.handle = null;
    this.hooks.onWatchCountChange(-1);
    try {
      handle.stop();
    } catch {
      // Closing a broken connection may throw; it is closed either way.
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private setState(next: Omit<KindConnectionState, 'kind' | 'since'>): void {
    const changed = next.status !== this.state.status;
    this.suspectShown = false;
    // Read on every change: the source learns a kind's scope from its first list (live: a 403 cluster-wide).
    const namespace = this.namespace ?? this.source.namespaceOf?.(this.kind);
    this.state = { kind: this.kind, ...next, since: changed ? this.options.now() : this.state.since, ...(namespace !== undefined ? { namespace } : {}) };
    this.hooks.onState(this.state);
  }
}
