/**
 * What applying an object would change: a structural diff of two Kubernetes objects, listing the
 * changed leaves as paths (`spec.template.cliques[0].spec.replicas`) with their old and new values.
 * Fields the apiserver owns (status, resourceVersion, generation, managedFields, uid,
 * creationTimestamp) are left out, so a re-apply of the same manifest diffs empty.
 */
import { fieldPath } from './fieldPath';

export interface FieldChange {
  path: string;
  /** Undefined when the field is added. */
  old?: unknown;
  /** Undefined when the field is removed. */
  new?: unknown;
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
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => walk(item, b[i], [...keys, String(i)], fieldPath(path, i), out));
    return;
  }
  if (!deepEqual(a, b)) out.push({ path, old: a, new: b });
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
