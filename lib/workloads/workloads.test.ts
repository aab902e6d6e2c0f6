import { describe, expect, it } from 'vitest';
import { LABEL_PODCLIQUE, LABEL_PODCLIQUE_POD_INDEX } from '../grove/labels';
import type { KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import type { ClusterState } from '../cluster/state';
import { clusterStateFromSnapshot, podInfoFromPod } from '../topology/snapshot';
import { demoSnapshot, demoStacks, DEMO_GB200 } from '../topology/demo';
import { GPU_PRODUCT_LABEL } from '../topology/spec';
import { workloadEvents } from './events';
import { filterAndSortWorkloads, formatAge, workloadHealth } from './health';
import { pendingGang, placePendingGang, placePendingGangs, workloadPlacement } from './placement';
import { minAvailableBreach } from '../placement/preview';
import type { GangPlacement } from '../placement/plan';
import { boundPod } from '../placement/testkit';
import { podStage } from './pods';
import { kubectlDeleteCommand, kubectlScaleCommand, pcsScaleTarget, podCliqueScaleTarget, scaleProgress, scalingGroupScaleTarget } from './scale';
import { startupGraph } from './startup';
import { podAt, stackObjects } from './testkit';
import { buildWorkloadTree, deleteImpact, gangStateText, indexWorkloadObjects } from './tree';
import { whyPending } from './whyPending';

const [disagg, wide, agg] = demoStacks() as [PodCliqueSet, PodCliqueSet, PodCliqueSet];

/** The demo cluster with the stack's pods on it, as the page's ClusterState holds them beside its tree. */
const withStack = (objects: { pods: readonly KubeObject[] }, state: ClusterState = clusterStateFromSnapshot(demoSnapshot())): ClusterState => ({ ...state, pods: [...state.pods, ...objects.pods.map((p) => podInfoFromPod(p))] });

describe('podStage', () => {
  it('reads gated, pending, scheduled, running, ready and the terminal phases', () => {
    const base = { name: 'p', namespace: 'default', labels: {}, node: 'n1', spec: { containers: [] } };
    for (const stage of ['gated', 'pending', 'scheduled', 'running', 'ready', 'succeeded', 'failed'] as const) {
      expect(podStage(podAt(stage, base))).toBe(stage);
    }
  });
  it('a pod with a gate is gated even when it names a node (the gate wins)', () => {
    const pod = podAt('gated', { name: 'p', namespace: 'default', labels: {}, node: 'n1' }) as KubeObject & { spec: Record<string, unknown> };
    pod.spec.nodeName = 'n1';
    expect(podStage(pod)).toBe('gated');
  });
});

describe('buildWorkloadTree', () => {
  it('builds PCS → replica → scaling group → PodClique → Pod and the PodGangs of the disaggregated stack', () => {
    const objects = stackObjects(disagg);
    const tree = buildWorkloadTree(objects.pcs, objects);
    // router 1 + prefill 2 × (pleader 1 + pworker 3) + decode 4
    expect(tree.pods).toHaveLength(13);
    expect(tree.replicas.map((r) => r.index)).toEqual([0]);
    const [replica] = tree.replicas;
    expect(replica!.cliques.map((c) => c.template)).toEqual(['decode', 'router']);
    expect(replica!.scalingGroups.map((g) => g.name)).toEqual(['llama-disagg-0-prefill']);
    const group = replica!.scalingGroups[0]!;
    expect(group.replicaNodes.map((n) => [n.index, n.cliques.map((c) => c.template), n.gang])).toEqual([
      [0, ['pleader', 'pworker'], 'llama-disagg-0'],
      [1, ['pleader', 'pworker'], 'llama-disagg-0-prefill-0'],
    ]);
    expect(tree.gangs.map((g) => [g.name, g.base, g.baseGang, g.members.reduce((n, m) => n + m.pods.length, 0)])).toEqual([
      ['llama-disagg-0', true, undefined, 9],
      ['llama-disagg-0-prefill-0', false, 'llama-disagg-0', 4],
    ]);
    expect(tree.counts.ready).toBe(13);
    expect(deleteImpact(tree)).toEqual({ podCliques: 6, scalingGroups: 1, podGangs: 2, pods: 13 });
  });

  it('finds the same tree through ownerReferences alone (objects without Grove labels)', () => {
    const labelled = stackObjects(disagg);
    const bare = stackObjects(disagg, { withoutLabels: true });
    const a = buildWorkloadTree(labelled.pcs, labelled);
    const b = buildWorkloadTree(bare.pcs, bare);
    expect(b.pods).toHaveLength(a.pods.length);
    expect(b.replicas[0]!.scalingGroups[0]!.replicaNodes.map((n) => n.cliques.length)).toEqual([2, 2]);
    expect(b.podCliques.map((c) => [c.template, c.pods.length])).toEqual(a.podCliques.map((c) => [c.template, c.pods.length]));
  });

  it('leaves out objects of another stack or namespace with the same labels', () => {
    const one = stackObjects(agg);
    const other = stackObjects({ ...agg, metadata: { ...agg.metadata, namespace: 'team-b' } });
    const merged = {
      podCliqueSets: [...one.podCliqueSets, ...other.podCliqueSets],
      podCliques: [...one.podCliques, ...other.podCliques],
      podCliqueScalingGroups: [],
      podGangs: [...one.podGangs, ...other.podGangs],
      pods: [...one.pods, ...other.pods],
    };
    const tree = buildWorkloadTree(one.pcs, merged);
    expect(tree.pods).toHaveLength(4);
    expect(tree.replicas.map((r) => r.index)).toEqual([0, 1]);
    expect(tree.gangs.map((g) => g.name)).toEqual(['mixtral-agg-0', 'mixtral-agg-1']);
  });

  it('the bucketed index gives each stack the same tree as scanning every object (labelled or by owner only)', () => {
    const stacks = [stackObjects(disagg), stackObjects(wide), stackObjects(agg, { withoutLabels: true }), stackObjects({ ...agg, metadata: { ...agg.metadata, namespace: 'team-b' } })];
    const all = {
      podCliqueSets: stacks.flatMap((s) => s.podCliqueSets),
      podCliques: stacks.flatMap((s) => s.podCliques),
      podCliqueScalingGroups: stacks.flatMap((s) => s.podCliqueScalingGroups),
      podGangs: stacks.flatMap((s) => s.podGangs),
      pods: stacks.flatMap((s) => s.pods),
    };
    const objectsOf = indexWorkloadObjects(all);
    for (const s of stacks) {
      const own = objectsOf(s.pcs);
      expect(own.pods.length).toBeLessThan(all.pods.length);
      expect(buildWorkloadTree(s.pcs, own)).toEqual(buildWorkloadTree(s.pcs, all));
      expect(buildWorkloadTree(s.pcs, own).pods.length).toBeGreaterThan(0);
    }
  });
});

describe('workloadHealth', () => {
  it('healthy when every replica is available and every pod ready; GPUs count bound pods', () => {
    const objects = stackObjects(agg);
    objects.pcs.status = { availableReplicas: 2, updatedReplicas: 2 };
    const h = workloadHealth(buildWorkloadTree(objects.pcs, objects));
    expect(h).toMatchObject({ state: 'healthy', desired: 2, available: 2, gpusUsed: 32, gpusRequested: 32, podCount: 4, problems: [] });
  });

  it('progressing while pods move; degraded with the reason once a pod is unschedulable', () => {
    const moving = stackObjects(agg, { stage: (h) => (h.endsWith('-1') ? 'gated' : 'running') });
    expect(workloadHealth(buildWorkloadTree(moving.pcs, moving))).toMatchObject({ state: 'progressing', gpusUsed: 16, gpusRequested: 32 });
    const stuck = stackObjects(agg, { stage: (h) => (h.startsWith('mixtral-agg-1') ? 'pending' : 'ready') });
    const h = workloadHealth(buildWorkloadTree(stuck.pcs, stuck));
    expect(h.state).toBe('degraded');
    expect(h.problems[0]).toBe('2 pods unschedulable (gang mixtral-agg-1): 0/8 nodes are available');
  });

  it('filters by text and sorts by a column, both ways', () => {
    const rows = [disagg, wide, agg].map((p) => {
      const o = stackObjects(p);
      return workloadHealth(buildWorkloadTree(o.pcs, o));
    });
    expect(filterAndSortWorkloads(rows, 'MIX', 'name', 'asc').map((r) => r.name)).toEqual(['mixtral-agg']);
    expect(filterAndSortWorkloads(rows, '', 'gpus', 'desc').map((r) => [r.name, r.gpusUsed])).toEqual([
      ['llama-disagg', 48],
      ['deepseek-wide', 32],
      ['mixtral-agg', 32],
    ]);
    expect(filterAndSortWorkloads(rows, '', 'name', 'desc').map((r) => r.name)).toEqual(['mixtral-agg', 'llama-disagg', 'deepseek-wide']);
  });

  it('formats ages as kubectl does', () => {
    const now = Date.parse('2026-01-03T05:00:00Z');
    expect(formatAge('2026-01-03T04:59:30Z', now)).toBe('30s');
    expect(formatAge('2026-01-03T04:55:00Z', now)).toBe('5m');
    expect(formatAge('2026-01-03T02:30:00Z', now)).toBe('150m');
    expect(formatAge('2026-01-02T23:30:00Z', now)).toBe('5h30m');
    expect(formatAge('2026-01-01T00:00:00Z', now)).toBe('2d5h');
    expect(formatAge(undefined, now)).toBe('—');
  });
});

describe('workloadEvents', () => {
  it('merges the events of every object in the tree, in time order, and no others', () => {
    const objects = stackObjects(disagg);
    const tree = buildWorkloadTree(objects.pcs, objects);
    const ev = (name: string, kind: string, obj: string, time: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'default' },
      involvedObject: { kind, name: obj, namespace: 'default' },
      reason: name,
      message: `${name} happened`,
      type: 'Normal',
      lastTimestamp: time,
      ...extra,
    });
    const pod = tree.pods[0]!;
    const events = [
      ev('c', 'PodGang', 'llama-disagg-0', '2026-01-01T00:00:03Z'),
      ev('a', 'PodCliqueSet', 'llama-disagg', '2026-01-01T00:00:01Z'),
      ev('x', 'PodCliqueSet', 'someone-else', '2026-01-01T00:00:02Z'),
      ev('b', 'Pod', 'renamed', '2026-01-01T00:00:02Z', { involvedObject: { kind: 'Pod', name: 'renamed', uid: pod.object.metadata!.uid } }),
      ev('d', 'PodClique', 'llama-disagg-0-prefill-1-pworker', '2026-01-01T00:00:04Z'),
    ];
    expect(workloadEvents(tree, events).map((e) => e.reason)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a stack deleted and re-created under the same name: the old incarnation’s events (old uids) are not shown', () => {
    const objects = stackObjects(disagg);
    const tree = buildWorkloadTree(objects.pcs, objects);
    const gang = tree.gangs[0]!;
    // The new PodCliqueSet was created at 2026-01-01T00:00:00Z (testkit); the old one's events are older.
    const ev = (name: string, kind: string, obj: string, uid: string | undefined, at = '2026-01-01T00:00:01Z') => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'default' },
      involvedObject: { kind, name: obj, namespace: 'default', ...(uid ? { uid } : {}) },
      reason: name,
      type: 'Warning',
      lastTimestamp: at,
    });
    const events = [
      ev('old-pcs', 'PodCliqueSet', 'llama-disagg', 'uid-of-the-deleted-one'),
      ev('old-gang', 'PodGang', gang.name, 'another-old-uid', '2025-12-31T23:59:59Z'),
      ev('new-gang', 'PodGang', gang.name, gang.object.metadata!.uid),
      ev('no-uid', 'PodCliqueSet', 'llama-disagg', undefined), // an event without a uid is matched by name
    ];
    expect(workloadEvents(tree, events).map((e) => e.reason)).toEqual(['new-gang', 'no-uid']);
    // An object without a uid (a hand-made fixture, an old apiserver) is still matched by name.
    const bare = buildWorkloadTree({ ...objects.pcs, metadata: { ...objects.pcs.metadata, uid: undefined } }, objects);
    expect(workloadEvents(bare, [ev('named', 'PodCliqueSet', 'llama-disagg', 'some-uid')]).map((e) => e.reason)).toEqual(['named']);
  });

  it('PodCliques gang-terminated and recreated under the same names (new uids, same PodCliqueSet): their earlier events still show', () => {
    const objects = stackObjects(disagg);
    const tree = buildWorkloadTree(objects.pcs, objects);
    const clique = tree.podCliques[0]!;
    const ev = (reason: string, kind: string, name: string, uid: string, at: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: reason, namespace: 'default' },
      involvedObject: { kind, name, namespace: 'default', uid },
      reason,
      type: 'Warning',
      lastTimestamp: at,
    });
    const events = [
      // The PodClique before Grove deleted and recreated it: same name, another uid, after the PCS was created.
      ev('AllScheduledReplicasLost', 'PodClique', clique.name, 'uid-before-gang-termination', '2026-01-01T00:05:00Z'),
      // Same name and another uid, but before this PodCliqueSet existed: the deleted stack's clique.
      ev('FromTheDeletedStack', 'PodClique', clique.name, 'uid-of-an-older-stack', '2025-12-31T23:00:00Z'),
      // The PodCliqueSet's uid survives gang termination: a PCS event under another uid is never this one's.
      ev('OldPodCliqueSet', 'PodCliqueSet', tree.pcs.metadata!.name!, 'uid-of-the-deleted-one', '2026-01-01T00:05:00Z'),
    ];
    expect(workloadEvents(tree, events).map((e) => e.reason)).toEqual(['AllScheduledReplicasLost']);
    // At the creation second itself the event counts as this incarnation's.
    expect(workloadEvents(tree, [ev('AtCreation', 'PodClique', clique.name, 'x', '2026-01-01T00:00:00Z')]).map((e) => e.reason)).toEqual(['AtCreation']);
  });
});

