import * as k8s from '@kubernetes/client-node';
import { expect, test } from '@playwright/test';
import { parseManifests } from '../../lib/grove/manifest';
import { smallStack } from '../support/stack';
import { createNamespace, disaggregatedManifest, isReady, liveKubeConfig, PODCLIQUESETS } from './helpers';

/**
 * The Workloads pages on the real control plane. Scales go through the page, the scale route and the
 * apiserver's /scale subresource; the test reads the result back with the Kubernetes client. Pods are
 * created by the Grove stand-in (e2e/live/grove-standin.ts), bound by kube-scheduler and made Ready by KWOK.
 */
const PCSGS = { group: 'grove.io', version: 'v1alpha1', plural: 'podcliquescalinggroups' } as const;

async function createPcs(custom: k8s.CustomObjectsApi, namespace: string, manifest: string): Promise<void> {
  await custom.createNamespacedCustomObject({ ...PODCLIQUESETS, namespace, body: parseManifests(manifest).documents[0]!.object as object });
}

test('scaling the PodCliqueSet 1 → 2 and its scaling group 1 → 2 from the page changes the real cluster, and the page shows the new pods ready', async ({ page }) => {
  const kubeConfig = liveKubeConfig();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const namespace = await createNamespace(core, 'workloads');
  const readyPods = async () => (await core.listNamespacedPod({ namespace })).items.filter((p) => p.spec?.nodeName && isReady(p)).length;
  try {
    // The prefill group prefers (rather than requires) one rack: kube-scheduler is not topology-aware and
    // spreads pods over every rack, after which no rack is whole and the impact preview would rightly say
    // a required-rack group cannot fit (the simulated tests cover that answer).
    await createPcs(custom, namespace, disaggregatedManifest(namespace).replace('required: rack', 'preferred: rack'));
    await page.goto(`/workloads/${namespace}/disagg`);
    // 1 router + prefill group (1 leader + 3 workers) + 2 decode.
    await expect(page.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(7, { timeout: 60_000 });

    // A clique of the scaling group has no control of its own: it offers its group's (opened further down).
    const member = page.locator(`[data-testid="podclique"][data-name="disagg-0-prefill-0-pworker"]`);
    await expect(member.getByRole('button', { name: 'Scale disagg-0-prefill-0-pworker', exact: true })).toHaveCount(0);
    await expect(member.getByRole('button', { name: 'Scale group disagg-0-prefill', exact: true })).toBeVisible();

    // The PodCliqueSet 1 → 2.
    const pcsControl = page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
    await pcsControl.getByRole('button', { name: 'Scale disagg up to 2' }).click();
    await expect(pcsControl.getByTestId('scale-impact')).toHaveAttribute('data-fits', 'true');
    await expect(pcsControl.getByTestId('kubectl-command')).toHaveText(`kubectl scale podcliquesets/disagg -n ${namespace} --replicas=2`);
    await pcsControl.getByRole('button', { name: 'Confirm scale to 2' }).click();
    await expect.poll(async () => ((await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'disagg' })) as { spec: { replicas: number } }).spec.replicas, { timeout: 15_000 }).toBe(2);
    await expect.poll(readyPods, { timeout: 60_000 }).toBe(14);
    await expect(page.locator('[data-testid="replica"][data-index="1"] [data-testid="pod"][data-stage="ready"]')).toHaveCount(7, { timeout: 30_000 });
    await expect(page.getByTestId('pcs-available')).toHaveText('2/2 replicas available', { timeout: 30_000 });

    // The scaling group of replica 0, 1 → 2: one more leader + 3 workers.
    const group = page.locator('[data-testid="scaling-group"][data-name="disagg-0-prefill"]');
    await member.getByRole('button', { name: 'Scale group disagg-0-prefill', exact: true }).click();
    await expect(group.getByRole('button', { name: 'Scale disagg-0-prefill', exact: true })).toHaveAttribute('aria-expanded', 'true');
    const groupControl = group.locator('[data-testid="scale-control"][data-kind="PodCliqueScalingGroup"]');
    await groupControl.getByRole('button', { name: 'Scale disagg-0-prefill up to 2' }).click();
    await expect(groupControl.getByTestId('scale-impact')).toHaveAttribute('data-fits', 'true');
    await groupControl.getByRole('button', { name: 'Confirm scale to 2' }).click();
    await expect.poll(async () => ((await custom.getNamespacedCustomObject({ ...PCSGS, namespace, name: 'disagg-0-prefill' })) as { spec: { replicas: number } }).spec.replicas, { timeout: 15_000 }).toBe(2);
    await expect.poll(readyPods, { timeout: 60_000 }).toBe(18);
    await expect(group.locator('[data-testid="group-replica"][data-index="1"] [data-testid="pod"][data-stage="ready"]')).toHaveCount(4, { timeout: 30_000 });

    // The list page shows it with the namespace chosen.
    await page.goto('/workloads');
    await page.getByLabel('Namespaces').selectOption('all');
    const row = page.locator(`[data-testid="workload-row"][data-name="disagg"][data-namespace="${namespace}"]`);
    await expect(row.getByTestId('pod-count')).toHaveText('18/18 ready', { timeout: 30_000 });
  } finally {
    await core.deleteNamespace({ name: namespace });
  }
});

test('a pod no node can hold says why it is pending, in the scheduler’s words and the engine’s', async ({ page }) => {
  const kubeConfig = liveKubeConfig();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const namespace = await createNamespace(core, 'pending');
  try {
    // 16 GPUs in one pod: every node of the test cluster has 8. (kube-scheduler is not topology-aware, so a
    // gang too large for a rack would still be placed here; the simulated test covers that case.)
    await createPcs(custom, namespace, smallStack(namespace, 'huge', 1, '', { resources: 'limits: {nvidia.com/gpu: "16"}' }));
    await page.goto(`/workloads/${namespace}/huge`);
    const why = page.getByTestId('why-pending').first();
    await expect(why).toContainText('is pending: the scheduler could not place', { timeout: 60_000 });
    await expect(why).toContainText('Insufficient nvidia.com/gpu');
    await expect(why).toContainText('the placement engine');
    await expect(why).toContainText('16');
  } finally {
    await core.deleteNamespace({ name: namespace });
  }
});
