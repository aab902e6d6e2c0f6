import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { boxScale } from './boxFit';
import {
  decodeSharedPreview,
  decodeViewState,
  DEFAULT_VIEW,
  encodeViewState,
  mapViewOf,
  transformOfZoom,
  ZOOM_SCALE_EXTENT,
  encodeSharedPreview,
  MAX_SHARED_PREVIEW_CHARS,
  MAX_SHARED_PREVIEW_TEXT_BYTES,
  previewDataOfHash,
  previewHash,
  SHARED_PREVIEW_ALWAYS_FITS_BYTES,
} from './urlState';

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** Encodes `text` and expects it to fit; returns the URL data. */
async function encoded(text: string): Promise<string> {
  const result = await encodeSharedPreview(text);
  if (!result.ok) throw new Error(result.problem);
  return result.data;
}

/** Incompressible text of `n` ASCII letters (a seeded generator: the same text every run). */
function noise(n: number, seed = 1): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(33 + ((x >>> 16) % 94));
  }
  return out;
}

describe('a preview in the URL fragment', () => {
  test('property: any well-formed string that always fits comes back the same, as base64url within the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 3000 }).filter((s) => !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))), fc.string({ maxLength: SHARED_PREVIEW_ALWAYS_FITS_BYTES })),
        async (text) => {
          fc.pre(utf8Length(text) <= SHARED_PREVIEW_ALWAYS_FITS_BYTES);
          const data = await encoded(text);
          expect(data).toMatch(/^[A-Za-z0-9_-]*$/);
          expect(data.length).toBeLessThanOrEqual(MAX_SHARED_PREVIEW_CHARS);
          expect(previewDataOfHash(previewHash(data))).toBe(data);
          expect(await decodeSharedPreview(data)).toEqual({ ok: true, text });
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the worst case at the guaranteed size still fits: incompressible text of SHARED_PREVIEW_ALWAYS_FITS_BYTES', async () => {
    const text = noise(SHARED_PREVIEW_ALWAYS_FITS_BYTES);
    const data = await encoded(text);
    expect(data.length).toBeLessThanOrEqual(MAX_SHARED_PREVIEW_CHARS);
    expect(await decodeSharedPreview(data)).toEqual({ ok: true, text });
  });

  test('a manifest far over the guaranteed size still fits when it compresses (the cap is on the link, not the text)', async () => {
    const manifest = Array.from({ length: 400 }, (_, i) => `      - name: worker-${i}\n        spec:\n          replicas: 2\n          roleName: worker\n`).join('');
    expect(utf8Length(manifest)).toBeGreaterThan(SHARED_PREVIEW_ALWAYS_FITS_BYTES * 2);
    expect(await decodeSharedPreview(await encoded(manifest))).toEqual({ ok: true, text: manifest });
  });

  test('too large for a link: a sentence saying so (the page keeps the preview in the tab)', async () => {
    const big = await encodeSharedPreview(noise(MAX_SHARED_PREVIEW_CHARS));
    expect(big).toEqual({ ok: false, problem: expect.stringMatching(/too large to share in a link \(\d+\.\d KiB compressed; a link holds up to 15\.6 KiB compressed\)$/) });
    const huge = await encodeSharedPreview('a'.repeat(MAX_SHARED_PREVIEW_TEXT_BYTES + 1));
    expect(huge).toEqual({ ok: false, problem: expect.stringContaining('of text') });
  });

  test('an unpaired surrogate (never in a YAML file) comes back as U+FFFD, the rest unchanged', async () => {
    expect(await decodeSharedPreview(await encoded('a\uD800b'))).toEqual({ ok: true, text: 'a\uFFFDb' });
  });

  test('corrupt links are refused with a sentence naming what is wrong', async () => {
    const data = await encoded('apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: shared\n');
    const cases: [string, RegExp][] = [
      ['', /nothing after it/],
      [data.slice(0, -3), /not complete deflate-compressed text/],
      [`${data.slice(0, 5)}*${data.slice(6)}`, /not base64url/],
      [`${data}A`.slice(0, Math.floor(data.length / 4) * 4 + 1), /not base64url|not complete/],
      ['////', /not base64url/],
      ['_____w', /not complete deflate|not UTF-8/],
      ['x'.repeat(MAX_SHARED_PREVIEW_CHARS + 1), /longer/],
    ];
    for (const [bad, why] of cases) {
      const result = await decodeSharedPreview(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) {
        expect(result.problem).toMatch(/^The preview in this link could not be read: /);
        expect(result.problem).toMatch(why);
      }
    }
  });

  test('a link that inflates past the limit is refused, not expanded', async () => {
    // Made by hand: the encoder never writes one (it refuses such a text), but a link can say anything.
    const bomb = new Uint8Array(await new Response(new Blob(['a'.repeat(MAX_SHARED_PREVIEW_TEXT_BYTES + 1)]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
    const data = Buffer.from(bomb).toString('base64url');
    expect(data.length).toBeLessThan(MAX_SHARED_PREVIEW_CHARS);
    expect(await decodeSharedPreview(data)).toEqual({ ok: false, problem: expect.stringContaining('it expands to more than 2048.0 KiB') });
    // At the limit it is read.
    expect(await decodeSharedPreview(await encoded('a'.repeat(MAX_SHARED_PREVIEW_TEXT_BYTES)))).toMatchObject({ ok: true });
  });

  test('property: whatever follows #preview=, reading it resolves to text or a sentence, never an exception', async () => {
    const base64urlChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: base64urlChar, maxLength: 400 }),
          // A real link cut short or with one character changed.
          fc.tuple(fc.string({ maxLength: 400 }), fc.nat(), base64urlChar).map(async ([text, at, c]) => {
            const data = await encoded(text);
            return at % 2 ? data.slice(0, at % (data.length + 1)) : `${data.slice(0, at % data.length)}${c}${data.slice((at % data.length) + 1)}`;
          }),
        ),
        async (input) => {
          const data = await input;
          const result = await decodeSharedPreview(data);
          if (!result.ok) expect(result.problem).toMatch(/^The preview in this link could not be read: .+\.$/);
          else expect(typeof result.text).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the fragment: other keys are ignored, no preview is null', () => {
    expect(previewDataOfHash('')).toBeNull();
    expect(previewDataOfHash('#')).toBeNull();
    expect(previewDataOfHash('#other=1&preview=abc_-')).toBe('abc_-');
    expect(previewDataOfHash('#preview=')).toBe('');
    expect(previewHash(null)).toBe('');
    expect(previewHash('abc')).toBe('#preview=abc');
  });
});

describe('the zoom in the URL means the same area on any screen', () => {
  const layout = { width: 2400, height: 900 };
  const fitOf = (canvas: { width: number; height: number }) => Math.max(1e-3, boxScale(layout, canvas.width, canvas.height));
  /** The layout point at the canvas's centre under transform t. */
  const centreOf = (t: { k: number; x: number; y: number }, canvas: { width: number; height: number }) => ({ x: (canvas.width / 2 - t.x) / t.k, y: (canvas.height / 2 - t.y) / t.k });
  /** A transform made on `from`, through the URL, shown on `to`. */
  function shared(t: { k: number; x: number; y: number }, from: { width: number; height: number }, to: { width: number; height: number }) {
    const params = encodeViewState({ ...DEFAULT_VIEW, zoom: { kind: 'map', ...mapViewOf(t, from, fitOf(from)) } });
    const zoom = decodeViewState(new URLSearchParams(`?${params.toString()}`)).zoom!;
    return { params, shown: transformOfZoom(zoom, to, fitOf(to)) };
  }

  test('a view made on a wide screen opens on a narrow one centred on the same layout point, at the same zoom relative to the fitted view', () => {
    const wide = { width: 1500, height: 560 };
    const narrow = { width: 700, height: 560 };
    // Three times the fitted scale, centred on layout point (1800, 300).
    const k = 3 * fitOf(wide);
    const made = { k, x: wide.width / 2 - 1800 * k, y: wide.height / 2 - 300 * k };
    const { params, shown } = shared(made, wide, narrow);
    expect(params.get('v')).toBe('1800,300,3');
    expect(params.get('z')).toBeNull();
    expect(centreOf(shown, narrow).x).toBeCloseTo(1800, 6);
    expect(centreOf(shown, narrow).y).toBeCloseTo(300, 6);
    expect(shown.k / fitOf(narrow)).toBeCloseTo(3, 6);
    // The part of the layout's width in view is the same share of it on both screens (both fit by width).
    expect(narrow.width / shown.k / layout.width).toBeCloseTo(wide.width / made.k / layout.width, 1);
  });

  test('property: any view survives the URL on any pair of screens (centre within the rounding of 0.05 layout units, relative scale within 4 digits)', () => {
    const size = fc.record({ width: fc.integer({ min: 200, max: 4000 }), height: fc.integer({ min: 200, max: 2000 }) });
    fc.assert(
      fc.property(size, size, fc.double({ min: 0.01, max: 500, noNaN: true }), fc.double({ min: 0, max: 2400, noNaN: true }), fc.double({ min: 0, max: 900, noNaN: true }), (from, to, relative, cx, cy) => {
        const k = relative * fitOf(from);
        // Views the canvases can show: their scale within the canvas's limits on both screens.
        fc.pre(k >= ZOOM_SCALE_EXTENT[0] && k <= ZOOM_SCALE_EXTENT[1] && relative * fitOf(to) >= ZOOM_SCALE_EXTENT[0] && relative * fitOf(to) <= ZOOM_SCALE_EXTENT[1]);
        const made = { k, x: from.width / 2 - cx * k, y: from.height / 2 - cy * k };
        const { shown } = shared(made, from, to);
        const centre = centreOf(shown, to);
        expect(Math.abs(centre.x - cx)).toBeLessThanOrEqual(0.05 + 1e-6);
        expect(Math.abs(centre.y - cy)).toBeLessThanOrEqual(0.05 + 1e-6);
        expect(Math.abs(shown.k / fitOf(to) - relative)).toBeLessThanOrEqual(0.00005 + 1e-9 * relative);
      }),
    );
  });

  test('a link made before, with the zoom in pixels (z=k,x,y), is still read and shown as it was made', () => {
    const view = decodeViewState(new URLSearchParams('z=2.5,-300,-120.5&sel=default/a'));
    expect(view.zoom).toEqual({ kind: 'pixels', k: 2.5, x: -300, y: -120.5 });
    expect(view.selected).toBe('default/a');
    expect(transformOfZoom(view.zoom!, { width: 700, height: 560 }, 0.3)).toEqual({ k: 2.5, x: -300, y: -120.5 });
    // Written back unchanged until the person zooms (then it is a map view).
    expect(encodeViewState(view).get('z')).toBe('2.5,-300,-120.5');
    expect(encodeViewState(view).get('v')).toBeNull();
    // A map view beside it wins.
    expect(decodeViewState(new URLSearchParams('z=2.5,-300,-120.5&v=10,20,2')).zoom).toEqual({ kind: 'map', x: 10, y: 20, scale: 2 });
  });
});
