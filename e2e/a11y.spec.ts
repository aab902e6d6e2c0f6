import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { WATCHED_KINDS, type WatchedKind } from '../lib/cluster/kinds';
import type { StreamSnapshot } from '../lib/cluster/stream';
import { rackPackedPcs } from './support/manifests';
import { pasteIntoEditor, tabUntilFocused } from './support/page';

/**
 * Every page, in light and in dark mode, scanned with axe-core (WCAG 2.1 A/AA rules, colour contrast
 * included) once its live content is on screen. The canvas heatmap is one named element to axe; its
 * contents are checked through the table view and the keyboard tests of topology.spec.ts.
 */

const PAGES: { path: string; ready: (page: Page) => Promise<void> }[] = [
  { path: '/', ready: async (page) => void (await expect(page.locator('h1').first()).toBeVisible()) },
  { path: '/topology', ready: async (page) => void (await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 })) },
  { path: '/builder', ready: async (page) => void (await expect(page.locator('.react-flow')).toBeVisible({ timeout: 20_000 })) },
  { path: '/validate', ready: async (page) => void (await expect(page.locator('.cm-content')).toBeVisible()) },
  { path: '/workloads', ready: async (page) => void (await expect(page.getByRole('table', { name: 'PodCliqueSets' }).locator('tbody tr').first()).toBeVisible({ timeout: 20_000 })) },
  { path: '/workloads/default/llama-disagg', ready: async (page) => void (await expect(page.getByTestId('pod').first()).toBeVisible({ timeout: 20_000 })) },
];

/** What axe finds on the page as it is now, one readable line per rule (with up to 5 elements). */
async function violationsOf(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ')}`).join('\n')}`);
}

/** Panels that only appear after an action: each step acts, waits for its result, and is scanned. */
const STATES: { name: string; path: string; steps: { did: string; act: (page: Page) => Promise<void> }[] }[] = [
  {
    name: 'topology: a workload selected, a search with several matches, a preview that does not fit',
    path: '/topology',
    steps: [
      {
        did: 'selected default/llama-disagg',
        act: async (page) => {
          await page.getByRole('region', { name: /Workloads/ }).getByRole('button', { name: /^default\/llama-disagg / }).click({ timeout: 20_000 });
          await expect(page.getByTestId('selection-panel')).toContainText('default/llama-disagg');
        },
      },
      {
        did: 'searched a fragment two workloads share, and got the choice',
        act: async (page) => {
          await page.locator('#heatmap-search').fill('agg');
          await page.locator('#heatmap-search').press('Enter');
          await expect(page.getByRole('group', { name: /^Matches for/ }).getByRole('button')).toHaveCount(2);
        },
      },
      {
        did: 'previewed a stack too big for a rack',
        act: async (page) => {
          await page.getByLabel('Paste or drop a PodCliqueSet').fill(UNFITTABLE);
          await page.getByRole('button', { name: 'Preview placement' }).click();
          await expect(page.getByTestId('preview-unplaced')).toContainText('does not fit');
        },
      },
    ],
  },
  {
    name: 'builder: a template, its findings, the placement preview and the apply panel',
    path: '/builder',
    steps: [
      {
        did: 'loaded a template',
        act: async (page) => {
          await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
          await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
          await page.getByRole('button', { name: 'New from template' }).click();
          await expect(page.locator('[data-testid^="clique-"]').first()).toBeVisible();
        },
      },
      {
        did: 'previewed the placement',
        act: async (page) => {
          await page.getByRole('button', { name: 'Preview placement' }).click();
          await expect(page.getByRole('button', { name: 'Open on the topology page' })).toBeVisible({ timeout: 20_000 });
        },
      },
      {
        did: 'opened the apply panel and ran a dry run',
        act: async (page) => {
          await page.getByRole('button', { name: 'Apply…' }).click();
          const apply = page.getByTestId('apply-panel');
          await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
          await expect(apply.getByTestId('apply-results')).not.toBeEmpty({ timeout: 20_000 });
        },
      },
    ],
  },
  {
    name: 'validate: findings listed',
    path: '/validate',
    steps: [
      {
        did: 'pasted a manifest with findings',
        act: async (page) => {
          await pasteIntoEditor(page.locator('.cm-content'), UNFITTABLE.replace('roleName: worker\n', ''));
          await expect(page.locator('[data-finding]').first()).toBeVisible();
        },
      },
    ],
  },
  {
    name: 'workloads: a scale preview open',
    path: '/workloads/default/llama-disagg',
    steps: [
      {
        did: 'opened the scale control of a clique',
        act: async (page) => {
          const decode = page.locator('[data-testid="podclique"][data-name="llama-disagg-0-decode"]');
          await expect(decode.getByTestId('pod').first()).toBeVisible({ timeout: 20_000 });
          await decode.getByRole('button', { name: 'Scale llama-disagg-0-decode', exact: true }).click();
          const field = decode.getByRole('spinbutton', { name: 'Replicas of llama-disagg-0-decode' });
          await field.fill('3');
          await field.press('Enter');
          await expect(decode.getByTestId('scale-impact')).toBeVisible();
        },
      },
    ],
  },
];

