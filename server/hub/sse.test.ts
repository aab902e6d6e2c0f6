import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamSnapshot } from '../../lib/cluster/stream';
import { createEventStream, formatEvent } from './sse';
import type { HubSubscriber } from './watchHub';

class FakeHub {
  subscriber: HubSubscriber | null = null;
  unsubscribed = 0;
  /** What a warm hub hands a new subscriber at once, inside subscribe(). */
  constructor(private readonly first: StreamSnapshot = { seq: 0, kinds: {}, states: {} }) {}
  subscribe(subscriber: HubSubscriber): () => void {
    this.subscriber = subscriber;
    subscriber.snapshot(this.first);
    return () => {
      this.unsubscribed++;
      this.subscriber = null;
    };
  }
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>, chunks: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (let i = 0; i < chunks; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  return text;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createEventStream', () => {
  it('frames one JSON message per event', () => {
    expect(formatEvent('delta', { seq: 1, kinds: { Pod: [] } })).toBe('event: delta\ndata: {"seq":1,"kinds":{"Pod":[]}}\n\n');
  });

  it('sends the snapshot, then deltas and states, and heartbeats every 15 s', async () => {
    const hub = new FakeHub();
    const controller = new AbortController();
    const reader = createEventStream(hub, controller.signal, { now: () => 42 }).getReader();
    expect(await readAll(reader, 2)).toBe('retry: 2000\n\nevent: snapshot\ndata: {"seq":0,"kinds":{},"states":{}}\n\n');
    hub.subscriber!.delta({ seq: 1, kinds: {} });
    hub.subscriber!.state({});
    expect(await readAll(reader, 2)).toBe('event: delta\ndata: {"seq":1,"kinds":{}}\n\nevent: state\ndata: {}\n\n');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(await readAll(reader, 1)).toBe('event: heartbeat\ndata: {"t":42}\n\n');
    controller.abort();
  });

  it('unsubscribes and ends the stream when the client disconnects', async () => {
    const hub = new FakeHub();
    const controller = new AbortController();
    const reader = createEventStream(hub, controller.signal).getReader();
    await readAll(reader, 2);
    controller.abort();
    expect(hub.unsubscribed).toBe(1);
    expect((await reader.read()).done).toBe(true);
    // No heartbeat timer left behind.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends the stream when the hub closes (its source was replaced)', async () => {
    const hub = new FakeHub();
    const reader = createEventStream(hub, new AbortController().signal).getReader();
    await readAll(reader, 2);
    hub.subscriber!.end!();
    expect((await reader.read()).done).toBe(true);
    expect(hub.unsubscribed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('unsubscribes when the reader cancels', async () => {
    const hub = new FakeHub();
    const reader = createEventStream(hub, new AbortController().signal).getReader();
    await reader.cancel();
    expect(hub.unsubscribed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/** A delta of about `bytes` bytes once encoded. */
const bigDelta = (seq: number, bytes: number) => ({ seq, kinds: {}, pad: 'x'.repeat(bytes) });

describe('a reader that cannot keep up', () => {
  it('is cut off once more than maxQueuedBytes wait for it, however few messages that is; the queue is dropped', async () => {
    const hub = new FakeHub();
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 1_000_000 }).getReader();
    // Nine 100 kB batches: under the bound, still subscribed.
    for (let seq = 1; seq <= 9; seq++) hub.subscriber!.delta(bigDelta(seq, 100_000));
    expect(hub.unsubscribed).toBe(0);
    // The tenth passes 1 MB (12 messages): the stream fails, and the reader learns it at once instead of
    // draining a megabyte of stale batches first.
    hub.subscriber!.delta(bigDelta(10, 100_000));
    expect(hub.unsubscribed).toBe(1);
    await expect(reader.read()).rejects.toThrow(/reads too slowly .* bytes queued/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is cut off when the oldest message it has not taken is older than maxQueuedAgeMs (heartbeats keep checking)', async () => {
    let t = 0;
    const hub = new FakeHub();
    createEventStream(hub, new AbortController().signal, { maxQueuedAgeMs: 30_000, now: () => t });
    // Nothing read since the snapshot; small messages only, far from the byte bound.
    hub.subscriber!.delta({ seq: 1, kinds: {} });
    t = 29_000;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(hub.unsubscribed).toBe(0);
    t = 31_000;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(hub.unsubscribed).toBe(1);
  });

  it('a reader that keeps up gets any amount, and one message larger than the bound (a big snapshot) still goes', async () => {
    const hub = new FakeHub();
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 100_000 }).getReader();
    await readAll(reader, 2);
    hub.subscriber!.snapshot({ seq: 0, kinds: {}, states: {}, pad: 'x'.repeat(500_000) } as StreamSnapshot);
    expect((await reader.read()).value?.byteLength).toBeGreaterThan(500_000);
    for (let seq = 1; seq <= 50; seq++) {
      hub.subscriber!.delta(bigDelta(seq, 60_000));
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain(`"seq":${seq}`);
    }
    expect(hub.unsubscribed).toBe(0);
  });
});

describe('a first snapshot larger than the bound', () => {
  it('is sent: a warm hub hands it over inside subscribe, before any read, and it is still the one message waiting', async () => {
    const hub = new FakeHub({ seq: 0, kinds: {}, states: {}, pad: 'x'.repeat(500_000) } as StreamSnapshot);
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 100_000 }).getReader();
    const text = await readAll(reader, 2);
    expect(text.startsWith('retry: 2000\n\nevent: snapshot\n')).toBe(true);
    expect(text.length).toBeGreaterThan(500_000);
    expect(hub.unsubscribed).toBe(0);
  });

  it('a stream closed inside subscribe unsubscribes and starts no heartbeat', async () => {
    // The hub ends the subscription at once (it is closing): nothing may stay behind.
    const hub = { unsubscribed: 0, subscribe(subscriber: HubSubscriber) { subscriber.end!(); return () => void this.unsubscribed++; } };
    const reader = createEventStream(hub, new AbortController().signal).getReader();
    await readAll(reader, 3);
    expect(hub.unsubscribed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('encoding once per batch', () => {
  it('gives every stream the same encoded bytes for the same batch object', async () => {
    const hubs = [new FakeHub(), new FakeHub()];
    const controller = new AbortController();
    const readers = hubs.map((hub) => createEventStream(hub, controller.signal).getReader());
    for (const reader of readers) await readAll(reader, 2);
    const batch = { seq: 7, kinds: {} };
    const stringify = vi.spyOn(JSON, 'stringify');
    for (const hub of hubs) hub.subscriber!.delta(batch);
    const [a, b] = await Promise.all(readers.map(async (reader) => (await reader.read()).value));
    expect(a).toBe(b);
    expect(new TextDecoder().decode(a)).toBe('event: delta\ndata: {"seq":7,"kinds":{}}\n\n');
    expect(stringify).toHaveBeenCalledTimes(1);
    stringify.mockRestore();
    controller.abort();
  });
});
