/** Grove's minAvailable defaults and replica indices of live objects, one rule for the workloads tree and the scale preview. */
import { describe, expect, test } from 'vitest';
import { LABEL_PCS_REPLICA_INDEX } from './labels';
import type { KubeObject } from './meta';
import { cliqueTemplateMinAvailable, defaultPodCliqueSet, minAvailableOf, replicaIndexOf, type PodCliqueSet } from './podcliqueset';

const pcs = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name: 'serve', namespace: 'default' },
  spec: {
    replicas: 2,
    template: {
      cliques: [
        { name: 'decode', spec: { roleName: 'decode', replicas: 4, podSpec: { containers: [] } } },
        { name: 'router', spec: { roleName: 'router', replicas: 3, minAvailable: 2, podSpec: { containers: [] } } },
        { name: 'worker', spec: { roleName: 'worker', replicas: 3, podSpec: { containers: [] } } },
      ],
      podCliqueScalingGroups: [{ name: 'prefill', cliqueNames: ['worker'], replicas: 2 }],
    },
  },
} as unknown as PodCliqueSet;

const live = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, namespace: 'default', labels }, spec }) as KubeObject;

describe('minAvailableOf: Grove’s defaults (webhook: a clique’s replicas as written; CRD: 1 for a scaling group)', () => {
  test('a PodClique without minAvailable takes its template’s replicas, not its own scaled replicas, nor 1 or 0', () => {
    expect(minAvailableOf(pcs, live('serve-1-decode', { replicas: 6 }), 'PodClique')).toBe(4);
    expect(minAvailableOf(pcs, live('serve-0-router', { replicas: 3 }), 'PodClique')).toBe(2);
  });

  test('a scaling group without minAvailable: 1', () => {
    expect(minAvailableOf(pcs, live('serve-0-prefill', { replicas: 2 }), 'PodCliqueScalingGroup')).toBe(1);
  });

  test('a scaling-group member finds its clique template through the group replica in its name', () => {
    expect(minAvailableOf(pcs, live('serve-1-prefill-1-worker', { replicas: 5 }), 'PodClique')).toBe(3);
  });

  test('the object’s own minAvailable wins (the operator copies it, and it is immutable)', () => {
    expect(minAvailableOf(pcs, live('serve-0-decode', { replicas: 4, minAvailable: 1 }), 'PodClique')).toBe(1);
    expect(minAvailableOf(pcs, live('serve-0-prefill', { replicas: 2, minAvailable: 2 }), 'PodCliqueScalingGroup')).toBe(2);
  });

  test('no template found: a PodClique’s own replicas, else 1, the least Grove accepts', () => {
    expect(minAvailableOf(pcs, live('serve-0-gone', { replicas: 5 }), 'PodClique')).toBe(5);
    expect(minAvailableOf(pcs, live('serve-0-gone', {}), 'PodClique')).toBe(1);
  });

  test('agrees with the defaulting webhook emulation for every clique template', () => {
    const defaulted = defaultPodCliqueSet(pcs).spec.template;
    for (const c of pcs.spec.template.cliques) expect(cliqueTemplateMinAvailable(c.spec)).toBe(defaulted.cliques.find((d) => d.name === c.name)!.spec.minAvailable);
    expect(defaulted.podCliqueScalingGroups![0]!.minAvailable).toBe(minAvailableOf(pcs, live('serve-0-prefill', {}), 'PodCliqueScalingGroup'));
  });
});

describe('replicaIndexOf', () => {
  test('the replica-index label wins, else the `<pcs>-<i>` the name starts with, else 0', () => {
    expect(replicaIndexOf(live('serve-0-decode', {}, { [LABEL_PCS_REPLICA_INDEX]: '3' }), 'serve')).toBe(3);
    expect(replicaIndexOf(live('serve-12-decode', {}), 'serve')).toBe(12);
    expect(replicaIndexOf(live('serve-7', {}), 'serve')).toBe(7); // a base PodGang
    expect(replicaIndexOf(live('other-2-decode', {}), 'serve')).toBe(0);
    expect(replicaIndexOf(live('serve-x-1', {}), 'serve')).toBe(0);
    expect(replicaIndexOf(live('a.b-4-c', {}), 'a.b')).toBe(4);
  });
});
