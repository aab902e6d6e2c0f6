/**
 * The startup-order graph of a stack: one node per clique template, edges from `startsAfter`
 * (Explicit) or from the template order (InOrder); none for AnyOrder (API-NOTES §10). Each node
 * carries its progress over every PodClique of that template (all replicas), and a layered layout
 * (column = longest path from a root) small enough to draw as plain SVG.
 */
import { STARTUP_ANY_ORDER, scalingGroupOf, type CliqueStartupType } from '../grove/podcliqueset';
import { isLiveStage, isUnschedulable } from './pods';
import { startupEdges, type StartupEdge, type WorkloadTree } from './tree';

/**
 * waiting: no pod has started; starting: some have; ready: the startup gate is open (every PodClique
 * dependents wait for has its minAvailable ready; more pods may still be starting); blocked: the gate
 * is shut and a pod of it is unschedulable.
 */
export type StartupProgress = 'waiting' | 'starting' | 'ready' | 'blocked';

export interface StartupNode {
  clique: string;
  scalingGroup?: string;
  /** Ready pods of the template's PodCliques (every replica), out of their live pods. */
  ready: number;
  pods: number;
  /**
   * The startup gate per PodCliqueSet replica: ready pods dependents wait for, the sum of minAvailable
   * over the PodCliques they watch (a scaling-group clique only in group replicas below the group's
   * minAvailable, the base gang: API-NOTES §10).
   */
  gate: number;
  /** PodCliqueSet replicas the template runs in (the gate holds in each). */
  replicas: number;
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
    const groupMin = new Map(tree.scalingGroups.map((g) => [g.name, g.minAvailable]));
    // Dependents watch the clique in the base gang only: standalone, or in a group replica below its minAvailable.
    const gating = instances.filter((p) => !p.scalingGroup || p.scalingGroup.replicaIndex < (groupMin.get(p.scalingGroup.name) ?? 1));
    const pcsReplicas = new Set(instances.map((p) => p.pcsIndex));
    const firstReplica = Math.min(...pcsReplicas);
    const gate = gating.filter((p) => p.pcsIndex === firstReplica).reduce((n, p) => n + p.minAvailable, 0);
    const pods = instances.flatMap((p) => p.pods).filter((p) => isLiveStage(p.stage));
    const ready = pods.filter((p) => p.stage === 'ready').length;
    const started = pods.some((p) => p.stage === 'running' || p.stage === 'ready');
    const group = template ? scalingGroupOf(template, c.name)?.name : undefined;
    const gateOpen = gating.length > 0 && gating.every((p) => p.counts.ready >= p.minAvailable);
    let progress: StartupProgress;
    if (gateOpen) progress = 'ready';
    else if (gating.some((p) => p.pods.some((pod) => isUnschedulable(pod.object)))) progress = 'blocked';
    else if (started) progress = 'starting';
    else progress = 'waiting';
    return { clique: c.name, ...(group ? { scalingGroup: group } : {}), ready, pods: pods.length, gate, replicas: pcsReplicas.size, progress, column: col, row };
  });
  return {
    startupType,
    nodes,
    edges,
    columns: Math.max(0, ...nodes.map((n) => n.column + 1)),
    rows: Math.max(0, ...rowsUsed.values()),
  };
}

/** The node's line: "ready · 2/2 ready · gate: 1"; "gate met" while the gate is open and pods still start. */
export function startupNodeText(n: StartupNode): { word: string; counts: string; gate: string } {
  const word = n.progress === 'ready' && n.ready < n.pods ? 'gate met' : n.progress;
  return { word, counts: `${n.ready}/${n.pods} ready`, gate: `gate: ${n.gate}${n.replicas > 1 ? ' per replica' : ''}` };
}
