/**
 * Playwright's web server for the `live` project: a real control plane (etcd, kube-apiserver,
 * kube-scheduler, kube-controller-manager, KWOK GPU nodes, Grove's CRDs), the Grove stand-in
 * (grove-standin.ts: the operator itself cannot be built here), and `next start` with KUBECONFIG
 * pointing at that cluster. The build is the simulated project's (same build directory): this waits
 * until that server answers, so the two never build at once.
 *
 * Tests find the kubeconfig through liveKubeconfigPath(). SIGTERM/SIGINT stop Next, the stand-in and
 * every control-plane process (Playwright sends SIGTERM: see gracefulShutdown in playwright.config.ts),
 * and so does the end of stdin (Playwright gone without a signal). Run by node with tsx's loader, never
 * through the tsx CLI (see the command in playwright.config.ts).
 */
import * as k8s from '@kubernetes/client-node';
import { fstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { startCluster } from '../cluster/launcher';
import { ProcessGroup, tailOfFile, type ManagedProcess } from '../cluster/processes';
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

// Next runs in a ProcessGroup like the control plane: if this process dies, the group's exit hooks kill
// it too, so no stale server keeps the port for a later run to reuse against a dead cluster.
const logDir = path.join(tmpdir(), `canopy-e2e-live-${LIVE_PORT}-logs`);
mkdirSync(logDir, { recursive: true });
const nextGroup = new ProcessGroup(logDir);
let next: ManagedProcess | undefined;
let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Quick before thorough: Playwright SIGKILLs this process group when stopping takes longer than its
  // gracefulShutdown timeout, and a SIGKILL leaves the (detached) control plane running. So the stand-in
  // is not awaited (its requests in flight just fail) and Next gets a short grace period.
  void standIn.stop();
  await nextGroup.stopAll(5_000);
  if (code !== 0 && next) log(`next start log (${next.logFile}):\n${tailOfFile(next.logFile, 40)}`);
  await cluster.stop({ keepLogs: code !== 0 });
  rmSync(liveStateFile(), { force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
// Playwright holds the write end of our stdin: it closes when Playwright ends however it ends (also
// SIGKILLed, or on a CI step timeout, with no signal for us), and then nobody else would stop the
// detached Next and control plane. Only a pipe (Node's child_process makes it a socket pair): a
// terminal's stdin or /dev/null says nothing of that.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on('close', () => {
    if (!stopping) log('stdin closed: Playwright is gone; stopping');
    void shutdown(0);
  });
  process.stdin.resume();
}
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
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
next = nextGroup.start('next', process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(LIVE_PORT)], env);
log(`next start on 127.0.0.1:${LIVE_PORT} (log ${next.logFile})`);
void next.exited.then(() => {
  if (!stopping) {
    log('next start exited unexpectedly');
    void shutdown(1);
  }
});
