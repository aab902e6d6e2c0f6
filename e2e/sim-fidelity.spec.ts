import { expect, test, type APIRequestContext } from '@playwright/test';
import { rackPackedPcs } from './support/manifests';
import { collectErrors } from './support/page';

/**
 * The simulated cluster shows only what a real apiserver + Grove operator + scheduler would
 * (API-NOTES §5.3, §9, §12, §13). Nothing here changes the cluster: the refused apply stores nothing
 * and previews are computed, not applied, so other specs see the demo as it was.
 */

const HEADERS = { 'x-canopy-request': '1' };

/** `pods` pods × `gpus` GPUs required in one rack of `topologyName`, on `schedulerName` (none: Grove's default). */
const stack = (name: string, pods: number, gpus: number, schedulerName?: string, topologyName = 'demo'): string =>
  rackPackedPcs(name, pods, gpus, { schedulerName: schedulerName ?? null, topologyName });

interface Preview {
  plan: { feasible: boolean; gangs: { name: string; placed: boolean; reason?: string; warnings?: string[]; independent?: boolean; pods: { node: string }[] }[] };
}

async function preview(request: APIRequestContext, manifest: string): Promise<Preview> {
  const response = await request.post('/api/preview', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { manifest } });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as Preview;
}

test('an apply naming a ClusterTopologyBinding the cluster lacks is refused as Grove’s webhook refuses it', async ({ request }) => {
  const response = await request.post('/api/apply', { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: stack('simfid-nowhere', 1, 4, 'kai-scheduler', 'nowhere') });
  expect(response.status()).toBe(422);
  expect(((await response.json()) as { error: { message: string } }).error.message).toContain('ClusterTopologyBinding "nowhere" not found');
  const dry = await request.post('/api/apply?dryRun=true', { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: stack('simfid-nowhere', 1, 4, 'kai-scheduler', 'nowhere') });
  expect(dry.status()).toBe(422);
});

test('placement follows the scheduler: kai-scheduler packs racks all-or-nothing, default-scheduler ignores the constraint and does not gang-schedule', async ({ request }) => {
  // 20 pods × 4 GPUs = 80 GPUs: more than any demo rack (72) holds.
  const kai = await preview(request, stack('simfid-kai', 20, 4, 'kai-scheduler'));
  expect(kai.plan.feasible).toBe(false);
  expect(kai.plan.gangs[0]!.pods).toEqual([]);
  expect(kai.plan.gangs[0]!.reason).toMatch(/rack/);

  const kube = await preview(request, stack('simfid-kube', 20, 4));
  expect(kube.plan.feasible).toBe(true);
  expect(kube.plan.gangs[0]!.independent).toBe(true);
  expect(kube.plan.gangs[0]!.pods).toHaveLength(20);
  expect(kube.plan.gangs[0]!.warnings?.join(' ')).toContain('default-scheduler (kube-scheduler) ignores the topology constraints and does not gang-schedule');
});

test('the demo’s PodGangs carry only what the operator writes; the topology page reads gang state from the pods', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/topology');
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });

  await page.getByLabel('Find', { exact: true }).fill('mixtral-agg');
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('selection-panel');
  await expect(panel).toContainText('default/mixtral-agg');
  await panel.getByText(/^Gangs \(/).click();
  // Both gangs have every pod Ready: Running, read from the members although each PodGang says Pending.
  await expect(panel.getByRole('listitem').filter({ hasText: /^mixtral-agg-0:/ })).toContainText('GPUs, Running');
  await expect(panel.getByRole('listitem').filter({ hasText: /^mixtral-agg-1:/ })).toContainText('GPUs, Running');
  expect(errors).toEqual([]);
});
