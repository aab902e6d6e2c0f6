import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClusterContextError, errorMessageOf, fetchClusterContext, postContextSwitch } from './clusterContext';

// What the routes answer on failure (server/http/errors.ts: `{error: ActionError}`; GET /api/context adds `contexts`).
const failure = (status: number, statusText: string, body: unknown) => new Response(JSON.stringify(body), { status, statusText, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('errorMessageOf', () => {
  it('reads the routes’ {error: {message}}, then a bare {message}, then the status line', () => {
    expect(errorMessageOf({ error: { status: 404, reason: 'NotFound', message: 'context "x" is not in the kubeconfig' } }, 404, 'Not Found')).toBe('context "x" is not in the kubeconfig');
    expect(errorMessageOf({ message: 'plain' }, 500)).toBe('plain');
    expect(errorMessageOf({ error: 'as a string' }, 500)).toBe('as a string');
    expect(errorMessageOf({ error: { message: '' } }, 503, 'Service Unavailable')).toBe('503 Service Unavailable');
    expect(errorMessageOf(null, 502, 'Bad Gateway')).toBe('502 Bad Gateway');
    expect(errorMessageOf('text', 500)).toBe('500');
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
