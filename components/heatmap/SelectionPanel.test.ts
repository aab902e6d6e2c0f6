/**
 * The selection panel's gang states come from the member pods (lib/workloads gangState), never from
 * PodGang status.phase, which Grove leaves at Pending (API-NOTES §9, §22.8).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODCLIQUE, LABEL_PODGANG } from '../../lib/grove/labels';
import type { PodInfo } from '../../lib/cluster/state';
import type { KubeObject } from '../../lib/grove/meta';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { workloadSpan } from '../../lib/heatmap/span';
import { boundPod, groveE2eCluster, nestedCluster } from '../../lib/placement/testkit';
import { podGangState, SelectionPanel, selectionText, workloadGangs } from './SelectionPanel';

type Stage = 'gated' | 'pending' | 'scheduled' | 'ready';

/** A pod of gang w-0, pod group w-0-worker, at `stage`. */
function pod(name: string, stage: Stage, referenced = true): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: referenced ? {} : { [LABEL_PODGANG]: 'w-0', [LABEL_PODCLIQUE]: 'w-0-worker' } },
    spec: {
      containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': '2' } } }],
      ...(stage === 'gated' ? { schedulingGates: [{ name: 'grove.io/podgang-pending-creation' }] } : {}),
      ...(stage === 'scheduled' || stage === 'ready' ? { nodeName: 'node-0' } : {}),
    },
    status: { phase: stage === 'ready' ? 'Running' : 'Pending', conditions: stage === 'ready' ? [{ type: 'Ready', status: 'True' }] : [] },
  } as KubeObject;
}

/** PodGang w-0 as the operator writes it: phase Pending (or what a test claims), referencing `refs`, minimum 2. */
function gang(refs: string[], phase = 'Pending'): KubeObject {
  return {
    apiVersion: 'scheduler.grove.io/v1alpha1',
    kind: 'PodGang',
    metadata: { name: 'w-0', namespace: 'default' },
    spec: { podgroups: [{ name: 'w-0-worker', minReplicas: 2, podReferences: refs.map((name) => ({ namespace: 'default', name })) }] },
    status: { phase, conditions: [{ type: 'Initialized', status: 'True', reason: 'PodGangPodsCreated' }] },
  } as KubeObject;
}

describe('podGangState', () => {
  test('reads the members: Pending while below the minimum bound, Scheduled once bound, Running once Ready', () => {
    const g = gang(['a', 'b']);
    expect(podGangState(g, [pod('a', 'gated'), pod('b', 'gated')])).toBe('Pending');
    expect(podGangState(g, [pod('a', 'scheduled'), pod('b', 'pending')])).toBe('Pending');
    expect(podGangState(g, [pod('a', 'scheduled'), pod('b', 'scheduled')])).toBe('Scheduled');
    expect(podGangState(g, [pod('a', 'ready'), pod('b', 'ready')])).toBe('Running');
  });

  test('ignores status.phase, and counts labelled pods the gang does not reference yet', () => {
    expect(podGangState(gang(['a', 'b'], 'Running'), [pod('a', 'gated'), pod('b', 'gated')])).toBe('Pending');
    expect(podGangState(gang(['a']), [pod('a', 'ready'), pod('b', 'ready', false)])).toBe('Running');
    // A pod of another namespace with the same name is not a member.
    const elsewhere = { ...pod('b', 'ready'), metadata: { name: 'b', namespace: 'other' } } as KubeObject;
    expect(podGangState(gang(['a', 'b']), [pod('a', 'ready'), elsewhere])).toBe('Pending');
  });
});

