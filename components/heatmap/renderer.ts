/**
 * The heatmap's canvas renderer: draws a HeatmapModel (frames, node boxes, GPU cells) at a zoom
 * transform, devicePixelRatio-aware, culling what is off screen, with one Path2D per colour (100k
 * cells are ~20 fills, not 100k). Framework-free, so the React component and the benchmark page share
 * it. Pod changes repaint only the changed cells and flash them briefly; a new layout repaints all.
 */
import type { CellColors, Theme } from '../../lib/heatmap/colors';
import { diffModels } from '../../lib/heatmap/diff';
import { CELL, CELL_GAP, FRAME_PAD, type HeatmapLayout, type Rect } from '../../lib/heatmap/layout';
import { NODE_USABLE, type HeatmapModel } from '../../lib/heatmap/model';
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

const CHROME: Record<Theme, { background: string; frameFill: string[]; frameStroke: string[]; label: string; node: string; nodeUnusable: string; ghost: string; focus: string; flash: string; hatch: string; gang: string; gangUnplaced: string }> = {
  light: {
    background: '#ffffff',
    frameFill: ['#f4f4f5', '#fafafa', '#f4f4f5', '#fafafa', '#f4f4f5'],
    frameStroke: ['#71717a', '#a1a1aa', '#a1a1aa', '#d4d4d8', '#d4d4d8'],
    label: '#27272a',
    node: '#ffffff',
    nodeUnusable: '#b91c1c',
    ghost: '#18181b',
    focus: '#2563eb',
    flash: '#d946ef',
    hatch: '#ffffff',
    gang: '#18181b',
    gangUnplaced: '#b91c1c',
  },
  dark: {
    background: '#09090b',
    frameFill: ['#18181b', '#111113', '#18181b', '#111113', '#18181b'],
    frameStroke: ['#a1a1aa', '#71717a', '#71717a', '#52525b', '#52525b'],
    label: '#e4e4e7',
    node: '#0c0c0e',
    nodeUnusable: '#f87171',
    ghost: '#fafafa',
    focus: '#60a5fa',
    flash: '#f0abfc',
    hatch: '#18181b',
    gang: '#fafafa',
    gangUnplaced: '#f87171',
  },
};

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
  private ghostFlags: Uint8Array | null = null;
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

  /** The transform that shows the whole layout, centred, with a margin. */
  fitTransform(layout: HeatmapLayout, rect?: Rect): ZoomState {
    const r = rect ?? { x: 0, y: 0, w: layout.width, h: layout.height };
    const margin = 12;
    const k = Math.max(1e-3, Math.min((this.cssWidth - 2 * margin) / Math.max(r.w, 1), (this.cssHeight - 2 * margin) / Math.max(r.h, 1)));
    return { k, x: (this.cssWidth - r.w * k) / 2 - r.x * k, y: (this.cssHeight - r.h * k) / 2 - r.y * k };
  }

  /**
   * New data. When only pods changed (same layout, same colours and highlight shape) the changed cells
   * are repainted in place and flash; otherwise the next frame repaints everything.
   */
  setInput(input: RenderInput, options: { animate?: boolean; immediate?: boolean } = {}): Int32Array | null {
    const before = this.input;
    this.input = input;
    this.ghostFlags = null;
    if (input.ghosts?.cells.length) {
      this.ghostFlags = new Uint8Array(input.model.layout.cellCount);
      for (const c of input.ghosts.cells) this.ghostFlags[c] = 1;
    }
    let changed: Int32Array | null = null;
    if (before && before.model !== input.model) {
      const diff = diffModels(before.model, input.model);
      if (!diff.relayout) changed = diff.changed;
    }
    // Highlight outlines and ghosts span cells: with either, a full repaint is simpler than patching.
    const samePicture =
      before && changed && before.theme === input.theme && before.ghosts === input.ghosts && before.highlight === null && input.highlight === null && before.focusCell === input.focusCell;
    if (changed && options.animate !== false && changed.length) this.flash = { cells: changed, start: performance.now() };
    if (samePicture && changed) {
      this.paintCells(changed);
      if (this.flash) this.schedule(false);
    } else if (options.immediate) this.draw();
    else this.schedule();
    return changed;
  }

  /** Next animation frame: a full repaint, or (full = false) only the flashing cells. */
  private schedule(full = true): void {
    if (full) this.pendingFull = true;
    if (this.frame) return;
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
    const ctx = this.ctx;
    const input = this.input;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    const chrome = CHROME[input?.theme ?? 'light'];
    ctx.fillStyle = chrome.background;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!input) return { cellsDrawn: 0, ms: performance.now() - t0 };
    const { model, colors, highlight } = input;
    const { layout } = model;
    const k = this.transform.k;
    const view = this.viewport();
    const visible = (r: Rect) => r.x < view.x + view.w && r.x + r.w > view.x && r.y < view.y + view.h && r.y + r.h > view.y;
    this.applyTransform();

    // Frames (pre-order: parents under children), with labels when readable.
    const labelSize = 11;
    const showLabels = labelSize * k >= 7;
    ctx.lineWidth = 1 / k;
    for (const frame of layout.frames) {
      if (!visible(frame)) continue;
      ctx.fillStyle = chrome.frameFill[frame.depth % chrome.frameFill.length]!;
      ctx.fillRect(frame.x, frame.y, frame.w, frame.h);
      ctx.strokeStyle = chrome.frameStroke[Math.min(frame.depth, chrome.frameStroke.length - 1)]!;
      ctx.strokeRect(frame.x, frame.y, frame.w, frame.h);
    }
    if (showLabels) {
      ctx.fillStyle = chrome.label;
      ctx.font = `600 ${labelSize}px ui-sans-serif, system-ui, sans-serif`;
      ctx.textBaseline = 'top';
      for (let f = 0; f < layout.frames.length; f++) {
        const frame = layout.frames[f]!;
        if (!visible(frame)) continue;
        const stats = model.frameStats[f]!;
        ctx.fillText(`${frame.label} · ${stats.used}/${stats.gpus}`, frame.x + FRAME_PAD, frame.y + 3, Math.max(1, frame.w - 2 * FRAME_PAD));
      }
    }

    // Node boxes and the visible cells, bucketed per colour (and dimmed or not).
    const palette = colors.palette.length;
    const bright: (Path2D | null)[] = new Array(palette).fill(null);
    const dim: (Path2D | null)[] = new Array(palette).fill(null);
    const hatched: number[] = [];
    const hatchSet = new Set(colors.hatched);
    let cellsDrawn = 0;
    ctx.fillStyle = chrome.node;
    const unusable: Rect[] = [];
    for (let n = 0; n < layout.nodes.length; n++) {
      const box = layout.nodes[n]!;
      if (!visible(box)) continue;
      ctx.fillRect(box.x, box.y, box.w, box.h);
      if (model.nodeStatus[n] !== NODE_USABLE) unusable.push(box);
      for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) {
        const i = colors.index[c]!;
        const lit = !highlight || highlight[c] === 1;
        const paths = lit ? bright : dim;
        (paths[i] ??= new Path2D()).rect(layout.cellX[c]!, layout.cellY[c]!, CELL, CELL);
        if (hatchSet.has(i)) hatched.push(c);
        cellsDrawn++;
      }
    }
    for (let i = 0; i < palette; i++) {
      const path = bright[i];
      if (path) {
        ctx.fillStyle = colors.palette[i]!;
        ctx.fill(path);
      }
    }
    ctx.globalAlpha = 0.18;
    for (let i = 0; i < palette; i++) {
      const path = dim[i];
      if (path) {
        ctx.fillStyle = colors.palette[i]!;
        ctx.fill(path);
      }
    }
    ctx.globalAlpha = 1;
    if (hatched.length && CELL * k >= 4) {
      const path = new Path2D();
      for (const c of hatched) {
        const x = layout.cellX[c]!;
        const y = layout.cellY[c]!;
        path.moveTo(x, y + CELL);
        path.lineTo(x + CELL, y);
      }
      ctx.strokeStyle = chrome.hatch;
      ctx.lineWidth = Math.max(1 / k, 1.2);
      ctx.stroke(path);
    }
    if (unusable.length) {
      ctx.strokeStyle = chrome.nodeUnusable;
      ctx.lineWidth = Math.max(1.5 / k, 0.8);
      ctx.setLineDash([3, 2]);
      for (const box of unusable) ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.w - 1, box.h - 1);
      ctx.setLineDash([]);
    }
    // Highlighted cells get an outline too, so selection does not rely on contrast alone.
    if (highlight && CELL * k >= 3) {
      const path = new Path2D();
      for (let c = 0; c < layout.cellCount; c++) if (highlight[c] === 1) path.rect(layout.cellX[c]! - 0.5, layout.cellY[c]! - 0.5, CELL + 1, CELL + 1);
      ctx.strokeStyle = chrome.focus;
      ctx.lineWidth = Math.max(1 / k, 0.8);
      ctx.stroke(path);
    }
    this.drawGhosts(input, chrome, k);
    this.drawFocus(input, chrome, k);
    this.drawFlash(chrome, k);
    const stats = { cellsDrawn, ms: performance.now() - t0 };
    this.onDraw?.(stats);
    return stats;
  }

  private drawGhosts(input: RenderInput, chrome: (typeof CHROME)[Theme], k: number): void {
    const ghosts = input.ghosts;
    if (!ghosts) return;
    const { layout } = input.model;
    const ctx = this.ctx;
    const fill = new Path2D();
    const cross = new Path2D();
    for (const c of ghosts.cells) {
      const x = layout.cellX[c]!;
      const y = layout.cellY[c]!;
      fill.rect(x + 1, y + 1, CELL - 2, CELL - 2);
      cross.moveTo(x + 2, y + CELL - 2);
      cross.lineTo(x + CELL - 2, y + 2);
    }
    ctx.globalAlpha = 0.45;
    ctx.fillStyle = chrome.ghost;
    ctx.fill(fill);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = chrome.ghost;
    ctx.lineWidth = Math.max(1 / k, 0.8);
    ctx.setLineDash([2, 1.5]);
    ctx.stroke(fill);
    ctx.setLineDash([]);
    ctx.stroke(cross);
    ctx.lineWidth = Math.max(2 / k, 1.2);
    for (const gang of ghosts.gangs) {
      ctx.strokeStyle = gang.placed ? chrome.gang : chrome.gangUnplaced;
      for (const r of gang.outlines) ctx.strokeRect(r.x - 0.5, r.y - 0.5, r.w + 1, r.h + 1);
    }
  }

  private drawFocus(input: RenderInput, chrome: (typeof CHROME)[Theme], k: number): void {
    const c = input.focusCell;
    if (c < 0 || c >= input.model.layout.cellCount) return;
    const { layout } = input.model;
    this.ctx.strokeStyle = chrome.focus;
    this.ctx.lineWidth = Math.max(2 / k, 1.5);
    this.ctx.strokeRect(layout.cellX[c]! - 1, layout.cellY[c]! - 1, CELL + 2, CELL + 2);
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

  /** Repaint a few cells in place (the pod-change path): node background around each, then its colour. */
  private paintCells(cells: Int32Array): void {
    const input = this.input!;
    const { model, colors, highlight } = input;
    const { layout } = model;
    const ctx = this.ctx;
    const chrome = CHROME[input.theme];
    const view = this.viewport();
    this.applyTransform();
    const m = CELL_GAP / 2;
    for (const c of cells) {
      const x = layout.cellX[c]!;
      const y = layout.cellY[c]!;
      if (x > view.x + view.w || x + CELL < view.x || y > view.y + view.h || y + CELL < view.y) continue;
      ctx.fillStyle = chrome.node;
      ctx.fillRect(x - m, y - m, CELL + 2 * m, CELL + 2 * m);
      ctx.globalAlpha = !highlight || highlight[c] === 1 ? 1 : 0.18;
      ctx.fillStyle = colors.palette[colors.index[c]!]!;
      ctx.fillRect(x, y, CELL, CELL);
      ctx.globalAlpha = 1;
    }
  }
}
