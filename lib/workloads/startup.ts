/**
 * The startup-order graph of a stack: one node per clique template, edges from `startsAfter`
 * (Explicit) or from the template order (InOrder); none for AnyOrder (API-NOTES §10). Ordering holds
 * within one PodCliqueSet replica, so each node carries its progress per replica and a summary of
 * them, and a layered layout (column = longest path from a root) small enough to draw as plain SVG.
 */
import { STARTUP_ANY_ORDER, cliqueTemplateMinAvailable, scalingGroupOf, type CliqueStartupType } from '../grove/podcliqueset';
import { isLiveStage, isUnschedulable } from './pods';
import { startupEdges, type CliqueNode, type StartupEdge, type WorkloadTree } from './tree';

/**
 * waiting: no pod has started; starting: some have; ready: the startup gate is open (every PodClique
 * dependents wait for has its minAvailable ready; more pods may still be starting); blocked: the gate
 * is shut and a pod of it is unschedulable.
 */
export type StartupProgress = 'waiting' | 'starting' | 'ready' | 'blocked';

/** One clique template in one PodCliqueSet replica. */
export interface StartupReplica {
  /** PodCliqueSet replica index. */
  index: number;
  progress: StartupProgress;
  /** Ready pods of the template's PodCliques in this replica, out of their live pods. */
  ready: number;
  pods: number;
  /** Parent clique templates whose gate is shut in this replica (what grove-initc holds its pods for). */
  waitsFor: string[];
}

export interface StartupNode {
  clique: string;
  scalingGroup?: string;
  /** Ready pods of the template's PodCliques (every replica), out of their live pods. */
  ready: number;
  pods: number;
  /**
   * The startup gate: ready pods dependents wait for in each PodClique they watch, the clique
   * template's minAvailable (what grove-initc is given per parent PodClique, API-NOTES §10).
   */
  gate: number;
  /**
   * PodCliques per PodCliqueSet replica the gate holds in: 1 for a standalone clique; for a
   * scaling-group member its group's minAvailable (the group replicas of the base gang).
   */
  gateGroupReplicas: number;
  /** PodCliqueSet replicas (the gate holds in each). */
  replicas: number;
  /** Progress in each PodCliqueSet replica, by index. */
  perReplica: StartupReplica[];
  /** The least advanced replica's (blocked first), for the colour; waiting when there is no replica. */
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

/** Least advanced first: a node takes the first of these any of its replicas is in. */
const PROGRESS_RANK: readonly StartupProgress[] = ['blocked', 'waiting', 'starting', 'ready'];

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

  const replicaIndices = tree.replicas.map((r) => r.index);
  // Per template and replica: the PodCliques, and whether the gate its dependents watch is open.
  const states = new Map(
    cliques.map((c) => {
      const group = template ? scalingGroupOf(template, c.name) : undefined;
      const gateGroupReplicas = group ? (group.minAvailable ?? 1) : 1;
      const perReplica = replicaIndices.map((index) => {
        const instances = tree.podCliques.filter((p) => p.template === c.name && p.pcsIndex === index);
        // Dependents watch the clique in the base gang only: standalone, or in a group replica below its minAvailable.
        const gating = instances.filter((p) => !p.scalingGroup || p.scalingGroup.replicaIndex < gateGroupReplicas);
        const gateOpen = gating.length >= gateGroupReplicas && gating.every((p) => p.counts.ready >= p.minAvailable);
        return { index, instances, gating, gateOpen };
      });
      return [c.name, { group, gateGroupReplicas, perReplica }];
    }),
  );

  const rowsUsed = new Map<number, number>();
  const nodes: StartupNode[] = cliques.map((c) => {
    const col = column.get(c.name) ?? 0;
    const row = rowsUsed.get(col) ?? 0;
    rowsUsed.set(col, row + 1);
    const state = states.get(c.name)!;
    const perReplica = state.perReplica.map(({ index, instances, gating, gateOpen }, i): StartupReplica => {
      const pods = livePods(instances);
      const ready = pods.filter((p) => p.stage === 'ready').length;
      const started = pods.some((p) => p.stage === 'running' || p.stage === 'ready');
      let progress: StartupProgress;
      if (gateOpen) progress = 'ready';
      else if (gating.some((p) => p.pods.some((pod) => isUnschedulable(pod.object)))) progress = 'blocked';
      else if (started) progress = 'starting';
      else progress = 'waiting';
      const waitsFor = progress === 'waiting' ? (parents.get(c.name) ?? []).filter((p) => states.get(p)?.perReplica[i]?.gateOpen === false) : [];
      return { index, progress, ready, pods: pods.length, waitsFor };
    });
    const progress = PROGRESS_RANK.find((p) => perReplica.some((r) => r.progress === p)) ?? 'waiting';
    return {
      clique: c.name,
      ...(state.group ? { scalingGroup: state.group.name } : {}),
      ready: perReplica.reduce((n, r) => n + r.ready, 0),
      pods: perReplica.reduce((n, r) => n + r.pods, 0),
      gate: cliqueTemplateMinAvailable(c.spec),
      gateGroupReplicas: state.gateGroupReplicas,
      replicas: perReplica.length,
      perReplica,
      progress,
      column: col,
      row,
    };
  });
  return {
    startupType,
    nodes,
    edges,
    columns: Math.max(0, ...nodes.map((n) => n.column + 1)),
    rows: Math.max(0, ...rowsUsed.values()),
  };
}

