import { describe, expect, it } from 'vitest';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { demoStacks } from '../topology/demo';
import { startupGraph, startupNodeText, type StartupNode } from './startup';
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
    expect(startupNodeText(n).word).toBe('ready in replica 0; blocked in replica 1');
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

describe('startupGraph: ordering holds per PodCliqueSet replica (API-NOTES §10)', () => {
  const [disagg, wide] = demoStacks() as [PodCliqueSet, PodCliqueSet];
  const withReplicas = (pcs: PodCliqueSet, replicas: number) => ({ ...pcs, spec: { ...pcs.spec, replicas } }) as PodCliqueSet;
  const nodesOf = (objects: ReturnType<typeof stackObjects>) => Object.fromEntries(startupGraph(buildWorkloadTree(objects.pcs, objects)).nodes.map((n) => [n.clique, n])) as Record<string, StartupNode>;

  it('llama-disagg scaled 1 → 2: replica 1’s decode waits for replica 1’s router, though replica 0’s decode runs', () => {
    // Replica 1 just created: its router pod bound but not started, its decode pods held by grove-initc.
    const objects = stackObjects(withReplicas(disagg, 2), { stage: (h) => (h.startsWith('llama-disagg-1-') ? 'scheduled' : 'ready') });
    const by = nodesOf(objects);
    expect(by.decode!.perReplica.map((r) => [r.index, r.progress, r.waitsFor])).toEqual([
      [0, 'ready', []],
      [1, 'waiting', ['router']],
    ]);
    // Not "decode: starting", "router: starting": replica 1's router has not started.
    expect(startupNodeText(by.decode!).word).toBe('ready in replica 0; waiting in replica 1 for router');
    expect(startupNodeText(by.router!).word).toBe('ready in replica 0; waiting in replica 1');
    expect(by.decode).toMatchObject({ progress: 'waiting', ready: 4, pods: 8, gate: 2, replicas: 2 });
    // pworker waits for its own replica's pleader, in the base gang.
    expect(startupNodeText(by.pworker!).word).toBe('ready in replica 0; waiting in replica 1 for pleader');
  });

  it('replica 1’s router started and ready: its decode is no longer said to wait', () => {
    const objects = stackObjects(withReplicas(disagg, 2), { stage: (h) => (h.startsWith('llama-disagg-1-decode') ? 'running' : 'ready') });
    const by = nodesOf(objects);
    expect(startupNodeText(by.router!).word).toBe('ready');
    expect(startupNodeText(by.decode!).word).toBe('ready in replica 0; starting in replica 1');
  });

  it('deepseek-wide at 12 replicas, 6 running and 6 unschedulable: "ready in 6 of 12 replicas; blocked in 6", not "blocked"', () => {
    const unplaced = (h: string) => Number(/^deepseek-wide-(\d+)-/.exec(h)![1]) >= 6;
    const objects = stackObjects(withReplicas(wide, 12), { stage: (h) => (unplaced(h) ? 'pending' : 'ready') });
    const by = nodesOf(objects);
    expect(startupNodeText(by.leader!)).toEqual({ word: 'ready in 6 of 12 replicas; blocked in 6', counts: '6/12 ready', gate: 'gate: 1 per replica' });
    expect(startupNodeText(by.worker!).word).toBe('ready in 6 of 12 replicas; blocked in 6');
    // The colour still says something is wrong.
    expect(by.leader!.progress).toBe('blocked');
    // Replicas listed in index order, not as text.
    expect(by.leader!.perReplica.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('one replica of many blocked is named', () => {
    const objects = stackObjects(withReplicas(wide, 12), { stage: (h) => (h.startsWith('deepseek-wide-10-') ? 'pending' : 'ready') });
    expect(startupNodeText(nodesOf(objects).leader!).word).toBe('ready in 11 of 12 replicas; blocked in replica 10');
  });

  it('scaled to 0: no replicas, and the gate is still the template’s minAvailable (not 0)', () => {
    const by = nodesOf(stackObjects(withReplicas(disagg, 0)));
    expect(Object.values(by).map((n) => [n.clique, n.gate, n.replicas, startupNodeText(n).word])).toEqual([
      ['router', 1, 0, 'no replicas'],
      ['pleader', 1, 0, 'no replicas'],
      ['pworker', 3, 0, 'no replicas'],
      ['decode', 2, 0, 'no replicas'],
    ]);
  });

  it('a scaling-group member’s gate is its minAvailable in each group replica of the base gang, not their sum', () => {
    const twoBase = { ...stack, spec: { ...stack.spec, template: { ...stack.spec!.template, podCliqueScalingGroups: [{ name: 'workers', cliqueNames: ['prefill', 'decode'], replicas: 3, minAvailable: 2 }] } } } as PodCliqueSet;
    // Group replica 1 (base gang) has no ready prefill pod: the gate is shut though 4 pods are ready elsewhere;
    // the router, held by grove-initc, has not started.
    const objects = stackObjects(twoBase, { stage: (h) => (h.startsWith('ux-0-workers-1-prefill') ? 'running' : h.startsWith('ux-0-router') ? 'scheduled' : 'ready') });
    const prefill = nodeOf(objects, 'prefill');
    expect(prefill).toMatchObject({ gate: 1, gateGroupReplicas: 2, ready: 4, pods: 6, progress: 'starting' });
    expect(startupNodeText(prefill).gate).toBe('gate: 1 × 2 group replicas');
    expect(nodeOf(objects, 'router').perReplica[0]).toMatchObject({ progress: 'waiting', waitsFor: ['prefill'] });
  });
});
