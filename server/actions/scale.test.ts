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

describe('POST /api/scale with expectedReplicas (the simulated source)', () => {
  const target = { kind: 'PodCliqueSet', namespace: 'default', name: 'disagg' };
  const replicas = () => (source.store.get('PodCliqueSet', 'default/disagg') as { spec: { replicas: number } }).spec.replicas;

  it('refuses with a 409 naming the count when it is not the expected one, and changes nothing', async () => {
    const before = replicas();
    const response = await post({ ...target, replicas: before + 1, expectedReplicas: before + 3 });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toBe(`PodCliqueSet default/disagg has ${before} replica${before === 1 ? '' : 's'} now, not ${before + 3}: it was scaled since (not by this page); nothing was changed`);
    expect(replicas()).toBe(before);
  });

  it('scales when the count is the expected one; refuses an expectedReplicas that is no count', async () => {
    const before = replicas();
    const ok = await post({ ...target, replicas: before + 1, expectedReplicas: before });
    expect(ok.status).toBe(200);
    expect(replicas()).toBe(before + 1);
    expect((await post({ ...target, replicas: 1, expectedReplicas: -1 })).status).toBe(422);
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

describe('live scale: guarded by the expected replica count', () => {
  const PCS = '/apis/grove.io/v1alpha1/namespaces/default/podcliquesets/disagg';
  /** What each GET answers, in turn (the last repeats); what each PATCH carried. */
  let reads: { replicas: number; resourceVersion: string }[] = [];
  let patches: { metadata?: { resourceVersion?: string }; spec: { replicas: number } }[] = [];
  let reading = 0;
  /** Answer a PATCH with 200 and no body (kubeRequest then gives undefined). */
  let emptyPatchBody = false;
  let apiserver: FakeApiserver;
  let connection: Connection;
  beforeAll(async () => {
    apiserver = await startFakeApiserver((req, res) => {
      const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const url = req.url?.split('?')[0] ?? '';
      const current = () => reads[Math.min(reading, reads.length - 1)]!;
      if (req.method === 'GET' && url === PCS) {
        const read = current();
        reading++;
        return reply(200, { metadata: { name: 'disagg', resourceVersion: read.resourceVersion }, spec: { replicas: read.replicas } });
      }
      if (req.method === 'PATCH' && url === `${PCS}/scale`) {
        let text = '';
        req.on('data', (chunk) => (text += chunk));
        req.on('end', () => {
          const body = JSON.parse(text) as (typeof patches)[number];
          patches.push(body);
          // As the apiserver: a Scale naming another version than the object's is refused.
          const live = reads[Math.min(reading, reads.length - 1)]!;
          if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== live.resourceVersion) {
            return reply(409, { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message: 'the object has been modified; please apply your changes to the latest version and try again' });
          }
          if (emptyPatchBody) return res.writeHead(200).end();
          reply(200, { spec: { replicas: body.spec.replicas } });
        });
        return;
      }
      if (req.method === 'GET' && url.startsWith('/apis/autoscaling/')) return reply(200, { items: [] });
      reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: `unexpected ${req.method} ${url}` });
    });
    connection = apiserver.connection({ namespace: 'default' });
  });
  afterAll(() => apiserver.close());
  const undo = (expectedReplicas?: number) => scaleObject(connection, 'PodCliqueSet', 'default', 'disagg', 2, { dryRun: false, ...(expectedReplicas === undefined ? {} : { expectedReplicas }) });
  const start = (...r: { replicas: number; resourceVersion: string }[]) => {
    reads = r;
    patches = [];
    reading = 0;
    emptyPatchBody = false;
  };

  it('refuses with a 409 when the count is not the expected one, and sends no patch', async () => {
    start({ replicas: 5, resourceVersion: '7' });
    await expect(undo(3)).rejects.toMatchObject({ status: 409, reason: 'Conflict', message: 'PodCliqueSet default/disagg has 5 replicas now, not 3: it was scaled since (not by this page); nothing was changed' });
    expect(patches).toEqual([]);
  });

  it('sends the version it read, so the apiserver refuses a write that raced it', async () => {
    start({ replicas: 3, resourceVersion: '7' });
    expect(await undo(3)).toMatchObject({ from: 3, to: 2 });
    expect(patches).toEqual([{ metadata: { resourceVersion: '7' }, spec: { replicas: 2 } }]);
  });

  it('reads again after the version moved without the replicas (a status write) and then scales', async () => {
    // The first patch meets version 8 (the read saw 7): refused, read again, replicas still 3.
    start({ replicas: 3, resourceVersion: '7' }, { replicas: 3, resourceVersion: '8' });
    expect(await undo(3)).toMatchObject({ from: 3, to: 2 });
    expect(patches.map((p) => p.metadata?.resourceVersion)).toEqual(['7', '8']);
  });

  it('refuses when the read after a refused patch shows the count moved', async () => {
    start({ replicas: 3, resourceVersion: '7' }, { replicas: 5, resourceVersion: '9' });
    await expect(undo(3)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('has 5 replicas now, not 3') });
    expect(patches).toHaveLength(1);
  });

  it('a scale answered 200 with an empty body is sent once, guarded or not', async () => {
    for (const expected of [undefined, 3]) {
      start({ replicas: 3, resourceVersion: '7' });
      emptyPatchBody = true;
      expect(await undo(expected)).toMatchObject({ from: 3, to: 2 });
      expect(patches).toHaveLength(1);
    }
  });

  it('an unguarded scale sends no version', async () => {
    start({ replicas: 3, resourceVersion: '7' });
    await undo();
    expect(patches).toEqual([{ spec: { replicas: 2 } }]);
  });
});
