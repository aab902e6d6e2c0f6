import { expect, test, type Page } from '@playwright/test';
import { parse } from 'yaml';
import { draft, settled } from './support/builder';
import { pasteIntoEditor, tabUntilFocused } from './support/page';

/**
 * The builder page and canvas as a review found them; each test is a finding's steps.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const notice = (page: Page) => page.getByTestId('builder-notice');

async function open(page: Page): Promise<void> {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(page.locator('.react-flow__pane')).toBeVisible();
}

/** A PodCliqueSet of the cliques given (name, startsAfter), pasted over the YAML pane. */
async function pasteStack(page: Page, cliques: readonly (readonly [string, readonly string[]])[], extra = ''): Promise<void> {
  const lines = cliques.map(
    ([name, after]) =>
      `      - {name: ${name}, spec: {roleName: ${name}-role, replicas: 1, minAvailable: 1${after.length ? `, startsAfter: [${after.join(', ')}]` : ''}, podSpec: {containers: [{name: main, image: busybox}]}}}`,
  );
  await pasteIntoEditor(
    page.locator('.cm-content'),
    `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: review, namespace: default}
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeExplicit
    cliques:
${lines.join('\n')}
${extra}`,
  );
}

/**
 * How many pixels of `colour` (within a small distance, for anti-aliasing) a screenshot of `box`
 * shows: decoded by the page itself, which has a canvas to read pixels with.
 */
async function pixelsOf(page: Page, box: { x: number; y: number; width: number; height: number }, colour: string): Promise<number> {
  const png = await page.screenshot({ clip: box });
  return page.evaluate(
    async ({ data, colour }) => {
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = colour;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = Array.from(probe.getImageData(0, 0, 1, 1).data);
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, img.width, img.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i]! - r!) + Math.abs(px[i + 1]! - g!) + Math.abs(px[i + 2]! - b!) < 40) n++;
      return n;
    },
    { data: png.toString('base64'), colour },
  );
}

test('under the cluster banner the builder fills the window and the page itself never scrolls', async ({ page }) => {
  // The page was 100dvh - 3rem tall, under a 3rem header and the banner too; and the inspector's visually
  // hidden labels, placed from outside its scrolling pane, reached below the window. 1000 px wide, the
  // banner wraps onto more lines.
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1000, height: 700 },
  ]) {
    await page.setViewportSize(viewport);
    await open(page);
    await expect(page.getByTestId('simulated-banner')).toBeVisible();
    const m = await page.evaluate(() => ({
      scrollHeight: document.scrollingElement!.scrollHeight,
      window: window.innerHeight,
      bottom: document.querySelector('[data-testid="builder"]')!.getBoundingClientRect().bottom,
    }));
    expect(m.scrollHeight, `document height at ${viewport.width}x${viewport.height}`).toBeLessThanOrEqual(m.window);
    // …and it takes the whole window down to its bottom edge.
    expect(Math.abs(m.bottom - m.window), `builder bottom at ${viewport.width}x${viewport.height}`).toBeLessThanOrEqual(1);
  }
});

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });
    test('a startup edge reached by Tab shows a focus ring in the page’s focus colour', async ({ page }) => {
      await open(page);
      await pasteStack(page, [
        ['first', []],
        ['second', ['first']],
      ]);
      const edge = page.locator('.react-flow__edge[data-id="first->second"]');
      await expect(edge).toHaveCount(1);
      await page.getByRole('button', { name: 'Auto layout' }).click();
      await expect(notice(page)).toContainText('Laid out');
      await settled(node(page, 'clique:second'));
      const ring = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--focus-ring').trim());
      // The middle of the edge: its ends touch the cliques' handles, one of which is blue too.
      const box = await settled(edge);
      const middle = { x: box.x + box.width * 0.25, y: box.y - 6, width: box.width * 0.5, height: box.height + 12 };
      expect(await pixelsOf(page, middle, ring), 'ring pixels before focus').toBe(0);
      await tabUntilFocused(page, edge, 60);
      expect(await pixelsOf(page, middle, ring), 'ring pixels with focus').toBeGreaterThan(2 * middle.width);
    });
  });
}

