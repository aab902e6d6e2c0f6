/**
 * Vitest global setup for the cluster tests: builds the binaries if needed, starts one control plane
 * with the default topology, hands its kubeconfig path to the tests, and stops it afterwards (keeping
 * the logs under test-results/cluster/ when a test failed).
 */
import type { TestProject } from 'vitest/node';
import { DEFAULT_TEST_TOPOLOGY } from '../../lib/topology/spec';
import { ensureBinaries } from './binaries';
import { startCluster } from './launcher';
import { isAlive } from './processes';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
    /** The default cluster's control-plane processes, for tests that look at them. */
    clusterProcesses: { name: string; pid: number }[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = await ensureBinaries();
  const cluster = await startCluster(DEFAULT_TEST_TOPOLOGY, { binaries });
  project.provide('kubeconfigPath', cluster.kubeconfigPath);
  project.provide('clusterProcesses', cluster.processes.map(({ name, pid }) => ({ name, pid })));

  return async () => {
    const failed = project.vitest.state.getCountOfFailedTests() > 0;
    await cluster.stop({ keepLogs: failed });
    // The run must not leave a control plane behind: fail loudly if any process survived stop().
    const survivors = cluster.processes.filter((managed) => isAlive(managed.pid));
    if (survivors.length > 0) {
      throw new Error(`control-plane processes still alive after stop(): ${survivors.map((s) => `${s.name} (pid ${s.pid})`).join(', ')}`);
    }
  };
}
