import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamSnapshot } from '../../lib/cluster/stream';
import { SnapshotAssembler } from '../../lib/cluster/streamParts';
import type { KubeObject } from '../../lib/grove/meta';
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

/** One message per chunk read (the stream hands on one message per pull): its event and data. */
async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, count: number): Promise<{ event: string; data: string }[]> {
  const events: { event: string; data: string }[] = [];
  for (let i = 0; i < count; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    const match = /^event: (.*)\ndata: (.*)\n\n$/.exec(new TextDecoder().decode(value));
    if (!match) throw new Error(`not one message: ${new TextDecoder().decode(value).slice(0, 80)}`);
    events.push({ event: match[1]!, data: match[2]! });
  }
  return events;
}

/** Reads a whole snapshot in parts (begin to end) and assembles it; also says how many parts it had. */
async function readSnapshot(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<{ snapshot: StreamSnapshot; parts: string[] }> {
  const assembler = new SnapshotAssembler();
  const parts: string[] = [];
  for (;;) {
    const [message] = await readEvents(reader, 1);
    if (!message) throw new Error('the stream ended inside a snapshot');
    if (message.event === 'snapshot-begin') assembler.begin(JSON.parse(message.data));
    else if (message.event === 'snapshot-part') {
      parts.push(message.data);
      expect(assembler.part(JSON.parse(message.data))).toBe(true);
    } else if (message.event === 'snapshot-end') {
      const result = assembler.end(JSON.parse(message.data));
      if (result.status !== 'complete') throw new Error(`snapshot ${result.status}`);
      return { snapshot: result.snapshot, parts };
    } else throw new Error(`${message.event} inside a snapshot`);
  }
}

const pod = (name: string): KubeObject => ({ kind: 'Pod', metadata: { namespace: 'ns', name, resourceVersion: '1' }, spec: { nodeName: `node-${name}` } }) as KubeObject;
const podSnapshot = (count: number, seq = 0): StreamSnapshot => ({
  seq,
  kinds: { Pod: { resourceVersion: String(seq), items: Array.from({ length: count }, (_, i) => pod(`p${seq}-${i}`)) } },
  states: { Pod: { kind: 'Pod', status: 'live', since: 1 } },
});

// setImmediate stays real: the snapshot's parts are encoded one per turn of the event loop.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
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
    expect(await readAll(reader, 1)).toBe('retry: 2000\n\n');
    const [begin, end] = await readEvents(reader, 2);
    expect(begin).toEqual({ event: 'snapshot-begin', data: expect.stringMatching(/^\{"seq":0,"states":\{\},"id":"\d+","kinds":\{\}\}$/) });
    expect(end).toEqual({ event: 'snapshot-end', data: `{"id":${JSON.stringify(JSON.parse(begin!.data).id)},"parts":0}` });
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
    await readAll(reader, 1);
    await readSnapshot(reader);
    controller.abort();
    expect(hub.unsubscribed).toBe(1);
    expect((await reader.read()).done).toBe(true);
    // No heartbeat timer left behind.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends the stream when the hub closes (its source was replaced)', async () => {
    const hub = new FakeHub();
    const reader = createEventStream(hub, new AbortController().signal).getReader();
    await readAll(reader, 1);
    await readSnapshot(reader);
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
    await readAll(reader, 1);
    await readSnapshot(reader);
    hub.subscriber!.snapshot({ seq: 0, kinds: {}, states: {}, pad: 'x'.repeat(500_000) } as StreamSnapshot);
    const [begin] = await readEvents(reader, 2);
    expect(begin!.data.length).toBeGreaterThan(500_000);
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
    expect(text.startsWith('retry: 2000\n\nevent: snapshot-begin\n')).toBe(true);
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
    for (const reader of readers) {
      await readAll(reader, 1);
      await readSnapshot(reader);
    }
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

describe('a snapshot in parts', () => {
  it('goes as begin, parts within the size bound, end; reassembled it is the hub’s snapshot; deltas sent meanwhile come after it', async () => {
    const first = podSnapshot(400);
    const hub = new FakeHub(first);
    const reader = createEventStream(hub, new AbortController().signal, { snapshotPartChars: 4_000 }).getReader();
    await readAll(reader, 1);
    // The hub moves on while the parts are still being encoded: its batches queue behind the snapshot.
    hub.subscriber!.delta({ seq: 1, kinds: {} });
    hub.subscriber!.state({ Pod: { kind: 'Pod', status: 'retrying', since: 2 } });
    const { snapshot, parts } = await readSnapshot(reader);
    expect(snapshot).toEqual(JSON.parse(JSON.stringify(first)));
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4_000);
    expect((await readEvents(reader, 2)).map((message) => message.event)).toEqual(['delta', 'state']);
  });

  it('is encoded one part per turn of the event loop: other work (another stream, a route) runs between parts', async () => {
    const hub = new FakeHub(podSnapshot(2_000));
    let encoded = false;
    let otherTurns = 0;
    const other = () => {
      otherTurns++;
      if (!encoded) setImmediate(other);
    };
    setImmediate(other);
    const reader = createEventStream(hub, new AbortController().signal, { snapshotPartChars: 4_000 }).getReader();
    await readAll(reader, 1);
    const { parts } = await readSnapshot(reader);
    encoded = true;
    expect(parts.length).toBeGreaterThan(50);
    expect(otherTurns).toBeGreaterThanOrEqual(parts.length - 1);
  });

  it('streams sent the same snapshot object share one encoding: the same bytes, each object stringified once', async () => {
    const shared = podSnapshot(300);
    const stringify = vi.spyOn(JSON, 'stringify');
    const streams = [new FakeHub(shared), new FakeHub(shared)].map((hub) => createEventStream(hub, new AbortController().signal, { snapshotPartChars: 4_000 }).getReader());
    const chunks: Uint8Array[][] = [[], []];
    for (const [i, reader] of streams.entries()) {
      await readAll(reader, 1);
      for (;;) {
        const { value } = await reader.read();
        chunks[i]!.push(value!);
        if (new TextDecoder().decode(value).startsWith('event: snapshot-end')) break;
      }
    }
    expect(chunks[0]!.length).toBeGreaterThan(10);
    expect(chunks[1]).toEqual(chunks[0]);
    chunks[0]!.forEach((chunk, i) => expect(chunks[1]![i]).toBe(chunk));
    const podsStringified = stringify.mock.calls.filter(([value]) => (value as KubeObject)?.kind === 'Pod').length;
    stringify.mockRestore();
    expect(podsStringified).toBe(300);
  });

  it('a new snapshot replaces one half sent: none of the old one’s remaining parts, nor what was queued behind it, is sent', async () => {
    const hub = new FakeHub(podSnapshot(400, 1));
    const reader = createEventStream(hub, new AbortController().signal, { snapshotPartChars: 4_000 }).getReader();
    await readAll(reader, 1);
    const [begin, part] = await readEvents(reader, 2);
    expect([begin!.event, part!.event]).toEqual(['snapshot-begin', 'snapshot-part']);
    hub.subscriber!.delta({ seq: 2, kinds: {} });
    hub.subscriber!.snapshot(podSnapshot(5, 9));
    hub.subscriber!.delta({ seq: 10, kinds: {} });
    const { snapshot } = await readSnapshot(reader);
    expect(snapshot.seq).toBe(9);
    expect(snapshot.kinds.Pod!.items.map((item) => item.metadata?.name)).toEqual(['p9-0', 'p9-1', 'p9-2', 'p9-3', 'p9-4']);
    expect(await readEvents(reader, 1)).toEqual([{ event: 'delta', data: '{"seq":10,"kinds":{}}' }]);
  });

  it('its parts never count against the byte bound, together: a snapshot of many times the bound goes to a reader that reads', async () => {
    const hub = new FakeHub(podSnapshot(3_000));
    const reader = createEventStream(hub, new AbortController().signal, { maxQueuedBytes: 20_000, snapshotPartChars: 4_000 }).getReader();
    await readAll(reader, 1);
    // Deltas behind it (under the bound) do not cut it either.
    hub.subscriber!.delta({ seq: 1, kinds: {} });
    const { snapshot } = await readSnapshot(reader);
    expect(JSON.stringify(snapshot).length).toBeGreaterThan(10 * 20_000);
    expect(hub.unsubscribed).toBe(0);
    expect((await readEvents(reader, 1))[0]!.event).toBe('delta');
  });
});
