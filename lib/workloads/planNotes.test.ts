import { describe, expect, it } from 'vitest';
import type { PodCliqueSet } from '../grove/podcliqueset';
import type { GangPlacement } from '../placement/plan';
import { previewScale } from '../placement/preview';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { gangPlacementLine, gangPlacementText, gangPlanNotes, pendingPodsNote, planFit, planWarnings, podsLeftOut, podTally, runningGangFacts, runningGangLine, unplacedOptionalNote } from './planNotes';
import { stackObjects } from './testkit';

const pod = (name: string) => ({ name, podGroup: 'g', clique: 'c', node: 'n1', gpus: 4 });
const placed: GangPlacement = { name: 'ux-1', placed: true, domains: {}, pods: [pod('a'), pod('b'), pod('c'), pod('d')] };
const partial: GangPlacement = {
  ...placed,
  unplacedOptionalPods: ['ux-1-workers-0-prefill-1'],
  unplacedOptionalReason: 'ux-1-workers-0-prefill-1: needs 4 GPUs on one node; the largest free node it may use has 0',
};
const independent: GangPlacement = { name: 'web-0', placed: false, independent: true, reason: 'web-0-api-2: no node has 8 GPUs free', domains: {}, pods: [pod('x')], unplacedPods: ['web-0-api-1', 'web-0-api-2'] };

describe('plan notes: the one wording of pods a plan leaves out', () => {
  it('names the pods above minAvailable and why', () => {
    expect(unplacedOptionalNote(partial)).toBe(
      '1 pod of ux-1 above minAvailable not placed (ux-1-workers-0-prefill-1): ux-1-workers-0-prefill-1: needs 4 GPUs on one node; the largest free node it may use has 0',
    );
    expect(unplacedOptionalNote({ ...partial, unplacedOptionalPods: ['p1', 'p2'], unplacedOptionalReason: undefined })).toBe('2 pods of ux-1 above minAvailable not placed (p1, p2)');
    expect(unplacedOptionalNote(placed)).toBeUndefined();
  });

  it('names the pods a pod-by-pod scheduler leaves Pending', () => {
    expect(pendingPodsNote(independent)).toBe('2 pods of web-0 would stay Pending, the others run: web-0-api-1, web-0-api-2');
    expect(pendingPodsNote(partial)).toBeUndefined();
  });

  it('a plan whose gangs fit but leave pods out is partial, not all; tallies count them', () => {
    expect(planFit({ feasible: true, gangs: [placed] })).toBe('all');
    expect(planFit({ feasible: true, gangs: [placed, partial] })).toBe('partial');
    expect(planFit({ feasible: false, gangs: [independent] })).toBe('none');
    expect(podsLeftOut([placed, partial, independent])).toBe(3);
    expect(podTally(partial)).toEqual({ placed: 4, total: 5 });
    expect(podTally(independent)).toEqual({ placed: 1, total: 3 });
  });
});

