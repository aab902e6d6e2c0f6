import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { parse } from 'yaml';
import { liveKubeConfig, PODCLIQUESETS } from './helpers';

/**
 * The builder on the real control plane: a template previewed on the cluster's own nodes, dry-run
 * diffed and applied through the apiserver; the test reads the object back with the Kubernetes client
 * and finds the builder's stack, field for field, and the builder lists it as a live object to copy.
 */
test.use({ viewport: { width: 1680, height: 1000 } });

async function exported(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

interface Pcs {
  metadata: { name: string; namespace?: string; managedFields?: { manager: string }[] };
  spec: { replicas: number; template: { cliques: { name: string; spec: { replicas: number; startsAfter?: string[] } }[]; podCliqueScalingGroups?: { name: string; cliqueNames: string[] }[] } };
}

test('a template previewed on the live cluster, dry-run, applied, and read back from the apiserver', async ({ page }) => {
  const custom = liveKubeConfig().makeApiClient(k8s.CustomObjectsApi);
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(page.getByTestId('builder-findings-summary')).toHaveText('No problems');
  const built = parse(await exported(page), { version: '1.1' }) as Pcs;
  const namespace = built.metadata.namespace ?? 'default';
  try {
    // Placed on the live cluster's nodes, as the browser's store holds them.
    await page.getByRole('button', { name: 'Preview placement' }).click();
    const preview = page.getByTestId('preview-panel');
    await expect(preview.getByTestId('preview-summary')).toContainText('Every gang fits', { timeout: 30_000 });

    await page.getByRole('button', { name: 'Apply…' }).click();
    const apply = page.getByTestId('apply-panel');
    await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
    await expect(apply.getByTestId('apply-results')).toContainText('would be created', { timeout: 30_000 });
    await expect(custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: built.metadata.name })).rejects.toBeTruthy();
    await apply.getByTestId('apply-confirm').click();
    await expect(apply.getByTestId('apply-results')).toContainText('applied', { timeout: 30_000 });

    const live = (await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: built.metadata.name })) as Pcs;
    expect(live.metadata.managedFields?.map((f) => f.manager)).toContain('canopy');
    expect(live.spec.replicas).toBe(built.spec.replicas);
    const shape = (p: Pcs) => ({
      cliques: p.spec.template.cliques.map((c) => [c.name, c.spec.replicas, c.spec.startsAfter ?? []]),
      groups: (p.spec.template.podCliqueScalingGroups ?? []).map((g) => [g.name, g.cliqueNames]),
    });
    expect(shape(live)).toEqual(shape(built));
    // It arrives through the stream as a live object the builder can copy.
    await expect(page.locator('#builder-live option', { hasText: `${namespace}/${built.metadata.name}` })).toHaveCount(1, { timeout: 30_000 });
  } finally {
    await custom.deleteNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: built.metadata.name }).catch(() => undefined);
  }
});
