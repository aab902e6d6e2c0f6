/**
 * The Builder's Apply panel against the simulated cluster: a 409 after a scale (the simulated
 * apiserver keeps server-side apply's field ownership) resolved by a dry run with force, whose
 * diff alone offers the apply with force, after a confirm; an unknown field refused with its path;
 * and, with the route's answer stood in for (the simulated dry run catches what its real apply would
 * refuse), a multi-document apply refused part-way and a 403 on a bundled Namespace.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { smallStack } from './support/stack';

const HEADERS = { 'X-Canopy-Request': '1' };


const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

async function post(request: APIRequestContext, route: string, data: unknown, contentType: string): Promise<void> {
  const response = await request.post(route, { headers: { ...HEADERS, 'content-type': contentType }, data });
  expect(response.status(), await response.text()).toBe(200);
}

/** The Builder with `manifest` loaded from a file, and its Apply panel open. */
async function openApply(page: Page, manifest: string, file: string) {
  writeFileSync(file, manifest);
  await page.goto('/builder');
  await expect(page.getByTestId('builder')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.getByTestId('builder-file-input').setInputFiles(file);
  await expect(page.getByTestId('builder-notice')).toContainText(`Loaded ${path.basename(file)}`);
  await page.getByRole('button', { name: 'Apply…' }).click();
  return page.getByTestId('apply-panel');
}

test('a 409 after a scale lists the field and its manager; force applies only from the diff of a dry run with force, after a confirm', async ({ page, request }) => {
  const name = unique('infer');
  const manifest = smallStack('team-a', name, 1);
  await post(request, '/api/apply', manifest, 'application/yaml');
  await post(request, '/api/scale', { kind: 'PodCliqueSet', namespace: 'team-a', name, replicas: 2, dryRun: false }, 'application/json');
  // Whether the scale still owns spec.replicas: a plain dry run of the manifest conflicts (409) until a forced apply takes it over.
  const plainDryRun = async () => (await request.post('/api/apply?dryRun=true', { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: manifest })).status();

  const apply = await openApply(page, manifest, test.info().outputPath('infer.yaml'));
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  const conflicts = apply.getByTestId('apply-conflicts');
  await expect(conflicts.getByRole('row', { name: /spec\.replicas/ })).toContainText('"canopy" with subresource "scale"');
  // Not a silent scale-down: no diff, Apply disabled with the way out named.
  await expect(apply.getByTestId('apply-results')).toHaveCount(0);
  await expect(apply.getByTestId('apply-confirm')).toBeDisabled();
  // The field, its value on the cluster and in the YAML, who set it in words; for replicas a scale set, leaving them out.
  await expect(conflicts.getByRole('row', { name: /spec\.replicas/ }).getByRole('cell')).toHaveText(['spec.replicas', '2', '1', 'Canopy\'s Scale ("canopy" with subresource "scale" using grove.io/v1alpha1)']);
  await expect(apply.getByTestId('apply-blocked')).toContainText("spec.replicas is 2 on the cluster (set by Canopy's Scale), your YAML says 1.");
  await expect(apply.getByTestId('apply-blocked')).toContainText('leave spec.replicas out of your YAML to keep 2, or change the count with Scale, then run the dry run again');
  await expect(apply.getByTestId('apply-blocked')).toContainText('take ownership (force) below');
  await expect(apply.getByTestId('apply-blocked')).not.toContainText('another field manager');
  // The 409 offers no apply with force: only the dry run with force.
  await expect(apply.getByTestId('apply-force')).toHaveCount(0);

  await conflicts.getByRole('button', { name: 'Take ownership: dry run with force' }).press('Enter');
  // The forced dry run's diff: what a forced apply changes, and whose fields it takes over; nothing applied yet.
  await expect(apply.getByTestId('apply-force-diff')).toContainText('takes ownership of spec.replicas (last set by "canopy" with subresource "scale"');
  await expect(apply.getByTestId('apply-results').getByRole('row', { name: /^spec\.replicas / }).getByRole('cell')).toHaveText(['spec.replicas', '2', '1']);
  // What the scale-down does to the pods, before it is confirmed.
  await expect(apply.getByTestId('apply-pods-removed')).toHaveText(`Applying it scales team-a/${name} from 2 to 1 replica and removes 1 pod (2 → 1).`);
  expect(await plainDryRun()).toBe(409);
  const applyButton = apply.getByTestId('apply-confirm');
  await expect(applyButton).toHaveText('Apply with force…');
  await expect(applyButton).toBeFocused();

  await page.keyboard.press('Enter');
  const confirm = apply.getByTestId('apply-force-confirm');
  await expect(confirm).toContainText('moves these fields to Canopy\'s apply: spec.replicas (last set by "canopy" with subresource "scale"');
  await expect(apply.getByTestId('apply-force-kubectl')).toHaveText('kubectl apply --server-side --force-conflicts --field-manager=canopy -f manifest.yaml');
  await expect(apply.getByTestId('apply-force')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(apply.getByTestId('apply-results')).toContainText(`PodCliqueSet team-a/${name}: applied`);

  // Canopy's apply owns spec.replicas again: the same manifest dry-runs as unchanged.
  const again = await request.post('/api/apply?dryRun=true', { headers: { ...HEADERS, 'content-type': 'application/yaml' }, data: manifest });
  expect(((await again.json()) as { results: { unchanged: boolean }[] }).results[0]?.unchanged).toBe(true);
  await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'team-a', name, dryRun: false } });
});

