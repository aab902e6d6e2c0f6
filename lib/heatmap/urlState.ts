/**
 * The heatmap view in the URL, so a view can be shared: colour mode, collapsed levels, selected
 * workload, zoom, binding and preview handoff id in the query; the previewed manifest itself in the
 * fragment (see encodeSharedPreview). Unknown or malformed values fall back to the default rather than
 * failing the page; encode(decode(x)) keeps every valid view.
 *
 * The zoom is kept as a map view (`v=`), which means the same area on any screen: the layout point at
 * the canvas's centre and the scale relative to the fitted view. Links made before carry the canvas's
 * transform in CSS pixels (`z=k,x,y`), which shows another area on a screen of another size; they are
 * still read, as such, and replaced by a map view at the person's next zoom.
 */
import { COLOR_MODES, type ColorMode } from './colors';

export interface ZoomState {
  /** Scale. */
  k: number;
  /** Translation in CSS pixels. */
  x: number;
  y: number;
}

/**
 * A view of the map independent of the screen: `x`, `y` the layout point (layout units) at the canvas's
 * centre, `scale` the zoom relative to the fitted view (1: the whole layout fits the canvas).
 */
export interface MapView {
  x: number;
  y: number;
  scale: number;
}

/** The zoom a view holds: a map view, or the pixel transform an older link carries (`z=`). */
export type ViewZoom = ({ kind: 'map' } & MapView) | ({ kind: 'pixels' } & ZoomState);

export interface HeatmapViewState {
  mode: ColorMode;
  /** Collapsed level domains, sorted. */
  hidden: string[];
  /** Selected workload `namespace/name`. */
  selected: string | null;
  zoom: ViewZoom | null;
  topology: string | null;
  preview: string | null;
}

export const DEFAULT_VIEW: HeatmapViewState = { mode: 'allocation', hidden: [], selected: null, zoom: null, topology: null, preview: null };

/** The canvas's zoom limits (components/heatmap/HeatmapCanvas.tsx scaleExtent): a URL scale is clamped to them. */
export const ZOOM_SCALE_EXTENT = [1e-3, 200] as const;
/**
 * Limits of a map view's scale (relative to the fitted view): the canvas's own limits' ratio, the
 * widest a fitted scale within them allows. The scale it makes on a screen is clamped to the canvas's limits.
 */
export const MAP_SCALE_EXTENT = [ZOOM_SCALE_EXTENT[0], ZOOM_SCALE_EXTENT[1] / ZOOM_SCALE_EXTENT[0]] as const;
/**
 * Largest translation a URL may carry, in CSS pixels (and the farthest a map view's centre may be, in
 * layout units). A real view is within a few screens of the map (at the largest scale, 200 × the
 * layout's width); a bigger one is a hand edit and falls back to the fitted view instead of throwing
 * the map out of sight.
 */
export const MAX_ZOOM_TRANSLATE = 1e7;

const clamp = (value: number, [lo, hi]: readonly [number, number]): number => Math.min(hi, Math.max(lo, value));

/** A pixel zoom within the canvas's limits, or null (the fitted view) when it cannot be one. */
export function checkedZoom(zoom: ZoomState): ZoomState | null {
  const { k, x, y } = zoom;
  if (![k, x, y].every(Number.isFinite) || k <= 0 || Math.abs(x) > MAX_ZOOM_TRANSLATE || Math.abs(y) > MAX_ZOOM_TRANSLATE) return null;
  return { k: clamp(k, ZOOM_SCALE_EXTENT), x, y };
}

/** A map view within the limits, or null (the fitted view) when it cannot be one. */
export function checkedMapView(view: MapView): MapView | null {
  const { x, y, scale } = view;
  if (![x, y, scale].every(Number.isFinite) || scale <= 0 || Math.abs(x) > MAX_ZOOM_TRANSLATE || Math.abs(y) > MAX_ZOOM_TRANSLATE) return null;
  return { x, y, scale: clamp(scale, MAP_SCALE_EXTENT) };
}

