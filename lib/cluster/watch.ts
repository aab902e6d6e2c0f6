/**
 * Watch semantics, owned here once and used by both the server's watch hub (server/hub) and the
 * browser's client store (components/hooks): an in-memory store per kind, how one watch event changes
 * it, and how a fresh list is reconciled into it. Pure and isomorphic: no timers, no I/O.
 *
 * Modelled on Headlamp's `KubeList.applyUpdate` (frontend/src/lib/k8s/api/v2/KubeList.ts): a stale
 * resourceVersion never overwrites a newer object, and an ERROR event leaves the store untouched (its
 * object is a Status, not a member of the list).
 */
import type { KubeObject } from '../grove/meta';
import { objectKey, type WatchedKind } from './kinds';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One watch event as the apiserver sends it (`{type, object}`). ERROR is accepted and ignored. */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/**
 * The objects of one kind, keyed by `objectKey` (namespace/name), plus the resourceVersion a watch
 * resumes from. A Map rather than a record: keys are user-chosen names, and a Map has no prototype
 * keys to collide with. Stores stay in memory; what crosses a boundary is `storeItems`.
 */
export interface ObjectStore {
  kind: WatchedKind;
  /** The list's resourceVersion, advanced by every event (and bookmark) seen since. '' before any list. */
  resourceVersion: string;
  objects: Map<string, KubeObject>;
}

export function createObjectStore(kind: WatchedKind, resourceVersion = ''): ObjectStore {
  return { kind, resourceVersion, objects: new Map() };
}

/** A list as the apiserver returns it (all pages joined). */
export interface ObjectList {
  items: readonly KubeObject[];
  resourceVersion: string;
}

const DIGITS = /^[0-9]+$/;

/**
 * -1, 0 or 1 when both resourceVersions are decimal integers; null otherwise. The API says
 * resourceVersions are opaque, but every apiserver backed by etcd (and our simulated cluster) uses
 * the etcd revision, so when both parse we compare them, and when either does not we accept the event
 * (never refuse an update we cannot prove stale). Compared as digit strings: no precision limit.
 */
export function compareResourceVersions(a: string | undefined, b: string | undefined): -1 | 0 | 1 | null {
  if (a === undefined || b === undefined || !DIGITS.test(a) || !DIGITS.test(b)) return null;
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** True only when `stored` is provably newer than `incoming`. */
function isNewer(stored: string | undefined, incoming: string | undefined): boolean {
  return compareResourceVersions(stored, incoming) === 1;
}

function advance(store: ObjectStore, resourceVersion: string | undefined): void {
  if (!resourceVersion) return;
  // Unparseable versions replace the cursor: the newest event is the best place to resume from.
  if (!isNewer(store.resourceVersion, resourceVersion)) store.resourceVersion = resourceVersion;
}

/**
 * Applies one watch event to `store`; returns whether the objects changed. Never throws: a malformed
 * event (no object, no name, unknown type) changes nothing.
 * - ADDED/MODIFIED insert or replace, unless the stored object's resourceVersion is newer (a late event
 *   after a relist must not roll an object back).
 * - DELETED removes, unless the stored object is newer than the deletion (a later incarnation of the
 *   same name, seen through a relist).
 * - BOOKMARK only advances the store's resourceVersion; ERROR changes nothing.
 */
export function applyWatchEvent(store: ObjectStore, event: WatchEvent): boolean {
  try {
    if (!event || typeof event !== 'object') return false;
    const object = event.object;
    if (!object || typeof object !== 'object') return false;
    const resourceVersion = object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      advance(store, resourceVersion);
      return false;
    }
    if (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED') return false;
    const key = objectKey(object);
    if (!key || key.endsWith('/')) return false;
    const stored = store.objects.get(key);
    advance(store, resourceVersion);
    if (stored && isNewer(stored.metadata?.resourceVersion, resourceVersion)) return false;
    if (event.type === 'DELETED') return store.objects.delete(key);
    store.objects.set(key, object);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `store` equal to `fresh` (a relist, e.g. after 410 Gone) and returns the events that turn the
 * old contents into the new: ADDED for new keys, MODIFIED for changed objects, DELETED (with the last
 * known object) for keys the list no longer has. Subscribers that apply these get exact deltas instead
 * of a second snapshot. The list is the truth, so no stale-version guard applies here.
 */
export function reconcile(store: ObjectStore, fresh: ObjectList): WatchEvent[] {
  const events: WatchEvent[] = [];
  const seen = new Set<string>();
  for (const object of fresh.items) {
    const key = objectKey(object);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    const stored = store.objects.get(key);
    if (!stored) {
      events.push({ type: 'ADDED', object });
    } else if (!sameVersion(stored, object)) {
      events.push({ type: 'MODIFIED', object });
    } else {
      continue;
    }
    store.objects.set(key, object);
  }
  for (const [key, object] of store.objects) {
    if (seen.has(key)) continue;
    events.push({ type: 'DELETED', object });
    store.objects.delete(key);
  }
  store.resourceVersion = fresh.resourceVersion;
  return events;
}

function sameVersion(a: KubeObject, b: KubeObject): boolean {
  const va = a.metadata?.resourceVersion;
  const vb = b.metadata?.resourceVersion;
  if (va && vb) return va === vb;
  return deepEqual(a, b);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(rb, key) && deepEqual(ra[key], rb[key]));
}

/** The store's objects in key order, as plain data (for snapshots and React). */
export function storeItems(store: ObjectStore): KubeObject[] {
  return [...store.objects.keys()].sort().map((key) => store.objects.get(key)!);
}

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Drops what no view shows and what can dwarf the object itself: `metadata.managedFields` and the
 * last-applied annotation (a full copy of the manifest). Returns the same object when there is
 * nothing to strip; never mutates its input.
 */
export function stripBulk<T extends KubeObject>(object: T): T {
  const metadata = object?.metadata as (KubeObject['metadata'] & { managedFields?: unknown }) | undefined;
  if (!metadata) return object;
  const hasManaged = 'managedFields' in metadata;
  const annotations = metadata.annotations;
  const hasLastApplied = annotations !== undefined && annotations !== null && Object.prototype.hasOwnProperty.call(annotations, LAST_APPLIED_ANNOTATION);
  if (!hasManaged && !hasLastApplied) return object;
  const { managedFields: _managed, ...rest } = metadata;
  const nextMetadata: KubeObject['metadata'] = rest;
  if (hasLastApplied) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...others } = annotations;
    if (Object.keys(others).length > 0) nextMetadata.annotations = others;
    else delete nextMetadata.annotations;
  }
  return { ...object, metadata: nextMetadata };
}
