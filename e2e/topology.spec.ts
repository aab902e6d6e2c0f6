import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './support/page';
import { rackPackedPcs } from './support/manifests';

/**
 * The topology heatmap (/topology) against the simulated demo cluster (no kubeconfig in the
 * Playwright server's environment). Expected values come from GET /api/snapshot, the server's view of
 * the same cluster. The page exposes its plain model read-only as `window.__canopyHeatmap`
 * (components/heatmap/TopologyView.tsx, HeatmapTestHook): tests read cell positions from it, then
 * act with the real mouse and keyboard.
 */

interface KubeItem {
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string; containers?: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[] };
  status?: { allocatable?: Record<string, string>; phase?: string };
}

interface Hook {
  model: {
    totals: { gpus: number; used: number; free: number };
    layout: { cellCount: number; cellNode: ArrayLike<number>; cellGpu: ArrayLike<number>; nodes: { name: string; gpus: number; firstCell: number }[] };
    cellPod: ArrayLike<number>;
    pods: { key: string; name: string; workload: string }[];
  };
  view: { mode: string; hidden: string[]; selected: string | null; zoom: { kind: string; scale: number } | null };
  highlightedGpus: number;
  ghostGpus: number;
  cellOf(node: string, gpu: number): number;
  cellClientPoint(cell: number): { x: number; y: number } | null;
  focusedCell(): number;
}

async function snapshot(page: Page): Promise<KubeItem[]> {
  const response = await page.request.get('/api/snapshot');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { items: KubeItem[] }).items;
}

const gpusOfPod = (pod: KubeItem): number =>
  (pod.spec?.containers ?? []).reduce((sum, c) => sum + Number(c.resources?.requests?.['nvidia.com/gpu'] ?? c.resources?.limits?.['nvidia.com/gpu'] ?? 0), 0);
const running = (pod: KubeItem) => pod.kind === 'Pod' && !!pod.spec?.nodeName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

async function openHeatmap(page: Page, query = ''): Promise<void> {
  await page.goto(`/topology${query}`);
  await heatmapReady(page);
}

/** The canvas is drawn from live data and the test hook holds the model. */
async function heatmapReady(page: Page): Promise<void> {
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.length > 0);
}

const hook = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify({ view: window.__canopyHeatmap!.view, highlightedGpus: window.__canopyHeatmap!.highlightedGpus, ghostGpus: window.__canopyHeatmap!.ghostGpus })) as Pick<Hook, 'view' | 'highlightedGpus' | 'ghostGpus'>);

test('the GPU total on the page equals the nodes’ allocatable nvidia.com/gpu', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const items = await snapshot(page);
  const expected = items.filter((i) => i.kind === 'Node').reduce((sum, node) => sum + Number(node.status?.allocatable?.['nvidia.com/gpu'] ?? 0), 0);
  expect(expected).toBeGreaterThan(0);
  await expect(page.getByTestId('gpu-total')).toHaveText(String(expected));
  await expect(page.getByTestId('table-total-gpus')).toHaveText(String(expected));
  // The table lists domains of every level, and its rows add up to the total.
  const table = page.getByTestId('domain-table');
  await expect(table.getByRole('rowheader', { name: /^zone / })).not.toHaveCount(0);
  await expect(table.getByRole('rowheader', { name: /^rack / })).not.toHaveCount(0);
  await expect(table.getByRole('rowheader', { name: /^nvlink clique / })).not.toHaveCount(0);
  const zoneGpus = await table.locator('tbody tr').evaluateAll((rows) =>
    rows.filter((r) => /^zone /.test(r.querySelector('th')?.textContent ?? '')).reduce((s, r) => s + Number(r.querySelectorAll('td')[0]?.textContent ?? 0), 0),
  );
  expect(zoneGpus).toBe(expected);
  expect(errors).toEqual([]);
});

test('the first picture is drawn at the canvas’s own size, and a resize never leaves the canvas blank for a frame', async ({ page }) => {
  // Every pixel upload (the renderer's ImageData bands) with the canvas's size at the time.
  await page.addInitScript(() => {
    const uploads: { width: number; height: number }[] = [];
    (window as unknown as { __uploads: typeof uploads }).__uploads = uploads;
    const put = CanvasRenderingContext2D.prototype.putImageData;
    CanvasRenderingContext2D.prototype.putImageData = function (this: CanvasRenderingContext2D, ...args: Parameters<typeof put>) {
      uploads.push({ width: this.canvas.width, height: this.canvas.height });
      return put.apply(this, args);
    } as typeof put;
  });
  await openHeatmap(page);
  const uploads = await page.evaluate(() => (window as unknown as { __uploads: { width: number; height: number }[] }).__uploads);
  expect(uploads.length).toBeGreaterThan(0);
  // Not once at the element's default 300 × 150, before it had its size (a draw thrown away).
  expect(uploads.filter((u) => u.width === 300 && u.height === 150)).toEqual([]);

  // Resizing clears a canvas. The page's ResizeObserver must redraw before that frame is painted:
  // an observer made later is called after it in the same frame, still before paint, and reads it.
  const coloursAfterResize = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=heatmap-canvas]')!;
        const box = canvas.parentElement!;
        let initial = true;
        const observer = new ResizeObserver(() => {
          if (initial) {
            // The first call reports the size it has; the resize comes after it, in a task of its own.
            initial = false;
            setTimeout(() => void (box.style.width = `${Math.round(box.clientWidth * 0.8)}px`), 0);
            return;
          }
          observer.disconnect();
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          const colours = new Set<number>();
          for (let i = 0; i < data.length; i += 4 * 13) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
          resolve(colours.size);
        });
        observer.observe(box);
      }),
  );
  expect(coloursAfterResize).toBeGreaterThan(3);
});

