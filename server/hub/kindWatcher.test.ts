/**
 * The HTTP status of a kind's last failure travels in its connection state (httpStatus), so the header
 * tells a refusal of rights (403) from other failures without reading error text; it is dropped as
 * soon as the kind is live again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { KindConnectionState } from '../../lib/cluster/stream';
import type { ClusterSource, ListPage, WatchEnd, WatchEvent } from '../sources/types';
import { httpStatusOf, KindWatcher, LONGEST_WATCH_MS } from './kindWatcher';

/**
 * A source whose lists fail with the queued errors, then succeed (empty); watches fail to open with
 * their queued errors, then stay open until ended.
 */
function fakeSource() {
  const failures: unknown[] = [];
  const watchFailures: unknown[] = [];
  const ends: ((end: WatchEnd) => void)[] = [];
  const emits: ((event: WatchEvent) => void)[] = [];
  let lists = 0;
  let watches = 0;
  /** What a successful list returns. */
  const listed: ListPage = { items: [], resourceVersion: '7' };
  const source = {
    list: async (): Promise<ListPage> => {
      lists++;
      if (failures.length > 0) throw failures.shift();
      return { ...listed, items: [...listed.items] };
    },
    watch: async (_kind: WatchedKind, _rv: string, onEvent: (event: WatchEvent) => void, onEnd: (end: WatchEnd) => void) => {
      watches++;
      if (watchFailures.length > 0) throw watchFailures.shift();
      ends.push(onEnd);
      emits.push(onEvent);
      return { stop: () => {} };
    },
  } as unknown as ClusterSource;
  return {
    source,
    listed,
    failures,
    watchFailures,
    endWatch: (end: WatchEnd) => ends.at(-1)!(end),
    emit: (event: WatchEvent) => emits.at(-1)!(event),
    lists: () => lists,
    watches: () => watches,
  };
}

