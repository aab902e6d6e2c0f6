/** The cluster stream as a test reads it: a snapshot taken in the page (same origin, no header needed). */
import type { Page } from '@playwright/test';
import type { StreamSnapshot } from '../../lib/cluster/stream';

/**
 * A snapshot from /api/stream with every kind's watch live. The hub's first snapshot after a server
 * start can precede its upstream lists: ask again until every watch is live. `page` must be on the app.
 */
export async function liveStreamSnapshot(page: Page): Promise<StreamSnapshot> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const snapshot = await page.evaluate(
      () =>
        new Promise<StreamSnapshot>((resolve, reject) => {
          const source = new EventSource('/api/stream');
          const timer = setTimeout(() => {
            source.close();
            reject(new Error('no snapshot within 15 s'));
          }, 15_000);
          source.addEventListener('snapshot', (event) => {
            clearTimeout(timer);
            source.close();
            resolve(JSON.parse((event as MessageEvent<string>).data) as StreamSnapshot);
          });
        }),
    );
    const states = Object.values(snapshot.states ?? {});
    if (states.length > 0 && states.every((s) => s?.status === 'live')) return snapshot;
    await page.waitForTimeout(500);
  }
  throw new Error('the stream never reported every watch live');
}
