import * as k8s from '@kubernetes/client-node';
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseManifests } from '../../lib/grove/manifest';
import { grant, serviceAccountKubeconfig } from '../support/identities';
import { smallStack } from '../support/stack';
import { startCanopyServer, type CanopyServer } from './canopyServer';
import { createNamespace, liveKubeConfig, PODCLIQUESETS } from './helpers';

/**
 * A platform engineer's Canopy: a ServiceAccount with Roles in two team namespaces (A, where it lives
 * and which its context names, and B) and none in a third (C), no ClusterRole. A second `next start`
 * serves the build with that kubeconfig. Choosing B in the header's cluster panel shows B's stack (the
 * server now watches B for this browser), and the banner names B; C says the identity may not list
 * PodCliqueSets there.
 *
 * Two tabs of one browser share the choice (localStorage, per cluster) and one stream (the tab holding
 * it relays to the other): a choice in either tab moves both, and this needs a namespace-scoped identity,
 * since only then does the choice change what the server sends (in the simulated cluster every kind is
 * listed cluster-wide and a tab only filters what it already has). The server runs with
 * CANOPY_MAX_WATCHED_NAMESPACES=1: a second browser choosing another namespace is told so, and gets it
 * when the first browser leaves.
 */
test.describe.configure({ mode: 'serial' });

const ACCOUNT = 'platform';
const admin = liveKubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
const custom = admin.makeApiClient(k8s.CustomObjectsApi);
const READ: k8s.V1PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['grove.io'], resources: ['podcliquesets', 'podcliques', 'podcliquescalinggroups'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['scheduler.grove.io'], resources: ['podgangs'], verbs: ['get', 'list', 'watch'] },
];

let a = '';
let b = '';
let c = '';
let configDir = '';
let server: CanopyServer | undefined;

const at = (page: Page, pathname: string) => page.goto(`${server!.url}${pathname}`);
const row = (page: Page, namespace: string) => page.locator(`[data-testid="workload-row"][data-name="stack"][data-namespace="${namespace}"]`);
const banner = (page: Page) => page.getByTestId('access-banner');
const scopeLine = (namespace: string) => `Namespace ${namespace} only: you may not list Pods, PodCliqueSets, PodCliques, PodCliqueScalingGroups, PodGangs, Events cluster-wide.`;

/** Chooses `namespace` in the header's cluster panel, by keyboard. */
async function choose(page: Page, namespace: string): Promise<void> {
  await page.getByRole('button', { name: /^Cluster:/ }).click();
  const field = page.getByRole('group', { name: 'Cluster connection' }).getByLabel('Namespace', { exact: true });
  await field.fill(namespace);
  await field.press('Enter');
  await page.keyboard.press('Escape');
}

/** Records every text the workloads list's status line shows from now on (a MutationObserver in the page). */
async function recordStatus(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const look = () => {
      // The list's own line (a <p>), not the header's banner, which is a status too.
      for (const status of document.querySelectorAll('main p[role="status"]')) if (/PodCliqueSet|Loading/.test(status.textContent ?? '')) seen.push(status.textContent ?? '');
    };
    look();
    (window as unknown as { seenStatus: string[] }).seenStatus = seen;
    new MutationObserver(look).observe(document.body, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { seenStatus: string[] }).seenStatus);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  a = await createNamespace(core, 'team-a');
  b = await createNamespace(core, 'team-b');
  c = await createNamespace(core, 'team-c');
  configDir = mkdtempSync(path.join(tmpdir(), 'canopy-e2e-platform-'));
  const kubeconfigPath = path.join(configDir, 'config');
  await serviceAccountKubeconfig(admin, a, ACCOUNT, kubeconfigPath);
  await grant(rbac, a, ACCOUNT, 'reader', READ);
  // B's RoleBinding names the account, which lives in A.
  await rbac.createNamespacedRole({ namespace: b, body: { metadata: { name: 'reader' }, rules: READ } });
  await rbac.createNamespacedRoleBinding({
    namespace: b,
    body: { metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: ACCOUNT, namespace: a }] },
  });
  for (const ns of [a, b, c]) await custom.createNamespacedCustomObject({ ...PODCLIQUESETS, namespace: ns, body: parseManifests(smallStack(ns, 'stack', 1)).documents[0]!.object as object });
  // startCanopyServer passes this process's environment on; put back at once for other specs of this worker.
  const limitBefore = process.env.CANOPY_MAX_WATCHED_NAMESPACES;
  process.env.CANOPY_MAX_WATCHED_NAMESPACES = '1';
  try {
    server = await startCanopyServer(kubeconfigPath);
  } finally {
    if (limitBefore === undefined) delete process.env.CANOPY_MAX_WATCHED_NAMESPACES;
    else process.env.CANOPY_MAX_WATCHED_NAMESPACES = limitBefore;
  }
});

