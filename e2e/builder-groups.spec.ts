import { expect, test, type Page } from '@playwright/test';
import { draft, settled, type Box } from './support/builder';
import { pasteIntoEditor } from './support/page';

/**
 * Scaling-group frames on the builder canvas: a frame that grows never covers a clique that is not
 * its member nor another frame (what it reaches moves out of its way), and a nudge of a few pixels
 * never changes which group a clique is in (Grove's cliqueNames are create-only on a running stack,
 * so a membership changed by accident is one the user cannot apply). The reviewer's steps, as found.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 90_000 });

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const clique = (page: Page, name: string) => page.getByTestId(`clique-${name}`);
const notice = (page: Page) => page.getByTestId('builder-notice');

const meet = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** What a frame covers on screen that it must not: cliques that are not its members, and the other frames. */
async function coveredOnScreen(page: Page, members: Record<string, string[]>): Promise<string[]> {
  const groups = Object.keys(members);
  const frames = Object.fromEntries(await Promise.all(groups.map(async (g) => [g, await settled(node(page, `group:${g}`))] as const)));
  const cliques = await page.locator('.react-flow__node-clique').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')!.slice('clique:'.length)));
  const out: string[] = [];
  for (const g of groups) {
    for (const c of cliques) if (!members[g]!.includes(c) && meet(frames[g]!, (await node(page, `clique:${c}`).boundingBox())!)) out.push(`${g} covers clique ${c}`);
    for (const o of groups) if (o > g && meet(frames[g]!, frames[o]!)) out.push(`${g} covers frame ${o}`);
  }
  return out;
}

/** Presses on a clique's title and moves the mouse by `by` (page pixels) in a few steps before releasing. */
async function drag(page: Page, name: string, by: { x: number; y: number }): Promise<void> {
  const box = await settled(node(page, `clique:${name}`));
  const from = { x: box.x + 40, y: box.y + 12 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + by.x, from.y + by.y, { steps: Math.max(3, Math.ceil(Math.hypot(by.x, by.y) / 20)) });
  await page.mouse.up();
}

test('a frame that grows pushes what it reaches out of its way, and a 3 px nudge of a clique keeps its group', async ({ page }) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(notice(page)).toContainText('Loaded');
  await expect(clique(page, 'frontend')).toHaveAttribute('data-group', '');

  // Frontend dropped just below the decode frame: its centre is in the prefill frame, so it joins prefill.
  const decode = await settled(node(page, 'group:decode'));
  const front = await settled(node(page, 'clique:frontend'));
  const zoom = front.width / 208;
  await drag(page, 'frontend', { x: decode.x + 20 * zoom - front.x, y: decode.y + decode.height + 16 * zoom - front.y });
  await expect(notice(page)).toContainText('frontend joined prefill');
  await expect(clique(page, 'frontend')).toHaveAttribute('data-group', 'prefill');
  expect(await coveredOnScreen(page, (await draft(page)).groups)).toEqual([]);

  // Decode selected, a decode worker added from the palette by keyboard: it goes into decode's frame, which grows.
  const decodeFrame = await settled(node(page, 'group:decode'));
  await page.mouse.click(decodeFrame.x + 40, decodeFrame.y + 12);
  await expect(page.getByRole('heading', { name: 'Inspector · group decode', exact: true })).toBeVisible();
  await page.getByTestId('palette-decode-worker').focus();
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText(/Added clique \S+ to decode/);
  const grown = await draft(page);
  expect(grown.groups.decode).toHaveLength(3);
  expect(grown.groups.prefill).toContain('frontend');
  expect((await settled(node(page, 'group:decode'))).height).toBeGreaterThan(decodeFrame.height);
  expect(await coveredOnScreen(page, grown.groups)).toEqual([]);

  // A 3 px nudge of frontend: it moves (the layout keeps it), the YAML does not change.
  await drag(page, 'frontend', { x: 3, y: 3 });
  await expect.poll(async () => (await draft(page)).at('frontend')).not.toEqual(grown.at('frontend'));
  const nudged = await draft(page);
  expect(nudged.text).toBe(grown.text);
  await expect(clique(page, 'frontend')).toHaveAttribute('data-group', 'prefill');
  await expect(notice(page)).not.toContainText('joined');
  expect(await coveredOnScreen(page, nudged.groups)).toEqual([]);

  // A deliberate move, its centre well inside decode's frame, does move it there.
  const into = await settled(node(page, 'group:decode'));
  const now = await settled(node(page, 'clique:frontend'));
  await drag(page, 'frontend', { x: into.x + into.width / 2 - (now.x + now.width / 2), y: into.y + into.height - 60 * zoom - (now.y + now.height / 2) });
  await expect(notice(page)).toContainText('frontend joined decode');
  await expect(clique(page, 'frontend')).toHaveAttribute('data-group', 'decode');
  expect(await coveredOnScreen(page, (await draft(page)).groups)).toEqual([]);
});

test('two scaling groups of one name (Grove refuses it) still draw a frame each, with ids of their own', async ({ page }) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  const cliques = ['a', 'b'].map((c) => `      - {name: ${c}, spec: {roleName: ${c}, replicas: 1, minAvailable: 1, podSpec: {containers: [{name: main, image: busybox}]}}}`);
  await pasteIntoEditor(
    page.locator('.cm-content'),
    `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: twice, namespace: default}
spec:
  replicas: 1
  template:
    cliques:
${cliques.join('\n')}
    podCliqueScalingGroups:
      - {name: work, cliqueNames: [a], replicas: 1}
      - {name: work, cliqueNames: [b], replicas: 2}
`,
  );
  await expect(clique(page, 'b')).toBeVisible();
  await expect(page.getByTestId('group-work')).toHaveCount(2);
  await expect(node(page, 'group:work')).toBeVisible();
  await expect(node(page, 'group:work#2')).toBeVisible();
  // Either frame selected is its group, by name (the id is only the canvas's).
  await node(page, 'group:work#2').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Inspector · group work', exact: true })).toBeVisible();
});
