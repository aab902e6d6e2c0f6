import { expect, test, type Page } from '@playwright/test';
import { stringify } from 'yaml';
import type { PodCliqueSet } from '../lib/grove/podcliqueset';
import { demoStacks } from '../lib/topology/demo';
import { collectErrors } from './support/page';

/**
 * The topology page's placement preview, as a reviewer read it: a stack Grove's webhook refuses is
 * refused, not drawn; each gang says where it would land; a gang that does not fit after the preview's
 * earlier gangs says that its reasons count them, and the domain table shows what they take (Planned);
 * free GPUs a taint keeps from the gang are said to be kept from it.
 */

async function preview(page: Page, yaml: string): Promise<void> {
  await page.locator('#preview-yaml').fill(yaml);
  await page.getByRole('button', { name: 'Preview placement' }).click();
}

async function openDemo(page: Page): Promise<void> {
  await page.goto('/topology');
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.some((p) => p.workload === 'default/mixtral-agg'));
}

/** The demo's mixtral-agg (running: 2 replicas of 2 pods × 8 H100 GPUs, packed in a rack), edited. */
function mixtral(edit: (pcs: PodCliqueSet) => void): string {
  const pcs = structuredClone(demoStacks().find((s) => s.metadata?.name === 'mixtral-agg')!);
  edit(pcs);
  return stringify(pcs);
}

/** The 1-based line and column of the first `needle` in `text`. */
function lineColumnOf(text: string, needle: string): string {
  const at = text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

test.describe('on the simulated demo', () => {
  test('a pack domain the binding lacks is refused as the webhook refuses it: the finding at its line:column, no ghosts', async ({ page }) => {
    const errors = collectErrors(page);
    await openDemo(page);
    const yaml = mixtral((pcs) => {
      pcs.metadata!.name = 'superrack';
      pcs.spec.template.topologyConstraint = { topologyName: 'demo', pack: { required: 'superrack' } };
    });
    await preview(page, yaml);
    const problems = page.getByTestId('preview-problems');
    await expect(problems).toHaveText(
      `line ${lineColumnOf(yaml, 'required: superrack')}: /spec/template/topologyConstraint/pack/required: topology domain 'superrack' does not exist in cluster topology "demo" [zone, block, rack, host] [topology.unknownDomain]`,
    );
    await expect(page.getByTestId('ghost-count')).toHaveCount(0);
    expect(await page.evaluate(() => window.__canopyHeatmap!.ghostCells.length)).toBe(0);
    expect(errors).toEqual([]);
  });

  test('the running stack’s own name with an immutable field changed is checked as an update of it, and refused', async ({ page }) => {
    const errors = collectErrors(page);
    await openDemo(page);
    const yaml = mixtral((pcs) => {
      pcs.spec.replicas = 3;
      pcs.spec.template.cliques[0]!.spec.minAvailable = 1;
    });
    await preview(page, yaml);
    await expect(page.getByTestId('preview-problems')).toHaveText(
      `line ${lineColumnOf(yaml, 'minAvailable: 1')}: updates default/mixtral-agg: /spec/template/cliques/0/spec/minAvailable: minAvailable of clique "worker" is immutable [immutable.minAvailable]`,
    );
    await expect(page.getByTestId('ghost-count')).toHaveCount(0);
    // The same change under another name is a new stack, which Grove admits: previewed.
    await preview(page, yaml.replace('name: mixtral-agg', 'name: mixtral-new'));
    await expect(page.getByTestId('preview-problems')).toHaveCount(0);
    await expect(page.getByTestId('preview-result')).toContainText('default/mixtral-new');
    await expect(page.getByTestId('ghost-count')).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('each gang is listed with the domain chosen per level and its pods, as the server plans them', async ({ page, request }) => {
    const errors = collectErrors(page);
    await openDemo(page);
    // Two replicas: two gangs, each 2 pods × 4 GB200 GPUs packed in a rack.
    const yaml = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: two-gangs, namespace: default, labels: {kai.scheduler/queue: default-queue}}
spec:
  replicas: 2
  template:
    topologyConstraint: {topologyName: demo, pack: {required: rack}}
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          minAvailable: 2
          podSpec:
            schedulerName: kai-scheduler
            nodeSelector: {nvidia.com/gpu.product: NVIDIA-GB200}
            containers: [{name: engine, image: busybox, resources: {limits: {nvidia.com/gpu: "4"}}}]
`;
    const response = await request.post('/api/preview', { headers: { 'x-canopy-request': '1', 'content-type': 'application/json' }, data: { manifest: yaml } });
    expect(response.ok(), await response.text()).toBe(true);
    const plan = ((await response.json()) as { plan: { gangs: { name: string; placed: boolean; domains: Record<string, string>; pods: { node: string }[] }[] } }).plan;
    expect(plan.gangs.map((g) => [g.name, g.placed, Object.keys(g.domains)])).toEqual([
      ['two-gangs-0', true, ['zone', 'block', 'rack']],
      ['two-gangs-1', true, ['zone', 'block', 'rack']],
    ]);
    const expected = plan.gangs.map((g) => `${g.name}: 2 pods on ${new Set(g.pods.map((p) => p.node)).size} nodes in ${Object.entries(g.domains).map(([level, value]) => `${level} ${value}`).join(', ')}`);

    await preview(page, yaml);
    await expect(page.getByTestId('ghost-count')).toHaveText('16');
    const list = page.getByRole('list', { name: 'Gangs of the preview' });
    await expect(list.getByRole('listitem')).toHaveText(expected);
    await expect(list.locator('li[data-gang="two-gangs-0"]')).toHaveAttribute('data-placed', 'true');
    expect(errors).toEqual([]);
  });
});
