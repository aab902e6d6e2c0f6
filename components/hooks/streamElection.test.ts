/**
 * Choosing the tab that holds the stream: the heartbeat election on a BroadcastChannel (tabs without
 * Web Locks) with fake channels, per-tab timers that can be clamped or frozen like a background tab's,
 * and vitest's fake clock; and the Web Lock election's join/leave.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBus, FakeChannel, FakeStorage, TabTimers } from './electionFakes';
import { ChannelElection, ELECTION_TIMING, LEADER_NOTE_KEY, localStorageNote, lockElection, outranks, type ElectionMessage, type LeaderNote, type LockManagerLike } from './streamElection';

const { heartbeatMs, silenceMs, claimMs, noteEveryMs } = ELECTION_TIMING;

interface Tab {
  id: string;
  channel: FakeChannel<ElectionMessage>;
  timers: TabTimers;
  election: ChannelElection;
  /** What the election told the tab, in order. */
  told: ('lead' | 'follow')[];
  /** Killed or frozen: what it thinks no longer counts. */
  gone?: boolean;
}

let bus: FakeBus<ElectionMessage>;
let tabs: Tab[];

/** A tab joins; `partitioned`: cut off from the others from the start; `note`: where leaders note heartbeats. */
function joinTab(id: string, partitioned = false, note?: LeaderNote): Tab {
  const channel = new FakeChannel(bus);
  channel.partitioned = partitioned;
  const timers = new TabTimers();
  const election = new ChannelElection({ id, channel, timers, note });
  const tab: Tab = { id, channel, timers, election, told: [] };
  election.join({ lead: () => tab.told.push('lead'), follow: () => tab.told.push('follow') });
  tabs.push(tab);
  return tab;
}

/** The tabs that lead, of those still running. */
const leaders = () => tabs.filter((tab) => !tab.gone && tab.election.state === 'leader').map((tab) => tab.id);
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Freezes a tab the way Chromium freezes a background page: none of its timers or messages run. */
function freeze(tab: Tab): void {
  tab.gone = true;
  tab.timers.freeze();
  tab.channel.freeze();
}
/** Back from frozen: its due timers run first (it still thinks it leads), then the messages it missed. */
function thaw(tab: Tab): void {
  tab.gone = false;
  tab.channel.thaw();
  tab.timers.thaw();
}
/** The tab goes away without a word (crashed, killed). */
function kill(tab: Tab): void {
  tab.gone = true;
  tab.channel.close();
  tab.timers.freeze();
}

/** Advances the clock in steps until exactly `id` leads (and only it); returns how long that took. */
async function untilSoleLeader(id: string, limitMs: number): Promise<number> {
  for (let waited = 0; waited <= limitMs; waited += 100) {
    if (leaders().length === 1 && leaders()[0] === id) return waited;
    await wait(100);
  }
  throw new Error(`after ${limitMs} ms the leaders are [${leaders().join(', ')}], not [${id}]`);
}

beforeEach(() => {
  vi.useFakeTimers();
  bus = new FakeBus();
  tabs = [];
});
afterEach(() => {
  for (const tab of tabs) if (!tab.gone) tab.election.leave();
  vi.useRealTimers();
});

describe('outranks', () => {
  it('the higher term wins, then the lower id', () => {
    expect(outranks({ from: 'b', term: 2 }, { from: 'a', term: 1 })).toBe(true);
    expect(outranks({ from: 'a', term: 1 }, { from: 'b', term: 2 })).toBe(false);
    expect(outranks({ from: 'a', term: 3 }, { from: 'b', term: 3 })).toBe(true);
    expect(outranks({ from: 'b', term: 3 }, { from: 'a', term: 3 })).toBe(false);
    expect(outranks({ from: 'a', term: 3 }, { from: 'a', term: 3 })).toBe(false);
  });
});

