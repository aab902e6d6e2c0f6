import { expect, test, type Page } from '@playwright/test';
import { pasteIntoEditor } from './support/page';

/**
 * The builder's inspector on the simulated demo cluster (binding "demo": zone > block > rack > host):
 * pack levels a parent constraint rules out are offered disabled with the reason, and each finding
 * names its field by JSON path.
 */

test.use({ viewport: { width: 1680, height: 1000 } });
test.describe.configure({ timeout: 60_000 });

const STACK = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: packed
  labels: {kai.scheduler/queue: team}
spec:
  replicas: 1
  template:
    topologyConstraint: {topologyName: demo, pack: {required: block}}
    cliques:
      - name: lead
        spec: {roleName: lead, replicas: 1, podSpec: {schedulerName: kai-scheduler, containers: [{name: app, image: busybox}]}}
      - name: work
        spec: {roleName: work, replicas: "2", podSpec: {schedulerName: kai-scheduler, containers: [{name: app, image: busybox}]}}
    podCliqueScalingGroups:
      - name: inst
        cliqueNames: [lead, work]
        replicas: 1
        topologyConstraint: {pack: {required: rack}}
`;

async function open(page: Page): Promise<void> {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await pasteIntoEditor(page.locator('.cm-content'), STACK);
  await expect(page.getByTestId('clique-work')).toBeVisible();
}

async function select(page: Page, testId: string, heading: string): Promise<void> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.click(box.x + 40, box.y + 12);
  await expect(page.getByRole('heading', { name: `Inspector · ${heading}`, exact: true })).toBeVisible();
}

test('pack levels broader than a parent constraint are disabled and say why', async ({ page }) => {
  await open(page);
  await select(page, 'clique-lead', 'clique lead');
  const required = page.getByTestId('inspector').getByRole('combobox', { name: 'Pack required', exact: true });
  // The group packs at rack and the stack at block: zone and block are broader than rack.
  await expect(required.locator('option[value="zone"]')).toBeDisabled();
  await expect(required.locator('option[value="zone"]')).toHaveText("zone — broader than group inst's required rack");
  await expect(required.locator('option[value="block"]')).toBeDisabled();
  await expect(required.locator('option[value="rack"]')).toBeEnabled();
  await expect(required.locator('option[value="host"]')).toBeEnabled();
  await required.selectOption('host');
  await expect(page.locator('.cm-content')).toContainText('required: host');

  // The group only has the stack above it.
  await select(page, 'group-inst', 'group inst');
  const groupRequired = page.getByTestId('inspector').getByRole('combobox', { name: 'Pack required', exact: true });
  await expect(groupRequired.locator('option[value="zone"]')).toHaveText("zone — broader than the stack's required block");
  await expect(groupRequired.locator('option[value="block"]')).toBeEnabled();
});

test('a finding names its field by JSON path', async ({ page }) => {
  await open(page);
  const finding = page.getByTestId('builder-finding').filter({ hasText: 'integer' });
  await expect(finding.getByTestId('builder-finding-path')).toHaveText('spec.template.cliques[1].spec.replicas');
});

test('a ClusterTopologyBinding in the same file is offered in the topology choices', async ({ page }) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  const binding = `apiVersion: grove.io/v1alpha1
kind: ClusterTopologyBinding
metadata: {name: gb200}
spec:
  levels: [{domain: zone, key: topology.kubernetes.io/zone}, {domain: rack, key: example.com/rack}]
---
`;
  await pasteIntoEditor(page.locator('.cm-content'), binding + STACK.replace('topologyName: demo', 'topologyName: gb200'));
  await expect(page.getByTestId('clique-work')).toBeVisible();
  await select(page, 'group-inst', 'group inst');
  const topology = page.getByTestId('inspector').getByRole('combobox', { name: 'Topology (ClusterTopologyBinding)', exact: true });
  await expect(topology.locator('option[value="gb200"]')).toHaveCount(1);
  await expect(topology.locator('option[value="demo"]')).toHaveCount(1);
});

test('renaming a clique rewrites the env values that address its pods, and says so', async ({ page }) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  const withAddress = STACK.replace(
    '{name: app, image: busybox}]}}\n    podCliqueScalingGroups',
    '{name: app, image: busybox, env: [{name: LEADER_ADDR, value: "$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-lead-0.$(GROVE_HEADLESS_SERVICE)"}]}]}}\n    podCliqueScalingGroups',
  );
  expect(withAddress).toContain('LEADER_ADDR');
  await pasteIntoEditor(page.locator('.cm-content'), withAddress);
  await expect(page.getByTestId('clique-work')).toBeVisible();
  await select(page, 'clique-lead', 'clique lead');
  const name = page.getByTestId('inspector').getByRole('textbox', { name: 'Name', exact: true });
  await name.fill('leader');
  await name.press('Enter');
  await expect(page.getByTestId('clique-leader')).toBeVisible();
  await expect(page.getByTestId('builder-notice')).toHaveText("lead renamed to leader; its pods' addresses updated in work's LEADER_ADDR.");
  await expect(page.locator('.cm-content')).toContainText('$(GROVE_PCSG_INDEX)-leader-0.');
});

test('renaming a scaling group rewrites written-out pod addresses of its members, and says so', async ({ page }) => {
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  const withHost = STACK.replace(
    '{name: app, image: busybox}]}}\n    podCliqueScalingGroups',
    '{name: app, image: busybox, env: [{name: LEADER_ADDR, value: "packed-0-inst-0-lead-0.packed-0"}]}]}}\n    podCliqueScalingGroups',
  );
  expect(withHost).toContain('LEADER_ADDR');
  await pasteIntoEditor(page.locator('.cm-content'), withHost);
  await expect(page.getByTestId('clique-work')).toBeVisible();
  await select(page, 'group-inst', 'group inst');
  const name = page.getByTestId('inspector').getByRole('textbox', { name: 'Name', exact: true });
  await name.fill('grp');
  await name.press('Enter');
  await expect(page.getByTestId('group-grp')).toBeVisible();
  await expect(page.getByTestId('builder-notice')).toHaveText("inst renamed to grp; its pods' addresses updated in work's LEADER_ADDR.");
  await expect(page.locator('.cm-content')).toContainText('packed-0-grp-0-lead-0.packed-0');
});
