/**
 * The live apply's body and its resourceVersion precondition, over a fake apiserver that checks the
 * precondition as the real one does (a 409 with the optimistic-lock words once the object moved on).
 * The real apiserver's answer is tested in e2e/cluster/apply-partial.test.ts.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import { applyBody, applyObject } from './apply';
import { ActionFailure } from './errors';
import { startFakeApiserver, type FakeApiserver } from './fakeApiserver';

const PATH = '/apis/grove.io/v1alpha1/namespaces/team-a/podcliquesets/infer';

function stack(image: string, resourceVersion?: string | number): KubeObject {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'infer', namespace: 'team-a', ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
    spec: { replicas: 1, template: { cliques: [{ name: 'engine', spec: { roleName: 'engine', replicas: 1, minAvailable: 1, podSpec: { containers: [{ name: 'engine', image }] } } }] } },
  } as KubeObject;
}

describe('applyBody', () => {
  it('keeps the resourceVersion (the precondition) and drops the rest of what the server owns', () => {
    const read = { ...stack('a:1', '405'), status: { replicas: 1 } } as KubeObject & { status?: unknown };
    Object.assign(read.metadata!, { uid: 'u', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'canopy' }], selfLink: '/x' });
    expect(applyBody(read, 'team-a')).toEqual(stack('a:1', '405'));
    // An unquoted YAML number is the version it stands for; an empty one is none (the behaviour without one).
    expect(applyBody(stack('a:1', 405), 'team-a').metadata?.resourceVersion).toBe('405');
    expect(applyBody(stack('a:1', ''), 'team-a').metadata).not.toHaveProperty('resourceVersion');
    expect(applyBody(stack('a:1'), 'team-a').metadata).not.toHaveProperty('resourceVersion');
  });
});

describe('a live apply with a resourceVersion', () => {
  let fake: FakeApiserver;
  let stored = { ...stack('engine:hotfix', '412') } as KubeObject;
  const patches: { dryRun: boolean; resourceVersion?: string }[] = [];
  const managedFields = [
    { manager: 'canopy', operation: 'Apply', apiVersion: 'grove.io/v1alpha1', time: '2026-12-01T05:26:17Z' },
    { manager: 'grove-operator', operation: 'Update', subresource: 'status', apiVersion: 'grove.io/v1alpha1', time: '2026-12-01T05:40:00Z' },
  ];

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  beforeAll(async () => {
    fake = await startFakeApiserver((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== PATH) return reply(res, 404, { kind: 'Status', reason: 'NotFound', message: 'not found' });
      if (req.method === 'GET') return reply(res, 200, { ...stored, metadata: { ...stored.metadata, managedFields } });
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as KubeObject;
        const dryRun = url.searchParams.get('dryRun') === 'All';
        patches.push({ dryRun, ...(body.metadata?.resourceVersion ? { resourceVersion: body.metadata.resourceVersion } : {}) });
        // The storage's check, as the real apiserver's update makes it.
        if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== stored.metadata?.resourceVersion) {
          return reply(res, 409, { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message: 'Operation cannot be fulfilled on podcliquesets.grove.io "infer": the object has been modified; please apply your changes to the latest version and try again', details: { name: 'infer', group: 'grove.io', kind: 'podcliquesets' } });
        }
        const next = { ...body, metadata: { ...body.metadata, resourceVersion: dryRun ? stored.metadata?.resourceVersion : String(Number(stored.metadata?.resourceVersion) + 1) } } as KubeObject;
        if (!dryRun) stored = next;
        reply(res, 200, next);
      });
    });
  });
  afterAll(() => fake.close());

  it('sends it: a stale one is refused (dry run first, nothing applied) in plain words, who changed it last from managedFields', async () => {
    patches.length = 0;
    const error = await applyObject(fake.connection(), stack('engine:1', '405'), { dryRun: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionFailure);
    expect((error as ActionFailure).toJSON()).toEqual({
      status: 409,
      reason: 'Conflict',
      message: "PodCliqueSet team-a/infer changed on the cluster since you opened it (last changed by Canopy's apply at 2026-12-01 05:26:17 UTC)",
      causes: [{ field: 'metadata.resourceVersion', message: expect.stringMatching(/^405 is the version you opened; the cluster's is 412 \(Operation cannot be fulfilled on .*the object has been modified/) }],
      sentResourceVersion: '405',
    });
    expect(patches).toEqual([{ dryRun: true, resourceVersion: '405' }]);
    expect((stored as { spec: { template: { cliques: { spec: { podSpec: { containers: { image: string }[] } } }[] } } }).spec.template.cliques[0]!.spec.podSpec.containers[0]!.image).toBe('engine:hotfix');
  });

  it('the current one applies, the dry run and the apply both sent with it; none is sent without one (last write wins, as before)', async () => {
    patches.length = 0;
    const result = await applyObject(fake.connection(), stack('engine:2', '412'), { dryRun: false });
    expect(result.changes).toEqual([expect.objectContaining({ old: 'engine:hotfix', new: 'engine:2' })]);
    expect(patches).toEqual([
      { dryRun: true, resourceVersion: '412' },
      { dryRun: false, resourceVersion: '412' },
    ]);
    patches.length = 0;
    await applyObject(fake.connection(), stack('engine:3'), { dryRun: true });
    expect(patches).toEqual([{ dryRun: true }]);
  });
});

describe('a live apply whose metadata.name or metadata.namespace is not a string', () => {
  let fake: FakeApiserver;
  const requests: string[] = [];
  beforeAll(async () => {
    fake = await startFakeApiserver((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const found = req.method !== 'GET';
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      if (!found) return void res.end(JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404, message: 'not found' }));
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => res.end(text));
    });
  });
  afterAll(() => fake.close());

  const withMetadata = (metadata: Record<string, unknown>) => ({ ...stack('engine:1'), metadata }) as KubeObject;

  it.each([
    ['an unquoted year as the namespace', { name: 'infer', namespace: 2024 }, 'metadata.namespace', 'must be a string (got the number 2024: quote it in YAML)'],
    ['a list as the namespace', { name: 'infer', namespace: ['team-a'] }, 'metadata.namespace', 'must be a string (got a list)'],
    ['a number as the name', { name: 2024, namespace: 'team-a' }, 'metadata.name', 'must be a string (got the number 2024: quote it in YAML)'],
  ])('%s is a 422 at its field, before any request (not a write to the context namespace)', async (_what, metadata, field, message) => {
    requests.length = 0;
    const error = await applyObject(fake.connection({ namespace: 'team-a' }), withMetadata(metadata), { dryRun: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionFailure);
    expect((error as ActionFailure).toJSON()).toEqual({ status: 422, reason: 'Invalid', message: `${field}: ${message}`, causes: [{ field, message }] });
    expect(requests).toEqual([]);
  });

  it('a missing namespace is the context\'s, as before', async () => {
    requests.length = 0;
    await applyObject(fake.connection({ namespace: 'team-a' }), withMetadata({ name: 'infer' }), { dryRun: true });
    expect(requests.map((r) => r.split('?')[0])).toEqual([`GET ${PATH}`, `PATCH ${PATH}`]);
  });
});
