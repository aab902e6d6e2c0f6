import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { applyStack, deleteStack, uniqueName } from './support/gpuStacks';
import { gpuStack } from './support/manifests';
import { collectErrors } from './support/page';

/**
 * A scale preview that stays open while someone else scales the same object: its plan, its dry run and
 * its confirm are for the count it shows now, not the count it opened on; and a count typed into the
 * replica field is not replaced by a scale elsewhere. Each on a stack of its own (GB200, 1-GPU pods).
 */

const HEADERS = { 'X-Canopy-Request': '1' };
const GB200 = 'NVIDIA-GB200';

/** A stack of `replicas` PodCliqueSet replicas, each one clique of two 1-GPU pods. */
function twoPodReplicas(name: string, replicas: number): string {
  const yaml = gpuStack(name, { clique: 'engine', replicas: 2, minAvailable: 2, gpus: 1, product: GB200, pack: 'zone' });
  return yaml.replace('spec:\n  replicas: 1\n', `spec:\n  replicas: ${replicas}\n`);
}

/** Someone else's scale (curl /api/scale), not this page's. */
async function scaleElsewhere(request: APIRequestContext, kind: string, name: string, replicas: number): Promise<void> {
  const response = await request.post('/api/scale', { data: { kind, namespace: 'default', name, replicas, dryRun: false }, headers: HEADERS });
  expect(response.status(), await response.text()).toBe(200);
}

async function openStack(page: Page, name: string, readyPods: number): Promise<Locator> {
  await page.goto(`/workloads/default/${name}`);
  await expect(page.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(readyPods, { timeout: 30_000 });
  return page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
}

test('an open preview follows a scale in another tab: the heading, the plan and the dry run are for the new count, it says the count moved, and Confirm sends the count shown', async ({ context, request }) => {
  const name = uniqueName('stale-preview');
  await applyStack(request, twoPodReplicas(name, 2));
  const a = await context.newPage();
  const b = await context.newPage();
  const errors = [...collectErrors(a), ...collectErrors(b)];
  try {
    const controlA = await openStack(a, name, 4);
    await controlA.getByRole('button', { name: `Scale ${name} up to 3` }).click();
    const preview = controlA.getByTestId('scale-preview');
    await expect(preview.locator('p').first()).toHaveText(`Scale PodCliqueSet ${name} from 2 to 3 replicas`);
    const gangs = preview.getByTestId('scale-impact').getByRole('listitem');
    await expect(gangs).toHaveText([new RegExp(`^${name}-2: 2 pods on `)]);
    await expect(controlA.getByRole('button', { name: 'Confirm scale to 3' })).toBeEnabled();

    // Tab B scales the stack down to 1 with its own control.
    const controlB = await openStack(b, name, 4);
    await controlB.getByRole('button', { name: `Scale ${name} down to 1` }).click();
    await controlB.getByRole('button', { name: 'Confirm scale to 1' }).click();
    await expect(controlB.getByTestId('scale-progress')).toBeVisible();

    // Tab A's open preview now plans both replicas 1 → 3 adds, and says why it changed.
    await expect(preview.locator('p').first()).toHaveText(`Scale PodCliqueSet ${name} from 1 to 3 replicas`, { timeout: 10_000 });
    await expect(gangs).toHaveText([new RegExp(`^${name}-1: 2 pods on `), new RegExp(`^${name}-2: 2 pods on `)]);
    await expect(preview.getByTestId('scale-count-moved')).toHaveText(`${name} changed from 2 to 1 since you opened this (not by this page): this preview is now for 1 → 3.`);

    // The dry run is asked again, for 1 → 3, guarded by the count shown.
    const confirm = controlA.getByRole('button', { name: 'Confirm scale to 3' });
    await expect(confirm).toBeEnabled();
    const sent = a.waitForRequest((r) => r.url().endsWith('/api/scale') && r.postDataJSON()?.dryRun === false);
    await confirm.click();
    expect((await sent).postDataJSON()).toMatchObject({ kind: 'PodCliqueSet', name, replicas: 3, expectedReplicas: 1 });
    await expect(a.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(6, { timeout: 30_000 });
  } finally {
    await deleteStack(request, name);
  }
  expect(errors).toEqual([]);
});

test('a confirm that arrives after someone else scaled is refused (409) and changes nothing: the page says so, and the preview then plans from the new count', async ({ page, request }) => {
  const name = uniqueName('stale-confirm');
  await applyStack(request, twoPodReplicas(name, 2));
  try {
    const control = await openStack(page, name, 4);
    await control.getByRole('button', { name: `Scale ${name} up to 3` }).click();
    const preview = control.getByTestId('scale-preview');
    const confirm = control.getByRole('button', { name: 'Confirm scale to 3' });
    await expect(confirm).toBeEnabled();

    // Someone else scales to 1 after the click, before the confirm reaches the server.
    await page.route('**/api/scale', async (route) => {
      if (route.request().postDataJSON()?.dryRun === false) await scaleElsewhere(request, 'PodCliqueSet', name, 1);
      await route.continue();
    });
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/scale') && r.request().postDataJSON()?.dryRun === false);
    await confirm.click();
    expect((await answered).status()).toBe(409);
    await expect(control.getByTestId('scale-failed')).toHaveText(
      `Not scaled: PodCliqueSet default/${name} has 1 replica now, not 2: it was scaled since (not by this page); nothing was changed. Check the preview again before confirming.`,
    );
    await expect(control.getByTestId('scale-progress')).toHaveCount(0);
    // The preview stays, now for 1 → 3; the cluster keeps the other client's 1.
    await expect(preview.locator('p').first()).toHaveText(`Scale PodCliqueSet ${name} from 1 to 3 replicas`, { timeout: 10_000 });
    await expect(preview.getByTestId('scale-count-moved')).toBeVisible();
    await expect(page.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(2, { timeout: 30_000 });
  } finally {
    await page.unroute('**/api/scale');
    await deleteStack(request, name);
  }
});

test('a count typed into the replica field stays when someone else scales meanwhile; Enter previews it from the live count; Escape drops it', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = uniqueName('typed-count');
  const clique = `${name}-0-decode`;
  await applyStack(request, gpuStack(name, { clique: 'decode', replicas: 4, minAvailable: 1, gpus: 1, product: GB200, pack: 'zone' }));
  try {
    await page.goto(`/workloads/default/${name}`);
    const decode = page.locator(`[data-testid="podclique"][data-name="${clique}"]`);
    await expect(decode.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(4, { timeout: 30_000 });
    await decode.getByRole('button', { name: `Scale ${clique}`, exact: true }).click();
    const control = decode.getByTestId('scale-control');
    const field = control.getByRole('spinbutton', { name: `Replicas of ${clique}` });
    await field.fill('6');

    await scaleElsewhere(request, 'PodClique', clique, 2);
    await expect(control).toContainText('now 2 pods', { timeout: 10_000 });
    await expect(field).toBeFocused();
    await expect(field).toHaveValue('6');

    await field.press('Enter');
    const preview = control.getByTestId('scale-preview');
    await expect(preview.locator('p').first()).toHaveText(`Scale PodClique ${clique} from 2 to 6 pods`);
    await expect(control.getByRole('button', { name: 'Confirm scale to 6' })).toBeEnabled();

    // Closed, the field follows the live count again; a count typed and dropped with Escape too.
    await preview.press('Escape');
    await expect(field).toHaveValue('2');
    await field.fill('7');
    await field.press('Escape');
    await expect(field).toHaveValue('2');
  } finally {
    await deleteStack(request, name);
  }
  expect(errors).toEqual([]);
});
