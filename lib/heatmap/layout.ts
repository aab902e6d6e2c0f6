/**
 * Heatmap layout: nodes grouped by their tuple of visible-level label values (levels need not nest,
 * see lib/topology/tree.ts, but grouping by the tuple prefix always yields a proper tree), each group
 * a labelled frame, each node a box of GPU cells. Children are shelf-packed (rows that wrap at a width
 * chosen for a roughly 3:2 frame), so nothing overlaps and every cell lies inside its node and frames.
 *
 * Coordinates are abstract "model units" (a cell is CELL units wide); the renderer scales them.
 * Cells live in flat typed arrays: 100k GPUs are 100k entries, not 100k objects.
 */
import type { ClusterState, NodeInfo } from '../cluster/state';
import { naturalCompare, UNLABELLED } from '../topology/tree';
import { heatmapLevels, levelValueLabel, pickTopology, type HeatmapLevel } from './levels';

export const CELL = 10;
export const CELL_GAP = 2;
export const PITCH = CELL + CELL_GAP;
export const NODE_PAD = 3;
export const FRAME_HEADER = 16;
export const FRAME_PAD = 6;
export const CHILD_GAP = 6;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface HeatmapFrame extends Rect {
  index: number;
  /** `level=value` per level from the root, joined by "/": unique in the layout. */
  id: string;
  level: string;
  /** 0 for the broadest visible level. */
  depth: number;
  value: string;
  label: string;
  /** Index of the enclosing frame, -1 at the top. */
  parent: number;
  /** The frame's nodes are layout.nodes[nodeStart .. nodeEnd). */
  nodeStart: number;
  nodeEnd: number;
  gpus: number;
}

export interface HeatmapNodeBox extends Rect {
  name: string;
  /** Position in ClusterState.nodes. */
  stateIndex: number;
  /** Innermost frame holding the node, -1 when no level is visible. */
  frame: number;
  cols: number;
  gpus: number;
  /** The node's cells are cells[firstCell .. firstCell + gpus), GPU index = offset. */
  firstCell: number;
  /** Label value per level (all levels, visible or not), UNLABELLED where missing. */
  domains: Record<string, string>;
}

export interface HeatmapLayout {
  topology: string | null;
  /** Every level the cluster offers, broadest first. */
  levels: HeatmapLevel[];
  /** The levels grouped by (the others are collapsed). */
  visibleLevels: string[];
  /** Pre-order (a frame before its children, children in natural order of their values). */
  frames: HeatmapFrame[];
  /** In frame order: every frame's nodes are contiguous. */
  nodes: HeatmapNodeBox[];
  cellCount: number;
  /** Top-left corner of each cell. */
  cellX: Float32Array;
  cellY: Float32Array;
  /** Index into nodes. */
  cellNode: Int32Array;
  /** GPU index on its node. */
  cellGpu: Uint16Array;
  width: number;
  height: number;
  /** Nodes without GPUs (not drawn). */
  nodesWithoutGpus: number;
  /** Equal for two layouts with the same boxes in the same places (names, GPU counts, grouping). */
  signature: string;
}

export interface LayoutOptions {
  /** ClusterTopologyBinding name; default the first. */
  topology?: string | null;
  /** Level domains to collapse. */
  hiddenLevels?: readonly string[];
}

/** Columns of a node's GPU grid: one row for up to 4, rows of 4 up to 16, then square. */
export function nodeColumns(gpus: number): number {
  if (gpus <= 4) return Math.max(gpus, 1);
  if (gpus <= 16) return 4;
  return Math.ceil(Math.sqrt(gpus));
}

interface Box {
  w: number;
  h: number;
  /** Children offsets relative to the content origin. */
  place(x: number, y: number): void;
}

