'use client';
/**
 * The heatmap's canvas: HeatmapRenderer inside a resizable box, d3-zoom for wheel/drag/pinch, the
 * pointer and keyboard wired to the model's hit-test. React renders this one element; the GPUs are
 * pixels. Keyboard (canvas focused): arrows pan, + / - zoom, 0 fits, Escape clears the selection.
 */
import { select, zoom as d3zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { CellColors, Theme } from '../../lib/heatmap/colors';
import { cellCenter, hitTest, type HeatmapHit } from '../../lib/heatmap/hitTest';
import type { Rect } from '../../lib/heatmap/layout';
import type { HeatmapModel } from '../../lib/heatmap/model';
import type { GhostOverlay } from '../../lib/heatmap/overlay';
import type { ZoomState } from '../../lib/heatmap/urlState';
import { HeatmapRenderer } from './renderer';

export interface HoverInfo {
  hit: NonNullable<HeatmapHit>;
  /** Pointer position relative to the viewport. */
  clientX: number;
  clientY: number;
}

export type ZoomOrigin = 'user' | 'initial' | 'refit';

export interface HeatmapCanvasHandle {
  fit(): void;
  /** The current zoom transform. */
  transform(): ZoomState | null;
  zoomToRect(rect: Rect): void;
  /** Viewport coordinates of a cell's centre (for tests and tooltips). */
  cellClientPoint(cell: number): { x: number; y: number } | null;
  viewport(): Rect | null;
}

export interface HeatmapCanvasProps {
  model: HeatmapModel;
  colors: CellColors;
  theme: Theme;
  highlight: Uint8Array | null;
  ghosts: GhostOverlay | null;
  focusCell?: number;
  /** Applied once when the canvas first has a size (from the URL); otherwise the layout is fitted. */
  initialZoom?: ZoomState | null;
  /**
   * After a zoom or pan settles. `origin`: 'user' (pointer, keys, or fit/zoomToRect asked for by the
   * page on a person's request), 'initial' (the first view), 'refit' (a new grouping refitted the view).
   */
  onZoomEnd?: (zoom: ZoomState, origin: ZoomOrigin) => void;
  onHover?: (hover: HoverInfo | null) => void;
  onCellClick?: (cell: number) => void;
  onEscape?: () => void;
  /** Accessible name of the canvas (what it shows, in words). */
  label: string;
  height: number;
  interactive?: boolean;
}

export const HeatmapCanvas = forwardRef<HeatmapCanvasHandle, HeatmapCanvasProps>(function HeatmapCanvas(props, ref) {
  const { model, colors, theme, highlight, ghosts, focusCell = -1, initialZoom, label, height, interactive = true } = props;
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rendererRef = useRef<HeatmapRenderer | null>(null);
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const modelRef = useRef(model);
  const callbacks = useRef(props);
  callbacks.current = props;
  const sized = useRef(false);
  /** What caused the zoom events since the last settle ('user' wins over the others). */
  const origin = useRef<ZoomOrigin>('initial');
  const mark = (o: ZoomOrigin) => {
    if (origin.current !== 'user') origin.current = o;
  };
  const layoutSignature = useRef<string | null>(null);
  /** The layout the non-interactive view was last fitted to (same object while only pods change). */
  const fittedLayout = useRef<HeatmapModel['layout'] | null>(null);

  const apply = (t: ZoomState, animate = false) => {
    const canvas = canvasRef.current;
    const behaviour = zoomRef.current;
    if (!canvas || !behaviour) {
      rendererRef.current?.setTransform(t);
      return;
    }
    const target = zoomIdentity.translate(t.x, t.y).scale(t.k);
    const reduceMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (animate && !reduceMotion) select(canvas).transition().duration(350).call(behaviour.transform, target);
    else select(canvas).call(behaviour.transform, target);
  };

  useImperativeHandle(ref, () => ({
    fit() {
      const r = rendererRef.current;
      mark('user');
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
        .on('zoom', (event: { transform: ZoomState; sourceEvent: unknown }) => {
          const { k, x, y } = event.transform;
          renderer.setTransform({ k, x, y });
          if (event.sourceEvent) mark('user'); // wheel, drag, pinch
          clearTimeout(settle);
          settle = setTimeout(() => {
            const o = origin.current;
            origin.current = 'initial';
            callbacks.current.onZoomEnd?.({ k, x, y }, o);
          }, 250);
        });
      zoomRef.current = behaviour;
      select(canvas).call(behaviour).on('dblclick.zoom', null);
    }
    const observer = new ResizeObserver(() => {
      const width = box.clientWidth;
      renderer.resize(width, callbacks.current.height);
      if (!sized.current && width > 0) {
        sized.current = true;
        const initial = callbacks.current.initialZoom;
        fittedLayout.current = modelRef.current.layout;
        apply(initial ?? renderer.fitTransform(modelRef.current.layout));
      } else if (!interactive && width > 0) apply(renderer.fitTransform(modelRef.current.layout)); // the fitted view follows the box
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

  useEffect(() => {
    const r = rendererRef.current;
    if (r && sized.current) r.resize(boxRef.current!.clientWidth, height);
  }, [height]);

  // New data: repaint (changed cells only when just pods changed). A new grouping refits the view.
  useEffect(() => {
    modelRef.current = model;
    const r = rendererRef.current;
    if (!r) return;
    r.setInput({ model, colors, theme, highlight, ghosts, focusCell });
    const signature = model.layout.visibleLevels.join(',') + '|' + model.layout.topology;
    if (layoutSignature.current !== null && layoutSignature.current !== signature && sized.current) {
      mark('refit');
      apply(r.fitTransform(model.layout));
    }
    else if (!interactive && sized.current && fittedLayout.current !== model.layout) {
      // Refit only for a new layout: a same-transform refit would still repaint everything.
      fittedLayout.current = model.layout;
      apply(r.fitTransform(model.layout));
    }
    layoutSignature.current = signature;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model, colors, theme, highlight, ghosts, focusCell]);

  const hitAt = (clientX: number, clientY: number): HeatmapHit => {
    const r = rendererRef.current;
    const canvas = canvasRef.current;
    if (!r || !canvas) return null;
    const rect = canvas.getBoundingClientRect();
    const t = r.getTransform();
    return hitTest(modelRef.current.layout, (clientX - rect.left - t.x) / t.k, (clientY - rect.top - t.y) / t.k);
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLCanvasElement>) => {
    const canvas = canvasRef.current;
    const behaviour = zoomRef.current;
    const r = rendererRef.current;
    if (!canvas || !behaviour || !r) return;
    const step = 60 / r.getTransform().k;
    const sel = select(canvas);
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
        apply(r.fitTransform(modelRef.current.layout), true);
        break;
      case 'Escape':
        callbacks.current.onEscape?.();
        break;
      default:
        return;
    }
    if (event.key !== 'Escape') mark('user'); // before the zoom settles (250 ms), so it is reported as the person's
    event.preventDefault();
  };

  return (
    <div ref={boxRef} className="relative w-full" style={{ height }}>
      <canvas
        ref={canvasRef}
        role="img"
        aria-label={label}
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
                callbacks.current.onCellClick?.(hit?.kind === 'cell' ? hit.cell : -1);
              }
            : undefined
        }
      />
    </div>
  );
});
