/**
 * The stream at the size of a 12,500-node cluster: a cold hub's first snapshot (tens of MB, over the
 * byte bound) behind the states its lists sent meanwhile, a snapshot that takes longer than the age
 * bound to write, and headers that let Next gzip it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStates, StreamSnapshot } from '../../lib/cluster/stream';
import { createEventStream, eventStreamResponse } from './sse';
import type { HubSubscriber } from './watchHub';

/** A cold hub: subscribe hands over nothing; the test plays the lists' states and the snapshot. */
class ColdHub {
  subscriber: HubSubscriber | null = null;
  unsubscribed = 0;
  subscribe(subscriber: HubSubscriber): () => void {
    this.subscriber = subscriber;
    return () => {
      this.unsubscribed++;
      this.subscriber = null;
    };
  }
}

const statesAfter = (live: number): ConnectionStates => ({
  Pod: { kind: 'Pod', status: live >= 1 ? 'live' : 'connecting', since: live },
  Node: { kind: 'Node', status: live >= 2 ? 'live' : 'connecting', since: live },
});
const bigSnapshot = (bytes: number) => ({ seq: 0, kinds: {}, states: statesAfter(2), pad: 'x'.repeat(bytes) }) as StreamSnapshot;
const decoder = new TextDecoder();
const eventsOf = (text: string) => [...text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((match) => ({ event: match[1], data: match[2]! }));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a cold subscriber', () => {
  it('is not closed when its snapshot, over the byte bound, queues behind the states its lists sent; it hears the snapshot, then only the latest state', async () => {
    const hub = new ColdHub();
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 100_000 }).getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('retry: 2000\n\n');
    // The reader is busy (its socket full): a first read is pending, and the lists send states.
    const first = reader.read();
    hub.subscriber!.state(statesAfter(0)); // taken by the pending read
    await first;
    for (let i = 1; i <= 10; i++) hub.subscriber!.state({ ...statesAfter(1), Pod: { kind: 'Pod', status: 'live', since: i } });
    hub.subscriber!.snapshot(bigSnapshot(500_000));
    hub.subscriber!.state(statesAfter(2)); // a kind's state a moment after the snapshot (watchHub's microtask)
    hub.subscriber!.state({ ...statesAfter(2), Node: { kind: 'Node', status: 'live', since: 99 } });
    expect(hub.unsubscribed).toBe(0);
    const rest: { event: string | undefined; data: string }[] = [];
    for (let i = 0; i < 2; i++) rest.push(...eventsOf(decoder.decode((await reader.read()).value)));
    expect(rest.map((entry) => entry.event)).toEqual(['snapshot', 'state']);
    expect(rest[0]!.data.length).toBeGreaterThan(500_000);
    expect(JSON.parse(rest[1]!.data).Node.since).toBe(99);
    expect(hub.unsubscribed).toBe(0);
  });

  it('a snapshot replaces whatever was queued before it; deltas over the bound behind it still close the stream', () => {
    const hub = new ColdHub();
    createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 100_000 });
    hub.subscriber!.state(statesAfter(0)); // no read yet: queued
    hub.subscriber!.snapshot(bigSnapshot(500_000));
    for (let seq = 1; seq <= 2; seq++) hub.subscriber!.delta({ seq, kinds: {}, pad: 'x'.repeat(40_000) } as never);
    expect(hub.unsubscribed).toBe(0);
    hub.subscriber!.delta({ seq: 3, kinds: {}, pad: 'x'.repeat(40_000) } as never);
    expect(hub.unsubscribed).toBe(1);
  });
});

describe('a snapshot that takes long to write (a slow link)', () => {
  it('messages behind it start to age once it was handed on, not while it is written', async () => {
    let t = 0;
    const hub = new ColdHub();
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedAgeMs: 30_000, now: () => t }).getReader();
    await reader.read(); // retry
    hub.subscriber!.snapshot(bigSnapshot(1_000));
    // The socket takes the snapshot; writing it takes 60 s, with the cluster changing meanwhile.
    expect(decoder.decode((await reader.read()).value)).toContain('event: snapshot');
    hub.subscriber!.delta({ seq: 1, kinds: {} });
    t = 45_000;
    hub.subscriber!.delta({ seq: 2, kinds: {} });
    t = 60_000;
    await vi.advanceTimersByTimeAsync(15_000); // a heartbeat checks the age again
    expect(hub.unsubscribed).toBe(0);
    // Written: the reader asks for more, and now the deltas age.
    expect(decoder.decode((await reader.read()).value)).toContain('"seq":1');
    t = 80_000;
    hub.subscriber!.delta({ seq: 3, kinds: {} });
    expect(hub.unsubscribed).toBe(0);
    t = 91_000;
    hub.subscriber!.delta({ seq: 4, kinds: {} });
    expect(hub.unsubscribed).toBe(1);
  });
});

describe('the response', () => {
  it('does not forbid transforms, so Next’s compression gzips it (no-transform turns it off)', () => {
    const response = eventStreamResponse(createEventStream(new ColdHub(), new AbortController().signal));
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('content-encoding')).toBeNull(); // Next would drop it anyway
  });
});
