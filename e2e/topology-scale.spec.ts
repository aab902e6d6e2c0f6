import { expect, test, type Page } from '@playwright/test';
import { WATCHED_KINDS, type WatchedKind } from '../lib/cluster/kinds';
import type { ConnectionStatus, StreamSnapshot } from '../lib/cluster/stream';
import type { KubeObject } from '../lib/grove/meta';
import { collectErrors } from './support/page';
import { emitToHeldStreams, holdStream } from './support/stream';

/**
 * The topology page on a cluster too large to list at once, and while its nodes load. The page's
 * stream is an EventSource stand-in that stays open (as the real one does) and sends the snapshots the
 * test gives it: no page of another helper's is needed, and no real cluster of that size.
 */

type States = Partial<Record<WatchedKind, ConnectionStatus>>;

/** A snapshot of `nodes` (every other kind empty); kinds in `states` in that state, the others live. */
function snapshotOf(nodes: KubeObject[], states: States = {}): string {
  const snapshot: StreamSnapshot = { seq: 0, kinds: {}, states: {} };
  for (const kind of WATCHED_KINDS) {
    snapshot.kinds[kind] = { resourceVersion: '1', items: kind === 'Node' ? nodes : [] };
    snapshot.states[kind] = { kind, since: Date.now(), status: states[kind] ?? 'live' };
  }
  return JSON.stringify(snapshot);
}

/** `count` 4-GPU nodes, each its own NVLink clique (so its own domain); every other one tainted. */
function gpuNodes(count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `gpu-node-${i}`;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, uid: `uid-${i}`, resourceVersion: '1', labels: { 'kubernetes.io/hostname': name, 'nvidia.com/gpu.clique': `clique-${i}` } },
      spec: i % 2 === 0 ? { taints: [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }] } : {},
      status: { allocatable: { 'nvidia.com/gpu': '4', cpu: '64', memory: '512Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
    } as KubeObject;
  });
}

/** The held stream sends another snapshot (a reconnect's, or the next step of the list). */
async function sendSnapshot(page: Page, data: string): Promise<void> {
  await emitToHeldStreams(page, 'snapshot', data);
}

test('while the nodes load the header says "Loading nodes…" (with how many so far), never 0 GPUs or "no ClusterTopologyBinding"', async ({ page }) => {
  const errors = collectErrors(page);
  const nodes = gpuNodes(12);
  await holdStream(page, snapshotOf([], { Node: 'connecting', ClusterTopologyBinding: 'connecting' }));
  await page.goto('/topology');
  // The page has the stream's snapshot: the map's badge says the nodes are loading.
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'loading');
  const header = page.locator('h1 + p');
  await expect(header).not.toHaveText(/\b0 GPUs\b|no ClusterTopologyBinding/);
  await expect(page.getByText(/All \(0 nodes\)/)).toHaveCount(0);
  const summary = page.getByTestId('topology-summary');
  await expect(summary).toHaveText('Loading nodes…');
  await expect(page.getByTestId('gpu-total')).toHaveCount(0);

  // Part of the list has arrived: a count, still no totals (they would be a part of the cluster's).
  await sendSnapshot(page, snapshotOf(nodes.slice(0, 5), { Node: 'connecting', ClusterTopologyBinding: 'connecting' }));
  await expect(summary).toHaveText('Loading nodes… 5 so far');
  await expect(page.getByTestId('gpu-total')).toHaveCount(0);
  await expect(page.getByTestId('domain-table-loading')).toContainText('Loading nodes… 5 so far');
  await expect(page.getByTestId('domain-table')).toHaveCount(0);
  // The map may draw the nodes so far, and says they are only part of the cluster.
  await expect(page.getByTestId('heatmap-canvas')).toHaveAttribute('aria-label', /^GPU heatmap of the nodes loaded so far \(Loading nodes… 5 so far\)/);

  // Nodes live, bindings still listing: the totals, and the bindings said to be loading, not absent.
  await sendSnapshot(page, snapshotOf(nodes, { ClusterTopologyBinding: 'connecting' }));
  await expect(page.getByTestId('gpu-total')).toHaveText('48');
  await expect(summary).toContainText('12 nodes');
  await expect(summary).toContainText('Loading ClusterTopologyBindings…');
  await expect(summary).not.toContainText('no ClusterTopologyBinding');

  // Bindings live and none: now it is a fact.
  await sendSnapshot(page, snapshotOf(nodes));
  await expect(summary).toContainText('no ClusterTopologyBinding');
  await expect(page.getByTestId('table-total-gpus')).toHaveText('48');
  expect(errors).toEqual([]);
});

