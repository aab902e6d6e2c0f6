/**
 * Multi-document YAML manifests: parse into objects with source positions, and serialise back
 * keeping comments and key order (eemeli/yaml's Document model). Grove kinds have their `null`
 * fields pruned, as the apiserver prunes them, with a warning; other kinds pass through untouched.
 *
 * Both directions use YAML 1.1, because that is what kubectl reads (sigs.k8s.io/yaml on go-yaml):
 * `enabled: yes` is a boolean and `mode: 0755` is octal 493 to it, so they must be to us too, and a
 * string "yes" we write must come out quoted.
 */
import { Document, isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, visit, YAMLParseError, type Node, type Pair, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';
import { fieldPath } from '../cluster/fieldPath';
import { GROVE_SCHEMAS } from './crd-schemas';
import type { Finding, ParseError } from './findings';
import { isRecord, pointerSegments } from './meta';
import { pruneNulls } from './schema';

const YAML_VERSION = '1.1';

/**
 * YAML 1.1 as go-yaml v2 reads it into JSON: no timestamps (`release: 2024-01-01` is a string to
 * kubectl, go-yaml keeps timestamp-looking values untyped for compatibility) and no base-60 numbers
 * (`t: 1:30` is a string, go-yaml never had them). Booleans (`yes`), octal (`0755`), hex and `1_000`
 * stay as YAML 1.1 has them.
 */
function kubectlTags(tags: Tags): Tags {
  return tags.filter((t) => {
    const tag = typeof t === 'string' ? t : t.tag;
    return tag !== 'tag:yaml.org,2002:timestamp' && !(typeof t === 'object' && t.format === 'TIME');
  });
}

/**
 * How every YAML document of the app is read: YAML 1.1 as kubectl reads it, errors located by a
 * LineCounter. Duplicate keys are refused by `addDuplicateKeyErrors`, not by yaml's `uniqueKeys`:
 * that compares each new key with every earlier one, so a pasted mapping of 60,000 keys took 39 s
 * and held the server's event loop all that time.
 */
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, version: YAML_VERSION, customTags: kubectlTags } as const;

/**
 * yaml's duplicate-key error ("Map keys must be unique", at the later key), found in one pass per
 * mapping. Same equality as yaml's own check: two scalar keys with the same value (`true` and `yes`
 * alike in YAML 1.1; `.nan` never equals itself there); other keys are never equal.
 */
function addDuplicateKeyErrors(doc: Document.Parsed, text: string): void {
  const found: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map, ancestors) {
      if (map.items.length < 2) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || Number.isNaN(pair.key.value)) continue;
        if (seen.has(pair.key.value)) {
          const start = keyStart(pair.key.range, text);
          const key = pair.key.range ? text.slice(pair.key.range[0], pair.key.range[1]) : String(pair.key.value);
          const where = mapPath([...ancestors, map]);
          found.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', `Map keys must be unique: ${JSON.stringify(key)} is a key twice in ${where === '' ? 'the top-level map' : where}`));
        } else seen.add(pair.key.value);
      }
    },
  });
  if (found.length === 0) return;
  doc.errors.push(...found);
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** The JSON path (`spec.template.cliques[1].spec`) of the last of `nodes`, a chain of ancestors from the document down. */
function mapPath(nodes: readonly unknown[]): string {
  let path = '';
  nodes.forEach((node, i) => {
    if (isPair(node)) path = fieldPath(path, isScalar(node.key) ? String(node.key.value) : String(node.key));
    else if (isSeq(node)) path = fieldPath(path, node.items.indexOf(nodes[i + 1] as Node));
  });
  return path;
}

/**
 * Where yaml puts a key's error: at the key, or for an empty key (`: 1`, `? ` with nothing after it,
 * whose empty range sits before any blank lines and comments) at the `:` that follows it.
 */
function keyStart(range: readonly number[] | null | undefined, text: string): number {
  const start = range?.[0] ?? 0;
  if (!range || range[1] !== start) return start;
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ':') return i;
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r' && c !== '?') return start;
    i++;
  }
  return start;
}

/**
 * How a document is written back, as its source wrote it where yaml has a switch for it (one per
 * document, so the source's majority decides):
 * - `flowCollectionPadding`: `[a, b]` as Kubernetes manifests write them, or `[ a, b ]`;
 * - `indentSeq`: a block list indented under its key, or at the key's own indent (`cliques:` then
 *   `- name:` below it, as `kubectl get -o yaml` and most Grove samples write it).
 * What yaml has no switch for (`["a","b"]` without a space, comment spacing, blank lines holding
 * blanks) the builder keeps by writing only the lines an edit changed (lib/builder/document.ts).
 */