/** 20 pods × 4 GPUs required in one rack: more than any rack of the demo cluster holds. */
const UNFITTABLE = rackPackedPcs('a11y-huge', 20, 4);

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    for (const { path, ready } of PAGES) {
      test(`${path} has no WCAG 2.1 A/AA violations`, async ({ browser }) => {
        const context = await browser.newContext({ colorScheme });
        const page = await context.newPage();
        await page.goto(path);
        await ready(page);
        const found = await violationsOf(page);
        expect(found, found.join('\n')).toEqual([]);
        await context.close();
      });
    }
    for (const { name, path, steps } of STATES) {
      test(`${name}: no WCAG 2.1 A/AA violations after each step`, async ({ browser }) => {
        const context = await browser.newContext({ colorScheme });
        const page = await context.newPage();
        await page.goto(path);
        for (const step of steps) {
          await step.act(page);
          const found = await violationsOf(page);
          expect(found, `after "${step.did}":\n${found.join('\n')}`).toEqual([]);
        }
        await context.close();
      });
    }
  });
}

/**
 * Contrast ratio (WCAG) of two CSS colours as the page computes them (any syntax: rgb, oklch…),
 * the second being what the first is drawn on; measured in the page through a canvas.
 */
async function contrastIn(page: Page, pairs: [string, string][]): Promise<number[]> {
  return page.evaluate((list) => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const lum = (color: string) => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = Array.from(ctx.getImageData(0, 0, 1, 1).data).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    return list.map(([a, b]) => {
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    });
  }, pairs);
}

