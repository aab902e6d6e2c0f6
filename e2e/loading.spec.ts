import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { WATCHED_KINDS, type WatchedKind } from '../lib/cluster/kinds';
import type { ConnectionStatus, StreamSnapshot } from '../lib/cluster/stream';
import { collectErrors } from './support/page';

/**
 * A kind the server sends empty while its first list still runs (`connecting`, no lastError: the hub
 * holds a first snapshot at most 10 s, then sends slow kinds that way) is loading, not empty: pages say
 * "Loading …", not "0 of 0" or "not found". The stream is answered here with such a snapshot (each
 * answer ends, so the tab reconnects about every second and gets it again); unrouting it lets the real
 * stream of the simulated demo cluster through, and the page then shows the cluster.
 */

type States = Partial<Record<WatchedKind, { status: ConnectionStatus; lastError?: string }>>;

/** A stream answer: one snapshot where every kind is empty, `states` as given and every other kind live. */
function streamAnswer(states: States): string {
  const snapshot: StreamSnapshot = { seq: 0, kinds: {}, states: {} };
  for (const kind of WATCHED_KINDS) {
    snapshot.kinds[kind] = { resourceVersion: '1', items: [] };
    snapshot.states[kind] = { kind, since: Date.now(), ...(states[kind] ?? { status: 'live' }) };
  }
  return `event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
}

const STREAM = '**/api/stream**';

async function answerStream(target: Page | BrowserContext, states: States): Promise<void> {
  await target.route(STREAM, (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: streamAnswer(states) }));
}

const listing = (kind: WatchedKind): States => ({ [kind]: { status: 'connecting' } });
const listStatus = (page: Page) => page.getByRole('status').filter({ hasText: /PodCliqueSet|Loading the cluster/ });

test('the workload list says Loading while PodCliqueSets are listing, not "0 of 0", then shows the cluster’s stacks', async ({ page }) => {
  const errors = collectErrors(page);
  await answerStream(page, listing('PodCliqueSet'));
  await page.goto('/workloads');
  await expect(listStatus(page)).toHaveText('Loading PodCliqueSets…');
  await expect(page.getByRole('table', { name: 'PodCliqueSets' })).toContainText('Loading…');
  // Still so after a few of the stream's reconnects (each a new snapshot saying the same).
  await page.waitForTimeout(2_500);
  await expect(listStatus(page)).toHaveText('Loading PodCliqueSets…');
  await expect(page.getByText(/0 of 0 PodCliqueSets|No PodCliqueSets/)).toHaveCount(0);

  await page.unroute(STREAM);
  await expect(page.getByTestId('workload-row').first()).toBeVisible({ timeout: 15_000 });
  const rows = await page.getByTestId('workload-row').count();
  await expect(listStatus(page)).toHaveText(new RegExp(`^${rows} of ${rows} PodCliqueSets? `));
  expect(errors).toEqual([]);
});

test('an empty PodCliqueSet list that is live is not loading: the list says none; one that failed says why, not none', async ({ page }) => {
  await answerStream(page, {});
  await page.goto('/workloads');
  await expect(listStatus(page)).toHaveText(/^0 of 0 PodCliqueSets /);
  await expect(page.getByText(/^No PodCliqueSets/)).toBeVisible();

  await page.unroute(STREAM);
  await answerStream(page, { PodCliqueSet: { status: 'error', lastError: 'podcliquesets.grove.io is forbidden' } });
  await page.reload();
  await expect(listStatus(page)).toHaveText(/^Could not list PodCliqueSets in \S+: podcliquesets.grove.io is forbidden\.$/);
  await expect(page.getByText('Loading PodCliqueSets…')).toHaveCount(0);
  await expect(page.getByText(/^No PodCliqueSets/)).toHaveCount(0);
});

test('a stack’s page says Loading while PodCliqueSets are listing, and "there is no" only once they have listed', async ({ page }) => {
  await answerStream(page, listing('PodCliqueSet'));
  await page.goto('/workloads/default/no-such-stack');
  await expect(listStatus(page)).toHaveText('Loading PodCliqueSets…');
  await expect(page.getByText(/There is no PodCliqueSet/)).toHaveCount(0);
  await page.unroute(STREAM);
  await expect(listStatus(page)).toHaveText('There is no PodCliqueSet no-such-stack in namespace default (it may have been deleted).', { timeout: 15_000 });
});

test('the topology page waits for the nodes while they are listing, instead of "no nodes with GPUs"', async ({ page }) => {
  const errors = collectErrors(page);
  await answerStream(page, listing('Node'));
  await page.goto('/topology');
  await expect(page.getByRole('status').filter({ hasText: 'Loading the cluster’s nodes…' })).toBeVisible();
  await expect(page.getByText(/no nodes with GPUs/)).toHaveCount(0);
  await page.unroute(STREAM);
  await expect(page.getByTestId('gpu-total')).toHaveText(/^[1-9]\d*$/, { timeout: 15_000 });
  await expect(page.getByText('Loading the cluster’s nodes…')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the builder’s preview says the nodes are loading while they are listing, then places the stack', async ({ page }) => {
  await answerStream(page, listing('Node'));
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
  await page.getByRole('button', { name: 'New from template' }).click();
  await page.getByRole('button', { name: 'Preview placement' }).click();
  const preview = page.getByTestId('preview-panel');
  await expect(preview.getByRole('status')).toHaveText('Loading the cluster’s nodes…');
  await expect(preview.getByText('The cluster has no nodes.')).toHaveCount(0);
  await page.unroute(STREAM);
  await expect(preview.getByTestId('preview-summary')).toContainText('Every gang fits', { timeout: 15_000 });
});

test('a second tab (following the first one’s stream) says Loading too', async ({ browser }) => {
  const context = await browser.newContext();
  try {
    await answerStream(context, listing('PodCliqueSet'));
    const first = await context.newPage();
    await first.goto('/workloads');
    await expect(listStatus(first)).toHaveText('Loading PodCliqueSets…');
    const second = await context.newPage();
    await second.goto('/workloads');
    await expect(listStatus(second)).toHaveText('Loading PodCliqueSets…');
    await context.unroute(STREAM);
    for (const page of [first, second]) await expect(page.getByTestId('workload-row').first()).toBeVisible({ timeout: 15_000 });
  } finally {
    await context.close();
  }
});
