/**
 * The builder's source of truth is the YAML text. Every graph edit parses it into eemeli/yaml
 * Documents (read and written by lib/grove/manifest: YAML 1.1, as kubectl reads it), changes the
 * PodCliqueSet document in place with setIn/deleteIn/list edits, and writes back only the lines the
 * edit changed (writeEdited) — so comments, key order, layout, other documents and fields the builder
 * knows nothing about survive every edit.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, Scalar, visit, YAMLMap, YAMLSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { documentData, DocumentDataError, documentDataProblem, expansionBudget, parseYamlDocuments, writeStyleOf, writeYamlDocuments, type ParsedYaml } from '../grove/manifest';
import { isRecord } from '../grove/meta';
import { PODCLIQUESET_KIND } from '../grove/podcliqueset';
import { jsonPath } from './containers';

export type Path = readonly (string | number)[];

export interface BuilderDocument {
  /** Every document of the file, in order. */
  documents: Document.Parsed[];
  /** Index (in `documents`) of the PodCliqueSet the builder edits. */
  pcsIndex: number;
  /** Positions of the file's text (line:column in messages). */
  lineCounter: LineCounter;
}

export type ReadResult =
  | {
      ok: true;
      doc: BuilderDocument;
      object: Record<string, unknown>;
      /** Why the canvas and inspector must not edit this PodCliqueSet (every edit refuses with it), or null. */
      editRefusal: string | null;
    }
  | { ok: false; message: string; line?: number; column?: number };

/** Reads the text; refuses (with line:column) text the builder cannot edit without losing something. */
export function readBuilderText(text: string): ReadResult {
  return readParsedText(parseYamlDocuments(text), text);
}

/**
 * readBuilderText on a text already parsed by parseYamlDocuments (see lib/builder/revision.ts). The
 * documents are the parse's own: an edit changes them in place, so edits read their text afresh.
 */
export function readParsedText(parsed: ParsedYaml, text: string): ReadResult {
  const { documents, errors, lineCounter } = parsed;
  const e = errors[0];
  if (e) return { ok: false, message: e.message, line: e.line, column: e.column };
  let object: Record<string, unknown> | undefined;
  let pcsIndex = -1;
  const budget = expansionBudget(documents);
  for (let i = 0; i < documents.length && !object; i++) {
    let js: unknown;
    try {
      js = documentData(documents[i]!, budget);
    } catch (error) {
      // An alias bomb, a self-alias, a bad merge: refused like a syntax error, where the Validate page puts it.
      if (!(error instanceof DocumentDataError)) throw error;
      return { ok: false, ...documentDataProblem(error, lineCounter) };
    }
    if (isRecord(js) && js.kind === PODCLIQUESET_KIND) (object = js), (pcsIndex = i);
  }
  if (!object) return { ok: false, message: 'no PodCliqueSet in this text (kind: PodCliqueSet)' };
  const doc = { documents, pcsIndex, lineCounter };
  return { ok: true, doc, object, editRefusal: sharedNodeRefusal(doc, text) };
}

/**
 * Aliases (`*pod`) and merge keys (`<<: *base`) make one YAML node stand for several places: an edit
 * through one place would change the others too, replace what a merge brought in by the one field
 * edited, or delete the anchor the others still point at. Such a PodCliqueSet is edited in the YAML
 * pane only; this says so, with the line:column of the first alias or merge key and of its anchor.
 */
function sharedNodeRefusal(doc: BuilderDocument, text: string): string | null {
  const anchors = new Map<string, number>();
  let first: { offset: number; what: string; anchor?: string } | undefined;
  visit(pcsDocument(doc), {
    Node(_, node) {
      // The node's range starts after its `&name`; the message points at the `&name` itself.
      if (node.anchor && node.range && !anchors.has(node.anchor)) anchors.set(node.anchor, Math.max(0, text.lastIndexOf(`&${node.anchor}`, node.range[0])));
      if (isAlias(node) && node.range && (!first || node.range[0] < first.offset)) first = { offset: node.range[0], what: `alias *${node.source}`, anchor: node.source };
    },
    Pair(_, pair) {
      // yaml reads a YAML 1.1 merge key `<<` as a scalar holding a symbol (a quoted "<<" is a plain string key).
      const key = pair.key;
      if (isScalar(key) && typeof key.value === 'symbol' && key.range && (!first || key.range[0] < first.offset)) {
        first = { offset: key.range[0], what: 'merge key <<' };
      }
    },
  });
  if (!first) return null;
  const at = (offset: number) => {
    const p = doc.lineCounter.linePos(offset);
    return `line ${p.line}:${p.col}`;
  };
  const anchorAt = first.anchor !== undefined ? anchors.get(first.anchor) : undefined;
  const anchor = anchorAt !== undefined ? `, anchor &${first.anchor} at ${at(anchorAt)}` : '';
  return `this PodCliqueSet shares YAML nodes (${first.what} at ${at(first.offset)}${anchor}), so an edit from the canvas or inspector could change or break the places that share them: edit it in the YAML pane, or write the shared parts out in full`;
}

