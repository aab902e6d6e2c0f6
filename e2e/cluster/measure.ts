/**
 * `npx tsx e2e/cluster/measure.ts`: starts the default test cluster with warm binaries, reports the
 * start-up time per phase and the resident memory (VmRSS) of each control-plane process, idle and after
 * 32 eight-GPU pods (one per node) are scheduled and Ready, then stops it. Numbers go into README.md.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { ensureBinaries } from './binaries';
import { startCluster, type RunningCluster } from './launcher';

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return kilobytes / 1024;
}

function reportRss(cluster: RunningCluster, when: string): void {
  const rows = cluster.processes.map((managed) => ({ name: managed.name, mb: rssMegabytes(managed.pid) }));
  const total = rows.reduce((sum, row) => sum + row.mb, 0);
  console.log(`RSS ${when}: ${rows.map((row) => `${row.name} ${row.mb.toFixed(0)} MB`).join(', ')}; total ${total.toFixed(0)} MB`);
}

const binaries = await ensureBinaries();
const started = Date.now();
const cluster = await startCluster(undefined, { binaries, log: () => undefined });
console.log(`warm start: ${((Date.now() - started) / 1000).toFixed(1)}s`);
console.log(`phases: ${Object.entries(cluster.timings).map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)}s`).join(', ')}`);
try {
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  reportRss(cluster, 'idle (10 s after start)');

  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const podsStarted = Date.now();
  for (let index = 0; index < 32; index++) {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: `load-${index}` },
        spec: { containers: [{ name: 'main', image: 'registry.invalid/fake:test', resources: { limits: { 'nvidia.com/gpu': '8' } } }] },
      },
    });
  }
  for (;;) {
    const pods = (await core.listNamespacedPod({ namespace: 'default' })).items;
    const ready = pods.filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length === 32) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.log(`32 eight-GPU pods bound and Ready in ${((Date.now() - podsStarted) / 1000).toFixed(1)}s`);
  reportRss(cluster, 'with 32 pods on 32 nodes');
} finally {
  const stopping = Date.now();
  await cluster.stop();
  console.log(`stop: ${((Date.now() - stopping) / 1000).toFixed(1)}s`);
}
