import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import type { StreamSnapshot } from './stream';
import { SnapshotAssembler, snapshotMessages } from './streamParts';

const pod = (name: string, padding = 0): KubeObject => ({ kind: 'Pod', metadata: { namespace: 'ns', name, resourceVersion: '1' }, spec: { note: 'x'.repeat(padding) } }) as KubeObject;
const node = (name: string): KubeObject => ({ kind: 'Node', metadata: { name, resourceVersion: '2' } }) as KubeObject;
const snapshotOf = (pods: KubeObject[], nodes: KubeObject[] = []): StreamSnapshot => ({
  seq: 7,
  kinds: { Node: { resourceVersion: '20', items: nodes }, Pod: { resourceVersion: '10', items: pods } },
  states: { Pod: { kind: 'Pod', status: 'live', since: 1 } },
});

/** Feeds messages to an assembler as a receiver would (each parsed on its own). */
function assemble(messages: Iterable<{ event: string; data: string }>, assembler = new SnapshotAssembler()) {
  let result: ReturnType<SnapshotAssembler['end']> | undefined;
  for (const { event, data } of messages) {
    if (event === 'snapshot-begin') assembler.begin(JSON.parse(data));
    else if (event === 'snapshot-part') assembler.part(JSON.parse(data));
    else if (event === 'snapshot-end') result = assembler.end(JSON.parse(data));
  }
  return result;
}

describe('snapshotMessages', () => {
  it('sends begin (no objects), parts of one kind each within the size bound, then end; the parts reassemble to the same snapshot', () => {
    const snapshot = snapshotOf(
      Array.from({ length: 300 }, (_, i) => pod(`p${i}`, i % 7 === 0 ? 900 : 20)),
      Array.from({ length: 40 }, (_, i) => node(`n${i}`)),
    );
    const messages = [...snapshotMessages(snapshot, 's1', 4_000)];
    expect(messages[0]!.event).toBe('snapshot-begin');
    expect(JSON.parse(messages[0]!.data)).toEqual({ seq: 7, states: snapshot.states, id: 's1', kinds: { Node: { resourceVersion: '20', count: 40 }, Pod: { resourceVersion: '10', count: 300 } } });
    expect(messages.at(-1)).toEqual({ event: 'snapshot-end', data: JSON.stringify({ id: 's1', parts: messages.length - 2 }) });
    const parts = messages.slice(1, -1);
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) {
      expect(part.event).toBe('snapshot-part');
      expect(part.data.length).toBeLessThanOrEqual(4_000);
    }
    // In order: every kind's objects in their order, kinds one after the other.
    const names = parts.flatMap((part) => (JSON.parse(part.data) as { kind: string; items: KubeObject[] }).items.map((item) => `${item.kind}/${item.metadata?.name}`));
    expect(names).toEqual([...snapshot.kinds.Node!.items, ...snapshot.kinds.Pod!.items].map((item) => `${item.kind}/${item.metadata?.name}`));
    expect(assemble(messages)).toEqual({ status: 'complete', snapshot: JSON.parse(JSON.stringify(snapshot)) });
  });

  it('an object larger than a part goes alone in one; empty kinds and extra fields (a relayed liveSinceSnapshot) come through', () => {
    const snapshot = { ...snapshotOf([pod('small'), pod('huge', 10_000), pod('after')]), liveSinceSnapshot: { Pod: true } };
    const messages = [...snapshotMessages(snapshot, 'x', 2_000)];
    const parts = messages.filter((message) => message.event === 'snapshot-part').map((message) => JSON.parse(message.data) as { items: KubeObject[] });
    expect(parts.map((part) => part.items.map((item) => item.metadata?.name))).toEqual([['small'], ['huge'], ['after']]);
    expect(assemble(messages)).toEqual({ status: 'complete', snapshot: JSON.parse(JSON.stringify(snapshot)) });
  });

  it('encodes a part only when asked for the next message (the caller yields between them)', () => {
    const calls: string[] = [];
    const lazy = (name: string) => ({ ...pod(name), toJSON: () => (calls.push(name), pod(name)) }) as unknown as KubeObject;
    const messages = snapshotMessages(snapshotOf([lazy('a'), lazy('b'), lazy('c')]), 'l', 120);
    messages.next(); // begin
    expect(calls).toEqual([]);
    messages.next(); // the first part: a, and b found not to fit
    expect(calls.length).toBeLessThan(3);
  });

  it('any snapshot reassembles to itself at any part size', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.nat(300)), { maxLength: 40 }), fc.integer({ min: 50, max: 3_000 }), (pods, size) => {
        const snapshot = snapshotOf(pods.map(([name, padding], i) => pod(`${name}-${i}`, padding)));
        expect(assemble(snapshotMessages(snapshot, 'p', size))).toEqual({ status: 'complete', snapshot: JSON.parse(JSON.stringify(snapshot)) });
      }),
    );
  });
});

describe('SnapshotAssembler', () => {
  it('holds nothing to apply until the end; reports progress in objects', () => {
    const assembler = new SnapshotAssembler();
    const [begin, ...rest] = [...snapshotMessages(snapshotOf([pod('a'), pod('b'), pod('c'), pod('d')]), 'a', 150)];
    assembler.begin(JSON.parse(begin!.data));
    expect(assembler.progress()).toEqual({ received: 0, total: 4 });
    assembler.part(JSON.parse(rest[0]!.data));
    expect(assembler.receiving).toBe(true);
    expect(assembler.progress()!.received).toBeGreaterThan(0);
    expect(assembler.progress()!.received).toBeLessThan(4);
    const result = assemble(rest.slice(1), assembler);
    expect(result?.status).toBe('complete');
    expect(assembler.receiving).toBe(false);
  });

  it('a new begin drops a half-received snapshot; parts of the old one that still come are ignored', () => {
    const old = [...snapshotMessages(snapshotOf([pod('old1'), pod('old2'), pod('old3')]), 'old', 150)];
    const fresh = [...snapshotMessages(snapshotOf([pod('new')]), 'new', 150)];
    const assembler = new SnapshotAssembler();
    assemble(old.slice(0, 2), assembler);
    assembler.begin(JSON.parse(fresh[0]!.data));
    for (const message of old.slice(2, -1)) expect(assembler.part(JSON.parse(message.data))).toBe(false);
    expect(assembler.end(JSON.parse(old.at(-1)!.data))).toEqual({ status: 'ignored' });
    const result = assemble(fresh.slice(1), assembler);
    expect(result?.status === 'complete' && result.snapshot.kinds.Pod!.items.map((item) => item.metadata?.name)).toEqual(['new']);
  });

  it('an end whose parts did not all arrive says so; parts and ends without a begin are ignored', () => {
    const messages = [...snapshotMessages(snapshotOf([pod('a'), pod('b'), pod('c')]), 'm', 150)];
    expect(assemble(messages.filter((_, i) => i !== 2))).toMatchObject({ status: 'incomplete' });
    expect(assemble(messages.slice(1))).toEqual({ status: 'ignored' });
    const assembler = new SnapshotAssembler();
    expect(assembler.part({ id: 'm', kind: 'Pod', items: [] })).toBe(false);
    expect(assembler.end({ id: 'm', parts: 0 })).toEqual({ status: 'ignored' });
    assembler.begin('nonsense');
    expect(assembler.receiving).toBe(false);
  });
});
