import { expect, test } from '@playwright/test';
import { pasteIntoEditor } from './support/page';

/**
 * A scaling group packed broader than its stack (binding "demo": zone > block > rack > host): Grove's
 * webhook refuses the stack's topologyConstraint, so the builder lists the finding there and the
 * inspector shows it on the stack's topology fields, not on the group's.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

/** The stack packs at rack, its only group at block (broader). */
const BROADER_GROUP = [
  'apiVersion: grove.io/v1alpha1',
  'kind: PodCliqueSet',
  'metadata: {name: packed, labels: {kai.scheduler/queue: team}}',
  'spec:',
  '  template:',
  '    topologyConstraint: {topologyName: demo, pack: {required: rack}}',
  '    podCliqueScalingGroups: [{name: inst, cliqueNames: [lead], replicas: 1, topologyConstraint: {pack: {required: block}}}]',
  '    cliques:',
  '      - name: lead',
  '        spec: {roleName: lead, replicas: 1, podSpec: {schedulerName: kai-scheduler, containers: [{name: app, image: busybox}]}}',
  '  replicas: 1',
  '',
].join('\n');

const GROVE_WORDS = "PodCliqueSet topology constraint domain 'rack' is narrower than PodCliqueScalingGroup 'inst' topology constraint domain 'block'";

test("a group packed broader than the stack is the stack's finding, shown on the stack's topology fields", async ({ page }) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await pasteIntoEditor(page.locator('.cm-content'), BROADER_GROUP);
  await expect(page.getByTestId('clique-lead')).toBeVisible();

  const finding = page.locator('[data-testid="builder-finding"][data-rule="topology.narrowerThanParent"]');
  await expect(finding).toHaveCount(1);
  await expect(finding.getByTestId('builder-finding-path')).toHaveText('spec.template.topologyConstraint');
  await expect(finding).toContainText(GROVE_WORDS);

  await finding.click();
  const inspector = page.getByTestId('inspector');
  await expect(page.getByRole('heading', { name: 'Inspector · stack', exact: true })).toBeVisible();
  await expect(inspector.getByRole('group', { name: 'Topology (per stack replica)' }).getByTestId('field-findings')).toContainText(GROVE_WORDS);

  const box = (await page.getByTestId('group-inst').boundingBox())!;
  await page.mouse.click(box.x + 40, box.y + 12);
  await expect(page.getByRole('heading', { name: 'Inspector · group inst', exact: true })).toBeVisible();
  await expect(inspector.getByTestId('field-findings').filter({ hasText: 'narrower' })).toHaveCount(0);
});
