import { describe, expect, test } from 'vitest';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { layoutHeatmap, type HeatmapLayout } from './layout';
import { isFittedView, regroupedTransform } from './regroupView';
import { withStacks } from './testkit';
import type { ZoomState } from './urlState';

const state = withStacks(clusterStateFromSnapshot(demoSnapshot()), demoStacks());
const canvas = { width: 1200, height: 560 };
const centre = (t: ZoomState) => ({ x: (canvas.width / 2 - t.x) / t.k, y: (canvas.height / 2 - t.y) / t.k });
const fittedK = (layout: HeatmapLayout) => Math.min(canvas.width / layout.width, canvas.height / layout.height);
/** The fitted view of a layout on the canvas (centred at fittedK). */
function fittedOf(layout: HeatmapLayout): ZoomState {
  return centredOn(layout.width / 2, layout.height / 2, fittedK(layout));
}
/** The transform centring a layout point at scale k. */
function centredOn(x: number, y: number, k: number): ZoomState {
  return { k, x: canvas.width / 2 - x * k, y: canvas.height / 2 - y * k };
}

describe('regroupedTransform', () => {
  const before = layoutHeatmap(state);
  const level = before.levels.find((l) => before.visibleLevels.includes(l.domain) && l.domain !== before.visibleLevels[before.visibleLevels.length - 1])!.domain;
  const after = layoutHeatmap(state, { hiddenLevels: [level] });

  test('a zoom on a node stays on that node, at the same scale and the same offset from its middle', () => {
    // The grouping moved the nodes: the same transform would show another place.
    const moved = before.nodes.find((box) => {
      const other = after.nodes.find((b) => b.name === box.name)!;
      return other.x !== box.x || other.y !== box.y;
    })!;
    expect(moved).toBeDefined();
    const k = 4 * fittedK(before);
    const t = centredOn(moved.x + moved.w / 2 + 3, moved.y + moved.h / 2 - 2, k);
    const next = regroupedTransform(before, after, t, canvas, fittedOf(before))!;
    expect(next.k).toBe(k);
    const box = after.nodes.find((b) => b.name === moved.name)!;
    const c = centre(next);
    expect(c.x).toBeCloseTo(box.x + box.w / 2 + 3, 6);
    expect(c.y).toBeCloseTo(box.y + box.h / 2 - 2, 6);
  });

  test('a centre between nodes follows the nearest one', () => {
    const [a] = before.nodes;
    const k = 3 * fittedK(before);
    const t = centredOn(a!.x - 5, a!.y + a!.h / 2, k); // just left of the first node
    const next = regroupedTransform(before, after, t, canvas, fittedOf(before))!;
    const box = after.nodes.find((b) => b.name === a!.name)!;
    expect(centre(next).x).toBeCloseTo(box.x - 5, 6);
    expect(centre(next).y).toBeCloseTo(box.y + box.h / 2, 6);
  });

  test('the fitted view is refitted (null), and so is a view whose nodes are all gone', () => {
    const fitted = fittedOf(before);
    expect(regroupedTransform(before, after, fitted, canvas, fitted)).toBeNull();
    const empty = layoutHeatmap({ ...state, nodes: [], pods: [] });
    expect(regroupedTransform(before, empty, centredOn(10, 10, 3 * fitted.k), canvas, fitted)).toBeNull();
  });

  test('a view panned at the fitted scale is a person’s view: it is kept, not refitted', () => {
    const fitted = fittedOf(before);
    const panned = { ...fitted, x: fitted.x - 40 };
    const next = regroupedTransform(before, after, panned, canvas, fitted);
    expect(next).not.toBeNull();
    expect(next!.k).toBe(fitted.k);
  });
});

describe('isFittedView', () => {
  test('the same scale and place (to half a pixel) is the fitted view; a zoom or a pan is not', () => {
    const fitted = { k: 0.8, x: 12, y: 30 };
    expect(isFittedView({ k: 0.8, x: 12.3, y: 29.8 }, fitted)).toBe(true);
    expect(isFittedView({ k: 0.81, x: 12, y: 30 }, fitted)).toBe(false);
    expect(isFittedView({ k: 0.8, x: 13, y: 30 }, fitted)).toBe(false);
  });
});
