/**
 * POST /api/preview over the simulated source (the live source is covered in e2e/cluster/live-routes):
 * a PodCliqueSet and a scale preview answer a Plan computed on the source's cluster; bad bodies get a 4xx.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as preview } from '../../app/api/preview/route';
import { MAX_PODS, MAX_REPLICAS } from '../../lib/cluster/limits';
import { parseManifests } from '../../lib/grove/manifest';
import type { KubeObject } from '../../lib/grove/meta';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { setClusterSource } from '../sources';
import { createSimulatedSource, type SimulatedSource } from '../sources/simulated';
import { readPreviewRequest } from './preview';

const FIXTURE = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'e2e', 'cluster', 'fixtures', 'disaggregated-podcliqueset.yaml'), 'utf8').replace(
  /^metadata:\n  name: disagg\n/m,
  'metadata:\n  name: disagg\n  namespace: default\n',
);
const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1', 'content-type': 'application/json' };
const post = (body: unknown, headers: Record<string, string> = HEADERS) =>
  preview(new Request('http://127.0.0.1:3000/api/preview', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }));

let source: SimulatedSource;
beforeAll(async () => {
  source = createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 3 });
  await setClusterSource(source);
});
afterAll(() => setClusterSource(undefined));

describe('POST /api/preview', () => {
  it('answers where a PodCliqueSet would land, without creating it', async () => {
    const response = await post({ manifest: FIXTURE });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { plan: { feasible: boolean; gangs: { name: string; pods: { gpus: number }[] }[] } };
    expect(body.plan.feasible).toBe(true);
    expect(body.plan.gangs.map((g) => g.name)).toEqual(['disagg-0']);
    expect(body.plan.gangs[0]!.pods.reduce((n, p) => n + p.gpus, 0)).toBe(6 * 8);
    expect(source.store.all('PodCliqueSet')).toHaveLength(0);
  });

  it('refuses what Grove\'s webhook refuses, judged as the topology page judges it: a binding the cluster lacks, a domain its binding lacks', async () => {
    const refusal = async (manifest: string) => {
      const response = await post({ manifest });
      return { status: response.status, message: ((await response.json()) as { error: { message: string } }).error.message };
    };
    expect(await refusal(FIXTURE.replace('topologyName: canopy-test', 'topologyName: nope'))).toMatchObject({ status: 422, message: expect.stringMatching(/ClusterTopologyBinding "nope" not found/) });
    expect(await refusal(FIXTURE.replace('preferred: zone', 'preferred: galaxy'))).toMatchObject({ status: 422, message: expect.stringMatching(/'galaxy' does not exist in cluster topology "canopy-test"/) });
  });

  it('answers what a scale adds, once the stack runs', async () => {
    await source.apply(parseManifests(FIXTURE).documents[0]!.object as KubeObject, { dryRun: false });
    source.settle();
    const response = await post({ scale: { kind: 'PodCliqueSet', namespace: 'default', name: 'disagg', replicas: 2 } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { from: number; to: number; plan: { feasible: boolean; gangs: { name: string }[] } };
    expect(body).toMatchObject({ from: 1, to: 2, plan: { feasible: true } });
    expect(body.plan.gangs.map((g) => g.name)).toEqual(['disagg-1']);
    const refused = (await (await post({ scale: { kind: 'PodClique', namespace: 'default', name: 'disagg-0-prefill-0-pworker', replicas: 9 } })).json()) as { refused?: string };
    expect(refused.refused).toMatch(/scaling group/);
  });

  it('judges a stack of a running one\'s namespace/name as an update of it: an immutable field changed is refused', async () => {
    // The stack runs since the test above; its topology constraint cannot change (API-NOTES §5.4).
    const response = await post({ manifest: FIXTURE.replace('preferred: zone', 'preferred: rack') });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/immutable|cannot be changed|may not change/i);
  });

  it('refuses bad bodies with a 4xx and a message, and other origins', async () => {
    const noPcs = await post({ manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' });
    expect(noPcs.status).toBe(422);
    expect(((await noPcs.json()) as { error: { message: string } }).error.message).toMatch(/exactly one PodCliqueSet/);
    const broken = await post({ manifest: 'kind: PodCliqueSet\n  bad: [' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(/line \d+, column \d+/);
    expect((await post({ scale: { kind: 'Pod', namespace: 'a', name: 'b', replicas: 1 } })).status).toBe(422);
    expect((await post({})).status).toBe(422);
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ manifest: FIXTURE }, { ...HEADERS, origin: 'https://evil.example' })).status).toBe(403);
  });

  it('refuses a scale beyond MAX_REPLICAS when it reads the request, and one beyond the pod budget without expanding it', async () => {
    const target = { kind: 'PodCliqueSet', namespace: 'default', name: 'disagg' };
    expect(() => readPreviewRequest({ scale: { ...target, replicas: 1_000_000 } })).toThrow('scale.replicas must be a whole number from 0 to 10,000');
    const tooMany = await post({ scale: { ...target, replicas: MAX_REPLICAS + 1 } });
    expect(tooMany.status).toBe(422);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toBe('scale.replicas must be a whole number from 0 to 10,000');
    // The stack runs 1 replica of 7 pods (test above): 2,000 replicas would be 14,000 pods.
    const overBudget = await post({ scale: { ...target, replicas: 2_000 } });
    expect(overBudget.status).toBe(200); // refused as every scale preview refusal is, with nothing placed
    const body = (await overBudget.json()) as { refused?: string; gangs: unknown[] };
    expect(body.refused).toMatch(/^scaling PodCliqueSet disagg to 2,000 replicas would give PodCliqueSet disagg 14,000 pods, over the limit of 5,000 pods/);
    expect(body.gangs).toEqual([]);
  });

  it('refuses a manifest whose pods are beyond the budget, saying how many and the limit', async () => {
    const response = await post({ manifest: FIXTURE.replace(/^  replicas: 1$/m, '  replicas: 1000000') });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { message: string; causes: { field: string }[] } };
    expect(error.message).toBe(`PodCliqueSet disagg would create 7,000,000 pods (1,000,000 replicas × 7 pods each), over the limit of ${MAX_PODS.toLocaleString('en-US')} pods per PodCliqueSet that Canopy builds itself (previews and the simulated cluster)`);
    expect(error.causes).toEqual([{ field: 'spec.replicas', message: '7,000,000 pods, more than 5,000' }]);
  });

  it('refuses an invalid PodCliqueSet with its findings before expanding it: a string replicas is not built', async () => {
    const response = await post({ manifest: FIXTURE.replace(/^  replicas: 1$/m, '  replicas: "20000"') });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { reason: string; message: string; causes: { field?: string; message: string }[] } };
    expect(error.reason).toBe('Invalid');
    expect(error.message).toMatch(/^spec\.replicas: /);
    expect(error.causes).toContainEqual(expect.objectContaining({ field: 'spec.replicas' }));
    const clique = await post({ manifest: FIXTURE.replace(/^(\s+)minAvailable: 1$/m, '$1minAvailable: -1') });
    expect(clique.status).toBe(422);
    const body = (await clique.json()) as { error: { causes: { field?: string; message: string }[] } };
    expect(body.error.causes).toContainEqual(expect.objectContaining({ field: expect.stringMatching(/^spec\.template\.cliques\[\d+\]\.spec\.minAvailable$/) }));
  });
});
