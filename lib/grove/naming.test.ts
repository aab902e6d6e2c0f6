/** Grove's generated names (API-NOTES §6) and selectors (§7), checked against the §2.7 example. */
import { describe, expect, test } from 'vitest';
import { podCliqueSelector, podCliqueSetSelector, scalingGroupSelector, managedLabels } from './labels';
import {
  basePodGangName,
  computeDomainName,
  headlessServiceName,
  hpaName,
  initContainerTokenSecretName,
  NAME_BUDGET,
  nameBudgetUsed,
  podCliqueName,
  podFqdn,
  podGenerateName,
  podHostname,
  roleName,
  scaledPodGangName,
  scalingGroupName,
  scalingGroupPodCliqueName,
  serviceAccountName,
  sharedResourceClaimName,
  topologyGroupConfigName,
} from './naming';

describe('names of generated objects (§2.7: PCS demo, standalone frontend, group inst = leader + worker)', () => {
  test('PodCliques and the scaling group', () => {
    expect(podCliqueName('demo', 0, 'frontend')).toBe('demo-0-frontend');
    expect(scalingGroupName('demo', 0, 'inst')).toBe('demo-0-inst');
    expect(scalingGroupPodCliqueName('demo', 0, 'inst', 1, 'worker')).toBe('demo-0-inst-1-worker');
  });

  test('PodGangs: base per PCS replica, scaled ones offset by minAvailable', () => {
    expect(basePodGangName('demo', 0)).toBe('demo-0');
    // minAvailable 1: PCSG replica 1 lives in scaled gang demo-0-inst-0.
    expect(scaledPodGangName('demo', 0, 'inst', 1, 1)).toBe('demo-0-inst-0');
    expect(scaledPodGangName('demo', 2, 'inst', 5, 2)).toBe('demo-2-inst-3');
    expect(() => scaledPodGangName('demo', 0, 'inst', 0, 1)).toThrow(RangeError);
    expect(topologyGroupConfigName('demo', 0, 'inst', 0)).toBe('demo-0-inst-0');
  });

  test('pods, services and per-PCS objects', () => {
    expect(podGenerateName('demo-0-frontend')).toBe('demo-0-frontend-');
    expect(podHostname('demo-0-inst-0-worker', 2)).toBe('demo-0-inst-0-worker-2');
    expect(headlessServiceName('demo', 1)).toBe('demo-1');
    expect(podFqdn('demo-0-frontend', 0, 'demo', 0, 'default')).toBe('demo-0-frontend-0.demo-0.default.svc.cluster.local');
    expect(serviceAccountName('demo')).toBe('demo');
    expect(roleName('demo')).toBe('grove.io:pcs:demo');
    expect(initContainerTokenSecretName('demo')).toBe('demo-ic-sat');
    expect(hpaName('demo-0-inst')).toBe('demo-0-inst');
    expect(computeDomainName('demo', 0, 'nvl72')).toBe('demo-0-nvl72');
  });

  test('shared ResourceClaims', () => {
    expect(sharedResourceClaimName('demo', 'gpus', 'AllReplicas')).toBe('demo-all-gpus');
    expect(sharedResourceClaimName('demo-0-inst', 'gpus', 'PerReplica', 1)).toBe('demo-0-inst-1-gpus');
    expect(() => sharedResourceClaimName('demo', 'gpus', 'PerReplica')).toThrow(TypeError);
  });
});

describe('the 45-character budget', () => {
  test('separators and indices are not counted', () => {
    expect(NAME_BUDGET).toBe(45);
    expect(nameBudgetUsed('demo', 'frontend')).toBe(12);
    expect(nameBudgetUsed('demo', 'worker', 'inst')).toBe(14);
  });

  test('a name at the budget keeps the pod hostname a DNS label (≤ 63) for single-digit indices', () => {
    const pcs = 'p'.repeat(15);
    const group = 'g'.repeat(15);
    const clique = 'c'.repeat(15);
    expect(nameBudgetUsed(pcs, clique, group)).toBe(NAME_BUDGET);
    const host = podHostname(scalingGroupPodCliqueName(pcs, 0, group, 0, clique), 0);
    expect(host.length).toBeLessThanOrEqual(63);
  });
});

describe('selectors (§7)', () => {
  test('PCS, standalone PodClique and PCSG selectors', () => {
    expect(managedLabels('demo')).toEqual({ 'app.kubernetes.io/managed-by': 'grove-operator', 'app.kubernetes.io/part-of': 'demo' });
    expect(podCliqueSetSelector('demo')).toBe('app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=demo');
    expect(podCliqueSelector('demo', 'demo-0-frontend')).toBe('app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=demo,grove.io/podclique=demo-0-frontend');
    expect(scalingGroupSelector('demo', 'demo-0-inst')).toBe('app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=demo,grove.io/podcliquescalinggroup=demo-0-inst');
  });
});