/** The first opaque background colour at or behind `target` (white if none). */
function backgroundOf(target: Locator): Promise<string> {
  return target.evaluate((el) => {
    for (let e: Element | null = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && bg !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode: focus, placeholders, editor colours`, () => {
    test.use({ colorScheme, viewport: { width: 1680, height: 1000 } });

    test('a builder node focused by Tab shows the focus ring, ≥ 3:1 against the canvas; no attribution tab stop; the minimap is hidden from assistive tech and readable', async ({ page }) => {
      await page.goto('/builder');
      await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
      await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
      await page.getByRole('button', { name: 'New from template' }).click();
      const node = page.locator('.react-flow__node').first();
      await expect(node).toBeVisible();
      await page.locator('#builder-template').focus();
      await tabUntilFocused(page, node, 80);
      const ring = await node.evaluate((el) => {
        const s = getComputedStyle(el);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor };
      });
      expect(ring.style).not.toBe('none');
      expect(ring.width).toBeGreaterThanOrEqual(2);
      const [ratio] = await contrastIn(page, [[ring.color, await backgroundOf(page.locator('.react-flow'))]]);
      expect(ratio).toBeGreaterThanOrEqual(3);
      // The same ring on a scaling-group frame.
      const frame = page.locator('.react-flow__node-frame').first();
      await frame.focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      await expect(frame).toBeFocused();
      expect(await frame.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');

      await expect(page.locator('.react-flow__attribution')).toHaveCount(0);
      const minimap = page.locator('.react-flow__minimap');
      await expect(minimap).toBeVisible();
      expect(await minimap.evaluate((el) => !!el.closest('[aria-hidden="true"]'))).toBe(true);
      const fill = await minimap.locator('.react-flow__minimap-node').first().evaluate((el) => getComputedStyle(el).fill);
      const [nodeRatio] = await contrastIn(page, [[fill, await minimap.evaluate((el) => getComputedStyle(el).backgroundColor)]]);
      expect(nodeRatio).toBeGreaterThanOrEqual(3);
    });

    test('placeholders are ≥ 4.5:1 on their fields: topology search, builder inspector, workloads filter', async ({ page }) => {
      const fields: { path: string; field: (page: Page) => Locator }[] = [
        { path: '/topology', field: (p) => p.locator('#heatmap-search') },
        { path: '/builder', field: (p) => p.getByTestId('inspector').locator('input[placeholder]:not([placeholder=""])').first() },
        { path: '/workloads', field: (p) => p.getByPlaceholder('name, namespace, health or problem') },
      ];
      for (const { path, field } of fields) {
        await page.goto(path);
        const input = field(page);
        await expect(input).toBeVisible({ timeout: 30_000 });
        const color = await input.evaluate((el) => getComputedStyle(el, '::placeholder').color);
        const [ratio] = await contrastIn(page, [[color, await backgroundOf(input)]]);
        expect(ratio, `${path} placeholder ${color}`).toBeGreaterThanOrEqual(4.5);
      }
    });

    test('every editor text colour is ≥ 4.5:1 on the selection, and the lint panel’s selected row is readable', async ({ page }) => {
      await page.goto('/validate');
      const editor = page.locator('.cm-content');
      await expect(editor).toBeVisible();
      const pairs = await page.evaluate(() => {
        const css = getComputedStyle(document.documentElement);
        const v = (name: string) => css.getPropertyValue(name).trim();
        return ['--cm-fg', '--cm-gutter-fg', '--cm-key', '--cm-string', '--cm-atom', '--cm-comment', '--cm-punct', '--cm-error', '--cm-warning'].map((n) => [n, v(n), v('--cm-selection')] as const);
      });
      const ratios = await contrastIn(page, pairs.map(([, fg, bg]) => [fg, bg]));
      pairs.forEach(([name], i) => expect(ratios[i], `${name} on --cm-selection`).toBeGreaterThanOrEqual(4.5));

      await pasteIntoEditor(editor, UNFITTABLE.replace('roleName: worker\n', ''));
      await expect(page.locator('[data-finding]').first()).toBeVisible();
      await editor.click();
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.cm-panel-lint ul [aria-selected]');
      await expect(row).toBeVisible();
      await expect(page.locator('.cm-panel-lint ul')).toBeFocused();
      const texts = await row.evaluate((li) =>
        [li, ...Array.from(li.querySelectorAll<HTMLElement>('*'))].filter((el) => Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())).map((el) => getComputedStyle(el).color),
      );
      expect(texts.length).toBeGreaterThan(0);
      const bg = await backgroundOf(row);
      for (const r of await contrastIn(page, texts.map((c) => [c, bg]))) expect(r).toBeGreaterThanOrEqual(4.5);
    });
  });
}

/** Every element inside `scope` that draws text of its own, with its colour and the background behind it. */
async function textColoursIn(scope: Locator): Promise<{ text: string; color: string; background: string }[]> {
  return scope.evaluate((root) => {
    const backgroundOf = (el: Element) => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (bg && bg !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(bg)) return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    return [root, ...Array.from(root.querySelectorAll('*'))]
      .filter((el) => Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()))
      .map((el) => ({ text: el.textContent!.trim().slice(0, 60), color: getComputedStyle(el).color, background: backgroundOf(el) }));
  });
}

/** Every text inside `scope` is ≥ 4.5:1 on what it is drawn on (axe may skip some; this names each one). */
async function expectReadable(page: Page, scope: Locator, what: string): Promise<void> {
  const texts = await textColoursIn(scope);
  expect(texts.length, `${what}: no text`).toBeGreaterThan(0);
  const ratios = await contrastIn(page, texts.map((t) => [t.color, t.background]));
  texts.forEach((t, i) => expect(ratios[i], `${what}: "${t.text}" ${t.color} on ${t.background}`).toBeGreaterThanOrEqual(4.5));
}

async function expectNoViolations(page: Page, after: string): Promise<void> {
  const found = await violationsOf(page);
  expect(found, `after "${after}":\n${found.join('\n')}`).toEqual([]);
}

/** Each health note's severity and the word its generated text (::before, shown and read by screen readers) puts before it. */
function severityWords(notes: Locator): Promise<string[]> {
  return notes.locator('[data-testid="health-note"]').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-severity')} ${getComputedStyle(li, '::before').content}`));
}

const HEADERS = { 'x-canopy-request': '1' };

async function applyYaml(request: APIRequestContext, yaml: string): Promise<void> {
  const response = await request.post('/api/apply', { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: yaml });
  expect(response.status(), await response.text()).toBe(200);
}

async function deleteStack(request: APIRequestContext, name: string): Promise<void> {
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false } });
}

