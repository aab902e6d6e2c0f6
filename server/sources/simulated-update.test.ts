/**
 * The simulated operator against Grove's own behaviour at the pinned release (v0.1.0-alpha.11):
 * a template change rolls out as RollingRecreate (PodCliqueSet replicas one at a time; a standalone
 * PodClique's ready pods one at a time; a scaling group's replicas recreated), with the statuses Grove
 * writes meanwhile (updateProgress, updatedReplicas, MinAvailableBreached Unknown/UpdateInProgress);
 * OnDelete patches in place; TopologyLevelsUnavailable and a scaling group's MinAvailableBreached are
 * computed as Grove's reconcilestatus.go computes them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY, topologyBindingFromSpec } from '../../lib/topology/spec';
import { createSimulatedSource, type SimulatedSource } from './simulated';
import { SimulatedCluster } from './simulated-cluster';
import { updateStatuses } from './simulated-operator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const FIXTURE = 'e2e/cluster/fixtures/disaggregated-podcliqueset.yaml';
const fixture = (replicas = 1): Obj => {
  const pcs = parse(readFileSync(FIXTURE, 'utf8'));
  pcs.spec.replicas = replicas;
  return pcs;
};
const withImage = (pcs: Obj, image: string): Obj => {
  for (const c of pcs.spec.template.cliques) c.spec.podSpec.containers[0].image = image;
  return pcs;
};
const testCluster = () => createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 11 });
const all = (s: SimulatedSource, kind: WatchedKind): Obj[] => s.store.all(kind) as Obj[];
const get = (s: SimulatedSource, kind: WatchedKind, name: string): Obj => s.store.get(kind, `default/${name}`);
const podsOf = (s: SimulatedSource, clique: string): Obj[] => all(s, 'Pod').filter((p) => p.metadata.labels['grove.io/podclique'] === clique);
const ready = (p: Obj) => p.status.conditions.some((c: Obj) => c.type === 'Ready' && c.status === 'True');
const image = (p: Obj) => p.spec.containers[0].image;
const condition = (o: Obj, type: string) => o.status?.conditions?.find((c: Obj) => c.type === type);

describe('a template change rolls out as Grove’s RollingRecreate', () => {
  it('patches the PodCliques, replaces old-template pods replica by replica, and reports progress as Grove does', async () => {
    const s = testCluster();
    await s.apply(fixture(2), { dryRun: false });
    s.settle();
    const before = get(s, 'PodCliqueSet', 'disagg');
    expect(before.status).toMatchObject({ availableReplicas: 2, updatedReplicas: 2 });
    expect(before.status.updateProgress).toBeUndefined();
    const oldHash = before.status.currentGenerationHash;
    expect(oldHash).toEqual(expect.any(String));
    // Pods carry their PodClique's template hash (Grove's grove.io/pod-template-hash).
    for (const p of all(s, 'Pod')) expect(p.metadata.labels['grove.io/pod-template-hash']).toBe(get(s, 'PodClique', p.metadata.labels['grove.io/podclique']).metadata.labels['grove.io/pod-template-hash']);
    const routerHashBefore = get(s, 'PodClique', 'disagg-1-router').metadata.labels['grove.io/pod-template-hash'];

    await s.apply(withImage(fixture(2), 'example.com/new:2'), { dryRun: false });
    let pcs = get(s, 'PodCliqueSet', 'disagg');
    expect(pcs.status.currentGenerationHash).not.toBe(oldHash);
    expect(pcs.status.updateProgress).toMatchObject({ updateStartedAt: expect.any(String), currentlyUpdating: [{ replicaIndex: 0 }] });
    expect(pcs.status.updateProgress.updateEndedAt).toBeUndefined();
    expect(pcs.status.updatedReplicas).toBe(0);
    // Every standalone PodClique's spec and hash follow the template at once (CreateOrPatch), replicas kept.
    const router1 = get(s, 'PodClique', 'disagg-1-router');
    expect(router1.spec.podSpec.containers[0].image).toBe('example.com/new:2');
    expect(router1.metadata.labels['grove.io/pod-template-hash']).not.toBe(routerHashBefore);
    expect(router1.metadata.generation).toBe(2);
    // Replica 0's standalone PodCliques are updating: MinAvailableBreached Unknown/UpdateInProgress.
    s.step();
    for (const name of ['disagg-0-router', 'disagg-0-decode']) {
      expect(condition(get(s, 'PodClique', name), 'MinAvailableBreached'), name).toMatchObject({ status: 'Unknown', reason: 'UpdateInProgress' });
      expect(get(s, 'PodClique', name).status.updateProgress).toMatchObject({ podCliqueSetGenerationHash: pcs.status.currentGenerationHash });
    }
    expect(condition(get(s, 'PodClique', 'disagg-1-decode'), 'MinAvailableBreached')).toMatchObject({ status: 'False' });
    expect(condition(get(s, 'PodCliqueScalingGroup', 'disagg-0-prefill'), 'MinAvailableBreached')).toMatchObject({ status: 'Unknown', reason: 'UpdateInProgress' });

    // Step to the end, watching the order and the pace.
    const updating: number[] = [];
    const selectedDecodePods = new Set<string>();
    let steps = 0;
    for (; steps < 300; steps++) {
      pcs = get(s, 'PodCliqueSet', 'disagg');
      const current = pcs.status.updateProgress?.currentlyUpdating?.[0]?.replicaIndex;
      if (current !== undefined && updating.at(-1) !== current) updating.push(current);
      if (pcs.status.updateProgress?.updateEndedAt) break;
      // The replica not being updated keeps its old pods; the updating decode keeps a ready pod (one at a time).
      const other = current === 0 ? 1 : 0;
      for (const p of all(s, 'Pod').filter((p) => p.metadata.labels['grove.io/podcliqueset-replica-index'] === String(other))) {
        if (updating.length === 1) expect(image(p), `step ${steps}: replica ${other} untouched while ${current} updates`).not.toBe('example.com/new:2');
      }
      if (current !== undefined) expect(podsOf(s, `disagg-${current}-decode`).filter(ready).length, `step ${steps}`).toBeGreaterThanOrEqual(1);
      const sel = get(s, 'PodClique', 'disagg-0-decode').status.updateProgress?.readyPodsSelectedToUpdate?.current;
      if (sel) selectedDecodePods.add(sel);
      s.step();
    }
    expect(steps).toBeLessThan(300);
    expect(updating).toEqual([0, 1]);
    expect(selectedDecodePods.size).toBe(2); // both ready decode pods were picked, one after the other

    s.settle();
    pcs = get(s, 'PodCliqueSet', 'disagg');
    expect(pcs.status).toMatchObject({ availableReplicas: 2, updatedReplicas: 2 });
    expect(pcs.status.updateProgress).toMatchObject({
      updateEndedAt: expect.any(String),
      updatedPodCliquesCount: 4,
      totalPodCliquesCount: 4,
      updatedPodCliqueScalingGroupsCount: 2,
      totalPodCliqueScalingGroupsCount: 2,
    });
    expect(pcs.status.updateProgress.currentlyUpdating).toBeUndefined();
    expect(new Set(all(s, 'Pod').map(image))).toEqual(new Set(['example.com/new:2']));
    expect(all(s, 'Pod').filter(ready)).toHaveLength(14);
    for (const c of all(s, 'PodClique')) {
      expect(c.status.currentPodTemplateHash, c.metadata.name).toBe(c.metadata.labels['grove.io/pod-template-hash']);
      expect(c.status.currentPodCliqueSetGenerationHash, c.metadata.name).toBe(pcs.status.currentGenerationHash);
      expect(condition(c, 'MinAvailableBreached'), c.metadata.name).toMatchObject({ status: 'False' });
    }
    for (const g of all(s, 'PodCliqueScalingGroup')) {
      expect(g.status).toMatchObject({ currentPodCliqueSetGenerationHash: pcs.status.currentGenerationHash, updatedReplicas: 1, updateProgress: { updateEndedAt: expect.any(String) } });
      expect(condition(g, 'MinAvailableBreached')).toMatchObject({ status: 'False', reason: 'SufficientAvailablePodCliqueScalingGroupReplicas' });
    }
    // The gang references the new pods only.
    const referenced = all(s, 'PodGang').flatMap((g) => g.spec.podgroups.flatMap((pg: Obj) => pg.podReferences.map((r: Obj) => r.name))).sort();
    expect(referenced).toEqual(all(s, 'Pod').map((p) => p.metadata.name).sort());
    await s.close();
  });

  it('ends the update when the replica being updated is scaled away', async () => {
    const s = testCluster();
    await s.apply(fixture(2), { dryRun: false });
    s.settle();
    await s.apply(withImage(fixture(2), 'example.com/new:2'), { dryRun: false });
    for (let i = 0; i < 200 && get(s, 'PodCliqueSet', 'disagg').status.updateProgress.currentlyUpdating?.[0]?.replicaIndex !== 1; i++) s.step();
    expect(get(s, 'PodCliqueSet', 'disagg').status.updateProgress.currentlyUpdating).toEqual([expect.objectContaining({ replicaIndex: 1 })]);
    await s.scale('PodCliqueSet', 'default', 'disagg', 1, { dryRun: false });
    s.settle();
    const pcs = get(s, 'PodCliqueSet', 'disagg');
    expect(pcs.status).toMatchObject({ replicas: 1, availableReplicas: 1, updatedReplicas: 1, updateProgress: { updateEndedAt: expect.any(String) } });
    expect(new Set(all(s, 'Pod').map(image))).toEqual(new Set(['example.com/new:2']));
    await s.close();
  });

  it('starts no update when the pod templates are unchanged (a PodCliqueSet label change)', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    const pods = all(s, 'Pod').map((p) => p.metadata.uid).sort();
    const hash = get(s, 'PodCliqueSet', 'disagg').status.currentGenerationHash;
    const changed = fixture();
    changed.metadata.labels = { team: 'inference' };
    await s.apply(changed, { dryRun: false });
    s.settle();
    const pcs = get(s, 'PodCliqueSet', 'disagg');
    expect(pcs.metadata.generation).toBe(2);
    expect(pcs.status.currentGenerationHash).toBe(hash);
    expect(pcs.status.updateProgress).toBeUndefined();
    expect(all(s, 'Pod').map((p) => p.metadata.uid).sort()).toEqual(pods);
    await s.close();
  });

  it('OnDelete: the PodCliques take the new template, no pod is replaced, the update ends at once', async () => {
    const s = testCluster();
    const pcs = fixture();
    pcs.spec.updateStrategy = { type: 'OnDelete' };
    await s.apply(pcs, { dryRun: false });
    s.settle();
    const pods = all(s, 'Pod').map((p) => p.metadata.uid).sort();
    await s.apply(withImage(structuredClone(pcs), 'example.com/new:2'), { dryRun: false });
    s.settle();
    const after = get(s, 'PodCliqueSet', 'disagg');
    expect(after.status.updateProgress).toMatchObject({ updateEndedAt: expect.any(String) });
    expect(after.status.updatedReplicas).toBe(0);
    expect(all(s, 'Pod').map((p) => p.metadata.uid).sort()).toEqual(pods);
    expect(get(s, 'PodClique', 'disagg-0-router').spec.podSpec.containers[0].image).toBe('example.com/new:2');
    expect(get(s, 'PodClique', 'disagg-0-router').status.updatedReplicas).toBe(0);
    await s.close();
  });
});

describe('TopologyLevelsUnavailable, as Grove computes it with topology-aware scheduling on', () => {
  it('is True (ClusterTopologyLevelsUnavailable) when a domain the PodCliqueSet uses leaves the binding, False again when it is back', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    s.settle();
    expect(condition(get(s, 'PodCliqueSet', 'disagg'), 'TopologyLevelsUnavailable')).toMatchObject({ status: 'False', reason: 'AllClusterTopologyLevelsAvailable' });
    const binding: Obj = topologyBindingFromSpec(DEFAULT_TEST_TOPOLOGY);
    const noRack = structuredClone(binding);
    noRack.spec.levels = noRack.spec.levels.filter((l: Obj) => l.domain !== 'rack');
    await s.apply(noRack, { dryRun: false });
    s.settle();
    expect(condition(get(s, 'PodCliqueSet', 'disagg'), 'TopologyLevelsUnavailable')).toMatchObject({
      status: 'True',
      reason: 'ClusterTopologyLevelsUnavailable',
      message: 'Unavailable topology domains: [rack]',
      observedGeneration: 1,
    });
    await s.apply(binding, { dryRun: false });
    s.settle();
    expect(condition(get(s, 'PodCliqueSet', 'disagg'), 'TopologyLevelsUnavailable')).toMatchObject({ status: 'False', reason: 'AllClusterTopologyLevelsAvailable' });
    await s.close();
  });

  it('is False (No topology constraints defined) on a PodCliqueSet without constraints', async () => {
    const s = testCluster();
    const pcs = fixture();
    delete pcs.spec.template.topologyConstraint;
    delete pcs.spec.template.podCliqueScalingGroups[0].topologyConstraint;
    await s.apply(pcs, { dryRun: false });
    s.settle();
    expect(get(s, 'PodCliqueSet', 'disagg').status.conditions).toEqual([
      expect.objectContaining({ type: 'TopologyLevelsUnavailable', status: 'False', reason: 'AllClusterTopologyLevelsAvailable', message: 'No topology constraints defined' }),
    ]);
    await s.close();
  });
});

describe('a scaling group’s MinAvailableBreached counts replicas with a breached PodClique (Grove’s computeMinAvailableBreachedCondition)', () => {
  it('is not breached while no replica is scheduled, nor while its scheduled pods start; False/Sufficient once running', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    const group = () => get(s, 'PodCliqueScalingGroup', 'disagg-0-prefill');
    // Nothing scheduled yet: Grove suppresses the breach (gang termination would only recreate Pending pods).
    expect(condition(group(), 'MinAvailableBreached')).toMatchObject({ status: 'False', reason: 'InsufficientScheduledPodCliqueScalingGroupReplicas' });
    // Scheduled, not ready yet: not available, yet no member PodClique is breached, so the group is not either.
    let seenStarting = false;
    for (let i = 0; i < 50 && !seenStarting; i++) {
      s.step();
      const g = group();
      if (g.status.scheduledReplicas === 1 && g.status.availableReplicas === 0) {
        seenStarting = true;
        expect(condition(g, 'MinAvailableBreached')).toMatchObject({ status: 'False', reason: 'SufficientAvailablePodCliqueScalingGroupReplicas' });
      }
    }
    expect(seenStarting).toBe(true);
    s.settle();
    expect(condition(group(), 'MinAvailableBreached')).toMatchObject({ status: 'False', reason: 'SufficientAvailablePodCliqueScalingGroupReplicas' });
    await s.close();
  });
});

describe('a PodClique’s MinAvailableBreached counts scheduled pods only (Grove’s podclique computeMinAvailableBreachedCondition)', () => {
  /** Takes a pod off its node, as a lost node leaves it: Pending, no longer scheduled. */
  const unbind = (s: SimulatedSource, pod: Obj) => {
    delete pod.spec.nodeName;
    pod.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/32 nodes are available' }] };
    s.store.put('Pod', pod);
  };
  const recompute = (s: SimulatedSource) => updateStatuses(new SimulatedCluster(s.store, () => 0.5, () => new Date(), 1000));

  it('False/InsufficientScheduledPods with none scheduled (at start and once all are lost), True/ScheduledReplicasBelowMinAvailable with some, Grove’s words', async () => {
    const s = testCluster();
    await s.apply(fixture(), { dryRun: false });
    // At start: every pod gated, none scheduled. Grove does not call that a breach (gang termination would only recreate Pending pods).
    expect(condition(get(s, 'PodClique', 'disagg-0-decode'), 'MinAvailableBreached')).toMatchObject({
      status: 'False',
      reason: 'InsufficientScheduledPods',
      message: 'Scheduled replicas 0 (MinAvailable 2); gang termination suppressed to avoid recreating Pending pods against the same cluster state',
    });
    expect(condition(get(s, 'PodClique', 'disagg-0-decode'), 'PodCliqueScheduled')).toMatchObject({ status: 'False', reason: 'InsufficientScheduledPods', message: 'Insufficient scheduled pods. expected at least: 2, found: 0' });
    s.settle();
    expect(condition(get(s, 'PodClique', 'disagg-0-decode'), 'MinAvailableBreached')).toMatchObject({ status: 'False', reason: 'SufficientReadyPods', message: 'Either sufficient ready or starting pods found. expected at least: 2, found: 2' });
    expect(condition(get(s, 'PodClique', 'disagg-0-decode'), 'PodCliqueScheduled')).toMatchObject({ status: 'True', reason: 'SufficientScheduledPods', message: 'Sufficient scheduled pods found. expected at least: 2, found: 2' });

    // One of the two pods lost: 0 < scheduled < minAvailable is a breach.
    const [first, second] = podsOf(s, 'disagg-0-decode');
    unbind(s, first);
    recompute(s);
    expect(condition(get(s, 'PodClique', 'disagg-0-decode'), 'MinAvailableBreached')).toMatchObject({ status: 'True', reason: 'ScheduledReplicasBelowMinAvailable', message: 'Scheduled replicas (1) below MinAvailable (2)' });
    // Both lost: not breached again, as at start.
    unbind(s, second);
    recompute(s);
    expect(condition(get(s, 'PodClique', 'disagg-0-decode'), 'MinAvailableBreached')).toMatchObject({ status: 'False', reason: 'InsufficientScheduledPods' });
    await s.close();
  });
});
