/**
 * A stale edit in the Builder (the simulated cluster): a stack opened with `?edit=` is applied as of
 * the version opened, so another user's change made since (an image hotfix through /api/apply, the
 * same field manager `canopy`) is refused, not silently undone: the panel names who changed it and
 * when, shows what changed, and re-bases the edits onto the live version, keeping both.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { draft } from './support/builder';
import { pasteIntoEditor } from './support/page';
import { smallStack } from './support/stack';

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 90_000 });

const HEADERS = { 'X-Canopy-Request': '1' };
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const IMAGE = 'registry.invalid/canopy/engine:test';
const HOTFIX = 'registry.invalid/canopy/engine:hotfix';

async function applied(request: APIRequestContext, manifest: string, dryRun = false): Promise<{ unchanged: boolean; changes?: { path: string }[] }> {
  const response = await request.post(`/api/apply${dryRun ? '?dryRun=true' : ''}`, { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: manifest });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { results: { unchanged: boolean; changes?: { path: string }[] }[] }).results[0]!;
}

async function openForEditing(page: Page, namespace: string, name: string) {
  await page.goto(`/builder?edit=${namespace}/${name}`);
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('builder-notice')).toContainText(`Loaded the running stack ${namespace}/${name}`);
}

/**
 * The reviewer's steps: a new stack opened with ?edit=; meanwhile another user's image hotfix through
 * Canopy (the same field manager); in this tab only the termination delay, then the dry run.
 */
async function staleDryRun(page: Page, request: APIRequestContext, prefix: string) {
  const name = unique(prefix);
  const manifest = smallStack('team-a', name, 1);
  await applied(request, manifest);
  await openForEditing(page, 'team-a', name);
  await applied(request, manifest.replace(IMAGE, HOTFIX));
  await page.getByTestId('inspector').getByRole('textbox', { name: 'Termination delay' }).fill('60s');
  await expect(page.locator('.cm-line', { hasText: 'terminationDelay: 60s' })).toHaveCount(1);
  await page.getByRole('button', { name: 'Apply…' }).click();
  const apply = page.getByTestId('apply-panel');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  return { name, apply };
}

test("another user's change since the stack was opened is refused, named and shown; re-basing keeps it and the edit", async ({ page, request }) => {
  const { name, apply } = await staleDryRun(page, request, 'stale');

  // Refused, in plain words, with who changed it and when; no diff that would revert the hotfix.
  const failure = apply.getByTestId('apply-failure');
  await expect(failure).toContainText(new RegExp(`PodCliqueSet team-a/${name} changed on the cluster since you opened it \\(last changed by Canopy's apply at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC\\)`));
  await expect(apply.getByTestId('apply-results')).toHaveCount(0);
  await expect(apply.getByTestId('apply-confirm')).toHaveAttribute('aria-disabled', 'true');
  await expect(apply.getByTestId('apply-blocked')).toContainText('Your edits were made to an older version of this stack');

  // What changed on the cluster since: the hotfix, old and new.
  await apply.getByRole('button', { name: 'Show what changed' }).click();
  const changed = apply.getByTestId('apply-stale-changes');
  await expect(changed.getByRole('row', { name: /image/ }).getByRole('cell')).toHaveText([
    'spec.template.cliques[name="engine"].spec.podSpec.containers[name="engine"].image',
    JSON.stringify(IMAGE),
    JSON.stringify(HOTFIX),
  ]);

  // Re-based: the hotfix comes into the YAML, the edit stays; the dry run now changes only the delay.
  await apply.getByRole('button', { name: 'Re-base my edits onto the live version' }).click();
  await expect(page.getByTestId('builder-notice')).toContainText('Re-based your edits onto the live version');
  await expect(page.locator('.cm-line', { hasText: `image: ${HOTFIX}` })).toHaveCount(1);
  await expect(page.locator('.cm-line', { hasText: 'terminationDelay: 60s' })).toHaveCount(1);
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  const results = apply.getByTestId('apply-results');
  await expect(results).toContainText(`PodCliqueSet team-a/${name}: 1 change(s)`);
  await expect(results.getByRole('row', { name: /terminationDelay/ }).getByRole('cell')).toHaveText(['spec.template.terminationDelay', '"4h"', '"60s"']);
  await applyDespiteStatusWrites(apply, name);

  // On the cluster: both changes.
  expect((await applied(request, smallStack('team-a', name, 1, '\n    terminationDelay: 60s').replace(IMAGE, HOTFIX), true)).unchanged).toBe(true);

  // The work stands on the version it applied: a further edit applies without a refusal.
  await page.getByTestId('inspector').getByRole('textbox', { name: 'Termination delay' }).fill('90s');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await expect(results).toContainText(`PodCliqueSet team-a/${name}: 1 change(s)`);
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
});