/** The file again as yaml writes it (each document in the style it was read in, see WriteStyle). */
export function writeBuilderText(doc: BuilderDocument): string {
  return writeYamlDocuments(doc.documents);
}

/**
 * Runs `change` on the documents read from `text` and gives the file back with only the lines the
 * change made different: every other line exactly as it was (indentation, `["a","b"]` spacing, `#`
 * comment spacing, blank lines holding blanks — what yaml's writer cannot keep).
 *
 * How: yaml writes the file before and after the change (`before`, `after`); their line diff is
 * where the change is. The lines of `before` are matched to the lines of `text` ignoring blanks (the
 * two differ only in layout), and each changed run of lines replaces the matching run of `text`,
 * shifted to the indentation `text` uses there. A run whose ends cannot be matched grows by a line
 * until they can. The result must read back as exactly what the change made (same data, comments
 * and styles); if it does not, the file comes back as yaml writes it, never wrong.
 */
export function writeEdited(doc: BuilderDocument, text: string, change: () => void): string {
  const before = writeBuilderText(doc);
  change();
  const after = writeBuilderText(doc);
  if (after === before) return text;
  const spliced = spliceLines(text, before, after);
  if (spliced === null) return after;
  const styles = doc.documents.map(writeStyleOf);
  const reread = parseYamlDocuments(spliced);
  return reread.errors.length === 0 && writeYamlDocuments(reread.documents, styles) === after ? spliced : after;
}

/** `text` with the line changes from `before` to `after` applied (see writeEdited); null when they cannot be placed. */
export function spliceLines(text: string, before: string, after: string): string | null {
  const crlf = text.includes('\r\n');
  const t = text.split('\n');
  const s0 = before.split('\n');
  const s1 = after.split('\n');
  const equal = matchLines(s0, s1, (x) => x);
  const placed = matchLines(s0, t, (x) => x.replace(/\s+/g, ''));
  if (!equal || !placed) return null;
  const inAfter = new Map(equal);
  const inText = new Map(placed);
  // An anchor: a line of `before` that the change left alone and that is found in `text`.
  const anchor = (x: number) => inAfter.has(x) && inText.has(x);
  const runs: [number, number][] = [];
  let a = 0;
  let c = 0;
  for (const [b, d] of [...equal, [s0.length, s1.length] as const]) {
    if (b > a || d > c) {
      let lo = a;
      let hi = b;
      while (lo > 0 && !anchor(lo - 1)) lo--;
      while (hi < s0.length && !anchor(hi)) hi++;
      const last = runs[runs.length - 1];
      if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
      else runs.push([lo, hi]);
    }
    a = b + 1;
    c = d + 1;
  }
  const out: string[] = [];
  let copied = 0; // lines of `text` already in `out`
  for (const [lo, hi] of runs) {
    const tStart = lo === 0 ? 0 : inText.get(lo - 1)! + 1;
    const tEnd = hi === s0.length ? t.length : inText.get(hi)!;
    const from = lo === 0 ? 0 : inAfter.get(lo - 1)! + 1;
    const to = hi === s0.length ? s1.length : inAfter.get(hi)!;
    if (tStart < copied || tEnd < tStart) return null;
    out.push(...t.slice(copied, tStart));
    const lines = s1.slice(from, to);
    const shift = indentShift(lines, s0, t, inText, lo, hi, anchor);
    lines.forEach((line, i) => {
      // A line changed in place (as many lines before as after) keeps the text's own lead: its indent and `-   `.
      const old = hi - lo === to - from && inText.has(lo + i) ? t[inText.get(lo + i)!]! : null;
      const lead = leadOf(line);
      const written = old !== null && leadOf(s0[lo + i]!) === lead ? leadOf(old.replace(/\r$/, '')) + line.slice(lead.length) : reindent(line, shift);
      out.push(written + (crlf && line !== '' ? '\r' : ''));
    });
    copied = tEnd;
  }
  out.push(...t.slice(copied));
  return out.join('\n');
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** A line's indent and list dashes (`    -   `). */
const leadOf = (line: string) => /^[ \t]*(?:-[ \t]+)*/.exec(line)![0];

/**
 * How far `text` indents the lines of a run further than yaml does: measured on the nearest anchor
 * above (else below) the run at the indentation of the run's first line (a sibling or the parent's
 * sibling), so a file indenting by 4 gets new lines at its own depth.
 */
function indentShift(lines: readonly string[], s0: readonly string[], t: readonly string[], inText: ReadonlyMap<number, number>, lo: number, hi: number, anchor: (x: number) => boolean): number {
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined) return 0;
  const want = indentOf(first);
  const measure = (x: number) => (anchor(x) && s0[x]!.trim() !== '' && indentOf(s0[x]!) === want ? indentOf(t[inText.get(x)!]!) - want : null);
  for (let x = lo - 1; x >= 0; x--) {
    const m = measure(x);
    if (m !== null) return m;
  }
  for (let x = hi; x < s0.length; x++) {
    const m = measure(x);
    if (m !== null) return m;
  }
  return 0;
}