function livePods(instances: readonly CliqueNode[]) {
  return instances.flatMap((p) => p.pods).filter((p) => isLiveStage(p.stage));
}

/** A replica's word: "gate met" while the gate is open and pods still start. */
function replicaWord(r: StartupReplica): string {
  return r.progress === 'ready' && r.ready < r.pods ? 'gate met' : r.progress;
}

const WORD_ORDER = ['ready', 'gate met', 'starting', 'waiting', 'blocked'];
/** Up to this many replicas in one state are named ("replicas 1, 3"); more are counted. */
const NAMED_REPLICAS = 2;

const replicaNames = (indices: readonly number[]) => `${indices.length === 1 ? 'replica' : 'replicas'} ${indices.join(', ')}`;
const waitsForText = (waitsFor: readonly string[]) => (waitsFor.length > 0 ? ` for ${waitsFor.join(' and ')}` : '');

/**
 * The node's state in words, over its PodCliqueSet replicas: one word when they agree ("ready",
 * "waiting for router"); else each state with where it holds, the few replicas named with what they
 * wait for ("ready in replica 0; waiting in replica 1 for router"), many counted ("ready in 6 of 12
 * replicas; blocked in 6"). "no replicas" when the PodCliqueSet has none.
 */
export function startupSummary(n: Pick<StartupNode, 'perReplica'>): string {
  const replicas = n.perReplica;
  if (replicas.length === 0) return 'no replicas';
  const byWord = new Map<string, StartupReplica[]>();
  for (const r of replicas) {
    const word = replicaWord(r);
    byWord.set(word, [...(byWord.get(word) ?? []), r]);
  }
  const groups = [...byWord].sort(([a], [b]) => WORD_ORDER.indexOf(a) - WORD_ORDER.indexOf(b));
  if (groups.length === 1) {
    const [word, all] = groups[0]!;
    const first = all[0]!.waitsFor.join();
    return all.every((r) => r.waitsFor.join() === first) ? `${word}${waitsForText(all[0]!.waitsFor)}` : word;
  }
  let counted = false;
  return groups
    .map(([word, group]) => {
      if (group.length > NAMED_REPLICAS) {
        const where = counted ? `${group.length}` : `${group.length} of ${replicas.length} replicas`;
        counted = true;
        return `${word} in ${where}`;
      }
      // Named: replicas waiting for the same parents together.
      const byWaits = new Map<string, StartupReplica[]>();
      for (const r of group) byWaits.set(r.waitsFor.join(), [...(byWaits.get(r.waitsFor.join()) ?? []), r]);
      return `${word} in ${[...byWaits.values()].map((rs) => `${replicaNames(rs.map((r) => r.index))}${waitsForText(rs[0]!.waitsFor)}`).join(', ')}`;
    })
    .join('; ');
}

/**
 * The node's line: "ready · 2/2 ready · gate: 1"; "gate met" while the gate is open and pods still
 * start; the replicas' summary when they differ (startupSummary).
 */
export function startupNodeText(n: StartupNode): { word: string; counts: string; gate: string } {
  const groupPart = n.gateGroupReplicas > 1 ? ` × ${n.gateGroupReplicas} group replicas` : '';
  return { word: startupSummary(n), counts: `${n.ready}/${n.pods} ready`, gate: `gate: ${n.gate}${groupPart}${n.replicas > 1 ? ' per replica' : ''}` };
}

/** Do the node's replicas differ in state (the summary is a breakdown, not one word)? */
export function startupReplicasDiffer(n: Pick<StartupNode, 'perReplica'>): boolean {
  return new Set(n.perReplica.map(replicaWord)).size > 1;
}
