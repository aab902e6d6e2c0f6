import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ClusterState, PodInfo } from '../cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODCLIQUE_POD_INDEX, LABEL_PODGANG } from '../grove/labels';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { previewPodCliqueSet } from '../placement/preview';
import { boundPod, groveE2eCluster, makeNode, nestedCluster } from '../placement/testkit';
import { demoSnapshot, demoStacks, DEMO_GPU_COUNT } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { GPU_CLIQUE_LABEL } from '../topology/spec';
import { buildTopologyTree, UNLABELLED } from '../topology/tree';
import { colorCells, stableHash, workloadColor } from './colors';
import { diffModels } from './diff';
import { cellCenter, contains, framePathInView, hitTest } from './hitTest';
import { boundsOfCells, CELL, CELL_GAP, layoutHeatmap, type HeatmapLayout, type Rect } from './layout';
import { levelValueLabel, levelValueLabels, NVLINK_LEVEL } from './levels';
import { buildHeatmapModel, CELL_FREE, CELL_GROVE, CELL_OTHER, CELL_UNAVAILABLE, frameWorkloads, NODE_CORDONED, NODE_USABLE, occupyLayout, stableLayout } from './model';
import { previewFromText } from './preview';
import { ghostOverlay } from './overlay';
import { workloadSpan } from './span';
import { roleResolver } from './roles';
import { withStacks } from './testkit';
import { decodeViewState, DEFAULT_VIEW, encodeViewState, MAP_SCALE_EXTENT, MAX_ZOOM_TRANSLATE, ZOOM_SCALE_EXTENT, type HeatmapViewState } from './urlState';

const demo = (): ClusterState => withStacks(clusterStateFromSnapshot(demoSnapshot()), demoStacks());

const overlaps = (a: Rect, b: Rect): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (inner: Rect, outer: Rect): boolean =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;

/** The layout invariants: every GPU once, cells inside node and frames, no overlaps among siblings. */
function checkLayout(layout: HeatmapLayout, state: ClusterState): void {
  const expected = state.nodes.reduce((s, n) => s + Math.max(0, n.allocatable.gpu), 0);
  expect(layout.cellCount).toBe(expected);
  const seen = new Set<string>();
  for (let c = 0; c < layout.cellCount; c++) {
    const box = layout.nodes[layout.cellNode[c]!]!;
    const id = `${box.name}#${layout.cellGpu[c]}`;
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    const cell = { x: layout.cellX[c]!, y: layout.cellY[c]!, w: CELL, h: CELL };
    expect(inside(cell, box)).toBe(true);
    for (let f = box.frame; f >= 0; f = layout.frames[f]!.parent) expect(inside(box, layout.frames[f]!)).toBe(true);
  }
  expect(seen.size).toBe(expected);
  expect(new Set(layout.nodes.map((b) => b.name)).size).toBe(layout.nodes.length);
  // Node boxes never overlap; frames overlap only their ancestors/descendants.
  for (let i = 0; i < layout.nodes.length; i++)
    for (let j = i + 1; j < layout.nodes.length; j++) expect(overlaps(layout.nodes[i]!, layout.nodes[j]!)).toBe(false);
  const ancestor = (a: number, b: number): boolean => {
    for (let f = layout.frames[b]!.parent; f >= 0; f = layout.frames[f]!.parent) if (f === a) return true;
    return false;
  };
  for (let i = 0; i < layout.frames.length; i++)
    for (let j = i + 1; j < layout.frames.length; j++)
      if (!ancestor(i, j)) expect(overlaps(layout.frames[i]!, layout.frames[j]!)).toBe(false);
  // Each frame's nodes carry its tuple of values.
  for (const frame of layout.frames)
    for (let n = frame.nodeStart; n < frame.nodeEnd; n++) expect(layout.nodes[n]!.domains[frame.level]).toBe(frame.value);
}

