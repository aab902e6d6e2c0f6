import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './support/page';

/**
 * The pages under the app header at a phone's width (390x800), where the header wraps to two rows, and on
 * a wide window (1280x800), where it is one row of 3rem: no page scrolls sideways; validate and the builder,
 * which size themselves to the window, take exactly what the header and the cluster banner leave; the
 * builder's panes are stacked and each reachable by keyboard; and the topology map a table row scrolls to
 * lands below the header whatever its height. In light and dark mode.
 */

const PHONE = { width: 390, height: 800 };
const WIDE = { width: 1280, height: 800 };

/** How far the document reaches past the window's right edge, in CSS pixels (0: no sideways scroll). */
const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The sticky header's bottom edge in the window. */
const headerBottom = (page: Page) => page.evaluate(() => document.querySelector('header')!.getBoundingClientRect().bottom);

/**
 * How validate sits in the window. The page sizes itself to the window (app/globals.css): it starts where
 * main starts (below the header and the banner) and ends at the window's bottom edge, so the document
 * scrolls vertically by nothing more than what its floor (36rem) needs, which at 800 px high is nothing.
 */
const validateFit = (page: Page) =>
  page.evaluate(() => {
    const box = document.querySelector('h1')!.closest('main > div')!.getBoundingClientRect();
    const main = document.querySelector('main')!.getBoundingClientRect();
    const root = document.documentElement;
    return { verticalScroll: root.scrollHeight - root.clientHeight, top: box.top, mainTop: main.top, bottom: box.bottom, window: innerHeight, height: box.height };
  });

const openValidate = async (page: Page) => {
  await page.goto('/validate');
  await expect(page.locator('.cm-content')).toBeVisible();
};

const openBuilder = async (page: Page) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
};

const openTopology = async (page: Page) => {
  await page.goto('/topology');
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.length > 0);
};

