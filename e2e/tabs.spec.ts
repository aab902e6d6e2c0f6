import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './support/page';

/**
 * Many tabs of one browser profile share one /api/stream (components/hooks/streamRelay.ts). Chromium
 * allows six HTTP/1.1 connections per host, which is what `next start` serves: with a stream per tab the
 * seventh tab never loads and every request of the others waits. The probes are PodCliqueSets in a
 * namespace of their own, seen in each tab's namespace suggestions (the cluster control's panel lists
 * the namespaces of the streamed objects).
 */

const TABS = 8;

const probe = (namespace: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: tabs-probe
  namespace: ${namespace}
spec:
  replicas: 1
  template:
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: 1
          podSpec:
            containers:
              - name: engine
                image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0
                resources:
                  limits:
                    nvidia.com/gpu: "1"
`;

/**
 * A request made by the page itself (so it waits in the browser's connection pool like the app's own
 * actions, which page.request would not), with its status, or `timeout` when no answer came in time.
 */
function fetchInPage(page: Page, path: string, init: { method: 'GET' | 'POST'; body?: string; contentType?: string }, waitMs = 10_000): Promise<string> {
  return page.evaluate(
    async ({ path, init, waitMs }) => {
      const answer = fetch(path, {
        method: init.method,
        body: init.body,
        headers: { 'X-Canopy-Request': '1', ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      }).then(async (response) => `${response.status}${response.ok ? '' : ` ${await response.text()}`}`);
      return Promise.race([answer, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), waitMs))]);
    },
    { path, init, waitMs },
  );
}

const connectionState = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Cluster:/ }).getByTestId('connection-state');

/** Opens the cluster control's panel, where the namespace field suggests the namespaces in the stream. */
async function openClusterPanel(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: /^Cluster:/ }).click();
  await expect(page.getByRole('group', { name: 'Cluster connection' })).toBeVisible();
}

const suggests = (page: Page, namespace: string) => page.getByRole('group', { name: 'Cluster connection' }).locator(`datalist option[value="${namespace}"]`);

test('eight tabs share one stream: all live, actions answer, and closing the leading tab hands the stream on', async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext();
  const streamsBy = new Map<Page, number>();
  context.on('request', (request) => {
    if (!new URL(request.url()).pathname.startsWith('/api/stream')) return;
    const page = request.frame().page();
    streamsBy.set(page, (streamsBy.get(page) ?? 0) + 1);
  });
  const suffix = Date.now().toString(36);
  const first = `tabs-a-${suffix}`;
  const second = `tabs-b-${suffix}`;
  const pages: Page[] = [];
  const errors: string[][] = [];
  try {
    for (let i = 0; i < TABS; i++) {
      const page = await context.newPage();
      errors.push(collectErrors(page));
      await page.goto('/validate', { timeout: 30_000 });
      await expect(connectionState(page)).toHaveText('Live', { timeout: 30_000 });
      pages.push(page);
    }
    // One stream for the whole profile, held by the first tab.
    expect([...streamsBy.values()].reduce((a, b) => a + b, 0)).toBe(1);
    expect(streamsBy.get(pages[0]!)).toBe(1);

    // Requests from the first tab are answered: a read, an apply, a scale.
    expect(await fetchInPage(pages[0]!, '/api/context', { method: 'GET' })).toBe('200');
    expect(await fetchInPage(pages[0]!, '/api/apply', { method: 'POST', body: probe(first), contentType: 'application/yaml' })).toBe('200');
    const scale = { kind: 'PodCliqueSet', namespace: first, name: 'tabs-probe', replicas: 2, dryRun: false };
    expect(await fetchInPage(pages[0]!, '/api/scale', { method: 'POST', body: JSON.stringify(scale), contentType: 'application/json' })).toBe('200');

    // Every tab sees the change through the one stream.
    for (const page of pages) {
      await openClusterPanel(page);
      await expect(suggests(page, first)).toHaveCount(1, { timeout: 15_000 });
    }

    // The leading tab closes: another opens the stream (one), and a change made after that reaches all.
    const handedOver = context.waitForEvent('request', { predicate: (request) => new URL(request.url()).pathname.startsWith('/api/stream'), timeout: 15_000 });
    await pages[0]!.close();
    const next = (await handedOver).frame().page();
    const rest = pages.slice(1);
    expect(rest).toContain(next);
    const last = rest.at(-1)!;
    expect(await fetchInPage(last, '/api/apply', { method: 'POST', body: probe(second), contentType: 'application/yaml' })).toBe('200');
    for (const page of rest) {
      await expect(suggests(page, second)).toHaveCount(1, { timeout: 15_000 });
      await expect(connectionState(page)).toHaveText('Live');
    }
    expect([...streamsBy.values()].reduce((a, b) => a + b, 0)).toBe(2);

    for (const namespace of [first, second]) {
      const removal = { kind: 'PodCliqueSet', namespace, name: 'tabs-probe', dryRun: false };
      expect(await fetchInPage(last, '/api/delete', { method: 'POST', body: JSON.stringify(removal), contentType: 'application/json' })).toBe('200');
    }
    for (const page of rest) await expect(suggests(page, first)).toHaveCount(0, { timeout: 15_000 });
    expect(errors.flat()).toEqual([]);
  } finally {
    await context.close();
  }
});
