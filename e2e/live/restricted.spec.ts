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
 * Canopy as a platform user runs it: a ServiceAccount whose Role lets it read pods, events and the
 * Grove kinds in its one namespace, and nothing else (no Nodes, no scale, no delete). A second
 * `next start` serves the same build with that identity's kubeconfig (a TokenRequest token); the admin
 * client applies the stack and checks afterwards that nothing in the cluster changed.
 *
 * The page asks the apiserver up front (SelfSubjectAccessReview) and disables Scale; the apiserver's own
 * 403 is reached when a right is withdrawn after the page asked, which the last test does for real
 * (a second Role granting scale, deleted while the page is open). The cluster panel's Access line and
 * the builder (its topology note, a new stack's namespace) speak of this identity too.
 */
test.describe.configure({ mode: 'serial' });

const VIEWER = 'viewer';
const STACK = 'small';

const admin = liveKubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
const custom = admin.makeApiClient(k8s.CustomObjectsApi);

let namespace = '';
let elsewhere = '';
let configDir = '';
let viewerConfig: k8s.KubeConfig;
let server: CanopyServer | undefined;

/** A page of the viewer's Canopy (the project's baseURL is the admin's). */
const at = (page: Page, pathname: string) => page.goto(`${server!.url}${pathname}`);

/** Whether the viewer may scale the stack now, as the apiserver answers the viewer itself. */
async function viewerMayScale(): Promise<boolean> {
  const review = await viewerConfig.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { verb: 'patch', group: 'grove.io', resource: 'podcliquesets', subresource: 'scale', namespace, name: STACK } } },
  });
  return review.status?.allowed === true;
}

/** What a scale would have changed: the stack's spec and version, and the pods in its namespace. */
async function clusterView(): Promise<{ replicas: number; generation: number; resourceVersion: string; pods: string[] }> {
  const pcs = (await custom.getNamespacedCustomObject({ ...PODCLIQUESETS, namespace, name: STACK })) as { metadata: { generation: number; resourceVersion: string }; spec: { replicas: number } };
  const pods = (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata!.name!).sort();
  return { replicas: pcs.spec.replicas, generation: pcs.metadata.generation, resourceVersion: pcs.metadata.resourceVersion, pods };
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  namespace = await createNamespace(core, 'team');
  elsewhere = await createNamespace(core, 'other-team');
  configDir = mkdtempSync(path.join(tmpdir(), 'canopy-e2e-viewer-'));
  const kubeconfigPath = path.join(configDir, 'config');
  viewerConfig = await serviceAccountKubeconfig(admin, namespace, VIEWER, kubeconfigPath);
  await grant(rbac, namespace, VIEWER, 'stack-viewer', [
    { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['grove.io'], resources: ['podcliquesets', 'podcliques', 'podcliquescalinggroups'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['scheduler.grove.io'], resources: ['podgangs'], verbs: ['get', 'list', 'watch'] },
  ]);

  // The admin's stacks: one in the viewer's namespace, one in a namespace it may not read.
  for (const ns of [namespace, elsewhere]) {
    await custom.createNamespacedCustomObject({ ...PODCLIQUESETS, namespace: ns, body: parseManifests(smallStack(ns, STACK, 1)).documents[0]!.object as object });
  }
  server = await startCanopyServer(kubeconfigPath);
});

test.afterAll(async () => {
  await server?.stop();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  for (const ns of [namespace, elsewhere]) if (ns) await core.deleteNamespace({ name: ns }).catch(() => {});
});

