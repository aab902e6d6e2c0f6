/**
 * The startup-order graph of a stack: one node per clique template, edges from `startsAfter`
 * (Explicit) or from the template order (InOrder); none for AnyOrder (API-NOTES §10). Each node
 * carries its progress over every PodClique of that template (all replicas), and a layered layout
 * (column = longest path from a root) small enough to draw as plain SVG.
 */
import { STARTUP_ANY_ORDER, type CliqueStartupType } from '../grove/podcliqueset';
import { isUnschedulable } from './pods';
import { startupEdges, type StartupEdge, type WorkloadTree } from './tree';

/** waiting: no pod has started; starting: some have; ready: every PodClique has its minimum ready; blocked: a pod is unschedulable. */
export type StartupProgress = 'waiting' | 'starting' | 'ready' | 'blocked';

export interface StartupNode {
  clique: string;
  scalingGroup?: string;
  /** Ready pods vs the sum of minAvailable over the template's PodCliques. */
  ready: number;
  min: number;
  pods: number;
  progress: StartupProgress;
  column: number;
  row: number;
}

export interface StartupGraph {
  startupType: CliqueStartupType;
  nodes: StartupNode[];
  edges: StartupEdge[];
  columns: number;
  rows: number;
}

export function startupGraph(tree: WorkloadTree): StartupGraph {
  const template = tree.pcs.spec?.template;
  const startupType = template?.cliqueStartupType ?? STARTUP_ANY_ORDER;
  const cliques = template?.cliques ?? [];
  const edges = startupEdges(tree.pcs);
  const parents = new Map<string, string[]>(cliques.map((c) => [c.name, []]));
  for (const e of edges) parents.get(e.to)?.push(e.from);

  // Longest path from a root; the webhook rejects cycles, but guard anyway (a cycle member stays at its depth).
  const column = new Map<string, number>();
  const depth = (name: string, seen: Set<string>): number => {
    const known = column.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0;
    seen.add(name);
    const d = Math.max(-1, ...(parents.get(name) ?? []).map((p) => depth(p, seen))) + 1;
    column.set(name, d);
    return d;
  };
  for (const c of cliques) depth(c.name, new Set());

  const rowsUsed = new Map<number, number>();
  const nodes: StartupNode[] = cliques.map((c) => {
    const col = column.get(c.name) ?? 0;
    const row = rowsUsed.get(col) ?? 0;
    rowsUsed.set(col, row + 1);
    const instances = tree.podCliques.filter((p) => p.template === c.name);
    const ready = instances.reduce((n, p) => n + Math.min(p.counts.ready, p.minAvailable), 0);
    const min = instances.reduce((n, p) => n + p.minAvailable, 0);
    const pods = instances.flatMap((p) => p.pods);
    const started = pods.some((p) => p.stage === 'running' || p.stage === 'ready');
    const group = template?.podCliqueScalingGroups?.find((g) => g.cliqueNames.includes(c.name))?.name;
    let progress: StartupProgress;
    if (pods.some((p) => isUnschedulable(p.object))) progress = 'blocked';
    else if (instances.length > 0 && instances.every((p) => p.counts.ready >= p.minAvailable)) progress = 'ready';
    else if (started) progress = 'starting';
    else progress = 'waiting';
    return { clique: c.name, ...(group ? { scalingGroup: group } : {}), ready, min, pods: pods.length, progress, column: col, row };
  });
  return {
    startupType,
    nodes,
    edges,
    columns: Math.max(0, ...nodes.map((n) => n.column + 1)),
    rows: Math.max(0, ...rowsUsed.values()),
  };
}
