/**
 * Which tab of a browser profile holds the one /api/stream (streamRelay.ts). Two ways to choose it:
 *
 * - `lockElection`: a Web Lock. The browser grants it to one tab at a time, queues the others and frees
 *   it when the holder's tab closes or is discarded. The better primitive, but `navigator.locks` exists
 *   only in secure contexts (https, localhost).
 * - `ChannelElection`: heartbeats on a BroadcastChannel, which insecure origins have too (Canopy served
 *   over plain http on a jump host under CANOPY_ALLOWED_HOSTS).
 *
 * The channel election, per tab: a tab joins as a candidate and posts a claim; a leader that hears a
 * claim answers with its heartbeat at once, and a candidate that hears any leader follows it. A claim
 * nobody answers within `claimMs` makes the candidate the leader. A leader also notes itself in
 * localStorage, every `noteEveryMs` (each write fires a `storage` event in every other tab, so not on
 * every heartbeat) and at once when it starts leading or the note does not name it, and takes its note
 * away when it leaves. So a tab that opens while one leads follows it without a claim (a leader too busy
 * to answer within `claimMs`, on a loaded machine, would otherwise see a second leader start), and a tab
 * that finds no note at all leads at once: no tab leads, and a lone tab goes live as fast as with a
 * Web Lock. A note counts for `noteEveryMs + silenceMs`; a tab that finds an older one claims (its
 * leader may be hidden, its timers a minute apart, yet answers). A follower that hears no leader for
 * `silenceMs` claims again (a closed or frozen leader). A leader leaving (tab closing, page frozen) says
 * so and the others claim at once.
 *
 * Two leaders (a frozen leader waking up, two claims crossing) settle by rank: the higher term wins, then
 * the lower id (ids start with the tab's start time, so the older tab). Claims carry the highest term
 * their tab has seen plus one, so a tab that took over outranks the one it replaced when that one wakes.
 *
 * Timers only say when to look; decisions read the clock. Background tabs clamp timers to 1 s, and a
 * tab hidden for minutes to about one wake-up a minute, so a hidden leader's heartbeats may be far
 * apart: claims are answered from the message handler (not throttled), so a live leader keeps its
 * place however slow its timers are, and only one that does not answer at all is replaced.
 * Framework-free: the channel, the note, the clock and the timers are passed in (fakes in tests).
 */

/** The part of navigator.locks an election needs: the callback holds the lock until its promise settles. */
export interface LockManagerLike {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
}

/** What an election tells its tab. */
export interface ElectionEvents {
  /** This tab is now the leader. */
  lead(): void;
  /** This tab was the leader and no longer is (another outranks it, or it left). */
  follow(): void;
}

export interface LeaderElection {
  /** Takes part (nothing more while it does); `events` say when this tab starts and stops leading. */
  join(events: ElectionEvents): void;
  /** Stops taking part; a leader steps down first (`follow`) so another can take over. */
  leave(): void;
}

/** An election by Web Lock: the holder leads until it leaves or its tab goes away. */
export function lockElection(locks: LockManagerLike, name: string): LeaderElection {
  let release: (() => void) | null = null;
  // Each join's request; a request granted after its join was left just gives the lock back.
  let joined = 0;
  let taking = false;
  return {
    join(events) {
      if (taking) return;
      taking = true;
      const generation = ++joined;
      locks
        .request(name, () => {
          if (generation !== joined) return Promise.resolve();
          events.lead();
          return new Promise<void>((resolve) => {
            release = () => {
              resolve();
              events.follow();
            };
          });
        })
        .catch(() => {
          // Locks refused (e.g. the document went away): stay a follower; the store's stale timer recovers.
        });
    },
    leave() {
      taking = false;
      joined++;
      const leading = release;
      release = null;
      leading?.();
    },
  };
}

export const ELECTION_CHANNEL = 'canopy:cluster-stream-election';

/** What travels on the election channel (`term`: the sender's rank; see the module comment). */
export type ElectionMessage = { type: 'claim' | 'leader' | 'resign'; from: string; term: number };

