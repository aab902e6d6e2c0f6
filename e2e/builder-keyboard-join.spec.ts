import { expect, test, type Page } from '@playwright/test';
import { draft, settled, type Box } from './support/builder';
import { pasteIntoEditor } from './support/page';

/**
 * Builder canvas by keyboard: a clique moved with the arrow keys joins a scaling group when its centre
 * comes inside the frame, and leaves its own when its centre goes out, as a mouse drop does (the YAML,
 * the findings and the status line follow the same way). While it is over a frame's edge the move is
 * held, not written: the layout would push a clique in no group back out of a frame it overlaps, and a
 * member's frame would follow it. A held move is put down where it is when focus leaves the canvas.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 90_000 });

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const clique = (page: Page, name: string) => page.getByTestId(`clique-${name}`);
const notice = (page: Page) => page.getByTestId('builder-notice');
const heading = (page: Page, what: string) => page.getByRole('heading', { name: `Inspector · ${what}`, exact: true });

async function open(page: Page): Promise<void> {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
}

async function loadTemplate(page: Page, label: string): Promise<void> {
  await page.locator('#builder-template').selectOption({ label });
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(notice(page)).toContainText('Loaded');
}

/** Focuses a node and selects it with Enter, as React Flow's keyboard model has it. */
async function selectByKeyboard(page: Page, id: string, what: string): Promise<void> {
  await node(page, id).focus();
  await page.keyboard.press('Enter');
  await expect(heading(page, what)).toBeVisible();
  await expect(node(page, id)).toHaveClass(/\bselected\b/);
}

const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/**
 * Presses Shift+arrow keys (20 px a press on the canvas), one press and release at a time, to bring the
 * clique's centre towards `aim()` (screen pixels; up or down first, then across), until `done()` or the
 * centre is there. Returns the status lines seen after each press.
 */
async function steer(page: Page, name: string, aim: () => Promise<{ x: number; y: number }>, done: () => Promise<boolean>, limit = 80): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    if (await done()) return seen;
    const box = await settled(node(page, `clique:${name}`));
    const step = (20 * box.width) / 208;
    const c = centre(box);
    const to = await aim();
    const key = Math.abs(to.y - c.y) >= step ? (to.y > c.y ? 'ArrowDown' : 'ArrowUp') : Math.abs(to.x - c.x) >= step ? (to.x > c.x ? 'ArrowRight' : 'ArrowLeft') : null;
    if (!key) return seen;
    await page.keyboard.press(`Shift+${key}`);
    seen.push((await notice(page).textContent()) ?? '');
  }
  throw new Error(`${name} did not get there in ${limit} presses`);
}

test('frontend moved by the arrow keys into decode joins it on key release, as a drop; moved on out of the frame it leaves; the YAML and the findings follow as for the Inspector', async ({ page }) => {
  await open(page);
  await loadTemplate(page, 'Multi-node disaggregated with frontend');
  await expect(clique(page, 'frontend')).toHaveAttribute('data-group', '');
  const before = await draft(page);
  expect(before.groups.decode).toEqual(['dleader', 'dworker']);

  await selectByKeyboard(page, 'clique:frontend', 'clique frontend');
  const frame = await settled(node(page, 'group:decode'));
  const seen = await steer(
    page,
    'frontend',
    async () => centre(frame),
    async () => (await clique(page, 'frontend').getAttribute('data-group')) === 'decode',
  );
  // It got in, and on the way it was held over the frame's edge, said so, with nothing written meanwhile.
  expect(seen.some((s) => s.startsWith('frontend is over the edge of scaling group decode'))).toBe(true);
  await expect(notice(page)).toContainText('frontend joined decode');
  await expect(node(page, 'clique:frontend')).toBeFocused();
  const joined = await draft(page);
  expect(joined.groups.decode).toEqual(['dleader', 'dworker', 'frontend']);
  // In the frame, where the keys put it (the frame grew around it), as the canvas draws it.
  const inFrame = await settled(node(page, 'group:decode'));
  const fe = centre(await settled(node(page, 'clique:frontend')));
  expect(fe.x > inFrame.x && fe.x < inFrame.x + inFrame.width && fe.y > inFrame.y && fe.y < inFrame.y + inFrame.height).toBe(true);
  await expect(page.getByRole('combobox', { name: /Scaling group/ })).toHaveValue('decode');
  const findings = await page.getByTestId('builder-findings-summary').textContent();

  // Out again by keyboard: held at the frame's edge (the frame holds still), then it leaves.
  const out = await steer(
    page,
    'frontend',
    async () => ({ x: inFrame.x + inFrame.width + 200, y: fe.y }),
    async () => (await clique(page, 'frontend').getAttribute('data-group')) === '',
  );
  expect(out.some((s) => s.startsWith('frontend is at the edge of scaling group decode'))).toBe(true);
  await expect(notice(page)).toContainText('frontend left decode');
  expect((await draft(page)).groups.decode).toEqual(['dleader', 'dworker']);

  // The same stack with frontend put into decode by the Inspector: the same YAML, the same findings.
  await loadTemplate(page, 'Multi-node disaggregated with frontend');
  await selectByKeyboard(page, 'clique:frontend', 'clique frontend');
  await page.getByRole('combobox', { name: /Scaling group/ }).selectOption('decode');
  await expect(clique(page, 'frontend')).toHaveAttribute('data-group', 'decode');
  expect((await draft(page)).text).toBe(joined.text);
  await expect(page.getByTestId('builder-findings-summary')).toHaveText(findings ?? '');
});