test.afterAll(async () => {
  await server?.stop();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  for (const ns of [a, b, c]) if (ns) await core.deleteNamespace({ name: ns }).catch(() => {});
});

test('choosing team B in the header shows B’s stack, never "none" while it loads; team C says it may not be listed', async ({ page }) => {
  await at(page, '/workloads');
  await expect(row(page, a)).toBeVisible();
  await expect(banner(page)).toContainText(scopeLine(a));
  await expect(row(page, b)).toHaveCount(0);

  const seen = await recordStatus(page);
  await choose(page, b);
  await expect(row(page, b)).toBeVisible();
  await expect(row(page, a)).toHaveCount(0);
  await expect(page.getByText(`1 of 1 PodCliqueSet in namespace ${b}.`, { exact: true })).toBeVisible();
  await expect(banner(page)).toContainText(scopeLine(b));
  // Between the choice and B's snapshot: loading, never an empty list of B.
  const texts = await seen();
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.filter((text) => /^0 of 0 PodCliqueSets/.test(text) || /may not list/.test(text))).toEqual([]);
  await page.getByRole('button', { name: /^Cluster:/ }).click();
  await expect(page.getByRole('list', { name: 'Watches' }).getByRole('listitem').filter({ hasText: /^PodCliqueSet/ })).toContainText(`live in ${b}`);
  await page.keyboard.press('Escape');

  await choose(page, c);
  await expect(page.getByRole('status').filter({ hasText: `You may not list PodCliqueSets in ${c}.` })).toBeVisible();
  await expect(row(page, b)).toHaveCount(0);
  await expect(banner(page)).toContainText(`neither cluster-wide nor in namespace ${c}`);
});

/** The namespace the header's cluster panel shows as chosen. */
async function chosenIn(page: Page): Promise<string> {
  await page.getByRole('button', { name: /^Cluster:/ }).click();
  const value = await page.getByRole('group', { name: 'Cluster connection' }).getByLabel('Namespace', { exact: true }).inputValue();
  await page.keyboard.press('Escape');
  return value;
}

test('a second tab follows the namespace chosen in the first (B’s stack, the banner naming B), and the first follows one chosen in the second', async ({ context }) => {
  const first = await context.newPage();
  await at(first, '/workloads');
  await expect(row(first, a)).toBeVisible();
  const second = await context.newPage();
  await at(second, '/workloads');
  await expect(row(second, a)).toBeVisible();

  await choose(first, b);
  for (const page of [first, second]) {
    await expect(row(page, b)).toBeVisible();
    await expect(row(page, a)).toHaveCount(0);
    await expect(page.getByText(`1 of 1 PodCliqueSet in namespace ${b}.`, { exact: true })).toBeVisible();
    await expect(banner(page)).toContainText(scopeLine(b));
  }
  expect(await chosenIn(second)).toBe(b);

  // The other way round: whichever tab holds the stream, the choice moves both.
  await choose(second, a);
  for (const page of [second, first]) {
    await expect(row(page, a)).toBeVisible();
    await expect(row(page, b)).toHaveCount(0);
    await expect(banner(page)).toContainText(scopeLine(a));
  }
  expect(await chosenIn(first)).toBe(a);
});

test('past CANOPY_MAX_WATCHED_NAMESPACES (1 here) a second browser choosing C is told the limit, and gets C once the first browser, on B, leaves', async ({ browser }) => {
  const one = await browser.newContext();
  const two = await browser.newContext();
  try {
    const onB = await one.newPage();
    await at(onB, '/workloads');
    await choose(onB, b);
    await expect(row(onB, b)).toBeVisible();

    const onC = await two.newPage();
    await at(onC, '/workloads');
    await expect(row(onC, a)).toBeVisible();
    await choose(onC, c);
    const limit = 'Canopy is already watching 1 namespace (the limit, CANOPY_MAX_WATCHED_NAMESPACES); close a tab watching another namespace or raise the limit';
    await expect(onC.getByRole('status').filter({ hasText: `Could not list PodCliqueSets in ${c}: ${limit}.` })).toBeVisible();
    await expect(row(onC, a)).toHaveCount(0);
    // The first browser keeps B.
    await expect(row(onB, b)).toBeVisible();

    await one.close();
    await expect(onC.getByRole('status').filter({ hasText: `You may not list PodCliqueSets in ${c}.` })).toBeVisible();
  } finally {
    await one.close().catch(() => {});
    await two.close();
  }
});

