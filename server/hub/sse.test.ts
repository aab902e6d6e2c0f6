import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamSnapshot } from '../../lib/cluster/stream';
import { createEventStream, formatEvent } from './sse';
import type { HubSubscriber } from './watchHub';

class FakeHub {
  subscriber: HubSubscriber | null = null;
  unsubscribed = 0;
  subscribe(subscriber: HubSubscriber): () => void {
    this.subscriber = subscriber;
    subscriber.snapshot({ seq: 0, kinds: {}, states: {} } satisfies StreamSnapshot);
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

  it('unsubscribes when the reader cancels, and closes a stream whose reader falls too far behind', async () => {
    const hub = new FakeHub();
    const reader = createEventStream(hub, new AbortController().signal).getReader();
    await reader.cancel();
    expect(hub.unsubscribed).toBe(1);

    const slowHub = new FakeHub();
    createEventStream(slowHub, new AbortController().signal, { maxQueued: 5 });
    for (let seq = 1; seq <= 10; seq++) slowHub.subscriber?.delta({ seq, kinds: {} });
    expect(slowHub.unsubscribed).toBe(1);
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
