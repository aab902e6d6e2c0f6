import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SCALABLE_KINDS } from '../cluster/kinds';
import type { ClusterState } from '../cluster/state';
import { MAX_REPLICAS } from '../cluster/limits';
import { boundPod } from '../placement/testkit';
import { buildHeatmapModel } from './model';
import { ghostOverlay } from './overlay';
import { previewScale } from '../placement/preview';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { GPU_PRODUCT_LABEL } from '../topology/spec';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { stackObjects } from '../workloads/testkit';
import { formatScaleParam, parseScaleParam, planScaleRequest, plannedPodCounts, SCALE_PARAM, scaleOnTopologyHref, scaleRequestText, scaleUpTitle, type ScaleRequest } from './scalePreview';

const MIXTRAL: ScaleRequest = { kind: 'PodCliqueSet', namespace: 'default', name: 'mixtral-agg', replicas: 5 };

describe('the scale request in the URL', () => {
  test('written as <kind>/<namespace>/<name>/<replicas> and read back', () => {
    expect(formatScaleParam(MIXTRAL)).toBe('PodCliqueSet/default/mixtral-agg/5');
    expect(parseScaleParam('PodClique/team-a/sp-0-decode/6')).toEqual({ ok: true, request: { kind: 'PodClique', namespace: 'team-a', name: 'sp-0-decode', replicas: 6 } });
    const href = scaleOnTopologyHref(MIXTRAL);
    expect(href).toBe('/topology?scale=PodCliqueSet%2Fdefault%2Fmixtral-agg%2F5');
    expect(new URL(href, 'http://x').searchParams.get(SCALE_PARAM)).toBe('PodCliqueSet/default/mixtral-agg/5');
  });

  test('property: every request round-trips through the URL', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
    const request = fc.record({ kind: fc.constantFrom(...SCALABLE_KINDS), namespace: label, name: fc.array(label, { minLength: 1, maxLength: 3 }).map((p) => p.join('.')), replicas: fc.nat(MAX_REPLICAS * 10) });
    fc.assert(
      fc.property(request, (r) => {
        const param = new URL(scaleOnTopologyHref(r), 'http://x').searchParams.get(SCALE_PARAM)!;
        expect(parseScaleParam(param)).toEqual({ ok: true, request: r });
      }),
    );
  });

  test.each([
    ['too few parts', 'PodCliqueSet/default/mixtral-agg', 'expected <kind>/<namespace>/<name>/<replicas>, e.g. PodCliqueSet/default/my-stack/2, got 3 parts'],
    ['a name with a slash', 'PodCliqueSet/default/a/b/2', 'got 5 parts'],
    ['a kind Canopy does not scale', 'Deployment/default/web/2', 'kind "Deployment" is not one Canopy scales (PodCliqueSet, PodCliqueScalingGroup, PodClique)'],
    ['a kind in lower case', 'podcliqueset/default/web/2', 'kind "podcliqueset"'],
    ['an empty namespace', 'PodCliqueSet//web/2', 'namespace "" must not be empty'],
    ['a namespace in capitals', 'PodCliqueSet/Default/web/2', 'namespace "Default" must consist of lower case'],
    ['an empty name', 'PodCliqueSet/default//2', 'name "" must not be empty'],
    ['replicas not a number', 'PodCliqueSet/default/web/two', 'replicas "two" is not a whole number'],
    ['negative replicas', 'PodCliqueSet/default/web/-1', 'replicas "-1" is not a whole number'],
    ['replicas beyond any count', 'PodCliqueSet/default/web/12345678901', 'replicas "12345678901" is not a whole number'],
  ])('%s: refused with what is wrong', (_, value, why) => {
    const read = parseScaleParam(value);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.problem).toContain(`The scale-up in this link could not be read (scale=${value}): `);
      expect(read.problem).toContain(why);
    }
  });

  test('what the preview is of, in words', () => {
    expect(scaleRequestText(MIXTRAL)).toBe('PodCliqueSet default/mixtral-agg to 5 replicas');
    expect(scaleRequestText({ kind: 'PodClique', namespace: 'default', name: 'sp-0-decode', replicas: 1 })).toBe('PodClique default/sp-0-decode to 1 pod');
    expect(scaleRequestText({ kind: 'PodCliqueScalingGroup', namespace: 'default', name: 'sp-0-prefill', replicas: 3 })).toBe('PodCliqueScalingGroup default/sp-0-prefill to 3 replicas');
  });
});

