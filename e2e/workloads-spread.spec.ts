import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { collectErrors } from './support/page';
import { rackPackedPcs } from './support/manifests';
import { liveStreamSnapshot } from './support/stream';

/**
 * The workload list computes health as a stack's own page does, with the cluster's nodes and topology:
 * a stack whose pods do not keep to a required pack (of the PodCliqueSet, a scaling-group replica, a
 * clique) is Degraded in both places, whatever its scheduler.
 *
 * The simulator pins a gang to one domain and the apiserver takes no Pods or bindings from Canopy, so
 * the spread is made in the stream instead: a kai-scheduler stack is applied and runs packed in one rack,
 * then the tab is answered with the cluster's own snapshot in which one of its pods sits in another rack.
 */

type Obj = { kind?: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> & { nodeName?: string; levels?: { domain: string; key: string }[] } };
type Snapshot = { seq: number; kinds: Record<string, { resourceVersion: string; items: Obj[] }>; states: Record<string, { status: string }> };

const STREAM = '**/api/stream**';
const MUTATE = { 'X-Canopy-Request': '1' };
const rowOf = (page: Page, name: string) => page.locator(`[data-testid="workload-row"][data-name="${name}"]`);

/** The server's first stream snapshot once every watch is live (the tab reads the same). */
const liveSnapshot = async (page: Page): Promise<Snapshot> => (await liveStreamSnapshot(page)) as unknown as Snapshot;

const itemsOf = (snapshot: Snapshot) => (kind: string) => snapshot.kinds[kind]?.items ?? [];

/** The node label key of the demo binding's rack level. */
const rackKeyOf = (snapshot: Snapshot) =>
  itemsOf(snapshot)('ClusterTopologyBinding')
    .find((b) => b.metadata.name === 'demo')!
    .spec!.levels!.find((l) => l.domain === 'rack')!.key;

/** From now on the tab's stream answers with `snapshot` (pods bound where the test put them); the page reloads on it. */
async function answerWith(page: Page, snapshot: Snapshot): Promise<void> {
  const body = `event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
  await page.route(STREAM, (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body }));
  await page.reload();
}

/** The stack's row is Degraded with `problem`, and so is its own page (reached from the row's link), with that one problem. */
async function expectDegradedInListAndPage(page: Page, name: string, problem: string): Promise<void> {
  const row = rowOf(page, name);
  await expect(row.locator('[data-health]')).toHaveAttribute('data-health', 'degraded', { timeout: 15_000 });
  await expect(row.getByTitle(problem)).toHaveText(problem);
  await row.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/workloads/default/${name}$`));
  await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'degraded', { timeout: 15_000 });
  await expect(page.locator('[data-testid="health-note"][data-severity="problem"]')).toHaveText([problem]);
}

/** Applies the stack, runs `body`, then stops answering the stream for the tab and deletes the stack, whatever happened. */
async function withStack(page: Page, request: APIRequestContext, name: string, manifest: string, body: () => Promise<void>): Promise<void> {
  const applied = await request.post('/api/apply', { data: manifest, headers: { ...MUTATE, 'content-type': 'application/yaml' } });
  expect(applied.status(), await applied.text()).toBe(200);
  try {
    await body();
  } finally {
    await page.unroute(STREAM);
    await request.post('/api/delete', { data: { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false }, headers: MUTATE });
  }
}

test('a gang spread over two racks though it requires one is Degraded in the list and on its page, with the same problem', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = 'spread-h4';
  await withStack(page, request, name, rackPackedPcs(name, 2, 1), async () => {
    // As the simulator places it: both pods in one rack, and the list says healthy.
    await page.goto('/workloads');
    await expect(rowOf(page, name).getByTestId('pod-count')).toHaveText('2/2 ready', { timeout: 30_000 });
    await expect(rowOf(page, name).locator('[data-health]')).toHaveAttribute('data-health', 'healthy');

    const snapshot = await liveSnapshot(page);
    const items = itemsOf(snapshot);
    const rackKey = rackKeyOf(snapshot);
    const rackOf = new Map(items('Node').map((n) => [n.metadata.name, n.metadata.labels?.[rackKey]]));
    const pods = items('Pod').filter((p) => p.metadata.labels?.['app.kubernetes.io/part-of'] === name);
    expect(pods).toHaveLength(2);
    const [first, second] = pods as [Obj, Obj];
    const packedRack = rackOf.get(first.spec!.nodeName!)!;
    expect(rackOf.get(second.spec!.nodeName!)).toBe(packedRack);
    // The second pod moved to a node of another rack, as a scheduler ignoring the constraint would bind it.
    const elsewhere = [...rackOf].find(([, rack]) => rack && rack !== packedRack)!;
    second.spec!.nodeName = elsewhere[0];
    const racks = [packedRack, elsewhere[1]!].sort().join(', ');
    const problem = `Required rack pack of PodCliqueSet ${name} (replica 0, gang ${name}-0) not met: pods on 2 racks (${racks})`;
    await answerWith(page, snapshot);
    await expectDegradedInListAndPage(page, name, problem);
  });
  expect(errors).toEqual([]);
});

