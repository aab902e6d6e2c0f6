/**
 * A heatmap embedded in another page (components/heatmap/MiniHeatmap): its box has the page's width and
 * a height that may grow up to a limit. The layout is packed for the box's shape (a wide, short box
 * gets frames in long rows, not the topology page's block) and the box is given the height that shows
 * that layout at the full width, so the map uses the box instead of a corner of it.
 */
import type { ClusterState } from '../cluster/state';
import { layoutHeatmap, type HeatmapLayout } from './layout';

/** The renderer's margin around a fitted layout (components/heatmap/renderer.ts fitTransform), CSS px. */
export const FIT_MARGIN = 12;
/** Box shapes tried, as multiples of the tallest box's (width / maxHeight): a wider packing may give bigger cells in a shorter box. */
const SHAPE_STEPS = [1, 1.25, 1.5] as const;
/** Scales within this ratio count as equal; the shorter box then wins. */
const SAME_SCALE = 0.99;

export interface BoxSize {
  /** Width of the box, CSS px. */
  width: number;
  minHeight: number;
  maxHeight: number;
}

/** Scale (CSS px per layout unit) at which `layout` fits a box `width` wide and at most `maxHeight` tall. */
export function boxScale(layout: Pick<HeatmapLayout, 'width' | 'height'>, width: number, maxHeight: number): number {
  const room = (side: number) => Math.max(1, side - 2 * FIT_MARGIN);
  return Math.min(room(width) / Math.max(layout.width, 1), room(maxHeight) / Math.max(layout.height, 1));
}

/** Height of the box that shows `layout` at its fitted scale: no taller than the drawing needs, within [minHeight, maxHeight]. */
export function boxHeight(layout: Pick<HeatmapLayout, 'width' | 'height'>, box: BoxSize): number {
  if (layout.width <= 0 || layout.height <= 0) return box.minHeight; // nothing to draw
  const drawn = Math.ceil(Math.max(layout.height, 1) * boxScale(layout, box.width, box.maxHeight)) + 2 * FIT_MARGIN;
  return Math.max(box.minHeight, Math.min(box.maxHeight, drawn));
}

/**
 * The layout of `state` that gives the biggest cells in a box of `box.width` (equal cells: the one
 * needing the shorter box). `previous` is returned itself when the chosen layout has its signature, so
 * the canvas keeps its picture. Each shape tried is one layoutHeatmap call: call it when the nodes,
 * bindings or the box's width change, not per pod.
 */
export function layoutForBox(state: ClusterState, box: BoxSize, previous?: HeatmapLayout): HeatmapLayout {
  const tallest = Math.max(1, box.width - 2 * FIT_MARGIN) / Math.max(1, box.maxHeight - 2 * FIT_MARGIN);
  let best: { layout: HeatmapLayout; scale: number; height: number } | null = null;
  for (const step of SHAPE_STEPS) {
    const layout = layoutHeatmap(state, { screenAspect: tallest * step });
    const scale = boxScale(layout, box.width, box.maxHeight);
    const height = layout.height * scale;
    const better = !best || scale > best.scale / SAME_SCALE || (scale >= best.scale * SAME_SCALE && height < best.height);
    if (better) best = { layout, scale, height };
  }
  const chosen = best!.layout;
  return previous && previous.signature === chosen.signature ? previous : chosen;
}
