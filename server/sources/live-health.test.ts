/**
 * The live source's health probe (`GET /readyz`) over a scripted HTTP apiserver: ready, not ready
 * (its failing checks said), refusing the identity (it answers: healthy), silent (frozen: the
 * timeout), gone (connection refused).
 */
import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSource, readyzFailure } from './live';

let answer: (res: http.ServerResponse) => void = (res) => res.end('ok');
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
    if (req.url !== '/readyz') return void res.writeHead(404).end();
    answer(res);
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

  it("rejects with the failing checks when the apiserver is not ready (draining, etcd gone)", async () => {
    answer = (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('[+]ping ok\n[-]etcd failed: reason withheld\n[-]shutdown failed: reason withheld\nreadyz check failed');
    await expect(sourceFor(port()).probe(2_000)).rejects.toThrow('/readyz answered 500: etcd failed: reason withheld; shutdown failed: reason withheld');
  });

  it('rejects within the timeout when the apiserver does not answer (frozen)', async () => {
    answer = () => {}; // never answers
    const started = Date.now();
    await expect(sourceFor(port()).probe(300)).rejects.toThrow(/no answer from 127\.0\.0\.1:\d+ within 0\.3s/);
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

describe('readyzFailure', () => {
  it('names the failing checks, else the first line, else only the status', () => {
    expect(readyzFailure(500, '[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed')).toBe('/readyz answered 500: etcd failed: reason withheld');
    expect(readyzFailure(502, 'Bad Gateway\n<html>')).toBe('/readyz answered 502: Bad Gateway');
    expect(readyzFailure(500, 'HTTP 500')).toBe('/readyz answered 500');
  });
});