function reindent(line: string, shift: number): string {
  if (shift === 0 || line.trim() === '') return line;
  return shift > 0 ? ' '.repeat(shift) + line : line.slice(Math.min(-shift, indentOf(line)));
}

/** Diffs past this many changed lines are not spliced (the file is written whole instead). */
const MAX_LINE_DIFF = 4000;

/**
 * The equal lines of `x` and `y` (compared through `key`) as index pairs in order: a shortest edit
 * script (Myers' O((N+M)D) diff), or null past MAX_LINE_DIFF differences.
 */
export function matchLines(x: readonly string[], y: readonly string[], key: (line: string) => string): [number, number][] | null {
  const xs = x.map(key);
  const ys = y.map(key);
  // Equal heads and tails are matched directly; the diff runs on what is between.
  let head = 0;
  while (head < xs.length && head < ys.length && xs[head] === ys[head]) head++;
  let tail = 0;
  while (tail < xs.length - head && tail < ys.length - head && xs[xs.length - 1 - tail] === ys[ys.length - 1 - tail]) tail++;
  const n = xs.length - head - tail;
  const m = ys.length - head - tail;
  const pairs: [number, number][] = [];
  for (let i = 0; i < head; i++) pairs.push([i, i]);
  const trace: Int32Array[] = [];
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  let found = max === 0;
  for (let dist = 0; dist <= max && !found; dist++) {
    if (dist > MAX_LINE_DIFF) return null;
    for (let k = -dist; k <= dist; k += 2) {
      const down = k === -dist || (k !== dist && v[max + k - 1]! < v[max + k + 1]!);
      let i = down ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let j = i - k;
      while (i < n && j < m && xs[head + i] === ys[head + j]) (i++, j++);
      v[max + k] = i;
      if (i >= n && j >= m) found = true;
    }
    trace.push(v.slice(max - dist, max + dist + 1));
    if (found) break;
  }
  // Walk back through the trace for the snakes (runs of equal lines).
  const middle: [number, number][] = [];
  let i = n;
  let j = m;
  for (let dist = trace.length - 1; dist >= 0 && (i > 0 || j > 0); dist--) {
    const k = i - j;
    const at = (row: Int32Array, kk: number, dd: number) => row[kk + dd]!;
    let prevK: number;
    if (dist === 0) prevK = 0;
    else {
      const prev = trace[dist - 1]!;
      const down = k === -dist || (k !== dist && at(prev, k - 1, dist - 1) < at(prev, k + 1, dist - 1));
      prevK = down ? k + 1 : k - 1;
    }
    const prevI = dist === 0 ? 0 : at(trace[dist - 1]!, prevK, dist - 1);
    const prevJ = prevI - prevK;
    const startI = dist === 0 ? 0 : prevK === k + 1 ? prevI : prevI + 1;
    const startJ = startI - k;
    while (i > startI && j > startJ) middle.push([head + --i, head + --j]);
    i = prevI;
    j = prevJ;
  }
  pairs.push(...middle.reverse());
  for (let t = tail; t > 0; t--) pairs.push([xs.length - t, ys.length - t]);
  return pairs;
}

