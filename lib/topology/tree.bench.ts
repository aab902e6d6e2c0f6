/**
 * TopologyTree build time at the placement engine's largest size: 12,500 nodes × 8 GPUs = 100k GPUs,
 * 4 levels (zone / block / rack / host, racks of 16 nodes that straddle blocks), half full
 * (25,000 bound pods of 2 GPUs). Run: `npx vitest bench --run lib/topology/tree.bench.ts`.
 * Figures measured are in the report of the commit that added this file and in tree.test.ts.
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

describe('buildTopologyTree, 12,500 nodes / 100k GPUs / 25,000 pods', () => {
  bench('build (totals, free per domain via freeIn)', () => {
    const tree = buildTopologyTree(state, topology);
    tree.freeIn('rack', 'rack-7');
  });

  bench('build + rack domain objects', () => {
    buildTopologyTree(state, topology).domains('rack');
  });

  bench('build + all 12,500 host domain objects', () => {
    buildTopologyTree(state, topology).domains('host');
  });
});
