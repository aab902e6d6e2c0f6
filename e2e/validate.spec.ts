import { expect, test, type Locator, type Page } from '@playwright/test';
import { pasteIntoEditor } from './support/page';

/**
 * The Validate page: text in, findings out, pinned to lines. The findings come from
 * lib/grove/check.ts (`checkManifestText`); these tests hold it to its contract:
 * a clique without spec.roleName → rule `schema.required` at
 * `/spec/template/cliques/<i>/spec/roleName`, on the line of that clique's `spec:` key.
 */

const MISSING_ROLE_NAME = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: demo
  namespace: default
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeAnyOrder
    cliques:
      - name: frontend
        spec:
          roleName: frontend
          replicas: 1
          minAvailable: 1
          podSpec:
            containers:
              - name: app
                image: busybox:1.36
      - name: worker
        spec:
          replicas: 2
          minAvailable: 2
          podSpec:
            containers:
              - name: app
                image: busybox:1.36
`;

/** 1-based line of the first line matching `re` after the first line matching `after`. */
function lineOf(text: string, after: RegExp, re: RegExp): number {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => after.test(l));
  const i = lines.findIndex((l, k) => k > start && re.test(l));
  if (start < 0 || i < 0) throw new Error(`no line matching ${re} after ${after}`);
  return i + 1;
}

/** The line of the worker clique's `spec:` key (line 21 as written above). */
const WORKER_SPEC_LINE = lineOf(MISSING_ROLE_NAME, /- name: worker/, /^\s+spec:\s*$/);

/** `  name: a: b` is a nested mapping in a compact mapping: a YAML syntax error on line 4. */
const SYNTAX_ERROR = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: a: b
spec:
  replicas: 1
`;
const SYNTAX_ERROR_LINE = 4;

function editorContent(page: Page): Locator {
  return page.locator('.cm-content');
}

const paste = (page: Page, text: string) => pasteIntoEditor(editorContent(page), text);

/** The editor's text, read from the DOM lines (small documents only: no viewport culling). */
async function editorText(page: Page): Promise<string> {
  return page.locator('.cm-content .cm-line').evaluateAll((lines) => lines.map((l) => l.textContent ?? '').join('\n'));
}

/** Line numbers (from the line-number gutter) of the rows where `selector` elements sit. */
async function linesOf(page: Page, selector: string): Promise<number[]> {
  return page.evaluate((sel) => {
    const numbers = Array.from(document.querySelectorAll<HTMLElement>('.cm-lineNumbers .cm-gutterElement'))
      .map((el) => ({ n: Number(el.textContent), r: el.getBoundingClientRect() }))
      .filter((x) => Number.isFinite(x.n) && x.r.height > 0);
    return Array.from(document.querySelectorAll(sel)).map((el) => {
      const r = el.getBoundingClientRect();
      const mid = r.top + r.height / 2;
      return numbers.find((x) => mid >= x.r.top && mid < x.r.bottom)?.n ?? -1;
    });
  }, selector);
}

/** The 1-based line the cursor is on, as the line-number gutter highlights it. */
function activeLineNumber(page: Page): Locator {
  return page.locator('.cm-lineNumbers .cm-activeLineGutter');
}

test.beforeEach(async ({ page }) => {
  await page.goto('/validate');
  await expect(editorContent(page)).toBeVisible();
});

test('starts empty, with a friendly empty state', async ({ page }) => {
  await expect(page.getByRole('heading', { name: 'Validate a manifest' })).toBeVisible();
  await expect(page.getByTestId('findings-summary')).toHaveText('Nothing to check');
  await expect(page.getByText('Nothing to check yet.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load example PodCliqueSet' })).toBeVisible();
});

test('a clique without roleName is listed and pinned to its spec line', async ({ page }) => {
  expect(WORKER_SPEC_LINE).toBe(21);
  await paste(page, MISSING_ROLE_NAME);
  expect(await editorText(page)).toBe(MISSING_ROLE_NAME);

  const finding = page.locator('[data-finding][data-path="/spec/template/cliques/1/spec/roleName"]');
  await expect(finding).toHaveCount(1);
  await expect(finding).toHaveAttribute('data-rule', 'schema.required');
  await expect(finding).toHaveAttribute('data-severity', 'error');
  await expect(finding).toHaveAttribute('data-line', String(WORKER_SPEC_LINE));
  await expect(finding).toContainText(`line ${WORKER_SPEC_LINE}`);
  await expect(page.getByTestId('findings-summary')).toContainText(/[1-9]\d* errors?/);
  await expect(page.getByRole('heading', { name: /PodCliqueSet demo/ })).toBeVisible();

  // Pinned in the editor: an error marker in the lint gutter and an underline, both on that line.
  await expect(page.locator('.cm-gutter-lint .cm-lint-marker-error').first()).toBeVisible();
  expect(await linesOf(page, '.cm-gutter-lint .cm-lint-marker-error')).toContain(WORKER_SPEC_LINE);
  expect(await linesOf(page, '.cm-lintRange-error')).toContain(WORKER_SPEC_LINE);

  // Clicking the finding puts the cursor on its line and the focus in the editor.
  await page.keyboard.press('ControlOrMeta+Home');
  await expect(activeLineNumber(page)).toHaveText('1');
  await finding.click();
  await expect(editorContent(page)).toBeFocused();
  await expect(activeLineNumber(page)).toHaveText(String(WORKER_SPEC_LINE));
});

