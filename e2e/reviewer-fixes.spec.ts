import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ProcessGroup, tailOfFile } from './cluster/processes';
import { freePort } from './live/canopyServer';
import { rackPackedPcs } from './support/manifests';

/**
 * A server stopped under an open page (SIGTERM ends the page's stream, the header counts down to the
 * next attempt), and a workload whose pods all wait, selected on the topology page.
 */

const connectionState = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Cluster:/ }).getByTestId('connection-state');

interface StoppableServer {
  port: number;
  /** Sends the signal to `next start` itself. */
  signal(name: NodeJS.Signals): void;
  /** When it exited. */
  exitedAt: Promise<number>;
  /** SIGKILLs it if it is still running (a ProcessGroup also does if the worker dies first). */
  stop(): Promise<void>;
}

/**
 * `next start` of the build the web server runs (next.config.ts reads CANOPY_DIST_DIR), as its own
 * process on a free port, so this test may stop it: the simulated demo cluster, as the web server's.
 */
async function startServer(): Promise<StoppableServer> {
  const port = await freePort();
  const group = new ProcessGroup(mkdtempSync(path.join(tmpdir(), 'canopy-e2e-stoppable-')));
  const nextBin = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
  const next = group.start('next', process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CANOPY_SIMULATE: 'demo' });
  let exited = false;
  const exitedAt = next.exited.then(() => {
    exited = true;
    return Date.now();
  });
  const server: StoppableServer = { port, signal: (name) => process.kill(next.pid, name), exitedAt, stop: () => group.stopAll(0) };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/validate`).then((r) => r.ok, () => false)) return server;
    if (exited || Date.now() > deadline) {
      await server.stop();
      throw new Error(`next start ${exited ? 'exited' : 'did not answer within 60 s'}; last lines of ${next.logFile}:\n${tailOfFile(next.logFile, 30)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Rejects after `ms` (since the signal) unless `promise` settles first. */
const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} ${ms} ms after SIGTERM`)), ms))]);

/** When the stream ended (done, or cut). */
async function streamEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<number> {
  try {
    while (!(await reader.read()).done);
  } catch {
    // Cut rather than ended: still ended.
  }
  return Date.now();
}

test('SIGTERM: the server ends its open streams and exits; the page says it is reconnecting at once and counts the seconds down', async ({ page }) => {
  test.setTimeout(120_000);
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  try {
    await page.goto(`${base}/validate`);
    await expect(connectionState(page)).toHaveText('Live', { timeout: 30_000 });
    // Every change of the header's word, with when it happened (page clock, ms).
    await connectionState(page).evaluate((element) => {
      const seen: [number, string][] = [[performance.now(), element.textContent ?? '']];
      (window as unknown as { __connectionWords: [number, string][] }).__connectionWords = seen;
      new MutationObserver(() => {
        const text = element.textContent ?? '';
        if (text !== seen.at(-1)![1]) seen.push([performance.now(), text]);
      }).observe(element, { subtree: true, childList: true, characterData: true });
    });
    // A second client, read here, to time the end of its stream.
    const response = await fetch(`${base}/api/stream`);
    expect(response.status).toBe(200);
    // Not kept alive once it ends: an idle kept connection held the stopping server up to 5 s more.
    expect(response.headers.get('connection')).toBe('close');
    const reader = response.body!.getReader();
    await reader.read();

    const signalled = Date.now();
    server.signal('SIGTERM');
    // Before the fix the stream stayed open, the page "Live" for 40 s and more, and the process did not exit.
    const ended = await within(streamEnd(reader), 5_000, 'the stream was still open');
    await expect(connectionState(page)).toHaveText(/^Reconnecting/, { timeout: 3_000 });
    const shown = Date.now();
    const exited = await within(server.exitedAt, 10_000, 'next start was still running');
    const timing = `SIGTERM → stream ended after ${ended - signalled} ms, page showed Reconnecting after ≤${shown - signalled} ms, process exited after ${exited - signalled} ms`;
    test.info().annotations.push({ type: 'timing', description: timing });
    console.info(timing);
    expect(ended - signalled).toBeLessThan(3_000);
    expect(exited - signalled).toBeLessThan(5_000);

    // The countdown moves: with the server gone the retries back off (1, 2, 4, 8 s…), and a wait of
    // several seconds shows N s, then N-1 s, each for about a second (it read "in 8 s" for 6 s before).
    const countsDown = (words: [number, string][]) =>
      words.some(([, word], i) => {
        const n = /^Reconnecting in (\d+) s$/.exec(word)?.[1];
        return n !== undefined && Number(n) >= 2 && words[i + 1]?.[1] === `Reconnecting in ${Number(n) - 1} s`;
      });
    const words = () => page.evaluate(() => (window as unknown as { __connectionWords: [number, string][] }).__connectionWords);
    await expect.poll(async () => countsDown(await words()), { timeout: 30_000, intervals: [500] }).toBe(true);
    const seen = await words();
    console.info(seen.map(([at, word]) => `${Math.round(at)} ${word}`).join('\n'));
    for (let i = 0; i + 1 < seen.length; i++) {
      const [at, word] = seen[i]!;
      // Each count is shown for about one tick of the clock (2.5 s: a busy 2-core machine's timers lag).
      const n = Number(/^Reconnecting in (\d+) s$/.exec(word)?.[1] ?? 0);
      if (n >= 2) expect(seen[i + 1]![0] - at, `${word} shown for too long`).toBeLessThan(2_500);
    }
    expect(seen.map(([, word]) => word)).toContain('Reconnecting…');
  } finally {
    await server.stop();
  }
});

test('SIGTERM while the first stream’s request is in flight (the route not loaded yet): that stream ends too, and the server exits', async () => {
  test.setTimeout(90_000);
  const server = await startServer();
  try {
    const asked = fetch(`http://127.0.0.1:${server.port}/api/stream`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const signalled = Date.now();
    server.signal('SIGTERM');
    // Accepted before the signal, the stream ends at once; refused after it, there is none to end.
    const ended = await within(
      asked.then(
        (response) => streamEnd(response.body!.getReader()),
        () => Date.now(),
      ),
      5_000,
      'the stream was still open',
    );
    // Before instrumentation.ts hooked the signal at start, a stream created after it stayed open: no exit.
    const exited = await within(server.exitedAt, 10_000, 'next start was still running');
    console.info(`SIGTERM with the stream's request in flight → stream ended after ${ended - signalled} ms, process exited after ${exited - signalled} ms`);
    expect(exited - signalled).toBeLessThan(5_000);
  } finally {
    await server.stop();
  }
});

