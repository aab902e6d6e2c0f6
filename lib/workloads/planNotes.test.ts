import { describe, expect, it } from 'vitest';
import type { GangPlacement } from '../placement/plan';
import { pendingPodsNote, planFit, podsLeftOut, podTally, unplacedOptionalNote } from './planNotes';

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
