import { describe, expect, test } from 'vitest';
import type { ClusterState } from '../cluster/state';
import { boundPod, nestedCluster } from '../placement/testkit';
import { diffModels } from './diff';
import { buildHeatmapModel, CELL_FREE, CELL_UNAVAILABLE } from './model';

/** Cells of node `name` in `model`'s layout. */
function cellsOf(model: ReturnType<typeof buildHeatmapModel>, name: string): number[] {
  const { layout } = model;
  return Array.from({ length: layout.cellCount }, (_, c) => c).filter((c) => layout.nodes[layout.cellNode[c]!]!.name === name);
}

describe('diffModels on a kept layout', () => {
  // Two racks of two 8-GPU nodes; one pod holds 3 GPUs of the first node.
  const base = nestedCluster(['rack'], [2, 2]);
  const [busy, other] = base.nodes;
  const state: ClusterState = { ...base, pods: [boundPod('p', busy!.name, 3)] };

  test('a node cordoned with no pod change repaints its free cells (their status changed, their occupant did not)', () => {
    const before = buildHeatmapModel(state);
    const cordoned = { ...state, nodes: state.nodes.map((n) => (n.name === busy!.name ? { ...n, unschedulable: true } : n)) };
    const after = buildHeatmapModel(cordoned, { previousLayout: before.layout });
    expect(after.layout).toBe(before.layout);

    const cells = cellsOf(before, busy!.name);
    const free = cells.filter((c) => before.cellPod[c] === -1);
    expect(free).toHaveLength(5);
    for (const c of free) expect([before.cellStatus[c], after.cellStatus[c]]).toEqual([CELL_FREE, CELL_UNAVAILABLE]);
    const diff = diffModels(before, after);
    expect(diff.relayout).toBe(false);
    // Exactly the free cells: the pod's cells keep their occupant and their colour.
    expect(Array.from(diff.changed)).toEqual(free);
  });

  test('a node turning NotReady does the same; nothing changes when nothing did', () => {
    const before = buildHeatmapModel(state);
    const notReady = { ...state, nodes: state.nodes.map((n) => (n.name === other!.name ? { ...n, ready: false } : n)) };
    const after = buildHeatmapModel(notReady, { previousLayout: before.layout });
    expect(after.layout).toBe(before.layout);
    expect(Array.from(diffModels(before, after).changed)).toEqual(cellsOf(before, other!.name));
    expect(diffModels(before, buildHeatmapModel(state, { previousLayout: before.layout })).changed).toHaveLength(0);
  });
});
