/**
 * What the topology page's panels say about domains: the selection panel (split gangs, NVLink domain
 * names), the frame tooltip and the domain table (friendly names, parts of domains that do not nest).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import type { ClusterState } from '../../lib/cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODGANG } from '../../lib/grove/labels';
import { buildHeatmapModel, type HeatmapModel } from '../../lib/heatmap/model';
import { workloadSpan } from '../../lib/heatmap/span';
import { boundPod, groveE2eCluster, nestedCluster } from '../../lib/placement/testkit';
import { GPU_CLIQUE_LABEL } from '../../lib/topology/spec';
import { DomainTable } from './DomainTable';
import { SelectionPanel } from './SelectionPanel';
import { hitFacts } from './Tooltip';

const grove = (gang: string) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w', [LABEL_PODGANG]: gang });
/** Gang w-0 of workload default/w: 2 GPUs on node-0 and 2 on node-1. */
const gangOnFirstTwoNodes = () => [
  { ...boundPod('p0', 'node-0', 2), labels: grove('w-0') },
  { ...boundPod('p1', 'node-1', 2), labels: grove('w-0') },
];
/** Markup as text: tags dropped, entities React escapes read back. */
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

function selectionPanelText(model: HeatmapModel): string {
  const span = workloadSpan(model, 'default/w')!;
  return text(renderToStaticMarkup(createElement(SelectionPanel, { span, levels: model.layout.levels, podGangs: [], onClear: () => undefined })));
}

const frameFact = (model: HeatmapModel, frame: number) => hitFacts(model, { kind: 'frame', frame }, null)![0]!;

describe('selection panel', () => {
  test('a gang split across racks is called out with the rack level shown and with it collapsed', () => {
    const state = nestedCluster(['zone', 'rack'], [1, 2, 1]);
    state.pods = gangOnFirstTwoNodes();
    const shown = selectionPanelText(buildHeatmapModel(state));
    expect(shown).toContain('Spans 2 racks: rack-0, rack-1');
    // No PodGang constraint: a spread is a fact, not a problem (no ⚠).
    expect(shown).toContain('gang w-0 spans 2 racks (rack-0, rack-1) (it has no pack constraint)');
    expect(shown).not.toContain('⚠');
    const collapsed = selectionPanelText(buildHeatmapModel(state, { hiddenLevels: ['rack'] }));
    expect(collapsed).toContain('Spans 1 zone: zone-0');
    expect(collapsed).not.toContain('Spans 2 racks');
    expect(collapsed).toContain('gang w-0 spans 2 racks (rack-0, rack-1; the rack level is collapsed on the map)');
    expect(collapsed).toContain('w-0: 4 GPUs — spans several racks');
  });

  test('NVLink domains of two racks with the same clique id are told apart', () => {
    const state = nestedCluster(['rack'], [2, 1], { gpu: 4 });
    const uuids = ['0b2a5c1e-7d4f-4e8a-9c31-5f6e7a8b9c0d', '4c8e1f2a-3b5d-4a6c-8e9f-1a2b3c4d5e6f'];
    state.nodes = state.nodes.map((node, i) => ({ ...node, labels: { ...node.labels, [GPU_CLIQUE_LABEL]: `${uuids[i]}.32766` } }));
    state.pods = gangOnFirstTwoNodes();
    const panel = selectionPanelText(buildHeatmapModel(state));
    expect(panel).toContain('Spans 2 NVLink domains: clique 0b2a5c1e…/32766, clique 4c8e1f2a…/32766');
    expect(panel).toContain('spans 2 racks (rack-0, rack-1) and 2 NVLink domains (clique 0b2a5c1e…/32766, clique 4c8e1f2a…/32766)');
  });
});

describe('frame tooltip and domain table', () => {
  test('two blocks labelled block-1 in two zones: the tooltip and the table name each as a whole block, never a part of one', () => {
    const model = buildHeatmapModel(groveE2eCluster(56));
    const blocks = model.layout.frames.filter((f) => f.level === 'block' && f.value === 'block-1');
    expect(blocks.map((f) => frameFact(model, f.index))).toEqual([
      { name: 'block', value: 'block-1' },
      { name: 'block', value: 'block-1' },
    ]);
    // Each tooltip counts its own block's GPUs (8 and 12 nodes of 8 GPUs).
    expect(blocks.map((f) => model.frameStats[f.index]!.gpus)).toEqual([64, 96]);
    const markup = renderToStaticMarkup(createElement(DomainTable, { model, highlight: null, selected: null, onFocusFrame: () => undefined }));
    // Two rows named exactly "block block-1" (a cell's whole text), nothing about parts.
    expect(markup.match(/>block block-1</g)).toHaveLength(2);
    expect(text(markup)).not.toContain('part:');
  });

  test('the tooltip names a clique and an unlabelled domain as the frame does, not by the raw label value', () => {
    const state: ClusterState = nestedCluster(['rack'], [2, 1], { gpu: 4 });
    state.nodes = state.nodes.map((node, i) => {
      const labels: Record<string, string> = { ...node.labels, [GPU_CLIQUE_LABEL]: `0b2a5c1e-7d4f-4e8a-9c31-5f6e7a8b9c0d.${i + 1}` };
      if (i === 1) delete labels['topology.kubernetes.io/rack'];
      return { ...node, labels };
    });
    const model = buildHeatmapModel(state);
    const facts = model.layout.frames.map((f) => [f.label, frameFact(model, f.index).value]);
    expect(facts).toEqual([
      ['rack rack-0', 'rack-0'],
      ['nvlink clique 1', 'clique 1'],
      ['rack (unlabelled)', '(unlabelled)'],
      ['nvlink clique 2', 'clique 2'],
    ]);
  });
});
