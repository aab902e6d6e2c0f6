/**
 * Hit-testing against the model (never the DOM): which cell, node or frame is at a point in model
 * units. Node boxes are bucketed in a uniform grid built once per layout (WeakMap cache), so a lookup
 * costs a handful of comparisons at 100k GPUs; the cell inside a node is arithmetic.
 */
import { CELL, NODE_PAD, PITCH, type HeatmapLayout, type Rect } from './layout';

export type HeatmapHit =
  | { kind: 'cell'; cell: number; node: number; gpu: number }
  | { kind: 'node'; node: number }
  | { kind: 'frame'; frame: number }
  | null;

interface Grid {
  size: number;
  cols: number;
  rows: number;
  buckets: number[][];
}

const grids = new WeakMap<HeatmapLayout, Grid>();

function gridOf(layout: HeatmapLayout): Grid {
  let grid = grids.get(layout);
  if (grid) return grid;
  // About 4 node boxes per bucket side.
  const sample = layout.nodes[0];
  const size = Math.max(32, (sample ? Math.max(sample.w, sample.h) : 32) * 4);
  const cols = Math.max(1, Math.ceil(layout.width / size));
  const rows = Math.max(1, Math.ceil(layout.height / size));
  const buckets: number[][] = Array.from({ length: cols * rows }, () => []);
  layout.nodes.forEach((box, n) => {
    const c0 = Math.max(0, Math.floor(box.x / size));
    const c1 = Math.min(cols - 1, Math.floor((box.x + box.w) / size));
    const r0 = Math.max(0, Math.floor(box.y / size));
    const r1 = Math.min(rows - 1, Math.floor((box.y + box.h) / size));
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) buckets[r * cols + c]!.push(n);
  });
  grid = { size, cols, rows, buckets };
  grids.set(layout, grid);
  return grid;
}

export function contains(rect: Rect, x: number, y: number): boolean {
  return x >= rect.x && x < rect.x + rect.w && y >= rect.y && y < rect.y + rect.h;
}

/** The node box at a point, or -1. */
export function nodeAt(layout: HeatmapLayout, x: number, y: number): number {
  const grid = gridOf(layout);
  const c = Math.floor(x / grid.size);
  const r = Math.floor(y / grid.size);
  if (c < 0 || r < 0 || c >= grid.cols || r >= grid.rows) return -1;
  for (const n of grid.buckets[r * grid.cols + c]!) if (contains(layout.nodes[n]!, x, y)) return n;
  return -1;
}

/** What is at (x, y): a GPU cell, else the node box around it, else the innermost frame, else null. */
export function hitTest(layout: HeatmapLayout, x: number, y: number): HeatmapHit {
  const n = nodeAt(layout, x, y);
  if (n >= 0) {
    const box = layout.nodes[n]!;
    const lx = x - box.x - NODE_PAD;
    const ly = y - box.y - NODE_PAD;
    const col = Math.floor(lx / PITCH);
    const row = Math.floor(ly / PITCH);
    if (lx >= 0 && ly >= 0 && col < box.cols && lx - col * PITCH < CELL && ly - row * PITCH < CELL) {
      const gpu = row * box.cols + col;
      if (gpu < box.gpus) return { kind: 'cell', cell: box.firstCell + gpu, node: n, gpu };
    }
    return { kind: 'node', node: n };
  }
  // Frames are in pre-order: the last one containing the point is the innermost.
  let found = -1;
  for (let f = 0; f < layout.frames.length; f++) {
    const frame = layout.frames[f]!;
    if (contains(frame, x, y)) found = f;
  }
  return found >= 0 ? { kind: 'frame', frame: found } : null;
}

/** Centre of a cell in model units. */
export function cellCenter(layout: HeatmapLayout, cell: number): { x: number; y: number } {
  return { x: layout.cellX[cell]! + CELL / 2, y: layout.cellY[cell]! + CELL / 2 };
}

/** Share of a rectangle's area that must be on screen for it to count as wholly in view (rounding, margins). */
const WHOLLY_VISIBLE = 0.95;

function visibleShare(rect: Rect, view: Rect): number {
  const w = Math.min(rect.x + rect.w, view.x + view.w) - Math.max(rect.x, view.x);
  const h = Math.min(rect.y + rect.h, view.y + view.h) - Math.max(rect.y, view.y);
  return w > 0 && h > 0 ? (w * h) / Math.max(rect.w * rect.h, 1e-9) : 0;
}

/**
 * Where the view is, for a breadcrumb: the frames around the view's centre, outermost first, that the
 * view has zoomed into. A frame is on the path when its parent (the whole layout for a top-level
 * frame) is not wholly in view: with the whole cluster on screen that is no frame ("Cluster"); zoomed
 * to a zone, that zone; into a rack, every level down to it.
 */
export function framePathInView(layout: HeatmapLayout, view: Rect): number[] {
  const cx = view.x + view.w / 2;
  const cy = view.y + view.h / 2;
  const wholly = (f: number) => visibleShare(f < 0 ? { x: 0, y: 0, w: layout.width, h: layout.height } : layout.frames[f]!, view) >= WHOLLY_VISIBLE;
  const path: number[] = [];
  layout.frames.forEach((frame, f) => {
    if (contains(frame, cx, cy) && !wholly(frame.parent)) path.push(f);
  });
  return path;
}
