/**
 * A snapshot's item order does not change the plan: placement breaks ties by input order, so the
 * snapshot reader lists Nodes, Pods and bindings in key order (an apiserver's list order), whatever
 * order the file holds them in. Then `canopy place` on a hand-made or reordered file plans as the
 * server's preview and the simulated scheduler do on the same cluster.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_PODCLIQUE, LABEL_PODCLIQUE_POD_INDEX } from '../grove/labels';
import { expandPodCliqueSet } from '../grove/expand-objects';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { placeGangs } from '../placement/place';
import { previewApply } from '../placement/preview';
import { clusterStateFromSnapshot, kubeList, parseClusterSnapshot, snapshotFromTopologySpec } from './snapshot';
import { HOSTNAME_LABEL, type TopologySpec } from './spec';

/** 2 zones × 2 racks × 12 nodes × 8 GPUs: more than 10 nodes a rack, so the spec's order (n0, n1, n2, …) is not key order (n0, n1, n10, …). */
const TOPOLOGY: TopologySpec = {
  name: 'order-test',
  clusterUUID: '3d1e5c7a-9b2f-4e60-8a41-c0ffee000001',
  levels: [
    { domain: 'zone', key: 'topology.kubernetes.io/zone', fanOut: 2, valuePrefix: 'z' },
    { domain: 'rack', key: 'topology.kubernetes.io/rack', fanOut: 2, valuePrefix: 'r' },
    { domain: 'host', key: HOSTNAME_LABEL, fanOut: 12, valuePrefix: 'n' },
  ],
  nvlinkDomain: 'rack',
  gpuProduct: 'NVIDIA-GB200',
  gpusPerNode: 8,
  nodeResources: { cpu: '128', memory: '1Ti', pods: 110 },
  nodeNamePrefix: 'gpu-',
};

/** `workers` pods of 8 GPUs on kai-scheduler, required in one rack (or unconstrained), as `replicas` gangs. */
function stack(name: string, o: { replicas: number; workers: number; required?: string }): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name, namespace: 'ns', labels: { 'kai.scheduler/queue': 'default-queue' } },
    spec: {
      replicas: o.replicas,
      template: {
        ...(o.required ? { topologyConstraint: { topologyName: TOPOLOGY.name, pack: { required: o.required } } } : {}),
        cliques: [
          {
            name: 'worker',
            spec: {
              roleName: 'worker',
              replicas: o.workers,
              podSpec: { schedulerName: 'kai-scheduler', containers: [{ name: 'engine', image: 'registry.invalid/engine:test', resources: { limits: { 'nvidia.com/gpu': '8' } } }] },
            },
          },
        ],
      },
    },
  } as PodCliqueSet;
}

/**
 * Pod objects of `pcs` running where placement puts them on `spec`'s empty cluster, named as the
 * operator names them (a random suffix), so an apply of the stack keeps them.
 */
function runningPods(pcs: PodCliqueSet): unknown[] {
  const expanded = expandPodCliqueSet(pcs);
  const plan = placeGangs(clusterStateFromSnapshot(snapshotFromTopologySpec(TOPOLOGY)), expanded.gangs);
  expect(plan.feasible).toBe(true);
  const nodeOf = new Map(plan.gangs.flatMap((g) => g.pods.map((p) => [p.name, p.node] as const)));
  return expanded.gangs.flatMap((g) =>
    g.podGroups.flatMap((pg) =>
      pg.pods.map((p) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${p.labels[LABEL_PODCLIQUE]}-${p.labels[LABEL_PODCLIQUE_POD_INDEX]}x7q2`, namespace: p.namespace, labels: p.labels },
        spec: { nodeName: nodeOf.get(p.name), containers: [{ name: 'engine', resources: { requests: { 'nvidia.com/gpu': '8' } } }] },
        status: { phase: 'Running' },
      })),
    ),
  );
}

/** A pod outside any stack holding 4 GPUs of a node. */
const loose = (name: string, node: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'other' },
  spec: { nodeName: node, containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '4' } } }] },
  status: { phase: 'Running' },
});

const ITEMS: readonly unknown[] = snapshotFromTopologySpec(TOPOLOGY, [
  ...runningPods(stack('serve', { replicas: 1, workers: 3, required: 'rack' })),
  loose('busy-b', 'gpu-z1-r0-n11'),
  loose('busy-a', 'gpu-z0-r1-n2'),
]).items;

/** What is asked of the cluster: one more replica of the running stack, and two new stacks (one with no constraint, so every node ties). */
const STACKS = [stack('serve', { replicas: 2, workers: 3, required: 'rack' }), stack('rack-packed', { replicas: 1, workers: 5, required: 'rack' }), stack('anywhere', { replicas: 1, workers: 4 })];

function read(items: readonly unknown[]) {
  const parsed = parseClusterSnapshot(kubeList(items));
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.state;
}

const inCodeUnitOrder = (keys: string[]) => [...keys].sort();

describe('the snapshot reader lists the cluster in key order', () => {
  it('nodes by name, pods by namespace/name, bindings by name: the order an apiserver lists them in, not the file’s', () => {
    const state = read([...ITEMS].reverse());
    const names = state.nodes.map((n) => n.name);
    expect(names).toEqual(inCodeUnitOrder(names));
    // Key order, not natural order: n10 before n2, as the apiserver (and the simulated scheduler) list them.
    expect(names.indexOf('gpu-z0-r0-n10')).toBeLessThan(names.indexOf('gpu-z0-r0-n2'));
    const pods = state.pods.map((p) => `${p.namespace}/${p.name}`);
    expect(pods).toEqual(inCodeUnitOrder(pods));
    expect(pods.slice(0, 3)).toEqual(['ns/serve-0-worker-0x7q2', 'ns/serve-0-worker-1x7q2', 'ns/serve-0-worker-2x7q2']);
  });

  it('any order of the same items reads as the same ClusterState and gets the same plan, pod by pod', () => {
    const forward = read(ITEMS);
    const planned = previewApply(forward, STACKS);
    // Not vacuous: the running gang is kept and the new gangs are placed.
    expect(planned.plan.feasible).toBe(true);
    expect(planned.running.map((g) => g.name)).toEqual(['serve-0']);
    expect(planned.plan.gangs.map((g) => g.name)).toEqual(['serve-1', 'rack-packed-0', 'anywhere-0']);
    fc.assert(
      fc.property(fc.shuffledSubarray([...ITEMS], { minLength: ITEMS.length, maxLength: ITEMS.length }), (shuffled) => {
        const state = read(shuffled);
        expect(state).toEqual(forward);
        expect(previewApply(state, STACKS)).toEqual(planned);
      }),
      { numRuns: 40 },
    );
  });

  it('a reversed file plans as the forward one (the case that differed: every node ties for an unconstrained stack)', () => {
    const plan = (items: readonly unknown[]) => previewApply(read(items), STACKS).plan.gangs.map((g) => ({ gang: g.name, pods: g.pods.map((p) => [p.name, p.node]) }));
    expect(plan([...ITEMS].reverse())).toEqual(plan(ITEMS));
  });
});
