/**
 * Heatmap layout: nodes grouped by their tuple of visible-level label values, broadest first, each
 * group a labelled frame, each node a box of GPU cells. A frame is a label path (lib/topology/domainPath.ts),
 * as a domain is: with every broader level shown it is one whole domain, so block-1 of zone z0 and
 * block-1 of zone z1 are two frames, each with all of its block's GPUs. Collapsing a broader level
 * merges what it told apart (block-1 of both zones in one frame): a frame never holds part of a domain.
 * Children are shelf-packed (rows that wrap at a width chosen for a roughly 3:2 frame), so nothing
 * overlaps and every cell lies inside its node and frames.
 *
 * Coordinates are abstract "model units" (a cell is CELL units wide); the renderer scales them.
 * Cells live in flat typed arrays: 100k GPUs are 100k entries, not 100k objects.
 */
import type { ClusterState, NodeInfo } from '../cluster/state';
import { childDomainId } from '../topology/domainPath';
import { naturalCompare, UNLABELLED } from '../topology/tree';
import { heatmapLevels, levelValueLabels, pickTopology, type HeatmapLevel } from './levels';

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
  /** `level=value` per visible level from the root, joined by "/" (lib/topology/domainPath.ts): unique in the layout, the domain's id when no broader level is hidden. */
  id: string;
  level: string;
  /** 0 for the broadest visible level. */
  depth: number;
  /** The raw label value (UNLABELLED where nodes lack it). */
  value: string;
  /** The value's name for people, unique among the level's values ("clique 32766", "(unlabelled)"). */
  valueLabel: string;
  /** `<level> <valueLabel>`. */
  label: string;
  /** Index of the enclosing frame, -1 at the top. */
  parent: number;
  /** The frame's nodes are layout.nodes[nodeStart .. nodeEnd). */
  nodeStart: number;
  nodeEnd: number;
  /** GPUs of the frame's nodes: all of its domain's (of its domains', when a broader level is collapsed). */
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
  /** Label value per level (all levels, visible or not), UNLABELLED where missing. Shared by nodes with the same values: read only. */
  domains: Record<string, string>;
}

export interface HeatmapLayout {
  topology: string | null;
  /** Every level the cluster offers, broadest first, with the names of its values in this layout. */
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
  /** Equal for two layouts with the same boxes in the same places (names, GPU counts, grouping). Computed on first read. */
  readonly signature: string;
}

export interface LayoutOptions {
  /** ClusterTopologyBinding name; default the first. */
  topology?: string | null;
  /** Level domains to collapse. */
  hiddenLevels?: readonly string[];
  /**
   * Width / height of the box the layout will be fitted to; default the topology page's (1.8). A
   * wide, short box (a map embedded in a form) gets frames packed in long rows instead of a block.
   */
  screenAspect?: number;
}

/** Columns of a node's GPU grid: one row for up to 4, rows of 4 up to 16, then square. */
export function nodeColumns(gpus: number): number {
  if (gpus <= 4) return Math.max(gpus, 1);
  if (gpus <= 16) return 4;
  return Math.ceil(Math.sqrt(gpus));
}

/** Width / height of the screen a layout is fitted to by default (the topology page's canvas, roughly). */
export const SCREEN_ASPECT = 1.8;
/** Shapes frames are packed towards, first the usual one; the layout keeps the one that fits the screen's shape best. */
const FRAME_ASPECTS = [1.5, 0.75, 3] as const;

/** Children in rows wrapping at `wrap`: sets each child's x, y relative to the content origin, returns the content size. */
function shelvesAt(children: readonly Rect[], wrap: number): { w: number; h: number } {
  let x = 0;
  let y = 0;
  let rowH = 0;
  let w = 0;
  for (const c of children) {
    if (x > 0 && x + c.w > wrap) {
      x = 0;
      y += rowH + CHILD_GAP;
      rowH = 0;
    }
    c.x = x;
    c.y = y;
    x += c.w + CHILD_GAP;
    if (x - CHILD_GAP > w) w = x - CHILD_GAP;
    if (c.h > rowH) rowH = c.h;
  }
  return { w, h: children.length ? y + rowH : 0 };
}

/** The side of the box of shape `aspect` (width / height) that holds `size`: smaller = bigger cells once fitted to it. */
const fittedSide = (size: { w: number; h: number }, aspect: number): number => Math.max(size.w / aspect, size.h);

/** The wrap widths shelfPack tries, as factors of the even one: 2^(step / 4) for steps -4 … 4. */
const WRAP_FACTORS = Array.from({ length: 9 }, (_, i) => 2 ** ((i - 4) / 4));

