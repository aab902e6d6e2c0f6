import * as k8s from '@kubernetes/client-node';
import { expect, test } from '@playwright/test';
import { parseManifests } from '../../lib/grove/manifest';
import { smallStack } from '../support/stack';
import { createNamespace, liveKubeConfig, PODCLIQUESETS } from './helpers';

/**
 * Deleting a PodCliqueSet on the real control plane: Canopy deletes it in the foreground, so the
 * apiserver answers at once and the object stays, with a deletionTimestamp, until the garbage
 * collector has removed what it owns. A finalizer on one of its pods holds that teardown here, as a
 * slow-to-stop pod would: the page must say Deleting (not Healthy), refuse Scale and Delete with the
 * reason, stay on the stack, and say it is gone only once the apiserver no longer has it.
 */
const HOLD = 'canopy.test/hold';

/** The stack: one replica of a two-pod clique, so one pod can hold the teardown while the other goes. */
function stack(namespace: string): object {
  return parseManifests(smallStack(namespace, 'held', 1, '', { replicas: 2 })).documents[0]!.object as object;
}

test('a PodCliqueSet whose teardown a finalizer holds is Deleting until it is gone; Delete says the deletion was accepted and stays on the stack', async ({ page }) => {
  const kubeConfig = liveKubeConfig();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const namespace = await createNamespace(core, 'deleting');
  const setHold = async (pod: string, held: boolean) => {
    const current = await core.readNamespacedPod({ name: pod, namespace });
    const others = (current.metadata?.finalizers ?? []).filter((f) => f !== HOLD);
    current.metadata = { ...current.metadata, finalizers: held ? [...others, HOLD] : others };
    await core.replaceNamespacedPod({ name: pod, namespace, body: current });
  };
  let heldPod: string | undefined;
  try {
    await custom.createNamespacedCustomObject({ ...PODCLIQUESETS, namespace, body: stack(namespace) });
    await page.goto(`/workloads/${namespace}/held`);
    await expect(page.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(2, { timeout: 60_000 });
    await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'healthy', { timeout: 30_000 });

    heldPod = (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata!.name!).sort()[0]!;
    await setHold(heldPod, true);

    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete held' }).click();
    await expect(page.getByTestId('delete-accepted')).toHaveText(`Deletion of PodCliqueSet ${namespace}/held accepted; teardown in progress. This page follows it until the PodCliqueSet is gone.`);
    await expect(page).toHaveURL(new RegExp(`/workloads/${namespace}/held$`));

    // The apiserver still has it, being deleted; so does the page.
    const pcs = (await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'held' })) as { metadata: { deletionTimestamp?: string } };
    expect(pcs.metadata.deletionTimestamp).toBeTruthy();
    await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'deleting', { timeout: 30_000 });
    await expect(page.getByText('Healthy', { exact: true })).toHaveCount(0);
    // The other pod goes; the held one stays Terminating.
    await expect(page.getByTestId('health-note').first()).toHaveText('Deleting: 1 pod terminating', { timeout: 60_000 });
    const reason = `PodCliqueSet ${namespace}/held is being deleted (1 pod terminating): it cannot be scaled or deleted again.`;
    await expect(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();
    await expect(page.getByTestId('delete-disabled-reason')).toHaveText(reason);
    const scale = page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
    await expect(scale.getByRole('button', { name: 'Scale held up to 2' })).toBeDisabled();
    await expect(scale.getByTestId('scale-disabled-reason')).toHaveText(reason);

    // The finalizer lifted, the garbage collector finishes: gone from the apiserver, and the page says so.
    await setHold(heldPod, false);
    heldPod = undefined;
    await expect
      .poll(
        async () => {
          try {
            await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'held' });
            return 'present';
          } catch {
            return 'gone';
          }
        },
        { timeout: 60_000 },
      )
      .toBe('gone');
    await expect(page.getByRole('status').filter({ hasText: 'is gone' })).toHaveText(`PodCliqueSet held in namespace ${namespace} is gone: deleted, with everything it owned.`, { timeout: 30_000 });
    // Deleted from this tab: the sentence takes the focus the Delete control had, with a way back.
    await expect(page.getByTestId('workload-missing')).toBeFocused();
    await expect(page.getByRole('link', { name: 'Back to Workloads' })).toHaveAttribute('href', '/workloads');
  } finally {
    if (heldPod) await setHold(heldPod, false).catch(() => {});
    await core.deleteNamespace({ name: namespace });
  }
});
