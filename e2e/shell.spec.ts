import { expect, test, type Page } from '@playwright/test';
import { collectErrors, luminance, tabUntilFocused } from './support/page';

/** The app shell: navigation, the dark/light theme, and getting around by keyboard alone. */

const NAV = ['Topology', 'Builder', 'Workloads', 'Validate'] as const;

const MISSING_ROLE_NAME = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: keyboard
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeAnyOrder
    cliques:
      - name: worker
        spec:
          replicas: 1
          minAvailable: 1
          podSpec:
            containers:
              - name: app
                image: busybox:1.36
`;

/**
 * Starts recording each element that takes focus, described as `tag:label` ('editor' for CodeMirror),
 * to follow the Tab order; the returned function reads what was recorded so far.
 */
async function recordFocusOrder(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const order: string[] = [];
    (window as unknown as { __focusOrder: string[] }).__focusOrder = order;
    document.addEventListener('focusin', (event) => {
      const el = event.target as HTMLElement;
      order.push(el.classList.contains('cm-content') ? 'editor' : `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}`);
    });
  });
  return () => page.evaluate(() => (window as unknown as { __focusOrder: string[] }).__focusOrder);
}

test.describe('navigation', () => {
  test('the header links to every page, and each page opens with its heading', async ({ page }) => {
    // Hydration mismatches and runtime errors surface as console errors: there should be none.
    const errors = collectErrors(page);
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of NAV) await expect(nav.getByRole('link', { name })).toBeVisible();

    const headings = { Topology: 'Topology', Builder: 'PodCliqueSet builder', Workloads: 'Workloads' } as const;
    for (const [name, heading] of Object.entries(headings)) {
      await nav.getByRole('link', { name }).click();
      await expect(page).toHaveURL(new RegExp(`/${name.toLowerCase()}($|\\?)`));
      await expect(page.getByRole('heading', { level: 1, name: heading, exact: true })).toBeAttached();
      await expect(nav.getByRole('link', { name })).toHaveAttribute('aria-current', 'page');
    }
    await nav.getByRole('link', { name: 'Validate' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Validate a manifest' })).toBeVisible();
    await page.reload();
    await expect(page.locator('.cm-content')).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('the skip link is the first stop and moves focus to the content', async ({ page }) => {
    await page.goto('/validate');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();
  });
});

test.describe('framing', () => {
  test('another site cannot frame a page (its clicks would be same-origin Scale or Delete requests)', async ({ page, baseURL }) => {
    const workloads = await page.request.get('/workloads');
    expect(workloads.headers()['x-frame-options']).toBe('DENY');
    expect(workloads.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    // A real cross-origin page that frames the workloads page: Chromium must refuse to show it.
    await page.route('http://elsewhere.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>elsewhere</title><iframe id="victim" onload="document.title = 'framed'" src="${baseURL}/workloads" width="800" height="600"></iframe>` }),
    );
    await page.goto('http://elsewhere.test/');
    // The iframe's load event fires either way: with the page in it, or with Chromium's error page.
    await expect(page).toHaveTitle('framed', { timeout: 15_000 });
    const frame = page.frameLocator('#victim');
    expect(page.frames().map((f) => f.url())).not.toContain(`${baseURL}/workloads`);
    await expect(frame.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await expect(frame.getByRole('heading', { name: 'Workloads' })).toHaveCount(0);
  });
});

test.describe('theme', () => {
  test('defaults to the OS preference', async ({ browser }) => {
    for (const colorScheme of ['dark', 'light'] as const) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto('/');
      if (colorScheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
      await context.close();
    }
  });

  test('dark mode by keyboard: toggled, dark, and kept across reloads without a flash', async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    // Records the <html> classes at the moment <body> is parsed, i.e. before anything can be painted.
    await page.addInitScript(() => {
      const w = window as unknown as { __classAtBody?: string };
      const observer = new MutationObserver(() => {
        if (document.body) {
          w.__classAtBody = document.documentElement.className;
          observer.disconnect();
        }
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    await page.goto('/validate');
    const html = page.locator('html');
    await expect(html).not.toHaveClass(/\bdark\b/);
    expect(await luminance(page.locator('body'))).toBeGreaterThan(0.8);

    const toggle = page.getByRole('button', { name: 'Dark mode' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await tabUntilFocused(page, toggle);
    await expect(toggle).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(html).toHaveClass(/\bdark\b/);
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(await luminance(page.locator('body'))).toBeLessThan(0.05);
    expect(await page.evaluate(() => localStorage.getItem('canopy-theme'))).toBe('dark');

    await page.reload();
    await expect(html).toHaveClass(/\bdark\b/);
    expect(await page.evaluate(() => (window as unknown as { __classAtBody?: string }).__classAtBody)).toMatch(/\bdark\b/);
    await expect(page.getByRole('button', { name: 'Dark mode' })).toHaveAttribute('aria-pressed', 'true');
    expect(await luminance(page.locator('body'))).toBeLessThan(0.05);

    // And back with Space, which a toggle button must honour too.
    await page.getByRole('button', { name: 'Dark mode' }).focus();
    await page.keyboard.press('Space');
    await expect(html).not.toHaveClass(/\bdark\b/);
    expect(await page.evaluate(() => localStorage.getItem('canopy-theme'))).toBe('light');
    await context.close();
  });
});

test('keyboard only: Tab reaches the nav, the editor and the findings; Enter opens a finding', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto('/validate');
  await expect(page.locator('.cm-content')).toBeVisible();

  const focusOrder = await recordFocusOrder(page);
  await tabUntilFocused(page, page.locator('.cm-content'));
  const toEditor = await focusOrder();
  for (const name of NAV) expect(toEditor).toContain(`a:${name}`);
  expect(toEditor.indexOf('a:Topology')).toBeLessThan(toEditor.indexOf('a:Validate'));
  expect(toEditor).toContain('button:Dark mode');

  // Typing is keyboard input too; Tab must then leave the editor rather than indent.
  await page.keyboard.insertText(MISSING_ROLE_NAME);
  const finding = page.locator('[data-finding][data-path="/spec/template/cliques/0/spec/roleName"]');
  await expect(finding).toHaveAttribute('data-line', '11');

  await tabUntilFocused(page, finding, 5);
  await expect(finding).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.cm-content')).toBeFocused();
  await expect(page.locator('.cm-lineNumbers .cm-activeLineGutter')).toHaveText('11');
  await context.close();
});
