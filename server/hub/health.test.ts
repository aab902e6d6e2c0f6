/**
 * The hub's health tick: one probe of the source per tick whatever the number of kinds; a probe with
 * no answer shows every live kind as retrying with the reason (watches stay open), an answer makes them
 * live again; an apiserver that answers "not ready" (a 5xx) makes only quiet watches suspect; a watch silent past `stallAfterMs` is restarted; sources with a bookmark interval get a stall
 * limit of 2.5 intervals, those without none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { ClusterSource, ListPage, WatchEnd, WatchEvent } from '../sources/types';
import { WatchHub } from './watchHub';

const KINDS: WatchedKind[] = ['Node', 'Pod', 'PodCliqueSet'];

function fakeSource(options: { bookmarkIntervalMs?: number; probe?: boolean } = {}) {
  const calls = { lists: 0, watches: 0, probes: 0 };
  let probeFailure: Error | null = null;
  const open = new Map<WatchedKind, { onEvent: (event: WatchEvent) => void; onEnd: (end: WatchEnd) => void }>();
  const source = {
    info: () => ({ mode: 'live', name: 'ctx', namespace: 'default', readOnly: true }),
    list: async (): Promise<ListPage> => {
      calls.lists++;
      return { items: [], resourceVersion: '5' };
    },
    watch: async (kind: WatchedKind, _rv: string, onEvent: (event: WatchEvent) => void, onEnd: (end: WatchEnd) => void) => {
      calls.watches++;
      open.set(kind, { onEvent, onEnd });
      return { stop: () => open.delete(kind) };
    },
    ...(options.probe === false
      ? {}
      : {
          probe: async () => {
            calls.probes++;
            if (probeFailure) throw probeFailure;
          },
        }),
    ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
  } as unknown as ClusterSource;
  return { source, calls, open, failProbe: (error: Error | null) => (probeFailure = error) };
}

/** What the live source's probe rejects with on a 5xx (NotReadyError): the hub reads only `notReady`. */
const notReady = (message: string) => Object.assign(new Error(message), { notReady: true });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const statuses = (hub: WatchHub) => KINDS.map((kind) => hub.states()[kind]?.status);

