import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { ELECTION_CHANNEL, LEADER_NOTE_KEY } from '../components/hooks/streamElection';
import { rackPackedPcs } from './support/manifests';
import { collectErrors } from './support/page';

/**
 * Many tabs sharing one /api/stream where Web Locks do not exist: Canopy served over plain http under a
 * name (CANOPY_ALLOWED_HOSTS, as on a jump host) is not a secure context, so the tabs elect the tab
 * holding the stream by heartbeats on a BroadcastChannel (components/hooks/streamElection.ts). Chromium
 * allows six HTTP/1.1 connections per host: a stream per tab would leave the seventh tab without one and
 * every request of the others waiting. The e2e webServer lists canopy.test in CANOPY_ALLOWED_HOSTS, and
 * this browser resolves canopy.test to the server's 127.0.0.1. See tabs.spec.ts for the secure origin.
 */

const TABS = 8;
const HOST = 'canopy.test';

/** A small stack: one pod of one GPU. */
const probe = (name: string) => rackPackedPcs(name, 1, 1);

/**
 * A mutating request sent by the page (so it waits in the browser's connection pool as the app's own
 * actions do), answered with its status, or `timeout`.
 */
function postFromPage(page: Page, path: string, body: string, contentType: string): Promise<string> {
  return page.evaluate(
    async ({ path, body, contentType }) => {
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 10_000));
      const response = fetch(path, { method: 'POST', body, headers: { 'X-Canopy-Request': '1', 'content-type': contentType } });
      return Promise.race([response.then(async (r) => (r.ok ? String(r.status) : `${r.status} ${await r.text()}`)), timeout]);
    },
    { path, body, contentType },
  );
}

const connectionState = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Cluster:/ }).getByTestId('connection-state');
const row = (page: Page, name: string) => page.locator(`[data-testid="workload-row"][data-namespace="default"][data-name="${name}"]`);
const isStream = (url: string) => new URL(url).pathname.startsWith('/api/stream');

/** How many tabs say they lead, heard on the election channel from `page` for 3 s. */
function leadersHeard(page: Page): Promise<number> {
  return page.evaluate(async (name) => {
    const channel = new BroadcastChannel(name);
    const heard = new Set<string>();
    channel.onmessage = (event: MessageEvent<{ type?: string; from?: string }>) => {
      if (event.data.type === 'leader' && event.data.from) heard.add(event.data.from);
    };
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    channel.close();
    return heard.size;
  }, ELECTION_CHANNEL);
}