describe('scale targets', () => {
  it('minAvailable without one written: the tree and the scale preview both take Grove’s default (template replicas; 1 for a group)', () => {
    const bare = structuredClone(disagg);
    for (const c of bare.spec.template.cliques) delete c.spec.minAvailable;
    for (const g of bare.spec.template.podCliqueScalingGroups ?? []) delete g.minAvailable;
    const objects = stackObjects(bare, { podCliqueReplicas: { 'llama-disagg-0-decode': 6 } });
    for (const o of [...objects.podCliques, ...objects.podCliqueScalingGroups]) delete (o as { spec?: { minAvailable?: number } }).spec?.minAvailable;
    const tree = buildWorkloadTree(objects.pcs, objects);
    const decode = tree.podCliques.find((c) => c.template === 'decode')!;
    expect(decode.replicas).toBe(6);
    expect(decode.minAvailable).toBe(4); // the template's replicas (webhook default), not the scaled count
    expect(minAvailableBreach(tree.pcs, decode.object, 'PodClique', 6, 3)?.minAvailable).toBe(decode.minAvailable);
    const group = tree.scalingGroups[0]!;
    expect(group.minAvailable).toBe(1);
    expect(minAvailableBreach(tree.pcs, group.object, 'PodCliqueScalingGroup', 2, 0)?.minAvailable).toBe(group.minAvailable);
    expect(tree.podCliques.find((c) => c.template === 'pworker')!.minAvailable).toBe(3);
  });

  it('PCS and scaling groups scale; a clique inside a scaling group is refused with the group named', () => {
    const objects = stackObjects(disagg);
    const tree = buildWorkloadTree(objects.pcs, objects);
    expect(pcsScaleTarget(tree)).toMatchObject({ kind: 'PodCliqueSet', name: 'llama-disagg', replicas: 1 });
    expect(scalingGroupScaleTarget(tree, tree.scalingGroups[0]!)).toMatchObject({ kind: 'PodCliqueScalingGroup', replicas: 2 });
    expect(scalingGroupScaleTarget(tree, tree.scalingGroups[0]!).refused).toBeUndefined();
    const member = tree.podCliques.find((c) => c.template === 'pworker')!;
    expect(podCliqueScaleTarget(tree, member).refused).toMatch(/belongs to scaling group llama-disagg-0-prefill .*scale llama-disagg-0-prefill instead/);
    const decode = tree.podCliques.find((c) => c.template === 'decode')!;
    expect(podCliqueScaleTarget(tree, decode)).toMatchObject({ kind: 'PodClique', name: 'llama-disagg-0-decode', replicas: 4 });
    expect(podCliqueScaleTarget(tree, decode).refused).toBeUndefined();
  });

  it('a clique with autoScalingConfig is owned by the HPA Grove names after it', () => {
    const auto = structuredClone(agg);
    auto.spec.template.cliques[0]!.spec.autoScalingConfig = { minReplicas: 2, maxReplicas: 6 };
    const objects = stackObjects(auto);
    const tree = buildWorkloadTree(objects.pcs, objects);
    const target = podCliqueScaleTarget(tree, tree.podCliques[0]!);
    expect(target.hpa).toBe('mixtral-agg-0-worker');
    expect(target.refused).toMatch(/HorizontalPodAutoscaler mixtral-agg-0-worker owns the replicas .* \(between 2 and 6 replicas\)/);
  });

  it('kubectl commands use the resource names of KIND_INFO', () => {
    expect(kubectlScaleCommand({ kind: 'PodCliqueSet', namespace: 'default', name: 'llama' }, 2)).toBe('kubectl scale podcliquesets/llama -n default --replicas=2');
    expect(kubectlScaleCommand({ kind: 'PodCliqueScalingGroup', namespace: 'ns', name: 'g' }, 3)).toBe('kubectl scale podcliquescalinggroups/g -n ns --replicas=3');
    expect(kubectlDeleteCommand('PodCliqueSet', 'default', 'llama')).toBe('kubectl delete podcliquesets/llama -n default');
  });

  it('scale progress follows the new replicas from gated to ready, and a scale-down until they are gone', () => {
    const two = { ...agg, spec: { ...agg.spec, replicas: 2 } };
    const half = stackObjects(two, { stage: (h) => (h === 'mixtral-agg-1-worker-0' ? 'gated' : h.startsWith('mixtral-agg-1') ? 'running' : 'ready') });
    const tree = buildWorkloadTree(half.pcs, half);
    const target = { kind: 'PodCliqueSet' as const, name: 'mixtral-agg' };
    const p = scaleProgress(tree, target, 1, 2);
    expect(p).toMatchObject({ expected: 2, done: false });
    expect(p.summary).toBe('0 of 2 new pods ready (1 gated, 1 running)');
    const done = stackObjects(two);
    expect(scaleProgress(buildWorkloadTree(done.pcs, done), target, 1, 2)).toMatchObject({ done: true, summary: '2 of 2 new pods ready' });
    // 1 → 3 with only replica 1 created so far: the missing pods are said so.
    expect(scaleProgress(buildWorkloadTree(done.pcs, done), target, 1, 3).summary).toBe('2 of 4 new pods ready (2 not created yet)');
    // Scale down 2 → 1: not done while replica 1 has pods.
    expect(scaleProgress(buildWorkloadTree(done.pcs, done), target, 2, 1)).toMatchObject({ done: false, summary: '2 pods still to remove' });
    const one = stackObjects({ ...agg, spec: { ...agg.spec, replicas: 1 } });
    expect(scaleProgress(buildWorkloadTree(one.pcs, one), target, 2, 1)).toMatchObject({ done: true });
  });

  it('scale progress of a scaling group counts the pods of its new replicas', () => {
    const objects = stackObjects(disagg, { scalingGroupReplicas: { 'llama-disagg-0-prefill': 3 }, stage: (h) => (h.startsWith('llama-disagg-0-prefill-2') ? 'scheduled' : 'ready') });
    const tree = buildWorkloadTree(objects.pcs, objects);
    expect(scaleProgress(tree, { kind: 'PodCliqueScalingGroup', name: 'llama-disagg-0-prefill' }, 2, 3).summary).toBe('0 of 4 new pods ready (4 scheduled)');
  });

  it('scale progress counts one pod in the singular: a one-pod clique scaled 0 → 1 reads "1 of 1 pod ready"', () => {
    const router = { kind: 'PodClique' as const, name: 'llama-disagg-0-router' };
    const objects = stackObjects(disagg);
    expect(scaleProgress(buildWorkloadTree(objects.pcs, objects), router, 0, 1)).toMatchObject({ done: true, summary: '1 of 1 pod ready' });
    expect(scaleProgress(buildWorkloadTree(objects.pcs, objects), router, 1, 0)).toMatchObject({ done: false, summary: '1 pod still to remove' });
  });

  it('scale progress of a PodClique counts pods, not indices: Grove removes pending/unready pods first and refills holes', () => {
    const decode = { kind: 'PodClique' as const, name: 'llama-disagg-0-decode' };
    const indexOf = (pod: KubeObject) => Number(pod.metadata?.labels?.[LABEL_PODCLIQUE_POD_INDEX]);
    const isDecode = (pod: KubeObject) => pod.metadata?.labels?.[LABEL_PODCLIQUE] === decode.name;
    // 4 → 2 with pod 1 pending: the pending pod and one other go, whatever their index.
    const before = stackObjects(disagg, { stage: (h) => (h === 'llama-disagg-0-decode-1' ? 'pending' : 'ready') });
    const down = scaleProgress(buildWorkloadTree(before.pcs, before), decode, 4, 2);
    expect(down).toMatchObject({ done: false, summary: '2 pods still to remove' });
    expect(down.counts).toMatchObject({ pending: 1, ready: 1 });
    // Grove deleted pods 0 and 1 (not the highest): done, though pods 2 and 3 are still there.
    const after = { ...before, pods: before.pods.filter((p) => !isDecode(p) || indexOf(p) >= 2) };
    expect(scaleProgress(buildWorkloadTree(after.pcs, after), decode, 4, 2)).toMatchObject({ done: true, summary: 'removed 2 pods' });
    // 2 → 4 refills indices 0 and 1; pods 2 and 3 (old, ready) do not make it done.
    const refilling = stackObjects(disagg, { stage: (h) => (h === 'llama-disagg-0-decode-1' ? 'running' : 'ready') });
    const withoutZero = { ...refilling, pods: refilling.pods.filter((p) => !isDecode(p) || indexOf(p) !== 0) };
    expect(scaleProgress(buildWorkloadTree(withoutZero.pcs, withoutZero), decode, 2, 4)).toMatchObject({ done: false, expected: 4, summary: '2 of 4 pods ready (1 running, 1 not created yet)' });
    const ready = stackObjects(disagg);
    expect(scaleProgress(buildWorkloadTree(ready.pcs, ready), decode, 2, 4)).toMatchObject({ done: true, summary: '4 of 4 pods ready' });
  });
});

