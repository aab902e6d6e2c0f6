/**
 * `/scale` of a PodClique that belongs to a scaling group, at the two layers (API-NOTES §14): the
 * apiserver (here the simulated one's scaleAsApiserver) accepts it, as the real one does; Canopy
 * refuses it by its own policy (scale the group instead): the live action layer before it sends the
 * PATCH, the simulated source's scale() (what /api/scale calls) the same way.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import type { Connection } from '../kube/connection';
import type { KubeRequest } from '../kube/request';

const requests: KubeRequest[] = [];
const stored: Record<string, KubeObject> = {};
vi.mock('../kube/request', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../kube/request')>()),
  kubeRequest: async (_config: unknown, request: KubeRequest) => {
    requests.push(request);
    if (request.method === 'GET' && stored[request.path]) return stored[request.path];
    throw Object.assign(new Error(`unexpected ${request.method} ${request.path}`), { status: 500 });
  },
}));

const { scaleObject } = await import('../actions/scale');
const { createSimulatedSource } = await import('./simulated');

afterEach(() => {
  requests.length = 0;
});

const member = (name: string): KubeObject => ({
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodClique',
  metadata: { name, namespace: 'default', labels: { 'app.kubernetes.io/part-of': 'disagg', 'grove.io/podcliquescalinggroup': 'disagg-0-prefill' } },
  spec: { replicas: 3 },
} as KubeObject);

describe('live action layer: Canopy policy', () => {
  it('refuses a scaling-group member with 422 ScalingGroupMember after reading it, without a PATCH', async () => {
    const name = 'disagg-0-prefill-0-pworker';
    stored[`/apis/grove.io/v1alpha1/namespaces/default/podcliques/${name}`] = member(name);
    await expect(scaleObject({ kubeConfig: {} } as unknown as Connection, 'PodClique', 'default', name, 5, { dryRun: false })).rejects.toMatchObject({
      status: 422,
      reason: 'ScalingGroupMember',
      message: expect.stringContaining('belongs to scaling group disagg-0-prefill'),
    });
    expect(requests.map((r) => r.method ?? 'GET')).toEqual(['GET']);
  });
});

describe('simulated apiserver', () => {
  it('accepts the same /scale and records spec.replicas (the action layer, not the apiserver, holds the policy)', async () => {
    const s = createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 3 });
    const pcs = {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: { name: 'disagg', namespace: 'default' },
      spec: {
        replicas: 1,
        template: {
          cliques: [
            { name: 'pleader', spec: { roleName: 'leader', replicas: 1, podSpec: { containers: [{ name: 'c', image: 'i' }] } } },
            { name: 'pworker', spec: { roleName: 'worker', replicas: 3, podSpec: { containers: [{ name: 'c', image: 'i' }] } } },
          ],
          podCliqueScalingGroups: [{ name: 'prefill', cliqueNames: ['pleader', 'pworker'], replicas: 1, minAvailable: 1 }],
        },
      },
    } as KubeObject;
    await s.apply(pcs, { dryRun: false });
    await expect(s.scale('PodClique', 'default', 'disagg-0-prefill-0-pworker', 5, { dryRun: false })).rejects.toMatchObject({ status: 422, reason: 'ScalingGroupMember' });
    const result = await s.scaleAsApiserver('PodClique', 'default', 'disagg-0-prefill-0-pworker', 5, { dryRun: false });
    expect(result).toMatchObject({ from: 3, to: 5 });
    expect((s.store.get('PodClique', 'default/disagg-0-prefill-0-pworker') as { spec: { replicas: number } }).spec.replicas).toBe(5);
    expect(s.store.all('Pod').filter((p) => p.metadata?.labels?.['grove.io/podclique'] === 'disagg-0-prefill-0-pworker')).toHaveLength(5);
    expect(requests).toEqual([]);
    await s.close();
  });
});
