/**
 * Cell colours per mode, as palette indices per cell (the renderer fills all cells of one colour in a
 * single path) plus the legend. Palettes are colour-blind safe (Okabe–Ito for allocation; for roles,
 * Okabe–Ito's orange and blue for prefill and decode, the rest from Paul Tol's; after Tol's
 * "muted"/"vibrant" for workloads; cividis for domain fill), one per theme.
 *
 * Rules (colors.test.ts checks them for every mode × theme):
 * - Every cell colour, free cells included, has WCAG non-text contrast ≥ 3:1 against the node box
 *   (NODE_BOX) of its theme: light-theme colours are dark enough for white, dark-theme colours light
 *   enough for near-black.
 * - The entries of one legend never share a colour. Workloads and roles take their hash slot, or the
 *   next free one when taken (assignSlots), so colours do not collide while there are at most as
 *   many as the palette holds, and the same set gets the same colours on every reload. While the page
 *   is open a workload keeps its colour when others come (colorCells' `workloadSlots`). Past that,
 *   colours repeat as evenly as possible (each at most ⌈n / palette size⌉ times) and the legend says
 *   so; selecting a workload in the legend picks out its cells.
 * - A legend lists what the map can show: workloads and roles holding GPU cells only; its fixed
 *   entries (free, other, tainted, cordoned / NotReady …) always, saying "none" when no cell or node
 *   has them, so the legend stays put as nodes come and go.
 * - A state is not told by colour alone: unavailable cells are hatched, node states are outlined,
 *   planned cells are hollow rings (MarkShape); the legend's swatches draw the same shapes.
 */
import { color as parseColor, interpolateCividis } from 'd3';
import { CELL, NODE_PAD } from './layout';
import { CELL_FREE, CELL_GROVE, CELL_OTHER, CELL_TAINTED, CELL_UNAVAILABLE, NODE_CORDONED, NODE_NOT_READY, NODE_TAINTED, type HeatmapModel } from './model';

export const COLOR_MODES = ['allocation', 'workload', 'role', 'domain'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];
export type Theme = 'light' | 'dark';

export const COLOR_MODE_LABELS: Record<ColorMode, string> = {
  allocation: 'Allocation',
  workload: 'By workload',
  role: 'By role',
  domain: 'Domain fill',
};

export interface LegendEntry {
  label: string;
  /** The cell colour its swatch shows; absent for an entry about nodes (its swatch is the node's outline). */
  color?: string;
  /** Drawn with a diagonal hatch (cordoned / NotReady), so it is not told apart by colour alone. */
  hatched?: boolean;
  /** Free on a tainted node: its node is outlined with a dotted line too (not colour alone). */
  tainted?: boolean;
  /** The node outline its swatch shows (the map draws it round such nodes). */
  nodeMark?: NodeMarkKind;
  /**
   * Nothing on the map has it now. Fixed entries stay listed (and say so) rather than come and go,
   * so the legend does not jump under the pointer when a node is cordoned or comes back.
   */
  none?: true;
  /** Workload key, for legend entries that select a workload. */
  workload?: string;
  /** Another entry has the same colour (more workloads or roles than the palette holds). */
  sharedColor?: boolean;
}

export interface CellColors {
  palette: string[];
  /** Palette index per cell. */
  index: Uint16Array;
  legend: LegendEntry[];
  /** Palette indices drawn hatched. */
  hatched: number[];
  /** By workload: the slot each workload took, to hand back next time so no colour moves. */
  workloadSlots?: WorkloadSlots;
}

/** Workload key → its slot in WORKLOAD_PALETTE (the same index in both themes). */
export type WorkloadSlots = ReadonlyMap<string, number>;

/** The node box the cells sit in (the renderer's CHROME uses these); every cell colour is measured against it. */
export const NODE_BOX: Record<Theme, string> = { light: '#ffffff', dark: '#0c0c0e' };

