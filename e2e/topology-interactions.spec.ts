import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './support/page';
import { rackPackedPcs } from './support/manifests';

/**
 * How the topology page's controls act on one another, on the simulated demo cluster: a search and
 * the selection, Escape from anywhere on the page, the table's domain rows and the map, and fitting
 * the map against the zoom a shared link carries. The page's model is read from `window.__canopyHeatmap`
 * (components/heatmap/TopologyView.tsx, HeatmapTestHook).
 */

async function openHeatmap(page: Page, query = ''): Promise<void> {
  await page.goto(`/topology${query}`);
  await expect(page.getByTestId('heatmap-connection')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await page.waitForFunction(() => !!window.__canopyHeatmap && window.__canopyHeatmap.model.pods.length > 0);
}

const selected = (page: Page) => page.evaluate(() => window.__canopyHeatmap!.view.selected);
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
/** Lets a key's handlers and the re-render they cause run, so "nothing changed" is not read too early. */
const settle = (page: Page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)))));

async function find(page: Page, query: string): Promise<void> {
  await page.getByLabel('Find', { exact: true }).fill(query);
  await page.keyboard.press('Enter');
}

async function selectWorkload(page: Page, key: string): Promise<void> {
  await page.getByRole('region', { name: /Workloads/ }).getByRole('button', { name: new RegExp(`^${key} `) }).click();
  await expect(page.getByTestId('selection-panel')).toContainText(key);
}

test('a search that finds a node or a pod never leaves it dimmed by another selection; one that finds nothing changes nothing', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page, '?sel=default/mixtral-agg');
  const panel = page.getByTestId('selection-panel');
  const said = page.getByRole('search').getByRole('status');
  await expect(panel).toContainText('default/mixtral-agg');

  // Nothing found: said, and the selection and the view stay as they were.
  const zoomBefore = await page.evaluate(() => window.__canopyHeatmap!.currentZoom());
  await find(page, 'no-such-thing');
  await expect(said).toContainText('Nothing matches “no-such-thing”');
  await settle(page);
  expect(await selected(page)).toBe('default/mixtral-agg');
  expect(param(page, 'sel')).toBe('default/mixtral-agg');
  expect(await page.evaluate(() => window.__canopyHeatmap!.currentZoom())).toEqual(zoomBefore);

  // The node the reviewer searched for holds none of mixtral-agg's GPUs: found, it is not dimmed.
  const node = 'gb200-z0-b0-r1-n3';
  const facts = await page.evaluate((name) => {
    const h = window.__canopyHeatmap!;
    const box = h.model.layout.nodes.find((b) => b.name === name)!;
    let held = 0;
    for (let c = box.firstCell; c < box.firstCell + box.gpus; c++) if (h.model.cellPod[c]! >= 0 && h.model.pods[h.model.cellPod[c]!]!.workload === 'default/mixtral-agg') held++;
    return { gpus: box.gpus, held };
  }, node);
  expect(facts.held).toBe(0);
  await find(page, node);
  await expect(said).toContainText(`Node ${node}: ${facts.gpus} GPUs`);
  await expect(said).toContainText('selection default/mixtral-agg cleared');
  await expect(panel).toHaveCount(0);
  expect(await selected(page)).toBeNull();
  await expect.poll(() => param(page, 'sel')).toBeNull();
  expect(await page.evaluate(() => window.__canopyHeatmap!.highlightedGpus)).toBe(0);

  // A pod of another stack replaces the selection with its own stack.
  await selectWorkload(page, 'default/mixtral-agg');
  const other = await page.evaluate(() => window.__canopyHeatmap!.model.pods.find((p) => p.workload && p.workload !== 'default/mixtral-agg')!);
  await find(page, other.key);
  await expect(said).toContainText(`Pod ${other.key} on `);
  await expect(panel).toContainText(other.workload);
  expect(await selected(page)).toBe(other.workload);
  expect(errors).toEqual([]);
});

