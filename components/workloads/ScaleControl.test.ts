import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { previewScale } from '../../lib/placement/preview';
import { boundPod } from '../../lib/placement/testkit';
import { clusterStateFromSnapshot } from '../../lib/topology/snapshot';
import { demoSnapshot, demoStacks } from '../../lib/topology/demo';
import { stackObjects } from '../../lib/workloads/testkit';
import { buildWorkloadTree, type WorkloadObjects } from '../../lib/workloads/tree';
import { ActionFailure } from '../hooks/clusterActions';
import { countMovedNotice, currentDryRun, fieldFollowsLiveCount, samePlanInputs, scaleFailureText, scalePlanInputs, stackGroveObjects, type DryRun } from './ScaleControl';

describe('an open scale preview follows the live count', () => {
  it('takes a dry run as its answer only for the count it is from and to now', () => {
    const dry: DryRun = { from: 2, to: 3, result: { kind: 'PodCliqueSet', namespace: 'default', name: 'm', from: 2, to: 3, dryRun: true } };
    expect(currentDryRun(dry, 2, 3)).toBe(dry);
    // Someone else scaled 2 → 1: the answer for 2 → 3 says nothing of 1 → 3 (still checking).
    expect(currentDryRun(dry, 1, 3)).toBeUndefined();
    expect(currentDryRun(dry, 2, 4)).toBeUndefined();
    expect(currentDryRun(null, 2, 3)).toBeUndefined();
  });

  it('says when the count moved since it opened, and what it now previews', () => {
    expect(countMovedNotice('mixtral-agg', 2, 2, 3)).toBeUndefined();
    expect(countMovedNotice('mixtral-agg', 2, 1, 3)).toBe('mixtral-agg changed from 2 to 1 since you opened this (not by this page): this preview is now for 1 → 3.');
  });

  it('says a refused confirm (409: the count moved before it arrived) changed nothing', () => {
    const conflict = new ActionFailure('PodCliqueSet default/m has 1 replica now, not 2: it was scaled since (not by this page); nothing was changed', 409, 'Conflict');
    expect(scaleFailureText(conflict)).toBe('Not scaled: PodCliqueSet default/m has 1 replica now, not 2: it was scaled since (not by this page); nothing was changed. Check the preview again before confirming.');
    expect(scaleFailureText(new ActionFailure('forbidden', 403, 'Forbidden'))).toBe('Scale failed: forbidden');
  });
});

describe('the replica field', () => {
  it('follows the live count only while no preview is open and nothing was typed', () => {
    expect(fieldFollowsLiveCount(false, false)).toBe(true);
    expect(fieldFollowsLiveCount(true, false)).toBe(false);
    // A typed count is kept when someone else scales.
    expect(fieldFollowsLiveCount(false, true)).toBe(false);
  });
});

describe('an open scale preview’s plan', () => {
  const [disagg, , agg] = demoStacks() as [PodCliqueSet, PodCliqueSet, PodCliqueSet];
  const state = clusterStateFromSnapshot(demoSnapshot());
  const stack = stackObjects(disagg, { stage: () => 'pending' });
  const other = stackObjects(agg);
  const lists: WorkloadObjects = {
    podCliqueSets: [stack.pcs, other.pcs],
    podCliques: [...stack.podCliques, ...other.podCliques],
    podCliqueScalingGroups: [...stack.podCliqueScalingGroups, ...other.podCliqueScalingGroups],
    podGangs: [...stack.podGangs, ...other.podGangs],
    pods: [...stack.pods, ...other.pods],
  };
  const inputsOf = (objects: WorkloadObjects, cluster = state) => scalePlanInputs({ state: cluster }, stackGroveObjects(buildWorkloadTree(stack.pcs, objects)));
  const withStatus = <T extends KubeObject>(o: T): T => ({ ...o, status: { ...(o as { status?: object }).status, readyReplicas: 1 } });

  it('reads the stack’s own objects: the same plan as from every object of the cluster', () => {
    const target = { kind: 'PodCliqueScalingGroup' as const, namespace: 'default', name: 'llama-disagg-0-prefill', replicas: 3 };
    const planned = previewScale(state, stackGroveObjects(buildWorkloadTree(stack.pcs, lists)), target);
    expect(planned.added.length).toBeGreaterThan(0);
    expect(planned).toEqual(previewScale(state, lists, target));
  });

  it('is kept over a stream batch that changes nothing it reads (another stack’s objects, PodGangs, a new data object)', () => {
    const inputs = inputsOf(lists);
    const batch: WorkloadObjects = {
      ...lists,
      podCliques: [...stack.podCliques, ...other.podCliques.map(withStatus)],
      podCliqueSets: [stack.pcs, withStatus(other.pcs)],
      podGangs: lists.podGangs.map(withStatus),
      pods: [...lists.pods],
    };
    expect(samePlanInputs(inputs, inputsOf(batch, { ...state }))).toBe(true);
  });

  it('is worked out again when the count moves or the cluster’s capacity changes', () => {
    const inputs = inputsOf(lists);
    // The stack scaled (its PodCliqueSet, a scaling group or a PodClique is another object).
    const scaled = { ...stack.pcs, spec: { ...stack.pcs.spec, replicas: 2 } };
    expect(samePlanInputs(inputs, scalePlanInputs({ state }, stackGroveObjects(buildWorkloadTree(scaled, { ...lists, podCliqueSets: [scaled, other.pcs] }))))).toBe(false);
    const [group, ...groups] = lists.podCliqueScalingGroups as (KubeObject & { spec: object })[];
    expect(samePlanInputs(inputs, inputsOf({ ...lists, podCliqueScalingGroups: [{ ...group!, spec: { ...group!.spec, replicas: 3 } }, ...groups] }))).toBe(false);
    expect(samePlanInputs(inputs, inputsOf({ ...lists, podCliques: [withStatus(stack.podCliques[0]!), ...lists.podCliques.slice(1)] }))).toBe(false);
    // A pod bound anywhere, a node cordoned, the nodes not readable.
    expect(samePlanInputs(inputs, inputsOf(lists, { ...state, pods: [...state.pods, boundPod('elsewhere', state.nodes[0]!.name, 4, { namespace: 'other' })] }))).toBe(false);
    expect(samePlanInputs(inputs, inputsOf(lists, { ...state, nodes: state.nodes.map((n, i) => (i === 0 ? { ...n, unschedulable: true } : n)) }))).toBe(false);
    expect(samePlanInputs(inputs, scalePlanInputs({ stateError: 'you may not list Nodes, so the cluster’s nodes cannot be read' }, stackGroveObjects(buildWorkloadTree(stack.pcs, lists))))).toBe(false);
  });
});
