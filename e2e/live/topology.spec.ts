import * as k8s from '@kubernetes/client-node';
import { expect, test } from '@playwright/test';
import { createNamespace, disaggregatedManifest, isReady, liveKubeConfig } from './helpers';
import { parseManifests } from '../../lib/grove/manifest';

/**
 * The topology heatmap on the real control plane: the test applies a stack with the Kubernetes client,
 * kube-scheduler binds its pods to KWOK GPU nodes, and the page shows those pods on those GPUs, live.
 * Expected values come from the apiserver, never from the page's own stream.
 */
const gpusOf = (pod: k8s.V1Pod) => (pod.spec?.containers ?? []).reduce((n, c) => n + Number(c.resources?.limits?.['nvidia.com/gpu'] ?? c.resources?.requests?.['nvidia.com/gpu'] ?? 0), 0);
const key = (pod: k8s.V1Pod) => `${pod.metadata!.namespace}/${pod.metadata!.name}`;

test('the heatmap shows the pods a test applies to the real cluster, on the GPUs the scheduler gave them', async ({ page }) => {
  const kubeConfig = liveKubeConfig();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const namespace = await createNamespace(core, 'heatmap');
  try {
    await page.goto('/topology');
    await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
    const nodes = (await core.listNode()).items;
    const totalGpus = nodes.reduce((n, node) => n + Number(node.status?.allocatable?.['nvidia.com/gpu'] ?? 0), 0);
    expect(totalGpus).toBe(256);
    await expect(page.getByTestId('gpu-total')).toHaveText(String(totalGpus));

    // Applied while the page is open: it must arrive through the stream.
    const pcs = parseManifests(disaggregatedManifest(namespace)).documents[0]!.object as object;
    await custom.createNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace, body: pcs });
    await expect.poll(async () => (await core.listNamespacedPod({ namespace })).items.filter((p) => p.spec?.nodeName && isReady(p)).length, { timeout: 60_000 }).toBe(7);
    const ours = (await core.listNamespacedPod({ namespace })).items;
    const gpus = ours.reduce((n, p) => n + gpusOf(p), 0);
    expect(gpus).toBe(48);

    const workload = page.getByRole('button', { name: new RegExp(`^${namespace}/disagg `) });
    await expect(workload).toBeVisible({ timeout: 30_000 });
    await workload.click();
    await expect(page.getByTestId('highlighted-gpus')).toHaveText(String(gpus));

    // Hover the first GPU of each 8-GPU pod: the tooltip names that pod (slots in namespace/name order on a node).
    const all = (await core.listPodForAllNamespaces()).items.filter((p) => p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    for (const pod of ours.filter((p) => gpusOf(p) === 8).slice(0, 3)) {
      const node = pod.spec!.nodeName!;
      const onNode = all.filter((p) => p.spec!.nodeName === node).sort((a, b) => key(a).localeCompare(key(b), 'en'));
      let slot = 0;
      for (const p of onNode) {
        if (key(p) === key(pod)) break;
        slot += gpusOf(p);
      }
      await expect.poll(() => page.evaluate(({ node, slot }) => {
        const h = window.__canopyHeatmap;
        const cell = h ? h.cellOf(node, slot) : -1;
        return cell >= 0 && h!.model.cellPod[cell]! >= 0 ? h!.model.pods[h!.model.cellPod[cell]!]!.key : null;
      }, { node, slot })).toBe(key(pod));
      const point = await page.evaluate(({ node, slot }) => window.__canopyHeatmap!.cellClientPoint(window.__canopyHeatmap!.cellOf(node, slot)), { node, slot });
      expect(point, `cell of ${node} GPU ${slot} on screen`).not.toBeNull();
      await page.mouse.move(point!.x, point!.y);
      const tooltip = page.getByTestId('heatmap-tooltip');
      await expect(tooltip).toContainText(key(pod));
      await expect(tooltip).toContainText(node);
    }

    // Deleted on the cluster: gone from the page.
    await custom.deleteNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace, name: 'disagg' });
    await expect(workload).toHaveCount(0, { timeout: 60_000 });
  } finally {
    await core.deleteNamespace({ name: namespace });
  }
});
