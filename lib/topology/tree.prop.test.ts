/**
 * Property tests of the TopologyTree's accounting against a brute-force recount, on random clusters:
 * random labels (levels that need not nest, missing labels), cordoned and NotReady nodes, pods bound
 * to known, unknown or no nodes, terminal pods, and overcommitted nodes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterState, NodeInfo, PodInfo, Resources, TopologyInfo } from '../cluster/state';
import { UNLABELLED, buildTopologyTree } from './tree';

const KEYS = ['zone', 'block', 'rack'] as const;
const topology: TopologyInfo = { name: 'random', levels: KEYS.map((key) => ({ domain: key, key: `example.com/${key}` })) };
const RESOURCE_NAMES = ['gpu', 'cpuMilli', 'memory', 'pods'] as const;

const resources = (max: { gpu: number; cpuMilli: number; memory: number; pods: number }) =>
  fc.record({
    gpu: fc.nat(max.gpu),
    cpuMilli: fc.nat(max.cpuMilli),
    memory: fc.nat(max.memory),
    pods: fc.nat(max.pods),
  });

const labelValue = fc.option(fc.constantFrom('a', 'b', 'c', 'd', ''), { nil: undefined, freq: 5 });

const nodeArb = fc.record({
  labels: fc.tuple(labelValue, labelValue, labelValue),
  allocatable: resources({ gpu: 8, cpuMilli: 192_000, memory: 2 * 1024 ** 4, pods: 110 }),
  unschedulable: fc.boolean(),
  ready: fc.boolean(),
});

const clusterArb = fc
  .array(nodeArb, { maxLength: 40 })
  .chain((nodes) =>
    fc.record({
      nodes: fc.constant(nodes),
      pods: fc.array(
        fc.record({
          // -1: unbound; nodes.length: a node that is not in the state
          node: fc.integer({ min: -1, max: nodes.length }),
          requests: resources({ gpu: 8, cpuMilli: 64_000, memory: 1024 ** 4, pods: 1 }),
          terminal: fc.boolean(),
        }),
        { maxLength: 120 },
      ),
    }),
  )
  .map(({ nodes, pods }): ClusterState => ({
    nodes: nodes.map(
      (node, i): NodeInfo => ({
        name: `n${i}`,
        labels: Object.fromEntries(KEYS.flatMap((key, l) => (node.labels[l] === undefined ? [] : [[`example.com/${key}`, node.labels[l]]]))),
        allocatable: node.allocatable,
        taints: [],
        unschedulable: node.unschedulable,
        ready: node.ready,
      }),
    ),
    pods: pods.map(
      (pod, i): PodInfo => ({
        namespace: 'default',
        name: `p${i}`,
        ...(pod.node >= 0 ? { nodeName: `n${pod.node}` } : {}),
        labels: {},
        requests: pod.requests,
        terminal: pod.terminal,
      }),
    ),
    topologies: [topology],
  }));

function sum(list: readonly Resources[]): Resources {
  return list.reduce((a, b) => ({ gpu: a.gpu + b.gpu, cpuMilli: a.cpuMilli + b.cpuMilli, memory: a.memory + b.memory, pods: a.pods + b.pods }), {
    gpu: 0,
    cpuMilli: 0,
    memory: 0,
    pods: 0,
  });
}

/** Free resources per node, recounted the slow obvious way. */
function bruteFree(state: ClusterState): Map<string, Resources> {
  const free = new Map<string, Resources>();
  for (const node of state.nodes) {
    const requested = sum(state.pods.filter((pod) => !pod.terminal && pod.nodeName === node.name).map((pod) => pod.requests));
    const usable = node.ready && !node.unschedulable;
    free.set(node.name, {
      gpu: usable ? Math.max(0, node.allocatable.gpu - requested.gpu) : 0,
      cpuMilli: usable ? Math.max(0, node.allocatable.cpuMilli - requested.cpuMilli) : 0,
      memory: usable ? Math.max(0, node.allocatable.memory - requested.memory) : 0,
      pods: usable ? Math.max(0, node.allocatable.pods - requested.pods) : 0,
    });
  }
  return free;
}

