import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import { applyWatchEvent, compareResourceVersions, createObjectStore, LAST_APPLIED_ANNOTATION, reconcile, storeItems, stripBulk, type WatchEvent } from './watch';

const pod = (name: string, rv: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'ns', name, resourceVersion: rv },
  ...extra,
});

describe('compareResourceVersions', () => {
  it('compares decimal integers numerically, beyond 2^53, ignoring leading zeros', () => {
    expect(compareResourceVersions('9', '10')).toBe(-1);
    expect(compareResourceVersions('10', '9')).toBe(1);
    expect(compareResourceVersions('007', '7')).toBe(0);
    expect(compareResourceVersions('90071992547409930', '90071992547409921')).toBe(1);
  });
  it('returns null when either side is not an integer', () => {
    expect(compareResourceVersions('abc', '1')).toBeNull();
    expect(compareResourceVersions('1', undefined)).toBeNull();
    expect(compareResourceVersions('-1', '1')).toBeNull();
  });
});

describe('applyWatchEvent', () => {
  it('inserts on ADDED and replaces on MODIFIED, advancing the store version', () => {
    const store = createObjectStore('Pod');
    expect(applyWatchEvent(store, { type: 'ADDED', object: pod('a', '5') })).toBe(true);
    expect(applyWatchEvent(store, { type: 'MODIFIED', object: pod('a', '6', { status: { phase: 'Running' } }) })).toBe(true);
    expect(store.objects.get('ns/a')).toMatchObject({ status: { phase: 'Running' } });
    expect(store.resourceVersion).toBe('6');
  });

  it('ignores an event older than the stored object', () => {
    const store = createObjectStore('Pod');
    applyWatchEvent(store, { type: 'ADDED', object: pod('a', '10') });
    expect(applyWatchEvent(store, { type: 'MODIFIED', object: pod('a', '9', { status: { phase: 'Pending' } }) })).toBe(false);
    expect(applyWatchEvent(store, { type: 'DELETED', object: pod('a', '8') })).toBe(false);
    expect(store.objects.get('ns/a')?.metadata?.resourceVersion).toBe('10');
    expect(store.resourceVersion).toBe('10');
  });

  it('accepts the event when versions do not parse as integers', () => {
    const store = createObjectStore('Pod');
    applyWatchEvent(store, { type: 'ADDED', object: pod('a', 'x2') });
    expect(applyWatchEvent(store, { type: 'MODIFIED', object: pod('a', 'x1') })).toBe(true);
    expect(store.objects.get('ns/a')?.metadata?.resourceVersion).toBe('x1');
  });

  it('removes on DELETED and reports no change for an unknown key', () => {
    const store = createObjectStore('Pod');
    applyWatchEvent(store, { type: 'ADDED', object: pod('a', '1') });
    expect(applyWatchEvent(store, { type: 'DELETED', object: pod('a', '2') })).toBe(true);
    expect(applyWatchEvent(store, { type: 'DELETED', object: pod('b', '3') })).toBe(false);
    expect(store.objects.size).toBe(0);
    expect(store.resourceVersion).toBe('3');
  });

  it('BOOKMARK only advances the version; ERROR and malformed events change nothing and never throw', () => {
    const store = createObjectStore('Pod');
    applyWatchEvent(store, { type: 'ADDED', object: pod('a', '4') });
    expect(applyWatchEvent(store, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '40' } } })).toBe(false);
    expect(store.resourceVersion).toBe('40');
    expect(applyWatchEvent(store, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '30' } } })).toBe(false);
    expect(store.resourceVersion).toBe('40');
    const status = { kind: 'Status', code: 410, metadata: { name: 'a', namespace: 'ns' } } as KubeObject;
    expect(applyWatchEvent(store, { type: 'ERROR', object: status })).toBe(false);
    for (const bad of [null, undefined, {}, { type: 'ADDED' }, { type: 'ADDED', object: null }, { type: 'WEIRD', object: pod('z', '1') }, { type: 'ADDED', object: { metadata: {} } }]) {
      expect(applyWatchEvent(store, bad as unknown as WatchEvent)).toBe(false);
    }
    expect(storeItems(store)).toEqual([pod('a', '4')]);
  });
});

describe('reconcile', () => {
  it('returns exactly the ADDED, MODIFIED and DELETED events between store and list, and adopts the list', () => {
    const store = createObjectStore('Pod');
    for (const object of [pod('keep', '1'), pod('change', '2'), pod('gone', '3')]) applyWatchEvent(store, { type: 'ADDED', object });
    const events = reconcile(store, { items: [pod('keep', '1'), pod('change', '7'), pod('new', '8')], resourceVersion: '9' });
    expect(events.map((event) => [event.type, event.object.metadata?.name])).toEqual([
      ['MODIFIED', 'change'],
      ['ADDED', 'new'],
      ['DELETED', 'gone'],
    ]);
    expect(storeItems(store).map((object) => object.metadata?.name)).toEqual(['change', 'keep', 'new']);
    expect(store.resourceVersion).toBe('9');
  });

  it('compares contents when objects carry no resourceVersion', () => {
    const store = createObjectStore('Node');
    applyWatchEvent(store, { type: 'ADDED', object: { metadata: { name: 'n1' }, spec: { a: 1 } } as KubeObject });
    expect(reconcile(store, { items: [{ metadata: { name: 'n1' }, spec: { a: 1 } } as KubeObject], resourceVersion: '' })).toEqual([]);
    expect(reconcile(store, { items: [{ metadata: { name: 'n1' }, spec: { a: 2 } } as KubeObject], resourceVersion: '' })).toHaveLength(1);
  });
});

describe('stripBulk', () => {
  it('drops managedFields and the last-applied annotation without touching the input', () => {
    const input = {
      metadata: { name: 'a', managedFields: [{ manager: 'kubectl' }], annotations: { [LAST_APPLIED_ANNOTATION]: '{}', keep: 'me' } },
      spec: {},
    } as KubeObject;
    const copy = structuredClone(input);
    expect(stripBulk(input)).toEqual({ metadata: { name: 'a', annotations: { keep: 'me' } }, spec: {} });
    expect(input).toEqual(copy);
  });
  it('removes an annotations map left empty, and returns the same object when nothing is bulky', () => {
    expect(stripBulk({ metadata: { name: 'a', annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } } })).toEqual({ metadata: { name: 'a' } });
    const lean = pod('a', '1');
    expect(stripBulk(lean)).toBe(lean);
  });
});
