/**
 * A minimal read-only ClusterSource over @kubernetes/client-node 1.4.0, for the hub's control-plane
 * tests: paginated list through KubernetesObjectApi, watch through k8s.Watch with bookmarks, an ERROR
 * event with code 410 reported as `gone`. It counts open watches per kind on its side of the wire.
 * The live source (server/sources/live.ts) had not landed when these tests were written; swap it in
 * once it is committed.
 */
import * as k8s from '@kubernetes/client-node';
import { KIND_INFO, type WatchedKind } from '../../lib/cluster/kinds';
import type { KubeObject } from '../../lib/grove/meta';
import type { ClusterSource, WatchEnd } from '../../server/sources/types';

function collectionPath(kind: WatchedKind): string {
  const info = KIND_INFO[kind];
  return info.group ? `/apis/${info.group}/${info.version}/${info.plural}` : `/api/${info.version}/${info.plural}`;
}

export interface TestSource {
  source: ClusterSource;
  /** Open upstream watches per kind, as the adapter counts them. */
  openWatches: Map<WatchedKind, number>;
}

export function clientNodeSource(kubeConfig: k8s.KubeConfig): TestSource {
  const objects = k8s.KubernetesObjectApi.makeApiClient(kubeConfig);
  const openWatches = new Map<WatchedKind, number>();
  const count = (kind: WatchedKind, delta: number) => openWatches.set(kind, (openWatches.get(kind) ?? 0) + delta);

  const source: ClusterSource = {
    info: () => ({ mode: 'live', name: 'test-adapter', namespace: 'default', readOnly: true }),
    async list(kind, options) {
      const info = KIND_INFO[kind];
      const list = await objects.list(info.apiVersion, kind, undefined, undefined, undefined, undefined, undefined, undefined, options.limit, options.continue);
      const items = list.items.map((item) => ({ ...item, apiVersion: info.apiVersion, kind }) as KubeObject);
      return { items, resourceVersion: list.metadata?.resourceVersion ?? '', ...(list.metadata?._continue ? { continue: list.metadata._continue } : {}) };
    },
    async watch(kind, resourceVersion, onEvent, onEnd) {
      let done = false;
      const end = (why: WatchEnd) => {
        if (done) return;
        done = true;
        count(kind, -1);
        onEnd(why);
      };
      count(kind, 1);
      let controller: AbortController;
      try {
        controller = await new k8s.Watch(kubeConfig).watch(
          collectionPath(kind),
          { resourceVersion, allowWatchBookmarks: true },
          (type: string, object: KubeObject & { code?: number; message?: string }) => {
            if (done) return;
            if (type === 'ERROR') {
              end(object.code === 410 ? { reason: 'gone', message: object.message } : { reason: 'error', message: object.message });
              controller?.abort();
            } else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK') {
              onEvent({ type, object });
            }
          },
          (error: unknown) => end(error ? { reason: 'error', message: String(error) } : { reason: 'closed' }),
        );
      } catch (error) {
        if (!done) {
          done = true;
          count(kind, -1);
        }
        throw error;
      }
      return {
        stop: () => {
          if (done) return;
          done = true;
          count(kind, -1);
          controller.abort();
        },
      };
    },
    apply: () => Promise.reject(new Error('read-only adapter')),
    delete: () => Promise.reject(new Error('read-only adapter')),
    scale: () => Promise.reject(new Error('read-only adapter')),
    can: async () => ({ allowed: false }),
    close: async () => {},
  };
  return { source, openWatches };
}