test('hovering a GPU with the mouse names the pod the server has on that GPU', async ({ page }) => {
  await openHeatmap(page);
  const items = await snapshot(page);
  // Pick occupied cells from the model: the first and the last GPU of the first pod of a few nodes.
  const targets = await page.evaluate(() => {
    const h = window.__canopyHeatmap!;
    const out: { node: string; gpu: number }[] = [];
    for (let c = 0; c < h.model.layout.cellCount && out.length < 3; c++) {
      if (h.model.cellPod[c]! < 0) continue;
      const box = h.model.layout.nodes[h.model.layout.cellNode[c]!]!;
      if (out.some((t) => t.node === box.name)) continue;
      out.push({ node: box.name, gpu: h.model.layout.cellGpu[c]! });
    }
    return out;
  });
  expect(targets.length).toBeGreaterThan(0);
  for (const { node, gpu } of targets) {
    // The server's pods on that node, given GPU indices in namespace/name order (the documented slot rule).
    const pods = items.filter((i) => running(i) && i.spec!.nodeName === node).sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`, 'en'));
    let slot = 0;
    let expected: string | undefined;
    for (const pod of pods) {
      const n = gpusOfPod(pod);
      if (gpu >= slot && gpu < slot + n) expected = `${pod.metadata.namespace}/${pod.metadata.name}`;
      slot += n;
    }
    expect(expected, `a pod on ${node} GPU ${gpu}`).toBeDefined();
    const point = await page.evaluate(({ node, gpu }) => window.__canopyHeatmap!.cellClientPoint(window.__canopyHeatmap!.cellOf(node, gpu)), { node, gpu });
    await page.mouse.move(point!.x, point!.y);
    const tooltip = page.getByTestId('heatmap-tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText(node);
    await expect(tooltip).toContainText(`${gpu} of`);
    await expect(tooltip).toContainText(expected!);
    await expect(tooltip).toContainText('assigned by Canopy');
  }
});

test('selecting a workload highlights exactly its GPUs; clicking a GPU selects its workload; Escape clears', async ({ page }) => {
  await openHeatmap(page);
  const items = await snapshot(page);
  const workloads = [...new Set(items.filter((i) => running(i) && i.metadata.labels?.['app.kubernetes.io/part-of']).map((i) => i.metadata.labels!['app.kubernetes.io/part-of']!))].sort();
  expect(workloads.length).toBeGreaterThan(1);
  for (const name of workloads) {
    const expected = items.filter((i) => running(i) && i.metadata.labels?.['app.kubernetes.io/part-of'] === name).reduce((s, p) => s + gpusOfPod(p), 0);
    await page.getByRole('region', { name: /Workloads/ }).getByRole('button', { name: new RegExp(`^default/${name} `) }).click();
    await expect(page.getByTestId('highlighted-gpus')).toHaveText(String(expected));
    await expect(page.getByTestId('selection-gpus')).toHaveText(String(expected));
    expect((await hook(page)).highlightedGpus).toBe(expected);
    // The table's "Selected" column adds up to the same count over the broadest level.
    const perZone = await page.getByTestId('domain-table').evaluate((table) => {
      const column = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent === 'Selected') - 1; // the row header is a th
      return [...table.querySelectorAll('tbody tr')].filter((r) => /^zone /.test(r.querySelector('th')?.textContent ?? '')).reduce((s, r) => s + Number(r.querySelectorAll('td')[column]?.textContent ?? 0), 0);
    });
    expect(perZone).toBe(expected);
  }

  // Click a cell of another workload with the mouse: that workload becomes the selection.
  const target = await page.evaluate(() => {
    const h = window.__canopyHeatmap!;
    for (let c = 0; c < h.model.layout.cellCount; c++) {
      const p = h.model.cellPod[c]!;
      if (p >= 0 && h.model.pods[p]!.workload && h.model.pods[p]!.workload !== h.view.selected) return { point: h.cellClientPoint(c)!, workload: h.model.pods[p]!.workload };
    }
    return null;
  });
  await page.mouse.click(target!.point.x, target!.point.y);
  await expect(page.getByTestId('selection-panel')).toContainText(target!.workload);
  await page.getByTestId('heatmap-canvas').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-panel')).toHaveCount(0);
});

/** Create a stack of `pods` pods × `gpusPerPod` GPUs in default through the API (as another client would). */
async function applyStack(page: Page, name: string, pods: number, gpusPerPod: number): Promise<void> {
  const applied = await page.request.post('/api/apply', { headers: { 'content-type': 'application/yaml', 'x-canopy-request': '1' }, data: rackPackedPcs(name, pods, gpusPerPod) });
  expect(applied.ok(), await applied.text()).toBe(true);
}

async function deleteStack(page: Page, name: string): Promise<void> {
  const deleted = await page.request.post('/api/delete', { headers: { 'content-type': 'application/json', 'x-canopy-request': '1' }, data: { kind: 'PodCliqueSet', namespace: 'default', name } });
  expect(deleted.ok(), await deleted.text()).toBe(true);
}

test('a preview shows one ghost per GPU asked for; one that cannot fit in a rack says why', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const yaml = page.getByLabel('Paste or drop a PodCliqueSet');
  await yaml.fill(rackPackedPcs('preview-small', 2, 4));
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  expect((await hook(page)).ghostGpus).toBe(8);
  await expect(page.getByTestId('preview-result')).toContainText('the stack asks for 8');
  await expect(page.getByTestId('heatmap-legend')).toContainText('Planned (preview)');

  // 20 pods × 4 GPUs in one rack: the largest rack has 72 GPUs.
  await yaml.fill(rackPackedPcs('preview-huge', 20, 4));
  await page.getByRole('button', { name: 'Preview placement' }).click();
  const unplaced = page.getByTestId('preview-unplaced');
  await expect(unplaced).toContainText('does not fit');
  await expect(unplaced).toContainText(/rack/);
  await expect(page.getByTestId('ghost-count')).toHaveText('0');

  // Broken YAML: the problem with its line and column, nothing drawn.
  await yaml.fill('kind: PodCliqueSet\nmetadata: [unclosed\n');
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('preview-problems')).toContainText(/line \d+:\d+/);
  expect(errors).toEqual([]);
});

test('a preview handed over from another page through sessionStorage is drawn', async ({ page }) => {
  await page.goto('/topology');
  const id = await page.evaluate((text) => {
    sessionStorage.setItem('canopy.preview.e2e1', JSON.stringify({ kind: 'podcliqueset', yaml: text }));
    return 'e2e1';
  }, rackPackedPcs('handed-over', 3, 4));
  await openHeatmap(page, `?preview=${id}`);
  await expect(page.getByTestId('ghost-count')).toHaveText('12');
  await openHeatmap(page, '?preview=missing');
  await expect(page.getByTestId('preview-problems')).toContainText('no preview "missing"');
});

/** One clique of `pods` × `gpusPerPod` GPUs required in one host: more than any host of the demo has, so the preview explains why, level by level. */
function hostPackedPcs(name: string, pods: number, gpusPerPod: number): string {
  return rackPackedPcs(name, pods, gpusPerPod).replace('required: rack', 'required: host');
}

const previewField = (page: Page) => page.getByLabel('Paste or drop a PodCliqueSet');
const ghostCells = (page: Page) => page.evaluate(() => [...(window.__canopyHeatmap?.ghostCells ?? [])]);
/** The "Level / Needs / Best offer / Why" rows of the gangs that do not fit, as text. */
const explanationRows = (page: Page) => page.getByTestId('preview-unplaced').locator('tbody tr').allInnerTexts();

test('a preview pasted on /topology is in its URL: the link opened in a new browser context shows the same ghosts', async ({ page, browser }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const text = rackPackedPcs('shared-link', 3, 4);
  await previewField(page).fill(text);
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('ghost-count')).toHaveText('12');
  // The manifest travels in the fragment (never sent to the server), compressed: not in the query.
  await expect(page).toHaveURL(/\/topology#preview=[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('preview-share')).toHaveAttribute('data-share', 'link');
  const link = page.url();
  expect(link.length).toBeLessThan(text.length);

  // A new context shares no sessionStorage with this one: only the link carries the preview.
  const other = await browser.newContext();
  try {
    const fresh = await other.newPage();
    const freshErrors = collectErrors(fresh);
    await fresh.goto(link);
    await heatmapReady(fresh);
    await expect(fresh.getByTestId('ghost-count')).toHaveText('12');
    await expect(previewField(fresh)).toHaveValue(text);
    await expect(fresh.getByTestId('preview-result')).toContainText('default/shared-link');
    await expect.poll(async () => JSON.stringify(await ghostCells(fresh)) === JSON.stringify(await ghostCells(page))).toBe(true);
    expect((await ghostCells(fresh)).length).toBe(12);
    // Reloaded, the link still holds it.
    await fresh.reload();
    await heatmapReady(fresh);
    await expect(fresh.getByTestId('ghost-count')).toHaveText('12');
    expect(freshErrors).toEqual([]);
  } finally {
    await other.close();
  }

  await page.getByRole('button', { name: 'Clear preview' }).click();
  await expect(page).toHaveURL(/\/topology$/);
  expect(errors).toEqual([]);
});

test('a preview link cut short or changed says it could not be read', async ({ page }) => {
  await openHeatmap(page);
  await previewField(page).fill(rackPackedPcs('cut-link', 2, 4));
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page).toHaveURL(/#preview=/);
  const data = new URL(page.url()).hash.slice('#preview='.length);

  // A link cut short, opened in a fresh page.
  await page.goto('about:blank');
  await openHeatmap(page, `#preview=${data.slice(0, -4)}`);
  await expect(page.getByTestId('preview-problems')).toContainText('The preview in this link could not be read: its data is not complete deflate-compressed text');
  await expect(page.getByTestId('ghost-count')).toHaveCount(0);
  // A changed link pasted into the same tab's address bar (only the fragment changes: no reload).
  await page.evaluate((bad) => (window.location.hash = `#preview=${bad}`), `${data.slice(0, 3)}*${data.slice(4)}`);
  await expect(page.getByTestId('preview-problems')).toContainText('The preview in this link could not be read: it is not base64url text');
  // And a good one after it is shown.
  await page.evaluate((good) => (window.location.hash = `#preview=${good}`), data);
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  await expect(page.getByTestId('preview-problems')).toHaveCount(0);
});

test('a preview too large for a link stays in the tab, and says so', async ({ page }) => {
  // A manifest with a long comment no compressor can shrink: over the link's cap.
  let seed = 7;
  const noise = Array.from({ length: 40_000 }, () => String.fromCharCode(97 + (((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % 26))).join('');
  await openHeatmap(page);
  await previewField(page).fill(`# ${noise}\n${rackPackedPcs('too-big-for-a-link', 2, 4)}`);
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  await expect(page.getByTestId('preview-share')).toHaveAttribute('data-share', 'tab');
  await expect(page.getByTestId('preview-share')).toContainText('too large to share in a link');
  await expect(page).toHaveURL(/\?preview=[a-z0-9]+$/);
  await page.reload();
  await heatmapReady(page);
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  await expect(page.getByTestId('preview-share')).toContainText('it stays in this tab only');
});

test('a handoff from the builder waits for the cluster, then shows only the real explanation rows (the same as pasting the YAML)', async ({ page }) => {
  const errors = collectErrors(page);
  const text = hostPackedPcs('handoff-explained', 4, 4);
  // What pasting the same YAML on this page explains.
  await openHeatmap(page);
  await previewField(page).fill(text);
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('preview-unplaced')).toContainText('does not fit');
  const pasted = await explanationRows(page);
  expect(pasted.length).toBeGreaterThan(0);

  // The builder's handoff (components/builder: storePreviewHandoff, then /topology?preview=<id>), with
  // the stream held back so the page surely reads the handoff before the cluster has loaded.
  await page.evaluate((yaml) => sessionStorage.setItem('canopy.preview.builder1', JSON.stringify({ kind: 'podcliqueset', yaml, title: 'builder: handoff-explained' })), text);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/stream**', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/topology?preview=builder1');
  await expect(page.getByTestId('preview-waiting')).toContainText('Waiting for the cluster');
  await expect(page.getByTestId('preview-unplaced')).toHaveCount(0);
  release();
  await heatmapReady(page);
  await expect(page.getByTestId('preview-unplaced')).toContainText('does not fit');
  await expect.poll(() => explanationRows(page)).toEqual(pasted);
  expect((await explanationRows(page)).join('\n')).not.toContain('the cluster has no nodes');
  // The handoff landed in the URL as a link.
  await expect(page).toHaveURL(/\/topology#preview=[A-Za-z0-9_-]+$/);
  await page.unroute('**/api/stream**');
  expect(errors).toEqual([]);
});

test('the URL keeps the view: mode, collapsed levels, selection and zoom survive a reload', async ({ page }) => {
  await openHeatmap(page);
  await page.getByRole('radio', { name: 'By workload' }).check();
  await page.getByRole('checkbox', { name: 'block' }).uncheck();
  await page.getByRole('region', { name: /Workloads/ }).getByRole('button', { name: /^default\/deepseek-wide / }).click();
  await expect(page.getByTestId('selection-panel')).toBeVisible();
  const canvas = page.getByTestId('heatmap-canvas');
  await canvas.focus();
  await page.keyboard.press('+');
  await expect.poll(() => new URL(page.url()).searchParams.get('v')).not.toBeNull();
  const before = await hook(page);
  const highlighted = await page.getByTestId('highlighted-gpus').textContent();
  expect(new URL(page.url()).searchParams.get('mode')).toBe('workload');

  await page.reload();
  await heatmapReady(page);
  await expect(page.getByRole('radio', { name: 'By workload' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'block' })).not.toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'rack' })).toBeChecked();
  await expect(page.getByTestId('highlighted-gpus')).toHaveText(highlighted!);
  const after = await hook(page);
  expect(after.view.mode).toBe('workload');
  expect(after.view.hidden).toEqual(['block']);
  expect(after.view.selected).toBe('default/deepseek-wide');
  expect(after.view.zoom!.scale).toBeCloseTo(before.view.zoom!.scale, 3);
  await expect(page.getByTestId('domain-table').getByRole('rowheader', { name: /^block / })).toHaveCount(0);
});

