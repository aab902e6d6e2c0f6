import { expect, test, type APIRequestContext } from '@playwright/test';
import { applyStack, deleteStack, uniqueName } from './support/gpuStacks';
import { gpuStack } from './support/manifests';

/**
 * A preview shows where the pods then land: on the simulated demo, the placement /api/preview gives a
 * rack-packed stack is the one the simulated scheduler binds once it is applied, pod by pod (matched by
 * PodClique and pod index). The reviewer's case: 8 pods × 4 GB200 GPUs in one rack were previewed on
 * r1-n10…n17 and bound on r1-n4…n11, because the scheduler read its nodes in creation order and the
 * preview in list order. The stack is deleted at the end, so other specs see the demo as it was.
 */

const HEADERS = { 'x-canopy-request': '1' };

interface Preview {
  plan: { feasible: boolean; gangs: { name: string; placed: boolean; pods: { name: string; node: string }[] }[] };
  gangs: { podGroups: { pods: { name: string; podClique: string; podIndex: number }[] }[] }[];
}

interface Pod {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { nodeName?: string };
}

async function preview(request: APIRequestContext, manifest: string): Promise<Preview> {
  const response = await request.post('/api/preview', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { manifest } });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as Preview;
}

async function podsOf(request: APIRequestContext, stack: string): Promise<Pod[]> {
  const response = await request.get('/api/snapshot', { headers: HEADERS });
  expect(response.ok(), await response.text()).toBe(true);
  const items = ((await response.json()) as { items: Pod[] }).items;
  return items.filter((o) => o.kind === 'Pod' && o.metadata.labels?.['app.kubernetes.io/part-of'] === stack);
}

test('a rack-packed stack lands on the nodes its preview planned, pod by pod', async ({ request }) => {
  const name = uniqueName('lands');
  const manifest = gpuStack(name, { clique: 'worker', replicas: 8, minAvailable: 8, gpus: 4, product: 'NVIDIA-GB200', pack: 'rack' });

  const planned = await preview(request, manifest);
  expect(planned.plan.feasible).toBe(true);
  const expanded = new Map(planned.gangs.flatMap((g) => g.podGroups.flatMap((pg) => pg.pods)).map((p) => [p.name, p]));
  const want = Object.fromEntries(
    planned.plan.gangs.flatMap((g) =>
      g.pods.map((p) => {
        const pod = expanded.get(p.name)!;
        return [`${pod.podClique}/${pod.podIndex}`, p.node];
      }),
    ),
  );
  expect(Object.keys(want)).toHaveLength(8);

  await applyStack(request, manifest);
  try {
    let landed: Record<string, string | undefined> = {};
    await expect
      .poll(
        async () => {
          const pods = await podsOf(request, name);
          landed = Object.fromEntries(pods.map((p) => [`${p.metadata.labels?.['grove.io/podclique']}/${p.metadata.labels?.['grove.io/podclique-pod-index']}`, p.spec?.nodeName]));
          return pods.length === 8 && pods.every((p) => p.spec?.nodeName);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(landed).toEqual(want);
  } finally {
    await deleteStack(request, name);
  }
});