describe('startupGraph', () => {
  it('Explicit: edges from startsAfter, columns by depth, progress per clique', () => {
    const objects = stackObjects(disagg, { stage: (h) => (h.includes('pworker') ? 'scheduled' : 'ready') });
    const g = startupGraph(buildWorkloadTree(objects.pcs, objects));
    expect(g.edges).toEqual([
      { from: 'pleader', to: 'pworker' },
      { from: 'router', to: 'decode' },
    ]);
    const by = Object.fromEntries(g.nodes.map((n) => [n.clique, n]));
    expect([by.router!.column, by.decode!.column, by.pleader!.column, by.pworker!.column]).toEqual([0, 1, 0, 1]);
    // pworker: 6 pods over 2 group replicas; dependents watch the base gang's 3 (group minAvailable 1).
    expect(by.pworker).toMatchObject({ progress: 'waiting', ready: 0, pods: 6, gate: 3, scalingGroup: 'prefill' });
    // decode: every pod counts as ready (4 of 4), not capped at its minAvailable of 2.
    expect(by.decode).toMatchObject({ progress: 'ready', ready: 4, pods: 4, gate: 2 });
  });

  it('InOrder chains the cliques in template order; AnyOrder has no edges', () => {
    const w = stackObjects(wide);
    expect(startupGraph(buildWorkloadTree(w.pcs, w)).edges).toEqual([{ from: 'leader', to: 'worker' }]);
    const a = stackObjects(agg);
    expect(startupGraph(buildWorkloadTree(a.pcs, a)).edges).toEqual([]);
  });
});