test('eight tabs on an insecure origin share one stream without Web Locks; a leading tab that closes or freezes hands it on', async ({ launchOptions, baseURL }) => {
  test.setTimeout(180_000);
  const origin = `http://${HOST}:${new URL(baseURL!).port}`;
  const browser: Browser = await chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), `--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
  const context = await browser.newContext({ baseURL: origin });
  const streamsBy = new Map<Page, number>();
  /** The tab that opened the latest stream: the one leading. */
  let leading: Page | null = null;
  context.on('request', (request) => {
    if (!isStream(request.url())) return;
    const page = request.frame().page();
    streamsBy.set(page, (streamsBy.get(page) ?? 0) + 1);
    leading = page;
  });
  /** The tab's number (1 = the first opened). */
  const numberOf = (page: Page) => pages.indexOf(page) + 1;
  /** Streams opened per tab, by the tab's number. */
  const streamsPerTab = () => Object.fromEntries([...streamsBy].map(([page, count]) => [numberOf(page), count]));
  const suffix = Date.now().toString(36);
  const [first, second] = [`tabs-insecure-a-${suffix}`, `tabs-insecure-b-${suffix}`];
  const pages: Page[] = [];
  const errors: string[][] = [];
  try {
    for (let i = 0; i < TABS; i++) {
      const page = await context.newPage();
      pages.push(page);
      errors.push(collectErrors(page));
      await page.goto('/workloads', { timeout: 30_000 });
      if (i === 0) {
        // The point of this spec: no secure context, so no navigator.locks.
        expect(await page.evaluate(() => ({ secure: window.isSecureContext, locks: 'locks' in navigator, channel: typeof BroadcastChannel }))).toEqual({ secure: false, locks: false, channel: 'function' });
      }
      await expect(connectionState(page)).toHaveText('Live', { timeout: 30_000 });
    }
    // One stream for the whole profile, held by the first tab.
    expect(streamsPerTab()).toEqual({ 1: 1 });

    // The first tab's actions are answered, and every tab sees their result through the one stream.
    expect(await postFromPage(pages[0]!, '/api/apply', probe(first), 'application/yaml')).toBe('200');
    const scale = { kind: 'PodCliqueSet', namespace: 'default', name: first, replicas: 2, dryRun: false };
    expect(await postFromPage(pages[0]!, '/api/scale', JSON.stringify(scale), 'application/json')).toBe('200');
    for (const page of pages) await expect(row(page, first).getByTestId('available')).toHaveText(/\/2$/, { timeout: 15_000 });

    /** Does `action` and waits for the tab that opens the next stream: it, and how long that took. */
    const handOver = async (action: () => Promise<unknown>): Promise<{ next: Page; tookMs: number }> => {
      const started = Date.now();
      const request = context.waitForEvent('request', { predicate: (r) => isStream(r.url()), timeout: 15_000 });
      await action();
      return { next: (await request).frame().page(), tookMs: Date.now() - started };
    };

    // The leading tab closes: another tab opens the stream (one), within a few seconds. (The first tab,
    // unless a loaded machine kept it busy past the silence while it rendered the changes above and
    // another tab took over: that is the election working too.)
    const closed = leading!;
    const closing = await handOver(() => closed.close());
    expect(closing.tookMs).toBeLessThan(8_000);
    const rest = pages.filter((page) => page !== closed);
    expect(rest).toContain(closing.next);

    // A change made from the last tab after that reaches every remaining tab.
    const last = rest.at(-1)!;
    expect(await postFromPage(last, '/api/apply', probe(second), 'application/yaml')).toBe('200');
    for (const page of rest) {
      await expect(row(page, second)).toHaveCount(1, { timeout: 15_000 });
      await expect(connectionState(page)).toHaveText('Live');
    }
    expect(streamsBy.get(closing.next)).toBe(1);

    // The leading tab stops running without a word (frozen or hung: its script paused in the debugger,
    // so no heartbeats, no answers, no freeze event): after its silence another takes over.
    const frozen = leading!;
    const debug = await context.newCDPSession(frozen);
    await debug.send('Debugger.enable');
    const freezing = await handOver(() => debug.send('Debugger.pause'));
    expect(freezing.tookMs).toBeLessThan(8_000);
    expect(freezing.next).not.toBe(frozen);
    const awake = rest.filter((page) => page !== frozen);
    const actor = awake.at(-1)!;
    for (const name of [first, second]) {
      const removal = { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false };
      expect(await postFromPage(actor, '/api/delete', JSON.stringify(removal), 'application/json')).toBe('200');
    }
    for (const page of awake) await expect(row(page, second)).toHaveCount(0, { timeout: 15_000 });

    // Back, it still thinks it leads for a moment; it hears the newer leader, steps down, and catches up
    // on what it missed. Then one tab alone says it leads.
    await debug.send('Debugger.resume');
    await expect(row(frozen, second)).toHaveCount(0, { timeout: 15_000 });
    expect(await leadersHeard(actor)).toBe(1);
    for (const page of rest) {
      await expect(row(page, first)).toHaveCount(0);
      await expect(connectionState(page)).toHaveText('Live');
    }
    // No tab opened a stream twice (the resumed one did not open another), and no follower one of its own.
    expect(streamsBy.get(frozen)).toBe(1);
    expect(Object.values(streamsPerTab()).every((count) => count === 1)).toBe(true);
    expect(errors.flat()).toEqual([]);
  } finally {
    await context.close();
    await browser.close();
  }
});

/**
 * Marks, in ms since navigation start, when the page made its election channel and its EventSource: the
 * election's wait is the time between them (no election channel with Web Locks).
 */
async function markStreamStart(page: Page): Promise<void> {
  await page.addInitScript((electionChannel: string) => {
    const marks: { election?: number; stream?: number } = {};
    (window as unknown as { __canopyMarks: typeof marks }).__canopyMarks = marks;
    const NativeChannel = window.BroadcastChannel;
    window.BroadcastChannel = class extends NativeChannel {
      constructor(name: string) {
        super(name);
        if (name === electionChannel) marks.election ??= performance.now();
      }
    };
    const NativeEventSource = window.EventSource;
    window.EventSource = class extends NativeEventSource {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        marks.stream ??= performance.now();
      }
    };
  }, ELECTION_CHANNEL);
}

interface TimeToLive {
  /** Navigation start to the connection state saying Live. */
  liveMs: number;
  /** Navigation start to the stream's request. */
  streamMs: number;
  /** The election channel made to the stream's request (null with Web Locks). */
  electionMs: number | null;
}

async function timeToLive(page: Page): Promise<TimeToLive> {
  const live = await page.waitForFunction(() => (document.querySelector('header [data-testid="connection-state"]')?.textContent === 'Live' ? performance.now() : 0), undefined, { polling: 'raf', timeout: 30_000 });
  const marks = await page.evaluate(() => (window as unknown as { __canopyMarks: { election?: number; stream?: number } }).__canopyMarks);
  expect(marks.stream).toBeDefined();
  return { liveMs: Math.round(Number(await live.jsonValue())), streamMs: Math.round(marks.stream!), electionMs: marks.election === undefined ? null : Math.round(marks.stream! - marks.election) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('a lone tab on an insecure origin opens its stream at once, as with Web Locks: no leader is noted, so it does not wait a claim out', async ({ launchOptions, baseURL }) => {
  test.setTimeout(300_000);
  const port = new URL(baseURL!).port;
  const browser: Browser = await chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), `--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
  const RUNS = 5;
  const origins = { secure: `http://127.0.0.1:${port}`, insecure: `http://${HOST}:${port}` } as const;
  const runs: Record<keyof typeof origins, TimeToLive[]> = { secure: [], insecure: [] };
  /** A lone tab in a fresh profile (no note, no other tab). */
  const loneTab = async (kind: keyof typeof origins): Promise<TimeToLive> => {
    const context = await browser.newContext({ baseURL: origins[kind] });
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await markStreamStart(page);
      await page.goto('/workloads');
      const measured = await timeToLive(page);
      expect(await page.evaluate(() => 'locks' in navigator)).toBe(kind === 'secure');
      expect(errors).toEqual([]);
      return measured;
    } finally {
      await context.close();
    }
  };
  try {
    // Once each unmeasured, so no run pays a cold server's first render; then alternating.
    for (const kind of ['secure', 'insecure'] as const) await loneTab(kind);
    for (let run = 0; run < RUNS; run++) for (const kind of ['secure', 'insecure'] as const) runs[kind].push(await loneTab(kind));
  } finally {
    await browser.close();
  }
  const summary = Object.fromEntries(
    Object.entries(runs).map(([kind, measured]) => [kind, { medianLiveMs: median(measured.map((m) => m.liveMs)), medianStreamMs: median(measured.map((m) => m.streamMs)), runs: measured }]),
  );
  console.log(`lone tab, ${RUNS} runs each: ${JSON.stringify(summary)}`);
  test.info().annotations.push({ type: 'time-to-live', description: JSON.stringify(summary) });
  // The election's own wait, measured in the page (the load's noise is outside it): it was a claim, 750 ms.
  for (const { electionMs } of runs.insecure) expect(electionMs).toBeLessThan(250);
});