describe('WatchHub health', () => {
  it('probes once per tick, shows a failed probe on every live kind with the reason, and is live again when it answers', async () => {
    const fake = fakeSource();
    const hub = new WatchHub(fake.source, { kinds: KINDS, probeIntervalMs: 15_000 });
    hub.subscribe({ snapshot() {}, delta() {}, state() {} });
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses(hub)).toEqual(['live', 'live', 'live']);

    fake.failProbe(new Error('cannot reach the apiserver at 127.0.0.1:6443: no answer from 127.0.0.1:6443 within 5s'));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(fake.calls.probes).toBe(1);
    expect(statuses(hub)).toEqual(['retrying', 'retrying', 'retrying']);
    expect(hub.states().Pod?.lastError).toBe('the apiserver is not answering its health check: cannot reach the apiserver at 127.0.0.1:6443: no answer from 127.0.0.1:6443 within 5s');
    expect(hub.healthProblem).toContain('within 5s');
    expect(hub.stats.upstreamWatches).toBe(KINDS.length); // the watches stay open

    fake.failProbe(null);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(fake.calls.probes).toBe(2);
    expect(statuses(hub)).toEqual(['live', 'live', 'live']);
    expect(hub.healthProblem).toBeNull();
    expect(fake.calls.lists).toBe(KINDS.length); // nothing relisted
    hub.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.calls.probes).toBe(2); // no probing while stopped
  });

  it('on "not ready" (the apiserver answers 5xx) suspects only watches quiet for 1.5 bookmark intervals, worded so', async () => {
    const fake = fakeSource({ bookmarkIntervalMs: 60_000 });
    const hub = new WatchHub(fake.source, { kinds: KINDS, probeIntervalMs: 15_000 });
    hub.subscribe({ snapshot() {}, delta() {}, state() {} });
    await vi.advanceTimersByTimeAsync(60_000);
    fake.open.get('Node')!.onEvent({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Node', metadata: { resourceVersion: '6' } } });
    fake.failProbe(notReady('etcd failed: reason withheld (/readyz answered 500)'));
    await vi.advanceTimersByTimeAsync(15_000); // 75 s: every watch heard something within 90 s
    expect(statuses(hub)).toEqual(['live', 'live', 'live']);
    expect(hub.healthProblem).toBe('the apiserver reports not ready: etcd failed: reason withheld (/readyz answered 500)');
    await vi.advanceTimersByTimeAsync(30_000); // 105 s: Pod and PodCliqueSet silent since 0, Node for 45 s
    expect(statuses(hub)).toEqual(['live', 'retrying', 'retrying']);
    expect(hub.states().Pod?.lastError).toBe('the apiserver reports not ready: etcd failed: reason withheld (/readyz answered 500)');

    fake.failProbe(null);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(statuses(hub)).toEqual(['live', 'live', 'live']);
    hub.stop();
  });

  it('makes streaming watches suspected for no answer live again once the apiserver answers, even "not ready"', async () => {
    const fake = fakeSource({ bookmarkIntervalMs: 60_000 });
    const hub = new WatchHub(fake.source, { kinds: KINDS, probeIntervalMs: 15_000 });
    hub.subscribe({ snapshot() {}, delta() {}, state() {} });
    await vi.advanceTimersByTimeAsync(0);
    fake.failProbe(new Error('cannot reach the apiserver at 127.0.0.1:6443: no answer from 127.0.0.1:6443 within 5s'));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(statuses(hub)).toEqual(['retrying', 'retrying', 'retrying']);
    fake.failProbe(notReady('/readyz answered 500'));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(statuses(hub)).toEqual(['live', 'live', 'live']);
    hub.stop();
  });

  it('without bookmarks (silence says nothing) "not ready" suspects every open watch', async () => {
    const fake = fakeSource();
    const hub = new WatchHub(fake.source, { kinds: KINDS, probeIntervalMs: 15_000 });
    hub.subscribe({ snapshot() {}, delta() {}, state() {} });
    await vi.advanceTimersByTimeAsync(0);
    fake.failProbe(notReady('/readyz answered 503'));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(statuses(hub)).toEqual(['retrying', 'retrying', 'retrying']);
    expect(hub.states().Node?.lastError).toBe('the apiserver reports not ready: /readyz answered 503');
    hub.stop();
  });

  it('restarts a watch silent for 2.5 bookmark intervals, and keeps one that heard a bookmark', async () => {
    const fake = fakeSource({ bookmarkIntervalMs: 60_000 });
    const hub = new WatchHub(fake.source, { kinds: KINDS, probeIntervalMs: 15_000 });
    hub.subscribe({ snapshot() {}, delta() {}, state() {} });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls.watches).toBe(3);

    await vi.advanceTimersByTimeAsync(120_000);
    fake.open.get('Node')!.onEvent({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Node', metadata: { resourceVersion: '6' } } });
    await vi.advanceTimersByTimeAsync(45_000); // 165 s: Pod and PodCliqueSet silent past 150 s
    expect(fake.calls.lists).toBe(3 + 2);
    expect(fake.calls.watches).toBe(3 + 2);
    expect(statuses(hub)).toEqual(['live', 'live', 'live']);
    hub.stop();
  });

  it('has no stall limit for a source without bookmarks, and no timer for one without a probe either', async () => {
    const fake = fakeSource({ probe: false });
    const hub = new WatchHub(fake.source, { kinds: KINDS, probeIntervalMs: 15_000 });
    hub.subscribe({ snapshot() {}, delta() {}, state() {} });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    expect(fake.calls.lists).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
    hub.stop();
  });
});
