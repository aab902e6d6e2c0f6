/**
 * One /api/stream per browser profile and origin, shared by every tab. Chromium allows six HTTP/1.1
 * connections per host, and an EventSource holds one for good: with a stream per tab the seventh tab
 * never loads and every fetch of the others waits behind the streams.
 *
 * The tabs elect a leader (streamElection.ts: a Web Lock, STREAM_LOCK, where the browser has them; else
 * heartbeats on a BroadcastChannel, for Canopy served over plain http): the leader opens the one
 * EventSource and posts every message it receives on a BroadcastChannel (STREAM_CHANNEL); the others
 * feed their own ClusterStore from the channel. When the leader's tab closes another tab is elected and
 * opens a stream, whose first message (a snapshot) reaches every follower. A follower that starts (or
 * restarts) says "hello"; the leader answers it alone with a snapshot of its own store, and until a
 * snapshot begins the follower drops deltas (they would apply to an empty store). The leader relays a
 * snapshot in the parts it arrived in, and answers a hello in parts too, encoded one per task
 * (lib/cluster/streamParts.ts): never one string of the whole cluster. A hello the leader cannot answer
 * yet (its store unsynced, or receiving a snapshot: its copy is about to be replaced) waits until the
 * store applies the next snapshot; a hello heard before a snapshot's begin is relayed needs no answer,
 * as the follower hears that snapshot whole. A follower that hears a snapshot's end without its begin
 * says hello again, in case its first went unanswered (a leader of an older version). A leader that loses
 * its place (two leaders for a moment, without locks) closes its stream and follows the other the same
 * way. A follower whose tab wakes (back online, visible again) while the stream is down says "wake": the
 * leader, whose own tab may be hidden, tries at once instead of at the end of its backoff.
 * Framework-free: the channel, the election and the EventSource are passed in (fakes in tests).
 */
import { STREAM_EVENTS, type StreamSnapshot } from '../../lib/cluster/stream';
import { snapshotMessages, SNAPSHOT_PART_CHARS } from '../../lib/cluster/streamParts';
import type { EventSourceLike } from './clusterStore';
import { ChannelElection, ELECTION_CHANNEL, localStorageNote, lockElection, type ElectionChannel, type LeaderElection, type LeaderNote } from './streamElection';

export const STREAM_LOCK = 'canopy:cluster-stream';
export const STREAM_CHANNEL = 'canopy:cluster-stream';

/**
 * What travels on the channel: a follower's hello (`again`: a repeat, moot if its answer is on the way),
 * a follower's wake (its tab woke with the stream down: the leader should try now), or one stream
 * message (`to`: for that tab only).
 */
export type RelayMessage = { type: 'hello'; from: string; again?: boolean } | { type: 'wake'; from: string } | { type: 'event'; event: string; data?: string; to?: string };

/** The events a leader relays: the stream's own, and `error` so followers back off and say so too. */
export const RELAYED_EVENTS: readonly string[] = [...Object.values(STREAM_EVENTS), 'error'];

