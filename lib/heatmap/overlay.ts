/**
 * A placement plan drawn over the heatmap: each planned pod's GPUs as ghost cells on its node (in the
 * node's free slots after the pods already there, as the model assigns slots; a preview of an apply
 * that deletes pods of a running stack also on the slots those pods hold), each gang's cells outlined per node, and the gangs that
 * do not fit with their reasons.
 */
import type { GangPlacement, Plan, PlannedPod } from '../placement/plan';
import type { Rect } from './layout';
import { boundsOfCells, CELL_GAP } from './layout';
import type { HeatmapModel } from './model';

export interface GhostGang {
  name: string;
  placed: boolean;
  reason?: string;
  explanation?: GangPlacement['explanation'];
  /** From the plan, for the preview panel: notes (the scheduler modelled …), pods left out and why. */
  warnings?: string[];
  independent?: true;
  unplacedPods?: string[];
  unplacedOptionalPods?: string[];
  unplacedOptionalReason?: string;
  /** GPUs the gang's placed pods take. */
  gpus: number;
  /** Its placed pods, as the plan has them (node, GPUs): the panel says how many land on how many nodes. */
  pods: PlannedPod[];
  /** Bounding boxes of its ghost cells, one per node. */
  outlines: Rect[];
  /** Domain value per topology level, when the gang lies in one domain. */
  domains: Record<string, string>;
}

export interface GhostOverlay {
  /** Ghost cell indices. */
  cells: Int32Array;
  /** Gang index (into gangs) per ghost cell. */
  cellGang: Int32Array;
  gangs: GhostGang[];
  /** Planned GPUs that had no cell to draw on (a node not in the picture, or more than its free slots). */
  undrawn: number;
  feasible: boolean;
}

export interface GhostOptions {
  /**
   * Workload key (`namespace/name`, as HeatmapPod.workload) some of whose running pods the apply
   * deletes (PlacementPreview.replaces): the GPUs those pods hold take ghosts as free ones do. Leave it
   * out for a plan made beside the running pods (a scale-up).
   */
  replaces?: string;
  /**
   * The gangs the apply keeps running (PlacementPreview.running): their pods are not deleted, so their
   * GPUs stay taken even with `replaces`. Without it every pod of `replaces` counts as deleted.
   */
  running?: readonly { pods: readonly { name: string }[] }[];
}

export function ghostOverlay(model: HeatmapModel, plan: Plan, options: GhostOptions = {}): GhostOverlay {
  const { layout } = model;
  const { replaces } = options;
  const kept = new Set((options.running ?? []).flatMap((g) => g.pods.map((p) => p.name)));
  // Free: no pod, or a pod of `replaces` the apply deletes (not one of its kept running pods).
  const open = (c: number): boolean => {
    const p = model.cellPod[c]!;
    if (p < 0) return true;
    const pod = model.pods[p]!;
    return !!replaces && pod.workload === replaces && !kept.has(pod.name);
  };
  const nodeIndex = new Map<string, number>();
  layout.nodes.forEach((box, n) => nodeIndex.set(box.name, n));
  // Next free slot per node: ghosts go on free cells, in slot order.
  const cursor = new Map<number, number>();
  const taken = new Set<number>();
  const cells: number[] = [];
  const cellGang: number[] = [];
  let undrawn = 0;
  const nextFree = (n: number): number => {
    const box = layout.nodes[n]!;
    let c = cursor.get(n) ?? box.firstCell;
    while (c < box.firstCell + box.gpus && (!open(c) || taken.has(c))) c++;
    cursor.set(n, c + 1);
    return c < box.firstCell + box.gpus ? c : -1;
  };
  const gangs: GhostGang[] = plan.gangs.map((gang, g) => {
    const perNode = new Map<number, number[]>();
    let gpus = 0;
    for (const pod of gang.pods) {
      gpus += pod.gpus;
      const n = nodeIndex.get(pod.node);
      for (let k = 0; k < pod.gpus; k++) {
        const c = n === undefined ? -1 : nextFree(n);
        if (c < 0) {
          undrawn++;
          continue;
        }
        taken.add(c);
        cells.push(c);
        cellGang.push(g);
        const list = perNode.get(n!);
        if (list) list.push(c);
        else perNode.set(n!, [c]);
      }
    }
    const outlines: Rect[] = [...perNode.values()].map((list) => boundsOfCells(layout, list, CELL_GAP / 2)!);
    return {
      name: gang.name,
      placed: gang.placed,
      ...(gang.reason ? { reason: gang.reason } : {}),
      ...(gang.explanation ? { explanation: gang.explanation } : {}),
      ...(gang.warnings?.length ? { warnings: gang.warnings } : {}),
      ...(gang.independent ? { independent: true as const } : {}),
      ...(gang.unplacedPods?.length ? { unplacedPods: gang.unplacedPods } : {}),
      ...(gang.unplacedOptionalPods?.length ? { unplacedOptionalPods: gang.unplacedOptionalPods } : {}),
      ...(gang.unplacedOptionalReason ? { unplacedOptionalReason: gang.unplacedOptionalReason } : {}),
      gpus,
      pods: gang.pods,
      outlines,
      domains: gang.domains,
    };
  });
  return { cells: Int32Array.from(cells), cellGang: Int32Array.from(cellGang), gangs, undrawn, feasible: plan.feasible };
}

/** Whether two overlays draw the same picture (same cells, gangs, outlines and reasons). */
export function sameGhosts(a: GhostOverlay | null, b: GhostOverlay | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.undrawn !== b.undrawn || a.feasible !== b.feasible || a.cells.length !== b.cells.length || a.gangs.length !== b.gangs.length) return false;
  for (let i = 0; i < a.cells.length; i++) if (a.cells[i] !== b.cells[i] || a.cellGang[i] !== b.cellGang[i]) return false;
  return JSON.stringify(a.gangs) === JSON.stringify(b.gangs);
}