export interface WriteStyle {
  flowCollectionPadding: boolean;
  indentSeq: boolean;
}

const writeStyles = new WeakMap<Document, WriteStyle>();

/** yaml's own defaults, for a document that was not read from text. */
const DEFAULT_WRITE_STYLE: WriteStyle = { flowCollectionPadding: false, indentSeq: true };

/** The style a document is written back in (detected when it was read). */
export function writeStyleOf(doc: Document): WriteStyle {
  return writeStyles.get(doc) ?? DEFAULT_WRITE_STYLE;
}

function detectWriteStyle(doc: Document, text: string): WriteStyle {
  let padded = 0;
  let tight = 0;
  let indented = 0;
  let flush = 0;
  const column = (offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);
  visit(doc, {
    Collection(_, node) {
      if (!node.flow || node.items.length === 0 || !node.range) return;
      const next = text[node.range[0] + 1] ?? '';
      if (next === ' ' || next === '\t') padded++;
      else if (next !== '\n' && next !== '\r') tight++; // a multi-line collection says nothing
    },
    Pair(_, pair) {
      const seq = pair.value;
      if (!isSeq(seq) || seq.flow || !seq.range || !isScalar(pair.key) || !pair.key.range) return;
      const key = column(pair.key.range[0]);
      const dash = column(seq.range[0]);
      if (dash === key) flush++;
      else if (dash > key) indented++;
    },
  });
  return { flowCollectionPadding: padded > tight, indentSeq: flush === 0 || indented >= flush };
}

/** What a document that repeats too much through aliases reads as (a parse error at the document's start, where `canopy validate` and the editors have always put it). */
export const ALIAS_BOMB_MESSAGE = 'too many alias expansions (the text repeats its anchors too often to be read; write the repeated parts out)';

/** What a list or mapping used as a mapping key reads as (kubectl's reader, sigs.k8s.io/yaml, refuses such a key too). */
export const COLLECTION_KEY_MESSAGE = 'a mapping key must be a string, number or boolean, not a list or mapping';

/**
 * How many nodes the documents of one text may stand for once their aliases are read out: ten times
 * the nodes written, and at least 100,000 (a few hundred copies of a container spec). yaml's
 * maxAliasCount weighs an alias by the aliases inside its anchor, not by its size: one anchored list of
 * 20,000 items named by 1,500 aliases (108 KB) passed it and stood for 30 million nodes, which every
 * reader of the data (null pruning, validation) walks one by one: 25 s with the server's event loop
 * held. The limit is the text's, not each document's, so it holds for the body as said: a document
 * each, every one under 100,000 nodes, made a 1 MiB body stand for 170 million nodes (2,563 of 400
 * bytes, 66,666 each; reading and checking them took 1.9 s there against 0.5 s with one limit).
 */
const EXPANSION_PER_WRITTEN_NODE = 10;
const MIN_EXPANSION_LIMIT = 100_000;

/** The nodes the documents of one text may still stand for (see EXPANSION_PER_WRITTEN_NODE); documentData spends it. */
export interface ExpansionBudget {
  readonly limit: number;
  spent: number;
  /** Whether each document counted has an alias or merge key (one that has none spends nothing). */
  readonly aliased: ReadonlyMap<Document, boolean>;
}

/** The budget of the documents of one text: read them all with it, so that together they stay in the limit. */
export function expansionBudget(documents: readonly Document[]): ExpansionBudget {
  let written = 0;
  const aliased = new Map<Document, boolean>();
  for (const doc of documents) {
    let found = false;
    try {
      visit(doc, {
        Node(_, node) {
          written++;
          if (!found && (isAlias(node) || isMergeKey(node))) found = true;
        },
      });
    } catch {
      // A document that cannot be walked (nesting past the stack) adds nothing: documentData refuses it at its start.
    }
    aliased.set(doc, found);
  }
  return { limit: Math.max(MIN_EXPANSION_LIMIT, EXPANSION_PER_WRITTEN_NODE * written), spent: 0, aliased };
}

