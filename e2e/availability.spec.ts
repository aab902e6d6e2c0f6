import { expect, test, type Page } from '@playwright/test';
import { WATCHED_KINDS, type WatchedKind } from '../lib/cluster/kinds';
import type { ConnectionStates, KindConnectionState, StreamSnapshot } from '../lib/cluster/stream';
import type { KubeObject } from '../lib/grove/meta';
import { collectErrors } from './support/page';
import { emitToHeldStreams, holdStream, liveStreamSnapshot } from './support/stream';

/**
 * A list Canopy could not read is never shown as "there are none", and what can never load is not
 * "loading" for ever. The page's stream is answered with the simulated demo cluster's own snapshot,
 * some kinds emptied and in the state the server gives them for a restricted identity (403: may not
 * list) or a bad token (401 on every kind). The answer comes from an EventSource stand-in that stays
 * open, as the real stream does (a routed answer would end, and the tab would be reconnecting).
 */

const STACK = 'llama-disagg';

/** The demo cluster's snapshot with every kind live. */
async function liveSnapshot(page: Page): Promise<StreamSnapshot> {
  await page.goto('/validate');
  return liveStreamSnapshot(page);
}

type Refusals = Partial<Record<WatchedKind, Pick<KindConnectionState, 'status' | 'httpStatus' | 'lastError'>>>;

/** Every kind's connection state: the `refused` ones as given, the others live. */
function kindStates(refused: Refusals): ConnectionStates {
  return Object.fromEntries(WATCHED_KINDS.map((kind) => [kind, { kind, since: Date.now(), ...(refused[kind] ?? { status: 'live' }) }]));
}

/** `snapshot` with the `refused` kinds emptied and in the state given, as the stream's snapshot data. */
function answer(snapshot: StreamSnapshot, refused: Refusals): string {
  const out: StreamSnapshot = { seq: 0, kinds: {}, states: kindStates(refused) };
  for (const kind of WATCHED_KINDS) out.kinds[kind] = refused[kind] ? { resourceVersion: '1', items: [] } : snapshot.kinds[kind]!;
  return JSON.stringify(out);
}

/** The held-open stream reports `failing` kinds in error from now on (the server's `state` event); their objects stay in the tab's store. */
async function failKinds(page: Page, failing: Refusals): Promise<void> {
  await emitToHeldStreams(page, 'state', JSON.stringify(kindStates(failing)));
}

const forbidden = (plural: string) => ({ status: 'error' as const, httpStatus: 403, lastError: `${plural} is forbidden: User "viewer" cannot list resource "${plural}"` });
const unauthorized = { status: 'error' as const, httpStatus: 401, lastError: 'Unauthorized' };

/** The reviewer's viewer: get/list/watch on PodCliqueSets, PodCliques and Pods only. */
const VIEWER: Refusals = {
  Node: forbidden('nodes'),
  PodGang: forbidden('podgangs'),
  Event: forbidden('events'),
  PodCliqueScalingGroup: forbidden('podcliquescalinggroups'),
  ClusterTopologyBinding: forbidden('clustertopologybindings'),
};
const BAD_TOKEN: Refusals = Object.fromEntries(WATCHED_KINDS.map((kind) => [kind, unauthorized]));