describe('layout', () => {
  test('a large cluster is laid out for a wide screen (a zone of 5 blocks of 10 racks, 2 zones of 10 blocks of 25 racks, a flat cluster)', () => {
    for (const [domains, fanOut] of [
      [['zone', 'block', 'rack'], [1, 5, 10, 25]],
      [['zone', 'block', 'rack'], [2, 10, 25, 25]],
      [['block'], [3, 40]],
      [[], [500]],
    ] as [string[], number[]][]) {
      const { layout } = buildHeatmapModel(nestedCluster(domains, fanOut, { gpu: 8 }));
      const aspect = layout.width / layout.height;
      // Width / height near the page's (1.8): not the tall column five blocks in rows of two gave.
      expect(aspect, `${fanOut.join('×')}: ${layout.width.toFixed(0)} × ${layout.height.toFixed(0)}`).toBeGreaterThan(1);
      expect(aspect).toBeLessThan(3.6);
    }
  });

  test('the demo cluster: 352 GPUs, zone > block > rack > NVLink frames, invariants hold', () => {
    const state = demo();
    const model = buildHeatmapModel(state);
    expect(model.totals.gpus).toBe(DEMO_GPU_COUNT);
    expect(model.layout.levels.map((l) => l.domain)).toEqual(['zone', 'block', 'rack', 'nvlink']);
    checkLayout(model.layout, state);
    // Used GPUs agree with the topology tree's accounting.
    expect(model.totals.used).toBe(buildTopologyTree(state, state.topologies[0]!).totals.used.gpu);
  });

  test('collapsing levels regroups the same GPUs', () => {
    const state = demo();
    const model = buildHeatmapModel(state, { hiddenLevels: ['block', 'nvlink'] });
    expect(model.layout.visibleLevels).toEqual(['zone', 'rack']);
    expect(new Set(model.layout.frames.map((f) => f.level))).toEqual(new Set(['zone', 'rack']));
    checkLayout(model.layout, state);
    const none = buildHeatmapModel(state, { hiddenLevels: ['zone', 'block', 'rack', 'nvlink'] });
    expect(none.layout.frames).toEqual([]);
    checkLayout(none.layout, state);
  });

  test('property: random clusters (levels that do not nest, unlabelled nodes, any GPU count) keep the invariants', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gpus: fc.integer({ min: 0, max: 20 }), zone: fc.option(fc.integer({ min: 0, max: 2 })), rack: fc.option(fc.integer({ min: 0, max: 4 })) }), { minLength: 0, maxLength: 30 }),
        fc.subarray(['zone', 'rack']),
        // The page's shape, or an embedded map's (lib/heatmap/boxFit.ts): wider than any frame shape too.
        fc.option(fc.double({ min: 0.5, max: 12, noNaN: true }), { nil: undefined }),
        (specs, hidden, screenAspect) => {
          const nodes = specs.map((s, i) => {
            const labels: Record<string, string> = {};
            if (s.zone !== null) labels['topology.kubernetes.io/zone'] = `z${s.zone}`;
            if (s.rack !== null) labels['topology.kubernetes.io/rack'] = `r${s.rack}`; // racks shared across zones: no nesting
            return makeNode(`n${i}`, { gpu: s.gpus, labels });
          });
          const state: ClusterState = {
            nodes,
            pods: [],
            topologies: [{ name: 't', levels: [{ domain: 'zone', key: 'topology.kubernetes.io/zone' }, { domain: 'rack', key: 'topology.kubernetes.io/rack' }] }],
          };
          const model = buildHeatmapModel(state, { hiddenLevels: hidden, ...(screenAspect === undefined ? {} : { screenAspect }) });
          checkLayout(model.layout, state);
          expect(model.layout.nodesWithoutGpus).toBe(specs.filter((s) => s.gpus === 0).length);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('occupancy', () => {
  test('pods on a node take consecutive GPU indices in name order; statuses per cell', () => {
    const state = nestedCluster(['rack'], [1, 2], { gpu: 8 });
    state.nodes[1]!.unschedulable = true;
    const grove = { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'stack', [LABEL_PODGANG]: 'stack-0' };
    state.pods = [
      { ...boundPod('b', 'node-0', 2), labels: grove },
      boundPod('a', 'node-0', 3),
      boundPod('done', 'node-0', 8, {}, true),
      boundPod('c', 'node-1', 1),
    ];
    const model = buildHeatmapModel(state);
    const node0 = model.layout.nodes.find((b) => b.name === 'node-0')!;
    const node1 = model.layout.nodes.find((b) => b.name === 'node-1')!;
    const names = Array.from({ length: 8 }, (_, g) => model.pods[model.cellPod[node0.firstCell + g]!]?.name ?? '-');
    expect(names).toEqual(['a', 'a', 'a', 'b', 'b', '-', '-', '-']);
    expect(Array.from(model.cellStatus.slice(node0.firstCell, node0.firstCell + 8))).toEqual([2, 2, 2, 1, 1, 0, 0, 0].map((s) => [CELL_FREE, CELL_GROVE, CELL_OTHER][s]));
    expect(model.cellStatus[node1.firstCell]).toBe(CELL_OTHER);
    expect(model.cellStatus[node1.firstCell + 1]).toBe(CELL_UNAVAILABLE);
    expect(model.workloads).toEqual([{ key: 'default/stack', namespace: 'default', name: 'stack', gpus: 2, pods: [1], pendingPods: 0, pendingGpus: 0 }]);
    expect(model.totals).toEqual({ gpus: 16, used: 6, free: 3, unavailable: 7, tainted: 0, nodes: 2 });
  });

  test('workloads per frame: exactly the workloads with a GPU on one of its nodes', () => {
    const model = buildHeatmapModel(demo());
    model.layout.frames.forEach((frame, f) => {
      const expected = new Set<string>();
      for (const pod of model.pods) {
        const n = model.layout.nodes.findIndex((b) => b.name === pod.node);
        if (pod.workload && pod.cellCount > 0 && n >= frame.nodeStart && n < frame.nodeEnd) expected.add(pod.workload);
      }
      expect(frameWorkloads(model, f)).toEqual([...expected].sort());
    });
  });

  test('re-occupying a kept layout equals building from scratch', () => {
    const state = demo();
    const first = buildHeatmapModel(state);
    const extra = { ...state, pods: state.pods.slice(3) };
    const again = occupyLayout(first.layout, extra);
    const scratch = buildHeatmapModel(extra);
    expect(Array.from(again.cellPod)).toEqual(Array.from(scratch.cellPod));
    expect(again.frameStats).toEqual(scratch.frameStats);
  });

  test('a kept layout meeting the same nodes in another order still reads each node status by name', () => {
    const state = nestedCluster(['rack'], [1, 2], { gpu: 4 });
    const [n1, n2] = state.nodes as [ClusterState['nodes'][number], ClusterState['nodes'][number]];
    n1.unschedulable = true;
    const first = buildHeatmapModel(state);
    const reordered: ClusterState = { ...state, nodes: [n2, n1] };
    const again = buildHeatmapModel(reordered, { previousLayout: first.layout });
    expect(again.layout).toBe(first.layout); // same signature: the layout is kept, its stateIndex now stale
    const box1 = first.layout.nodes.findIndex((b) => b.name === n1.name);
    const box2 = first.layout.nodes.findIndex((b) => b.name === n2.name);
    expect(again.nodeStatus[box1]).toBe(NODE_CORDONED);
    expect(again.nodeStatus[box2]).toBe(NODE_USABLE);
    const cells1 = Array.from(again.cellStatus.slice(first.layout.nodes[box1]!.firstCell, first.layout.nodes[box1]!.firstCell + 4));
    expect(cells1).toEqual([CELL_UNAVAILABLE, CELL_UNAVAILABLE, CELL_UNAVAILABLE, CELL_UNAVAILABLE]);
    expect(again.totals).toEqual({ gpus: 8, used: 0, free: 4, unavailable: 4, tainted: 0, nodes: 2 });
    expect(again.totals).toEqual(buildHeatmapModel(reordered).totals);
  });

  test('frame totals add up: used + free + unavailable = GPUs, children sum to their parent', () => {
    const model = buildHeatmapModel(demo());
    model.frameStats.forEach((s, f) => {
      expect(s.used + s.free + s.unavailable).toBe(s.gpus);
      const children = model.layout.frames.filter((fr) => fr.parent === f);
      if (children.length) expect(children.reduce((sum, c) => sum + model.frameStats[c.index]!.used, 0)).toBe(s.used);
    });
    const tops = model.layout.frames.filter((f) => f.parent < 0);
    expect(tops.reduce((s, f) => s + model.frameStats[f.index]!.gpus, 0)).toBe(model.totals.gpus);
  });
});

describe('hit-test', () => {
  test('the centre of every cell hits that cell; a gap between cells hits the node; outside hits nothing', () => {
    const model = buildHeatmapModel(demo());
    const { layout } = model;
    for (let c = 0; c < layout.cellCount; c++) {
      const { x, y } = cellCenter(layout, c);
      expect(hitTest(layout, x, y)).toEqual({ kind: 'cell', cell: c, node: layout.cellNode[c], gpu: layout.cellGpu[c] });
    }
    const box = layout.nodes[0]!;
    expect(hitTest(layout, layout.cellX[box.firstCell]! + CELL + 1, layout.cellY[box.firstCell]! + 1)).toEqual({ kind: 'node', node: 0 });
    expect(hitTest(layout, -5, -5)).toBeNull();
  });

  test('property: any point agrees with a brute-force search over the model', () => {
    const model = buildHeatmapModel(demo());
    const { layout } = model;
    fc.assert(
      fc.property(fc.double({ min: -10, max: layout.width + 10, noNaN: true }), fc.double({ min: -10, max: layout.height + 10, noNaN: true }), (x, y) => {
        const hit = hitTest(layout, x, y);
        let cell = -1;
        for (let c = 0; c < layout.cellCount; c++) if (contains({ x: layout.cellX[c]!, y: layout.cellY[c]!, w: CELL, h: CELL }, x, y)) cell = c;
        const node = layout.nodes.findIndex((b) => contains(b, x, y));
        let frame = -1;
        layout.frames.forEach((f, i) => {
          if (contains(f, x, y)) frame = i;
        });
        if (cell >= 0) expect(hit).toMatchObject({ kind: 'cell', cell });
        else if (node >= 0) expect(hit).toEqual({ kind: 'node', node });
        else if (frame >= 0) expect(hit).toEqual({ kind: 'frame', frame });
        else expect(hit).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});

describe('where the view is (breadcrumb)', () => {
  const names = (layout: HeatmapLayout, path: number[]) => path.map((f) => layout.frames[f]!.label);
  const around = (r: Rect, margin: number, aspect = 1.8): Rect => {
    // A viewport of the page's shape that holds r with a margin, centred on it (what fitting r gives).
    const w = Math.max(r.w + 2 * margin, (r.h + 2 * margin) * aspect);
    const h = w / aspect;
    return { x: r.x + r.w / 2 - w / 2, y: r.y + r.h / 2 - h / 2, w, h };
  };

  test('the whole cluster in view is no frame at all, whatever sits under its centre', () => {
    const { layout } = buildHeatmapModel(demo());
    expect(framePathInView(layout, around({ x: 0, y: 0, w: layout.width, h: layout.height }, 12))).toEqual([]);
  });

  test('zoomed to a frame: a chain of its ancestors, outermost first, down to it unless its parent is wholly in view too; zoomed to a node: every level down to its innermost frame', () => {
    const { layout } = buildHeatmapModel(demo());
    const ancestry = (f: number): number[] => (f < 0 ? [] : [...ancestry(layout.frames[f]!.parent), f]);
    for (const [f, frame] of layout.frames.entries()) {
      const path = framePathInView(layout, around(frame, 4));
      expect(ancestry(f).slice(0, path.length)).toEqual(path); // never a child, never another branch
    }
    // A GB200 rack fitted on a wide screen: its block (two racks stacked) is taller than the view, so the rack is named.
    const rack = layout.frames.findIndex((fr) => fr.level === 'rack' && fr.value === 'z0-b0-r0');
    expect(names(layout, framePathInView(layout, around(layout.frames[rack]!, 4)))).toEqual(['zone z0', 'block z0-b0', 'rack z0-b0-r0']);
    const box = layout.nodes.find((b) => b.name.startsWith('h100'))!;
    expect(framePathInView(layout, around(box, 20))).toEqual(ancestry(box.frame));
  });
});

describe('URL state', () => {
  const view = fc.record({
    mode: fc.constantFrom('allocation', 'workload', 'role', 'domain'),
    hidden: fc.uniqueArray(fc.constantFrom('zone', 'block', 'rack', 'nvlink', 'a-1')).map((a) => a.sort()),
    selected: fc.option(fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.stringMatching(/^[a-z0-9.-]{1,20}$/)).map(([ns, n]) => `${ns}/${n}`)),
    // Every zoom the canvas can make, as the URL rounds it: a map view (centre to ±1e7 in 0.1, scale
    // relative to the fit 0.001..200000 in 4 digits), or an older link's pixels (scale 0.001..200 in 4 digits, translations to ±1e7 in 0.1).
    zoom: fc.option(
      fc.oneof(
        fc.record({
          kind: fc.constant('map' as const),
          x: fc.integer({ min: -1e8, max: 1e8 }).map((v) => v / 10),
          y: fc.integer({ min: -1e8, max: 1e8 }).map((v) => v / 10),
          scale: fc.integer({ min: 10, max: 2_000_000_000 }).map((v) => v / 10_000),
        }),
        fc.record({
          kind: fc.constant('pixels' as const),
          k: fc.integer({ min: 10, max: 2_000_000 }).map((v) => v / 10_000),
          x: fc.integer({ min: -1e8, max: 1e8 }).map((v) => v / 10),
          y: fc.integer({ min: -1e8, max: 1e8 }).map((v) => v / 10),
        }),
      ),
    ),
    topology: fc.option(fc.stringMatching(/^[a-z0-9-]{1,20}$/)),
    preview: fc.option(fc.stringMatching(/^[a-z0-9]{1,16}$/)),
  }) as fc.Arbitrary<HeatmapViewState>;

  test('property: decode(encode(view)) = view, also through the URL string', () => {
    fc.assert(
      fc.property(view, (v) => {
        expect(decodeViewState(encodeViewState(v))).toEqual(v);
        expect(decodeViewState(new URLSearchParams(`?${encodeViewState(v).toString()}`))).toEqual(v);
      }),
    );
  });

  test('the default view is an empty query; garbage falls back to defaults', () => {
    expect(encodeViewState(DEFAULT_VIEW).toString()).toBe('');
    expect(decodeViewState(new URLSearchParams('mode=rainbow&z=0,1,2&sel=noslash&hide=Bad!,rack'))).toEqual({ ...DEFAULT_VIEW, hidden: ['rack'] });
  });

  test('a hand-edited zoom: the scale is clamped to the canvas limits, a translation beyond reach means the fitted view', () => {
    const zoomOf = (z: string) => decodeViewState(new URLSearchParams({ z })).zoom;
    expect(zoomOf('1e-300,0,0')).toEqual({ kind: 'pixels', k: ZOOM_SCALE_EXTENT[0], x: 0, y: 0 });
    expect(zoomOf('1e9,5,6')).toEqual({ kind: 'pixels', k: ZOOM_SCALE_EXTENT[1], x: 5, y: 6 });
    expect(zoomOf('0.001,-4.39e+299,0')).toBeNull();
    expect(zoomOf(`1,0,${MAX_ZOOM_TRANSLATE * 1.01}`)).toBeNull();
    expect(zoomOf(`1,${-MAX_ZOOM_TRANSLATE},0`)).toEqual({ kind: 'pixels', k: 1, x: -MAX_ZOOM_TRANSLATE, y: 0 });
    expect(zoomOf('-1,0,0')).toBeNull();
    expect(zoomOf('Infinity,0,0')).toBeNull();
    // The reported loop: a tiny scale written back used to round to 0, which then decoded to no zoom.
    expect(encodeViewState({ ...DEFAULT_VIEW, zoom: { kind: 'pixels', k: 1e-300, x: 0, y: 0 } }).get('z')).toBe('0.001,0,0');
    expect(encodeViewState({ ...DEFAULT_VIEW, zoom: { kind: 'pixels', k: 1, x: 1e300, y: 0 } }).get('z')).toBeNull();
    // The same for a map view (v=x,y,scale): its scale is relative to the fitted view.
    const viewOf = (v: string) => decodeViewState(new URLSearchParams({ v })).zoom;
    expect(viewOf('10,20,1e-300')).toEqual({ kind: 'map', x: 10, y: 20, scale: MAP_SCALE_EXTENT[0] });
    expect(viewOf('10,20,1e300')).toEqual({ kind: 'map', x: 10, y: 20, scale: MAP_SCALE_EXTENT[1] });
    expect(viewOf(`${MAX_ZOOM_TRANSLATE * 1.01},0,1`)).toBeNull();
    expect(viewOf('0,0,-2')).toBeNull();
    expect(viewOf('0,0')).toBeNull();
    expect(encodeViewState({ ...DEFAULT_VIEW, zoom: { kind: 'map', x: 0, y: 0, scale: 1e-300 } }).get('v')).toBe('0,0,0.001');
  });

  test('property: any zoom numbers at all decode to a zoom within the limits or none, and encode → decode is then stable', () => {
    const num = fc.oneof(fc.double(), fc.double({ min: -1e8, max: 1e8, noNaN: true }), fc.constantFrom(0, 1e-300, 1e300, -0));
    fc.assert(
      fc.property(num, num, num, (k, x, y) => {
        const zoom = decodeViewState(new URLSearchParams({ z: `${k},${x},${y}` })).zoom;
        if (!zoom) return;
        if (zoom.kind !== 'pixels') throw new Error('z= is a pixel zoom');
        expect(zoom.k).toBeGreaterThanOrEqual(ZOOM_SCALE_EXTENT[0]);
        expect(zoom.k).toBeLessThanOrEqual(ZOOM_SCALE_EXTENT[1]);
        expect(Math.max(Math.abs(zoom.x), Math.abs(zoom.y))).toBeLessThanOrEqual(MAX_ZOOM_TRANSLATE);
        const once = decodeViewState(encodeViewState({ ...DEFAULT_VIEW, zoom }));
        expect(once.zoom).not.toBeNull();
        expect(decodeViewState(encodeViewState(once))).toEqual(once);
      }),
    );
  });
});

describe('colours', () => {
  test('a workload keeps its hash colour unless a workload sorted before it holds that slot (then the next free one), in both themes', () => {
    const full = buildHeatmapModel(demo());
    const key = 'default/llama-disagg';
    const only = buildHeatmapModel({ ...demo(), pods: demo().pods.filter((p) => p.labels[LABEL_PART_OF] === 'llama-disagg') });
    const colorOf = (model: typeof full, theme: 'light' | 'dark') => {
      const colors = colorCells(model, 'workload', theme);
      const cell = model.pods[model.workloads.find((w) => w.key === key)!.pods.find((p) => model.pods[p]!.cellCount > 0)!]!.firstCell;
      return colors.palette[colors.index[cell]!];
    };
    expect(colorOf(full, 'light')).toBe(workloadColor(key, 'light'));
    expect(colorOf(only, 'light')).toBe(colorOf(full, 'light'));
    expect(colorOf(full, 'dark')).toBe(workloadColor(key, 'dark'));
    expect(stableHash(key)).toBe(stableHash(`${'default'}/llama-disagg`));
  });

  test('every mode gives every cell a palette colour, and the legend lists what is drawn', () => {
    const model = buildHeatmapModel(demo());
    for (const mode of ['allocation', 'workload', 'role', 'domain'] as const) {
      for (const theme of ['light', 'dark'] as const) {
        const colors = colorCells(model, mode, theme);
        const used = new Set(colors.index);
        for (const i of used) expect(colors.palette[i]).toMatch(/^#|^rgb/);
        if (mode !== 'domain') for (const i of used) expect(colors.legend.some((e) => e.color === colors.palette[i])).toBe(true);
      }
    }
  });
});

describe('diff, selection, overlay', () => {
  test('a pod added: exactly its cells change, the layout stays', () => {
    const state = demo();
    const before = buildHeatmapModel(state);
    const free = before.layout.nodes.find((b, n) => before.cellPod[b.firstCell] === -1 && before.nodeStatus[n] === 0)!;
    const after = buildHeatmapModel({ ...state, pods: [...state.pods, boundPod('new', free.name, 2)] }, { previousLayout: before.layout });
    expect(after.layout).toBe(before.layout);
    const diff = diffModels(before, after);
    expect(diff.relayout).toBe(false);
    expect(Array.from(diff.changed)).toEqual([free.firstCell, free.firstCell + 1]);
    expect(diffModels(before, buildHeatmapModel(state, { hiddenLevels: ['zone'] })).relayout).toBe(true);
  });

  test('a workload span covers exactly its pods’ GPUs and calls out gangs split across racks', () => {
    const state = nestedCluster(['rack'], [2, 1], { gpu: 4 });
    const labels = (gang: string) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w', [LABEL_PODGANG]: gang });
    state.pods = [
      { ...boundPod('p0', 'node-0', 4), labels: labels('w-0') },
      { ...boundPod('p1', 'node-1', 2), labels: labels('w-0') },
      { ...boundPod('q', 'node-1', 1), labels: labels('w-1') },
    ];
    const span = workloadSpan(buildHeatmapModel(state), 'default/w')!;
    expect(span.gpus).toBe(7);
    expect(span.domains.rack).toEqual(['rack-0', 'rack-1']);
    expect(span.gangs).toMatchObject([
      { name: 'w-0', gpus: 6, domains: { rack: ['rack-0', 'rack-1'] }, splitAt: ['rack'] },
      { name: 'w-1', gpus: 1, domains: { rack: ['rack-1'] }, splitAt: [] },
    ]);
  });

  test('ghosts: one per planned GPU, on free cells only, outlined per gang', () => {
    const state = demo();
    const model = buildHeatmapModel(state);
    const freeNodes = model.layout.nodes.filter((b) => model.cellPod[b.firstCell + 1] === -1 && model.cellPod[b.firstCell] === -1);
    const full = model.layout.nodes.find((b) => model.cellPod[b.firstCell + b.gpus - 1]! >= 0)!;
    const plan = {
      feasible: false,
      gangs: [
        { name: 'g', placed: true, domains: {}, pods: [{ name: 'x', podGroup: 'pg', clique: 'c', node: freeNodes[0]!.name, gpus: 2 }, { name: 'y', podGroup: 'pg', clique: 'c', node: freeNodes[1]!.name, gpus: 1 }, { name: 'z', podGroup: 'pg', clique: 'c', node: full.name, gpus: 1 }] },
        { name: 'h', placed: false, reason: 'no rack has 400 GPUs', domains: {}, pods: [] },
      ],
    };
    const overlay = ghostOverlay(model, plan);
    expect(overlay.cells.length).toBe(3);
    expect(overlay.undrawn).toBe(1); // no free cell on a full node: counted, not drawn over a pod
    for (const c of overlay.cells) expect(model.cellPod[c]).toBe(-1);
    expect(overlay.gangs[0]!.outlines).toHaveLength(2);
    expect(overlay.gangs[1]).toMatchObject({ placed: false, reason: 'no rack has 400 GPUs', gpus: 0 });
  });
});

describe('ghosts of a stack that already runs', () => {
  // One 8-GPU pod; the stack runs on n0, another app fills n1.
  const pcs = (): PodCliqueSet => ({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'demo', namespace: 'default' },
    spec: { replicas: 1, template: { cliques: [{ name: 'w', spec: { roleName: 'w', replicas: 1, podSpec: { containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': '8' } } }] } } }] } },
  });
  const running = (): ClusterState => ({
    nodes: [makeNode('n0'), makeNode('n1')],
    topologies: [],
    pods: [
      { ...boundPod('demo-0-w-abcde', 'n0', 8), labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'demo' } },
      { ...boundPod('other', 'n1', 8), labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'other' } },
    ],
  });

  test('a running pod the manifest does not have (no Grove pod index to match) is deleted by the apply: planned without it, ghosts on its GPUs', () => {
    const state = running();
    const preview = previewPodCliqueSet(state, pcs());
    expect(preview.replaces).toBe('default/demo');
    expect(preview.running).toEqual([]);
    expect(preview.plan.gangs[0]!.pods.map((p) => p.node)).toEqual(['n0']);
    const model = buildHeatmapModel(state);
    const overlay = ghostOverlay(model, preview.plan, { replaces: preview.replaces, running: preview.running });
    expect(overlay.cells.length).toBe(8);
    expect(overlay.undrawn).toBe(0);
    for (const c of overlay.cells) expect(model.pods[model.cellPod[c]!]!.workload).toBe('default/demo');
  });

  // The stack's pods as Grove labels them: PodClique demo-0-w, pod index i.
  const grovePod = (name: string, node: string, index: number) => ({
    ...boundPod(name, node, 8),
    labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'demo', [LABEL_PODCLIQUE]: 'demo-0-w', [LABEL_PODCLIQUE_POD_INDEX]: String(index) },
  });

  test('a running gang the manifest keeps is not re-planned: nothing to draw, nothing replaced', () => {
    const state: ClusterState = { ...running(), pods: [grovePod('demo-0-w-abcde', 'n0', 0), running().pods[1]!] };
    const preview = previewPodCliqueSet(state, pcs());
    expect(preview.replaces).toBeUndefined();
    expect(preview.plan.gangs).toEqual([]);
    expect(preview.running.map((g) => g.pods.map((p) => [p.name, p.node]))).toEqual([[['demo-0-w-abcde', 'n0']]]);
    expect(ghostOverlay(buildHeatmapModel(state), preview.plan, { replaces: preview.replaces, running: preview.running }).cells.length).toBe(0);
  });

  test('an apply that deletes one pod of a stack and keeps another frees only the deleted pod’s GPUs', () => {
    // Two replicas run (n0, n1); the manifest keeps one, so the apply deletes pod index 1 on n1.
    const state: ClusterState = { nodes: [makeNode('n0'), makeNode('n1')], topologies: [], pods: [grovePod('demo-0-w-aaaaa', 'n0', 0), grovePod('demo-0-w-bbbbb', 'n1', 1)] };
    const preview = previewPodCliqueSet(state, pcs());
    expect(preview.replaces).toBe('default/demo');
    expect(preview.running.flatMap((g) => g.pods.map((p) => p.name))).toEqual(['demo-0-w-aaaaa']);
    const model = buildHeatmapModel(state);
    // A plan asking for 8 GPUs on each node: only n1's (the deleted pod's) are free to draw on.
    const plan = { feasible: true, gangs: [{ name: 'g', placed: true, domains: {}, pods: [{ name: 'x', podGroup: 'pg', clique: 'c', node: 'n0', gpus: 8 }, { name: 'y', podGroup: 'pg', clique: 'c', node: 'n1', gpus: 8 }] }] };
    const overlay = ghostOverlay(model, plan, { replaces: preview.replaces, running: preview.running });
    expect(overlay.undrawn).toBe(8);
    expect([...overlay.cells].map((c) => model.pods[model.cellPod[c]!]!.name)).toEqual(Array(8).fill('demo-0-w-bbbbb'));
  });

  test('without `replaces` (a scale-up keeps the running pods) held GPUs stay taken; another workload’s are never drawn over', () => {
    const state = running();
    const model = buildHeatmapModel(state);
    const plan = { feasible: true, gangs: [{ name: 'g', placed: true, domains: {}, pods: [{ name: 'x', podGroup: 'pg', clique: 'c', node: 'n0', gpus: 8 }, { name: 'y', podGroup: 'pg', clique: 'c', node: 'n1', gpus: 8 }] }] };
    expect(ghostOverlay(model, plan)).toMatchObject({ undrawn: 16, cells: new Int32Array(0) });
    const replaced = ghostOverlay(model, plan, { replaces: 'default/demo' });
    expect(replaced.cells.length).toBe(8);
    expect(replaced.undrawn).toBe(8);
  });

  test('the topology page’s text preview says which stack it replaces', () => {
    const state = running();
    const text = previewFromText(state, JSON.stringify(pcs())); // JSON is YAML
    if (!text.ok) throw new Error(text.problems.join('; '));
    expect(ghostOverlay(buildHeatmapModel(state), text.preview.plan, { replaces: text.preview.replaces }).cells.length).toBe(8);
  });
});

describe('layout helpers', () => {
  test('boundsOfCells: the box of whole cells, grown by the margin; null for none', () => {
    const { layout } = buildHeatmapModel(demo());
    expect(boundsOfCells(layout, [])).toBeNull();
    const c = 5;
    expect(boundsOfCells(layout, [c], CELL_GAP)).toEqual({ x: layout.cellX[c]! - CELL_GAP, y: layout.cellY[c]! - CELL_GAP, w: CELL + 2 * CELL_GAP, h: CELL + 2 * CELL_GAP });
    const cells = Int32Array.from([0, 1, 2, layout.cellCount - 1]);
    const box = boundsOfCells(layout, cells)!;
    for (const cell of cells) expect(inside({ x: layout.cellX[cell]!, y: layout.cellY[cell]!, w: CELL, h: CELL }, box)).toBe(true);
  });

  test('stableLayout: the previous layout object while nodes keep its signature, a new one when they do not', () => {
    const state = demo();
    const first = stableLayout(state);
    expect(stableLayout({ ...state, pods: [] }, { previousLayout: first })).toBe(first);
    expect(buildHeatmapModel(state, { previousLayout: first }).layout).toBe(first);
    const fewer = stableLayout({ ...state, nodes: state.nodes.slice(1) }, { previousLayout: first });
    expect(fewer).not.toBe(first);
    expect(fewer.cellCount).toBe(first.cellCount - Math.max(0, state.nodes[0]!.allocatable.gpu));
  });
});

describe('layout order and sharing', () => {
  const zoneKey = 'topology.kubernetes.io/zone';
  const rackKey = 'topology.kubernetes.io/rack';
  const twoLevels = [{ domain: 'zone', key: zoneKey }, { domain: 'rack', key: rackKey }];
  const naturalTuple = (a: string[], b: string[]): number => {
    for (let i = 0; i < a.length; i++) {
      const c = a[i]!.localeCompare(b[i]!, 'en', { numeric: true });
      if (c !== 0) return c;
    }
    return 0;
  };

  test('nodes in natural order of their values, level by level, then by name; unlabelled last', () => {
    const specs: [string, string | null, string | null][] = [
      ['n10', 'z2', 'r10'],
      ['n2', 'z10', 'r1'],
      ['n3', 'z2', 'r9'],
      ['n1', 'z2', 'r9'],
      ['n4', null, 'r1'],
      ['n5', 'z2', null],
      ['n6', 'z2', 'r10'],
    ];
    const nodes = specs.map(([name, zone, rack]) => makeNode(name, { gpu: 4, labels: { ...(zone ? { [zoneKey]: zone } : {}), ...(rack ? { [rackKey]: rack } : {}) } }));
    const layout = buildHeatmapModel({ nodes, pods: [], topologies: [{ name: 't', levels: twoLevels }] }).layout;
    expect(layout.nodes.map((b) => b.name)).toEqual(['n1', 'n3', 'n6', 'n10', 'n5', 'n2', 'n4']);
    expect(layout.frames.map((f) => f.id)).toEqual([
      'zone=z2',
      'zone=z2/rack=r9',
      'zone=z2/rack=r10',
      'zone=z2/rack=<unlabelled>',
      'zone=z10',
      'zone=z10/rack=r1',
      'zone=<unlabelled>',
      'zone=<unlabelled>/rack=r1',
    ]);
  });

  test('many distinct values on every level (tuple keys too wide for one number) order like the tuples', () => {
    // 5 levels × 1,703 distinct values each: 1,703^5 > 2^53, so the layout compares tuples level by level.
    const domains = ['zone', 'block', 'rack', 'row', 'pod'];
    const keys = domains.map((d) => `example.com/${d}`);
    const count = 1703;
    const nodes = Array.from({ length: count }, (_, i) =>
      makeNode(`n${(i * 7919) % count}`, { gpu: 1, labels: Object.fromEntries(keys.map((k, l) => [k, `v${(i * (l + 3) * 104729) % count}`])) }),
    );
    const topologies = [{ name: 't', levels: keys.map((key, l) => ({ domain: domains[l]!, key })) }];
    const layout = buildHeatmapModel({ nodes, pods: [], topologies }).layout;
    const tuples = new Map(nodes.map((n) => [n.name, keys.map((k) => n.labels[k]!)]));
    const tuple = (name: string) => tuples.get(name)!;
    const expected = nodes
      .map((n) => n.name)
      .sort((a, b) => naturalTuple(tuple(a), tuple(b)) || a.localeCompare(b, 'en', { numeric: true }));
    expect(layout.nodes.map((b) => b.name)).toEqual(expected);
  });

  test('nodes with the same values share their domains record; the values are each node\'s own', () => {
    const state = demo();
    const { layout } = buildHeatmapModel(state);
    for (const box of layout.nodes) {
      const node = state.nodes[box.stateIndex]!;
      for (const level of layout.levels) expect(box.domains[level.domain]).toBe(node.labels[level.key] ?? '<unlabelled>');
    }
    const byValues = new Map<string, object>();
    for (const box of layout.nodes) {
      const key = JSON.stringify(box.domains);
      const seen = byValues.get(key);
      if (seen) expect(box.domains).toBe(seen);
      else byValues.set(key, box.domains);
    }
    expect(byValues.size).toBeLessThan(layout.nodes.length);
  });

  test('signature: equal for the same boxes, different when a GPU count, a node or the grouping changes', () => {
    const state = demo();
    const base = layoutHeatmap(state).signature;
    expect(layoutHeatmap({ ...state, pods: [] }).signature).toBe(base);
    const nodes = state.nodes.map((n, i) => (i === 3 ? { ...n, allocatable: { ...n.allocatable, gpu: n.allocatable.gpu - 1 } } : n));
    expect(layoutHeatmap({ ...state, nodes }).signature).not.toBe(base);
    expect(layoutHeatmap({ ...state, nodes: state.nodes.slice(1) }).signature).not.toBe(base);
    expect(layoutHeatmap(state, { hiddenLevels: ['nvlink'] }).signature).not.toBe(base);
    const relabelled = state.nodes.map((n, i) => (i === 0 ? { ...n, labels: { ...n.labels, 'nvidia.com/gpu.clique': 'other.9' } } : n));
    expect(layoutHeatmap({ ...state, nodes: relabelled }).signature).not.toBe(base);
  });

  test('a pod update on the kept layout never builds its signature (the diff sees the same object)', () => {
    const state = demo();
    const model = buildHeatmapModel(state);
    let reads = 0;
    const layout = Object.defineProperty({ ...model.layout }, 'signature', { get: () => (reads++, model.layout.signature) }) as HeatmapLayout;
    const before = occupyLayout(layout, state);
    const gone = state.pods.find((p) => p.requests.gpu > 0 && !p.terminal && p.nodeName);
    const after = occupyLayout(layout, { ...state, pods: state.pods.filter((p) => p !== gone) });
    const diff = diffModels(before, after);
    expect(diff.relayout).toBe(false);
    expect(diff.changed.length).toBeGreaterThan(0);
    expect(reads).toBe(0);
    expect(diffModels(before, buildHeatmapModel(state)).relayout).toBe(false); // another object, same boxes
    expect(reads).toBe(1);
  });
});

describe('occupancy (property)', () => {
  test('each node\'s pods take consecutive slots in namespace/name order, whatever order the state lists them in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ node: fc.integer({ min: 0, max: 5 }), name: fc.integer({ min: 0, max: 50 }), gpus: fc.integer({ min: 0, max: 5 }), terminal: fc.boolean(), bound: fc.boolean() }), { maxLength: 40 }),
        (specs) => {
          const state = nestedCluster(['rack'], [2, 2], { gpu: 8 });
          const seen = new Set<number>();
          state.pods = specs
            .filter((s) => !seen.has(s.name) && seen.add(s.name))
            .map((s) => {
              const pod = boundPod(`p${s.name}`, s.node < 4 ? `node-${s.node}` : 'elsewhere', s.gpus, {}, s.terminal);
              return s.bound ? pod : { ...pod, nodeName: undefined };
            });
          const model = buildHeatmapModel(state);
          for (const box of model.layout.nodes) {
            const held = state.pods
              .filter((p) => !p.terminal && p.nodeName === box.name)
              .sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
            const expected: string[] = [];
            for (const p of held) for (let g = 0; g < p.requests.gpu && expected.length < box.gpus; g++) expected.push(p.name);
            while (expected.length < box.gpus) expected.push('-');
            const actual = Array.from({ length: box.gpus }, (_, g) => model.pods[model.cellPod[box.firstCell + g]!]?.name ?? '-');
            expect(actual).toEqual(expected);
            expect(model.pods.filter((p) => p.node === box.name).map((p) => p.name)).toEqual(held.map((p) => p.name));
          }
          expect(model.pods.length).toBe(state.pods.filter((p) => !p.terminal && p.nodeName?.startsWith('node-')).length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('roles', () => {
  test('from the PodClique object, else from the PodCliqueSet template whose clique name ends the PodClique name', () => {
    const pod = (podClique: string, pcs = 'llama') => ({ ...boundPod('p', 'n', 1), labels: { [LABEL_PART_OF]: pcs, 'grove.io/podclique': podClique } });
    const roleOf = roleResolver(
      [{ metadata: { namespace: 'default', name: 'llama-0-decode' }, spec: { roleName: 'decode-from-object' } } as never],
      [{ metadata: { namespace: 'default', name: 'llama' }, spec: { template: { cliques: [{ name: 'worker', spec: { roleName: 'prefill-worker' } }, { name: 'decode', spec: { roleName: 'decode' } }] } } } as never],
    );
    expect(roleOf(pod('llama-0-decode'))).toBe('decode-from-object');
    expect(roleOf(pod('llama-0-prefill-1-worker'))).toBe('prefill-worker');
    expect(roleOf(pod('other-0-worker', 'other'))).toBeUndefined();
    expect(roleOf(boundPod('plain', 'n', 1))).toBeUndefined();
  });

  test('the demo stacks: every Grove pod has its clique template’s role; model.roles lists those holding GPU cells (the router holds none)', () => {
    const model = buildHeatmapModel(demo(), {
      roleOf: roleResolver([], demoStacks()),
    });
    expect(model.roles).toEqual(['decode', 'leader', 'prefill-leader', 'prefill-worker', 'worker']);
    expect(model.pods.every((p) => !p.workload || p.role)).toBe(true);
    expect(model.pods.find((p) => p.role === 'router')).toMatchObject({ gpus: 0, cellCount: 0 });
  });

  test('a role whose pods hold no drawn GPU (none asked for, or none left on the node) is not among model.roles', () => {
    const state = nestedCluster(['rack'], [1, 1], { gpu: 2 });
    const pod = (name: string, gpus: number, clique: string) => ({ ...boundPod(name, 'node-0', gpus), labels: { [LABEL_PART_OF]: 'w', [LABEL_PODCLIQUE]: clique } });
    state.pods = [pod('a-gpu', 2, 'w-0-decode'), pod('b-cpu', 0, 'w-0-router'), pod('c-late', 1, 'w-0-prefill')];
    const roleOf = (p: PodInfo) => ({ 'w-0-decode': 'decode', 'w-0-router': 'router', 'w-0-prefill': 'prefill' })[p.labels[LABEL_PODCLIQUE]!];
    const model = buildHeatmapModel(state, { roleOf });
    expect(model.roles).toEqual(['decode']);
    expect(model.pods.map((p) => [p.role, p.cellCount])).toEqual([
      ['decode', 2],
      ['router', 0],
      ['prefill', 0],
    ]);
  });
});

describe('split gangs and domain names', () => {
  const grove = (gang: string) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w', [LABEL_PODGANG]: gang });

  test('a gang split across racks stays split when the rack level is collapsed; the spans list keeps to visible levels', () => {
    const state = nestedCluster(['zone', 'rack'], [1, 2, 1]);
    state.pods = [
      { ...boundPod('p0', 'node-0', 2), labels: grove('w-0') },
      { ...boundPod('p1', 'node-1', 2), labels: grove('w-0') },
    ];
    const shown = workloadSpan(buildHeatmapModel(state), 'default/w')!;
    expect(shown.gangs[0]!.splitAt).toEqual(['rack']);
    const collapsed = workloadSpan(buildHeatmapModel(state, { hiddenLevels: ['rack'] }), 'default/w')!;
    expect(collapsed.domains).toEqual({ zone: ['zone-0'] });
    expect(collapsed.gangs).toMatchObject([{ name: 'w-0', gpus: 4, domains: { zone: ['zone-0'], rack: ['rack-0', 'rack-1'] }, splitAt: ['rack'] }]);
    const flat = workloadSpan(buildHeatmapModel(state, { hiddenLevels: ['zone', 'rack'] }), 'default/w')!;
    expect(flat.domains).toEqual({});
    expect(flat.gangs[0]!.splitAt).toEqual(['rack']);
  });

  /**
   * Three NVLink clusters (own UUIDs): A and B both have clique id 32766, B also has clique 5, and C's
   * only clique, 9, is an id no other cluster has.
   */
  const nvlRacks = (): ClusterState => {
    const uuidA = '0b2a5c1e-7d4f-4e8a-9c31-5f6e7a8b9c0d';
    const uuidB = '7f3e9d2c-1b4a-4c5d-8e6f-9a0b1c2d3e4f';
    const uuidC = '91d0e2f3-1111-4c5d-8e6f-9a0b1c2d3e4f';
    const state = nestedCluster(['rack'], [3, 2], { gpu: 4 });
    const cliques = [`${uuidA}.32766`, `${uuidA}.32766`, `${uuidB}.32766`, `${uuidB}.5`, `${uuidC}.9`, `${uuidC}.9`];
    state.nodes = state.nodes.map((node, i) => ({ ...node, labels: { ...node.labels, [GPU_CLIQUE_LABEL]: cliques[i]! } }));
    return state;
  };

  test('NVLink domains of different clusters with the same clique id get distinct names (a short cluster UUID prefix), as do their clusters\' other cliques; a cluster whose ids are its own stays short', () => {
    const { layout } = buildHeatmapModel(nvlRacks());
    expect(layout.frames.filter((f) => f.level === NVLINK_LEVEL).map((f) => f.label)).toEqual([
      'nvlink clique 0b2a5c1e…/32766',
      'nvlink clique 7f3e9d2c…/5',
      'nvlink clique 7f3e9d2c…/32766',
      'nvlink clique 9',
    ]);
    const nvlink = layout.levels.find((l) => l.nvlink)!;
    expect(levelValueLabel(nvlink, '7f3e9d2c-1b4a-4c5d-8e6f-9a0b1c2d3e4f.32766')).toBe('clique 7f3e9d2c…/32766');
    // Without a layout's names (a level of its own), the short form.
    expect(levelValueLabel({ ...nvlink, labels: undefined }, '7f3e9d2c-1b4a-4c5d-8e6f-9a0b1c2d3e4f.32766')).toBe('clique 32766');
  });

  test('levelValueLabels: the prefix grows until the UUIDs differ; every name is unique; non-clique levels keep their values', () => {
    const nvlink = { domain: NVLINK_LEVEL, key: GPU_CLIQUE_LABEL, nvlink: true };
    const labels = levelValueLabels(nvlink, ['abcdef01-1111.7', 'abcdef01-2222.7', 'abcdef01-2222.8', 'odd', UNLABELLED]);
    expect(Object.fromEntries(labels)).toEqual({
      'abcdef01-1111.7': 'clique abcdef01-1…/7',
      'abcdef01-2222.7': 'clique abcdef01-2…/7',
      // One cluster's cliques read alike: its 8 is qualified too, though no other cluster has an 8.
      'abcdef01-2222.8': 'clique abcdef01-2…/8',
      odd: 'odd',
      [UNLABELLED]: '(unlabelled)',
    });
    expect(Object.fromEntries(levelValueLabels(nvlink, ['ab.1', 'abc.1']))).toEqual({ 'ab.1': 'clique ab/1', 'abc.1': 'clique abc/1' });
    expect(Object.fromEntries(levelValueLabels({ domain: 'rack', key: 'r', nvlink: false }, ['x.1', 'y.1']))).toEqual({ 'x.1': 'x.1', 'y.1': 'y.1' });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[0-9a-f-]{1,12}$/), fc.constantFrom('1', '2', '32766')).map(([u, id]) => `${u}.${id}`)), (values) => {
        const labels = levelValueLabels(nvlink, values);
        expect(new Set(labels.values()).size).toBe(values.length);
        // Per cluster UUID, its cliques are either all qualified with the UUID or none is.
        const qualifiedByUuid = new Map<string, Set<boolean>>();
        for (const value of values) {
          const uuid = value.slice(0, value.lastIndexOf('.'));
          const set = qualifiedByUuid.get(uuid) ?? new Set<boolean>();
          set.add(labels.get(value)!.includes('/'));
          qualifiedByUuid.set(uuid, set);
        }
        for (const set of qualifiedByUuid.values()) expect(set.size).toBe(1);
      }),
    );
  });

  test('a value repeated under two zones (Grove e2e labels) is two domains: two frames, each a whole block with its own GPUs, none called a part', () => {
    const state = groveE2eCluster(56);
    const { layout } = buildHeatmapModel(state);
    const block1 = layout.frames.filter((f) => f.level === 'block' && f.value === 'block-1');
    expect(block1.map((f) => [f.id, f.label, f.gpus])).toEqual([
      ['zone=zone-0/block=block-1', 'block block-1', 64],
      ['zone=zone-1/block=block-1', 'block block-1', 96],
    ]);
    // Every frame holds all of its domain (the topology tree's, by the same label-path id) and says no more than its name.
    const tree = buildTopologyTree(state, state.topologies[0]!);
    for (const frame of layout.frames) {
      expect(frame.gpus, frame.id).toBe(tree.domain(frame.id)!.capacity.gpu);
      expect(frame.label).toBe(`${frame.level} ${frame.valueLabel}`);
    }
    // Collapsing the zones merges the two blocks labelled block-1 into one frame.
    const noZones = buildHeatmapModel(groveE2eCluster(56), { hiddenLevels: ['zone'] }).layout;
    expect(noZones.frames.filter((f) => f.level === 'block' && f.value === 'block-1').map((f) => [f.label, f.gpus])).toEqual([['block block-1', 160]]);
  });
});