/** Drops a palette item on the canvas at a point of the page, as the palette's drag does (its data on a drop event there). */
async function dropPaletteItem(page: Page, item: string, at: { x: number; y: number }): Promise<void> {
  const dataTransfer = await page.evaluateHandle((kind) => {
    const data = new DataTransfer();
    data.setData('application/x-canopy-palette', kind);
    return data;
  }, item);
  const canvas = page.getByTestId('builder-canvas');
  await canvas.dispatchEvent('dragover', { dataTransfer, clientX: at.x, clientY: at.y });
  await canvas.dispatchEvent('drop', { dataTransfer, clientX: at.x, clientY: at.y });
}

async function loadTemplate(page: Page, label: string): Promise<void> {
  await page.locator('#builder-template').selectOption({ label });
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(notice(page)).toContainText('Loaded');
}

/** Whether the element with keyboard focus is the canvas node of that id. */
const focusedNode = (page: Page) => page.evaluate(() => document.activeElement?.closest('.react-flow__node')?.getAttribute('data-id') ?? document.activeElement?.tagName ?? null);

test('the first clique dropped on an empty canvas stays where it was dropped: the view does not jump to fit it', async ({ page }) => {
  await open(page);
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  const transform = () => page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
  const before = await transform();
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  // Off the canvas's centre, where fitting a lone node would move it.
  const at = { x: Math.round(pane.x + 180), y: Math.round(pane.y + 140) };
  await dropPaletteItem(page, 'decode-worker', at);
  await expect(notice(page)).toContainText('Added clique decode-worker');
  const added = node(page, 'clique:decode-worker');
  const box = await settled(added);
  expect(await transform()).toBe(before);
  expect(Math.abs(box.x + box.width / 2 - at.x), 'horizontal distance from the drop point').toBeLessThanOrEqual(2);
  expect(Math.abs(box.y + box.height / 2 - at.y), 'vertical distance from the drop point').toBeLessThanOrEqual(2);
  // A second drop neither.
  await dropPaletteItem(page, 'frontend', { x: at.x + 300, y: at.y });
  await expect(notice(page)).toContainText('Added clique frontend');
  await settled(node(page, 'clique:frontend'));
  expect(await transform()).toBe(before);
});

test('a clique added by keyboard is brought into view and has keyboard focus', async ({ page }) => {
  await open(page);
  await loadTemplate(page, 'Multi-node disaggregated with frontend');
  await settled(node(page, 'clique:frontend'));
  // Added right of everything: outside the view the template was fitted to.
  await page.getByTestId('palette-generic').focus();
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText('Added clique clique.');
  const added = node(page, 'clique:clique');
  const box = await settled(added);
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  expect(box.x, 'left edge').toBeGreaterThanOrEqual(pane.x);
  expect(box.y, 'top edge').toBeGreaterThanOrEqual(pane.y);
  expect(box.x + box.width, 'right edge').toBeLessThanOrEqual(pane.x + pane.width);
  expect(box.y + box.height, 'bottom edge').toBeLessThanOrEqual(pane.y + pane.height);
  await expect.poll(() => focusedNode(page)).toBe('clique:clique');
  await expect(page.getByRole('heading', { name: 'Inspector · clique clique', exact: true })).toBeVisible();
  // The keys go on from it: Delete asks about it.
  await page.keyboard.press('Delete');
  await expect(page.getByRole('dialog', { name: /^Delete \d+ item/ }).getByTestId('delete-consequences')).toContainText('clique clique');
  await page.keyboard.press('Escape');
});

test('Delete on a focused startup edge removes it and leaves keyboard focus on the clique it started from', async ({ page }) => {
  await open(page);
  await pasteStack(page, [
    ['first', []],
    ['second', ['first']],
  ]);
  const edge = page.locator('.react-flow__edge[data-id="first->second"]');
  await expect(edge).toHaveCount(1);
  await tabUntilFocused(page, edge, 60);
  await page.keyboard.press('Delete');
  await expect(notice(page)).toContainText('Removed 1 startup edge');
  await expect(edge).toHaveCount(0);
  await expect.poll(() => focusedNode(page)).toBe('clique:first');
  // And the keys go on: Tab reaches the next clique.
  await page.keyboard.press('Tab');
  await expect.poll(() => focusedNode(page)).toBe('clique:second');
});