/** Rows that wrap at a width giving roughly `aspect` (width / height); returns the content size. */
function shelfPack(children: readonly { w: number; h: number }[], aspect: number): { w: number; h: number; at: { x: number; y: number }[] } {
  let area = 0;
  let widest = 0;
  for (const c of children) {
    area += (c.w + CHILD_GAP) * (c.h + CHILD_GAP);
    if (c.w > widest) widest = c.w;
  }
  const target = Math.max(widest, Math.sqrt(area * aspect));
  const at: { x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowH = 0;
  let w = 0;
  for (const c of children) {
    if (x > 0 && x + c.w > target) {
      x = 0;
      y += rowH + CHILD_GAP;
      rowH = 0;
    }
    at.push({ x, y });
    x += c.w + CHILD_GAP;
    if (x - CHILD_GAP > w) w = x - CHILD_GAP;
    if (c.h > rowH) rowH = c.h;
  }
  return { w, h: children.length ? y + rowH : 0, at };
}

function compareValues(a: string, b: string): number {
  if (a === b) return 0;
  if (a === UNLABELLED) return 1;
  if (b === UNLABELLED) return -1;
  return naturalCompare(a, b);
}

export function layoutHeatmap(state: ClusterState, options: LayoutOptions = {}): HeatmapLayout {
  const topology = pickTopology(state, options.topology);
  const levels = heatmapLevels(state, topology);
  const hidden = new Set(options.hiddenLevels ?? []);
  const visible = levels.filter((level) => !hidden.has(level.domain));
  const depthCount = visible.length;

  // Nodes with GPUs, with their tuple of visible values, in tuple order (then name).
  const entries: { node: NodeInfo; stateIndex: number; tuple: string[] }[] = [];
  let nodesWithoutGpus = 0;
  state.nodes.forEach((node, stateIndex) => {
    if (node.allocatable.gpu <= 0) {
      nodesWithoutGpus++;
      return;
    }
    const tuple = visible.map((level) => {
      const value: unknown = node.labels[level.key];
      return typeof value === 'string' ? value : UNLABELLED;
    });
    entries.push({ node, stateIndex, tuple });
  });
  entries.sort((a, b) => {
    for (let d = 0; d < depthCount; d++) {
      const c = compareValues(a.tuple[d]!, b.tuple[d]!);
      if (c !== 0) return c;
    }
    return naturalCompare(a.node.name, b.node.name);
  });

  const frames: HeatmapFrame[] = [];
  const nodes: HeatmapNodeBox[] = entries.map(({ node, stateIndex }) => {
    const gpus = node.allocatable.gpu;
    const cols = nodeColumns(gpus);
    const rows = Math.ceil(gpus / cols);
    const domains: Record<string, string> = {};
    for (const level of levels) {
      const value: unknown = node.labels[level.key];
      domains[level.domain] = typeof value === 'string' ? value : UNLABELLED;
    }
    return {
      name: node.name,
      stateIndex,
      frame: -1,
      cols,
      gpus,
      firstCell: 0,
      domains,
      x: 0,
      y: 0,
      w: 2 * NODE_PAD + cols * PITCH - CELL_GAP,
      h: 2 * NODE_PAD + rows * PITCH - CELL_GAP,
    };
  });

  // Build the frame tree over contiguous runs of equal tuple prefixes; sizes bottom-up, positions top-down.
  const group = (depth: number, start: number, end: number, parent: number, idPrefix: string): Box[] => {
    if (depth === depthCount) {
      return nodes.slice(start, end).map((box) => {
        box.frame = parent;
        return { w: box.w, h: box.h, place: (x: number, y: number) => ((box.x = x), (box.y = y)) };
      });
    }
    const level = visible[depth]!;
    const out: Box[] = [];
    let runStart = start;
    while (runStart < end) {
      const value = entries[runStart]!.tuple[depth]!;
      let runEnd = runStart + 1;
      while (runEnd < end && entries[runEnd]!.tuple[depth] === value) runEnd++;
      const id = `${idPrefix}${idPrefix ? '/' : ''}${level.domain}=${value}`;
      const frame: HeatmapFrame = {
        index: frames.length,
        id,
        level: level.domain,
        depth,
        value,
        label: `${level.domain} ${value === UNLABELLED ? '(unlabelled)' : levelValueLabel(level, value)}`,
        parent,
        nodeStart: runStart,
        nodeEnd: runEnd,
        gpus: 0,
        x: 0,
        y: 0,
        w: 0,
        h: 0,
      };
      frames.push(frame);
      for (let i = runStart; i < runEnd; i++) frame.gpus += nodes[i]!.gpus;
      const children = group(depth + 1, runStart, runEnd, frame.index, id);
      const packed = shelfPack(children, 1.5);
      frame.w = Math.max(packed.w + 2 * FRAME_PAD, 60);
      frame.h = packed.h + FRAME_HEADER + FRAME_PAD;
      out.push({
        w: frame.w,
        h: frame.h,
        place: (x, y) => {
          frame.x = x;
          frame.y = y;
          children.forEach((child, k) => child.place(x + FRAME_PAD + packed.at[k]!.x, y + FRAME_HEADER + packed.at[k]!.y));
        },
      });
      runStart = runEnd;
    }
    return out;
  };
  const top = group(0, 0, nodes.length, -1, '');
  const packed = shelfPack(top, 1.8);
  top.forEach((box, k) => box.place(packed.at[k]!.x, packed.at[k]!.y));

  // Cells.
  let cellCount = 0;
  for (const box of nodes) {
    box.firstCell = cellCount;
    cellCount += box.gpus;
  }
  const cellX = new Float32Array(cellCount);
  const cellY = new Float32Array(cellCount);
  const cellNode = new Int32Array(cellCount);
  const cellGpu = new Uint16Array(cellCount);
  nodes.forEach((box, n) => {
    for (let g = 0; g < box.gpus; g++) {
      const c = box.firstCell + g;
      cellX[c] = box.x + NODE_PAD + (g % box.cols) * PITCH;
      cellY[c] = box.y + NODE_PAD + Math.floor(g / box.cols) * PITCH;
      cellNode[c] = n;
      cellGpu[c] = g;
    }
  });

  const signature = [
    topology?.name ?? '',
    visible.map((l) => l.domain).join(','),
    ...entries.map((e) => `${e.node.name}:${e.node.allocatable.gpu}:${e.tuple.join(',')}`),
  ].join('|');

  return {
    topology: topology?.name ?? null,
    levels,
    visibleLevels: visible.map((level) => level.domain),
    frames,
    nodes,
    cellCount,
    cellX,
    cellY,
    cellNode,
    cellGpu,
    width: packed.w,
    height: packed.h,
    nodesWithoutGpus,
    signature,
  };
}

/** The box around some cells (each CELL square), grown by `margin` on every side; null for no cells. */
export function boundsOfCells(layout: HeatmapLayout, cells: Iterable<number>, margin = 0): Rect | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const c of cells) {
    x0 = Math.min(x0, layout.cellX[c]!);
    y0 = Math.min(y0, layout.cellY[c]!);
    x1 = Math.max(x1, layout.cellX[c]! + CELL);
    y1 = Math.max(y1, layout.cellY[c]! + CELL);
  }
  if (x0 === Infinity) return null;
  return { x: x0 - margin, y: y0 - margin, w: x1 - x0 + 2 * margin, h: y1 - y0 + 2 * margin };
}