describe('TopologyTree accounting (property)', () => {
  it('free over the domains of any level, plus the unlabelled bucket, is the cluster free; free + used + unusable = capacity', () => {
    fc.assert(
      fc.property(clusterArb, (state) => {
        const tree = buildTopologyTree(state, topology);
        const free = bruteFree(state);
        expect(tree.totals.free).toEqual(sum([...free.values()]));
        expect(tree.totals.capacity).toEqual(sum(state.nodes.map((node) => node.allocatable)));

        for (const level of tree.levels) {
          const all = [...tree.domains(level.domain), ...tree.unlabelled(level.domain)];
          for (const field of ['capacity', 'requested', 'used', 'free', 'unusable'] as const) {
            expect(sum(all.map((domain) => domain[field])), `${level.domain}.${field}`).toEqual(tree.totals[field]);
          }
          expect(all.reduce((count, domain) => count + domain.nodeCount, 0)).toBe(state.nodes.length);
          const broader = tree.levels.slice(0, level.index + 1);
          // The label path of a node down to this level, written independently of the tree's ids.
          const pathOf = (node: NodeInfo, depth = level.index) => broader.slice(0, depth + 1).map((l) => `${l.domain}=${node.labels[l.key] ?? UNLABELLED}`).join('/');
          expect(level.unlabelledNodeCount).toBe(state.nodes.filter((node) => broader.some((l) => !(l.key in node.labels))).length);
          expect(new Set(all.map((domain) => domain.id)).size).toBe(all.length);

          for (const domain of all) {
            // Each domain holds exactly the nodes with its label path; it is unlabelled when the path lacks a label.
            const members = state.nodes.filter((node) => pathOf(node) === domain.id).map((node) => node.name);
            expect(domain.nodes).toEqual(members);
            expect(domain.unlabelled).toBe(domain.id.includes(UNLABELLED));
            expect(domain.free).toEqual(sum(members.map((name) => free.get(name)!)));
            for (const name of RESOURCE_NAMES) {
              expect(domain.free[name] + domain.used[name] + domain.unusable[name]).toBe(domain.capacity[name]);
            }
            const usable = state.nodes.filter((node) => members.includes(node.name) && node.ready && !node.unschedulable);
            expect(domain.maxFreeGpusOnNode).toBe(Math.max(0, ...usable.map((node) => free.get(node.name)!.gpu)));
            expect(domain.usableNodeCount).toBe(usable.length);

            // One parent: the path one level up; the domain's nodes are among the parent's.
            const first = state.nodes.find((node) => node.name === members[0])!;
            expect(domain.parent).toBe(level.index === 0 ? null : pathOf(first, level.index - 1));
            if (domain.parent) expect(domain.nodes.every((node) => tree.nodesIn(domain.parent!).includes(node))).toBe(true);
          }
        }

        for (const name of RESOURCE_NAMES) {
          expect(tree.totals.free[name] + tree.totals.used[name] + tree.totals.unusable[name]).toBe(tree.totals.capacity[name]);
        }
        if (state.nodes.every((node) => node.ready && !node.unschedulable)) {
          expect(sum([tree.totals.free, tree.totals.used])).toEqual(tree.totals.capacity);
        }
        const onUnknown = state.pods.filter((pod) => !pod.terminal && pod.nodeName !== undefined && !state.nodes.some((node) => node.name === pod.nodeName));
        expect(tree.totals.podsOnUnknownNodes).toBe(onUnknown.length);
      }),
      { numRuns: 300 },
    );
  });

  it('never reports negative free or use', () => {
    fc.assert(
      fc.property(clusterArb, (state) => {
        const tree = buildTopologyTree(state, topology);
        for (const level of tree.levels) {
          for (const domain of tree.domains(level.domain)) {
            for (const name of RESOURCE_NAMES) {
              expect(domain.free[name]).toBeGreaterThanOrEqual(0);
              expect(domain.used[name]).toBeLessThanOrEqual(domain.requested[name]);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
