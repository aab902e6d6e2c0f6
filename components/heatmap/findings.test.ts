/**
 * What the topology page says about taints (tooltip/cursor sentence, table), pending pods (selection
 * heading) and pack constraints (selection panel: a broken required pack is a problem, a preferred one
 * a note, a spread without constraints plain information).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import type { PodInfo } from '../../lib/cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODGANG } from '../../lib/grove/labels';
import type { KubeObject } from '../../lib/grove/meta';
import { buildHeatmapModel, type HeatmapModel } from '../../lib/heatmap/model';
import { workloadSpan } from '../../lib/heatmap/span';
import { boundPod, nestedCluster } from '../../lib/placement/testkit';
import { DomainTable } from './DomainTable';
import { Legend } from './Legend';
import { SelectionPanel } from './SelectionPanel';
import { cellAnnouncement, HeatmapTooltip, hitFacts } from './Tooltip';
import { colorCells } from '../../lib/heatmap/colors';

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/&quot;/g, '"');
const grove = (pcs: string, gang: string, clique = `${pcs}-0-worker`) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: pcs, [LABEL_PODGANG]: gang, [LABEL_PODCLIQUE]: clique });
const pendingPod = (name: string, gpu: number, labels: Record<string, string>): PodInfo => ({ ...boundPod(name, '', gpu), nodeName: undefined, phase: 'Pending', labels });

function panel(model: HeatmapModel, key: string, podGangs: KubeObject[] = []): string {
  const span = workloadSpan(model, key)!;
  return text(renderToStaticMarkup(createElement(SelectionPanel, { span, levels: model.layout.levels, podGangs, pods: [], onClear: () => undefined })));
}

describe('a tainted node', () => {
  const tainted = () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.nodes[1] = { ...state.nodes[1]!, name: 'gpu-z0-b1-r1-n1', labels: { ...state.nodes[1]!.labels, 'kubernetes.io/hostname': 'gpu-z0-b1-r1-n1' }, taints: [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }] };
    return buildHeatmapModel(state);
  };

  test('the cursor sentence and the tooltip name the taint and do not call the GPU free', () => {
    const model = tainted();
    const cell = model.layout.nodes.find((b) => b.name === 'gpu-z0-b1-r1-n1')!.firstCell;
    const sentence = cellAnnouncement(model, cell, null);
    expect(sentence).toContain('Node: gpu-z0-b1-r1-n1 (Ready, tainted)');
    expect(sentence).toContain('Taints: dedicated=infer:NoSchedule');
    expect(sentence).toContain('Pod: none (free only for pods that tolerate the node’s taints)');
    expect(sentence).not.toContain('Pod: free');
    // The untainted node's GPU is still plainly free.
    expect(cellAnnouncement(model, model.layout.nodes.find((b) => b.name !== 'gpu-z0-b1-r1-n1')!.firstCell, null)).toContain('Pod: free');
    // The frame holding both counts the tainted node's GPUs as a part of its free ones.
    expect(hitFacts(model, { kind: 'frame', frame: 0 }, null)![1]!.value).toBe('0 used / 16 (16 free, 8 of them on tainted nodes)');
  });

  test('the table counts them in their own column and lists the node with its taints; the legend has a tainted-node marker', () => {
    const model = tainted();
    const table = text(renderToStaticMarkup(createElement(DomainTable, { model, highlight: null, selected: null, onFocusFrame: () => undefined })));
    expect(table).toContain('Of free, on tainted nodes');
    expect(table).not.toContain('All GPU nodes carry');
    expect(table).toContain('Tainted nodes (1)');
    expect(table).toContain('gpu-z0-b1-r1-n1: dedicated=infer:NoSchedule');
    const legend = text(renderToStaticMarkup(createElement(Legend, { entries: colorCells(model, 'allocation', 'light').legend, selected: null, onSelect: () => undefined, ghostCount: 0 })));
    expect(legend).toContain('Tainted node (NoSchedule / NoExecute');
    expect(legend).toContain('Free on a tainted node');
    expect(legend).not.toContain('All GPU nodes carry');
  });

  test('GKE-like: a taint on every GPU node is said once in the legend and under the table, with no node listed as tainted and every free GPU plainly free', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    for (const node of state.nodes) node.taints = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }];
    const model = buildHeatmapModel(state);
    const note = 'All GPU nodes carry nvidia.com/gpu=present:NoSchedule: pods need a toleration for nvidia.com/gpu=present:NoSchedule';
    const table = text(renderToStaticMarkup(createElement(DomainTable, { model, highlight: null, selected: null, onFocusFrame: () => undefined })));
    expect(table).toContain(note);
    expect(table).not.toContain('Tainted nodes (');
    const legend = text(renderToStaticMarkup(createElement(Legend, { entries: colorCells(model, 'allocation', 'light').legend, selected: null, onSelect: () => undefined, ghostCount: 0, clusterTaints: model.clusterTaints })));
    expect(legend).toContain(note);
    expect(hitFacts(model, { kind: 'frame', frame: 0 }, null)![1]!.value).toBe('0 used / 16 (16 free)');
    const sentence = cellAnnouncement(model, model.layout.nodes[1]!.firstCell, null);
    expect(sentence).toContain('Pod: free');
    expect(sentence).not.toContain('tainted');
  });
});

describe('pending pods in the selection', () => {
  test('a workload with pods pending says how many and the GPUs they wait for; one with only pending pods says it has no GPUs yet and links to its workload page', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.pods = [
      { ...boundPod('many-0', 'node-0', 8), labels: grove('many', 'many-0') },
      ...[1, 2, 3, 4, 5].map((i) => pendingPod(`many-${i}`, 8, grove('many', 'many-0'))),
      ...[0, 1, 2, 3].map((i) => pendingPod(`fitkai-${i}`, 6, grove('fitkai', 'fitkai-0'))),
    ];
    const model = buildHeatmapModel(state);
    expect(panel(model, 'default/many')).toContain('default/many · 8 GPUs on 1 pods · 5 pods pending, 40 GPUs waiting');
    const html = renderToStaticMarkup(createElement(SelectionPanel, { span: workloadSpan(model, 'default/fitkai')!, levels: model.layout.levels, podGangs: [], pods: [], onClear: () => undefined }));
    expect(text(html)).toContain('default/fitkai · no GPUs yet · 4 pods pending, 24 GPUs waiting');
    expect(text(html)).toContain('None of its pods is bound to a node yet');
    expect(html).toContain('href="/workloads/default/fitkai"');
  });

  test('nothing pending: the heading is as before', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.pods = [{ ...boundPod('a', 'node-0', 8), labels: grove('w', 'w-0') }];
    const shown = panel(buildHeatmapModel(state), 'default/w');
    expect(shown).toContain('default/w · 8 GPUs on 1 pods');
    expect(shown).not.toContain('pending');
  });
});

describe('pack constraints in the selection panel', () => {
  // 2 zones × 2 racks × 1 node.
  const spread = (pcs: string, cliques: string[]) => {
    const state = nestedCluster(['zone', 'rack'], [2, 2, 1]);
    state.pods = cliques.map((clique, i) => ({ ...boundPod(`${pcs}-${i}`, `node-${i}`, 4), labels: grove(pcs, `${pcs}-0`, clique) }));
    return buildHeatmapModel(state);
  };
  const gang = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'scheduler.grove.io/v1alpha1', kind: 'PodGang', metadata: { name, namespace: 'default' }, spec } as KubeObject);

  test('a required rack pack of a scaling group broken across zones is a problem (⚠) that names the group, the level and the racks', () => {
    const pleader = 'disagg-0-prefill-0-pleader';
    const pworker = 'disagg-0-prefill-0-pworker';
    const model = spread('disagg', [pleader, pworker, pworker]);
    const rack = model.layout.levels.find((l) => l.domain === 'rack')!.key;
    const shown = panel(model, 'default/disagg', [
      gang('disagg-0', {
        podgroups: [pleader, pworker].map((name) => ({ name, minReplicas: 1, podReferences: [] })),
        topologyConstraintGroupConfigs: [{ name: 'disagg-0-prefill-0', podGroupNames: [pleader, pworker], topologyConstraint: { packConstraint: { required: rack } } }],
      }),
    ]);
    expect(shown).toContain('⚠ Required rack pack of scaling group prefill (replica disagg-0-prefill-0) not met: pods on 3 racks (rack-0, rack-1, rack-2)');
    // Said once, as the problem, not again as a plain spread.
    expect(shown).not.toContain('gang disagg-0 spans');
    expect(shown).toMatch(/disagg-0: 12 GPUs(, \w+)? — spans several zones, racks \(breaks a required pack\)/);
  });

  test('a gang with no constraint across two zones is information, without ⚠', () => {
    const model = spread('many', ['many-0-worker', 'many-0-worker', 'many-0-worker']);
    const shown = panel(model, 'default/many', [gang('many-0', { podgroups: [{ name: 'many-0-worker', minReplicas: 3, podReferences: [] }] })]);
    expect(shown).not.toContain('⚠');
    expect(shown).toContain('gang many-0 spans 2 zones (zone-0, zone-1) and 3 racks (rack-0, rack-1, rack-2) (it has no pack constraint)');
  });

  test('a preferred pack not met is a note; a required one met spreads without ⚠', () => {
    const model = spread('w', ['w-0-worker', 'w-0-worker']);
    const key = (domain: string) => model.layout.levels.find((l) => l.domain === domain)!.key;
    const shown = panel(model, 'default/w', [gang('w-0', { podgroups: [{ name: 'w-0-worker', minReplicas: 2, podReferences: [], topologyConstraint: { packConstraint: { preferred: key('rack') } } }], topologyConstraint: { packConstraint: { required: key('zone') } } })]);
    expect(shown).not.toContain('⚠');
    expect(shown).toContain('Note: Preferred rack pack of clique worker (w-0-worker) not met: pods on 2 racks (rack-0, rack-1)');
    expect(shown).toContain('gang w-0 spans 2 racks (rack-0, rack-1)');
    expect(shown).not.toContain('it has no pack constraint');
  });
});

describe('the tooltip of a node on a cluster whose GPU nodes all carry a taint', () => {
  const gke = () => {
    const state = nestedCluster(['rack'], [1, 2]);
    for (const node of state.nodes) node.taints = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }];
    return state;
  };

  test('names the cluster-wide taint as such, after the node’s own, without calling the node tainted', () => {
    const model = buildHeatmapModel(gke());
    const sentence = cellAnnouncement(model, model.layout.nodes[1]!.firstCell, null);
    expect(sentence).toContain('Taints: nvidia.com/gpu=present:NoSchedule (on every GPU node)');
    expect(sentence).toContain(`Node: ${model.layout.nodes[1]!.name} (Ready)`);
    // A node hovered (not a cell) says it too.
    expect(hitFacts(model, { kind: 'node', node: 0 }, null)).toContainEqual({ name: 'Taints', value: '', aside: 'nvidia.com/gpu=present:NoSchedule (on every GPU node)' });

    const pool = gke();
    pool.nodes[1]!.taints.push({ key: 'dedicated', value: 'infer', effect: 'NoSchedule' });
    const dedicated = buildHeatmapModel(pool);
    const own = cellAnnouncement(dedicated, dedicated.layout.nodes[1]!.firstCell, null);
    expect(own).toContain(`Node: ${dedicated.layout.nodes[1]!.name} (Ready, tainted)`);
    expect(own).toContain('Taints: dedicated=infer:NoSchedule, nvidia.com/gpu=present:NoSchedule (on every GPU node)');
  });

  test('the tooltip draws the cluster-wide taint quieter than the node’s own', () => {
    const pool = gke();
    pool.nodes[1]!.taints.push({ key: 'dedicated', value: 'infer', effect: 'NoSchedule' });
    const model = buildHeatmapModel(pool);
    const html = renderToStaticMarkup(createElement(HeatmapTooltip, { model, hit: { kind: 'node', node: 1 }, x: 0, y: 0, ghosts: null }));
    const row = /<dd[^>]*>dedicated=infer:NoSchedule<span class="([^"]*)">, nvidia\.com\/gpu=present:NoSchedule \(on every GPU node\)<\/span><\/dd>/.exec(html);
    expect(row, html).not.toBeNull();
    expect(row![1]).toContain('text-zinc-500');
  });

  test('a terminating pod’s phase says it is terminating', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    state.pods = [{ ...boundPod('old', 'node-0', 8), labels: grove('w', 'w-0'), terminating: true }, { ...boundPod('new', 'node-1', 8), labels: grove('w', 'w-0') }];
    const model = buildHeatmapModel(state);
    const firstCellOf = (node: string) => model.layout.nodes.find((b) => b.name === node)!.firstCell;
    expect(cellAnnouncement(model, firstCellOf('node-0'), null)).toMatch(/Pod: default\/old; .*Phase: Running, terminating/);
    expect(cellAnnouncement(model, firstCellOf('node-1'), null)).toMatch(/Pod: default\/new; .*Phase: Running$/);
  });
});