test('a YAML syntax error is listed with its line and marked in the editor', async ({ page }) => {
  await paste(page, SYNTAX_ERROR);

  const error = page.locator('[data-finding][data-source="syntax"]').first();
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-line', String(SYNTAX_ERROR_LINE));
  await expect(error).toContainText(`line ${SYNTAX_ERROR_LINE}`);
  await expect(page.getByRole('heading', { name: 'YAML syntax' })).toBeVisible();
  expect(await linesOf(page, '.cm-gutter-lint .cm-lint-marker-error')).toContain(SYNTAX_ERROR_LINE);

  await error.press('Enter');
  await expect(editorContent(page)).toBeFocused();
  await expect(activeLineNumber(page)).toHaveText(String(SYNTAX_ERROR_LINE));
});

test('an unclosed [ in one document of three is one syntax finding at its line, counting the parser\'s other errors; the other documents are still checked', async ({ page }) => {
  const valid = MISSING_ROLE_NAME.replace('name: demo', 'name: first').replace('      - name: worker\n        spec:\n', '      - name: worker\n        spec:\n          roleName: worker\n');
  const broken = MISSING_ROLE_NAME.replace('name: demo', 'name: broken').replace(/^spec:$/m, 'spec: [');
  const text = `${valid}---\n${broken}---\n${MISSING_ROLE_NAME}`;
  // The bracket opens on line 35 (yaml reports it where it gave up, later, and 24 more errors that follow from it): the finding is at the bracket.
  expect(text.split('\n').indexOf('spec: [') + 1).toBe(35);
  // Before the third document: the first (28 lines, its worker has a roleName), ---, the second (27), ---.
  const thirdWorkerSpecLine = 28 + 1 + 27 + 1 + WORKER_SPEC_LINE;
  await paste(page, text);

  const syntax = page.locator('[data-finding][data-source="syntax"]');
  await expect(syntax).toHaveCount(1);
  await expect(syntax).toHaveAttribute('data-line', '35');
  await expect(syntax).toContainText('Flow sequence in block collection must be sufficiently indented and end with a ] — and 24 more parse errors after it');
  await expect(syntax).toContainText('line 35');
  await expect(page.getByRole('heading', { name: /^YAML syntax/ })).toContainText('1 error');

  // The first and third documents are read and checked: the third's missing roleName is found.
  await expect(page.getByRole('heading', { name: /PodCliqueSet first/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: /PodCliqueSet demo/ })).toBeVisible();
  await expect(page.locator('[data-finding][data-path="/spec/template/cliques/1/spec/roleName"]')).toHaveAttribute('data-line', String(thirdWorkerSpecLine));
  await expect(page.locator('[data-finding]')).toHaveCount(2);
  await expect(page.getByTestId('findings-summary')).toContainText('2 errors');

  // In the editor the broken document (lines 30-57) is marked on that line only, not on every line after the bracket.
  await expect(page.locator('.cm-gutter-lint .cm-lint-marker-error').first()).toBeVisible();
  expect((await linesOf(page, '.cm-gutter-lint .cm-lint-marker-error')).filter((line) => line >= 30 && line <= 57)).toEqual([35]);
});

test('the example PodCliqueSet loads and has no findings', async ({ page }) => {
  await page.getByRole('button', { name: 'Load example', exact: true }).click();
  expect(await editorText(page)).toContain('kind: PodCliqueSet');
  await expect(page.getByText('Showing example')).toBeVisible();
  await expect(page.getByRole('heading', { name: /PodCliqueSet inference-demo/ })).toBeVisible();
  await expect(page.getByTestId('findings-summary')).toHaveText('No problems');
  await expect(page.locator('[data-finding]')).toHaveCount(0);
  await expect(page.locator('.cm-lint-marker-error')).toHaveCount(0);
});

test('a file can be opened or dropped, and replaces the text', async ({ page }) => {
  await paste(page, 'old: text\n');
  await page.getByTestId('manifest-file-input').setInputFiles({
    name: 'chosen.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from('kind: PodCliqueSet\nmetadata:\n  name: chosen\n'),
  });
  await expect(page.getByText('Showing chosen.yaml')).toBeVisible();
  expect(await editorText(page)).toBe('kind: PodCliqueSet\nmetadata:\n  name: chosen\n');

  await editorContent(page).evaluate((el) => {
    const data = new DataTransfer();
    data.items.add(new File(['kind: PodCliqueSet\nmetadata:\n  name: dropped\n'], 'dropped.yaml', { type: 'application/yaml' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      el.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  });
  await expect(page.getByText('Showing dropped.yaml')).toBeVisible();
  expect(await editorText(page)).toBe('kind: PodCliqueSet\nmetadata:\n  name: dropped\n');

  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('findings-summary')).toHaveText('Nothing to check');
});

test('a file with CRLF line endings gets its findings pinned in the editor at once', async ({ page }) => {
  // Windows editors write \r\n; CodeMirror keeps \n. The markers must not wait for a keystroke.
  await page.getByTestId('manifest-file-input').setInputFiles({
    name: 'windows.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(MISSING_ROLE_NAME.replace(/\n/g, '\r\n')),
  });
  await expect(page.getByText('Showing windows.yaml')).toBeVisible();
  await expect(page.locator('[data-finding][data-path="/spec/template/cliques/1/spec/roleName"]')).toHaveAttribute('data-line', String(WORKER_SPEC_LINE));
  await expect(page.locator('.cm-gutter-lint .cm-lint-marker-error').first()).toBeVisible();
  expect(await linesOf(page, '.cm-gutter-lint .cm-lint-marker-error')).toContain(WORKER_SPEC_LINE);
  expect(await linesOf(page, '.cm-lintRange-error')).toContain(WORKER_SPEC_LINE);
});

test('documents of other kinds are reported as not checked, not as clean', async ({ page }) => {
  await paste(page, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n');
  await expect(page.getByRole('heading', { name: /Service web/ })).toBeVisible();
  await expect(page.getByText('Not a Grove kind: passed through unchecked.')).toBeVisible();
  await expect(page.locator('[data-finding]')).toHaveCount(0);
});