/** Why a document's data cannot be read, at the node that makes it so (`offset` in the text). */
export class DocumentDataError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'DocumentDataError';
  }
}

/** Where a document's content starts (its offset in the text): where errors about the whole document are placed. */
function contentStart(doc: Document.Parsed): number {
  return doc.contents?.range?.[0] ?? doc.range[0];
}

/** Where a node starts in the text. */
function offsetOf(node: Node): number {
  return node.range?.[0] ?? 0;
}

/**
 * A YAML 1.1 merge key, as yaml takes one (merge.isMergeKey): `<<` read as a symbol (plain, or tagged
 * `!!merge`), or a plain `<<` read as a string (`!!str <<`).
 */
function isMergeKey(node: unknown): node is Scalar {
  return isScalar(node) && (typeof node.value === 'symbol' || ((!node.type || node.type === Scalar.PLAIN) && node.value === '<<'));
}

/**
 * Checks a document's aliases without reading any of them out: every node is visited once, and an
 * alias counts the nodes its anchor stands for (known once the anchor has been visited; an alias
 * names the last anchor of its name before it, as yaml resolves it). A document with aliases spends
 * its nodes so counted from `budget`. Throws a DocumentDataError at the first alias past the budget
 * (placed at the document's start), or at an alias inside its own anchor (data without end; go-yaml
 * refuses it too). Returns each alias's anchor (an alias naming none is left out).
 */
function checkAliases(doc: Document.Parsed, budget: ExpansionBudget): Map<Node, Node> {
  const targets = new Map<Node, Node>(); // alias → its anchor
  // A document the budget did not count is counted on its own.
  if (!(budget.aliased.get(doc) ?? expansionBudget([doc]).aliased.get(doc))) return targets;
  const anchors = new Map<string, Node>();
  const standsFor = new Map<Node, number>(); // anchored nodes visited to their end
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const anchor = anchors.get(node.source);
      if (!anchor) return 1;
      const nodes = standsFor.get(anchor);
      if (nodes === undefined) throw new DocumentDataError(`the alias *${node.source} is inside its own anchor &${node.source}: its data would repeat without end`, offsetOf(node));
      targets.set(node, anchor);
      budget.spent += nodes;
      if (budget.spent > budget.limit) throw new DocumentDataError(ALIAS_BOMB_MESSAGE, contentStart(doc));
      return nodes;
    }
    if (!isNode(node)) return 0;
    budget.spent++;
    if (node.anchor) anchors.set(node.anchor, node);
    let nodes = 1;
    if (isCollection(node)) {
      for (const item of node.items) nodes += isPair(item) ? size(item.key) + size(item.value) : size(item);
    }
    if (node.anchor) standsFor.set(node, nodes);
    return nodes;
  };
  size(doc.contents);
  return targets;
}

const SET_TAG = 'tag:yaml.org,2002:set';
const OMAP_TAG = 'tag:yaml.org,2002:omap';
const MERGE_SOURCE_MESSAGE = 'Merge sources must be maps or map aliases';

/**
 * A document's data as yaml's toJS gives it (values as read, YAML 1.1 merges, a `!!set` as a Set, an
 * `!!omap` as a Map, a `!!pairs` item as a one-key object, yaml's messages for an unresolved alias
 * and a merge of something not a mapping), read in one pass: an alias is its anchor's data (the same
 * object, as toJS gives it), found through `targets` (checkAliases). toJS itself takes time quadratic
 * in a document's aliases and anchors: each alias finds its anchor by scanning every alias and anchor
 * before it (20 anchors named 5,000 times each, 850 KB, held the server for 187 s), a merge reads its
 * source again, aliases and all, its alias limit (maxAliasCount) walks the whole document again for an
 * alias of an anchor holding aliases of an empty list (600 aliases in 2 KB: 6 s), and a list or mapping
 * used as a key is written out as YAML with every anchor read so far (2,000 such keys after 20,000
 * anchors: 14 s). Such keys are refused here, as kubectl refuses them.
 */