for (const missed of [false, true]) {
  test(`two tabs opened in the same instant on an insecure origin end with one stream and one leader, both live${missed ? ' (each reads no note: both lead, then settle)' : ''}`, async ({ launchOptions, baseURL }) => {
    test.setTimeout(120_000);
    const browser: Browser = await chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), `--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
    const context = await browser.newContext({ baseURL: `http://${HOST}:${new URL(baseURL!).port}` });
    if (missed) {
      // The race at its worst: each tab's first read of the leader's note finds none, as when both read
      // before either wrote. Both lead and open a stream; their heartbeats settle it.
      await context.addInitScript((key: string) => {
        const getItem = Storage.prototype.getItem;
        let first = true;
        Storage.prototype.getItem = function (this: Storage, name: string) {
          if (name === key && first) {
            first = false;
            return null;
          }
          return getItem.call(this, name);
        };
      }, LEADER_NOTE_KEY);
    }
    /** Streams opened, and those closed again (a tab that led for a moment steps down: its EventSource is aborted). */
    const opened: string[] = [];
    const closed: string[] = [];
    context.on('request', (request) => {
      if (isStream(request.url())) opened.push(request.url());
    });
    context.on('requestfailed', (request) => {
      if (isStream(request.url())) closed.push(request.url());
    });
    try {
      const pages = await Promise.all([context.newPage(), context.newPage()]);
      const errors = pages.map((page) => collectErrors(page));
      await Promise.all(pages.map((page) => page.goto('/workloads', { timeout: 30_000 })));
      for (const page of pages) await expect(connectionState(page)).toHaveText('Live', { timeout: 30_000 });
      await expect.poll(() => opened.length - closed.length, { timeout: 10_000 }).toBe(1);
      expect(await leadersHeard(pages[1]!)).toBe(1);
      console.log(`two tabs at once${missed ? ', no note read' : ''}: ${opened.length} stream(s) opened, ${closed.length} closed again`);
      expect(opened.length - closed.length).toBe(1);
      // Not asserted: that both led (2 opened). A tab that hears the other's heartbeat before its own first
      // read follows without reading, so whether the race happens here is the machine's timing (CI saw 1);
      // the double lead itself is forced and checked in streamElection.test.ts and streamRelay.test.ts (same instant).
      expect(opened.length).toBeLessThanOrEqual(2);
      for (const page of pages) await expect(connectionState(page)).toHaveText('Live');
      expect(errors.flat()).toEqual([]);
    } finally {
      await context.close();
      await browser.close();
    }
  });
}
