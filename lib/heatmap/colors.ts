/**
 * Cell colours per mode, as palette indices per cell (the renderer fills all cells of one colour in a
 * single path) plus the legend. Palettes are colour-blind safe (Okabe–Ito for allocation and roles,
 * Paul Tol's "muted" for workloads, cividis for domain fill), with lighter variants for dark mode.
 * A workload's colour is a hash of its `namespace/name`: stable across reloads and browsers.
 */
import { interpolateCividis } from 'd3';
import { CELL_FREE, CELL_GROVE, CELL_OTHER, CELL_UNAVAILABLE, type HeatmapModel } from './model';

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
  color: string;
  /** Drawn with a diagonal hatch (cordoned / NotReady), so it is not told apart by colour alone. */
  hatched?: boolean;
  /** Workload key, for legend entries that select a workload. */
  workload?: string;
}

export interface CellColors {
  palette: string[];
  /** Palette index per cell. */
  index: Uint16Array;
  legend: LegendEntry[];
  /** Palette indices drawn hatched. */
  hatched: number[];
}

const ALLOCATION: Record<Theme, { free: string; grove: string; other: string; unavailable: string }> = {
  light: { free: '#d4d4d8', grove: '#0072b2', other: '#e69f00', unavailable: '#52525b' },
  dark: { free: '#3f3f46', grove: '#56b4e9', other: '#e69f00', unavailable: '#a1a1aa' },
};

export const WORKLOAD_PALETTE: Record<Theme, readonly string[]> = {
  light: ['#332288', '#117733', '#44aa99', '#88ccee', '#ddcc77', '#cc6677', '#aa4499', '#882255', '#999933', '#6699cc'],
  dark: ['#8f83e6', '#44bb77', '#5fc9b4', '#9fd8f2', '#e6d98f', '#e0899a', '#cc77bb', '#cc5c8f', '#c2c25a', '#8fb3e0'],
};

/** Well-known roles get fixed colours; other roles hash into the rest of the palette. */
const ROLE_FIXED: Record<Theme, [RegExp, string][]> = {
  light: [
    [/prefill/, '#e69f00'],
    [/decode/, '#0072b2'],
    // Chosen so prefill, decode and router stay apart under protan-, deuteran- and tritanopia (colors.test.ts).
    [/router|frontend|gateway/, '#882255'],
    [/leader/, '#cc79a7'],
  ],
  dark: [
    [/prefill/, '#e69f00'],
    [/decode/, '#56b4e9'],
    [/router|frontend|gateway/, '#aa4499'],
    [/leader/, '#e8a0c8'],
  ],
};
const ROLE_OTHERS: Record<Theme, readonly string[]> = {
  light: ['#56b4e9', '#009e73', '#f0e442', '#d55e00', '#44aa99'],
  dark: ['#9fd8f2', '#2fc79a', '#f0e442', '#f07f3c', '#5fc9b4'],
};

export const DOMAIN_STEPS = 10;

/** FNV-1a 32-bit: a stable hash of a string. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function workloadColor(key: string, theme: Theme): string {
  const palette = WORKLOAD_PALETTE[theme];
  return palette[stableHash(key) % palette.length]!;
}

export function roleColor(role: string, theme: Theme): string {
  const lower = role.toLowerCase();
  for (const [pattern, color] of ROLE_FIXED[theme]) if (pattern.test(lower)) return color;
  const others = ROLE_OTHERS[theme];
  return others[stableHash(lower) % others.length]!;
}

/** Colour of a used share (0..1), in DOMAIN_STEPS + 1 steps of cividis (dark = empty, yellow = full). */
export function domainFillColor(share: number): string {
  const step = Math.round(Math.min(1, Math.max(0, share)) * DOMAIN_STEPS);
  return interpolateCividis(step / DOMAIN_STEPS);
}

/** Colours of every cell of `model` in `mode`. */
export function colorCells(model: HeatmapModel, mode: ColorMode, theme: Theme): CellColors {
  const base = ALLOCATION[theme];
  const { cellCount } = model.layout;
  const index = new Uint16Array(cellCount);
  const palette: string[] = [base.free, base.unavailable];
  const FREE = 0;
  const UNAVAILABLE = 1;
  const legend: LegendEntry[] = [];
  const hatched = [UNAVAILABLE];
  const status = model.cellStatus;
  const neutral = (c: number): number => (status[c] === CELL_UNAVAILABLE ? UNAVAILABLE : FREE);

  if (mode === 'allocation') {
    palette.push(base.grove, base.other);
    const GROVE = 2;
    const OTHER = 3;
    for (let c = 0; c < cellCount; c++) {
      const s = status[c]!;
      index[c] = s === CELL_GROVE ? GROVE : s === CELL_OTHER ? OTHER : s === CELL_FREE ? FREE : UNAVAILABLE;
    }
    legend.push({ label: 'Grove workload', color: base.grove }, { label: 'Other pod', color: base.other });
  } else if (mode === 'workload') {
    palette.push(base.other);
    const OTHER = 2;
    const slot = new Map<string, number>();
    for (const w of model.workloads) {
      const color = workloadColor(w.key, theme);
      let at = palette.indexOf(color, 3);
      if (at < 0) at = palette.push(color) - 1;
      slot.set(w.key, at);
      legend.push({ label: w.key, color, workload: w.key });
    }
    for (let c = 0; c < cellCount; c++) {
      const p = model.cellPod[c]!;
      index[c] = p < 0 ? neutral(c) : model.pods[p]!.workload ? slot.get(model.pods[p]!.workload)! : OTHER;
    }
    legend.push({ label: 'Other pod', color: base.other });
  } else if (mode === 'role') {
    palette.push(base.other);
    const NO_ROLE = 2;
    const slot = new Map<string, number>();
    for (const role of model.roles) {
      const color = roleColor(role, theme);
      let at = palette.indexOf(color, 3);
      if (at < 0) at = palette.push(color) - 1;
      slot.set(role, at);
      legend.push({ label: role, color });
    }
    for (let c = 0; c < cellCount; c++) {
      const p = model.cellPod[c]!;
      index[c] = p < 0 ? neutral(c) : (slot.get(model.pods[p]!.role) ?? NO_ROLE);
    }
    legend.push({ label: 'No role (not Grove)', color: base.other });
  } else {
    // Domain fill: every cell takes the colour of its innermost visible frame's used share.
    const first = palette.length;
    for (let s = 0; s <= DOMAIN_STEPS; s++) palette.push(domainFillColor(s / DOMAIN_STEPS));
    const { layout } = model;
    const total = model.totals;
    const frameStep = model.frameStats.map((f) => (f.gpus ? Math.round((f.used / f.gpus) * DOMAIN_STEPS) : 0));
    const rootStep = total.gpus ? Math.round((total.used / total.gpus) * DOMAIN_STEPS) : 0;
    for (let c = 0; c < cellCount; c++) {
      const frame = layout.nodes[layout.cellNode[c]!]!.frame;
      index[c] = first + (frame >= 0 ? frameStep[frame]! : rootStep);
    }
    for (const s of [0, 2, 4, 6, 8, 10]) legend.push({ label: `${s * 10}% used`, color: palette[first + s]! });
    return { palette, index, legend, hatched: [] };
  }
  legend.push({ label: 'Free', color: base.free }, { label: 'Cordoned / not ready', color: base.unavailable, hatched: true });
  return { palette, index, legend, hatched };
}