function readData(doc: Document.Parsed, targets: ReadonlyMap<Node, Node>): unknown {
  const anchored = new Map<Node, unknown>(); // anchored node → its data, what its aliases read as
  const read = (node: unknown): unknown => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (target === undefined) throw new DocumentDataError(`Unresolved alias (the anchor must be set before the alias): ${node.source}`, offsetOf(node));
      // An anchor yaml does not read where it stands (the value of a !!set item) is read when named.
      return anchored.has(target) ? anchored.get(target) : read(target);
    }
    if (!isNode(node)) return node;
    const data = isScalar(node) ? node.value : isMap(node) ? readMap(node) : isSeq(node) ? readSeq(node) : undefined;
    if (node.anchor) anchored.set(node, data);
    return data;
  };
  const readMap = (map: YAMLMap): unknown => {
    if (map.tag === SET_TAG) return new Set(map.items.map((pair) => read(pair.key)));
    const object: Record<string, unknown> = {};
    for (const pair of map.items) addPair(object, pair);
    return object;
  };
  const readSeq = (seq: YAMLSeq): unknown => {
    if (seq.tag === OMAP_TAG) return new Map(seq.items.map((item) => (isPair(item) ? [read(item.key), read(item.value)] : [read(item), undefined])));
    return seq.items.map((item) => {
      if (!isPair(item)) return read(item);
      const object: Record<string, unknown> = {};
      addPair(object, item);
      return object;
    });
  };
  // A key already there, or one of Object's (`__proto__`, `toString`), is defined: assigned, it would set the prototype or miss.
  const put = (object: Record<string, unknown>, name: string, value: unknown): void => {
    if (name in object) Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
    else object[name] = value;
  };
  // yaml's addPairToJSMap: a key is written as a string, and a later one of the same name wins.
  const addPair = (object: Record<string, unknown>, pair: Pair): void => {
    if (isMergeKey(pair.key)) return merge(object, pair);
    const key = read(pair.key);
    if (key !== null && typeof key === 'object') throw new DocumentDataError(COLLECTION_KEY_MESSAGE, isNode(pair.key) ? offsetOf(pair.key) : 0);
    put(object, key === null ? '' : String(key), read(pair.value));
  };
  // yaml's addMergeToJSMap: a mapping, or a list of mappings, each maybe an alias of one; the keys already set stay.
  const merge = (object: Record<string, unknown>, pair: Pair): void => {
    const resolved = (node: unknown) => (isAlias(node) ? targets.get(node) : node);
    const value = resolved(pair.value);
    for (const item of isSeq(value) ? value.items : [pair.value]) {
      const source = resolved(item);
      if (!isMap(source) || source.tag === SET_TAG) throw new DocumentDataError(MERGE_SOURCE_MESSAGE, isNode(item) ? offsetOf(item) : offsetOf(pair.key as Node));
      const entries = read(item) as Record<string, unknown>;
      for (const name of Object.keys(entries)) if (!Object.hasOwn(object, name)) put(object, name, entries[name]);
    }
  };
  return read(doc.contents);
}

export interface SourcePosition {
  line: number;
  column: number;
}

export interface ManifestDocument {
  /** 0-based index of its YAML document in the file (items of one List share their List's). */
  index: number;
  /** Index in the `items` of the `v1` List it came from (kubectl reads each item as an object of its own); null for a document of its own. */
  item: number | null;
  /** The document's data; for Grove kinds with nulls pruned. Null for an empty or unreadable document. */
  object: unknown;
  kind: string | null;
  apiVersion: string | null;
  name: string | null;
  /** 1-based line where the document's (or List item's) content starts. */
  line: number;
  /** Warnings from reading (pruned nulls). */
  warnings: Finding[];
  errors: ParseError[];
  /** The YAML AST of the object: positions (paths are the object's own, for a List item too). */
  yaml: Document.Parsed;
  /** The document of the file it came from: `yaml` itself, or the List holding the item. Written back by serializeManifests. */
  source: Document.Parsed;
}

export interface ParsedManifests {
  documents: ManifestDocument[];
  /** The file's syntax errors (one per document, see documentSyntaxError) and the documents' own reading errors, in order. */
  errors: ParseError[];
  lineCounter: LineCounter;
}

export interface ParsedYaml {
  /** Every document of the file, in order, empty ones included (writeYamlDocuments gives the file back). */
  documents: Document.Parsed[];
  /** Syntax errors, one per document that has any (documentSyntaxError), in order, with line:column and the index of their document. */
  errors: ParseError[];
  lineCounter: LineCounter;
}

