/**
 * The heatmap's canvas renderer: draws a HeatmapModel (frames, node boxes, GPU cells) at a zoom
 * transform, devicePixelRatio-aware, culling what is off screen. Visible cells are bucketed per colour
 * (one fillStyle per colour, then a fillRect per cell); below PIXEL_MODE device pixels per cell, frames,
 * node boxes and cells are written straight into one ImageData over the layout's box instead
 * (writeFramePixels, writeNodePixels), with labels and outlines drawn over it. Framework-free, so the React component
 * and the benchmark page share it. Pod changes repaint only the changed cells and flash them briefly; a
 * new layout repaints all.
 */
import { boxScale } from '../../lib/heatmap/boxFit';
import { MARK_COLORS, markDash, markLineWidth, markShapes, NODE_BOX, traceMarkShape, type CellColors, type MarkKind, type MarkShape, type PathSink, type Theme } from '../../lib/heatmap/colors';
import { diffModels } from '../../lib/heatmap/diff';
import { CELL, CELL_GAP, FRAME_HEADER, FRAME_PAD, type HeatmapLayout, type Rect } from '../../lib/heatmap/layout';
import { NODE_TAINTED, NODE_USABLE, type HeatmapModel } from '../../lib/heatmap/model';
import type { GhostOverlay } from '../../lib/heatmap/overlay';
import type { ZoomState } from '../../lib/heatmap/urlState';

export interface RenderInput {
  model: HeatmapModel;
  colors: CellColors;
  theme: Theme;
  /** 1 per highlighted cell; null when nothing is selected (nothing dimmed). */
  highlight: Uint8Array | null;
  ghosts: GhostOverlay | null;
  /** Cell with the hover/keyboard focus ring, -1 for none. */
  focusCell: number;
}

export const FLASH_MS = 900;
const DIM_ALPHA = 0.18;
const LABEL_SIZE = 11;
/** Below this cell size in device pixels, cells are written as pixel squares (crisp, and ~10× cheaper than fillRect). */
const PIXEL_MODE = 12;
/** Words in the pixel path's band buffer (256 KB): rows per band = this / the buffer's width. */
export const BAND_WORDS = 1 << 16;

/**
 * The band buffer for a `width` × `height` box, given the one held (null: none). A buffer at least as
 * wide is kept (`grow` false), its rows bounding the band; a wider box replaces it with one of `width`
 * × ⌊BAND_WORDS / width⌋ rows (one row past BAND_WORDS wide). So it never holds more than
 * max(BAND_WORDS, widest box) words, however widths and heights come in over a session.
 */
export function bandBufferSize(held: { width: number; height: number } | null, width: number, height: number): { width: number; height: number; bandRows: number; grow: boolean } {
  const grow = !held || held.width < width;
  // Fields read one by one: `held` may be an ImageData, whose width and height are getters a spread would miss.
  const rows = grow ? Math.max(1, Math.floor(BAND_WORDS / width)) : held.height;
  return { width: grow ? width : held.width, height: rows, bandRows: Math.max(1, Math.min(height, rows)), grow };
}

/** `front` over `back` at opacity `alpha`, as an opaque ImageData word. */
function blendWords(front: number, back: number, alpha: number): number {
  const mix = (shift: number) => Math.round(((front >>> shift) & 255) * alpha + ((back >>> shift) & 255) * (1 - alpha));
  return ((255 << 24) | (mix(16) << 16) | (mix(8) << 8) | mix(0)) >>> 0;
}

