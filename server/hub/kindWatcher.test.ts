/**
 * The HTTP status of a kind's last failure travels in its connection state (httpStatus), so the header
 * tells a refusal of rights (403) from other failures without reading error text; it is dropped as
 * soon as the kind is live again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { KindConnectionState } from '../../lib/cluster/stream';
import type { ClusterSource, ListPage, WatchEnd } from '../sources/types';
import { httpStatusOf, KindWatcher } from './kindWatcher';

/** A source whose lists fail with the queued errors, then succeed (empty); watches stay open until ended. */
function fakeSource() {
  const failures: unknown[] = [];
  const ends: ((end: WatchEnd) => void)[] = [];
  let lists = 0;
  const source = {
    list: async (): Promise<ListPage> => {
      lists++;
      if (failures.length > 0) throw failures.shift();
      return { items: [], resourceVersion: '7' };
    },
    watch: async (_kind: WatchedKind, _rv: string, _onEvent: unknown, onEnd: (end: WatchEnd) => void) => {
      ends.push(onEnd);
      return { stop: () => {} };
    },
  } as unknown as ClusterSource;
  return { source, failures, endWatch: (end: WatchEnd) => ends.at(-1)!(end), lists: () => lists };
}

const BACKOFF = { baseMs: 1_000, capMs: 30_000 };

function startWatcher(source: ClusterSource) {
  const states: KindConnectionState[] = [];
  const watcher = new KindWatcher('Node', source, { pageSize: 100, backoff: BACKOFF, random: () => 1, now: () => 0 }, {
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

  it("takes a watch's status: a 403 end is an error with 403, a 410 end relists saying 410", async () => {
    const fake = fakeSource();
    const { watcher } = startWatcher(fake.source);
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.connectionState.status).toBe('live');

    fake.endWatch({ reason: 'gone', message: 'too old resource version' });
    expect(watcher.connectionState).toMatchObject({ status: 'connecting', httpStatus: 410 });
    await vi.advanceTimersByTimeAsync(0);
    expect(watcher.connectionState.status).toBe('live');
    expect(watcher.connectionState).not.toHaveProperty('httpStatus');

    fake.endWatch({ reason: 'error', message: 'Forbidden', status: 403 });
    expect(watcher.connectionState).toMatchObject({ status: 'error', httpStatus: 403, lastError: 'Forbidden', retryInMs: BACKOFF.capMs });
    watcher.stop();
    expect(watcher.connectionState).not.toHaveProperty('httpStatus');
  });
});
