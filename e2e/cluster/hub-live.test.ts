/**
 * The watch hub against the real control plane: it lists and watches every watched kind through the
 * apiserver, passes on a pod status change made by KWOK within 1 s of the apiserver announcing it,
 * and keeps one upstream watch per kind for 20 subscribers (counted at the source and by the apiserver).
 * The hub runs over the live source (server/sources/live.ts).
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KIND_INFO, WATCHED_KINDS, objectKey } from '../../lib/cluster/kinds';
import type { StreamDelta } from '../../lib/cluster/stream';
import { WatchHub, type HubSubscriber } from '../../server/hub/watchHub';
import { apiserverWatches, liveTestSource } from './hub-adapter';
import { createTestNamespace, eventually, gpuPod, podIsReady, testKubeConfig } from './test-helpers';

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);

const { source: adapter, openWatches } = liveTestSource(inject('kubeconfigPath'));

class Recorder implements HubSubscriber {
  readonly deltas: { at: number; delta: StreamDelta }[] = [];
  snapshot(): void {}
  delta(delta: StreamDelta): void {
    this.deltas.push({ at: Date.now(), delta });
  }
  state(): void {}
}

let namespace = '';
let hub: WatchHub;

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'hub');
  hub = new WatchHub(adapter, { idleStopMs: 1_000 });
});
afterAll(async () => {
  hub?.stop();
  await adapter.close();
  await core.deleteNamespace({ name: namespace });
});

describe('the watch hub over the real apiserver', () => {
  it('lists and watches every kind, then sees a pod status change made by KWOK within 1 s', async () => {
    const subscriber = new Recorder();
    const unsubscribe = hub.subscribe(subscriber);
    await eventually('every kind live', async () => (WATCHED_KINDS.every((kind) => hub.states()[kind]?.status === 'live') ? true : undefined), 30_000);
    expect(hub.snapshot().kinds.Node?.items.length).toBeGreaterThan(0);

    // A reference watch straight on the apiserver: when did it announce the pod Ready?
    let readyAnnounced = 0;
    const reference = await new k8s.Watch(kubeConfig).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      {},
      (_type: string, pod: k8s.V1Pod) => {
        if (!readyAnnounced && podIsReady(pod)) readyAnnounced = Date.now();
      },
      () => {},
    );
    try {
      await core.createNamespacedPod({ namespace, body: gpuPod('watched', 1) });
      const key = `${namespace}/watched`;
      const seen = await eventually('the hub delivering the Ready pod', async () =>
        subscriber.deltas.find(({ delta }) => delta.kinds.Pod?.some((event) => objectKey(event.object) === key && podIsReady(event.object as k8s.V1Pod))),
      );
      await eventually('the reference watch', async () => (readyAnnounced ? true : undefined), 5_000);
      const lag = seen.at - readyAnnounced;
      console.info(`hub delivered the Ready pod ${lag} ms after the apiserver announced it`);
      expect(lag).toBeLessThan(1_000);
      // The hub's store holds the Ready pod too (what a new subscriber's snapshot would show).
      const stored = hub.snapshot().kinds.Pod?.items.find((item) => objectKey(item) === key) as k8s.V1Pod | undefined;
      expect(stored && podIsReady(stored)).toBe(true);
      expect(stored?.metadata).not.toHaveProperty('managedFields');
    } finally {
      reference.abort();
      unsubscribe();
    }
  });

  it('keeps exactly one upstream watch per kind for 20 subscribers, and its store equals a fresh list', async () => {
    await eventually('upstream closed after the first test', async () => (hub.stats.upstreamWatches === 0 ? true : undefined), 10_000);
    const baseline = await apiserverWatches(kubeConfig);
    const subscribers = Array.from({ length: 20 }, () => new Recorder());
    const unsubscribes = subscribers.map((subscriber) => hub.subscribe(subscriber));
    await eventually('every kind live', async () => (WATCHED_KINDS.every((kind) => hub.states()[kind]?.status === 'live') ? true : undefined), 30_000);
    expect(hub.stats).toMatchObject({ upstreamWatches: WATCHED_KINDS.length, subscribers: 20 });
    for (const kind of WATCHED_KINDS) expect(openWatches.get(kind)).toBe(1);
    // The apiserver's side: exactly one more open WATCH per resource than before the hub started.
    const during = await apiserverWatches(kubeConfig);
    for (const kind of WATCHED_KINDS) {
      const { plural, group } = KIND_INFO[kind];
      const key = group ? `${plural}.${group}` : plural;
      expect((during.get(key) ?? 0) - (baseline.get(key) ?? 0), key).toBe(1);
    }

    for (let i = 0; i < 3; i++) await core.createNamespacedPod({ namespace, body: gpuPod(`fan-${i}`, 1) });
    await core.deleteNamespacedPod({ name: 'fan-0', namespace, gracePeriodSeconds: 0 });
    await eventually('every subscriber seeing fan-2', async () =>
      subscribers.every((subscriber) => subscriber.deltas.some(({ delta }) => delta.kinds.Pod?.some((event) => event.object.metadata?.name === 'fan-2'))) ? true : undefined,
    );
    // Every subscriber got the same batches.
    const first = JSON.stringify(subscribers[0]!.deltas.map(({ delta }) => delta.seq));
    for (const subscriber of subscribers) expect(JSON.stringify(subscriber.deltas.map(({ delta }) => delta.seq))).toBe(first);

    await eventually('the hub store equal to a fresh list of the namespace', async () => {
      const fresh = await core.listNamespacedPod({ namespace });
      const want = fresh.items.map((pod) => `${pod.metadata?.name}@${pod.metadata?.resourceVersion}`).sort();
      const have = (hub.snapshot().kinds.Pod?.items ?? []).filter((pod) => pod.metadata?.namespace === namespace).map((pod) => `${pod.metadata?.name}@${pod.metadata?.resourceVersion}`).sort();
      return JSON.stringify(want) === JSON.stringify(have) ? true : undefined;
    }, 10_000);
    expect(hub.stats.upstreamWatches).toBe(WATCHED_KINDS.length);

    unsubscribes.forEach((unsubscribe) => unsubscribe());
    await eventually('upstream watches closed after the idle delay', async () => (hub.stats.upstreamWatches === 0 ? true : undefined), 10_000);
    for (const kind of WATCHED_KINDS) expect(openWatches.get(kind)).toBe(0);
  });
});
