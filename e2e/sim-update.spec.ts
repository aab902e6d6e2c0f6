import { expect, test, type APIRequestContext } from '@playwright/test';
import { collectErrors } from './support/page';

/**
 * A template change on a running stack, as Grove rolls it out (RollingRecreate, one PodCliqueSet
 * replica at a time) in the simulated cluster, and as /workloads reads it: "Updating: N of M replicas
 * updated" while it runs, Healthy once Grove ends it. The spec brings its own small CPU-only stack and
 * deletes it, so the demo stacks other specs read stay as they were.
 */
const HEADERS = { 'X-Canopy-Request': '1' };

const stack = (name: string, image: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 2
  template:
    cliques:
      - name: web
        spec:
          roleName: web
          replicas: 2
          minAvailable: 1
          podSpec:
            containers: [{name: web, image: ${image}, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
`;

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 36).toString(36)}`;

async function apply(request: APIRequestContext, yaml: string): Promise<void> {
  const response = await request.post('/api/apply', { data: yaml, headers: { ...HEADERS, 'content-type': 'application/yaml' } });
  expect(response.status(), await response.text()).toBe(200);
}

test('a changed image on a running stack reads Updating replica by replica on /workloads, then Healthy', async ({ page, request }) => {
  test.slow();
  const errors = collectErrors(page);
  const name = unique('simupd');
  await apply(request, stack(name, 'registry.invalid/web:1'));
  try {
    await page.goto('/workloads');
    const row = page.locator(`[data-testid="workload-row"][data-name="${name}"]`);
    const badge = row.locator('[data-health]');
    await expect(badge).toHaveAttribute('data-health', 'healthy', { timeout: 30_000 });

    await apply(request, stack(name, 'registry.invalid/web:2'));
    const summary = row.getByTestId('health-summary');
    // Replica 0 first, then replica 1 (Grove's order when every replica runs: by index).
    await expect(summary).toHaveText(/^Updating(?: for \d+s)?: 0 of 2 replicas updated; replica 0 being updated/, { timeout: 20_000 });
    await expect(summary).toHaveAttribute('data-severity', 'info');
    await expect(badge).toHaveAttribute('data-health', 'progressing');
    await expect(summary).toHaveText(/^Updating(?: for \d+s)?: 1 of 2 replicas updated; replica 1 being updated/, { timeout: 60_000 });
    await expect(badge).toHaveAttribute('data-health', 'healthy', { timeout: 60_000 });
    await expect(row.getByTestId('pod-count')).toHaveText('4/4 ready');
    await expect(row.getByTestId('health-summary')).toHaveCount(0);
  } finally {
    await request.post('/api/delete', { data: { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false }, headers: { ...HEADERS, 'content-type': 'application/json' } });
  }
  expect(errors).toEqual([]);
});