/** The part of BroadcastChannel an election uses. */
export interface ElectionChannel {
  postMessage(message: ElectionMessage): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface ElectionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ElectionTiming {
  /** A leader's heartbeat period. */
  heartbeatMs: number;
  /** A follower that heard no leader for this long claims. Several heartbeats, so a 1 s clamp is no loss. */
  silenceMs: number;
  /** How long a claim waits for a leader's answer or a higher-ranked claim. */
  claimMs: number;
  /** How often a leader rewrites its note (a few heartbeats: each write is a `storage` event in every other tab). */
  noteEveryMs: number;
}

export const ELECTION_TIMING: ElectionTiming = { heartbeatMs: 1_000, silenceMs: 3_000, claimMs: 750, noteEveryMs: 5_000 };

export type ElectionState = 'out' | 'candidate' | 'follower' | 'leader';

/** A leader's latest heartbeat, as noted for tabs that open later. */
export interface NotedLeader {
  from: string;
  term: number;
  at: number;
}

/** Where the leader notes its heartbeats (localStorage in the browser: shared by the tabs, and synchronous). */
export interface LeaderNote {
  read(): NotedLeader | null;
  write(leader: NotedLeader | null): void;
}

export const LEADER_NOTE_KEY = 'canopy:cluster-stream-leader';

function isNotedLeader(value: unknown): value is NotedLeader {
  if (!value || typeof value !== 'object') return false;
  const note = value as Record<string, unknown>;
  return typeof note.from === 'string' && Number.isSafeInteger(note.term) && Number.isFinite(note.at);
}

/** The leader's note in localStorage; none when storage is unavailable (then every tab asks). */
export function localStorageNote(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>, key = LEADER_NOTE_KEY): LeaderNote {
  return {
    read() {
      try {
        const note: unknown = JSON.parse(storage.getItem(key) ?? 'null');
        return isNotedLeader(note) ? note : null;
      } catch {
        return null;
      }
    },
    write(leader) {
      try {
        if (leader) storage.setItem(key, JSON.stringify(leader));
        else storage.removeItem(key);
      } catch {
        // Storage full or refused: tabs that open ask on the channel instead.
      }
    },
  };
}

export interface ChannelElectionOptions {
  /** This tab's id: unique, and ordered by start time so the lower id is the older tab. */
  id: string;
  channel: ElectionChannel;
  /** Where leaders note their heartbeats; without one, a tab that opens always claims first. */
  note?: LeaderNote;
  now?: () => number;
  timers?: ElectionTimers;
  timing?: Partial<ElectionTiming>;
}

interface Rank {
  from: string;
  term: number;
}

/** True when `a` outranks `b`: the higher term, then the lower id. */
export function outranks(a: Rank, b: Rank): boolean {
  return a.term > b.term || (a.term === b.term && a.from < b.from);
}

function isElectionMessage(value: unknown): value is ElectionMessage {
  if (!value || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  return (message.type === 'claim' || message.type === 'leader' || message.type === 'resign') && typeof message.from === 'string' && Number.isSafeInteger(message.term);
}

/** An election by heartbeats on a BroadcastChannel (see the module comment). */
export class ChannelElection implements LeaderElection {
  private readonly timing: ElectionTiming;
  private readonly now: () => number;
  private readonly timers: ElectionTimers;
  private stateNow: ElectionState = 'out';
  private events: ElectionEvents | null = null;
  /** The highest term seen on the channel or taken by this tab. */
  private term = 0;
  /** This tab's term while it claims or leads. */
  private ownTerm = 0;
  /** The leader this tab follows, as last heard. */
  private leaderNow: Rank | null = null;
  private lastHeard = 0;
  private deadline = 0;
  private timer: unknown = null;

  constructor(private readonly options: ChannelElectionOptions) {
    this.timing = { ...ELECTION_TIMING, ...options.timing };
    this.now = options.now ?? (() => Date.now());
    this.timers = options.timers ?? { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };
  }

  get state(): ElectionState {
    return this.stateNow;
  }

  /** The id of the tab this one follows (itself when leading), null while it does not know one. */
  get leader(): string | null {
    if (this.stateNow === 'leader') return this.options.id;
    return this.stateNow === 'follower' ? (this.leaderNow?.from ?? null) : null;
  }

  join(events: ElectionEvents): void {
    if (this.stateNow !== 'out') return;
    this.events = events;
    this.options.channel.addEventListener('message', this.onMessage);
    // A leader heard from lately (by its note): follow it, and claim only if it stays silent.
    // A leader gone silent is outranked by this tab's claim, should it wake: its term counts as seen.
    // A live leader's note is up to `noteEveryMs` old (plus a late timer), so it counts for that plus
    // the silence a follower allows; following it, the tab gives the leader that silence from now.
    // No note at all: no tab leads (a leader notes itself the moment it leads, and takes its note away
    // when it leaves), so this one leads without waiting a claim out. Tabs opening in the same instant
    // may all read no note and all lead: they hear each other's heartbeats and settle by rank.
    const noted = this.options.note?.read();
    if (noted) this.term = Math.max(this.term, noted.term);
    if (noted && noted.from !== this.options.id && this.now() - noted.at < this.timing.noteEveryMs + this.timing.silenceMs) this.follow(noted);
    else if (this.options.note && noted === null) this.leadAtOnce();
    else this.claim();
  }

  private leadAtOnce(): void {
    this.ownTerm = ++this.term;
    this.lead();
  }

  leave(): void {
    if (this.stateNow === 'out') return;
    const wasLeader = this.stateNow === 'leader';
    this.stateNow = 'out';
    this.leaderNow = null;
    this.clearTimer();
    this.options.channel.removeEventListener('message', this.onMessage);
    if (wasLeader) {
      this.post('resign');
      if (this.options.note?.read()?.from === this.options.id) this.options.note.write(null);
      this.events?.follow();
    }
  }

  private claim(): void {
    this.stateNow = 'candidate';
    this.leaderNow = null;
    this.ownTerm = ++this.term;
    this.post('claim');
    this.wakeAt(this.now() + this.timing.claimMs);
  }

  private lead(): void {
    this.stateNow = 'leader';
    this.leaderNow = null;
    this.heartbeat();
    this.events?.lead();
  }

  private heartbeat(): void {
    this.announce();
    this.wakeAt(this.now() + this.timing.heartbeatMs);
  }

  /**
   * A leader's heartbeat: on the channel, and in the note for tabs that open later when the note is
   * `noteEveryMs` old or does not name this tab at this term (none yet, or another tab's).
   */
  private announce(): void {
    this.post('leader');
    const note = this.options.note;
    if (!note) return;
    const now = this.now();
    const noted = note.read();
    if (noted?.from === this.options.id && noted.term === this.ownTerm && now - noted.at < this.timing.noteEveryMs) return;
    note.write({ from: this.options.id, term: this.ownTerm, at: now });
  }

  private follow(leader: Rank | null, heardAt = this.now()): void {
    const wasLeader = this.stateNow === 'leader';
    this.stateNow = 'follower';
    this.leaderNow = leader ? { from: leader.from, term: leader.term } : null;
    this.lastHeard = heardAt;
    this.wakeAt(this.lastHeard + this.timing.silenceMs);
    if (wasLeader) this.events?.follow();
  }

  /**
   * Looks at the deadlines now (the tab became visible: its timers may have been held back for up to a
   * minute while it was hidden).
   */
  check(): void {
    if (this.stateNow !== 'leader' && this.stateNow !== 'out' && this.now() >= this.deadline) this.onTimer();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    const now = this.now();
    // The deadline moved on (a follower heard its leader) or the timer fired early: sleep again.
    if (this.stateNow === 'leader') this.heartbeat();
    else if (now < this.deadline) this.wakeAt(this.deadline);
    else if (this.stateNow === 'candidate') this.lead();
    else if (this.stateNow === 'follower') this.claim();
  };

  private readonly onMessage = (event: { data: unknown }): void => {
    const message = event.data;
    if (this.stateNow === 'out' || !isElectionMessage(message) || message.from === this.options.id) return;
    this.term = Math.max(this.term, message.term);
    const self: Rank = { from: this.options.id, term: this.ownTerm };
    if (message.type === 'leader') this.onLeader(message, self);
    else if (message.type === 'claim') this.onClaim(message, self);
    // The leader left: claim at once rather than wait for the silence.
    else if (this.stateNow === 'follower' && message.from === this.leaderNow?.from) this.claim();
  };

  private onLeader(message: Rank, self: Rank): void {
    if (this.stateNow === 'leader') {
      // Two leaders: the lower-ranked steps down; the higher answers so the other learns at once.
      if (outranks(message, self)) this.follow(message);
      else this.announce();
      return;
    }
    // A candidate follows any leader (a live leader keeps its place against claims); a follower keeps
    // to its leader, or moves to one that outranks it (after two leaders settle).
    if (this.stateNow === 'candidate' || !this.leaderNow || message.from === this.leaderNow.from || outranks(message, this.leaderNow)) {
      if (this.stateNow === 'candidate') this.follow(message);
      else {
        this.leaderNow = { from: message.from, term: message.term };
        this.lastHeard = this.now();
        this.deadline = this.lastHeard + this.timing.silenceMs;
      }
    }
  }

  private onClaim(message: Rank, self: Rank): void {
    if (this.stateNow === 'leader') this.announce();
    else if (this.stateNow === 'candidate') {
      // Claims crossing: the lower-ranked candidate waits for the other's heartbeat; the higher one
      // repeats its claim for a candidate that started after it spoke.
      if (outranks(message, self)) this.follow(null);
      else this.post('claim');
    } else {
      // A follower gives a claim time to be answered or to win before making its own: claims made one
      // after another (each tab noticing the silence a little later) would each outrank the last.
      this.deadline = Math.max(this.deadline, this.now() + this.timing.claimMs + this.timing.heartbeatMs);
    }
  }

  private post(type: ElectionMessage['type']): void {
    this.options.channel.postMessage({ type, from: this.options.id, term: this.ownTerm });
  }

  /** One timer per tab, for the next deadline. */
  private wakeAt(at: number): void {
    this.clearTimer();
    this.deadline = at;
    this.timer = this.timers.setTimeout(this.onTimer, Math.max(0, at - this.now()));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
