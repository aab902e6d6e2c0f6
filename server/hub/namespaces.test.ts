/**
 * Per-namespace watchers for kinds the source lists in one namespace only (an identity with Roles in
 * some namespaces, no ClusterRole): the stream follows the namespace the browser chose. A fake source
 * behaves as the live one does: a cluster-wide list of a namespaced kind is refused (403) and falls back
 * to its own namespace (team-a), remembered (namespaceOf); a list or watch given a namespace asks exactly
 * there, refused where the identity has no Role (team-c).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { objectKey, type WatchedKind } from '../../lib/cluster/kinds';
import type { ConnectionStates, StreamDelta, StreamSnapshot } from '../../lib/cluster/stream';
import type { KubeObject } from '../../lib/grove/meta';
import type { ClusterSource, ListOptions, WatchEnd, WatchEvent } from '../sources/types';
import { HUB_DEFAULTS, namespaceLimitMessage, WatchHub, type HubSubscriber, type WatchHubOptions } from './watchHub';

const HOME = 'team-a';
const ALLOWED = new Set(['team-a', 'team-b']);

const notUsed = (): never => {
  throw new Error('not used');
};
const forbidden = (where: string) => Object.assign(new Error(`podcliquesets is forbidden in ${where}`), { status: 403 });

class ScopedSource {
  rv = 10;
  readonly objects: KubeObject[] = [];
  readonly scoped = new Map<WatchedKind, string>();
  readonly lists: string[] = [];
  readonly watches = new Set<{ kind: WatchedKind; namespace?: string; onEvent: (event: WatchEvent) => void; onEnd: (end: WatchEnd) => void }>();

  put(kind: WatchedKind, namespace: string | undefined, name: string, notify = true): void {
    const object = { kind, metadata: { name, ...(namespace ? { namespace } : {}), resourceVersion: String(++this.rv) } } as KubeObject;
    this.objects.push(object);
    if (!notify) return;
    for (const watch of [...this.watches]) {
      if (watch.kind !== kind) continue;
      const where = watch.namespace ?? this.scoped.get(kind);
      if (where === undefined || where === namespace) watch.onEvent({ type: 'ADDED', object });
    }
  }

  /** Open watches as `kind@namespace` (`kind@*` cluster-wide), sorted. */
  open(): string[] {
    return [...this.watches].map((watch) => `${watch.kind}@${watch.namespace ?? this.scoped.get(watch.kind) ?? '*'}`).sort();
  }

  private page(kind: WatchedKind, namespace: string | undefined) {
    const items = this.objects.filter((object) => object.kind === kind && (namespace === undefined || object.metadata?.namespace === namespace));
    return { items, resourceVersion: String(this.rv) };
  }

  readonly source: ClusterSource = {
    info: () => ({ mode: 'live', name: 'team', namespace: HOME, readOnly: false }),
    namespaceOf: (kind) => this.scoped.get(kind),
    list: async (kind, options: ListOptions) => {
      const namespaced = kind !== 'Node';
      const where = options.namespace ?? this.scoped.get(kind);
      this.lists.push(`${kind}@${where ?? '*'}`);
      if (!namespaced) return this.page(kind, undefined);
      if (where === undefined) {
        this.scoped.set(kind, HOME);
        return this.page(kind, HOME);
      }
      if (!ALLOWED.has(where)) throw forbidden(where);
      return this.page(kind, where);
    },
    watch: async (kind, _resourceVersion, onEvent, onEnd, scope) => {
      const watch = { kind, ...(scope?.namespace !== undefined ? { namespace: scope.namespace } : {}), onEvent, onEnd };
      this.watches.add(watch);
      return { stop: () => this.watches.delete(watch) };
    },
    // Actions: not what the hub does.
    apply: notUsed,
    delete: notUsed,
    scale: notUsed,
    can: notUsed,
    close: async () => {},
  };
}

