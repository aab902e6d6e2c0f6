import fc from 'fast-check';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { COLOR_MODES, colorCells, contrastRatio, domainFillColor, MARK_COLORS, roleColors, SWATCH, WORKLOAD_PALETTE, type MarkKind, type Theme } from '../../lib/heatmap/colors';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF } from '../../lib/grove/labels';
import { CELL, type HeatmapLayout } from '../../lib/heatmap/layout';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { boundPod, nestedCluster } from '../../lib/placement/testkit';
import { Legend, SvgPathData, Swatch } from './Legend';
import {
  BAND_WORDS,
  bandBufferSize,
  cellDeviceBox,
  cellPixelSize,
  CHROME as RENDER_CHROME,
  devicePixel,
  drawBoxMarks,
  drawCellMarks,
  focusRingBands,
  frameLabelText,
  pixelWords,
  writeCellPixels,
  writeFramePixels,
  writeLayoutPixels,
  writeNodePixels,
  type MarkCanvas,
  type PixelWords,
} from './renderer';

/** Two racks of 2 nodes × 8 GPUs; node-1 cordoned (its free GPUs hatched), some GPUs held. */
function smallModel() {
  const state = nestedCluster(['rack'], [2, 2], { gpu: 8 });
  state.nodes[1]!.unschedulable = true;
  state.pods = [boundPod('a', 'node-0', 3), boundPod('b', 'node-1', 2), boundPod('c', 'node-3', 8)];
  const model = buildHeatmapModel(state);
  return { model, colors: colorCells(model, 'allocation', 'light') };
}

const CHROME = { node: '#ffffff', hatch: '#ffffff' };

/**
 * Words of a buffer with rows of `stride` that differ from `expected` (width × height, row-major):
 * inside the picture it must equal `expected`, past its right or bottom edge it must be untouched (0).
 */
function wordsDiffering(words: Uint32Array, stride: number, expected: Uint32Array, width: number, height: number): number {
  let differ = 0;
  for (let y = 0; y * stride < words.length; y++)
    for (let x = 0; x < stride; x++) if (words[y * stride + x] !== (x < width && y < height ? expected[y * width + x] : 0)) differ++;
  return differ;
}

/** The plain per-pixel writer (what the renderer did before row fills): the oracle. */
function referencePixels(width: number, height: number, layout: HeatmapLayout, nodes: number[], index: Uint16Array, highlight: Uint8Array | null, p: PixelWords, s: number, ox: number, oy: number): Uint32Array {
  const words = new Uint32Array(width * height);
  for (const n of nodes) {
    const box = layout.nodes[n]!;
    const x0 = Math.max(0, Math.floor(box.x * s + ox));
    const y0 = Math.max(0, Math.floor(box.y * s + oy));
    const x1 = Math.min(width, Math.floor((box.x + box.w) * s + ox));
    const y1 = Math.min(height, Math.floor((box.y + box.h) * s + oy));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) words[y * width + x] = p.node;
  }
  const size = Math.max(1, Math.round(CELL * s));
  for (const n of nodes) {
    const box = layout.nodes[n]!;
    for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) {
      const px = Math.floor(layout.cellX[c]! * s + ox);
      const py = Math.floor(layout.cellY[c]! * s + oy);
      const i = index[c]!;
      const word = (!highlight || highlight[c] === 1 ? p.lit : p.dim)[i]!;
      const diagonal = size >= 4 && p.hatched[i] === 1;
      for (let dy = 0; dy < size; dy++) {
        for (let dx = 0; dx < size; dx++) {
          const x = px + dx;
          const y = py + dy;
          if (x >= 0 && x < width && y >= 0 && y < height) words[y * width + x] = diagonal && dx + dy === size - 1 ? p.hatch : word;
        }
      }
    }
  }
  return words;
}

