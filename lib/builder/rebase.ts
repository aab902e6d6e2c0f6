/**
 * Re-basing an edit of a running stack onto its live version: a three-way merge of the version the
 * edit started from (`base`), the edit (`ours`) and the live object (`theirs`). What only one side
 * changed is taken from that side; what both changed alike is kept; what both changed differently is
 * a conflict, where the edit's value stays (and is listed, so the user sees it will undo theirs).
 * Lists whose items have an identity (lib/cluster/listIdentity: cliques and containers by name,
 * startsAfter as a set) are merged item by item; other lists, like scalars, are one value.
 */
import { deepEqual, diffObjects, type FieldChange } from '../cluster/diff';
import { fieldPath } from '../cluster/fieldPath';
import { LIST_IDENTITY, listItems, type ListItem } from '../cluster/listIdentity';
import { isRecord, type KubeObject } from '../grove/meta';
import { readBuilderText } from './document';
import { setFields } from './edits';
import { editableOfLive, loadedStackOf, stackKey, type LoadedStack } from './liveStack';

/** A field both sides changed differently: the edit's value was kept. */
export interface MergeConflict {
  /** As lib/cluster/diff writes paths: `spec.template.cliques[name="engine"].spec.replicas`. */
  path: string;
  /** Undefined where that side has no such field. */
  base?: unknown;
  ours?: unknown;
  theirs?: unknown;
}

export interface Merged {
  value: unknown;
  conflicts: MergeConflict[];
}

/** The three-way merge of `ours` and `theirs`, both changed from `base` (undefined: absent). */
export function merge3(base: unknown, ours: unknown, theirs: unknown): Merged {
  const conflicts: MergeConflict[] = [];
  const value = merge(base, ours, theirs, '', undefined, conflicts);
  return { value, conflicts };
}

function merge(base: unknown, ours: unknown, theirs: unknown, path: string, field: string | undefined, conflicts: MergeConflict[]): unknown {
  if (deepEqual(ours, theirs)) return ours;
  if (deepEqual(base, ours)) return theirs;
  if (deepEqual(base, theirs)) return ours;
  if (isRecord(ours) && isRecord(theirs)) return mergeMaps(isRecord(base) ? base : {}, ours, theirs, path, conflicts);
  const identity = field === undefined ? undefined : LIST_IDENTITY[field];
  if (identity && Array.isArray(ours) && Array.isArray(theirs)) {
    const items = [Array.isArray(base) ? base : [], ours, theirs].map((l) => listItems(l, identity));
    if (items.every((i): i is ListItem[] => i !== null)) return mergeLists(items[0]!, items[1]!, items[2]!, path, conflicts);
  }
  conflicts.push({ path, ...defined({ base, ours, theirs }) });
  return ours;
}

function mergeMaps(base: Record<string, unknown>, ours: Record<string, unknown>, theirs: Record<string, unknown>, path: string, conflicts: MergeConflict[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // The edit's key order, then keys only the live object has.
  const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs), ...Object.keys(base)])];
  for (const key of keys) {
    const value = merge(base[key], ours[key], theirs[key], fieldPath(path, key), key, conflicts);
    if (value !== undefined) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Item by item: the edit's order, with items only the live list gained after them; an item one side removed goes unless the other changed it. */
function mergeLists(base: ListItem[], ours: ListItem[], theirs: ListItem[], path: string, conflicts: MergeConflict[]): unknown[] {
  const byId = (items: ListItem[]) => new Map(items.map((i) => [i.id, i]));
  const [b, o, t] = [byId(base), byId(ours), byId(theirs)];
  const ids = [...ours.map((i) => i.id), ...theirs.filter((i) => !o.has(i.id) && !b.has(i.id)).map((i) => i.id)];
  // Removed by the edit: gone, unless the live side changed the item meanwhile (then a conflict, still gone).
  for (const item of base) {
    if (o.has(item.id) || !t.has(item.id)) continue;
    if (!deepEqual(item.value, t.get(item.id)!.value)) conflicts.push({ path: `${path}${item.segment}`, ...defined({ base: item.value, theirs: t.get(item.id)!.value }) });
  }
  const out: unknown[] = [];
  for (const id of ids) {
    const mine = o.get(id);
    const live = t.get(id);
    const was = b.get(id);
    const segment = (mine ?? live)!.segment;
    const value = merge(was?.value, mine?.value, live?.value, `${path}${segment}`, undefined, conflicts);
    if (value !== undefined) out.push(value);
  }
  return out;
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

export type RebaseResult =
  | {
      ok: true;
      /** The edit's text with the live version's changes in it (only the lines they touch rewritten). */
      text: string;
      /** The version it is now based on. */
      loaded: LoadedStack;
      /** What the live version brought into the text (edit → re-based), as a diff lists it. */
      taken: FieldChange[];
      /** Fields both changed: the edit's value kept. */
      conflicts: MergeConflict[];
    }
  | { ok: false; message: string };

/** What of a PodCliqueSet an edit and a re-base are about: its labels, annotations and spec. */
function editedPart(o: Record<string, unknown>): Record<string, unknown> {
  const meta = isRecord(o.metadata) ? o.metadata : {};
  const metadata = Object.fromEntries((['labels', 'annotations'] as const).filter((k) => meta[k] !== undefined).map((k) => [k, meta[k]]));
  return { metadata, ...(o.spec !== undefined ? { spec: o.spec } : {}) };
}

/**
 * The builder's text re-based onto `live`: the changes the text made to `loaded` (the version it was
 * opened at) made to the live version instead, as a three-way merge, written into the text itself
 * (comments and layout kept). Refused when the builder's PodCliqueSet is not `loaded`'s stack or its
 * YAML cannot be edited.
 */
export function rebaseOntoLive(text: string, loaded: LoadedStack, live: KubeObject, defaultNamespace: string | null): RebaseResult {
  const read = readBuilderText(text);
  if (!read.ok) return { ok: false, message: `the YAML cannot be read: ${read.message}${read.line ? ` (line ${read.line}:${read.column})` : ''}` };
  const meta = isRecord(read.object.metadata) ? read.object.metadata : {};
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : defaultNamespace;
  const key = namespace && typeof meta.name === 'string' ? stackKey(namespace, meta.name) : null;
  if (key !== loaded.key) return { ok: false, message: `the builder's PodCliqueSet is ${key ?? 'not named'}, not ${loaded.key}` };
  const next = loadedStackOf(live);
  if (!next) return { ok: false, message: `the cluster's ${loaded.key} has no resourceVersion` };
  const ours = editedPart(read.object);
  const { value, conflicts } = merge3(editedPart(loaded.object), ours, editedPart(editableOfLive(live)));
  const merged = value as { metadata?: { labels?: unknown; annotations?: unknown }; spec?: unknown };
  const written = setFields(text, [
    { path: ['metadata', 'labels'], value: merged.metadata?.labels },
    { path: ['metadata', 'annotations'], value: merged.metadata?.annotations },
    { path: ['spec'], value: merged.spec },
  ]);
  if (!written.ok) return { ok: false, message: written.message };
  return { ok: true, text: written.text, loaded: next, taken: diffObjects(ours, merged), conflicts };
}
