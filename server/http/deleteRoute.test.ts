/**
 * POST /api/delete with the uid of the object the person confirmed: a namesake recreated since is not
 * deleted (409, the uid precondition), the one confirmed is; a uid that is not a string is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as deleteRoute } from '../../app/api/delete/route';
import type { KubeObject } from '../../lib/grove/meta';
import { setClusterSource } from '../sources';
import { createSimulatedSource, type SimulatedSource } from '../sources/simulated';

const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1', 'content-type': 'application/json' };
const post = (body: unknown) => deleteRoute(new Request('http://127.0.0.1:3000/api/delete', { method: 'POST', headers: HEADERS, body: JSON.stringify(body) }));

describe('POST /api/delete passes the confirmed object’s uid on as a precondition', () => {
  let source: SimulatedSource;
  let target: { kind: 'PodCliqueSet'; namespace: string; name: string };
  let uid: string;
  const stack = () => source.store.get('PodCliqueSet', `${target.namespace}/${target.name}`) as KubeObject | undefined;
  beforeAll(async () => {
    source = createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 5 });
    const { metadata } = source.store.all('PodCliqueSet')[0]!;
    target = { kind: 'PodCliqueSet', namespace: metadata!.namespace!, name: metadata!.name! };
    uid = metadata!.uid!;
    await setClusterSource(source);
  });
  afterAll(() => setClusterSource(undefined));

  it('refuses a uid that is not a non-empty string (400) and deletes nothing', async () => {
    for (const bad of [42, '', ['x']]) {
      const response = await post({ ...target, uid: bad });
      expect(response.status).toBe(400);
      expect(stack()).toBeDefined();
    }
  });

  it('does not delete an object of that name with another uid (a namesake recreated since): 409', async () => {
    const response = await post({ ...target, uid: 'uid-of-the-one-deleted-before' });
    expect(response.status).toBe(409);
    expect(stack()?.metadata?.uid).toBe(uid);
  });

  it('deletes the object confirmed', async () => {
    const response = await post({ ...target, uid });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ deleted: true, dryRun: false });
  });
});
