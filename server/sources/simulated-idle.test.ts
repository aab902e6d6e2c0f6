/**
 * The simulator's idle cost: a tick with nothing changed since a tick that wrote nothing reads no
 * object (a 12,500-node cluster otherwise rebuilt its ClusterState from every Node and Pod, 800 ms
 * apart, to place pods that still do not fit), and a change wakes it.
 */
import { describe, expect, it, vi } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { createSimulatedSource, type SimulatedSource } from './simulated';

/** A pod asking for more GPUs than any node has: Pending for ever, retried by the scheduler. */
const unfittable = (name: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { 'nvidia.com/gpu': '64' }, limits: { 'nvidia.com/gpu': '64' } } }] } }) as KubeObject;
const fitting = (name: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } }] } }) as KubeObject;

function cluster(): SimulatedSource {
  return createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 11 });
}

/** The kinds a step read from the store (store.all), in order. */
function readsOf(s: SimulatedSource, run: () => void): WatchedKind[] {
  const spy = vi.spyOn(s.store, 'all');
  try {
    run();
    return spy.mock.calls.map(([kind]) => kind);
  } finally {
    spy.mockRestore();
  }
}

describe('an idle simulated cluster', () => {
  it('does not rebuild the cluster state on a quiet tick, with a pod pending that does not fit', async () => {
    const s = cluster();
    await s.apply(unfittable('huge'), { dryRun: false });
    expect(readsOf(s, () => s.step())).toContain('Node'); // the scheduler built its ClusterState
    s.settle();
    expect(s.step()).toBe(0);
    expect(readsOf(s, () => expect(s.step()).toBe(0))).toEqual([]);
    const pod = s.store.get('Pod', 'default/huge') as KubeObject & { status: { conditions: { type: string; reason?: string }[] } };
    expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', reason: 'Unschedulable' }));
  });

  it('wakes on any write: an apply is scheduled at the next tick as before', async () => {
    const s = cluster();
    s.settle();
    expect(readsOf(s, () => s.step())).toEqual([]);
    await s.apply(fitting('small'), { dryRun: false });
    expect(readsOf(s, () => expect(s.step()).toBeGreaterThan(0))).toContain('Node');
    const bound = s.store.get('Pod', 'default/small') as KubeObject & { spec: { nodeName?: string } };
    expect(bound.spec.nodeName).toBeTruthy();
    s.settle();
    const ready = s.store.get('Pod', 'default/small') as KubeObject & { status: { conditions: { type: string; status: string }[] } };
    expect(ready.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    // A write straight into the store (as a test or the snapshot loader makes) wakes it too.
    s.settle();
    s.store.remove('Pod', 'default/small');
    expect(readsOf(s, () => s.step())).not.toEqual([]);
  });
});
