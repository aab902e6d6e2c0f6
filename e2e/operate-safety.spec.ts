import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { WATCHED_KINDS } from '../lib/cluster/kinds';
import type { KubeObject } from '../lib/grove/meta';
import { parseManifests } from '../lib/grove/manifest';
import { collectErrors, tabUntilFocused } from './support/page';
import { holdStream, liveStreamSnapshot } from './support/stream';

/**
 * Operating a stack safely, on the simulated demo cluster: the undo of a scale follows the live count
 * (withdrawn once someone else scaled since; a preview and a guarded confirm otherwise), a member of a
 * scaling group points at its group's control, a stack being deleted claims no availability from its
 * stale status, and the delete dialog offers the live PodCliqueSet as YAML first.
 */

const HEADERS = { 'X-Canopy-Request': '1' };
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 36).toString(36)}`;

async function apply(request: APIRequestContext, yaml: string): Promise<void> {
  const response = await request.post('/api/apply', { data: yaml, headers: { ...HEADERS, 'content-type': 'application/yaml' } });
  expect(response.status(), await response.text()).toBe(200);
}

async function remove(request: APIRequestContext, name: string): Promise<void> {
  await request.post('/api/delete', { data: { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false }, headers: HEADERS });
}

/** Someone else's scale (curl /api/scale), not this page's. */
async function scaleElsewhere(request: APIRequestContext, name: string, replicas: number): Promise<void> {
  const response = await request.post('/api/scale', { data: { kind: 'PodClique', namespace: 'default', name, replicas, dryRun: false }, headers: HEADERS });
  expect(response.status(), await response.text()).toBe(200);
}

/** A frontend clique and a scaling group (leader + worker), CPU only. */
function stack(name: string): string {
  const pod = (n: string) => `{containers: [{name: ${n}, image: busybox, resources: {requests: {cpu: 100m, memory: 128Mi}}}]}`;
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: ${name}, namespace: default, labels: {team: safety}}
spec:
  replicas: 1
  template:
    cliques:
      - name: fe
        spec: {roleName: fe, replicas: 1, minAvailable: 1, podSpec: ${pod('fe')}}
      - name: lead
        spec: {roleName: lead, replicas: 1, minAvailable: 1, podSpec: ${pod('lead')}}
    podCliqueScalingGroups:
      - {name: grp, cliqueNames: [lead], replicas: 1, minAvailable: 1}
`;
}

/** This page scales the fe clique 1 → 2 (preview, confirm). */
async function scaleFeUp(page: Page, name: string) {
  const fe = await openStack(page, name);
  const clique = `${name}-0-fe`;
  await fe.getByRole('button', { name: `Scale ${clique}`, exact: true }).click();
  await fe.getByRole('button', { name: `Scale ${clique} up to 2` }).click();
  await fe.getByRole('button', { name: 'Confirm scale to 2' }).click();
  return { fe, clique };
}

async function openStack(page: Page, name: string) {
  await page.goto(`/workloads/default/${name}`);
  const fe = page.locator(`[data-testid="podclique"][data-name="${name}-0-fe"]`);
  await expect(fe.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(1, { timeout: 30_000 });
  return fe;
}

test('a scale changed by someone else since withdraws the undo and says so, instead of claiming its own progress', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = unique('safe-undo');
  await apply(request, stack(name));
  try {
    const { fe, clique } = await scaleFeUp(page, name);
    const progress = fe.getByTestId('scale-progress');
    await expect(progress.getByRole('button', { name: /^Undo \(\d+s\)$/ })).toBeVisible();

    // Someone else scales it to 4 within the undo's window.
    await scaleElsewhere(request, clique, 4);
    await expect(fe.getByText('now 4 pods')).toBeVisible({ timeout: 10_000 });
    await expect(progress.getByRole('status')).toHaveText(`Scaled ${clique} from 1 to 2; changed to 4 since (not by this page); undo withdrawn`);
    await expect(progress).toHaveAttribute('data-withdrawn', 'true');
    await expect(progress.getByRole('button', { name: /^Undo/ })).toHaveCount(0);
    // Still withdrawn when the count comes back to what this page set: the undo would not be this page's any more.
    await scaleElsewhere(request, clique, 2);
    await expect(fe.getByText('now 2 pods')).toBeVisible({ timeout: 10_000 });
    await expect(progress.getByRole('button', { name: /^Undo/ })).toHaveCount(0);
    await expect(progress.getByRole('button', { name: 'Dismiss scale progress' })).toBeVisible();
  } finally {
    await remove(request, name);
  }
  expect(errors).toEqual([]);
});

test('Undo opens a preview of the way back; a scale by someone else while it is open refuses its confirm', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = unique('safe-undo2');
  await apply(request, stack(name));
  try {
    const { fe, clique } = await scaleFeUp(page, name);
    await fe.getByRole('button', { name: /^Undo \(\d+s\)$/ }).click();
    const preview = fe.getByTestId('scale-preview');
    await expect(preview).toBeFocused();
    await expect(preview).toContainText(`Undo: scale PodClique ${clique} from 2 back to 1 pod`);
    await expect(fe.getByTestId('kubectl-command')).toHaveText(`kubectl scale podcliques/${clique} -n default --replicas=1`);
    const confirm = fe.getByRole('button', { name: 'Confirm undo: scale to 1' });
    await expect(confirm).toBeEnabled();

    await scaleElsewhere(request, clique, 3);
    await expect(fe.getByTestId('scale-refused')).toHaveText(`Refused: ${clique} changed to 3 since (not by this page); undo withdrawn`, { timeout: 10_000 });
    await expect(confirm).toBeDisabled();
    await fe.getByRole('button', { name: 'Cancel' }).click();
    await expect(fe.getByTestId('pod')).toHaveCount(3, { timeout: 10_000 });
  } finally {
    await remove(request, name);
  }
  expect(errors).toEqual([]);
});