class Recorder implements HubSubscriber {
  readonly snapshots: StreamSnapshot[] = [];
  readonly deltas: StreamDelta[] = [];
  readonly states: ConnectionStates[] = [];
  /** Every state it was told, from snapshots and state messages, in order. */
  readonly told: ConnectionStates[] = [];
  snapshot(snapshot: StreamSnapshot): void {
    this.snapshots.push(snapshot);
    this.told.push(snapshot.states);
  }
  delta(delta: StreamDelta): void {
    this.deltas.push(delta);
  }
  state(states: ConnectionStates): void {
    this.states.push(states);
    this.told.push(states);
  }
  /** The state of `kind` it was told last (snapshot or state message). */
  current(kind: WatchedKind) {
    return this.told.at(-1)?.[kind];
  }
  keys(kind: WatchedKind): string[] {
    return (this.snapshots.at(-1)?.kinds[kind]?.items ?? []).map(objectKey);
  }
  deltaKeys(kind: WatchedKind): string[] {
    return this.deltas.flatMap((delta) => (delta.kinds[kind] ?? []).map((event) => objectKey(event.object)));
  }
}

const settle = () => vi.advanceTimersByTimeAsync(0);
let fake: ScopedSource;
beforeEach(() => {
  vi.useFakeTimers();
  fake = new ScopedSource();
  for (const namespace of ['team-a', 'team-b', 'team-c']) fake.put('PodCliqueSet', namespace, `pcs-${namespace}`, false);
  fake.put('Node', undefined, 'n1', false);
});
afterEach(() => {
  vi.useRealTimers();
});

const hub = (options: WatchHubOptions = {}) => new WatchHub(fake.source, { kinds: ['PodCliqueSet', 'Node'], idleStopMs: 30_000, random: () => 1, ...options });

