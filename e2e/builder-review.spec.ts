import { expect, test, type Page } from '@playwright/test';
import { WATCHED_KINDS } from '../lib/cluster/kinds';
import type { StreamSnapshot } from '../lib/cluster/stream';
import { pasteIntoEditor, tabUntilFocused } from './support/page';

/**
 * A reviewer's findings authoring stacks in /builder on the simulated demo, each as they reproduced it:
 * replicas on a running stack must not touch its immutable minAvailable; a refused inspector edit does
 * not stay on screen; a refusal notice goes once a later edit succeeds; a topologyName with no binding
 * is an error once the cluster's bindings are listed (a warning saying why while they are not); Delete
 * by keyboard acts on the focused node; the palette says why it does nothing while the YAML is
 * unreadable, to the keyboard too; the placement preview of a stack with errors says so. Nothing here
 * applies: the demo's stacks stay as they were.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

const DRAFT_KEY = 'canopy.builder.work';
const editor = (page: Page) => page.locator('.cm-content');
const inspector = (page: Page) => page.getByTestId('inspector');
const notice = (page: Page) => page.getByTestId('builder-notice');
const node = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"]`);
const finding = (page: Page, rule: string) => page.locator(`[data-testid="builder-finding"][data-rule="${rule}"]`);
const replicasField = (page: Page) => inspector(page).getByRole('textbox', { name: 'Replicas (pods)', exact: true });
/** The text as the builder last saved it (every change is saved): the whole text, not the lines the pane draws. */
const savedText = (page: Page) => page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { text?: string }).text ?? '', DRAFT_KEY);

async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
}

/** Selects a node from the keyboard (focus, Enter: React Flow's selection key) and waits for the inspector to show it. */
async function select(page: Page, key: string): Promise<void> {
  await node(page, key).focus();
  await page.keyboard.press('Enter');
  const [kind, name] = key.split(':');
  await expect(page.getByRole('heading', { name: `Inspector · ${kind} ${name}`, exact: true })).toBeVisible();
}

async function loadTemplate(page: Page, label: string): Promise<void> {
  await page.locator('#builder-template').selectOption({ label });
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(notice(page)).toContainText('Loaded');
}

const pod = '{containers: [{name: main, image: busybox}]}';
const STACK = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: review, namespace: default}
spec:
  replicas: 1
  template:
    cliques:
      - name: prefill
        spec: {roleName: prefill, replicas: 1, minAvailable: 1, podSpec: ${pod}}
      - name: decode
        spec: {roleName: decode, replicas: 1, minAvailable: 1, podSpec: ${pod}}