test('a bad token (401 on every kind): the pages say the lists could not be read, not that there are none', async ({ page }) => {
  const errors = collectErrors(page);
  const snapshot = await liveSnapshot(page);
  await holdStream(page, answer(snapshot, BAD_TOKEN));

  await page.goto('/workloads');
  const status = page.getByRole('status').filter({ hasText: /PodCliqueSet/ });
  await expect(status).toHaveText(/^Could not list PodCliqueSets in \S+: Unauthorized\.$/);
  await expect(page.getByRole('table', { name: 'PodCliqueSets' })).toContainText(/Could not list PodCliqueSets in \S+: Unauthorized\./);
  await expect(page.getByText(/No PodCliqueSets|0 of 0/)).toHaveCount(0);

  await page.goto(`/workloads/default/${STACK}`);
  await expect(page.getByRole('status').filter({ hasText: /PodCliqueSet/ })).toHaveText('Could not list PodCliqueSets in default: Unauthorized.');
  await expect(page.getByText(/There is no PodCliqueSet/)).toHaveCount(0);

  await page.goto('/topology');
  // The map's own badge follows the kinds it is drawn from, not only the stream to Canopy.
  const badge = page.getByTestId('heatmap-connection');
  await expect(badge).toHaveAttribute('data-state', 'failed');
  await expect(badge).toContainText('Retrying: could not list Nodes: Unauthorized; Pods: Unauthorized');
  await expect(page.getByTestId('heatmap-unavailable')).toHaveText('Could not list Nodes: Unauthorized. The map shows the GPUs once the nodes can be read.');
  await expect(page.getByText(/no nodes with GPUs/)).toHaveCount(0);
  await expect(page.getByTestId('gpu-total')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a viewer (PodGangs, Events, Nodes, scaling groups refused): the stack page says what it may not read, and nothing waits for ever', async ({ page }) => {
  const errors = collectErrors(page);
  const snapshot = await liveSnapshot(page);
  await holdStream(page, answer(snapshot, VIEWER));
  await page.goto(`/workloads/default/${STACK}`);

  await expect(page.getByTestId('gangs-empty')).toHaveText('You may not list PodGangs in default.');
  await expect(page.getByTestId('events-empty')).toHaveText('You may not list Events in default.');
  await expect(page.getByText('No PodGangs.')).toHaveCount(0);
  await expect(page.getByText(/No events for these objects/)).toHaveCount(0);
  await expect(page.getByTestId('placement-unavailable')).toHaveText('Not shown: you may not list Nodes, so the cluster’s nodes cannot be read.');
  await expect(page.getByText('Loading the nodes…')).toHaveCount(0);

  // Scaling-group members stay in their group, from their label; the startup order counts them.
  const group = page.locator('[data-testid="scaling-group"][data-name="llama-disagg-0-prefill"]');
  await expect(group).toBeVisible();
  await expect(group.getByTestId('group-unread')).toContainText('You may not list PodCliqueScalingGroups in default.');
  await expect(group.locator('[data-testid="pod"]').first()).toBeVisible();
  const pleader = page.locator('[data-testid="startup-item"][data-clique="pleader"]');
  await expect(pleader).toContainText(/pleader: (ready|gate met), [1-9]\d* of [1-9]\d* pods? ready; startup gate: 1 ready pod/);

  // A scale preview cannot place without the nodes: it says why, instead of "not loaded yet".
  const control = page.getByTestId('scale-control').first();
  await control.getByRole('button', { name: /^Scale llama-disagg up to/ }).click();
  await expect(control.getByTestId('scale-preview')).toContainText('Placement preview unavailable: you may not list Nodes, so the cluster’s nodes cannot be read');
  await expect(control.getByText(/not loaded yet/)).toHaveCount(0);
  await control.getByRole('button', { name: 'Cancel' }).click();

  await page.goto('/topology');
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'forbidden');
  await expect(page.getByTestId('heatmap-unavailable')).toContainText('You may not list Nodes, so the map cannot show the cluster’s GPUs');
  await expect(page.getByText(/no nodes with GPUs|Workloads \(0\)/)).toHaveCount(0);
  // No empty map furniture (colour modes, an empty table) around nodes that cannot be read.
  await expect(page.getByRole('heading', { name: 'Table view' })).toHaveCount(0);
  // The preview says it cannot be placed, and why: not "waiting for the nodes".
  const yaml = `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: probe, namespace: default}\nspec:\n  replicas: 1\n  template:\n    cliques:\n      - name: w\n        spec: {replicas: 1, podSpec: {containers: [{name: w, image: x, resources: {limits: {nvidia.com/gpu: "1"}}}]}}\n`;
  await page.locator('#preview-yaml').fill(yaml);
  await page.getByRole('button', { name: /^Preview/ }).first().click();
  await expect(page.getByTestId('preview-problems')).toContainText('No placement preview: you may not list Nodes, so the cluster’s nodes cannot be read');
  await expect(page.getByText(/Waiting for the cluster’s nodes/)).toHaveCount(0);

  // The builder's preview too: nodes that cannot be read are said, not "Loading the cluster’s nodes…".
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
  await page.getByRole('button', { name: 'New from template' }).click();
  await page.getByRole('button', { name: 'Preview placement' }).click();
  const builderPreview = page.getByTestId('preview-panel');
  await expect(builderPreview.getByRole('alert')).toHaveText('No preview: You may not list Nodes.');
  await expect(builderPreview.getByText(/Loading the cluster’s nodes|has no nodes/)).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('kinds that fail after they were live keep their last objects: every list shown from them says it may be out of date, in the same words', async ({ page }) => {
  const errors = collectErrors(page);
  const snapshot = await liveSnapshot(page);
  await holdStream(page, answer(snapshot, {}));
  const timedOut = { status: 'error' as const, httpStatus: 500, lastError: 'etcdserver: request timed out' };
  const FAILING: Refusals = { PodCliqueSet: unauthorized, PodClique: unauthorized, Pod: timedOut, PodCliqueScalingGroup: unauthorized, PodGang: unauthorized, Event: unauthorized };
  const stale = (rows: string) => page.locator(`[data-testid="stale-list"][data-rows="${rows}"]`);

  await page.goto('/workloads');
  const row = page.locator(`[data-testid="workload-row"][data-name="${STACK}"]`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId('stale-list')).toHaveCount(0);
  await failKinds(page, FAILING);
  await expect(stale('PodCliqueSets')).toHaveText(/^Could not list PodCliqueSets in \S+: Unauthorized\. The PodCliqueSets below may be out of date\.$/);
  await expect(row).toBeVisible();

  await page.goto(`/workloads/default/${STACK}`);
  await expect(page.locator('[data-testid="gang"]').first()).toBeVisible();
  await expect(page.getByTestId('stale-list')).toHaveCount(0);
  await failKinds(page, FAILING);
  await expect(page.getByTestId('pcs-stale')).toHaveText('Could not list PodCliqueSets in default: Unauthorized. This PodCliqueSet is shown as it was last listed: it may be out of date.');
  await expect(page.getByTestId('health-partial')).toHaveText('Could not list PodCliques in default: Unauthorized. Health and counts are read from what was last listed: they may be out of date.');
  await expect(stale('PodCliques')).toHaveText('Could not list PodCliques in default: Unauthorized. The PodCliques below may be out of date.');
  await expect(stale('pods')).toHaveText('Could not list Pods in default: etcdserver: request timed out. The pods below may be out of date.');
  await expect(stale('scaling groups')).toHaveText('Could not list PodCliqueScalingGroups in default: Unauthorized. The scaling groups below may be out of date.');
  await expect(stale('PodGangs')).toHaveText('Could not list PodGangs in default: Unauthorized. The PodGangs below may be out of date.');
  // The rows are still there, beside the line.
  await expect(page.locator('[data-testid="gang"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="pod"]').first()).toBeVisible();
  const events = page.getByRole('region', { name: 'Events list' });
  if ((await page.getByTestId('events-empty').count()) === 0) {
    await expect(events.locator('[data-testid="event"]').first()).toBeVisible();
    await expect(stale('events')).toHaveText('Could not list Events in default: Unauthorized. The events below may be out of date.');
  } else await expect(page.getByTestId('events-empty')).toHaveText('Could not list Events in default: Unauthorized.');
  expect(errors).toEqual([]);
});

test('a PodCliqueSet being deleted is Deleting, with what is left; Scale and Delete are disabled with the reason', async ({ page }) => {
  const errors = collectErrors(page);
  const snapshot = await liveSnapshot(page);
  const ofStack = (o: KubeObject) => o.metadata?.labels?.['app.kubernetes.io/part-of'] === STACK;
  const deleting = (o: KubeObject, extra: Record<string, unknown> = {}): KubeObject => ({ ...o, metadata: { ...o.metadata, deletionTimestamp: new Date().toISOString(), ...extra } });
  const kinds = { ...snapshot.kinds };
  kinds.PodCliqueSet = { ...kinds.PodCliqueSet!, items: kinds.PodCliqueSet!.items.map((o) => (o.metadata?.name === STACK ? deleting(o, { finalizers: ['foregroundDeletion'] }) : o)) };
  kinds.Pod = { ...kinds.Pod!, items: kinds.Pod!.items.map((o) => (ofStack(o) ? deleting(o) : o)) };
  const pods = kinds.Pod.items.filter(ofStack).length;
  expect(pods).toBeGreaterThan(0);
  await holdStream(page, answer({ ...snapshot, kinds }, {}));

  await page.goto('/workloads');
  const row = page.locator(`[data-testid="workload-row"][data-name="${STACK}"]`);
  await expect(row).toContainText('Deleting');
  await expect(row.getByTestId('health-summary')).toHaveText(`Deleting: ${pods} pods terminating`);

  await page.goto(`/workloads/default/${STACK}`);
  await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'deleting');
  await expect(page.getByTestId('health-note').first()).toHaveText(`Deleting: ${pods} pods terminating`);
  const reason = `PodCliqueSet default/${STACK} is being deleted (${pods} pods terminating): it cannot be scaled or deleted again.`;
  await expect(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();
  await expect(page.getByTestId('delete-disabled-reason')).toHaveText(reason);
  const control = page.getByTestId('scale-control').first();
  await expect(control.getByRole('button', { name: /^Scale llama-disagg up to/ })).toBeDisabled();
  await expect(control.getByTestId('scale-disabled-reason')).toHaveText(reason);
  expect(errors).toEqual([]);
});
