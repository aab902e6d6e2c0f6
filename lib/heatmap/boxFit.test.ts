import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state';
import { makeNode, nestedCluster } from '../placement/testkit';
import { demoSnapshot } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { boxHeight, boxScale, FIT_MARGIN, layoutForBox } from './boxFit';
import { layoutHeatmap } from './layout';
import { stableLayout } from './model';

const demo = (): ClusterState => clusterStateFromSnapshot(demoSnapshot());
/** Width and height of the fitted drawing in a box, CSS px. */
const drawn = (layout: { width: number; height: number }, width: number, height: number) => {
  const k = boxScale(layout, width, height);
  return { w: layout.width * k, h: layout.height * k };
};

describe('a heatmap fitted to an embedded box', () => {
  it('the scale preview’s box (672 px wide, up to 240 tall): the demo cluster fills its width, where the page’s own layout in 110 px used a quarter', () => {
    const state = demo();
    const box = { width: 672, minHeight: 110, maxHeight: 240 };
    const layout = layoutForBox(state, box);
    const height = boxHeight(layout, box);
    expect(height).toBeGreaterThan(110);
    expect(height).toBeLessThanOrEqual(240);
    const fitted = drawn(layout, box.width, height);
    expect(fitted.w).toBeGreaterThan(0.9 * (box.width - 2 * FIT_MARGIN));
    expect(fitted.h).toBeLessThanOrEqual(height - 2 * FIT_MARGIN + 1e-6);
    // Before: the topology page's layout (shaped 1.8 : 1) in the fixed 110 px box.
    const before = drawn(layoutHeatmap(state), box.width, 110);
    expect(before.w).toBeLessThan(0.3 * box.width);
    // Cells (10 layout units) readable: from about 2 px to over 6.
    expect(10 * boxScale(layoutHeatmap(state), box.width, 110)).toBeLessThan(2.5);
    expect(10 * boxScale(layout, box.width, height)).toBeGreaterThan(6);
  });

  it('a wide box (the workload page, 1200 px): still the full width, cells no smaller than in the narrow box', () => {
    const state = demo();
    const box = { width: 1200, minHeight: 140, maxHeight: 240 };
    const layout = layoutForBox(state, box);
    const height = boxHeight(layout, box);
    expect(drawn(layout, box.width, height).w).toBeGreaterThan(0.85 * (box.width - 2 * FIT_MARGIN));
    const narrow = layoutForBox(state, { width: 672, minHeight: 110, maxHeight: 240 });
    expect(boxScale(layout, 1200, height)).toBeGreaterThanOrEqual(boxScale(narrow, 672, 240));
  });

  it('a box never leaves [minHeight, maxHeight]: one small node gets the tallest box, a long row of racks a short one', () => {
    const one: ClusterState = { nodes: [makeNode('n0', { gpu: 8 })], pods: [], topologies: [] };
    const box = { width: 672, minHeight: 110, maxHeight: 240 };
    expect(boxHeight(layoutForBox(one, box), box)).toBe(240);
    const flat = nestedCluster([], [400], { gpu: 4 });
    const wideBox = { width: 1600, minHeight: 110, maxHeight: 240 };
    const h = boxHeight(layoutForBox(flat, wideBox), wideBox);
    expect(h).toBeGreaterThanOrEqual(110);
    expect(h).toBeLessThanOrEqual(240);
    const empty: ClusterState = { nodes: [], pods: [], topologies: [] };
    expect(boxHeight(layoutForBox(empty, box), box)).toBe(110);
  });

  it('the same nodes and width keep the previous layout object (the canvas keeps its picture); another width packs anew', () => {
    const state = demo();
    const box = { width: 672, minHeight: 110, maxHeight: 240 };
    const first = layoutForBox(state, box);
    expect(layoutForBox({ ...state, pods: [] }, box, first)).toBe(first);
    const wider = layoutForBox(state, { ...box, width: 1400 }, first);
    expect(wider).not.toBe(first);
    expect(wider.signature).not.toBe(first.signature);
    // The page's default layout is not taken for a box-shaped one, nor the other way round.
    const page = stableLayout(state);
    expect(layoutForBox(state, box, page)).not.toBe(page);
  });
});
