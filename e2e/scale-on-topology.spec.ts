import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { streamPodsAndNodes } from './support/gpuStacks';
import { collectErrors, tabUntilFocused } from './support/page';

/**
 * A scale-up preview on a stack's page opens on the full topology map ("Open on Topology"): the
 * scale's planned pods as ghosts, on the nodes the preview planned them, and the same verdict as the
 * preview, with the reasons of a gang that does not fit. Only previews: the demo stacks keep their
 * replicas. The expected nodes come from the server's preview of the same scale (POST /api/preview),
 * not from constants. Both pages pass axe (WCAG 2.1 A/AA, contrast included) in light and dark mode.
 */

const HEADERS = { 'x-canopy-request': '1', 'content-type': 'application/json' };

interface ServerPlan {
  feasible: boolean;
  gangs: { name: string; placed: boolean; reason?: string; explanation?: { level: string; needs: string; best: string; message: string }[]; pods: { node: string; gpus: number }[] }[];
}

/** What the server plans for the same scale, on its view of the cluster. */
async function serverPlan(page: Page, name: string, replicas: number): Promise<ServerPlan> {
  const response = await page.request.post('/api/preview', { headers: HEADERS, data: { scale: { kind: 'PodCliqueSet', namespace: 'default', name, replicas } } });
  expect(response.ok(), await response.text()).toBe(true);
  const preview = (await response.json()) as { refused?: string; plan: ServerPlan };
  expect(preview.refused).toBeUndefined();
  return preview.plan;
}

/** Planned GPUs per node. */
function gpusPerNode(plan: ServerPlan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pod of plan.gangs.flatMap((g) => g.pods)) if (pod.gpus > 0) out[pod.node] = (out[pod.node] ?? 0) + pod.gpus;
  return out;
}

/** The stack's page with every pod of it bound (a preview opened earlier would plan the pods not listed yet). */
async function openStack(page: Page, name: string): Promise<Locator> {
  await page.goto('/workloads');
  // A stack another spec deleted may still be going: its GPUs would free up between the two previews.
  await expect.poll(async () => (await streamPodsAndNodes(page)).pods.filter((p) => p.metadata.deletionTimestamp).length, { timeout: 60_000 }).toBe(0);
  const pods = (await streamPodsAndNodes(page)).pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/part-of'] === name);
  expect(pods.length).toBeGreaterThan(0);
  expect(pods.every((p) => p.spec?.nodeName)).toBe(true);
  await page.goto(`/workloads/default/${name}`);
  await expect(page.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(pods.length, { timeout: 20_000 });
  return page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
}

/** The topology page drawn from live data, its test hook holding the model. */
async function topologyReady(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/topology\?preview=[A-Za-z0-9]+$/);
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.length > 0 && window.__canopyHeatmap.ghostCells.length > 0);
}

/** The map's ghosts per node, and how many lie on a GPU a pod holds. */
const ghostsOnMap = (page: Page) =>
  page.evaluate(() => {
    const h = window.__canopyHeatmap!;
    const perNode: Record<string, number> = {};
    for (const c of h.ghostCells) {
      const node = h.model.layout.nodes[h.model.layout.cellNode[c]!]!.name;
      perNode[node] = (perNode[node] ?? 0) + 1;
    }
    return { perNode, overPods: h.ghostCells.filter((c) => h.model.cellPod[c]! >= 0).length };
  });

const total = (perNode: Record<string, number>) => Object.values(perNode).reduce((a, b) => a + b, 0);