describe('SelectionPanel', () => {
  test('shows each gang with the state its pods give, though the PodGang says Pending', () => {
    const state = nestedCluster(['zone', 'rack'], [1, 2, 1]);
    const labels = { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w', [LABEL_PODGANG]: 'w-0' };
    state.pods = [
      { ...boundPod('a', 'node-0', 2), labels },
      { ...boundPod('b', 'node-1', 2), labels },
    ];
    const model = buildHeatmapModel(state);
    const span = workloadSpan(model, 'default/w')!;
    const render = (pods: KubeObject[]) =>
      renderToStaticMarkup(createElement(SelectionPanel, { span, levels: model.layout.levels, podGangs: [gang(['a', 'b'])], pods, onClear: () => undefined })).replace(/<[^>]+>/g, '');
    expect(render([pod('a', 'ready'), pod('b', 'ready')])).toContain('w-0: 4 GPUs, Running');
    expect(render([pod('a', 'scheduled'), pod('b', 'scheduled')])).toContain('w-0: 4 GPUs, Scheduled');
  });

  test('two blocks labelled block-1 in two zones are two blocks, named apart, as the map draws them', () => {
    // Grove e2e labels: worker-20 is zone-0/block-1/rack-2, worker-30 zone-1/block-1/rack-4.
    const state = groveE2eCluster(56);
    const labels = { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: 'w', [LABEL_PODGANG]: 'w-0' };
    state.pods = [
      { ...boundPod('a', 'worker-20', 2), labels },
      { ...boundPod('b', 'worker-30', 2), labels },
    ];
    const render = (hiddenLevels: string[]) => {
      const model = buildHeatmapModel(state, { hiddenLevels });
      const span = workloadSpan(model, 'default/w')!;
      return renderToStaticMarkup(createElement(SelectionPanel, { span, levels: model.layout.levels, podGangs: [], pods: [], onClear: () => undefined })).replace(/<[^>]+>/g, '');
    };
    const shown = render([]);
    expect(shown).toContain('Spans 2 blocks: block-1 in zone zone-0, block-1 in zone zone-1');
    expect(shown).toContain('gang w-0 spans 2 zones (zone-0, zone-1) and 2 blocks (block-1 in zone zone-0, block-1 in zone zone-1) and 2 racks (rack-2 in block block-1 in zone zone-0, rack-4)');
    expect(shown).toContain('w-0: 4 GPUs — spans several zones, blocks, racks');
    // Zones collapsed: the map draws one block-1 frame, the panel says one block; the gang is still split across the two.
    const collapsed = render(['zone']);
    expect(collapsed).toContain('Spans 1 block: block-1');
    expect(collapsed).toContain('2 blocks (block-1 in zone zone-0, block-1 in zone zone-1)');
  });
});

describe('a workload with no pod on the map', () => {
  const groveLabels = (pcs: string, gang: string) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: pcs, [LABEL_PODGANG]: gang, [LABEL_PODCLIQUE]: `${gang}-worker` });
  /** The model's pod (ClusterState) and the stream's (KubeObject) of one pending, ungated pod asking for 4 GPUs. */
  const pendingPod = (name: string, pcs: string, gang: string): { info: PodInfo; object: KubeObject } => ({
    info: { ...boundPod(name, '', 4), nodeName: undefined, phase: 'Pending', labels: groveLabels(pcs, gang) },
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: groveLabels(pcs, gang) },
      spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': '4' } } }] },
      status: { phase: 'Pending' },
    } as KubeObject,
  });
  const podGang = (name: string, pcs: string, refs: string[]): KubeObject =>
    ({
      apiVersion: 'scheduler.grove.io/v1alpha1',
      kind: 'PodGang',
      metadata: { name, namespace: 'default', labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: pcs } },
      spec: { podgroups: [{ name: `${name}-worker`, minReplicas: Math.max(1, refs.length), podReferences: refs.map((r) => ({ namespace: 'default', name: r })) }] },
      status: { phase: 'Pending' },
    }) as KubeObject;
  const text = (html: string) => html.replace(/<[^>]+>/g, '');

  test('19 pods pending, none bound: says so instead of "Spans 0 …", and lists its gang with its state', () => {
    const state = nestedCluster(['zone', 'block', 'rack'], [1, 1, 2, 2]);
    const pods = Array.from({ length: 19 }, (_, i) => pendingPod(`nofit-rack-0-worker-${i}`, 'nofit-rack', 'nofit-rack-0'));
    state.pods = pods.map((p) => p.info);
    const model = buildHeatmapModel(state);
    const span = workloadSpan(model, 'default/nofit-rack')!;
    expect(selectionText(span, model.layout.levels)).toMatchObject({ spans: [], unplaced: '19 pods pending, none placed' });
    const gangs = [podGang('nofit-rack-0', 'nofit-rack', pods.map((p) => p.object.metadata!.name!)), podGang('other-0', 'other', [])];
    const shown = text(renderToStaticMarkup(createElement(SelectionPanel, { span, levels: model.layout.levels, podGangs: gangs, pods: pods.map((p) => p.object), onClear: () => undefined })));
    expect(shown).toContain('default/nofit-rack · no GPUs yet · 19 pods pending, 76 GPUs waiting');
    expect(shown).toContain('19 pods pending, none placed. None of its pods is bound to a node yet');
    expect(shown).not.toContain('Spans');
    expect(shown).toContain('Gangs (1)');
    expect(shown).toContain('nofit-rack-0: no GPUs yet, 19 pods pending, Pending');
    expect(shown).not.toContain('other-0');
  });

  test('a workload whose only bound pod is on a node without GPUs (a CPU frontend) is not said to have none placed', () => {
    const state = nestedCluster(['zone', 'block', 'rack'], [1, 1, 2, 2]);
    const worker = pendingPod('web-0-worker-0', 'web', 'web-0');
    const frontend: PodInfo = { ...worker.info, name: 'web-0-frontend-0', nodeName: 'cpu-0', phase: 'Running', requests: { ...worker.info.requests, gpu: 0 } };
    state.nodes.push({ ...state.nodes[0]!, name: 'cpu-0', allocatable: { ...state.nodes[0]!.allocatable, gpu: 0 } });
    state.pods = [worker.info, frontend];
    const model = buildHeatmapModel(state);
    const span = workloadSpan(model, 'default/web')!;
    expect(span.pods).toBe(0);
    expect(selectionText(span, model.layout.levels, [], 1).unplaced).toBe('1 pod pending; none on this map (1 bound to nodes without GPUs)');
    const shown = text(renderToStaticMarkup(createElement(SelectionPanel, { span, levels: model.layout.levels, podGangs: [], pods: [worker.object], cluster: state, onClear: () => undefined })));
    expect(shown).toContain('1 pod pending; none on this map (1 bound to nodes without GPUs). It holds no GPUs on this map yet.');
    expect(shown).not.toContain('none placed');
  });

  test('gangs come from the PodGang objects and from the pods’ grove.io/podgang label, beside those on the map', () => {
    const state = nestedCluster(['rack'], [1, 2]);
    const labels = groveLabels('w', 'w-0');
    const waiting = pendingPod('w-1-worker-0', 'w', 'w-1');
    state.pods = [{ ...boundPod('w-0-worker-0', 'node-0', 4), labels }, waiting.info];
    const model = buildHeatmapModel(state);
    const span = workloadSpan(model, 'default/w')!;
    const bound = { ...pod('w-0-worker-0', 'ready'), metadata: { name: 'w-0-worker-0', namespace: 'default', labels } } as KubeObject;
    // w-2's PodGang exists and its pods are not created yet; w-1's pod exists and its PodGang not yet.
    const rows = workloadGangs(span, [podGang('w-0', 'w', ['w-0-worker-0']), podGang('w-2', 'w', [])], [bound, waiting.object]);
    expect(rows.map(({ span: _, ...row }) => row)).toEqual([
      { name: 'w-0', gpus: 4, pendingPods: 0, state: 'Running' },
      { name: 'w-1', gpus: 0, pendingPods: 1 },
      { name: 'w-2', gpus: 0, pendingPods: 0, state: 'Pending' },
    ]);
    expect(rows[0]!.span?.name).toBe('w-0');
  });
});
