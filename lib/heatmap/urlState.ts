/**
 * The heatmap view in the URL, so a view can be shared: colour mode, collapsed levels, selected
 * workload, zoom, binding and preview handoff id. Unknown or malformed values fall back to the
 * default rather than failing the page; encode(decode(x)) keeps every valid view.
 */
import { COLOR_MODES, type ColorMode } from './colors';

export interface ZoomState {
  /** Scale. */
  k: number;
  /** Translation in CSS pixels. */
  x: number;
  y: number;
}

export interface HeatmapViewState {
  mode: ColorMode;
  /** Collapsed level domains, sorted. */
  hidden: string[];
  /** Selected workload `namespace/name`. */
  selected: string | null;
  zoom: ZoomState | null;
  topology: string | null;
  preview: string | null;
}

export const DEFAULT_VIEW: HeatmapViewState = { mode: 'allocation', hidden: [], selected: null, zoom: null, topology: null, preview: null };

/** The canvas's zoom limits (components/heatmap/HeatmapCanvas.tsx scaleExtent): a URL scale is clamped to them. */
export const ZOOM_SCALE_EXTENT = [1e-3, 200] as const;
/**
 * Largest translation a URL may carry, in CSS pixels. A real view is within a few screens of the map
 * (at the largest scale, 200 × the layout's width); a bigger one is a hand edit and falls back to the
 * fitted view instead of throwing the map out of sight.
 */
export const MAX_ZOOM_TRANSLATE = 1e7;

const clampScale = (k: number): number => Math.min(ZOOM_SCALE_EXTENT[1], Math.max(ZOOM_SCALE_EXTENT[0], k));

/** A zoom within the canvas's limits, or null (the fitted view) when it cannot be one. */
export function checkedZoom(zoom: ZoomState): ZoomState | null {
  const { k, x, y } = zoom;
  if (![k, x, y].every(Number.isFinite) || k <= 0 || Math.abs(x) > MAX_ZOOM_TRANSLATE || Math.abs(y) > MAX_ZOOM_TRANSLATE) return null;
  return { k: clampScale(k), x, y };
}

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Query parameters of a view (defaults left out). */
export function encodeViewState(view: HeatmapViewState): URLSearchParams {
  const params = new URLSearchParams();
  if (view.mode !== DEFAULT_VIEW.mode) params.set('mode', view.mode);
  if (view.hidden.length) params.set('hide', [...view.hidden].sort().join(','));
  if (view.selected) params.set('sel', view.selected);
  const zoom = view.zoom && checkedZoom(view.zoom);
  // Rounded after clamping: 4 digits keep the smallest scale (0.001) non-zero.
  if (zoom) params.set('z', `${round(zoom.k, 4)},${round(zoom.x, 1)},${round(zoom.y, 1)}`);
  if (view.topology) params.set('topo', view.topology);
  if (view.preview) params.set('preview', view.preview);
  return params;
}

const LEVEL = /^[a-z][a-z0-9-]*$/;

export function decodeViewState(params: URLSearchParams): HeatmapViewState {
  const mode = params.get('mode');
  const hidden = (params.get('hide') ?? '')
    .split(',')
    .filter((level) => LEVEL.test(level))
    .sort();
  const selected = params.get('sel');
  let zoom: ZoomState | null = null;
  const z = params.get('z')?.split(',').map(Number);
  if (z && z.length === 3) zoom = checkedZoom({ k: z[0]!, x: z[1]!, y: z[2]! });
  return {
    mode: (COLOR_MODES as readonly string[]).includes(mode ?? '') ? (mode as ColorMode) : DEFAULT_VIEW.mode,
    hidden: [...new Set(hidden)],
    selected: selected && selected.includes('/') ? selected : null,
    zoom,
    topology: params.get('topo') || null,
    preview: params.get('preview') || null,
  };
}
