import { expect, test } from '@playwright/test';
import { applyStack, deleteStack, freePodSlots, streamPodsAndNodes, uniqueName } from './support/gpuStacks';
import { gpuStack } from './support/manifests';
import { collectErrors } from './support/page';

/**
 * A scale-up preview plans the pods of the stack that wait for the scheduler with the pods the scale
 * adds, and counts them apart: a clique of 4-GPU pods, on a stack of its own, asked for two pods more
 * than the GB200 nodes hold, so those two stay Pending; one pod more is then previewed. The preview
 * must not count the room the waiting pods will take as room for the new pod, and says "1 new pod" and
 * "2 pods already waiting" with the waiting pods' real names (Grove's, from the cluster stream).
 * How many fit comes from the cluster stream (free GPUs of the GB200 nodes), not from constants.
 */

const GB200 = 'NVIDIA-GB200';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a scale-up preview counts the pods already waiting (Pending) apart from the new ones, and leaves the new pod out where they take the room', async ({ page, request }) => {
  test.slow(); // it may first wait for a stack an earlier spec deleted to be gone
  const errors = collectErrors(page);
  const name = uniqueName('scale-pend');
  const clique = `${name}-0-decode`;
  await page.goto('/workloads');
  // A stack an earlier spec deleted may still be going: its GPUs would free up under this test's feet.
  await expect.poll(async () => (await streamPodsAndNodes(page)).pods.filter((p) => p.metadata.deletionTimestamp).length, { timeout: 60_000 }).toBe(0);
  const fit = await freePodSlots(page, GB200, 4);
  expect(fit).toBeGreaterThan(0);
  // Two pods more than fit, above a minAvailable of 1: the gang starts, those two wait.
  const replicas = fit + 2;
  await applyStack(request, gpuStack(name, { clique: 'decode', replicas, minAvailable: 1, gpus: 4, product: GB200, pack: 'zone' }));
  try {
    await page.goto(`/workloads/default/${name}`);
    const decode = page.locator(`[data-testid="podclique"][data-name="${clique}"]`);
    await expect(decode.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(fit, { timeout: 60_000 });
    await expect(decode.getByTestId('pod')).toHaveCount(replicas);
    const waiting = (await streamPodsAndNodes(page)).pods.filter((p) => p.metadata.labels?.['grove.io/podclique'] === clique && !p.spec?.nodeName).map((p) => p.metadata.name);
    expect(waiting).toHaveLength(2);

    await decode.getByRole('button', { name: `Scale ${clique}`, exact: true }).click();
    await decode.getByRole('button', { name: `Scale ${clique} up to ${replicas + 1}` }).click();
    const impact = decode.getByTestId('scale-impact');
    await expect(impact).toHaveAttribute('data-fits', 'partial');
    // The waiting pods are planned first and stay out, the new pod with them: not "1 new pod" alone.
    await expect(impact).toContainText('The gangs fit, but 1 new pod will not be placed, and neither will 2 pods already waiting:');
    const [a, b] = waiting.map(escape);
    await expect(impact.getByTestId('scale-waiting')).toHaveText(new RegExp(`^1 new pod and 2 pods already waiting \\(Pending: (${a}, ${b}|${b}, ${a})\\) are planned: the pods already waiting need room too\\.$`));
    await expect(impact).toContainText(`${name}-0: 0 of 3 pods on 0 nodes`);
    await expect(impact.getByTestId('scale-left-out')).toHaveText(new RegExp(`^3 pods of ${name}-0 above minAvailable not placed \\(${clique}-\\d+, ${clique}-\\d+, ${clique}-${replicas}\\)`));
    await expect(impact).not.toContainText('The new pods fit');
    await decode.getByRole('button', { name: 'Cancel' }).click();
    await expect(decode.getByTestId('scale-preview')).toHaveCount(0);
  } finally {
    await deleteStack(request, name);
  }
  expect(errors).toEqual([]);
});
