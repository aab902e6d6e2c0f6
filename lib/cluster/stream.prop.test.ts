import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import { EventCoalescer, backoffDelay } from './stream';
import { applyWatchEvent, createObjectStore, reconcile, storeItems, type WatchEvent } from './watch';

const object = (name: string, rv: number): KubeObject => ({ metadata: { namespace: 'ns', name, resourceVersion: String(rv) }, spec: { value: `${name}@${rv}` } } as KubeObject);

// A step is an upstream event (resourceVersions rise with every event, as etcd's revision does), a batch flush, or a new subscriber joining (snapshot of the hub's store).
const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('event' as const), type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'), name: fc.constantFrom('a', 'b', 'c', 'd') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('flush' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('join' as const) }) },
);

describe('coalesced batches', () => {
  it('a subscriber applying snapshot + last-event-per-object batches ends equal to the hub store', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const hub = createObjectStore('Pod');
        const coalescer = new EventCoalescer();
        const subscribers = [createObjectStore('Pod')];
        let revision = 0;
        for (const s of steps) {
          if (s.op === 'event') {
            const event = { type: s.type, object: object(s.name, ++revision) } as WatchEvent;
            // As the hub does: only events that changed its store go into the batch.
            if (applyWatchEvent(hub, event)) coalescer.add('Pod', event);
          } else if (s.op === 'flush') {
            const batch = coalescer.take().Pod ?? [];
            for (const subscriber of subscribers) for (const event of batch) applyWatchEvent(subscriber, event);
          } else {
            // Joins between flushes see pending events in the snapshot and again in the next batch.
            const joined = createObjectStore('Pod');
            reconcile(joined, { items: storeItems(hub), resourceVersion: hub.resourceVersion });
            subscribers.push(joined);
          }
        }
        const batch = coalescer.take().Pod ?? [];
        for (const subscriber of subscribers) {
          for (const event of batch) applyWatchEvent(subscriber, event);
          expect(storeItems(subscriber)).toEqual(storeItems(hub));
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('backoffDelay', () => {
  it('stays within [ceiling/2, ceiling], doubling from the base up to the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, { baseMs: 500, capMs: 30_000 }, () => r);
        const ceiling = Math.min(30_000, 500 * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });
});
