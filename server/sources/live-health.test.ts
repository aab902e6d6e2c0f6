/**
 * The live source's health probe (`GET /readyz`) over a scripted HTTP apiserver: ready, not ready
 * (5xx: a NotReadyError with its failing checks), refusing the identity or not passing /readyz on
 * (it answers: healthy; after a 404 it asks /version), silent (frozen: the timeout), gone
 * (connection refused).
 */
import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSource, NotReadyError, notReadyReason } from './live';

let answer: (res: http.ServerResponse, path: string) => void = (res) => res.end('ok');
let asked: string[] = [];
let apiserver: http.Server;

function sourceFor(port: number): LiveSource {
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return new LiveSource({ kubeConfig, info: { mode: 'live', name: 'ctx', server: `http://127.0.0.1:${port}`, namespace: 'default', readOnly: true } });
}

beforeAll(async () => {
  apiserver = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url !== '/readyz' && req.url !== '/version') return void res.writeHead(404).end();
    answer(res, req.url);
  });
  await new Promise<void>((resolve) => apiserver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  apiserver.closeAllConnections();
  await new Promise((resolve) => apiserver.close(resolve));
});

const port = () => (apiserver.address() as AddressInfo).port;

describe('LiveSource.probe', () => {
  it('resolves on 200, and on 401/403 (the apiserver answered; the watches say what the identity may do)', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    await expect(sourceFor(port()).probe(2_000)).resolves.toBeUndefined();
    answer = (res) => res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'forbidden: User "x" cannot get path "/readyz"' }));
    await expect(sourceFor(port()).probe(2_000)).resolves.toBeUndefined();
  });

  it('resolves on a 404 (a proxy that does not pass /readyz on) and asks /version from then on', async () => {
    const source = sourceFor(port());
    asked = [];
    answer = (res, path) => (path === '/readyz' ? res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found') : res.writeHead(200).end('{"major":"1"}'));
    await expect(source.probe(2_000)).resolves.toBeUndefined();
    await expect(source.probe(2_000)).resolves.toBeUndefined();
    expect(asked).toEqual(['/readyz', '/version']);
    // /version answering 5xx is as not ready as /readyz, and says which path answered.
    answer = (res) => res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
    await expect(source.probe(2_000)).rejects.toThrow('Bad Gateway (/version answered 502)');
  });

  it('rejects with a NotReadyError naming the failing checks when the apiserver answers 5xx (draining, etcd gone)', async () => {
    answer = (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('[+]ping ok\n[-]etcd failed: reason withheld\n[-]shutdown failed: reason withheld\nreadyz check failed');
    const failure = await sourceFor(port()).probe(2_000).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(NotReadyError);
    expect(failure).toMatchObject({ notReady: true, message: 'etcd failed: reason withheld; shutdown failed: reason withheld (/readyz answered 500)' });
  });

  it('rejects within the timeout when the apiserver does not answer (frozen)', async () => {
    answer = () => {}; // never answers
    const started = Date.now();
    const failure = await sourceFor(port()).probe(300).catch((error: unknown) => error);
    expect(failure).toMatchObject({ message: expect.stringMatching(/no answer from 127\.0\.0\.1:\d+ within 0\.3s/) });
    expect(failure).not.toBeInstanceOf(NotReadyError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(sourceFor(gone).probe(2_000)).rejects.toThrow(/cannot reach the apiserver at 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  });
});

describe('notReadyReason', () => {
  it('names the failing checks, else the first line, else only the path and status', () => {
    expect(notReadyReason('/readyz', 500, '[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed')).toBe('etcd failed: reason withheld (/readyz answered 500)');
    expect(notReadyReason('/readyz', 502, 'Bad Gateway\n<html>')).toBe('Bad Gateway (/readyz answered 502)');
    expect(notReadyReason('/readyz', 500, 'HTTP 500')).toBe('/readyz answered 500');
  });
});