test('Escape clears the selection from anywhere on the page, but not where Escape has a nearer meaning', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const panel = page.getByTestId('selection-panel');

  // On the panel's own "Clear selection (Esc)" button.
  await selectWorkload(page, 'default/mixtral-agg');
  await page.getByRole('button', { name: 'Clear selection (Esc)' }).focus();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect.poll(() => param(page, 'sel')).toBeNull();
  // The panel is gone with the focus it held: the map has it now, not the page's start.
  await expect(page.getByTestId('heatmap-canvas')).toBeFocused();
  // The same when the button itself is pressed.
  await selectWorkload(page, 'default/mixtral-agg');
  await page.getByRole('button', { name: 'Clear selection (Esc)' }).press('Enter');
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId('heatmap-canvas')).toBeFocused();

  // With focus nowhere (the page itself), and on a button of the table view.
  await selectWorkload(page, 'default/mixtral-agg');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await selectWorkload(page, 'default/mixtral-agg');
  await page.getByTestId('domain-table').getByRole('button').first().focus();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  // A text field, the preview's own controls and an open header panel keep Escape for themselves.
  await selectWorkload(page, 'default/mixtral-agg');
  for (const own of [page.getByLabel('Find', { exact: true }), page.getByLabel('Paste or drop a PodCliqueSet'), page.getByRole('button', { name: 'Preview placement' })]) {
    await own.focus();
    await page.keyboard.press('Escape');
    await settle(page);
    expect(await selected(page)).toBe('default/mixtral-agg');
  }
  const clusterButton = page.getByRole('banner').getByRole('button', { name: /^Cluster:/ });
  await clusterButton.click();
  await expect(clusterButton).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect(clusterButton).toHaveAttribute('aria-expanded', 'false');
  await settle(page);
  expect(await selected(page)).toBe('default/mixtral-agg');
  await expect(panel).toBeVisible();

  // The map's own Escape still clears it (and its keyboard cursor).
  await page.getByTestId('heatmap-canvas').focus();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  expect(errors).toEqual([]);
});

/** Where the canvas is in the window, and the sticky header's bottom edge. */
const mapInWindow = (page: Page) =>
  page.getByTestId('heatmap-canvas').evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, headerBottom: document.querySelector('header')!.getBoundingClientRect().bottom, height: innerHeight };
  });