/** The part of BroadcastChannel the relay uses. */
export interface RelayChannel {
  postMessage(message: RelayMessage): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** What the relay needs from its tab's store. */
export interface RelayHost {
  /** The tab's current data for a new follower, or null when it has none worth sending yet. */
  currentSnapshot(): StreamSnapshot | null;
  /** This tab now holds the stream: keep it open for every tab, and switch to a real EventSource. */
  becameLeader(): void;
  /** Another tab woke with the stream down (see `wake`): while leading, retry now rather than after the backoff. */
  wake?(): void;
}

export type RelayRole = 'idle' | 'follower' | 'leader' | 'stopped';

export type RelayAction = { do: 'ignore' } | { do: 'answer-hello'; to: string; again?: true } | { do: 'wake' } | { do: 'deliver'; event: string; data?: string };

function isRelayMessage(value: unknown): value is RelayMessage {
  if (!value || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  if (message.type === 'hello') return typeof message.from === 'string' && (message.again === undefined || typeof message.again === 'boolean');
  if (message.type === 'wake') return typeof message.from === 'string';
  return message.type === 'event' && typeof message.event === 'string' && (message.data === undefined || typeof message.data === 'string');
}

/**
 * What a tab does with a channel message: the leader answers hellos and ignores events (it has the
 * stream itself); a follower delivers events meant for all or for it, and ignores hellos. Anything
 * malformed (another version of the app, another page's use of the name) is ignored.
 */
export function routeRelayMessage(message: unknown, tab: { id: string; role: RelayRole }): RelayAction {
  if (!isRelayMessage(message)) return { do: 'ignore' };
  if (message.type === 'hello') {
    if (tab.role !== 'leader' || message.from === tab.id) return { do: 'ignore' };
    return message.again ? { do: 'answer-hello', to: message.from, again: true } : { do: 'answer-hello', to: message.from };
  }
  if (message.type === 'wake') return tab.role === 'leader' && message.from !== tab.id ? { do: 'wake' } : { do: 'ignore' };
  if (tab.role !== 'follower' && tab.role !== 'idle') return { do: 'ignore' };
  if (message.to !== undefined && message.to !== tab.id) return { do: 'ignore' };
  if (!RELAYED_EVENTS.includes(message.event)) return { do: 'ignore' };
  return { do: 'deliver', event: message.event, data: message.data };
}

type Listener = (event: { data?: unknown }) => void;

/** A follower's stand-in for an EventSource: the leader's messages, as they come over the channel. */
export class RelayedEventSource implements EventSourceLike {
  private readonly listeners = new Map<string, Listener[]>();
  private synced = false;
  closed = false;

  /** `onUnusableEnd`: a snapshot's end arrived before any snapshot began here (this tab missed its begin). */
  constructor(
    private readonly onClose: (source: RelayedEventSource) => void,
    private readonly onUnusableEnd?: (source: RelayedEventSource) => void,
  ) {}

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }

  /** Drops deltas again until the next snapshot (a new stream's numbering starts with its snapshot). */
  resync(): void {
    this.synced = false;
  }

  /**
   * One relayed message; deltas before the first snapshot are dropped (nothing to apply them to). A
   * snapshot in parts counts from its begin: the store applies what follows it after its end.
   */
  deliver(event: string, data?: string): void {
    if (this.closed) return;
    if (event === STREAM_EVENTS.delta && !this.synced) return;
    if (event === STREAM_EVENTS.snapshot || event === STREAM_EVENTS.snapshotBegin) this.synced = true;
    for (const listener of this.listeners.get(event) ?? []) listener(data === undefined ? {} : { data });
    if (event === STREAM_EVENTS.snapshotEnd && !this.synced) this.onUnusableEnd?.(this);
  }
}

export interface StreamRelayOptions {
  tabId: string;
  channel: RelayChannel;
  /** Who leads: lockElection where Web Locks exist, else a ChannelElection. */
  election: LeaderElection;
  /** Opens the real stream (only ever called while this tab leads). */
  openEventSource: (url: string) => EventSourceLike;
  /** Characters of objects per part of an answer (SNAPSHOT_PART_CHARS). */
  snapshotPartChars?: number;
}

export class StreamRelay {
  private roleNow: RelayRole = 'idle';
  private host: RelayHost | null = null;
  private readonly followers = new Set<RelayedEventSource>();
  /** Out of the election while the page is hidden for good or frozen (see `pause`). */
  private paused = false;
  /** While leading: the real stream, and the source this tab's own store reads it through. */
  private leading: { stream: EventSourceLike; own: RelayedEventSource } | null = null;
  /** Answers to hellos still being sent, by the tab they go to: a newer hello replaces its answer. */
  private readonly answering = new Map<string, { cancelled: boolean }>();
  private answers = 0;
  /** Tabs whose hello came while this tab's store had nothing to send: answered once it applies a snapshot. */
  private readonly waiting = new Set<string>();

  constructor(private readonly options: StreamRelayOptions) {}

  get role(): RelayRole {
    return this.roleNow;
  }

  /** Joins the election and starts listening to the channel. */
  start(host: RelayHost): void {
    if (this.roleNow !== 'idle') return;
    this.host = host;
    this.roleNow = 'follower';
    this.options.channel.addEventListener('message', this.onMessage);
    this.options.election.join({ lead: this.lead, follow: this.follow });
  }

