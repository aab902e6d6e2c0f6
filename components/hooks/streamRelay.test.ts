/**
 * The tab relay: message routing, the follower's stand-in EventSource, and several tabs (each a
 * ClusterStore + StreamRelay) sharing one stream through an in-memory BroadcastChannel and lock
 * manager that behave like the browser's (async delivery, never to the sender; locks granted in
 * request order, released when the holder's promise settles).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamDelta, StreamSnapshot } from '../../lib/cluster/stream';
import { snapshotMessages } from '../../lib/cluster/streamParts';
import type { KubeObject } from '../../lib/grove/meta';
import { ClusterStore } from './clusterStore';
import { FakeBus, FakeChannel, FakeStorage, TabTimers } from './electionFakes';
import { FakeEventSource } from './fakeEventSource';
import { ChannelElection, ELECTION_TIMING, localStorageNote, lockElection, type ElectionMessage, type LeaderElection, type LeaderNote, type LockManagerLike } from './streamElection';
import { RelayedEventSource, routeRelayMessage, StreamRelay, type RelayMessage } from './streamRelay';

const openSources = () => FakeEventSource.all.filter((source) => !source.closed);

/** navigator.locks for one exclusive lock name. */
class FakeLocks implements LockManagerLike {
  private held = false;
  private readonly queue: (() => Promise<unknown>)[] = [];
  request(_name: string, callback: () => Promise<unknown>): Promise<unknown> {
    this.queue.push(callback);
    queueMicrotask(() => this.grant());
    return Promise.resolve();
  }
  private grant(): void {
    if (this.held) return;
    const next = this.queue.shift();
    if (!next) return;
    this.held = true;
    void next().finally(() => {
      this.held = false;
      this.grant();
    });
  }
}

const pod = (name: string, rv: string, phase = 'Pending'): KubeObject => ({ kind: 'Pod', metadata: { namespace: 'ns', name, resourceVersion: rv }, status: { phase } } as KubeObject);
const snapshot = (seq: number, pods: KubeObject[]): StreamSnapshot => ({
  seq,
  kinds: { Pod: { resourceVersion: String(seq), items: pods } },
  states: { Pod: { kind: 'Pod', status: 'live', since: 1 } },
});
const podNames = (store: ClusterStore) => store.getObjects('Pod').map((o) => `${o.metadata?.name}:${(o as { status?: { phase?: string } }).status?.phase}`);
const flush = () => vi.advanceTimersByTimeAsync(0);

interface Tab {
  name: string;
  store: ClusterStore;
  relay: StreamRelay;
  /** The tab's relay channel; with the channel election, also its election channel and timers. */
  channel: FakeChannel<RelayMessage>;
  election?: { channel: FakeChannel<ElectionMessage>; timers: TabTimers; election: ChannelElection };
}

let bus: FakeBus<RelayMessage>;
let locks: FakeLocks;
/** With `electionBus`, the tabs elect by heartbeats on it (no Web Locks; leaders noted in `storage`); else by the fake lock. */
let electionBus: FakeBus<ElectionMessage> | null;
let storage: FakeStorage;
/** `note`: the tab's view of the leader's note (default: `storage`'s); `partitioned`: its election channel cut off from the start. */
function openTab(name: string, options: { note?: LeaderNote; partitioned?: boolean; snapshotPartChars?: number } = {}): Tab {
  const channel = new FakeChannel(bus);
  let election: LeaderElection = lockElection(locks, 'canopy:test');
  let channelElection: Tab['election'];
  if (electionBus) {
    const timers = new TabTimers();
    const electionChannel = new FakeChannel(electionBus);
    electionChannel.partitioned = options.partitioned ?? false;
    const byHeartbeats = new ChannelElection({ id: name, channel: electionChannel, timers, note: options.note ?? localStorageNote(storage) });
    channelElection = { channel: electionChannel, timers, election: byHeartbeats };
    election = channelElection.election;
  }
  const relay = new StreamRelay({ tabId: name, channel, election, openEventSource: (url) => new FakeEventSource(url, name), ...(options.snapshotPartChars ? { snapshotPartChars: options.snapshotPartChars } : {}) });
  const store = new ClusterStore({ createEventSource: relay.createEventSource, random: () => 1, backoff: { baseMs: 1_000, capMs: 4_000 } });
  relay.start({
    currentSnapshot: () => store.currentSnapshot(),
    becameLeader: () => {
      store.reopen();
      store.retain();
    },
    wake: () => store.retryNow(),
  });
  store.retain(); // the page's components
  return { name, store, relay, channel, election: channelElection };
}

