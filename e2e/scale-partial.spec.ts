import { expect, test } from '@playwright/test';
import { applyStack, deleteStack, freePodSlots, streamPodsAndNodes, uniqueName } from './support/gpuStacks';
import { gpuStack } from './support/manifests';
import { collectErrors } from './support/page';

/**
 * A standalone clique that runs above its minimum, scaled past what the cluster holds (the reviewer's
 * llama-disagg decode 4 → 60, on a stack of its own so the demo stacks stay as other specs expect):
 * Grove's PodGroup minReplicas is the clique's minAvailable, counted over every pod of the group, so
 * with the running pods at their minimum every new pod is best effort. The preview says how many fit
 * and names the rest above minAvailable, and after the scale the ones that fit run.
 * How many fit comes from the cluster stream (free GPUs of the GB200 nodes), not from constants.
 */

const GB200 = 'NVIDIA-GB200';

test('a running clique above its minimum scaled past what fits: the preview places the new pods that fit, names the others above minAvailable, and those that fit run', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = uniqueName('scale-partial');
  const clique = `${name}-0-decode`;
  await applyStack(request, gpuStack(name, { clique: 'decode', replicas: 4, minAvailable: 2, gpus: 4, product: GB200, pack: 'zone' }));
  try {
    await page.goto(`/workloads/default/${name}`);
    const decode = page.locator(`[data-testid="podclique"][data-name="${clique}"]`);
    await expect(decode.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(4, { timeout: 30_000 });

    // 4-GPU pods the GB200 nodes still hold, as the cluster is now.
    const fit = await freePodSlots(page, GB200, 4);
    expect(fit).toBeGreaterThan(0);
    // Two new pods more than fit.
    const to = 4 + fit + 2;
    const left = [4 + fit, 5 + fit].map((i) => `${clique}-${i}`);

    await decode.getByRole('button', { name: `Scale ${clique}`, exact: true }).click();
    const field = decode.getByRole('spinbutton', { name: `Replicas of ${clique}` });
    await field.fill(String(to));
    await field.press('Enter');
    const impact = decode.getByTestId('scale-impact');
    await expect(impact).toHaveAttribute('data-fits', 'partial');
    await expect(impact).toContainText('The gangs fit, but 2 new pods will not be placed');
    // A GB200 node has 4 GPUs: one new pod per node.
    await expect(impact).toContainText(`${name}-0: ${fit} of ${fit + 2} pods on ${fit} node${fit === 1 ? '' : 's'}`);
    await expect(impact.getByTestId('scale-left-out')).toHaveText(new RegExp(`^2 pods of ${name}-0 above minAvailable not placed \\(${left.join(', ')}\\): ${left[0]}: .+`));
    // The pods above the minimum are not called "of its minimum", and nothing says the scale does not fit.
    await expect(impact).not.toContainText('of its minimum');
    await expect(impact).not.toContainText('Does not fit');
    await decode.getByRole('button', { name: `Confirm scale to ${to}` }).click();

    // The pods that fit are bound and become ready; the two above them stay Pending.
    await expect(decode.getByTestId('pod')).toHaveCount(to, { timeout: 20_000 });
    await expect(decode.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(4 + fit, { timeout: 60_000 });
    const pods = (await streamPodsAndNodes(page)).pods.filter((p) => p.metadata.labels?.['grove.io/podclique'] === clique);
    expect(pods).toHaveLength(to);
    expect(pods.filter((p) => p.spec?.nodeName)).toHaveLength(4 + fit);
    const warning = page.locator('[data-testid="health-note"][data-severity="warning"]');
    await expect(warning).toContainText(/^2 pods above minAvailable not scheduled: /, { timeout: 20_000 });
    await expect(warning).not.toContainText('of its minimum');
  } finally {
    await deleteStack(request, name);
  }
  expect(errors).toEqual([]);
});
