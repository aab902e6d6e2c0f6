import { expect, test, type APIRequestContext } from '@playwright/test';
import { gpuStack } from './support/manifests';
import { collectErrors } from './support/page';

/**
 * Workload health has a clock: a stack the scheduler cannot place yet says how long it has waited,
 * and weighs more as time passes, in the list and on its page, without a reload. Against the simulated
 * demo; the page's clock is Playwright's (installed before the page loads, then fast-forwarded), the
 * pods' timestamps are the simulator's real ones.
 *
 * The stack: 8 pods × 8 H100 GPUs packed in one zone. The demo's H100 zone has 8 such nodes, so it
 * fits the empty cluster (waiting can help: not a problem at once), but mixtral-agg holds 4 of them.
 *
 * And a stack left below a clique's minAvailable is not "Progressing": the tree's "Scale…" on a
 * standalone clique below its minAvailable, acknowledged, on a stack of its own (the demo's stay as they
 * are); the header and the list's Problems column then count down to Grove's gang termination.
 */
const waitingStack = (name: string) => gpuStack(name, { clique: 'eng', replicas: 8, minAvailable: 8, gpus: 8, product: 'NVIDIA-H100-80GB-HBM3', pack: 'zone' });

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 36).toString(36)}`;

async function apply(request: APIRequestContext, yaml: string): Promise<void> {
  const response = await request.post('/api/apply', { data: yaml, headers: { 'X-Canopy-Request': '1', 'content-type': 'application/yaml' } });
  expect(response.status(), await response.text()).toBe(200);
}

async function remove(request: APIRequestContext, name: string): Promise<void> {
  await request.post('/api/delete', { data: { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false }, headers: { 'X-Canopy-Request': '1' } });
}

test('a stack that cannot be placed yet: a note with its age, a warning after 2 minutes, Degraded after 10, in the list and on its page', async ({ page, request }) => {
  test.slow();
  const errors = collectErrors(page);
  const name = unique('hc-wait');
  // Before any page script runs, so every timer and Date.now() of the app is the test's.
  await page.clock.install();
  await apply(request, waitingStack(name));
  try {
    await page.goto('/workloads');
    const row = page.locator(`[data-testid="workload-row"][data-name="${name}"]`);
    const summary = row.getByTestId('health-summary');
    // Just refused: still starting, an info note naming a pod with its age and the scheduler's words.
    await expect(summary).toHaveText(new RegExp(`^Starting for \\d+s: 0 of 8 pods ready; ${name}-0-eng-\\w+ Pending \\d+s: Unschedulable: the gang needs .+ \\(and 7 more waiting\\)`), { timeout: 20_000 });
    await expect(summary).toHaveAttribute('data-severity', 'info');
    await expect(row.locator('[data-health]')).toHaveAttribute('data-health', 'progressing');

    await row.getByRole('link', { name }).click();
    await expect(page).toHaveURL(new RegExp(`/workloads/default/${name}$`));
    const notes = page.getByTestId('health-note');
    await expect(notes).toHaveCount(1, { timeout: 15_000 });
    await expect(notes.first()).toHaveAttribute('data-severity', 'info');
    await expect(notes.first()).toHaveText(/^Starting for \d+s: 0 of 8 pods ready; /);
    // Since when, as a moment (the browser's local time) on hover.
    await expect(notes.first()).toHaveAttribute('title', /^since .+/);
    await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'progressing');

    // Three minutes on, no reload: the refusal is a warning with its age; the stack still progressing.
    await page.clock.fastForward('03:00');
    const unschedulable = new RegExp(`^8 pods unschedulable for 3m(\\d+s)? \\(gang ${name}-0\\): .+`);
    const first = notes.first();
    await expect(first).toHaveAttribute('data-severity', 'warning');
    await expect(first).toHaveText(unschedulable);
    await expect(page.locator('[data-testid="health-note"][data-severity="info"]')).toHaveCount(0);
    // Each waiting pod of the tree says for how long, as `kubectl get pods` would.
    await expect(page.getByTestId('pod-waiting')).toHaveCount(8);
    await expect(page.getByTestId('pod-waiting').first()).toHaveText(/^for 3m(\d+s)?$/);
    await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'progressing');

    // The list says the same.
    await page.getByRole('link', { name: '← All workloads' }).click();
    await expect(summary).toHaveAttribute('data-severity', 'warning', { timeout: 15_000 });
    await expect(summary).toHaveText(unschedulable);

    // Past the progress deadline: a problem, and the stack Degraded, here and on its page.
    await page.clock.fastForward('08:00');
    await expect(summary).toHaveAttribute('data-severity', 'problem');
    await expect(summary).toHaveText(new RegExp(`^8 pods unschedulable for 11m \\(gang ${name}-0\\): .+`));
    await expect(row.locator('[data-health]')).toHaveAttribute('data-health', 'degraded');
    await row.getByRole('link', { name }).click();
    await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'degraded', { timeout: 15_000 });
    await expect(notes.first()).toHaveAttribute('data-severity', 'problem');
  } finally {
    await remove(request, name);
  }
  expect(errors).toEqual([]);
});

test('the clock follows what is shown: a note counting seconds moves every second, not every 15, in the list and on the stack\'s page', async ({ page, request }) => {
  const errors = collectErrors(page);
  const name = unique('hc-tick');
  await page.clock.install();
  await apply(request, waitingStack(name));
  try {
    await page.goto('/workloads');
    const summary = page.locator(`[data-testid="workload-row"][data-name="${name}"]`).getByTestId('health-summary');
    const seconds = async () => Number(/^Starting for (\d+)s:/.exec((await summary.textContent()) ?? '')?.[1]);
    await expect(summary).toHaveText(/^Starting for \d+s: /, { timeout: 20_000 });
    // Time stands still from here but for what the test runs: one second on, the note says one second more.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
    const before = await seconds();
    await page.clock.runFor(1_000);
    await expect(summary).toHaveText(new RegExp(`^Starting for ${before + 1}s: `));
    await page.clock.runFor(1_000);
    await expect(summary).toHaveText(new RegExp(`^Starting for ${before + 2}s: `));

    // The stack's own page: its header note moves every second too.
    await page.goto(`/workloads/default/${name}`);
    const note = page.getByTestId('health-note').filter({ hasText: /^Starting for \d+s: / });
    await expect(note).toHaveCount(1, { timeout: 20_000 });
    const noteSeconds = async () => Number(/^Starting for (\d+)s:/.exec((await note.textContent()) ?? '')?.[1]);
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
    const shown = await noteSeconds();
    // The same element each second, its text changed: a screen reader reading it keeps its place.
    await note.evaluate((li) => li.setAttribute('data-seen', 'before'));
    await page.clock.runFor(1_000);
    await expect(note).toHaveText(new RegExp(`^Starting for ${shown + 1}s: `));
    await expect(note).toHaveAttribute('data-seen', 'before');
    await page.clock.runFor(1_000);
    await expect(note).toHaveText(new RegExp(`^Starting for ${shown + 2}s: `));
  } finally {
    await remove(request, name);
  }
  expect(errors).toEqual([]);
});

test('a clique scaled below its minAvailable: Degraded, the header and the list say Grove gang-terminates the replica after terminationDelay', async ({ page, request }) => {
  test.slow();
  const errors = collectErrors(page);
  const name = unique('hb-decode');
  const clique = `${name}-0-decode`;
  // decode: 4 pods, minAvailable 2, one GPU each on GB200 (the demo has room for them).
  await apply(request, gpuStack(name, { clique: 'decode', replicas: 4, minAvailable: 2, gpus: 1, product: 'NVIDIA-GB200', pack: 'rack' }));
  try {
    await page.goto(`/workloads/default/${name}`);
    await expect(page.getByTestId('pcs-available')).toHaveText('1/1 replica available', { timeout: 30_000 });
    const decode = page.locator(`[data-testid="podclique"][data-name="${clique}"]`);
    await expect(decode.getByTestId('pod')).toHaveCount(4);

    // Tree → "Scale…" → 1 (below minAvailable 2) → "I understand…" → confirm.
    await decode.getByRole('button', { name: `Scale ${clique}`, exact: true }).click();
    const field = decode.getByRole('spinbutton', { name: `Replicas of ${clique}` });
    await expect(field).toHaveValue('4', { timeout: 20_000 });
    await field.fill('1');
    await field.press('Enter');
    const breach = decode.getByTestId('scale-breach');
    await expect(breach).toContainText(`PodClique ${clique} would have 1 pod, below its minAvailable 2`);
    await breach.getByRole('checkbox', { name: new RegExp(`I understand: scale ${clique} below its minAvailable of 2 anyway`) }).check();
    await decode.getByRole('button', { name: 'Scale below minAvailable to 1' }).click();
    await expect(decode.getByTestId('pod')).toHaveCount(1, { timeout: 20_000 });

    // The header: Degraded, with the note first (counting down from the condition's lastTransitionTime).
    const note = new RegExp(`^PodClique ${clique} below minAvailable \\(1 of 2 scheduled, spec\\.replicas 1\\); Grove gang-terminates replica 0 in (3h59m|4h) \\(terminationDelay 4h\\) unless scaled back to at least 2$`);
    const notes = page.getByTestId('health-note');
    await expect(notes.first()).toHaveText(note, { timeout: 20_000 });
    await expect(notes.first()).toHaveAttribute('data-severity', 'problem');
    await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'degraded');

    // The list's Problems column says the same.
    await page.getByRole('link', { name: '← All workloads' }).click();
    const row = page.locator(`[data-testid="workload-row"][data-name="${name}"]`);
    await expect(row.getByTestId('health-summary')).toHaveText(note, { timeout: 20_000 });
    await expect(row.getByTestId('health-summary')).toHaveAttribute('data-severity', 'problem');
    await expect(row.locator('[data-health]')).toHaveAttribute('data-health', 'degraded');
  } finally {
    await remove(request, name);
  }
  expect(errors).toEqual([]);
});