describe('plan notes: where a gang lands, and the plan’s warnings', () => {
  const kubeNote = 'default-scheduler (kube-scheduler) ignores the topology constraints and does not gang-schedule: each pod of web-0 is placed on its own, and a pod that does not fit stays Pending while the others run (use kai-scheduler for gang and topology-aware placement)';
  const twoNodes = [pod('a'), { ...pod('b'), node: 'n2' }];

  it('names the domains a gang scheduler chose; without any, only pods and nodes', () => {
    expect(gangPlacementLine({ ...placed, domains: { zone: 'z0', rack: 'z0-b0-r1' } })).toBe('ux-1: 4 pods on 1 node in zone z0, rack z0-b0-r1');
    expect(gangPlacementLine({ ...placed, pods: twoNodes })).toBe('ux-1: 2 pods on 2 nodes');
    expect(gangPlacementLine({ ...partial })).toBe('ux-1: 4 of 5 pods on 1 node');
    expect(gangPlacementLine({ name: 'x-0', placed: false, reason: 'needs 8 GPUs in one rack', domains: {}, pods: [] })).toBe('x-0: needs 8 GPUs in one rack');
  });

  it('a gang placed pod by pod never claims a domain, even when the plan names one, and says who picks the nodes', () => {
    const byKube: GangPlacement = { name: 'web-0', placed: true, independent: true, domains: { zone: 'z0' }, pods: twoNodes, warnings: [kubeNote] };
    expect(gangPlacementLine(byKube)).toBe('web-0: 2 pods on 2 nodes; the default scheduler picks the nodes');
    expect(gangPlacementLine({ ...byKube, domains: {} })).toBe('web-0: 2 pods on 2 nodes; the default scheduler picks the nodes');
    expect(gangPlacementLine(independent)).toBe('web-0: 1 of 3 pods on 1 node; the default scheduler picks the nodes; the others: web-0-api-2: no node has 8 GPUs free');
  });

  it('the plan’s warnings come word for word, after the pods left out, once each', () => {
    const warned: GangPlacement = { ...independent, warnings: [kubeNote, 'preferred block not met: spread over 2 blocks', kubeNote] };
    expect(planWarnings(warned)).toEqual([kubeNote, 'preferred block not met: spread over 2 blocks']);
    expect(gangPlanNotes(warned)).toEqual([
      { kind: 'left-out', text: '2 pods of web-0 would stay Pending, the others run: web-0-api-1, web-0-api-2' },
      { kind: 'warning', text: kubeNote },
      { kind: 'warning', text: 'preferred block not met: spread over 2 blocks' },
    ]);
    expect(gangPlanNotes(placed)).toEqual([]);
  });

  it('scaling a default-scheduler stack: the preview’s gang says the scheduler ignores its constraints, and names no zone', () => {
    const [disagg] = demoStacks() as [PodCliqueSet];
    const plain = structuredClone(disagg);
    for (const c of plain.spec!.template!.cliques) delete (c.spec!.podSpec as { schedulerName?: string }).schedulerName;
    const objects = stackObjects(plain);
    const preview = previewScale(clusterStateFromSnapshot(demoSnapshot()), objects, { kind: 'PodCliqueSet', namespace: 'default', name: 'llama-disagg', replicas: 2 });
    const gang = preview.plan.gangs.find((g) => g.name === 'llama-disagg-1')!;
    expect(gang.independent).toBe(true);
    expect(gangPlacementLine(gang)).toMatch(/^llama-disagg-1: \d+ pods on \d+ nodes; the default scheduler picks the nodes$/);
    expect(gangPlanNotes(gang).filter((n) => n.kind === 'warning').map((n) => n.text)).toContain(
      'default-scheduler (kube-scheduler) ignores the topology constraints and does not gang-schedule: each pod of llama-disagg-1 is placed on its own, and a pod that does not fit stays Pending while the others run (use kai-scheduler for gang and topology-aware placement)',
    );
  });
});

describe('plan notes: a gang of the stack that already runs', () => {
  it('is named running with its pods and GPUs, not re-placed; one that gains pods says only those are planned', () => {
    expect(runningGangLine({ name: 'serve-0', pods: 3, gpus: 16, complete: true })).toBe('serve-0: running (3 pods, 16 GPUs), not re-placed');
    expect(runningGangLine({ name: 'serve-0', pods: 1, gpus: 1, complete: false })).toBe('serve-0: running (1 pod, 1 GPU), not re-placed; only its pods not running yet are planned');
  });

  it('counts a running gang from its kept pods: their number and GPUs', () => {
    const kept = [
      { ...pod('mixtral-agg-0-worker-0'), gpus: 8, running: true as const },
      { ...pod('mixtral-agg-0-worker-1'), node: 'n2', gpus: 8, running: true as const },
    ];
    expect(runningGangFacts({ name: 'mixtral-agg-0', pods: kept, complete: true })).toEqual({ name: 'mixtral-agg-0', pods: 2, gpus: 16, complete: true });
    expect(runningGangLine(runningGangFacts({ name: 'mixtral-agg-0', pods: kept, complete: true }))).toBe('mixtral-agg-0: running (2 pods, 16 GPUs), not re-placed');
  });

  it('the placement text is the line without the gang’s name', () => {
    for (const g of [placed, partial, independent, { ...placed, placed: false, reason: 'needs 8 GPUs in one rack', pods: [] }]) {
      expect(`${g.name}: ${gangPlacementText(g)}`).toBe(gangPlacementLine(g));
    }
    expect(gangPlacementText({ ...placed, placed: false, reason: undefined, pods: [] })).toBe('does not fit');
  });
});
