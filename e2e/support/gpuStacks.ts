/** A stack of its own for a Playwright spec on the simulated demo: applied and deleted through the API, and the room its GPU pods have. */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { liveStreamSnapshot } from './stream';

/** What a pod or node of the cluster stream holds that these helpers read. */
export type StreamObject = {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { nodeName?: string; containers?: { resources?: { limits?: Record<string, string> } }[] };
  status?: { allocatable?: Record<string, string> };
};

const MUTATE = { 'X-Canopy-Request': '1' };

/** A name no other run of the spec has (specs share one simulated cluster per server). */
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 36).toString(36)}`;

export async function applyStack(request: APIRequestContext, yaml: string): Promise<void> {
  const response = await request.post('/api/apply', { data: yaml, headers: { ...MUTATE, 'content-type': 'application/yaml' } });
  expect(response.status(), await response.text()).toBe(200);
}

export async function deleteStack(request: APIRequestContext, name: string): Promise<void> {
  await request.post('/api/delete', { data: { kind: 'PodCliqueSet', namespace: 'default', name, dryRun: false }, headers: MUTATE });
}

/** The pods and nodes of the cluster stream now. `page` must be on the app. */
export async function streamPodsAndNodes(page: Page): Promise<{ pods: StreamObject[]; nodes: StreamObject[] }> {
  const snapshot = await liveStreamSnapshot(page);
  return { pods: (snapshot.kinds.Pod?.items ?? []) as unknown as StreamObject[], nodes: (snapshot.kinds.Node?.items ?? []) as unknown as StreamObject[] };
}

const gpusOf = (pod: StreamObject) => (pod.spec?.containers ?? []).reduce((n, c) => n + Number(c.resources?.limits?.['nvidia.com/gpu'] ?? 0), 0);

/** How many pods of `gpus` GPUs the nodes of GPU `product` still hold, from the cluster stream (not from constants). */
export async function freePodSlots(page: Page, product: string, gpus: number): Promise<number> {
  const { pods, nodes } = await streamPodsAndNodes(page);
  const used = new Map<string, number>();
  for (const p of pods) if (p.spec?.nodeName) used.set(p.spec.nodeName, (used.get(p.spec.nodeName) ?? 0) + gpusOf(p));
  return nodes
    .filter((n) => n.metadata.labels?.['nvidia.com/gpu.product'] === product)
    .reduce((sum, n) => sum + Math.floor(Math.max(0, Number(n.status?.allocatable?.['nvidia.com/gpu'] ?? 0) - (used.get(n.metadata.name) ?? 0)) / gpus), 0);
}
