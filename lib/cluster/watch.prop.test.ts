import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import { applyWatchEvent, createObjectStore, reconcile, storeItems, type WatchEvent } from './watch';

const names = fc.constantFrom('a', 'b', 'c', 'd', 'e');
// As in Kubernetes, one resourceVersion of one object always has the same contents.
const object = (name: string, rv: number, _value?: number): KubeObject => ({ metadata: { namespace: 'ns', name, resourceVersion: String(rv) }, spec: { value: `${name}@${rv}` } } as KubeObject);

// Random events, in any order, with any versions (stale, duplicate, out of order): the store must
// still end equal to the truth once a relist is reconciled, and the reconcile deltas must be exact.
const event = fc.record({
  type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'),
  name: names,
  rv: fc.integer({ min: 1, max: 50 }),
  value: fc.integer({ min: 0, max: 3 }),
});
const truth = fc.uniqueArray(fc.record({ name: names, rv: fc.integer({ min: 1, max: 60 }), value: fc.integer({ min: 0, max: 3 }) }), { selector: (item) => item.name });

describe('applyWatchEvent + reconcile', () => {
  it('any event sequence, then reconcile against the truth, leaves the store equal to the truth', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), truth, (events, final) => {
        const store = createObjectStore('Pod');
        for (const e of events) applyWatchEvent(store, { type: e.type, object: object(e.name, e.rv, e.value) } as WatchEvent);
        const before = new Map(store.objects);
        const items = final.map((item) => object(item.name, item.rv, item.value));
        const deltas = reconcile(store, { items, resourceVersion: '99' });

        const sorted = [...items].sort((x, y) => x.metadata!.name!.localeCompare(y.metadata!.name!));
        expect(storeItems(store)).toEqual(sorted);
        expect(store.resourceVersion).toBe('99');

        // The deltas, replayed on the old contents without a version guard, give the truth too.
        const replay = new Map(before);
        for (const delta of deltas) {
          const key = `ns/${delta.object.metadata!.name}`;
          if (delta.type === 'DELETED') replay.delete(key);
          else replay.set(key, delta.object);
        }
        expect([...replay.keys()].sort().map((key) => replay.get(key))).toEqual(sorted);
        // And no delta is spurious.
        for (const delta of deltas) if (delta.type === 'MODIFIED') expect(before.get(`ns/${delta.object.metadata!.name}`)).not.toEqual(delta.object);
      }),
      { numRuns: 300 },
    );
  });

  it('after ADDED/MODIFIED the stored object is that event, or a newer one', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const store = createObjectStore('Pod');
        for (const e of events) {
          const before = store.objects.get(`ns/${e.name}`);
          const changed = applyWatchEvent(store, { type: e.type, object: object(e.name, e.rv, e.value) } as WatchEvent);
          if (e.type !== 'ADDED' && e.type !== 'MODIFIED') continue;
          const stored = store.objects.get(`ns/${e.name}`)!;
          expect(Number(stored.metadata!.resourceVersion)).toBeGreaterThanOrEqual(e.rv);
          expect(changed).toBe(stored !== before);
        }
      }),
      { numRuns: 300 },
    );
  });
});
