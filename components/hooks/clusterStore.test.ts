import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamDelta, StreamSnapshot } from '../../lib/cluster/stream';
import { snapshotMessages } from '../../lib/cluster/streamParts';
import type { KubeObject } from '../../lib/grove/meta';
import { ClusterStore, onWake, reconnectWords, retrySecondsLeft, type WakeTargets } from './clusterStore';
import { FakeEventSource } from './fakeEventSource';

const pod = (name: string, rv: string, phase = 'Pending'): KubeObject => ({ kind: 'Pod', metadata: { namespace: 'ns', name, resourceVersion: rv }, status: { phase } } as KubeObject);
const node = (name: string): KubeObject => ({ kind: 'Node', metadata: { name, resourceVersion: '1' } });
const snapshot = (seq: number, pods: KubeObject[], nodes: KubeObject[] = []): StreamSnapshot => ({
  seq,
  kinds: { Pod: { resourceVersion: '10', items: pods }, Node: { resourceVersion: '10', items: nodes } },
  states: { Pod: { kind: 'Pod', status: 'live', since: 1 } },
});
const latest = () => FakeEventSource.all.at(-1)!;

let store: ClusterStore;
beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.all = [];
  store = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url), random: () => 1, backoff: { baseMs: 1_000, capMs: 4_000 } });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ClusterStore', () => {
  it('opens one EventSource for all users and closes it a second after the last leaves', async () => {
    const a = store.retain();
    const b = store.retain();
    expect(FakeEventSource.all).toHaveLength(1);
    expect(latest().url).toBe('/api/stream');
    expect(store.getConnectionState().stream).toBe('connecting');
    a();
    expect(latest().closed).toBe(false);
    b();
    // A page change (unmount, then mount) within the delay keeps the same stream.
    await vi.advanceTimersByTimeAsync(500);
    const c = store.retain();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(FakeEventSource.all).toHaveLength(1);
    expect(latest().closed).toBe(false);
    c();
    await vi.advanceTimersByTimeAsync(999);
    expect(latest().closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(latest().closed).toBe(true);
    expect(store.getConnectionState().stream).toBe('idle');
    // And the next user opens a new one.
    store.retain();
    expect(FakeEventSource.all).toHaveLength(2);
  });

  it('a stream that fails while nobody uses it (during the close delay) is reopened by the next user, not left for dead', async () => {
    const release = store.retain();
    latest().fire('snapshot', snapshot(1, [pod('a', '5')]));
    release();
    latest().fire('error');
    expect(latest().closed).toBe(true);
    expect(store.getConnectionState().stream).toBe('idle'); // not 'open': nothing is connected
    await vi.advanceTimersByTimeAsync(200);
    store.retain(); // the next page, within the close delay
    expect(FakeEventSource.all).toHaveLength(2);
    expect(latest().closed).toBe(false);
    expect(store.getConnectionState().stream).toBe('reconnecting');
    latest().fire('snapshot', snapshot(1, [pod('a', '5'), pod('b', '1')]));
    expect(store.getObjects('Pod').map((o) => o.metadata?.name)).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(FakeEventSource.all).toHaveLength(2);
  });

  it('a snapshot in the middle of the stream replaces the objects even when their versions went back (a re-created cluster); a delta could not', () => {
    store.retain();
    latest().fire('snapshot', snapshot(7, [pod('a', '900', 'Running')]));
    latest().fire('delta', { seq: 8, kinds: { Pod: [{ type: 'MODIFIED', object: pod('a', '3', 'Pending') }] } } satisfies StreamDelta);
    const phases = () => store.getObjects('Pod').map((o) => [o.metadata?.name, (o as KubeObject & { status: { phase: string } }).status.phase]);
    expect(phases()).toEqual([['a', 'Running']]); // an older version as a delta: refused
    latest().fire('snapshot', snapshot(8, [pod('a', '3', 'Pending'), pod('b', '4')]));
    expect(phases()).toEqual([['a', 'Pending'], ['b', 'Pending']]);
    latest().fire('delta', { seq: 9, kinds: { Pod: [{ type: 'MODIFIED', object: pod('b', '5', 'Running') }] } } satisfies StreamDelta);
    expect(phases()).toEqual([['a', 'Pending'], ['b', 'Running']]);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('loads the snapshot, applies deltas, and changes only the arrays of kinds that changed', () => {
    store.retain();
    latest().fire('snapshot', snapshot(3, [pod('a', '5')], [node('n1')]));
    expect(store.getConnectionState()).toMatchObject({ stream: 'open', synced: true, kinds: { Pod: { status: 'live' } } });
    const pods = store.getObjects('Pod');
    const nodes = store.getObjects('Node');
    expect(pods.map((object) => object.metadata?.name)).toEqual(['a']);
    expect(store.getObjects('Pod')).toBe(pods);

    const listener = vi.fn();
    store.subscribe(listener);
    latest().fire('delta', { seq: 4, kinds: { Pod: [{ type: 'MODIFIED', object: pod('a', '6', 'Running') }, { type: 'ADDED', object: pod('b', '7') }] } } satisfies StreamDelta);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getObjects('Pod')).not.toBe(pods);
    expect(store.getObjects('Pod').map((object) => [object.metadata?.name, (object as { status?: { phase?: string } }).status?.phase])).toEqual([
      ['a', 'Running'],
      ['b', 'Pending'],
    ]);
    expect(store.getObjects('Node')).toBe(nodes);
    // A stale event changes nothing and notifies nobody.
    latest().fire('delta', { seq: 5, kinds: { Pod: [{ type: 'MODIFIED', object: pod('a', '5') }] } } satisfies StreamDelta);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('reconnects with backoff on error and reconciles to the new snapshot', async () => {
    store.retain();
    latest().fire('snapshot', snapshot(1, [pod('a', '5'), pod('b', '5')]));
    latest().fire('error');
    expect(latest().closed).toBe(true);
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', retryInMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeEventSource.all).toHaveLength(2);
    latest().fire('error');
    expect(store.getConnectionState().retryInMs).toBe(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(FakeEventSource.all).toHaveLength(3);
    // The server restarted: its sequence starts again, and b is gone.
    latest().fire('snapshot', snapshot(0, [pod('a', '9', 'Running')]));
    expect(store.getObjects('Pod').map((object) => object.metadata?.resourceVersion)).toEqual(['9']);
    latest().fire('delta', { seq: 1, kinds: { Pod: [{ type: 'ADDED', object: pod('c', '10') }] } } satisfies StreamDelta);
    expect(store.getObjects('Pod')).toHaveLength(2);
    // Backoff starts again after a good snapshot.
    latest().fire('error');
    expect(store.getConnectionState().retryInMs).toBe(1_000);
  });

  it('keeps the time of the next attempt, so a view counts down to it (retrySecondsLeft), and forgets it once the attempt starts', async () => {
    vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
    store = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url), random: () => 1, backoff: { baseMs: 8_000, capMs: 30_000 } });
    store.retain();
    latest().fire('snapshot', snapshot(1, []));
    latest().fire('error');
    const dropped = Date.now();
    const state = store.getConnectionState();
    expect(state).toMatchObject({ stream: 'reconnecting', retryInMs: 8_000, retryAt: dropped + 8_000 });
    const listener = vi.fn();
    store.subscribe(listener);
    const shown: (number | null)[] = [];
    for (let s = 0; s < 8; s++) {
      shown.push(retrySecondsLeft(store.getConnectionState(), Date.now()));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(shown).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    // The countdown is the view's: the store said nothing while it ran, until the attempt started.
    expect(listener).toHaveBeenCalledTimes(1);
    expect(FakeEventSource.all).toHaveLength(2);
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', retryAt: undefined });
    expect(retrySecondsLeft(store.getConnectionState(), Date.now())).toBeNull();
    latest().fire('snapshot', snapshot(2, []));
    expect(store.getConnectionState()).toMatchObject({ stream: 'open', retryAt: undefined, retryInMs: undefined });
  });

  it('a reopen while an attempt is waited for starts it now: no deadline is left for a view to count down to', () => {
    vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
    store = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url), random: () => 1, backoff: { baseMs: 8_000, capMs: 30_000 } });
    store.retain();
    latest().fire('snapshot', snapshot(1, []));
    latest().fire('error');
    expect(store.getConnectionState().retryAt).toBeDefined();
    store.reopen();
    expect(FakeEventSource.all).toHaveLength(2);
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', retryAt: undefined, retryInMs: undefined });
    expect(reconnectWords(store.getConnectionState(), Date.now())).toEqual({ label: 'Reconnecting…', secondsLeft: null, ticking: false });
  });

  it('backs off at most 10 s by default (with jitter: between half and all of it), not 30 s', async () => {
    let r = 1;
    store = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url), random: () => r });
    store.retain();
    latest().fire('snapshot', snapshot(1, []));
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      latest().fire('error');
      delays.push(store.getConnectionState().retryInMs!);
      await vi.advanceTimersByTimeAsync(delays.at(-1)!);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000]);
    r = 0;
    latest().fire('error');
    expect(store.getConnectionState().retryInMs).toBe(5_000);
  });

  it('tries at once when woken (back online, tab visible) instead of waiting out the backoff; nothing when the stream is well', async () => {
    store = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url), random: () => 1, backoff: { baseMs: 8_000, capMs: 30_000 } });
    store.retain();
    latest().fire('snapshot', snapshot(1, [pod('a', '5')]));
    expect(store.retryNow()).toBe(false);
    expect(FakeEventSource.all).toHaveLength(1);
    latest().fire('error');
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', retryInMs: 8_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.retryNow()).toBe(true);
    expect(FakeEventSource.all).toHaveLength(2);
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', retryAt: undefined, retryInMs: undefined });
    // The attempt under way is not doubled by another wake, nor by the old timer.
    expect(store.retryNow()).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeEventSource.all).toHaveLength(2);
    latest().fire('snapshot', snapshot(2, [pod('a', '6')]));
    expect(store.getConnectionState().stream).toBe('open');
  });

  it('a stream silent for longer than it may be (its timer held back while the tab was hidden) is replaced at once when the tab wakes', () => {
    store.retain();
    latest().fire('snapshot', snapshot(1, []));
    // The clock moves on without the timers firing, as in a hidden tab.
    vi.setSystemTime(Date.now() + 44_000);
    expect(store.retryNow()).toBe(false);
    vi.setSystemTime(Date.now() + 2_000);
    expect(store.retryNow()).toBe(true);
    expect(FakeEventSource.all[0]!.closed).toBe(true);
    expect(FakeEventSource.all).toHaveLength(2);
    expect(store.getConnectionState().stream).toBe('reconnecting');
  });

  it('nobody using the stream: a wake opens nothing', async () => {
    const release = store.retain();
    latest().fire('snapshot', snapshot(1, []));
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.getConnectionState().stream).toBe('idle');
    expect(store.retryNow()).toBe(false);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('says since when the data may be out of date while the stream is down: its last message, until the next snapshot', async () => {
    const start = Date.parse('2026-01-01T12:00:00Z');
    vi.setSystemTime(start);
    store.retain();
    expect(store.getConnectionState().staleSince).toBeUndefined();
    latest().fire('error'); // before any data: nothing shown to be stale
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', synced: false });
    expect(store.getConnectionState().staleSince).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    latest().fire('snapshot', snapshot(1, [pod('a', '5')]));
    await vi.advanceTimersByTimeAsync(4_000);
    latest().fire('heartbeat', {});
    const heard = Date.now();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(store.getConnectionState().staleSince).toBeUndefined();
    latest().fire('error');
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', staleSince: heard });
    // Failed attempts keep the moment of the first drop.
    await vi.advanceTimersByTimeAsync(1_000);
    latest().fire('error');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', staleSince: heard });
    latest().fire('snapshot', snapshot(2, [pod('a', '6')]));
    expect(store.getConnectionState()).toMatchObject({ stream: 'open' });
    expect(store.getConnectionState().staleSince).toBeUndefined();
    // A stream gone quiet is stale since it was last heard, not since the stale timer noticed.
    const quietFrom = Date.now();
    await vi.advanceTimersByTimeAsync(45_000);
    expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', staleSince: quietFrom });
  });

  it('a reopen (another tab took the stream over) does not make the data stale', () => {
    store.retain();
    latest().fire('snapshot', snapshot(1, []));
    store.reopen();
    expect(store.getConnectionState()).toMatchObject({ stream: 'open' });
    expect(store.getConnectionState().staleSince).toBeUndefined();
  });

  it('onWake calls back when the browser is online again and when the page becomes visible, not when it is hidden', () => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const wake = vi.fn();
    const stop = onWake({ window: win, document: doc } as unknown as WakeTargets, wake);
    win.dispatchEvent(new Event('online'));
    expect(wake).toHaveBeenCalledTimes(1);
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(wake).toHaveBeenCalledTimes(1);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(wake).toHaveBeenCalledTimes(2);
    stop();
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(wake).toHaveBeenCalledTimes(2);
  });

  it('reconnects for a fresh snapshot when a batch is missing or the stream goes quiet', async () => {
    store.retain();
    latest().fire('snapshot', snapshot(1, []));
    latest().fire('delta', { seq: 3, kinds: {} } satisfies StreamDelta);
    expect(latest().closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeEventSource.all).toHaveLength(2);
    latest().fire('snapshot', snapshot(1, []));
    await vi.advanceTimersByTimeAsync(44_999);
    expect(latest().closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(latest().closed).toBe(true);
  });

  it('ignores messages that are not JSON', () => {
    store.retain();
    const source = latest();
    for (const listener of ['snapshot', 'delta']) source.listeners.get(listener)![0]!({ data: '{not json' });
    expect(store.getObjects('Pod')).toEqual([]);
    expect(store.getConnectionState().synced).toBe(false);
  });

  it('remembers which kinds were live since the snapshot, across later states: those relisting are not loading', () => {
    store.retain();
    latest().fire('snapshot', { ...snapshot(1, []), states: { Pod: { kind: 'Pod', status: 'connecting', since: 1 }, Node: { kind: 'Node', status: 'live', since: 1 } } });
    expect(store.getConnectionState().loading).toEqual({ Pod: true });
    latest().fire('state', { Pod: { kind: 'Pod', status: 'live', since: 2 }, Node: { kind: 'Node', status: 'connecting', since: 2 } });
    latest().fire('state', { Pod: { kind: 'Pod', status: 'connecting', since: 3 }, Node: { kind: 'Node', status: 'connecting', since: 3 } });
    expect(store.getConnectionState().loading).toEqual({});
  });

  describe('loading kinds', () => {
    const state = (kind: 'Pod' | 'Node' | 'PodCliqueSet', status: 'connecting' | 'live' | 'retrying' | 'error', since: number, lastError?: string) => ({
      kind,
      status,
      since,
      ...(lastError ? { lastError } : {}),
    });
    const listing = (seq: number): StreamSnapshot => ({
      seq,
      kinds: { Node: { resourceVersion: '3', items: [node('n1')] } },
      states: { PodCliqueSet: state('PodCliqueSet', 'connecting', 1), Pod: state('Pod', 'connecting', 1), Node: state('Node', 'live', 1) },
    });
    const loading = () => store.getConnectionState().loading;

    it('a kind the snapshot sends connecting (no error) is loading until its state goes live, after its list arrived as a delta', () => {
      store.retain();
      expect(loading()).toBeUndefined(); // before any snapshot: nothing known per kind (synced is false)
      latest().fire('snapshot', listing(1));
      expect(loading()).toEqual({ PodCliqueSet: true, Pod: true });
      latest().fire('delta', { seq: 2, kinds: { Pod: [{ type: 'ADDED', object: pod('a', '4') }] } } satisfies StreamDelta);
      expect(store.getObjects('Pod')).toHaveLength(1);
      expect(loading()).toEqual({ PodCliqueSet: true, Pod: true }); // objects so far are not the whole list
      latest().fire('state', { ...listing(0).states, Pod: state('Pod', 'live', 2) });
      expect(loading()).toEqual({ PodCliqueSet: true });
      latest().fire('state', { ...listing(0).states, Pod: state('Pod', 'live', 2), PodCliqueSet: state('PodCliqueSet', 'live', 3) });
      expect(loading()).toEqual({});
    });

    it('a kind whose list failed is not loading but errored, also while it retries (connecting with its lastError)', () => {
      store.retain();
      latest().fire('snapshot', listing(1));
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'retrying', 2, 'connection refused') });
      expect(loading()).toEqual({ Pod: true });
      expect(store.getConnectionState().kinds.PodCliqueSet).toMatchObject({ status: 'retrying', lastError: 'connection refused' });
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'connecting', 3, 'connection refused') });
      expect(loading()).toEqual({ Pod: true });
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'error', 4, 'forbidden') });
      expect(loading()?.PodCliqueSet).toBeUndefined();
    });

    it('a kind relisting after it was live (connecting again, no error) is not loading: its data stays what it was', () => {
      store.retain();
      latest().fire('snapshot', listing(1));
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'live', 2) });
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'connecting', 3) });
      expect(loading()).toEqual({ Pod: true });
    });

    it('a reconnect starts over: a kind live before is loading again until the new stream says it is live', async () => {
      store.retain();
      latest().fire('snapshot', { ...listing(1), states: { PodCliqueSet: state('PodCliqueSet', 'live', 1), Pod: state('Pod', 'live', 1), Node: state('Node', 'live', 1) } });
      expect(loading()).toEqual({});
      latest().fire('error');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(FakeEventSource.all).toHaveLength(2);
      latest().fire('snapshot', listing(1)); // the server restarted: PodCliqueSet and Pod list afresh
      expect(loading()).toEqual({ PodCliqueSet: true, Pod: true });
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'live', 5), Pod: state('Pod', 'live', 5) });
      expect(loading()).toEqual({});
    });

    it('another tab fed this tab’s snapshot tells the same kinds loading, including one relisting after it was live here', () => {
      store.retain();
      latest().fire('snapshot', listing(1));
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'live', 2) });
      latest().fire('state', { ...listing(0).states, PodCliqueSet: state('PodCliqueSet', 'connecting', 3) });
      const copy = store.currentSnapshot()!;
      const follower = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url) });
      follower.retain();
      latest().fire('snapshot', JSON.parse(JSON.stringify(copy)));
      expect(follower.getConnectionState().loading).toEqual({ Pod: true });
      expect(follower.getConnectionState().loading).toEqual(loading());
      // The stream's own snapshot (no such field) reads the states alone; a malformed field counts for nothing.
      latest().fire('snapshot', { ...listing(1), liveSinceSnapshot: { PodCliqueSet: 'yes', Pod: 1 } });
      expect(follower.getConnectionState().loading).toEqual({ PodCliqueSet: true, Pod: true });
    });
  });

  it('hands its data to another tab as a snapshot only while open and synced', async () => {
    store.retain();
    expect(store.currentSnapshot()).toBeNull();
    latest().fire('snapshot', snapshot(3, [pod('a', '5')], [node('n1')]));
    latest().fire('delta', { seq: 4, kinds: { Pod: [{ type: 'ADDED', object: pod('b', '11') }] } } satisfies StreamDelta);
    const copy = store.currentSnapshot()!;
    expect(copy.seq).toBe(4);
    expect(copy.kinds.Pod).toEqual({ resourceVersion: '11', items: [pod('a', '5'), pod('b', '11')] });
    expect(copy.kinds.Node?.items).toEqual([node('n1')]);
    expect(copy.states).toEqual(snapshot(3, []).states);
    // A copy fed to a fresh store gives the same objects.
    const other = new ClusterStore({ createEventSource: (url) => new FakeEventSource(url) });
    other.retain();
    latest().fire('snapshot', JSON.parse(JSON.stringify(copy)));
    expect(other.getObjects('Pod')).toEqual(store.getObjects('Pod'));
    FakeEventSource.all[0]!.fire('error');
    expect(store.currentSnapshot()).toBeNull();
  });

  it('reopen swaps the source at once, keeping data and status; without a stream it waits for the next user', () => {
    expect(() => store.reopen()).not.toThrow();
    expect(FakeEventSource.all).toHaveLength(0);
    store.retain();
    latest().fire('snapshot', snapshot(1, [pod('a', '5')]));
    const first = latest();
    store.reopen();
    expect(first.closed).toBe(true);
    expect(FakeEventSource.all).toHaveLength(2);
    expect(store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
    expect(store.getObjects('Pod')).toHaveLength(1);
    first.fire('delta', { seq: 2, kinds: { Pod: [{ type: 'ADDED', object: pod('z', '9') }] } } satisfies StreamDelta);
    expect(store.getObjects('Pod')).toHaveLength(1); // the old source is not heard any more
  });

  describe('a snapshot in parts', () => {
    /** The messages of `whole` in parts of ~`chars` characters, as the server sends them. */
    const inParts = (whole: StreamSnapshot, id: string, chars = 200) => [...snapshotMessages(whole, id, chars)];
    const deliver = (messages: { event: string; data: string }[], source = latest()) => {
      for (const { event, data } of messages) for (const listener of source.listeners.get(event) ?? []) listener({ data });
    };
    const names = () => store.getObjects('Pod').map((object) => object.metadata?.name);
    const many = (prefix: string, count: number, rv = '5') => Array.from({ length: count }, (_, i) => pod(`${prefix}${i}`, rv));

    it('applies at its end, all at once: before, a first load shows nothing (not synced) with the share received', () => {
      store.retain();
      const listener = vi.fn();
      store.subscribe(listener);
      const messages = inParts(snapshot(4, many('p', 10), [node('n1')]), 's1');
      expect(messages.length).toBeGreaterThan(5);
      deliver(messages.slice(0, 3));
      expect(names()).toEqual([]);
      expect(store.getConnectionState().synced).toBe(false);
      const { received, total } = store.getConnectionState().receiving!;
      expect(total).toBe(11);
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThan(11);
      deliver(messages.slice(3));
      expect(names()).toEqual(many('p', 10).map((object) => object.metadata?.name).sort());
      expect(store.getObjects('Node')).toHaveLength(1);
      expect(store.getConnectionState()).toMatchObject({ stream: 'open', synced: true, receiving: undefined });
      expect(store.currentSnapshot()!.seq).toBe(4);
      // Progress is a new state only when its percentage moves; the apply is one more.
      expect(listener.mock.calls.length).toBeLessThanOrEqual(messages.length);
    });

    it('a tab that shows a cluster keeps showing it until the new snapshot’s end', () => {
      store.retain();
      latest().fire('snapshot', snapshot(1, [pod('old', '1')]));
      const shown = store.getObjects('Pod');
      const messages = inParts(snapshot(0, many('new', 6)), 's2');
      deliver(messages.slice(0, -1));
      expect(store.getObjects('Pod')).toBe(shown);
      deliver(messages.slice(-1));
      expect(names()).toEqual(many('new', 6).map((object) => object.metadata?.name).sort());
    });

    it('while a resync is received there is no copy for another tab (it is about to be replaced); after its end, the new one', () => {
      store.retain();
      latest().fire('snapshot', snapshot(5, [pod('old', '1')]));
      expect(store.currentSnapshot()!.seq).toBe(5);
      const messages = inParts(snapshot(5, many('new', 6)), 'resync');
      deliver(messages.slice(0, 2));
      expect(store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
      expect(store.currentSnapshot()).toBeNull();
      deliver(messages.slice(2));
      expect(store.currentSnapshot()!.kinds.Pod!.items.map((object) => object.metadata?.name)).toEqual(many('new', 6).map((object) => object.metadata?.name).sort());
    });

    it('deltas and states that arrive while it is received apply after it, in order', () => {
      store.retain();
      const messages = inParts({ ...snapshot(7, many('p', 6)), states: { Pod: { kind: 'Pod', status: 'connecting', since: 1 } } }, 's3');
      deliver(messages.slice(0, 2));
      latest().fire('delta', { seq: 8, kinds: { Pod: [{ type: 'ADDED', object: pod('late', '9') }] } } satisfies StreamDelta);
      latest().fire('state', { Pod: { kind: 'Pod', status: 'live', since: 2 } });
      latest().fire('delta', { seq: 9, kinds: { Pod: [{ type: 'DELETED', object: pod('p0', '10') }] } } satisfies StreamDelta);
      expect(names()).toEqual([]);
      expect(store.getConnectionState().kinds).toEqual({});
      deliver(messages.slice(2));
      expect(names()).toEqual(['late', 'p1', 'p2', 'p3', 'p4', 'p5']);
      expect(store.getConnectionState().kinds.Pod?.status).toBe('live');
      expect(store.currentSnapshot()!.seq).toBe(9);
      expect(latest().closed).toBe(false); // no gap seen: the deltas followed the snapshot's seq
    });

    it('a new begin abandons a half-received snapshot, and what waited behind it; the old one’s late parts change nothing', () => {
      store.retain();
      const old = inParts(snapshot(3, many('old', 6)), 'old');
      const fresh = inParts(snapshot(20, many('fresh', 2)), 'fresh');
      deliver(old.slice(0, 3));
      latest().fire('delta', { seq: 4, kinds: { Pod: [{ type: 'ADDED', object: pod('stale', '9') }] } } satisfies StreamDelta);
      deliver(fresh.slice(0, 1));
      deliver(old.slice(3));
      expect(names()).toEqual([]);
      deliver(fresh.slice(1));
      expect(names()).toEqual(['fresh0', 'fresh1']);
      expect(store.currentSnapshot()!.seq).toBe(20);
    });

    it('a whole snapshot, or a new stream, abandons a half-received one', () => {
      store.retain();
      const half = inParts(snapshot(3, many('half', 6)), 'h');
      deliver(half.slice(0, 3));
      latest().fire('snapshot', snapshot(5, [pod('whole', '1')]));
      deliver(half.slice(3));
      expect(names()).toEqual(['whole']);
      deliver(half.slice(0, 3));
      store.reopen();
      deliver(half.slice(3), FakeEventSource.all.at(-2));
      deliver(half.slice(3));
      expect(names()).toEqual(['whole']);
      expect(store.getConnectionState().receiving).toBeUndefined();
    });

    it('an end whose parts did not all arrive reconnects for a fresh snapshot instead of applying half a cluster', () => {
      store.retain();
      const messages = inParts(snapshot(3, many('p', 6)), 'gap');
      deliver(messages.filter((_, i) => i !== 2));
      expect(names()).toEqual([]);
      expect(latest().closed).toBe(true);
      expect(store.getConnectionState()).toMatchObject({ stream: 'reconnecting', receiving: undefined });
    });
  });
});
