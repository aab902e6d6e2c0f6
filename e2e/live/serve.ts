/**
 * Playwright's web server for the `live` project: a real control plane (etcd, kube-apiserver,
 * kube-scheduler, kube-controller-manager, KWOK GPU nodes, Grove's CRDs), the Grove stand-in
 * (grove-standin.ts: the operator itself cannot be built here), and `next start` with KUBECONFIG
 * pointing at that cluster. The build is the simulated project's (same build directory): this waits
 * until that server answers, so the two never build at once.
 *
 * Tests find the kubeconfig through liveKubeconfigPath(). SIGTERM/SIGINT stop Next, the stand-in and
 * every control-plane process (Playwright sends SIGTERM: see gracefulShutdown in playwright.config.ts).
 */
import * as k8s from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { startCluster } from '../cluster/launcher';
import { startGroveStandIn } from './grove-standin';
import { LIVE_PORT, liveStateFile } from './paths';

const buildServer = process.env.CANOPY_BUILD_SERVER_URL;
const started = Date.now();
const log = (line: string) => console.error(`[live ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

const cluster = await startCluster(DEFAULT_TEST_TOPOLOGY, { log });
const kubeConfig = new k8s.KubeConfig();
kubeConfig.loadFromFile(cluster.kubeconfigPath);
const standIn = startGroveStandIn(kubeConfig, { log });
writeFileSync(liveStateFile(), JSON.stringify({ kubeconfigPath: cluster.kubeconfigPath, pid: process.pid }));
log(`control plane up; KUBECONFIG=${cluster.kubeconfigPath}`);

let next: ReturnType<typeof spawn> | undefined;
let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  next?.kill('SIGTERM');
  await standIn.stop();
  await cluster.stop({ keepLogs: code !== 0 });
  rmSync(liveStateFile(), { force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
for (const managed of cluster.processes) {
  void managed.exited.then(() => {
    if (!stopping) {
      log(`${managed.name} exited unexpectedly; logs kept under test-results/cluster/`);
      void shutdown(1);
    }
  });
}

if (buildServer) {
  log(`waiting for the build (${buildServer})`);
  for (;;) {
    try {
      if ((await fetch(buildServer)).status < 500) break;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: cluster.kubeconfigPath, NEXT_TELEMETRY_DISABLED: '1' };
delete env.CANOPY_SIMULATE;
next = spawn('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(LIVE_PORT)], { env, stdio: 'inherit' });
next.on('exit', (code) => {
  if (!stopping) {
    log(`next start exited with ${code}`);
    void shutdown(1);
  }
});
