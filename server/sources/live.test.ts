/**
 * The live source's namespace fallback, over a recording HTTP apiserver: a namespaced kind refused
 * cluster-wide (403) is listed and watched in the context's namespace from then on; a cluster-scoped
 * kind keeps its 403; a kind refused in the namespace too fails with both said, still as a 403, which
 * the hub's stream states carry as httpStatus (what the header reads to say "forbidden").
 */
import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionFailure } from '../actions/errors';
import { WatchHub } from '../hub/watchHub';
import { fallsBackToNamespace, LiveSource } from './live';
import type { WatchEvent } from './types';

const forbidden = (what: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: `${what} is forbidden: User "alice" cannot list resource` });
const list = (items: unknown[]) => ({ kind: 'List', metadata: { resourceVersion: '42' }, items });
const pod = (namespace: string, name: string) => ({ metadata: { namespace, name, resourceVersion: '41' } });

/** Path (without query) → [status, body]; anything else is a 404. */
const ROUTES: Record<string, [number, unknown]> = {
  '/api/v1/pods': [403, forbidden('pods')],
  '/api/v1/namespaces/team-a/pods': [200, list([pod('team-a', 'mine')])],
  '/api/v1/nodes': [403, forbidden('nodes')],
  '/apis/grove.io/v1alpha1/podcliquesets': [200, list([pod('team-a', 'pcs'), pod('team-b', 'theirs')])],
  '/api/v1/events': [403, forbidden('events')],
  '/api/v1/namespaces/team-a/events': [403, forbidden('events "team-a"')],
};

let seen: string[] = [];
let apiserver: http.Server;
let source: LiveSource;

function newSource(): LiveSource {
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(apiserver.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u', namespace: 'team-a' }],
    currentContext: 'ctx',
  });
  return new LiveSource({ kubeConfig, info: { mode: 'live', name: 'ctx', server: 'http://127.0.0.1', namespace: 'team-a', readOnly: false } });
}

beforeAll(async () => {
  apiserver = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(`${url.pathname}${url.searchParams.get('watch') ? ' watch' : ''}`);
    if (url.searchParams.get('watch')) {
      // One event, then held open until the client aborts.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: pod('team-a', 'new') }) + '\n');
      return;
    }
    const [status, body] = ROUTES[url.pathname] ?? [404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'not found' }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => apiserver.listen(0, '127.0.0.1', resolve));
});
beforeEach(() => {
  seen = [];
  source = newSource();
});
afterAll(async () => {
  apiserver.closeAllConnections();
  await new Promise((resolve) => apiserver.close(resolve));
});

describe('fallsBackToNamespace', () => {
  const refused = new ActionFailure({ status: 403, reason: 'Forbidden', message: 'no' });
  it('only for a 403 of a namespaced kind on the first page', () => {
    expect(fallsBackToNamespace('Pod', refused, {})).toBe(true);
    expect(fallsBackToNamespace('PodCliqueSet', refused, {})).toBe(true);
    expect(fallsBackToNamespace('Node', refused, {})).toBe(false);
    expect(fallsBackToNamespace('ClusterTopologyBinding', refused, {})).toBe(false);
    expect(fallsBackToNamespace('Pod', refused, { continue: 'abc' })).toBe(false);
    expect(fallsBackToNamespace('Pod', new ActionFailure({ status: 401, reason: 'Unauthorized', message: 'no' }), {})).toBe(false);
    expect(fallsBackToNamespace('Pod', new Error('socket hang up'), {})).toBe(false);
  });
});