/**
 * Shelf-pack `children` in rows, wrapping at the width whose result fits a box of shape `aspect`
 * (width / height) best: a few wrap widths around the one an even area suggests are tried, because a
 * handful of big children (five blocks of a zone) land far from the target with any single guess.
 * Sets each child's x, y relative to the content origin and returns the content size.
 *
 * The wrap chosen for children all of one size depends only on their count, that size and `aspect`:
 * `wrapByShape` (one per layout) keeps it, so the racks of a cluster, all alike, are tried once, not
 * each, nor again for every frame shape the layout tries.
 */
function shelfPack(children: readonly Rect[], aspect: number, wrapByShape: Map<string, number>): { w: number; h: number } {
  let area = 0;
  let widest = 0;
  let alike = children.length > 0;
  for (const c of children) {
    area += (c.w + CHILD_GAP) * (c.h + CHILD_GAP);
    if (c.w > widest) widest = c.w;
    if (c.w !== children[0]!.w || c.h !== children[0]!.h) alike = false;
  }
  const shape = alike ? `${aspect} ${children.length} ${children[0]!.w} ${children[0]!.h}` : '';
  let best = alike ? wrapByShape.get(shape) : undefined;
  if (best === undefined) {
    const even = Math.sqrt(area * aspect);
    best = Math.max(widest, even);
    let bestMiss = fittedSide(shelvesAt(children, best), aspect);
    for (const factor of WRAP_FACTORS) {
      const wrap = Math.max(widest, even * factor);
      if (wrap === best) continue;
      const miss = fittedSide(shelvesAt(children, wrap), aspect);
      if (miss < bestMiss - 1e-9) (best = wrap), (bestMiss = miss);
    }
    if (alike) wrapByShape.set(shape, best);
  }
  return shelvesAt(children, best);
}

/** Trailing digits read as a number only up to this many: 15 digits are always exact in a double. */
const MAX_EXACT_DIGITS = 15;

/**
 * Compares indexes into `texts` as naturalCompare compares the texts, with most of its work done once per
 * text: each text's trailing digits are read as a number, and the text before them (its stem) becomes a
 * stem id. Two texts with the same stem and different numbers (za0-b0-r3-n7, za0-b0-r3-n24: the nodes of
 * one rack) then compare by one subtraction, with naturalCompare's sign (the identical stems, ending in
 * a non-digit, decide nothing; digit runs compare by value). Any other pair (other stems, equal numbers as
 * in n7 and n07, no trailing digits, too many of them) goes to naturalCompare: the order is exactly its.
 */
function naturalOrderOf(texts: readonly string[]): (a: number, b: number) => number {
  const stems = new Int32Array(texts.length);
  const numbers = new Float64Array(texts.length);
  const stemIds = new Map<string, number>();
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    let start = text.length;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    const digits = text.length - start;
    if (digits === 0 || digits > MAX_EXACT_DIGITS) {
      stems[i] = -1;
      continue;
    }
    let value = 0;
    for (let k = start; k < text.length; k++) value = value * 10 + (text.charCodeAt(k) - 48);
    numbers[i] = value;
    const stem = text.slice(0, start);
    let id = stemIds.get(stem);
    if (id === undefined) stemIds.set(stem, (id = stemIds.size));
    stems[i] = id;
  }
  return (a, b) => {
    const stem = stems[a]!;
    if (stem >= 0 && stem === stems[b] && numbers[a] !== numbers[b]) return numbers[a]! - numbers[b]!;
    return naturalCompare(texts[a]!, texts[b]!);
  };
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** A level's distinct label values, each node's value as an index into them, and each value's sort rank. */
interface LevelValues {
  values: string[];
  /** Value id per node. */
  ids: Int32Array;
  /** Per value: its position in compareValues order. */
  rank: Int32Array;
}

function levelValues(nodes: readonly NodeInfo[], key: string): LevelValues {
  const idOf = new Map<string, number>();
  const values: string[] = [];
  const ids = new Int32Array(nodes.length);
  let lastValue: string | null = null;
  let lastId = -1;
  for (let i = 0; i < nodes.length; i++) {
    const raw: unknown = nodes[i]!.labels[key];
    const value = typeof raw === 'string' ? raw : UNLABELLED;
    if (value !== lastValue) {
      // Neighbouring nodes mostly share a domain: the map only when the value changes.
      let id = idOf.get(value);
      if (id === undefined) {
        id = values.length;
        values.push(value);
        idOf.set(value, id);
      }
      lastValue = value;
      lastId = id;
    }
    ids[i] = lastId;
  }
  // Sorting the distinct values once replaces string comparisons in the node sort (a few per level, not n log n).
  // Natural order, a missing label last.
  const unlabelled = values.indexOf(UNLABELLED);
  const byValue = naturalOrderOf(values);
  const order = values.map((_, id) => id).sort((a, b) => (a === b ? 0 : a === unlabelled ? 1 : b === unlabelled ? -1 : byValue(a, b)));
  const rank = new Int32Array(values.length);
  order.forEach((id, r) => (rank[id] = r));
  return { values, ids, rank };
}

