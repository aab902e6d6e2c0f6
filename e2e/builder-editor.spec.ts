import { expect, test, type Locator, type Page } from '@playwright/test';
import { chainedStackText } from '../lib/builder/sampleStacks';
import { pasteIntoEditor } from './support/page';

/**
 * The builder's YAML pane and canvas as one editor: one undo history for typing and canvas edits
 * (which never undoes past what was loaded), canvas edits that leave the pane's cursor and scroll
 * alone, two tabs that never lose each other's draft (nor their own across a visit to another page),
 * stacks pasted into the pane laid out by startup order, and the canvas's selection and drop feedback.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

const DRAFT_KEY = 'canopy.builder.work';
const editor = (page: Page) => page.locator('.cm-content');
const clique = (page: Page, name: string) => page.getByTestId(`clique-${name}`);
const inspector = (page: Page) => page.getByTestId('inspector');
const undoButton = (page: Page) => page.getByRole('button', { name: 'Undo', exact: true });

const container = '{containers: [{name: main, image: busybox}]}';
/** Listed dependants first, so that placing cliques in list order would put them left of what they start after. */
const ORDERED = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: order, namespace: default}
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeExplicit
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          minAvailable: 2
          startsAfter: [leader]
          podSpec: ${container}
      - name: leader
        spec:
          roleName: leader
          replicas: 1
          startsAfter: [frontend]
          podSpec: ${container}
      - name: frontend
        spec:
          roleName: frontend
          replicas: 2
          podSpec: ${container}
    podCliqueScalingGroups:
      - name: inst
        cliqueNames: [leader, worker]
        replicas: 1