/** Linear-light red, green and blue (0..1) of '#rrggbb' (the sRGB transfer undone). */
export function linearRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
}

/** WCAG 2 relative luminance of '#rrggbb'. */
function relativeLuminance(hex: string): number {
  const [r, g, b] = linearRgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two '#rrggbb' colours (1.4.11 asks ≥ 3 for non-text marks). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Marks drawn besides a cell's colour, so that no state is told by colour alone: the hatch of a free
 * GPU on a cordoned / NotReady node, the outlines of such nodes and of tainted ones, and a planned
 * (preview) GPU. The canvas (renderer.ts drawCellMarks, drawBoxMarks) and the legend's swatches
 * (Legend.tsx) both draw them from this one description, so the legend shows what the map draws.
 */
export type CellMarkKind = 'hatch' | 'ghost';
export type NodeMarkKind = 'unavailableNode' | 'taintedNode';
export type MarkKind = CellMarkKind | NodeMarkKind;

/**
 * One shape of a mark, in model units, relative to the box it marks (a cell; a node box for node
 * marks). A stroke is `width` wide, or `minPx` CSS pixels when that is wider at the zoom (a mark stays
 * visible zoomed out); a shape whose box is under `minBoxPx` CSS pixels is left out (too small to read).
 * - fill: the box, inset by `inset`, filled;
 * - ring: a stroke lying inside the box from `inset` inwards. Dashed when `dash` is set: its lengths are
 *   in line widths (markDash multiplies them by the stroke's width at the zoom), so the pattern keeps its
 *   proportions where minPx widens the stroke zoomed out, rather than closing up into a solid line and
 *   leaving two patterns told apart by colour alone. With `minHollowPx`, left out where the hollow inside
 *   its stroke would be narrower than that many CSS pixels (the shapes before it show alone); without it,
 *   a box too small for any hollow is covered whole in its colour;
 * - antidiagonal: a line from the box's bottom-left to its top-right corner.
 */
export type MarkShape =
  | { shape: 'fill'; inset: number; color: string; minBoxPx?: number }
  | { shape: 'ring'; inset: number; color: string; width: number; minPx: number; dash?: readonly number[]; minHollowPx?: number; minBoxPx?: number }
  | { shape: 'antidiagonal'; color: string; width: number; minPx: number; minBoxPx?: number };

/** The marks' colours: each has ≥ 3:1 against what it is drawn on (colors.test.ts). */
export const MARK_COLORS: Record<Theme, { hatch: string; unavailableNode: string; taintedNode: string; ghost: string }> = {
  light: { hatch: '#ffffff', unavailableNode: '#b91c1c', taintedNode: '#8a2f6b', ghost: '#18181b' },
  dark: { hatch: '#18181b', unavailableNode: '#f87171', taintedNode: '#d7b5ff', ghost: '#fafafa' },
};

function marksOf(theme: Theme): Record<MarkKind, readonly MarkShape[]> {
  const c = MARK_COLORS[theme];
  return {
    // A light line across a dark cell (dark across light in the dark theme): "not usable".
    hatch: [{ shape: 'antidiagonal', color: c.hatch, width: 1.2, minPx: 1, minBoxPx: 4 }],
    // Planned: a hollow cell (the node box shows through) in a solid ring with a dot in its middle.
    // Unavailable cells are filled and hatched, free ones filled: hollow and dotted is neither, in
    // any colour vision, and the dot drops out only where cells are too small to hold it. The ring
    // keeps a hollow of 2 CSS pixels (a whole device pixel of it, wherever the cell falls on the
    // pixel grid); on a cell too small for that (under 4 CSS pixels) it drops out too and the cell
    // is the hollow alone, in the node box's colour, which every cell colour of every mode has ≥ 3:1
    // against. A ghost-coloured square there would pass for an unavailable (light) or an unclassified
    // (dark) cell, at 1.2:1.
    ghost: [
      { shape: 'fill', inset: 0, color: NODE_BOX[theme] },
      { shape: 'ring', inset: 0, color: c.ghost, width: 1.5, minPx: 1, minHollowPx: 2 },
      { shape: 'fill', inset: 3.5, color: c.ghost, minBoxPx: 6 },
    ],
    // In line widths: at 100 % (a 1.5 px stroke) 3 px dashes with 2 px gaps, and 1 px dots with 1.5 px gaps.
    unavailableNode: [{ shape: 'ring', inset: 0, color: c.unavailableNode, width: 0.8, minPx: 1.5, dash: [2, 4 / 3] }],
    taintedNode: [{ shape: 'ring', inset: 0, color: c.taintedNode, width: 0.8, minPx: 1.5, dash: [2 / 3, 1] }],
  };
}
const MARKS: Record<Theme, Record<MarkKind, readonly MarkShape[]>> = { light: marksOf('light'), dark: marksOf('dark') };

/** The shapes of a mark in `theme`, drawn in this order. */
export function markShapes(kind: MarkKind, theme: Theme): readonly MarkShape[] {
  return MARKS[theme][kind];
}

/** A stroke's width in model units at zoom `k` (CSS pixels per model unit). */
export function markLineWidth(shape: MarkShape, k: number): number {
  return shape.shape === 'fill' ? 0 : Math.max(shape.width, shape.minPx / k);
}

/** A ring's dash pattern in model units at zoom `k` (its `dash` times the stroke's width there); [] for a solid stroke. */
export function markDash(shape: MarkShape, k: number): number[] {
  if (shape.shape !== 'ring' || !shape.dash) return [];
  const width = markLineWidth(shape, k);
  return shape.dash.map((d) => d * width);
}

/** What a path takes: Path2D, or anything that writes the same subpaths (the legend's SVG path data). */
export interface PathSink {
  rect(x: number, y: number, w: number, h: number): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}

/** Adds `shape` on the box (x, y, w, h) at zoom `k` to `path`; false when it is left out at this size (minBoxPx). */
export function traceMarkShape(path: PathSink, shape: MarkShape, x: number, y: number, w: number, h: number, k: number): boolean {
  if (shape.minBoxPx !== undefined && Math.min(w, h) * k < shape.minBoxPx) return false;
  if (shape.shape === 'antidiagonal') {
    path.moveTo(x, y + h);
    path.lineTo(x + w, y);
    return true;
  }
  // A ring's stroke is centred half its width inside `inset`, so it stays inside the box.
  const i = shape.inset + markLineWidth(shape, k) / 2;
  if (shape.shape === 'ring' && shape.minHollowPx !== undefined && (Math.min(w, h) - 2 * (shape.inset + markLineWidth(shape, k))) * k < shape.minHollowPx) return false;
  // A box too small for it (a cell of a pixel or so): the stroke of its middle half covers it whole.
  if (w - 2 * i <= 0 || h - 2 * i <= 0) path.rect(x + w / 4, y + h / 4, w / 2, h / 2);
  else path.rect(x + i, y + i, w - 2 * i, h - 2 * i);
  return true;
}

/**
 * A legend swatch is one cell in its node box, at zoom 1 (one model unit per CSS pixel): the
 * canvas's own picture of that cell at 100 %.
 */
export const SWATCH = { size: CELL + 2 * NODE_PAD, cell: { x: NODE_PAD, y: NODE_PAD, w: CELL, h: CELL } } as const;

/**
 * `neutral` is an occupied cell the mode does not classify (a pod of no workload, a pod with no known
 * role): a grey no workload or role gets, apart from free and unavailable (which is also hatched).
 */
/**
 * `tainted` is a free cell on a node with a NoSchedule/NoExecute taint (free only for pods that
 * tolerate it): a brown (dark in the light theme, lighter in the dark one), and its node gets
 * a dotted outline as well. Brown is the one hue no workload or role colour takes: the reddish purple
 * it was (#b0588f) could not be told from the leader role's and the ninth workload's purple (#aa4499,
 * CIEDE2000 6.8), and the dark theme's lavender (#d7b5ff) not from light blue under deuteranopia.
 * colors.test.ts keeps every pair of one legend ≥ 10 apart (CIEDE2000), and free colours apart under
 * each colour-vision deficiency.
 */
const ALLOCATION: Record<Theme, { free: string; grove: string; other: string; unavailable: string; neutral: string; tainted: string }> = {
  light: { free: '#8f8f96', grove: '#0072b2', other: '#d55e00', unavailable: '#27272a', neutral: '#5c5c63', tainted: '#553322' },
  dark: { free: '#71717a', grove: '#56b4e9', other: '#e69f00', unavailable: '#a1a1aa', neutral: '#e4e4e7', tainted: '#885522' },
};

export const TAINTED_LEGEND = 'Free on a tainted node (only for pods that tolerate it)';
export const TAINTED_NODE_LEGEND = 'Tainted node (NoSchedule / NoExecute, not on every GPU node)';
export const UNAVAILABLE_LEGEND = 'Cordoned / NotReady node';

/** Index i is the same hue family in both themes: a workload keeps its hue when the theme changes. */
export const WORKLOAD_PALETTE: Record<Theme, readonly string[]> = {
  light: ['#332288', '#0077bb', '#007777', '#117733', '#777711', '#aa6600', '#cc3355', '#882255', '#aa4499'],
  dark: ['#8f83e6', '#88ccee', '#44aa99', '#44bb77', '#c2c25a', '#ddaa33', '#ff8899', '#cc3366', '#cc77bb'],
};

/** Well-known roles get fixed colours; other roles hash into the rest of the palette. */
const ROLE_FIXED: Record<Theme, [RegExp, string][]> = {
  light: [
    [/prefill/, '#d55e00'],
    [/decode/, '#0072b2'],
    // Chosen so prefill, decode and router stay apart under protan-, deuteran- and tritanopia (colors.test.ts).
    [/router|frontend|gateway/, '#882255'],
    [/leader/, '#aa4499'],
  ],
  dark: [
    [/prefill/, '#e69f00'],
    [/decode/, '#56b4e9'],
    [/router|frontend|gateway/, '#aa4499'],
    [/leader/, '#e8a0c8'],
  ],
};
const ROLE_OTHERS: Record<Theme, readonly string[]> = {
  light: ['#009e73', '#997700', '#332288', '#cc6677', '#117733'],
  dark: ['#2fc79a', '#f0e442', '#8f83e6', '#ff8899', '#c2c25a'],
};

export const DOMAIN_STEPS = 10;
/**
 * The part of cividis each theme uses for domain fill, so both ends reach 3:1 against the node box:
 * light keeps the dark end (t ≤ 0.6) and runs it backwards, dark keeps the bright end (t ≥ 0.4). In
 * both, a fuller domain stands out more from the node box.
 */
const DOMAIN_RANGE: Record<Theme, { empty: number; full: number }> = {
  light: { empty: 0.6, full: 0 },
  dark: { empty: 0.4, full: 1 },
};

/** FNV-1a 32-bit: a stable hash of a string. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Slots for `keys`, taken in the given order: each key takes the first of its `candidates` (slot
 * numbers in preference order, covering 0..size-1) used least so far. So no two keys share a slot
 * while there are ≤ size keys, and past that each slot is used at most ⌈keys / size⌉ times.
 */
export function assignSlots(keys: readonly string[], size: number, candidates: (key: string) => readonly number[]): Map<string, number> {
  const uses = new Array<number>(size).fill(0);
  const slots = new Map<string, number>();
  for (const key of keys) {
    let best = -1;
    for (const slot of candidates(key)) if (best < 0 || uses[slot]! < uses[best]!) best = slot;
    uses[best]!++;
    slots.set(key, best);
  }
  return slots;
}

/** Slot numbers from `start` on, wrapping: start, start+1, …, start−1 (mod size). */
const rotation = (start: number, size: number): number[] => Array.from({ length: size }, (_, k) => (start + k) % size);

/**
 * The colour a workload prefers, its hash slot: what it gets alone or first in key order. Not used by
 * the page (workloadSlots is); kept because the tests (colors.test.ts, heatmap.test.ts) state the rule by it.
 */
export function workloadColor(key: string, theme: Theme): string {
  const palette = WORKLOAD_PALETTE[theme];
  return palette[stableHash(key) % palette.length]!;
}

/**
 * Slots of a set of workloads. Those `kept` from the last call (while the page is open) keep theirs,
 * so a new stack whose key sorts first does not take an existing one's colour; the new ones, in key
 * order, take their hash slot, or the next free one (assignSlots). With nothing kept the same set
 * gets the same slots whatever order it comes in, so a reload shows the same colours.
 */
export function workloadSlots(keys: readonly string[], kept: WorkloadSlots = new Map()): Map<string, number> {
  const size = WORKLOAD_PALETTE.light.length;
  const slotOf = (key: string) => kept.get(key);
  const isKept = (key: string) => {
    const slot = slotOf(key);
    return slot !== undefined && Number.isInteger(slot) && slot >= 0 && slot < size;
  };
  const sorted = [...new Set(keys)].sort();
  const order = [...sorted.filter(isKept), ...sorted.filter((k) => !isKept(k))];
  return assignSlots(order, size, (key) => (isKept(key) ? [slotOf(key)!] : rotation(stableHash(key) % size, size)));
}

/** The colours of workload slots in `theme`. */
function slotColors(slots: ReadonlyMap<string, number>, theme: Theme): Map<string, string> {
  const palette = WORKLOAD_PALETTE[theme];
  return new Map([...slots].map(([key, slot]) => [key, palette[slot]!]));
}

/**
 * Colours of a set of workloads (workloadSlots), in `theme`. colorCells keeps the slots, so the page
 * goes through slotColors; kept because the tests (colors.test.ts) state the colour rule by it.
 */
export function workloadColors(keys: readonly string[], theme: Theme, kept?: WorkloadSlots): Map<string, string> {
  return slotColors(workloadSlots(keys, kept), theme);
}

/**
 * Colours of a set of roles, never shared while there are ≤ 9: roles naming a well-known role go
 * first (in name order) and take its colour; a second one of the same kind (prefill-leader,
 * prefill-worker) and every other role take a hash slot among the other colours, or the next free
 * one, and only then a fixed colour no present role claimed.
 */
export function roleColors(roles: readonly string[], theme: Theme): Map<string, string> {
  const fixed = ROLE_FIXED[theme];
  const others = ROLE_OTHERS[theme];
  const palette = [...fixed.map(([, color]) => color), ...others];
  const fixedOf = (role: string) => fixed.findIndex(([pattern]) => pattern.test(role.toLowerCase()));
  const sorted = [...roles].sort();
  const order = [...sorted.filter((r) => fixedOf(r) >= 0), ...sorted.filter((r) => fixedOf(r) < 0)];
  const slots = assignSlots(order, palette.length, (role) => {
    const own = fixedOf(role);
    const rest = rotation(stableHash(role.toLowerCase()) % others.length, others.length).map((i) => fixed.length + i);
    const fixedSlots = rotation(0, fixed.length).filter((i) => i !== own);
    return own >= 0 ? [own, ...rest, ...fixedSlots] : [...rest, ...fixedSlots];
  });
  return new Map([...slots].map(([role, slot]) => [role, palette[slot]!]));
}

/**
 * Colour of a used share (0..1), in DOMAIN_STEPS + 1 steps of the theme's part of cividis
 * (DOMAIN_RANGE). Without a theme: light.
 */
export function domainFillColor(share: number, theme: Theme = 'light'): string {
  const step = Math.round(Math.min(1, Math.max(0, share)) * DOMAIN_STEPS);
  const { empty, full } = DOMAIN_RANGE[theme];
  return parseColor(interpolateCividis(empty + ((full - empty) * step) / DOMAIN_STEPS))!.formatHex();
}

/** Free, unavailable and tainted-free come first in every palette but domain fill's. */
const FIXED_SLOTS = 3;

/** Index of `color` in `palette` past the fixed entries, appended when absent (workloads may share one). */
function paletteSlot(palette: string[], color: string): number {
  const at = palette.indexOf(color, FIXED_SLOTS + 1);
  return at >= 0 ? at : palette.push(color) - 1;
}

/** Values that more than one key maps to. */
function sharedValues(byKey: Map<string, string>): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const value of byKey.values()) (seen.has(value) ? shared : seen).add(value);
  return shared;
}

