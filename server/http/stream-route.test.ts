/**
 * GET /api/stream over the simulated demo cluster: with `Accept-Encoding: gzip` the body is gzip,
 * flushed per message, so the snapshot can be decoded while the stream is still open.
 */
import { constants as zlibConstants, createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetWatchHub } from '../hub';
import { setClusterSource } from '../sources';
import { createSimulatedSource } from '../sources/simulated';
import { GET } from '../../app/api/stream/route';

beforeAll(async () => {
  await setClusterSource(createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 1 }));
});
afterAll(async () => {
  resetWatchHub();
  await setClusterSource(undefined);
});

const request = (headers: Record<string, string>, signal: AbortSignal) =>
  new Request('http://127.0.0.1:3000/api/stream', { headers: { host: '127.0.0.1:3000', ...headers }, signal });

describe('GET /api/stream', () => {
  it('with accept-encoding gzip sends a gzip body whose snapshot decompresses before the stream ends', async () => {
    const controller = new AbortController();
    const response = GET(request({ 'accept-encoding': 'gzip, deflate, br' }, controller.signal));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
    let text = '';
    gunzip.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const reader = response.body!.getReader();
    const snapshotEvent = /event: snapshot\ndata: (.*)\n\n/;
    while (!snapshotEvent.test(text)) {
      const { value, done } = await reader.read();
      expect(done).toBe(false); // the stream stays open: the snapshot came through a flush, not the end
      await new Promise<void>((resolve) => gunzip.write(value, () => resolve()));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const snapshot = JSON.parse(snapshotEvent.exec(text)![1]!) as { kinds: { Node?: { items: unknown[] } } };
    expect(snapshot.kinds.Node?.items.length).toBeGreaterThan(0);
    controller.abort();
    await reader.cancel().catch(() => {});
  });

  it('without gzip in accept-encoding sends the plain event stream', async () => {
    const controller = new AbortController();
    const response = GET(request({}, controller.signal));
    expect(response.headers.get('content-encoding')).toBeNull();
    const { value } = await response.body!.getReader().read();
    expect(new TextDecoder().decode(value)).toBe('retry: 2000\n\n');
    controller.abort();
  });
});
