import { expect, test, type Page, type Route } from '@playwright/test';

/**
 * A dropped stream in the browser (the page's /api/stream answered by the test): the header says the
 * data shown may be out of date, as of when, and a waited-for attempt starts at once when the browser
 * is back online or the tab becomes visible, not at the end of its backoff.
 */

const clusterButton = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Cluster:/ });

/** One whole snapshot of an empty cluster, then the response ends (the stream drops). */
const SNAPSHOT_THEN_END = `event: snapshot\ndata: ${JSON.stringify({ seq: 0, kinds: {}, states: {} })}\n\n`;

test('a dropped stream says the data is as of its last message, and tries again at once when the browser is online again or the tab visible', async ({ page }) => {
  test.setTimeout(90_000);
  let requests = 0;
  let next: 'snapshot' | 'refuse' = 'snapshot';
  await page.route(
    (url) => url.pathname === '/api/stream',
    async (route: Route) => {
      requests++;
      if (next === 'refuse') return route.abort('connectionrefused');
      next = 'refuse';
      await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: SNAPSHOT_THEN_END });
    },
  );
  await page.goto('/validate');
  const button = clusterButton(page);
  const state = button.getByTestId('connection-state');
  const asOf = button.getByTestId('connection-as-of');

  // The snapshot arrived, then the stream ended: what is shown is as of then.
  await expect(asOf).toHaveText(/^data as of \d{2}:\d{2}:\d{2}$/, { timeout: 20_000 });
  await expect(state).toHaveText(/^Reconnecting/);
  await expect(button).toHaveAttribute('title', /What is shown is the cluster as of \d{2}:\d{2}:\d{2} and may be out of date\./);
  const firstAsOf = await asOf.textContent();

  /** Waits for a countdown of at least 4 s (the attempts back off: 1, 2, 4, 8 s…), then `wake`s the page: an attempt follows within 1.5 s. */
  const wakesAtOnce = async (wake: () => Promise<void>) => {
    await expect(state).toHaveText(/^Reconnecting in ([4-9]|10) s$/, { timeout: 30_000 });
    const before = requests;
    await wake();
    await expect.poll(() => requests, { timeout: 1_500, intervals: [50] }).toBeGreaterThan(before);
    // The attempt was refused again: still out of date, as of the same moment.
    await expect(asOf).toHaveText(firstAsOf!);
  };
  await wakesAtOnce(() => page.evaluate(() => void window.dispatchEvent(new Event('online'))));
  await wakesAtOnce(() => page.evaluate(() => void document.dispatchEvent(new Event('visibilitychange'))));

  // Served again: the next snapshot clears it (and this one's end starts a new "as of").
  next = 'snapshot';
  await page.evaluate(() => void window.dispatchEvent(new Event('online')));
  await expect(asOf).not.toHaveText(firstAsOf!, { timeout: 10_000 });
  await expect(asOf).toHaveText(/^data as of \d{2}:\d{2}:\d{2}$/);
});