`;

test('replicas of a running stack change alone: its minAvailable stays, no immutable finding; a new stack keeps minAvailable equal to replicas', async ({ page }) => {
  await page.goto('/builder?edit=default/mixtral-agg');
  await ready(page);
  await expect(page.getByTestId('builder-updates-running')).toContainText('Editing the running stack default/mixtral-agg');
  await select(page, 'clique:worker');
  await expect(replicasField(page)).toHaveValue('2');
  await replicasField(page).fill('3');
  await expect(node(page, 'clique:worker')).toContainText('×3');
  await expect.poll(() => savedText(page)).toMatch(/replicas: 3\n\s+minAvailable: 2\n/);
  await expect(finding(page, 'immutable.minAvailable')).toHaveCount(0);
  await expect(page.locator('[data-testid="builder-finding"][data-severity="error"]')).toHaveCount(0);
  await expect(inspector(page)).toContainText('The stack runs: min available stays 2');

  // A copy is a new stack: minAvailable written equal to replicas keeps the whole clique one gang.
  await page.locator('#builder-live').selectOption('default/mixtral-agg');
  await expect(notice(page)).toContainText('Loaded a copy of default/mixtral-agg');
  await expect(page.getByTestId('builder-updates-running')).toHaveCount(0);
  // The canvas keeps the same-named node selected across the load: clear it, so Enter selects it again.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await select(page, 'clique:worker');
  await replicasField(page).fill('3');
  await expect.poll(() => savedText(page)).toMatch(/replicas: 3\n\s+minAvailable: 3\n/);
});

test('an inspector edit refused while the YAML is broken does not stay in the field; fixing the YAML clears the refusal', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  await pasteIntoEditor(editor(page), STACK);
  await expect(node(page, 'clique:prefill')).toContainText('×1');
  await select(page, 'clique:prefill');
  await pasteIntoEditor(editor(page), `${STACK}bad: [\n`);
  await expect(page.getByTestId('builder-yaml-error')).toBeVisible();
  await replicasField(page).fill('7');
  await expect(notice(page)).toContainText('the YAML cannot be edited from the canvas until it is fixed');
  await pasteIntoEditor(editor(page), STACK);
  await expect(page.getByTestId('builder-yaml-error')).toHaveCount(0);
  await expect(replicasField(page)).toHaveValue('1');
  await expect(node(page, 'clique:prefill')).toContainText('×1');
  await expect(notice(page)).not.toContainText('cannot be edited');
  await expect(notice(page)).not.toHaveAttribute('data-tone', 'error');
});

test('a refused rename’s notice goes once a later rename succeeds', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  await pasteIntoEditor(editor(page), STACK);
  await select(page, 'clique:prefill');
  const name = inspector(page).getByRole('textbox', { name: 'Name', exact: true });
  await name.fill('Prefill_Leader');
  await name.press('Enter');
  await expect(notice(page)).toContainText('"Prefill_Leader" is not a valid name');
  await expect(notice(page)).toHaveAttribute('data-tone', 'error');
  await name.fill('prefill-leader');
  await name.press('Enter');
  await expect(node(page, 'clique:prefill-leader')).toBeVisible();
  await expect(notice(page)).not.toContainText('not a valid name');
  await expect(notice(page)).not.toHaveAttribute('data-tone', 'error');
});

const NOPE = STACK.replace('  template:\n', '  template:\n    topologyConstraint: {topologyName: nope}\n');

test('a topologyName with no ClusterTopologyBinding is an error once the cluster’s bindings are listed: Apply waits for it', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  await pasteIntoEditor(editor(page), NOPE);
  const unknown = finding(page, 'topology.unknownTopology');
  await expect(unknown).toHaveAttribute('data-severity', 'error');
  await expect(unknown).toContainText('ClusterTopologyBinding "nope" not found (known: "demo"');
  await page.getByRole('button', { name: 'Apply…' }).click();
  await expect(page.getByTestId('apply-panel').getByTestId('apply-blocked')).toContainText(/Fix the \d+ error\(s\) first/);
});

/** One stream answer: every kind empty and live, but ClusterTopologyBindings refused (403). */
function bindingsForbidden(): string {
  const snapshot: StreamSnapshot = { seq: 0, kinds: {}, states: {} };
  for (const kind of WATCHED_KINDS) {
    snapshot.kinds[kind] = { resourceVersion: '1', items: [] };
    snapshot.states[kind] =
      kind === 'ClusterTopologyBinding'
        ? { kind, since: Date.now(), status: 'error', httpStatus: 403, lastError: 'clustertopologybindings.grove.io is forbidden' }
        : { kind, since: Date.now(), status: 'live' };
  }
  return `event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
}

test('while the bindings cannot be listed, a topologyName not known is a warning that says why; listed, it is an error', async ({ page }) => {
  const STREAM = '**/api/stream**';
  await page.route(STREAM, (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: bindingsForbidden() }));
  await page.goto('/builder');
  await ready(page);
  await pasteIntoEditor(editor(page), NOPE);
  const unknown = finding(page, 'topology.unknownTopology');
  await expect(unknown).toHaveAttribute('data-severity', 'warning');
  await expect(unknown).toContainText('not confirmed: you may not list ClusterTopologyBindings');
  // The real stream of the demo cluster, whose bindings are listed: the webhook's error.
  await page.unroute(STREAM);
  await expect(unknown).toHaveAttribute('data-severity', 'error', { timeout: 15_000 });
  await expect(unknown).toContainText('ClusterTopologyBinding "nope" not found');
});

