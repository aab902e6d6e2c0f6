import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { pasteIntoEditor } from './support/page';

/**
 * Running stacks in the builder: `/builder?edit=<namespace>/<name>` opens one as itself (Apply updates
 * it), and a manifest naming a running PodCliqueSet is checked as an update of it (Grove's immutability
 * rules) before Apply, not only refused at the dry run. Also: Preview and Apply say why they do nothing
 * while the YAML is unreadable. Nothing here applies: the demo's stacks stay as they were.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

const notice = (page: Page) => page.getByTestId('builder-notice');
const applyButton = (page: Page) => page.getByRole('button', { name: 'Apply…' });
const yamlLine = (page: Page, text: string) => page.locator('.cm-line', { hasText: text });
const compositionFinding = (page: Page) => page.locator('[data-testid="builder-finding"][data-rule="immutable.cliqueComposition"]');

async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
}

/** Adds a frontend clique from the palette by keyboard, as the reviewer did by hand. */
async function addFrontend(page: Page): Promise<void> {
  await page.getByTestId('palette-frontend').focus();
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText('Added clique frontend');
}

async function expectCompositionFinding(page: Page): Promise<void> {
  const finding = compositionFinding(page);
  await expect(finding).toHaveCount(1);
  await expect(finding).toHaveAttribute('data-severity', 'error');
  await expect(finding.getByTestId('builder-finding-path')).toHaveText('spec.template.cliques');
  await expect(finding).toContainText('updates default/mixtral-agg: not allowed to change clique composition; added "frontend"');
}

test('?edit= opens the running stack as itself; a clique added is refused before Apply, at its path; an image change dry-runs as a one-row diff', async ({ page }) => {
  const applies: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/apply')) applies.push(r.url());
  });
  await page.goto('/builder?edit=default/mixtral-agg');
  await ready(page);
  await expect(notice(page)).toContainText('Loaded the running stack default/mixtral-agg: Apply updates it');
  // The parameter is dropped once loaded: a reload keeps the edits made since.
  await expect(page).toHaveURL(/\/builder$/);
  await expect(page.getByTestId('clique-worker')).toBeVisible();
  // Its own name, not a copy's.
  await expect(page.getByTestId('inspector').getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('mixtral-agg');
  await expect(yamlLine(page, 'name: mixtral-agg')).toHaveCount(1);
  await expect(page.locator('.cm-content')).not.toContainText('mixtral-agg-copy');
  await expect(page.locator('.cm-content')).not.toContainText('resourceVersion');
  await expect(page.getByTestId('builder-updates-running')).toContainText('Editing the running stack default/mixtral-agg: Apply updates it');
  await expect(compositionFinding(page)).toHaveCount(0);

  await addFrontend(page);
  await expectCompositionFinding(page);
  // Before Apply: the panel blocks on it, and nothing was sent to the cluster.
  await applyButton(page).click();
  const apply = page.getByTestId('apply-panel');
  await expect(apply.getByTestId('apply-blocked')).toContainText(/Fix the \d+ error\(s\) first/);
  expect(applies).toEqual([]);

  // Back to the running stack, and a change Grove allows on update: the engine's image.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByTestId('clique-frontend')).toHaveCount(0);
  await expect(compositionFinding(page)).toHaveCount(0);
  await yamlLine(page, 'image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0').click();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('1');
  await expect(yamlLine(page, 'image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.1')).toHaveCount(1);
  await expect(page.locator('[data-testid="builder-finding"][data-severity="error"]')).toHaveCount(0);
  await expect(apply.getByTestId('apply-blocked')).toContainText('Run the dry run first');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  const results = apply.getByTestId('apply-results');
  await expect(results).toContainText('PodCliqueSet default/mixtral-agg: 1 change(s)');
  // Body rows only (the table has a header row): one change, its container and clique named by their keys.
  const rows = results.locator('tbody').getByRole('row');
  await expect(rows).toHaveCount(1);
  await expect(rows.getByRole('cell')).toHaveText([
    'spec.template.cliques[name="worker"].spec.podSpec.containers[name="engine"].image',
    '"nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0"',
    '"nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.1"',
  ]);
});

