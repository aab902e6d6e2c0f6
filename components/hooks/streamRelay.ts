/**
 * One /api/stream per browser profile and origin, shared by every tab. Chromium allows six HTTP/1.1
 * connections per host, and an EventSource holds one for good: with a stream per tab the seventh tab
 * never loads and every fetch of the others waits behind the streams.
 *
 * The tabs elect a leader with a Web Lock (STREAM_LOCK): the holder opens the one EventSource and posts
 * every message it receives on a BroadcastChannel (STREAM_CHANNEL); the others queue for the lock and
 * feed their own ClusterStore from the channel. When the leader's tab closes the browser releases the
 * lock, the next tab in the queue takes it and opens a stream, whose first message (a snapshot) reaches
 * every follower. A follower that starts (or restarts) says "hello"; the leader answers it alone with a
 * snapshot of its own store, and until a snapshot arrives the follower drops deltas (they would apply to
 * an empty store). Framework-free: the channel, the locks and the EventSource are passed in (fakes in tests).
 */
import { STREAM_EVENTS, type StreamSnapshot } from '../../lib/cluster/stream';
import type { EventSourceLike } from './clusterStore';

export const STREAM_LOCK = 'canopy:cluster-stream';
export const STREAM_CHANNEL = 'canopy:cluster-stream';

/** What travels on the channel: a follower's hello, or one stream message (`to`: for that tab only). */
export type RelayMessage = { type: 'hello'; from: string } | { type: 'event'; event: string; data?: string; to?: string };

/** The events a leader relays: the stream's own, and `error` so followers back off and say so too. */
export const RELAYED_EVENTS: readonly string[] = [...Object.values(STREAM_EVENTS), 'error'];

/** The part of BroadcastChannel the relay uses. */
export interface RelayChannel {
  postMessage(message: RelayMessage): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The part of navigator.locks the relay uses: the callback holds the lock until its promise settles. */
export interface LockManagerLike {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
}

/** What the relay needs from its tab's store. */
export interface RelayHost {
  /** The tab's current data for a new follower, or null when it has none worth sending yet. */
  currentSnapshot(): StreamSnapshot | null;
  /** This tab now holds the stream: keep it open for every tab, and switch to a real EventSource. */
  becameLeader(): void;
}

export type RelayRole = 'idle' | 'follower' | 'leader' | 'stopped';

export type RelayAction = { do: 'ignore' } | { do: 'answer-hello'; to: string } | { do: 'deliver'; event: string; data?: string };

function isRelayMessage(value: unknown): value is RelayMessage {
  if (!value || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  if (message.type === 'hello') return typeof message.from === 'string';
  return message.type === 'event' && typeof message.event === 'string' && (message.data === undefined || typeof message.data === 'string');
}

/**
 * What a tab does with a channel message: the leader answers hellos and ignores events (it has the
 * stream itself); a follower delivers events meant for all or for it, and ignores hellos. Anything
 * malformed (another version of the app, another page's use of the name) is ignored.
 */
export function routeRelayMessage(message: unknown, tab: { id: string; role: RelayRole }): RelayAction {
  if (!isRelayMessage(message)) return { do: 'ignore' };
  if (message.type === 'hello') return tab.role === 'leader' && message.from !== tab.id ? { do: 'answer-hello', to: message.from } : { do: 'ignore' };
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

  constructor(private readonly onClose: (source: RelayedEventSource) => void) {}

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }

  /** One relayed message; deltas before the first snapshot are dropped (nothing to apply them to). */
  deliver(event: string, data?: string): void {
    if (this.closed) return;
    if (event === STREAM_EVENTS.delta && !this.synced) return;
    if (event === STREAM_EVENTS.snapshot) this.synced = true;
    for (const listener of this.listeners.get(event) ?? []) listener(data === undefined ? {} : { data });
  }
}

export interface StreamRelayOptions {
  tabId: string;
  channel: RelayChannel;
  locks: LockManagerLike;
  lockName?: string;
  /** Opens the real stream (only ever called while this tab leads). */
  openEventSource: (url: string) => EventSourceLike;
}

export class StreamRelay {
  private roleNow: RelayRole = 'idle';
  private host: RelayHost | null = null;
  private readonly followers = new Set<RelayedEventSource>();
  private resign: (() => void) | null = null;

  constructor(private readonly options: StreamRelayOptions) {}

  get role(): RelayRole {
    return this.roleNow;
  }

  /** Joins the election (queues for the lock) and starts listening to the channel. */
  start(host: RelayHost): void {
    if (this.roleNow !== 'idle') return;
    this.host = host;
    this.roleNow = 'follower';
    this.options.channel.addEventListener('message', this.onMessage);
    this.options.locks
      .request(this.options.lockName ?? STREAM_LOCK, () => {
        if (this.roleNow === 'stopped') return Promise.resolve();
        this.roleNow = 'leader';
        // Followers of this tab's own store are switched to the real stream by the host.
        this.host?.becameLeader();
        return new Promise<void>((resolve) => (this.resign = resolve));
      })
      .catch(() => {
        // Locks refused (e.g. the document went away): stay a follower; the stale timer recovers.
      });
  }

  /** Leaves the election and the channel (the browser does this by itself when the tab closes). */
  stop(): void {
    this.roleNow = 'stopped';
    this.options.channel.removeEventListener('message', this.onMessage);
    for (const source of [...this.followers]) source.close();
    this.resign?.();
    this.resign = null;
  }

  /** The store's EventSource factory: the real stream (relayed to the others) when leading, else the channel. */
  createEventSource = (url: string): EventSourceLike => {
    if (this.roleNow === 'leader') return this.relayed(this.options.openEventSource(url));
    const source = new RelayedEventSource((closed) => this.followers.delete(closed));
    this.followers.add(source);
    this.options.channel.postMessage({ type: 'hello', from: this.options.tabId });
    return source;
  };

  private relayed(source: EventSourceLike): EventSourceLike {
    for (const event of RELAYED_EVENTS) {
      source.addEventListener(event, (message) => {
        if (this.roleNow !== 'leader') return;
        this.options.channel.postMessage({ type: 'event', event, ...(typeof message.data === 'string' ? { data: message.data } : {}) });
      });
    }
    return source;
  }

  private readonly onMessage = (event: { data: unknown }): void => {
    const action = routeRelayMessage(event.data, { id: this.options.tabId, role: this.roleNow });
    if (action.do === 'answer-hello') {
      const snapshot = this.host?.currentSnapshot();
      if (snapshot) this.options.channel.postMessage({ type: 'event', event: STREAM_EVENTS.snapshot, data: JSON.stringify(snapshot), to: action.to });
    } else if (action.do === 'deliver') {
      for (const source of [...this.followers]) source.deliver(action.event, action.data);
    }
  };
}

/** A relay when this browser has what it needs (BroadcastChannel, Web Locks: secure contexts only), else null. */
export function createBrowserRelay(openEventSource: (url: string) => EventSourceLike): StreamRelay | null {
  // Also null on the server (pages render there too; Node has a BroadcastChannel of its own).
  if (typeof window === 'undefined' || typeof BroadcastChannel !== 'function' || !navigator.locks?.request) return null;
  const locks = navigator.locks;
  return new StreamRelay({
    tabId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    channel: new BroadcastChannel(STREAM_CHANNEL) as unknown as RelayChannel,
    locks: { request: (name, callback) => locks.request(name, callback) },
    openEventSource,
  });
}
