import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { objectKey } from '../../lib/cluster/kinds';
import type { ConnectionStates, StreamDelta, StreamSnapshot } from '../../lib/cluster/stream';
import type { KubeObject } from '../../lib/grove/meta';
import type { WatchEvent } from '../../lib/cluster/watch';
import type { ClusterSource, ListPage, WatchEnd, WatchEvent as SourceEvent } from '../sources/types';
import { WatchHub, type HubSubscriber } from './watchHub';

/** An in-memory cluster with a paginated list and controllable watches. */
class FakeSource {
  rv = 100;
  readonly objects = new Map<WatchedKind, Map<string, KubeObject>>();
  readonly listCalls: { kind: WatchedKind; limit: number; continue?: string }[] = [];
  readonly watchCalls: { kind: WatchedKind; resourceVersion: string }[] = [];
  readonly active = new Set<{ kind: WatchedKind; onEvent: (e: SourceEvent) => void; onEnd: (e: WatchEnd) => void }>();
  listFailures: unknown[] = [];
  watchFailures: unknown[] = [];
  /** Lists of these kinds wait for the promise (a slow apiserver). */
  readonly listGates = new Map<WatchedKind, Promise<void>>();

  put(kind: WatchedKind, name: string, extra: Record<string, unknown> = {}, notify = true): KubeObject {
    const object = { kind, metadata: { namespace: kind === 'Node' ? undefined : 'ns', name, resourceVersion: String(++this.rv), managedFields: [{}] }, ...extra } as KubeObject;
    const byKey = this.kindMap(kind);
    const existed = byKey.has(objectKey(object));
    byKey.set(objectKey(object), object);
    if (notify) this.emit(kind, { type: existed ? 'MODIFIED' : 'ADDED', object });
    return object;
  }

  remove(kind: WatchedKind, name: string, notify = true): void {
    const byKey = this.kindMap(kind);
    const key = kind === 'Node' ? name : `ns/${name}`;
    const object = byKey.get(key)!;
    byKey.delete(key);
    const deleted = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } };
    if (notify) this.emit(kind, { type: 'DELETED', object: deleted });
  }

  emit(kind: WatchedKind, event: SourceEvent): void {
    for (const watch of [...this.active]) if (watch.kind === kind) watch.onEvent(event);
  }

  end(kind: WatchedKind, end: WatchEnd): void {
    for (const watch of [...this.active]) {
      if (watch.kind !== kind) continue;
      this.active.delete(watch);
      watch.onEnd(end);
    }
  }

  watchesOf(kind: WatchedKind): number {
    return [...this.active].filter((watch) => watch.kind === kind).length;
  }

  private kindMap(kind: WatchedKind): Map<string, KubeObject> {
    let byKey = this.objects.get(kind);
    if (!byKey) this.objects.set(kind, (byKey = new Map()));
    return byKey;
  }

  readonly source: ClusterSource = {
    info: () => ({ mode: 'simulated', name: 'fake', namespace: 'default', readOnly: true }),
    list: async (kind, options): Promise<ListPage> => {
      this.listCalls.push({ kind, ...options });
      await this.listGates.get(kind);
      if (this.listFailures.length > 0) throw this.listFailures.shift();
      const all = [...this.kindMap(kind).values()].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
      const start = options.continue ? Number(options.continue) : 0;
      const end = start + options.limit;
      return { items: all.slice(start, end), resourceVersion: String(this.rv), ...(end < all.length ? { continue: String(end) } : {}) };
    },
    watch: async (kind, resourceVersion, onEvent, onEnd) => {
      this.watchCalls.push({ kind, resourceVersion });
      if (this.watchFailures.length > 0) throw this.watchFailures.shift();
      const watch = { kind, onEvent, onEnd };
      this.active.add(watch);
      return { stop: () => this.active.delete(watch) };
    },
    apply: async () => {
      throw new Error('not used');
    },
    delete: async () => {},
    scale: async () => {
      throw new Error('not used');
    },
    can: async () => ({ allowed: false }),
    close: async () => {},
  };
}