  /** Leaves the election and the channel (with a lock the browser does this by itself when the tab closes). */
  stop(): void {
    this.roleNow = 'stopped';
    this.options.channel.removeEventListener('message', this.onMessage);
    for (const source of [...this.followers]) source.close();
    this.leading?.own.close();
    this.options.election.leave();
  }

  /**
   * The page is going away or being frozen: step down (a leader closes its stream and says so, and
   * another tab takes over at once rather than after the silence). Without locks only: a Web Lock is
   * freed by the browser when a tab goes.
   */
  pause(): void {
    if (this.roleNow === 'idle' || this.roleNow === 'stopped') return;
    this.paused = true;
    this.options.election.leave();
  }

  /** Back from `pause`: take part again, and ask the leader for its data (what it sent meanwhile may be lost). */
  resume(): void {
    if (!this.paused || this.roleNow === 'stopped') return;
    this.paused = false;
    this.options.election.join({ lead: this.lead, follow: this.follow });
    if (this.followers.size > 0) this.options.channel.postMessage({ type: 'hello', from: this.options.tabId });
  }

  /**
   * This tab woke (back online, visible again) with the stream down: a follower asks the leader to try
   * now (the leader's tab may be hidden and its backoff long); a leader's own store retries by itself.
   */
  wake(): void {
    if (this.roleNow === 'follower' && !this.paused) this.options.channel.postMessage({ type: 'wake', from: this.options.tabId });
  }

  /** The store's EventSource factory: the real stream (relayed to the others) when leading, else the channel. */
  createEventSource = (url: string): EventSourceLike => {
    if (this.roleNow === 'leader') return this.relayed(this.options.openEventSource(url));
    return this.follower();
  };

  private follower(source = new RelayedEventSource(this.forget, this.helloAgain)): RelayedEventSource {
    this.followers.add(source);
    this.options.channel.postMessage({ type: 'hello', from: this.options.tabId });
    return source;
  }

  /** A source closed by its store: gone from the followers, and if it read the real stream, that closes too. */
  private readonly forget = (source: RelayedEventSource): void => {
    this.followers.delete(source);
    if (this.leading?.own !== source) return;
    this.leading.stream.close();
    this.leading = null;
  };

  /** Missed a snapshot's begin: maybe the leader never answered this tab's hello (see the top). */
  private readonly helloAgain = (source: RelayedEventSource): void => {
    if (this.followers.has(source) && this.roleNow === 'follower') this.options.channel.postMessage({ type: 'hello', from: this.options.tabId, again: true });
  };

  private relayed(stream: EventSourceLike): EventSourceLike {
    this.leading?.own.close();
    const own = new RelayedEventSource(this.forget, this.helloAgain);
    this.leading = { stream, own };
    for (const event of RELAYED_EVENTS) {
      stream.addEventListener(event, (message) => {
        if (this.leading?.stream !== stream) return;
        const data = typeof message.data === 'string' ? message.data : undefined;
        this.options.channel.postMessage({ type: 'event', event, ...(data === undefined ? {} : { data }) });
        // Every tab that said hello so far hears this snapshot from its start.
        if (event === STREAM_EVENTS.snapshot || event === STREAM_EVENTS.snapshotBegin) this.waiting.clear();
        own.deliver(event, data);
        // The store applies a snapshot on these (synchronously): the tabs that joined meanwhile get it now.
        if ((event === STREAM_EVENTS.snapshot || event === STREAM_EVENTS.snapshotEnd) && this.waiting.size > 0) this.answerWaiting();
      });
    }
    return own;
  }

  private readonly lead = (): void => {
    if (this.roleNow !== 'follower') return;
    this.roleNow = 'leader';
    // Followers of this tab's own store are switched to the real stream by the host.
    this.host?.becameLeader();
  };

  /**
   * Another tab leads now: close the real stream and keep the store's source, fed from the channel from
   * the other leader's snapshot on (asked for with a hello; the store keeps its data meanwhile).
   */
  private readonly follow = (): void => {
    if (this.roleNow !== 'leader') return;
    this.roleNow = 'follower';
    // The new leader's stream starts with a snapshot that every tab hears.
    this.waiting.clear();
    const leading = this.leading;
    this.leading = null;
    if (!leading) return;
    leading.stream.close();
    leading.own.resync();
    this.follower(leading.own);
  };