export function pcsDocument(doc: BuilderDocument): Document.Parsed {
  return doc.documents[doc.pcsIndex]!;
}

/** The sequence at `path`, created (block style) when missing. */
export function ensureSeq(d: Document, path: Path): YAMLSeq {
  const existing = d.getIn(path, true) as Node | undefined;
  if (isSeq(existing)) return existing;
  const seq = new YAMLSeq();
  d.setIn(path, seq);
  return seq;
}

/**
 * Sets a value, or deletes the key when `value` is undefined / empty string; prunes maps left empty.
 * A deleted key's comments stay in the file (see deleteKeepingComments). Throws, with the JSON path,
 * when the YAML's shape does not let the path be written.
 */
export function setOrDelete(d: Document, path: Path, value: unknown): void {
  try {
    if (value === undefined || value === '') {
      if (typeof path[path.length - 1] === 'string' && deleteKeepingComments(d, path)) return;
      if (d.hasIn(path)) d.deleteIn(path);
      pruneEmptyParents(d, path.slice(0, -1));
      return;
    }
    const current = d.getIn(path, true) as Node | undefined;
    if (current !== undefined && !(isScalar(current) && current.value == null)) {
      const next = writeInto(d, current, value);
      if (next !== current) d.setIn(path, next);
      return;
    }
    // Parents made here: yaml's setIn cannot go on through a map it created itself in an earlier set of
    // the same edit, nor through a key written with nothing under it (`resources:` is a null scalar).
    for (let i = 1; i < path.length; i++) {
      const prefix = path.slice(0, i);
      const parent = d.getIn(prefix, true) as Node | undefined;
      if (parent !== undefined && !(isScalar(parent) && parent.value == null)) continue;
      const next = path[i]!;
      if (typeof next === 'number' && next !== 0) throw new Error(`${jsonPath(prefix)} has no item ${next}`);
      d.setIn(prefix, typeof next === 'number' ? new YAMLSeq() : new YAMLMap());
    }
    d.setIn(path, d.createNode(value));
  } catch (e) {
    throw new Error(`${jsonPath(path)}: ${shapeProblem(d, path) ?? (e as Error).message}`);
  }
}

/** The first place on `path` that holds a value where a map or list is needed, in words; null when there is none. */
function shapeProblem(d: Document, path: Path): string | null {
  for (let i = 1; i < path.length; i++) {
    const node = d.getIn(path.slice(0, i), true) as Node | undefined;
    if (node === undefined || isMap(node) || isSeq(node) || (isScalar(node) && node.value == null)) continue;
    const held = isScalar(node) ? `the value ${JSON.stringify(node.value)}` : 'an alias';
    return `${jsonPath(path.slice(0, i))} holds ${held} where a ${typeof path[i] === 'number' ? 'list' : 'map'} is needed: fix it in the YAML pane`;
  }
  return null;
}

/** `value` written into `node` as an edit writes it (see writeInto): what did not change keeps its node, comment and style. */
export function writeValue(d: Document, node: Node, value: unknown): Node {
  return writeInto(d, node, value);
}

/**
 * `value` written into the existing node: scalars keep their node (so comment and quoting), maps are
 * changed key by key and lists item by item (see writeListInto), so comments on what did not change survive.
 * Returns the node to put in place (the same node, or a new one when the kinds differ).
 */
function writeInto(d: Document, node: Node, value: unknown): Node {
  if (value === null || typeof value !== 'object') {
    if (!isScalar(node)) return d.createNode(value) as Node;
    if (node.value !== value) node.value = value;
    return node;
  }
  if (Array.isArray(value)) {
    if (!isSeq(node)) return d.createNode(value) as Node;
    node.items = writeListInto(d, node.items as (Node | null)[], value);
    return node;
  }
  if (!isMap(node)) return d.createNode(value) as Node;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const wanted = new Set(entries.map(([k]) => k));
  node.items = node.items.filter((pair) => wanted.has(keyString(pair.key)));
  for (const [k, v] of entries) {
    const pair = node.items.find((p) => keyString(p.key) === k);
    if (!pair) node.items.push(d.createPair(k, v));
    else pair.value = pair.value === null || pair.value === undefined ? d.createNode(v) : writeInto(d, pair.value as Node, v);
  }
  return node;
}

