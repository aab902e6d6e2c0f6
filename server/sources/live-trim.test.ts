/**
 * What the live source hands out is trimmed of what no view reads: a Node's status.images (large on
 * real GPU nodes) besides managedFields and last-applied; everything a view reads stays. Over a tiny
 * HTTP apiserver, for both a list and a watch event.
 */
import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeInfoFromNode } from '../../lib/topology/snapshot';
import { LiveSource, trimForViews } from './live';
import type { WatchEvent } from './types';

const images = Array.from({ length: 50 }, (_, i) => ({ names: [`nvcr.io/nvidia/image-${i}@sha256:${'0'.repeat(64)}`, `nvcr.io/nvidia/image-${i}:1.0`], sizeBytes: 1e9 + i }));
const gpuNode = (name: string, resourceVersion: string) => ({
  metadata: { name, resourceVersion, labels: { 'topology.kubernetes.io/rack': 'r1' }, managedFields: [{ manager: 'kubelet' }] },
  spec: { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
  status: {
    capacity: { 'nvidia.com/gpu': '8', cpu: '224', memory: '2Ti', pods: '110' },
    allocatable: { 'nvidia.com/gpu': '8', cpu: '220', memory: '2000Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
    nodeInfo: { kubeletVersion: 'v1.34.0' },
    images,
  },
});

let apiserver: http.Server;
let source: LiveSource;

beforeAll(async () => {
  apiserver = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.searchParams.get('watch')) {
      res.write(JSON.stringify({ type: 'MODIFIED', object: { kind: 'Node', apiVersion: 'v1', ...gpuNode('n1', '43') } }) + '\n');
      return; // held open until the client aborts
    }
    res.end(JSON.stringify({ kind: 'NodeList', metadata: { resourceVersion: '42' }, items: [gpuNode('n1', '41')] }));
  });
  await new Promise<void>((resolve) => apiserver.listen(0, '127.0.0.1', resolve));
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(apiserver.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  source = new LiveSource({ kubeConfig, info: { mode: 'live', name: 'ctx', server: 'http://127.0.0.1', namespace: 'default', readOnly: true } });
});
afterAll(async () => {
  await source.close();
  await new Promise<void>((resolve) => apiserver.close(() => resolve()));
});

/** What the views read of a Node must be the same with and without the trimmed fields. */
function expectTrimmedNode(node: unknown): void {
  const object = node as { metadata: Record<string, unknown>; status: Record<string, unknown> };
  expect(object.status).not.toHaveProperty('images');
  expect(object.metadata).not.toHaveProperty('managedFields');
  expect(object.status.nodeInfo).toEqual({ kubeletVersion: 'v1.34.0' });
  expect(nodeInfoFromNode(node)).toEqual(nodeInfoFromNode(gpuNode('n1', '41')));
}

describe('the live source trims what no view reads', () => {
  it("drops a Node's status.images from a list, keeping what the views read", async () => {
    const page = await source.list('Node', { limit: 500 });
    expect(page.items).toHaveLength(1);
    expectTrimmedNode(page.items[0]);
    expect(JSON.stringify(page.items[0]).length).toBeLessThan(JSON.stringify(gpuNode('n1', '41')).length / 5);
  });

  it("drops a Node's status.images from watch events", async () => {
    const events: WatchEvent[] = [];
    const handle = await source.watch('Node', '42', (event) => events.push(event), () => {});
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    handle.stop();
    expect(events.map((event) => event.type)).toEqual(['MODIFIED']);
    expectTrimmedNode(events[0]!.object);
  });

  it('leaves other kinds and image-less Nodes as they are (the same object when nothing is trimmed)', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, status: { images: 'not a node field', phase: 'Running' } };
    expect(trimForViews(pod)).toBe(pod);
    const bare = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { capacity: { cpu: '1' } } };
    expect(trimForViews(bare)).toBe(bare);
    const full = { apiVersion: 'v1', kind: 'Node', ...gpuNode('n1', '41') };
    const before = JSON.stringify(full);
    trimForViews(full);
    expect(JSON.stringify(full)).toBe(before);
  });
});