/** Two pods × 8 GPUs in one H100 host, minAvailable 1: the second pod never fits beside the first (a warning), and a second replica is a partial fit. */
const optionalPodStack = (name: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: ${name}, namespace: default, labels: {kai.scheduler/queue: default-queue}}
spec:
  replicas: 1
  template:
    topologyConstraint: {topologyName: demo, pack: {required: zone}}
    cliques:
      - name: eng
        topologyConstraint: {pack: {required: host}}
        spec:
          roleName: eng
          replicas: 2
          minAvailable: 1
          podSpec:
            schedulerName: kai-scheduler
            nodeSelector: {nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3}
            containers: [{name: engine, image: busybox, resources: {limits: {nvidia.com/gpu: "8"}}}]
`;

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 36).toString(36)}`;

const STREAM = '**/api/stream**';

/** Answers the cluster stream with one snapshot where every kind is empty and `listing` still connecting (as e2e/loading.spec.ts does). */
async function answerStreamListing(context: BrowserContext, listing: WatchedKind): Promise<void> {
  const snapshot: StreamSnapshot = { seq: 0, kinds: {}, states: {} };
  for (const kind of WATCHED_KINDS) {
    snapshot.kinds[kind] = { resourceVersion: '1', items: [] };
    snapshot.states[kind] = { kind, since: Date.now(), status: kind === listing ? 'connecting' : 'live' };
  }
  const body = `event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
  await context.route(STREAM, (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body }));
}

/** The states other helpers added today: each reached, scanned by axe, its text checked for contrast, in both modes. */
for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode: new states`, () => {
    test.use({ colorScheme, viewport: { width: 1400, height: 1000 } });

    const LOADING: { page: string; listing: WatchedKind; path: string; message: string; act?: (page: Page) => Promise<void> }[] = [
      { page: 'workload list', listing: 'PodCliqueSet', path: '/workloads', message: 'Loading PodCliqueSets…' },
      { page: 'workload detail', listing: 'PodCliqueSet', path: '/workloads/default/llama-disagg', message: 'Loading PodCliqueSets…' },
      { page: 'topology', listing: 'Node', path: '/topology', message: 'Loading the cluster’s nodes…' },
      {
        page: 'builder preview',
        listing: 'Node',
        path: '/builder',
        message: 'Loading the cluster’s nodes…',
        act: async (page) => {
          await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
          await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
          await page.getByRole('button', { name: 'New from template' }).click();
          await page.getByRole('button', { name: 'Preview placement' }).click();
        },
      },
    ];
    for (const { page: name, listing, path, message, act } of LOADING) {
      test(`${name}: its "${message}" passes axe and is readable`, async ({ page, context }) => {
        // The builder's template and preview take a while on a loaded machine.
        test.slow(!!act);
        await answerStreamListing(context, listing);
        await page.goto(path);
        await act?.(page);
        const status = page.getByRole('status').filter({ hasText: message });
        await expect(status).toBeVisible({ timeout: 20_000 });
        await expectNoViolations(page, `${name} loading`);
        await expectReadable(page, status, `${name} loading`);
      });
    }

    test('health notes of each severity, the startup graph’s counts, and a partial scale preview read by keyboard and screen reader', async ({ page, request }) => {
      test.slow();
      const partial = unique('a11y-partial');
      const big = unique('a11y-big');
      await applyYaml(request, optionalPodStack(partial));
      await applyYaml(request, rackPackedPcs(big, 20, 4));
      try {
        // A stack that cannot be placed: a problem note.
        await page.goto(`/workloads/default/${big}`);
        const problem = page.locator('[data-testid="health-note"][data-severity="problem"]').first();
        await expect(problem).toBeVisible({ timeout: 30_000 });
        await expectNoViolations(page, 'a problem note shown');
        const problems = page.getByRole('list', { name: 'Health notes' });
        // The severity is in words a screen reader reads, not the colour alone.
        expect(await severityWords(problems)).toContain('problem "Problem: "');
        await expectReadable(page, problems, 'problem notes');

        // A stack whose pod above minAvailable cannot be placed: a warning note.
        await page.goto(`/workloads/default/${partial}`);
        const warning = page.locator('[data-testid="health-note"][data-severity="warning"]');
        await expect(warning).toContainText('above minAvailable not scheduled', { timeout: 30_000 });
        const notes = page.getByRole('list', { name: 'Health notes' });
        expect(await severityWords(notes)).toContain('warning "Warning: "');
        await expectNoViolations(page, 'a warning note shown');
        await expectReadable(page, notes, 'warning notes');

        // The startup graph's counts: "… · 1/2 ready · gate: 1" on each node, readable on its fill; the list says the same in words.
        const nodeText = page.getByTestId('startup-node-text').first();
        await expect(nodeText).toHaveText(/ · \d+\/\d+ ready · gate: \d+/);
        const svgPairs = await page.getByTestId('startup-graph').locator('g[data-clique]').evaluateAll((groups) =>
          groups.flatMap((g) => Array.from(g.querySelectorAll('text')).map((t) => [getComputedStyle(t).fill, getComputedStyle(g.querySelector('rect')!).fill] as [string, string])),
        );
        expect(svgPairs.length).toBeGreaterThan(0);
        for (const [i, r] of (await contrastIn(page, svgPairs)).entries()) expect(r, `startup node text ${svgPairs[i]!.join(' on ')}`).toBeGreaterThanOrEqual(4.5);
        const startupList = page.getByRole('list', { name: 'Cliques in startup order' });
        expect(await startupList.ariaSnapshot()).toMatch(/eng: .+, \d+ of 2 pods ready; startup gate: 1 ready pod/);
        await expectReadable(page, startupList, 'startup list');

        // The scale preview's partial state, opened by keyboard: focus lands on the preview, whose text says it.
        const control = page.locator('[data-testid="scale-control"][data-kind="PodCliqueSet"]');
        const plus = control.getByRole('button', { name: `Scale ${partial} up to 2` });
        await page.getByRole('link', { name: '← All workloads' }).focus();
        await tabUntilFocused(page, plus, 40);
        await page.keyboard.press('Enter');
        const preview = control.getByRole('group', { name: `Scale preview for ${partial}` });
        await expect(preview).toBeFocused();
        await expect(control.getByTestId('scale-impact')).toHaveAttribute('data-fits', 'partial', { timeout: 10_000 });
        const spoken = await preview.ariaSnapshot();
        expect(spoken).toContain('The gangs fit, but 1 new pod will not be placed');
        expect(spoken).toMatch(/above minAvailable not placed/);
        expect(spoken).toContain('The gangs start without them');
        await expectNoViolations(page, 'a partial scale preview');
        await expectReadable(page, control.getByTestId('scale-impact'), 'partial scale preview');
        await page.keyboard.press('Escape');
        await expect(preview).toHaveCount(0);
        await expect(plus).toBeFocused();
      } finally {
        await deleteStack(request, partial);
        await deleteStack(request, big);
      }
    });

    test('topology preview: the share line and Copy link (Tab + Enter, result announced); a damaged link’s message', async ({ page, context }) => {
      test.slow();
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.goto('/topology');
      await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
      const field = page.getByLabel('Paste or drop a PodCliqueSet');
      await field.fill(rackPackedPcs('a11y-share', 2, 4));
      await page.getByRole('button', { name: 'Preview placement' }).click();
      const share = page.getByTestId('preview-share');
      await expect(share).toHaveAttribute('data-share', 'link', { timeout: 20_000 });
      await expectNoViolations(page, 'a preview with its share line');
      await expectReadable(page, share, 'share line');

      const copy = share.getByRole('button', { name: 'Copy link' });
      await field.focus();
      await tabUntilFocused(page, copy, 15);
      expect(await copy.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
      await page.keyboard.press('Enter');
      await expect(share.getByRole('status')).toHaveText('Link copied.');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
      await expectNoViolations(page, 'Copy link pressed');
      await expectReadable(page, share, 'share line after copying');

      const data = new URL(page.url()).hash.slice('#preview='.length);
      await page.goto('about:blank');
      await page.goto(`/topology#preview=${data.slice(0, -4)}`);
      const problems = page.getByTestId('preview-problems');
      await expect(problems).toContainText('The preview in this link could not be read', { timeout: 20_000 });
      await expect(page.getByTestId('heatmap-canvas')).toBeVisible({ timeout: 20_000 });
      await expectNoViolations(page, 'a damaged preview link');
      await expectReadable(page, problems, 'damaged link message');
    });

    test('builder: the "Pasted scaling group …" notice', async ({ page }) => {
      test.slow();
      await page.goto('/builder');
      await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
      await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
      await page.getByRole('button', { name: 'New from template' }).click();
      const group = page.getByTestId('group-prefill');
      await expect(group).toBeVisible();
      await group.click({ position: { x: 40, y: 12 } });
      await expect(page.getByRole('heading', { name: 'Inspector · group prefill', exact: true })).toBeVisible();
      await page.keyboard.press('Control+c');
      await page.keyboard.press('Control+v');
      const notice = page.getByTestId('builder-notice');
      await expect(notice).toHaveText(/^Pasted scaling group prefill-2 /);
      await expect(notice).toHaveRole('status');
      await expectNoViolations(page, 'a scaling group pasted');
      await expectReadable(page, notice, 'builder notice');
    });
  });
}