/** '#rrggbb' or 'rgb(r, g, b)' → an ImageData word (RGBA bytes, little-endian). */
function packColor(color: string, alpha: number): number {
  let r = 0;
  let g = 0;
  let b = 0;
  if (color.startsWith('#') && color.length === 7) {
    r = parseInt(color.slice(1, 3), 16);
    g = parseInt(color.slice(3, 5), 16);
    b = parseInt(color.slice(5, 7), 16);
  } else {
    const m = color.match(/\d+(\.\d+)?/g);
    if (m && m.length >= 3) [r, g, b] = m.slice(0, 3).map((v) => Math.round(Number(v))) as [number, number, number];
  }
  return ((alpha << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** ImageData words of the pixel path: node background, each palette colour lit and dimmed, the hatch line. */
export interface PixelWords {
  node: number;
  lit: Uint32Array;
  /** Pre-blended over the node background, so the layer stays opaque where it draws. */
  dim: Uint32Array;
  hatch: number;
  /** 1 per palette index drawn with a diagonal (cordoned / NotReady: not colour alone). */
  hatched: Uint8Array;
}

export function pixelWords(colors: CellColors, chrome: { node: string; hatch: string }): PixelWords {
  const node = packColor(chrome.node, 255);
  const lit = Uint32Array.from(colors.palette, (c) => packColor(c, 255));
  const hatched = new Uint8Array(colors.palette.length);
  for (const i of colors.hatched) hatched[i] = 1;
  return { node, lit, dim: lit.map((word) => blendWords(word, node, DIM_ALPHA)), hatch: packColor(chrome.hatch, 255), hatched };
}

export interface PixelJob {
  /** Row-major words: `stride` per row, of which the first `width` (and `height` rows) are written. */
  words: Uint32Array;
  width: number;
  height: number;
  /** Words per row of `words`; `width` when absent. */
  stride?: number;
  layout: Pick<HeatmapLayout, 'nodes' | 'cellX' | 'cellY'>;
  /** nodes[0 .. nodeCount) are the layout nodes to write. */
  nodes: ArrayLike<number>;
  nodeCount: number;
  colorIndex: Uint16Array;
  highlight: Uint8Array | null;
  palette: PixelWords;
  /** Model → device pixels: p × scale + offset. */
  scale: number;
  offsetX: number;
  offsetY: number;
  /** The picture row held in the buffer's first row (a band of a taller picture); 0 when absent. */
  firstRow?: number;
}

function sameNodeStatus(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Model coordinate → device pixel: floor(p × scale + offset). The full draw and the in-place repaint place cells by this one rule. */
export const devicePixel = (p: number, scale: number, offset: number): number => Math.floor(p * scale + offset);

/** A cell's side in device pixels at `scale`: round(CELL × scale), at least 1. */
export const cellPixelSize = (scale: number): number => Math.max(1, Math.round(CELL * scale));

/**
 * One cell's square of `size` device pixels with its corner at (px, py), clipped to the width × height
 * buffer (rows of `stride` words); `hatch` ≥ 0 draws the anti-diagonal in that word when the square
 * is ≥ 4 pixels (cordoned / NotReady: not colour alone). False when nothing of it is inside the buffer.
 */
export function writeCellPixels(words: Uint32Array, width: number, height: number, px: number, py: number, size: number, word: number, hatch: number, stride = width): boolean {
  const x0 = px < 0 ? 0 : px;
  const y0 = py < 0 ? 0 : py;
  const x1 = px + size > width ? width : px + size;
  const y1 = py + size > height ? height : py + size;
  if (x1 <= x0 || y1 <= y0) return false;
  for (let y = y0, row = y0 * stride; y < y1; y++, row += stride) {
    if (x1 - x0 <= 8) for (let x = row + x0; x < row + x1; x++) words[x] = word; // short runs: a loop beats fill()'s call
    else words.fill(word, row + x0, row + x1);
  }
  if (hatch >= 0 && size >= 4) {
    for (let d = 0; d < size; d++) {
      const x = px + size - 1 - d;
      const y = py + d;
      if (x >= x0 && x < x1 && y >= y0 && y < y1) words[y * stride + x] = hatch;
    }
  }
  return true;
}

/**
 * The pixel path: every node's box in the node colour, then its cells as squares of round(CELL × scale)
 * device pixels (at least 1) at the floor of their scaled corner, clipped to the buffer; a hatched
 * colour gets its anti-diagonal in the hatch colour when squares are ≥ 4 pixels (writeCellPixels). Rows
 * are filled with typed-array fills, not pixel by pixel. Returns the number of cells written (clipped ones included).
 */
export function writeNodePixels(job: PixelJob): number {
  const { words, width, height, stride = width, layout, nodes, nodeCount, colorIndex, highlight, palette, scale: s, offsetX: ox, offsetY: oy, firstRow: top = 0 } = job;
  const { cellX, cellY } = layout;
  const nodeWord = palette.node;
  for (let v = 0; v < nodeCount; v++) {
    const box = layout.nodes[nodes[v]!]!;
    const x0 = Math.max(0, Math.floor(box.x * s + ox));
    const y0 = Math.max(0, Math.floor(box.y * s + oy) - top);
    const x1 = Math.min(width, Math.floor((box.x + box.w) * s + ox));
    const y1 = Math.min(height, Math.floor((box.y + box.h) * s + oy) - top);
    if (x1 <= x0) continue; // (a negative fill() end would count from the array's end)
    for (let y = y0; y < y1; y++) words.fill(nodeWord, y * stride + x0, y * stride + x1);
  }
  const size = cellPixelSize(s);
  const { lit, dim, hatch, hatched } = palette;
  let drawn = 0;
  for (let v = 0; v < nodeCount; v++) {
    const box = layout.nodes[nodes[v]!]!;
    const end = box.firstCell + box.gpus;
    for (let c = box.firstCell; c < end; c++) {
      drawn++;
      const i = colorIndex[c]!;
      const word = !highlight || highlight[c] === 1 ? lit[i]! : dim[i]!;
      writeCellPixels(words, width, height, devicePixel(cellX[c]!, s, ox), devicePixel(cellY[c]!, s, oy) - top, size, word, hatched[i] === 1 ? hatch : -1, stride);
    }
  }
  return drawn;
}

export interface FramePixelJob {
  /** As in PixelJob. */
  words: Uint32Array;
  width: number;
  height: number;
  stride?: number;
  /** In pre-order (parents before children), as layoutHeatmap lists them. */
  frames: readonly (Rect & { depth: number })[];
  background: number;
  /** Fill word per depth (cycling, as the vector path does) and outline word per depth (the last one repeats for deeper frames). */
  fill: readonly number[];
  stroke: readonly number[];
  scale: number;
  offsetX: number;
  offsetY: number;
  firstRow?: number;
}

/**
 * The pixel path's backdrop: the width × height buffer in the background word, then every frame as its
 * filled box with a one-pixel outline, by the same device-pixel rule as node boxes (floor of the scaled
 * edges), clipped to the buffer: the picture of painting frames in pre-order (parents under children).
 * Only rows where some frame starts, ends or has an outline are painted; every other row equals the
 * one above it and is copied (one memmove), so the cost is a few hundred rows, not area × depth.
 */
export function writeFramePixels(job: FramePixelJob): void {
  const { words, width, height, stride = width, frames, background, fill, stroke, scale: s, offsetX: ox, offsetY: oy, firstRow: top = 0 } = job;
  const n = frames.length;
  const rect = new Int32Array(4 * n); // unclipped device rects [x0, x1) × [y0, y1)
  const differs = new Uint8Array(height); // 1: this row may differ from the one above
  differs[0] = 1;
  const mark = (y: number) => {
    if (y > 0 && y < height) differs[y] = 1;
  };
  const byTop: number[] = [];
  for (let f = 0; f < n; f++) {
    const frame = frames[f]!;
    const x0 = (rect[4 * f] = Math.floor(frame.x * s + ox));
    const y0 = (rect[4 * f + 1] = Math.floor(frame.y * s + oy) - top);
    const x1 = (rect[4 * f + 2] = Math.floor((frame.x + frame.w) * s + ox));
    const y1 = (rect[4 * f + 3] = Math.floor((frame.y + frame.h) * s + oy) - top);
    if (x1 <= 0 || x0 >= width || x1 <= x0 || y1 <= Math.max(0, y0) || y0 >= height) continue;
    byTop.push(f);
    mark(y0);
    mark(y0 + 1);
    mark(y1 - 1);
    mark(y1);
  }
  byTop.sort((a, b) => rect[4 * a + 1]! - rect[4 * b + 1]! || a - b);
  let next = 0;
  let active: number[] = [];
  for (let y = 0, row = 0; y < height; y++, row += stride) {
    if (!differs[y]) {
      words.copyWithin(row, row - stride, row - stride + width);
      continue;
    }
    // Frames over this row, in pre-order.
    let added = false;
    while (next < byTop.length && rect[4 * byTop[next]! + 1]! <= y) (active.push(byTop[next++]!), (added = true));
    active = active.filter((f) => rect[4 * f + 3]! > y);
    if (added) active.sort((a, b) => a - b);
    words.fill(background, row, row + width);
    for (const f of active) {
      const fx0 = rect[4 * f]!;
      const fx1 = rect[4 * f + 2]!;
      const x0 = fx0 < 0 ? 0 : fx0;
      const x1 = fx1 > width ? width : fx1;
      const depth = frames[f]!.depth;
      const outline = stroke[depth < stroke.length ? depth : stroke.length - 1]!;
      if (y === rect[4 * f + 1] || y === rect[4 * f + 3]! - 1) words.fill(outline, row + x0, row + x1);
      else {
        words.fill(fill[depth % fill.length]!, row + x0, row + x1);
        if (x0 === fx0) words[row + x0] = outline;
        if (x1 === fx1) words[row + x1 - 1] = outline;
      }
    }
  }
}

export interface LayoutPixelJob extends Omit<PixelJob, 'firstRow'>, Pick<FramePixelJob, 'frames' | 'background' | 'fill' | 'stroke'> {
  /** `height` is the whole picture's; `words` holds `bandRows` rows of it (of `stride` words) at a time. */
  bandRows: number;
}

/**
 * The pixel path's whole picture, `bandRows` rows at a time: each band gets its frames
 * (writeFramePixels), then the node boxes and cells that reach into it (writeNodePixels), in the one
 * band-sized buffer, and is handed to `put(firstRow, rows)` before the next band overwrites it. Why
 * bands: a first paint then touches a few hundred KB, not the layout box's megabytes, and fresh memory
 * costs a page fault per 4 KB (about 2 ms to first fill a 1200 × 600 ImageData in Chromium here).
 * Nodes are bucketed by the bands they reach, so a cell is visited once, or twice on a band edge. The
 * picture is the same as one write of the full height (property-tested). Returns the cells of `nodes`.
 */
export function writeLayoutPixels(job: LayoutPixelJob, put: (firstRow: number, rows: number) => void): number {
  const { height, bandRows, layout, nodes, nodeCount, scale: s, offsetY: oy } = job;
  if (height <= 0) return 0;
  const rowsPerBand = Math.max(1, Math.floor(bandRows));
  const bands = Math.ceil(height / rowsPerBand);
  const reach = cellPixelSize(s); // a cell's square may end past its node box's floored edge by rounding
  const firstBand = new Int32Array(nodeCount);
  const lastBand = new Int32Array(nodeCount);
  const starts = new Int32Array(bands + 1);
  let cells = 0;
  for (let v = 0; v < nodeCount; v++) {
    const box = layout.nodes[nodes[v]!]!;
    cells += box.gpus;
    const top = Math.floor(box.y * s + oy);
    const bottom = Math.floor((box.y + box.h) * s + oy) + reach;
    if (bottom <= 0 || top >= height) {
      firstBand[v] = 0;
      lastBand[v] = -1;
      continue;
    }
    firstBand[v] = Math.max(0, Math.floor(top / rowsPerBand));
    lastBand[v] = Math.min(bands - 1, Math.floor((bottom - 1) / rowsPerBand));
    for (let b = firstBand[v]!; b <= lastBand[v]!; b++) starts[b + 1]!++;
  }
  for (let b = 0; b < bands; b++) starts[b + 1]! += starts[b]!;
  const bucket = new Int32Array(starts[bands]!);
  const fill = starts.slice(0, bands);
  for (let v = 0; v < nodeCount; v++) for (let b = firstBand[v]!; b <= lastBand[v]!; b++) bucket[fill[b]!++] = nodes[v]!;
  for (let b = 0; b < bands; b++) {
    const firstRow = b * rowsPerBand;
    const rows = Math.min(rowsPerBand, height - firstRow);
    writeFramePixels({ ...job, height: rows, firstRow });
    writeNodePixels({ ...job, height: rows, firstRow, nodes: bucket.subarray(starts[b]!, starts[b + 1]!), nodeCount: starts[b + 1]! - starts[b]! });
    put(firstRow, rows);
  }
  return cells;
}

/**
 * A frame's header text: the first of "level value · used/total", "value · used/total" (the count
 * matters more than the level's name, which the nesting shows), "level value" and "value" that `fits`;
 * else the shortest, which the canvas squeezes into the room (a long NVLink name in a narrow frame
 * reads better shortened than squeezed to a smudge).
 */
export function frameLabelText(frame: { label: string; valueLabel: string }, stats: { used: number; gpus: number }, fits: (text: string) => boolean): string {
  const count = ` · ${stats.used}/${stats.gpus}`;
  const candidates = [frame.label + count, frame.valueLabel + count, frame.label, frame.valueLabel];
  return candidates.find(fits) ?? frame.valueLabel;
}

/**
 * The renderer's colours per theme. The marks' colours (hatch, node outlines, ghosts) are
 * colors.ts MARK_COLORS, which the legend draws with too.
 *
 * The keyboard cursor is a two-tone ring (WCAG technique C40): `focusInner` next to the cell, whatever
 * its colour (every cell colour has ≥ 3:1 against the node box, and the inner tone is the node box's),
 * `focusOuter` around it, ≥ 3:1 against the background, every frame fill and the node box; the two
 * ≥ 9:1 apart, so against any colour one of them has ≥ 3:1. That covers the frame strokes the ring may
 * cross, against which the outer band alone may fall short (dark: #fafafa on #a1a1aa is 2.46:1, where
 * the inner band has 7.6:1). renderer.test.ts measures all of this.
 */
export const CHROME: Record<Theme, { background: string; frameFill: string[]; frameStroke: string[]; label: string; node: string; focusOuter: string; focusInner: string; highlight: string; flash: string; hatch: string; gang: string; gangUnplaced: string }> = {
  light: {
    background: '#ffffff',
    frameFill: ['#f4f4f5', '#fafafa', '#f4f4f5', '#fafafa', '#f4f4f5'],
    frameStroke: ['#71717a', '#a1a1aa', '#a1a1aa', '#d4d4d8', '#d4d4d8'],
    label: '#27272a',
    node: NODE_BOX.light,
    focusOuter: '#18181b',
    focusInner: NODE_BOX.light,
    highlight: '#2563eb',
    flash: '#d946ef',
    hatch: MARK_COLORS.light.hatch,
    gang: '#18181b',
    gangUnplaced: '#b91c1c',
  },
  dark: {
    background: '#09090b',
    frameFill: ['#18181b', '#111113', '#18181b', '#111113', '#18181b'],
    frameStroke: ['#a1a1aa', '#71717a', '#71717a', '#52525b', '#52525b'],
    label: '#e4e4e7',
    node: NODE_BOX.dark,
    focusOuter: '#fafafa',
    focusInner: NODE_BOX.dark,
    highlight: '#60a5fa',
    flash: '#f0abfc',
    hatch: MARK_COLORS.dark.hatch,
    gang: '#fafafa',
    gangUnplaced: '#f87171',
  },
};

/**
 * The keyboard cursor's two bands, in whole device pixels (`scale` device pixels per model unit, `dpr`
 * per CSS pixel): the inner one ≥ 1 CSS pixel, the outer one ≥ 2, both growing with the zoom (¾ and 1½
 * model units). Whole pixels and no anti-aliasing, so the inner band is its own colour right next to
 * the cell rather than a blend of it with the cell and the outer band.
 */
export function focusRingBands(scale: number, dpr: number): { inner: number; outer: number } {
  return { inner: Math.max(Math.ceil(dpr), Math.round(0.75 * scale)), outer: Math.max(Math.ceil(2 * dpr), Math.round(1.5 * scale)) };
}

/**
 * A cell's drawn box in device pixels [x0, x1) × [y0, y1): in the pixel path its square (devicePixel,
 * cellPixelSize), else its scaled square widened to whole pixels (its anti-aliased edge inside).
 */
export function cellDeviceBox(x: number, y: number, scale: number, offsetX: number, offsetY: number, pixelMode: boolean): { x0: number; y0: number; x1: number; y1: number } {
  if (pixelMode) {
    const size = cellPixelSize(scale);
    const x0 = devicePixel(x, scale, offsetX);
    const y0 = devicePixel(y, scale, offsetY);
    return { x0, y0, x1: x0 + size, y1: y0 + size };
  }
  return { x0: Math.floor(x * scale + offsetX), y0: Math.floor(y * scale + offsetY), x1: Math.ceil((x + CELL) * scale + offsetX), y1: Math.ceil((y + CELL) * scale + offsetY) };
}

/** What drawing a mark needs of a 2D context (a recording one in the tests). */
export interface MarkCanvas<P extends PathSink> {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  setLineDash(segments: number[]): void;
  fill(path: P): void;
  stroke(path: P): void;
}

/** Each shape of mark `kind` traced over every box by `trace`, then filled or stroked once. */
function drawMarks<P extends PathSink>(ctx: MarkCanvas<P>, kind: MarkKind, theme: Theme, k: number, newPath: () => P, trace: (path: P, shape: MarkShape) => boolean): void {
  for (const shape of markShapes(kind, theme)) {
    const path = newPath();
    if (!trace(path, shape)) continue;
    if (shape.shape === 'fill') {
      ctx.fillStyle = shape.color;
      ctx.fill(path);
    } else {
      ctx.strokeStyle = shape.color;
      ctx.lineWidth = markLineWidth(shape, k);
      ctx.setLineDash(markDash(shape, k));
      ctx.stroke(path);
    }
  }
  ctx.setLineDash([]);
}

/** Mark `kind` (hatch, ghost) on `cells`, in model space at zoom `k`. */
export function drawCellMarks<P extends PathSink = Path2D>(
  ctx: MarkCanvas<P>,
  kind: MarkKind,
  theme: Theme,
  k: number,
  layout: { cellX: ArrayLike<number>; cellY: ArrayLike<number> },
  cells: ArrayLike<number>,
  newPath: () => P = () => new Path2D() as unknown as P,
): void {
  if (!cells.length) return;
  drawMarks(ctx, kind, theme, k, newPath, (path, shape) => {
    let drawn = false;
    for (let i = 0; i < cells.length; i++) drawn = traceMarkShape(path, shape, layout.cellX[cells[i]!]!, layout.cellY[cells[i]!]!, CELL, CELL, k) || drawn;
    return drawn;
  });
}

/** Mark `kind` (a node outline) on `boxes`, in model space at zoom `k`. */
export function drawBoxMarks<P extends PathSink = Path2D>(ctx: MarkCanvas<P>, kind: MarkKind, theme: Theme, k: number, boxes: readonly Rect[], newPath: () => P = () => new Path2D() as unknown as P): void {
  if (!boxes.length) return;
  drawMarks(ctx, kind, theme, k, newPath, (path, shape) => {
    let drawn = false;
    for (const box of boxes) drawn = traceMarkShape(path, shape, box.x, box.y, box.w, box.h, k) || drawn;
    return drawn;
  });
}

export interface DrawStats {
  cellsDrawn: number;
  ms: number;
}

export class HeatmapRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private input: RenderInput | null = null;
  private transform: ZoomState = { k: 1, x: 0, y: 0 };
  private cssWidth = 0;
  private cssHeight = 0;
  private dpr = 1;
  private frame = 0;
  private pendingFull = false;
  private flash: { cells: Int32Array; start: number } | null = null;
  /** Indices of the nodes on screen (reused across draws). */
  private visibleNodes = new Int32Array(0);
  /** Called after each full draw (tests and the benchmark read it). */
  onDraw: ((stats: DrawStats) => void) | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('this browser has no 2D canvas');
    this.ctx = ctx;
  }

  get size(): { width: number; height: number } {
    return { width: this.cssWidth, height: this.cssHeight };
  }

  getTransform(): ZoomState {
    return this.transform;
  }

  resize(cssWidth: number, cssHeight: number, dpr = globalThis.devicePixelRatio || 1): void {
    this.cssWidth = Math.max(1, Math.floor(cssWidth));
    this.cssHeight = Math.max(1, Math.floor(cssHeight));
    this.dpr = dpr;
    this.canvas.width = Math.round(this.cssWidth * dpr);
    this.canvas.height = Math.round(this.cssHeight * dpr);
    this.canvas.style.width = `${this.cssWidth}px`;
    this.canvas.style.height = `${this.cssHeight}px`;
    this.schedule();
  }

  setTransform(transform: ZoomState): void {
    this.transform = transform;
    this.schedule();
  }

  /** The transform that shows the whole layout, centred, with FIT_MARGIN around it (boxFit.ts sizes embedded boxes by the same scale). */
  fitTransform(layout: HeatmapLayout, rect?: Rect): ZoomState {
    const r = rect ?? { x: 0, y: 0, w: layout.width, h: layout.height };
    const k = Math.max(1e-3, boxScale({ width: r.w, height: r.h }, this.cssWidth, this.cssHeight));
    return { k, x: (this.cssWidth - r.w * k) / 2 - r.x * k, y: (this.cssHeight - r.h * k) / 2 - r.y * k };
  }

  /**
   * New data. When only pods changed (same layout, same colours and highlight shape) the changed cells
   * are repainted in place and flash; otherwise the next frame repaints everything.
   */
  setInput(input: RenderInput, options: { animate?: boolean; immediate?: boolean } = {}): Int32Array | null {
    const before = this.input;
    this.input = input;
    let changed: Int32Array | null = null;
    if (before && before.model !== input.model) {
      const diff = diffModels(before.model, input.model);
      if (!diff.relayout) changed = diff.changed;
    }
    // Highlight outlines span cells: with one, a full repaint is simpler than patching. Ghosts patch
    // only when they are the same object (the page keeps it while their content holds), and are
    // redrawn over the patched cells.
    // A node cordoned, tainted or back changes its outline, which the in-place cell repaint does not draw.
    const samePicture =
      before && changed && sameNodeStatus(before.model.nodeStatus, input.model.nodeStatus) && before.theme === input.theme && before.ghosts === input.ghosts && before.highlight === null && input.highlight === null && before.focusCell === input.focusCell;
    if (changed && options.animate !== false && changed.length) this.flash = { cells: changed, start: performance.now() };
    if (samePicture && changed) {
      this.paintCells(changed);
      this.redrawGhosts();
      // The cursor's ring reaches past its cell's square, into repainted neighbours: drawn again over them.
      this.drawFocus(input, CHROME[input.theme]);
      this.repaintLabels(before.model, input.model);
      if (this.flash) this.schedule(false);
    } else if (options.immediate && this.cssWidth > 0) this.draw();
    else this.schedule();
    return changed;
  }

  /**
   * Draw now what the next frame would draw, if a full repaint is pending. For callers inside the
   * rendering steps (a ResizeObserver callback runs after layout, before paint): a resize clears the
   * canvas, and waiting for the next frame would show it blank for one.
   */
  flush(): void {
    if (this.pendingFull && this.cssWidth > 0) this.draw();
  }

  /** Next animation frame: a full repaint, or (full = false) only the flashing cells. */
  private schedule(full = true): void {
    if (full) this.pendingFull = true;
    // No size yet (the canvas is still 300 × 150): the first resize brings the first draw.
    if (this.frame || this.cssWidth === 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.pendingFull) {
        this.pendingFull = false;
        this.draw();
      } else this.flashStep();
    });
  }

  /** One frame of the change flash, repainting only the changed cells (cheap at any cluster size). */
  private flashStep(): void {
    const flash = this.flash;
    if (!flash || !this.input) return;
    this.paintCells(flash.cells);
    this.drawFlash(CHROME[this.input.theme], this.transform.k);
    if (!this.flash) this.paintCells(flash.cells); // faded out: leave the plain cells
    this.redrawGhosts();
    // The cursor's ring reaches past its cell's square, into repainted neighbours: drawn again over them.
    this.drawFocus(this.input, CHROME[this.input.theme]);
  }

  /** After an in-place repaint: the ghost cells afresh, then the ghosts over them (outlines may reach into repainted gaps). */
  private redrawGhosts(): void {
    const input = this.input;
    if (!input?.ghosts || (input.ghosts.cells.length === 0 && input.ghosts.gangs.every((g) => g.outlines.length === 0))) return;
    this.paintCells(input.ghosts.cells);
    this.applyTransform();
    this.drawGhosts(input, CHROME[input.theme], this.transform.k);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.onDraw = null;
  }

  /** Visible model-space rectangle. */
  viewport(): Rect {
    const { k, x, y } = this.transform;
    return { x: -x / k, y: -y / k, w: this.cssWidth / k, h: this.cssHeight / k };
  }

  private applyTransform(): void {
    const { k, x, y } = this.transform;
    const d = this.dpr;
    this.ctx.setTransform(d * k, 0, 0, d * k, d * x, d * y);
  }

  /** Repaint the whole canvas now. */
  draw(): DrawStats {
    const t0 = performance.now();
    // This is the full repaint a scheduled frame would do (resize + setTransform + setInput in one task
    // used to draw twice); the flash re-schedules itself below.
    this.pendingFull = false;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const ctx = this.ctx;
    const input = this.input;
    const chrome = CHROME[input?.theme ?? 'light'];
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = chrome.background;
    // The pixel path covers the layout's box itself: the background goes only around it.
    const pixelBox = input && this.isPixelMode() ? this.pixelBox(input.model.layout) : null;
    const { width: cw, height: ch } = this.canvas;
    if (!pixelBox) ctx.fillRect(0, 0, cw, ch);
    else {
      const { x0, y0, x1, y1 } = pixelBox;
      ctx.fillRect(0, 0, cw, y0);
      ctx.fillRect(0, y1, cw, ch - y1);
      ctx.fillRect(0, y0, x0, y1 - y0);
      ctx.fillRect(x1, y0, cw - x1, y1 - y0);
    }
    if (!input) return { cellsDrawn: 0, ms: performance.now() - t0 };
    const { model, colors, highlight } = input;
    const { layout } = model;
    const k = this.transform.k;
    const view = this.viewport();
    const visible = (r: Rect) => r.x < view.x + view.w && r.x + r.w > view.x && r.y < view.y + view.h && r.y + r.h > view.y;
    if (this.visibleNodes.length < layout.nodes.length) this.visibleNodes = new Int32Array(layout.nodes.length);
    const visibleNodes = this.visibleNodes;
    let visibleCount = 0;
    const unusable: Rect[] = [];
    const tainted: Rect[] = [];
    for (let n = 0; n < layout.nodes.length; n++) {
      const box = layout.nodes[n]!;
      if (!visible(box)) continue;
      visibleNodes[visibleCount++] = n;
      const status = model.nodeStatus[n];
      if (status === NODE_TAINTED) tainted.push(box);
      else if (status !== NODE_USABLE) unusable.push(box);
    }
    // Cells smaller than PIXEL_MODE device pixels: the layout's box (frames, node boxes and cells) is
    // written straight into ImageData and put on the canvas band by band (no path to raster, no
    // second canvas); labels and outlines are drawn over it as vectors.
    const pixelMode = this.isPixelMode();
    let cellsDrawn = pixelBox ? this.drawPixels(input, pixelBox, visibleNodes, visibleCount) : 0;
    this.applyTransform();
    if (!pixelMode) {
      // Frames (pre-order: parents under children).
      ctx.lineWidth = 1 / k;
      for (const frame of layout.frames) {
        if (!visible(frame)) continue;
        ctx.fillStyle = chrome.frameFill[frame.depth % chrome.frameFill.length]!;
        ctx.fillRect(frame.x, frame.y, frame.w, frame.h);
        ctx.strokeStyle = chrome.frameStroke[Math.min(frame.depth, chrome.frameStroke.length - 1)]!;
        ctx.strokeRect(frame.x, frame.y, frame.w, frame.h);
      }
    }
    if (LABEL_SIZE * k >= 7) {
      for (let f = 0; f < layout.frames.length; f++) if (visible(layout.frames[f]!)) this.drawLabel(model, f, chrome);
    }

    // Node boxes and the visible cells, bucketed per colour (and dimmed or not).
    const palette = colors.palette.length;
    const hatched: number[] = [];
    if (!pixelMode) {
      ctx.fillStyle = chrome.node;
      for (let v = 0; v < visibleCount; v++) {
        const box = layout.nodes[visibleNodes[v]!]!;
        ctx.fillRect(box.x, box.y, box.w, box.h);
      }
      const buckets: number[][] = Array.from({ length: 2 * palette }, () => []);
      const isHatched = new Uint8Array(palette);
      for (const i of colors.hatched) isHatched[i] = 1;
      for (let v = 0; v < visibleCount; v++) {
        const box = layout.nodes[visibleNodes[v]!]!;
        for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) {
          const i = colors.index[c]!;
          buckets[!highlight || highlight[c] === 1 ? i : palette + i]!.push(c);
          if (isHatched[i] === 1) hatched.push(c);
          cellsDrawn++;
        }
      }
      for (let b = 0; b < buckets.length; b++) {
        const cells = buckets[b]!;
        if (!cells.length) continue;
        ctx.globalAlpha = b < palette ? 1 : DIM_ALPHA;
        ctx.fillStyle = colors.palette[b % palette]!;
        for (const c of cells) ctx.fillRect(layout.cellX[c]!, layout.cellY[c]!, CELL, CELL);
      }
      ctx.globalAlpha = 1;
    }
    drawCellMarks(ctx, 'hatch', input.theme, k, layout, hatched);
    drawBoxMarks(ctx, 'unavailableNode', input.theme, k, unusable);
    // Tainted nodes: a dotted outline (the cordoned one is dashed), so the marker is a shape, not only a colour.
    drawBoxMarks(ctx, 'taintedNode', input.theme, k, tainted);
    // Highlighted cells get an outline too, so selection does not rely on contrast alone.
    if (highlight && CELL * k >= 3) {
      const path = new Path2D();
      for (let c = 0; c < layout.cellCount; c++) if (highlight[c] === 1) path.rect(layout.cellX[c]! - 0.5, layout.cellY[c]! - 0.5, CELL + 1, CELL + 1);
      ctx.strokeStyle = chrome.highlight;
      ctx.lineWidth = Math.max(1 / k, 0.8);
      ctx.stroke(path);
    }
    this.drawGhosts(input, chrome, k);
    this.drawFocus(input, chrome);
    this.drawFlash(chrome, k);
    const stats = { cellsDrawn, ms: performance.now() - t0 };
    this.onDraw?.(stats);
    return stats;
  }

  /** A frame's label with its used/total count (when it fits, else without, else squeezed). */
  private drawLabel(model: HeatmapModel, f: number, chrome: (typeof CHROME)[Theme]): void {
    const ctx = this.ctx;
    const frame = model.layout.frames[f]!;
    const stats = model.frameStats[f]!;
    ctx.fillStyle = chrome.label;
    ctx.font = `600 ${LABEL_SIZE}px ui-sans-serif, system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    const room = Math.max(1, frame.w - 2 * FRAME_PAD);
    const text = frameLabelText(frame, stats, (t) => ctx.measureText(t).width <= room * 1.15); // a slight squeeze is fine
    ctx.fillText(text, frame.x + FRAME_PAD, frame.y + 3, room);
  }

  /** After an in-place cell repaint: redraw the header strips of frames whose counts changed. */
  private repaintLabels(before: HeatmapModel, after: HeatmapModel): void {
    const k = this.transform.k;
    if (LABEL_SIZE * k < 7) return;
    const chrome = CHROME[this.input!.theme];
    this.applyTransform();
    const inset = 1.5 / k;
    for (let f = 0; f < after.layout.frames.length; f++) {
      if (before.frameStats[f]?.used === after.frameStats[f]!.used) continue;
      const frame = after.layout.frames[f]!;
      // The header strip above the first row of children belongs to this frame alone.
      this.ctx.fillStyle = chrome.frameFill[frame.depth % chrome.frameFill.length]!;
      this.ctx.fillRect(frame.x + inset, frame.y + inset, frame.w - 2 * inset, FRAME_HEADER - inset - 1);
      this.drawLabel(after, f, chrome);
    }
  }

  /** Model → device pixels (p × scale + offset), for the pixel path's full draw and in-place repaint alike. */
  private deviceTransform(): { scale: number; offsetX: number; offsetY: number } {
    const { k, x, y } = this.transform;
    return { scale: k * this.dpr, offsetX: x * this.dpr, offsetY: y * this.dpr };
  }

  /** Cells below this many device pixels are drawn as pixels. */
  private isPixelMode(): boolean {
    return CELL * this.transform.k * this.dpr < PIXEL_MODE;
  }

  private pixels: { image: ImageData; words: Uint32Array } | null = null;
  private pixelWords: { colors: CellColors; theme: Theme; words: PixelWords } | null = null;
  private frameWords: { theme: Theme; background: number; fill: number[]; stroke: number[] } | null = null;

  /** Palette → ImageData words, cached per colours and theme (live updates bring new colours; most draws do not). */
  private wordsFor(colors: CellColors, theme: Theme): PixelWords {
    const cached = this.pixelWords;
    if (cached && cached.colors === colors && cached.theme === theme) return cached.words;
    const words = pixelWords(colors, CHROME[theme]);
    this.pixelWords = { colors, theme, words };
    return words;
  }

  private frameWordsFor(theme: Theme): { background: number; fill: number[]; stroke: number[] } {
    if (this.frameWords?.theme !== theme) {
      const chrome = CHROME[theme];
      this.frameWords = { theme, background: packColor(chrome.background, 255), fill: chrome.frameFill.map((c) => packColor(c, 255)), stroke: chrome.frameStroke.map((c) => packColor(c, 255)) };
    }
    return this.frameWords;
  }

  /** The layout's box on the canvas, in device pixels [x0, x1) × [y0, y1); null when none of it is on screen. */
  private pixelBox(layout: HeatmapLayout): { x0: number; y0: number; x1: number; y1: number } | null {
    const { scale: s, offsetX: ox, offsetY: oy } = this.deviceTransform();
    const x0 = Math.max(0, Math.floor(ox));
    const y0 = Math.max(0, Math.floor(oy));
    const x1 = Math.min(this.canvas.width, Math.floor(layout.width * s + ox) + 1);
    const y1 = Math.min(this.canvas.height, Math.floor(layout.height * s + oy) + 1);
    return x1 > x0 && y1 > y0 ? { x0, y0, x1, y1 } : null;
  }

  /**
   * The layout's box on screen as device pixels: background and frames, then the visible nodes and
   * their cells (writeLayoutPixels), put on the canvas band by band. Only that box is written and
   * converted (a fitted layout often covers half the canvas); the rest stays the vector background.
   * The band buffer is replaced only by a wider box (bandBufferSize), so zooming does not allocate one per frame.
   */
  private drawPixels(input: RenderInput, box: { x0: number; y0: number; x1: number; y1: number }, visibleNodes: Int32Array, visibleCount: number): number {
    const { layout } = input.model;
    const { scale: s, offsetX: ox, offsetY: oy } = this.deviceTransform();
    const { x0, y0, x1, y1 } = box;
    const width = x1 - x0;
    const height = y1 - y0;
    const buffer = bandBufferSize(this.pixels?.image ?? null, width, height);
    if (!this.pixels || buffer.grow) {
      const image = new ImageData(buffer.width, buffer.height);
      this.pixels = { image, words: new Uint32Array(image.data.buffer) };
    }
    const { bandRows } = buffer;
    const { image, words } = this.pixels;
    return writeLayoutPixels(
      {
        words,
        width,
        height,
        stride: image.width,
        bandRows,
        scale: s,
        offsetX: ox - x0,
        offsetY: oy - y0,
        frames: layout.frames,
        ...this.frameWordsFor(input.theme),
        layout,
        nodes: visibleNodes,
        nodeCount: visibleCount,
        colorIndex: input.colors.index,
        highlight: input.highlight,
        palette: this.wordsFor(input.colors, input.theme),
      },
      (firstRow, rows) => this.ctx.putImageData(image, x0, y0 + firstRow, 0, 0, width, rows), // device pixels: ignores the transform
    );
  }

  /** Planned cells (colors.ts's ghost mark: hollow, ringed, dotted), then each gang's outline per node. */
  private drawGhosts(input: RenderInput, chrome: (typeof CHROME)[Theme], k: number): void {
    const ghosts = input.ghosts;
    if (!ghosts) return;
    const ctx = this.ctx;
    drawCellMarks(ctx, 'ghost', input.theme, k, input.model.layout, ghosts.cells);
    ctx.lineWidth = Math.max(2 / k, 1.2);
    for (const gang of ghosts.gangs) {
      ctx.strokeStyle = gang.placed ? chrome.gang : chrome.gangUnplaced;
      for (const r of gang.outlines) ctx.strokeRect(r.x - 0.5, r.y - 0.5, r.w + 1, r.h + 1);
    }
  }

  /**
   * The keyboard cursor: two bands round the cell's drawn box (cellDeviceBox), in device pixels
   * (focusRingBands), the inner one in the node box's colour, the outer one in the chrome's contrast colour.
   */
  private drawFocus(input: RenderInput, chrome: (typeof CHROME)[Theme]): void {
    const c = input.focusCell;
    if (c < 0 || c >= input.model.layout.cellCount) return;
    const { layout } = input.model;
    const { scale, offsetX, offsetY } = this.deviceTransform();
    const { x0, y0, x1, y1 } = cellDeviceBox(layout.cellX[c]!, layout.cellY[c]!, scale, offsetX, offsetY, this.isPixelMode());
    const { inner, outer } = focusRingBands(scale, this.dpr);
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    const band = (grow: number, width: number, color: string) => {
      const [l, t, r, b] = [x0 - grow, y0 - grow, x1 + grow, y1 + grow];
      ctx.fillStyle = color;
      ctx.fillRect(l, t, r - l, width);
      ctx.fillRect(l, b - width, r - l, width);
      ctx.fillRect(l, t + width, width, b - t - 2 * width);
      ctx.fillRect(r - width, t + width, width, b - t - 2 * width);
    };
    band(inner + outer, outer, chrome.focusOuter);
    band(inner, inner, chrome.focusInner);
    this.applyTransform();
  }

  private drawFlash(chrome: (typeof CHROME)[Theme], k: number): void {
    const flash = this.flash;
    const input = this.input;
    if (!flash || !input) return;
    const age = (performance.now() - flash.start) / FLASH_MS;
    if (age >= 1) {
      this.flash = null;
      return;
    }
    const { layout } = input.model;
    if (this.isPixelMode()) {
      // Cells are pixels here: tint them with the flash colour, fading (stays inside their pixels).
      this.paintCells(flash.cells, chrome.flash, 1 - age);
      this.schedule(false);
      return;
    }
    // The ring stays inside the cell's own square (cell + half the gap), which paintCells repaints.
    const path = new Path2D();
    const w = Math.min(CELL_GAP / 2 + 1.5, Math.max(2 / k, 1.5));
    for (const c of flash.cells) path.rect(layout.cellX[c]! - CELL_GAP / 2 + w / 2, layout.cellY[c]! - CELL_GAP / 2 + w / 2, CELL + CELL_GAP - w, CELL + CELL_GAP - w);
    this.ctx.globalAlpha = 1 - age;
    this.ctx.strokeStyle = chrome.flash;
    this.ctx.lineWidth = w;
    this.ctx.stroke(path);
    this.ctx.globalAlpha = 1;
    this.schedule(false); // keep animating until the flash fades
  }

  private cellImage: { image: ImageData; words: Uint32Array } | null = null;

  /**
   * Repaint a few cells in place (the pod-change path): node background around each, then its colour.
   * In pixel mode, the cell's device pixels exactly as the full draw writes them (devicePixel,
   * writeCellPixels: same corner, same hatch diagonal), put straight onto the canvas. `tint` paints over
   * them with that colour and opacity.
   */
  private paintCells(cells: Int32Array, tint?: string, tintAlpha = 0): void {
    const input = this.input!;
    const { model, colors, highlight } = input;
    const { layout } = model;
    const view = this.viewport();
    const visible = (x: number, y: number) => !(x > view.x + view.w || x + CELL < view.x || y > view.y + view.h || y + CELL < view.y);
    if (this.isPixelMode()) {
      const { scale, offsetX, offsetY } = this.deviceTransform();
      const size = cellPixelSize(scale);
      if (this.cellImage?.image.width !== size) {
        const image = new ImageData(size, size);
        this.cellImage = { image, words: new Uint32Array(image.data.buffer) };
      }
      const { image, words } = this.cellImage;
      const { lit, dim, hatch, hatched } = this.wordsFor(colors, input.theme);
      const tintWord = tint ? packColor(tint, 255) : 0;
      for (const c of cells) {
        const x = layout.cellX[c]!;
        const y = layout.cellY[c]!;
        if (!visible(x, y)) continue;
        const i = colors.index[c]!;
        let word = !highlight || highlight[c] === 1 ? lit[i]! : dim[i]!;
        let line = hatched[i] === 1 ? hatch : -1;
        if (tint) {
          word = blendWords(tintWord, word, tintAlpha);
          if (line >= 0) line = blendWords(tintWord, line, tintAlpha);
        }
        writeCellPixels(words, size, size, 0, 0, size, word, line);
        this.ctx.putImageData(image, devicePixel(x, scale, offsetX), devicePixel(y, scale, offsetY)); // ignores the transform: device pixels
      }
      return;
    }
    const ctx = this.ctx;
    const chrome = CHROME[input.theme];
    this.applyTransform();
    const m = CELL_GAP / 2;
    const hatched: number[] = [];
    for (const c of cells) {
      const x = layout.cellX[c]!;
      const y = layout.cellY[c]!;
      if (!visible(x, y)) continue;
      ctx.fillStyle = chrome.node;
      ctx.fillRect(x - m, y - m, CELL + 2 * m, CELL + 2 * m);
      ctx.globalAlpha = !highlight || highlight[c] === 1 ? 1 : DIM_ALPHA;
      ctx.fillStyle = colors.palette[colors.index[c]!]!;
      ctx.fillRect(x, y, CELL, CELL);
      ctx.globalAlpha = 1;
      if (colors.hatched.includes(colors.index[c]!)) hatched.push(c);
    }
    drawCellMarks(ctx, 'hatch', input.theme, this.transform.k, layout, hatched);
  }
}
