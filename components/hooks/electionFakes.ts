/**
 * Test support for the tab election and relay (streamElection.test.ts, streamRelay.test.ts): in-memory
 * BroadcastChannels and per-tab timers that behave like the browser's, and can be frozen the way a
 * background tab is (nothing of the tab runs; what came in meanwhile runs when it thaws).
 */

/** The tabs' channels of one name: delivery is asynchronous, in order, and never to the sender. */
export class FakeBus<M> {
  readonly channels = new Set<FakeChannel<M>>();
  /** Every message posted, in order. */
  readonly sent: M[] = [];
}

type Listener = (event: { data: unknown }) => void;

export class FakeChannel<M> {
  private readonly listeners = new Set<Listener>();
  private readonly queued: unknown[] = [];
  /** Frozen: messages wait until `thaw`. */
  private frozen = false;
  /** Cut off from the others (neither hears nor is heard), e.g. two groups of tabs that both elected a leader. */
  partitioned = false;

  constructor(private readonly bus: FakeBus<M>) {
    bus.channels.add(this);
  }

  postMessage(message: M): void {
    if (this.frozen) throw new Error('a frozen tab posted a message');
    this.bus.sent.push(message);
    if (this.partitioned) return;
    const copy = structuredClone(message);
    for (const channel of this.bus.channels) if (channel !== this && !channel.partitioned) queueMicrotask(() => channel.receive(copy));
  }

  addEventListener(_type: 'message', listener: Listener): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: Listener): void {
    this.listeners.delete(listener);
  }

  /** The tab went away without a word (crashed, killed): it neither hears nor is heard any more. */
  close(): void {
    this.bus.channels.delete(this);
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Back from frozen: what came in meanwhile arrives, after whatever the tab runs first (its due timers). */
  thaw(): void {
    this.frozen = false;
    for (const data of this.queued.splice(0)) queueMicrotask(() => this.receive(data));
  }

  private receive(data: unknown): void {
    if (this.frozen) this.queued.push(data);
    else for (const listener of [...this.listeners]) listener({ data });
  }
}

/**
 * One tab's timers on top of the (fake) global ones: `clampMs` stretches every delay the way a
 * background tab does (1 s; about a minute for a tab hidden for long), and a frozen tab's timers run
 * only when it thaws.
 */
export class TabTimers {
  clampMs = 0;
  private frozen = false;
  private nextId = 1;
  private readonly live = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly due: { id: number; callback: () => void }[] = [];

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    const handle = setTimeout(() => {
      this.live.delete(id);
      if (this.frozen) this.due.push({ id, callback });
      else callback();
    }, Math.max(ms, this.clampMs));
    this.live.set(id, handle);
    return id;
  };

  clearTimeout = (id: unknown): void => {
    clearTimeout(this.live.get(id as number));
    this.live.delete(id as number);
    const at = this.due.findIndex((timer) => timer.id === id);
    if (at >= 0) this.due.splice(at, 1);
  };

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    // One at a time: a callback may clear a timer that is due too.
    for (let timer = this.due.shift(); timer; timer = this.due.shift()) timer.callback();
  }
}

/** localStorage for one browser profile, in memory. */
export class FakeStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string): string | null => this.items.get(key) ?? null;
  setItem = (key: string, value: string): void => void this.items.set(key, value);
  removeItem = (key: string): void => void this.items.delete(key);
}
