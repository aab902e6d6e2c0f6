import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorAnswerOf } from './clusterActions';
import { ClusterContextError, fetchClusterContext, onStreamNamespaceChange, postContextSwitch, streamNamespaceChoice, streamUrl } from './clusterContext';

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

describe('the namespace the stream follows', () => {
  /** A window with localStorage and events, enough for the choice (no DOM in these tests). */
  function fakeWindow(): Map<string, string> {
    const storage = new Map<string, string>();
    const target = new EventTarget();
    vi.stubGlobal('window', {
      localStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) },
      addEventListener: target.addEventListener.bind(target),
      removeEventListener: target.removeEventListener.bind(target),
      dispatchEvent: target.dispatchEvent.bind(target),
    });
    return storage;
  }

  it('asks for the header’s namespace of the cluster this server serves, and again when it is chosen', async () => {
    const storage = fakeWindow();
    storage.set('canopy-namespace:live:team', 'team-b');
    vi.stubGlobal('fetch', async () => Response.json({ source: { mode: 'live', name: 'team', namespace: 'team-a', readOnly: false }, contexts: ['team'] }));
    // Before the cluster is known and with no earlier choice: none (the server's own namespace).
    expect(streamNamespaceChoice()).toBeNull();
    expect(streamUrl(null)).toBe('/api/stream');
    const heard: (string | undefined)[] = [];
    const stop = onStreamNamespaceChange(() => heard.push(streamNamespaceChoice()?.namespace));
    await vi.waitFor(() => expect(heard).toEqual(['team-b']));
    expect(streamNamespaceChoice()).toEqual({ namespace: 'team-b', cluster: 'live:team' });
    expect(streamUrl(streamNamespaceChoice())).toBe('/api/stream?namespace=team-b&cluster=live%3Ateam');
    // Remembered for a reload, read before /api/context answers.
    expect(JSON.parse(storage.get('canopy-stream-namespace')!)).toEqual({ namespace: 'team-b', cluster: 'live:team' });
    // Chosen in another tab: the storage event.
    storage.set('canopy-namespace:live:team', 'team-c');
    window.dispatchEvent(new Event('storage'));
    expect(heard.at(-1)).toBe('team-c');
    stop();
  });
});
