/**
 * What changed between two models, for the brief change animation and for repainting only the cells
 * that changed. Two models with different layouts are not compared cell by cell (everything moved).
 */
import type { HeatmapModel } from './model';

export interface HeatmapDiff {
  /** The boxes moved (nodes, GPU counts or grouping changed): repaint everything, animate nothing. */
  relayout: boolean;
  /** Cells whose occupant or status changed. */
  changed: Int32Array;
}

export function diffModels(before: HeatmapModel | null, after: HeatmapModel): HeatmapDiff {
  // The same layout object (the live path keeps it) needs no signature: it is built on first read.
  if (!before || (before.layout !== after.layout && before.layout.signature !== after.layout.signature)) return { relayout: true, changed: new Int32Array(0) };
  const changed: number[] = [];
  const { cellCount } = after.layout;
  for (let c = 0; c < cellCount; c++) {
    const a = before.cellPod[c]!;
    const b = after.cellPod[c]!;
    if (before.cellStatus[c] !== after.cellStatus[c] || (a < 0) !== (b < 0) || (a >= 0 && before.pods[a]!.key !== after.pods[b]!.key)) changed.push(c);
  }
  return { relayout: false, changed: Int32Array.from(changed) };
}