test('Delete by keyboard acts on the focused node, not on the one selected before focus moved', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  await loadTemplate(page, 'Multi-node disaggregated with frontend');
  await select(page, 'clique:pleader');
  await tabUntilFocused(page, node(page, 'clique:dworker'));
  await page.keyboard.press('Delete');
  const dialog = page.getByRole('dialog', { name: /^Delete \d+ item/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('delete-consequences')).toContainText('clique dworker');
  await expect(dialog.getByTestId('delete-consequences')).not.toContainText('clique pleader');
  // What the dialog is about is what the inspector shows.
  await expect(page.getByRole('heading', { name: 'Inspector · clique dworker', exact: true })).toBeVisible();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(node(page, 'clique:dworker')).toHaveCount(0);
  await expect(node(page, 'clique:pleader')).toHaveCount(1);

  // Focus on a node of the selection: Delete takes the whole selection, as before.
  await select(page, 'clique:pleader');
  const worker = (await node(page, 'clique:pworker').boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.click(worker.x + 40, worker.y + 12);
  await page.keyboard.up('Shift');
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(2);
  await node(page, 'clique:pworker').focus();
  await page.keyboard.press('Delete');
  await expect(dialog.getByTestId('delete-consequences')).toContainText('clique pleader');
  await expect(dialog.getByTestId('delete-consequences')).toContainText('clique pworker');
  await page.keyboard.press('Escape');
});

test('while the YAML is unreadable the palette stays in the Tab order and says why it adds nothing', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  await pasteIntoEditor(editor(page), `${STACK}bad: [\n`);
  await expect(page.getByTestId('builder-yaml-error')).toBeVisible();
  const frontend = page.getByTestId('palette-frontend');
  await expect(frontend).not.toHaveAttribute('disabled');
  await expect(frontend).toHaveAttribute('aria-disabled', 'true');
  await expect(frontend).toHaveAccessibleDescription(/^Adding waits for readable YAML: fix the error first\. The canvas shows the last readable version: .*line \d+:\d+/);
  // In the Tab order (a disabled button is skipped), and pressing it adds nothing.
  await page.getByTestId('palette-decode-worker').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('palette-generic')).toBeFocused();
  await page.keyboard.press('Tab');
  const group = page.getByTestId('palette-group');
  await expect(group).toBeFocused();
  await expect(group).toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Enter');
  await frontend.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.react-flow__node[data-id^="group:"]')).toHaveCount(0);
  await expect(node(page, 'clique:frontend')).toHaveCount(0);

  await pasteIntoEditor(editor(page), STACK);
  await expect(frontend).not.toHaveAttribute('aria-disabled', 'true');
  await expect(frontend).not.toHaveAttribute('aria-describedby');
  await frontend.focus();
  await page.keyboard.press('Enter');
  await expect(node(page, 'clique:frontend')).toHaveCount(1);
});

test('the placement preview of a stack with errors says Grove would refuse it, not "Every gang fits"', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  // Two cliques with one roleName: Grove refuses it; its pods would still fit.
  await pasteIntoEditor(editor(page), STACK.replace('roleName: decode', 'roleName: prefill'));
  const errors = page.locator('[data-testid="builder-finding"][data-severity="error"]');
  await expect(errors).not.toHaveCount(0);
  const count = await errors.count();
  await page.getByRole('button', { name: 'Preview placement' }).click();
  const summary = page.getByTestId('preview-panel').getByTestId('preview-summary');
  await expect(summary).toHaveText(new RegExp(`^${count} errors?: Grove would refuse this stack\\. Placement of what the YAML says: every gang fits · `));
  await expect(summary).toHaveAttribute('data-errors', String(count));

  await pasteIntoEditor(editor(page), STACK);
  await expect(page.locator('[data-testid="builder-finding"][data-severity="error"]')).toHaveCount(0);
  await expect(summary).toHaveText(/^Every gang fits · /);
  await expect(summary).toHaveAttribute('data-errors', '0');
});

test('the placement preview counts the errors of the stack it places, not of another document in the file', async ({ page }) => {
  await page.goto('/builder');
  await ready(page);
  // The second document is refused by Grove (two cliques with one roleName); the first, which the builder edits and previews, is fine.
  const second = STACK.replace('{name: review,', '{name: review-second,').replace('roleName: decode', 'roleName: prefill');
  await pasteIntoEditor(editor(page), `${STACK}\n---\n${second}`);
  await expect(page.locator('[data-testid="builder-finding"][data-severity="error"]')).not.toHaveCount(0);
  await page.getByRole('button', { name: 'Preview placement' }).click();
  const summary = page.getByTestId('preview-panel').getByTestId('preview-summary');
  await expect(summary).toHaveText(/^Every gang fits · /);
  await expect(summary).toHaveAttribute('data-errors', '0');
});

