/**
 * Where a validator finding belongs on the canvas: the clique or scaling group its JSON pointer
 * points into, else the stack itself.
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
