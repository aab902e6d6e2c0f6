import { chromium, expect, test, type Page } from '@playwright/test';

/**
 * With classic scrollbars (Chrome on Linux and Windows; Playwright hides them unless told not to), the
 * topology page's map box, whose height follows its width, turned the page's scrollbar on and off
 * without end at window heights within a few pixels of the page's own: the scrollbar took width, the
 * box grew shorter (or taller), the page no longer (or again) overflowed. The page keeps room for its
 * scrollbar (app/globals.css), so its width, and the map, stay still at every height; the pages as
 * tall as the window keep none.
 */

/**
 * The width the page lays out in (the body's): the window's less the scrollbar or the room kept for it.
 * (The root's clientWidth is the window's less a scrollbar shown, kept room or not.)
 */
const pageWidth = (page: Page) => page.evaluate(() => document.body.getBoundingClientRect().width);

/** How often the page's width changed in `ms` with nothing done (0 when still). */
const widthChanges = (page: Page, ms: number) =>
  page.evaluate(
    (ms) =>
      new Promise<number>((resolve) => {
        const width = () => document.body.getBoundingClientRect().width;
        let last = width();
        let changes = 0;
        const observer = new ResizeObserver(() => {
          if (width() !== last) (changes++, (last = width()));
        });
        observer.observe(document.body);
        setTimeout(() => (observer.disconnect(), resolve(changes)), ms);
      }),
    ms,
  );

const pageHeight = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);

test('the topology page does not turn its scrollbar on and off at a window height near its own', async ({ launchOptions, baseURL }) => {
  test.setTimeout(120_000);
  const browser = await chromium.launch({ ...launchOptions, ignoreDefaultArgs: ['--hide-scrollbars'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 3000 } });
    await page.goto(`${baseURL}/topology`);
    await expect(page.getByTestId('heatmap-canvas')).toBeVisible();
    await expect(page.getByTestId('domain-table')).toBeAttached();
    // Taller than the page: nothing to scroll, yet the scrollbar's room is kept.
    const roomy = await pageWidth(page);
    expect(roomy).toBeLessThan(1280);
    // The page's height with that width; the heights around it are where the scrollbar flipped.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await expect.poll(() => pageHeight(page)).toBeGreaterThan(1000);
    const own = await pageHeight(page);
    expect(await pageWidth(page)).toBe(roomy);
    for (let height = own - 12; height <= own + 12; height += 1) {
      await page.setViewportSize({ width: 1280, height });
      await page.waitForTimeout(100);
      expect(await widthChanges(page, 300), `window ${height} px high (the page is ${own})`).toBe(0);
      expect(await pageWidth(page), `window ${height} px high`).toBe(roomy);
    }
    // The builder is as tall as the window and never scrolls as a whole: it keeps no room.
    await page.goto(`${baseURL}/builder`);
    await expect(page.locator('.canopy-fills-window')).toBeAttached();
    expect(await pageWidth(page)).toBe(1280);
  } finally {
    await browser.close();
  }
});
