/**
 * A snapshot sent in parts (lib/cluster/stream.ts has the rest of the wire format). At 12,500 nodes a
 * snapshot is 30–66 MB of JSON: one JSON.stringify of it blocks the server's event loop for hundreds of
 * ms, and one JSON.parse blocks the browser's main thread for ~2 s. So it goes as `snapshot-begin`
 * (everything but the objects, with each kind's count), then `snapshot-part`s of at most
 * `SNAPSHOT_PART_CHARS` of one kind's objects each, then `snapshot-end`; each is short to encode and to
 * parse, and whoever encodes yields to its event loop between parts. The receiver applies the snapshot
 * only at `snapshot-end` (never half a cluster). A whole `snapshot` message stays valid.
 *
 * Every part names its snapshot (`id`): a new begin abandons a half-received snapshot, and parts of
 * the abandoned one (another tab's answer still being sent) are told apart and ignored.
 */
import type { KubeObject } from '../grove/meta';
import { WATCHED_KINDS, type WatchedKind } from './kinds';
import { STREAM_EVENTS, type StreamSnapshot } from './stream';

/** ~1 MB of JSON per part: some ms to encode on the server, ~10 ms to parse in a browser. */
export const SNAPSHOT_PART_CHARS = 1 << 20;

/** Everything of the snapshot but its objects; `kinds` says how many each kind's parts carry. */
export type SnapshotBegin = Omit<StreamSnapshot, 'kinds'> & {
  id: string;
  kinds: Partial<Record<WatchedKind, { resourceVersion: string; count: number }>>;
  [field: string]: unknown;
};

export interface SnapshotPart {
  id: string;
  kind: WatchedKind;
  items: KubeObject[];
}

export interface SnapshotEnd {
  id: string;
  parts: number;
}

/** One message of a snapshot in parts: its event name and its JSON data. */
export interface SnapshotMessage {
  event: string;
  data: string;
}

/**
 * The messages of `snapshot` in order, each encoded when asked for: a caller that yields to its event
 * loop between `next()`s never blocks it for longer than one part takes to encode. Fields beside
 * `kinds` (seq, states, a relayed snapshot's liveSinceSnapshot) travel in the begin. An object larger
 * than a part goes alone in one.
 */
export function* snapshotMessages(snapshot: StreamSnapshot, id: string, maxPartChars: number = SNAPSHOT_PART_CHARS): Generator<SnapshotMessage, void, undefined> {
  const { kinds, ...rest } = snapshot;
  const present = WATCHED_KINDS.filter((kind) => kinds[kind]);
  const counts: SnapshotBegin['kinds'] = {};
  for (const kind of present) counts[kind] = { resourceVersion: kinds[kind]!.resourceVersion, count: kinds[kind]!.items.length };
  yield { event: STREAM_EVENTS.snapshotBegin, data: JSON.stringify({ ...rest, id, kinds: counts }) };
  const idJson = JSON.stringify(id);
  let parts = 0;
  for (const kind of present) {
    const head = `{"id":${idJson},"kind":${JSON.stringify(kind)},"items":[`;
    let items: string[] = [];
    let size = head.length + 2;
    for (const item of kinds[kind]!.items) {
      const text = JSON.stringify(item);
      if (items.length > 0 && size + text.length + 1 > maxPartChars) {
        parts++;
        yield { event: STREAM_EVENTS.snapshotPart, data: `${head}${items.join(',')}]}` };
        items = [];
        size = head.length + 2;
      }
      items.push(text);
      size += text.length + 1;
    }
    if (items.length > 0) {
      parts++;
      yield { event: STREAM_EVENTS.snapshotPart, data: `${head}${items.join(',')}]}` };
    }
  }
  yield { event: STREAM_EVENTS.snapshotEnd, data: JSON.stringify({ id, parts } satisfies SnapshotEnd) };
}

export interface SnapshotProgress {
  received: number;
  total: number;
}

/** How an `end` went: the whole snapshot, none under way (ignore it), or parts missing (ask for a fresh one). */
export type AssembledSnapshot = { status: 'complete'; snapshot: StreamSnapshot & Record<string, unknown> } | { status: 'ignored' } | { status: 'incomplete'; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/**
 * Collects the parts of one snapshot (parsed messages, from the server or another tab, so read with
 * care). Holds nothing but the parts until `end`; a new `begin` drops a half-received snapshot.
 */
export class SnapshotAssembler {
  private current: { begin: SnapshotBegin; items: Map<WatchedKind, KubeObject[][]>; received: number; total: number; parts: number } | null = null;

  /** Whether a snapshot is half received. */
  get receiving(): boolean {
    return this.current !== null;
  }

  progress(): SnapshotProgress | null {
    return this.current && { received: this.current.received, total: this.current.total };
  }

  begin(data: unknown): void {
    this.current = null;
    if (!isRecord(data) || typeof data.id !== 'string' || !isRecord(data.kinds)) return;
    let total = 0;
    for (const value of Object.values(data.kinds)) total += isRecord(value) && typeof value.count === 'number' ? value.count : 0;
    this.current = { begin: data as SnapshotBegin, items: new Map(), received: 0, total, parts: 0 };
  }

  /** Takes a part of the snapshot under way; false when it belongs to no snapshot being received. */
  part(data: unknown): boolean {
    const current = this.current;
    if (!current || !isRecord(data) || data.id !== current.begin.id || !Array.isArray(data.items)) return false;
    const kind = data.kind as WatchedKind;
    if (!WATCHED_KINDS.includes(kind)) return false;
    const chunks = current.items.get(kind) ?? [];
    chunks.push(data.items as KubeObject[]);
    current.items.set(kind, chunks);
    current.received += data.items.length;
    current.parts++;
    return true;
  }

  /** The snapshot, once its end arrived and every part before it; the assembler is then empty again. */
  end(data: unknown): AssembledSnapshot {
    const current = this.current;
    if (!current || !isRecord(data) || data.id !== current.begin.id) return { status: 'ignored' };
    this.current = null;
    if (data.parts !== current.parts) return { status: 'incomplete', reason: `${current.parts} of ${String(data.parts)} parts arrived` };
    const { id: _id, kinds: counts, ...rest } = current.begin;
    const kinds: StreamSnapshot['kinds'] = {};
    for (const kind of WATCHED_KINDS) {
      const count = counts[kind];
      if (!isRecord(count)) continue;
      const items = (current.items.get(kind) ?? []).flat();
      if (items.length !== count.count) return { status: 'incomplete', reason: `${items.length} of ${String(count.count)} ${kind} objects arrived` };
      kinds[kind] = { resourceVersion: typeof count.resourceVersion === 'string' ? count.resourceVersion : '', items };
    }
    return { status: 'complete', snapshot: { ...rest, kinds } as StreamSnapshot & Record<string, unknown> };
  }

  /** Drops a half-received snapshot (its stream was replaced). */
  abort(): void {
    this.current = null;
  }
}
