import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../../lib/cluster/state';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { ghostOverlay } from '../../lib/heatmap/overlay';
import type { Plan } from '../../lib/placement/plan';
import { boundPod, makeNode } from '../../lib/placement/testkit';
import { combineOrigin, stepCell } from './HeatmapCanvas';
import { cellAnnouncement, cellHit, hitFacts } from './Tooltip';

// Nodes of 4, 2, 4 and 8 GPUs; node-a holds a 2-GPU pod (GPUs 0–1), node-c is cordoned.
const state: ClusterState = {
  nodes: [makeNode('node-a', { gpu: 4 }), makeNode('node-b', { gpu: 2 }), makeNode('node-c', { gpu: 4, unschedulable: true }), makeNode('node-d', { gpu: 8 })],
  pods: [boundPod('trainer-0', 'node-a', 2)],
  topologies: [],
};
const model = buildHeatmapModel(state);
const { layout } = model;
const cellOf = (node: string, gpu: number) => layout.nodes.find((b) => b.name === node)!.firstCell + gpu;

describe('stepCell (the keyboard cursor)', () => {
  it('left and right walk GPU by GPU, across nodes, and stop at either end', () => {
    expect(stepCell(layout, cellOf('node-a', 3), 'ArrowRight')).toBe(cellOf('node-b', 0));
    expect(stepCell(layout, cellOf('node-b', 0), 'ArrowLeft')).toBe(cellOf('node-a', 3));
    expect(stepCell(layout, 0, 'ArrowLeft')).toBe(0);
    expect(stepCell(layout, layout.cellCount - 1, 'ArrowRight')).toBe(layout.cellCount - 1);
  });

  it('up and down go to the GPU drawn nearest above or below, and stay at the edge', () => {
    // Drawn as two rows: node-a (4) and node-b (2); node-c (4) under node-a and node-d (8, two rows) under node-b.
    const at = (node: string) => layout.nodes.find((b) => b.name === node)!;
    expect([at('node-c').x, at('node-d').x]).toEqual([at('node-a').x, at('node-b').x]);
    expect(at('node-c').y).toBeGreaterThan(at('node-a').y);
    expect(stepCell(layout, cellOf('node-a', 1), 'ArrowDown')).toBe(cellOf('node-c', 1));
    expect(stepCell(layout, cellOf('node-b', 0), 'ArrowDown')).toBe(cellOf('node-d', 0));
    expect(stepCell(layout, cellOf('node-d', 0), 'ArrowUp')).toBe(cellOf('node-b', 0));
    expect(stepCell(layout, cellOf('node-d', 1), 'ArrowDown')).toBe(cellOf('node-d', 5));
    expect(stepCell(layout, cellOf('node-d', 5), 'ArrowUp')).toBe(cellOf('node-d', 1));
    expect(stepCell(layout, cellOf('node-c', 2), 'ArrowUp')).toBe(cellOf('node-a', 2));
    expect(stepCell(layout, cellOf('node-d', 6), 'ArrowDown')).toBe(cellOf('node-d', 6));
    expect(stepCell(layout, cellOf('node-b', 1), 'ArrowUp')).toBe(cellOf('node-b', 1));
  });

  it('Home and End go to the node’s first and last GPU', () => {
    expect(stepCell(layout, cellOf('node-c', 2), 'Home')).toBe(cellOf('node-c', 0));
    expect(stepCell(layout, cellOf('node-d', 1), 'End')).toBe(cellOf('node-d', 7));
  });
});

describe('combineOrigin (what a settled zoom is reported as)', () => {
  it('a fit asked for by a person is the fitted default, whatever zoom came before it; a zoom after it is the person’s', () => {
    expect(combineOrigin('user', 'fit')).toBe('fit');
    expect(combineOrigin('initial', 'fit')).toBe('fit');
    expect(combineOrigin('fit', 'user')).toBe('user');
  });

  it('otherwise a person’s zoom wins over the page’s own (the first view, a refit for a new grouping)', () => {
    expect(combineOrigin('user', 'refit')).toBe('user');
    expect(combineOrigin('user', 'initial')).toBe('user');
    expect(combineOrigin('initial', 'refit')).toBe('refit');
    expect(combineOrigin('initial', 'user')).toBe('user');
  });
});

describe('what the tooltip and the live region say', () => {
  it('a held GPU names its node, index and pod, in the tooltip rows and the sentence alike', () => {
    const cell = cellOf('node-a', 1);
    const facts = hitFacts(model, cellHit(model, cell), null)!;
    expect(facts.slice(0, 3)).toEqual([
      { name: 'Node', value: 'node-a (Ready)' },
      { name: 'GPU', value: '1 of 4' },
      { name: 'Pod', value: 'default/trainer-0' },
    ]);
    const sentence = cellAnnouncement(model, cell, null);
    expect(sentence).toMatch(/^Node: node-a \(Ready\); GPU: 1 of 4; Pod: default\/trainer-0; .*Phase: Running$/);
    for (const f of facts) expect(sentence).toContain(f.name);
  });

  it('a free GPU says free; one on a cordoned node says it is unavailable', () => {
    expect(cellAnnouncement(model, cellOf('node-a', 2), null)).toBe('Node: node-a (Ready); GPU: 2 of 4; Pod: free');
    expect(cellAnnouncement(model, cellOf('node-c', 0), null)).toBe('Node: node-c (cordoned); GPU: 0 of 4; Pod: none (node unavailable)');
  });

  it('a planned ghost on the GPU is named, and no cursor or a stale hit says nothing', () => {
    const plan: Plan = { feasible: true, gangs: [{ name: 'gang-x', placed: true, pods: [{ name: 'p0', podGroup: 'g', clique: 'c', node: 'node-b', gpus: 1 }], domains: {} }] };
    const ghosts = ghostOverlay(model, plan);
    const ghostCell = ghosts.cells[0]!;
    expect(cellAnnouncement(model, ghostCell, ghosts)).toContain('Planned: gang gang-x');
    expect(cellAnnouncement(model, -1, null)).toBe('');
    expect(hitFacts(model, { kind: 'cell', cell: layout.cellCount + 3, node: 0, gpu: 0 }, null)).toBeNull();
    expect(hitFacts(model, { kind: 'node', node: layout.nodes.length }, null)).toBeNull();
  });
});