/** A gang larger than any rack (19 pods × 4 GPUs = 76 > 72 per GB200 rack), packed in one rack, on kai-scheduler (or another scheduler). */
function tooBig(schedulerName = 'kai-scheduler'): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'too-big', namespace: 'default', labels: { 'kai.scheduler/queue': 'default-queue' } },
    spec: {
      replicas: 1,
      template: {
        topologyConstraint: { topologyName: 'demo', pack: { required: 'rack' } },
        cliques: [
          {
            name: 'worker',
            spec: {
              roleName: 'worker',
              replicas: 19,
              minAvailable: 19,
              podSpec: { schedulerName, nodeSelector: { [GPU_PRODUCT_LABEL]: DEMO_GB200.gpuProduct }, containers: [{ name: 'w', image: 'x', resources: { limits: { 'nvidia.com/gpu': '4' } } }] },
            },
          },
        ],
      },
    },
  } as PodCliqueSet;
}

describe('why pending', () => {
  const state = clusterStateFromSnapshot(demoSnapshot());

  it('the engine answers as the gang’s scheduler would: default-scheduler ignores the rack packing and places pod by pod', () => {
    const objects = stackObjects(tooBig('default-scheduler'), { stage: () => 'pending' });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const placement = placePendingGang(state, tree, 'too-big-0');
    expect(placement).toMatchObject({ placed: true, independent: true });
    expect(placement!.pods).toHaveLength(19);
    expect(new Set(placement!.pods.map((p) => p.node)).size).toBeGreaterThan(1);
  });

  it('an unschedulable gang: the scheduler’s words and the engine’s reason in one sentence', () => {
    const objects = stackObjects(tooBig(), { stage: () => 'pending' });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const gang = pendingGang(withStack(objects), tree, 'too-big-0');
    expect(gang?.podGroups[0]?.pods).toHaveLength(19);
    const placement = placePendingGang(state, tree, 'too-big-0');
    expect(placement?.placed).toBe(false);
    const events = workloadEvents(tree, [
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e1', namespace: 'default' },
        involvedObject: { kind: 'PodGang', name: 'too-big-0', namespace: 'default' },
        reason: 'FailedScheduling',
        message: 'the gang needs 76 GPUs in one rack',
        type: 'Warning',
        count: 3,
        lastTimestamp: '2026-01-01T00:00:05Z',
      } as KubeObject,
    ]);
    const why = whyPending(tree.pods[0]!, { tree, events, placement: placement! });
    expect(why?.cluster).toBe('the scheduler could not place gang too-big-0 (FailedScheduling ×3: the gang needs 76 GPUs in one rack)');
    expect(why?.engine).toMatch(/^the placement engine agrees: .*76 GPUs in one rack.*72/);
    expect(why?.sentence.startsWith(`${tree.pods[0]!.name} is pending: the scheduler could not place gang too-big-0`)).toBe(true);
    // When the scheduler already quotes the engine (the simulated cluster does), the sentence does not repeat it.
    const quoted = workloadEvents(tree, [
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e2', namespace: 'default' },
        involvedObject: { kind: 'PodGang', name: 'too-big-0', namespace: 'default' },
        reason: 'FailedScheduling',
        message: placement!.reason,
        lastTimestamp: '2026-01-01T00:00:06Z',
      } as KubeObject,
    ]);
    const short = whyPending(tree.pods[0]!, { tree, events: quoted, placement: placement! })!;
    expect(short.engine).toBe('the placement engine, run on the cluster as it is now, agrees');
    expect(short.sentence.split(placement!.reason!).length).toBe(2);
  });

  it('a gated pod of a scaled gang waits for its base gang; a bound pod waits for its startup parents', () => {
    const objects = stackObjects(disagg, {
      stage: (h) => (h.startsWith('llama-disagg-0-prefill-1') ? 'gated' : h.includes('pworker') ? 'scheduled' : h.includes('pleader') ? 'pending' : 'ready'),
    });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const gated = tree.pods.find((p) => p.podClique === 'llama-disagg-0-prefill-1-pleader')!;
    const why = whyPending(gated, { tree, events: [] })!;
    expect(why.cluster).toBe(
      'gate grove.io/podgang-pending-creation holds it back: its scaled PodGang llama-disagg-0-prefill-0 waits for base gang llama-disagg-0 to be scheduled (3 of 4 of its pod groups have their minimum scheduled)',
    );
    const worker = tree.pods.find((p) => p.podClique === 'llama-disagg-0-prefill-0-pworker')!;
    expect(whyPending(worker, { tree, events: [] })!.cluster).toBe(
      `bound to ${worker.node}, it waits for llama-disagg-0-prefill-0-pleader to have 1 ready pod (0 now) before it starts (startup order)`,
    );
    expect(whyPending(tree.pods.find((p) => p.stage === 'ready')!, { tree, events: [] })).toBeUndefined();
  });

  it('the engine finding room says so (the scheduler has not retried yet)', () => {
    const objects = stackObjects(agg, { stage: (h) => (h.startsWith('mixtral-agg-1') ? 'pending' : 'ready'), node: (_h, n) => `h100-zh0-b0-r0-n${n % 4}` });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const placement = placePendingGang(state, tree, 'mixtral-agg-1')!;
    expect(placement.placed).toBe(true);
    const why = whyPending(tree.pods.find((p) => p.stage === 'pending')!, { tree, events: [], placement })!;
    expect(why.engine).toMatch(/^the placement engine finds room for gang mixtral-agg-1 now \(2 pods on \d nodes? in .*rack zh0-b0-r\d\), so it should be placed once the scheduler retries$/);
  });

  // A gang that can never fit (more than any rack holds even when empty) reads differently from one waiting for room.
  const asIfBusy = (p: GangPlacement): GangPlacement => ({ ...p, explanation: p.explanation!.map(({ exceedsCapacity: _, ...e }) => e) });

  it('a pending pod whose gang exceeds every rack even when empty: it will not be placed however long it waits', () => {
    const objects = stackObjects(tooBig(), { stage: () => 'pending' });
    // Ungated, with no verdict from the scheduler yet.
    for (const pod of objects.pods) (pod as { status: { conditions: unknown[] } }).status.conditions = [];
    const tree = buildWorkloadTree(objects.pcs, objects);
    const placement = placePendingGang(state, tree, 'too-big-0')!;
    expect(placement.explanation![0]!.exceedsCapacity).toBe(true);
    const why = whyPending(tree.pods[0]!, { tree, events: [], placement })!;
    expect(why.engine).toMatch(
      /^it will not be placed however long it waits: the placement engine says the gang needs 76 GPUs in one rack, but no rack its pods may use has 76 GPUs even when empty \(the largest, \S+, has 72\); .*use fewer or smaller pods$/,
    );
    expect(why.sentence).toBe(`${tree.pods[0]!.name} is pending: it is ungated and waits for the scheduler to place gang too-big-0; ${why.engine}.`);
    // Waiting for room reads as before.
    expect(whyPending(tree.pods[0]!, { tree, events: [], placement: asIfBusy(placement) })!.engine).toBe(`the placement engine says: ${placement.reason}`);
  });

  it('a gated pod of such a gang: once ungated it will not fit either, however much room frees up', () => {
    const objects = stackObjects(tooBig(), { stage: () => 'gated' });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const placement = placePendingGang(state, tree, 'too-big-0')!;
    const why = whyPending(tree.pods[0]!, { tree, events: [], placement })!;
    expect(why.engine).toBe(`and once ungated it will not fit either, however much room frees up: the placement engine says ${placement.reason}`);
    expect(whyPending(tree.pods[0]!, { tree, events: [], placement: asIfBusy(placement) })!.engine).toBe(`and once ungated it will not fit either: the placement engine says ${placement.reason}`);
  });
});

