/**
 * Where a validator finding belongs on the canvas: the clique or scaling group its JSON pointer
 * points into, else the stack itself; and the findings as the builder lists them (named by their
 * document, a document's parse errors as their first, messages cut to a readable length).
 */
import type { Finding } from '../grove/findings';
import { pointer } from '../grove/meta';
import type { BuilderGraph } from './graph';
import type { Path } from './document';

export type FindingTarget = { kind: 'clique'; name: string } | { kind: 'group'; name: string } | { kind: 'stack' };

const CLIQUE = /^\/spec\/template\/cliques\/(\d+)(\/|$)/;
const GROUP = /^\/spec\/template\/podCliqueScalingGroups\/(\d+)(\/|$)/;

export function findingTarget(graph: BuilderGraph, path: string): FindingTarget {
  const c = CLIQUE.exec(path);
  if (c) {
    const clique = graph.cliques.find((x) => x.index === Number(c[1]));
    if (clique) return { kind: 'clique', name: clique.name };
  }
  const g = GROUP.exec(path);
  if (g) {
    const group = graph.groups.find((x) => x.index === Number(g[1]));
    if (group) return { kind: 'group', name: group.name };
  }
  return { kind: 'stack' };
}

export interface FindingCounts {
  errors: number;
  warnings: number;
}

/** Errors / warnings per `clique:<name>` / `group:<name>` / `stack`. */
export function countFindings(graph: BuilderGraph, findings: readonly Pick<Finding, 'path' | 'severity'>[]): Record<string, FindingCounts> {
  const out: Record<string, FindingCounts> = {};
  for (const f of findings) {
    const t = findingTarget(graph, f.path);
    const key = t.kind === 'stack' ? 'stack' : `${t.kind}:${t.name}`;
    const c = (out[key] ??= { errors: 0, warnings: 0 });
    if (f.severity === 'error') c.errors++;
    else c.warnings++;
  }
  return out;
}

/** Does a finding at `findingPath` concern the field at `fieldPath` (the field itself or something inside it)? */
export function concernsField(findingPath: string, fieldPath: Path): boolean {
  const p = pointer([...fieldPath]);
  return findingPath === p || findingPath.startsWith(`${p}/`);
}

/** What the findings list reads of a finding (components/validate/reportView's FindingEntry). */
export interface ListedEntry {
  severity: Finding['severity'];
  /** `null` for a YAML parse error. */
  rule: string | null;
  message: string;
  line: number;
  column: number;
  /** 0-based index of its document in the text. */
  document: number;
  /** Its document's metadata.name, when it has one. */
  documentName?: string | null;
}

/** The longest message the list shows, and the longest excerpt of YAML quoted in one. */
export const MAX_LISTED_MESSAGE = 240;
const MAX_QUOTED_EXCERPT = 40;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A message cut to a readable length. The yaml parser quotes the source it could not read, JSON-escaped,
 * and after an unclosed bracket that source is whole blocks of the file (985 characters for one `[`):
 * each quoted part becomes a short excerpt on one line, then the whole is cut, both with an ellipsis.
 */
export function shortFindingMessage(message: string, max = MAX_LISTED_MESSAGE): string {
  const excerpted = message.replace(/"(?:[^"\\\n]|\\.)*"/g, (quoted) => {
    let source: unknown;
    try {
      source = JSON.parse(quoted);
    } catch {
      return quoted;
    }
    return typeof source === 'string' ? JSON.stringify(clip(source.replace(/\s+/g, ' ').trim(), MAX_QUOTED_EXCERPT)) : quoted;
  });
  return clip(excerpted.replace(/\s*\n\s*/g, ' '), max);
}

/**
 * The findings as the builder lists them, in their order, each message short (shortFindingMessage). One
 * unclosed `[` makes the yaml parser report an error on most lines after it (72 for one bracket), each
 * a consequence of the first: of a document's parse errors only the first (by position, so its line
 * and column are the nearest the cause) is listed, saying how many more the parser reported after it.
 */
export function listedFindings<T extends { entry: ListedEntry }>(findings: readonly T[]): T[] {
  const parseErrors = new Map<number, { first: T; count: number }>();
  for (const f of findings) {
    if (f.entry.rule !== null) continue;
    const seen = parseErrors.get(f.entry.document);
    if (!seen) parseErrors.set(f.entry.document, { first: f, count: 1 });
    else {
      seen.count++;
      if ((f.entry.line - seen.first.entry.line || f.entry.column - seen.first.entry.column) < 0) seen.first = f;
    }
  }
  const out: T[] = [];
  for (const f of findings) {
    let message = shortFindingMessage(f.entry.message);
    if (f.entry.rule === null) {
      const { first, count } = parseErrors.get(f.entry.document)!;
      if (f !== first) continue;
      if (count > 1) message += ` — and ${count - 1} more parse error${count === 2 ? '' : 's'} after it`;
    }
    out.push({ ...f, entry: { ...f.entry, message } });
  }
  return out;
}

/** The document a finding belongs to, as the list names it: its metadata.name, else "document 2". */
function documentName(entry: Pick<ListedEntry, 'document' | 'documentName'>): string {
  return entry.documentName || `document ${entry.document + 1}`;
}

/** Where a finding is: its document, then the clique or scaling group of it ("llama › clique prefill"). */
export function findingPlace(target: FindingTarget, entry: Pick<ListedEntry, 'document' | 'documentName'>): string {
  const doc = documentName(entry);
  return target.kind === 'stack' ? doc : `${doc} › ${target.kind} ${target.name}`;
}