test('a member of a scaling group offers its group’s scale control, by keyboard', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = unique('safe-grp');
  await apply(request, stack(name));
  try {
    await openStack(page, name);
    const member = page.locator(`[data-testid="podclique"][data-name="${name}-0-grp-0-lead"]`);
    await expect(member.getByRole('button', { name: `Scale ${name}-0-grp-0-lead`, exact: true })).toHaveCount(0);
    const link = member.getByRole('button', { name: `Scale group ${name}-0-grp`, exact: true });
    await tabUntilFocused(page, link, 60);
    await page.keyboard.press('Enter');
    const group = page.locator(`[data-testid="scaling-group"][data-name="${name}-0-grp"]`);
    await expect(group.getByRole('spinbutton', { name: `Replicas of ${name}-0-grp` })).toBeFocused();
    await expect(group.locator('[data-testid="scale-control"][data-kind="PodCliqueScalingGroup"]')).toBeVisible();
    await expect(member.getByTestId('scale-control')).toHaveCount(0);
  } finally {
    await remove(request, name);
  }
  expect(errors).toEqual([]);
});

test('a stack being deleted says what is left, not the replicas its stale status claims available', async ({ page }) => {
  const errors = collectErrors(page);
  const STACK = 'llama-disagg';
  await page.goto('/validate');
  const snapshot = await liveStreamSnapshot(page);
  const ofStack = (o: KubeObject) => o.metadata?.labels?.['app.kubernetes.io/part-of'] === STACK;
  const deleting = (o: KubeObject, extra: Record<string, unknown> = {}): KubeObject => ({ ...o, metadata: { ...o.metadata, deletionTimestamp: new Date().toISOString(), ...extra } });
  const kinds = { ...snapshot.kinds };
  const pcs = kinds.PodCliqueSet!.items.find((o) => o.metadata?.name === STACK) as KubeObject & { status?: { availableReplicas?: number } };
  // The stale status the reviewer saw: replicas available though the teardown has begun.
  expect(pcs.status?.availableReplicas).toBeGreaterThan(0);
  kinds.PodCliqueSet = { ...kinds.PodCliqueSet!, items: kinds.PodCliqueSet!.items.map((o) => (o === pcs ? deleting(o, { finalizers: ['foregroundDeletion'] }) : o)) };
  kinds.Pod = { ...kinds.Pod!, items: kinds.Pod!.items.map((o) => (ofStack(o) ? deleting(o) : o)) };
  const pods = kinds.Pod.items.filter(ofStack).length;
  const cliques = kinds.PodClique!.items.filter(ofStack).length;
  expect(pods).toBeGreaterThan(0);
  const states = Object.fromEntries(WATCHED_KINDS.map((kind) => [kind, { kind, since: Date.now(), status: 'live' }]));
  await holdStream(page, JSON.stringify({ seq: 0, kinds, states }));

  await page.goto(`/workloads/default/${STACK}`);
  await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'deleting');
  await expect(page.getByTestId('pcs-deleting-left')).toHaveText(new RegExp(`^${pods} pods left \\(${pods} terminating\\), ${cliques} PodCliques left`));
  await expect(page.getByTestId('pcs-available')).toHaveCount(0);
  await expect(page.locator('header').filter({ has: page.getByRole('heading', { level: 1 }) })).not.toContainText(/replicas? available/);
  expect(errors).toEqual([]);
});

test('the delete dialog offers the live PodCliqueSet as YAML to re-apply, by keyboard, in dark and light', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = unique('safe-del');
  await apply(request, stack(name));
  try {
    await openStack(page, name);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByTestId('delete-confirm');
    await expect(dialog).toBeVisible();
    const download = dialog.getByRole('button', { name: 'Download YAML' });
    await tabUntilFocused(page, download, 10);
    const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(file.suggestedFilename()).toBe(`default-${name}.yaml`);
    const text = readFileSync((await file.path())!, 'utf8');
    expect(text).not.toMatch(/^\s*(status|managedFields|uid|resourceVersion|creationTimestamp):/m);
    const [doc] = parseManifests(text).documents;
    expect(doc?.errors).toEqual([]);
    expect(doc?.object).toMatchObject({ kind: 'PodCliqueSet', metadata: { name, namespace: 'default', labels: { team: 'safety' } }, spec: { replicas: 1 } });
    await expect(dialog.getByRole('status')).toHaveText(`Saved default-${name}.yaml: kubectl apply -f it to recreate the stack.`);
    for (const colorScheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme });
      await expect(page.locator('html')).toHaveClass(colorScheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/);
      const { violations } = await new AxeBuilder({ page }).include('[data-testid="delete-confirm"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(violations.map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  } finally {
    await remove(request, name);
  }
  expect(errors).toEqual([]);
});
