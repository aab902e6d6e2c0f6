import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_GPU as GPU_RESOURCE } from '../../lib/grove/core';
import { createTestNamespace, eventually, gpuPod, isNotFound, podIsReady, testKubeConfig } from './test-helpers';

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const apps = kubeConfig.makeApiClient(k8s.AppsV1Api);
let namespace = '';

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'scheduling');
});
afterAll(async () => {
  await core.deleteNamespace({ name: namespace });
});

async function readyPod(name: string): Promise<k8s.V1Pod> {
  return eventually(`pod ${name} bound and Ready`, async () => {
    const pod = await core.readNamespacedPod({ name, namespace });
    return pod.spec?.nodeName && podIsReady(pod) ? pod : undefined;
  });
}

describe('kube-scheduler and KWOK', () => {
  it('bind an 8-GPU pod to a KWOK node, which KWOK then runs and marks Ready', async () => {
    await core.createNamespacedPod({ namespace, body: gpuPod('eight-gpus-a', 8) });
    const pod = await readyPod('eight-gpus-a');
    expect(pod.status?.phase).toBe('Running');
    const node = await core.readNode({ name: pod.spec!.nodeName! });
    expect(node.metadata?.labels?.type).toBe('kwok');
    expect(node.status?.allocatable?.[GPU_RESOURCE]).toBe('8');
    // The binding was kube-scheduler's work, recorded as PodScheduled=True.
    const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
    expect(scheduled?.status).toBe('True');
  });

  it('put a second 8-GPU pod on a different node, because the first node has no GPU left', async () => {
    await core.createNamespacedPod({ namespace, body: gpuPod('eight-gpus-b', 8) });
    const first = await readyPod('eight-gpus-a');
    const second = await readyPod('eight-gpus-b');
    expect(second.spec?.nodeName).toBeTruthy();
    expect(second.spec?.nodeName).not.toBe(first.spec?.nodeName);
  });

  it('leave a pod that no node can hold Pending with the scheduler reason', async () => {
    await core.createNamespacedPod({ namespace, body: gpuPod('nine-gpus', 9) });
    const condition = await eventually('FailedScheduling of the 9-GPU pod', async () => {
      const pod = await core.readNamespacedPod({ name: 'nine-gpus', namespace });
      return pod.status?.conditions?.find((each) => each.type === 'PodScheduled' && each.reason === 'Unschedulable');
    });
    expect(condition.message).toContain(`Insufficient ${GPU_RESOURCE}`);
    const pod = await core.readNamespacedPod({ name: 'nine-gpus', namespace });
    expect(pod.spec?.nodeName).toBeUndefined();
  });
});

describe('kube-controller-manager', () => {
  it('runs a Deployment, and garbage-collects its ReplicaSet and pods when it is deleted', async () => {
    const labels = { app: 'gc-demo' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'gc-demo' },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: gpuPod('unused', 1).spec! },
        },
      },
    });
    const pods = await eventually('3 Ready pods of the Deployment', async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: 'app=gc-demo' });
      return list.items.length === 3 && list.items.every(podIsReady) ? list.items : undefined;
    });
    // Deployment → ReplicaSet → Pods: created by the deployment and replicaset controllers.
    for (const pod of pods) expect(pod.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');

    await apps.deleteNamespacedDeployment({ name: 'gc-demo', namespace, propagationPolicy: 'Background' });
    await eventually('ReplicaSet and pods of the deleted Deployment gone', async () => {
      const replicaSets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=gc-demo' });
      const left = await core.listNamespacedPod({ namespace, labelSelector: 'app=gc-demo' });
      return replicaSets.items.length === 0 && left.items.length === 0 ? true : undefined;
    });
  });

  it('garbage-collects an object whose ownerReference points at a deleted owner', async () => {
    const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owner' } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace });
    await eventually('dependent ConfigMap collected', async () => {
      try {
        await core.readNamespacedConfigMap({ name: 'dependent', namespace });
        return undefined;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    });
  });
});
