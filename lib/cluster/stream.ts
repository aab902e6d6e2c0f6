/**
 * The cluster stream's wire format (server/hub → app/api/stream → components/hooks), shared so both
 * ends agree: a snapshot of every kind (in parts: streamParts.ts), then coalesced delta batches with
 * increasing sequence numbers, and the per-kind connection state of the server's upstream watches. A
 * snapshot may come again at any time (the cluster was re-created behind the same context): it
 * replaces everything. Plain JSON data.
 */
import type { KubeObject } from '../grove/meta';
import { objectKey, type WatchedKind } from './kinds';
import type { WatchEvent } from './watch';

export type ConnectionStatus = 'connecting' | 'live' | 'retrying' | 'error';

/** The state of the server's upstream list+watch of one kind. */
export interface KindConnectionState {
  kind: WatchedKind;
  status: ConnectionStatus;
  /** Epoch milliseconds since which `status` holds. */
  since: number;
  lastError?: string;
  /**
   * The HTTP status of the last error, when the apiserver answered one (403: this identity may not
   * list the kind; 404: its CRD is not installed; 410: the resourceVersion expired). Absent when live.
   */
  httpStatus?: number;
  /** When retrying: how long until the next attempt (ms). */
  retryInMs?: number;
  /**
   * Listed and watched in this namespace only: the server's identity may not list the kind cluster-wide.
   * On a 403 it is the namespace that was tried (refused there too).
   */
  namespace?: string;
}

export type ConnectionStates = Partial<Record<WatchedKind, KindConnectionState>>;

export interface KindSnapshot {
  resourceVersion: string;
  items: KubeObject[];
}

/** Every kind's objects at one moment; `seq` is the last batch already included. */
export interface StreamSnapshot {
  seq: number;
  kinds: Partial<Record<WatchedKind, KindSnapshot>>;
  states: ConnectionStates;
}

/** Changes since the previous batch: per kind, the last event per object. */
export interface StreamDelta {
  seq: number;
  kinds: Partial<Record<WatchedKind, WatchEvent[]>>;
}

/**
 * A snapshot comes whole (`snapshot`) or, from the server and between tabs, in parts: `snapshot-begin`,
 * `snapshot-part`s, `snapshot-end` (lib/cluster/streamParts.ts); messages after it apply after it.
 */
export const STREAM_EVENTS = {
  snapshot: 'snapshot',
  snapshotBegin: 'snapshot-begin',
  snapshotPart: 'snapshot-part',
  snapshotEnd: 'snapshot-end',
  delta: 'delta',
  state: 'state',
  heartbeat: 'heartbeat',
} as const;

/**
 * Collects events between two flushes, keeping only the last event per object: a subscriber that
 * applies the batch ends in the same state as one that applied every event (ADDED then DELETED becomes
 * DELETED of an unknown key, which changes nothing).
 */
export class EventCoalescer {
  private pending = new Map<WatchedKind, Map<string, WatchEvent>>();

  add(kind: WatchedKind, event: WatchEvent): void {
    if (event.type === 'BOOKMARK' || event.type === 'ERROR') return;
    const key = objectKey(event.object);
    let byKey = this.pending.get(kind);
    if (!byKey) {
      byKey = new Map();
      this.pending.set(kind, byKey);
    }
    byKey.delete(key);
    byKey.set(key, event);
  }

  get size(): number {
    let total = 0;
    for (const byKey of this.pending.values()) total += byKey.size;
    return total;
  }

  /** The pending events per kind (in order of their last change), clearing them. */
  take(): Partial<Record<WatchedKind, WatchEvent[]>> {
    const kinds: Partial<Record<WatchedKind, WatchEvent[]>> = {};
    for (const [kind, byKey] of this.pending) if (byKey.size > 0) kinds[kind] = [...byKey.values()];
    this.pending.clear();
    return kinds;
  }
}

/**
 * Capped exponential backoff with jitter: attempt 0 waits within [base/2, base], each attempt doubles,
 * never above `cap`. The jitter spreads reconnects of many watchers (or many tabs) after an outage.
 */
export function backoffDelay(attempt: number, options: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