/** `count` tabs, the first leading, all synced to one snapshot of `pods`. */
async function openSyncedTabs(count: number, pods: KubeObject[]): Promise<{ tabs: Tab[]; stream: FakeEventSource }> {
  const tabs = Array.from({ length: count }, (_, i) => openTab(`t${i + 1}`));
  await flush();
  const stream = openSources()[0]!;
  stream.fire('snapshot', snapshot(1, pods));
  await flush();
  return { tabs, stream };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.all = [];
  bus = new FakeBus();
  locks = new FakeLocks();
  electionBus = null;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('routeRelayMessage', () => {
  const leader = { id: 'a', role: 'leader' as const };
  const follower = { id: 'b', role: 'follower' as const };
  it('the leader answers hellos from others and ignores relayed events', () => {
    expect(routeRelayMessage({ type: 'hello', from: 'b' }, leader)).toEqual({ do: 'answer-hello', to: 'b' });
    expect(routeRelayMessage({ type: 'hello', from: 'a' }, leader)).toEqual({ do: 'ignore' });
    expect(routeRelayMessage({ type: 'hello', from: 'b', again: true }, leader)).toEqual({ do: 'answer-hello', to: 'b', again: true });
    expect(routeRelayMessage({ type: 'event', event: 'delta', data: '{}' }, leader)).toEqual({ do: 'ignore' });
  });
  it('a follower takes events for everyone or for itself, and ignores hellos and events for other tabs', () => {
    expect(routeRelayMessage({ type: 'event', event: 'delta', data: '{"seq":1}' }, follower)).toEqual({ do: 'deliver', event: 'delta', data: '{"seq":1}' });
    expect(routeRelayMessage({ type: 'event', event: 'snapshot', data: '{}', to: 'b' }, follower)).toMatchObject({ do: 'deliver', event: 'snapshot' });
    expect(routeRelayMessage({ type: 'event', event: 'snapshot', data: '{}', to: 'c' }, follower)).toEqual({ do: 'ignore' });
    expect(routeRelayMessage({ type: 'event', event: 'error' }, follower)).toEqual({ do: 'deliver', event: 'error', data: undefined });
    expect(routeRelayMessage({ type: 'hello', from: 'c' }, follower)).toEqual({ do: 'ignore' });
  });
  it('a wake from another tab is for the leader only', () => {
    expect(routeRelayMessage({ type: 'wake', from: 'b' }, leader)).toEqual({ do: 'wake' });
    expect(routeRelayMessage({ type: 'wake', from: 'a' }, leader)).toEqual({ do: 'ignore' });
    expect(routeRelayMessage({ type: 'wake', from: 'c' }, follower)).toEqual({ do: 'ignore' });
    expect(routeRelayMessage({ type: 'wake' }, leader)).toEqual({ do: 'ignore' });
  });
  it('ignores anything malformed or unknown', () => {
    for (const message of [null, 'hello', { type: 'hello' }, { type: 'hello', from: 'c', again: 'yes' }, { type: 'event' }, { type: 'event', event: 'delta', data: 5 }, { type: 'event', event: 'open-window' }, { type: 'bye', from: 'c' }]) {
      expect(routeRelayMessage(message, follower)).toEqual({ do: 'ignore' });
    }
  });
});

describe('RelayedEventSource', () => {
  it('drops deltas until the first snapshot, then passes everything; nothing once closed', () => {
    const onClose = vi.fn();
    const source = new RelayedEventSource(onClose);
    const seen: string[] = [];
    for (const type of ['snapshot', 'delta', 'heartbeat']) source.addEventListener(type, (event) => seen.push(`${type}:${event.data ?? ''}`));
    source.deliver('delta', '1');
    source.deliver('heartbeat');
    source.deliver('snapshot', 's');
    source.deliver('delta', '2');
    expect(seen).toEqual(['heartbeat:', 'snapshot:s', 'delta:2']);
    source.close();
    source.close();
    expect(onClose).toHaveBeenCalledTimes(1);
    source.deliver('delta', '3');
    expect(seen).toHaveLength(3);
  });

  it('says so when a snapshot’s end arrives before any snapshot began (its begin was missed), not after', () => {
    const unusable = vi.fn();
    const source = new RelayedEventSource(() => {}, unusable);
    source.deliver('snapshot-part', '{}');
    source.deliver('snapshot-end', '{}');
    expect(unusable).toHaveBeenCalledTimes(1);
    expect(unusable).toHaveBeenCalledWith(source);
    source.deliver('snapshot-begin', '{}');
    source.deliver('snapshot-end', '{}');
    expect(unusable).toHaveBeenCalledTimes(1);
  });
});

describe('StreamRelay: tabs sharing one stream', () => {
  it('eight tabs open one EventSource; every tab gets the snapshot and the deltas', async () => {
    const tabs = Array.from({ length: 8 }, (_, i) => openTab(`t${i + 1}`));
    await flush();
    expect(tabs.map((tab) => tab.relay.role)).toEqual(['leader', ...Array(7).fill('follower')]);
    expect(openSources()).toHaveLength(1);
    const [stream] = openSources();
    expect(stream!.owner).toBe('t1');
    stream!.fire('snapshot', snapshot(1, [pod('a', '5')]));
    await flush();
    for (const tab of tabs) {
      expect(tab.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
      expect(podNames(tab.store)).toEqual(['a:Pending']);
    }
    stream!.fire('delta', { seq: 2, kinds: { Pod: [{ type: 'MODIFIED', object: pod('a', '6', 'Running') }] } } satisfies StreamDelta);
    await flush();
    for (const tab of tabs) expect(podNames(tab.store)).toEqual(['a:Running']);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('a tab opened later is answered with the leader’s snapshot (to it alone) and then follows the deltas', async () => {
    const [first, second] = [openTab('t1'), openTab('t2')];
    await flush();
    const stream = openSources()[0]!;
    stream.fire('snapshot', snapshot(4, [pod('a', '5')]));
    stream.fire('delta', { seq: 5, kinds: { Pod: [{ type: 'ADDED', object: pod('b', '7') }] } } satisfies StreamDelta);
    await flush();
    const sentBefore = bus.sent.length;
    const late = openTab('t3');
    await vi.advanceTimersByTimeAsync(10); // the answer goes a part per task
    expect(podNames(late.store)).toEqual(['a:Pending', 'b:Pending']);
    expect(late.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true, loading: {} });
    const answers = bus.sent.slice(sentBefore).filter((m) => m.type === 'event');
    expect(answers).toEqual(['snapshot-begin', 'snapshot-part', 'snapshot-end'].map((event) => expect.objectContaining({ event, to: 't3' })));
    expect((JSON.parse((answers[0] as { data: string }).data) as StreamSnapshot).seq).toBe(5);
    // The next batch continues the sequence for the late tab too (no gap, so no reconnect).
    stream.fire('delta', { seq: 6, kinds: { Pod: [{ type: 'DELETED', object: pod('a', '8') }] } } satisfies StreamDelta);
    await flush();
    for (const tab of [first, second, late]) expect(podNames(tab.store)).toEqual(['b:Pending']);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('when the leader closes, the next tab opens the one stream; changes after that reach every remaining tab', async () => {
    const { tabs } = await openSyncedTabs(3, [pod('a', '5')]);
    tabs[0]!.relay.stop(); // the leader's tab closes: the browser releases its lock
    await flush();
    expect(tabs[1]!.relay.role).toBe('leader');
    expect(tabs[2]!.relay.role).toBe('follower');
    const streams = openSources().filter((source) => source.owner !== 't1');
    expect(streams.map((source) => source.owner)).toEqual(['t2']);
    // The new leader's tab does not flash "reconnecting" while it takes over.
    expect(tabs[1]!.store.getConnectionState().stream).toBe('open');
    streams[0]!.fire('snapshot', snapshot(9, [pod('a', '5'), pod('c', '9', 'Running')]));
    streams[0]!.fire('delta', { seq: 10, kinds: { Pod: [{ type: 'MODIFIED', object: pod('a', '10', 'Running') }] } } satisfies StreamDelta);
    await flush();
    for (const tab of tabs.slice(1)) expect(podNames(tab.store)).toEqual(['a:Running', 'c:Running']);
  });

  it('the leader’s stream failing sends every tab into backoff; they recover from the leader’s next snapshot', async () => {
    const { tabs, stream } = await openSyncedTabs(2, [pod('a', '5')]);
    stream.fire('error');
    await flush();
    for (const tab of tabs) expect(tab.store.getConnectionState()).toMatchObject({ stream: 'reconnecting', retryInMs: 1_000 });
    // Follower hellos during the outage are not answered with stale data.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tabs[1]!.store.getConnectionState().stream).toBe('reconnecting');
    const again = openSources();
    expect(again.map((source) => source.owner)).toEqual(['t1']);
    again[0]!.fire('snapshot', snapshot(1, [pod('a', '5'), pod('b', '6')]));
    await flush();
    for (const tab of tabs) {
      expect(tab.store.getConnectionState().stream).toBe('open');
      expect(podNames(tab.store)).toEqual(['a:Pending', 'b:Pending']);
    }
  });

  it('a follower tab that wakes (visible again) while the stream is down gets the leader to try at once, not after its backoff', async () => {
    const { tabs, stream } = await openSyncedTabs(2, [pod('a', '5')]);
    stream.fire('error');
    await flush();
    // Back off further: the next wait is 2 s.
    await vi.advanceTimersByTimeAsync(1_000);
    openSources()[0]!.fire('error');
    await flush();
    expect(tabs[0]!.store.getConnectionState()).toMatchObject({ stream: 'reconnecting', retryInMs: 2_000 });
    const before = FakeEventSource.all.length;
    // What useClusterStream does on the follower's wake: its own store tries now, and the leader is asked to.
    tabs[1]!.store.retryNow();
    tabs[1]!.relay.wake();
    await flush();
    expect(FakeEventSource.all).toHaveLength(before + 1);
    const now = openSources();
    expect(now.map((source) => source.owner)).toEqual(['t1']);
    now[0]!.fire('snapshot', snapshot(2, [pod('a', '5'), pod('b', '6')]));
    await vi.advanceTimersByTimeAsync(50);
    for (const tab of tabs) {
      expect(tab.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
      expect(podNames(tab.store)).toEqual(['a:Pending', 'b:Pending']);
    }
    // The leader's old timer does not open a second stream.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(openSources()).toHaveLength(1);
    // A wake while the stream is well changes nothing; a leader's own wake posts nothing.
    const sent = bus.sent.length;
    tabs[0]!.relay.wake();
    tabs[1]!.relay.wake();
    await flush();
    expect(FakeEventSource.all).toHaveLength(before + 1);
    expect(bus.sent.slice(sent)).toEqual([{ type: 'wake', from: 't2' }]);
  });

  it('a follower that misses a batch asks again and is answered with a snapshot', async () => {
    const { tabs } = await openSyncedTabs(2, [pod('a', '5')]);
    // Only the follower sees a gap (a batch from elsewhere; the leader ignores relayed events): it
    // backs off, then says hello.
    new FakeChannel(bus).postMessage({ type: 'event', event: 'delta', data: JSON.stringify({ seq: 7, kinds: {} }) });
    await flush();
    expect(tabs[1]!.store.getConnectionState().stream).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1_010);
    expect(tabs[1]!.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
    expect(openSources()).toHaveLength(1);
  });
});

describe('StreamRelay: a snapshot in parts between tabs', () => {
  const pods = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => pod(`${prefix}${i}`, '5'));
  /** What the server sends: the snapshot's parts as text, fired on the leader's stream one by one. */
  const fireInParts = (stream: FakeEventSource, whole: StreamSnapshot, id: string, chars = 300) => {
    const messages = [...snapshotMessages(whole, id, chars)];
    return (from = 0, to = messages.length) => {
      for (const { event, data } of messages.slice(from, to)) for (const listener of stream.listeners.get(event) ?? []) listener({ data });
      return messages.length;
    };
  };

  it('the leader relays the stream’s parts as they come (never the whole cluster in one message); every tab applies the snapshot at its end', async () => {
    const tabs = [openTab('t1'), openTab('t2'), openTab('t3')];
    await flush();
    const stream = openSources()[0]!;
    const sentBefore = bus.sent.length;
    const send = fireInParts(stream, snapshot(3, pods('p', 20)), 'server-1');
    const total = send(0, 4);
    await flush();
    for (const tab of tabs) expect(tab.store.getObjects('Pod')).toHaveLength(0);
    send(4);
    await flush();
    for (const tab of tabs) expect(tab.store.getObjects('Pod')).toHaveLength(20);
    const relayed = bus.sent.slice(sentBefore).filter((m) => m.type === 'event');
    expect(relayed).toHaveLength(total);
    for (const message of relayed) if (message.type === 'event' && message.event === 'snapshot-part') expect(message.data!.length).toBeLessThanOrEqual(300);
    expect(relayed.filter((message) => message.type === 'event' && message.event === 'snapshot-part').length).toBeGreaterThan(3);
  });

  it('a hello is answered in parts, one per task; a batch the stream sends meanwhile reaches the late tab after the answer, in order', async () => {
    const first = openTab('t1', { snapshotPartChars: 300 });
    await flush();
    const stream = openSources()[0]!;
    stream.fire('snapshot', snapshot(4, pods('p', 20)));
    await flush();
    const sentBefore = bus.sent.length;
    const late = openTab('t2');
    await flush(); // the hello reaches the leader: it sends the begin and the first part
    await flush();
    const answered = bus.sent.slice(sentBefore).filter((m) => m.type === 'event').length;
    expect(answered).toBeGreaterThan(0);
    stream.fire('delta', { seq: 5, kinds: { Pod: [{ type: 'DELETED', object: pod('p0', '9') }, { type: 'ADDED', object: pod('q', '9') }] } } satisfies StreamDelta);
    await flush();
    expect(late.store.getObjects('Pod')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(50);
    const answers = bus.sent.slice(sentBefore).filter((m) => m.type === 'event' && m.to === 't2');
    expect(answers.length).toBeGreaterThan(answered + 3);
    for (const answer of answers) if (answer.type === 'event' && answer.event === 'snapshot-part') expect(answer.data!.length).toBeLessThanOrEqual(300);
    expect(podNames(late.store)).toEqual(podNames(first.store));
    expect(podNames(late.store)).toContain('q:Pending');
    expect(podNames(late.store)).not.toContain('p0:Pending');
    expect(late.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('a second hello from the same tab replaces the answer under way', async () => {
    openTab('t1', { snapshotPartChars: 300 });
    await flush();
    openSources()[0]!.fire('snapshot', snapshot(4, pods('p', 20)));
    await flush();
    const sentBefore = bus.sent.length;
    const late = openTab('t2');
    await flush();
    await flush();
    new FakeChannel(bus).postMessage({ type: 'hello', from: 't2' });
    await vi.advanceTimersByTimeAsync(50);
    const answers = bus.sent.slice(sentBefore).filter((m) => m.type === 'event' && m.to === 't2') as { event: string; data: string }[];
    const ids = new Set(answers.map((answer) => (JSON.parse(answer.data) as { id: string }).id));
    expect(ids.size).toBe(2);
    expect(answers.filter((answer) => answer.event === 'snapshot-end')).toHaveLength(1);
    expect(late.store.getObjects('Pod')).toHaveLength(20);
  });

  /** The messages sent on the channel since `from` to `tab` alone, by event. */
  const answersTo = (tab: string, from: number) => bus.sent.slice(from).filter((m) => m.type === 'event' && m.to === tab) as { event: string; data: string }[];
  const begins = (answers: { event: string; data: string }[]) => answers.filter((answer) => answer.event === 'snapshot-begin').map((answer) => JSON.parse(answer.data) as StreamSnapshot);

  it('a tab that says hello while the leader receives its first snapshot gets it once applied, then the deltas', async () => {
    const first = openTab('t1', { snapshotPartChars: 300 });
    await flush();
    const stream = openSources()[0]!;
    const send = fireInParts(stream, snapshot(3, pods('p', 20)), 'server-1');
    send(0, 4);
    await flush();
    const sentBefore = bus.sent.length;
    const late = openTab('t2'); // it hears the rest of the parts, and the end, but not the begin
    await flush();
    expect(first.store.currentSnapshot()).toBeNull();
    send(4);
    await vi.advanceTimersByTimeAsync(50);
    expect(late.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
    expect(podNames(late.store)).toEqual(podNames(first.store));
    expect(late.store.getObjects('Pod')).toHaveLength(20);
    // It said hello again on the end it could not use; the leader, already answering it, let that be.
    expect(bus.sent.slice(sentBefore)).toContainEqual({ type: 'hello', from: 't2', again: true });
    expect(begins(answersTo('t2', sentBefore)).map((begin) => begin.seq)).toEqual([3]);
    stream.fire('delta', { seq: 4, kinds: { Pod: [{ type: 'DELETED', object: pod('p0', '9') }] } } satisfies StreamDelta);
    await flush();
    expect(late.store.getObjects('Pod')).toHaveLength(19);
    expect(podNames(late.store)).toEqual(podNames(first.store));
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('a tab that says hello while the leader reconnects gets the new snapshot once it is in; tabs that heard its begin are not answered', async () => {
    const { tabs, stream } = await openSyncedTabs(2, [pod('old', '1')]);
    stream.fire('error');
    await vi.advanceTimersByTimeAsync(1_000); // both back off, then the leader reopens and the follower says hello
    const again = openSources();
    expect(again.map((source) => source.owner)).toEqual(['t1']);
    expect(tabs[0]!.store.getConnectionState().stream).toBe('reconnecting');
    const sentBefore = bus.sent.length;
    const send = fireInParts(again[0]!, snapshot(10, pods('new', 20)), 'server-2');
    send(0, 3);
    await flush();
    const late = openTab('t3');
    await flush();
    send(3);
    await vi.advanceTimersByTimeAsync(50);
    for (const tab of [...tabs, late]) {
      expect(tab.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
      expect([...podNames(tab.store)].sort()).toEqual(pods('new', 20).map((p) => `${p.metadata!.name}:Pending`).sort());
    }
    expect(answersTo('t2', sentBefore)).toEqual([]);
    expect(begins(answersTo('t3', sentBefore)).map((begin) => begin.seq)).toEqual([10]);
    again[0]!.fire('delta', { seq: 11, kinds: { Pod: [{ type: 'ADDED', object: pod('late', '12') }] } } satisfies StreamDelta);
    await flush();
    for (const tab of [...tabs, late]) expect(podNames(tab.store)).toContain('late:Pending');
  });

  it('a hello while the leader receives a resync snapshot is answered with the new snapshot, not the state it replaces', async () => {
    const first = openTab('t1', { snapshotPartChars: 300 });
    await flush();
    const stream = openSources()[0]!;
    stream.fire('snapshot', snapshot(4, [pod('gone', '1')]));
    stream.fire('delta', { seq: 5, kinds: { Pod: [{ type: 'ADDED', object: pod('gone2', '2') }] } } satisfies StreamDelta);
    await flush();
    // The hub relisted (onReset): a snapshot whose seq is the last delta's, with another cluster.
    const send = fireInParts(stream, snapshot(5, pods('new', 20)), 'resync');
    send(0, 3);
    await flush();
    const sentBefore = bus.sent.length;
    const late = openTab('t2');
    await flush();
    await flush();
    expect(answersTo('t2', sentBefore)).toEqual([]); // not the old state
    send(3);
    await vi.advanceTimersByTimeAsync(50);
    expect([...podNames(first.store)].sort()).toEqual(pods('new', 20).map((p) => `${p.metadata!.name}:Pending`).sort());
    expect(podNames(late.store)).toEqual(podNames(first.store));
    stream.fire('delta', { seq: 6, kinds: { Pod: [{ type: 'DELETED', object: pod('new0', '9') }] } } satisfies StreamDelta);
    await flush();
    expect(podNames(late.store)).toEqual(podNames(first.store));
    expect(podNames(late.store)).not.toContain('gone:Pending');
    expect(late.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
  });
});

describe('StreamRelay without Web Locks (insecure origins): the tabs elect by heartbeats', () => {
  const { heartbeatMs, silenceMs, claimMs } = ELECTION_TIMING;
  beforeEach(() => {
    electionBus = new FakeBus();
    storage = new FakeStorage();
  });

  /** `count` tabs opened one after another, the first leading, all synced to one snapshot of `pods`. */
  async function openElectedTabs(count: number, pods: KubeObject[]): Promise<{ tabs: Tab[]; stream: FakeEventSource }> {
    const tabs: Tab[] = [];
    for (let i = 0; i < count; i++) {
      tabs.push(openTab(`t${i + 1}`));
      await vi.advanceTimersByTimeAsync(i === 0 ? claimMs : 10);
      if (i === 0) openSources()[0]!.fire('snapshot', snapshot(1, pods));
    }
    await flush();
    return { tabs, stream: openSources()[0]! };
  }

  /** Freezes a tab as a background page is frozen: nothing of it runs, what comes in waits. */
  const freeze = (tab: Tab) => [tab.channel, tab.election!.channel, tab.election!.timers].forEach((part) => part.freeze());
  const thaw = (tab: Tab) => [tab.channel, tab.election!.channel, tab.election!.timers].forEach((part) => part.thaw());

  it('eight tabs open one EventSource, the first tab’s; followers open none and every tab gets the data', async () => {
    const { tabs, stream } = await openElectedTabs(8, [pod('a', '5')]);
    expect(tabs.map((tab) => tab.relay.role)).toEqual(['leader', ...Array(7).fill('follower')]);
    expect(FakeEventSource.all.map((source) => source.owner)).toEqual(['t1']);
    stream.fire('delta', { seq: 2, kinds: { Pod: [{ type: 'MODIFIED', object: pod('a', '6', 'Running') }] } } satisfies StreamDelta);
    await flush();
    for (const tab of tabs) {
      expect(tab.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
      expect(podNames(tab.store)).toEqual(['a:Running']);
    }
    await vi.advanceTimersByTimeAsync(10 * silenceMs);
    expect(FakeEventSource.all.map((source) => source.owner)).toEqual(['t1']);
  });

  it('when the leading tab closes, the oldest other tab opens the one stream within a claim', async () => {
    const { tabs } = await openElectedTabs(4, [pod('a', '5')]);
    tabs[0]!.relay.stop();
    await vi.advanceTimersByTimeAsync(claimMs);
    expect(tabs.slice(1).map((tab) => tab.relay.role)).toEqual(['leader', 'follower', 'follower']);
    expect(openSources().map((source) => source.owner)).toEqual(['t2']);
    expect(tabs[1]!.store.getConnectionState().stream).toBe('open');
    openSources()[0]!.fire('snapshot', snapshot(9, [pod('a', '9', 'Running')]));
    await flush();
    for (const tab of tabs.slice(1)) expect(podNames(tab.store)).toEqual(['a:Running']);
  });

  it('a frozen leader is replaced within seconds; thawed, it closes its stream and follows the new leader’s data', async () => {
    const { tabs, stream } = await openElectedTabs(3, [pod('a', '5')]);
    const old = tabs[0]!;
    freeze(old);
    await vi.advanceTimersByTimeAsync(silenceMs + heartbeatMs + claimMs);
    // The first to notice the silence takes over.
    const next = tabs.find((tab) => tab !== old && tab.relay.role === 'leader')!;
    const other = tabs.find((tab) => tab !== old && tab !== next)!;
    expect(other.relay.role).toBe('follower');
    const fresh = openSources().find((source) => source.owner === next.name)!;
    fresh.fire('snapshot', snapshot(20, [pod('a', '20', 'Running'), pod('b', '21')]));
    await flush();
    expect(podNames(other.store)).toEqual(['a:Running', 'b:Pending']);
    // Back from frozen: for a moment two leaders; the older term steps down.
    thaw(old);
    await vi.advanceTimersByTimeAsync(heartbeatMs);
    expect(old.relay.role).toBe('follower');
    expect(stream.closed).toBe(true);
    expect(openSources()).toEqual([fresh]);
    // It asked the new leader for its data (a hello) and has it; later changes reach it too.
    expect(podNames(old.store)).toEqual(['a:Running', 'b:Pending']);
    fresh.fire('delta', { seq: 21, kinds: { Pod: [{ type: 'DELETED', object: pod('b', '22') }] } } satisfies StreamDelta);
    await flush();
    for (const tab of tabs) {
      expect(podNames(tab.store)).toEqual(['a:Running']);
      expect(tab.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
    }
  });

  it('a leader whose page is frozen steps down at once; back, it asks the new leader for the data it missed', async () => {
    const { tabs, stream } = await openElectedTabs(3, [pod('a', '5')]);
    const [old, next] = tabs as [Tab, Tab];
    old.relay.pause(); // the page's freeze event
    expect(stream.closed).toBe(true);
    old.channel.partitioned = true; // a frozen page may miss what is broadcast meanwhile
    await vi.advanceTimersByTimeAsync(claimMs);
    expect(next.relay.role).toBe('leader'); // at once (a resign), not after the silence
    const fresh = openSources()[0]!;
    expect(fresh.owner).toBe('t2');
    fresh.fire('snapshot', snapshot(30, [pod('a', '30', 'Running')]));
    await flush();
    old.channel.partitioned = false;
    await flush();
    expect(podNames(old.store)).toEqual(['a:Pending']);
    old.relay.resume();
    await vi.advanceTimersByTimeAsync(claimMs);
    expect(old.relay.role).toBe('follower');
    expect(podNames(old.store)).toEqual(['a:Running']);
    expect(openSources()).toEqual([fresh]);
    // Resuming twice, or a tab never paused, does nothing more.
    const sent = bus.sent.length;
    old.relay.resume();
    tabs[2]!.relay.resume();
    await flush();
    expect(bus.sent.length).toBe(sent);
  });

  it('two tabs that both lead (claims that crossed unheard) settle on one stream: the lower id keeps it', async () => {
    const second = openTab('t2');
    await vi.advanceTimersByTimeAsync(claimMs);
    openSources()[0]!.fire('snapshot', snapshot(1, [pod('from-t2', '1')]));
    storage.items.clear(); // t1 read the note before t2 wrote it
    const first = openTab('t1', { partitioned: true });
    await vi.advanceTimersByTimeAsync(claimMs);
    expect([first.relay.role, second.relay.role]).toEqual(['leader', 'leader']);
    expect(openSources().map((source) => source.owner)).toEqual(['t2', 't1']);
    first.election!.channel.partitioned = false;
    await vi.advanceTimersByTimeAsync(heartbeatMs);
    expect([first.relay.role, second.relay.role]).toEqual(['leader', 'follower']);
    const [kept] = openSources();
    expect(openSources().map((source) => source.owner)).toEqual(['t1']);
    kept!.fire('snapshot', snapshot(3, [pod('from-t1', '3')]));
    await flush();
    for (const tab of [first, second]) expect(podNames(tab.store)).toEqual(['from-t1:Pending']);
  });

  it('a lone tab opens its stream at once, without waiting a claim out', async () => {
    const tab = openTab('t1');
    expect(tab.relay.role).toBe('leader');
    expect(openSources().map((source) => source.owner)).toEqual(['t1']);
    expect(electionBus!.sent.filter((m) => m.type === 'claim')).toEqual([]);
  });

  it('eight tabs opened in the same instant, none seeing another’s note, settle on one stream within a heartbeat; every tab gets its data', async () => {
    const lagging = (): LeaderNote => {
      const shared = localStorageNote(storage);
      let first = true;
      return { read: () => (first ? ((first = false), null) : shared.read()), write: (leader) => shared.write(leader) };
    };
    const tabs = ['t5', 't2', 't8', 't1', 't7', 't3', 't6', 't4'].map((name) => openTab(name, { note: lagging() }));
    // Each found no leader, so each leads and opens a stream.
    expect(tabs.every((tab) => tab.relay.role === 'leader')).toBe(true);
    expect(openSources()).toHaveLength(8);
    await vi.advanceTimersByTimeAsync(heartbeatMs);
    expect(openSources().map((source) => source.owner)).toEqual(['t1']);
    expect(tabs.filter((tab) => tab.relay.role === 'leader').map((tab) => tab.name)).toEqual(['t1']);
    openSources()[0]!.fire('snapshot', snapshot(4, [pod('a', '4', 'Running')]));
    await flush();
    for (const tab of tabs) {
      expect(podNames(tab.store)).toEqual(['a:Running']);
      expect(tab.store.getConnectionState()).toMatchObject({ stream: 'open', synced: true });
    }
    await vi.advanceTimersByTimeAsync(10 * silenceMs);
    expect(openSources().map((source) => source.owner)).toEqual(['t1']);
    expect(FakeEventSource.all).toHaveLength(8);
  });
});
