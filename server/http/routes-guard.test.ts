/**
 * Every route handler goes through the guard before anything else: a request addressed to a rebound
 * DNS name (Origin = Host = rebind.evil:3000) gets a 403 naming CANOPY_ALLOWED_HOSTS, for reads
 * (stream, snapshot, context, capabilities) as for changes, and the cluster source is never asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as apply } from '../../app/api/apply/route';
import { GET as capabilities } from '../../app/api/capabilities/route';
import { GET as contextGet, POST as contextPost } from '../../app/api/context/route';
import { POST as deleteRoute } from '../../app/api/delete/route';
import { POST as preview } from '../../app/api/preview/route';
import { POST as scale } from '../../app/api/scale/route';
import { GET as snapshot } from '../../app/api/snapshot/route';
import { GET as stream } from '../../app/api/stream/route';
import { POST as validate } from '../../app/api/validate/route';
import { setClusterSource } from '../sources';
import { createSimulatedSource } from '../sources/simulated';
import type { ClusterSource } from '../sources/types';

const REBOUND = { host: 'rebind.evil:3000', origin: 'http://rebind.evil:3000', 'x-canopy-request': '1', 'content-type': 'application/json' };
const get = (path: string, headers: Record<string, string> = REBOUND) => new Request(`http://rebind.evil:3000${path}`, { headers });
const post = (path: string, body: unknown) => new Request(`http://rebind.evil:3000${path}`, { method: 'POST', headers: REBOUND, body: JSON.stringify(body) });

let touched: string[] = [];
beforeAll(async () => {
  const inner = createSimulatedSource({ scenario: 'empty', tickMs: 0, seed: 1 });
  // Records every use of the source: a refused request must not reach it.
  const spy = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        touched.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as ClusterSource;
  await setClusterSource(spy);
});
afterAll(() => setClusterSource(undefined));

const ROUTES: [string, () => Response | Promise<Response>][] = [
  ['GET /api/stream', () => stream(get('/api/stream', { host: 'rebind.evil:3000', 'sec-fetch-site': 'same-origin' }))],
  ['GET /api/snapshot', () => snapshot(get('/api/snapshot', { host: 'rebind.evil:3000' }))],
  ['GET /api/context', () => contextGet(get('/api/context'))],
  ['GET /api/capabilities', () => capabilities(get('/api/capabilities'))],
  ['POST /api/context', () => contextPost(post('/api/context', { context: 'other' }))],
  ['POST /api/apply', () => apply(post('/api/apply', { manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' }))],
  ['POST /api/delete', () => deleteRoute(post('/api/delete', { kind: 'PodCliqueSet', namespace: 'default', name: 'x' }))],
  ['POST /api/scale', () => scale(post('/api/scale', { kind: 'PodCliqueSet', namespace: 'default', name: 'x', replicas: 2 }))],
  ['POST /api/preview', () => preview(post('/api/preview', { scale: { kind: 'PodCliqueSet', namespace: 'default', name: 'x', replicas: 2 } }))],
  ['POST /api/validate', () => validate(post('/api/validate', 'kind: PodCliqueSet\n'))],
];

describe('routes refuse a host that is not allowed', () => {
  it.each(ROUTES)('%s answers 403 HostNotAllowed without asking the cluster', async (_name, call) => {
    touched = [];
    const response = await call();
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { reason: string; message: string } };
    expect(body.error.reason).toBe('HostNotAllowed');
    expect(body.error.message).toMatch(/CANOPY_ALLOWED_HOSTS/);
    expect(touched).toEqual([]);
  });

  it('the same reads answer on 127.0.0.1 (the check is on the host, not the route)', async () => {
    const local = { host: '127.0.0.1:3000' };
    expect((await snapshot(new Request('http://127.0.0.1:3000/api/snapshot', { headers: local }))).status).toBe(200);
    expect((await contextGet(new Request('http://127.0.0.1:3000/api/context', { headers: local }))).status).toBe(200);
  });
});