test('llama-disagg 1 → 2 (by keyboard): the topology page shows the scale’s planned pods as ghosts on the planned nodes, says what it shows, and that every gang fits', async ({ page }) => {
  const errors = collectErrors(page);
  const control = await openStack(page, 'llama-disagg');
  const plus = control.getByRole('button', { name: 'Scale llama-disagg up to 2' });
  await plus.focus();
  await page.keyboard.press('Enter');
  const preview = control.getByTestId('scale-preview');
  await expect(preview).toBeFocused();
  const impact = control.getByTestId('scale-impact');
  await expect(impact).toHaveAttribute('data-fits', 'true');
  const plan = await serverPlan(page, 'llama-disagg', 2);
  expect(plan.feasible).toBe(true);
  const expected = gpusPerNode(plan);
  const gpus = total(expected);
  expect(gpus).toBeGreaterThan(0);
  // The mini map under the preview draws the same plan.
  await expect(impact.getByTestId('mini-heatmap')).toHaveAttribute('data-ghost-gpus', String(gpus));

  const open = preview.getByRole('button', { name: 'Open on Topology' });
  await tabUntilFocused(page, open, 10);
  await page.keyboard.press('Enter');
  await topologyReady(page);

  const result = page.getByTestId('preview-result');
  await expect(result).toContainText(`Scale-up of PodCliqueSet default/llama-disagg 1 → 2 (planned: `);
  await expect(result).toContainText(`: ${gpus} planned GPUs shown as ghosts in ${plan.gangs.length} of ${plan.gangs.length} gangs.`);
  await expect(page.getByTestId('ghost-count')).toHaveText(String(gpus));
  expect(await ghostsOnMap(page)).toEqual({ perNode: expected, overPods: 0 });
  // The same verdict as the preview: every gang fits, no pod left out.
  await expect(page.getByTestId('preview-unplaced')).toHaveCount(0);
  await expect(page.getByTestId('preview-notes')).toHaveCount(0);
  await expect(page.getByTestId('preview-share')).toHaveAttribute('data-share', 'tab');

  // Back returns to the stack's page.
  await page.goBack();
  await expect(page).toHaveURL(/\/workloads\/default\/llama-disagg$/);
  expect(errors).toEqual([]);
});

test('mixtral-agg 2 → 5, past what the H100 zone holds: the topology page shows the gangs that fit as ghosts, and the gang that does not with the preview’s reason and its per-level explanation', async ({ page }) => {
  const errors = collectErrors(page);
  const control = await openStack(page, 'mixtral-agg');
  await control.getByRole('button', { name: 'Scale mixtral-agg up to 3' }).click();
  const field = control.getByRole('spinbutton', { name: 'Replicas of mixtral-agg' });
  await field.fill('5');
  await field.press('Enter');
  const impact = control.getByTestId('scale-impact');
  await expect(impact).toHaveAttribute('data-fits', 'false');
  await expect(impact).toContainText('Does not fit:');

  const plan = await serverPlan(page, 'mixtral-agg', 5);
  expect(plan.feasible).toBe(false);
  const unplaced = plan.gangs.filter((g) => !g.placed);
  expect(unplaced.length).toBeGreaterThan(0);
  expect(unplaced.length).toBeLessThan(plan.gangs.length);
  // The preview's words for each gang that does not fit are the reason the topology page shows.
  for (const g of unplaced) await expect(impact).toContainText(`${g.name}: ${g.reason}`);
  const expected = gpusPerNode(plan);
  const gpus = total(expected);
  expect(gpus).toBeGreaterThan(0);

  await control.getByRole('button', { name: 'Open on Topology' }).click();
  await topologyReady(page);
  const result = page.getByTestId('preview-result');
  await expect(result).toContainText('Scale-up of PodCliqueSet default/mixtral-agg 2 → 5 (planned: 6 new pods)');
  await expect(result).toContainText(`: ${gpus} planned GPUs shown as ghosts in ${plan.gangs.length - unplaced.length} of ${plan.gangs.length} gangs.`);
  await expect(page.getByTestId('ghost-count')).toHaveText(String(gpus));
  expect(await ghostsOnMap(page)).toEqual({ perNode: expected, overPods: 0 });
  const why = page.getByTestId('preview-unplaced');
  for (const g of unplaced) {
    await expect(why).toContainText(`Gang ${g.name} does not fit: ${g.reason}`);
    expect(g.explanation?.length).toBeGreaterThan(0);
  }
  // The per-level explanation, row for row: level, needs, best offer, why.
  const rows = await why.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  expect(rows).toEqual(unplaced.flatMap((g) => g.explanation!.map((e) => [e.level, e.needs, e.best, e.message])));
  expect(errors).toEqual([]);
});

/** What axe finds on the page now (WCAG 2.1 A/AA, colour contrast included), one line per rule. */
async function violationsOf(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`${colorScheme} mode: the scale preview with its Open on Topology and the topology page it opens pass axe`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const control = await openStack(page, 'mixtral-agg');
    const field = control.getByRole('spinbutton', { name: 'Replicas of mixtral-agg' });
    await field.fill('5');
    await field.press('Enter');
    await expect(control.getByTestId('scale-impact')).toHaveAttribute('data-fits', 'false');
    const open = control.getByRole('button', { name: 'Open on Topology' });
    await open.focus();
    expect(await violationsOf(page)).toEqual([]);
    await open.click();
    await topologyReady(page);
    await expect(page.getByTestId('preview-unplaced')).toBeVisible();
    expect(await violationsOf(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
}