describe('WatchHub: kinds watched in one namespace follow the namespace a subscriber chose', () => {
  it('starts a watcher in team-b for its first subscriber: its snapshot holds team-b, not the fallback namespace', async () => {
    const h = hub();
    const teamB = new Recorder();
    h.subscribe(teamB, { namespace: 'team-b' });
    await settle();
    expect(teamB.snapshots).toHaveLength(1);
    expect(teamB.keys('PodCliqueSet')).toEqual(['team-b/pcs-team-b']);
    expect(teamB.snapshots[0]!.states.PodCliqueSet).toMatchObject({ status: 'live', namespace: 'team-b' });
    // Cluster-wide kinds are the hub's one watch, the same for everyone.
    expect(teamB.keys('Node')).toEqual(['n1']);
    expect(teamB.snapshots[0]!.states.Node).not.toHaveProperty('namespace');
    expect(fake.open()).toEqual(['Node@*', 'PodCliqueSet@team-a', 'PodCliqueSet@team-b']);
    expect(h.namespaceWatches).toEqual({ 'team-b': ['PodCliqueSet'] });
    // A subscriber that names no namespace (or the source's own) sees the fallback namespace.
    const plain = new Recorder();
    h.subscribe(plain);
    const home = new Recorder();
    h.subscribe(home, { namespace: HOME });
    expect(plain.keys('PodCliqueSet')).toEqual(['team-a/pcs-team-a']);
    expect(home.keys('PodCliqueSet')).toEqual(['team-a/pcs-team-a']);
    expect(fake.open()).toEqual(['Node@*', 'PodCliqueSet@team-a', 'PodCliqueSet@team-b']);
  });

  it('shares one watcher per namespace; a late subscriber gets a snapshot at once, with what changed since; deltas go to that namespace only', async () => {
    const h = hub();
    const first = new Recorder();
    const teamA = new Recorder();
    h.subscribe(first, { namespace: 'team-b' });
    h.subscribe(teamA, { namespace: HOME });
    await settle();
    const listsBefore = fake.lists.length;
    fake.put('PodCliqueSet', 'team-b', 'later');
    fake.put('PodCliqueSet', 'team-a', 'home-later');
    await vi.advanceTimersByTimeAsync(150);
    expect(first.deltaKeys('PodCliqueSet')).toEqual(['team-b/later']);
    expect(teamA.deltaKeys('PodCliqueSet')).toEqual(['team-a/home-later']);
    const late = new Recorder();
    h.subscribe(late, { namespace: 'team-b' });
    expect(late.snapshots).toHaveLength(1);
    expect(late.keys('PodCliqueSet')).toEqual(['team-b/later', 'team-b/pcs-team-b']);
    expect(late.snapshots[0]!.seq).toBe(first.deltas.at(-1)!.seq);
    expect(fake.lists.length).toBe(listsBefore);
    expect(fake.open().filter((watch) => watch === 'PodCliqueSet@team-b')).toHaveLength(1);
    fake.put('PodCliqueSet', 'team-b', 'third');
    await vi.advanceTimersByTimeAsync(150);
    expect(late.deltas).toEqual([first.deltas.at(-1)]);
    expect(teamA.deltaKeys('PodCliqueSet')).toEqual(['team-a/home-later']);
  });

  it('stops a namespace watcher idleStopMs after its last subscriber leaves, unless one comes back', async () => {
    const h = hub();
    const stay = new Recorder();
    h.subscribe(stay);
    const leaveB = h.subscribe(new Recorder(), { namespace: 'team-b' });
    const leaveB2 = h.subscribe(new Recorder(), { namespace: 'team-b' });
    await settle();
    leaveB();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.open()).toContain('PodCliqueSet@team-b');
    leaveB2();
    await vi.advanceTimersByTimeAsync(29_000);
    // Back within the delay (a reload): the same watch, no new list.
    const listsBefore = fake.lists.length;
    const back = new Recorder();
    const leaveBack = h.subscribe(back, { namespace: 'team-b' });
    expect(back.keys('PodCliqueSet')).toEqual(['team-b/pcs-team-b']);
    expect(fake.lists.length).toBe(listsBefore);
    leaveBack();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(fake.open()).toContain('PodCliqueSet@team-b');
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.open()).toEqual(['Node@*', 'PodCliqueSet@team-a']);
    expect(h.namespaceWatches).toEqual({});
    expect(h.isRunning).toBe(true);
    // The one left still gets its deltas.
    fake.put('PodCliqueSet', 'team-a', 'more');
    await vi.advanceTimersByTimeAsync(150);
    expect(stay.deltaKeys('PodCliqueSet')).toEqual(['team-a/more']);
    // A new subscriber of team-b lists afresh.
    const again = new Recorder();
    h.subscribe(again, { namespace: 'team-b' });
    await settle();
    expect(fake.lists.at(-1)).toBe('PodCliqueSet@team-b');
    expect(again.keys('PodCliqueSet')).toEqual(['team-b/pcs-team-b']);
  });

  it('a subscriber of team-b hears its snapshot before any state saying team-b is live (a reopened browser holds team-a’s objects until then)', async () => {
    const h = hub();
    h.subscribe(new Recorder());
    await settle();
    const order: string[] = [];
    h.subscribe(
      {
        snapshot: (snapshot) => order.push(`snapshot ${snapshot.states.PodCliqueSet?.status} ${snapshot.states.PodCliqueSet?.namespace}`),
        delta: () => {},
        state: (states) => order.push(`state ${states.PodCliqueSet?.status} ${states.PodCliqueSet?.namespace}`),
      },
      { namespace: 'team-b' },
    );
    await settle();
    const snapshotAt = order.indexOf('snapshot live team-b');
    expect(snapshotAt).toBeGreaterThan(-1);
    expect(order.slice(0, snapshotAt).filter((entry) => entry.startsWith('state live'))).toEqual([]);
  });

  it('a namespace where the identity may not list the kind is a 403 naming it, and does not hold back the snapshot', async () => {
    const h = hub();
    const teamC = new Recorder();
    h.subscribe(teamC, { namespace: 'team-c' });
    await settle();
    expect(teamC.snapshots).toHaveLength(1);
    expect(teamC.keys('PodCliqueSet')).toEqual([]);
    expect(teamC.snapshots[0]!.states.PodCliqueSet).toMatchObject({ status: 'error', httpStatus: 403, namespace: 'team-c', lastError: 'podcliquesets is forbidden in team-c' });
    expect(teamC.keys('Node')).toEqual(['n1']);
    // The fallback namespace's watch is unaffected.
    expect(h.states().PodCliqueSet).toMatchObject({ status: 'live', namespace: HOME });
  });

  it('a source that lists every kind cluster-wide gets one watch per kind whatever the namespaces chosen', async () => {
    fake.source.namespaceOf = undefined;
    const open = fake.source.list;
    fake.source.list = (kind, options) => (kind === 'PodCliqueSet' && !options.namespace ? Promise.resolve({ items: fake.objects.filter((o) => o.kind === kind), resourceVersion: '99' }) : open(kind, options));
    const h = hub();
    const b = new Recorder();
    const c = new Recorder();
    h.subscribe(b, { namespace: 'team-b' });
    h.subscribe(c, { namespace: 'team-c' });
    await settle();
    expect(b.keys('PodCliqueSet')).toEqual(['team-a/pcs-team-a', 'team-b/pcs-team-b', 'team-c/pcs-team-c']);
    expect(c.snapshots[0]).toBe(b.snapshots[0]);
    expect(fake.lists).toEqual(['Node@*']);
    expect(fake.watches.size).toBe(2);
    expect(h.namespaceWatches).toEqual({});
  });

  describe('at most maxNamespaceViews namespaces are watched at once', () => {
    const refusedState = (namespace: string, limit: number) => ({ status: 'error', httpStatus: 429, namespace, lastError: namespaceLimitMessage(limit) });
    const GRACE = HUB_DEFAULTS.refusalGraceMs;

    it('refuses a new namespace past the cap with a 429 in its kinds’ states, reuses an open one, and admits the refused one as soon as a stream closes', async () => {
      const h = hub({ maxNamespaceViews: 1 });
      const teamC = new Recorder();
      const leaveC = h.subscribe(teamC, { namespace: 'team-c' });
      await settle();
      // Refused there (403): a view holding a watcher that retries, no open watch.
      expect(h.namespaceWatches).toEqual({ 'team-c': ['PodCliqueSet'] });
      // The home namespace is the hub's own watcher, no namespace view: never refused.
      const home = new Recorder();
      h.subscribe(home, { namespace: HOME });
      expect(home.keys('PodCliqueSet')).toEqual(['team-a/pcs-team-a']);

      const teamB = new Recorder();
      h.subscribe(teamB, { namespace: 'team-b' });
      await settle();
      await vi.advanceTimersByTimeAsync(GRACE);
      expect(teamB.snapshots).toHaveLength(1);
      expect(teamB.keys('PodCliqueSet')).toEqual([]);
      expect(teamB.current('PodCliqueSet')).toMatchObject(refusedState('team-b', 1));
      const refusedFrom = teamB.states.length - 1;
      expect(namespaceLimitMessage(1)).toBe('Canopy is already watching 1 namespace (the limit, CANOPY_MAX_WATCHED_NAMESPACES); close a tab watching another namespace or raise the limit');
      // Kinds listed cluster-wide are shown as to everyone.
      expect(teamB.keys('Node')).toEqual(['n1']);
      expect(teamB.snapshots[0]!.states.Node).toMatchObject({ status: 'live' });
      expect(fake.open()).toEqual(['Node@*', 'PodCliqueSet@team-a']);
      expect(h.namespaceWatches).toEqual({ 'team-c': ['PodCliqueSet'] });
      // Another subscriber of the namespace already watched shares its view: not counted twice.
      const teamC2 = new Recorder();
      const leaveC2 = h.subscribe(teamC2, { namespace: 'team-c' });
      expect(teamC2.snapshots.at(-1)!.states.PodCliqueSet).toMatchObject({ status: 'error', httpStatus: 403, namespace: 'team-c' });
      // The refused subscriber sees nothing of the home namespace it sits beside.
      fake.put('PodCliqueSet', HOME, 'home-later');
      fake.put('Node', undefined, 'n2');
      await vi.advanceTimersByTimeAsync(150);
      expect(home.deltaKeys('PodCliqueSet')).toEqual(['team-a/home-later']);
      expect(teamB.deltaKeys('PodCliqueSet')).toEqual([]);
      expect(teamB.deltaKeys('Node')).toEqual(['n2']);
      expect(teamB.states.slice(refusedFrom).every((states) => states.PodCliqueSet?.httpStatus === 429)).toBe(true);
      expect(teamB.told.every((states) => states.PodCliqueSet?.namespace === 'team-b')).toBe(true);

      // One of two team-c streams closing frees nothing; the last one frees the place at once (no idleStopMs wait).
      leaveC();
      await settle();
      expect(teamB.snapshots).toHaveLength(1);
      leaveC2();
      await settle();
      expect(teamB.snapshots).toHaveLength(2);
      expect(teamB.keys('PodCliqueSet')).toEqual(['team-b/pcs-team-b']);
      expect(teamB.snapshots[1]!.states.PodCliqueSet).toMatchObject({ status: 'live', namespace: 'team-b' });
      expect(fake.open()).toEqual(['Node@*', 'PodCliqueSet@team-a', 'PodCliqueSet@team-b']);
      expect(h.namespaceWatches).toEqual({ 'team-b': ['PodCliqueSet'] });
      // Now team-c is the one past the cap.
      const teamCAgain = new Recorder();
      h.subscribe(teamCAgain, { namespace: 'team-c' });
      await settle();
      await vi.advanceTimersByTimeAsync(GRACE);
      expect(teamCAgain.current('PodCliqueSet')).toMatchObject(refusedState('team-c', 1));
    });

    it('applies the cap when the hub learns a kind’s scope after its subscribers came (a cold hub): one watched, the other refused', async () => {
      const h = hub({ maxNamespaceViews: 1 });
      const teamB = new Recorder();
      const teamC = new Recorder();
      const leaveB = h.subscribe(teamB, { namespace: 'team-b' });
      h.subscribe(teamC, { namespace: 'team-c' });
      await settle();
      await vi.advanceTimersByTimeAsync(GRACE);
      expect(teamB.snapshots.at(-1)!.states.PodCliqueSet).toMatchObject({ status: 'live', namespace: 'team-b' });
      expect(teamB.keys('PodCliqueSet')).toEqual(['team-b/pcs-team-b']);
      expect(teamC.current('PodCliqueSet')).toMatchObject(refusedState('team-c', 1));
      expect(teamC.keys('PodCliqueSet')).toEqual([]);
      expect(fake.open()).toEqual(['Node@*', 'PodCliqueSet@team-a', 'PodCliqueSet@team-b']);
      leaveB();
      await settle();
      expect(teamC.snapshots.at(-1)!.states.PodCliqueSet).toMatchObject({ status: 'error', httpStatus: 403, namespace: 'team-c' });
      expect(fake.open()).toEqual(['Node@*', 'PodCliqueSet@team-a']);
      expect(h.namespaceWatches).toEqual({ 'team-c': ['PodCliqueSet'] });
    });

    it('defaults to 32 namespaces', async () => {
      const h = hub();
      const leave = Array.from({ length: 33 }, (_, i) => {
        fake.put('PodCliqueSet', `ns-${i}`, 'pcs', false);
        const recorder = new Recorder();
        return { recorder, leave: h.subscribe(recorder, { namespace: `ns-${i}` }) };
      });
      await settle();
      await vi.advanceTimersByTimeAsync(GRACE);
      expect(Object.keys(h.namespaceWatches)).toHaveLength(32);
      expect(leave[31]!.recorder.snapshots.at(-1)!.states.PodCliqueSet).toMatchObject({ namespace: 'ns-31' });
      expect(leave[32]!.recorder.current('PodCliqueSet')).toMatchObject(refusedState('ns-32', 32));
    });
    describe('a refused subscriber waits refusalGraceMs before it is told the limit (a tab switching namespace opens its new stream before the old one is heard closing)', () => {
      const refusals = (recorder: Recorder) => recorder.told.filter((states) => states.PodCliqueSet?.status === 'error');

      it('admitted within the grace: only connecting, then its namespace’s snapshot; never the 429', async () => {
        const h = hub({ maxNamespaceViews: 1 });
        // The tab's old stream holds the one place.
        const leaveOld = h.subscribe(new Recorder(), { namespace: 'team-c' });
        await settle();
        const teamB = new Recorder();
        h.subscribe(teamB, { namespace: 'team-b' });
        await settle();
        expect(teamB.snapshots).toHaveLength(1);
        expect(teamB.keys('PodCliqueSet')).toEqual([]);
        expect(teamB.snapshots[0]!.states.PodCliqueSet).toMatchObject({ status: 'connecting', namespace: 'team-b' });
        expect(teamB.snapshots[0]!.states.PodCliqueSet).not.toHaveProperty('lastError');
        await vi.advanceTimersByTimeAsync(GRACE - 1);
        leaveOld();
        await settle();
        expect(teamB.snapshots).toHaveLength(2);
        expect(teamB.keys('PodCliqueSet')).toEqual(['team-b/pcs-team-b']);
        expect(teamB.snapshots[1]!.states.PodCliqueSet).toMatchObject({ status: 'live', namespace: 'team-b' });
        // The grace's end, long past, tells it nothing more.
        await vi.advanceTimersByTimeAsync(10 * GRACE);
        expect(refusals(teamB)).toEqual([]);
        expect(teamB.told.every((states) => states.PodCliqueSet?.status === 'connecting' || states.PodCliqueSet?.status === 'live')).toBe(true);
        expect(teamB.current('PodCliqueSet')).toMatchObject({ status: 'live', namespace: 'team-b' });
      });

      it('still refused when the grace ends: then, not before, a state turns its kinds into the 429', async () => {
        const h = hub({ maxNamespaceViews: 1 });
        h.subscribe(new Recorder(), { namespace: 'team-c' });
        await settle();
        const refusedAt = Date.now();
        const teamB = new Recorder();
        h.subscribe(teamB, { namespace: 'team-b' });
        await settle();
        await vi.advanceTimersByTimeAsync(GRACE - 1);
        expect(refusals(teamB)).toEqual([]);
        expect(teamB.current('PodCliqueSet')).toMatchObject({ status: 'connecting', namespace: 'team-b', since: refusedAt });
        const told = teamB.told.length;
        await vi.advanceTimersByTimeAsync(1);
        expect(teamB.snapshots).toHaveLength(1);
        expect(teamB.told).toHaveLength(told + 1);
        expect(teamB.states.at(-1)!.PodCliqueSet).toMatchObject({ ...refusedState('team-b', 1), since: refusedAt + GRACE });
        expect(teamB.states.at(-1)!.Node).toMatchObject({ status: 'live' });
        // It stays so while refused; cluster-wide kinds still reach it.
        fake.put('Node', undefined, 'n2');
        await vi.advanceTimersByTimeAsync(150);
        expect(teamB.deltaKeys('Node')).toEqual(['n2']);
        expect(teamB.current('PodCliqueSet')).toMatchObject(refusedState('team-b', 1));
      });

      it('leaves no timer behind: a refused subscriber gone within its grace, or a hub closed during one', async () => {
        const h = hub({ maxNamespaceViews: 1 });
        // team-b holds the place (a live watch, no retry timer); a subscriber of the home namespace keeps the '' view from idling.
        h.subscribe(new Recorder(), { namespace: 'team-b' });
        h.subscribe(new Recorder());
        await settle();
        const timers = vi.getTimerCount();
        const teamC = new Recorder();
        const leaveC = h.subscribe(teamC, { namespace: 'team-c' });
        await settle();
        expect(vi.getTimerCount()).toBe(timers + 1);
        leaveC();
        await settle();
        expect(vi.getTimerCount()).toBe(timers);
        await vi.advanceTimersByTimeAsync(10 * GRACE);
        expect(refusals(teamC)).toEqual([]);

        const teamD = new Recorder();
        h.subscribe(teamD, { namespace: 'team-d' });
        await settle();
        expect(vi.getTimerCount()).toBe(timers + 1);
        h.close();
        expect(vi.getTimerCount()).toBe(0);
        await vi.advanceTimersByTimeAsync(10 * GRACE);
        expect(refusals(teamD)).toEqual([]);
      });

      it('refusalGraceMs 0 refuses at once, as a snapshot with the 429', async () => {
        const h = hub({ maxNamespaceViews: 1, refusalGraceMs: 0 });
        h.subscribe(new Recorder(), { namespace: 'team-c' });
        await settle();
        const teamB = new Recorder();
        h.subscribe(teamB, { namespace: 'team-b' });
        await settle();
        expect(teamB.snapshots[0]!.states.PodCliqueSet).toMatchObject(refusedState('team-b', 1));
      });
    });
  });
});