class Recorder implements HubSubscriber {
  readonly log: (['snapshot', StreamSnapshot] | ['delta', StreamDelta] | ['state', ConnectionStates])[] = [];
  snapshot(snapshot: StreamSnapshot): void {
    this.log.push(['snapshot', snapshot]);
  }
  delta(delta: StreamDelta): void {
    this.log.push(['delta', delta]);
  }
  state(states: ConnectionStates): void {
    this.log.push(['state', states]);
  }
  get snapshots(): StreamSnapshot[] {
    return this.log.filter((entry) => entry[0] === 'snapshot').map((entry) => entry[1] as StreamSnapshot);
  }
  get deltas(): StreamDelta[] {
    return this.log.filter((entry) => entry[0] === 'delta').map((entry) => entry[1] as StreamDelta);
  }
  get lastState(): ConnectionStates | undefined {
    return [...this.log].reverse().find((entry) => entry[0] === 'state')?.[1] as ConnectionStates | undefined;
  }
}

const names = (events: WatchEvent[] | undefined) => (events ?? []).map((event) => `${event.type} ${event.object.metadata?.name}`);
/** Lets pending promises (list pages, watch starts) settle without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

let fake: FakeSource;
beforeEach(() => {
  vi.useFakeTimers();
  fake = new FakeSource();
});
afterEach(() => {
  vi.useRealTimers();
});

function hub(kinds: WatchedKind[] = ['Pod'], options: ConstructorParameters<typeof WatchHub>[1] = {}): WatchHub {
  return new WatchHub(fake.source, { kinds, random: () => 1, ...options });
}

describe('WatchHub', () => {
  it('follows continue tokens through every page (limit 500), then watches from the list version', async () => {
    for (let i = 0; i < 1_200; i++) fake.put('Pod', `p${String(i).padStart(4, '0')}`, {}, false);
    const h = hub();
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await settle();
    expect(fake.listCalls.map((call) => [call.limit, call.continue])).toEqual([
      [500, undefined],
      [500, '500'],
      [500, '1000'],
    ]);
    expect(fake.watchCalls).toEqual([{ kind: 'Pod', resourceVersion: '1300' }]);
    expect(h.snapshot().kinds.Pod?.items).toHaveLength(1_200);
    expect(h.states().Pod?.status).toBe('live');
    // The list arrives in the first snapshot of the subscriber that started the hub, with bulk stripped.
    await vi.advanceTimersByTimeAsync(150);
    expect(subscriber.snapshots).toHaveLength(1);
    expect(subscriber.snapshots[0]?.kinds.Pod?.items).toHaveLength(1_200);
    expect(subscriber.snapshots[0]?.kinds.Pod?.items[0]?.metadata).not.toHaveProperty('managedFields');
    expect(subscriber.deltas).toEqual([]);
  });

  it('a cold hub sends the first snapshot once every kind has listed or failed, never empty stores as the cluster', async () => {
    fake.put('Pod', 'a', {}, false);
    fake.put('Node', 'n1', {}, false);
    let releasePods = () => {};
    fake.listGates.set('Pod', new Promise<void>((resolve) => (releasePods = resolve)));
    fake.listFailures = [Object.assign(new Error('podgangs is forbidden'), { status: 403 })];
    const h = hub(['PodGang', 'Node', 'Pod'], { backoff: { baseMs: 500, capMs: 30_000 } });
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await vi.advanceTimersByTimeAsync(1_000);
    // Node listed, PodGang failed, Pod still listing: no snapshot yet, only states.
    expect(subscriber.snapshots).toHaveLength(0);
    expect(subscriber.lastState).toMatchObject({ Node: { status: 'live' }, PodGang: { status: 'error' }, Pod: { status: 'connecting' } });
    releasePods();
    await settle();
    expect(subscriber.snapshots).toHaveLength(1);
    const snapshot = subscriber.snapshots[0]!;
    expect(snapshot.kinds.Pod?.items.map((item) => item.metadata?.name)).toEqual(['a']);
    expect(snapshot.kinds.Node?.items.map((item) => item.metadata?.name)).toEqual(['n1']);
    // A failed kind's error travels in the snapshot's states.
    expect(snapshot.states.PodGang).toMatchObject({ status: 'error', lastError: 'podgangs is forbidden' });
    // Its first snapshot already holds the lists: no delta repeats them.
    await vi.advanceTimersByTimeAsync(150);
    expect(subscriber.deltas).toEqual([]);
    expect(h.stats.batches).toBe(0);
    fake.put('Pod', 'b');
    await vi.advanceTimersByTimeAsync(150);
    expect(subscriber.deltas.map((delta) => [delta.seq, names(delta.kinds.Pod)])).toEqual([[snapshot.seq + 1, ['ADDED b']]]);
  });

  it('waits for a slow kind at most firstSnapshotTimeoutMs, then sends it `connecting` and empty, and its list later as a delta', async () => {
    fake.put('Pod', 'a', {}, false);
    fake.put('Node', 'n1', {}, false);
    let releaseNodes = () => {};
    fake.listGates.set('Node', new Promise<void>((resolve) => (releaseNodes = resolve)));
    const h = hub(['Pod', 'Node'], { firstSnapshotTimeoutMs: 10_000 });
    const early = new Recorder();
    h.subscribe(early);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(early.snapshots).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(early.snapshots).toHaveLength(1);
    expect(early.snapshots[0]?.kinds.Pod?.items).toHaveLength(1);
    expect(early.snapshots[0]?.kinds.Node?.items).toEqual([]);
    expect(early.snapshots[0]?.states.Node?.status).toBe('connecting');
    // A subscriber arriving now waits for Node too (its own bound); the early one gets deltas meanwhile.
    const late = new Recorder();
    h.subscribe(late);
    fake.put('Pod', 'b');
    await vi.advanceTimersByTimeAsync(150);
    expect(names(early.deltas.at(-1)?.kinds.Pod)).toEqual(['ADDED b']);
    expect(late.snapshots).toHaveLength(0);
    expect(late.deltas).toEqual([]);
    releaseNodes();
    await settle();
    expect(late.snapshots).toHaveLength(1);
    expect(late.snapshots[0]?.kinds.Node?.items.map((item) => item.metadata?.name)).toEqual(['n1']);
    expect(late.snapshots[0]?.kinds.Pod?.items.map((item) => item.metadata?.name)).toEqual(['a', 'b']);
    // The early subscriber, told Node was still connecting, gets its list as ADDED deltas, in sequence,
    // and before the state that says Node is live.
    expect(names(early.deltas.at(-1)?.kinds.Node)).toEqual(['ADDED n1']);
    const listAt = early.log.findIndex((entry) => entry[0] === 'delta' && entry[1].kinds.Node !== undefined);
    const liveAt = early.log.findIndex((entry) => entry[0] === 'state' && entry[1].Node?.status === 'live');
    expect(listAt).toBeGreaterThan(-1);
    expect(liveAt).toBeGreaterThan(listAt);
    await vi.advanceTimersByTimeAsync(150);
    expect(early.deltas.map((delta) => delta.seq)).toEqual([early.snapshots[0]!.seq + 1, early.snapshots[0]!.seq + 2]);
    // The late one's snapshot came after that delta and holds it; from here both get the same batches.
    expect(late.snapshots[0]?.seq).toBe(early.deltas.at(-1)?.seq);
    expect(late.deltas).toEqual([]);
    fake.put('Node', 'n2');
    await vi.advanceTimersByTimeAsync(150);
    expect(late.deltas).toEqual([early.deltas.at(-1)]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('subscribers arriving while nothing changed share one snapshot object; any change makes a new one', async () => {
    fake.put('Pod', 'a', {}, false);
    const h = hub(['Pod', 'Node']);
    const first = new Recorder();
    h.subscribe(first);
    await settle();
    const second = new Recorder();
    const third = new Recorder();
    h.subscribe(second);
    h.subscribe(third);
    expect(second.snapshots[0]).toBe(first.snapshots[0]);
    expect(third.snapshots[0]).toBe(first.snapshots[0]);
    // An event (even before its batch goes out) is a change.
    fake.put('Pod', 'b');
    const fourth = new Recorder();
    h.subscribe(fourth);
    expect(fourth.snapshots[0]).not.toBe(first.snapshots[0]);
    expect(fourth.snapshots[0]?.kinds.Pod?.items.map((item) => item.metadata?.name)).toEqual(['a', 'b']);
    // The batch going out moves the sequence: a new snapshot again.
    await vi.advanceTimersByTimeAsync(150);
    const fifth = new Recorder();
    h.subscribe(fifth);
    expect(fifth.snapshots[0]).not.toBe(fourth.snapshots[0]);
    expect(fifth.snapshots[0]?.seq).toBe(fourth.snapshots[0]!.seq + 1);
    // A state change is a change too.
    fake.end('Node', { reason: 'error', message: 'connection reset' });
    const sixth = new Recorder();
    h.subscribe(sixth);
    expect(sixth.snapshots[0]).not.toBe(fifth.snapshots[0]);
    expect(sixth.snapshots[0]?.states.Node?.status).toBe('retrying');
  });

  it('sends the snapshot first, then deltas with increasing sequence numbers', async () => {
    fake.put('Pod', 'a', {}, false);
    const h = hub();
    await settle();
    h.start();
    await settle();
    await vi.advanceTimersByTimeAsync(150);
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    expect(subscriber.log[0]?.[0]).toBe('snapshot');
    const snapshot = subscriber.log[0]![1] as StreamSnapshot;
    expect(snapshot.kinds.Pod?.items.map((item) => item.metadata?.name)).toEqual(['a']);
    fake.put('Pod', 'b');
    await vi.advanceTimersByTimeAsync(150);
    fake.put('Pod', 'c');
    await vi.advanceTimersByTimeAsync(150);
    const seqs = subscriber.deltas.map((delta) => delta.seq);
    expect(seqs).toEqual([snapshot.seq + 1, snapshot.seq + 2]);
    expect(subscriber.deltas.map((delta) => names(delta.kinds.Pod))).toEqual([['ADDED b'], ['ADDED c']]);
  });

  it('coalesces a batch window: per kind, the last event per object wins', async () => {
    fake.put('Pod', 'a', {}, false);
    const h = hub(['Pod', 'Node']);
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await settle();
    await vi.advanceTimersByTimeAsync(150);
    const before = subscriber.deltas.length;

    fake.put('Pod', 'a', { status: { phase: 'Pending' } });
    fake.put('Pod', 'a', { status: { phase: 'Running' } });
    fake.put('Pod', 'b');
    fake.remove('Pod', 'b');
    fake.put('Node', 'n1');
    await vi.advanceTimersByTimeAsync(149);
    expect(subscriber.deltas.length).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(subscriber.deltas.length).toBe(before + 1);
    const batch = subscriber.deltas.at(-1)!;
    expect(names(batch.kinds.Pod)).toEqual(['MODIFIED a', 'DELETED b']);
    expect(batch.kinds.Pod?.[0]?.object).toMatchObject({ status: { phase: 'Running' } });
    expect(names(batch.kinds.Node)).toEqual(['ADDED n1']);
    // Nothing pending: no empty batches.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(subscriber.deltas.length).toBe(before + 1);
  });

  it('on 410 Gone relists and sends exactly what changed meanwhile', async () => {
    fake.put('Pod', 'keep', {}, false);
    fake.put('Pod', 'change', {}, false);
    fake.put('Pod', 'drop', {}, false);
    const h = hub();
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await settle();
    await vi.advanceTimersByTimeAsync(150);
    const listsBefore = fake.listCalls.length;
    const batchesBefore = subscriber.deltas.length;

    // Changes the watch never delivered (the hub fell behind etcd's window).
    fake.put('Pod', 'change', { status: { phase: 'Running' } }, false);
    fake.remove('Pod', 'drop', false);
    fake.put('Pod', 'new', {}, false);
    fake.end('Pod', { reason: 'gone', message: 'too old resource version' });
    await settle();
    expect(fake.listCalls.length).toBe(listsBefore + 1);
    expect(fake.watchCalls.at(-1)).toEqual({ kind: 'Pod', resourceVersion: String(fake.rv) });
    await vi.advanceTimersByTimeAsync(150);
    expect(subscriber.deltas.length).toBe(batchesBefore + 1);
    expect(names(subscriber.deltas.at(-1)!.kinds.Pod).sort()).toEqual(['ADDED new', 'DELETED drop', 'MODIFIED change']);
    expect(h.snapshot().kinds.Pod?.items.map((item) => item.metadata?.name)).toEqual(['change', 'keep', 'new']);
    expect(h.states().Pod?.status).toBe('live');
    expect(h.stats.upstreamWatches).toBe(1);
  });

  it('retries a failing list with capped exponential backoff and reports the state', async () => {
    fake.listFailures = [new Error('connection refused'), new Error('connection refused'), new Error('connection refused')];
    const h = hub(['Pod'], { backoff: { baseMs: 500, capMs: 1_500 } });
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await settle();
    expect(h.states().Pod).toMatchObject({ status: 'retrying', lastError: 'connection refused', retryInMs: 500 });
    expect(subscriber.lastState?.Pod?.status).toBe('retrying');
    await vi.advanceTimersByTimeAsync(499);
    expect(fake.listCalls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.listCalls).toHaveLength(2);
    expect(h.states().Pod?.retryInMs).toBe(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.listCalls).toHaveLength(3);
    expect(h.states().Pod?.retryInMs).toBe(1_500); // capped (2000 → 1500)
    await vi.advanceTimersByTimeAsync(1_500);
    expect(fake.listCalls).toHaveLength(4);
    expect(h.states().Pod?.status).toBe('live');
    expect(h.stats.upstreamWatches).toBe(1);
  });

  it('after a dropped watch resumes from the last seen version without relisting', async () => {
    const h = hub();
    h.subscribe(new Recorder());
    await settle();
    fake.put('Pod', 'a');
    const seen = String(fake.rv);
    fake.end('Pod', { reason: 'error', message: 'connection reset' });
    expect(h.stats.upstreamWatches).toBe(0);
    expect(h.states().Pod).toMatchObject({ status: 'retrying', lastError: 'connection reset' });
    fake.watchFailures = [new Error('still down')];
    await vi.advanceTimersByTimeAsync(500);
    // The event reset the attempts: the first retry came after 500 ms, failed, and the next waits 1 s.
    expect(h.states().Pod).toMatchObject({ status: 'retrying', lastError: 'still down', retryInMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.listCalls).toHaveLength(1);
    expect(fake.watchCalls.slice(1).map((call) => call.resourceVersion)).toEqual([seen, seen]);
    expect(h.states().Pod?.status).toBe('live');
    expect(h.stats.upstreamWatches).toBe(1);
  });

  it('resumes a watch the server closed at once and quietly, backing off only if closes repeat without events', async () => {
    const h = hub();
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await settle();
    fake.put('Pod', 'a');
    const mark = subscriber.log.length;
    fake.end('Pod', { reason: 'closed' });
    await settle();
    expect(fake.watchCalls).toHaveLength(2);
    expect(fake.watchCalls[1]?.resourceVersion).toBe(String(fake.rv));
    expect(h.states().Pod?.status).toBe('live');
    expect(subscriber.log.slice(mark).filter((entry) => entry[0] === 'state' && entry[1].Pod?.status !== 'live')).toHaveLength(0);
    // Closed again with nothing received in between: now it waits, then lists afresh (a watch that
    // heard nothing may wait for a resourceVersion the cluster does not have).
    fake.end('Pod', { reason: 'closed' });
    await settle();
    expect(h.states().Pod).toMatchObject({ status: 'retrying', retryInMs: 1_000 });
    expect(fake.watchCalls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.listCalls).toHaveLength(2);
    expect(fake.watchCalls).toHaveLength(3);
  });

  it('a watch closed without a single event or bookmark is followed by a relist; a cluster found re-created is listed afresh for every kind and sent as one snapshot', async () => {
    // E.g. etcd re-created behind the same context: the hub's resourceVersions are far ahead of the new
    // cluster's, and the apiserver holds watches from them open without sending anything.
    fake.put('Pod', 'old-pod', {}, false);
    fake.put('PodCliqueSet', 'old-pcs', {}, false);
    const h = hub(['Pod', 'PodCliqueSet']);
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await settle();
    await vi.advanceTimersByTimeAsync(150);
    expect(fake.listCalls).toHaveLength(2);
    fake.objects.clear();
    fake.rv = 3; // the new cluster's versions are behind what the hub holds
    fake.put('Pod', 'new-pod', {}, false); // the silent watches hear nothing
    fake.put('PodCliqueSet', 'new-pcs', {}, false);
    const mark = subscriber.log.length;
    fake.end('Pod', { reason: 'closed' });
    await settle();
    // Pod relisted at once (quietly), found the versions went back, and had PodCliqueSet list afresh too.
    expect(fake.listCalls.map((call) => call.kind)).toEqual(['Pod', 'PodCliqueSet', 'Pod', 'PodCliqueSet']);
    expect(fake.watchCalls.slice(-2).map((call) => [call.kind, call.resourceVersion]).sort()).toEqual([['Pod', '5'], ['PodCliqueSet', '5']]);
    expect(h.stats.upstreamWatches).toBe(2);
    await vi.advanceTimersByTimeAsync(150);
    // Deltas from versions that went back would be refused by clients as stale: one snapshot instead,
    // with the sequence where it was.
    const after = subscriber.log.slice(mark).filter((entry) => entry[0] !== 'state');
    expect(after.map((entry) => entry[0])).toEqual(['snapshot']);
    const snapshot = after[0]![1] as StreamSnapshot;
    expect(snapshot.kinds.Pod?.items.map((item) => item.metadata?.name)).toEqual(['new-pod']);
    expect(snapshot.kinds.PodCliqueSet?.items.map((item) => item.metadata?.name)).toEqual(['new-pcs']);
    expect(snapshot.seq).toBe(h.snapshot().seq);
    expect(subscriber.log.slice(mark).filter((entry) => entry[0] === 'state' && Object.values(entry[1]).some((s) => s?.status !== 'live'))).toHaveLength(0);
    // Later changes are deltas again.
    fake.put('PodCliqueSet', 'later');
    await vi.advanceTimersByTimeAsync(150);
    expect(names(subscriber.deltas.at(-1)?.kinds.PodCliqueSet)).toEqual(['ADDED later']);
  });

  it('a kind that is only quiet, on an apiserver that sends no bookmarks, is not relisted (and shown retrying) every 2.5 intervals: a busy kind beside it never is', async () => {
    const h = new WatchHub({ ...fake.source, bookmarkIntervalMs: 60_000 }, { kinds: ['Pod', 'ClusterTopologyBinding'], random: () => 1, probeIntervalMs: 15_000 });
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    await settle();
    for (let second = 0; second < 60 * 60; second += 30) {
      fake.put('Pod', `p${second % 300}`); // a pod changes every 30 s
      await vi.advanceTimersByTimeAsync(30_000);
    }
    const listsOf = (kind: WatchedKind) => fake.listCalls.filter((call) => call.kind === kind).length;
    expect(listsOf('Pod')).toBe(1);
    // Silent past 150 s, then 300 s, 600 s, then 750 s at most (the longest watch timeout plus 150 s; this
    // fake's watches never time out, a real apiserver's end and reopen, heard, within 600 s): six in an hour, not 21.
    expect(listsOf('ClusterTopologyBinding')).toBe(1 + 6);
    const stalls = subscriber.log.filter((entry) => entry[0] === 'state' && entry[1].ClusterTopologyBinding?.lastError?.startsWith('watch stalled'));
    expect(stalls).toHaveLength(6);
    expect(h.states().ClusterTopologyBinding?.status).toBe('live');
    h.stop();
  });

  it('marks forbidden or missing kinds as error and retries them at the cap', async () => {
    fake.listFailures = [Object.assign(new Error('the server could not find the requested resource'), { status: 404 })];
    const h = hub(['PodGang'], { backoff: { baseMs: 500, capMs: 30_000 } });
    h.subscribe(new Recorder());
    await settle();
    expect(h.states().PodGang).toMatchObject({ status: 'error', retryInMs: 30_000 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.states().PodGang?.status).toBe('live');
  });

  it("a kind the source lists in one namespace only says so in its state, from the first list on", async () => {
    const scoped = new Map<WatchedKind, string>();
    const list = fake.source.list;
    // As the live source does: the first list learns the kind is namespace-scoped.
    const source: ClusterSource = { ...fake.source, namespaceOf: (kind) => scoped.get(kind), list: async (kind, options) => (kind === 'Pod' && scoped.set('Pod', 'team-a'), list(kind, options)) };
    const h = new WatchHub(source, { kinds: ['Pod', 'Node'], random: () => 1 });
    const subscriber = new Recorder();
    h.subscribe(subscriber);
    expect(h.states().Pod?.namespace).toBeUndefined();
    await settle();
    expect(h.states().Pod).toMatchObject({ status: 'live', namespace: 'team-a' });
    expect(h.states().Node).toMatchObject({ status: 'live' });
    expect(h.states().Node).not.toHaveProperty('namespace');
    expect(subscriber.lastState?.Pod?.namespace).toBe('team-a');
  });

  it('a watch refused for rights or a missing resource is an error retried at the cap, not a quick retry', async () => {
    const h = hub(['PodGang'], { backoff: { baseMs: 500, capMs: 30_000 } });
    h.subscribe(new Recorder());
    await settle();
    expect(h.states().PodGang?.status).toBe('live');
    fake.end('PodGang', { reason: 'error', message: 'Forbidden', status: 403 });
    expect(h.states().PodGang).toMatchObject({ status: 'error', lastError: 'Forbidden', retryInMs: 30_000 });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(fake.watchCalls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.watchCalls).toHaveLength(2);
    expect(h.states().PodGang?.status).toBe('live');
  });

  it('keeps one upstream watch per kind for 20 subscribers, all getting the same batches', async () => {
    const kinds: WatchedKind[] = ['Node', 'Pod', 'PodClique'];
    const h = hub(kinds);
    const subscribers = Array.from({ length: 20 }, () => new Recorder());
    const unsubscribes = subscribers.map((subscriber) => h.subscribe(subscriber));
    await settle();
    expect(h.stats).toMatchObject({ upstreamWatches: 3, subscribers: 20 });
    for (const kind of kinds) expect(fake.watchesOf(kind)).toBe(1);
    expect(fake.listCalls).toHaveLength(3);
    fake.put('Pod', 'x');
    await vi.advanceTimersByTimeAsync(150);
    for (const subscriber of subscribers) expect(subscriber.deltas.map((delta) => names(delta.kinds.Pod))).toEqual([['ADDED x']]);
    unsubscribes.slice(0, 19).forEach((unsubscribe) => unsubscribe());
    expect(h.stats).toMatchObject({ upstreamWatches: 3, subscribers: 1 });
  });

  it('starts upstream on the first subscriber and stops it 30 s after the last one leaves', async () => {
    const h = hub(['Pod', 'Node']);
    await settle();
    expect(fake.listCalls).toHaveLength(0);
    const first = h.subscribe(new Recorder());
    await settle();
    expect(h.stats.upstreamWatches).toBe(2);
    first();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(h.stats.upstreamWatches).toBe(2);
    // A reload within the grace period reuses the running watches.
    const second = h.subscribe(new Recorder());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.stats.upstreamWatches).toBe(2);
    expect(fake.listCalls).toHaveLength(2);
    second();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.stats).toMatchObject({ upstreamWatches: 0, subscribers: 0 });
    expect(fake.active.size).toBe(0);
    expect(h.isRunning).toBe(false);
    // Late events from a closed watch change nothing.
    fake.put('Pod', 'late');
    expect(h.snapshot().kinds.Pod?.items).toEqual([]);
    // And the next subscriber starts afresh.
    h.subscribe(new Recorder());
    await settle();
    expect(h.stats.upstreamWatches).toBe(2);
    expect(h.snapshot().kinds.Pod?.items.map((item) => item.metadata?.name)).toEqual(['late']);
  });

  it('close() stops upstream and ends every subscriber', async () => {
    const h = hub();
    const ended: number[] = [];
    for (let i = 0; i < 3; i++) h.subscribe({ snapshot() {}, delta() {}, state() {}, end: () => ended.push(i) });
    await settle();
    expect(h.stats.upstreamWatches).toBe(1);
    h.close();
    expect(ended).toEqual([0, 1, 2]);
    expect(h.stats).toMatchObject({ upstreamWatches: 0, subscribers: 0 });
    expect(fake.active.size).toBe(0);
  });

  it('a subscriber that throws does not stop the others', async () => {
    const h = hub();
    const broken: HubSubscriber = {
      snapshot: () => {
        throw new Error('closed');
      },
      delta: () => {
        throw new Error('closed');
      },
      state: () => {
        throw new Error('closed');
      },
    };
    h.subscribe(broken);
    const ok = new Recorder();
    h.subscribe(ok);
    await settle();
    fake.put('Pod', 'a');
    await vi.advanceTimersByTimeAsync(150);
    expect(ok.deltas).toHaveLength(1);
  });
});
