import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ghostOverlay } from '../../lib/heatmap/overlay';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import type { Plan } from '../../lib/placement/plan';
import { nestedCluster } from '../../lib/placement/testkit';
import { previewScale } from '../../lib/placement/preview';
import { demoSnapshot, demoStacks } from '../../lib/topology/demo';
import { clusterStateFromSnapshot } from '../../lib/topology/snapshot';
import { stackObjects } from '../../lib/workloads/testkit';
import { planProblem, PREVIEW_HANDOFF_PREFIX, previewHref, readPreviewHandoff, scalePlanHandoff, storePreviewHandoff } from './previewHandoff';

/** sessionStorage's two methods over a Map. */
function memoryStorage() {
  const map = new Map<string, string>();
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

describe('preview handoff', () => {
  test('a stored YAML or Plan comes back under its id, keyed canopy.preview.<id>', () => {
    const storage = memoryStorage();
    const yamlId = storePreviewHandoff({ kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n', title: 'from the builder' }, storage);
    const planId = storePreviewHandoff({ kind: 'plan', plan: { feasible: true, gangs: [] } }, storage);
    expect(yamlId).not.toBe(planId);
    expect([...storage.map.keys()].sort()).toEqual([`${PREVIEW_HANDOFF_PREFIX}${yamlId}`, `${PREVIEW_HANDOFF_PREFIX}${planId}`].sort());
    expect(readPreviewHandoff(yamlId, storage)).toEqual({ ok: true, payload: { kind: 'podcliqueset', yaml: 'kind: PodCliqueSet\n', title: 'from the builder' } });
    expect(readPreviewHandoff(planId, storage)).toEqual({ ok: true, payload: { kind: 'plan', plan: { feasible: true, gangs: [] } } });
    expect(previewHref(yamlId)).toBe(`/topology?preview=${yamlId}`);
  });

  test('a missing or malformed entry is a sentence, not a crash', () => {
    const storage = memoryStorage();
    expect(readPreviewHandoff('nope', storage)).toMatchObject({ ok: false, problem: expect.stringContaining('no preview "nope"') });
    storage.setItem(`${PREVIEW_HANDOFF_PREFIX}bad`, '{not json');
    expect(readPreviewHandoff('bad', storage)).toMatchObject({ ok: false, problem: expect.stringContaining('could not be read: it is not JSON') });
    storage.setItem(`${PREVIEW_HANDOFF_PREFIX}odd`, JSON.stringify({ kind: 'plan', plan: {} }));
    expect(readPreviewHandoff('odd', storage).ok).toBe(false);
    const blocked = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => undefined };
    expect(readPreviewHandoff('x', blocked)).toMatchObject({ ok: false, problem: expect.stringContaining('blocks sessionStorage') });
  });

  const goodPlan = (): Plan => ({
    feasible: false,
    gangs: [
      {
        name: 'g-0',
        placed: true,
        domains: { rack: 'rack-0' },
        pods: [{ name: 'p-0', podGroup: 'w', clique: 'w', node: 'node-0', gpus: 2 }],
        warnings: ['rack level ignored'],
        unplacedOptionalPods: ['p-9'],
      },
      { name: 'g-1', placed: false, reason: 'too big', explanation: [{ level: 'rack', needs: '64 GPUs', best: '8 GPUs', message: 'no rack has 64 free GPUs' }], domains: {}, pods: [] },
      // Placed pod by pod (default-scheduler): one pod runs, one stays Pending.
      { name: 'g-2', placed: false, independent: true, reason: '1 pod does not fit', domains: {}, pods: [{ name: 'q-0', podGroup: 'w', clique: 'w', node: 'node-1', gpus: 8 }], unplacedPods: ['q-1'], unplacedOptionalReason: 'q-9: no room' },
    ],
  });

  /** Each malformed payload with the JSON path its problem names. */
  const malformed: [string, unknown, string][] = [
    ['a gang without pods (the reported crash)', { kind: 'plan', plan: { feasible: true, gangs: [{ name: 'g' }] } }, '/plan/gangs/0/'],
    ['pods not a list', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, pods: { 0: {} } }] } }, '/plan/gangs/0/pods: expected a list'],
    ['a pod that is null', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, pods: [null] }] } }, '/plan/gangs/0/pods/0: expected an object'],
    ['a pod without a node', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, pods: [{ name: 'p', podGroup: 'w', clique: 'w', gpus: 1 }] }] } }, '/plan/gangs/0/pods/0/node: expected a string'],
    ['GPUs as a string', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, pods: [{ name: 'p', podGroup: 'w', clique: 'w', node: 'n', gpus: '2' }] }] } }, '/plan/gangs/0/pods/0/gpus'],
    ['GPUs that would stall the page', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, pods: [{ name: 'p', podGroup: 'w', clique: 'w', node: 'n', gpus: 1e12 }] }] } }, '/plan/gangs/0/pods/0/gpus'],
    ['negative GPUs', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, pods: [{ name: 'p', podGroup: 'w', clique: 'w', node: 'n', gpus: -1 }] }] } }, '/plan/gangs/0/pods/0/gpus'],
    ['a gang that is a string', { kind: 'plan', plan: { feasible: true, gangs: ['g'] } }, '/plan/gangs/0: expected an object'],
    ['the second gang broken', { kind: 'plan', plan: { ...goodPlan(), gangs: [goodPlan().gangs[0]!, { ...goodPlan().gangs[1]!, placed: 'no' }] } }, '/plan/gangs/1/placed'],
    ['domains with a number', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, domains: { rack: 3 } }] } }, '/plan/gangs/0/domains/rack'],
    ['explanation rows without a message', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[1]!, explanation: [{ level: 'rack' }] }] } }, '/plan/gangs/0/explanation/0/needs'],
    ['warnings not strings', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, warnings: [1] }] } }, '/plan/gangs/0/warnings/0'],
    ['unplacedPods not strings', { kind: 'plan', plan: { ...goodPlan(), gangs: [goodPlan().gangs[2]!, { ...goodPlan().gangs[2]!, unplacedPods: [3] }] } }, '/plan/gangs/1/unplacedPods/0'],
    ['unplacedPods on a gang not placed pod by pod', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[1]!, unplacedPods: ['p-1'] }] } }, '/plan/gangs/0/unplacedPods: only a gang placed pod by pod'],
    ['independent not true', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[2]!, independent: 'yes' }] } }, '/plan/gangs/0/independent'],
    ['unplacedOptionalReason not text', { kind: 'plan', plan: { ...goodPlan(), gangs: [{ ...goodPlan().gangs[0]!, unplacedOptionalReason: 1 }] } }, '/plan/gangs/0/unplacedOptionalReason'],
    ['no feasible flag', { kind: 'plan', plan: { gangs: [] } }, '/plan/feasible'],
    ['a plan that is a list', { kind: 'plan', plan: [] }, '/plan: expected an object'],
    ['YAML that is not text', { kind: 'podcliqueset', yaml: { kind: 'PodCliqueSet' } }, '/yaml: expected a string'],
    ['a title that is not text', { kind: 'podcliqueset', yaml: 'x', title: 7 }, '/title'],
    ['an unknown kind', { kind: 'pcs', yaml: 'x' }, '/kind'],
    ['null', null, 'expected an object'],
  ];

  test.each(malformed)('malformed: %s → refused with its JSON path, never handed on', (_, payload, path) => {
    const storage = memoryStorage();
    storage.setItem(`${PREVIEW_HANDOFF_PREFIX}bad`, JSON.stringify(payload));
    const read = readPreviewHandoff('bad', storage);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.problem).toContain('preview "bad" could not be read');
      expect(read.problem).toContain(path);
    }
  });

  test('a full Plan (optional fields included) is accepted and draws on the map', () => {
    const storage = memoryStorage();
    const id = storePreviewHandoff({ kind: 'plan', plan: goodPlan(), title: 't' }, storage);
    const read = readPreviewHandoff(id, storage);
    expect(read).toEqual({ ok: true, payload: { kind: 'plan', plan: goodPlan(), title: 't' } });
    if (!read.ok || read.payload.kind !== 'plan') return;
    const overlay = ghostOverlay(buildHeatmapModel(nestedCluster(['rack'], [1, 1], { gpu: 4 })), read.payload.plan);
    expect(overlay.cells.length).toBe(2);
  });

  test('property: whatever JSON is stored, reading it never throws, and what it accepts the overlay can draw', () => {
    const model = buildHeatmapModel(nestedCluster(['rack'], [2, 2], { gpu: 4 }));
    const pod = fc.record({ name: fc.string(), podGroup: fc.string(), clique: fc.string(), node: fc.constantFrom('node-0', 'node-3', 'elsewhere'), gpus: fc.oneof(fc.nat(6), fc.anything()) }, { requiredKeys: [] });
    const gang = fc.record({ name: fc.oneof(fc.string(), fc.anything()), placed: fc.boolean(), domains: fc.dictionary(fc.string(), fc.string()), pods: fc.oneof(fc.array(pod), fc.anything()) }, { requiredKeys: [] });
    const payload = fc.oneof(fc.record({ kind: fc.constant('plan'), plan: fc.record({ feasible: fc.boolean(), gangs: fc.oneof(fc.array(gang), fc.anything()) }, { requiredKeys: [] }) }), fc.jsonValue());
    fc.assert(
      fc.property(payload, (value) => {
        const storage = memoryStorage();
        storage.setItem(`${PREVIEW_HANDOFF_PREFIX}x`, JSON.stringify(value) ?? 'null');
        const read = readPreviewHandoff('x', storage);
        if (read.ok && read.payload.kind === 'plan') {
          expect(planProblem(read.payload.plan)).toBeNull();
          expect(() => ghostOverlay(model, read.payload.kind === 'plan' ? read.payload.plan : { feasible: true, gangs: [] })).not.toThrow();
        }
      }),
    );
  });

  describe('a scale-up preview handed to the topology page', () => {
    const gpusOf = (plan: Plan) => plan.gangs.reduce((n, g) => n + g.pods.reduce((m, p) => m + p.gpus, 0), 0);

    test('its plan, titled with the target, the replica change and the pods planned (the waiting ones named, their GPUs are ghosts too)', () => {
      const plan: Plan = { feasible: true, gangs: [] };
      const scale = { kind: 'PodCliqueSet', namespace: 'default', name: 'llama-disagg', from: 1, to: 2, added: 13, waiting: 0 };
      expect(scalePlanHandoff(scale, plan)).toEqual({ kind: 'plan', plan, title: 'Scale-up of PodCliqueSet default/llama-disagg 1 → 2 (planned: 13 new pods)' });
      expect(scalePlanHandoff({ ...scale, kind: 'PodClique', name: 'sp-0-decode', from: 5, to: 6, added: 1, waiting: 2 }, plan).title).toBe('Scale-up of PodClique default/sp-0-decode 5 → 6 (planned: 1 new pod and 2 pods already waiting)');
      expect(scalePlanHandoff({ ...scale, added: 2, waiting: 1 }, plan).title).toBe('Scale-up of PodCliqueSet default/llama-disagg 1 → 2 (planned: 2 new pods and 1 pod already waiting)');
    });

    test('stored and read back whole: the map draws exactly the planned GPUs, each placed gang outlined, and the gang that does not fit keeps its reason and per-level explanation', () => {
      // The demo cluster's H100 zone with mixtral-agg's objects but none of its pods bound: 2 → 5 plans the
      // 2 replicas asked for already (not created) and the 3 new ones; four fit in the zone, the fifth does not.
      const mixtral = demoStacks().find((s) => s.metadata.name === 'mixtral-agg')!;
      const state = clusterStateFromSnapshot(demoSnapshot());
      const preview = previewScale(state, stackObjects(mixtral), { kind: 'PodCliqueSet', namespace: 'default', name: 'mixtral-agg', replicas: 5 });
      expect(preview.refused).toBeUndefined();
      expect(preview.added).toHaveLength(6);
      expect(preview.plan.gangs.map((g) => g.placed)).toEqual([true, true, true, true, false]);
      const storage = memoryStorage();
      const handoff = scalePlanHandoff({ kind: 'PodCliqueSet', namespace: 'default', name: 'mixtral-agg', from: preview.from, to: preview.to, added: 6, waiting: 4 }, preview.plan);
      const read = readPreviewHandoff(storePreviewHandoff(handoff, storage), storage);
      expect(read).toEqual({ ok: true, payload: { kind: 'plan', plan: preview.plan, title: 'Scale-up of PodCliqueSet default/mixtral-agg 2 → 5 (planned: 6 new pods and 4 pods already waiting)' } });
      if (!read.ok || read.payload.kind !== 'plan') return;

      const model = buildHeatmapModel(state);
      const overlay = ghostOverlay(model, read.payload.plan);
      expect(overlay.feasible).toBe(false);
      expect(overlay.undrawn).toBe(0);
      expect(overlay.cells.length).toBe(gpusOf(preview.plan));
      expect(overlay.cells.length).toBe(4 * 2 * 8);
      // Each ghost on a GPU of the node its pod was planned on, as many per node as the plan puts there.
      const perNode = new Map<string, number>();
      for (const c of overlay.cells) {
        const node = model.layout.nodes[model.layout.cellNode[c]!]!.name;
        perNode.set(node, (perNode.get(node) ?? 0) + 1);
      }
      const planned = new Map<string, number>();
      for (const p of preview.plan.gangs.flatMap((g) => g.pods)) planned.set(p.node, (planned.get(p.node) ?? 0) + p.gpus);
      expect(perNode).toEqual(planned);
      expect(overlay.gangs.slice(0, 4).every((g) => g.placed && g.outlines.length > 0)).toBe(true);
      const missing = overlay.gangs[4]!;
      expect(missing).toMatchObject({ name: 'mixtral-agg-4', placed: false, gpus: 0, outlines: [] });
      expect(missing.reason).toBe(preview.plan.gangs[4]!.reason);
      expect(missing.reason).toMatch(/needs 8 GPUs/);
      expect(missing.explanation).toEqual(preview.plan.gangs[4]!.explanation);
      expect(missing.explanation!.length).toBeGreaterThan(0);
    });
  });
});
