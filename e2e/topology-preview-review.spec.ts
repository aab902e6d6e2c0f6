import { expect, test, type Page } from '@playwright/test';
import { stringify } from 'yaml';
import { WATCHED_KINDS } from '../lib/cluster/kinds';
import type { StreamSnapshot } from '../lib/cluster/stream';
import type { KubeObject } from '../lib/grove/meta';
import type { PodCliqueSet } from '../lib/grove/podcliqueset';
import { demoStacks } from '../lib/topology/demo';
import { collectErrors } from './support/page';
import { holdStream } from './support/stream';

/**
 * The topology page's placement preview, as a reviewer read it: a stack Grove's webhook refuses is
 * refused, not drawn; each gang says where it would land; a gang that does not fit after the preview's
 * earlier gangs says that its reasons count them, and the domain table shows what they take (Planned);
 * free GPUs a taint keeps from the gang are said to be kept from it.
 */

async function preview(page: Page, yaml: string): Promise<void> {
  await page.locator('#preview-yaml').fill(yaml);
  await page.getByRole('button', { name: 'Preview placement' }).click();
}

async function openDemo(page: Page): Promise<void> {
  await page.goto('/topology');
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.some((p) => p.workload === 'default/mixtral-agg'));
}

/** The demo's mixtral-agg (running: 2 replicas of 2 pods × 8 H100 GPUs, packed in a rack), edited. */
function mixtral(edit: (pcs: PodCliqueSet) => void): string {
  const pcs = structuredClone(demoStacks().find((s) => s.metadata?.name === 'mixtral-agg')!);
  edit(pcs);
  return stringify(pcs);
}

