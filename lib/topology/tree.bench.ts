/**
 * TopologyTree build time at the placement engine's largest size: 12,500 nodes × 8 GPUs = 100k GPUs,
 * 4 levels (zone / block / rack / host, racks of 16 nodes that straddle blocks), half full
 * (25,000 bound pods of 2 GPUs). Run: `npx vitest bench --run lib/topology/tree.bench.ts`.
 *
 * Measured on the shared 2-core dev VM while other suites ran (load average 7–10, so every figure is
 * inflated by contention; a plain 25k-entry Map.get loop took 2.1 ms there):
 *   build                         median 6–9 ms, min 5.2–6.1 ms (vitest bench: min 6.1, mean 15.7 ms)
 *   build + rack domain objects   median 9–24 ms
 *   build + 12,500 host domains   median 30–60 ms (lazy: only when someone asks for host domains)
 * Where the build's time goes (CPU profile): ~40% the node-name Map (12,500 sets, 25,000 pod look-ups),
 * ~25% the one per-node aggregation pass, the rest label reads and typed-array copies.
 */
import { bench, describe } from 'vitest';
import type { ClusterState, TopologyInfo } from '../cluster/state';
import { buildTopologyTree } from './tree';

const NODES = 12_500;
const topology: TopologyInfo = {
  name: 'bench',
  levels: [
    { domain: 'zone', key: 'topology.kubernetes.io/zone' },
    { domain: 'block', key: 'topology.kubernetes.io/block' },
    { domain: 'rack', key: 'topology.kubernetes.io/rack' },
    { domain: 'host', key: 'kubernetes.io/hostname' },
  ],
};

const state: ClusterState = {
  nodes: Array.from({ length: NODES }, (_, i) => ({
    name: `gpu-${i}`,
    labels: {
      'topology.kubernetes.io/zone': `zone-${Math.floor(i / 3125)}`,
      'topology.kubernetes.io/block': `block-${Math.floor(i / 125)}`,
      'topology.kubernetes.io/rack': `rack-${Math.floor(i / 16)}`,
      'kubernetes.io/hostname': `gpu-${i}`,
      'nvidia.com/gpu.product': 'NVIDIA-GB200',
    },
    allocatable: { gpu: 8, cpuMilli: 143_500, memory: 1900 * 1024 ** 3, pods: 110 },
    taints: [],
    unschedulable: i % 997 === 0,
    ready: i % 1009 !== 0,
  })),
  pods: Array.from({ length: 2 * NODES }, (_, i) => ({
    namespace: 'bench',
    name: `pod-${i}`,
    nodeName: `gpu-${i % NODES}`,
    labels: {},
    requests: { gpu: 2, cpuMilli: 16_000, memory: 200 * 1024 ** 3, pods: 1 },
    terminal: i % 50 === 0,
  })),
  topologies: [topology],
};

// Warm the JIT first: the first builds run in the interpreter and would dominate 10 samples.
const options = { time: 3000, warmupTime: 500, warmupIterations: 20 };

describe('buildTopologyTree, 12,500 nodes / 100k GPUs / 25,000 pods', () => {
  bench('build (totals, free per domain via freeIn)', () => {
    const tree = buildTopologyTree(state, topology);
    tree.freeIn(tree.domainOf('gpu-0', 'rack')!.id);
  }, options);

  bench('build + rack domain objects', () => {
    buildTopologyTree(state, topology).domains('rack');
  }, options);

  bench('build + all 12,500 host domain objects', () => {
    buildTopologyTree(state, topology).domains('host');
  }, options);
});
