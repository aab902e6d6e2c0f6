/**
 * Browser side of the heatmap benchmark (bundled with esbuild into a static page): the real model and
 * canvas renderer, and the reference — one SVG <rect> per GPU drawn with d3 — measured the same way.
 * "First paint" = from having the ClusterState to the frame after the drawing was painted. Paced by the
 * browser's own 60 Hz frames: requestAnimationFrame, then a task (the frame has been produced by then);
 * with frames on demand (run.ts, begin-frame control): drawOnly, then the harness's frame.
 */
import { select } from 'd3';
import type { ClusterState } from '../../lib/cluster/state';
import { colorCells } from '../../lib/heatmap/colors';
import { buildHeatmapModel, occupyLayout, type HeatmapModel } from '../../lib/heatmap/model';
import { HeatmapRenderer } from '../../components/heatmap/renderer';
import { benchCluster, withUpdate } from './clusters';
import { MARK_DRAWN, MARK_PAINTED, MARK_START } from './marks';

const WIDTH = 1200;
const HEIGHT = 700;

const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

function fresh(): HTMLElement {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  return root;
}

const states = new Map<number, ClusterState>();
const stateOf = (gpus: 10_000 | 100_000) => {
  let s = states.get(gpus);
  if (!s) states.set(gpus, (s = benchCluster(gpus)));
  return s;
};

let onScreen: HeatmapRenderer | null = null;

/** Empty the root (and stop the previous canvas's renderer): the next paint starts from a blank page. */
function clear(): void {
  onScreen?.destroy();
  onScreen = null;
  fresh();
}

/**
 * The canvas's synchronous part of a first paint, from having the ClusterState: model, colours, a new
 * canvas, the drawing. What is left for the first paint is the browser's frame.
 */
function canvasDraw(gpus: 10_000 | 100_000): { modelMs: number; drawMs: number; model: HeatmapModel; renderer: HeatmapRenderer } {
  const state = stateOf(gpus);
  const root = fresh();
  performance.clearMarks();
  performance.mark(MARK_START);
  const t0 = performance.now();
  const model = buildHeatmapModel(state);
  const colors = colorCells(model, 'allocation', 'light');
  const t1 = performance.now();
  const canvas = document.createElement('canvas');
  root.append(canvas);
  const renderer = new HeatmapRenderer(canvas);
  renderer.resize(WIDTH, HEIGHT);
  renderer.setTransform(renderer.fitTransform(model.layout));
  renderer.setInput({ model, colors, theme: 'light', highlight: null, ghosts: null, focusCell: -1 }, { immediate: true });
  const t2 = performance.now();
  performance.mark(MARK_DRAWN);
  return { modelMs: t1 - t0, drawMs: t2 - t1, model, renderer };
}

async function canvasFirstPaint(gpus: 10_000 | 100_000): Promise<{ ms: number; modelMs: number; drawMs: number; dom: number; model: HeatmapModel; renderer: HeatmapRenderer }> {
  clear();
  await painted();
  const t0 = performance.now();
  const drawn = canvasDraw(gpus);
  await painted();
  const ms = performance.now() - t0;
  performance.mark(MARK_PAINTED);
  return { ms, ...drawn, dom: document.getElementsByTagName('*').length };
}

async function canvasUpdate(gpus: 10_000 | 100_000, share: number): Promise<{ applyMs: number; paintMs: number; changedCells: number }> {
  const { model, renderer } = await canvasFirstPaint(gpus);
  const next = withUpdate(stateOf(gpus), share);
  await painted();
  const t0 = performance.now();
  // The page's live path: the layout stays, the pods re-occupy it (components/heatmap/TopologyView.tsx).
  const updated = occupyLayout(model.layout, next);
  const colors = colorCells(updated, 'allocation', 'light');
  const changed = renderer.setInput({ model: updated, colors, theme: 'light', highlight: null, ghosts: null, focusCell: -1 });
  const t1 = performance.now();
  await painted();
  const t2 = performance.now();
  renderer.destroy();
  return { applyMs: t1 - t0, paintMs: t2 - t0, changedCells: changed?.length ?? -1 };
}

/** The reference's synchronous part: d3 data join, one <rect> per GPU, same grouping and colours as the canvas. */
function svgDraw(gpus: 10_000 | 100_000): void {
  const state = stateOf(gpus);
  const root = fresh();
  performance.clearMarks();
  performance.mark(MARK_START);
  const model = buildHeatmapModel(state);
  const colors = colorCells(model, 'allocation', 'light');
  const { layout } = model;
  const k = Math.min(WIDTH / layout.width, HEIGHT / layout.height);
  const svg = select(root).append('svg').attr('width', WIDTH).attr('height', HEIGHT);
  const g = svg.append('g').attr('transform', `scale(${k})`);
  g.selectAll('rect')
    .data(Array.from({ length: layout.cellCount }, (_, c) => c))
    .join('rect')
    .attr('x', (c) => layout.cellX[c]!)
    .attr('y', (c) => layout.cellY[c]!)
    .attr('width', 10)
    .attr('height', 10)
    .attr('fill', (c) => colors.palette[colors.index[c]!]!);
  performance.mark(MARK_DRAWN);
}

async function svgFirstPaint(gpus: 10_000 | 100_000): Promise<{ ms: number; dom: number }> {
  clear();
  await painted();
  const t0 = performance.now();
  svgDraw(gpus);
  await painted();
  const ms = performance.now() - t0;
  performance.mark(MARK_PAINTED);
  return { ms, dom: document.getElementsByTagName('*').length };
}

/**
 * For a browser whose frames the harness makes (run.ts, begin-frame control): the synchronous part of a
 * first paint, timed up to a zero-delay task after it, so any work it left queued counts too; the harness
 * then asks for the frame and adds its time.
 */
async function drawOnly(kind: 'canvas' | 'svg', gpus: 10_000 | 100_000): Promise<{ syncMs: number; modelMs: number | null; drawMs: number | null; dom: number }> {
  clear();
  const t0 = performance.now();
  let split: { modelMs: number; drawMs: number } | null = null;
  if (kind === 'canvas') {
    const drawn = canvasDraw(gpus);
    onScreen = drawn.renderer;
    split = { modelMs: drawn.modelMs, drawMs: drawn.drawMs };
  } else svgDraw(gpus);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { syncMs: performance.now() - t0, modelMs: split?.modelMs ?? null, drawMs: split?.drawMs ?? null, dom: document.getElementsByTagName('*').length };
}

const api = {
  canvasFirstPaint: async (g: 10_000 | 100_000) => {
    const r = await canvasFirstPaint(g);
    r.renderer.destroy();
    return { ms: r.ms, modelMs: r.modelMs, drawMs: r.drawMs, dom: r.dom };
  },
  canvasUpdate,
  svgFirstPaint,
  drawOnly,
  clear,
  warm: (g: 10_000 | 100_000) => void stateOf(g),
};
(window as unknown as { heatmapBench: typeof api }).heatmapBench = api;