// At 390 px the map box's height follows the layout's shape (459cab4), so a regrouping resizes it too.
for (const width of [1280, 390]) test(`collapsing a level keeps a zoomed-in view on the same GPUs; the fitted view is fitted again (${width} px wide)`, async ({ page }) => {
  await page.setViewportSize({ width, height: 800 });
  await openHeatmap(page);
  const canvas = page.getByTestId('heatmap-canvas');
  const box = (await canvas.boundingBox())!;
  const middle = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  /** The GPU drawn nearest the canvas's middle, with its screen point. */
  const gpuAtMiddle = () =>
    page.evaluate(({ x, y }) => {
      const h = window.__canopyHeatmap!;
      let best = { node: '', gpu: -1, x: 0, y: 0, d: Infinity };
      for (let c = 0; c < h.model.layout.cellCount; c++) {
        const p = h.cellClientPoint(c)!;
        const d = Math.hypot(p.x - x, p.y - y);
        if (d < best.d) best = { node: h.model.layout.nodes[h.model.layout.cellNode[c]!]!.name, gpu: h.model.layout.cellGpu[c]!, x: p.x, y: p.y, d };
      }
      return best;
    }, middle);
  const pointOf = (node: string, gpu: number) => page.evaluate(([n, g]) => window.__canopyHeatmap!.cellClientPoint(window.__canopyHeatmap!.cellOf(n, g)), [node, gpu] as const);

  // Fitted: collapsing a level fits the new grouping, and no zoom goes into the URL.
  await page.getByRole('checkbox', { name: 'block' }).uncheck();
  await expect(page).toHaveURL(/hide=block/);
  expect(new URL(page.url()).searchParams.get('v')).toBeNull();
  await page.getByRole('checkbox', { name: 'block' }).check();
  await expect(page).not.toHaveURL(/hide=/);

  // Zoomed in around the middle: the GPU there stays where it is on the screen.
  await page.mouse.move(middle.x, middle.y);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300);
  await expect.poll(() => new URL(page.url()).searchParams.get('v')).not.toBeNull();
  const before = await gpuAtMiddle();
  const zoomedIn = new URL(page.url()).searchParams.get('v');
  await page.getByRole('checkbox', { name: 'rack' }).uncheck();
  await expect(page).toHaveURL(/hide=rack/);
  await expect.poll(async () => {
    const p = (await pointOf(before.node, before.gpu))!;
    return Math.hypot(p.x - before.x, p.y - before.y);
  }, { message: `GPU ${before.gpu} of ${before.node} moved on screen` }).toBeLessThan(1);
  // The URL holds the kept view (in the new grouping's units), so a reload shows the same GPUs.
  await expect.poll(() => new URL(page.url()).searchParams.get('v')).not.toBe(zoomedIn);
  expect(new URL(page.url()).searchParams.get('v')).not.toBeNull();
  await page.reload();
  await heatmapReady(page);
  const reloaded = (await pointOf(before.node, before.gpu))!;
  expect(Math.hypot(reloaded.x - before.x, reloaded.y - before.y)).toBeLessThan(2);
});