describe('LiveSource namespace fallback', () => {
  it('lists a kind refused cluster-wide in the context namespace, then keeps asking only there', async () => {
    expect(source.info().scope).toBeUndefined();
    const page = await source.list('Pod', { limit: 500 });
    expect(page.items.map((item) => item.metadata?.name)).toEqual(['mine']);
    expect(page.resourceVersion).toBe('42');
    expect(seen).toEqual(['/api/v1/pods', '/api/v1/namespaces/team-a/pods']);
    expect(source.namespaceOf('Pod')).toBe('team-a');
    expect(source.info().scope).toEqual({ namespace: 'team-a', kinds: ['Pod'] });

    seen = [];
    await source.list('Pod', { limit: 500 });
    expect(seen).toEqual(['/api/v1/namespaces/team-a/pods']);
  });

  it('watches a namespace-scoped kind in that namespace', async () => {
    await source.list('Pod', { limit: 500 });
    seen = [];
    const events: WatchEvent[] = [];
    const got = new Promise<void>((resolve) => {
      void source
        .watch(
          'Pod',
          '42',
          (event) => (events.push(event), resolve()),
          () => {},
        )
        .then((handle) => got.then(() => handle.stop()));
    });
    await got;
    expect(seen).toEqual(['/api/v1/namespaces/team-a/pods watch']);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Pod', metadata: { namespace: 'team-a', name: 'new' } } });
    await source.close();
  });

  it('keeps cluster-wide what may be listed cluster-wide', async () => {
    const page = await source.list('PodCliqueSet', { limit: 500 });
    expect(page.items.map((item) => item.metadata?.namespace)).toEqual(['team-a', 'team-b']);
    expect(source.namespaceOf('PodCliqueSet')).toBeUndefined();
    expect(source.info().scope).toBeUndefined();
  });

  it("keeps a cluster-scoped kind's 403, with no namespaced request", async () => {
    await expect(source.list('Node', { limit: 500 })).rejects.toMatchObject({ status: 403, message: expect.stringContaining('nodes is forbidden') });
    expect(seen).toEqual(['/api/v1/nodes']);
    expect(source.info().scope).toBeUndefined();
  });

  it('says both when the namespace refuses too, does not scope the kind, and names the namespace tried', async () => {
    await expect(source.list('Event', { limit: 500 })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/^may not list events cluster-wide, nor in namespace team-a: events "team-a" is forbidden/),
    });
    // Not scoped (info().scope), but the namespace tried is named, for the header to say which.
    expect(source.info().scope).toBeUndefined();
    expect(source.namespaceOf('Event')).toBe('team-a');
  });

  it('names no namespace once the kind refused everywhere may be listed cluster-wide', async () => {
    await expect(source.list('Event', { limit: 500 })).rejects.toMatchObject({ status: 403 });
    expect(source.namespaceOf('Event')).toBe('team-a');
    const refused = ROUTES['/api/v1/events']!;
    ROUTES['/api/v1/events'] = [200, list([pod('team-b', 'granted')])];
    try {
      const page = await source.list('Event', { limit: 500 });
      expect(page.items.map((item) => item.metadata?.name)).toEqual(['granted']);
      expect(source.namespaceOf('Event')).toBeUndefined();
      expect(source.info().scope).toBeUndefined();
    } finally {
      ROUTES['/api/v1/events'] = refused;
    }
  });

  it('does not fall back on a later page (its continue token is the cluster-wide list’s)', async () => {
    await expect(source.list('Pod', { limit: 500, continue: 'tok' })).rejects.toMatchObject({ status: 403 });
    expect(seen).toEqual(['/api/v1/pods']);
  });

  it('the refusals reach the stream states as httpStatus 403; the kind live in the namespace has none', async () => {
    const hub = new WatchHub(source, { kinds: ['Pod', 'Node', 'Event'], backoff: { baseMs: 100, capMs: 60_000 } });
    try {
      hub.subscribe({ snapshot() {}, delta() {}, state() {} });
      for (let i = 0; i < 200 && !(hub.states().Pod?.status === 'live' && hub.states().Node?.status === 'error' && hub.states().Event?.status === 'error'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const states = hub.states();
      expect(states.Node).toMatchObject({ status: 'error', httpStatus: 403, retryInMs: 60_000, lastError: expect.stringContaining('nodes is forbidden') });
      expect(states.Event).toMatchObject({ status: 'error', httpStatus: 403, lastError: expect.stringMatching(/^may not list events cluster-wide, nor in namespace team-a/) });
      expect(states.Pod).toMatchObject({ status: 'live', namespace: 'team-a' });
      expect(states.Pod).not.toHaveProperty('httpStatus');
    } finally {
      hub.close();
      await source.close();
    }
  });
});
