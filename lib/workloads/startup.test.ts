import { describe, expect, it } from 'vitest';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { startupGraph, startupNodeText } from './startup';
import { stackObjects } from './testkit';
import { buildWorkloadTree } from './tree';

/** The reviewer's stack: router after prefill and decode, both in a scaling group `workers` (minAvailable 1). */
const stack: PodCliqueSet = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name: 'ux', namespace: 'default' },
  spec: {
    replicas: 1,
    template: {
      cliqueStartupType: 'CliqueStartupTypeExplicit',
      cliques: [
        { name: 'router', spec: { roleName: 'router', replicas: 1, minAvailable: 1, startsAfter: ['prefill', 'decode'], podSpec: { containers: [{ name: 'r', image: 'x' }] } } },
        { name: 'prefill', spec: { roleName: 'prefill', replicas: 2, minAvailable: 1, podSpec: { containers: [{ name: 'p', image: 'x' }] } } },
        { name: 'decode', spec: { roleName: 'decode', replicas: 2, minAvailable: 1, podSpec: { containers: [{ name: 'd', image: 'x' }] } } },
      ],
      podCliqueScalingGroups: [{ name: 'workers', cliqueNames: ['prefill', 'decode'], replicas: 1, minAvailable: 1 }],
    },
  },
} as PodCliqueSet;

const nodeOf = (objects: ReturnType<typeof stackObjects>, clique: string) => startupGraph(buildWorkloadTree(objects.pcs, objects)).nodes.find((n) => n.clique === clique)!;

describe('startupGraph: ready pods out of pods, the gate apart', () => {
  it('a clique with 2 of 2 pods ready and minAvailable 1 reads "2/2 ready · gate: 1", not "1/1"', () => {
    const n = nodeOf(stackObjects(stack), 'prefill');
    expect(n).toMatchObject({ ready: 2, pods: 2, gate: 1, replicas: 1, progress: 'ready' });
    expect(startupNodeText(n)).toEqual({ word: 'ready', counts: '2/2 ready', gate: 'gate: 1' });
  });

  it('after a scale-up of the group the gate stays the base gang’s (API-NOTES §10): 4 pods, gate 1', () => {
    const objects = stackObjects(stack, { scalingGroupReplicas: { 'ux-0-workers': 3 }, stage: (h) => (h.startsWith('ux-0-workers-2') ? 'running' : 'ready') });
    const n = nodeOf(objects, 'decode');
    expect(n).toMatchObject({ ready: 4, pods: 6, gate: 1 });
    // The gate is open while the new pods start: said as "gate met", not "ready".
    expect(startupNodeText(n)).toEqual({ word: 'gate met', counts: '4/6 ready', gate: 'gate: 1' });
  });

  it('the gate is per PodCliqueSet replica; a shut gate with an unschedulable pod is blocked', () => {
    const two = { ...stack, spec: { ...stack.spec, replicas: 2 } } as PodCliqueSet;
    const objects = stackObjects(two, { stage: (h) => (h === 'ux-1-workers-0-prefill-0' || h === 'ux-1-workers-0-prefill-1' ? 'pending' : 'ready') });
    const n = nodeOf(objects, 'prefill');
    expect(n).toMatchObject({ ready: 2, pods: 4, gate: 1, replicas: 2, progress: 'blocked' });
    expect(startupNodeText(n).gate).toBe('gate: 1 per replica');
  });

  it('terminal pods are not counted among the pods', () => {
    const objects = stackObjects(stack, { stage: (h) => (h === 'ux-0-router-0' ? 'failed' : 'ready') });
    expect(nodeOf(objects, 'router')).toMatchObject({ ready: 0, pods: 0, progress: 'waiting' });
  });
});

describe('PodCliqueScalingGroups this identity may not read: membership from the PodCliques’ label', () => {
  // The viewer's store: PodCliques and pods, no PodCliqueScalingGroup.
  const unreadGroups = (objects: ReturnType<typeof stackObjects>) => ({ ...objects, podCliqueScalingGroups: [] });

  it('the startup node of a group member counts its pods and gate as when the group is read', () => {
    const objects = stackObjects(stack);
    const read = startupGraph(buildWorkloadTree(objects.pcs, objects)).nodes;
    const unread = startupGraph(buildWorkloadTree(objects.pcs, unreadGroups(objects))).nodes;
    expect(unread).toEqual(read);
    // Not "waiting · 0/0 ready · gate: 0".
    expect(startupNodeText(unread.find((n) => n.clique === 'prefill')!)).toEqual({ word: 'ready', counts: '2/2 ready', gate: 'gate: 1' });
  });

  it('the tree keeps members inside a stand-in for their group, never as standalone cliques', () => {
    const objects = stackObjects(stack, { scalingGroupReplicas: { 'ux-0-workers': 2 } });
    const tree = buildWorkloadTree(objects.pcs, unreadGroups(objects));
    expect(tree.replicas[0]!.cliques.map((c) => c.name)).toEqual(['ux-0-router']);
    const group = tree.replicas[0]!.scalingGroups[0]!;
    expect(group).toMatchObject({ name: 'ux-0-workers', template: 'workers', unread: true, replicas: 2, minAvailable: 1 });
    expect(group.replicaNodes.map((r) => r.cliques.map((c) => c.template))).toEqual([
      ['decode', 'prefill'],
      ['decode', 'prefill'],
    ]);
    expect(tree.podCliques.find((c) => c.name === 'ux-0-workers-1-prefill')).toMatchObject({ template: 'prefill', scalingGroup: { name: 'ux-0-workers', replicaIndex: 1 } });
    // Read, the group is no stand-in.
    expect(buildWorkloadTree(objects.pcs, objects).scalingGroups[0]!.unread).toBeUndefined();
  });
});
