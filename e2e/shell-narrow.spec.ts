import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/**
 * The app shell at a phone's width (390 px): the header wraps onto a second row instead of spilling past
 * the right edge, so the page does not scroll sideways, every header control is on screen, and Tab
 * reaches each of them in the order they are read, in light and dark mode.
 */

test.use({ viewport: { width: 390, height: 800 } });

const NAV = ['Topology', 'Builder', 'Workloads', 'Validate'] as const;

/** How far the document reaches past the window's right edge, in CSS pixels (0: no sideways scroll). */
const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The header's controls in Tab order, as focus finds them: the home link, the links of the main nav, the cluster status, the theme switch. */
function headerControls(page: Page) {
  const header = page.getByRole('banner');
  const nav = header.getByRole('navigation', { name: 'Main' });
  return [header.getByRole('link', { name: 'Canopy' }), ...NAV.map((name) => nav.getByRole('link', { name })), header.getByRole('button', { name: /^Cluster:/ }), header.getByRole('button', { name: 'Dark mode' })];
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test('at 390 px the header fits: no sideways scroll, every control on screen and none overlapping another, and it passes axe', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1, name: 'Canopy' })).toBeVisible();
      // The cluster status has its label once the server said which cluster this is: its full width.
      await expect(page.getByRole('banner').getByRole('button', { name: /^Cluster:/ })).toContainText('Simulated');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      const boxes = [];
      for (const control of headerControls(page)) {
        await expect(control).toBeInViewport({ ratio: 1 });
        boxes.push((await control.boundingBox())!);
      }
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          expect(apart, `header controls ${JSON.stringify(a)} and ${JSON.stringify(b)} overlap`).toBe(true);
        }
      }

      // The cluster panel opens below its button within the window too.
      await page.getByRole('banner').getByRole('button', { name: /^Cluster:/ }).click();
      await expect(page.getByRole('group', { name: 'Cluster connection' })).toBeInViewport({ ratio: 1 });
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      // Wrapped, with the panel open: still no WCAG 2.1 A/AA violation in the header (contrast included).
      const { violations } = await new AxeBuilder({ page }).include('header').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });

    test('at 390 px Tab reaches every header control in reading order, each on screen, and Enter follows a link', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1, name: 'Canopy' })).toBeVisible();
      await page.keyboard.press('Tab');
      await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
      for (const control of headerControls(page)) {
        await page.keyboard.press('Tab');
        await expect(control).toBeFocused();
        await expect(control).toBeInViewport({ ratio: 1 });
      }
      // Back past the cluster status and Validate to Workloads.
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workloads' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/workloads$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Workloads' })).toBeVisible();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    });
  });
}

test.describe('wide window', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the header stays one row of 3rem, border included (pages size themselves to the window less 3rem)', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('banner').getByRole('button', { name: /^Cluster:/ })).toContainText('Simulated');
    expect((await page.getByRole('banner').boundingBox())!.height).toBe(48);
    const tops = await Promise.all(headerControls(page).map(async (c) => (await c.boundingBox())!.y));
    expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(16);
  });
});
