/**
 * Where a validator finding belongs on the canvas: the clique or scaling group its JSON pointer
 * points into, else the stack itself; and where the findings list says it is (its document, then
 * that). A document's YAML syntax errors come as one from the parser (lib/grove/manifest.ts).
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

/** What names a finding's document: its index (0-based) and, when it has one, its metadata.name. */
export interface FindingDocument {
  document: number;
  documentName?: string | null;
}

/** The document a finding belongs to, as the list names it: its metadata.name, else "document 2". */
function documentName(entry: FindingDocument): string {
  return entry.documentName || `document ${entry.document + 1}`;
}

/** Where a finding is: its document, then the clique or scaling group of it ("llama › clique prefill"). */
export function findingPlace(target: FindingTarget, entry: FindingDocument): string {
  const doc = documentName(entry);
  return target.kind === 'stack' ? doc : `${doc} › ${target.kind} ${target.name}`;
}
