/**
 * workloadPlacement on a busy cluster: what it reads from the nodes and the binding alone (the
 * topology tree, the domains' names) is built once per nodes array and binding, so a pod event anywhere
 * in the cluster does not rebuild it; the free GPUs it shows are still the full topology tree's.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterState, NodeInfo, PodInfo, TopologyInfo } from '../cluster/state';
import type { PodCliqueSet } from '../grove/podcliqueset';
import { boundPod } from '../placement/testkit';
import { demoSnapshot, demoStacks } from '../topology/demo';
import { clusterStateFromSnapshot } from '../topology/snapshot';
import { buildTopologyTree } from '../topology/tree';
import { nodeTopology, workloadPlacement, type WorkloadPlacement } from './placement';
import { stackObjects } from './testkit';
import { buildWorkloadTree } from './tree';

// The real tree, counted: how often workloadPlacement builds one.
vi.mock('../topology/tree', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../topology/tree')>();
  return { ...actual, buildTopologyTree: vi.fn(actual.buildTopologyTree) };
});
const treeBuilds = () => vi.mocked(buildTopologyTree).mock.calls.length;

const [, , agg] = demoStacks() as [PodCliqueSet, PodCliqueSet, PodCliqueSet];

/** A pod of another namespace's workload: on a node, or (without one) not bound yet. */
function otherPod(name: string, nodeName: string | undefined, gpu: number, terminal = false): PodInfo {
  const pod = boundPod(name, nodeName ?? '', gpu, { namespace: 'other' }, terminal);
  return nodeName !== undefined ? pod : { ...pod, nodeName: undefined, phase: terminal ? pod.phase : 'Pending' };
}

/** Every domain of the placement with its capacity and free GPUs as the full tree (nodes and pods) counts them. */
function expectFullTreeFigures(state: ClusterState, placement: WorkloadPlacement) {
  const topology = state.topologies.find((t) => t.name === placement.topology)!;
  const full = buildTopologyTree(state, topology);
  for (const level of placement.levels) {
    for (const d of level.domains) {
      const summary = full.domain(d.id)!;
      expect([d.id, d.capacityGpus, d.freeGpus]).toEqual([d.id, summary.capacity.gpu, summary.free.gpu]);
    }
  }
}

beforeEach(() => {
  vi.mocked(buildTopologyTree).mockClear();
});

describe('workloadPlacement across pod changes', () => {
  const demo = clusterStateFromSnapshot(demoSnapshot());
  const h100 = demo.nodes.filter((n) => n.name.startsWith('h100-'));
  const objects = stackObjects(agg, { node: (_h, n) => h100[n]!.name });
  const tree = buildWorkloadTree(objects.pcs, objects);
  // A nodes list of its own per test: the node-derived part is memoised per list for the whole module.
  const cluster = (): ClusterState => ({ ...demo, nodes: [...demo.nodes] });

  it('a pod change keeps the node-derived tree (same object, not rebuilt); the free GPUs follow the pods', () => {
    const before: ClusterState = { ...cluster(), pods: [otherPod('a', h100[4]!.name, 8)] };
    const first = workloadPlacement(before, tree);
    expect(treeBuilds()).toBe(1);
    const built = nodeTopology(before.nodes, before.topologies[0]!);

    // Another workload's pod lands on h100[0] (the stack's rack): the store hands out a new pods list, same nodes.
    const after: ClusterState = { ...before, pods: [...before.pods, otherPod('b', h100[0]!.name, 3)] };
    const second = workloadPlacement(after, tree);
    expect(treeBuilds()).toBe(1);
    expect(nodeTopology(after.nodes, after.topologies[0]!)).toBe(built);

    const rackOf = (p: WorkloadPlacement) => p.levels.find((l) => l.level === 'rack')!.domains;
    const [rack0Before] = rackOf(first);
    const [rack0After] = rackOf(second);
    expect(rack0After!.id).toBe(rack0Before!.id);
    expect(rack0After!.freeGpus).toBe(rack0Before!.freeGpus - 3);
    expect(rack0After!.capacityGpus).toBe(32);
    // The rest of what the panel shows does not depend on other workloads' pods.
    expect({ ...second, levels: second.levels.map((l) => l.domains.map(({ freeGpus: _, ...d }) => d)) }).toEqual({ ...first, levels: first.levels.map((l) => l.domains.map(({ freeGpus: _, ...d }) => d)) });
    expectFullTreeFigures(before, first);
    expectFullTreeFigures(after, second);
  });

  it('a node relabelled (a new nodes list) rebuilds it: the stack’s pod shows in its new rack', () => {
    const before: ClusterState = { ...cluster(), pods: [] };
    const first = workloadPlacement(before, tree);
    const built = nodeTopology(before.nodes, before.topologies[0]!);
    expect(treeBuilds()).toBe(1);
    const moved = h100[0]!;
    const rackKey = before.topologies[0]!.levels.find((l) => l.domain === 'rack')!.key;
    const after: ClusterState = { ...before, nodes: before.nodes.map((n) => (n === moved ? { ...n, labels: { ...n.labels, [rackKey]: 'r-new' } } : n)) };
    const second = workloadPlacement(after, tree);
    expect(treeBuilds()).toBe(2);
    expect(nodeTopology(after.nodes, after.topologies[0]!)).not.toBe(built);
    const racks = (p: WorkloadPlacement) => p.levels.find((l) => l.level === 'rack')!.domains.map((d) => [d.value, d.pods]);
    expect(racks(first)).toEqual([['zh0-b0-r0', 4]]);
    expect(racks(second)).toEqual([
      ['r-new', 1],
      ['zh0-b0-r0', 3],
    ]);
    expectFullTreeFigures(after, second);
  });

  it('a cordoned or NotReady node: its GPUs are not free, whatever its pods', () => {
    const cordoned = h100[1]!;
    const state: ClusterState = { ...demo, nodes: demo.nodes.map((n) => (n === cordoned ? { ...n, unschedulable: true } : n)), pods: [otherPod('c', cordoned.name, 2), otherPod('d', h100[2]!.name, 12)] };
    const placement = workloadPlacement(state, tree);
    const [rack] = placement.levels.find((l) => l.level === 'rack')!.domains;
    // r0 = h100[0..3], 8 GPUs each: h100[1] cordoned (0 free), h100[2] overcommitted (0 free).
    expect([rack!.capacityGpus, rack!.freeGpus]).toEqual([32, 16]);
    expectFullTreeFigures(state, placement);
  });
});

