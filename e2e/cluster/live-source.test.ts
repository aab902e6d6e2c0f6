/**
 * LiveSource against the real apiserver: paginated lists, a watch that sees KWOK make a pod Ready,
 * 410 Gone mapped to `gone`, a watch from a version the cluster has not reached (silent), and the bulk
 * (managedFields, last-applied) stripped.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/grove/meta';
import { openConnection } from '../../server/kube/connection';
import { LiveSource, watchEndOf } from '../../server/sources/live';
import type { WatchEnd, WatchEvent } from '../../server/sources/types';
import { createTestNamespace, eventually, gpuPod, testKubeConfig } from './test-helpers';
import { inject } from 'vitest';

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
let namespace = '';
let source: LiveSource;

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'live-source');
  const connection = openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') } });
  if (!connection) throw new Error('no connection from the test kubeconfig');
  source = new LiveSource(connection);
});
afterAll(async () => {
  await source?.close();
  await core.deleteNamespace({ name: namespace });
});

describe('LiveSource', () => {
  it('reads the kubeconfig like kubectl and describes the connection', () => {
    const info = source.info();
    expect(info.mode).toBe('live');
    expect(info.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.readOnly).toBe(false);
    expect(() => openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') }, context: 'nope' })).toThrow(/context "nope" is not in the kubeconfig/);
    expect(openConnection({ env: { KUBECONFIG: '/nonexistent' }, home: '/nonexistent' })).toBeNull();
  });

  it('lists all 32 nodes in pages of 5, following continue tokens', async () => {
    const names: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await source.list('Node', { limit: 5, continue: token });
      pages += 1;
      expect(page.items.length).toBeLessThanOrEqual(5);
      for (const node of page.items) {
        expect(node.kind).toBe('Node');
        expect(node.metadata).not.toHaveProperty('managedFields');
        names.push(node.metadata!.name!);
      }
      token = page.continue;
    } while (token);
    expect(new Set(names).size).toBe(32);
    expect(pages).toBe(7);
  });

  it('watches from a list\'s resourceVersion and sees KWOK make a new pod Ready', async () => {
    const page = await source.list('Pod', { limit: 500 });
    const events: WatchEvent[] = [];
    const ends: WatchEnd[] = [];
    const handle = await source.watch('Pod', page.resourceVersion, (event) => events.push(event), (end) => ends.push(end));
    try {
      const pod = gpuPod('watched', 1);
      pod.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"blob"}', keep: 'me' };
      await core.createNamespacedPod({ namespace, body: pod });
      const ready = await eventually('a watch event with the pod Ready', async () =>
        events.find(
          (e) =>
            e.object.metadata?.namespace === namespace &&
            e.object.metadata?.name === 'watched' &&
            (e.object as k8s.V1Pod).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        ),
        20_000,
      );
      expect(ready.type).toBe('MODIFIED');
      expect(ready.object.kind).toBe('Pod');
      expect(ready.object.metadata).not.toHaveProperty('managedFields');
      expect(ready.object.metadata?.annotations).toEqual({ keep: 'me' });
      expect(events.find((e) => e.object.metadata?.name === 'watched')?.type).toBe('ADDED');
      expect(ends).toEqual([]);
    } finally {
      handle.stop();
    }
    expect(ends).toEqual([]);
  });

  it('reports a watch from a resourceVersion older than the watch cache as gone (a real 410 ERROR event)', async () => {
    // Each kind's watch cache starts at the resourceVersion current when it was initialised, and
    // answers an older one with an ERROR event {code: 410, reason: Expired}. The cache of the Grove
    // CRDs started after the cluster set-up had written a few hundred objects, so "2" is too old
    // there (Pods' cache started on an empty etcd and still serves "2"; compacting etcd does not
    // change what the cache holds).
    const end = await new Promise<WatchEnd>((resolve) => {
      void source.watch('PodCliqueSet', '2', () => undefined, resolve);
    });
    expect(end.reason).toBe('gone');
    expect(end.message).toMatch(/too old resource version: 2/);
  }, 10_000);

  it('a watch from a resourceVersion the cluster has not reached stays open and silent (why the hub relists after a silent close)', async () => {
    // E.g. etcd re-created behind the same context. The apiserver neither ends such a watch nor sends
    // bookmarks on it; the hub (kindWatcher) relists when a watch closes having heard nothing.
    const heard: WatchEvent[] = [];
    const ends: WatchEnd[] = [];
    const handle = await source.watch('PodCliqueSet', '999999999', (event) => heard.push(event), (end) => ends.push(end));
    try {
      await new Promise((resolve) => setTimeout(resolve, 4_000));
    } finally {
      handle.stop();
    }
    expect(heard).toEqual([]);
    expect(ends).toEqual([]);
  }, 15_000);

  it('maps a recorded ERROR event and an HTTP 410 to gone, anything else to error', () => {
    // The Status the apiserver sends as a watch ERROR event for an expired resourceVersion.
    const recorded = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (2046)', reason: 'Expired', code: 410 };
    expect(watchEndOf(recorded)).toEqual({ reason: 'gone', message: 'too old resource version: 1 (2046)' });
    expect(watchEndOf(Object.assign(new Error('Gone'), { statusCode: 410 })).reason).toBe('gone');
    expect(watchEndOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toEqual({ reason: 'error', message: 'connect ECONNREFUSED 127.0.0.1:1' });
    // A watch the apiserver refuses (client-node's non-200 error) keeps its status for the watcher.
    expect(watchEndOf(Object.assign(new Error('Forbidden'), { statusCode: 403 }))).toEqual({ reason: 'error', message: 'Forbidden', status: 403 });
  });
});