for (const [motion, colorScheme] of [['reduce', 'dark'], ['no-preference', 'light']] as const) {
  test(`a domain row of the table brings the zoomed map into view and says so; focus stays on the row (reduced motion: ${motion}, ${colorScheme})`, async ({ page }) => {
    const errors = collectErrors(page);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.emulateMedia({ reducedMotion: motion, colorScheme });
    await openHeatmap(page);
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(colorScheme === 'dark');
    const row = page.getByTestId('domain-table').getByRole('rowheader', { name: 'block z0-b1' }).getByRole('button');
    await row.focus();
    const before = await mapInWindow(page);
    expect(before.top, 'the map is above the window while the row has focus').toBeLessThan(before.headerBottom);

    await page.keyboard.press('Enter');
    const inView = (m: Awaited<ReturnType<typeof mapInWindow>>) => m.top >= m.headerBottom - 1 && m.bottom <= m.height + 1;
    // Without motion the page is where it goes at once; with it, it gets there.
    if (motion === 'reduce') expect(inView(await mapInWindow(page))).toBe(true);
    await expect.poll(async () => inView(await mapInWindow(page))).toBe(true);
    await expect(page.getByTestId('map-zoom-status')).toHaveText(/^Map zoomed to zone z0 › block z0-b1: \d+ GPUs, \d+ used, \d+ free[^.]*\.$/);
    await expect(page.getByTestId('map-zoom-status')).toHaveRole('status');
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="map-zoom-status"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.failureSummary).join('; ')}`)).toEqual([]);
    await expect(page.getByRole('navigation', { name: 'Where you are' }).getByRole('button', { name: 'block z0-b1' })).toHaveAttribute('aria-current', 'location');
    await expect(row).toBeFocused();

    // A zoom of the person's own afterwards: the sentence about the table's zoom goes.
    await page.getByTestId('heatmap-canvas').focus();
    await page.keyboard.press('-');
    await expect(page.getByTestId('map-zoom-status')).toHaveText('');
    expect(errors).toEqual([]);
  });
}

test('fitting the map (the Cluster button, the 0 key) takes the zoom out of the URL, so a link fits the receiver’s screen', async ({ page, browser }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const canvas = page.getByTestId('heatmap-canvas');
  const crumbs = page.getByRole('navigation', { name: 'Where you are' });
  await canvas.focus();
  await page.keyboard.press('+');
  await expect.poll(() => param(page, 'v')).not.toBeNull();
  await crumbs.getByRole('button', { name: 'Cluster' }).click();
  await expect.poll(() => param(page, 'v')).toBeNull();
  expect((await page.evaluate(() => window.__canopyHeatmap!.view)).zoom).toBeNull();

  await canvas.focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await expect.poll(() => param(page, 'v')).not.toBeNull();
  await page.keyboard.press('0');
  await expect.poll(() => param(page, 'v')).toBeNull();
  // The fit's animation has settled and left no zoom behind.
  await page.waitForTimeout(700);
  expect(param(page, 'v')).toBeNull();

  // Opened in a narrower window, the link shows the whole cluster there.
  const receiver = await browser.newPage({ viewport: { width: 800, height: 900 } });
  await openHeatmap(receiver, new URL(page.url()).search);
  await expect(receiver.getByRole('navigation', { name: 'Where you are' }).getByRole('button')).toHaveText(['Cluster']);
  const fitted = await receiver.evaluate(() => {
    const h = window.__canopyHeatmap!;
    const t = h.currentZoom()!;
    const canvasBox = document.querySelector('[data-testid="heatmap-canvas"]')!.getBoundingClientRect();
    const { width, height } = h.model.layout;
    return { left: t.x, top: t.y, right: t.x + width * t.k, bottom: t.y + height * t.k, w: canvasBox.width, h: canvasBox.height };
  });
  expect(fitted.left).toBeGreaterThanOrEqual(-1);
  expect(fitted.top).toBeGreaterThanOrEqual(-1);
  expect(fitted.right).toBeLessThanOrEqual(fitted.w + 1);
  expect(fitted.bottom).toBeLessThanOrEqual(fitted.h + 1);
  await receiver.close();
  expect(errors).toEqual([]);
});

test('a click whose pointer moves 2 px between press and release (a shaky hand) still selects the GPU’s workload', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  await page.getByTestId('heatmap-canvas').scrollIntoViewIfNeeded();
  const target = await page.evaluate(() => {
    const h = window.__canopyHeatmap!;
    const pod = h.model.pods.find((p) => p.workload && p.cellCount > 0)!;
    return { workload: pod.workload, at: h.cellClientPoint(pod.firstCell)! };
  });
  expect(await selected(page)).toBeNull();
  await page.mouse.move(target.at.x, target.at.y);
  await page.mouse.down();
  await page.mouse.move(target.at.x + 2, target.at.y, { steps: 2 });
  await page.mouse.up();
  await expect.poll(() => selected(page)).toBe(target.workload);
  await expect(page.getByTestId('selection-panel')).toContainText(target.workload);
  expect(errors).toEqual([]);
});

test('the tooltip stays inside the window near its right and bottom edges (it flips to the pointer’s other side)', async ({ page }) => {
  const errors = collectErrors(page);
  const viewport = { width: 800, height: 700 };
  await page.setViewportSize(viewport);
  await openHeatmap(page);
  // The map's box is as tall as the fitted map, so its GPUs reach near the box's right and bottom edges;
  // the box's bottom at the window's bottom puts some near the window's right and bottom edges.
  const canvas = page.getByTestId('heatmap-canvas');
  await settle(page);
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  // The GPU farthest right, and the one lowest, in the window.
  const edges = await page.evaluate(({ width, height }) => {
    const h = window.__canopyHeatmap!;
    // On the canvas and in the window (whose width includes no scrollbar).
    const canvas = document.querySelector('[data-testid="heatmap-canvas"]')!.getBoundingClientRect();
    const [right0, bottom0] = [Math.min(canvas.right, document.documentElement.clientWidth, width), Math.min(canvas.bottom, document.documentElement.clientHeight, height)];
    let right: { x: number; y: number } | null = null;
    let bottom: { x: number; y: number } | null = null;
    for (let c = 0; c < h.model.layout.cellCount; c++) {
      const p = h.cellClientPoint(c)!;
      if (p.x < Math.max(0, canvas.left) + 2 || p.y < Math.max(0, canvas.top) + 2 || p.x > right0 - 3 || p.y > bottom0 - 3) continue;
      if (!right || p.x > right.x) right = p;
      if (!bottom || p.y > bottom.y) bottom = p;
    }
    return { right: right!, bottom: bottom! };
  }, viewport);
  // Where a tooltip below and right of the pointer would not fit.
  expect(edges.right.x).toBeGreaterThan(viewport.width - 200);
  expect(edges.bottom.y).toBeGreaterThan(viewport.height - 120);
  const tooltip = page.getByTestId('heatmap-tooltip');
  for (const at of [edges.right, edges.bottom]) {
    await page.mouse.move(at.x, at.y);
    await expect(tooltip).toBeVisible();
    const box = (await tooltip.boundingBox())!;
    expect(box.x, `pointer at ${at.x}, ${at.y}`).toBeGreaterThanOrEqual(0);
    expect(box.y, `pointer at ${at.x}, ${at.y}`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `pointer at ${at.x}, ${at.y}`).toBeLessThanOrEqual(viewport.width);
    expect(box.y + box.height, `pointer at ${at.x}, ${at.y}`).toBeLessThanOrEqual(viewport.height);
    // It does not cover the GPU it is about.
    expect(at.x < box.x || at.x > box.x + box.width || at.y < box.y || at.y > box.y + box.height).toBe(true);
    await page.mouse.move(1, 1);
  }
  expect(errors).toEqual([]);
});

test('a link selecting a workload this cluster does not have says so and dims nothing', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page, '?sel=default/deleted-stack');
  const said = page.getByTestId('selection-missing');
  await expect(said).toContainText('Workload default/deleted-stack is not in this cluster');
  await expect(said).not.toContainText('holds no GPUs');
  expect(await page.evaluate(() => window.__canopyHeatmap!.dimming)).toBe(false);
  // A workload that is here still dims the rest.
  await selectWorkload(page, 'default/mixtral-agg');
  expect(await page.evaluate(() => window.__canopyHeatmap!.dimming)).toBe(true);
  await expect(said).toHaveCount(0);
  expect(errors).toEqual([]);
});

/** The view now: the layout point at the canvas's centre, and the scale relative to the fitted view. */
const mapView = (page: Page) =>
  page.evaluate(() => {
    const h = window.__canopyHeatmap!;
    const t = h.currentZoom()!;
    const box = document.querySelector('[data-testid="heatmap-canvas"]')!.getBoundingClientRect();
    // The renderer's fitted scale (boxFit.ts boxScale, FIT_MARGIN 12 px on each side).
    const fit = Math.min((box.width - 24) / h.model.layout.width, (box.height - 24) / h.model.layout.height);
    return { x: (box.width / 2 - t.x) / t.k, y: (box.height / 2 - t.y) / t.k, scale: t.k / fit };
  });

test('a zoomed view shared by link shows the same part of the map on a screen of another width; an older link in pixels still opens as made', async ({ page, browser }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await openHeatmap(page);
  const node = 'gb200-z0-b0-r1-n3';
  const fittedUrl = page.url();
  await find(page, node);
  await expect(page.getByRole('search').getByRole('status')).toContainText(`Node ${node}`);
  // The zoom has settled and is in the URL.
  await expect.poll(() => page.url()).not.toBe(fittedUrl);
  const made = await mapView(page);
  expect(made.scale).toBeGreaterThan(2);

  const receiver = await browser.newPage({ viewport: { width: 800, height: 900 } });
  await openHeatmap(receiver, new URL(page.url()).search);
  const shown = await mapView(receiver);
  expect(Math.abs(shown.x - made.x)).toBeLessThan(0.2);
  expect(Math.abs(shown.y - made.y)).toBeLessThan(0.2);
  expect(shown.scale).toBeCloseTo(made.scale, 2);
  // The node searched for is in view there too.
  const inView = await receiver.evaluate((name) => {
    const h = window.__canopyHeatmap!;
    const box = h.model.layout.nodes.find((b) => b.name === name)!;
    const canvas = document.querySelector('[data-testid="heatmap-canvas"]')!.getBoundingClientRect();
    const first = h.cellClientPoint(box.firstCell)!;
    const last = h.cellClientPoint(box.firstCell + box.gpus - 1)!;
    return [first, last].every((p) => p.x >= canvas.left && p.x <= canvas.right && p.y >= canvas.top && p.y <= canvas.bottom);
  }, node);
  expect(inView).toBe(true);
  // Untouched, the link's view stays the link's when the window (and with it the map's box, width and
  // height) changes: the same centre and scale, not the same pixels. The box taking its height after
  // the page measured its width is such a resize, right after opening.
  const canvasBox = () => receiver.getByTestId('heatmap-canvas').boundingBox().then((b) => b!);
  const narrow = await canvasBox();
  await receiver.setViewportSize({ width: 1100, height: 900 });
  // (Past 1024 px the side column takes its share: the map's box is narrower, and shorter.)
  await expect.poll(async () => (await canvasBox()).width).not.toBe(narrow.width);
  await expect.poll(async () => (await canvasBox()).height).not.toBe(narrow.height);
  const resized = await mapView(receiver);
  expect(Math.abs(resized.x - made.x)).toBeLessThan(0.2);
  expect(Math.abs(resized.y - made.y)).toBeLessThan(0.2);
  expect(resized.scale).toBeCloseTo(made.scale, 2);
  // Once the person moves it, it is theirs: a resize keeps what is on screen where it is.
  const wide = await canvasBox();
  await receiver.mouse.move(wide.x + wide.width / 2, wide.y + wide.height / 2);
  await receiver.mouse.down();
  await receiver.mouse.move(wide.x + wide.width / 2 - 60, wide.y + wide.height / 2 - 30, { steps: 5 });
  await receiver.mouse.up();
  const panned = await receiver.evaluate(() => window.__canopyHeatmap!.currentZoom()!);
  await receiver.setViewportSize({ width: 800, height: 900 });
  await expect.poll(async () => (await canvasBox()).width).not.toBe(wide.width);
  expect(await receiver.evaluate(() => window.__canopyHeatmap!.currentZoom())).toEqual(panned);
  await receiver.close();
  // The URL holds the view in layout units (v=x,y,scale), no pixels.
  expect(param(page, 'v')).not.toBeNull();
  expect(param(page, 'z')).toBeNull();

  // A link made before the change carries pixels (z=k,x,y): opened, the canvas shows exactly that transform.
  await openHeatmap(page, '?z=2,-150,-80');
  await expect.poll(() => page.evaluate(() => window.__canopyHeatmap!.currentZoom())).toEqual({ k: 2, x: -150, y: -80 });
  expect(param(page, 'z')).toBe('2,-150,-80');
  expect(errors).toEqual([]);
});

test('search finds pending pods (said to have no GPU yet), PodGangs and domains; several matches are listed to choose from by keyboard, none picked', async ({ page }) => {
  const errors = collectErrors(page);
  await openHeatmap(page);
  const said = page.getByRole('search').getByRole('status');
  const input = page.getByLabel('Find', { exact: true });
  // 20 pods × 4 GPUs required in one rack: no rack has 80 GPUs, so the gang waits whole.
  const write = { headers: { 'x-canopy-request': '1' } };
  const applied = await page.request.post('/api/apply', { headers: { ...write.headers, 'content-type': 'application/yaml' }, data: rackPackedPcs('search-wait', 20, 4) });
  expect(applied.ok(), await applied.text()).toBe(true);
  try {
    await expect.poll(() => page.evaluate(() => window.__canopyHeatmap!.model.workloads.find((w) => w.key === 'default/search-wait')?.pendingPods ?? 0), { timeout: 15_000 }).toBe(20);
    const snapshot = (await (await page.request.get('/api/snapshot')).json()) as { items: { kind?: string; metadata: { name: string; labels?: Record<string, string> }; spec?: { nodeName?: string } }[] };
    const pendingPod = snapshot.items.find((i) => i.kind === 'Pod' && i.metadata.labels?.['app.kubernetes.io/part-of'] === 'search-wait' && !i.spec?.nodeName)!;
    const gang = pendingPod.metadata.labels!['grove.io/podgang']!;

    // A pending pod: found, said to be pending with no GPU yet; its workload is selected.
    await find(page, pendingPod.metadata.name);
    await expect(said).toContainText(`Pod default/${pendingPod.metadata.name} is pending: it has no GPU yet (it asks for 4 GPUs)`);
    await expect.poll(() => selected(page)).toBe('default/search-wait');
    // Its PodGang.
    await find(page, gang);
    await expect(said).toContainText(`PodGang default/${gang} of default/search-wait: no GPUs yet, 20 pods pending`);
  } finally {
    const deleted = await page.request.post('/api/delete', { headers: { ...write.headers, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'default', name: 'search-wait' } });
    expect(deleted.ok(), await deleted.text()).toBe(true);
  }

  // A domain by its value: the map zooms to it.
  const rack = await page.evaluate(() => window.__canopyHeatmap!.model.layout.frames.find((f) => f.level === 'rack')!);
  await find(page, rack.value);
  await expect(said).toContainText(`Domain `);
  await expect(said).toContainText(rack.label);
  await expect(page.getByRole('navigation', { name: 'Where you are' })).toContainText(rack.label);

  // A fragment of several nodes' names: all listed, none picked.
  const nodes = await page.evaluate(() => window.__canopyHeatmap!.model.layout.nodes.filter((b) => b.name.startsWith('gb200-z0-b0-r1-n')).map((b) => b.name));
  expect(nodes.length).toBeGreaterThan(1);
  await find(page, 'gb200-z0-b0-r1-n');
  await expect(said).toContainText(`${nodes.length} matches for “gb200-z0-b0-r1-n”: pick one`);
  const choices = page.getByRole('group', { name: 'Matches for “gb200-z0-b0-r1-n”' });
  await expect(choices.getByRole('button')).toHaveText(nodes.map((n) => new RegExp(`^Node ${n} · \\d+ GPUs$`)));
  expect(await page.evaluate(() => window.__canopyHeatmap!.focusedCell())).toBe(-1);
  // By keyboard: Down from the box into the list, Down to the second, Enter picks it.
  await input.focus();
  await page.keyboard.press('ArrowDown');
  await expect(choices.getByRole('button').first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(choices.getByRole('button').nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(said).toContainText(`Node ${nodes[1]}: `);
  await expect(choices).toHaveCount(0);
  await expect(input).toBeFocused();
  // Escape in the list closes it and goes back to the box.
  await find(page, 'gb200-z0-b0-r1-n');
  await input.press('ArrowDown');
  await page.keyboard.press('Escape');
  await expect(choices).toHaveCount(0);
  await expect(input).toBeFocused();
  expect(errors).toEqual([]);
});