describe('ChannelElection', () => {
  it('the first tab leads once its claim goes unanswered; tabs joining later follow it at once', async () => {
    const first = joinTab('t1');
    await wait(claimMs - 1);
    expect(first.election.state).toBe('candidate');
    await wait(1);
    expect(first.election.state).toBe('leader');
    expect(first.told).toEqual(['lead']);
    for (const id of ['t2', 't3', 't4', 't5']) {
      const tab = joinTab(id);
      await wait(0);
      // Answered by the leader's heartbeat, not after a wait.
      expect(tab.election.state).toBe('follower');
      expect(tab.election.leader).toBe('t1');
    }
    await wait(10 * silenceMs);
    expect(leaders()).toEqual(['t1']);
    expect(tabs.map((tab) => tab.told)).toEqual([['lead'], [], [], [], []]);
  });

  it('tabs joining at the same moment elect one leader, the lowest id, and nobody else leads even briefly', async () => {
    for (const id of ['t3', 't1', 't4', 't2']) joinTab(id);
    await wait(claimMs);
    expect(leaders()).toEqual(['t1']);
    await wait(5 * silenceMs);
    expect(leaders()).toEqual(['t1']);
    expect(Object.fromEntries(tabs.map((tab) => [tab.id, tab.told]))).toEqual({ t1: ['lead'], t2: [], t3: [], t4: [] });
    expect(tabs.filter((tab) => tab.election.state === 'follower').map((tab) => tab.election.leader)).toEqual(['t1', 't1', 't1']);
  });

  it('a leader that leaves (its tab closing) is replaced by the oldest remaining tab within a claim', async () => {
    for (const id of ['t1', 't2', 't3', 't4']) joinTab(id);
    await wait(claimMs);
    tabs[0]!.election.leave();
    expect(tabs[0]!.told).toEqual(['lead', 'follow']);
    expect(bus.sent.at(-1)).toEqual({ type: 'resign', from: 't1', term: 1 });
    expect(await untilSoleLeader('t2', claimMs + 100)).toBeLessThanOrEqual(claimMs + 100);
    await wait(5 * silenceMs);
    expect(leaders()).toEqual(['t2']);
    expect(tabs.slice(2).map((tab) => [tab.told, tab.election.leader])).toEqual([
      [[], 't2'],
      [[], 't2'],
    ]);
  });

  it('a leader that goes silent without a word (tab killed) is replaced after its missed heartbeats', async () => {
    for (const id of ['t1', 't2', 't3']) joinTab(id);
    await wait(claimMs);
    kill(tabs[0]!);
    await wait(silenceMs - heartbeatMs);
    // Not yet: a heartbeat or two late is not gone.
    expect(leaders()).toEqual([]);
    expect(tabs.slice(1).map((tab) => tab.election.leader)).toEqual(['t1', 't1']);
    const took = await untilSoleLeader('t2', silenceMs + claimMs + heartbeatMs);
    expect(took).toBeLessThanOrEqual(silenceMs + claimMs);
    expect(tabs[2]!.election.leader).toBe('t2');
    expect(tabs[1]!.told).toEqual(['lead']);
  });

  it('a frozen leader is replaced; when it thaws it steps down to the newer leader (higher term), not back', async () => {
    for (const id of ['t1', 't2', 't3']) joinTab(id);
    await wait(claimMs);
    const [old, next, other] = tabs as [Tab, Tab, Tab];
    freeze(old);
    await untilSoleLeader('t2', silenceMs + heartbeatMs + claimMs);
    // Frozen for a good while (its timers due and messages queued), then back: for a moment it still
    // thinks it leads and says so; it hears the newer leader and steps down within one heartbeat.
    await wait(10_000);
    const sentBefore = bus.sent.length;
    thaw(old);
    await wait(heartbeatMs);
    expect(leaders()).toEqual(['t2']);
    expect(bus.sent.slice(sentBefore)).toContainEqual({ type: 'leader', from: 't1', term: 1 });
    expect(old.told).toEqual(['lead', 'follow']);
    expect(old.election.leader).toBe('t2');
    expect(next.told).toEqual(['lead']);
    expect(other.told).toEqual([]);
    await wait(5 * silenceMs);
    expect(leaders()).toEqual(['t2']);
  });

  it('two leaders that could not hear each other settle when they can: the lower id at an equal term', async () => {
    const late = joinTab('t2');
    const early = joinTab('t1', true);
    await wait(claimMs);
    expect(leaders().sort()).toEqual(['t1', 't2']);
    const follower = joinTab('t3');
    await wait(claimMs);
    early.channel.partitioned = false;
    expect(await untilSoleLeader('t1', heartbeatMs + 100)).toBeLessThanOrEqual(heartbeatMs);
    expect(late.told).toEqual(['lead', 'follow']);
    expect(early.told).toEqual(['lead']);
    expect(follower.election.leader).toBe('t1');
    await wait(5 * silenceMs);
    expect(leaders()).toEqual(['t1']);
  });

  it('two leaders at different terms settle on the higher term, whatever the ids', async () => {
    for (const id of ['t1', 't2', 't3']) joinTab(id);
    await wait(claimMs);
    const [first, second, third] = tabs as [Tab, Tab, Tab];
    // t2 and t3 lose t1 (a partition), and t2 takes over at term 2.
    first.channel.partitioned = true;
    await wait(silenceMs + heartbeatMs + claimMs);
    expect(leaders().sort()).toEqual(['t1', 't2']);
    expect(third.election.leader).toBe('t2');
    first.channel.partitioned = false;
    await wait(heartbeatMs + 100);
    expect(leaders()).toEqual(['t2']);
    expect(first.told).toEqual(['lead', 'follow']);
    expect(third.election.leader).toBe('t2');
    expect(second.told).toEqual(['lead']);
  });

  it('a hidden leader whose timers wake once a minute keeps its place: it answers claims as they come', async () => {
    for (const id of ['t1', 't2', 't3']) joinTab(id);
    await wait(claimMs);
    tabs[0]!.timers.clampMs = 60_000; // intensive throttling of a tab hidden for long
    for (const tab of tabs.slice(1)) tab.timers.clampMs = 1_000; // hidden followers
    await wait(5 * 60_000);
    expect(leaders()).toEqual(['t1']);
    expect(tabs.map((tab) => tab.told)).toEqual([['lead'], [], []]);
    // The followers did ask, and were answered.
    expect(bus.sent.filter((m) => m.type === 'claim' && m.from !== 't1').length).toBeGreaterThan(10);
  });

  it('with every tab in the background (1 s timers) a closed leader is still replaced within seconds', async () => {
    for (const id of ['t1', 't2', 't3']) joinTab(id);
    await wait(claimMs);
    for (const tab of tabs) tab.timers.clampMs = 1_000;
    await wait(10_000);
    expect(leaders()).toEqual(['t1']);
    kill(tabs[0]!);
    expect(await untilSoleLeader('t2', 6_000)).toBeLessThanOrEqual(silenceMs + 2 * 1_000);
  });

  it('a hidden follower whose timers were held back claims as soon as its page is shown (check)', async () => {
    for (const id of ['t1', 't2']) joinTab(id);
    await wait(claimMs);
    const follower = tabs[1]!;
    follower.timers.clampMs = 60_000;
    kill(tabs[0]!);
    await wait(silenceMs + claimMs);
    expect(follower.election.state).toBe('follower'); // its silence timer waits for the next minute
    follower.timers.clampMs = 0; // shown: timers run on time again
    follower.election.check();
    expect(follower.election.state).toBe('candidate');
    await wait(claimMs);
    expect(leaders()).toEqual(['t2']);
    // Nothing to do for a tab whose deadline has not come.
    const sent = bus.sent.length;
    follower.election.check();
    expect(bus.sent.length).toBe(sent);
  });

  it('a tab that left and joins again follows the leader there is, and can lead again later', async () => {
    for (const id of ['t1', 't2']) joinTab(id);
    await wait(claimMs);
    const [first, second] = tabs as [Tab, Tab];
    first.election.leave();
    await untilSoleLeader('t2', claimMs + 100);
    first.election.join({ lead: () => first.told.push('lead'), follow: () => first.told.push('follow') });
    await wait(0);
    expect(first.election.state).toBe('follower');
    expect(first.election.leader).toBe('t2');
    second.election.leave();
    await untilSoleLeader('t1', claimMs + 100);
    expect(first.told).toEqual(['lead', 'follow', 'lead']);
  });

  it('ignores malformed messages, its own, and everything once it has left', async () => {
    const tab = joinTab('t2');
    const stranger = new FakeChannel<unknown>(bus as FakeBus<unknown>);
    for (const message of [null, 'leader', { type: 'leader', from: 't1' }, { type: 'leader', from: 't1', term: 'x' }, { type: 'leader', from: 1, term: 1 }, { type: 'crown', from: 't1', term: 9 }]) {
      stranger.postMessage(message);
    }
    await wait(0);
    expect(tab.election.state).toBe('candidate');
    await wait(claimMs);
    expect(tab.election.state).toBe('leader');
    // A tab that left does not answer claims nor take part.
    tab.election.leave();
    const sent = bus.sent.length;
    stranger.postMessage({ type: 'claim', from: 't9', term: 1 } satisfies ElectionMessage);
    await wait(5 * silenceMs);
    expect(bus.sent.length).toBe(sent + 1);
    expect(tab.election.state).toBe('out');
  });
});