/**
 * The items of a list after writing `values` into it. Old items are matched to new values by what
 * they are, not where they are, so a comment follows its item when another is removed, inserted or
 * moved: a map with a `name` (env var, container, port) by that name, anything else by equal content.
 * A value left unmatched reuses the unmatched old item in the slot right after where its predecessor
 * came from (an item edited in place keeps its comment and style), except a named map: a new name is a
 * new item. Everything else gets a new node; old items not reused go, with their comments.
 */
function writeListInto(d: Document, items: readonly (Node | null)[], values: readonly unknown[]): Node[] {
  const keys = items.map((item) => (item == null ? undefined : itemKey(item.toJSON())));
  const used = new Set<number>();
  const from = values.map((v) => {
    const key = itemKey(v);
    const i = keys.findIndex((k, j) => k === key && !used.has(j));
    if (i >= 0) used.add(i);
    return i;
  });
  values.forEach((v, j) => {
    if (from[j]! >= 0 || nameOf(v) !== undefined) return;
    const after = j === 0 ? -1 : from[j - 1]!;
    if (j > 0 && after < 0) return; // the predecessor is new itself: so is this
    const slot = after + 1;
    const item = items[slot];
    if (item == null || used.has(slot) || nameOf(item.toJSON()) !== undefined) return;
    used.add(slot);
    from[j] = slot;
  });
  return values.map((v, j) => {
    const item = from[j]! >= 0 ? items[from[j]!] : undefined;
    return item == null ? (d.createNode(v) as Node) : writeInto(d, item, v);
  });
}

/** What a list item is matched by: its name for a named map, else its content. */
function itemKey(value: unknown): string {
  const name = nameOf(value);
  return name !== undefined ? `name:${name}` : `json:${canonicalJson(value)}`;
}

function nameOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.name === 'string' ? value.name : undefined;
}

/** JSON with map keys sorted and undefined fields left out (they are not written). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function keyString(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * Deletes the map key at `path` (and the maps that deletion empties, as pruneEmptyParents), keeping
 * the comments written on the lines it removes: the one above the key, the one at the end of its line
 * (`replicas: 8 # two per node`) and those on the lines of a block value below it (a map's keys, a
 * list's items, at any depth) stay where the key was, as comment lines above the next key or, for the
 * last key, below the map. The text reads as if the key's lines had been deleted and their comments not.
 * False when `path` is not a key of a map (nothing deleted).
 */
function deleteKeepingComments(d: Document, path: Path): boolean {
  const mapPath = path.slice(0, -1);
  const map = (mapPath.length === 0 ? d.contents : d.getIn(mapPath, true)) as Node | null | undefined;
  if (!isMap(map)) return false;
  const at = map.items.findIndex((pair) => keyString(pair.key) === String(path[path.length - 1]));
  if (at < 0) return false;
  let comments = pairComments(map.items[at]!);
  map.items.splice(at, 1);
  let parent = map;
  let parentPath = mapPath;
  let index = at;
  // An emptied map goes too (as pruneEmptyParents), its own comments with it into the place it leaves.
  while (parent.items.length === 0 && parentPath.length > 0 && typeof parentPath[parentPath.length - 1] === 'string' && !KEPT_MAPS.has(parentPath.join('.'))) {
    const upPath = parentPath.slice(0, -1);
    const up = (upPath.length === 0 ? d.contents : d.getIn(upPath, true)) as Node | null | undefined;
    if (!isMap(up)) break;
    const i = up.items.findIndex((pair) => keyString(pair.key) === String(parentPath[parentPath.length - 1]));
    if (i < 0) break;
    comments = [...keyComments(up.items[i]!), parent.commentBefore, ...comments, parent.comment].filter((c): c is string => !!c);
    up.items.splice(i, 1);
    parent = up;
    parentPath = upPath;
    index = i;
  }
  if (comments.length === 0) return true;
  const kept = comments.join('\n');
  const next = parent.items[index];
  if (next) {
    const key = isNode(next.key) ? next.key : (next.key = new Scalar(next.key));
    key.commentBefore = key.commentBefore ? `${kept}\n${key.commentBefore}` : kept;
  } else parent.comment = parent.comment ? `${kept}\n${parent.comment}` : kept;
  return true;
}

