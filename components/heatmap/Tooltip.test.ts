import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PCSG, LABEL_PODCLIQUE, LABEL_PODGANG } from '../../lib/grove/labels';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { boundPod, nestedCluster } from '../../lib/placement/testkit';
import { cellAnnouncement, cellHit, hitFacts, podScalingGroups, TOOLTIP_EDGE_MARGIN, TOOLTIP_OFFSET, tooltipPosition } from './Tooltip';

const viewport = { width: 1280, height: 800 };
const size = { width: 300, height: 200 };

describe('tooltipPosition: the tooltip stays in the window', () => {
  test('with room, below and right of the pointer', () => {
    expect(tooltipPosition({ x: 100, y: 100 }, size, viewport)).toEqual({ left: 100 + TOOLTIP_OFFSET, top: 100 + TOOLTIP_OFFSET });
  });

  test('near the right edge it flips to the left of the pointer; near the bottom, above it', () => {
    expect(tooltipPosition({ x: 1200, y: 100 }, size, viewport)).toEqual({ left: 1200 - TOOLTIP_OFFSET - 300, top: 100 + TOOLTIP_OFFSET });
    expect(tooltipPosition({ x: 100, y: 750 }, size, viewport)).toEqual({ left: 100 + TOOLTIP_OFFSET, top: 750 - TOOLTIP_OFFSET - 200 });
    expect(tooltipPosition({ x: 1270, y: 790 }, size, viewport)).toEqual({ left: 1270 - TOOLTIP_OFFSET - 300, top: 790 - TOOLTIP_OFFSET - 200 });
  });

  test('with room on neither side (a narrow phone), it is pushed in from the edge', () => {
    expect(tooltipPosition({ x: 200, y: 100 }, size, { width: 390, height: 800 })).toEqual({ left: 390 - TOOLTIP_EDGE_MARGIN - 300, top: 100 + TOOLTIP_OFFSET });
  });

  test('property: a tooltip that fits the window (less its margins) is wholly inside it, wherever the pointer is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 3000 }), fc.integer({ min: 100, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (vw, vh, px, py, sw, sh) => {
        const box = { width: sw * (vw - 2 * TOOLTIP_EDGE_MARGIN), height: sh * (vh - 2 * TOOLTIP_EDGE_MARGIN) };
        const { left, top } = tooltipPosition({ x: px * vw, y: py * vh }, box, { width: vw, height: vh });
        expect(left).toBeGreaterThanOrEqual(TOOLTIP_EDGE_MARGIN - 1e-9);
        expect(top).toBeGreaterThanOrEqual(TOOLTIP_EDGE_MARGIN - 1e-9);
        expect(left + box.width).toBeLessThanOrEqual(vw - TOOLTIP_EDGE_MARGIN + 1e-9);
        expect(top + box.height).toBeLessThanOrEqual(vh - TOOLTIP_EDGE_MARGIN + 1e-9);
      }),
    );
  });
});

describe('the tooltip names a pod’s scaling group (PodCliqueScalingGroup)', () => {
  const state = nestedCluster(['rack'], [1, 2], { gpu: 4 });
  const grove = { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'llama', [LABEL_PODGANG]: 'llama-0', [LABEL_PODCLIQUE]: 'llama-0-prefill-0-pworker' };
  state.pods = [
    { ...boundPod('in-group', 'node-0', 4), labels: { ...grove, [LABEL_PCSG]: 'llama-0-prefill' } },
    { ...boundPod('alone', 'node-1', 4), labels: { ...grove, [LABEL_PODCLIQUE]: 'llama-0-router' } },
  ];
  const model = buildHeatmapModel(state);
  const groups = podScalingGroups(state.pods);
  const cellOf = (node: string) => model.layout.nodes.find((b) => b.name === node)!.firstCell;

  test('a pod of a scaling group: named after its PodClique, in the tooltip and the keyboard cursor’s sentence', () => {
    expect(groups).toEqual(new Map([['default/in-group', 'llama-0-prefill']]));
    const facts = hitFacts(model, cellHit(model, cellOf('node-0')), null, groups)!;
    expect(facts.map((f) => f.name)).toEqual(['Node', 'GPU', 'Pod', 'PodClique', 'Scaling group', 'PodGang', 'PodCliqueSet', 'Phase']);
    expect(facts.find((f) => f.name === 'Scaling group')!.value).toBe('llama-0-prefill');
    expect(cellAnnouncement(model, cellOf('node-0'), null, groups)).toContain('PodClique: llama-0-prefill-0-pworker; Scaling group: llama-0-prefill; PodGang: llama-0');
  });

  test('a pod of no scaling group has no such row', () => {
    expect(hitFacts(model, cellHit(model, cellOf('node-1')), null, groups)!.map((f) => f.name)).not.toContain('Scaling group');
  });
});