test('every clique added by keyboard while the group is chosen goes into it, as a drop into its frame would', async ({ page }) => {
  await open(page);
  await loadTemplate(page, 'Multi-node disaggregated with frontend');
  const frame = await settled(node(page, 'group:decode'));
  await page.mouse.click(frame.x + 40, frame.y + 12);
  await expect(page.getByRole('heading', { name: 'Inspector · group decode', exact: true })).toBeVisible();
  for (const name of ['decode-worker', 'decode-worker-2', 'decode-worker-3']) {
    await page.getByTestId('palette-decode-worker').focus();
    await page.keyboard.press('Enter');
    await expect(notice(page)).toHaveText(`Added clique ${name} to decode.`);
    await expect(page.getByTestId(`clique-${name}`)).toHaveAttribute('data-group', 'decode');
  }
  const saved = await draft(page);
  expect(saved.groups.decode).toEqual(['dleader', 'dworker', 'decode-worker', 'decode-worker-2', 'decode-worker-3']);
  // Another clique selected (one the keyboard did not add to the group): the next one is added on its own.
  const leader = await settled(node(page, 'clique:dleader'));
  await page.mouse.click(leader.x + 40, leader.y + 12);
  await expect(page.getByRole('heading', { name: 'Inspector · clique dleader', exact: true })).toBeVisible();
  await page.getByTestId('palette-decode-worker').focus();
  await page.keyboard.press('Enter');
  await expect(notice(page)).toHaveText('Added clique decode-worker-4.');
  await expect(page.getByTestId('clique-decode-worker-4')).toHaveAttribute('data-group', '');
});

test('two cliques of one name (Grove refuses it) are drawn and edited each as itself; the finding stays until one is renamed', async ({ page }) => {
  await open(page);
  await pasteStack(page, [
    ['x', []],
    ['a', []],
    ['a', []],
  ]);
  const first = node(page, 'clique:a');
  const second = node(page, 'clique:a#2');
  await expect(first).toBeVisible();
  await expect(second).toBeVisible();
  const [boxA, boxB] = [await settled(first), await settled(second)];
  expect(boxA.x + boxA.width <= boxB.x || boxB.x + boxB.width <= boxA.x || boxA.y + boxA.height <= boxB.y || boxB.y + boxB.height <= boxA.y, 'the two do not overlap').toBe(true);
  // The validator's finding is the second one's: on its node, and the list names it.
  const duplicate = page.getByTestId('builder-finding').filter({ hasText: 'duplicate entry (name="a")' });
  await expect(duplicate).toHaveCount(1);
  await expect(duplicate.getByTestId('builder-finding-place')).toContainText('clique a#2');
  await expect(second.getByTestId('node-findings')).toBeVisible();

  // The second selected: the inspector edits it, not the first.
  await second.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Inspector · clique a#2', exact: true })).toBeVisible();
  const inspector = page.getByTestId('inspector');
  const replicas = inspector.getByRole('textbox', { name: 'Replicas (pods)', exact: true });
  await replicas.fill('3');
  await replicas.press('Enter');
  await inspector.getByRole('checkbox', { name: 'x', exact: true }).check();
  const cliquesOf = async () => (parse((await draft(page)).text) as { spec: { template: { cliques: { name: string; spec: { replicas: number; startsAfter?: string[] } }[] } } }).spec.template.cliques;
  await expect.poll(async () => (await cliquesOf()).map((c) => [c.name, c.spec.replicas, c.spec.startsAfter ?? []])).toEqual([
    ['x', 1, []],
    ['a', 1, []],
    ['a', 3, ['x']],
  ]);
  await expect(page.locator('.react-flow__edge[data-id="x->a#2"]')).toHaveCount(1);

  // Renamed, the second is itself still (its place and its edge), and the finding goes.
  const placed = await draft(page);
  const name = inspector.getByRole('textbox', { name: 'Name', exact: true });
  await name.fill('c');
  await name.press('Enter');
  await expect.poll(async () => (await cliquesOf()).map((c) => [c.name, c.spec.replicas, c.spec.startsAfter ?? []])).toEqual([
    ['x', 1, []],
    ['a', 1, []],
    ['c', 3, ['x']],
  ]);
  await expect(page.getByRole('heading', { name: 'Inspector · clique c', exact: true })).toBeVisible();
  const renamed = await draft(page);
  expect(renamed.at('c')).toEqual(placed.at('a#2'));
  expect(renamed.at('a')).toEqual(placed.at('a'));
  await expect(node(page, 'clique:a#2')).toHaveCount(0);
  await expect(page.locator('.react-flow__edge[data-id="x->c"]')).toHaveCount(1);
  await expect(duplicate).toHaveCount(0);
});
