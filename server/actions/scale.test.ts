/**
 * The replica bound of a scale, at each door: POST /api/scale (over the simulated source, which also
 * keeps its pod budget) and the live scale, which refuses before it asks the apiserver anything.
 * And which HPA the live scale names as the owner of the replica count (over a fake apiserver).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as scale } from '../../app/api/scale/route';
import { MAX_REPLICAS } from '../../lib/cluster/limits';
import { parseManifests } from '../../lib/grove/manifest';
import type { KubeObject } from '../../lib/grove/meta';
import { snapshotFromTopologySpec } from '../../lib/topology/snapshot';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import type { Connection } from '../kube/connection';
import { setClusterSource } from '../sources';
import { createSimulatedSource, type SimulatedSource } from '../sources/simulated';
import { startFakeApiserver, type FakeApiserver } from './fakeApiserver';
import { scaleObject } from './scale';

const FIXTURE = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'e2e', 'cluster', 'fixtures', 'disaggregated-podcliqueset.yaml'), 'utf8');
const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1', 'content-type': 'application/json' };
const post = (body: unknown) => scale(new Request('http://127.0.0.1:3000/api/scale', { method: 'POST', headers: HEADERS, body: JSON.stringify(body) }));
const errorOf = async (response: Response) => ((await response.json()) as { error: { message: string } }).error;

let source: SimulatedSource;
beforeAll(async () => {
  source = createSimulatedSource({ snapshot: snapshotFromTopologySpec(DEFAULT_TEST_TOPOLOGY), tickMs: 0, seed: 5 });
  await source.apply(parseManifests(FIXTURE).documents[0]!.object as KubeObject, { dryRun: false });
  source.settle();
  await setClusterSource(source);
});
afterAll(() => setClusterSource(undefined));

describe('POST /api/scale', () => {
  const target = { kind: 'PodCliqueSet', namespace: 'default', name: 'disagg' };

  it('refuses replicas beyond MAX_REPLICAS with a 422 before the source is asked', async () => {
    const response = await post({ ...target, replicas: 1_000_000, dryRun: true });
    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toBe('replicas must be a whole number from 0 to 10,000');
    expect((await post({ ...target, replicas: MAX_REPLICAS + 1 })).status).toBe(422);
  });

  it('refuses a simulated scale beyond the pod budget with a 422 and builds nothing', async () => {
    const pods = source.store.count('Pod');
    const response = await post({ ...target, replicas: 2_000 });
    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toMatch(/^scaling PodCliqueSet disagg to 2,000 replicas would give PodCliqueSet disagg 14,000 pods, over the limit of 5,000 pods/);
    expect(source.store.count('Pod')).toBe(pods);
    expect((source.store.get('PodCliqueSet', 'default/disagg') as { spec: { replicas: number } }).spec.replicas).toBe(1);
    // Within both bounds the scale goes through.
    const ok = await post({ ...target, replicas: 2 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ from: 1, to: 2 });
  });
});

describe('live scale', () => {
  it('refuses replicas beyond MAX_REPLICAS without a request to the apiserver', async () => {
    // No kubeconfig at all: any request would fail differently.
    const connection = {} as Connection;
    await expect(scaleObject(connection, 'PodCliqueSet', 'default', 'disagg', MAX_REPLICAS + 1, { dryRun: false })).rejects.toMatchObject({
      status: 422,
      message: 'replicas must be a whole number from 0 to 10,000',
    });
  });
});

describe('live scale: the HPA that owns the replica count', () => {
  type Hpa = { metadata: { name: string }; spec: { scaleTargetRef: { apiVersion?: string; kind: string; name: string } } };
  const hpa = (name: string, apiVersion: string | undefined, kind: string, target = 'disagg'): Hpa => ({
    metadata: { name },
    spec: { scaleTargetRef: { ...(apiVersion === undefined ? {} : { apiVersion }), kind, name: target } },
  });
  /** Same kind and name as the target, in another API group: not Grove's PodCliqueSet. */
  const DECOY = hpa('foreign-autoscaler', 'example.com/v1', 'PodCliqueSet');
  const HPAS = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';

  let hpas: Hpa[] = [];
  let mayList = true;
  let apiserver: FakeApiserver;
  let connection: Connection;
  beforeAll(async () => {
    apiserver = await startFakeApiserver((req, res) => {
      const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const url = req.url?.split('?')[0] ?? '';
      if (req.method === 'GET' && url === HPAS) {
        if (mayList) return reply(200, { items: hpas });
        return reply(403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'cannot list horizontalpodautoscalers' });
      }
      if (req.method === 'GET' && url.startsWith(`${HPAS}/`)) {
        const found = hpas.find((h) => h.metadata.name === url.slice(HPAS.length + 1));
        return found ? reply(200, found) : reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
      }
      if (req.method === 'GET' && url === '/apis/grove.io/v1alpha1/namespaces/default/podcliquesets/disagg') return reply(200, { metadata: { name: 'disagg' }, spec: { replicas: 1 } });
      if (req.method === 'PATCH' && url === '/apis/grove.io/v1alpha1/namespaces/default/podcliquesets/disagg/scale') return reply(200, { spec: { replicas: 2 } });
      reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: `unexpected ${req.method} ${url}` });
    });
    connection = apiserver.connection({ namespace: 'default' });
  });
  afterAll(() => apiserver.close());
  const scaleDisagg = () => scaleObject(connection, 'PodCliqueSet', 'default', 'disagg', 2, { dryRun: true });

  it('passes over an HPA of a same-named PodCliqueSet kind in another API group, and names the one in grove.io', async () => {
    mayList = true;
    hpas = [DECOY];
    const alone = await scaleDisagg();
    expect(alone).toMatchObject({ from: 1, to: 2 });
    expect(alone.hpa).toBeUndefined();
    expect(alone.warnings).toBeUndefined();
    hpas = [DECOY, hpa('stack-autoscaler', 'grove.io/v1alpha1', 'PodCliqueSet')];
    const owned = await scaleDisagg();
    expect(owned.hpa).toBe('stack-autoscaler');
    expect(owned.warnings).toEqual(['HorizontalPodAutoscaler stack-autoscaler owns the replica count of PodCliqueSet disagg: it will override a manual scale']);
  });

  it('an HPA without an apiVersion in its target counts; one of another kind does not', async () => {
    mayList = true;
    hpas = [hpa('deployment-autoscaler', 'apps/v1', 'Deployment'), hpa('bare', undefined, 'PodCliqueSet')];
    expect((await scaleDisagg()).hpa).toBe('bare');
  });

  it('without permission to list, reads the same-named HPA and still checks its group', async () => {
    mayList = false;
    hpas = [{ ...DECOY, metadata: { name: 'disagg' } }];
    expect((await scaleDisagg()).hpa).toBeUndefined();
    hpas = [hpa('disagg', 'grove.io/v1alpha1', 'PodCliqueSet')];
    expect((await scaleDisagg()).hpa).toBe('disagg');
  });
});