describe('ChannelElection with the leader’s note (localStorage)', () => {
  let storage: FakeStorage;
  let note: LeaderNote;
  beforeEach(() => {
    vi.setSystemTime(0);
    storage = new FakeStorage();
    note = localStorageNote(storage);
  });
  const claimsBy = (id: string) => bus.sent.filter((m) => m.type === 'claim' && m.from === id);

  it('a tab that opens while a leader is noted follows it without a claim, even if the leader is too busy to answer in time', async () => {
    const first = joinTab('t1', false, note);
    expect(note.read()).toEqual({ from: 't1', term: 1, at: 0 });
    // Noted every few heartbeats, not each: a tab that opens just before the next note still follows.
    await wait(noteEveryMs - heartbeatMs);
    expect(note.read()?.at).toBe(0);
    // The leader's page is busy (a long render on a loaded machine) while another tab opens.
    freeze(first);
    const second = joinTab('t2', false, note);
    expect(second.election.state).toBe('follower');
    expect(second.election.leader).toBe('t1');
    await wait(2 * claimMs);
    expect(claimsBy('t2')).toEqual([]);
    expect(second.told).toEqual([]);
    thaw(first);
    await wait(5 * silenceMs);
    expect(leaders()).toEqual(['t1']);
    expect([first.told, second.told]).toEqual([['lead'], []]);
  });

  it('notes the leader every few heartbeats, not on each (every write is a storage event in every other tab)', async () => {
    let writes = 0;
    const counted = localStorageNote({ ...storage, setItem: (key, value) => (writes++, storage.setItem(key, value)) });
    joinTab('t1', false, counted);
    await wait(30_000);
    expect(leaders()).toEqual(['t1']);
    expect(writes).toBe(1 + 30_000 / noteEveryMs);
    expect(note.read()).toEqual({ from: 't1', term: 1, at: 30_000 });
    // A note that does not name the leader (another tab's, say after two leaders met) is rewritten at its next heartbeat.
    storage.setItem(LEADER_NOTE_KEY, JSON.stringify({ from: 't0', term: 1, at: Date.now() }));
    await wait(heartbeatMs);
    expect(note.read()).toMatchObject({ from: 't1', term: 1 });
  });

  /** A tab's view of the note that reads nothing the first time (another tab's write not yet seen: tabs opened in the same instant). */
  const lagging = (): LeaderNote => {
    let first = true;
    return { read: () => (first ? ((first = false), null) : note.read()), write: (leader) => note.write(leader) };
  };

  it('a lone tab that finds no note leads at once, without a claim, and notes itself; tabs opening later follow it', async () => {
    const first = joinTab('t1', false, note);
    expect(first.election.state).toBe('leader');
    expect(first.told).toEqual(['lead']);
    expect(claimsBy('t1')).toEqual([]);
    expect(note.read()).toEqual({ from: 't1', term: 1, at: 0 });
    for (const id of ['t2', 't3', 't4', 't5', 't6', 't7', 't8']) {
      const tab = joinTab(id, false, note);
      expect(tab.election.state).toBe('follower');
      await wait(10);
    }
    await wait(10 * silenceMs);
    expect(leaders()).toEqual(['t1']);
    expect(tabs.map((tab) => tab.told)).toEqual([['lead'], [], [], [], [], [], [], []]);
    expect(bus.sent.filter((m) => m.type === 'claim')).toEqual([]);
  });

  it('tabs opening in the same instant that all find no note all lead, and settle on one within a heartbeat: the lower id', async () => {
    for (const id of ['t3', 't1', 't4', 't2']) joinTab(id, false, lagging());
    expect(leaders().sort()).toEqual(['t1', 't2', 't3', 't4']);
    expect(await untilSoleLeader('t1', heartbeatMs)).toBeLessThanOrEqual(heartbeatMs);
    await wait(10 * silenceMs);
    expect(leaders()).toEqual(['t1']);
    expect(Object.fromEntries(tabs.map((tab) => [tab.id, tab.told]))).toEqual({ t1: ['lead'], t2: ['lead', 'follow'], t3: ['lead', 'follow'], t4: ['lead', 'follow'] });
    expect(tabs.filter((tab) => tab.id !== 't1').map((tab) => tab.election.leader)).toEqual(['t1', 't1', 't1']);
    expect(note.read()).toMatchObject({ from: 't1', term: 1 });
    // A tab opening after that follows the one leader.
    expect(joinTab('t5', false, note).election.leader).toBe('t1');
  });

  it('a tab racing a claimant (the leader resigned, the others claim) leads at once; the claimant follows it, one leader', async () => {
    for (const id of ['t1', 't2', 't3']) joinTab(id, false, note);
    await wait(10);
    tabs[0]!.election.leave(); // resign: the note goes, t2 and t3 claim
    await wait(0);
    expect(tabs[1]!.election.state).toBe('candidate'); // t3 waits for t2's claim to win
    const newcomer = joinTab('t4', false, note);
    expect(newcomer.election.state).toBe('leader');
    await wait(10 * silenceMs);
    expect(leaders()).toEqual(['t4']);
    expect(tabs.slice(1).map((tab) => tab.told)).toEqual([[], [], ['lead']]);
  });

  it('a note too old to count (a hidden leader, its timers a minute apart) is no reason to lead at once: the tab asks and the leader answers', async () => {
    const hidden = joinTab('t1', false, note);
    hidden.timers.clampMs = 60_000;
    await wait(3 * 60_000 + 30_000);
    expect(Date.now() - note.read()!.at).toBeGreaterThan(noteEveryMs + silenceMs);
    const second = joinTab('t2', false, note);
    expect(second.election.state).toBe('candidate');
    await wait(0);
    expect(second.election.state).toBe('follower');
    expect(second.election.leader).toBe('t1');
    await wait(5 * 60_000);
    expect(leaders()).toEqual(['t1']);
    expect([hidden.told, second.told]).toEqual([['lead'], []]);
  });

  it('a note from a leader gone silent is no reason to wait: the tab claims at once', async () => {
    const first = joinTab('t1', false, note);
    await wait(claimMs);
    kill(first);
    await wait(noteEveryMs + silenceMs);
    const second = joinTab('t2', false, note);
    expect(second.election.state).toBe('candidate');
    expect(claimsBy('t2')).toHaveLength(1);
    await wait(claimMs);
    expect(leaders()).toEqual(['t2']);
    expect(note.read()).toMatchObject({ from: 't2', term: 2 });
  });

  it('a leader that leaves takes its note away; the next leader notes its own', async () => {
    const [first] = [joinTab('t1', false, note), joinTab('t2', false, note)];
    await wait(claimMs);
    first!.election.leave();
    expect(note.read()).toBeNull();
    await wait(claimMs);
    expect(note.read()).toMatchObject({ from: 't2', term: 2 });
  });

  it('localStorageNote reads nothing from malformed or unreadable storage, and a write that fails is no error', () => {
    for (const stored of ['not json', '{"from":"t1","term":"1","at":5}', '{"from":"t1","term":1}', '[]']) {
      storage.items.set(LEADER_NOTE_KEY, stored);
      expect(note.read()).toBeNull();
    }
    const refusing = localStorageNote({
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    });
    expect(refusing.read()).toBeNull();
    expect(() => refusing.write({ from: 't1', term: 1, at: 0 })).not.toThrow();
  });
});