/** A view zoom within the limits of its kind, or null. */
function checkedViewZoom(zoom: ViewZoom): ViewZoom | null {
  if (zoom.kind === 'pixels') {
    const z = checkedZoom(zoom);
    return z && { kind: 'pixels', ...z };
  }
  const v = checkedMapView(zoom);
  return v && { kind: 'map', ...v };
}

/** The canvas the map is drawn on: its size in CSS pixels. */
export interface CanvasSize {
  width: number;
  height: number;
}

/** The map view a canvas transform shows, on a canvas whose fitted view has scale `fitScale`. */
export function mapViewOf(t: ZoomState, canvas: CanvasSize, fitScale: number): MapView {
  return { x: (canvas.width / 2 - t.x) / t.k, y: (canvas.height / 2 - t.y) / t.k, scale: t.k / fitScale };
}

/**
 * The canvas transform that shows a view zoom on this canvas: a map view centred, at its scale of this
 * canvas's fitted one (clamped to the canvas's limits); a pixel zoom as it is.
 */
export function transformOfZoom(zoom: ViewZoom, canvas: CanvasSize, fitScale: number): ZoomState {
  if (zoom.kind === 'pixels') return { k: zoom.k, x: zoom.x, y: zoom.y };
  const k = clamp(zoom.scale * fitScale, ZOOM_SCALE_EXTENT);
  return { k, x: canvas.width / 2 - zoom.x * k, y: canvas.height / 2 - zoom.y * k };
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
  const zoom = view.zoom && checkedViewZoom(view.zoom);
  // Rounded after clamping: 4 digits keep the smallest scale (0.001) non-zero.
  if (zoom?.kind === 'map') params.set('v', `${round(zoom.x, 1)},${round(zoom.y, 1)},${round(zoom.scale, 4)}`);
  else if (zoom) params.set('z', `${round(zoom.k, 4)},${round(zoom.x, 1)},${round(zoom.y, 1)}`);
  if (view.topology) params.set('topo', view.topology);
  if (view.preview) params.set('preview', view.preview);
  return params;
}

const LEVEL = /^[a-z][a-z0-9-]*$/;

/** Three numbers, comma-separated, or null. */
function triple(value: string | null): [number, number, number] | null {
  const parts = value?.split(',').map(Number);
  return parts && parts.length === 3 ? (parts as [number, number, number]) : null;
}

export function decodeViewState(params: URLSearchParams): HeatmapViewState {
  const mode = params.get('mode');
  const hidden = (params.get('hide') ?? '')
    .split(',')
    .filter((level) => LEVEL.test(level))
    .sort();
  const selected = params.get('sel');
  // A map view wins over an old pixel zoom beside it (a link edited by hand, or by an older page).
  const v = triple(params.get('v'));
  const z = triple(params.get('z'));
  const mapView = v && checkedMapView({ x: v[0], y: v[1], scale: v[2] });
  const pixels = !mapView && z ? checkedZoom({ k: z[0], x: z[1], y: z[2] }) : null;
  return {
    mode: (COLOR_MODES as readonly string[]).includes(mode ?? '') ? (mode as ColorMode) : DEFAULT_VIEW.mode,
    hidden: [...new Set(hidden)],
    selected: selected && selected.includes('/') ? selected : null,
    zoom: mapView ? { kind: 'map', ...mapView } : pixels ? { kind: 'pixels', ...pixels } : null,
    topology: params.get('topo') || null,
    preview: params.get('preview') || null,
  };
}

/*
 * A previewed manifest in the URL's fragment (`#preview=<data>`), so a link reproduces the preview in
 * any browser: the fragment is never sent to the server, and <data> is the YAML's UTF-8, compressed
 * (deflate-raw) and written in base64url. CompressionStream is in every current browser and in Node.
 */

