/**
 * What a search leaves selected when it finds a pod or a node (TopologyView's onSearch): what was
 * found is never dimmed by a selection of something else.
 */
import { describe, expect, test } from 'vitest';
import type { ClusterState } from '../../lib/cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF } from '../../lib/grove/labels';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { boundPod, makeNode } from '../../lib/placement/testkit';
import { selectionAfterFinding } from './TopologyView';

const of = (workload: string) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: workload });
// node-a: all 4 GPUs held by stack a; node-b: 2 of 4 by stack a, 2 free; node-c: stack b (4) and a pod no stack owns (2).
const state: ClusterState = {
  nodes: [makeNode('node-a', { gpu: 4 }), makeNode('node-b', { gpu: 4 }), makeNode('node-c', { gpu: 8 })],
  pods: [
    { ...boundPod('a-0', 'node-a', 4), labels: of('a') },
    { ...boundPod('a-1', 'node-b', 2), labels: of('a') },
    { ...boundPod('b-0', 'node-c', 4), labels: of('b') },
    boundPod('loose', 'node-c', 2),
  ],
  topologies: [],
};
const model = buildHeatmapModel(state);
const node = (name: string) => ({ node: model.layout.nodes.find((b) => b.name === name)! });
const pod = (name: string) => ({ pod: model.pods.find((p) => p.name === name)! });

describe('selectionAfterFinding', () => {
  test('a node found clears a selection that would dim any of its GPUs (none, some free, or another stack’s)', () => {
    expect(selectionAfterFinding(model, 'default/a', node('node-c'))).toBeNull();
    expect(selectionAfterFinding(model, 'default/a', node('node-b'))).toBeNull();
    expect(selectionAfterFinding(model, 'default/b', node('node-a'))).toBeNull();
  });

  test('a node found keeps a selection that holds every GPU of it (nothing of it is dimmed), and no selection stays none', () => {
    expect(selectionAfterFinding(model, 'default/a', node('node-a'))).toBe('default/a');
    expect(selectionAfterFinding(model, null, node('node-a'))).toBeNull();
  });

  test('a pod found selects its own stack, replacing another; a pod no stack owns clears the selection', () => {
    expect(selectionAfterFinding(model, 'default/a', pod('b-0'))).toBe('default/b');
    expect(selectionAfterFinding(model, null, pod('a-1'))).toBe('default/a');
    expect(selectionAfterFinding(model, 'default/a', pod('loose'))).toBeNull();
  });
});