describe('scaleUpTitle', () => {
  test('the target, the replica change and the pods planned (the waiting ones named: their GPUs are ghosts too)', () => {
    const scale = { kind: 'PodCliqueSet', namespace: 'default', name: 'llama-disagg', from: 1, to: 2, added: 13, waiting: 0 };
    expect(scaleUpTitle(scale)).toBe('Scale-up of PodCliqueSet default/llama-disagg 1 → 2 (planned: 13 new pods)');
    expect(scaleUpTitle({ ...scale, kind: 'PodClique', name: 'sp-0-decode', from: 5, to: 6, added: 1, waiting: 2 })).toBe('Scale-up of PodClique default/sp-0-decode 5 → 6 (planned: 1 new pod and 2 pods already waiting)');
    expect(scaleUpTitle({ ...scale, added: 2, waiting: 1 })).toBe('Scale-up of PodCliqueSet default/llama-disagg 1 → 2 (planned: 2 new pods and 1 pod already waiting)');
  });
});

describe('planScaleRequest: the request planned on the cluster given', () => {
  const mixtral = () => demoStacks().find((s) => s.metadata.name === 'mixtral-agg')!;
  // The demo's H100 zone (8 nodes of 8 GPUs) with mixtral-agg's objects but none of its pods bound:
  // 2 → 5 plans the 2 replicas asked for already (not created) and the 3 new ones, 16 GPUs each.
  const empty = () => clusterStateFromSnapshot(demoSnapshot());
  const h100Nodes = (state: ClusterState) => state.nodes.filter((n) => n.labels[GPU_PRODUCT_LABEL] === 'NVIDIA-H100-80GB-HBM3').map((n) => n.name);
  /** `state` with another workload's pod holding all 8 GPUs of each of `nodes`. */
  const taken = (state: ClusterState, nodes: readonly string[]): ClusterState => ({ ...state, pods: [...state.pods, ...nodes.map((n, i) => boundPod(`other-${i}`, n, 8))] });
  const perNode = (plan: { gangs: readonly { pods: readonly { node: string; gpus: number }[] }[] }) => {
    const out: Record<string, number> = {};
    for (const p of plan.gangs.flatMap((g) => g.pods)) out[p.node] = (out[p.node] ?? 0) + p.gpus;
    return out;
  };

  test('planned as the workloads page’s preview plans it (previewScale), titled with the counts now', () => {
    const objects = stackObjects(mixtral());
    const state = empty();
    const onMap = planScaleRequest(state, objects, MIXTRAL);
    const preview = previewScale(state, objects, MIXTRAL);
    expect(onMap).toEqual({ status: 'planned', from: 2, preview, fit: 'none', title: 'Scale-up of PodCliqueSet default/mixtral-agg 2 → 5 (planned: 6 new pods and 4 pods already waiting)' });
    expect(plannedPodCounts(preview)).toEqual({ added: 6, waiting: 4 });
    expect(preview.plan.gangs.map((g) => g.placed)).toEqual([true, true, true, true, false]);

    // The map draws exactly the planned GPUs, on the nodes planned; the gang that does not fit keeps its reason and per-level explanation.
    const model = buildHeatmapModel(state);
    const overlay = ghostOverlay(model, preview.plan);
    const drawn: Record<string, number> = {};
    for (const c of overlay.cells) {
      const node = model.layout.nodes[model.layout.cellNode[c]!]!.name;
      drawn[node] = (drawn[node] ?? 0) + 1;
    }
    expect(drawn).toEqual(perNode(preview.plan));
    expect(overlay.cells.length).toBe(4 * 2 * 8);
    expect(overlay.gangs[4]).toMatchObject({ name: 'mixtral-agg-4', placed: false, gpus: 0, outlines: [], reason: preview.plan.gangs[4]!.reason, explanation: preview.plan.gangs[4]!.explanation });
    expect(overlay.gangs[4]!.explanation!.length).toBeGreaterThan(0);
  });

  test('the same request on a cluster that changed is planned anew: another workload takes two H100 nodes, the ghosts leave them and one more gang does not fit, with its reason', () => {
    const objects = stackObjects(mixtral());
    const before = planScaleRequest(empty(), objects, MIXTRAL);
    if (before.status !== 'planned') throw new Error(before.status);
    const busy = Object.keys(perNode(before.preview.plan)).slice(0, 2);
    expect(busy).toHaveLength(2);
    const after = planScaleRequest(taken(empty(), busy), objects, MIXTRAL);
    if (after.status !== 'planned') throw new Error(after.status);
    expect(after.preview.plan.gangs.map((g) => g.placed)).toEqual([true, true, true, false, false]);
    const nodesAfter = Object.keys(perNode(after.preview.plan));
    expect(nodesAfter.some((n) => busy.includes(n))).toBe(false);
    expect(nodesAfter.every((n) => h100Nodes(empty()).includes(n))).toBe(true);
    expect(after.preview.plan.gangs[3]!.reason).toMatch(/needs 8 GPUs/);
    expect(after.fit).toBe('none');

    // Every H100 node taken: no gang fits, and each says why.
    const full = planScaleRequest(taken(empty(), h100Nodes(empty())), objects, MIXTRAL);
    if (full.status !== 'planned') throw new Error(full.status);
    expect(full.preview.plan.gangs.every((g) => !g.placed && g.pods.length === 0 && !!g.reason)).toBe(true);
  });

  test('a target that is gone, or being deleted (itself or its stack), is said: no plan', () => {
    const objects = stackObjects(mixtral());
    expect(planScaleRequest(empty(), { ...objects, podCliqueSets: [] }, MIXTRAL)).toEqual({ status: 'gone', message: 'PodCliqueSet default/mixtral-agg is not in the cluster (deleted, or never there): there is no scale-up to preview.' });
    expect(planScaleRequest(empty(), objects, { ...MIXTRAL, namespace: 'team-a' }).status).toBe('gone');
    const deleting = { ...objects, podCliqueSets: objects.podCliqueSets.map((p) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } })) };
    expect(planScaleRequest(empty(), deleting, MIXTRAL)).toEqual({ status: 'gone', message: 'PodCliqueSet default/mixtral-agg is being deleted: there is no scale-up to preview.' });
    const clique = objects.podCliques[0]!.metadata!.name!;
    expect(planScaleRequest(empty(), deleting, { kind: 'PodClique', namespace: 'default', name: clique, replicas: 3 })).toEqual({
      status: 'gone',
      message: `PodClique default/${clique} is being deleted with its PodCliqueSet default/mixtral-agg: there is no scale-up to preview.`,
    });
  });

  test('a target that has the replicas asked for already (someone scaled it meanwhile) places nothing, and says so', () => {
    const objects = stackObjects({ ...mixtral(), spec: { ...mixtral().spec, replicas: 5 } });
    expect(planScaleRequest(empty(), objects, MIXTRAL)).toEqual({ status: 'no-change', from: 5, message: 'PodCliqueSet default/mixtral-agg has 5 replicas already: scaling it to 5 adds nothing, so there is nothing to place.' });
    expect(planScaleRequest(empty(), objects, { ...MIXTRAL, replicas: 3 })).toEqual({ status: 'no-change', from: 5, message: 'PodCliqueSet default/mixtral-agg has 5 replicas now: scaling it to 3 would be a scale-down, which places nothing.' });
  });

  test('a scale previewScale refuses is refused with its reason', () => {
    const objects = stackObjects(mixtral());
    const refused = planScaleRequest(empty(), objects, { ...MIXTRAL, replicas: MAX_REPLICAS + 1 });
    expect(refused.status).toBe('refused');
    if (refused.status === 'refused') expect(refused.message).toMatch(/^PodCliqueSet default\/mixtral-agg cannot be scaled to 10001: replicas must be a whole number from 0 to 10,000/);
  });
});
