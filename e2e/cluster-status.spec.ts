import { expect, test, type Page } from '@playwright/test';
import { collectErrors, luminance, tabUntilFocused } from './support/page';

/**
 * The header's cluster control against what the Playwright web server runs: no kubeconfig in the
 * environment, so the simulated demo cluster (server/sources/index.ts).
 */

const clusterButton = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Cluster:/ });

test('the banner says the cluster is simulated and names the scenario; the stream goes live', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  const banner = page.getByTestId('simulated-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Simulated cluster');
  await expect(banner).toContainText('“demo”');
  await expect(banner).toContainText('changes stay in this process');

  const button = clusterButton(page);
  await expect(button).toContainText('Simulated: demo');
  // "Live" only once the stream delivered a snapshot (and every upstream watch is live).
  await expect(button.getByTestId('connection-state')).toHaveText('Live', { timeout: 20_000 });
  await expect(button).toHaveAttribute('data-connection', 'live');
  // Not colour alone: the state is a word, and screen readers get it from a live region too.
  await expect(page.getByRole('status').filter({ hasText: 'Cluster connection: Live' })).toBeAttached();

  // The banner stays on other pages (it lives in the layout), still with no errors.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Validate' }).click();
  await expect(page.getByTestId('simulated-banner')).toBeVisible();
  await expect(clusterButton(page).getByTestId('connection-state')).toHaveText('Live', { timeout: 20_000 });
  expect(errors).toEqual([]);
});

test('keyboard: the cluster control opens, shows the source and watches, sets the namespace, and closes with Escape', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/topology');
  const button = clusterButton(page);
  await expect(button.getByTestId('connection-state')).toHaveText('Live', { timeout: 20_000 });

  await tabUntilFocused(page, button);
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(button).toHaveAttribute('aria-expanded', 'true');

  const panel = page.getByRole('group', { name: 'Cluster connection' });
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('Simulated cluster (scenario “demo”)');
  const watches = panel.getByRole('list', { name: 'Watches' });
  await expect(watches.getByRole('listitem').filter({ hasText: 'PodCliqueSet' })).toContainText('live');
  // A simulated cluster has no kubeconfig contexts: no context switch is offered.
  await expect(panel.getByLabel('Context')).toHaveCount(0);

  // Into the panel by Tab: the namespace field, labelled, starting at the source's default namespace.
  const namespace = panel.getByRole('combobox', { name: 'Namespace' });
  await tabUntilFocused(page, namespace, 10);
  await expect(namespace).toHaveValue('default');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Bad_Name');
  await expect(namespace).toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByRole('button', { name: 'Use' })).toBeDisabled();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('team-a');
  await page.keyboard.press('Enter');
  await expect(panel).toContainText('In use: team-a.');
  await expect(namespace).toBeFocused();
  expect(await page.evaluate(() => localStorage.getItem('canopy-namespace:simulated:demo'))).toBe('team-a');

  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(button).toBeFocused();
  await expect(button).toHaveAttribute('aria-expanded', 'false');

  // Kept across a reload (per browser, per cluster).
  await page.reload();
  await clusterButton(page).click();
  await expect(page.getByRole('combobox', { name: 'Namespace' })).toHaveValue('team-a');
  expect(errors).toEqual([]);
});

test('the banner and the control read in dark and in light mode', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto('/');
    const banner = page.getByTestId('simulated-banner');
    await expect(banner).toBeVisible();
    const l = await luminance(banner);
    if (colorScheme === 'dark') expect(l).toBeLessThan(0.1);
    else expect(l).toBeGreaterThan(0.7);
    await clusterButton(page).click();
    const panel = page.getByRole('group', { name: 'Cluster connection' });
    await expect(panel).toBeVisible();
    const p = await luminance(panel);
    if (colorScheme === 'dark') expect(p).toBeLessThan(0.1);
    else expect(p).toBeGreaterThan(0.7);
    expect(errors).toEqual([]);
    await context.close();
  }
});

test('Access says what this identity may do in the header’s namespace, from its access review (full in the demo; a viewer’s answer is read only)', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/validate');
  await expect(clusterButton(page)).toContainText('Simulated: demo', { timeout: 20_000 });
  await clusterButton(page).click();
  const access = page.getByRole('group', { name: 'Cluster connection' }).getByTestId('cluster-access');
  await expect(access).toHaveText('Read and write: this identity may create, scale and delete PodCliqueSets in default');

  // A namespace-scoped viewer in team-a: the server is not read-only, but every change is refused to it.
  await page.evaluate(() => localStorage.setItem('canopy-namespace:simulated:demo', 'team-a'));
  const asked: string[] = [];
  await page.route('**/api/capabilities**', async (route) => {
    const namespace = new URL(route.request().url()).searchParams.get('namespace') ?? '';
    asked.push(namespace);
    const no = { allowed: false, reason: 'RBAC: not allowed' };
    const stacks = { apply: no, delete: no, scale: no };
    await route.fulfill({ json: { namespace, readOnly: false, kinds: { PodCliqueSet: stacks, PodClique: stacks, PodCliqueScalingGroup: stacks, ClusterTopologyBinding: { apply: no, delete: no } } } });
  });
  await page.reload();
  await expect(clusterButton(page)).toContainText('Simulated: demo', { timeout: 20_000 });
  await clusterButton(page).click();
  await expect(access).toHaveText('Read only (this identity may not create, scale or delete PodCliqueSets in team-a)');
  expect(asked).toEqual(['team-a']);

  // One that may scale but not create or delete is said as such.
  await page.unroute('**/api/capabilities**');
  await page.route('**/api/capabilities**', (route) =>
    route.fulfill({ json: { namespace: 'team-a', readOnly: false, kinds: { PodCliqueSet: { apply: { allowed: false }, delete: { allowed: false }, scale: { allowed: true } } } } }),
  );
  await page.keyboard.press('Escape');
  await clusterButton(page).click();
  await expect(access).toHaveText('Limited: this identity may scale PodCliqueSets in team-a, but not create or delete them');

  // The server's own read-only mode keeps its wording.
  await page.unroute('**/api/capabilities**');
  await page.route('**/api/capabilities**', (route) => route.fulfill({ json: { namespace: 'team-a', readOnly: true, kinds: {} } }));
  await page.keyboard.press('Escape');
  await clusterButton(page).click();
  await expect(access).toHaveText('Read-only: changes are refused');
  expect(errors).toEqual([]);
});