`;

const bigStack = chainedStackText;

async function open(page: Page): Promise<void> {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
}

/** Opens the builder on `text` as this browser's saved draft (no undo history before it). */
async function openWithDraft(page: Page, text: string): Promise<void> {
  await open(page);
  await page.evaluate(
    ([key, t]) => {
      localStorage.setItem(key, JSON.stringify({ text: t, layout: { positions: {}, kinds: {} } }));
      sessionStorage.clear();
    },
    [DRAFT_KEY, text] as const,
  );
  await page.reload();
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
}

interface PaneView {
  state: { doc: { toString(): string; lineAt(p: number): { number: number } }; selection: { main: { head: number } } };
  scrollDOM: HTMLElement;
  dispatch(spec: unknown): void;
  focus(): void;
}

/** The YAML pane's CodeMirror view (CodeMirror keeps it on its content element). */
const VIEW_OF = (el: Element): PaneView => {
  const host = el as unknown as { cmTile?: { view: PaneView }; cmView?: { view: PaneView } };
  return (host.cmTile ?? host.cmView)!.view;
};

/** The pane's whole text (the page draws only the lines in view). */
const paneText = (page: Page) => editor(page).evaluate((el, viewOf) => (new Function(`return ${viewOf}`)() as typeof VIEW_OF)(el).state.doc.toString(), VIEW_OF.toString());
/** The line the cursor is on, and how far the pane is scrolled. */
const paneSpot = (page: Page) =>
  editor(page).evaluate((el, viewOf) => {
    const v = (new Function(`return ${viewOf}`)() as typeof VIEW_OF)(el);
    return { line: v.state.doc.lineAt(v.state.selection.main.head).number, scroll: v.scrollDOM.scrollTop };
  }, VIEW_OF.toString());
const savedText = (page: Page) => page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { text?: string }).text ?? '', DRAFT_KEY);

/** Puts the pane's cursor right after the first `needle` and focuses the pane. */
async function cursorAfter(page: Page, needle: string): Promise<void> {
  await editor(page).evaluate(
    (el, [n, viewOf]) => {
      const view = (new Function(`return ${viewOf}`)() as typeof VIEW_OF)(el);
      const at = view.state.doc.toString().indexOf(n);
      if (at < 0) throw new Error(`not in the pane: ${n}`);
      view.dispatch({ selection: { anchor: at + n.length }, scrollIntoView: true });
      view.focus();
    },
    [needle, VIEW_OF.toString()] as const,
  );
}

/** Inserts `text` before the first `needle`, as a paste into the pane would. */
async function pasteBefore(page: Page, needle: string, text: string): Promise<void> {
  await editor(page).evaluate(
    (el, [n, t, viewOf]) => {
      const view = (new Function(`return ${viewOf}`)() as typeof VIEW_OF)(el);
      const at = view.state.doc.toString().indexOf(n);
      if (at < 0) throw new Error(`not in the pane: ${n}`);
      view.dispatch({ changes: { from: at, insert: t }, userEvent: 'input.paste' });
    },
    [needle, text, VIEW_OF.toString()] as const,
  );
}

/** Selects a node from the keyboard (focus, Enter) and waits for the inspector to show it. */
async function select(page: Page, key: string): Promise<void> {
  await page.locator(`.react-flow__node[data-id="${key}"]`).focus();
  await page.keyboard.press('Enter');
  const [kind, name] = key.split(':');
  await expect(page.getByRole('heading', { name: `Inspector · ${kind} ${name}`, exact: true })).toBeVisible();
}

async function setField(page: Page, label: string, value: string): Promise<void> {
  const field = inspector(page).getByRole('textbox', { name: label, exact: true });
  await field.fill(value);
  await field.press('Tab');
}

async function box(target: Locator) {
  const b = await target.boundingBox();
  if (!b) throw new Error('not visible');
  return b;
}

test('Ctrl+Z in the YAML pane never undoes past the loaded work, which survives a reload', async ({ page }) => {
  await openWithDraft(page, ORDERED);
  await expect(clique(page, 'worker')).toBeVisible();
  await expect(undoButton(page)).toBeDisabled();

  await editor(page).click();
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(400);
  expect(await paneText(page)).toBe(ORDERED);
  await expect(clique(page, 'worker')).toBeVisible();
  expect(await savedText(page)).toBe(ORDERED);

  await page.reload();
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(clique(page, 'worker')).toBeVisible();
  expect(await savedText(page)).toBe(ORDERED);
});

test('typing and inspector edits undo and redo in one order, from the pane or the toolbar', async ({ page }) => {
  await openWithDraft(page, ORDERED);
  await cursorAfter(page, 'name: order');
  await page.keyboard.type('-x');
  await expect.poll(() => savedText(page)).toContain('name: order-x');
  const typed = await paneText(page);

  await select(page, 'clique:frontend');
  await setField(page, 'Replicas (pods)', '7');
  await expect(clique(page, 'frontend')).toContainText('×7');
  const edited = await paneText(page);
  expect(edited).toContain('replicas: 7');

  // From the pane: the inspector edit goes first, then the typing, never further.
  await editor(page).click();
  await page.keyboard.press('Control+z');
  await expect.poll(() => paneText(page)).toBe(typed);
  await expect(clique(page, 'frontend')).toContainText('×2');
  await page.keyboard.press('Control+z');
  await expect.poll(() => paneText(page)).toBe(ORDERED);
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(300);
  expect(await paneText(page)).toBe(ORDERED);

  // Redo brings both back, in order; a document never goes empty on the way.
  await page.keyboard.press('Control+Shift+Z');
  await expect.poll(() => paneText(page)).toBe(typed);
  await page.keyboard.press('Control+y');
  await expect.poll(() => paneText(page)).toBe(edited);
  await expect(clique(page, 'frontend')).toContainText('×7');

  // The toolbar walks the same history.
  await undoButton(page).click();
  await expect.poll(() => paneText(page)).toBe(typed);
  expect(await savedText(page)).toBe(typed);
});

test('a canvas edit leaves the YAML pane where it was: cursor line and scroll', async ({ page }) => {
  const text = bigStack(3);
  await openWithDraft(page, text);
  await expect(clique(page, 'g2wc')).toBeAttached();
  await cursorAfter(page, '# g2wa');
  await page.waitForTimeout(200);
  const before = await paneSpot(page);
  expect(before.scroll).toBeGreaterThan(100);

  // An edit above the cursor (fe0 is the first clique) shifts it down by no line; one that adds a line would move it by one.
  await select(page, 'clique:fe0');
  await setField(page, 'Replicas (pods)', '5');
  await expect.poll(() => paneText(page)).toContain('roleName: fe0\n          replicas: 5');
  const after = await paneSpot(page);
  expect(after.line).toBe(before.line);
  expect(Math.abs(after.scroll - before.scroll)).toBeLessThan(5);
});

test('two tabs: a tab with no edits of its own since it last saved follows the other tab, one Undo from its own version', async ({ context }) => {
  const a = await context.newPage();
  await openWithDraft(a, ORDERED);
  const b = await context.newPage();
  await open(b);
  await expect(clique(b, 'worker')).toBeVisible();

  // A edits; B, with nothing of its own, takes A's version without asking (and without a leave warning).
  await select(a, 'clique:frontend');
  await setField(a, 'Replicas (pods)', '8');
  await expect.poll(() => savedText(a)).toContain('replicas: 8');
  await expect(clique(b, 'frontend')).toContainText('×8');
  await expect(b.getByTestId('builder-conflict')).toHaveCount(0);

  // B's Undo brings its own last version back, saved as the newest; A, with nothing new of its own, follows.
  await undoButton(b).click();
  await expect(clique(b, 'frontend')).toContainText('×2');
  await expect.poll(() => savedText(b)).not.toContain('replicas: 8');
  await expect(clique(a, 'frontend')).toContainText('×2');
  await expect(a.getByTestId('builder-conflict')).toHaveCount(0);
  await expect(b.getByTestId('builder-conflict')).toHaveCount(0);
});

test("two tabs: a tab's own unsaved edits survive a visit to another page while the other tab's newer draft waits; neither is lost", async ({ context }) => {
  const a = await context.newPage();
  await openWithDraft(a, ORDERED);
  const b = await context.newPage();
  // B hears of A's saves only when the test lets it: both tabs edit before hearing of each other (the race
  // that leaves a tab with edits of its own behind a newer draft).
  await b.addInitScript(() => {
    window.addEventListener('storage', (e) => {
      if ((window as { holdStorage?: boolean }).holdStorage) e.stopImmediatePropagation();
    });
  });
  await open(b);
  await expect(clique(b, 'worker')).toBeVisible();
  await b.evaluate(() => ((window as { holdStorage?: boolean }).holdStorage = true));

  await select(a, 'clique:frontend');
  await setField(a, 'Replicas (pods)', '8');
  await expect.poll(() => savedText(a)).toContain('replicas: 8');

  // B edits: its save finds A's newer draft, which is not overwritten; B is asked.
  await cursorAfter(b, 'name: order');
  await b.keyboard.type('-b');
  await expect.poll(() => paneText(b)).toContain('name: order-b');
  const conflictB = b.getByTestId('builder-conflict');
  await expect(conflictB).toBeVisible();
  await expect(conflictB).toContainText('Another tab saved a newer version');
  expect(await savedText(b)).toContain('replicas: 8');
  expect(await savedText(b)).not.toContain('order-b');

  // To another page by the header's link (no unload) and back: B's edit is still there, still in conflict.
  await b.getByRole('link', { name: 'Workloads' }).first().click();
  await b.waitForURL(/\/workloads/);
  await b.getByRole('link', { name: 'Builder' }).first().click();
  await b.waitForURL(/\/builder/);
  await expect(b.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect.poll(() => paneText(b)).toContain('name: order-b');
  await expect(conflictB).toBeVisible();
  expect(await savedText(b)).toContain('replicas: 8');
  // Its undo history came back with it.
  await undoButton(b).click();
  await expect.poll(() => paneText(b)).not.toContain('order-b');
  await b.getByRole('button', { name: 'Redo', exact: true }).click();
  await expect.poll(() => paneText(b)).toContain('name: order-b');

  // B keeps its own: saved now; A, with nothing of its own since its save, follows, its version one Undo away.
  await conflictB.getByRole('button', { name: 'Keep mine' }).click();
  await expect(conflictB).toBeHidden();
  await expect.poll(() => savedText(b)).toContain('order-b');
  await expect.poll(() => paneText(a)).toContain('name: order-b');
  await expect(a.getByTestId('builder-conflict')).toHaveCount(0);
  await undoButton(a).click();
  await expect(clique(a, 'frontend')).toContainText('×8');
  await expect.poll(() => paneText(a)).not.toContain('order-b');
});

test('a stack pasted into the YAML pane is laid out by startup order; a clique under an edge still takes the click', async ({ page }) => {
  await open(page);
  await pasteIntoEditor(editor(page), ORDERED);
  await expect(clique(page, 'worker')).toBeVisible();
  // Laid out: each clique right of what it starts after (the list order is the reverse).
  await expect
    .poll(async () => {
      const [f, l, w] = await Promise.all(['frontend', 'leader', 'worker'].map((n) => box(clique(page, n))));
      return f!.x + f!.width <= l!.x && l!.x + l!.width <= w!.x;
    })
    .toBe(true);

  // Cliques draw over the startup edges (an edge of grouped cliques used to be raised above them).
  const order = await page.evaluate(() => {
    const z = (el: Element | null) => Number(getComputedStyle(el as Element).zIndex) || 0;
    const edges = Array.from(document.querySelectorAll('.react-flow__edges svg, svg.react-flow__edges')).map(z);
    const nodes = Array.from(document.querySelectorAll('.react-flow__node-clique')).map(z);
    return { edges: Math.max(...edges), nodes: Math.min(...nodes) };
  });
  expect(order.edges).toBeLessThan(order.nodes);
  for (const name of ['worker', 'leader', 'frontend']) {
    const b = await box(clique(page, name));
    await page.mouse.click(b.x + b.width / 2, b.y + b.height - 12);
    await expect(page.getByRole('heading', { name: `Inspector · clique ${name}`, exact: true })).toBeVisible();
  }

  // A clique added in the pane is placed right of what it starts after; the others stay put.
  const placed = await Promise.all(['frontend', 'leader', 'worker'].map((n) => box(clique(page, n))));
  await pasteBefore(page, '    podCliqueScalingGroups:', `      - name: router\n        spec: {roleName: router, replicas: 1, startsAfter: [worker], podSpec: ${container}}\n`);
  await expect(clique(page, 'router')).toBeVisible();
  await expect.poll(async () => (await box(clique(page, 'router'))).x > placed[2]!.x + placed[2]!.width).toBe(true);
  const still = await Promise.all(['frontend', 'leader', 'worker'].map((n) => box(clique(page, n))));
  for (const [i, b] of still.entries()) expect({ x: Math.round(b.x), y: Math.round(b.y) }).toEqual({ x: Math.round(placed[i]!.x), y: Math.round(placed[i]!.y) });
});

test('typing runs: a pause or a cursor jump starts a new undo step; the history survives a visit to another page', async ({ page }) => {
  await openWithDraft(page, ORDERED);
  await cursorAfter(page, 'name: order');
  await page.keyboard.type('-a');
  await page.waitForTimeout(1_500);
  await page.keyboard.type('b');
  await expect.poll(() => savedText(page)).toContain('name: order-ab');
  // Jump elsewhere and type again: another step, even without a pause.
  await cursorAfter(page, 'roleName: frontend');
  await page.keyboard.type('z');
  await expect.poll(() => savedText(page)).toContain('roleName: frontendz');

  await undoButton(page).click();
  await expect.poll(() => paneText(page)).toContain('name: order-ab');
  expect(await paneText(page)).not.toContain('frontendz');
  await undoButton(page).click();
  await expect.poll(() => paneText(page)).toContain('name: order-a,');
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await expect.poll(() => paneText(page)).toContain('name: order-ab');

  // To /validate and back: the same history.
  await page.getByRole('link', { name: 'Validate' }).first().click();
  await page.waitForURL(/\/validate/);
  await page.goBack();
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(undoButton(page)).toBeEnabled();
  await undoButton(page).click();
  await expect.poll(() => paneText(page)).toContain('name: order-a,');
  await undoButton(page).click();
  await expect.poll(() => paneText(page)).toBe(ORDERED);
});

test('canvas: Shift+click adds to the selection; a dragged clique shows the frame it would join', async ({ page }) => {
  await openWithDraft(page, ORDERED);
  await expect(page.locator('#builder-keys')).toContainText('Shift+click adds to the selection');
  const f = await box(clique(page, 'frontend'));
  await page.mouse.click(f.x + 40, f.y + 12);
  const l = await box(clique(page, 'leader'));
  await page.keyboard.down('Shift');
  await page.mouse.click(l.x + 40, l.y + 12);
  await page.keyboard.up('Shift');
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(2);

  // Drag frontend over the inst frame: the frame lights up before the drop, and the drop joins it.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  const frame = page.locator('.react-flow__node[data-id="group:inst"]');
  const g = await box(frame);
  const from = { x: f.x + 40, y: f.y + 12 };
  // The clique's centre (which decides membership) well inside the frame's bottom.
  const to = { x: g.x + g.width / 2 - f.width / 2 + 40, y: g.y + g.height - 70 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await expect(frame).toHaveClass(/canopy-drop-target/);
  await page.mouse.up();
  await expect(frame).not.toHaveClass(/canopy-drop-target/);
  await expect(clique(page, 'frontend')).toHaveAttribute('data-group', 'inst');
});

test('auto layout of a big stack (40 cliques, 8 groups) fits in view', async ({ page }) => {
  await open(page);
  await pasteIntoEditor(editor(page), bigStack(8));
  await expect(page.locator('.react-flow__node-clique')).toHaveCount(40, { timeout: 20_000 });
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+L');
  await expect(page.getByTestId('builder-notice')).toContainText('Laid out', { timeout: 20_000 });
  const view = await box(page.getByTestId('builder-canvas'));
  await expect
    .poll(async () => {
      const boxes = await page.locator('.react-flow__node-clique').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
      return boxes.every((b) => b.x >= view.x - 1 && b.y >= view.y - 1 && b.x + b.width <= view.x + view.width + 1 && b.y + b.height <= view.y + view.height + 1);
    })
    .toBe(true);
});