/**
 * One number per node from a digit per level (mixed radix over the levels' value counts): the value's
 * sort rank (`byRank`, so keys order like tuples) or its id (equal keys = equal values). Null when
 * the product of the counts would lose precision.
 */
function mixedRadixKeys(levels: readonly LevelValues[], count: number, byRank: boolean): Float64Array | null {
  let radix = 1;
  for (const level of levels) radix *= Math.max(1, level.values.length);
  if (radix > Number.MAX_SAFE_INTEGER) return null;
  const keys = new Float64Array(count);
  for (const { values, ids, rank } of levels) {
    const base = Math.max(1, values.length);
    for (let i = 0; i < count; i++) keys[i] = keys[i]! * base + (byRank ? rank[ids[i]!]! : ids[i]!);
  }
  return keys;
}

export function layoutHeatmap(state: ClusterState, options: LayoutOptions = {}): HeatmapLayout {
  const topology = pickTopology(state, options.topology);
  const topologyLevels = heatmapLevels(state, topology);
  const hidden = new Set(options.hiddenLevels ?? []);
  const screenAspect = options.screenAspect ?? SCREEN_ASPECT;
  // A screen wider than the widest frame shape is tried with frames of its own shape too.
  const frameAspects: readonly number[] = screenAspect > Math.max(...FRAME_ASPECTS) ? [...FRAME_ASPECTS, screenAspect] : FRAME_ASPECTS;

  // Nodes with GPUs, in tuple order of their visible values (then name).
  const withGpus: NodeInfo[] = [];
  const stateIndexOf: number[] = [];
  state.nodes.forEach((node, stateIndex) => {
    if (node.allocatable.gpu > 0) {
      withGpus.push(node);
      stateIndexOf.push(stateIndex);
    }
  });
  const nodesWithoutGpus = state.nodes.length - withGpus.length;
  const perLevel = topologyLevels.map((level) => levelValues(withGpus, level.key));
  const levels = topologyLevels.map((level, l) => ({ ...level, labels: levelValueLabels(level, perLevel[l]!.values) }));
  const visible = levels.filter((level) => !hidden.has(level.domain));
  const depthCount = visible.length;
  const visibleValues = visible.map((level) => perLevel[levels.indexOf(level)]!);
  const order = withGpus.map((_, i) => i);
  const byName = naturalOrderOf(withGpus.map((node) => node.name));
  const tupleKey = mixedRadixKeys(visibleValues, withGpus.length, true);
  if (tupleKey) order.sort((a, b) => tupleKey[a]! - tupleKey[b]! || byName(a, b));
  else {
    order.sort((a, b) => {
      for (let d = 0; d < depthCount; d++) {
        const { ids, rank } = visibleValues[d]!;
        const c = rank[ids[a]!]! - rank[ids[b]!]!;
        if (c !== 0) return c;
      }
      return byName(a, b);
    });
  }
  /** Visible value id at `depth` of the node in sorted position `n`. */
  const valueAt = (depth: number, n: number): number => visibleValues[depth]!.ids[order[n]!]!;

  const frames: HeatmapFrame[] = [];
  // Nodes with the same values on every level share one (read-only) domains record.
  const domainsKey = mixedRadixKeys(perLevel, withGpus.length, false);
  const sharedDomains = new Map<number, Record<string, string>>();
  const domainsOf = (i: number): Record<string, string> => {
    let domains = domainsKey ? sharedDomains.get(domainsKey[i]!) : undefined;
    if (!domains) {
      domains = {};
      for (let l = 0; l < levels.length; l++) domains[levels[l]!.domain] = perLevel[l]!.values[perLevel[l]!.ids[i]!]!;
      if (domainsKey) sharedDomains.set(domainsKey[i]!, domains);
    }
    return domains;
  };
  const nodes: HeatmapNodeBox[] = order.map((i) => {
    const node = withGpus[i]!;
    const gpus = node.allocatable.gpu;
    const cols = nodeColumns(gpus);
    const rows = Math.ceil(gpus / cols);
    const domains = domainsOf(i);
    return {
      name: node.name,
      stateIndex: stateIndexOf[i]!,
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

  // The frame tree over contiguous runs of equal tuple prefixes (pre-order), each frame's children
  // (frames, or node boxes at the deepest level) kept for packing below.
  const kids: Rect[][] = [];
  const group = (depth: number, start: number, end: number, parent: number, idPrefix: string): Rect[] => {
    if (depth === depthCount) {
      const boxes = nodes.slice(start, end);
      for (const box of boxes) box.frame = parent;
      return boxes;
    }
    const level = visible[depth]!;
    const { values } = visibleValues[depth]!;
    const labels = level.labels;
    const out: HeatmapFrame[] = [];
    let runStart = start;
    while (runStart < end) {
      const id = valueAt(depth, runStart);
      let runEnd = runStart + 1;
      while (runEnd < end && valueAt(depth, runEnd) === id) runEnd++;
      const value = values[id]!;
      const frameId = childDomainId(idPrefix, level.domain, value);
      const frame: HeatmapFrame = {
        index: frames.length,
        id: frameId,
        level: level.domain,
        depth,
        value,
        valueLabel: labels.get(value)!,
        label: '',
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
      kids.push([]);
      for (let i = runStart; i < runEnd; i++) frame.gpus += nodes[i]!.gpus;
      frame.label = `${level.domain} ${frame.valueLabel}`;
      kids[frame.index] = group(depth + 1, runStart, runEnd, frame.index, frameId);
      out.push(frame);
      runStart = runEnd;
    }
    return out;
  };
  const top = group(0, 0, nodes.length, -1, '');
  // Sizes bottom-up (reverse pre-order: children before parents), each child placed relative to its
  // parent's content origin. Frames are packed towards one shape; which shape gives the biggest cells
  // once the whole layout is fitted to a wide screen depends on the fan-out of every level (five blocks
  // of a zone, two zones), so a few are tried and the best kept.
  const wrapByShape = new Map<string, number>();
  const packAll = (frameAspect: number) => {
    for (let f = frames.length - 1; f >= 0; f--) {
      const frame = frames[f]!;
      const content = shelfPack(kids[f]!, frameAspect, wrapByShape);
      frame.w = Math.max(content.w + 2 * FRAME_PAD, 60);
      frame.h = content.h + FRAME_HEADER + FRAME_PAD;
    }
    return shelfPack(top, screenAspect, wrapByShape);
  };
  let packed = packAll(frameAspects[0]!);
  if (frames.length > 1) {
    let bestAspect = frameAspects[0]!;
    for (const aspect of frameAspects.slice(1)) {
      const size = packAll(aspect);
      if (fittedSide(size, screenAspect) < fittedSide(packed, screenAspect) - 1e-9) (packed = size), (bestAspect = aspect);
    }
    // The frames hold the last shape tried: pack again unless that was the best.
    if (bestAspect !== frameAspects[frameAspects.length - 1]) packed = packAll(bestAspect);
  }
  // Pre-order: a parent is absolute before its children (and nodes) are offset by it.
  for (const frame of frames) {
    if (frame.parent < 0) continue;
    const parent = frames[frame.parent]!;
    frame.x += parent.x + FRAME_PAD;
    frame.y += parent.y + FRAME_HEADER;
  }
  for (const box of nodes) {
    if (box.frame < 0) continue;
    const frame = frames[box.frame]!;
    box.x += frame.x + FRAME_PAD;
    box.y += frame.y + FRAME_HEADER;
  }

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

  // One entry per node (name, GPUs, visible values); a run of nodes with the same values joins them once.
  // Built on first read: only a layout compared with another one (live updates) needs it, a first paint does not.
  const buildSignature = (): string => {
    // Another screen shape packs the same nodes elsewhere: not the same layout.
    const parts: string[] = [topology?.name ?? '', visible.map((l) => l.domain).join(','), ...(options.screenAspect === undefined ? [] : [`aspect=${options.screenAspect}`])];
    let tupleText = '';
    for (let n = 0; n < nodes.length; n++) {
      let same = n > 0;
      for (let d = 0; same && d < depthCount; d++) same = valueAt(d, n) === valueAt(d, n - 1);
      if (!same) tupleText = visibleValues.map((v, d) => v.values[valueAt(d, n)]!).join(',');
      parts.push(`${nodes[n]!.name}:${nodes[n]!.gpus}:${tupleText}`);
    }
    return parts.join('|');
  };
  let signature: string | null = null;

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
    get signature() {
      return (signature ??= buildSignature());
    },
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
