/**
 * Placement by scheduler backend (API-NOTES §12, §13): with `bySchedulerName` (the previews, the
 * simulated cluster) a default-scheduler gang is placed as kube-scheduler would, pod by pod with the
 * topology constraints ignored; a kai-scheduler gang by the gang rule. Without the option (benchmarks,
 * `canopy place`) every gang keeps the gang rule.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state';
import { expandPodGangs } from '../grove/expand';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { clusterStateFromSnapshot, snapshotFromTopologySpec } from '../topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../topology/spec';
import { placesPodsIndependently, schedulerNameOf } from './backend';
import { placeGangs, placeIndependently } from './place';
import { previewPodCliqueSet } from './preview';
import { verifyPlan } from './verify';

const RACK = 'topology.kubernetes.io/rack';
const engine = (gpus: number) => ({ name: 'engine', image: 'registry.invalid/engine:test', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } });

/** A leader and `workers` workers of 8 GPUs each, all required in one rack (32 GPUs in the test topology). */
function wide(workers: number, schedulerName?: string): PodCliqueSet {
  const podSpec = { containers: [engine(8)], ...(schedulerName ? { schedulerName } : {}) };
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'wide', namespace: 'ns', labels: { 'kai.scheduler/queue': 'default-queue' } },
    spec: {
      replicas: 1,
      template: {
        topologyConstraint: { topologyName: 'canopy-test', pack: { required: 'rack' } },
        cliques: [
          { name: 'leader', spec: { roleName: 'leader', replicas: 1, minAvailable: 1, podSpec } },
          { name: 'worker', spec: { roleName: 'worker', replicas: workers, minAvailable: workers, podSpec } },
        ],
      },
    },
  } as PodCliqueSet;
}

const cluster = (): ClusterState => clusterStateFromSnapshot(snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY));
const racksOf = (state: ClusterState, nodes: string[]) => new Set(nodes.map((n) => state.nodes.find((x) => x.name === n)!.labels[RACK]));

describe('schedulerNameOf', () => {
  it("reads Grove's resolved scheduler from the gang's label, default-scheduler when the pods name none", () => {
    expect(schedulerNameOf(expandPodGangs(wide(1))[0]!)).toBe('default-scheduler');
    expect(schedulerNameOf(expandPodGangs(wide(1, 'kai-scheduler'))[0]!)).toBe('kai-scheduler');
    expect(placesPodsIndependently('default-scheduler')).toBe(true);
    expect(placesPodsIndependently('kai-scheduler')).toBe(false);
  });
});

describe('default-scheduler: pod by pod, topology ignored', () => {
  it('places a stack that no rack can hold (KAI refuses it), across racks, and says why', () => {
    const state = cluster();
    const kai = previewPodCliqueSet(state, wide(4, 'kai-scheduler'));
    expect(kai.plan.feasible).toBe(false);
    expect(kai.plan.gangs[0]!.reason).toMatch(/rack/);

    const kube = previewPodCliqueSet(state, wide(4));
    expect(kube.plan.feasible).toBe(true);
    const gang = kube.plan.gangs[0]!;
    expect(gang.independent).toBe(true);
    expect(gang.pods).toHaveLength(5);
    expect(racksOf(state, gang.pods.map((p) => p.node)).size).toBeGreaterThan(1);
    expect(gang.warnings).toEqual([expect.stringContaining('default-scheduler (kube-scheduler) ignores the topology constraints and does not gang-schedule')]);
    expect(verifyPlan(state, kube.gangs, kube.plan)).toEqual([]);
  });

  it('is not all-or-nothing: the pods that fit are placed, the rest are listed as unplaced with a reason', () => {
    const state = cluster();
    // 32 nodes × 8 GPUs = 256 GPUs; 1 + 39 pods of 8 GPUs = 320 GPUs: 32 pods fit, 8 do not.
    const kube = previewPodCliqueSet(state, wide(39));
    const gang = kube.plan.gangs[0]!;
    expect(kube.plan.feasible).toBe(false);
    expect(gang.placed).toBe(false);
    expect(gang.pods).toHaveLength(32);
    expect(gang.unplacedPods).toHaveLength(8);
    expect(gang.reason).toMatch(/^8 pods do not fit, wide-0-worker-\d+ first: /);
    expect(verifyPlan(state, kube.gangs, kube.plan)).toEqual([]);

    // The same stack on KAI: nothing is placed.
    const kai = previewPodCliqueSet(state, wide(39, 'kai-scheduler'));
    expect(kai.plan.gangs[0]!.pods).toEqual([]);
    expect(kai.plan.gangs[0]!.independent).toBeUndefined();
  });

  it('a one-pod gang that does not fit gives the engine’s reason as it is', () => {
    const state = cluster();
    const gang = expandPodGangs(wide(1))[0]!;
    gang.podGroups = gang.podGroups.filter((g) => g.clique === 'leader');
    gang.podGroups[0]!.pods[0]!.requests = { ...gang.podGroups[0]!.pods[0]!.requests, gpu: 16 };
    const g = placeIndependently(state, gang);
    expect(g).toMatchObject({ placed: false, independent: true, unplacedPods: ['wide-0-leader-0'], pods: [] });
    expect(g.reason).not.toMatch(/pods? do(es)? not fit, /);
    expect(g.reason).toMatch(/GPU/);
  });

  it('placeIndependently answers for one gang, whatever its label', () => {
    const state = cluster();
    const g = placeIndependently(state, expandPodGangs(wide(4, 'kai-scheduler'))[0]!);
    expect(g).toMatchObject({ placed: true, independent: true });
    expect(g.pods).toHaveLength(5);
  });

  it('without bySchedulerName (benchmarks, canopy place) a default-scheduler gang keeps the gang rule', () => {
    const state = cluster();
    const gangs = expandPodGangs(wide(4));
    const plan = placeGangs(state, gangs);
    expect(plan.feasible).toBe(false);
    expect(plan.gangs[0]!.independent).toBeUndefined();
    expect(plan.gangs[0]!.reason).toMatch(/rack/);
  });
});
