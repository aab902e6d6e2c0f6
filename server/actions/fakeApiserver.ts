/**
 * Test support: an HTTP server on 127.0.0.1 standing in for the apiserver, and a Connection whose
 * kubeconfig points at it (token auth, no TLS), so live actions and sources run over real requests.
 */
import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '../kube/connection';

export interface FakeApiserver {
  server: http.Server;
  /** A connection to this server, its context defaulting to `namespace`. */
  connection(options?: { namespace?: string; readOnly?: boolean }): Connection;
  close(): Promise<void>;
}

export async function startFakeApiserver(handler: http.RequestListener): Promise<FakeApiserver> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    connection: ({ namespace, readOnly = false } = {}) => {
      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
        users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'ctx', cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) }],
        currentContext: 'ctx',
      });
      return { kubeConfig, info: { mode: 'live', name: 'ctx', server: 'http://127.0.0.1', namespace: namespace ?? 'default', readOnly } };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