/**
 * Apply the diff on screen. The simulated operator writes the new stack's status while its pods start: a
 * write that lands after the dry run and before the stream brings it refuses the apply (the version moved),
 * and the panel sends the apply again by itself once the page has that version (statusOnlyRetry), so one
 * press applies. That path is the product's too.
 */
async function applyDespiteStatusWrites(apply: Locator, name: string) {
  await apply.getByTestId('apply-confirm').click();
  await expect(apply.getByTestId('apply-results')).toContainText(`PodCliqueSet team-a/${name}: applied`, { timeout: 15_000 });
}

/** The dry run was refused as a stale edit: nothing to apply, nothing that would revert the hotfix. */
async function refusedAsStale(apply: Locator, name: string) {
  await expect(apply.getByTestId('apply-failure')).toContainText(`PodCliqueSet team-a/${name} changed on the cluster since you opened it`);
  await expect(apply.getByTestId('apply-results')).toHaveCount(0);
  await expect(apply.getByTestId('apply-confirm')).toHaveAttribute('aria-disabled', 'true');
}

test('Undo after a re-base brings back the old text with the version it was written against: its dry run is still refused, not applied over the hotfix', async ({ page, request }) => {
  const { name, apply } = await staleDryRun(page, request, 'undo');
  await refusedAsStale(apply, name);
  await apply.getByRole('button', { name: 'Re-base my edits onto the live version' }).click();
  await expect(page.locator('.cm-line', { hasText: `image: ${HOTFIX}` })).toHaveCount(1);

  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.locator('.cm-line', { hasText: `image: ${IMAGE}` })).toHaveCount(1);
  await expect(page.locator('.cm-line', { hasText: 'terminationDelay: 60s' })).toHaveCount(1);
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await refusedAsStale(apply, name);
  await expect(apply.getByTestId('apply-blocked')).toContainText('Your edits were made to an older version of this stack');
  // Still the hotfix on the cluster.
  expect((await applied(request, smallStack('team-a', name, 1).replace(IMAGE, HOTFIX), true)).unchanged).toBe(true);

  // Redo: the re-based text with the live version, whose dry run changes only the delay.
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(page.locator('.cm-line', { hasText: `image: ${HOTFIX}` })).toHaveCount(1);
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await expect(apply.getByTestId('apply-results')).toContainText(`PodCliqueSet team-a/${name}: 1 change(s)`);
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
});

/** A stack opened with ?edit=, the termination delay edited in it and saved as the draft. */
async function editedAndSaved(page: Page, request: APIRequestContext, prefix: string) {
  const name = unique(prefix);
  const manifest = smallStack('team-a', name, 1);
  await applied(request, manifest);
  await openForEditing(page, 'team-a', name);
  await page.getByTestId('inspector').getByRole('textbox', { name: 'Termination delay' }).fill('60s');
  await expect.poll(async () => (await draft(page)).text).toContain('terminationDelay: 60s');
  return { name, manifest };
}

/** The page's work, back with the edit: another user's hotfix, then the dry run, refused as stale. */
async function hotfixThenRefused(page: Page, request: APIRequestContext, name: string, manifest: string) {
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(page.locator('.cm-line', { hasText: 'terminationDelay: 60s' })).toHaveCount(1);
  await applied(request, manifest.replace(IMAGE, HOTFIX));
  await page.getByRole('button', { name: 'Apply…' }).click();
  const apply = page.getByTestId('apply-panel');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await refusedAsStale(apply, name);
  return apply;
}

test('a reload after ?edit= keeps the version opened: the edit is still applied as of it, and a change made since is refused', async ({ page, request }) => {
  const { name, manifest } = await editedAndSaved(page, request, 'reload');
  await page.reload();
  const apply = await hotfixThenRefused(page, request, name, manifest);
  await expect(apply.getByRole('button', { name: 'Re-base my edits onto the live version' })).toBeVisible();
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
});

test('a new tab after ?edit= opens the saved draft with the version opened: a change made since is refused', async ({ page, context, request }) => {
  const { name, manifest } = await editedAndSaved(page, request, 'newtab');
  await page.close();
  // A new tab (no session history): the text comes back from the saved draft alone.
  const tab = await context.newPage();
  await tab.goto('/builder');
  await hotfixThenRefused(tab, request, name, manifest);
  // Still the hotfix on the cluster.
  expect((await applied(request, manifest.replace(IMAGE, HOTFIX), true)).unchanged).toBe(true);
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
});