/** Each page once it shows what it is for (its data, for the ones that stream it). */
const PAGES: readonly { path: string; open: (page: Page) => Promise<void> }[] = [
  { path: '/validate', open: openValidate },
  { path: '/builder', open: openBuilder },
  { path: '/topology', open: openTopology },
  {
    path: '/workloads',
    open: async (page) => {
      await page.goto('/workloads');
      await expect(page.getByTestId('workload-row').first()).toBeVisible({ timeout: 20_000 });
    },
  },
  {
    path: '/workloads/default/llama-disagg',
    open: async (page) => {
      await page.goto('/workloads/default/llama-disagg');
      await expect(page.locator('[data-testid="podclique"][data-name="llama-disagg-0-decode"]').getByTestId('pod')).toHaveCount(4, { timeout: 20_000 });
    },
  },
];

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test.describe('at 390x800', () => {
      test.use({ viewport: PHONE });

      for (const { path, open } of PAGES) {
        test(`${path} does not scroll sideways`, async ({ page }) => {
          const errors = collectErrors(page);
          await open(page);
          // The header has wrapped: this is the phone layout.
          expect(await headerBottom(page)).toBeGreaterThan(48);
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          expect(errors).toEqual([]);
        });
      }

      test('validate fills the window below the two-row header and the banner, with the example loaded too, and no sideways scroll', async ({ page }) => {
        await openValidate(page);
        for (const step of ['empty', 'example'] as const) {
          if (step === 'example') {
            await page.getByRole('button', { name: 'Load example', exact: true }).click();
            await expect(page.getByTestId('findings-summary')).not.toHaveText('Nothing to check');
          }
          const fit = await validateFit(page);
          expect(fit.verticalScroll, `${step}: the document scrolls down by`).toBeLessThanOrEqual(0);
          expect(Math.abs(fit.top - fit.mainTop), `${step}: page top against main's`).toBeLessThanOrEqual(1);
          expect(Math.abs(fit.bottom - fit.window), `${step}: page bottom against the window's`).toBeLessThanOrEqual(1);
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        }
        // The editor is no wider than the window (a long line scrolls inside it) and takes the keyboard.
        const editor = page.getByRole('textbox', { name: 'YAML manifest' });
        const box = (await page.locator('.cm-editor').boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
        await page.getByRole('button', { name: 'Clear' }).focus();
        await page.keyboard.press('Tab');
        await expect(editor).toBeFocused();
        await page.keyboard.type('kind: PodCliqueSet');
        await expect(page.locator('.cm-content')).toContainText('kind: PodCliqueSet');
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      });

      test('the builder stacks palette, canvas, inspector and YAML in the window: each usable and reached by Tab, below the header, none past the right edge', async ({ page }) => {
        const errors = collectErrors(page);
        await openBuilder(page);
        const top = await headerBottom(page);
        const builder = page.getByTestId('builder');
        // The builder fills the window and the page itself does not scroll: its panes scroll inside it.
        const fit = await builder.evaluate((el) => ({ bottom: el.getBoundingClientRect().bottom, scroll: document.documentElement.scrollHeight - document.documentElement.clientHeight }));
        expect(fit.scroll).toBeLessThanOrEqual(0);
        expect(Math.abs(fit.bottom - PHONE.height)).toBeLessThanOrEqual(1);

        // From the toolbar's last button, Tab goes to the palette; Enter adds a clique to the canvas.
        await page.getByRole('toolbar', { name: 'Builder' }).getByRole('button', { name: 'Apply…' }).focus();
        await page.keyboard.press('Tab');
        const router = page.getByTestId('palette-frontend');
        await expect(router).toBeFocused();
        await page.keyboard.press('Enter');
        await expect(page.locator('.react-flow__node')).toHaveCount(1);
        await expect(page.getByTestId('inspector')).toContainText('Inspector · clique');

        // The canvas is as wide as the window and tall enough to work in.
        const canvas = (await page.locator('.react-flow').boundingBox())!;
        expect(canvas.x).toBeGreaterThanOrEqual(0);
        expect(canvas.x + canvas.width).toBeLessThanOrEqual(PHONE.width);
        expect(canvas.width).toBeGreaterThanOrEqual(PHONE.width - 2);
        expect(canvas.height).toBeGreaterThanOrEqual(240);

        // Tab on through the canvas and the inspector to the YAML: every stop is scrolled
        // into the window, below the header and within the window's width.
        const yaml = page.getByRole('textbox', { name: 'PodCliqueSet YAML' });
        const reached = new Set<string>();
        for (let i = 0; i < 80 && !(await yaml.evaluate((el) => el === document.activeElement)); i++) {
          await page.keyboard.press('Tab');
          const at = await page.evaluate(() => {
            const el = document.activeElement as HTMLElement;
            // An editor's text is as wide as its longest line and scrolls inside the editor: where the editor is.
            const r = (el.closest('.cm-editor') ?? el).getBoundingClientRect();
            const pane = el.closest('[data-testid="inspector"]') ? 'inspector' : el.closest('.react-flow') ? 'canvas' : el.closest('[aria-labelledby="builder-findings-heading"]') ? 'findings' : el.closest('.cm-editor') ? 'yaml' : 'other';
            return { pane, name: el.getAttribute('aria-label') ?? el.id ?? el.tagName, top: r.top, bottom: r.bottom, left: r.left, right: r.right };
          });
          reached.add(at.pane);
          const where = `${at.pane} ${at.name} at ${JSON.stringify(at)}`;
          expect(at.bottom, `${where}: under the header`).toBeGreaterThan(top);
          expect(at.top, `${where}: below the window`).toBeLessThan(PHONE.height);
          expect(at.left, `${where}: left of the window`).toBeGreaterThanOrEqual(-1);
          expect(at.right, `${where}: right of the window`).toBeLessThanOrEqual(PHONE.width + 1);
        }
        await expect(yaml).toBeFocused();
        // (The findings have no stop of their own while there is nothing to jump to.)
        expect([...reached]).toEqual(expect.arrayContaining(['canvas', 'inspector', 'yaml']));

        // The inspector's scroll box is as tall as its pane, so a pointer can scroll all of it (it is not cut off).
        const inspector = await page.getByTestId('inspector').evaluate((el) => ({ bottom: el.getBoundingClientRect().bottom, pane: el.parentElement!.getBoundingClientRect().bottom }));
        expect(inspector.bottom).toBeLessThanOrEqual(inspector.pane + 1);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        expect(errors).toEqual([]);
      });

      test('a domain row of the topology table scrolls the map into view below the two-row header, not under it', async ({ page }) => {
        await openTopology(page);
        const row = page.getByTestId('domain-table').getByRole('rowheader', { name: 'block z0-b1' }).getByRole('button');
        await row.focus();
        await page.keyboard.press('Enter');
        const breadcrumb = page.getByRole('navigation', { name: 'Where you are' });
        await expect(breadcrumb.getByRole('button', { name: 'block z0-b1' })).toHaveAttribute('aria-current', 'location');
        // The map's area (breadcrumb first) starts 0.5rem below the header once scrolling has stopped.
        await expect
          .poll(async () => {
            const [header, crumb] = [await headerBottom(page), (await breadcrumb.boundingBox())!.y];
            return Math.round(crumb - header);
          })
          .toBeGreaterThanOrEqual(0);
        const gap = (await breadcrumb.boundingBox())!.y - (await headerBottom(page));
        expect(gap).toBeGreaterThanOrEqual(0);
        expect(gap).toBeLessThanOrEqual(16);
        await expect(row).toBeFocused();
      });
    });

    test.describe('at 1280x800', () => {
      test.use({ viewport: WIDE });

      test('validate fills the window below the one-row header and the banner: no vertical or sideways scroll', async ({ page }) => {
        await openValidate(page);
        expect(await headerBottom(page)).toBe(48);
        const fit = await validateFit(page);
        expect(fit.verticalScroll).toBeLessThanOrEqual(0);
        expect(Math.abs(fit.top - fit.mainTop)).toBeLessThanOrEqual(1);
        expect(Math.abs(fit.bottom - fit.window)).toBeLessThanOrEqual(1);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      });

      test('the builder’s inspector fits its pane and scrolls inside it: a clique’s last fields can be reached with the mouse wheel', async ({ page }) => {
        await openBuilder(page);
        await page.getByTestId('palette-frontend').focus();
        await page.keyboard.press('Enter');
        const inspector = page.getByTestId('inspector');
        await expect(inspector).toContainText('Inspector · clique');
        // The inspector was as tall as its fields (780 px) in a 620 px pane that hid the rest.
        const fit = await inspector.evaluate((el) => {
          const pane = el.parentElement!.getBoundingClientRect();
          const box = el.getBoundingClientRect();
          const scroller = el.querySelector('.overflow-y-auto')!;
          return { bottom: box.bottom, paneBottom: pane.bottom, scrolls: scroller.scrollHeight > scroller.clientHeight };
        });
        expect(fit.bottom).toBeLessThanOrEqual(fit.paneBottom + 1);
        expect(fit.scrolls).toBe(true);
        // The wheel over the inspector brings its last field into the pane.
        const last = inspector.locator('input, select, textarea, button').last();
        const box = (await inspector.boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 400);
        await expect.poll(async () => (await last.boundingBox())!.y + (await last.boundingBox())!.height).toBeLessThanOrEqual(fit.paneBottom + 1);
      });

      test('the map a domain row scrolls to keeps 3.5rem clear at the top, as before: the one-row header and 0.5rem', async ({ page }) => {
        await openTopology(page);
        const margin = await page.getByRole('navigation', { name: 'Where you are' }).evaluate((el) => {
          let box: Element | null = el;
          while (box && getComputedStyle(box).scrollMarginTop === '0px') box = box.parentElement;
          return box ? getComputedStyle(box).scrollMarginTop : null;
        });
        expect(margin).toBe('56px');
      });
    });
  });
}
