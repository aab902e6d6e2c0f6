/**
 * The simulated apiserver's storage: one map per watched kind, a global integer resourceVersion, a
 * bounded history of changes for watches, paginated lists. Objects are stored and handed out as deep
 * copies, so no caller can change the store behind its back.
 */
import { KIND_INFO, WATCHED_KINDS, objectKey, type WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import type { ActionError, ListPage, WatchEnd, WatchEvent, WatchEventType } from './types';

interface Change {
  rv: number;
  kind: WatchedKind;
  type: Exclude<WatchEventType, 'BOOKMARK'>;
  object: KubeObject;
}

interface Watcher {
  kind: WatchedKind;
  onEvent: (event: WatchEvent) => void;
  onEnd: (end: WatchEnd) => void;
  stopped: boolean;
  /** resourceVersion this watcher is known to be current with (last event or bookmark). */
  seen: number;
}

export function actionError(status: number, reason: string, message: string, causes?: ActionError['causes']): ActionError {
  return { status, reason, message, ...(causes && causes.length > 0 ? { causes } : {}) };
}

export function isActionError(e: unknown): e is ActionError {
  return typeof e === 'object' && e !== null && typeof (e as ActionError).status === 'number' && typeof (e as ActionError).message === 'string';
}

function encodeContinue(rv: number, key: string): string {
  return Buffer.from(JSON.stringify({ rv, key }), 'utf8').toString('base64url');
}

function decodeContinue(token: string): { rv: number; key: string } | null {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && Number.isInteger((v as { rv: unknown }).rv) && typeof (v as { key: unknown }).key === 'string') {
      return v as { rv: number; key: string };
    }
  } catch {
    /* fall through */
  }
  return null;
}

export class ObjectStore {
  private rv = 0;
  private readonly objects = new Map<WatchedKind, Map<string, KubeObject>>(WATCHED_KINDS.map((k) => [k, new Map()]));
  private history: Change[] = [];
  /** Changes with rv > compactedTo are all in `history`. */
  private compactedTo = 0;
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly historyLimit = 20_000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get(kind: WatchedKind, key: string): KubeObject | undefined {
    const o = this.objects.get(kind)!.get(key);
    return o ? structuredClone(o) : undefined;
  }

  /** Read-only view for the simulator's own bookkeeping (do not mutate). */
  all(kind: WatchedKind): KubeObject[] {
    return [...this.objects.get(kind)!.values()];
  }

  count(kind: WatchedKind): number {
    return this.objects.get(kind)!.size;
  }

  /** Create or replace; stamps resourceVersion. Returns the stored copy. */
  put(kind: WatchedKind, object: KubeObject): KubeObject {
    const key = objectKey(object);
    const map = this.objects.get(kind)!;
    const type = map.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone(object);
    stored.metadata = { ...(stored.metadata ?? {}), resourceVersion: String(++this.rv) };
    map.set(key, stored);
    this.record({ rv: this.rv, kind, type, object: stored });
    return structuredClone(stored);
  }

  remove(kind: WatchedKind, key: string): boolean {
    const map = this.objects.get(kind)!;
    const existing = map.get(key);
    if (!existing) return false;
    map.delete(key);
    const gone = structuredClone(existing);
    gone.metadata = { ...(gone.metadata ?? {}), resourceVersion: String(++this.rv) };
    this.record({ rv: this.rv, kind, type: 'DELETED', object: gone });
    return true;
  }

  list(kind: WatchedKind, options: { limit: number; continue?: string }): ListPage {
    let rv = this.rv;
    let after: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue);
      if (!token) throw actionError(400, 'BadRequest', 'invalid continue token');
      if (token.rv < this.compactedTo) throw actionError(410, 'Expired', 'the continue token has expired: the list must be restarted');
      rv = token.rv;
      after = token.key;
    }
    // A later page reads the store as it is now; changes since the first page reach a watch started
    // from the first page's resourceVersion, so list + watch still miss nothing.
    const keys = [...this.objects.get(kind)!.keys()].sort();
    const start = after === undefined ? 0 : keys.findIndex((k) => k > after);
    const from = start < 0 ? keys.length : start;
    const limit = options.limit > 0 ? options.limit : keys.length;
    const pageKeys = keys.slice(from, from + limit);
    const items = pageKeys.map((k) => structuredClone(this.objects.get(kind)!.get(k)!));
    const info = KIND_INFO[kind];
    for (const item of items) {
      item.apiVersion ??= info.apiVersion;
      item.kind ??= kind;
    }
    const more = from + limit < keys.length;
    return { items, resourceVersion: String(rv), ...(more ? { continue: encodeContinue(rv, pageKeys[pageKeys.length - 1]!) } : {}) };
  }

  /**
   * Events of `kind` after `resourceVersion`, then live ones. `gone` (asynchronously) when the history
   * no longer reaches back that far. '' or '0' mean "from now".
   */
  watch(kind: WatchedKind, resourceVersion: string, onEvent: (e: WatchEvent) => void, onEnd: (e: WatchEnd) => void): { stop(): void } {
    const watcher: Watcher = { kind, onEvent, onEnd, stopped: false, seen: 0 };
    const stop = () => {
      watcher.stopped = true;
      this.watchers.delete(watcher);
    };
    const from = resourceVersion === '' || resourceVersion === '0' ? this.rv : Number(resourceVersion);
    if (!Number.isInteger(from) || from < 0) {
      queueMicrotask(() => !watcher.stopped && (stop(), onEnd({ reason: 'error', message: `invalid resourceVersion "${resourceVersion}"` })));
      return { stop };
    }
    if (from < this.compactedTo) {
      queueMicrotask(() => !watcher.stopped && (stop(), onEnd({ reason: 'gone', message: `too old resource version: ${from} (${this.compactedTo})` })));
      return { stop };
    }
    // Replay synchronously, then subscribe: nothing can change in between (single thread).
    for (const c of this.history) {
      if (c.rv > from && c.kind === kind) onEvent({ type: c.type, object: structuredClone(c.object) });
    }
    watcher.seen = this.rv;
    this.watchers.add(watcher);
    return { stop };
  }

  /**
   * A BOOKMARK with the current resourceVersion to every watcher that has not seen it: its kind had no
   * change since, so a watch restarted from there misses nothing (and is not `gone` as early).
   */
  bookmark(): void {
    for (const w of [...this.watchers]) {
      if (w.stopped || w.seen >= this.rv) continue;
      w.seen = this.rv;
      const info = KIND_INFO[w.kind];
      w.onEvent({ type: 'BOOKMARK', object: { apiVersion: info.apiVersion, kind: w.kind, metadata: { resourceVersion: String(this.rv) } } });
    }
  }

  /** Ends every watch with `closed`. */
  closeWatches(): void {
    for (const w of [...this.watchers]) {
      this.watchers.delete(w);
      w.stopped = true;
      w.onEnd({ reason: 'closed' });
    }
  }

  private record(change: Change): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const drop = this.history.length - this.historyLimit;
      this.compactedTo = this.history[drop - 1]!.rv;
      this.history = this.history.slice(drop);
    }
    for (const w of [...this.watchers]) {
      if (w.kind !== change.kind || w.stopped) continue;
      w.seen = change.rv;
      try {
        w.onEvent({ type: change.type, object: structuredClone(change.object) });
      } catch {
        // A failing subscriber must not break the simulator; it loses its watch instead.
        this.watchers.delete(w);
        w.stopped = true;
        w.onEnd({ reason: 'error', message: 'watch handler threw' });
      }
    }
  }
}
