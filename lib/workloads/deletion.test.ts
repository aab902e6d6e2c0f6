import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { deletingRefusal, workloadDeletion } from './deletion';
import { stackObjects } from './testkit';
import { buildWorkloadTree } from './tree';

const pcs = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name: 'disagg', namespace: 'apps' },
  spec: {
    replicas: 1,
    template: {
      cliques: [
        { name: 'router', spec: { replicas: 2, podSpec: { containers: [{ name: 'r', image: 'x' }] } } },
        { name: 'worker', spec: { replicas: 3, podSpec: { containers: [{ name: 'w', image: 'x' }] } } },
      ],
    },
  },
} as PodCliqueSet;

const deleting = (o: KubeObject, finalizers?: string[]): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, deletionTimestamp: '2026-11-30T12:00:00Z', ...(finalizers ? { finalizers } : {}) },
});

describe('workloadDeletion: a PodCliqueSet with a deletionTimestamp is Deleting, with what is left', () => {
  it('is undefined for a stack not being deleted', () => {
    const objects = stackObjects(pcs);
    expect(workloadDeletion(buildWorkloadTree(objects.pcs, objects))).toBeUndefined();
  });

  it('counts the pods still there and those terminating (the foreground teardown)', () => {
    const objects = stackObjects(pcs);
    const gone = deleting(objects.pcs, ['foregroundDeletion']) as PodCliqueSet;
    const all = buildWorkloadTree(gone, { ...objects, pods: objects.pods.map((p) => deleting(p)) });
    expect(workloadDeletion(all)).toMatchObject({ since: '2026-11-30T12:00:00Z', pods: 5, terminatingPods: 5, podCliques: 2, finalizers: ['foregroundDeletion'], text: 'Deleting: 5 pods terminating' });
    const some = buildWorkloadTree(gone, { ...objects, pods: objects.pods.map((p, i) => (i < 2 ? deleting(p) : p)) });
    expect(workloadDeletion(some)?.text).toBe('Deleting: 5 pods left, 2 terminating');
  });

  it('with the pods gone: the owned objects left, then the finalizers holding it', () => {
    const objects = stackObjects(pcs);
    const gone = deleting(objects.pcs, ['foregroundDeletion']) as PodCliqueSet;
    expect(workloadDeletion(buildWorkloadTree(gone, { ...objects, pods: [] }))?.text).toBe('Deleting: 2 PodCliques, 1 PodGang left');
    const bare = buildWorkloadTree(gone, { podCliqueSets: [gone], podCliques: [], podCliqueScalingGroups: [], podGangs: [], pods: [] });
    expect(workloadDeletion(bare)?.text).toBe('Deleting: waiting for finalizer foregroundDeletion');
  });

  it('the refusal for scale and a second delete names the stack and what is left', () => {
    const objects = stackObjects(pcs);
    const tree = buildWorkloadTree(deleting(objects.pcs) as PodCliqueSet, objects);
    expect(deletingRefusal(tree, workloadDeletion(tree)!)).toBe('PodCliqueSet apps/disagg is being deleted (5 pods left): it cannot be scaled or deleted again.');
  });
});

describe('workloadDeletion.left: what the header says in place of availability while deleting', () => {
  it('counts what is left from the live objects, never from the PodCliqueSet’s status', () => {
    const objects = stackObjects(pcs);
    // A status from before the teardown: 1/1 available. The header must not repeat it.
    const gone = { ...deleting(objects.pcs, ['foregroundDeletion']), status: { availableReplicas: 1, replicas: 1 } } as PodCliqueSet;
    const some = buildWorkloadTree(gone, { ...objects, pods: objects.pods.map((p, i) => (i < 2 ? deleting(p) : p)) });
    expect(workloadDeletion(some)?.left).toBe('5 pods left (2 terminating), 2 PodCliques left, 1 PodGang left');
    const noPods = buildWorkloadTree(gone, { ...objects, pods: [] });
    expect(workloadDeletion(noPods)?.left).toBe('0 pods left, 2 PodCliques left, 1 PodGang left');
  });
});
