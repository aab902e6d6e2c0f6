/**
 * The hub over a real kube-apiserver that freezes or restarts. A frozen apiserver (SIGSTOP) keeps its
 * watches open and silent: the hub's /readyz probe notices within a few seconds and every kind shows
 * as retrying with the reason; once it runs again (SIGCONT) the kinds are live again and the watches
 * deliver. After a long outage (SIGKILL, 15 s down: the backoff has grown to 8–16 s) and a restart,
 * the kinds are live within seconds of the apiserver serving, and the routine 410 of the first watch
 * is never shown. Runs on a small second cluster of its own.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchedKind } from '../../lib/cluster/kinds';
import type { ConnectionStates } from '../../lib/cluster/stream';
import { smallTestTopology } from '../../lib/topology/spec';
import { openConnection } from '../../server/kube/connection';
import { WatchHub } from '../../server/hub/watchHub';
import { LiveSource } from '../../server/sources/live';
import { startCluster, type RunningCluster } from './launcher';
import { ProcessGroup } from './processes';
import { eventually, gpuPod } from './test-helpers';

const TOPOLOGY = smallTestTopology('hubs', { nodes: 2, gpusPerNode: 4 });
const KINDS: WatchedKind[] = ['Node', 'Pod', 'PodCliqueSet'];

let cluster: RunningCluster;
let restarted: ProcessGroup | undefined;
let hub: WatchHub | undefined;
let source: LiveSource | undefined;
let core: k8s.CoreV1Api;
/** Every state the subscriber heard, with when. */
const heard: { at: number; states: ConnectionStates }[] = [];

const allLive = () => KINDS.every((kind) => hub!.states()[kind]?.status === 'live');
const apiserverPid = () => (restarted?.processes ?? cluster.processes).find((managed) => managed.name.startsWith('kube-apiserver'))!.pid;

beforeAll(async () => {
  cluster = await startCluster(TOPOLOGY, { log: () => undefined });
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'hub-stall' } } });
  const connection = openConnection({ env: { KUBECONFIG: cluster.kubeconfigPath } });
  source = new LiveSource(connection!);
  // Default backoff (0.5–30 s): what `canopy serve` runs with.
  hub = new WatchHub(source, { kinds: KINDS, probeIntervalMs: 1_000, probeTimeoutMs: 2_000 });
  hub.subscribe({ snapshot() {}, delta() {}, state: (states) => void heard.push({ at: Date.now(), states }) });
  await eventually('hub live', async () => (allLive() ? true : undefined), 30_000);
});
afterAll(async () => {
  try {
    process.kill(apiserverPid(), 'SIGCONT');
  } catch {
    // already gone
  }
  hub?.stop();
  await source?.close();
  await restarted?.stopAll(2_000);
  await cluster?.stop();
});

describe('the watch hub and an apiserver that stops answering', () => {
  it('shows a frozen apiserver as retrying with the reason within seconds, and live again once it runs', async () => {
    process.kill(apiserverPid(), 'SIGSTOP');
    const frozenAt = Date.now();
    try {
      await eventually('every kind retrying', async () => (KINDS.every((kind) => hub!.states()[kind]?.status === 'retrying') ? true : undefined), 10_000);
      console.info(`frozen noticed after ${Date.now() - frozenAt} ms`);
      expect(hub!.states().Pod?.lastError).toMatch(/^the apiserver is not answering its health check: cannot reach the apiserver at 127\.0\.0\.1:\d+: no answer from .* within 2s$/);
      expect(hub!.healthProblem).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(allLive()).toBe(false);
    } finally {
      process.kill(apiserverPid(), 'SIGCONT');
    }
    await eventually('live again', async () => (allLive() ? true : undefined), 15_000);
    // The watches (kept open, or reopened) deliver again.
    await core.createNamespacedPod({ namespace: 'hub-stall', body: gpuPod('after-thaw', 1) });
    await eventually('the new pod in the hub', async () => (hub!.snapshot().kinds.Pod?.items.some((pod) => pod.metadata?.name === 'after-thaw') ? true : undefined), 15_000);
  });

  it('is live within seconds of a restarted apiserver serving, after a long outage, without showing the 410', async () => {
    const apiserver = cluster.processes.find((managed) => managed.name === 'kube-apiserver')!;
    const [command, ...args] = readFileSync(`/proc/${apiserver.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    process.kill(apiserver.pid, 'SIGKILL');
    await apiserver.exited;
    // Long enough for the backoff to grow (0.5, 1, 2, 4, 8 s…).
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(allLive()).toBe(false);
    await core.listNamespace().then(
      () => expect.unreachable('the apiserver is down'),
      () => undefined,
    );

    restarted = new ProcessGroup(cluster.runDir);
    restarted.start('kube-apiserver-restarted', command!, args);
    await eventually('the restarted apiserver serving', async () => (await core.listNamespace().catch(() => undefined))?.items.length, 60_000);
    const servingAt = Date.now();
    const listsBefore = hub!.stats.listRequests;
    await eventually('hub live again', async () => (allLive() ? true : undefined), 30_000);
    const took = Date.now() - servingAt;
    console.info(`live ${took} ms after the apiserver served again`);
    console.info(`${hub!.stats.listRequests - listsBefore} relists`);
    for (const entry of heard.filter((e) => e.at >= servingAt - 3_000)) {
      console.info(`${entry.at - servingAt} ms: ${KINDS.map((kind) => `${kind} ${entry.states[kind]?.status} ${entry.states[kind]?.lastError ?? ''} ${entry.states[kind]?.retryInMs ?? ''}`).join(' | ')}`);
    }
    // Before: up to the grown backoff (8–16 s), then again for the 410 (16–30 s). Now: the probe sees
    // the apiserver ready, the kinds retry at once (a restarted apiserver answers 503/429 for its CRDs
    // a moment longer) and the 410 relists at once.
    expect(took).toBeLessThan(10_000);
    const since = heard.filter((entry) => entry.at >= servingAt - 2_000);
    expect(since.flatMap((entry) => Object.values(entry.states).map((state) => state?.lastError ?? '')).filter((error) => error.includes('too old'))).toEqual([]);
  });
});