test('the header names the namespace scope, and the admin’s stack in that namespace is listed (no other namespace’s)', async ({ page }) => {
  await at(page, '/workloads');
  const status = page.getByRole('button', { name: /^Cluster:/ });
  await expect(status.getByTestId('connection-state')).toHaveText('Limited');
  await expect(status).toContainText(VIEWER);
  await expect(page.getByTestId('access-banner')).toHaveText(
    `Namespace ${namespace} only: you may not list Pods, PodCliqueSets, PodCliques, PodCliqueScalingGroups, PodGangs, Events cluster-wide. ` +
      'You may not list Nodes, ClusterTopologyBindings, so the topology page cannot show GPUs.',
  );
  await status.click();
  const watches = page.getByRole('list', { name: 'Watches' });
  await expect(watches.getByRole('listitem').filter({ hasText: /^PodCliqueSet/ })).toContainText(`live in ${namespace}`);
  await expect(watches.getByRole('listitem').filter({ hasText: /^Node/ })).toContainText('forbidden');
  await page.keyboard.press('Escape');

  const row = page.locator(`[data-testid="workload-row"][data-name="${STACK}"][data-namespace="${namespace}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('pod-count')).toHaveText('1/1 ready', { timeout: 60_000 });
  // Every namespace the server lists: the viewer's only, although the other team has a stack of the same name.
  await page.getByLabel('Namespaces').selectOption('all');
  await expect(page.locator(`[data-testid="workload-row"][data-name="${STACK}"]`)).toHaveCount(1);
  await expect(page.locator(`[data-testid="workload-row"][data-namespace="${elsewhere}"]`)).toHaveCount(0);
  // …and the count says where it was listed, not "in all namespaces".
  await expect(page.getByText(`1 of 1 PodCliqueSet in namespace ${namespace} (the only one this identity may list them in).`, { exact: true })).toBeVisible();
});

test('the topology page says the nodes cannot be read, never "0 GPUs"', async ({ page }) => {
  await at(page, '/topology');
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'forbidden');
  await expect(page.getByTestId('heatmap-connection')).toHaveText('Heatmap data: Not readable: you may not list Nodes');
  await expect(page.getByTestId('heatmap-unavailable')).toHaveText(
    `You may not list Nodes, so the map cannot show the cluster’s GPUs (nodes is forbidden: User "system:serviceaccount:${namespace}:${VIEWER}" cannot list resource "nodes" in API group "" at the cluster scope).`,
  );
  await expect(page.getByTestId('gpu-total')).toHaveCount(0);
});

test('the cluster panel says what the viewer may do (read only), not the server’s read-write setting', async ({ page }) => {
  await at(page, '/workloads');
  const status = page.getByRole('button', { name: /^Cluster:/ });
  await expect(status.getByTestId('connection-state')).toHaveText('Limited');
  await status.click();
  await expect(page.getByRole('group', { name: 'Cluster connection' }).getByTestId('cluster-access')).toHaveText(
    `Read only (this identity may not create, scale or delete PodCliqueSets in ${namespace})`,
  );
});

test('the builder says the viewer may not list ClusterTopologyBindings (not that there are none), and a new stack is in the viewer’s namespace', async ({ page }) => {
  await at(page, '/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  const yaml = page.locator('.cm-content');
  // The untouched blank start, then a template: both in the namespace the header has chosen (the viewer's).
  await expect(yaml).toContainText(`namespace: ${namespace}`);
  await page.locator('#builder-template').selectOption({ label: 'Single-node aggregated' });
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(yaml).toContainText(`namespace: ${namespace}`);
  await expect(yaml).not.toContainText('namespace: default');
  await expect(page.getByTestId('inspector').getByTestId('topology-note').first()).toHaveText('You may not list ClusterTopologyBindings, so levels are free text in the YAML.');
});

test('Scale and Delete are refused up front, from the viewer’s own access review', async ({ page }) => {
  await at(page, `/workloads/${namespace}/${STACK}`);
  const scale = page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
  await expect(scale.getByTestId('scale-disabled-reason')).toHaveText(`You may not scale PodCliqueSet ${STACK} (needs patch on podcliquesets/scale in namespace ${namespace})`);
  await expect(scale.getByRole('button', { name: `Scale ${STACK} up to 2` })).toBeDisabled();
  await expect(page.getByTestId('delete-disabled-reason')).toHaveText(`You may not delete this PodCliqueSet (needs delete on podcliquesets in namespace ${namespace})`);
  await expect(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();
  // The stack's pods are listed; where they run is not drawn without the Nodes.
  await expect(page.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByText('Not shown: you may not list Nodes, so the cluster’s nodes cannot be read.', { exact: true })).toBeVisible();
});

test('a scale whose right was withdrawn after the page loaded is refused with the apiserver’s 403 reason, and the cluster is unchanged', async ({ page }) => {
  // A grant of scale for a moment: the page loads while the viewer may scale, then the admin withdraws it.
  await grant(rbac, namespace, VIEWER, 'scaler', [{ apiGroups: ['grove.io'], resources: ['podcliquesets/scale'], verbs: ['get', 'patch', 'update'] }]);
  await expect.poll(viewerMayScale, { timeout: 15_000 }).toBe(true);

  await at(page, `/workloads/${namespace}/${STACK}`);
  const scale = page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
  const up = scale.getByRole('button', { name: `Scale ${STACK} up to 2` });
  await expect(up).toBeEnabled();
  await expect(scale.getByTestId('scale-disabled-reason')).toHaveCount(0);

  await rbac.deleteNamespacedRoleBinding({ namespace, name: 'scaler' });
  await expect.poll(viewerMayScale, { timeout: 15_000 }).toBe(false);
  const before = await clusterView();

  await up.click();
  await expect(scale.getByTestId('scale-refused')).toHaveText(
    `Refused: The server refuses: podcliquesets.grove.io "${STACK}" is forbidden: User "system:serviceaccount:${namespace}:${VIEWER}" cannot patch resource "podcliquesets/scale" in API group "grove.io" in the namespace "${namespace}"`,
  );
  await expect(scale.getByRole('button', { name: 'Confirm scale to 2' })).toBeDisabled();

  // Nothing changed: the admin sees the same object version, replicas and pods, a moment later too.
  await page.waitForTimeout(1_000);
  expect(await clusterView()).toEqual(before);
  expect(before.replicas).toBe(1);
});
