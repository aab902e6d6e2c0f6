import { expect, test, type Page } from '@playwright/test';

/**
 * The builder page and canvas as a review found them; each test is a finding's steps.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

async function open(page: Page): Promise<void> {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(page.locator('.react-flow__pane')).toBeVisible();
}

test('under the cluster banner the builder fills the window and the page itself never scrolls', async ({ page }) => {
  // The page was 100dvh - 3rem tall, under a 3rem header and the banner too; and the inspector's visually
  // hidden labels, placed from outside its scrolling pane, reached below the window. 1000 px wide, the
  // banner wraps onto more lines.
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1000, height: 700 },
  ]) {
    await page.setViewportSize(viewport);
    await open(page);
    await expect(page.getByTestId('simulated-banner')).toBeVisible();
    const m = await page.evaluate(() => ({
      scrollHeight: document.scrollingElement!.scrollHeight,
      window: window.innerHeight,
      bottom: document.querySelector('[data-testid="builder"]')!.getBoundingClientRect().bottom,
    }));
    expect(m.scrollHeight, `document height at ${viewport.width}x${viewport.height}`).toBeLessThanOrEqual(m.window);
    // …and it takes the whole window down to its bottom edge.
    expect(Math.abs(m.bottom - m.window), `builder bottom at ${viewport.width}x${viewport.height}`).toBeLessThanOrEqual(1);
  }
});
