/**
 * The builder's source of truth is the YAML text. Every graph edit parses it into eemeli/yaml
 * Documents (read and written by lib/grove/manifest: YAML 1.1, as kubectl reads it), changes the
 * PodCliqueSet document in place with setIn/deleteIn/list edits, and writes the whole file back — so comments, key order, other
 * documents and fields the builder knows nothing about survive every edit.
 */
import { isMap, isScalar, isSeq, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import { documentData, parseYamlDocuments, writeYamlDocuments } from '../grove/manifest';
import { isRecord } from '../grove/meta';
import { PODCLIQUESET_KIND } from '../grove/podcliqueset';

export type Path = readonly (string | number)[];

export interface BuilderDocument {
  /** Every document of the file, in order. */
  documents: Document.Parsed[];
  /** Index (in `documents`) of the PodCliqueSet the builder edits. */
  pcsIndex: number;
}

export type ReadResult =
  | { ok: true; doc: BuilderDocument; object: Record<string, unknown> }
  | { ok: false; message: string; line?: number; column?: number };

/** Reads the text; refuses (with line:column) text the builder cannot edit without losing something. */
export function readBuilderText(text: string): ReadResult {
  const { documents, errors } = parseYamlDocuments(text);
  const e = errors[0];
  if (e) return { ok: false, message: e.message, line: e.line, column: e.column };
  let object: Record<string, unknown> | undefined;
  const pcsIndex = documents.findIndex((d) => {
    const js = documentData(d);
    if (isRecord(js) && js.kind === PODCLIQUESET_KIND) object = js;
    return object !== undefined;
  });
  if (!object) return { ok: false, message: 'no PodCliqueSet in this text (kind: PodCliqueSet)' };
  return { ok: true, doc: { documents, pcsIndex }, object };
}

/** The file again; untouched documents come out as they went in. */
export function writeBuilderText(doc: BuilderDocument): string {
  return writeYamlDocuments(doc.documents);
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

/** The map at `path`, created when missing. */
export function ensureMap(d: Document, path: Path): YAMLMap {
  const existing = d.getIn(path, true) as Node | undefined;
  if (isMap(existing)) return existing;
  const map = new YAMLMap();
  d.setIn(path, map);
  return map;
}

/** Sets a value, or deletes the key when `value` is undefined / empty string; prunes maps left empty. */
export function setOrDelete(d: Document, path: Path, value: unknown): void {
  if (value === undefined || value === '') {
    if (d.hasIn(path)) d.deleteIn(path);
    pruneEmptyParents(d, path.slice(0, -1));
    return;
  }
  const current = d.getIn(path, true) as Node | undefined;
  // Keep the scalar node (and so its comment and quoting) when only the value changes.
  if (current && 'value' in current && (typeof value !== 'object' || value === null)) {
    (current as { value: unknown }).value = value;
    return;
  }
  // Parents made here: yaml's setIn cannot go on through a map it created itself in an earlier set of
  // the same edit, nor through a key written with nothing under it (`resources:` is a null scalar).
  for (let i = 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    const parent = d.getIn(prefix, true) as Node | undefined;
    if (parent !== undefined && !(isScalar(parent) && parent.value == null)) continue;
    const next = path[i]!;
    if (typeof next === 'number' && next !== 0) throw new Error(`${prefix.join('.')} has no item ${next}`);
    d.setIn(prefix, typeof next === 'number' ? new YAMLSeq() : new YAMLMap());
  }
  d.setIn(path, d.createNode(value));
}

/** Removes maps that became empty by a deletion, up to (not including) the clique / group item. */
function pruneEmptyParents(d: Document, path: Path): void {
  for (let p = path; p.length > 0; p = p.slice(0, -1)) {
    if (typeof p[p.length - 1] === 'number') return;
    const node = d.getIn(p, true) as Node | undefined;
    if (!isMap(node) || node.items.length > 0) return;
    if (p.length <= 3) return; // never remove spec / spec.template
    d.deleteIn(p);
  }
}

export function toNode(d: Document, value: unknown): Node {
  return d.createNode(value) as Node;
}
