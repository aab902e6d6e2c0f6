/**
 * placePendingGangs on a busy cluster: one placement index per call for all the waiting gangs, and the
 * node tables (domains, eligibility masks) shared across calls over the same nodes array, so a pod
 * event anywhere in the cluster does not rebuild them. Each gang's answer stays its own, as placed alone.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { placeGangs, sharedNodeTables } from '../placement';
import { boundPod } from '../placement/testkit';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { previewScale } from '../placement/preview';
import { pendingGangs, placePendingGangs } from './placement';
import { stackObjects } from './testkit';
import { buildWorkloadTree } from './tree';

const [, , agg] = demoStacks() as [PodCliqueSet, PodCliqueSet, PodCliqueSet];

/** A pod of another namespace's workload, running on a node. */
const otherPod = (name: string, nodeName: string, gpu: number) => boundPod(name, nodeName, gpu, { namespace: 'other' });

describe('placePendingGangs across pod changes', () => {
  const demo = clusterStateFromSnapshot(demoSnapshot());
  const h100 = demo.nodes.filter((n) => n.name.startsWith('h100-'));
  const objects = stackObjects({ ...agg, spec: { ...agg.spec, replicas: 3 } } as PodCliqueSet, { stage: () => 'pending' });
  const tree = buildWorkloadTree(objects.pcs, objects);
  const names = tree.gangs.map((g) => g.name);

  /** Each gang placed alone on a fresh index, as placePendingGangs answered before it shared one. */
  const alone = (state: ClusterState) => new Map([...pendingGangs(state, tree, names)].map(([name, gang]) => [name, placeGangs(state, [gang], { bySchedulerName: true }).gangs[0]!]));

  it('a pod change keeps the node tables (same object, its domains and masks not rebuilt); each gang’s answer is its own', () => {
    // A nodes list of its own: the tables are memoised per list for the whole module.
    const nodes = [...demo.nodes];
    const before: ClusterState = { ...demo, nodes, pods: [otherPod('a', h100[4]!.name, 8)] };
    const tables = sharedNodeTables(nodes);
    expect(tables.masks.size).toBe(0);
    const first = placePendingGangs(before, tree, names);
    expect([...first.keys()]).toEqual(names);
    // The call built its masks and domains in the shared tables.
    expect(tables.masks.size).toBeGreaterThan(0);
    expect(tables.levels.size).toBeGreaterThan(0);
    const masks = new Map(tables.masks);
    const levels = new Map(tables.levels);

    // Another workload's pods fill most H100 nodes: a new pods list, the same nodes list.
    const after: ClusterState = { ...before, pods: [...before.pods, ...h100.slice(0, -2).map((n, i) => otherPod(`busy-${i}`, n.name, 8))] };
    const second = placePendingGangs(after, tree, names);
    expect(sharedNodeTables(after.nodes)).toBe(tables);
    expect(new Map(tables.masks)).toEqual(masks);
    for (const [key, level] of levels) expect(tables.levels.get(key)).toBe(level);
    for (const [key, mask] of masks) expect(tables.masks.get(key)).toBe(mask);

    // Answers follow the pods, each gang as if placed alone on a fresh index.
    expect(second).not.toEqual(first);
    expect(first).toEqual(alone(before));
    expect(second).toEqual(alone(after));
    // Each alone: the last two free H100 nodes hold every gang's two pods (none took them from another).
    expect([...second.values()].every((g) => g.placed)).toBe(true);
    expect(new Set([...second.values()].map((g) => g.pods.map((p) => p.node).sort().join()))).toEqual(new Set([h100.slice(-2).map((n) => n.name).sort().join()]));
  });
});

describe('a stack whose cliques name no scheduler runs under the one its PodGangs name', () => {
  // deepseek-wide asks for its gang inside one NVL72 rack (required); 21 pods of 4 GPUs (84) do not fit the 72 of any rack.
  const wide = structuredClone(demoStacks().find((s) => s.metadata.name === 'deepseek-wide')!) as PodCliqueSet;
  const workers = wide.spec.template.cliques[1]!.spec;
  workers.replicas = 20;
  workers.minAvailable = 20;
  for (const c of wide.spec.template.cliques) delete (c.spec.podSpec as { schedulerName?: string }).schedulerName;
  const state = clusterStateFromSnapshot(demoSnapshot());

  it('on an operator whose default profile is kai-scheduler, a waiting gang is placed as a gang in one rack, and says why it cannot be', () => {
    const objects = stackObjects(wide, { stage: () => 'pending', defaultSchedulerName: 'kai-scheduler' });
    const tree = buildWorkloadTree(objects.pcs, objects);
    expect(tree.gangs.map((g) => g.object.metadata?.labels?.['grove.io/scheduler-name'])).toEqual(['kai-scheduler']);
    const [placement] = [...placePendingGangs(state, tree, tree.gangs.map((g) => g.name)).values()];
    expect(placement!.placed).toBe(false);
    expect(placement!.independent).toBeUndefined();
    expect(placement!.reason).toMatch(/rack/);
    // The same stack on an operator whose default is kube-scheduler: pod by pod, the constraint ignored.
    const plain = stackObjects(wide, { stage: () => 'pending' });
    const plainTree = buildWorkloadTree(plain.pcs, plain);
    const [independent] = [...placePendingGangs(state, plainTree, plainTree.gangs.map((g) => g.name)).values()];
    expect(independent!.independent).toBe(true);
  });

  it('a scale preview of it expands its new gangs under that scheduler too', () => {
    const one = structuredClone(demoStacks().find((s) => s.metadata.name === 'deepseek-wide')!) as PodCliqueSet;
    for (const c of one.spec.template.cliques) delete (c.spec.podSpec as { schedulerName?: string }).schedulerName;
    const target = { kind: 'PodCliqueSet' as const, namespace: one.metadata.namespace ?? 'default', name: one.metadata.name!, replicas: 2 };
    const kai = stackObjects(one, { defaultSchedulerName: 'kai-scheduler' });
    const planned = previewScale(state, kai, target);
    expect(planned.gangs.length).toBeGreaterThan(0);
    expect(planned.gangs.every((g) => g.labels?.['grove.io/scheduler-name'] === 'kai-scheduler')).toBe(true);
    const plain = previewScale(state, stackObjects(one), target);
    expect(plain.gangs.every((g) => g.labels?.['grove.io/scheduler-name'] === 'default-scheduler')).toBe(true);
  });
});