test('a workload whose pods all wait: its selection says none is placed instead of "Spans 0 …", and lists its gang with its state', async ({ page }) => {
  await page.goto('/topology');
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.length > 0);
  // 19 pods × 4 GPUs required in one rack: no rack has 76 GPUs, so the gang waits whole.
  const applied = await page.request.post('/api/apply', { headers: { 'content-type': 'application/yaml', 'x-canopy-request': '1' }, data: rackPackedPcs('nofit-rack', 19, 4) });
  expect(applied.ok(), await applied.text()).toBe(true);
  try {
    await expect
      .poll(() => page.evaluate(() => (window.__canopyHeatmap!.model as unknown as { workloads: { key: string; pendingPods: number }[] }).workloads.find((w) => w.key === 'default/nofit-rack')?.pendingPods ?? 0), { timeout: 15_000 })
      .toBe(19);
    await page.getByLabel('Find', { exact: true }).fill('nofit-rack');
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('selection-panel');
    await expect(panel).toContainText('default/nofit-rack · no GPUs yet · 19 pods pending, 76 GPUs waiting');
    await expect(panel.getByTestId('selection-only-pending')).toContainText('19 pods pending, none placed.');
    await expect(panel).not.toContainText('Spans');
    // Its PodGang exists (the simulated operator made it): the gang is listed, with the state its pods give.
    await expect(panel.getByText('Gangs (1)')).toBeVisible({ timeout: 10_000 });
    await panel.getByText('Gangs (1)').click();
    await expect(panel.getByRole('listitem')).toHaveText(['nofit-rack-0: no GPUs yet, 19 pods pending, Pending']);
  } finally {
    const deleted = await page.request.post('/api/delete', { headers: { 'content-type': 'application/json', 'x-canopy-request': '1' }, data: { kind: 'PodCliqueSet', namespace: 'default', name: 'nofit-rack' } });
    expect(deleted.ok(), await deleted.text()).toBe(true);
  }
});
