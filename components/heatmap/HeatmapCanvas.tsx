'use client';
/**
 * The heatmap's canvas: HeatmapRenderer inside a resizable box, d3-zoom for wheel/drag/pinch, the
 * pointer and keyboard wired to the model's hit-test. React renders this one element; the GPUs are
 * pixels. Interactive, it is a focusable application (role="application") with a keyboard cursor:
 * arrows step through GPUs (left/right: GPU order, up/down: the GPU drawn above/below), Home/End the node's first/last GPU,
 * Enter or Space acts as a click on it, Shift+arrows pan, + / - zoom, 0 fits, Escape clears. A polite
 * live region under the canvas says what the cursor is on (the tooltip's facts), so a screen reader
 * user hears what a mouse user reads. The sentence is written when the cursor moves (a key, a click, a
 * search), not on every render: on a live cluster a pod or ghost change under a resting cursor would
 * otherwise be announced unprompted.
 */
import { select, zoom as d3zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState } from 'react';
import type { CellColors, Theme } from '../../lib/heatmap/colors';
import { cellCenter, hitTest, type HeatmapHit } from '../../lib/heatmap/hitTest';
import type { Rect } from '../../lib/heatmap/layout';
import type { HeatmapModel } from '../../lib/heatmap/model';
import type { GhostOverlay } from '../../lib/heatmap/overlay';
import { isFittedView, regroupedTransform } from '../../lib/heatmap/regroupView';
import { mapViewOf, transformOfZoom, type ViewZoom, type ZoomState } from '../../lib/heatmap/urlState';
import { HeatmapRenderer } from './renderer';
import { cellAnnouncement, type PodScalingGroups } from './Tooltip';

export interface HoverInfo {
  hit: NonNullable<HeatmapHit>;
  /** Pointer position relative to the viewport. */
  clientX: number;
  clientY: number;
}

/**
 * What caused a zoom: 'user' (pointer, keys, or zoomToRect asked for by the page on a person's request),
 * 'fit' (a person asked for the fitted view: the map's default, so not a zoom a link should carry),
 * 'initial' (the first view), 'refit' (a new grouping refitted the fitted view), 'regrouped' (a new
 * grouping kept a person's zoom on the same nodes: lib/heatmap/regroupView.ts).
 */
export type ZoomOrigin = 'user' | 'fit' | 'initial' | 'refit' | 'regrouped';

/**
 * What caused the zoom events since the last settle, once `next` is added: a fit replaces what came
 * before it (the view is the default again); otherwise a person's zoom wins over the page's own.
 */
export function combineOrigin(current: ZoomOrigin, next: ZoomOrigin): ZoomOrigin {
  if (next === 'fit') return 'fit';
  return current === 'user' ? 'user' : next;
}

/** Whether the person asked for reduced motion (zooms and scrolls then jump instead of gliding). */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export interface HeatmapCanvasHandle {
  fit(): void;
  /** The current zoom transform. */
  transform(): ZoomState | null;
  zoomToRect(rect: Rect): void;
  /** Viewport coordinates of a cell's centre (for tests and tooltips). */
  cellClientPoint(cell: number): { x: number; y: number } | null;
  viewport(): Rect | null;
  /** Put the keyboard cursor on a cell (-1: none), e.g. a search result. */
  setFocusCell(cell: number): void;
  /** The cell under the keyboard cursor, -1 for none. */
  focusedCell(): number;
  /** Keyboard focus on the map (after what held it went away, e.g. the selection panel). */
  focus(): void;
}

export const KEYBOARD_HELP = 'Arrow keys step through GPUs: left and right go GPU by GPU in node order, up and down to the GPU drawn above or below; Home and End go to the node’s first and last GPU. Enter or Space acts as a click on the focused GPU: it selects the GPU’s workload, and clears the selection on a GPU of the selected workload or a free GPU. Shift with the arrow keys pans, plus and minus zoom, 0 fits the map, Escape clears the selection.';

/** How far (CSS px) the pointer may move between press and release for the press to still be a click. */
export const CLICK_DISTANCE_PX = 4;

type CursorKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';
const CURSOR_KEYS: ReadonlySet<string> = new Set<CursorKey>(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']);

/**
 * Where a cursor key moves the keyboard cursor from `cell` (≥ 0). Cells are in layout order (node by
 * node, a node's GPUs in index order), so left/right walk GPU by GPU across nodes and reach every GPU;
 * up/down go to the GPU drawn nearest above/below (a row further down beats one far to the side).
 * Stays put where there is nothing further.
 */
export function stepCell(layout: HeatmapModel['layout'], cell: number, key: CursorKey): number {
  const box = layout.nodes[layout.cellNode[cell]!]!;
  switch (key) {
    case 'ArrowLeft':
      return Math.max(cell - 1, 0);
    case 'ArrowRight':
      return Math.min(cell + 1, layout.cellCount - 1);
    case 'Home':
      return box.firstCell;
    case 'End':
      return box.firstCell + box.gpus - 1;
    case 'ArrowUp':
    case 'ArrowDown': {
      const dir = key === 'ArrowDown' ? 1 : -1;
      const x = layout.cellX[cell]!;
      const y = layout.cellY[cell]!;
      let best = cell;
      let bestScore = Infinity;
      for (let c = 0; c < layout.cellCount; c++) {
        const dy = (layout.cellY[c]! - y) * dir;
        if (dy < 1) continue; // same row, or the other way
        const score = dy + 4 * Math.abs(layout.cellX[c]! - x);
        if (score < bestScore) {
          best = c;
          bestScore = score;
        }
      }
      return best;
    }
  }
}

export interface HeatmapCanvasProps {
  model: HeatmapModel;
  colors: CellColors;
  theme: Theme;
  highlight: Uint8Array | null;
  ghosts: GhostOverlay | null;
  /** The pods' scaling groups, for the keyboard cursor's sentence (as the tooltip says them). */
  scalingGroups?: PodScalingGroups;
  /** Applied once when the canvas first has a size (from the URL); otherwise the layout is fitted. */
  initialZoom?: ViewZoom | null;
  /**
   * After a zoom or pan settles: the view as a map view (the same area on any screen: see urlState.ts),
   * with what caused it (see ZoomOrigin).
   */
  onZoomEnd?: (zoom: ViewZoom, origin: ZoomOrigin) => void;
  onHover?: (hover: HoverInfo | null) => void;
  onCellClick?: (cell: number) => void;
  onEscape?: () => void;
  /** Accessible name of the canvas (what it shows, in words). */
  label: string;
  height: number;
  interactive?: boolean;
}

export const HeatmapCanvas = forwardRef<HeatmapCanvasHandle, HeatmapCanvasProps>(function HeatmapCanvas(props, ref) {
  const { model, colors, theme, highlight, ghosts, initialZoom, label, height, interactive = true } = props;
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rendererRef = useRef<HeatmapRenderer | null>(null);
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const modelRef = useRef(model);
  const callbacks = useRef(props);
  callbacks.current = props;
  // The keyboard cursor belongs to one layout: a new grouping (other cells) drops it. Kept here, not
  // in the page, so stepping through GPUs re-renders the canvas and its live region only. `said` is
  // the live region's sentence, fixed when the cursor moved (a later pod or ghost change under the
  // resting cursor is not announced; the next move reads the facts afresh).
  const [cursor, setCursor] = useState<{ cell: number; layout: HeatmapModel['layout'] | null; said: string }>({ cell: -1, layout: null, said: '' });
  const focusCell = cursor.layout === model.layout && cursor.cell < model.layout.cellCount ? cursor.cell : -1;
  const focusRef = useRef(focusCell);
  focusRef.current = focusCell;
  const moveCursor = (cell: number) => setCursor({ cell, layout: modelRef.current.layout, said: cellAnnouncement(modelRef.current, cell, callbacks.current.ghosts, callbacks.current.scalingGroups) });
  const helpId = useId();
  const sized = useRef(false);
  /** What caused the zoom events since the last settle (combineOrigin). */
  const origin = useRef<ZoomOrigin>('initial');
  const mark = (o: ZoomOrigin) => {
    origin.current = combineOrigin(origin.current, o);
    linkedView.current = null;
  };
  /**
   * The view a link opened (initialZoom), while nobody has moved it since: it is held in the link's
   * terms (centre and scale against the fit), so a resize, such as the box taking its height once the
   * page has measured its width, shows the same part of the map again instead of keeping pixels.
   */
  const linkedView = useRef<ViewZoom | null>(null);
  const layoutSignature = useRef<string | null>(null);
  /** The layout the non-interactive view was last fitted to (same object while only pods change). */
  const fittedLayout = useRef<HeatmapModel['layout'] | null>(null);

  /**
   * Resize the canvas, keeping the view: the fitted view (nobody zoomed or panned since) is fitted
   * again, and a link's untouched view is taken again from the link; a person's view keeps its
   * transform, so what is on screen stays where it is (the box grows or shrinks at its right and
   * bottom edges). Before the first size, only the resize.
   */
  const resizeKeepingView = (r: HeatmapRenderer, width: number, height: number) => {
    const before = r.size;
    const wasFitted = sized.current && isFittedView(r.getTransform(), r.fitTransform(modelRef.current.layout));
    r.resize(width, height);
    if (!sized.current || width <= 0 || (r.size.width === before.width && r.size.height === before.height)) return;
    const linked = linkedView.current;
    const fitted = r.fitTransform(modelRef.current.layout);
    if (linked && interactive) apply(transformOfZoom(linked, r.size, fitted.k));
    else if (wasFitted || !interactive) apply(fitted);
  };

  const apply = (t: ZoomState, animate = false) => {
    const canvas = canvasRef.current;
    const behaviour = zoomRef.current;
    if (!canvas || !behaviour) {
      rendererRef.current?.setTransform(t);
      return;
    }
    const target = zoomIdentity.translate(t.x, t.y).scale(t.k);
    if (animate && !prefersReducedMotion()) select(canvas).transition().duration(350).call(behaviour.transform, target);
    else select(canvas).call(behaviour.transform, target);
  };

  useImperativeHandle(ref, () => ({
    focus() {
      canvasRef.current?.focus();
    },
    fit() {
      const r = rendererRef.current;
      mark('fit');
      if (r) apply(r.fitTransform(modelRef.current.layout), true);
    },
    transform: () => rendererRef.current?.getTransform() ?? null,
    zoomToRect(rect) {
      const r = rendererRef.current;
      mark('user');
      if (r) apply(r.fitTransform(modelRef.current.layout, rect), true);
    },
    cellClientPoint(cell) {
      const r = rendererRef.current;
      const canvas = canvasRef.current;
      if (!r || !canvas || cell < 0 || cell >= modelRef.current.layout.cellCount) return null;
      const { x, y } = cellCenter(modelRef.current.layout, cell);
      const t = r.getTransform();
      const box = canvas.getBoundingClientRect();
      return { x: box.left + x * t.k + t.x, y: box.top + y * t.k + t.y };
    },
    viewport: () => rendererRef.current?.viewport() ?? null,
    setFocusCell: moveCursor,
    focusedCell: () => focusRef.current,
  }));

  // Renderer, d3-zoom and size: once per canvas.
  useEffect(() => {
    const canvas = canvasRef.current!;
    const box = boxRef.current!;
    const renderer = new HeatmapRenderer(canvas);
    rendererRef.current = renderer;
    let settle: ReturnType<typeof setTimeout> | undefined;
    if (interactive) {
      const behaviour = d3zoom<HTMLCanvasElement, unknown>()
        .scaleExtent([1e-3, 200])
        // A hand moves a pixel or two between press and release: still a click (it selects), not a
        // drag that swallows it. d3's default (0) counted any move as a drag.
        .clickDistance(CLICK_DISTANCE_PX)
        .on('zoom', (event: { transform: ZoomState; sourceEvent: unknown }) => {
          const { k, x, y } = event.transform;
          renderer.setTransform({ k, x, y });
          if (event.sourceEvent) mark('user'); // wheel, drag, pinch
          clearTimeout(settle);
          settle = setTimeout(() => {
            const o = origin.current;
            origin.current = 'initial';
            const view = mapViewOf({ k, x, y }, renderer.size, renderer.fitTransform(modelRef.current.layout).k);
            callbacks.current.onZoomEnd?.({ kind: 'map', ...view }, o);
          }, 250);
        });
      zoomRef.current = behaviour;
      select(canvas).call(behaviour).on('dblclick.zoom', null);
    }
    const observer = new ResizeObserver(() => {
      const width = box.clientWidth;
      resizeKeepingView(renderer, width, callbacks.current.height);
      if (!sized.current && width > 0) {
        sized.current = true;
        const initial = callbacks.current.initialZoom;
        fittedLayout.current = modelRef.current.layout;
        const fitted = renderer.fitTransform(modelRef.current.layout);
        apply(initial ? transformOfZoom(initial, renderer.size, fitted.k) : fitted);
        linkedView.current = initial && initial.kind === 'map' ? initial : null;
      }
      // Observers run after layout and before paint: drawing now shows the picture in this frame,
      // where a frame later would first show the canvas blank (resizing clears it).
      renderer.flush();
    });
    observer.observe(box);
    return () => {
      observer.disconnect();
      clearTimeout(settle);
      renderer.destroy();
      if (interactive) select(canvas).on('.zoom', null);
      rendererRef.current = null;
      zoomRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [interactive]);

  // New data: repaint (changed cells only when just pods changed). A new grouping keeps a person's zoom on the same nodes (regroupedTransform), else refits.
  useEffect(() => {
    const previous = modelRef.current.layout;
    modelRef.current = model;
    const r = rendererRef.current;
    if (!r) return;
    r.setInput({ model, colors, theme, highlight, ghosts, focusCell });
    const signature = model.layout.visibleLevels.join(',') + '|' + model.layout.topology;
    if (layoutSignature.current !== null && layoutSignature.current !== signature && sized.current) {
      // A person's zoom stays on the nodes it showed; the fitted view is fitted again.
      const kept = interactive ? regroupedTransform(previous, model.layout, r.getTransform(), r.size, r.fitTransform(previous)) : null;
      mark(kept ? 'regrouped' : 'refit');
      apply(kept ?? r.fitTransform(model.layout));
    }
    else if (!interactive && sized.current && fittedLayout.current !== model.layout) {
      // Refit only for a new layout: a same-transform refit would still repaint everything.
      fittedLayout.current = model.layout;
      apply(r.fitTransform(model.layout));
    }
    layoutSignature.current = signature;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model, colors, theme, highlight, ghosts, focusCell]);

  // After the model's effect (declared first, so it runs first): a regrouping that also changes the
  // box's height (TopologyView sizes it to the layout) chooses its kept view on the canvas as the person saw it.
  useEffect(() => {
    const r = rendererRef.current;
    if (r && sized.current) {
      resizeKeepingView(r, boxRef.current!.clientWidth, height);
      r.flush();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [height]);

  const hitAt = (clientX: number, clientY: number): HeatmapHit => {
    const r = rendererRef.current;
    const canvas = canvasRef.current;
    if (!r || !canvas) return null;
    const rect = canvas.getBoundingClientRect();
    const t = r.getTransform();
    return hitTest(modelRef.current.layout, (clientX - rect.left - t.x) / t.k, (clientY - rect.top - t.y) / t.k);
  };

  /** Pans (no animation) so that the cell is in view, when it is not. */
  const revealCell = (cell: number) => {
    const canvas = canvasRef.current;
    const behaviour = zoomRef.current;
    const r = rendererRef.current;
    const vp = r?.viewport();
    if (!canvas || !behaviour || !vp) return;
    const { x, y } = cellCenter(modelRef.current.layout, cell);
    const margin = 12 / r!.getTransform().k;
    if (x >= vp.x + margin && x <= vp.x + vp.w - margin && y >= vp.y + margin && y <= vp.y + vp.h - margin) return;
    mark('user');
    select(canvas).call(behaviour.translateTo, x, y);
  };

  /** The first GPU in view (the cursor's start), else the first GPU. */
  const firstCellInView = (): number => {
    const vp = rendererRef.current?.viewport();
    const { layout } = modelRef.current;
    if (vp) for (let c = 0; c < layout.cellCount; c++) if (layout.cellX[c]! >= vp.x && layout.cellX[c]! < vp.x + vp.w && layout.cellY[c]! >= vp.y && layout.cellY[c]! < vp.y + vp.h) return c;
    return 0;
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLCanvasElement>) => {
    const canvas = canvasRef.current;
    const behaviour = zoomRef.current;
    const r = rendererRef.current;
    if (!canvas || !behaviour || !r || event.altKey || event.ctrlKey || event.metaKey) return;
    const step = 60 / r.getTransform().k;
    const sel = select(canvas);
    if (CURSOR_KEYS.has(event.key) && !event.shiftKey) {
      if (modelRef.current.layout.cellCount === 0) return;
      const from = focusRef.current;
      const to = from < 0 ? firstCellInView() : stepCell(modelRef.current.layout, from, event.key as CursorKey);
      moveCursor(to);
      revealCell(to);
      event.preventDefault();
      return;
    }
    switch (event.key) {
      case 'ArrowLeft':
        sel.call(behaviour.translateBy, step, 0);
        break;
      case 'ArrowRight':
        sel.call(behaviour.translateBy, -step, 0);
        break;
      case 'ArrowUp':
        sel.call(behaviour.translateBy, 0, step);
        break;
      case 'ArrowDown':
        sel.call(behaviour.translateBy, 0, -step);
        break;
      case '+':
      case '=':
        sel.call(behaviour.scaleBy, 1.4);
        break;
      case '-':
      case '_':
        sel.call(behaviour.scaleBy, 1 / 1.4);
        break;
      case '0':
        mark('fit');
        apply(r.fitTransform(modelRef.current.layout), true);
        event.preventDefault();
        return;
      case 'Enter':
      case ' ':
        if (focusRef.current < 0) return;
        callbacks.current.onCellClick?.(focusRef.current);
        event.preventDefault();
        return;
      case 'Escape':
        moveCursor(-1);
        callbacks.current.onEscape?.();
        event.preventDefault();
        return;
      default:
        return;
    }
    mark('user'); // before the zoom settles (250 ms), so it is reported as the person's
    event.preventDefault();
  };

  return (
    <>
      <div ref={boxRef} className="relative w-full" style={{ height }}>
        <canvas
          ref={canvasRef}
          role={interactive ? 'application' : 'img'}
          aria-roledescription={interactive ? 'GPU heatmap' : undefined}
          aria-label={label}
          aria-describedby={interactive ? helpId : undefined}
          tabIndex={interactive ? 0 : -1}
          data-testid="heatmap-canvas"
          className="block touch-none rounded-md outline-none focus-visible:ring-2 focus-visible:ring-blue-600 dark:focus-visible:ring-blue-400"
          onKeyDown={interactive ? onKeyDown : undefined}
          onMouseMove={
            interactive
              ? (e) => {
                  const hit = hitAt(e.clientX, e.clientY);
                  // A pointer over a GPU someone holds (click selects its workload), else the pan hand.
                  e.currentTarget.style.cursor = hit?.kind === 'cell' && modelRef.current.cellPod[hit.cell]! >= 0 ? 'pointer' : 'grab';
                  callbacks.current.onHover?.(hit ? { hit, clientX: e.clientX, clientY: e.clientY } : null);
                }
              : undefined
          }
          onMouseLeave={interactive ? () => callbacks.current.onHover?.(null) : undefined}
          onClick={
            interactive
              ? (e) => {
                  const hit = hitAt(e.clientX, e.clientY);
                  const cell = hit?.kind === 'cell' ? hit.cell : -1;
                  moveCursor(cell); // the keys go on from the GPU clicked
                  callbacks.current.onCellClick?.(cell);
                }
              : undefined
          }
        />
      </div>
      {interactive && (
        <>
          <p id={helpId} hidden>
            {KEYBOARD_HELP}
          </p>
          <div className="flex min-h-8 flex-wrap items-center gap-x-2 border-t border-zinc-200 px-2 py-1 text-xs dark:border-zinc-800">
            <p role="status" aria-live="polite" data-testid="heatmap-cursor" className="text-zinc-800 dark:text-zinc-200">
              {focusCell >= 0 ? cursor.said : null}
            </p>
            {focusCell < 0 && <span aria-hidden className="text-zinc-500 dark:text-zinc-400">Focus the map, then use the arrow keys to read it GPU by GPU.</span>}
          </div>
        </>
      )}
    </>
  );
});