test('a narrow window (a phone) gets a map box only as tall as the fitted map, with every GPU in it', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await openHeatmap(page);
  const canvas = page.getByTestId('heatmap-canvas');
  const box = (await canvas.boundingBox())!;
  // The wide layout fitted to the phone's width is about 200 px tall: 560 px of box left most of it empty.
  expect(box.height).toBeGreaterThanOrEqual(240);
  expect(box.height).toBeLessThan(400);
  /** GPUs drawn outside the canvas, and the empty band (px) under the lowest one. */
  const fit = async () => {
    const b = (await canvas.boundingBox())!;
    return page.evaluate(({ top, bottom, left, right }) => {
      const h = window.__canopyHeatmap!;
      let outside = 0;
      let lowest = top;
      for (let c = 0; c < h.model.layout.cellCount; c++) {
        const p = h.cellClientPoint(c)!;
        if (p.y < top || p.y > bottom || p.x < left || p.x > right) outside++;
        lowest = Math.max(lowest, p.y);
      }
      return { outside, below: bottom - lowest, height: bottom - top };
    }, { top: b.y, bottom: b.y + b.height, left: b.x, right: b.x + b.width });
  };
  expect((await fit()).outside).toBe(0);
  // A desktop window: at most 560 px, and refitted: no more than the map needs (its frames' padding and the margin under the last GPU).
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(async () => (await canvas.boundingBox())!.width).toBeGreaterThan(box.width);
  await expect.poll(async () => (await fit()).height).toBeGreaterThan(box.height);
  const desktop = await fit();
  expect(desktop.outside).toBe(0);
  expect(desktop.height).toBeLessThanOrEqual(560);
  expect(desktop.height === 560 || desktop.below < 80, `empty band of ${desktop.below} px under the map`).toBe(true);
});

test('keyboard: controls reachable, the focused canvas pans (Shift+arrows) and zooms with keys, Escape clears the selection', async ({ page }) => {
  await openHeatmap(page);
  await page.getByRole('radio', { name: 'Allocation' }).focus();
  await page.keyboard.press('ArrowRight'); // radios move with arrows
  await expect(page.getByRole('radio', { name: 'By workload' })).toBeChecked();
  const canvas = page.getByTestId('heatmap-canvas');
  // Tab from the search box reaches the canvas.
  await page.getByLabel('Find', { exact: true }).focus();
  for (let i = 0; i < 20 && !(await canvas.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(canvas).toBeFocused();
  // The first view fits the map and is not written to the URL (a shared link fits the receiver's screen).
  expect(new URL(page.url()).searchParams.get('v')).toBeNull();
  await page.keyboard.press('+');
  // The URL's zoom is relative to the fitted view (1).
  await expect.poll(async () => (await hook(page)).view.zoom?.scale ?? 0).toBeGreaterThan(1.2);
  const zoomed = (await hook(page)).view.zoom!;
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(async () => (await hook(page)).view.zoom!).not.toEqual(zoomed);
  await page.keyboard.press('-');
  await expect.poll(async () => (await hook(page)).view.zoom!.scale).toBeCloseTo(1, 3);

  // Search by keyboard selects a workload; Escape on the canvas clears it.
  await page.getByLabel('Find', { exact: true }).fill('mixtral-agg');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('selection-panel')).toContainText('default/mixtral-agg');
  await canvas.focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-panel')).toHaveCount(0);
});

test('screen readers: the canvas is named with its GPU counts, and the keyboard cursor’s live region names the pod the tooltip names', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const totals = await page.evaluate(() => window.__canopyHeatmap!.model.totals);
  const canvas = page.getByRole('application', { name: `GPU heatmap: ${totals.gpus} GPUs, ${totals.used} used, ${totals.free} free`, exact: false });
  await expect(canvas).toHaveAttribute('aria-roledescription', 'GPU heatmap');
  await expect(canvas).toHaveAccessibleDescription(/Arrow keys step through GPUs/);
  const live = page.getByTestId('heatmap-cursor');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toHaveText('');

  // The first arrow puts the cursor on the first GPU in view; down goes node by node to a held GPU.
  await canvas.focus();
  await page.keyboard.press('ArrowDown');
  const cursor = () =>
    page.evaluate(() => {
      const h = window.__canopyHeatmap!;
      const c = h.focusedCell();
      const p = c >= 0 ? h.model.cellPod[c]! : -1;
      return { cell: c, node: c >= 0 ? h.model.layout.nodes[h.model.layout.cellNode[c]!]!.name : '', gpu: c >= 0 ? h.model.layout.cellGpu[c]! : -1, pod: p >= 0 ? h.model.pods[p]!.key : null };
    });
  let at = await cursor();
  expect(at.cell).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < 60 && at.pod === null; i++) {
    await page.keyboard.press('ArrowDown');
    at = await cursor();
  }
  expect(at.pod, 'a held GPU reached with the down arrow').not.toBeNull();
  await expect(live).toContainText(`Node: ${at.node} `);
  await expect(live).toContainText(`GPU: ${at.gpu} of`);
  await expect(live).toContainText(`Pod: ${at.pod}`);

  // The mouse on the same GPU: the tooltip names the same pod.
  const point = await page.evaluate((cell) => window.__canopyHeatmap!.cellClientPoint(cell), at.cell);
  await page.mouse.move(point!.x, point!.y);
  const tooltip = page.getByTestId('heatmap-tooltip');
  await expect(tooltip).toContainText(at.node);
  await expect(tooltip).toContainText(at.pod!);
  const podInTooltip = await tooltip.locator('dt', { hasText: /^Pod$/ }).locator('xpath=following-sibling::dd[1]').textContent();
  expect(podInTooltip).toBe(at.pod);
  await expect(live).toContainText(`Pod: ${podInTooltip}`);

  // Right steps one GPU: the region follows; Escape clears the cursor and the region.
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  const next = await cursor();
  expect(next.cell).toBe(at.cell + 1);
  await expect(live).toContainText(`Node: ${next.node} `);
  await expect(live).toContainText(`GPU: ${next.gpu} of`);
  await page.keyboard.press('Escape');
  await expect(live).toHaveText('');
  expect(errors).toEqual([]);
});

test('the live region speaks when the cursor moves, not when the facts under a resting cursor change', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  await page.getByLabel('Paste or drop a PodCliqueSet').fill(rackPackedPcs('preview-quiet', 2, 4));
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  const ghost = await page.evaluate(() => window.__canopyHeatmap!.ghostCells[0]!);
  const point = await page.evaluate((cell) => window.__canopyHeatmap!.cellClientPoint(cell), ghost);
  await page.mouse.click(point!.x, point!.y);
  expect(await page.evaluate(() => window.__canopyHeatmap!.focusedCell())).toBe(ghost);
  const live = page.getByTestId('heatmap-cursor');
  await expect(live).toContainText('Pod: free');
  await expect(live).toContainText('Planned: gang preview-quiet');
  const said = await live.textContent();

  // The ghosts go away under the resting cursor: nothing new is announced.
  await page.getByRole('button', { name: 'Clear preview' }).click();
  await expect.poll(() => page.evaluate(() => window.__canopyHeatmap!.ghostGpus)).toBe(0);
  await expect(live).toHaveText(said!);

  // The next move reads the facts afresh.
  await page.getByTestId('heatmap-canvas').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await expect(live).toContainText('Node: ');
  await expect(live).not.toContainText('Planned');
  expect(errors).toEqual([]);
});