describe('workloadPlacement on random clusters', () => {
  const KEYS = ['zone', 'block', 'rack'] as const;
  const topology: TopologyInfo = {
    name: 'demo',
    levels: [...KEYS.map((key) => ({ domain: key, key: `example.com/${key}` })), { domain: 'host', key: 'kubernetes.io/hostname' }],
  };
  const value = fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined, freq: 6 });
  const nodeArb = fc.record({ labels: fc.tuple(value, value, value), gpu: fc.nat(8), unschedulable: fc.boolean(), ready: fc.boolean() });
  const podArb = (nodes: number) => fc.record({ node: fc.integer({ min: -1, max: nodes }), gpu: fc.nat(6), terminal: fc.boolean() });
  const clusterArb = fc.array(nodeArb, { minLength: 1, maxLength: 30 }).chain((nodes) =>
    fc.record({
      nodes: fc.constant(nodes),
      pods: fc.array(podArb(nodes.length), { maxLength: 60 }),
      morePods: fc.array(podArb(nodes.length), { maxLength: 20 }),
      // Where the stack's pods are: a node of the state, or one it does not know.
      stackNodes: fc.array(fc.integer({ min: 0, max: nodes.length }), { minLength: 4, maxLength: 4 }),
    }),
  );

  it('each domain’s capacity and free GPUs are the full tree’s, and a reused node-derived part gives what a fresh one gives', () => {
    fc.assert(
      fc.property(clusterArb, ({ nodes: specs, pods, morePods, stackNodes }) => {
        const name = (i: number) => (i < specs.length ? `node-${i}` : 'elsewhere');
        const nodes: NodeInfo[] = specs.map((s, i) => ({
          name: name(i),
          labels: { ...Object.fromEntries(KEYS.flatMap((key, l) => (s.labels[l] === undefined ? [] : [[`example.com/${key}`, s.labels[l]!]]))), 'kubernetes.io/hostname': name(i) },
          allocatable: { gpu: s.gpu, cpuMilli: 1000, memory: 2 ** 30, pods: 110 },
          taints: [],
          unschedulable: s.unschedulable,
          ready: s.ready,
        }));
        const podsOf = (list: typeof pods, prefix: string) => list.map((p, i) => otherPod(`${prefix}-${i}`, p.node < 0 ? undefined : name(p.node), p.gpu, p.terminal));
        const objects = stackObjects(agg, { node: (_h, n) => name(stackNodes[n]!) });
        const tree = buildWorkloadTree(objects.pcs, objects);
        const before: ClusterState = { nodes, pods: podsOf(pods, 'p'), topologies: [topology] };
        const after: ClusterState = { ...before, pods: [...before.pods.slice(1), ...podsOf(morePods, 'q')] };
        workloadPlacement(before, tree);
        const reused = workloadPlacement(after, tree);
        const fresh = workloadPlacement({ ...after, nodes: [...after.nodes] }, tree);
        expect(reused).toEqual(fresh);
        expect(reused.unknownNodePods).toBe(stackNodes.filter((i) => i >= specs.length).length);
        expectFullTreeFigures(after, reused);
      }),
      { numRuns: 100 },
    );
  });
});
