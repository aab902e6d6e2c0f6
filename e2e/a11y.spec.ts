import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { rackPackedPcs } from './support/manifests';
import { pasteIntoEditor } from './support/page';

/**
 * Every page, in light and in dark mode, scanned with axe-core (WCAG 2.1 A/AA rules, colour contrast
 * included) once its live content is on screen. The canvas heatmap is one named element to axe; its
 * contents are checked through the table view and the keyboard tests of topology.spec.ts.
 */

const PAGES: { path: string; ready: (page: Page) => Promise<void> }[] = [
  { path: '/', ready: async (page) => void (await expect(page.locator('h1').first()).toBeVisible()) },
  { path: '/topology', ready: async (page) => void (await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 })) },
  { path: '/builder', ready: async (page) => void (await expect(page.locator('.react-flow')).toBeVisible({ timeout: 20_000 })) },
  { path: '/validate', ready: async (page) => void (await expect(page.locator('.cm-content')).toBeVisible()) },
  { path: '/workloads', ready: async (page) => void (await expect(page.getByRole('table', { name: 'PodCliqueSets' }).locator('tbody tr').first()).toBeVisible({ timeout: 20_000 })) },
  { path: '/workloads/default/llama-disagg', ready: async (page) => void (await expect(page.getByTestId('pod').first()).toBeVisible({ timeout: 20_000 })) },
];

/** What axe finds on the page as it is now, one readable line per rule (with up to 5 elements). */
async function violationsOf(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ')}`).join('\n')}`);
}

/** Panels that only appear after an action: each step acts, waits for its result, and is scanned. */
const STATES: { name: string; path: string; steps: { did: string; act: (page: Page) => Promise<void> }[] }[] = [
  {
    name: 'topology: a workload selected, a search with several matches, a preview that does not fit',
    path: '/topology',
    steps: [
      {
        did: 'selected default/llama-disagg',
        act: async (page) => {
          await page.getByRole('region', { name: /Workloads/ }).getByRole('button', { name: /^default\/llama-disagg / }).click({ timeout: 20_000 });
          await expect(page.getByTestId('selection-panel')).toContainText('default/llama-disagg');
        },
      },
      {
        did: 'searched a fragment two workloads share, and got the choice',
        act: async (page) => {
          await page.locator('#heatmap-search').fill('agg');
          await page.locator('#heatmap-search').press('Enter');
          await expect(page.getByRole('group', { name: /Workloads matching/ }).getByRole('button')).toHaveCount(2);
        },
      },
      {
        did: 'previewed a stack too big for a rack',
        act: async (page) => {
          await page.getByLabel('Paste or drop a PodCliqueSet').fill(UNFITTABLE);
          await page.getByRole('button', { name: 'Preview placement' }).click();
          await expect(page.getByTestId('preview-unplaced')).toContainText('does not fit');
        },
      },
    ],
  },
  {
    name: 'builder: a template, its findings, the placement preview and the apply panel',
    path: '/builder',
    steps: [
      {
        did: 'loaded a template',
        act: async (page) => {
          await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
          await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
          await page.getByRole('button', { name: 'New from template' }).click();
          await expect(page.locator('[data-testid^="clique-"]').first()).toBeVisible();
        },
      },
      {
        did: 'previewed the placement',
        act: async (page) => {
          await page.getByRole('button', { name: 'Preview placement' }).click();
          await expect(page.getByRole('button', { name: 'Open on the topology page' })).toBeVisible({ timeout: 20_000 });
        },
      },
      {
        did: 'opened the apply panel and ran a dry run',
        act: async (page) => {
          await page.getByRole('button', { name: 'Apply…' }).click();
          const apply = page.getByTestId('apply-panel');
          await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
          await expect(apply.getByTestId('apply-results')).not.toBeEmpty({ timeout: 20_000 });
        },
      },
    ],
  },
  {
    name: 'validate: findings listed',
    path: '/validate',
    steps: [
      {
        did: 'pasted a manifest with findings',
        act: async (page) => {
          await pasteIntoEditor(page.locator('.cm-content'), UNFITTABLE.replace('roleName: worker\n', ''));
          await expect(page.locator('[data-finding]').first()).toBeVisible();
        },
      },
    ],
  },
  {
    name: 'workloads: a scale preview open',
    path: '/workloads/default/llama-disagg',
    steps: [
      {
        did: 'opened the scale control of a clique',
        act: async (page) => {
          const decode = page.locator('[data-testid="podclique"][data-name="llama-disagg-0-decode"]');
          await expect(decode.getByTestId('pod').first()).toBeVisible({ timeout: 20_000 });
          await decode.getByRole('button', { name: 'Scale llama-disagg-0-decode', exact: true }).click();
          const field = decode.getByRole('spinbutton', { name: 'Replicas of llama-disagg-0-decode' });
          await field.fill('3');
          await field.press('Enter');
          await expect(decode.getByTestId('scale-impact')).toBeVisible();
        },
      },
    ],
  },
];

/** 20 pods × 4 GPUs required in one rack: more than any rack of the demo cluster holds. */
const UNFITTABLE = rackPackedPcs('a11y-huge', 20, 4);

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    for (const { path, ready } of PAGES) {
      test(`${path} has no WCAG 2.1 A/AA violations`, async ({ browser }) => {
        const context = await browser.newContext({ colorScheme });
        const page = await context.newPage();
        await page.goto(path);
        await ready(page);
        const found = await violationsOf(page);
        expect(found, found.join('\n')).toEqual([]);
        await context.close();
      });
    }
    for (const { name, path, steps } of STATES) {
      test(`${name}: no WCAG 2.1 A/AA violations after each step`, async ({ browser }) => {
        const context = await browser.newContext({ colorScheme });
        const page = await context.newPage();
        await page.goto(path);
        for (const step of steps) {
          await step.act(page);
          const found = await violationsOf(page);
          expect(found, `after "${step.did}":\n${found.join('\n')}`).toEqual([]);
        }
        await context.close();
      });
    }
  });
}