test('search for a node zooms to it, and the breadcrumb says where the view is', async ({ page }) => {
  await openHeatmap(page);
  const crumbs = page.getByRole('navigation', { name: 'Where you are' });
  await expect(crumbs.getByRole('button', { name: 'Cluster' })).toBeVisible();
  await expect(crumbs).not.toContainText('rack'); // the whole cluster in view: no rack named
  const node = 'h100-zh0-b0-r1-n2';
  const rack = await page.evaluate((name) => window.__canopyHeatmap!.model.layout.nodes.find((b) => b.name === name)!.domains.rack, node);
  await page.getByLabel('Find', { exact: true }).fill(node);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('search').getByRole('status')).toContainText(`Node ${node}: 8 GPUs`);
  await expect(crumbs).toContainText(`rack ${rack}`);
  await expect.poll(async () => (await page.evaluate(() => window.__canopyHeatmap!.currentZoom()))!.k).toBeGreaterThan(3);
  await crumbs.getByRole('button', { name: 'Cluster' }).click();
  await expect(crumbs).not.toContainText('rack');
  await page.getByLabel('Find', { exact: true }).fill('no-such-thing');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('search').getByRole('status')).toContainText('Nothing matches');
});

/**
 * Lets a test add objects to the page's copy of the cluster as if the server had streamed them (the
 * simulated cluster's API applies only Grove kinds, and a test must not change its Nodes for the other
 * tests). Wraps EventSource before the page runs: server deltas pass through with their sequence
 * numbers shifted past the injected ones, so the client store takes both in order.
 */
async function allowStreamInjection(page: Page): Promise<void> {
  await page.addInitScript(() => {
    type Listener = (event: { data?: unknown }) => void;
    const Native = window.EventSource;
    let offset = 0;
    let lastSeq = -1;
    let deltaListeners: Listener[] = [];
    window.EventSource = new Proxy(Native, {
      construct(target, args: ConstructorParameters<typeof EventSource>) {
        const source = new target(...args);
        const add = source.addEventListener.bind(source) as (type: string, listener: (event: MessageEvent<string>) => void) => void;
        deltaListeners = [];
        source.addEventListener = ((type: string, listener: Listener) => {
          // A snapshot's seq comes whole or in its parts' begin.
          if (type !== 'delta' && type !== 'snapshot' && type !== 'snapshot-begin') return add(type, listener);
          if (type === 'delta') deltaListeners.push(listener);
          add(type, (event) => {
            const data = JSON.parse(event.data) as { seq?: number };
            if (typeof data.seq === 'number') {
              data.seq += offset;
              lastSeq = data.seq;
            }
            listener({ data: JSON.stringify(data) });
          });
        }) as typeof source.addEventListener;
        return source;
      },
    });
    (window as unknown as { __injectDelta: (kinds: unknown) => void }).__injectDelta = (kinds) => {
      offset++;
      lastSeq++;
      for (const handle of deltaListeners) handle({ data: JSON.stringify({ seq: lastSeq, kinds }) });
    };
  });
}

/** The crumbs after "Cluster", and the view's centre in model units. */
async function breadcrumbAndCentre(page: Page): Promise<{ crumbs: string[]; centre: { x: number; y: number } }> {
  const crumbs = (await page.getByRole('navigation', { name: 'Where you are' }).getByRole('button').allTextContents()).slice(1);
  const centre = await page.evaluate(() => {
    const t = window.__canopyHeatmap!.currentZoom()!;
    const box = document.querySelector('[data-testid="heatmap-canvas"]')!.getBoundingClientRect();
    return { x: (box.width / 2 - t.x) / t.k, y: (box.height / 2 - t.y) / t.k };
  });
  return { crumbs, centre };
}

test('the breadcrumb follows a live change of the layout: a rack added elsewhere does not rename where the view is', async ({ page }) => {
  const errors = collectErrors(page);
  await allowStreamInjection(page);
  await openHeatmap(page);
  // Zoom into the last GB200 rack by searching one of its nodes.
  const target = await page.evaluate(() => {
    const nodes = window.__canopyHeatmap!.model.layout.nodes as unknown as { name: string; domains: Record<string, string> }[];
    const gb = nodes.filter((b) => b.name.startsWith('gb200-'));
    return { last: gb.at(-1)!.name, lastRack: gb.at(-1)!.domains.rack!, first: gb[0]!.name, firstRack: gb[0]!.domains.rack! };
  });
  expect(target.lastRack).not.toBe(target.firstRack);
  await page.getByLabel('Find', { exact: true }).fill(target.last);
  await page.keyboard.press('Enter');
  const nav = page.getByRole('navigation', { name: 'Where you are' });
  await expect(nav).toContainText(`rack ${target.lastRack}`);
  const frameOf = (label: string) => page.evaluate((l) => (window.__canopyHeatmap!.model.layout as unknown as { frames: { label: string; x: number; y: number; w: number; h: number }[] }).frames.filter((f) => f.label === l), label);
  const zoom = await page.evaluate(() => window.__canopyHeatmap!.currentZoom());

  // Another client adds a node in a new rack sorted before ours (same levels: the view is not refitted).
  const items = await snapshot(page);
  const template = items.find((i) => i.kind === 'Node' && i.metadata.name === target.first)!;
  const rackKey = Object.entries(template.metadata.labels ?? {}).find(([, v]) => v === target.firstRack)![0];
  const added = structuredClone(template) as KubeItem & { metadata: { resourceVersion?: string; uid?: string } };
  added.metadata.name = `${target.first}-extra`;
  added.metadata.labels = { ...added.metadata.labels, [rackKey]: `${target.firstRack}a` };
  delete added.metadata.resourceVersion;
  delete added.metadata.uid;
  await page.evaluate((node) => (window as unknown as { __injectDelta: (kinds: unknown) => void }).__injectDelta({ Node: [{ type: 'ADDED', object: node }] }), added);
  await page.waitForFunction((name) => window.__canopyHeatmap!.model.layout.nodes.some((b) => b.name === name), added.metadata.name);
  expect(await page.evaluate(() => window.__canopyHeatmap!.currentZoom())).toEqual(zoom);

  // Every crumb names a domain that holds the view's centre in the new layout.
  await expect
    .poll(async () => {
      const { crumbs, centre } = await breadcrumbAndCentre(page);
      const holds = await Promise.all(crumbs.map(async (c) => (await frameOf(c)).some((f) => centre.x >= f.x && centre.x < f.x + f.w && centre.y >= f.y && centre.y < f.y + f.h)));
      return { crumbs, allHoldTheCentre: crumbs.length > 0 && holds.every(Boolean) };
    })
    .toMatchObject({ allHoldTheCentre: true });
  expect((await breadcrumbAndCentre(page)).crumbs.some((c) => c.startsWith('rack '))).toBe(true);
  expect(errors).toEqual([]);
});

