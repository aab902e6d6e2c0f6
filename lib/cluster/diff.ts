/**
 * What applying an object would change: a structural diff of two Kubernetes objects, listing the
 * changed leaves as paths with their old and new values. Lists whose items have an identity
 * (listIdentity.ts: containers by name, cliques by name, startsAfter as a set) are compared item by
 * item, so an added container is one row and a changed image is named by its container, written as
 * server-side apply writes field paths (and as the Apply panel lists a 409's fields):
 * `spec.template.cliques[name="router"].spec.podSpec.containers[name="sidecar"]`. Other lists are
 * compared by position. Fields the apiserver owns (status, resourceVersion, generation,
 * managedFields, uid, creationTimestamp) are left out, so a re-apply of the same manifest diffs empty.
 */
import { fieldPath } from './fieldPath';
import { LIST_IDENTITY, listItems, type ListItem } from './listIdentity';

export interface FieldChange {
  path: string;
  /** Undefined when the field (or list item) is added. */
  old?: unknown;
  /** Undefined when the field (or list item) is removed. */
  new?: unknown;
  /**
   * The list at `path` holds the same items in another order (which the stored object keeps, and
   * Grove's InOrder startup follows): `old` and `new` name its items in order (`["router","decode"]`).
   */
  reordered?: true;
}

const IGNORED_TOP = new Set(['status']);
const IGNORED_METADATA = new Set(['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp', 'selfLink']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ignored(path: string[]): boolean {
  if (path.length === 1) return IGNORED_TOP.has(path[0]!);
  return path.length === 2 && path[0] === 'metadata' && IGNORED_METADATA.has(path[1]!);
}

/** Changed leaves between `before` (null: the object does not exist yet) and `after`. */
export function diffObjects(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(before ?? {}, after ?? {}, [], '', changes);
  return changes;
}

/** `keys`: the object keys down to here (for the ignored fields); the last one names a list's field. */
function walk(a: unknown, b: unknown, keys: string[], path: string, out: FieldChange[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const all = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...all].sort()) {
      const next = [...keys, key];
      if (ignored(next)) continue;
      const p = fieldPath(path, key);
      if (!(key in b)) out.push({ path: p, old: a[key] });
      else if (!(key in a)) out.push({ path: p, new: b[key] });
      else walk(a[key], b[key], next, p, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const identity = LIST_IDENTITY[keys[keys.length - 1] ?? ''];
    const itemsA = identity ? listItems(a, identity) : null;
    const itemsB = itemsA && identity ? listItems(b, identity) : null;
    if (itemsA && itemsB) diffItems(itemsA, itemsB, keys, path, out);
    else diffByPosition(a, b, keys, path, out);
    return;
  }
  if (!deepEqual(a, b)) out.push({ path, old: a, new: b });
}

/** Items matched by identity: changes inside the ones in both, the added, the removed, then a changed order. */
function diffItems(a: ListItem[], b: ListItem[], keys: string[], path: string, out: FieldChange[]): void {
  const inA = new Map(a.map((item) => [item.id, item]));
  const inB = new Set(b.map((item) => item.id));
  for (const item of b) {
    const was = inA.get(item.id);
    if (was) walk(was.value, item.value, [...keys, item.segment], path + item.segment, out);
    else out.push({ path: path + item.segment, new: item.value });
  }
  for (const item of a) if (!inB.has(item.id)) out.push({ path: path + item.segment, old: item.value });
  const keptA = a.filter((item) => inB.has(item.id));
  const keptB = b.filter((item) => inA.has(item.id));
  if (keptA.some((item, i) => item.id !== keptB[i]!.id)) out.push({ path, old: keptA.map((i) => i.label), new: keptB.map((i) => i.label), reordered: true });
}

/**
 * Items by position: field by field when the lengths match; items added or removed at the end when
 * the rest is equal; otherwise the whole list, since no item can be said to be which.
 */
function diffByPosition(a: unknown[], b: unknown[], keys: string[], path: string, out: FieldChange[]): void {
  if (a.length === b.length) {
    a.forEach((item, i) => walk(item, b[i], [...keys, String(i)], fieldPath(path, i), out));
    return;
  }
  const shorter = a.length < b.length ? a : b;
  const longer = a.length < b.length ? b : a;
  if (!shorter.every((item, i) => deepEqual(item, longer[i]))) {
    out.push({ path, old: a, new: b });
    return;
  }
  for (let i = shorter.length; i < longer.length; i++) out.push(longer === b ? { path: fieldPath(path, i), new: b[i] } : { path: fieldPath(path, i), old: a[i] });
}

/** Deep equality of plain data (key order aside). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
