/**
 * For the hub's control-plane tests: the live source (server/sources/live.ts) over a kubeconfig, wrapped
 * to count open watches per kind on its side of the wire, and the apiserver's own count of open WATCH
 * requests per resource (from its /metrics), so "one upstream watch per kind" is checked from both ends.
 */
import * as k8s from '@kubernetes/client-node';
import https from 'node:https';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { openConnection } from '../../server/kube/connection';
import { LiveSource } from '../../server/sources/live';
import type { ClusterSource } from '../../server/sources/types';

export interface TestSource {
  source: ClusterSource;
  live: LiveSource;
  /** Open upstream watches per kind, as the wrapper counts them. */
  openWatches: Map<WatchedKind, number>;
}

export function liveTestSource(kubeconfigPath: string): TestSource {
  const connection = openConnection({ env: { KUBECONFIG: kubeconfigPath } });
  if (!connection) throw new Error(`no connection from ${kubeconfigPath}`);
  const live = new LiveSource(connection);
  const openWatches = new Map<WatchedKind, number>();
  const count = (kind: WatchedKind, delta: number) => openWatches.set(kind, (openWatches.get(kind) ?? 0) + delta);
  const source: ClusterSource = {
    info: () => live.info(),
    list: (kind, options) => live.list(kind, options),
    async watch(kind, resourceVersion, onEvent, onEnd) {
      let open = true;
      const closeOnce = () => {
        if (!open) return false;
        open = false;
        count(kind, -1);
        return true;
      };
      count(kind, 1);
      try {
        const handle = await live.watch(kind, resourceVersion, onEvent, (end) => {
          closeOnce();
          onEnd(end);
        });
        return {
          stop: () => {
            closeOnce();
            handle.stop();
          },
        };
      } catch (error) {
        closeOnce();
        throw error;
      }
    },
    apply: (object, options) => live.apply(object, options),
    delete: (kind, namespace, name, options) => live.delete(kind, namespace, name, options),
    scale: (kind, namespace, name, replicas, options) => live.scale(kind, namespace, name, replicas, options),
    can: (question) => live.can(question),
    close: () => live.close(),
  };
  return { source, live, openWatches };
}

/**
 * Open WATCH requests per resource as the apiserver counts them (`apiserver_longrunning_requests`,
 * summed over scopes and components). Includes the controllers' and KWOK's own watches: compare
 * against a baseline.
 */
export async function apiserverWatches(kubeConfig: k8s.KubeConfig): Promise<Map<string, number>> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster');
  const url = new URL('/metrics', cluster.server);
  const options: https.RequestOptions = { hostname: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers: {} };
  await kubeConfig.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const request = https.request(options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics: HTTP ${response.statusCode}: ${body.slice(0, 200)}`))));
    });
    request.on('error', reject);
    request.end();
  });
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_longrunning_requests{') || !line.includes('verb="WATCH"')) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    const group = /group="([^"]*)"/.exec(line)?.[1] ?? '';
    const key = group ? `${resource}.${group}` : resource;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}
