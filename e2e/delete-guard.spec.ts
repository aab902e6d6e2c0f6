import { expect, test, type APIRequestContext } from '@playwright/test';
import type { StreamSnapshot } from '../lib/cluster/stream';
import { deleteStack, uniqueName } from './support/gpuStacks';
import { gpuStack } from './support/manifests';
import { collectErrors } from './support/page';
import { emitToHeldStreams, holdStream, liveStreamSnapshot } from './support/stream';

/**
 * The delete dialog deletes the PodCliqueSet it was opened for, not whatever has its name when the
 * request arrives: it sends that object's uid (the server's DeleteOptions precondition), and it says so
 * when the stack was deleted and recreated under the same name while it was open.
 */

const HEADERS = { 'X-Canopy-Request': '1' };

/** One 1-GPU clique of `pods` pods (the GB200 nodes have room for it). */
const stack = (name: string, pods: number) => gpuStack(name, { clique: 'fe', replicas: pods, minAvailable: 1, gpus: 1, product: 'NVIDIA-GB200', pack: 'zone' });

/** Applies the stack and answers the uid the cluster gave it. */
async function applyForUid(request: APIRequestContext, yaml: string): Promise<string> {
  const response = await request.post('/api/apply', { data: yaml, headers: { ...HEADERS, 'content-type': 'application/yaml' } });
  expect(response.status(), await response.text()).toBe(200);
  const { results } = (await response.json()) as { results: { after: { metadata: { uid: string } } }[] };
  return results[0]!.after.metadata.uid;
}

test('the delete dialog sends the uid of the PodCliqueSet it was opened for', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = uniqueName('delete-uid');
  const uid = await applyForUid(request, stack(name, 1));
  try {
    await page.goto(`/workloads/default/${name}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete PodCliqueSet ${name}?` });
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/delete'));
    await dialog.getByRole('button', { name: `Delete ${name}` }).click();
    expect((await sent).postDataJSON()).toEqual({ kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false, uid });
    await expect(page.getByTestId('workload-missing')).toBeVisible({ timeout: 20_000 });
  } finally {
    await deleteStack(request, name);
  }
  expect(errors).toEqual([]);
});

test('a namesake recreated while the dialog is open: the dialog says it is another object and does not delete it', async ({ browser, page, request }) => {
  const name = uniqueName('delete-recreated');
  const first = await applyForUid(request, stack(name, 1));
  // Another browser reads the cluster stream; this page gets what it read, snapshot by snapshot, so the
  // recreated stack arrives at once (a live stream may show it gone first, which closes the dialog).
  const observer = await browser.newPage();
  try {
    await observer.goto('/validate');
    const uidIn = (snapshot: StreamSnapshot) => snapshot.kinds.PodCliqueSet?.items.find((o) => o.metadata?.name === name)?.metadata?.uid;
    const before = await liveStreamSnapshot(observer);
    expect(uidIn(before)).toBe(first);
    await holdStream(page, JSON.stringify(before));
    await page.goto(`/workloads/default/${name}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete PodCliqueSet ${name}?` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('delete-recreated')).toHaveCount(0);

    // Someone else deletes it and applies it again (two pods now): same name, another object.
    await deleteStack(request, name);
    const second = await applyForUid(request, stack(name, 2));
    const after = await liveStreamSnapshot(observer);
    expect(uidIn(after)).toBe(second);
    await emitToHeldStreams(page, 'snapshot', JSON.stringify(after));

    await expect(dialog.getByTestId('delete-recreated')).toHaveText(
      `PodCliqueSet default/${name} was deleted and recreated since you opened this: it is another object now. Cancel, and look at it before deleting it.`,
    );
    await expect(dialog.getByRole('button', { name: `Delete ${name}` })).toBeDisabled();
  } finally {
    await observer.close();
    await deleteStack(request, name);
  }
});
