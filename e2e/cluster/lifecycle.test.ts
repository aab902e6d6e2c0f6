/**
 * A second, small cluster next to the global one: proves that clusters coexist (every port is picked
 * free) and that stop() leaves no process and no run directory behind.
 */
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { smallTestTopology } from '../../lib/topology/spec';
import { startCluster } from './launcher';
import { isAlive } from './processes';
import { testKubeConfig } from './test-helpers';

const SMALL_TOPOLOGY = smallTestTopology('small', { nodes: 2, gpusPerNode: 4 });

describe('startCluster / stop', () => {
  it('runs a second cluster beside the first, then stops every process it started', async () => {
    const cluster = await startCluster(SMALL_TOPOLOGY, { log: () => undefined });
    let stopped = false;
    try {
      expect(cluster.processes.map((managed) => managed.name)).toEqual([
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
        'kwok',
      ]);
      for (const managed of cluster.processes) expect(isAlive(managed.pid), `${managed.name} alive`).toBe(true);

      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromFile(cluster.kubeconfigPath);
      expect(kubeConfig.getCurrentCluster()?.server).not.toBe(testKubeConfig().getCurrentCluster()?.server);
      const nodes = await kubeConfig.makeApiClient(k8s.CoreV1Api).listNode();
      expect(nodes.items.map((node) => node.metadata?.name).sort()).toEqual(['small-r0-n0', 'small-r0-n1']);

      await cluster.stop();
      stopped = true;
      for (const managed of cluster.processes) expect(isAlive(managed.pid), `${managed.name} (pid ${managed.pid}) alive`).toBe(false);
      expect(existsSync(cluster.runDir)).toBe(false);
    } finally {
      if (!stopped) await cluster.stop({ keepLogs: true });
    }
  });

  it('leaves the global cluster running meanwhile', async () => {
    const nodes = await testKubeConfig().makeApiClient(k8s.CoreV1Api).listNode({ labelSelector: 'type=kwok' });
    expect(nodes.items).toHaveLength(32);
  });
});
