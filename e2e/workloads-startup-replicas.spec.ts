import { expect, test, type Page } from '@playwright/test';
import { contrastRatio } from '../lib/heatmap/colors';
import { applyStack, deleteStack, freePodSlots, uniqueName } from './support/gpuStacks';
import { collectErrors } from './support/page';

/**
 * Startup order holds per PodCliqueSet replica (API-NOTES §10): a stack of two replicas of which only
 * one fits (each needs more than half the GB200 pods free now, counted from the cluster stream) shows
 * the placed replica ready and the other blocked, per replica, not "blocked" for the whole template.
 */

const GB200 = 'NVIDIA-GB200';

/** Router, then `engines` 4-GPU engine pods once the router is ready; JSON, which is YAML too. */
function twoReplicaStack(name: string, engines: number): string {
  const podSpec = (container: string, resources: object, nodeSelector?: object) => ({ schedulerName: 'kai-scheduler', ...(nodeSelector ? { nodeSelector } : {}), containers: [{ name: container, image: 'busybox', resources }] });
  return JSON.stringify({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name, namespace: 'default', labels: { 'kai.scheduler/queue': 'default-queue' } },
    spec: {
      replicas: 2,
      template: {
        cliqueStartupType: 'CliqueStartupTypeExplicit',
        cliques: [
          { name: 'router', spec: { roleName: 'router', replicas: 1, minAvailable: 1, podSpec: podSpec('router', { requests: { cpu: '1' } }) } },
          { name: 'engine', spec: { roleName: 'engine', replicas: engines, minAvailable: engines, startsAfter: ['router'], podSpec: podSpec('engine', { limits: { 'nvidia.com/gpu': '4' } }, { 'nvidia.com/gpu.product': GB200 }) } },
        ],
      },
    },
  });
}

/** The colours as '#rrggbb', whatever CSS syntax the page computes them in (rgb, oklch…), through a canvas. */
function hexColours(page: Page, colours: string[]): Promise<string[]> {
  return page.evaluate((list) => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    return list.map((colour) => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, 1, 1);
      return `#${Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3), (v) => v.toString(16).padStart(2, '0')).join('')}`;
    });
  }, colours);
}

test('two PodCliqueSet replicas, one unschedulable: the startup order says ready in one replica and blocked in the other, in both themes', async ({ page, request }) => {
  // A gang of half the GB200 pods to place, beside the demo stacks.
  test.slow();
  const errors = collectErrors(page);
  const name = uniqueName('startup-replicas');
  await page.goto('/workloads');
  const free = await freePodSlots(page, GB200, 4);
  expect(free).toBeGreaterThan(1);
  const engines = Math.floor(free / 2) + 1;
  await applyStack(request, twoReplicaStack(name, engines));
  try {
    await page.goto(`/workloads/default/${name}`);
    const item = (clique: string) => page.locator(`[data-testid="startup-item"][data-clique="${clique}"]`);
    // Whichever replica the scheduler placed first is ready; the other's gang is unschedulable.
    const split = 'ready in replica (?<ready>[01]); blocked in replica (?!\\k<ready>)[01]';
    await expect(item('engine')).toHaveText(new RegExp(`^engine: ${split}, ${engines} of ${2 * engines} pods ready; startup gate: ${engines} ready pods in each replica; starts after router$`), { timeout: 30_000 });
    await expect(item('router')).toHaveText(new RegExp(`^router: ${split}, 1 of 2 pods ready; startup gate: 1 ready pod in each replica$`));

    // The graph: the breakdown on a line of its own, the node coloured for its blocked replica.
    const graph = page.getByTestId('startup-graph');
    const engine = graph.locator('g[data-clique="engine"]');
    await expect(engine).toHaveAttribute('data-progress', 'blocked');
    await expect(engine.getByTestId('startup-node-replicas')).toHaveText(new RegExp(`^${split}$`));
    await expect(engine.getByTestId('startup-node-text')).toHaveText(`${engines}/${2 * engines} ready · gate: ${engines} per replica`);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await expect(page.locator('html')).toHaveClass(colorScheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/);
      const pairs = await graph.locator('g[data-clique]').evaluateAll((groups) =>
        groups.flatMap((g) => Array.from(g.querySelectorAll('text'), (t) => [getComputedStyle(t).fill, getComputedStyle(g.querySelector('rect')!).fill])),
      );
      const hex = await hexColours(page, pairs.flat());
      for (let i = 0; i < pairs.length; i++) expect(contrastRatio(hex[2 * i]!, hex[2 * i + 1]!), `${colorScheme}: ${pairs[i]!.join(' on ')}`).toBeGreaterThanOrEqual(4.5);
    }
    // Every line fits inside its node.
    const overflow = await graph.evaluate((svg) =>
      [...svg.querySelectorAll('g[data-clique]')].flatMap((g) => {
        const box = Number(g.querySelector('rect')!.getAttribute('width'));
        return [...g.querySelectorAll('text')].filter((t) => 10 + (t as SVGTextElement).getComputedTextLength() > box).map((t) => t.textContent);
      }),
    );
    expect(overflow).toEqual([]);
  } finally {
    await deleteStack(request, name);
  }
  expect(errors).toEqual([]);
});
