/** What the topology page says when the URL selects a workload the map does not have (TopologyView's missingSelectionText). */
import { describe, expect, test } from 'vitest';
import { LIVE } from '../hooks/kindAvailability';
import { missingSelectionText } from './TopologyView';

describe('missingSelectionText', () => {
  test('a workload not in the cluster is said to be not in it, never that it "holds no GPUs"', () => {
    const text = missingSelectionText('default/deleted-stack', LIVE, undefined);
    expect(text).toContain('Workload default/deleted-stack is not in this cluster');
    expect(text).not.toMatch(/holds no GPUs/);
  });

  test('pods listed in one namespace: a workload of another namespace is said to be outside it, with where to look', () => {
    expect(missingSelectionText('team-b/mixtral', LIVE, 'team-a')).toBe('Workload team-b/mixtral is not in namespace team-a, the one this page lists pods of: choose team-b in the header to look for it there.');
    expect(missingSelectionText('team-a/mixtral', LIVE, 'team-a')).toContain('is not in this cluster (namespace team-a)');
  });

  test('while pods load, or when they cannot be listed, it does not claim the workload is missing', () => {
    expect(missingSelectionText('default/x', { status: 'loading' }, undefined)).toBe('Looking for workload default/x: the pods are still loading.');
    const refused = missingSelectionText('default/x', { status: 'forbidden' }, 'default');
    expect(refused).toMatch(/^Workload default\/x cannot be looked for: /);
    expect(refused).not.toContain('not in this cluster');
  });

  test('a workload the cluster lists but the map has nothing of (no pods yet, scaled to 0, CPU nodes only) is not called deleted', () => {
    const text = missingSelectionText('default/just-applied', LIVE, undefined, true);
    expect(text).toBe('Workload default/just-applied has no pods on this map yet: its pods may not be created (or it is scaled to 0), or they run on nodes without GPUs. Nothing on the map is dimmed for it.');
    expect(text).not.toContain('deleted');
  });
});