/** The comments written on a map entry's key: above it and after it. */
function keyComments(pair: Pair): string[] {
  const key = isNode(pair.key) ? pair.key : null;
  return [key?.commentBefore, key?.comment].filter((c): c is string => !!c);
}

/**
 * The comments written on a map entry's lines, in the order they stand: its key's, and every one in its
 * value (at the end of a scalar's line, and on or between the lines of a block map or list below it).
 */
function pairComments(pair: Pair): string[] {
  return [...keyComments(pair), ...commentsWithin(pair.value)];
}

/** Every comment of a node, in the order they stand: above it, inside it (innerComments), after it. */
export function commentsWithin(node: unknown): string[] {
  if (!isNode(node)) return [];
  return [node.commentBefore, ...innerComments(node)].filter((c): c is string => !!c);
}

/** The comments inside a node (on the keys, values and items of a map or list, at any depth) and after it: all but the one above it. */
function innerComments(node: Node): string[] {
  const inside = isMap(node)
    ? node.items.flatMap((pair) => [...commentsWithin(pair.key), ...commentsWithin(pair.value)])
    : isSeq(node)
      ? node.items.flatMap((item) => commentsWithin(item))
      : [];
  return [...inside, node.comment].filter((c): c is string => !!c);
}

/**
 * Removes the items at `doomed` from a list, keeping their comments. A comment above a removed item
 * heads a section (`# --- prefill: leader + workers ---`): it moves to the next item that stays when
 * that item has no comment of its own (the section goes on), and goes with the item otherwise (the
 * section is gone). The comments inside a removed item (on the lines of a clique's spec, a container, a
 * nested map) stay as comment lines where it was: above the next item that stays, else below the list.
 * The first item's comment is the list's own (yaml reads it as the list's commentBefore).
 */
export function deleteListItems(seq: YAMLSeq | null, doomed: ReadonlySet<number>): void {
  if (!seq || doomed.size === 0) return;
  const items = seq.items as Node[];
  const headings = items.map((item, i) => (i === 0 ? (seq.commentBefore ?? item.commentBefore) : item.commentBefore) || undefined);
  /** Comment lines that go above each item that stays, in the order they stood; `below`, after the list. */
  const above = items.map((): string[] => []);
  const below: string[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!doomed.has(i)) continue;
    const heading = headings[i];
    if (heading) {
      if (i === 0) seq.commentBefore = undefined;
      items[i]!.commentBefore = undefined;
      // The section runs on to the next commented item; its first item that stays takes the heading.
      for (let j = i + 1; j < items.length && !headings[j]; j++) {
        if (doomed.has(j)) continue;
        above[j]!.push(heading);
        break;
      }
    }
    const inner = innerComments(items[i]!);
    const next = items.findIndex((_, j) => j > i && !doomed.has(j));
    (next >= 0 ? above[next]! : below).push(...inner);
  }
  items.forEach((item, j) => {
    if (above[j]!.length === 0) return;
    item.commentBefore = [...above[j]!, item.commentBefore].filter((c): c is string => !!c).join('\n');
  });
  if (below.length > 0) seq.comment = [seq.comment, ...below].filter((c): c is string => !!c).join('\n');
  seq.items = items.filter((_, i) => !doomed.has(i));
}

/** The maps an emptied child is never pruned from: a PodCliqueSet always has them. */
const KEPT_MAPS = new Set(['metadata', 'spec', 'spec.template']);

/** Removes maps that became empty by a deletion (`topologyConstraint: {}` is rejected, `annotations: {}` is noise), up to the clique / group item. */
function pruneEmptyParents(d: Document, path: Path): void {
  for (let p = path; p.length > 0; p = p.slice(0, -1)) {
    if (typeof p[p.length - 1] === 'number') return;
    const node = d.getIn(p, true) as Node | undefined;
    if (!isMap(node) || node.items.length > 0) return;
    if (KEPT_MAPS.has(p.join('.'))) return;
    d.deleteIn(p);
  }
}

export function toNode(d: Document, value: unknown): Node {
  return d.createNode(value) as Node;
}
