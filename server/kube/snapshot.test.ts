import { describe, expect, test } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { createSimulatedSource } from '../sources/simulated';
import type { ClusterSource, ListOptions, ListPage } from '../sources/types';
import { clusterSnapshot, listAll } from './snapshot';

/** The simulated demo, counting the list calls that reach it, each held until `release`. */
function countingSource(): { source: ClusterSource; calls: WatchedKind[]; release: () => void } {
  const inner = createSimulatedSource();
  const calls: WatchedKind[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const source = Object.create(inner) as ClusterSource;
  source.list = async (kind: WatchedKind, options: ListOptions): Promise<ListPage> => {
    calls.push(kind);
    await gate;
    return inner.list(kind, options);
  };
  return { source, calls, release };
}

describe('listAll', () => {
  test('requests at the same time share one list per kind: the apiserver lists each kind once', async () => {
    const { source, calls, release } = countingSource();
    const snapshots = Array.from({ length: 20 }, () => clusterSnapshot(source));
    const pods = listAll(source, 'Pod');
    release();
    const results = await Promise.all(snapshots);
    expect(calls.sort()).toEqual(['ClusterTopologyBinding', 'Node', 'Pod']);
    expect((await pods).length).toBeGreaterThan(0);
    for (const r of results) expect(r.items.length).toBe(results[0]!.items.length);
  });

  test('a list that ended is not kept: the next request lists afresh', async () => {
    const { source, calls, release } = countingSource();
    release();
    await listAll(source, 'Node');
    await listAll(source, 'Node');
    expect(calls).toEqual(['Node', 'Node']);
  });

  test('a failed list is not shared with later requests', async () => {
    const inner = createSimulatedSource();
    let fail = true;
    const source = Object.create(inner) as ClusterSource;
    source.list = async (kind, options) => {
      if (fail) throw new Error('apiserver unavailable');
      return inner.list(kind, options);
    };
    await expect(listAll(source, 'Node')).rejects.toThrow('apiserver unavailable');
    fail = false;
    expect((await listAll(source, 'Node')).length).toBeGreaterThan(0);
  });
});