describe('placePendingGangs', () => {
  it('answers each waiting gang on its own, up to the limit; a gang with nothing waiting gets no answer', () => {
    const state = clusterStateFromSnapshot(demoSnapshot());
    const objects = stackObjects(agg, { stage: () => 'pending' });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const both = placePendingGangs(state, tree, ['mixtral-agg-0', 'mixtral-agg-1']);
    expect([...both.keys()]).toEqual(['mixtral-agg-0', 'mixtral-agg-1']);
    // Each alone fits the empty H100 racks (they are not placed against each other).
    expect([...both.values()].every((g) => g.placed && g.pods.length === 2)).toBe(true);
    expect([...placePendingGangs(state, tree, ['mixtral-agg-0', 'mixtral-agg-1'], 1).keys()]).toEqual(['mixtral-agg-0']);
    const running = stackObjects(agg);
    expect(placePendingGangs(state, buildWorkloadTree(running.pcs, running), ['mixtral-agg-0']).size).toBe(0);
  });

  it('a clique at its minimum scaled past what fits: its new pods are best effort, the ones that fit placed; a pod left out reads as above minAvailable, not as the gang not fitting', () => {
    // The demo's decode (minAvailable 2) at 100 pods, its first 4 running: 96 wait; the empty GB200 zone holds 72 4-GPU pods.
    const decode = 'llama-disagg-0-decode';
    const objects = stackObjects(disagg, { podCliqueReplicas: { [decode]: 100 }, stage: (h) => (h.startsWith(`${decode}-`) && Number(h.slice(decode.length + 1)) >= 4 ? 'pending' : 'ready') });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const state = withStack(objects);
    const gang = pendingGang(state, tree, 'llama-disagg-0')!;
    expect(gang.podGroups.map((pg) => [pg.name, pg.minReplicas, pg.pods.length])).toEqual([[decode, 0, 96]]);
    const placement = placePendingGang(state, tree, 'llama-disagg-0')!;
    expect(placement).toMatchObject({ placed: true });
    expect(placement.pods).toHaveLength(72);
    expect(placement.unplacedOptionalPods).toHaveLength(24);
    const left = tree.pods.find((p) => p.podClique === decode && p.podIndex === 99)!;
    const why = whyPending(left, { tree, events: [], placement })!;
    expect(why.engine).toMatch(new RegExp(`^the placement engine places gang llama-disagg-0 without it \\(above minAvailable\\): ${placement.unplacedOptionalPods![0]}: `));
    expect(why.sentence).not.toMatch(/of its minimum|finds room/);
  });

  it('a running gang’s waiting pods must join the rack it runs in (its required pack), as the scale preview says: no room there is no room, however empty another rack is', () => {
    // deepseek-wide (PodCliqueSet pack required: rack) runs on 8 nodes of rack z0-b0-r0; another workload fills the rest of that rack; rack z0-b0-r1 is empty.
    const demo = clusterStateFromSnapshot(demoSnapshot());
    const r0 = demo.nodes.filter((n) => n.labels['topology.kubernetes.io/rack'] === 'z0-b0-r0').map((n) => n.name);
    const worker = 'deepseek-wide-0-worker';
    const scaled = (replicas: number, pending: (index: number) => boolean) => {
      const objects = stackObjects(wide, { podCliqueReplicas: { [worker]: replicas }, stage: (h) => (h.startsWith(`${worker}-`) && pending(Number(h.slice(worker.length + 1))) ? 'pending' : 'ready'), node: (_h, n) => r0[n]! });
      const state = withStack(objects, demo);
      // Another workload on every node of the rack the stack's bound pods leave free.
      const held = new Set(state.pods.map((p) => p.nodeName));
      const filler = r0.filter((node) => !held.has(node)).map((node, i) => boundPod(`other-${i}`, node, 4, { namespace: 'other' }));
      return { objects, tree: buildWorkloadTree(objects.pcs, objects), state: { ...state, pods: [...state.pods, ...filler] } };
    };
    const mustJoin = 'must join rack z0-b0-r0 where deepseek-wide-0 runs (required rack); z0-b0-r0 has 0 free GPUs';

    // Scaled 7 → 11: the 4 new workers are above the clique's minimum; the gang runs without them, none of them goes to rack z0-b0-r1.
    const up = scaled(11, (i) => i >= 7);
    const gang = pendingGang(up.state, up.tree, 'deepseek-wide-0')!;
    expect(gang.podGroups.map((pg) => [pg.name, pg.minReplicas, pg.pods.length])).toEqual([[worker, 0, 4]]);
    expect(gang.podGroups[0]!.pods.every((p) => p.scheduling.nodeSelector?.['topology.kubernetes.io/rack'] === 'z0-b0-r0')).toBe(true);
    const placement = placePendingGang(up.state, up.tree, 'deepseek-wide-0')!;
    expect(placement).toMatchObject({ placed: true, pods: [], unplacedOptionalPods: [7, 8, 9, 10].map((i) => `${worker}-${i}`) });
    expect(placement.unplacedOptionalReason).toBe(`${worker}-7: ${mustJoin}`);
    const waiting = up.tree.pods.find((p) => p.podClique === worker && p.podIndex === 8)!;
    const why = whyPending(waiting, { tree: up.tree, events: [], placement })!;
    expect(why.engine).toBe(`the placement engine places gang deepseek-wide-0 without it (above minAvailable): ${worker}-7: ${mustJoin}`);
    expect(why.sentence).not.toMatch(/finds room|z0-b0-r1/);

    // A pod of the minimum to replace (worker 6 pending, 6 of the 7 bound): the gang cannot have it anywhere but its rack.
    const short = scaled(7, (i) => i === 6);
    const refused = placePendingGang(short.state, short.tree, 'deepseek-wide-0')!;
    expect(refused).toMatchObject({ placed: false, reason: mustJoin });
    const pod = short.tree.pods.find((p) => p.podClique === worker && p.podIndex === 6)!;
    expect(whyPending(pod, { tree: short.tree, events: [], placement: refused })!.engine).toBe(`the placement engine agrees: ${mustJoin}`);
  });

  it('a gang with some pods bound places only the rest, all of them (its increment)', () => {
    const objects = stackObjects(agg, { stage: (h) => (h === 'mixtral-agg-0-worker-1' ? 'pending' : 'ready') });
    const gang = pendingGang(withStack(objects), buildWorkloadTree(objects.pcs, objects), 'mixtral-agg-0')!;
    expect(gang.podGroups.map((pg) => [pg.pods.map((p) => p.name), pg.minReplicas])).toEqual([[['mixtral-agg-0-worker-1'], 1]]);
  });
});