  /**
   * Sends `to` this tab's snapshot in parts, one per task, so neither this page nor the follower's is
   * frozen by a whole cluster's JSON; stops when this tab no longer leads or `to` asks again.
   */
  private answer(to: string, snapshot: StreamSnapshot): void {
    const previous = this.answering.get(to);
    if (previous) previous.cancelled = true;
    const task = { cancelled: false };
    this.answering.set(to, task);
    const messages = snapshotMessages(snapshot, `${this.options.tabId}:${++this.answers}`, this.options.snapshotPartChars ?? SNAPSHOT_PART_CHARS);
    const step = () => {
      if (task.cancelled || this.roleNow !== 'leader') {
        if (this.answering.get(to) === task) this.answering.delete(to);
        return;
      }
      const next = messages.next();
      if (next.done) {
        this.answering.delete(to);
        return;
      }
      this.options.channel.postMessage({ type: 'event', event: next.value.event, data: next.value.data, to });
      // The next part in a later task: the page handles input and paints in between.
      setTimeout(step, 0);
    };
    step();
  }

  /** Answers the tabs that waited, if the store now has a snapshot to send (an incomplete one is not applied). */
  private answerWaiting(): void {
    const snapshot = this.host?.currentSnapshot();
    if (!snapshot) return;
    const tabs = [...this.waiting];
    this.waiting.clear();
    for (const to of tabs) this.answer(to, snapshot);
  }

  private readonly onMessage = (event: { data: unknown }): void => {
    const action = routeRelayMessage(event.data, { id: this.options.tabId, role: this.roleNow });
    if (action.do === 'answer-hello') {
      if (action.again && (this.answering.has(action.to) || this.waiting.has(action.to))) return;
      const snapshot = this.host?.currentSnapshot();
      if (snapshot) {
        this.answer(action.to, snapshot);
        return;
      }
      // Nothing worth sending now: an answer under way is of a copy about to be replaced.
      const underWay = this.answering.get(action.to);
      if (underWay) underWay.cancelled = true;
      this.answering.delete(action.to);
      this.waiting.add(action.to);
    } else if (action.do === 'wake') {
      this.host?.wake?.();
    } else if (action.do === 'deliver') {
      for (const source of [...this.followers]) source.deliver(action.event, action.data);
    }
  };
}

/**
 * A relay when this browser has a BroadcastChannel, else null. Web Locks elect the leader where they
 * exist (secure contexts only); elsewhere heartbeats on a channel do.
 */
export function createBrowserRelay(openEventSource: (url: string) => EventSourceLike): StreamRelay | null {
  // Also null on the server (pages render there too; Node has a BroadcastChannel of its own).
  if (typeof window === 'undefined' || typeof BroadcastChannel !== 'function') return null;
  // Ordered by start time: the channel election prefers the older tab, as the lock's queue does.
  const tabId = `${Date.now().toString(36).padStart(9, '0')}-${Math.random().toString(36).slice(2)}`;
  const channel = new BroadcastChannel(STREAM_CHANNEL) as unknown as RelayChannel;
  const locks = typeof navigator.locks?.request === 'function' ? navigator.locks : null;
  if (locks) return new StreamRelay({ tabId, channel, election: lockElection({ request: (name, callback) => locks.request(name, callback) }, STREAM_LOCK), openEventSource });
  let note: LeaderNote | undefined;
  try {
    note = localStorageNote(window.localStorage);
  } catch {
    // Storage disabled (reading window.localStorage throws): tabs that open ask on the channel.
  }
  const election = new ChannelElection({ id: tabId, channel: new BroadcastChannel(ELECTION_CHANNEL) as unknown as ElectionChannel, note });
  const relay = new StreamRelay({ tabId, channel, election, openEventSource });
  // Step down while the page is hidden for good (closing, or into the back/forward cache) or frozen.
  window.addEventListener('pagehide', () => relay.pause());
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) relay.resume();
  });
  document.addEventListener('freeze', () => relay.pause());
  document.addEventListener('resume', () => relay.resume());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') election.check();
  });
  return relay;
}
