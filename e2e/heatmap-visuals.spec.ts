import { expect, test, type Page } from '@playwright/test';
import type { KubeObject } from '../lib/grove/meta';
import { contrastRatio, NODE_BOX, SWATCH, type Theme } from '../lib/heatmap/colors';
import { CELL } from '../lib/heatmap/layout';
import { CELL_GROVE, CELL_UNAVAILABLE } from '../lib/heatmap/model';
import { rackPackedPcs } from './support/manifests';
import { collectErrors } from './support/page';
import { holdStream, liveStreamSnapshot } from './support/stream';

/**
 * What the topology heatmap's pictures say, read from the canvas's pixels in Chromium, in both themes:
 * the keyboard cursor stands out on the cells it sits on, a planned (preview) GPU is not drawn like an
 * unavailable one, and the legend's swatches are the canvas's own drawing. The demo cluster has no
 * cordoned node, so that test runs the page on the server's snapshot with one node cordoned (an
 * EventSource stand-in, e2e/support/stream.ts): the server's cluster is left as it is.
 */

async function heatmapReady(page: Page): Promise<void> {
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.length > 0);
}

/** A cell's drawn corner on the canvas in device pixels, and the device pixels per model unit. */
async function cellCorner(page: Page, cell: number): Promise<{ left: number; top: number; scale: number }> {
  return page.evaluate((cell) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="heatmap-canvas"]')!;
    const h = window.__canopyHeatmap!;
    const { k, x, y } = h.currentZoom()!;
    const scale = k * (canvas.width / canvas.getBoundingClientRect().width);
    return { left: Math.floor(h.model.layout.cellX[cell]! * scale + x * (scale / k)), top: Math.floor(h.model.layout.cellY[cell]! * scale + y * (scale / k)), scale };
  }, cell);
}

/** The canvas's colours ('#rrggbb') at these device pixels. */
async function canvasColors(page: Page, points: readonly (readonly [number, number])[]): Promise<string[]> {
  return page.evaluate((points) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="heatmap-canvas"]')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const hex = (v: number) => v.toString(16).padStart(2, '0');
    return points.map(([x, y]) => {
      const at = 4 * (y * canvas.width + x);
      return `#${hex(data[at]!)}${hex(data[at + 1]!)}${hex(data[at + 2]!)}`;
    });
  }, points);
}

/**
 * The canvas's colours at a GRID × GRID grid of points over a cell (centres of equal parts of its
 * square), row by row: the same grid at any zoom, so two cells can be compared point by point.
 */
const GRID = 10;
async function cellGrid(page: Page, cell: number): Promise<string[]> {
  const { left, top, scale } = await cellCorner(page, cell);
  const at = (i: number) => Math.floor(((i + 0.5) / GRID) * CELL * scale);
  return canvasColors(
    page,
    Array.from({ length: GRID * GRID }, (_, p) => [left + at(p % GRID), top + at(Math.floor(p / GRID))] as const),
  );
}

/** Perceived lightness (0 … 1) of '#rrggbb': what tells two cells apart without colour. */
const lightness = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const channelDistance = (a: string, b: string) => Math.max(...[1, 3, 5].map((i) => Math.abs(parseInt(a.slice(i, i + 2), 16) - parseInt(b.slice(i, i + 2), 16))));

