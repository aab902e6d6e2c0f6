/**
 * GET /api/stream over the simulated demo cluster, served the way `next start` serves a route handler:
 * Next's compression middleware (next.config `compress`, on by default) in front, and Next's own pipe of
 * the Response body, which flushes after every chunk. With `Accept-Encoding: gzip` the body arrives
 * gzipped and each event can be decoded while the stream is still open.
 */
import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants as zlibConstants, createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '../../app/api/stream/route';
import { resetWatchHub } from '../hub';
import { setClusterSource } from '../sources';
import { createSimulatedSource } from '../sources/simulated';

const require = createRequire(import.meta.url);
type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
const compression = require('next/dist/compiled/compression') as () => Middleware;
const { pipeToNodeResponse } = require('next/dist/server/pipe-readable') as {
  pipeToNodeResponse: (body: ReadableStream<Uint8Array>, res: http.ServerResponse) => Promise<void>;
};

let server: http.Server;
let port = 0;

beforeAll(async () => {
  await setClusterSource(createSimulatedSource({ scenario: 'demo', tickMs: 0, seed: 1 }));
  const compress = compression();
  server = http.createServer((req, res) => {
    compress(req, res, () => {});
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const response = GET(new Request(`http://127.0.0.1:${port}${req.url}`, { headers: req.headers as Record<string, string>, signal: abort.signal }));
    res.statusCode = response.status;
    // As Next's send-response: every header but content-encoding/-length/transfer-encoding.
    response.headers.forEach((value, name) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding'].includes(name)) res.setHeader(name, value);
    });
    void pipeToNodeResponse(response.body!, res).catch(() => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  resetWatchHub();
  await setClusterSource(undefined);
});

function open(acceptEncoding: string | undefined): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}` };
    if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
    http.get({ host: '127.0.0.1', port, path: '/api/stream', headers }, resolve).on('error', reject);
  });
}

/** The whole snapshot arrived (its last part), and its first part of nodes. */
const snapshotEnd = /event: snapshot-end\ndata: .*\n\n/;
const nodePart = /event: snapshot-part\ndata: (\{"id":"[^"]*","kind":"Node".*)\n\n/;

describe('GET /api/stream behind Next\'s compression', () => {
  it('with accept-encoding gzip sends a gzip body whose snapshot decompresses before the stream ends', async () => {
    const response = await open('gzip, deflate, br');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(response.headers['x-accel-buffering']).toBe('no');
    let ended = false;
    response.on('end', () => (ended = true));
    const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
    response.pipe(gunzip);
    let text = '';
    const snapshot = await new Promise<string>((resolve) =>
      gunzip.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (snapshotEnd.test(text)) resolve(nodePart.exec(text)?.[1] ?? '{}');
      }),
    );
    expect(ended).toBe(false); // decoded from a flush, not from the end of the body
    expect(text.startsWith('retry: 2000\n\n')).toBe(true);
    expect((JSON.parse(snapshot) as { items?: unknown[] }).items?.length).toBeGreaterThan(0);
    response.destroy();
  });

  it('without gzip in accept-encoding sends the plain event stream', async () => {
    const response = await open(undefined);
    expect(response.headers['content-encoding']).toBeUndefined();
    const first = await new Promise<string>((resolve) => response.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
    expect(first.startsWith('retry: 2000\n\n')).toBe(true);
    response.destroy();
  });
});