test('an unknown field is refused by the dry run, its path shown once', async ({ page }) => {
  const apply = await openApply(page, smallStack('team-a', unique('typo'), 1, '\n    bogusField: 1'), test.info().outputPath('typo.yaml'));
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  const failure = apply.getByTestId('apply-failure');
  await expect(failure.getByRole('listitem')).toHaveText('spec.template.bogusField: field not declared in schema');
  expect((await failure.innerText()).match(/field not declared in schema/g)).toHaveLength(1);
  // The builder's validator has it as an error too (lib/grove/schema.ts), so Apply names that first.
  await expect(apply.getByTestId('apply-blocked')).toHaveText('Fix the 1 error(s) first.');
});

test("an unknown field in a clique: the lead line ends at the apiserver's words, no dangling ': .'", async ({ page }) => {
  const name = unique('typo');
  const apply = await openApply(page, smallStack('team-a', name, 1).replace('          minAvailable: 1\n', '          minAvailable: 1\n          bogusField: 1\n'), test.info().outputPath('typo-clique.yaml'));
  // The builder flags it before the cluster is asked (lib/grove's schema: an error, as Canopy's apply refuses it).
  await expect(page.locator('[data-testid="builder-finding"][data-rule="schema.unknownField"][data-severity="error"]')).toContainText('unknown field "bogusField"');
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  const failure = apply.getByTestId('apply-failure');
  await expect(failure.getByRole('listitem')).toHaveText('spec.template.cliques[name="engine"].spec.bogusField: field not declared in schema');
  await expect(failure.locator('p', { hasText: 'failed to create typed patch object' })).toHaveText(`failed to create typed patch object (team-a/${name}; grove.io/v1alpha1, Kind=PodCliqueSet)`);
  expect(await failure.innerText()).not.toContain(': .');
  await expect(apply.getByTestId('apply-blocked')).toHaveText('Fix the 1 error(s) first.');
});

test('an Apply refused part-way says what it created, what was refused and what was not attempted', async ({ page }) => {
  const namespace = unique('partial');
  const manifest = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`, smallStack(namespace, 'disagg', 5)].join('---\n');
  const refusal = 'ValidatingAdmissionPolicy \'max-pcs-replicas\' with binding \'max-pcs-replicas\' denied request: at most 3 replicas per PodCliqueSet in this cluster';
  // The real apply as a cluster with such a policy answers it (e2e/cluster/apply-partial.test.ts); the dry run is the simulated one's.
  await page.route('**/api/apply', (route) =>
    new URL(route.request().url()).searchParams.get('dryRun') === 'true'
      ? route.fallback()
      : route.fulfill({
          status: 422,
          json: {
            error: {
              status: 422,
              reason: 'Invalid',
              message: refusal,
              document: 1,
              object: { document: 1, kind: 'PodCliqueSet', namespace, name: 'disagg' },
              progress: { applied: [{ document: 0, kind: 'Namespace', name: namespace, outcome: 'created' }], notAttempted: [{ document: 2, kind: 'PodCliqueSet', namespace, name: 'after' }] },
            },
          },
        }),
  );
  const apply = await openApply(page, manifest, test.info().outputPath('partial.yaml'));
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await expect(apply.getByTestId('apply-results')).toContainText(`Namespace ${namespace}: would be created`);
  await apply.getByTestId('apply-confirm').click();

  await expect(apply.getByTestId('apply-progress').getByRole('listitem')).toHaveText([
    `Namespace ${namespace}: created`,
    `PodCliqueSet ${namespace}/disagg: refused — ${refusal}`,
    `PodCliqueSet ${namespace}/after: not attempted`,
  ]);
  expect((await apply.innerText()).split('at most 3 replicas').length - 1).toBe(1);
  await expect(apply.getByTestId('apply-blocked')).toContainText('Apply stopped part-way: what it applied stays applied.');
  await expect(apply).not.toContainText('Run the dry run first');
});

test('a 403 on a bundled Namespace names the document and says it may be removed', async ({ page }) => {
  const namespace = unique('nsdoc');
  const manifest = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`, smallStack(namespace, 'infer', 1)].join('---\n');
  const message = `namespaces "${namespace}" is forbidden: User "dev" cannot get resource "namespaces" in API group "" in the namespace "${namespace}"`;
  await page.route('**/api/apply**', (route) =>
    route.fulfill({ status: 403, json: { error: { status: 403, reason: 'Forbidden', message, document: 0, object: { document: 0, kind: 'Namespace', name: namespace } } } }),
  );
  const apply = await openApply(page, manifest, test.info().outputPath('nsdoc.yaml'));
  await apply.getByRole('button', { name: 'Dry run (diff)' }).click();
  await expect(apply.getByTestId('apply-failed-document')).toHaveText(`The dry run was refused: document 1 (Namespace ${namespace})`);
  await expect(apply.getByTestId('apply-failure')).toContainText(message);
  await expect(apply.getByTestId('apply-hint')).toHaveText(`You may not create or read Namespaces. If namespace ${namespace} exists already, remove document 1 (Namespace ${namespace}) from the manifest and apply the rest.`);
});
