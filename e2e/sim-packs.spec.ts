import { expect, test, type APIRequestContext } from '@playwright/test';

/**
 * The simulated scheduler keeps a running gang's new pods in the domains its running pods occupy, at
 * every required level, as KAI does: the reviewer's repro on the demo cluster, through the HTTP API
 * (apply, scale, snapshot, delete). The stack is deleted at the end, so other specs see the demo as it was.
 */

const HEADERS = { 'x-canopy-request': '1' };
const BLOCK = 'topology.kubernetes.io/block';

interface Obj {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** PodCliqueSet required block; scaling group `workers` required rack; clique prefill required host, 2 × 4 GPUs, minAvailable 1 — on GB200 (4-GPU hosts), so the two prefill pods can never share one. */
const repro = (name: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: ${name}
  namespace: default
  labels:
    kai.scheduler/queue: default-queue
spec:
  replicas: 1
  template:
    topologyConstraint:
      topologyName: demo
      pack:
        required: block
    cliques:
      - name: prefill
        topologyConstraint:
          pack:
            required: host
        spec:
          roleName: prefill
          replicas: 2
          minAvailable: 1
          podSpec:
            schedulerName: kai-scheduler
            nodeSelector:
              nvidia.com/gpu.product: NVIDIA-GB200
            containers:
              - name: engine
                image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0
                resources:
                  limits:
                    nvidia.com/gpu: "4"
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          podSpec:
            schedulerName: kai-scheduler
            nodeSelector:
              nvidia.com/gpu.product: NVIDIA-GB200
            containers:
              - name: engine
                image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0
                resources:
                  limits:
                    nvidia.com/gpu: "4"
    podCliqueScalingGroups:
      - name: workers
        cliqueNames: [worker]
        replicas: 1
        minAvailable: 1
        topologyConstraint:
          pack:
            required: rack
`;

async function snapshot(request: APIRequestContext): Promise<{ pods: Obj[]; blockOf: (node: string) => string }> {
  const response = await request.get('/api/snapshot', { headers: HEADERS });
  expect(response.ok(), await response.text()).toBe(true);
  const items = ((await response.json()) as { items: (Obj & { kind: string })[] }).items;
  const blocks = new Map(items.filter((o) => o.kind === 'Node').map((n) => [n.metadata.name, n.metadata.labels?.[BLOCK] ?? '']));
  return { pods: items.filter((o) => o.kind === 'Pod'), blockOf: (node) => blocks.get(node) ?? '' };
}

const unschedulable = (p: Obj) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')?.message;

async function post(request: APIRequestContext, path: string, data: string | object, contentType: string): Promise<void> {
  const response = await request.post(path, { headers: { ...HEADERS, 'content-type': contentType }, data });
  expect(response.status(), await response.text()).toBe(200);
}

test('a running gang’s new pods join its block, its scaling group’s rack and its clique’s host, or stay Pending saying which', async ({ request }) => {
  test.setTimeout(90_000);
  const name = `simpacks-${Date.now().toString(36)}`;
  await post(request, '/api/apply', repro(name), 'application/yaml');
  try {
    /** Waits until each of the `count` pods of `gang` is bound or Pending to join a running domain, then returns them. */
    const settled = async (gang: string, count: number) => {
      let last: Obj[] = [];
      await expect
        .poll(
          async () => {
            const { pods } = await snapshot(request);
            last = pods.filter((p) => p.metadata.labels?.['grove.io/podgang'] === gang);
            return last.length === count && last.every((p) => p.spec?.nodeName || unschedulable(p)?.startsWith('must join '));
          },
          { timeout: 40_000 },
        )
        .toBe(true);
      return last;
    };
    const prefillOf = async (replica: number) => {
      const pods = await settled(`${name}-${replica}`, 4);
      const prefill = pods.filter((p) => p.metadata.labels?.['grove.io/podclique'] === `${name}-${replica}-prefill`);
      const bound = prefill.filter((p) => p.spec?.nodeName);
      expect(bound).toHaveLength(1);
      const host = bound[0]!.spec!.nodeName!;
      // The second prefill pod is not put on another host: it waits to join its sibling's.
      expect(prefill.filter((p) => !p.spec?.nodeName).map(unschedulable)).toEqual([`must join host ${host} where ${name}-${replica}-prefill runs (required host); ${host} has 0 free GPUs`]);
      return pods;
    };
    await prefillOf(0);

    await post(request, '/api/scale', { kind: 'PodCliqueScalingGroup', namespace: 'default', name: `${name}-0-workers`, replicas: 2, dryRun: false }, 'application/json');
    const scaled = await settled(`${name}-0-workers-0`, 2);
    expect(scaled.every((p) => p.spec?.nodeName)).toBe(true);
    await post(request, '/api/scale', { kind: 'PodCliqueSet', namespace: 'default', name, replicas: 2, dryRun: false }, 'application/json');
    await prefillOf(1);

    // Every gang of the stack sits in one block.
    const { pods, blockOf } = await snapshot(request);
    const gangs = new Map<string, Set<string>>();
    for (const p of pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/part-of'] === name && p.spec?.nodeName)) {
      const gang = p.metadata.labels!['grove.io/podgang']!;
      gangs.set(gang, (gangs.get(gang) ?? new Set()).add(blockOf(p.spec!.nodeName!)));
    }
    expect([...gangs.keys()].sort()).toEqual([`${name}-0`, `${name}-0-workers-0`, `${name}-1`]);
    for (const [gang, blocks] of gangs) expect([gang, blocks.size]).toEqual([gang, 1]);
  } finally {
    await request.post('/api/delete', { headers: { ...HEADERS, 'content-type': 'application/json' }, data: { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false } });
  }
});