/** The one YAML read of the app (the Validate page, the CLI, the builder): documents with positions. */
export function parseYamlDocuments(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, ...PARSE_OPTIONS });
  // parseAllDocuments gives an EmptyStream (not an array) for text without documents.
  const documents = Array.isArray(docs) ? docs : [];
  for (const doc of documents) {
    addDuplicateKeyErrors(doc, text);
    writeStyles.set(doc, detectWriteStyle(doc, text));
  }
  const errors = documents.flatMap((doc, index) => {
    const error = documentSyntaxError(doc, index, lineCounter, text);
    return error ? [error] : [];
  });
  return { documents, errors, lineCounter };
}

/** The longest syntax error message listed (before its "and N more"), and the longest excerpt of YAML quoted in one. */
export const MAX_PARSE_MESSAGE = 240;
const MAX_QUOTED_EXCERPT = 40;

/**
 * A document's syntax errors as every reader lists them: one, the first by position (its line:column
 * the nearest the cause), saying how many more the parser reported after it. One unclosed `[` makes
 * yaml report an error on most lines after it (73 for one bracket in a builder template), each a
 * consequence of the first, and the list buried the cause. The document itself (`doc.errors`) keeps
 * every one.
 */
function documentSyntaxError(doc: Document.Parsed, document: number, lineCounter: LineCounter, text: string): ParseError | null {
  if (doc.errors.length === 0) return null;
  const at = causeOffsets(doc, text);
  // By offset, not by the order reported: yaml reports some errors of a collection after those inside it.
  const first = doc.errors.reduce((a, b) => (at.get(b)! < at.get(a)! ? b : a));
  const pos = lineCounter.linePos(at.get(first)!);
  const error: ParseError = { message: shortParseMessage(first.message), line: pos.line, column: pos.col, document };
  const more = doc.errors.length - 1;
  return more === 0 ? error : { ...error, message: `${error.message} — and ${more} more parse error${more === 1 ? '' : 's'} after it`, moreErrors: more };
}

/**
 * Where each of a document's errors is caused: where yaml reports it, except that a flow collection
 * left open (`args: [a, b` with no `]`) is reported by yaml where the collection was cut off, on the
 * line after the one written; its error is placed at the opening bracket instead.
 */
function causeOffsets(doc: Document.Parsed, text: string): Map<YAMLParseError, number> {
  const unclosed: { node: YAMLSeq | YAMLMap; range: readonly number[] }[] = [];
  visit(doc, {
    Node(_, node) {
      if (!(isSeq(node) || isMap(node)) || !node.flow || !node.range) return;
      const close = { '[': ']', '{': '}' }[text[node.range[0]] ?? ''];
      if (close && text[node.range[1] - 1] !== close) unclosed.push({ node, range: node.range });
    },
  });
  const taken = new Set<YAMLSeq | YAMLMap>();
  return new Map(
    doc.errors.map((e) => {
      const kind = /^Flow (sequence|map)\b/.exec(e.message)?.[1];
      // Nested ones cut off at the same place: yaml reports the innermost first.
      const open = kind
        ? unclosed
            .filter(({ node, range }) => !taken.has(node) && range[1] === e.pos[0] && (kind === 'sequence' ? isSeq(node) : isMap(node)))
            .sort((a, b) => b.range[0]! - a.range[0]!)[0]
        : undefined;
      if (!open) return [e, e.pos[0]];
      taken.add(open.node);
      return [e, open.range[0]!];
    }),
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A parser's message cut to a readable length, on one line. yaml quotes the source it could not read,
 * JSON-escaped, and after an unclosed bracket that source is whole blocks of the file (985 characters
 * for one `[`); a duplicate key is quoted whole, however long: each quoted part becomes a short excerpt
 * on one line, then the whole is cut, both with an ellipsis.
 */
function shortParseMessage(message: string): string {
  const excerpted = message.split('\n')[0]!.replace(/"(?:[^"\\\n]|\\.)*"/g, (quoted) => {
    let source: unknown;
    try {
      source = JSON.parse(quoted);
    } catch {
      return quoted;
    }
    return typeof source === 'string' ? JSON.stringify(clip(source.replace(/\s+/g, ' ').trim(), MAX_QUOTED_EXCERPT)) : quoted;
  });
  return clip(excerpted, MAX_PARSE_MESSAGE);
}

/**
 * A parsed document as data (read it only when it has no errors). Throws a DocumentDataError, and
 * nothing else, for a document that cannot be read: at the alias, merge or key concerned where there
 * is one, at the document's start for an alias bomb or anything else that fails (say, a stack overflow
 * on nesting deeper than the reader's stack): one document unreadable, never the whole text.
 * `budget`: the text's (expansionBudget of all its documents), when the text has more than this one.
 */