describe('workloadPlacement', () => {
  it('lists the domains holding the stack’s pods and the domains each gang spans', () => {
    const state = clusterStateFromSnapshot(demoSnapshot());
    const h100 = state.nodes.filter((n) => n.name.startsWith('h100-'));
    const objects = stackObjects(agg, { node: (_h, n) => h100[n]!.name });
    const tree = buildWorkloadTree(objects.pcs, objects);
    const placement = workloadPlacement(state, tree);
    expect(placement.topology).toBe('demo');
    const rack = placement.levels.find((l) => l.level === 'rack')!;
    expect(rack.domains.reduce((n, d) => n + d.pods, 0)).toBe(4);
    expect(rack.domains.reduce((n, d) => n + d.gpus, 0)).toBe(32);
    expect(placement.gangs.map((g) => g.boundPods)).toEqual([2, 2]);
    for (const g of placement.gangs) expect(g.spans.host).toHaveLength(2);
  });

  it('two racks labelled rack-1 in two zones are two domains (keyed by label path, named with their parent), for the list and for each gang’s span', () => {
    const demo = clusterStateFromSnapshot(demoSnapshot());
    const h100 = demo.nodes.filter((n) => n.name.startsWith('h100-')).slice(0, 4);
    // Grove-e2e-style labels: values repeat under other parents. h100[0..1] z0/b-1/rack-1, h100[2] z1/b-1/rack-1, h100[3] z1/b-1/rack-2.
    const relabel = ['z0', 'z0', 'z1', 'z1'].map((zone, i) => ({ zone, block: 'b-1', rack: i === 3 ? 'rack-2' : 'rack-1' }));
    const state = {
      ...demo,
      nodes: demo.nodes.map((node) => {
        const i = h100.indexOf(node);
        if (i < 0) return node;
        const l = relabel[i]!;
        return { ...node, labels: { ...node.labels, 'topology.kubernetes.io/zone': l.zone, 'topology.kubernetes.io/block': l.block, 'topology.kubernetes.io/rack': l.rack } };
      }),
    };
    // Pod n on h100[[0, 2, 1, 3][n]]: each gang (two pods) has one pod in each zone.
    const objects = stackObjects(agg, { node: (_h, n) => h100[[0, 2, 1, 3][n]!]!.name });
    const placement = workloadPlacement(state, buildWorkloadTree(objects.pcs, objects));
    const rack = placement.levels.find((l) => l.level === 'rack')!;
    expect(rack.domains.map((d) => [d.id, d.value, d.name, d.pods, d.capacityGpus])).toEqual([
      ['zone=z0/block=b-1/rack=rack-1', 'rack-1', 'rack-1 in block b-1 in zone z0', 2, 16],
      ['zone=z1/block=b-1/rack=rack-1', 'rack-1', 'rack-1 in block b-1 in zone z1', 1, 8],
      ['zone=z1/block=b-1/rack=rack-2', 'rack-2', 'rack-2', 1, 8],
    ]);
    expect(placement.levels.find((l) => l.level === 'block')!.domains.map((d) => [d.name, d.pods])).toEqual([
      ['b-1 in zone z0', 2],
      ['b-1 in zone z1', 2],
    ]);
    // Neither gang is packed in one rack or one block, though its racks share a value.
    expect(placement.gangs.map((g) => [g.spans.zone, g.spans.block, g.spans.rack])).toEqual([
      [['z0', 'z1'], ['b-1 in zone z0', 'b-1 in zone z1'], ['rack-1 in block b-1 in zone z0', 'rack-1 in block b-1 in zone z1']],
      [['z0', 'z1'], ['b-1 in zone z0', 'b-1 in zone z1'], ['rack-1 in block b-1 in zone z0', 'rack-2']],
    ]);
  });

  it('a stack naming no topology is shown under the heatmap’s binding (first by name), not the first listed', () => {
    const demo = clusterStateFromSnapshot(demoSnapshot());
    const [base] = demo.topologies;
    const state = { ...demo, topologies: [{ ...base!, name: 'zeta' }, { ...base!, name: 'alpha' }] };
    const objects = stackObjects(agg);
    const tree = buildWorkloadTree(objects.pcs, objects);
    expect(workloadPlacement(state, tree).topology).toBe('alpha');
  });
});

