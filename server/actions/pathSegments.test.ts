/**
 * A name or namespace that is not one URL path segment ("." / ".." / "/" / "%") is refused with a 400
 * before any request leaves for the apiserver: over a live source whose apiserver is a recording HTTP
 * server, the delete, scale and apply routes answer 400 with the reason and the server sees nothing.
 * (Before the fix, DELETE of PodCliqueSet "." went out as DELETE …/namespaces/default/podcliquesets/,
 * which the apiserver serves as deletecollection.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POST as apply } from '../../app/api/apply/route';
import { POST as deleteRoute } from '../../app/api/delete/route';
import { POST as scale } from '../../app/api/scale/route';
import { setClusterSource } from '../sources';
import { LiveSource } from '../sources/live';
import { startFakeApiserver, type FakeApiserver } from './fakeApiserver';

const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1', 'content-type': 'application/json' };
const post = (path: string, body: unknown) =>
  new Request(`http://127.0.0.1:3000${path}`, { method: 'POST', headers: HEADERS, body: typeof body === 'string' ? body : JSON.stringify(body) });

let seen: string[] = [];
let apiserver: FakeApiserver;
beforeAll(async () => {
  apiserver = await startFakeApiserver((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await setClusterSource(new LiveSource(apiserver.connection({ namespace: 'default' })));
});
beforeEach(() => {
  seen = [];
});
afterAll(async () => {
  await setClusterSource(undefined);
  await apiserver.close();
});

async function errorOf(response: Response): Promise<{ status: number; message: string }> {
  return { status: response.status, message: ((await response.json()) as { error: { message: string } }).error.message };
}

describe('names that are not one path segment never reach the apiserver', () => {
  it('the harness does reach it for a good name', async () => {
    const response = await deleteRoute(post('/api/delete', { kind: 'PodCliqueSet', namespace: 'default', name: 'ok', dryRun: true }));
    expect(response.status).toBe(200);
    expect(seen).toEqual(['DELETE /apis/grove.io/v1alpha1/namespaces/default/podcliquesets/ok']);
  });

  it.each(['.', '..', 'a/b', '%2e'])('delete of PodCliqueSet %j is a 400', async (name) => {
    expect(await errorOf(await deleteRoute(post('/api/delete', { kind: 'PodCliqueSet', namespace: 'default', name })))).toEqual({ status: 400, message: expect.stringMatching(/^name .* may not/) });
    expect(await errorOf(await deleteRoute(post('/api/delete', { kind: 'PodCliqueSet', namespace: name, name: 'x' })))).toEqual({ status: 400, message: expect.stringMatching(/^namespace .* may not/) });
    expect(seen).toEqual([]);
  });

  it('scale of "." or in namespace ".." is a 400', async () => {
    expect((await errorOf(await scale(post('/api/scale', { kind: 'PodCliqueSet', namespace: 'default', name: '.', replicas: 2 })))).status).toBe(400);
    expect((await errorOf(await scale(post('/api/scale', { kind: 'PodClique', namespace: '..', name: 'x', replicas: 2 })))).status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('apply of a Namespace named ".." or a PodCliqueSet in namespace "." is a 400', async () => {
    const namespace = await apply(post('/api/apply?dryRun=true', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ".."\n'));
    expect(await errorOf(namespace)).toEqual({ status: 400, message: expect.stringMatching(/name "\.\." may not be "\.\."/) });
    const pcs = await apply(post('/api/apply?dryRun=true', 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: x\n  namespace: "."\nspec: {}\n'));
    expect(await errorOf(pcs)).toEqual({ status: 400, message: expect.stringMatching(/namespace "\." may not be "\."/) });
    expect(seen).toEqual([]);
  });
});
