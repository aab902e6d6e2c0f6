import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { tabUntilFocused } from './support/page';

/**
 * A reviewer's steps: the running llama-disagg opened in the Builder, a sidecar added to its router
 * clique, a dry run. The diff named the whole containers list as one row, old and new cut to the
 * same 80 characters, and the row ran out of the panel. Now: one row naming the added container,
 * its whole value a keypress away, nothing cut off, in light and dark mode. Nothing is applied.
 */

test.describe.configure({ timeout: 60_000 });

const SIDECAR_IMAGE = 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04';
const SIDECAR_ARGS = ['--collectors', '/etc/dcgm-exporter/dcp-metrics-included.csv', '--address', ':9400'];
const SIDECAR_PATH = 'spec.template.cliques[name="router"].spec.podSpec.containers[name="sidecar"]';

async function dryRunWithSidecar(page: Page) {
  const applies: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/apply')) applies.push(r.url());
  });
  await page.goto('/builder?edit=default/llama-disagg');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  // The running stack comes with the cluster's first list, slower on a server just started.
  await expect(page.getByTestId('builder-notice')).toContainText('Loaded the running stack default/llama-disagg', { timeout: 20_000 });

  await page.getByTestId('clique-router').click();
  const inspector = page.getByTestId('inspector');
  await inspector.getByRole('button', { name: 'Add container', exact: true }).click();
  await expect(page.getByTestId('builder-notice')).toContainText('Added container sidecar to router');
  // The new container's image field has the focus.
  await page.keyboard.type(SIDECAR_IMAGE);
  const args = inspector.getByRole('textbox', { name: 'Args (one per line)' }).last();
  await args.fill(SIDECAR_ARGS.join('\n'));
  await expect(page.locator('.cm-content')).toContainText(SIDECAR_ARGS[1]!);

  await page.getByRole('button', { name: 'Apply…' }).click();
  const apply = page.getByTestId('apply-panel');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await expect(apply.getByTestId('apply-results')).toContainText('PodCliqueSet default/llama-disagg: 1 change(s)', { timeout: 20_000 });
  expect(applies.every((url) => url.includes('dryRun=true'))).toBe(true);
  return apply;
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`${colorScheme} mode: a sidecar added to a running stack dry-runs as one row naming it, its whole value opened by keyboard, nothing cut off`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const apply = await dryRunWithSidecar(page);

    const rows = apply.getByTestId('apply-results').locator('tbody').getByRole('row');
    await expect(rows).toHaveCount(1);
    const row = rows.first();
    // As shown (innerText: the closed value's hidden parts left out).
    await expect(row.getByRole('cell')).toHaveText([`${SIDECAR_PATH} added`, '—', /^\{"name":"sidecar","image":"nvcr\.io\/nvidia\/k8s\/dcgm-exporter:.*… show all$/], { useInnerText: true });
    await expect(row).toHaveAttribute('data-change', 'added');

    // The whole value: Tab from the dry-run button reaches the cell's toggle; Enter opens it.
    const toggle = row.locator('summary');
    await apply.getByRole('button', { name: 'Dry run (diff)' }).focus();
    await tabUntilFocused(page, toggle, 10);
    const whole = row.locator('pre');
    await expect(whole).toBeHidden();
    await page.keyboard.press('Enter');
    await expect(whole).toBeVisible();
    // As YAML, every part of it: the manifest's own form.
    for (const part of ['name: sidecar', `image: ${SIDECAR_IMAGE}`, 'args:', ...SIDECAR_ARGS]) await expect(whole).toContainText(part);
    await expect(toggle).toHaveText('hide', { useInnerText: true });

    // Nothing runs out of the panel: the scrolling area needs no sideways scroll, the row ends inside it.
    const area = apply.getByRole('status');
    expect(await area.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const [areaBox, rowBox] = [await area.boundingBox(), await row.boundingBox()];
    expect(rowBox!.x + rowBox!.width).toBeLessThanOrEqual(areaBox!.x + areaBox!.width + 0.5);

    const { violations } = await new AxeBuilder({ page }).include('[data-testid="apply-panel"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    // Enter again closes it.
    await page.keyboard.press('Enter');
    await expect(whole).toBeHidden();
    await context.close();
  });
}