/** The fragment's key: `/topology#preview=<data>`. */
export const PREVIEW_FRAGMENT_KEY = 'preview';
/** Longest <data> a link carries (characters): longer links get cut by chat tools, mail and tickets. */
export const MAX_SHARED_PREVIEW_CHARS = 16_000;
/**
 * Any text of at most this many UTF-8 bytes fits in a link, whatever it holds: deflate's worst case
 * (stored blocks) adds 5 bytes per 64 KiB block, and base64url makes 4 characters of 3 bytes.
 */
export const SHARED_PREVIEW_ALWAYS_FITS_BYTES = Math.floor((MAX_SHARED_PREVIEW_CHARS * 3) / 4) - 64;
/** The most a shared preview inflates to: 16 000 characters of well-compressed data could otherwise be many megabytes. */
export const MAX_SHARED_PREVIEW_TEXT_BYTES = 2 ** 21;

export type SharedPreviewEncoding = { ok: true; data: string } | { ok: false; problem: string };
export type SharedPreviewDecoding = { ok: true; text: string } | { ok: false; problem: string };

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The bytes of a base64url text, or null when it is none (a character outside the alphabet, a cut-off length). */
function fromBase64Url(text: string): Uint8Array | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** `bytes` through a (de)compression stream; 'too-large' as soon as the output passes `limit` bytes. Rejects on corrupt input. */
async function throughStream(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array | 'too-large'> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The URL data of a previewed text, or why it cannot go into a link (too large: the page then keeps
 * the preview in the tab; the sentence has no full stop, so the page can add what it does instead). Text is stored as UTF-8, so an unpaired surrogate (never in a YAML file)
 * comes back as U+FFFD; every other string comes back as it was.
 */
export async function encodeSharedPreview(text: string): Promise<SharedPreviewEncoding> {
  const bytes = new TextEncoder().encode(text);
  const tooLarge = (size: string) => ({ ok: false as const, problem: `This preview is too large to share in a link (${size}; a link holds up to ${kib(MAX_SHARED_PREVIEW_CHARS)} compressed)` });
  if (bytes.length > MAX_SHARED_PREVIEW_TEXT_BYTES) return tooLarge(`${kib(bytes.length)} of text`);
  const packed = await throughStream(bytes, new CompressionStream('deflate-raw'), Infinity);
  const data = toBase64Url(packed as Uint8Array);
  if (data.length > MAX_SHARED_PREVIEW_CHARS) return tooLarge(`${kib(data.length)} compressed`);
  return { ok: true, data };
}

/** The text a link's preview data holds, or a sentence saying why it cannot be read. Never rejects. */
export async function decodeSharedPreview(data: string): Promise<SharedPreviewDecoding> {
  const fail = (why: string) => ({ ok: false as const, problem: `The preview in this link could not be read: ${why}.` });
  if (!data) return fail('the link has "#preview=" with nothing after it');
  if (data.length > MAX_SHARED_PREVIEW_CHARS) return fail(`it is longer (${data.length} characters) than a preview link can be (${MAX_SHARED_PREVIEW_CHARS})`);
  const bytes = fromBase64Url(data);
  if (!bytes) return fail('it is not base64url text (the link may have been cut short or changed)');
  let inflated: Uint8Array | 'too-large';
  try {
    inflated = await throughStream(bytes, new DecompressionStream('deflate-raw'), MAX_SHARED_PREVIEW_TEXT_BYTES);
  } catch {
    return fail('its data is not complete deflate-compressed text (the link may have been cut short or changed)');
  }
  if (inflated === 'too-large') return fail(`it expands to more than ${kib(MAX_SHARED_PREVIEW_TEXT_BYTES)}`);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(inflated) };
  } catch {
    return fail('its data is not UTF-8 text');
  }
}

/** The preview data in a URL fragment (`#preview=<data>`, other keys ignored), or null when it has none. */
export function previewDataOfHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(PREVIEW_FRAGMENT_KEY);
}

/** The URL fragment carrying `data` ('' for none). base64url needs no escaping. */
export function previewHash(data: string | null): string {
  return data === null ? '' : `#${PREVIEW_FRAGMENT_KEY}=${data}`;
}
