/**
 * Health of a stack in a rolling update, from objects shaped as Grove v0.1.0-alpha.11 writes them
 * during RollingRecreate: PodCliqueSet status.updatedReplicas and updateProgress{updateStartedAt,
 * currentlyUpdating[{replicaIndex}]}; the updating PodCliques' updateProgress.readyPodsSelectedToUpdate
 * and MinAvailableBreached Unknown/UpdateInProgress; a scaling group's readyReplicaIndicesSelectedToUpdate.
 */
import { describe, expect, it } from 'vitest';
import type { Condition, KubeObject } from '../grove/meta';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { demoStacks } from '../topology/demo';
import { rollingUpdateOf, workloadHealth } from './health';
import { stackObjects } from './testkit';
import { buildWorkloadTree } from './tree';

const [disagg, , agg] = demoStacks() as [PodCliqueSet, PodCliqueSet, PodCliqueSet];
type Objects = ReturnType<typeof stackObjects>;
const tree = (o: Objects) => buildWorkloadTree(o.pcs, o);
const STARTED = '2026-01-01T00:10:00Z';
const updateInProgress: Condition = { type: 'MinAvailableBreached', status: 'Unknown', reason: 'UpdateInProgress', message: 'Update is in progress', lastTransitionTime: STARTED };

function named(list: readonly KubeObject[], name: string): KubeObject & { status?: Record<string, unknown> } {
  return list.find((x) => x.metadata?.name === name) as KubeObject & { status?: Record<string, unknown> };
}

/** mixtral-agg (2 replicas of one 2-pod clique) with replica 1 being updated: one of its pods replaced and starting. */
function aggMidUpdate(): Objects {
  const o = stackObjects(agg, { stage: (h) => (h === 'mixtral-agg-1-worker-0' ? 'running' : 'ready') });
  o.pcs.status = {
    availableReplicas: 1,
    updatedReplicas: 1,
    currentGenerationHash: 'new-hash',
    updateProgress: { updateStartedAt: STARTED, currentlyUpdating: [{ replicaIndex: 1, updateStartedAt: '2026-01-01T00:11:00Z' }] },
  };
  const clique = named(o.podCliques, 'mixtral-agg-1-worker');
  clique.status = {
    replicas: 2,
    readyReplicas: 1,
    updatedReplicas: 1,
    updateProgress: { updateStartedAt: '2026-01-01T00:11:00Z', podCliqueSetGenerationHash: 'new-hash', podTemplateHash: 'pod-hash', readyPodsSelectedToUpdate: { current: 'mixtral-agg-1-worker-old0', completed: [] } },
    conditions: [updateInProgress],
  };
  return o;
}

describe('workloadHealth during a rolling update', () => {
  it('reads Updating with replicas updated, the replica being updated and the pod being replaced; the UpdateInProgress breach is no failure', () => {
    const h = workloadHealth(tree(aggMidUpdate()));
    expect(h.state).toBe('progressing');
    expect(h.notes).toEqual([{ severity: 'info', text: 'Updating: 1 of 2 replicas updated; replica 1 being updated (replacing pod mixtral-agg-1-worker-old0); 3 of 4 pods ready' }]);
    expect(h.problems.join(' ')).not.toMatch(/Starting|MinAvailableBreached/);
  });

  it('says how long the update has run when the clock is known', () => {
    const h = workloadHealth(tree(aggMidUpdate()), undefined, Date.parse(STARTED) + 3 * 60_000);
    expect(h.notes[0]).toEqual({ severity: 'info', text: 'Updating for 3m: 1 of 2 replicas updated; replica 1 being updated (replacing pod mixtral-agg-1-worker-old0); 3 of 4 pods ready', since: '2026-01-01T00:10:00.000Z' });
    expect(h.timeDependent).toBe(true);
  });

  it('stays progressing between two replicas, every pod ready and nothing replaced yet', () => {
    const o = stackObjects(agg);
    o.pcs.status = { availableReplicas: 2, updatedReplicas: 1, updateProgress: { updateStartedAt: STARTED, currentlyUpdating: [{ replicaIndex: 1 }] } };
    const h = workloadHealth(tree(o));
    expect(h.state).toBe('progressing');
    expect(h.problems).toEqual(['Updating: 1 of 2 replicas updated; replica 1 being updated; 4 of 4 pods ready']);
  });

  it('names the scaling-group replica being recreated', () => {
    const o = stackObjects(disagg, { stage: (h) => (h.startsWith('llama-disagg-0-prefill-1-') ? 'scheduled' : 'ready') });
    o.pcs.status = { availableReplicas: 1, updatedReplicas: 0, updateProgress: { updateStartedAt: STARTED, currentlyUpdating: [{ replicaIndex: 0 }] } };
    named(o.podCliqueScalingGroups, 'llama-disagg-0-prefill').status = {
      replicas: 2,
      availableReplicas: 1,
      updateProgress: { updateStartedAt: STARTED, podCliqueSetGenerationHash: 'new-hash', readyReplicaIndicesSelectedToUpdate: { current: 1, completed: [0] } },
      conditions: [updateInProgress],
    };
    const h = workloadHealth(tree(o));
    expect(h.state).toBe('progressing');
    expect(h.problems).toEqual(['Updating: 0 of 1 replica updated; replica 0 being updated (replacing llama-disagg-0-prefill replica 1); 9 of 13 pods ready']);
  });

  it('is healthy again once Grove ends the update (updateEndedAt), and an OnDelete update never reads as running', () => {
    const done = stackObjects(agg);
    done.pcs.status = { availableReplicas: 2, updatedReplicas: 2, updateProgress: { updateStartedAt: STARTED, updateEndedAt: '2026-01-01T00:20:00Z' } };
    expect(workloadHealth(tree(done))).toMatchObject({ state: 'healthy', notes: [] });
    expect(rollingUpdateOf(tree(done))).toBeUndefined();
    const onDelete = stackObjects({ ...agg, spec: { ...agg.spec, updateStrategy: { type: 'OnDelete' } } });
    onDelete.pcs.status = { availableReplicas: 2, updatedReplicas: 0, updateProgress: { updateStartedAt: STARTED } };
    expect(rollingUpdateOf(tree(onDelete))).toBeUndefined();
    expect(workloadHealth(tree(onDelete)).state).toBe('healthy');
  });

  it('does not hide a failing pod: mid-update a crash is still a problem', () => {
    const o = aggMidUpdate();
    const pod = o.pods.find((p) => p.metadata!.name!.startsWith('mixtral-agg-1-worker-0-')) as KubeObject & { status: Record<string, unknown> };
    pod.status.containerStatuses = [{ name: 'worker', state: { waiting: { reason: 'CrashLoopBackOff' } } }];
    const h = workloadHealth(tree(o));
    expect(h.state).toBe('degraded');
    expect(h.problems[0]).toMatch(/^1 pod not starting: mixtral-agg-1-worker-0-x\d+ \(worker: CrashLoopBackOff\)$/);
    expect(h.problems).toContain('Updating: 1 of 2 replicas updated; replica 1 being updated (replacing pod mixtral-agg-1-worker-old0); 3 of 4 pods ready');
  });
});
