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

/**
 * A new image rolls out as Grove's RollingRecreate (the stand-in runs the simulator's rollout): the
 * PodCliqueSet's updateProgress starts and ends, the engine pods (decode, and the prefill scaling
 * group's replica) come back with the new image and grove.io/pod-template-hash, the router (template
 * unchanged) keeps its pod, and the page says the stack is updating, then no longer.
 */
test('a changed pod template rolls out on the live cluster, and the page follows the update to its end', async ({ page, request }) => {
  const kubeConfig = liveKubeConfig();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const namespace = await createNamespace(core, 'rollout');
  type Status = { currentGenerationHash?: string; updatedReplicas?: number; availableReplicas?: number; updateProgress?: { updateStartedAt?: string; updateEndedAt?: string } };
  const status = async () => ((await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: 'disagg' })) as { status?: Status }).status ?? {};
  const apply = async (manifest: string) => {
    const applied = await request.post('/api/apply', { headers: { 'X-Canopy-Request': '1', 'content-type': 'application/yaml' }, data: manifest });
    expect(applied.status(), await applied.text()).toBe(200);
  };
  const readyPods = async () => (await core.listNamespacedPod({ namespace })).items.filter((p) => p.spec?.nodeName && isReady(p) && !p.metadata?.deletionTimestamp);
  try {
    await apply(disaggregatedManifest(namespace));
    await expect.poll(async () => (await readyPods()).length, { timeout: 60_000 }).toBe(7);
    await expect.poll(async () => (await status()).availableReplicas, { timeout: 30_000 }).toBe(1);
    const before = await status();
    expect(before.currentGenerationHash).toEqual(expect.any(String));
    expect(before.updateProgress).toBeUndefined();
    const router = (await readyPods()).find((p) => p.metadata?.labels?.['grove.io/podclique'] === 'disagg-0-router')!;

    // Watch the page's health notes from here on: the update may be over before a poll would see it.
    // (Not "healthy": kube-scheduler does not keep the prefill group's required rack pack, which the page reports.)
    await page.goto(`/workloads/${namespace}/disagg`);
    const notes = page.locator('[data-testid="health-note"]');
    await expect(notes.first()).toBeVisible({ timeout: 30_000 });
    await expect(notes.filter({ hasText: /^Updating/ })).toHaveCount(0);
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { __health: Set<string> }).__health = seen;
      new MutationObserver(() => document.querySelectorAll('[data-testid="health-note"]').forEach((el) => seen.add(el.textContent ?? ''))).observe(document.body, { subtree: true, childList: true, characterData: true });
    });

    await apply(disaggregatedManifest(namespace).replaceAll('registry.invalid/canopy/engine:test', 'registry.invalid/canopy/engine:v2'));
    await expect.poll(async () => (await status()).updateProgress?.updateStartedAt, { timeout: 30_000 }).toEqual(expect.any(String));
    expect((await status()).currentGenerationHash).not.toBe(before.currentGenerationHash);
    await expect.poll(async () => (await status()).updateProgress?.updateEndedAt, { timeout: 60_000 }).toEqual(expect.any(String));
    await expect.poll(async () => (await status()).updatedReplicas, { timeout: 30_000 }).toBe(1);

    // Every engine pod on the new image, its hash its PodClique's; the router's pod untouched.
    const pods = await readyPods();
    expect(pods).toHaveLength(7);
    const cliques = (await custom.listNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliques', namespace })) as { items: { metadata: { name: string; labels: Record<string, string> }; status?: { currentPodTemplateHash?: string; updatedReplicas?: number; replicas?: number } }[] };
    for (const p of pods) {
      const clique = cliques.items.find((c) => c.metadata.name === p.metadata?.labels?.['grove.io/podclique'])!;
      expect(p.metadata?.labels?.['grove.io/pod-template-hash'], p.metadata?.name).toBe(clique.metadata.labels['grove.io/pod-template-hash']);
      expect(clique.status?.currentPodTemplateHash, clique.metadata.name).toBe(clique.metadata.labels['grove.io/pod-template-hash']);
      expect(clique.status?.updatedReplicas, clique.metadata.name).toBe(clique.status?.replicas);
      if (p.metadata?.labels?.['grove.io/podclique'] === 'disagg-0-router') expect(p.metadata?.uid).toBe(router.metadata?.uid);
      else expect(p.spec?.containers[0]?.image, p.metadata?.name).toBe('registry.invalid/canopy/engine:v2');
    }

    const seen = await page.evaluate(() => [...(window as unknown as { __health: Set<string> }).__health]);
    expect(seen.some((s) => /^Updating( for \S+)?: \d of 1 replica updated/.test(s)), seen.join('\n')).toBe(true);
    await expect(notes.filter({ hasText: /^Updating/ })).toHaveCount(0);
  } finally {
    await core.deleteNamespace({ name: namespace });
  }
});
