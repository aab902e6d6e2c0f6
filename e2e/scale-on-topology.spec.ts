import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { applyStack, deleteStack, freePodSlots, streamPodsAndNodes, uniqueName } from './support/gpuStacks';
import { gpuStack } from './support/manifests';
import { collectErrors, tabUntilFocused } from './support/page';

/**
 * A scale-up preview on a stack's page opens on the full topology map ("Open on Topology"): the
 * scale's planned pods as ghosts, on the nodes the preview planned them, and the same verdict as the
 * preview, with the reasons of a gang that does not fit. The page's address carries the scale request
 * (`?scale=<kind>/<namespace>/<name>/<replicas>`), not a plan: the page plans it again whenever the
 * cluster changes, a reload shows the same, and a target that is deleted is said. Only previews: the
 * demo stacks keep their replicas. The expected nodes come from the server's preview of the same scale
 * (POST /api/preview), not from constants. Both pages pass axe (WCAG 2.1 A/AA, contrast included) in
 * light and dark mode.
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

/** The scale request in the topology page's address now, or null. */
const scaleInUrl = (page: Page) => new URL(page.url()).searchParams.get('scale');

/** The topology page with the scale-up `scale` in its address, drawn from live data, its test hook holding the model (and ghosts, unless `ghosts: false`). */
async function topologyReady(page: Page, scale: string, { ghosts = true } = {}): Promise<void> {
  await expect(page).toHaveURL(/\/topology\?/);
  expect(scaleInUrl(page)).toBe(scale);
  expect(new URL(page.url()).searchParams.get('preview')).toBeNull();
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction((ghosts) => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.length > 0 && (!ghosts || window.__canopyHeatmap.ghostCells.length > 0), ghosts);
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

  const open = preview.getByRole('link', { name: 'Open on Topology' });
  await tabUntilFocused(page, open, 10);
  await page.keyboard.press('Enter');
  await topologyReady(page, 'PodCliqueSet/default/llama-disagg/2');

  await expect(page.getByTestId('scale-banner-target')).toHaveText('PodCliqueSet default/llama-disagg to 2 replicas');
  await expect(page.getByTestId('preview-fit')).toHaveAttribute('data-fits', 'all');
  const result = page.getByTestId('preview-result');
  await expect(result).toContainText(`Scale-up of PodCliqueSet default/llama-disagg 1 → 2 (planned: `);
  await expect(result).toContainText(`: ${gpus} planned GPUs shown as ghosts in ${plan.gangs.length} of ${plan.gangs.length} gangs.`);
  await expect(page.getByTestId('ghost-count')).toHaveText(String(gpus));
  expect(await ghostsOnMap(page)).toEqual({ perNode: expected, overPods: 0 });
  // The same verdict as the preview: every gang fits, no pod left out.
  await expect(page.getByTestId('preview-unplaced')).toHaveCount(0);
  await expect(page.getByTestId('preview-notes')).toHaveCount(0);
  // The address carries the request: a link reproduces it in any browser.
  await expect(page.getByTestId('preview-share')).toHaveAttribute('data-share', 'link');
  await expect(page.getByTestId('preview-share')).toContainText('carries this scale-up request, not its plan');

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

  await control.getByRole('link', { name: 'Open on Topology' }).click();
  await topologyReady(page, 'PodCliqueSet/default/mixtral-agg/5');
  await expect(page.getByTestId('preview-fit')).toHaveAttribute('data-fits', 'none');
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

const GB200 = 'NVIDIA-GB200';

/** Pods of stack `name` in the cluster stream: all of them, and those bound to a node. */
async function stackPods(page: Page, name: string): Promise<{ all: number; bound: number }> {
  const pods = (await streamPodsAndNodes(page)).pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/part-of'] === name);
  return { all: pods.length, bound: pods.filter((p) => p.spec?.nodeName).length };
}

test('the scale-up on the topology page is planned again as the cluster changes: another stack takes the room, the ghosts go and the reason appears; a reload of the address shows the same; room made, the ghosts come back; the stack deleted, the page says so', async ({ page, request }) => {
  test.slow(); // two stacks applied and deleted, their pods bound and gone
  const errors = collectErrors(page);
  const name = uniqueName('scale-topo');
  const filler = uniqueName('scale-fill');
  await page.goto('/workloads');
  // A stack an earlier spec deleted may still be going: its GPUs would free up under this test's feet.
  await expect.poll(async () => (await streamPodsAndNodes(page)).pods.filter((p) => p.metadata.deletionTimestamp).length, { timeout: 60_000 }).toBe(0);
  // One 4-GPU pod on the GB200 nodes; a second replica is a gang of its own, packed in a zone.
  await applyStack(request, gpuStack(name, { clique: 'decode', replicas: 1, minAvailable: 1, gpus: 4, product: GB200, pack: 'zone' }));
  try {
    await expect.poll(() => stackPods(page, name), { timeout: 30_000 }).toEqual({ all: 1, bound: 1 });
    const control = await openStack(page, name);
    await control.getByRole('button', { name: `Scale ${name} up to 2` }).click();
    await expect(control.getByTestId('scale-impact')).toHaveAttribute('data-fits', 'true');
    await control.getByRole('link', { name: 'Open on Topology' }).click();
    const scale = `PodCliqueSet/default/${name}/2`;
    await topologyReady(page, scale);
    await expect(page.getByTestId('scale-banner-target')).toHaveText(`PodCliqueSet default/${name} to 2 replicas`);
    await expect(page.getByTestId('preview-fit')).toHaveAttribute('data-fits', 'all');
    const roomy = await serverPlan(page, name, 2);
    expect(roomy.feasible).toBe(true);
    expect(total(gpusPerNode(roomy))).toBe(4);
    expect(await ghostsOnMap(page)).toEqual({ perNode: gpusPerNode(roomy), overPods: 0 });

    // A reload of the address shows the same preview: the same ghosts, on the same GPUs, and the same words.
    const words = await page.getByTestId('preview-result').textContent();
    const cells = await page.evaluate(() => window.__canopyHeatmap!.ghostCells);
    await page.reload();
    await topologyReady(page, scale);
    await expect(page.getByTestId('preview-result')).toHaveText(words!);
    expect(await page.evaluate(() => window.__canopyHeatmap!.ghostCells)).toEqual(cells);

    // Another stack takes every 4-GPU slot the GB200 nodes have left: no reload, the page plans the scale-up again.
    const slots = await freePodSlots(page, GB200, 4);
    expect(slots).toBeGreaterThan(0);
    await applyStack(request, gpuStack(filler, { clique: 'decode', replicas: slots, minAvailable: 1, gpus: 4, product: GB200, pack: 'zone' }));
    await expect.poll(() => stackPods(page, filler), { timeout: 60_000 }).toEqual({ all: slots, bound: slots });
    await expect(page.getByTestId('preview-fit')).toHaveAttribute('data-fits', 'none');
    const full = await serverPlan(page, name, 2);
    expect(full.feasible).toBe(false);
    const unplaced = full.gangs.filter((g) => !g.placed);
    expect(unplaced.map((g) => g.name)).toEqual([`${name}-1`]);
    const why = page.getByTestId('preview-unplaced');
    await expect(why).toContainText(`Gang ${name}-1 does not fit: ${unplaced[0]!.reason}`);
    await expect(page.getByTestId('ghost-count')).toHaveText('0');
    expect(await ghostsOnMap(page)).toEqual({ perNode: {}, overPods: 0 });
    expect(scaleInUrl(page)).toBe(scale);

    // Reloaded, the address shows the same: the reason, planned on the cluster as it is.
    const fullWords = await page.getByTestId('preview-result').textContent();
    await page.reload();
    await topologyReady(page, scale, { ghosts: false });
    await expect(page.getByTestId('preview-result')).toHaveText(fullWords!);

    // The other stack deleted: its GPUs free up, and the ghosts come back where the server plans them now.
    await deleteStack(request, filler);
    await expect.poll(() => stackPods(page, filler), { timeout: 60_000 }).toEqual({ all: 0, bound: 0 });
    await expect(page.getByTestId('preview-fit')).toHaveAttribute('data-fits', 'all');
    const again = await serverPlan(page, name, 2);
    expect(again.feasible).toBe(true);
    expect(await ghostsOnMap(page)).toEqual({ perNode: gpusPerNode(again), overPods: 0 });
    await expect(page.getByTestId('preview-unplaced')).toHaveCount(0);

    // The stack itself deleted: the page says so instead of drawing ghosts of a scale-up that cannot be.
    await deleteStack(request, name);
    await expect(page.getByTestId('preview-problems')).toHaveText(`PodCliqueSet default/${name} is not in the cluster (deleted, or never there): there is no scale-up to preview.`, { timeout: 60_000 });
    await expect(page.getByTestId('ghost-count')).toHaveCount(0);
    expect(await page.evaluate(() => window.__canopyHeatmap!.ghostCells.length)).toBe(0);

    // Cleared: the banner and the request leave the page and its address; focus goes to the YAML field.
    await page.getByRole('button', { name: 'Clear scale-up preview' }).click();
    await expect(page.getByTestId('scale-banner')).toHaveCount(0);
    await expect(page.getByTestId('preview-problems')).toHaveCount(0);
    await expect.poll(() => scaleInUrl(page)).toBeNull();
    await expect(page.locator('#preview-yaml')).toBeFocused();
  } finally {
    await deleteStack(request, filler);
    await deleteStack(request, name);
  }
  expect(errors).toEqual([]);
});

test('a scale-up address that cannot be read says which part is wrong, and Clear takes it out of the address', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/topology?scale=Deployment%2Fdefault%2Fweb%2F2');
  await expect(page.getByTestId('preview-problems')).toHaveText('The scale-up in this link could not be read (scale=Deployment/default/web/2): kind "Deployment" is not one Canopy scales (PodCliqueSet, PodCliqueScalingGroup, PodClique).', { timeout: 20_000 });
  await expect(page.getByTestId('scale-banner')).toHaveCount(0);
  // Kept in the address until cleared, as an unreadable link's fragment is.
  expect(scaleInUrl(page)).toBe('Deployment/default/web/2');
  await page.getByRole('button', { name: 'Clear preview' }).click();
  await expect(page.getByTestId('preview-problems')).toHaveCount(0);
  await expect.poll(() => scaleInUrl(page)).toBeNull();
  expect(errors).toEqual([]);
});

/** What axe finds on the page now (WCAG 2.1 A/AA, colour contrast included), one line per rule. */
async function violationsOf(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`${colorScheme} mode: the scale preview with its Open on Topology and the topology page it opens pass axe`, async ({ browser }) => {
    // Two full-page axe runs and a stack's page: 22-30 s measured on a shared 2-core machine, at the default limit.
    test.slow();
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const control = await openStack(page, 'mixtral-agg');
    const field = control.getByRole('spinbutton', { name: 'Replicas of mixtral-agg' });
    await field.fill('5');
    await field.press('Enter');
    await expect(control.getByTestId('scale-impact')).toHaveAttribute('data-fits', 'false');
    const open = control.getByRole('link', { name: 'Open on Topology' });
    await open.focus();
    expect(await violationsOf(page)).toEqual([]);
    await open.click();
    await topologyReady(page, 'PodCliqueSet/default/mixtral-agg/5');
    await expect(page.getByTestId('scale-banner')).toBeVisible();
    await expect(page.getByTestId('preview-unplaced')).toBeVisible();
    expect(await violationsOf(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
}
