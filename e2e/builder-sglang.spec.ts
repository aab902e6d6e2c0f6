import { expect, test, type Page } from '@playwright/test';
import { parse } from 'yaml';
import { draft, settled } from './support/builder';

/**
 * SGLang over several nodes in the builder: a palette worker added to a template's scaling group runs
 * as the group's own workers do, and a rank that no longer fits is a warning on its node.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const notice = (page: Page) => page.getByTestId('builder-notice');

type Json = Record<string, any>;
/** The address a clique's --dist-init-addr names (its args, without the port) and the --node-rank of its script, in the saved draft. */
async function wiring(page: Page, name: string): Promise<{ leader: string; rank: string }> {
  const pcs = parse((await draft(page)).text) as Json;
  const c = pcs.spec.template.cliques.find((x: Json) => x.name === name).spec.podSpec.containers[0];
  const args: string[] = c.args;
  return { leader: args[args.indexOf('--dist-init-addr') + 1]!.replace(/:5000$/, ''), rank: /--node-rank ("[^"]*"|\S+)/.exec(c.command[2])![1]! };
}

test('an SGLang decode worker added to the decode group addresses its leader and takes rank 4; a clash after a replica change is a warning on it', async ({ page }) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.locator('#builder-template').selectOption({ label: 'Multi-node disaggregated with frontend' });
  await page.locator('#builder-flavour').selectOption({ label: 'SGLang' });
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(notice(page)).toContainText('Loaded');

  const frame = await settled(node(page, 'group:decode'));
  await page.mouse.click(frame.x + 40, frame.y + 12);
  await expect(page.getByRole('heading', { name: 'Inspector · group decode', exact: true })).toBeVisible();
  await page.getByTestId('palette-decode-worker').focus();
  await page.keyboard.press('Enter');
  await expect(notice(page)).toHaveText(
    "Added clique decode-worker to decode; its SGLang wiring follows decode's: its leader address is dleader-0; its pods take node ranks from 4, after dleader, dworker's.",
  );
  await expect.poll(() => wiring(page, 'decode-worker')).toEqual({
    leader: '$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-dleader-0.$(GROVE_HEADLESS_SERVICE)',
    rank: '"$((GROVE_PCLQ_POD_INDEX + 4))"',
  });
  await expect(node(page, 'clique:decode-worker').getByTestId('node-findings')).toHaveCount(0);

  // dworker grows to 4 pods: its pod 3 takes rank 4 too.
  const dworker = await settled(node(page, 'clique:dworker'));
  await page.mouse.click(dworker.x + 40, dworker.y + 12);
  await expect(page.getByRole('heading', { name: 'Inspector · clique dworker', exact: true })).toBeVisible();
  const replicas = page.getByTestId('inspector').getByRole('textbox', { name: 'Replicas (pods)', exact: true });
  await replicas.fill('4');
  await replicas.press('Enter');
  await expect(node(page, 'clique:decode-worker').getByTestId('node-findings')).toHaveText('1 warning');
  const finding = page.getByTestId('builder-finding').filter({ hasText: "rank 4 is dworker-3's already" });
  await expect(finding).toHaveCount(1);
  await expect(finding.getByTestId('builder-finding-place')).toContainText('clique decode-worker');
  await expect(finding).toContainText('Its --node-rank could be "$((GROVE_PCLQ_POD_INDEX + 5))".');
});