describe('pixel path (writeNodePixels)', () => {
  test('a cell at scale 1 is exactly its CELL × CELL square of its colour, the node box around it, hatch on the anti-diagonal', () => {
    const { model, colors } = smallModel();
    const { layout } = model;
    const palette = pixelWords(colors, CHROME);
    const width = Math.ceil(layout.width);
    const height = Math.ceil(layout.height);
    const words = new Uint32Array(width * height);
    const nodes = layout.nodes.map((_, n) => n);
    const drawn = writeNodePixels({ words, width, height, layout, nodes, nodeCount: nodes.length, colorIndex: colors.index, highlight: null, palette, scale: 1, offsetX: 0, offsetY: 0 });
    expect(drawn).toBe(32);
    const at = (x: number, y: number) => words[y * width + x]!;
    for (let c = 0; c < layout.cellCount; c++) {
      const x = layout.cellX[c]!;
      const y = layout.cellY[c]!;
      const lit = palette.lit[colors.index[c]!]!;
      const hatched = palette.hatched[colors.index[c]!] === 1;
      for (let dy = 0; dy < CELL; dy++)
        for (let dx = 0; dx < CELL; dx++) expect(at(x + dx, y + dy)).toBe(hatched && dx + dy === CELL - 1 ? palette.hatch : lit);
      // The gap right of / below the cell is node background.
      expect(at(x + CELL, y)).toBe(palette.node);
      expect(at(x, y + CELL)).toBe(palette.node);
    }
    // The cordoned node's free GPUs are the hatched ones; the others are not.
    const cordoned = layout.nodes.find((b) => b.name === 'node-1')!;
    expect(palette.hatched[colors.index[cordoned.firstCell + 2]!]).toBe(1);
    expect(palette.hatched[colors.index[layout.nodes.find((b) => b.name === 'node-0')!.firstCell + 5]!]).toBe(0);
    // Outside every node box nothing is written.
    expect(at(0, 0)).toBe(0);
  });

  test('property: equals the per-pixel oracle at any scale and offset (clipped at every edge), with and without a highlight, in a wider buffer', () => {
    const { model, colors } = smallModel();
    const { layout } = model;
    const palette = pixelWords(colors, CHROME);
    const width = 97;
    const height = 61;
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 1.6, noNaN: true }),
        fc.double({ min: -150, max: 80, noNaN: true }),
        fc.double({ min: -150, max: 60, noNaN: true }),
        fc.option(fc.uint8Array({ minLength: layout.cellCount, maxLength: layout.cellCount, max: 1 }), { nil: null }),
        fc.subarray(layout.nodes.map((_, n) => n), { minLength: 0 }),
        fc.integer({ min: 0, max: 9 }),
        (s, ox, oy, highlight, nodes, extra) => {
          // Rows of `stride` words (the renderer's buffer only grows): the first `width` of each row are the picture, the rest untouched.
          const stride = width + extra;
          const words = new Uint32Array(stride * (height + 1));
          writeNodePixels({ words, width, height, stride, layout, nodes, nodeCount: nodes.length, colorIndex: colors.index, highlight, palette, scale: s, offsetX: ox, offsetY: oy });
          const expected = referencePixels(width, height, layout, nodes, colors.index, highlight, palette, s, ox, oy);
          expect(wordsDiffering(words, stride, expected, width, height)).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('property: one cell written on its own (the in-place repaint) is the full draw’s square of it, hatch included, at any scale and offset', () => {
    const { model, colors } = smallModel();
    const { layout } = model;
    const palette = pixelWords(colors, CHROME);
    const width = Math.ceil(layout.width * 1.6) + 20;
    const height = Math.ceil(layout.height * 1.6) + 20;
    const nodes = layout.nodes.map((_, n) => n);
    fc.assert(
      fc.property(fc.double({ min: 0.3, max: 1.6, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), (s, ox, oy) => {
        const words = new Uint32Array(width * height);
        writeNodePixels({ words, width, height, layout, nodes, nodeCount: nodes.length, colorIndex: colors.index, highlight: null, palette, scale: s, offsetX: ox, offsetY: oy });
        const size = cellPixelSize(s);
        const cell = new Uint32Array(size * size);
        let hatchedSeen = 0;
        for (let c = 0; c < layout.cellCount; c++) {
          const px = devicePixel(layout.cellX[c]!, s, ox);
          const py = devicePixel(layout.cellY[c]!, s, oy);
          if (px < 0 || py < 0 || px + size > width || py + size > height) continue;
          const i = colors.index[c]!;
          const hatched = palette.hatched[i] === 1;
          expect(writeCellPixels(cell, size, size, 0, 0, size, palette.lit[i]!, hatched ? palette.hatch : -1)).toBe(true);
          let differ = 0;
          for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) if (cell[dy * size + dx] !== words[(py + dy) * width + px + dx]) differ++;
          expect(differ).toBe(0);
          if (hatched && size >= 4) {
            hatchedSeen++;
            expect(cell[size - 1]).toBe(palette.hatch); // the anti-diagonal's top-right pixel
          }
        }
        if (size >= 4) expect(hatchedSeen).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  test('dimmed colours are the lit ones blended over the node background; words are opaque RGBA', () => {
    const { colors } = smallModel();
    const palette = pixelWords(colors, { node: '#000000', hatch: '#ffffff' });
    // Light-mode Grove blue #0072b2 → bytes r, g, b, a little-endian.
    const grove = colors.palette.indexOf('#0072b2');
    expect(palette.lit[grove]).toBe(((255 << 24) | (0xb2 << 16) | (0x72 << 8) | 0x00) >>> 0);
    const dim = palette.dim[grove]!;
    expect(dim >>> 24).toBe(255);
    expect((dim >>> 16) & 255).toBe(Math.round(0xb2 * 0.18));
    expect(palette.hatch).toBe(0xffffffff);
  });
});

describe('pixel path (writeFramePixels)', () => {
  /** Painter's algorithm: background, then each frame in pre-order, filled, with its outline. */
  function paintedFrames(width: number, height: number, layout: HeatmapLayout, words: { background: number; fill: number[]; stroke: number[] }, s: number, ox: number, oy: number): Uint32Array {
    const out = new Uint32Array(width * height).fill(words.background);
    for (const frame of layout.frames) {
      const fx0 = Math.floor(frame.x * s + ox);
      const fy0 = Math.floor(frame.y * s + oy);
      const fx1 = Math.floor((frame.x + frame.w) * s + ox);
      const fy1 = Math.floor((frame.y + frame.h) * s + oy);
      for (let y = Math.max(0, fy0); y < Math.min(height, fy1); y++)
        for (let x = Math.max(0, fx0); x < Math.min(width, fx1); x++) {
          const edge = x === fx0 || x === fx1 - 1 || y === fy0 || y === fy1 - 1;
          out[y * width + x] = edge ? words.stroke[Math.min(frame.depth, words.stroke.length - 1)]! : words.fill[frame.depth % words.fill.length]!;
        }
    }
    return out;
  }

  test('property: each pixel written once equals painting every frame over its parents, at any scale and offset, clipped', () => {
    // Three visible levels, uneven fan-out, so frames nest and shelves hold several siblings.
    const state = nestedCluster(['zone', 'block', 'rack'], [2, 3, 2, 2], { gpu: 8 });
    const { layout } = buildHeatmapModel(state);
    expect(Math.max(...layout.frames.map((f) => f.depth))).toBe(2);
    const words = { background: 1, fill: [10, 11, 12], stroke: [20, 21] };
    const width = 83;
    const height = 71;
    fc.assert(
      fc.property(
        fc.double({ min: 0.02, max: 0.6, noNaN: true }),
        fc.double({ min: -120, max: 60, noNaN: true }),
        fc.double({ min: -120, max: 60, noNaN: true }),
        fc.integer({ min: 0, max: 7 }),
        (s, ox, oy, extra) => {
          const stride = width + extra;
          const out = new Uint32Array(stride * height);
          writeFramePixels({ words: out, width, height, stride, frames: layout.frames, ...words, scale: s, offsetX: ox, offsetY: oy });
          const expected = paintedFrames(width, height, layout, words, s, ox, oy);
          expect(wordsDiffering(out, stride, expected, width, height)).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('pixel path (writeLayoutPixels: the picture band by band)', () => {
  test('property: the bands, put where they say, are the picture of one full-height write, at any band height, scale and offset', () => {
    const state = nestedCluster(['zone', 'block', 'rack'], [2, 3, 2, 2], { gpu: 8 });
    state.nodes[3]!.unschedulable = true;
    state.pods = [boundPod('a', 'node-0', 3), boundPod('b', 'node-3', 2), boundPod('c', 'node-5', 8)];
    const model = buildHeatmapModel(state);
    const { layout } = model;
    const colors = colorCells(model, 'allocation', 'light');
    const palette = pixelWords(colors, CHROME);
    const frameWords = { background: 1, fill: [10, 11, 12], stroke: [20, 21] };
    const width = 89;
    const height = 73;
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 1.2, noNaN: true }),
        fc.double({ min: -150, max: 60, noNaN: true }),
        fc.double({ min: -150, max: 60, noNaN: true }),
        fc.integer({ min: 1, max: height + 5 }),
        fc.option(fc.uint8Array({ minLength: layout.cellCount, maxLength: layout.cellCount, max: 1 }), { nil: null }),
        fc.subarray(layout.nodes.map((_, n) => n), { minLength: 0 }),
        (s, ox, oy, bandRows, highlight, nodes) => {
          const common = { width, layout, nodes, nodeCount: nodes.length, colorIndex: colors.index, highlight, palette, frames: layout.frames, ...frameWords, scale: s, offsetX: ox, offsetY: oy };
          const whole = new Uint32Array(width * height);
          writeFramePixels({ ...common, words: whole, height });
          writeNodePixels({ ...common, words: whole, height });

          const stride = width + 3; // the renderer's band buffer only grows: rows may be wider than the box
          const band = new Uint32Array(stride * bandRows);
          const picture = new Uint32Array(width * height);
          let nextRow = 0;
          const cells = writeLayoutPixels({ ...common, words: band, height, stride, bandRows }, (firstRow, rows) => {
            expect(firstRow).toBe(nextRow); // bands in order, no gap, no overlap
            expect(rows).toBeGreaterThan(0);
            expect(rows).toBeLessThanOrEqual(bandRows);
            for (let r = 0; r < rows; r++) picture.set(band.subarray(r * stride, r * stride + width), (firstRow + r) * width);
            nextRow = firstRow + rows;
          });
          expect(nextRow).toBe(height);
          expect(wordsDiffering(picture, width, whole, width, height)).toBe(0);
          expect(cells).toBe(nodes.reduce((sum, n) => sum + layout.nodes[n]!.gpus, 0));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('bandBufferSize: the pixel path’s band buffer stays within BAND_WORDS over a session', () => {
  test('a narrow box then a wide one: the wide one gets a buffer of its own width, not the narrow one’s rows (was 2400 × 218 ≈ 2 MB)', () => {
    const narrow = bandBufferSize(null, 300, 2000);
    expect(narrow).toEqual({ width: 300, height: 218, bandRows: 218, grow: true });
    const wide = bandBufferSize(narrow, 2400, 2000);
    expect(wide.grow).toBe(true);
    expect(wide.width * wide.height).toBeLessThanOrEqual(BAND_WORDS);
    expect(wide).toMatchObject({ width: 2400, height: 27, bandRows: 27 });
  });

  test('a narrower or shorter box keeps the buffer; its band is bounded by the buffer’s rows and the box’s height', () => {
    const wide = bandBufferSize(null, 2400, 2000);
    expect(bandBufferSize(wide, 300, 2000)).toEqual({ width: 2400, height: 27, bandRows: 27, grow: false });
    expect(bandBufferSize(wide, 2400, 10)).toEqual({ width: 2400, height: 27, bandRows: 10, grow: false });
  });

  test('a box wider than BAND_WORDS gets one row', () => {
    expect(bandBufferSize(null, BAND_WORDS + 5, 400)).toEqual({ width: BAND_WORDS + 5, height: 1, bandRows: 1, grow: true });
  });

  test('property: over any sequence of boxes the buffer holds ≤ max(BAND_WORDS, widest box) words, and every band fits in it', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ width: fc.integer({ min: 1, max: 100_000 }), height: fc.integer({ min: 1, max: 5000 }) }), { minLength: 1, maxLength: 12 }), (boxes) => {
        let held: { width: number; height: number } | null = null;
        let widest = 0;
        for (const box of boxes) {
          widest = Math.max(widest, box.width);
          const next = bandBufferSize(held, box.width, box.height);
          held = { width: next.width, height: next.height };
          expect(next.width * next.height).toBeLessThanOrEqual(Math.max(BAND_WORDS, widest));
          expect(next.width).toBeGreaterThanOrEqual(box.width);
          expect(next.bandRows).toBeGreaterThanOrEqual(1);
          expect(next.bandRows).toBeLessThanOrEqual(Math.min(box.height, next.height));
        }
      }),
    );
  });
});

describe('frame header text (frameLabelText)', () => {
  const frame = { label: 'nvlink clique 4c8e1f2a…/0', valueLabel: 'clique 4c8e1f2a…/0' };
  const stats = { used: 32, gpus: 32 };
  const within = (chars: number) => (text: string) => text.length <= chars;

  test('what fits, in order: level, value and count; value and count; level and value; the value', () => {
    expect(frameLabelText(frame, stats, within(100))).toBe('nvlink clique 4c8e1f2a…/0 · 32/32');
    expect(frameLabelText(frame, stats, within(26))).toBe('clique 4c8e1f2a…/0 · 32/32');
    expect(frameLabelText(frame, stats, within(25))).toBe('nvlink clique 4c8e1f2a…/0');
    expect(frameLabelText(frame, stats, within(19))).toBe('clique 4c8e1f2a…/0');
  });

  test('nothing fits: the shortest, the value (the canvas squeezes it)', () => {
    expect(frameLabelText(frame, stats, within(3))).toBe('clique 4c8e1f2a…/0');
  });
});


const THEMES: Theme[] = ['light', 'dark'];

/** A cluster with a cell of every allocation status: a Grove pod, another pod, free, cordoned (node-1), tainted (node-3). */
function everyStatus() {
  const state = nestedCluster(['rack'], [2, 2], { gpu: 4 });
  state.nodes[1]!.unschedulable = true;
  state.nodes[3]!.taints = [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }];
  state.pods = [{ ...boundPod('g', 'node-0', 2), labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w' } }, boundPod('o', 'node-2', 1)];
  return buildHeatmapModel(state, { roleOf: () => 'decode' });
}

/** '#rrggbb' of an ImageData word (RGBA bytes, little-endian). */
const wordHex = (word: number) => `#${[0, 8, 16].map((shift) => ((word >>> shift) & 255).toString(16).padStart(2, '0')).join('')}`;

describe('the keyboard cursor: a two-tone ring with ≥ 3:1 against every cell colour and the chrome round it, in both themes (WCAG 1.4.11, 2.4.13)', () => {
  for (const theme of THEMES) {
    const chrome = RENDER_CHROME[theme];
    const model = everyStatus();
    const roleNames = ['prefill', 'decode', 'router', 'leader', ...Array.from({ length: 20 }, (_, i) => `role-${i}`)];
    // A ghost cell's edge is its ring, in the ghost colour.
    const cellColors = new Set<string>([...WORKLOAD_PALETTE[theme], ...roleColors(roleNames, theme).values(), MARK_COLORS[theme].ghost]);
    for (let s = 0; s <= 10; s++) cellColors.add(domainFillColor(s / 10, theme));
    const dimmed = new Set<string>();
    for (const mode of COLOR_MODES) {
      const colors = colorCells(model, mode, theme);
      for (const c of colors.palette) cellColors.add(c);
      for (const word of pixelWords(colors, chrome).dim) dimmed.add(wordHex(word));
    }

    test(`${theme}: the inner band, next to the cell, has ≥ 3:1 against every cell colour of every mode (workload, role, allocation, domain fill, marks)`, () => {
      const weak = [...cellColors].filter((c) => contrastRatio(chrome.focusInner, c) < 3).map((c) => `${c} ${contrastRatio(chrome.focusInner, c).toFixed(2)}:1`);
      expect(weak).toEqual([]);
      // The reviewer's case: Grove workload cells (#0072b2 light, #56b4e9 dark).
      expect(cellColors.has(theme === 'light' ? '#0072b2' : '#56b4e9')).toBe(true);
    });

    test(`${theme}: the outer band has ≥ 3:1 against the background, every frame fill and the node box`, () => {
      for (const surface of [chrome.background, chrome.node, ...chrome.frameFill]) expect(contrastRatio(chrome.focusOuter, surface), surface).toBeGreaterThanOrEqual(3);
    });

    test(`${theme}: the two bands are ≥ 9:1 apart (WCAG C40), so one of them has ≥ 3:1 against any neighbour, dimmed cells included`, () => {
      expect(contrastRatio(chrome.focusOuter, chrome.focusInner)).toBeGreaterThanOrEqual(9);
      for (const c of [...cellColors, ...dimmed]) expect(Math.max(contrastRatio(chrome.focusOuter, c), contrastRatio(chrome.focusInner, c)), c).toBeGreaterThanOrEqual(3);
    });

    test(`${theme}: a frame stroke the ring crosses has ≥ 3:1 against one of the bands (not always the outer one: CHROME's comment says which)`, () => {
      for (const stroke of chrome.frameStroke) expect(Math.max(contrastRatio(chrome.focusOuter, stroke), contrastRatio(chrome.focusInner, stroke)), stroke).toBeGreaterThanOrEqual(3);
      // The comment's figures: dark's outermost stroke against the outer band and the inner one.
      if (theme === 'dark') expect([contrastRatio(chrome.focusOuter, chrome.frameStroke[0]!).toFixed(2), contrastRatio(chrome.focusInner, chrome.frameStroke[0]!).toFixed(1)]).toEqual(['2.46', '7.6']);
    });
  }

  test('the bands are whole device pixels, the inner ≥ 1 CSS pixel and the outer ≥ 2, at any zoom and pixel ratio', () => {
    for (const dpr of [1, 1.25, 1.5, 2, 3])
      for (const k of [0.05, 0.3, 0.5, 1, 2, 8]) {
        const { inner, outer } = focusRingBands(k * dpr, dpr);
        expect(Number.isInteger(inner) && Number.isInteger(outer)).toBe(true);
        expect(inner / dpr).toBeGreaterThanOrEqual(1);
        expect(outer / dpr).toBeGreaterThanOrEqual(2);
      }
  });

  /** Offsets in thousandths of a pixel (no subnormal doubles, whose floor is a pixel away from them). */
  const offset = fc.integer({ min: -300_000, max: 300_000 }).map((v) => v / 1000);

  test('property: the ring sits right round the cell as drawn: its pixel square in the pixel path, its scaled square widened to whole pixels otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.double({ min: 0.05, max: 6, noNaN: true }), offset, offset, (x, y, s, ox, oy) => {
        const pixel = cellDeviceBox(x, y, s, ox, oy, true);
        expect(pixel).toEqual({ x0: devicePixel(x, s, ox), y0: devicePixel(y, s, oy), x1: devicePixel(x, s, ox) + cellPixelSize(s), y1: devicePixel(y, s, oy) + cellPixelSize(s) });
        const vector = cellDeviceBox(x, y, s, ox, oy, false);
        for (const [edge, exact] of [
          [vector.x0, x * s + ox],
          [vector.y0, y * s + oy],
          [vector.x1, (x + CELL) * s + ox],
          [vector.y1, (y + CELL) * s + oy],
        ] as const) {
          expect(Number.isInteger(edge)).toBe(true);
          expect(Math.abs(edge - exact)).toBeLessThan(1);
        }
        expect(vector.x0 <= x * s + ox && vector.x1 >= (x + CELL) * s + ox).toBe(true);
      }),
    );
  });

});

/** A 2D context that records each fill and stroke with its style and its path's SVG data. */
class RecordingCanvas implements MarkCanvas<SvgPathData> {
  fillStyle: unknown = '';
  strokeStyle: unknown = '';
  lineWidth = 1;
  private dash: number[] = [];
  readonly ops: Record<string, string>[] = [];
  setLineDash(segments: number[]): void {
    this.dash = segments;
  }
  fill(path: SvgPathData): void {
    this.ops.push({ d: path.d, fill: String(this.fillStyle) });
  }
  stroke(path: SvgPathData): void {
    this.ops.push({ d: path.d, fill: 'none', stroke: String(this.strokeStyle), width: String(this.lineWidth), ...(this.dash.length ? { dash: this.dash.join(' ') } : {}) });
  }
}

/** The <path>s of mark `kind` in an SVG swatch's markup, as the recording canvas writes them. */
function swatchPaths(html: string, kind: MarkKind): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<path data-mark="${kind}"([^>]*?)/?>`, 'g'))].map(([, attributes]) => {
    const attr = (name: string) => new RegExp(` ${name}="([^"]*)"`).exec(attributes!)?.[1];
    const stroke = attr('stroke');
    const dash = attr('stroke-dasharray');
    return { d: attr('d')!, fill: attr('fill')!, ...(stroke ? { stroke, width: attr('stroke-width')! } : {}), ...(dash ? { dash } : {}) };
  });
}

describe('the legend’s swatches draw what the canvas draws (one description of each mark, colors.ts markShapes)', () => {
  const { cell, size } = SWATCH;
  for (const theme of THEMES) {
    test(`${theme}: hatch and ghost on a cell, cordoned and tainted outlines on a node box, at 100 %`, () => {
      for (const kind of ['hatch', 'ghost'] as const) {
        const canvas = new RecordingCanvas();
        drawCellMarks(canvas, kind, theme, 1, { cellX: [cell.x], cellY: [cell.y] }, [0], () => new SvgPathData());
        const html = renderToStaticMarkup(createElement(Swatch, { theme, color: '#123456', cellMarks: [kind] }));
        expect(canvas.ops.length, kind).toBeGreaterThan(0);
        expect(swatchPaths(html, kind), kind).toEqual(canvas.ops);
      }
      for (const kind of ['unavailableNode', 'taintedNode'] as const) {
        const canvas = new RecordingCanvas();
        drawBoxMarks(canvas, kind, theme, 1, [{ x: 0, y: 0, w: size, h: size }], () => new SvgPathData());
        const html = renderToStaticMarkup(createElement(Swatch, { theme, nodeMark: kind }));
        expect(canvas.ops.length, kind).toBeGreaterThan(0);
        expect(swatchPaths(html, kind), kind).toEqual(canvas.ops);
      }
    });
  }

  test('the legend gives each entry its marks: cordoned / NotReady its hatch and dashed outline, the tainted node its dotted one, Planned the ghost', () => {
    const model = everyStatus();
    const html = renderToStaticMarkup(createElement(Legend, { entries: colorCells(model, 'allocation', 'light').legend, selected: null, onSelect: () => undefined, ghostCount: 3 }));
    const item = (testId: string) => new RegExp(`<li[^>]*data-testid="${testId}"[^>]*>(.*?)</li>`).exec(html)?.[1] ?? '';
    const marks = (fragment: string) => [...new Set([...fragment.matchAll(/data-mark="([^"]+)"/g)].map((m) => m[1]))];
    expect(marks(item('legend-unavailable-node'))).toEqual(['cell', 'hatch', 'unavailableNode']);
    expect(marks(item('legend-tainted-node'))).toEqual(['taintedNode']);
    expect(marks(item('legend-planned'))).toEqual(['ghost']);
    expect(item('legend-planned')).toContain('Planned (preview)');
  });

  test('a ghost is not drawn like an unavailable cell: hollow (the node box inside a ring, a dot in the middle), with no diagonal', () => {
    for (const theme of THEMES) {
      const canvas = new RecordingCanvas();
      drawCellMarks(canvas, 'ghost', theme, 1, { cellX: [0], cellY: [0] }, [0], () => new SvgPathData());
      const hatch = new RecordingCanvas();
      drawCellMarks(hatch, 'hatch', theme, 1, { cellX: [0], cellY: [0] }, [0], () => new SvgPathData());
      expect(canvas.ops.map((op) => op.d)).not.toContain(hatch.ops[0]!.d);
      expect(canvas.ops[0]).toEqual({ d: `M0 0h${CELL}v${CELL}h-${CELL}Z`, fill: RENDER_CHROME[theme].node });
      expect(canvas.ops.map((op) => (op.stroke ? 'ring' : 'fill'))).toEqual(['fill', 'ring', 'fill']);
    }
  });
});

describe('a ghost stays visible at any zoom', () => {
  const ZOOMS = [0.001, 0.05, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 1, 4];
  test('its ring leaves a hollow of ≥ 2 CSS pixels (a whole device pixel wherever the cell falls); on a cell too small for that it drops out, and no ghost-coloured square is drawn', () => {
    for (const theme of THEMES)
      for (const k of ZOOMS) {
        const canvas = new RecordingCanvas();
        drawCellMarks(canvas, 'ghost', theme, k, { cellX: [0], cellY: [0] }, [0], () => new SvgPathData());
        const ghostColoured = canvas.ops.filter((op) => op.stroke === MARK_COLORS[theme].ghost || op.fill === MARK_COLORS[theme].ghost);
        const ring = canvas.ops.find((op) => op.stroke === MARK_COLORS[theme].ghost);
        if (ring) {
          const [x, y, w] = ring.d!.match(/-?[\d.]+/g)!.map(Number) as [number, number, number];
          const width = Number(ring.width);
          // The stroke lies inside the cell from its edge, and leaves ≥ 2 CSS pixels between its inner edges.
          expect(x - width / 2, `${theme} k=${k}`).toBeCloseTo(0, 9);
          expect(y).toBe(x);
          expect((w - width) * k, `${theme} k=${k}`).toBeGreaterThanOrEqual(2 - 1e-9);
        } else {
          // Too small for the ring: the hollow alone (the dot needs a 6 px cell), in the node box's colour.
          expect(ghostColoured, `${theme} k=${k}`).toEqual([]);
          expect(canvas.ops, `${theme} k=${k}`).toEqual([{ d: `M0 0h${CELL}v${CELL}h-${CELL}Z`, fill: RENDER_CHROME[theme].node }]);
        }
        // The ring shows from 4 CSS pixel cells up (k = 0.4), the hollow alone below.
        expect(ring !== undefined, `${theme} k=${k}`).toBe(CELL * k >= 4);
      }
  });

  test('on a cell too small for the ring, the ghost (its hollow) has ≥ 3:1 against every cell colour of every mode, and so is drawn like no other cell', () => {
    for (const theme of THEMES) {
      const model = everyStatus();
      const roleNames = ['prefill', 'decode', 'router', 'leader', ...Array.from({ length: 20 }, (_, i) => `role-${i}`)];
      const cellColors = new Set<string>([...WORKLOAD_PALETTE[theme], ...roleColors(roleNames, theme).values()]);
      for (let s = 0; s <= 10; s++) cellColors.add(domainFillColor(s / 10, theme));
      for (const mode of COLOR_MODES) for (const c of colorCells(model, mode, theme).palette) cellColors.add(c);
      const canvas = new RecordingCanvas();
      drawCellMarks(canvas, 'ghost', theme, 0.2, { cellX: [0], cellY: [0] }, [0], () => new SvgPathData());
      const drawn = canvas.ops.map((op) => op.fill);
      expect(drawn).toHaveLength(1);
      const weak = [...cellColors].filter((c) => contrastRatio(drawn[0]!, c) < 3).map((c) => `${c} ${contrastRatio(drawn[0]!, c).toFixed(2)}:1`);
      expect(weak).toEqual([]);
    }
  });
});

describe('node outlines keep their dash pattern at any zoom', () => {
  const box = { x: 0, y: 0, w: 52, h: 28 };
  const outline = (kind: 'unavailableNode' | 'taintedNode', theme: Theme, k: number) => {
    const canvas = new RecordingCanvas();
    drawBoxMarks(canvas, kind, theme, k, [box], () => new SvgPathData());
    const op = canvas.ops[0]!;
    // In CSS pixels: the stroke's width, and its dash and gap.
    const [dash, gap] = op.dash!.split(' ').map((v) => Number(v) * k) as [number, number];
    return { width: Number(op.width) * k, dash, gap };
  };

  test('the pattern scales with the stroke: the same in line widths at every zoom, its gaps as wide as the line at least, so cordoned (dashed) and tainted (dotted) differ by shape, not colour alone', () => {
    for (const theme of THEMES) {
      const at100 = { dashed: outline('unavailableNode', theme, 1), dotted: outline('taintedNode', theme, 1) };
      for (const k of [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 4, 8]) {
        const dashed = outline('unavailableNode', theme, k);
        const dotted = outline('taintedNode', theme, k);
        for (const [name, p, ref] of [
          ['dashed', dashed, at100.dashed],
          ['dotted', dotted, at100.dotted],
        ] as const) {
          expect(p.dash / p.width, `${theme} ${name} k=${k}`).toBeCloseTo(ref.dash / ref.width, 9);
          expect(p.gap / p.width, `${theme} ${name} k=${k}`).toBeCloseTo(ref.gap / ref.width, 9);
          expect(p.gap, `${theme} ${name} k=${k}: the gap is as wide as the line`).toBeGreaterThanOrEqual(p.width - 1e-9);
        }
        // Dashes at least twice as long as dots, both with a gap: two patterns, at any zoom.
        expect(dashed.dash / dashed.width).toBeGreaterThanOrEqual((2 * dotted.dash) / dotted.width);
      }
      // At 100 %: 3 px dashes with 2 px gaps, 1 px dots with 1.5 px gaps, 1.5 px lines.
      expect(at100).toEqual({ dashed: { width: 1.5, dash: 3, gap: 2 }, dotted: { width: 1.5, dash: 1, gap: 1.5 } });
    }
  });
});

describe('the legend says what the cluster has', () => {
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  test('one wording for cordoned / NotReady; "(none)" where nothing on the map has it', () => {
    const plain = buildHeatmapModel(nestedCluster(['rack'], [1, 2], { gpu: 2 }));
    const html = text(renderToStaticMarkup(createElement(Legend, { entries: colorCells(plain, 'allocation', 'light').legend, selected: null, onSelect: () => undefined, ghostCount: 0 })));
    expect(html.match(/cordoned/gi)).toHaveLength(1);
    expect(html).toContain('Cordoned / NotReady node (none)');
    expect(html).toContain('Tainted node (NoSchedule / NoExecute, not on every GPU node) (none)');
    expect(html).not.toContain('Free (none)');
    const marked = text(renderToStaticMarkup(createElement(Legend, { entries: colorCells(everyStatus(), 'allocation', 'light').legend, selected: null, onSelect: () => undefined, ghostCount: 0 })));
    expect(marked).not.toContain('(none)');
  });
});