export function documentData(doc: Document.Parsed, budget: ExpansionBudget = expansionBudget([doc])): unknown {
  try {
    return readData(doc, checkAliases(doc, budget));
  } catch (e) {
    if (e instanceof DocumentDataError || !(e instanceof Error)) throw e;
    throw new DocumentDataError(e.message, contentStart(doc));
  }
}

/** Where and why a document cannot be read (documentData's error), as every reader reports it: `canopy validate`, the Validate page and the builder's YAML pane. */
export function documentDataProblem(error: DocumentDataError, lineCounter: LineCounter): { message: string; line: number; column: number } {
  const at = lineCounter.linePos(error.offset);
  return { message: shortParseMessage(error.message), line: at.line, column: at.col };
}

export function parseManifests(text: string): ParsedManifests {
  return manifestsOfYaml(parseYamlDocuments(text));
}

/** The manifests of a text already read by parseYamlDocuments (the builder reads each revision once for its canvas and its findings). */
export function manifestsOfYaml(parsed: ParsedYaml): ParsedManifests {
  const { documents: list, errors: syntaxErrors, lineCounter } = parsed;
  const documents: ManifestDocument[] = [];
  const errors: ParseError[] = [];
  const budget = expansionBudget(list);
  list.forEach((doc, index) => {
    const start = lineCounter.linePos(contentStart(doc));
    const docErrors = syntaxErrors.filter((e) => e.document === index);
    errors.push(...docErrors);
    // An empty document (a trailing or doubled `---`, as kubectl and helm write) is not an object and not an error.
    if (isEmptyDocument(doc) && docErrors.length === 0) return;
    const fail = (message: string, at = { line: start.line, column: start.col }): ManifestDocument => {
      const err = { message, line: at.line, column: at.column, document: index };
      errors.push(err);
      return manifestDocument({ index, item: null, object: null, line: start.line, warnings: [], errors: [...docErrors, err], yaml: doc, source: doc });
    };
    if (docErrors.length > 0) {
      documents.push(manifestDocument({ index, item: null, object: null, line: start.line, warnings: [], errors: docErrors, yaml: doc, source: doc }));
      return;
    }
    let object: unknown;
    try {
      object = documentData(doc, budget);
    } catch (e) {
      // One document unreadable, not the whole run (documentData throws nothing else for an Error).
      if (!(e instanceof DocumentDataError)) throw e;
      const problem = documentDataProblem(e, lineCounter);
      documents.push(fail(problem.message, problem));
      return;
    }
    if (!isRecord(object)) {
      documents.push(fail('a manifest document must be a mapping (a Kubernetes object)'));
      return;
    }
    const itemsNode = isV1List(object) ? doc.get('items', true) : undefined;
    if (isV1List(object) && isSeq(itemsNode)) {
      object.items.forEach((item, i) => {
        const node = itemsNode.items[i] as Node;
        const itemDoc = listItemDocument(doc, node);
        const at = node.range ? lineCounter.linePos(node.range[0]) : start;
        if (!isRecord(item)) {
          const err = { message: `List item ${i} must be a mapping (a Kubernetes object)`, line: at.line, column: at.col, document: index };
          errors.push(err);
          documents.push(manifestDocument({ index, item: i, object: null, line: at.line, warnings: [], errors: [err], yaml: itemDoc, source: doc }));
          return;
        }
        documents.push(manifestDocument({ index, item: i, line: at.line, errors: [], yaml: itemDoc, source: doc, ...pruned(item) }));
      });
      return;
    }
    documents.push(manifestDocument({ index, item: null, line: start.line, errors: [], yaml: doc, source: doc, ...pruned(object) }));
  });
  return { documents, errors, lineCounter };
}

/** A `v1` List (what `kubectl get -o yaml` prints for several objects): its items are the objects. */
function isV1List(object: Record<string, unknown>): object is Record<string, unknown> & { items: unknown[] } {
  return object.apiVersion === 'v1' && object.kind === 'List' && Array.isArray(object.items);
}

/** A document holding one List item's node (shared, not copied: positions stay the file's). */
function listItemDocument(list: Document.Parsed, node: Node): Document.Parsed {
  const doc = new Document(null, { version: YAML_VERSION }) as unknown as Document.Parsed;
  doc.contents = node as Document.Parsed['contents'];
  doc.range = (node.range ?? list.range) as Document.Parsed['range'];
  return doc;
}