const bookmark = (resourceVersion: string): WatchEvent => ({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Node', metadata: { resourceVersion } } });

const BACKOFF = { baseMs: 1_000, capMs: 30_000 };

function startWatcher(source: ClusterSource, now: () => number = () => Date.now()) {
  const states: KindConnectionState[] = [];
  const watcher = new KindWatcher('Node', source, { pageSize: 100, backoff: BACKOFF, random: () => 1, now }, {
    onEvents: () => {},
    onState: (state) => states.push(state),
    onWatchCountChange: () => {},
    onList: () => {},
    onReset: () => {},
    onSettled: () => {},
  });
  watcher.start();
  return { watcher, states };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('httpStatusOf', () => {
  it('reads status, statusCode or a metav1.Status code, whichever is an HTTP status', () => {
    expect(httpStatusOf({ status: 403 })).toBe(403);
    expect(httpStatusOf({ statusCode: 404 })).toBe(404);
    // A metav1.Status: `status` is the word "Failure", `code` the HTTP status.
    expect(httpStatusOf({ kind: 'Status', status: 'Failure', code: 403, message: 'nodes is forbidden' })).toBe(403);
    // Node's system errors have string codes; a bare number out of range is no HTTP status.
    expect(httpStatusOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(httpStatusOf({ code: 7 })).toBeUndefined();
    expect(httpStatusOf(new Error('socket hang up'))).toBeUndefined();
    expect(httpStatusOf('403')).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
  });
});

describe('KindWatcher httpStatus', () => {
  it('records a 403 list refusal as an error with httpStatus 403, and drops it once the kind is live', async () => {
    const fake = fakeSource();
    fake.failures.push(Object.assign(new Error('nodes is forbidden: User "alice" cannot list resource "nodes"'), { statusCode: 403 }));
    const { watcher, states } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.connectionState).toMatchObject({ status: 'error', httpStatus: 403, retryInMs: BACKOFF.capMs, lastError: expect.stringContaining('forbidden') });

    // Retried at the cap; the identity has been granted the right meanwhile.
    await vi.advanceTimersByTimeAsync(BACKOFF.capMs);
    expect(fake.lists()).toBe(2);
    expect(watcher.connectionState.status).toBe('live');
    expect(watcher.connectionState).not.toHaveProperty('httpStatus');
    expect(watcher.connectionState).not.toHaveProperty('lastError');
    expect(states.map((state) => [state.status, state.httpStatus])).toEqual([
      ['connecting', undefined],
      ['error', 403],
      ['live', undefined],
    ]);
    watcher.stop();
  });

  it('keeps the status of a passing failure (500) while it retries and reconnects, and has none for a network error', async () => {
    const fake = fakeSource();
    fake.failures.push(Object.assign(new Error('etcdserver: request timed out'), { status: 500 }), Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const { watcher, states } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.connectionState).toMatchObject({ status: 'retrying', httpStatus: 500, lastError: 'etcdserver: request timed out' });
    await vi.advanceTimersByTimeAsync(BACKOFF.baseMs);
    // The retry's `connecting` still says why (and with what status) the last attempt failed.
    expect(states.find((state, i) => i > 1 && state.status === 'connecting')).toMatchObject({ httpStatus: 500 });
    expect(watcher.connectionState).toMatchObject({ status: 'retrying', lastError: 'connect ECONNREFUSED' });
    expect(watcher.connectionState).not.toHaveProperty('httpStatus');
    await vi.advanceTimersByTimeAsync(2 * BACKOFF.baseMs);
    expect(watcher.connectionState.status).toBe('live');
    expect(watcher.connectionState).not.toHaveProperty('httpStatus');
    watcher.stop();
  });

  it("takes a watch's status: a 403 end is an error with 403; a 410 end relists at once, not shown as a failure", async () => {
    const fake = fakeSource();
    const { watcher, states } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.connectionState.status).toBe('live');

    const before = states.length;
    fake.endWatch({ reason: 'gone', message: 'too old resource version' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists()).toBe(2);
    expect(watcher.connectionState.status).toBe('live');
    expect(states.slice(before).filter((state) => state.status !== 'live' || state.lastError)).toEqual([]);

    fake.endWatch({ reason: 'error', message: 'Forbidden', status: 403 });
    expect(watcher.connectionState).toMatchObject({ status: 'error', httpStatus: 403, lastError: 'Forbidden', retryInMs: BACKOFF.capMs });
    watcher.stop();
    expect(watcher.connectionState).not.toHaveProperty('httpStatus');
  });
});

describe('KindWatcher after an outage (apiserver restarted)', () => {
  it('relists at once on the first 410 although the outage had raised the backoff, and never shows the 410', async () => {
    const fake = fakeSource();
    const { watcher, states } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.connectionState.status).toBe('live');

    // The apiserver dies: the watch ends, and reopening it is refused five times (backoff 1, 2, 4, 8, 16 s).
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    fake.watchFailures.push(refused(), refused(), refused(), refused());
    fake.endWatch({ reason: 'error', message: 'socket hang up' });
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000 + 16_000);
    // Back: the watch from the old resourceVersion opens, then the new watch cache answers 410.
    expect(watcher.connectionState.status).toBe('live');
    expect(fake.lists()).toBe(1);
    const before = states.length;
    fake.endWatch({ reason: 'gone', message: 'too old resource version: 2321 (2325)' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists()).toBe(2);
    expect(watcher.connectionState).toMatchObject({ status: 'live' });
    expect(watcher.connectionState).not.toHaveProperty('lastError');
    expect(states.slice(before).some((state) => state.lastError?.includes('too old'))).toBe(false);
    watcher.stop();
  });

  it('backs off on 410s in a row (nothing heard between them), and an event starts afresh', async () => {
    const fake = fakeSource();
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);

    fake.endWatch({ reason: 'gone', message: 'too old resource version' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists()).toBe(2);
    // The fresh list's watch is refused as too old too: now it is worth saying, and waiting.
    fake.endWatch({ reason: 'gone', message: 'too old resource version' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists()).toBe(2);
    expect(watcher.connectionState).toMatchObject({ status: 'retrying', httpStatus: 410, lastError: 'too old resource version', retryInMs: BACKOFF.baseMs });
    await vi.advanceTimersByTimeAsync(BACKOFF.baseMs);
    expect(fake.lists()).toBe(3);
    expect(watcher.connectionState.status).toBe('live');
    fake.endWatch({ reason: 'gone' });
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.connectionState).toMatchObject({ status: 'retrying', retryInMs: 2 * BACKOFF.baseMs });
    await vi.advanceTimersByTimeAsync(2 * BACKOFF.baseMs);
    expect(fake.lists()).toBe(4);

    // Heard something: the next 410 is routine again.
    fake.emit(bookmark('9'));
    fake.endWatch({ reason: 'gone' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists()).toBe(5);
    expect(watcher.connectionState.status).toBe('live');
    watcher.stop();
  });
});

describe('KindWatcher stall and health', () => {
  it('restarts (relists) a watch silent, not even a bookmark, for longer than the limit', async () => {
    const fake = fakeSource();
    const { watcher, states } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    const limit = 150_000;

    await vi.advanceTimersByTimeAsync(100_000);
    expect(watcher.checkStall(Date.now(), limit)).toBe(false);
    fake.emit(bookmark('8'));
    await vi.advanceTimersByTimeAsync(140_000);
    expect(watcher.checkStall(Date.now(), limit)).toBe(false); // 140 s since the bookmark
    await vi.advanceTimersByTimeAsync(20_000);
    expect(watcher.checkStall(Date.now(), limit)).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'retrying', lastError: 'watch stalled: no event or bookmark for 160 s; relisting' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists()).toBe(2);
    expect(fake.watches()).toBe(2);
    expect(watcher.connectionState.status).toBe('live');
    // The new watch counts from when it opened.
    expect(watcher.checkStall(Date.now(), limit)).toBe(false);
    watcher.stop();
  });

  /** The hub's health tick: checkStall every 15 s for `totalMs`; the times (ms from the first tick's start) of the stall relists. */
  async function ticks(watcher: KindWatcher, limitMs: number, totalMs: number): Promise<number[]> {
    const started = Date.now();
    const relists: number[] = [];
    for (let t = 0; t < totalMs; t += 15_000) {
      await vi.advanceTimersByTimeAsync(15_000);
      if (watcher.checkStall(Date.now(), limitMs)) relists.push(Date.now() - started);
      await vi.advanceTimersByTimeAsync(0);
    }
    return relists;
  }

  it('a watch that is only quiet (no changes, no bookmarks from this apiserver) is not relisted every limit: the silence allowed doubles while relists find nothing missed', async () => {
    const fake = fakeSource();
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    const limit = 150_000;
    // Ticks at 15 s: silent past 150 s at 165 s; then past 300 s of the next watch (at 480 s), then 600 s (at 1095 s).
    const relists = await ticks(watcher, limit, 30 * 60_000);
    expect(relists).toEqual([165_000, 480_000, 1_095_000]);
    expect(fake.lists()).toBe(1 + 3);
    expect(watcher.connectionState.status).toBe('live');
    // Anything heard (a bookmark, once this apiserver sends them) brings the limit back to 2.5 intervals.
    fake.emit(bookmark('8'));
    expect(await ticks(watcher, limit, 165_000)).toEqual([165_000]);
    watcher.stop();
  });

  it('the silence allowed stops doubling at the longest watch timeout plus the limit, so a watch that hangs after many quiet relists is still caught', async () => {
    const fake = fakeSource();
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    const limit = 150_000;
    // 150, 300, 600 s allowed, then capped at 600 + 150 s (a healthy watch reopens, and is heard, within 600 s).
    const relists = await ticks(watcher, limit, 60 * 60_000);
    expect(relists).toEqual([165_000, 480_000, 1_095_000, 1_860_000, 2_625_000, 3_390_000]);
    expect(LONGEST_WATCH_MS).toBe(600_000);
    watcher.stop();
  });

  it('a stall relist that finds changes the silent watch missed (a half-open connection) keeps the limit where it was', async () => {
    const fake = fakeSource();
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    const limit = 150_000;
    const node = (name: string, resourceVersion: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, resourceVersion } });
    // Each time the watch hangs, a node was added meanwhile that it never told.
    let added = 0;
    const relists: number[] = [];
    for (let round = 0; round < 3; round++) {
      fake.listed.items.push(node(`n${++added}`, String(10 + added)));
      fake.listed.resourceVersion = String(10 + added);
      relists.push(...(await ticks(watcher, limit, 165_000)));
    }
    expect(relists).toEqual([165_000, 165_000, 165_000]);
    expect(watcher.store.objects.size).toBe(3);
    watcher.stop();
  });

  it('counts silence from the open watch: events and bookmarks restart it; null while no watch is open (listing, retrying, stopped)', async () => {
    const fake = fakeSource();
    let listGate: () => void = () => {};
    const list = fake.source.list.bind(fake.source);
    fake.source.list = async (...args) => {
      await new Promise<void>((resolve) => (listGate = resolve));
      return list(...args);
    };
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(watcher.silentForMs(Date.now())).toBeNull(); // still listing
    listGate();
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.silentForMs(Date.now())).toBe(0); // the watch just opened: the list counts as heard
    await vi.advanceTimersByTimeAsync(40_000);
    expect(watcher.silentForMs(Date.now())).toBe(40_000);
    fake.emit({ type: 'MODIFIED', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'a', resourceVersion: '8' } } });
    expect(watcher.silentForMs(Date.now())).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    fake.emit(bookmark('9'));
    expect(watcher.silentForMs(Date.now())).toBe(0);
    // The watch fails: nothing open while it waits to retry; the resumed watch counts from its opening.
    fake.endWatch({ reason: 'error', message: 'socket hang up' });
    expect(watcher.silentForMs(Date.now())).toBeNull();
    await vi.advanceTimersByTimeAsync(BACKOFF.baseMs);
    expect(fake.watches()).toBe(2);
    expect(watcher.silentForMs(Date.now())).toBe(0);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(watcher.silentForMs(Date.now())).toBe(7_000);
    watcher.stop();
    expect(watcher.silentForMs(Date.now())).toBeNull();
    watcher.start();
    expect(watcher.silentForMs(Date.now())).toBeNull();
    listGate();
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.silentForMs(Date.now())).toBe(0);
    watcher.stop();
  });

  it('a clock stepped back (the injected now) neither reports negative silence nor puts off the stall check until it catches up', async () => {
    const fake = fakeSource();
    let clock = 10 * 3_600_000;
    const { watcher } = startWatcher(fake.source, () => clock);
    await vi.advanceTimersByTimeAsync(0);
    clock -= 3_600_000; // an hour back (NTP step)
    expect(watcher.silentForMs(clock)).toBe(0);
    const limit = 150_000;
    let relistedAfter: number | null = null;
    for (let waited = 15_000; waited <= 3_600_000 && relistedAfter === null; waited += 15_000) {
      clock += 15_000;
      if (watcher.checkStall(clock, limit)) relistedAfter = waited;
    }
    // Silence counted from the first tick after the step (15 s): past 150 s at the tick of 180 s, not an hour on.
    expect(relistedAfter).toBe(180_000);
    watcher.stop();
  });

  it('shows a failed health probe on a live kind, and is live again when it answers', async () => {
    const fake = fakeSource();
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    watcher.suspect('the apiserver is not answering its health check: no answer within 5s');
    expect(watcher.connectionState).toMatchObject({ status: 'retrying', lastError: expect.stringContaining('health check') });
    watcher.suspect('the apiserver is not answering its health check: connect ECONNREFUSED');
    expect(watcher.connectionState.lastError).toContain('ECONNREFUSED');
    watcher.clearSuspicion();
    expect(watcher.connectionState.status).toBe('live');
    expect(watcher.connectionState).not.toHaveProperty('lastError');
    expect(fake.watches()).toBe(1); // the open watch carried on
    watcher.stop();
  });

  it('keeps a failing kind its own error, and retries it at once when the probe answers again', async () => {
    const fake = fakeSource();
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    fake.watchFailures.push(refused(), refused(), refused(), refused());
    fake.endWatch({ reason: 'error', message: 'socket hang up' });
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000);
    expect(watcher.connectionState).toMatchObject({ status: 'retrying', retryInMs: 16_000, lastError: 'connect ECONNREFUSED' });
    watcher.suspect('the apiserver is not answering its health check');
    expect(watcher.connectionState.lastError).toBe('connect ECONNREFUSED');
    const watchesBefore = fake.watches();
    // Back, but still starting: the first attempt is refused (429), and retried from the base delay.
    fake.watchFailures.push(Object.assign(new Error('Too Many Requests'), { statusCode: 429 }));
    watcher.clearSuspicion();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.watches()).toBe(watchesBefore + 1);
    expect(watcher.connectionState).toMatchObject({ status: 'retrying', httpStatus: 429, retryInMs: BACKOFF.baseMs });
    await vi.advanceTimersByTimeAsync(BACKOFF.baseMs);
    expect(fake.watches()).toBe(watchesBefore + 2);
    expect(watcher.connectionState.status).toBe('live');
    watcher.stop();
  });
});
