/**
 * Killing and restarting kube-apiserver mid-watch loses no update: the hub (over the live source) retries with backoff,
 * resumes (or relists on 410), and afterwards both its store and a subscriber's copy (snapshot +
 * deltas applied with lib's applyWatchEvent, as the browser does) equal a fresh list. Runs on a small
 * second cluster, so the shared one keeps its apiserver; the restarted apiserver is spawned here with
 * the first one's command line and stopped here by its pid.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { StreamDelta, StreamSnapshot } from '../../lib/cluster/stream';
import { applyWatchEvent, createObjectStore, reconcile, storeItems, type ObjectStore } from '../../lib/cluster/watch';
import { smallTestTopology } from '../../lib/topology/spec';
import { WatchHub, type HubSubscriber } from '../../server/hub/watchHub';
import { liveTestSource } from './hub-adapter';
import { startCluster, type RunningCluster } from './launcher';
import { ProcessGroup } from './processes';
import { eventually, gpuPod } from './test-helpers';

const TOPOLOGY = smallTestTopology('hubr', { nodes: 2, gpusPerNode: 4 });
const KINDS: WatchedKind[] = ['Node', 'Pod'];

/** A subscriber that keeps its own copy, exactly as the browser store does. */
class Mirror implements HubSubscriber {
  readonly stores = new Map<WatchedKind, ObjectStore>(KINDS.map((kind) => [kind, createObjectStore(kind)]));
  snapshot(snapshot: StreamSnapshot): void {
    for (const [kind, store] of this.stores) reconcile(store, { items: snapshot.kinds[kind]?.items ?? [], resourceVersion: snapshot.kinds[kind]?.resourceVersion ?? '' });
  }
  delta(delta: StreamDelta): void {
    for (const [kind, store] of this.stores) for (const event of delta.kinds[kind] ?? []) applyWatchEvent(store, event);
  }
  state(): void {}
}

const versions = (items: { metadata?: { namespace?: string; name?: string; resourceVersion?: string } }[]) =>
  items.map((item) => `${item.metadata?.namespace ?? ''}/${item.metadata?.name}@${item.metadata?.resourceVersion}`).sort();

let cluster: RunningCluster;
let restarted: ProcessGroup | undefined;
let hub: WatchHub | undefined;
let closeSource: (() => Promise<void>) | undefined;

beforeAll(async () => {
  cluster = await startCluster(TOPOLOGY, { log: () => undefined });
});
afterAll(async () => {
  hub?.stop();
  await closeSource?.();
  await restarted?.stopAll(2_000);
  await cluster?.stop();
});

describe('the watch hub across a kube-apiserver restart', () => {
  it('loses no update: after reconnecting, the hub and a subscriber equal a fresh list', async () => {
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(cluster.kubeconfigPath);
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const namespace = 'hub-restart';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({ namespace, body: gpuPod('before-a', 1) });
    await core.createNamespacedPod({ namespace, body: gpuPod('before-b', 1) });

    const { source } = liveTestSource(cluster.kubeconfigPath);
    closeSource = () => source.close();
    hub = new WatchHub(source, { kinds: KINDS, backoff: { baseMs: 200, capMs: 2_000 } });
    const mirror = new Mirror();
    hub.subscribe(mirror);
    await eventually('hub live', async () => (KINDS.every((kind) => hub!.states()[kind]?.status === 'live') ? true : undefined), 30_000);

    const apiserver = cluster.processes.find((managed) => managed.name === 'kube-apiserver')!;
    const [command, ...args] = readFileSync(`/proc/${apiserver.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const t0 = Date.now();
    const phase = (what: string) => console.info(`${what}: ${Date.now() - t0} ms`);
    // A crash, not a graceful stop (SIGTERM makes it drain watches for a minute first).
    process.kill(apiserver.pid, 'SIGKILL');
    await apiserver.exited;
    phase('apiserver exited');
    await eventually('the hub noticing', async () => (hub!.states().Pod?.status !== 'live' ? true : undefined), 15_000);
    expect(hub.stats.upstreamWatches).toBeLessThan(KINDS.length);
    phase('hub noticed');

    restarted = new ProcessGroup(cluster.runDir);
    restarted.start('kube-apiserver-restarted', command!, args);
    await eventually('the restarted apiserver serving', async () => (await core.listNamespace()).items.length, 30_000);
    phase('restarted apiserver serving');
    // Changes while the hub is still backing off (or just reconnecting).
    await core.deleteNamespacedPod({ name: 'before-a', namespace, gracePeriodSeconds: 0 });
    await core.createNamespacedPod({ namespace, body: gpuPod('after-c', 1) });
    await core.patchNamespacedPod({ name: 'before-b', namespace, body: [{ op: 'add', path: '/metadata/labels/restarted', value: 'yes' }] }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch));

    await eventually('hub live again', async () => (KINDS.every((kind) => hub!.states()[kind]?.status === 'live') ? true : undefined), 30_000);
    expect(hub.stats.upstreamWatches).toBe(KINDS.length);
    phase('hub live again');
    await eventually(
      'hub store and subscriber copy equal to a fresh list',
      async () => {
        const pods = versions((await core.listPodForAllNamespaces()).items);
        const nodes = versions((await core.listNode()).items);
        const hubPods = versions(hub!.snapshot().kinds.Pod?.items ?? []);
        const hubNodes = versions(hub!.snapshot().kinds.Node?.items ?? []);
        const mirrorPods = versions(storeItems(mirror.stores.get('Pod')!));
        const same = (a: string[], b: string[]) => JSON.stringify(a) === JSON.stringify(b);
        return same(pods, hubPods) && same(pods, mirrorPods) && same(nodes, hubNodes) ? true : undefined;
      },
      15_000,
    );
    const names = versions(storeItems(mirror.stores.get('Pod')!)).filter((key) => key.startsWith(`${namespace}/`)).map((key) => key.split('@')[0]);
    expect(names).toEqual([`${namespace}/after-c`, `${namespace}/before-b`]);
  });
});