test('a nudge of a member by the keys keeps its group; a move held at a frame edge is put down where it is when focus leaves the canvas', async ({ page }) => {
  await open(page);
  await loadTemplate(page, 'Multi-node disaggregated with frontend');
  await settled(node(page, 'group:decode'));
  const before = await draft(page);
  // The lower of decode's two members: a step down makes its frame grow.
  const low = before.at('dleader').y > before.at('dworker').y ? 'dleader' : 'dworker';
  await selectByKeyboard(page, `clique:${low}`, `clique ${low}`);
  const frame = await settled(node(page, 'group:decode'));

  // Down by 5 px: its frame would grow to follow it, so the move is held (drawn, not written) and said.
  await page.keyboard.press('ArrowDown');
  await expect(notice(page)).toContainText(`${low} is at the edge of scaling group decode`);
  expect((await draft(page)).at(low)).toEqual(before.at(low));
  expect(await settled(node(page, 'group:decode'))).toEqual(frame);

  // Focus leaves (Tab): the move is written where it was held, in the same group; the YAML is untouched.
  await page.keyboard.press('Tab');
  await expect.poll(async () => (await draft(page)).at(low)).toEqual({ x: before.at(low).x, y: before.at(low).y + 5 });
  expect((await draft(page)).text).toBe(before.text);
  await expect(clique(page, low)).toHaveAttribute('data-group', 'decode');
  await expect(notice(page)).not.toContainText('left');
});

test('loading another stack whose clique has the selected one\'s name selects nothing; edits of the same stack keep the selection', async ({ page }) => {
  const selected = (name: string) => node(page, `clique:${name}`);
  await open(page);
  await loadTemplate(page, 'Multi-node aggregated');
  await selectByKeyboard(page, 'clique:worker', 'clique worker');

  // Edits of this stack keep it: a field set in the Inspector, then a comment typed in the YAML pane.
  const replicas = page.getByTestId('inspector').getByRole('textbox', { name: /^Replicas/ });
  await replicas.fill('3');
  await replicas.press('Enter');
  await expect(clique(page, 'worker')).toContainText('×3');
  await expect(selected('worker')).toHaveClass(/\bselected\b/);
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('# typed\n');
  await expect.poll(async () => (await draft(page)).text).toContain('# typed');
  await expect(selected('worker')).toHaveClass(/\bselected\b/);
  await expect(heading(page, 'clique worker')).toBeVisible();

  // Another template, with a clique named worker too: nothing selected, the Inspector shows the stack.
  await loadTemplate(page, 'Single-node aggregated');
  await expect(clique(page, 'leader')).toHaveCount(0);
  await expect(clique(page, 'worker')).toBeVisible();
  await expect(selected('worker')).not.toHaveClass(/\bselected\b/);
  await expect(heading(page, 'stack')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();

  // Pasted over the whole YAML pane: a version of the same stack (its name) is an edit of it, another stack is another.
  await selectByKeyboard(page, 'clique:worker', 'clique worker');
  const loaded = (await draft(page)).text;
  await pasteIntoEditor(editor, `${loaded}# pasted\n`);
  await expect.poll(async () => (await draft(page)).text).toContain('# pasted');
  await expect(selected('worker')).toHaveClass(/\bselected\b/);
  await expect(heading(page, 'clique worker')).toBeVisible();
  const pasted = loaded.replace(/name: vllm-agg/, 'name: pasted-agg');
  expect(pasted).toContain('pasted-agg');
  await pasteIntoEditor(editor, pasted);
  await expect.poll(async () => (await draft(page)).text).toContain('pasted-agg');
  await expect(selected('worker')).not.toHaveClass(/\bselected\b/);
  await expect(heading(page, 'stack')).toBeVisible();

  // Undo across that paste brings back the stack before: nothing of the pasted one stays selected.
  await selectByKeyboard(page, 'clique:worker', 'clique worker');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect.poll(async () => (await draft(page)).text).not.toContain('pasted-agg');
  expect((await draft(page)).text).toContain('# pasted');
  await expect(selected('worker')).not.toHaveClass(/\bselected\b/);
  await expect(heading(page, 'stack')).toBeVisible();

  // A file imported: the same.
  await selectByKeyboard(page, 'clique:worker', 'clique worker');
  await page.getByTestId('builder-file-input').setInputFiles({ name: 'other.yaml', mimeType: 'application/yaml', buffer: Buffer.from(pasted.replace('pasted-agg', 'file-agg')) });
  await expect(notice(page)).toContainText('Loaded other.yaml');
  await expect(selected('worker')).not.toHaveClass(/\bselected\b/);
  await expect(heading(page, 'stack')).toBeVisible();
});