/** Dispatch a drag of `yaml` (as text, or as a file) onto `testId`: enter, over, then drop. Returns whether the page took the drop (preventDefault: no navigation to the file). */
async function dropOn(page: Page, testId: string, yaml: string, as: 'text' | 'file', phase: 'over' | 'drop' = 'drop'): Promise<boolean[]> {
  return page.evaluate(
    ({ testId, yaml, as, phase }) => {
      const target = document.querySelector(`[data-testid="${testId}"]`)!;
      const dataTransfer = new DataTransfer();
      if (as === 'text') dataTransfer.setData('text/plain', yaml);
      else dataTransfer.items.add(new File([yaml], 'stack.yaml', { type: 'application/yaml' }));
      const types = phase === 'drop' ? ['dragenter', 'dragover', 'drop'] : ['dragenter', 'dragover'];
      return types.map((type) => {
        const event = new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true });
        target.dispatchEvent(event);
        return event.defaultPrevented;
      });
    },
    { testId, yaml, as, phase },
  );
}

test('a PodCliqueSet dropped anywhere on the page (the map, the table) is previewed, as text or as a file', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const dropTarget = page.getByTestId('preview-drop-target');
  await expect(dropTarget).toHaveCount(0);

  // Dragging over the map shows where a drop goes; the browser is told the page takes it.
  expect(await dropOn(page, 'heatmap-canvas', rackPackedPcs('dropped-text', 2, 4), 'text', 'over')).toEqual([true, true]);
  await expect(dropTarget).toBeVisible();
  await expect(dropTarget).toContainText('Drop');
  await page.getByTestId('heatmap-canvas').dispatchEvent('dragleave', { relatedTarget: null });
  await expect(dropTarget).toHaveCount(0);

  // Text dropped on the map.
  expect(await dropOn(page, 'heatmap-canvas', rackPackedPcs('dropped-text', 2, 4), 'text')).toEqual([true, true, true]);
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  expect((await hook(page)).ghostGpus).toBe(8);
  await expect(page.getByTestId('preview-result')).toContainText('default/dropped-text');
  await expect(page.getByLabel('Paste or drop a PodCliqueSet')).toHaveValue(/name: dropped-text/);
  await expect(dropTarget).toHaveCount(0);

  // A file dropped on the table view.
  expect(await dropOn(page, 'domain-table', rackPackedPcs('dropped-file', 3, 4), 'file')).toEqual([true, true, true]);
  await expect(page.getByTestId('ghost-count')).toHaveText('12');
  await expect(page.getByTestId('preview-result')).toContainText('default/dropped-file');

  // The preview panel takes a drop the same way (one handler), replacing the text rather than inserting at the caret.
  expect(await dropOn(page, 'preview-panel', rackPackedPcs('dropped-panel', 1, 4), 'text')).toEqual([true, true, true]);
  await expect(page.getByTestId('ghost-count')).toHaveText('4');
  await expect(page.getByLabel('Paste or drop a PodCliqueSet')).toHaveValue(rackPackedPcs('dropped-panel', 1, 4));
  expect(errors).toEqual([]);
});

/** Puts a draggable word at the top of the page whose drag carries `text` as text/plain, as a word dragged from another window does. */
async function addTextSource(page: Page, text: string): Promise<void> {
  await page.evaluate((text) => {
    const source = document.createElement('span');
    source.textContent = text;
    source.draggable = true;
    source.dataset.testid = 'text-source';
    source.style.cssText = 'position:fixed;top:4px;left:4px;z-index:100;padding:4px;background:#ff0;color:#000';
    source.addEventListener('dragstart', (e) => e.dataTransfer!.setData('text/plain', text));
    document.body.append(source);
  }, text);
}

/** Opens the map with a 4-GPU PodCliqueSet pasted and previewed: the YAML a stray drop must not replace. */
async function openWithPreview(page: Page) {
  await openHeatmap(page);
  const yaml = page.getByLabel('Paste or drop a PodCliqueSet');
  const pasted = rackPackedPcs('kept-yaml', 1, 4);
  await yaml.fill(pasted);
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('ghost-count')).toHaveText('4');
  return { yaml, pasted };
}

