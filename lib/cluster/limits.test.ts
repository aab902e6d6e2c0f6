import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../grove/meta';
import { MAX_PODS, MAX_REPLICAS, isReplicaCount, podCliqueSetPodBudgetRefusal, scalePodBudgetRefusal } from './limits';

const clique = (name: string, replicas: number) => ({ name, spec: { roleName: name, replicas, podSpec: { containers: [] } } });

// 1 + 2 standalone, group prefill (1 + 3) × 1: 7 pods per replica (the disaggregated fixture's shape).
const pcs = (replicas: number): KubeObject =>
  ({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'disagg', namespace: 'default' },
    spec: { replicas, template: { cliques: [clique('router', 1), clique('decode', 2), clique('pleader', 1), clique('pworker', 3)], podCliqueScalingGroups: [{ name: 'prefill', cliqueNames: ['pleader', 'pworker'] }] } },
  }) as KubeObject;

/** The PodCliques one running replica of `pcs(1)` has (7 pods), and one of another stack beside it. */
const podCliques = [
  ...[['disagg-0-router', 1], ['disagg-0-decode', 2], ['disagg-0-prefill-0-pleader', 1], ['disagg-0-prefill-0-pworker', 3]].map(([name, replicas]) => ({
    metadata: { name: name as string, namespace: 'default', labels: { 'app.kubernetes.io/part-of': 'disagg' } },
    spec: { replicas },
  })),
  { metadata: { name: 'other-0-a', namespace: 'default', labels: { 'app.kubernetes.io/part-of': 'other' } }, spec: { replicas: 4000 } },
] as KubeObject[];

describe('replica bound', () => {
  it('accepts whole numbers from 0 to MAX_REPLICAS only', () => {
    expect([0, 1, MAX_REPLICAS].every(isReplicaCount)).toBe(true);
    expect([-1, 1.5, MAX_REPLICAS + 1, 1_000_000, Infinity, NaN, '3', null].some(isReplicaCount)).toBe(false);
  });
});

describe('pod budget of a PodCliqueSet spec', () => {
  it('says how many pods the manifest would create and the limit', () => {
    const refusal = podCliqueSetPodBudgetRefusal(pcs(1_000_000));
    expect(refusal).toMatchObject({ status: 422, reason: 'Invalid', causes: [{ field: 'spec.replicas' }] });
    expect(refusal!.message).toBe(
      'PodCliqueSet disagg would create 7,000,000 pods (1,000,000 replicas × 7 pods each), over the limit of 5,000 pods per PodCliqueSet that Canopy builds itself (previews and the simulated cluster)',
    );
  });

  it('lets through exactly MAX_PODS and refuses one replica more', () => {
    const atLimit = Math.floor(MAX_PODS / 7);
    expect(podCliqueSetPodBudgetRefusal(pcs(atLimit))).toBeUndefined();
    expect(podCliqueSetPodBudgetRefusal(pcs(atLimit + 1))?.message).toMatch(/would create 5,005 pods/);
  });
});

describe('pod budget of a scale', () => {
  const running = pcs(1);

  it('counts the pods the PodCliqueSet has now plus what the scale adds', () => {
    // 7 now + 714 × 7 = 5,005.
    expect(scalePodBudgetRefusal({ kind: 'PodCliqueSet', object: running, from: 1, to: 715, podCliqueSet: running, podCliques })?.message).toBe(
      'scaling PodCliqueSet disagg to 715 replicas would give PodCliqueSet disagg 5,005 pods, over the limit of 5,000 pods per PodCliqueSet that Canopy builds itself (previews and the simulated cluster)',
    );
    expect(scalePodBudgetRefusal({ kind: 'PodCliqueSet', object: running, from: 1, to: 714, podCliqueSet: running, podCliques })).toBeUndefined();
  });

  it('a scaling group replica adds its cliques’ pods; a PodClique replica adds one pod', () => {
    const group = { metadata: { name: 'disagg-0-prefill', namespace: 'default' }, spec: { replicas: 1, cliqueNames: ['pleader', 'pworker'] } } as KubeObject;
    // 7 + 1249 × 4 = 5,003; 7 + 1248 × 4 = 4,999.
    expect(scalePodBudgetRefusal({ kind: 'PodCliqueScalingGroup', object: group, from: 1, to: 1250, podCliqueSet: running, podCliques })?.message).toMatch(/5,003 pods/);
    expect(scalePodBudgetRefusal({ kind: 'PodCliqueScalingGroup', object: group, from: 1, to: 1249, podCliqueSet: running, podCliques })).toBeUndefined();
    const decode = podCliques[1]!;
    expect(scalePodBudgetRefusal({ kind: 'PodClique', object: decode, from: 2, to: 4996, podCliqueSet: running, podCliques })?.message).toMatch(/5,001 pods/);
    expect(scalePodBudgetRefusal({ kind: 'PodClique', object: decode, from: 2, to: 4995, podCliqueSet: running, podCliques })).toBeUndefined();
  });

  it('never refuses a scale down', () => {
    const huge = pcs(10_000);
    expect(scalePodBudgetRefusal({ kind: 'PodCliqueSet', object: huge, from: 10_000, to: 9_000, podCliqueSet: huge, podCliques })).toBeUndefined();
  });
});