/** A default-scheduler stack (kube-scheduler ignores Grove's constraints) whose scaling group `prefill` requires one rack: 3 one-GPU pods. */
function defaultSchedulerGroupStack(name: string): string {
  const clique = (clique: string, replicas: number) => `      - name: ${clique}
        spec:
          roleName: ${clique}
          replicas: ${replicas}
          minAvailable: ${replicas}
          podSpec:
            containers:
              - name: engine
                image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0
                resources: {limits: {nvidia.com/gpu: "1"}}
`;
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 1
  template:
    cliques:
${clique('pleader', 1)}${clique('pworker', 2)}    podCliqueScalingGroups:
      - name: prefill
        cliqueNames: [pleader, pworker]
        replicas: 1
        minAvailable: 1
        topologyConstraint: {topologyName: demo, pack: {required: rack}}
`;
}

test('a default-scheduler stack whose scaling group is spread over three racks though it requires one is Degraded, the constraint, its level and the racks named', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = 'spread-sg';
  await withStack(page, request, name, defaultSchedulerGroupStack(name), async () => {
    await page.goto('/workloads');
    await expect(rowOf(page, name).getByTestId('pod-count')).toHaveText('3/3 ready', { timeout: 30_000 });

    const snapshot = await liveSnapshot(page);
    const items = itemsOf(snapshot);
    const rackKey = rackKeyOf(snapshot);
    // One node in each of three racks, as kube-scheduler might bind them.
    const nodeOfRack = new Map<string, string>();
    for (const n of items('Node')) {
      const rack = n.metadata.labels?.[rackKey];
      if (rack && !nodeOfRack.has(rack)) nodeOfRack.set(rack, n.metadata.name);
    }
    const racks = [...nodeOfRack.keys()].slice(0, 3);
    expect(racks).toHaveLength(3);
    const pods = items('Pod').filter((p) => p.metadata.labels?.['app.kubernetes.io/part-of'] === name);
    expect(pods).toHaveLength(3);
    pods.forEach((p, i) => void (p.spec!.nodeName = nodeOfRack.get(racks[i]!)));
    const sorted = [...racks].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).join(', ');
    const problem = `Required rack pack of scaling group prefill (replica ${name}-0-prefill-0) not met: pods on 3 racks (${sorted}); default-scheduler ignores topology constraints`;
    await answerWith(page, snapshot);
    await expectDegradedInListAndPage(page, name, problem);
  });
  expect(errors).toEqual([]);
});

test('the scale preview of a default-scheduler stack says what the other previews say: the scheduler ignores the constraints, and no zone is claimed', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = 'spread-scale';
  await withStack(page, request, name, defaultSchedulerGroupStack(name), async () => {
    await page.goto(`/workloads/default/${name}`);
    await expect(page.locator('[data-testid="pod"][data-stage="ready"]')).toHaveCount(3, { timeout: 30_000 });
    const control = page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
    await control.getByRole('button', { name: `Scale ${name} up to 2` }).click();
    const impact = control.getByTestId('scale-impact');
    await expect(impact).toHaveAttribute('data-fits', 'true');
    await expect(impact.locator('li')).toHaveCount(1);
    await expect(impact.locator('li').first()).toContainText(`${name}-1: 3 pods on `);
    await expect(impact.locator('li').first()).toContainText('; the default scheduler picks the nodes');
    await expect(impact.locator('li').first()).not.toContainText(' in zone ');
    await expect(impact.getByTestId('scale-plan-warning')).toHaveText([
      `default-scheduler (kube-scheduler) ignores the topology constraints and does not gang-schedule: each pod of ${name}-1 is placed on its own, and a pod that does not fit stays Pending while the others run (use kai-scheduler for gang and topology-aware placement)`,
    ]);
    await control.getByRole('button', { name: 'Cancel' }).click();
  });
  expect(errors).toEqual([]);
});

test('each demo stack reads the same health in the list as on its own page; the list renders promptly', async ({ page }) => {
  const errors = collectErrors(page);
  // When the tab's stream delivers its first snapshot: the list's own work is what follows it.
  await page.addInitScript(() => {
    const w = window as unknown as { __snapshotAt?: number; EventSource: typeof EventSource };
    const Base = w.EventSource;
    w.EventSource = class extends Base {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        // The end of the snapshot's parts, when the store applies it.
        this.addEventListener('snapshot-end', () => void (w.__snapshotAt ??= performance.now()));
      }
    };
  });
  await page.goto('/workloads');
  const rows = page.getByTestId('workload-row');
  await expect(rows.first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('status').filter({ hasText: /PodCliqueSets? in namespace/ })).toBeVisible();
  const { snapshotAt, shownAt } = await page.evaluate(() => ({ snapshotAt: (window as unknown as { __snapshotAt?: number }).__snapshotAt, shownAt: performance.now() }));
  expect(snapshotAt).toBeDefined();
  const rendered = Math.round(shownAt - snapshotAt!);
  test.info().annotations.push({ type: 'rows shown after the first snapshot (ms)', description: String(rendered) });
  // Generous on two shared cores: the rows' own computation is 4–10 ms for the demo's stacks.
  expect(rendered).toBeLessThan(3_000);

  const listed = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({ name: tr.getAttribute('data-name')!, namespace: tr.getAttribute('data-namespace')!, health: tr.querySelector('[data-health]')!.getAttribute('data-health')! })),
  );
  expect(listed.map((r) => r.name)).toEqual(expect.arrayContaining(['llama-disagg', 'deepseek-wide', 'mixtral-agg']));
  for (const stack of listed) {
    await page.goto(`/workloads/${stack.namespace}/${stack.name}`);
    await expect(page.locator('[data-health]').first(), `${stack.name} on its page`).toHaveAttribute('data-health', stack.health, { timeout: 15_000 });
  }
  expect(errors).toEqual([]);
});
