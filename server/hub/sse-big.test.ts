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
/** A snapshot of about `bytes` bytes of JSON, in 1 kB pods (so in parts of at most PART_CHARS). */
const bigSnapshot = (bytes: number) =>
  ({
    seq: 0,
    kinds: { Pod: { resourceVersion: '1', items: Array.from({ length: Math.ceil(bytes / 1_000) }, (_, i) => ({ kind: 'Pod', metadata: { namespace: 'ns', name: `p${i}` }, spec: { pad: 'x'.repeat(940) } })) } },
    states: statesAfter(2),
  }) as StreamSnapshot;
const PART_CHARS = 50_000;
const decoder = new TextDecoder();
const eventsOf = (text: string) => [...text.matchAll(/^event: ([\w-]+)\ndata: (.*)$/gm)].map((match) => ({ event: match[1], data: match[2]! }));

// setImmediate stays real: it paces the snapshot's parts.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a cold subscriber', () => {
  it('is not closed when its snapshot, over the byte bound, queues behind the states its lists sent; it hears the snapshot, then only the latest state', async () => {
    const hub = new ColdHub();
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 100_000, snapshotPartChars: PART_CHARS }).getReader();
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
    while (rest.at(-1)?.event !== 'state') rest.push(...eventsOf(decoder.decode((await reader.read()).value)));
    const parts = rest.filter((entry) => entry.event === 'snapshot-part');
    expect(rest.map((entry) => entry.event)).toEqual(['snapshot-begin', ...parts.map(() => 'snapshot-part'), 'snapshot-end', 'state']);
    expect(parts.reduce((total, part) => total + part.data.length, 0)).toBeGreaterThan(500_000);
    expect(JSON.parse(rest.at(-1)!.data).Node.since).toBe(99);
    expect(hub.unsubscribed).toBe(0);
  });

  it('a snapshot replaces whatever was queued before it; deltas over the bound behind it still close the stream', () => {
    const hub = new ColdHub();
    createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 100_000, snapshotPartChars: PART_CHARS });
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
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedAgeMs: 30_000, now: () => t, snapshotPartChars: PART_CHARS }).getReader();
    await reader.read(); // retry
    hub.subscriber!.snapshot(bigSnapshot(200_000));
    // The socket takes the snapshot part by part; writing its last part takes 60 s, with the cluster changing meanwhile.
    for (;;) {
      const text = decoder.decode((await reader.read()).value);
      if (text.startsWith('event: snapshot-end')) break;
      expect(text).toMatch(/^event: snapshot-(begin|part)\n/);
    }
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

describe('a snapshot in parts on a slow link', () => {
  it('a reader taking a part every 20 s is not cut, whatever the whole takes; one that takes none for longer than maxQueuedAgeMs is', async () => {
    let t = 0;
    const hub = new ColdHub();
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedAgeMs: 30_000, now: () => t, snapshotPartChars: PART_CHARS }).getReader();
    await reader.read(); // retry
    hub.subscriber!.snapshot(bigSnapshot(300_000));
    let seq = 0;
    for (let part = 0; part < 4; part++) {
      expect(decoder.decode((await reader.read()).value)).toMatch(/^event: snapshot-(begin|part)\n/);
      t += 20_000;
      hub.subscriber!.delta({ seq: ++seq, kinds: {} });
    }
    expect(t).toBeGreaterThan(30_000);
    expect(hub.unsubscribed).toBe(0);
    // Now it stalls: 31 s without taking the next part.
    t += 31_000;
    hub.subscriber!.delta({ seq: ++seq, kinds: {} });
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