test.describe('a cluster of 1,200 nodes (1,200 domains, 600 tainted)', () => {
  test.beforeEach(async ({ page }) => {
    await holdStream(page, snapshotOf(gpuNodes(1_200)));
    await page.goto('/topology');
    await expect(page.getByTestId('gpu-total')).toHaveText('4800', { timeout: 30_000 });
  });

  test('"Show all" renders only the rows in view, the table counts all of them, and the keyboard reaches the last', async ({ page }) => {
    const errors = collectErrors(page);
    const table = page.getByTestId('domain-table');
    const rendered = table.locator('tbody tr[data-domain]');
    await expect(rendered).toHaveCount(300);
    // By keyboard: the button removes itself, and the focus moves to the scrolling box that replaces it.
    await page.getByRole('button', { name: 'Show all 1200 domains' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('button', { name: 'Show all 1200 domains' })).toHaveCount(0);
    await expect(table.getByRole('rowheader').first()).toBeVisible();
    const count = await rendered.count();
    expect(count).toBeGreaterThan(10);
    expect(count).toBeLessThan(150);
    await expect(table).toHaveAttribute('aria-rowcount', '1202');
    // Still a table a screen reader reads: rows with cells, each shown row saying where it is.
    await expect(rendered.first()).toHaveAttribute('aria-rowindex', '2');
    await expect(table.getByRole('row').first().getByRole('columnheader', { name: 'GPUs' })).toBeVisible();

    // The scrolling box has the focus; End scrolls it to the last domain, which is then rendered.
    const scroller = page.getByRole('region', { name: /^Table of 1,200 domains/ });
    await expect(scroller).toBeFocused();
    await page.keyboard.press('End');
    const last = table.locator('tbody tr[aria-rowindex="1201"]');
    await expect(last).toBeVisible();
    await expect(last.getByRole('rowheader')).toHaveText(/^nvlink clique-/);
    expect(await rendered.count()).toBeLessThan(150);
    // The totals row stays the table's last row.
    await expect(table.locator('tfoot tr')).toHaveAttribute('aria-rowindex', '1202');
    await expect(page.getByTestId('table-total-gpus')).toHaveText('4800');

    // The tainted nodes follow "Show all": every one of them, windowed too.
    const tainted = page.getByTestId('tainted-nodes');
    await expect(tainted).toContainText('Tainted nodes (600)');
    await expect(page.getByTestId('tainted-nodes-cut')).toHaveCount(0);
    await expect(tainted.locator('li').first()).toHaveAttribute('aria-setsize', '600');
    expect(errors).toEqual([]);
  });

  test('the domain table and the tainted-node list cut to 300 say so; the tainted nodes show the rest on request', async ({ page }) => {
    await expect(page.getByTestId('domain-table').locator('caption')).toContainText('The first 300 of 1,200 domains are shown.');
    const tainted = page.getByTestId('tainted-nodes');
    await expect(tainted).toContainText('Tainted nodes (600)');
    await expect(tainted.locator('li')).toHaveCount(300);
    await expect(page.getByTestId('tainted-nodes-cut')).toContainText('300 of 600 shown.');
    await page.getByRole('button', { name: 'Show all 600 tainted nodes' }).click();
    await expect(page.getByTestId('tainted-nodes-cut')).toHaveCount(0);
    const list = page.getByRole('region', { name: /^List of 600 tainted nodes/ });
    await expect(list).toBeFocused();
    await list.evaluate((box) => box.scrollTo(0, box.scrollHeight));
    await expect(tainted.locator('li[aria-posinset="600"]')).toBeVisible();
    await expect(tainted.locator('li[aria-posinset="600"]')).toContainText('dedicated=infer:NoSchedule');
    expect(await tainted.locator('li').count()).toBeLessThan(150);
  });

  test('search suggestions say when they are cut, and narrow as the query grows', async ({ page }) => {
    const note = page.getByTestId('search-suggestions-note');
    await expect(note).toHaveText('Suggestions: first 300 of 1,200 nodes; type more to narrow.');
    await expect(page.locator('#heatmap-search-options option')).toHaveCount(300);
    await page.locator('#heatmap-search').fill('gpu-node-11');
    // gpu-node-11, -110 … -119, -1100 … -1199
    await expect(page.locator('#heatmap-search-options option')).toHaveCount(111);
    await expect(note).toHaveCount(0);
  });
});