test('a stack pasted without a resourceVersion applies as before: last write wins', async ({ page, request }) => {
  const name = unique('paste');
  const manifest = smallStack('team-a', name, 1);
  await applied(request, manifest);
  await applied(request, manifest.replace(IMAGE, HOTFIX));
  // The manifest of before the hotfix, loaded from a file: nothing says which version it was read at.
  const file = test.info().outputPath('before.yaml');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, manifest);
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.getByTestId('builder-file-input').setInputFiles(file);
  await page.getByRole('button', { name: 'Apply…' }).click();
  const apply = page.getByTestId('apply-panel');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await expect(apply.getByTestId('apply-results').getByRole('row', { name: /image/ }).getByRole('cell')).toHaveText([
    'spec.template.cliques[name="engine"].spec.podSpec.containers[name="engine"].image',
    JSON.stringify(HOTFIX),
    JSON.stringify(IMAGE),
  ]);
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
});

/** The stack's manifest naming `version` as its own metadata.resourceVersion, as `kubectl get -o yaml` writes it. */
const pinnedTo = (manifest: string, version: string) => manifest.replace('  namespace: team-a\n', `  namespace: team-a\n  resourceVersion: "${version}"\n`);

test('an opened stack whose YAML names an older resourceVersion itself is refused once and told to remove it, not sent again by itself; without it, it is applied as of the version opened', async ({ page, request }) => {
  const name = unique('pinned');
  const manifest = smallStack('team-a', name, 1);
  const created = await request.post('/api/apply', { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: manifest });
  expect(created.status(), await created.text()).toBe(200);
  const version = ((await created.json()) as { results: { after: { metadata: { resourceVersion: string } } }[] }).results[0]!.after.metadata.resourceVersion;
  // The operator writes the new stack's status as its pod starts: wait until the cluster is past the version created (only its status changed).
  const pinnedDryRun = () => request.post('/api/apply?dryRun=true', { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: pinnedTo(manifest, version) });
  await expect.poll(async () => (await pinnedDryRun()).status(), { timeout: 30_000 }).toBe(409);

  await openForEditing(page, 'team-a', name);
  const edited = (text: string) => text.replace('    cliques:\n', '    terminationDelay: 60s\n    cliques:\n');
  await pasteIntoEditor(page.locator('.cm-content'), edited(pinnedTo(manifest, version)));
  await expect(page.locator('.cm-line', { hasText: `resourceVersion: "${version}"` })).toHaveCount(1);
  let sent = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/apply') sent++;
  });
  await page.getByRole('button', { name: 'Apply…' }).click();
  const apply = page.getByTestId('apply-panel');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await refusedAsStale(apply, name);
  // The version the YAML names is what every apply of it sends: no retries that would be refused alike, and no claim that only the status changed since it.
  await expect(apply.getByTestId('apply-blocked')).toHaveText(
    `Your YAML names metadata.resourceVersion ${version}, an older version than the cluster's, and an apply is sent with the version your YAML names, so it is refused again however often it is sent. Remove metadata.resourceVersion from your YAML: the builder then applies as of the version you opened (and still refuses a change made on the cluster since). Then run the dry run again.`,
  );
  expect(sent).toBe(1);

  // As advised: without the line, the builder sends the version opened, and the dry run shows just the edit.
  await pasteIntoEditor(page.locator('.cm-content'), edited(manifest));
  await expect(page.locator('.cm-line', { hasText: 'resourceVersion' })).toHaveCount(0);
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  const results = apply.getByTestId('apply-results');
  await expect(results).toContainText(`PodCliqueSet team-a/${name}: 1 change(s)`);
  await expect(results.getByRole('row', { name: /terminationDelay/ }).getByRole('cell')).toHaveText(['spec.template.terminationDelay', '"4h"', '"60s"']);
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
});

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test('the stale-edit refusal, what changed and its buttons pass axe (WCAG 2.1 A/AA, contrast included) and work by keyboard', async ({ page, request }) => {
      const { name, apply } = await staleDryRun(page, request, 'axe');
      await expect(apply.getByTestId('apply-stale')).toBeVisible();
      const show = apply.getByRole('button', { name: 'Show what changed' });
      await show.focus();
      await page.keyboard.press('Enter');
      await expect(show).toHaveAttribute('aria-expanded', 'true');
      await expect(apply.getByTestId('apply-stale-changes').getByRole('row', { name: /image/ })).toHaveCount(1);
      const { violations } = await new AxeBuilder({ page }).include('[data-testid="apply-panel"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await page.keyboard.press('Tab');
      await expect(apply.getByRole('button', { name: 'Re-base my edits onto the live version' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('builder-notice')).toContainText('Re-based your edits onto the live version');
      await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
    });
  });
}