/**
 * Colours of every cell of `model` in `mode`. By workload, `workloadSlots` is what the last call
 * returned (while the page is open), so workloads keep their colours as others come and go.
 */
export function colorCells(model: HeatmapModel, mode: ColorMode, theme: Theme, { workloadSlots: kept }: { workloadSlots?: WorkloadSlots } = {}): CellColors {
  const base = ALLOCATION[theme];
  const { cellCount } = model.layout;
  const index = new Uint16Array(cellCount);
  const palette: string[] = [base.free, base.unavailable, base.tainted];
  const FREE = 0;
  const UNAVAILABLE = 1;
  const TAINTED = 2;
  const legend: LegendEntry[] = [];
  const hatched = [UNAVAILABLE];
  const status = model.cellStatus;
  const neutral = (c: number): number => (status[c] === CELL_UNAVAILABLE ? UNAVAILABLE : status[c] === CELL_TAINTED ? TAINTED : FREE);
  // Node outlines are drawn in every mode, so every legend has their entries. One wording for
  // cordoned / NotReady, the tooltip's and the table's ("NotReady", "cordoned").
  const nodeStatus = model.nodeStatus;
  const unavailableNode: LegendEntry = { label: UNAVAILABLE_LEGEND, nodeMark: 'unavailableNode', ...noneIf(!nodeStatus.some((s) => s === NODE_CORDONED || s === NODE_NOT_READY)) };
  const taintedNode: LegendEntry = { label: TAINTED_NODE_LEGEND, nodeMark: 'taintedNode', ...noneIf(!nodeStatus.includes(NODE_TAINTED)) };
  let given: WorkloadSlots | undefined;
  let used: Uint32Array;

  if (mode === 'allocation') {
    palette.push(base.grove, base.other);
    const GROVE = FIXED_SLOTS;
    const OTHER = FIXED_SLOTS + 1;
    for (let c = 0; c < cellCount; c++) {
      const s = status[c]!;
      index[c] = s === CELL_GROVE ? GROVE : s === CELL_OTHER ? OTHER : s === CELL_FREE ? FREE : s === CELL_TAINTED ? TAINTED : UNAVAILABLE;
    }
    used = paletteUse(index, palette.length);
    legend.push({ label: 'Grove workload', color: base.grove, ...noneIf(!used[GROVE]) }, { label: 'Other pod', color: base.other, ...noneIf(!used[OTHER]) });
  } else if (mode === 'workload') {
    palette.push(base.neutral);
    const OTHER = FIXED_SLOTS;
    // Only workloads holding GPU cells are on the map: one whose pods are all pending, or hold no
    // GPU, gets no colour and no legend entry.
    const onMap = model.workloads.filter((w) => w.gpus > 0);
    const workloads = workloadSlots(onMap.map((w) => w.key), kept);
    const colorOf = slotColors(workloads, theme);
    const slot = new Map<string, number>();
    const shared = sharedValues(colorOf);
    for (const w of onMap) {
      const color = colorOf.get(w.key)!;
      slot.set(w.key, paletteSlot(palette, color));
      legend.push({ label: w.key, color, workload: w.key, ...(shared.has(color) ? { sharedColor: true } : {}) });
    }
    for (let c = 0; c < cellCount; c++) {
      const p = model.cellPod[c]!;
      index[c] = p < 0 ? neutral(c) : model.pods[p]!.workload ? slot.get(model.pods[p]!.workload)! : OTHER;
    }
    used = paletteUse(index, palette.length);
    legend.push({ label: 'Other pod', color: base.neutral, ...noneIf(!used[OTHER]) });
    given = workloads;
  } else if (mode === 'role') {
    palette.push(base.neutral);
    const NO_ROLE = FIXED_SLOTS;
    // model.roles holds the roles of pods holding GPU cells: a role the map cannot show (a router
    // that asks for no GPU) is not listed.
    const colorOf = roleColors(model.roles, theme);
    const slot = new Map<string, number>();
    const shared = sharedValues(colorOf);
    for (const role of model.roles) {
      const color = colorOf.get(role)!;
      slot.set(role, paletteSlot(palette, color));
      legend.push({ label: role, color, ...(shared.has(color) ? { sharedColor: true } : {}) });
    }
    for (let c = 0; c < cellCount; c++) {
      const p = model.cellPod[c]!;
      index[c] = p < 0 ? neutral(c) : (slot.get(model.pods[p]!.role) ?? NO_ROLE);
    }
    used = paletteUse(index, palette.length);
    // Pods outside Grove and Grove pods whose PodClique role is not known (yet).
    legend.push({ label: 'No role', color: base.neutral, ...noneIf(!used[NO_ROLE]) });
  } else {
    // Domain fill: every cell takes the colour of its innermost visible frame's used share.
    const first = palette.length;
    for (let s = 0; s <= DOMAIN_STEPS; s++) palette.push(domainFillColor(s / DOMAIN_STEPS, theme));
    const { layout } = model;
    const total = model.totals;
    const frameStep = model.frameStats.map((f) => (f.gpus ? Math.round((f.used / f.gpus) * DOMAIN_STEPS) : 0));
    const rootStep = total.gpus ? Math.round((total.used / total.gpus) * DOMAIN_STEPS) : 0;
    for (let c = 0; c < cellCount; c++) {
      const frame = layout.nodes[layout.cellNode[c]!]!.frame;
      index[c] = first + (frame >= 0 ? frameStep[frame]! : rootStep);
    }
    // An ordered scale: its steps are listed whether or not some domain is at one.
    for (const s of [0, 2, 4, 6, 8, 10]) legend.push({ label: `${s * 10}% used`, color: palette[first + s]! });
    // No cell is hatched here (its colour is its domain's), but the node outlines are drawn.
    legend.push(unavailableNode, taintedNode);
    return { palette, index, legend, hatched: [] };
  }
  legend.push(
    { label: 'Free', color: base.free, ...noneIf(!used[FREE]) },
    { label: TAINTED_LEGEND, color: base.tainted, tainted: true, ...noneIf(!used[TAINTED]) },
    // Its free GPUs are hatched; its used ones keep their colour, and the node's dashed outline says it.
    { ...unavailableNode, color: base.unavailable, hatched: true },
    taintedNode,
  );
  return { palette, index, legend, hatched, ...(given ? { workloadSlots: given } : {}) };
}

/** `{ none: true }` when `absent`: spread into a fixed legend entry. */
const noneIf = (absent: boolean): { none?: true } => (absent ? { none: true } : {});

/** How many cells take each palette index. */
function paletteUse(index: Uint16Array, size: number): Uint32Array {
  const used = new Uint32Array(size);
  for (let c = 0; c < index.length; c++) used[index[c]!]!++;
  return used;
}