/** A Grove object's data with its null fields pruned, as the apiserver prunes them, and a warning per field. */
function pruned(object: Record<string, unknown>): { object: unknown; warnings: Finding[] } {
  const schema = GROVE_SCHEMAS[`${String(object.apiVersion)}/${String(object.kind)}`];
  if (!schema) return { object, warnings: [] };
  const result = pruneNulls(object, schema);
  const warnings = result.pruned.map((path): Finding => ({ path, rule: 'schema.nullPruned', severity: 'warning', message: 'null value removed: the API server prunes null fields (omit the field instead)' }));
  return { object: result.value, warnings };
}

function manifestDocument(d: Omit<ManifestDocument, 'kind' | 'apiVersion' | 'name'>): ManifestDocument {
  const rec = isRecord(d.object) ? d.object : {};
  const meta = isRecord(rec.metadata) ? rec.metadata : {};
  return {
    ...d,
    kind: typeof rec.kind === 'string' ? rec.kind : null,
    apiVersion: typeof rec.apiVersion === 'string' ? rec.apiVersion : null,
    name: typeof meta.name === 'string' ? meta.name : null,
  };
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && (c.source === undefined || c.source === ''));
}

/**
 * Where a JSON pointer points in a document: the key of the deepest existing map entry on the
 * path (so a missing required field points at its parent's key), or the item of a list.
 */
export function positionOf(doc: Document.Parsed, ptr: string, lineCounter: LineCounter): SourcePosition | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let best: number | undefined = node?.range?.[0];
  for (const segment of pointerSegments(ptr)) {
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) best = pair.key.range[0];
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) break;
      if (item.range) best = item.range[0];
      node = item;
    } else break;
  }
  if (best === undefined) return undefined;
  const pos = lineCounter.linePos(best);
  return { line: pos.line, column: pos.col };
}

/** Writes the parsed documents back as one file; untouched documents keep their comments and key order. */
export function serializeManifests(documents: readonly ManifestDocument[]): string {
  // The items of a List share their source: it is written once.
  return writeYamlDocuments([...new Set(documents.map((d) => d.source))]);
}

/**
 * Documents back as one file: a document written with its own `---` keeps it, the others get one as a
 * separator. A document that starts with directives (`%YAML 1.1`) brings its own `---` after them, and
 * must follow a `...` (a `---` before the directive would make it content).
 *
 * `lineWidth: 0`: yaml folds lines at 80 columns by default, so one edit would re-wrap every long
 * string and explode every long one-line flow map of the file; with no limit, only edited nodes change.
 * `styles` (default: each document's own, see WriteStyle) is given to write a re-read copy as the original was.
 */
export function writeYamlDocuments(documents: readonly Document[], styles: readonly WriteStyle[] = documents.map(writeStyleOf)): string {
  let out = '';
  documents.forEach((d, i) => {
    const text = d.toString({ ...(styles[i] ?? DEFAULT_WRITE_STYLE), lineWidth: 0 });
    if (i === 0 || text.startsWith('---')) out += text;
    else if (text.startsWith('%')) out += /(^|\n)\.\.\.\n$/.test(out) ? text : `...\n${text}`;
    else out += `---\n${text}`;
  });
  return out;
}

/** YAML text for one object (fresh, no comments to keep). */
export function stringifyObject(object: unknown): string {
  const doc = new Document(object, { aliasDuplicateObjects: false, version: YAML_VERSION });
  // `<<` is a merge key in YAML 1.1; a key that is the string "<<" must say so (`!!str "<<"`).
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') {
        pair.key.type = 'QUOTE_DOUBLE';
        pair.key.tag = 'tag:yaml.org,2002:str';
      }
    },
    // yaml 2.9 writes a multi-line string whose lines start with blanks as a block scalar it then
    // reads back without those blanks (" \n" → "\n"); double quotes keep every character.
    Scalar(_, scalar) {
      const v = scalar.value;
      if (typeof v === 'string' && v.includes('\n') && /(^|\n)[ \t]/.test(v)) scalar.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString();
}

/** Several objects as one multi-document YAML file. */
export function stringifyObjects(objects: readonly unknown[]): string {
  return objects.map((o) => stringifyObject(o)).join('---\n');
}