describe('gang state', () => {
  it('a Grove gang (phase Pending, as the operator writes it) with every pod ready shows Running; the Pending phase is not shown', () => {
    const objects = stackObjects(disagg);
    expect(objects.podGangs.every((g) => (g as { status?: { phase?: string } }).status?.phase === 'Pending')).toBe(true);
    const tree = buildWorkloadTree(objects.pcs, objects);
    expect(tree.gangs.map((g) => [g.name, g.phase, g.state, gangStateText(g)])).toEqual([
      ['llama-disagg-0', 'Pending', 'Running', 'Running'],
      ['llama-disagg-0-prefill-0', 'Pending', 'Running', 'Running'],
    ]);
  });

  it('Scheduled when every pod group has minReplicas pods bound, Pending when one has not; pods beyond the minimum do not count', () => {
    // decode has 4 pods, minAvailable 2: two of them pending still leave the base gang's minimum bound.
    const stage = (hostname: string) =>
      /-0-prefill-0-pworker-/.test(hostname) ? 'running' : /-0-decode-[23]$/.test(hostname) ? 'pending' : /-0-prefill-1-/.test(hostname) ? 'gated' : 'ready';
    const objects = stackObjects(disagg, { stage });
    const tree = buildWorkloadTree(objects.pcs, objects);
    expect(tree.gangs.map((g) => [g.name, g.state])).toEqual([
      ['llama-disagg-0', 'Scheduled'],
      ['llama-disagg-0-prefill-0', 'Pending'],
    ]);
  });

  it('a scheduler’s phase that says more than Pending is shown beside the members’ state when they differ', () => {
    expect(gangStateText({ state: 'Scheduled', phase: 'Starting' })).toBe('Scheduled (phase Starting)');
    expect(gangStateText({ state: 'Running', phase: 'Running' })).toBe('Running');
    expect(gangStateText({ state: 'Pending' })).toBe('Pending');
  });
});