/** The 1-based line and column of the first `needle` in `text`. */
function lineColumnOf(text: string, needle: string): string {
  const at = text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

test.describe('on the simulated demo', () => {
  test('a pack domain the binding lacks is refused as the webhook refuses it: the finding at its line:column, no ghosts', async ({ page }) => {
    const errors = collectErrors(page);
    await openDemo(page);
    const yaml = mixtral((pcs) => {
      pcs.metadata!.name = 'superrack';
      pcs.spec.template.topologyConstraint = { topologyName: 'demo', pack: { required: 'superrack' } };
    });
    await preview(page, yaml);
    const problems = page.getByTestId('preview-problems');
    await expect(problems).toHaveText(
      `line ${lineColumnOf(yaml, 'required: superrack')}: /spec/template/topologyConstraint/pack/required: topology domain 'superrack' does not exist in cluster topology "demo" [zone, block, rack, host] [topology.unknownDomain]`,
    );
    await expect(page.getByTestId('ghost-count')).toHaveCount(0);
    expect(await page.evaluate(() => window.__canopyHeatmap!.ghostCells.length)).toBe(0);
    expect(errors).toEqual([]);
  });

  test('the running stack’s own name with an immutable field changed is checked as an update of it, and refused', async ({ page }) => {
    const errors = collectErrors(page);
    await openDemo(page);
    const yaml = mixtral((pcs) => {
      pcs.spec.replicas = 3;
      pcs.spec.template.cliques[0]!.spec.minAvailable = 1;
    });
    await preview(page, yaml);
    await expect(page.getByTestId('preview-problems')).toHaveText(
      `line ${lineColumnOf(yaml, 'minAvailable: 1')}: updates default/mixtral-agg: /spec/template/cliques/0/spec/minAvailable: minAvailable of clique "worker" is immutable [immutable.minAvailable]`,
    );
    await expect(page.getByTestId('ghost-count')).toHaveCount(0);
    // The same change under another name is a new stack, which Grove admits: previewed.
    await preview(page, yaml.replace('name: mixtral-agg', 'name: mixtral-new'));
    await expect(page.getByTestId('preview-problems')).toHaveCount(0);
    await expect(page.getByTestId('preview-result')).toContainText('default/mixtral-new');
    await expect(page.getByTestId('ghost-count')).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('each gang is listed with the domain chosen per level and its pods, as the server plans them', async ({ page, request }) => {
    const errors = collectErrors(page);
    await openDemo(page);
    // Two replicas: two gangs, each 2 pods × 4 GB200 GPUs packed in a rack.
    const yaml = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: two-gangs, namespace: default, labels: {kai.scheduler/queue: default-queue}}
spec:
  replicas: 2
  template:
    topologyConstraint: {topologyName: demo, pack: {required: rack}}
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          minAvailable: 2
          podSpec:
            schedulerName: kai-scheduler
            nodeSelector: {nvidia.com/gpu.product: NVIDIA-GB200}
            containers: [{name: engine, image: busybox, resources: {limits: {nvidia.com/gpu: "4"}}}]
`;
    const response = await request.post('/api/preview', { headers: { 'x-canopy-request': '1', 'content-type': 'application/json' }, data: { manifest: yaml } });
    expect(response.ok(), await response.text()).toBe(true);
    const plan = ((await response.json()) as { plan: { gangs: { name: string; placed: boolean; domains: Record<string, string>; pods: { node: string }[] }[] } }).plan;
    expect(plan.gangs.map((g) => [g.name, g.placed, Object.keys(g.domains)])).toEqual([
      ['two-gangs-0', true, ['zone', 'block', 'rack']],
      ['two-gangs-1', true, ['zone', 'block', 'rack']],
    ]);
    const expected = plan.gangs.map((g) => `${g.name}: 2 pods on ${new Set(g.pods.map((p) => p.node)).size} nodes in ${Object.entries(g.domains).map(([level, value]) => `${level} ${value}`).join(', ')}`);

    await preview(page, yaml);
    await expect(page.getByTestId('ghost-count')).toHaveText('16');
    const list = page.getByRole('list', { name: 'Gangs of the preview' });
    await expect(list.getByRole('listitem')).toHaveText(expected);
    await expect(list.locator('li[data-gang="two-gangs-0"]')).toHaveAttribute('data-placed', 'true');
    expect(errors).toEqual([]);
  });
});

test.describe('a cluster with a tainted rack (a held stream)', () => {
  const TAINT = { key: 'dedicated', value: 'infer', effect: 'NoSchedule' };
  const LEVELS = [
    { domain: 'block', key: 'topology.kubernetes.io/block' },
    { domain: 'rack', key: 'topology.kubernetes.io/rack' },
    { domain: 'host', key: 'kubernetes.io/hostname' },
  ];

  function node(name: string, block: string, rack: string, tainted: boolean): KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, uid: `uid-${name}`, resourceVersion: '1', labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/block': block, 'topology.kubernetes.io/rack': rack } },
      spec: tainted ? { taints: [TAINT] } : {},
      status: { allocatable: { 'nvidia.com/gpu': '8', cpu: '64', memory: '512Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
    } as KubeObject;
  }

  function pod(name: string, nodeName: string, gpus: number): KubeObject {
    const resources = { requests: { 'nvidia.com/gpu': String(gpus), cpu: '1', memory: '1Gi' }, limits: { 'nvidia.com/gpu': String(gpus) } };
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1' },
      spec: { nodeName, containers: [{ name: 'c', image: 'busybox', resources }] },
      status: { phase: 'Running' },
    } as KubeObject;
  }

  /**
   * block-0: rack-0 (a0, a1) free, rack-1 (t0, t1) tainted, t0 full: rack-1 is the one rack partly free,
   * and only on a tainted node. block-1: rack-2 (c0, c1) free, rack-3 (d0, d1) full.
   */
  function snapshot(): string {
    const nodes = [node('a0', 'block-0', 'rack-0', false), node('a1', 'block-0', 'rack-0', false), node('t0', 'block-0', 'rack-1', true), node('t1', 'block-0', 'rack-1', true)];
    nodes.push(node('c0', 'block-1', 'rack-2', false), node('c1', 'block-1', 'rack-2', false), node('d0', 'block-1', 'rack-3', false), node('d1', 'block-1', 'rack-3', false));
    const items: Partial<Record<string, KubeObject[]>> = {
      Node: nodes,
      Pod: [pod('holder-t0', 't0', 8), pod('holder-d0', 'd0', 8), pod('holder-d1', 'd1', 8)],
      ClusterTopologyBinding: [{ apiVersion: 'grove.io/v1alpha1', kind: 'ClusterTopologyBinding', metadata: { name: 'racks', uid: 'uid-racks', resourceVersion: '1' }, spec: { levels: LEVELS } } as KubeObject],
    };
    const data: StreamSnapshot = { seq: 0, kinds: {}, states: {} };
    for (const kind of WATCHED_KINDS) {
      data.kinds[kind] = { resourceVersion: '1', items: items[kind] ?? [] };
      data.states[kind] = { kind, since: Date.now(), status: 'live' };
    }
    return JSON.stringify(data);
  }

  /** `replicas` gangs of `pods` pods × 8 GPUs, each packed in a rack. */
  const stack = (replicas: number, pods: number) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: s, namespace: default, labels: {kai.scheduler/queue: default-queue}}
spec:
  replicas: ${replicas}
  template:
    topologyConstraint: {topologyName: racks, pack: {required: rack}}
    cliques:
      - name: w
        spec:
          roleName: w
          replicas: ${pods}
          minAvailable: ${pods}
          podSpec:
            schedulerName: kai-scheduler
            containers: [{name: c, image: busybox, resources: {limits: {nvidia.com/gpu: "8"}}}]
`;

  /** A row of the domain table as its cells' texts (domain, GPUs, used, free, …). */
  async function row(page: Page, domain: string): Promise<string[]> {
    return page.getByTestId('domain-table').locator(`tr[data-domain="${domain}"]`).locator('th, td').allTextContents();
  }

  async function open(page: Page): Promise<void> {
    await holdStream(page, snapshot());
    await page.goto('/topology');
    await expect(page.getByTestId('table-total-gpus')).toHaveText('64');
  }

  test('a later gang that does not fit: the reasons count the earlier gangs, which the table shows as Planned', async ({ page }) => {
    const errors = collectErrors(page);
    await open(page);
    const table = page.getByTestId('domain-table');
    await expect(table.getByRole('columnheader', { name: 'Planned (preview)' })).toHaveCount(0);
    await preview(page, stack(3, 2));
    // s-0 and s-1 take rack-0 and rack-2 (16 GPUs each); s-2 has no rack left but the tainted one.
    await expect(page.getByTestId('ghost-count')).toHaveText('32');
    await expect(page.getByRole('list', { name: 'Gangs of the preview' }).getByRole('listitem')).toHaveText([
      's-0: 2 pods on 2 nodes in block block-0, rack rack-0',
      's-1: 2 pods on 2 nodes in block block-1, rack rack-2',
      's-2: does not fit (why: below)',
    ]);
    await expect(page.getByTestId('preview-unplaced')).toContainText('Gang s-2 does not fit');
    await expect(page.getByTestId('preview-earlier-gangs')).toHaveText('These figures count the 32 GPUs the preview’s earlier gangs (s-0, s-1) would take first: see Planned in the domain table.');
    await expect(table.getByRole('columnheader', { name: 'Planned (preview)' })).toHaveCount(1);
    // Domain, GPUs, Used, Free, Planned, Of free on tainted nodes, …: the free GPUs a later gang sees are Free − Planned.
    expect((await row(page, 'block=block-0')).slice(0, 6)).toEqual(['block block-0', '32', '8', '24', '16', '8']);
    expect((await row(page, 'block=block-0/rack=rack-1')).slice(0, 6)).toEqual(['rack rack-1', '16', '8', '8', '0', '8']);
    expect((await row(page, 'block=block-1')).slice(0, 6)).toEqual(['block block-1', '32', '16', '16', '16', '0']);
    await expect(page.getByTestId('table-total-planned')).toHaveText('32');
    await expect(page.getByTestId('domain-table-planned-note')).toContainText('judged after its earlier gangs took theirs');
    // Cleared, the column goes.
    await page.getByRole('button', { name: 'Clear preview' }).click();
    await expect(table.getByRole('columnheader', { name: 'Planned (preview)' })).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('a pack no rack holds, when the one partly free rack is tainted: the advice says the taint keeps the gang from it', async ({ page }) => {
    const errors = collectErrors(page);
    await open(page);
    // 3 pods × 8 GPUs in one rack: more than a rack holds; block-0 has 24 free as the table counts them, 8 of them on the tainted t1.
    await preview(page, stack(1, 3));
    const unplaced = page.getByTestId('preview-unplaced');
    await expect(unplaced).toContainText('Gang s-0 does not fit');
    await expect(unplaced).toContainText(
      'no block has room for it now (the most, block-0, has 16 GPUs free that its pods can use; block-0 has 24 GPUs free, only 16 of them usable: 8 on 1 node its pods may not use (taint dedicated=infer:NoSchedule not tolerated))',
    );
    expect((await row(page, 'block=block-0')).slice(0, 6)).toEqual(['block block-0', '32', '8', '24', '0', '8']);
    expect(errors).toEqual([]);
  });
});
