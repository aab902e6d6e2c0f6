import * as k8s from '@kubernetes/client-node';
import { expect, test } from '@playwright/test';
import { createNamespace, disaggregatedManifest, isReady, liveKubeConfig, PODCLIQUESETS } from './helpers';

/**
 * The live project's footing: the app serves the real control plane (not the simulated demo), an
 * apply through Canopy's route reaches the apiserver, and the Grove stand-in turns the PodCliqueSet
 * into Grove's objects whose pods kube-scheduler binds and KWOK makes Ready.
 */
test('the app is live on the test control plane, and an applied PodCliqueSet runs there', async ({ page, request }) => {
  const kubeConfig = liveKubeConfig();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const namespace = await createNamespace(core, 'standin');
  try {
    await page.goto('/');
    await expect(page.getByTestId('simulated-banner')).toHaveCount(0);
    await expect(page.getByRole('banner').getByRole('button', { name: /^Cluster:/ }).getByTestId('connection-state')).toHaveText('Live', { timeout: 30_000 });

    const applied = await request.post('/api/apply', { headers: { 'X-Canopy-Request': '1', 'content-type': 'application/yaml' }, data: disaggregatedManifest(namespace) });
    expect(applied.status(), await applied.text()).toBe(200);
    const pcs = (await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'disagg' })) as { metadata: { managedFields?: { manager: string }[] } };
    expect(pcs.metadata.managedFields?.map((f) => f.manager)).toContain('canopy');

    // 1 router + 1 leader + 3 workers + 2 decode, bound by kube-scheduler and Ready by KWOK.
    await expect
      .poll(async () => {
        const pods = (await core.listNamespacedPod({ namespace })).items;
        return pods.filter((p) => p.spec?.nodeName && isReady(p)).length;
      }, { timeout: 60_000 })
      .toBe(7);
    const pods = (await core.listNamespacedPod({ namespace })).items;
    const workerNodes = pods.filter((p) => p.metadata?.labels?.['grove.io/podcliquescalinggroup'] === 'disagg-0-prefill').map((p) => p.spec!.nodeName!);
    expect(workerNodes).toHaveLength(4);
    await expect.poll(async () => ((await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'disagg' })) as { status?: { availableReplicas?: number } }).status?.availableReplicas, { timeout: 30_000 }).toBe(1);
  } finally {
    await core.deleteNamespace({ name: namespace });
  }
});
