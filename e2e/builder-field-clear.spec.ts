import { expect, test, type Page } from '@playwright/test';
import { pasteIntoEditor } from './support/page';

/**
 * An inspector field emptied on the way to another value does not delete its YAML key (nor the comment
 * written on its line); the key goes only when the field is left empty, and its comments stay in the file.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

const editor = (page: Page) => page.locator('.cm-content');

/** A clique whose replicas line has a comment above it and one at its end. */
const STACK = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: commented
spec:
  replicas: 1
  template:
    cliques:
      - name: work
        spec:
          roleName: work
          # two pods per node
          replicas: 4 # sized by the ops team
          podSpec:
            containers: [{name: app, image: busybox}]
`;

async function open(page: Page): Promise<void> {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await pasteIntoEditor(editor(page), STACK);
  await expect(page.getByTestId('clique-work')).toBeVisible();
  const box = (await page.getByTestId('clique-work').boundingBox())!;
  await page.mouse.click(box.x + 40, box.y + 12);
  await expect(page.getByRole('heading', { name: 'Inspector · clique work', exact: true })).toBeVisible();
}

test('typing 8, backspace, 16 in Replicas keeps the key and the comment on its line', async ({ page }) => {
  await open(page);
  const replicas = page.getByTestId('inspector').getByRole('textbox', { name: 'Replicas (pods)', exact: true });
  await replicas.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('8');
  await expect(editor(page)).toContainText('replicas: 8 # sized by the ops team');

  // Emptied while typing: the YAML keeps 8 and its comment; the field is empty and says what leaving it does.
  await page.keyboard.press('Backspace');
  await expect(replicas).toHaveValue('');
  await expect(page.getByTestId('field-clearing')).toHaveText('Empty: leaving the field removes it from the YAML, which keeps its value until then');
  await expect(editor(page)).toContainText('replicas: 8 # sized by the ops team');

  await page.keyboard.type('16');
  await expect(editor(page)).toContainText('# two pods per node');
  await expect(editor(page)).toContainText('replicas: 16 # sized by the ops team');
  await expect(page.getByTestId('field-clearing')).toHaveCount(0);
});

test('a field left empty removes its key when the user leaves it; the comments stay as lines of their own', async ({ page }) => {
  await open(page);
  const replicas = page.getByTestId('inspector').getByRole('textbox', { name: 'Replicas (pods)', exact: true });
  await replicas.fill('');
  await expect(editor(page)).toContainText('replicas: 4 # sized by the ops team');
  await replicas.press('Tab');
  await expect(editor(page)).not.toContainText('replicas: 4');
  await expect(editor(page)).toContainText('# two pods per node');
  await expect(editor(page)).toContainText('# sized by the ops team');
  await expect(page.getByTestId('field-clearing')).toHaveCount(0);
});