test('a copy renamed back to the running stack’s name is checked against it too; "Edit a copy of…" still renames', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  await page.locator('#builder-live').selectOption('default/mixtral-agg');
  await expect(notice(page)).toContainText('Loaded a copy of default/mixtral-agg');
  const name = page.getByTestId('inspector').getByRole('textbox', { name: 'Name', exact: true });
  await expect(name).toHaveValue('mixtral-agg-copy');
  await expect(page.getByTestId('builder-updates-running')).toHaveCount(0);

  // The reviewer's steps: renamed back to the running stack's name, then a clique added.
  await name.fill('mixtral-agg');
  await name.press('Enter');
  await expect(page.getByTestId('builder-updates-running')).toContainText('Editing the running stack default/mixtral-agg');
  await expect(compositionFinding(page)).toHaveCount(0);
  await addFrontend(page);
  await expectCompositionFinding(page);
});

test('?edit= naming no running stack says so, and leaves the work as it was', async ({ page }) => {
  await page.goto('/builder?edit=default/no-such-stack');
  await ready(page);
  await expect(notice(page)).toHaveText('Cannot open default/no-such-stack for editing: the cluster has no PodCliqueSet of that name.');
  await expect(notice(page)).toHaveAttribute('data-tone', 'error');
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toBeDisabled();
});

test('while the YAML is unreadable, Preview and Apply say why, to the keyboard too', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  await pasteIntoEditor(page.locator('.cm-content'), 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: broken\nspec: {}\n');
  const banner = page.getByTestId('builder-yaml-error');
  await expect(banner).toContainText(/line \d+:\d+/);
  const where = /line \d+:\d+/.exec((await banner.textContent()) ?? '')![0];

  for (const button of [applyButton(page), page.getByRole('button', { name: 'Preview placement' })]) {
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(new RegExp(`^Preview and Apply wait for readable YAML: fix the error first\\. The canvas shows the last readable version: .*\\(${where}\\)$`));
    await expect(button).toHaveAttribute('title', 'Preview and Apply wait for readable YAML: fix the error first.');
  }
  await expect(page.getByTestId('builder-yaml-blocked')).toBeVisible();

  // Reachable by keyboard, and pressing it opens nothing.
  await page.getByRole('button', { name: 'Auto layout' }).focus();
  await page.keyboard.press('Tab'); // past Delete… (nothing selected: disabled, skipped) to Preview placement
  await expect(page.getByRole('button', { name: 'Preview placement' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(applyButton(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('apply-panel')).toHaveCount(0);

  // Readable again: Apply works and describes nothing.
  await pasteIntoEditor(page.locator('.cm-content'), 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: fixed, namespace: default}\nspec: {replicas: 1, template: {cliques: []}}\n');
  await expect(banner).toHaveCount(0);
  await expect(applyButton(page)).toBeEnabled();
  await expect(applyButton(page)).not.toHaveAttribute('aria-describedby');
  await expect(page.getByTestId('builder-yaml-blocked')).toHaveCount(0);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test('the running-stack banner, its update finding and the unreadable-YAML hint pass axe (WCAG 2.1 A/AA, contrast included)', async ({ page }) => {
      const violations = async () => {
        const { violations: found } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      };
      await page.goto('/builder?edit=default/mixtral-agg');
      await ready(page);
      await addFrontend(page);
      await expectCompositionFinding(page);
      await expect(page.getByTestId('builder-updates-running')).toBeVisible();
      expect(await violations()).toEqual([]);

      await pasteIntoEditor(page.locator('.cm-content'), 'kind: PodCliqueSet\nmetadata: {name: [\n');
      await expect(page.getByTestId('builder-yaml-blocked')).toBeVisible();
      expect(await violations()).toEqual([]);
    });
  });
}
