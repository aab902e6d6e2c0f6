import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorAnswerOf } from './clusterActions';
import { ClusterContextError, fetchClusterContext, postContextSwitch } from './clusterContext';

// What the routes answer on failure (server/http/errors.ts: `{error: ActionError}`; GET /api/context adds `contexts`).
const failure = (status: number, statusText: string, body: unknown) => new Response(JSON.stringify(body), { status, statusText, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('errorAnswerOf', () => {
  it('reads the routes’ {error: {message, reason, causes}}, else the status line', () => {
    expect(errorAnswerOf({ error: { status: 404, reason: 'NotFound', message: 'context "x" is not in the kubeconfig' } }, 404, 'Not Found')).toEqual({ message: 'context "x" is not in the kubeconfig', reason: 'NotFound', causes: [] });
    expect(errorAnswerOf({ error: { message: '' } }, 503, 'Service Unavailable').message).toBe('503 Service Unavailable');
    expect(errorAnswerOf(null, 502, 'Bad Gateway').message).toBe('502 Bad Gateway');
    expect(errorAnswerOf('text', 500)).toEqual({ message: '500', reason: 'Error', causes: [] });
  });
});

describe('the /api/context client', () => {
  it('a refused switch shows the server’s reason, not only "404 Not Found"', async () => {
    vi.stubGlobal('fetch', async () => failure(404, 'Not Found', { error: { status: 404, reason: 'NotFound', message: 'context "nope" is not in the kubeconfig (known: a, b)' } }));
    await expect(postContextSwitch('nope')).rejects.toThrow('context "nope" is not in the kubeconfig (known: a, b)');
  });

  it('a failed GET keeps the context names the server still sent, to switch to a working one', async () => {
    vi.stubGlobal('fetch', async () => failure(503, 'Service Unavailable', { error: { status: 503, reason: 'NoCluster', message: 'no cluster: context "broken" names no cluster' }, contexts: ['broken', 'good', 7] }));
    const error = await fetchClusterContext().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterContextError);
    expect((error as ClusterContextError).message).toBe('no cluster: context "broken" names no cluster');
    expect((error as ClusterContextError).contexts).toEqual(['broken', 'good']);
  });

  it('a body that is not JSON falls back to the status line', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(fetchClusterContext()).rejects.toThrow('502 Bad Gateway');
  });
});