for (const theme of ['light', 'dark'] as Theme[]) {
  test.describe(`heatmap visuals (${theme})`, () => {
    test.use({ colorScheme: theme, reducedMotion: 'reduce' });

    test('the keyboard cursor on a Grove workload GPU has ≥ 3:1 against that GPU’s colour right next to it, where its neighbour has the same colour', async ({ page }) => {
      const errors = collectErrors(page);
      await page.goto('/topology');
      await heatmapReady(page);
      // A Grove GPU whose left neighbour on the same node is a Grove GPU too (allocation mode: one colour).
      const target = await page.evaluate((grove) => {
        const { model } = window.__canopyHeatmap!;
        for (let c = 1; c < model.layout.cellCount; c++) if (model.cellStatus[c] === grove && model.cellStatus[c - 1] === grove && model.layout.cellNode[c] === model.layout.cellNode[c - 1] && model.layout.cellY[c] === model.layout.cellY[c - 1]) return c;
        return -1;
      }, CELL_GROVE);
      expect(target).toBeGreaterThan(0);
      // The cursor starts on the first GPU in view (the fitted view shows them all) and walks GPU by GPU.
      await page.getByTestId('heatmap-canvas').focus();
      for (let i = 0; i <= target; i++) await page.keyboard.press('ArrowRight');
      await expect.poll(() => page.evaluate(() => window.__canopyHeatmap!.focusedCell())).toBe(target);
      // From the cell's left edge outwards, as far as the ring reaches (3 CSS pixels zoomed out), at its middle row.
      const { left, top, scale } = await cellCorner(page, target);
      const ratio = scale / (await page.evaluate(() => window.__canopyHeatmap!.currentZoom()!.k));
      const middle = top + Math.floor((CELL * scale) / 2);
      const [cellColor, ...strip] = await canvasColors(page, [
        [left + Math.floor((CELL * scale) / 2), middle],
        ...Array.from({ length: Math.ceil(3 * ratio) }, (_, d) => [left - 1 - d, middle] as const),
      ]);
      const best = Math.max(...strip.map((c) => contrastRatio(c, cellColor!)));
      expect(best, `cell ${cellColor}, ring ${strip.join(' ')}`).toBeGreaterThanOrEqual(3);
      expect(errors).toEqual([]);
    });

    test('the legend lists what the map can show: no "router" (it holds no GPU), and cordoned / NotReady once, saying none', async ({ page }) => {
      await page.goto('/topology');
      await heatmapReady(page);
      const legend = page.getByTestId('heatmap-legend');
      await expect(page.getByTestId('legend-unavailable-node')).toHaveText('Cordoned / NotReady node(none)');
      await expect(legend.getByText(/cordoned/i)).toHaveCount(1);
      await page.getByRole('radio', { name: 'By role' }).check();
      await expect(legend.getByRole('listitem').filter({ hasText: /^\s*decode\s*(\(shared colour\))?\s*$/ })).toBeVisible();
      await expect(legend.getByRole('listitem').filter({ hasText: /^\s*router\b/ })).toHaveCount(0);
    });

    test('a planned GPU is not drawn like a cordoned one (point by point, in lightness alone), and the legend’s Planned swatch is the canvas’s ghost at 100 %', async ({ page }) => {
      const errors = collectErrors(page);
      await page.goto('/topology');
      const snapshot = await liveStreamSnapshot(page);
      const nodes = snapshot.kinds.Node!.items as (KubeObject & { spec?: { unschedulable?: boolean } })[];
      const busy = new Set((snapshot.kinds.Pod!.items as { spec?: { nodeName?: string } }[]).map((p) => p.spec?.nodeName));
      const idle = nodes.filter((n) => !busy.has(n.metadata!.name!));
      const cordoned = idle.at(-1)!.metadata!.name!;
      idle.at(-1)!.spec = { ...idle.at(-1)!.spec, unschedulable: true };
      await holdStream(page, JSON.stringify(snapshot));
      await page.goto('/topology');
      await heatmapReady(page);

      await page.getByLabel('Paste or drop a PodCliqueSet').fill(rackPackedPcs('visuals-ghost', 1, 4));
      await page.getByRole('button', { name: 'Preview placement' }).click();
      await expect(page.getByTestId('ghost-count')).toHaveText('4');
      const cells = await page.evaluate(
        ({ name, unavailable }) => {
          const h = window.__canopyHeatmap!;
          const box = h.model.layout.nodes.find((b) => b.name === name)!;
          return { ghost: h.ghostCells[0]!, cordoned: box.firstCell, cordonedFree: h.model.cellStatus[box.firstCell] === unavailable };
        },
        { name: cordoned, unavailable: CELL_UNAVAILABLE },
      );
      expect(cells.cordonedFree).toBe(true);

      const ghost = await cellGrid(page, cells.ghost);
      const unavailable = await cellGrid(page, cells.cordoned);
      // Hollow: the node box shows through the ghost's inside, a run of points across a row; an unavailable
      // cell is filled (its thin diagonal hatch, light on dark, crosses a row at one point).
      const hollow = (grid: string[]) => {
        let longest = 0;
        for (let row = 0; row < GRID; row++)
          for (let run = 0, i = 0; i < GRID; i++) longest = Math.max(longest, (run = channelDistance(grid[row * GRID + i]!, NODE_BOX[theme]) <= 12 ? run + 1 : 0));
        return longest;
      };
      expect(hollow(ghost), ghost.join(' ')).toBeGreaterThanOrEqual(4);
      expect(hollow(unavailable), unavailable.join(' ')).toBeLessThanOrEqual(2);
      // Told apart without colour: at most points the two differ in lightness by a quarter of the scale.
      const apart = ghost.filter((c, i) => Math.abs(lightness(c) - lightness(unavailable[i]!)) >= 0.25).length / ghost.length;
      expect(apart, `ghost ${ghost.join(' ')}\ncordoned ${unavailable.join(' ')}`).toBeGreaterThanOrEqual(0.4);

      // The legend: cordoned / NotReady is present now.
      await expect(page.getByTestId('legend-unavailable-node')).toHaveText('Cordoned / NotReady node');

      // At 100 % (one CSS pixel per model unit), the legend's Planned swatch and the ghost on the canvas, pixel by
      // pixel: zoomed by the URL (z=k,x,y) with the ghost cell on whole pixels, the preview kept in the URL's fragment.
      await expect(page.getByTestId('legend-planned').getByTestId('legend-swatch')).toBeVisible();
      const url = new URL(page.url());
      const target = await page.evaluate((cell) => {
        const h = window.__canopyHeatmap!;
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="heatmap-canvas"]')!;
        const box = canvas.getBoundingClientRect();
        return { x: Math.round(box.width / 2 - h.model.layout.cellX[cell]!), y: Math.round(box.height / 2 - h.model.layout.cellY[cell]!) };
      }, cells.ghost);
      url.searchParams.set('z', `1,${target.x},${target.y}`);
      await page.goto(url.toString());
      await heatmapReady(page);
      await expect(page.getByTestId('ghost-count')).toHaveText('4');
      await expect.poll(() => page.evaluate(() => window.__canopyHeatmap!.currentZoom()?.k)).toBe(1);
      const atFull = await page.evaluate(
        async ({ cell, swatchCell }) => {
          const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="heatmap-canvas"]')!;
          const svg = document.querySelector('[data-testid="legend-planned"] [data-testid="legend-swatch"]')!;
          const image = new Image();
          image.src = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }));
          await image.decode();
          const raster = document.createElement('canvas');
          raster.width = image.width;
          raster.height = image.height;
          const rctx = raster.getContext('2d')!;
          rctx.drawImage(image, 0, 0);
          const drawn = rctx.getImageData(swatchCell.x, swatchCell.y, swatchCell.w, swatchCell.h).data;
          const h = window.__canopyHeatmap!;
          const { k, x, y } = h.currentZoom()!;
          const left = h.model.layout.cellX[cell]! * k + x;
          const top = h.model.layout.cellY[cell]! * k + y;
          const onCanvas = canvas.getContext('2d')!.getImageData(left, top, swatchCell.w, swatchCell.h).data;
          let total = 0;
          let worst = 0;
          for (let i = 0; i < drawn.length; i += 4)
            for (let ch = 0; ch < 3; ch++) {
              const d = Math.abs(drawn[i + ch]! - onCanvas[i + ch]!);
              total += d;
              worst = Math.max(worst, d);
            }
          return { aligned: Number.isInteger(left) && Number.isInteger(top), ratio: canvas.width / canvas.getBoundingClientRect().width, mean: total / ((drawn.length / 4) * 3), worst };
        },
        { cell: cells.ghost, swatchCell: SWATCH.cell },
      );
      expect(atFull.aligned && atFull.ratio === 1, JSON.stringify(atFull)).toBe(true);
      // Anti-aliasing of the ring's half-covered pixel row may differ a little between SVG and canvas rasterisers.
      expect(atFull.mean, JSON.stringify(atFull)).toBeLessThan(4);
      expect(atFull.worst, JSON.stringify(atFull)).toBeLessThan(48);
      expect(errors).toEqual([]);
    });
  });
}