describe('lockElection', () => {
  /** A lock manager for one name: grants in order; `release` settles the holder's promise. */
  function fakeLocks(): LockManagerLike & { holder: () => number } {
    const queue: (() => Promise<unknown>)[] = [];
    let held = 0;
    const grant = () => {
      if (held || queue.length === 0) return;
      const next = queue.shift()!;
      held++;
      void next().finally(() => {
        held--;
        grant();
      });
    };
    return {
      request: (_name, callback) => {
        queue.push(callback);
        queueMicrotask(grant);
        return Promise.resolve();
      },
      holder: () => held,
    };
  }

  it('the holder leads until it leaves; then the next in line leads; a request granted after leaving leads nobody', async () => {
    const locks = fakeLocks();
    const [a, b, c] = [lockElection(locks, 'x'), lockElection(locks, 'x'), lockElection(locks, 'x')];
    const told: string[] = [];
    a.join({ lead: () => told.push('a lead'), follow: () => told.push('a follow') });
    b.join({ lead: () => told.push('b lead'), follow: () => told.push('b follow') });
    c.join({ lead: () => told.push('c lead'), follow: () => told.push('c follow') });
    await wait(0);
    expect(told).toEqual(['a lead']);
    b.leave(); // still queued: when its turn comes it hands the lock straight on
    a.leave();
    await wait(0);
    expect(told).toEqual(['a lead', 'a follow', 'c lead']);
    expect(locks.holder()).toBe(1);
  });

  it('joining twice queues once; after leaving, joining again queues anew', async () => {
    const locks = fakeLocks();
    const request = vi.spyOn(locks, 'request');
    const election = lockElection(locks, 'x');
    const told: string[] = [];
    const events = { lead: () => told.push('lead'), follow: () => told.push('follow') };
    election.join(events);
    election.join(events);
    await wait(0);
    expect(request).toHaveBeenCalledTimes(1);
    election.leave();
    election.join(events);
    await wait(0);
    expect(request).toHaveBeenCalledTimes(2);
    expect(told).toEqual(['lead', 'follow', 'lead']);
  });
});
