import { expect, test, type Page } from '@playwright/test';
import { stringify } from 'yaml';
import type { PodCliqueSet } from '../lib/grove/podcliqueset';
import { demoStacks } from '../lib/topology/demo';
import { collectErrors } from './support/page';

/**
 * The topology page's preview of a stack that already runs on the simulated demo: it answers what
 * applying the manifest would do (the same previewApply as `canopy place`), so the running gangs are
 * named as running and only what the apply adds is drawn as ghosts.
 */

/** The demo's mixtral-agg (2 replicas running: gangs mixtral-agg-0 and -1, 2 pods × 8 H100 GPUs each), edited. */
function mixtral(edit: (pcs: PodCliqueSet) => void): string {
  const pcs = structuredClone(demoStacks().find((s) => s.metadata?.name === 'mixtral-agg')!);
  edit(pcs);
  return stringify(pcs);
}

async function openTopology(page: Page): Promise<void> {
  await page.goto('/topology');
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.some((p) => p.workload === 'default/mixtral-agg'));
}

async function preview(page: Page, yaml: string): Promise<void> {
  await page.locator('#preview-yaml').fill(yaml);
  await page.getByRole('button', { name: 'Preview placement' }).click();
}

test('a running demo stack with one more replica: ghosts only for the new gang, the running gangs named as running', async ({ page }) => {
  const errors = collectErrors(page);
  await openTopology(page);
  await preview(
    page,
    mixtral((pcs) => {
      pcs.spec.replicas = 3;
    }),
  );
  // 16 ghost GPUs: mixtral-agg-2 only (the old preview re-placed all three gangs: 48).
  await expect(page.getByTestId('ghost-count')).toHaveText('16');
  const result = page.getByTestId('preview-result');
  await expect(result).toContainText('the stack asks for 48; 32 of them run already');
  await expect(result).toContainText('in 1 of 1 gangs to place');
  const runningList = page.getByTestId('preview-running');
  await expect(runningList.locator('li')).toHaveText(['mixtral-agg-0: running (2 pods, 16 GPUs), not re-placed', 'mixtral-agg-1: running (2 pods, 16 GPUs), not re-placed']);
  // Every ghost is on a GPU no pod holds: the running pods keep theirs, nothing is drawn over them.
  const ghosts = await page.evaluate(() => {
    const h = window.__canopyHeatmap!;
    return { cells: h.ghostCells.length, overPods: Array.from(h.ghostCells).filter((c) => h.model.cellPod[c]! >= 0).length };
  });
  expect(ghosts).toEqual({ cells: 16, overPods: 0 });
  expect(errors).toEqual([]);
});

test('a stack naming a ClusterTopologyBinding the cluster lacks is refused as Grove refuses it: the finding, no ghosts', async ({ page }) => {
  const errors = collectErrors(page);
  await openTopology(page);
  await preview(
    page,
    mixtral((pcs) => {
      pcs.metadata!.name = 'elsewhere';
      pcs.spec.template.topologyConstraint = { topologyName: 'no-such-binding', pack: { required: 'rack' } };
    }),
  );
  await expect(page.getByTestId('preview-problems')).toContainText('no-such-binding');
  await expect(page.getByTestId('preview-problems')).toContainText('[topology.unknownTopology]');
  await expect(page.getByTestId('ghost-count')).toHaveCount(0);
  expect(await page.evaluate(() => window.__canopyHeatmap!.ghostCells.length)).toBe(0);
  expect(errors).toEqual([]);
});

test('a manifest that names no namespace is previewed in the header’s namespace, as applying it there would be', async ({ page }) => {
  const errors = collectErrors(page);
  const noNamespace = mixtral((pcs) => {
    pcs.spec.replicas = 3;
    delete pcs.metadata!.namespace;
  });
  // Header on default (where the demo's mixtral-agg runs): the apply grows the running stack.
  await openTopology(page);
  await preview(page, noNamespace);
  await expect(page.getByTestId('ghost-count')).toHaveText('16');
  await expect(page.getByTestId('preview-running').locator('li')).toHaveCount(2);

  // Header on team-a (components/hooks/clusterContext.ts keeps it per cluster): a new stack there, every
  // gang to place (beside the running 32 GPUs of default/mixtral-agg the H100 zone holds two more of them).
  await page.evaluate(() => localStorage.setItem('canopy-namespace:simulated:demo', 'team-a'));
  await openTopology(page);
  await preview(page, noNamespace);
  await expect(page.getByTestId('preview-result')).toContainText('3 gangs');
  await expect(page.getByTestId('preview-result')).not.toContainText('run already');
  await expect(page.getByTestId('preview-running')).toHaveCount(0);
  await expect(page.getByTestId('ghost-count')).toHaveText('32');
  expect(errors).toEqual([]);
});