test('a word dragged onto the Find box lands in the box; the preview YAML is not touched', async ({ page }) => {
  const errors = collectErrors(page);
  const { yaml, pasted } = await openWithPreview(page);

  // A real (trusted) drag and drop, so the browser's own insertion runs when the page leaves it alone.
  await addTextSource(page, 'mixtral-agg');
  const find = page.getByLabel('Find', { exact: true });
  await page.getByTestId('text-source').dragTo(find);
  await expect(find).toHaveValue('mixtral-agg');
  await expect(yaml).toHaveValue(pasted);
  await expect(page.getByTestId('ghost-count')).toHaveText('4');
  await expect(page.getByTestId('preview-result')).toContainText('default/kept-yaml');
  await expect(page.getByTestId('preview-notice')).toHaveCount(0);
  await expect(page.getByTestId('preview-drop-target')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a text that is no PodCliqueSet dropped on the map or the panel keeps the YAML and says so; a PodCliqueSet still replaces it', async ({ page }) => {
  const errors = collectErrors(page);
  const { yaml, pasted } = await openWithPreview(page);

  // Taken by the page (no navigation to a dropped link), but not used.
  expect(await dropOn(page, 'heatmap-canvas', 'rack-0\t72 GPUs', 'text')).toEqual([true, true, true]);
  await expect(page.getByTestId('preview-notice')).toContainText('not a PodCliqueSet');
  await expect(page.getByTestId('preview-notice')).toContainText('kept your YAML');
  await expect(yaml).toHaveValue(pasted);
  await expect(page.getByTestId('ghost-count')).toHaveText('4');
  await expect(page.getByTestId('preview-problems')).toHaveCount(0);

  // YAML of another kind, dropped on the panel itself.
  expect(await dropOn(page, 'preview-panel', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n', 'text')).toEqual([true, true, true]);
  await expect(page.getByTestId('preview-notice')).toContainText('kept your YAML');
  await expect(yaml).toHaveValue(pasted);

  // A PodCliqueSet replaces it, and the notice goes.
  expect(await dropOn(page, 'heatmap-canvas', rackPackedPcs('dropped-after', 2, 4), 'text')).toEqual([true, true, true]);
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  await expect(yaml).toHaveValue(/name: dropped-after/);
  await expect(page.getByTestId('preview-notice')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('search: a workload name used in two namespaces offers both instead of picking one; namespace/name selects that one', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const copy = rackPackedPcs('mixtral-agg', 1, 4).replace('namespace: default', 'namespace: team-b');
  const applied = await page.request.post('/api/apply', {
    headers: { 'content-type': 'application/yaml', 'x-canopy-request': '1' },
    data: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-b\n---\n${copy}`,
  });
  expect(applied.ok(), await applied.text()).toBe(true);
  try {
    const workloads = page.getByRole('region', { name: /Workloads/ });
    await expect(workloads.getByRole('button', { name: /^team-b\/mixtral-agg / })).toBeVisible({ timeout: 15_000 });
    const search = page.getByRole('search');
    await page.getByLabel('Find', { exact: true }).fill('mixtral-agg');
    await page.keyboard.press('Enter');
    await expect(search.getByRole('status')).toContainText('2 workloads match');
    const choices = search.getByRole('group', { name: /^Matches for “mixtral-agg”/ });
    await expect(choices.getByRole('button')).toHaveText([/^Workload default\/mixtral-agg ·/, /^Workload team-b\/mixtral-agg ·/]);
    // Nothing was picked for the user.
    await expect(page.getByTestId('selection-panel')).toHaveCount(0);
    // Keyboard: Tab reaches the choices; Enter picks one.
    await choices.getByRole('button', { name: /^Workload team-b\/mixtral-agg/ }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('selection-panel')).toContainText('team-b/mixtral-agg');
    await expect(choices).toHaveCount(0);
    await expect(page.getByLabel('Find', { exact: true })).toBeFocused();

    // An exact namespace/name selects that workload, with no choice offered.
    await page.getByLabel('Find', { exact: true }).fill('default/mixtral-agg');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('selection-panel')).toContainText('default/mixtral-agg');
    await expect(search.getByRole('group')).toHaveCount(0);
  } finally {
    const deleted = await page.request.post('/api/delete', { headers: { 'content-type': 'application/json', 'x-canopy-request': '1' }, data: { kind: 'PodCliqueSet', namespace: 'team-b', name: 'mixtral-agg' } });
    expect(deleted.ok(), await deleted.text()).toBe(true);
    // Gone before the next test counts used GPUs.
    await expect.poll(async () => (await snapshot(page)).filter((i) => running(i) && i.metadata.namespace === 'team-b').length, { timeout: 15_000 }).toBe(0);
  }
  expect(errors).toEqual([]);
});

test('colour modes: the legend follows the mode (workloads, roles, domain fill) and stays visible', async ({ page }) => {
  await openHeatmap(page);
  const legend = page.getByTestId('heatmap-legend');
  await expect(legend).toContainText('Grove workload');
  await expect(legend).toContainText('Cordoned / NotReady node');
  await page.getByRole('radio', { name: 'By workload' }).check();
  for (const name of ['default/llama-disagg', 'default/deepseek-wide', 'default/mixtral-agg']) await expect(legend.getByRole('button', { name })).toBeVisible();
  // A legend entry is a way to select: keyboard users reach it with Tab.
  await legend.getByRole('button', { name: 'default/mixtral-agg' }).press('Enter');
  await expect(page.getByTestId('selection-panel')).toContainText('default/mixtral-agg');
  await page.getByRole('radio', { name: 'By role' }).check();
  // Roles come from the PodCliques' roleName (pods do not carry it).
  // Other specs may have applied stacks with more roles than the palette holds: those entries say "(shared colour)".
  for (const role of ['decode', 'prefill-leader', 'prefill-worker', 'leader', 'worker']) {
    await expect(legend.getByRole('listitem').filter({ hasText: new RegExp(`^\\s*${role}\\s*(\\(shared colour\\))?\\s*$`) })).toBeVisible();
  }
  await page.getByRole('radio', { name: 'Domain fill' }).check();
  await expect(legend).toContainText('0% used');
  await expect(legend).toContainText('100% used');
});

/** Injects one changed object of `kind` into the page's stream, as a watch event would bring it. */
async function injectModified(page: Page, kind: string, object: unknown): Promise<void> {
  await page.evaluate(({ kind, object }) => (window as unknown as { __injectDelta: (kinds: unknown) => void }).__injectDelta({ [kind]: [{ type: 'MODIFIED', object }] }), { kind, object });
}

/** RGB of the canvas pixel at the centre of `cell`. */
async function cellPixel(page: Page, cell: number): Promise<number[]> {
  return page.evaluate((cell) => {
    const canvas = document.querySelector('[data-testid="heatmap-canvas"]') as HTMLCanvasElement;
    const p = window.__canopyHeatmap!.cellClientPoint(cell)!;
    const box = canvas.getBoundingClientRect();
    const ratio = canvas.width / box.width;
    return Array.from(canvas.getContext('2d')!.getImageData(Math.round((p.x - box.left) * ratio), Math.round((p.y - box.top) * ratio), 1, 1).data).slice(0, 3);
  }, cell);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`taints (${colorScheme})`, () => {
    test.use({ colorScheme });
    test('a node tainted NoSchedule: its free GPUs stay free and are counted as the tainted part of them in the header and the table, drawn in their own colour, and the tooltip names the taint; a taint on every GPU node is said once and marks none', async ({ page }) => {
      const errors = collectErrors(page);
      await allowStreamInjection(page);
      await openHeatmap(page);
      // A node with no pod on it: all its GPUs are free.
      const target = await page.evaluate(() => {
        const h = window.__canopyHeatmap!;
        const free = h.model.layout.nodes.filter((b) => Array.from({ length: b.gpus }, (_, g) => h.model.cellPod[b.firstCell + g]!).every((p) => p < 0));
        return { node: free.at(-1)!.name, gpus: free.at(-1)!.gpus, firstCell: free.at(-1)!.firstCell, otherFree: free[0]!.firstCell, freeBefore: h.model.totals.free };
      });
      await expect(page.getByTestId('gpu-free-tainted')).toHaveCount(0);
      const freeBefore = await page.evaluate(() => window.__canopyHeatmap!.model.totals.free);
      const untaintedPixel = await cellPixel(page, target.firstCell);
      const node = (await snapshot(page)).find((i) => i.kind === 'Node' && i.metadata.name === target.node)! as KubeItem & { spec?: { taints?: unknown[] } };
      await injectModified(page, 'Node', { ...node, spec: { ...node.spec, taints: [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }] } });

      await expect(page.getByTestId('gpu-free-tainted')).toHaveText(`, ${target.gpus} of them on tainted nodes`);
      expect(await page.evaluate(() => window.__canopyHeatmap!.model.totals.free)).toBe(freeBefore);
      await expect(page.getByTestId('table-total-tainted')).toHaveText(String(target.gpus));
      await expect(page.getByTestId('tainted-nodes')).toContainText(`${target.node}: dedicated=infer:NoSchedule`);
      await expect(page.getByTestId('legend-tainted-node')).toBeVisible();
      await expect(page.getByTestId('heatmap-legend')).toContainText('Free on a tainted node');
      // Its free cells are no longer drawn as free ones.
      await expect.poll(() => cellPixel(page, target.firstCell)).not.toEqual(untaintedPixel);
      expect(await cellPixel(page, target.otherFree)).toEqual(untaintedPixel);
      // The legend's marker stands out from the page in this theme.
      const marker = await page.getByTestId('legend-tainted-node').locator('[data-mark="taintedNode"]').evaluate((el) => getComputedStyle(el).stroke);
      const [r, g, b] = marker.match(/\d+/g)!.map(Number);
      const lum = (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
      if (colorScheme === 'dark') expect(lum).toBeGreaterThan(0.5);
      else expect(lum).toBeLessThan(0.35);

      const point = await page.evaluate((cell) => window.__canopyHeatmap!.cellClientPoint(cell), target.firstCell);
      await page.mouse.move(point!.x, point!.y);
      const tooltip = page.getByTestId('heatmap-tooltip');
      await expect(tooltip).toContainText(`${target.node} (Ready, tainted)`);
      await expect(tooltip).toContainText('dedicated=infer:NoSchedule');
      await expect(tooltip).toContainText('free only for pods that tolerate');
      await expect(page.getByTestId('legend-cluster-taints')).toHaveCount(0);

      // GKE: every GPU node gets nvidia.com/gpu=present:NoSchedule. It is said once and marks no node;
      // the one node with a taint of its own stays marked, by that taint alone.
      const gpuTaint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
      const nodes = (await snapshot(page)).filter((i) => i.kind === 'Node') as (KubeItem & { spec?: { taints?: unknown[] } })[];
      const events = nodes.map((n) => ({ type: 'MODIFIED', object: { ...n, spec: { ...n.spec, taints: n.metadata.name === target.node ? [{ key: 'dedicated', value: 'infer', effect: 'NoSchedule' }, gpuTaint] : [gpuTaint] } } }));
      await page.evaluate((events) => (window as unknown as { __injectDelta: (kinds: unknown) => void }).__injectDelta({ Node: events }), events);
      const note = 'All GPU nodes carry nvidia.com/gpu=present:NoSchedule: pods need a toleration for nvidia.com/gpu=present:NoSchedule';
      await expect(page.getByTestId('legend-cluster-taints')).toContainText(note);
      await expect(page.getByTestId('cluster-taints')).toContainText(note);
      await expect(page.getByTestId('gpu-free-tainted')).toHaveText(`, ${target.gpus} of them on tainted nodes`);
      await expect(page.getByTestId('tainted-nodes')).toContainText('Tainted nodes (1)');
      await expect(page.getByTestId('tainted-nodes')).toContainText(`${target.node}: dedicated=infer:NoSchedule`);
      expect(await cellPixel(page, target.otherFree)).toEqual(untaintedPixel);
      expect(errors).toEqual([]);
    });
  });
}

test('a stack whose pods are all pending is found by search; its selection says it has no GPUs yet and how many pods and GPUs wait', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  // 20 pods × 4 GPUs required in one rack: no rack has 80 GPUs, so the gang waits whole.
  await applyStack(page, 'fitkai-e2e', 20, 4);
  try {
    await expect.poll(() => page.evaluate(() => (window.__canopyHeatmap!.model as unknown as { workloads: { key: string; pendingPods: number }[] }).workloads.find((w) => w.key === 'default/fitkai-e2e')?.pendingPods ?? 0), { timeout: 15_000 }).toBe(20);
    await page.getByLabel('Find', { exact: true }).fill('fitkai');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('search').getByRole('status')).toContainText('Workload default/fitkai-e2e: no GPUs yet, 20 pods pending (80 GPUs waiting)');
    const panel = page.getByTestId('selection-panel');
    await expect(panel).toContainText('default/fitkai-e2e · no GPUs yet · 20 pods pending, 80 GPUs waiting');
    await expect(panel.getByRole('link', { name: /Why its pods wait/ })).toHaveAttribute('href', '/workloads/default/fitkai-e2e');
    await expect(page.getByRole('region', { name: /Workloads/ }).getByRole('button', { name: /^default\/fitkai-e2e · 0 GPUs, 20 pods pending/ })).toBeVisible();
  } finally {
    await deleteStack(page, 'fitkai-e2e');
  }
  expect(errors).toEqual([]);
});

test('a required rack pack broken where the pods are is a problem in the selection panel; met, it is not', async ({ page }) => {
  const errors = collectErrors(page);
  await allowStreamInjection(page);
  await openHeatmap(page);
  const panel = page.getByTestId('selection-panel');
  await page.getByLabel('Find', { exact: true }).fill('default/llama-disagg');
  await page.keyboard.press('Enter');
  await expect(panel).toContainText('default/llama-disagg');
  await expect(panel).not.toContainText('⚠');
  // Another scheduler moved one prefill worker to a rack of its own (what the default scheduler does).
  const move = await page.evaluate(() => {
    const h = window.__canopyHeatmap!;
    const model = h.model as unknown as { pods: { name: string; node: string; podClique: string; workload: string }[]; layout: { nodes: { name: string; gpus: number; firstCell: number; domains: Record<string, string> }[] } };
    const worker = model.pods.find((p) => p.workload === 'default/llama-disagg' && /-prefill-\d+-pworker$/.test(p.podClique))!;
    const rackOf = (name: string) => model.layout.nodes.find((b) => b.name === name)!.domains.rack;
    const to = model.layout.nodes.find((b) => b.domains.rack !== rackOf(worker.node) && b.name.startsWith('gb200-') && Array.from({ length: b.gpus }, (_, g) => h.model.cellPod[b.firstCell + g]!).every((p) => p < 0))!;
    return { pod: worker.name, to: to.name };
  });
  const pod = (await snapshot(page)).find((i) => i.kind === 'Pod' && i.metadata.name === move.pod)!;
  await injectModified(page, 'Pod', { ...pod, spec: { ...pod.spec, nodeName: move.to } });
  await expect(panel.getByTestId('constraint-problems')).toContainText(/⚠ Required rack pack of scaling group prefill \(replica llama-disagg-\d-prefill-\d\) not met: pods on 2 racks/);
  expect(errors).toEqual([]);
});

// Last in the file (tests of a file run in order): it changes the simulated cluster, then restores it.
test('live: a stack applied through the API appears on the map without a reload, and leaves when deleted', async ({ page }) => {
  await openHeatmap(page);
  const used = () => page.evaluate(() => window.__canopyHeatmap!.model.totals.used);
  const before = await used();
  await applyStack(page, 'live-probe', 2, 4);
  try {
    await expect.poll(used, { timeout: 15_000 }).toBe(before + 8);
    await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live');
    await expect(page.getByRole('region', { name: /Workloads/ }).getByRole('button', { name: /^default\/live-probe / })).toBeVisible();
  } finally {
    await deleteStack(page, 'live-probe');
  }
  await expect.poll(used, { timeout: 15_000 }).toBe(before);
});

test('live: a preview on screen follows pod events: same GPU count, ghosts only on GPUs that stay free', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  await page.getByLabel('Paste or drop a PodCliqueSet').fill(rackPackedPcs('preview-live', 2, 4));
  await page.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  const used = () => page.evaluate(() => window.__canopyHeatmap!.model.totals.used);
  const ghostsOnFreeCells = () =>
    page.evaluate(() => {
      const h = window.__canopyHeatmap!;
      return h.ghostCells.length > 0 && h.ghostCells.every((c) => h.model.cellPod[c]! < 0);
    });
  expect(await ghostsOnFreeCells()).toBe(true);
  const before = await used();
  await applyStack(page, 'preview-live-neighbour', 2, 4);
  try {
    await expect.poll(used, { timeout: 15_000 }).toBe(before + 8);
    await expect(page.getByTestId('ghost-count')).toHaveText('8');
    await expect(page.getByTestId('preview-result')).toContainText('the stack asks for 8');
    expect(await ghostsOnFreeCells()).toBe(true);
  } finally {
    await deleteStack(page, 'preview-live-neighbour');
  }
  await expect.poll(used, { timeout: 15_000 }).toBe(before);
  await expect(page.getByTestId('ghost-count')).toHaveText('8');
  expect(await ghostsOnFreeCells()).toBe(true);
  expect(errors).toEqual([]);
});

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('the canvas, legend and tooltip are dark and readable', async ({ page }) => {
    await openHeatmap(page);
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    // The canvas background pixel is dark; a free cell is lighter than the background.
    const pixels = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="heatmap-canvas"]') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const corner = Array.from(ctx.getImageData(1, 1, 1, 1).data);
      const h = window.__canopyHeatmap!;
      let free = -1;
      for (let c = 0; c < h.model.layout.cellCount && free < 0; c++) if (h.model.cellPod[c]! < 0) free = c;
      const p = h.cellClientPoint(free)!;
      const box = canvas.getBoundingClientRect();
      const ratio = canvas.width / box.width;
      const cell = Array.from(ctx.getImageData(Math.round((p.x - box.left) * ratio), Math.round((p.y - box.top) * ratio), 1, 1).data);
      return { corner, cell };
    });
    const lum = ([r, g, b]: number[]) => (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    expect(lum(pixels.corner)).toBeLessThan(0.1);
    expect(lum(pixels.cell)).toBeGreaterThan(lum(pixels.corner) + 0.1);
    const legendColor = await page.getByTestId('heatmap-legend').evaluate((el) => getComputedStyle(el).color);
    const [r, g, b] = legendColor.match(/\d+/g)!.map(Number);
    expect((0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255).toBeGreaterThan(0.6);
  });
});
