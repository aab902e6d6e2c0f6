import { expect, test, type Page } from '@playwright/test';
import { WATCHED_KINDS, type WatchedKind } from '../lib/cluster/kinds';
import type { KindConnectionState, StreamSnapshot } from '../lib/cluster/stream';
import type { KubeObject } from '../lib/grove/meta';
import { collectErrors } from './support/page';
import { liveStreamSnapshot } from './support/stream';

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

/** `snapshot` with the `refused` kinds emptied and in the state given, as the stream's snapshot data. */
function answer(snapshot: StreamSnapshot, refused: Refusals): string {
  const out: StreamSnapshot = { seq: 0, kinds: {}, states: {} };
  for (const kind of WATCHED_KINDS) {
    const state = refused[kind];
    out.kinds[kind] = state ? { resourceVersion: '1', items: [] } : snapshot.kinds[kind]!;
    out.states[kind] = { kind, since: Date.now(), ...(state ?? { status: 'live' }) };
  }
  return JSON.stringify(out);
}

/** From the next navigation on, /api/stream opens a stand-in that sends `data` as its snapshot and stays open. */
async function serveStream(page: Page, data: string): Promise<void> {
  await page.addInitScript((snapshot) => {
    const Real = window.EventSource;
    class HeldStream {
      private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
      constructor(readonly url: string) {
        setTimeout(() => this.listeners.get('snapshot')?.forEach((listener) => listener({ data: snapshot })), 50);
        // Heartbeats, as the server sends them: a silent stream is reconnected after a while.
        setInterval(() => this.listeners.get('heartbeat')?.forEach((listener) => listener({ data: '{}' })), 10_000);
      }
      addEventListener(type: string, listener: (event: { data?: unknown }) => void) {
        this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
      }
      close() {}
    }
    window.EventSource = function (url: string | URL, init?: EventSourceInit) {
      return String(url).includes('/api/stream') ? new HeldStream(String(url)) : new Real(url, init);
    } as unknown as typeof EventSource;
  }, data);
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
  await serveStream(page, answer(snapshot, BAD_TOKEN));

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
  await serveStream(page, answer(snapshot, VIEWER));
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
  await expect(pleader).toContainText(/pleader: (ready|gate met), [1-9]\d* of [1-9]\d* pods ready; startup gate: 1 ready pod/);

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
  await serveStream(page, answer({ ...snapshot, kinds }, {}));

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
